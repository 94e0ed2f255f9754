/* Graph helpers shared by the passes. Passes drop layers with
 * trt_pass_drop_layer() while they sweep (indices stay valid); the manager
 * compacts and re-sorts after each pass. */
#ifndef TRT_PASS_UTIL_H
#define TRT_PASS_UTIL_H

#include "passes/pass_manager.h"

/* Counts one rewrite and, when logging, logs "pass: message". */
void trt_pass_note(trt_pass_stats_t *stats, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* A dropped layer keeps its slot until compaction but reads and writes
 * nothing; sweeps skip it. */
void trt_pass_drop_layer(trt_network_t *network, int layer);
static inline bool trt_pass_dropped(const trt_layer_t *layer) { return layer->nb_outputs == 0; }
/* Removes dropped layers and tensors nothing refers to; fixes producers. */
trt_status_t trt_pass_compact(trt_network_t *network);

/* The manager brackets each pass with these: in between, the queries below
 * answer from an index of readers instead of scanning the network, and
 * passes change which tensors a layer reads only through the helpers here
 * (end fails when a check found the index out of date). */
trt_status_t trt_pass_index_begin(const trt_network_t *network);
trt_status_t trt_pass_index_end(void);

/* How many times live layers read `tensor`. */
int trt_pass_read_count(const trt_network_t *network, int tensor);
/* The one live layer that reads `tensor`, once; -1 when none or several. */
int trt_pass_only_reader(const trt_network_t *network, int tensor);
/* A layer's output that may disappear into a fusion: produced by a layer,
 * not a network output, not a view or a view's parent. */
bool trt_pass_is_internal(const trt_network_t *network, int tensor);
/* Internal and read by exactly one layer (once): returns that layer or -1. */
int trt_pass_fusible_reader(const trt_network_t *network, int tensor);
/* Gives `layer` these inputs (copied; the old array is freed). */
trt_status_t trt_pass_set_inputs(trt_network_t *network, int layer, const int *inputs,
                                 int nb_inputs);
/* Makes `tensor` a view of `parent` from `offset` along `axis`. */
void trt_pass_make_view(trt_network_t *network, int tensor, int parent, int axis, int64_t offset);
/* Rewires every live read of `from` to `to`. */
void trt_pass_replace_reads(trt_network_t *network, int from, int to);
/* Makes `layer`'s output `index` the tensor `tensor` (which now has `layer`
 * as producer); the old output tensor is left unproduced and unread. */
void trt_pass_set_output(trt_network_t *network, int layer, int index, int tensor);

/* Appends " + suffix" to the layer's name. */
trt_status_t trt_pass_append_name(trt_layer_t *layer, const char *suffix);
/* Adds a float constant named after `base` (made unique); -1 on error. */
int trt_pass_add_float_constant(trt_network_t *network, const char *base, const trt_dims_t *dims,
                                const float *data);

/* Whether a constant of `dims` broadcasts to one value per channel (axis 1)
 * of a rank-`rank` tensor with `channels` channels, or is a single value. */
bool trt_pass_per_channel(const trt_dims_t *dims, int rank, int64_t channels);

/* The activation steps a pointwise layer applies to its one variable
 * input (returned in `*input`): a float32 Unary's op and chain, or an
 * Elementwise of a float32 tensor and a float32 scalar constant that one
 * step computes exactly: x*c, c*x, x+c, c+x, x-c, c-x (SCALE_SHIFT), x/c for
 * c a power of two (SCALE_SHIFT by 1/c), x^c (POWER). Returns the number
 * of steps (at most TRT_MAX_UNARY_CHAIN), 0 when the layer is none of these
 * or its output differs from its input in type or dims. */
int trt_pass_pointwise_steps(const trt_network_t *network, const trt_layer_t *layer, int *input,
                             trt_activation_t *steps);

#endif
