/* A frame's results as a GstStructure, for the element messages that
 * post-messages posts (readable with gst-launch-1.0 -m, or from any
 * language's bus watch, without the tensor meta's C API). */
#ifndef GST_TRT_MESSAGE_H
#define GST_TRT_MESSAGE_H

#include <gst/gst.h>

#include "gsttrttensormeta.h"

G_BEGIN_DECLS

#define GST_TRT_MESSAGE_NAME "trtinfer"

/* "trtinfer": unique-id, timestamp, stream-time and running-time (from
 * @segment, where in time format), duration, batch-index, and `tensors`, a
 * list of "tensor" structures: name, type, dims (array of guint64) and
 * values (array of gdouble: the first @max_values elements; every element
 * of every type reads as a double, 16-bit floats and 64-bit integers
 * included). */
GstStructure *gst_trt_results_structure (GstBuffer *buffer,
    const GstTrtTensorMeta *meta, const GstSegment *segment, guint max_values);

G_END_DECLS

#endif
