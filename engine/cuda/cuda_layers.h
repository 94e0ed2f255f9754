/* The CUDA implementations of the layer types, one `trt_cuda_<type>_ops`
 * table each, defined by the host file of their family:
 *
 *   engine/cuda/convolution.c    trt_cuda_convolution_ops, trt_cuda_deconvolution_ops
 *   engine/cuda/matmul.c         trt_cuda_matmul_ops, trt_cuda_gemm_ops
 *   engine/cuda/pooling.c        trt_cuda_pooling_ops
 *   engine/cuda/unary.c          trt_cuda_unary_ops
 *   engine/cuda/elementwise.c    trt_cuda_elementwise_ops
 *   engine/cuda/normalization.c  trt_cuda_batch_norm_ops, trt_cuda_instance_norm_ops,
 *                                trt_cuda_layer_norm_ops, trt_cuda_lrn_ops
 *   engine/cuda/softmax.c        trt_cuda_softmax_ops
 *   engine/cuda/reduce.c         trt_cuda_reduce_ops
 *   engine/cuda/shuffle.c        trt_cuda_reshape_ops, trt_cuda_transpose_ops
 *   engine/cuda/concat.c         trt_cuda_concat_ops, trt_cuda_split_ops
 *   engine/cuda/slice.c          trt_cuda_slice_ops, trt_cuda_pad_ops
 *   engine/cuda/resize.c         trt_cuda_resize_ops
 *   engine/cuda/gather.c         trt_cuda_gather_ops
 *   engine/cuda/shape_ops.c      trt_cuda_cast_ops, trt_cuda_identity_ops
 *   engine/cuda/logic.c          trt_cuda_compare_ops, trt_cuda_logic_ops, trt_cuda_where_ops
 *   engine/cuda/indexing.c       trt_cuda_arg_reduce_ops, trt_cuda_gather_elements_ops,
 *                                trt_cuda_tile_ops, trt_cuda_expand_ops, trt_cuda_trilu_ops
 *   engine/cuda/detection.c      trt_cuda_prior_box_ops, trt_cuda_detection_output_ops
 *   engine/cuda/plugin.c         trt_cuda_plugin_ops
 *
 * (the same families as engine/cpu/). Shape and ConstantOfShape always fold
 * at build time and have no CUDA implementation.
 *
 * engine/meson.build compiles every family's file (layer_families there)
 * and the registry (cuda_registry.c) refers to every table listed here, so
 * a family file must define each table listed for it. */
#ifndef TRT_CUDA_LAYERS_H
#define TRT_CUDA_LAYERS_H

#include "cuda/cuda_backend.h"

extern const trt_cuda_layer_ops_t trt_cuda_convolution_ops;
extern const trt_cuda_layer_ops_t trt_cuda_deconvolution_ops;
extern const trt_cuda_layer_ops_t trt_cuda_matmul_ops;
extern const trt_cuda_layer_ops_t trt_cuda_gemm_ops;
extern const trt_cuda_layer_ops_t trt_cuda_pooling_ops;
extern const trt_cuda_layer_ops_t trt_cuda_unary_ops;
extern const trt_cuda_layer_ops_t trt_cuda_elementwise_ops;
extern const trt_cuda_layer_ops_t trt_cuda_batch_norm_ops;
extern const trt_cuda_layer_ops_t trt_cuda_instance_norm_ops;
extern const trt_cuda_layer_ops_t trt_cuda_layer_norm_ops;
extern const trt_cuda_layer_ops_t trt_cuda_lrn_ops;
extern const trt_cuda_layer_ops_t trt_cuda_softmax_ops;
extern const trt_cuda_layer_ops_t trt_cuda_reduce_ops;
extern const trt_cuda_layer_ops_t trt_cuda_reshape_ops;
extern const trt_cuda_layer_ops_t trt_cuda_transpose_ops;
extern const trt_cuda_layer_ops_t trt_cuda_concat_ops;
extern const trt_cuda_layer_ops_t trt_cuda_split_ops;
extern const trt_cuda_layer_ops_t trt_cuda_slice_ops;
extern const trt_cuda_layer_ops_t trt_cuda_pad_ops;
extern const trt_cuda_layer_ops_t trt_cuda_resize_ops;
extern const trt_cuda_layer_ops_t trt_cuda_gather_ops;
extern const trt_cuda_layer_ops_t trt_cuda_cast_ops;
extern const trt_cuda_layer_ops_t trt_cuda_identity_ops;
extern const trt_cuda_layer_ops_t trt_cuda_compare_ops;
extern const trt_cuda_layer_ops_t trt_cuda_logic_ops;
extern const trt_cuda_layer_ops_t trt_cuda_where_ops;
extern const trt_cuda_layer_ops_t trt_cuda_arg_reduce_ops;
extern const trt_cuda_layer_ops_t trt_cuda_gather_elements_ops;
extern const trt_cuda_layer_ops_t trt_cuda_tile_ops;
extern const trt_cuda_layer_ops_t trt_cuda_expand_ops;
extern const trt_cuda_layer_ops_t trt_cuda_trilu_ops;
extern const trt_cuda_layer_ops_t trt_cuda_prior_box_ops;
extern const trt_cuda_layer_ops_t trt_cuda_detection_output_ops;
extern const trt_cuda_layer_ops_t trt_cuda_plugin_ops;

#endif
