/* Shape inference of every layer type (one function per type, one file per
 * family), referenced by the registry table. */
#ifndef TRT_LAYERS_H
#define TRT_LAYERS_H

#include "network_internal.h"

trt_status_t trt_convolution_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_deconvolution_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_matmul_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gemm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_pooling_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_unary_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_elementwise_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_batch_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_instance_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_layer_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_lrn_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_softmax_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_reduce_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_reshape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_transpose_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_concat_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_split_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_slice_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_pad_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_resize_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gather_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_cast_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_shape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_constant_of_shape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_identity_infer(trt_network_t *network, trt_layer_t *layer);

/* Helpers that a family's shape inference shares with its CPU reference. */

/* Which of the input's `rank` dims a Reduce layer reduces (*noop: none). */
trt_status_t trt_reduce_resolve_axes(const trt_network_t *network, const trt_layer_t *layer,
                                     int rank, bool reduced[TRT_MAX_DIMS], bool *noop);

/* logic.c: comparisons, logic, Where; numpy broadcasting of two shapes. */
trt_status_t trt_broadcast_dims(const trt_dims_t *a, const trt_dims_t *b, trt_dims_t *out);
trt_status_t trt_compare_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_logic_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_where_infer(trt_network_t *network, trt_layer_t *layer);
/* indexing.c */
trt_status_t trt_arg_reduce_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gather_elements_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_tile_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_expand_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_trilu_infer(trt_network_t *network, trt_layer_t *layer);

#endif
