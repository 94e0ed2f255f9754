/* trtctc: turns a text recognizer's scores that a trtinfer element attached
 * to each frame into the recognized text. */
#ifndef GST_TRT_CTC_ELEMENT_H
#define GST_TRT_CTC_ELEMENT_H

#include "gsttrtdecoder.h"

G_BEGIN_DECLS

#define GST_TYPE_TRT_CTC (gst_trt_ctc_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtCtc, gst_trt_ctc, GST, TRT_CTC, GstTrtDecoder)

GST_ELEMENT_REGISTER_DECLARE (trtctc);

G_END_DECLS

#endif
