/* The one table of CUDA layer implementations, indexed by layer type (the
 * tables are defined by the family files, see cuda_layers.h). A type with no
 * CUDA implementation stays NULL. */
#include <assert.h>

#include "cuda/cuda_layers.h"

static const trt_cuda_layer_ops_t *const cuda_layer_ops[] = {
    [TRT_LAYER_CONVOLUTION] = &trt_cuda_convolution_ops,
    [TRT_LAYER_DECONVOLUTION] = &trt_cuda_deconvolution_ops,
    [TRT_LAYER_POOLING] = &trt_cuda_pooling_ops,
    [TRT_LAYER_UNARY] = &trt_cuda_unary_ops,
    [TRT_LAYER_ELEMENTWISE] = &trt_cuda_elementwise_ops,
    [TRT_LAYER_MATMUL] = &trt_cuda_matmul_ops,
    [TRT_LAYER_GEMM] = &trt_cuda_gemm_ops,
    [TRT_LAYER_BATCH_NORM] = &trt_cuda_batch_norm_ops,
    [TRT_LAYER_INSTANCE_NORM] = &trt_cuda_instance_norm_ops,
    [TRT_LAYER_LAYER_NORM] = &trt_cuda_layer_norm_ops,
    [TRT_LAYER_LRN] = &trt_cuda_lrn_ops,
    [TRT_LAYER_SOFTMAX] = &trt_cuda_softmax_ops,
    [TRT_LAYER_REDUCE] = &trt_cuda_reduce_ops,
    [TRT_LAYER_RESHAPE] = &trt_cuda_reshape_ops,
    [TRT_LAYER_TRANSPOSE] = &trt_cuda_transpose_ops,
    [TRT_LAYER_CONCAT] = &trt_cuda_concat_ops,
    [TRT_LAYER_SPLIT] = &trt_cuda_split_ops,
    [TRT_LAYER_SLICE] = &trt_cuda_slice_ops,
    [TRT_LAYER_PAD] = &trt_cuda_pad_ops,
    [TRT_LAYER_RESIZE] = &trt_cuda_resize_ops,
    [TRT_LAYER_GATHER] = &trt_cuda_gather_ops,
    [TRT_LAYER_CAST] = &trt_cuda_cast_ops,
    [TRT_LAYER_SHAPE] = NULL,             /* always folded at build time */
    [TRT_LAYER_CONSTANT_OF_SHAPE] = NULL, /* always folded at build time */
    [TRT_LAYER_IDENTITY] = &trt_cuda_identity_ops,
    [TRT_LAYER_COMPARE] = &trt_cuda_compare_ops,
    [TRT_LAYER_LOGIC] = &trt_cuda_logic_ops,
    [TRT_LAYER_WHERE] = &trt_cuda_where_ops,
    [TRT_LAYER_ARG_REDUCE] = &trt_cuda_arg_reduce_ops,
    [TRT_LAYER_GATHER_ELEMENTS] = &trt_cuda_gather_elements_ops,
    [TRT_LAYER_TILE] = &trt_cuda_tile_ops,
    [TRT_LAYER_EXPAND] = &trt_cuda_expand_ops,
    [TRT_LAYER_TRILU] = &trt_cuda_trilu_ops,
    [TRT_LAYER_PRIOR_BOX] = &trt_cuda_prior_box_ops,
    [TRT_LAYER_DETECTION_OUTPUT] = &trt_cuda_detection_output_ops,
    [TRT_LAYER_PLUGIN] = &trt_cuda_plugin_ops,
};

static_assert(sizeof(cuda_layer_ops) / sizeof(cuda_layer_ops[0]) == TRT_LAYER_COUNT,
              "cuda_layer_ops needs one entry per layer type");

const trt_cuda_layer_ops_t *trt_cuda_layer_ops(trt_layer_type_t type) {
  if ((int)type < 0 || type >= TRT_LAYER_COUNT)
    return NULL;
  return cuda_layer_ops[type];
}
