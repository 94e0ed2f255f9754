/* trtdbnet: turns a DBNet text detector's probability map (PP-OCR det) that
 * a trtinfer element attached to each frame into text regions. */
#ifndef GST_TRT_DBNET_ELEMENT_H
#define GST_TRT_DBNET_ELEMENT_H

#include "gsttrtdecoder.h"

G_BEGIN_DECLS

#define GST_TYPE_TRT_DBNET (gst_trt_dbnet_get_type ())
G_DECLARE_FINAL_TYPE (GstTrtDbnet, gst_trt_dbnet, GST, TRT_DBNET, GstTrtDecoder)

GST_ELEMENT_REGISTER_DECLARE (trtdbnet);

G_END_DECLS

#endif
