/* trtinfer: runs a neural network on video frames and attaches its outputs
 * to each frame as a GstTrtTensorMeta. */
#ifndef GST_TRT_INFER_H
#define GST_TRT_INFER_H

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_TRT_INFER (gst_trt_infer_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtInfer, gst_trt_infer, GST, TRT_INFER, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (trtinfer);

G_END_DECLS

#endif
