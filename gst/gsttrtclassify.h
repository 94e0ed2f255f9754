/* trtclassify: turns the class scores that a trtinfer element attached to
 * each frame into a region of interest with its labels. */
#ifndef GST_TRT_CLASSIFY_H
#define GST_TRT_CLASSIFY_H

#include "gsttrtdecoder.h"

G_BEGIN_DECLS

#define GST_TYPE_TRT_CLASSIFY (gst_trt_classify_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtClassify, gst_trt_classify, GST, TRT_CLASSIFY,
    GstTrtDecoder)

GST_ELEMENT_REGISTER_DECLARE (trtclassify);

G_END_DECLS

#endif
