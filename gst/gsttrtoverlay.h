/* trtoverlay: draws the regions of interest that the decoders attached
 * (boxes, labels, confidences) onto the video. */
#ifndef GST_TRT_OVERLAY_H
#define GST_TRT_OVERLAY_H

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_TRT_OVERLAY (gst_trt_overlay_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtOverlay, gst_trt_overlay, GST, TRT_OVERLAY,
    GstVideoFilter)

GST_ELEMENT_REGISTER_DECLARE (trtoverlay);

G_END_DECLS

#endif
