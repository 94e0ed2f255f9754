/* Memory formats as a rewrite of the specialized network (builder step,
 * after precision lowering, before memory planning): regions of
 * convolutions and the layers between them switch to channels-last
 * tensors (NHWC), the layout tensor-core convolutions read and write, and
 * Cast layers ("reformats") convert where a channels-last tensor meets a
 * layer that reads only linear ones.
 *
 * The backend classifies each layer (`formats_of`): LINEAR (reads and
 * writes linear tensors only), SAME (any format, the same for all its
 * activations: convolution, pooling, pointwise), CONVERTS (input and
 * output formats independent: Cast, whose kernel reformats while it
 * converts). Tensors whose two layouts are the same bytes (spatial volume 1
 * or one channel) are "format-free" and never need converting.
 *
 * Groups: activations joined by SAME layers (and views with their parents)
 * must share a format. A group goes channels-last when all its tensors are
 * rank-4 float16 activations (views: along the channels, one level), none
 * is a network input or output, and a convolution reads or writes it. A
 * convolution there writes a packed tensor of its own, not a view of a
 * concat's output; that concat copies it.
 * Network inputs and outputs stay linear, so bindings never change. Weights
 * of channels-last convolutions are stored channels-last too (KRSC). Each
 * decision is logged at verbose level; plan files record every tensor's
 * format. */
#ifndef TRT_FORMATS_H
#define TRT_FORMATS_H

#include "network_internal.h"

typedef enum {
  TRT_LAYER_FORMATS_LINEAR = 0,
  TRT_LAYER_FORMATS_SAME,
  TRT_LAYER_FORMATS_CONVERTS,
} trt_layer_formats_t;

typedef trt_layer_formats_t (*trt_layer_formats_fn)(const trt_network_t *network,
                                                    const trt_layer_t *layer, void *user_data);

typedef struct {
  int channels_last_tensors; /* activations made channels-last */
  int groups;                /* groups made channels-last */
  int reformats;             /* Cast layers inserted */
  int weights;               /* weight tensors stored channels-last */
  int detached_views;        /* convolution outputs no longer written into a concat */
} trt_format_report_t;

/* Rewrites `network` (shapes inferred, passes run, precision lowered); the
 * network stays topologically sorted. `report` may be NULL. */
trt_status_t trt_network_choose_formats(trt_network_t *network, trt_layer_formats_fn formats_of,
                                        void *user_data, bool log, trt_format_report_t *report);

/* Whether a tensor's linear and channels-last layouts are the same bytes. */
bool trt_tensor_format_free(const trt_tensor_t *tensor);

/* "linear" or "nhwc" (channels-last; "?" for anything else). */
const char *trt_tensor_format_name(trt_tensor_format_t format);

#endif
