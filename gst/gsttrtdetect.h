/* trtdetect: turns the detector outputs that a trtinfer element attached
 * to each frame into regions of interest, one per object. */
#ifndef GST_TRT_DETECT_H
#define GST_TRT_DETECT_H

#include "gsttrtdecoder.h"

G_BEGIN_DECLS

#define GST_TYPE_TRT_DETECT (gst_trt_detect_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtDetect, gst_trt_detect, GST, TRT_DETECT,
    GstTrtDecoder)

GST_ELEMENT_REGISTER_DECLARE (trtdetect);

G_END_DECLS

#endif
