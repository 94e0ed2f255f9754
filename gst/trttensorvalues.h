/* A tensor's elements as doubles, whatever their type: what the decoders
 * and the bus messages read. */
#ifndef GST_TRT_TENSOR_VALUES_H
#define GST_TRT_TENSOR_VALUES_H

#include <gst/gst.h>

#include "gsttrttensormeta.h"

G_BEGIN_DECLS

/* The first elements of @tensor as doubles (every element type trtinfer
 * gives; 16-bit floats and 64-bit integers included), at most @max of
 * them, their number in @count; NULL with @error when its data cannot be
 * read. */
gdouble *gst_trt_tensor_read_values (const GstTrtTensor *tensor, gsize max,
    gsize *count, GError **error);

G_END_DECLS

#endif
