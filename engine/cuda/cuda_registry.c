/* The one table of CUDA layer implementations, indexed by layer type. A type
 * whose family file is not built yet (see cuda_layers.h) stays NULL. */
#include <assert.h>

#include "cuda/cuda_layers.h"
#include "cuda_families.h"

#ifdef TRT_CUDA_HAVE_CONVOLUTION
#define CONVOLUTION_OPS &trt_cuda_convolution_ops
#define DECONVOLUTION_OPS &trt_cuda_deconvolution_ops
#else
#define CONVOLUTION_OPS NULL
#define DECONVOLUTION_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_MATMUL
#define MATMUL_OPS &trt_cuda_matmul_ops
#define GEMM_OPS &trt_cuda_gemm_ops
#else
#define MATMUL_OPS NULL
#define GEMM_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_POOLING
#define POOLING_OPS &trt_cuda_pooling_ops
#else
#define POOLING_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_UNARY
#define UNARY_OPS &trt_cuda_unary_ops
#else
#define UNARY_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_ELEMENTWISE
#define ELEMENTWISE_OPS &trt_cuda_elementwise_ops
#else
#define ELEMENTWISE_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_NORMALIZATION
#define BATCH_NORM_OPS &trt_cuda_batch_norm_ops
#define INSTANCE_NORM_OPS &trt_cuda_instance_norm_ops
#define LAYER_NORM_OPS &trt_cuda_layer_norm_ops
#define LRN_OPS &trt_cuda_lrn_ops
#else
#define BATCH_NORM_OPS NULL
#define INSTANCE_NORM_OPS NULL
#define LAYER_NORM_OPS NULL
#define LRN_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_SOFTMAX
#define SOFTMAX_OPS &trt_cuda_softmax_ops
#else
#define SOFTMAX_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_REDUCE
#define REDUCE_OPS &trt_cuda_reduce_ops
#else
#define REDUCE_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_SHUFFLE
#define RESHAPE_OPS &trt_cuda_reshape_ops
#define TRANSPOSE_OPS &trt_cuda_transpose_ops
#else
#define RESHAPE_OPS NULL
#define TRANSPOSE_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_CONCAT
#define CONCAT_OPS &trt_cuda_concat_ops
#define SPLIT_OPS &trt_cuda_split_ops
#else
#define CONCAT_OPS NULL
#define SPLIT_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_SLICE
#define SLICE_OPS &trt_cuda_slice_ops
#define PAD_OPS &trt_cuda_pad_ops
#else
#define SLICE_OPS NULL
#define PAD_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_RESIZE
#define RESIZE_OPS &trt_cuda_resize_ops
#else
#define RESIZE_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_GATHER
#define GATHER_OPS &trt_cuda_gather_ops
#else
#define GATHER_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_SHAPE_OPS
#define CAST_OPS &trt_cuda_cast_ops
#define IDENTITY_OPS &trt_cuda_identity_ops
#else
#define CAST_OPS NULL
#define IDENTITY_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_LOGIC
#define COMPARE_OPS &trt_cuda_compare_ops
#define LOGIC_OPS &trt_cuda_logic_ops
#define WHERE_OPS &trt_cuda_where_ops
#else
#define COMPARE_OPS NULL
#define LOGIC_OPS NULL
#define WHERE_OPS NULL
#endif
#ifdef TRT_CUDA_HAVE_INDEXING
#define ARG_REDUCE_OPS &trt_cuda_arg_reduce_ops
#define GATHER_ELEMENTS_OPS &trt_cuda_gather_elements_ops
#define TILE_OPS &trt_cuda_tile_ops
#define EXPAND_OPS &trt_cuda_expand_ops
#define TRILU_OPS &trt_cuda_trilu_ops
#else
#define ARG_REDUCE_OPS NULL
#define GATHER_ELEMENTS_OPS NULL
#define TILE_OPS NULL
#define EXPAND_OPS NULL
#define TRILU_OPS NULL
#endif

static const trt_cuda_layer_ops_t *const cuda_layer_ops[] = {
    [TRT_LAYER_CONVOLUTION] = CONVOLUTION_OPS,
    [TRT_LAYER_DECONVOLUTION] = DECONVOLUTION_OPS,
    [TRT_LAYER_POOLING] = POOLING_OPS,
    [TRT_LAYER_UNARY] = UNARY_OPS,
    [TRT_LAYER_ELEMENTWISE] = ELEMENTWISE_OPS,
    [TRT_LAYER_MATMUL] = MATMUL_OPS,
    [TRT_LAYER_GEMM] = GEMM_OPS,
    [TRT_LAYER_BATCH_NORM] = BATCH_NORM_OPS,
    [TRT_LAYER_INSTANCE_NORM] = INSTANCE_NORM_OPS,
    [TRT_LAYER_LAYER_NORM] = LAYER_NORM_OPS,
    [TRT_LAYER_LRN] = LRN_OPS,
    [TRT_LAYER_SOFTMAX] = SOFTMAX_OPS,
    [TRT_LAYER_REDUCE] = REDUCE_OPS,
    [TRT_LAYER_RESHAPE] = RESHAPE_OPS,
    [TRT_LAYER_TRANSPOSE] = TRANSPOSE_OPS,
    [TRT_LAYER_CONCAT] = CONCAT_OPS,
    [TRT_LAYER_SPLIT] = SPLIT_OPS,
    [TRT_LAYER_SLICE] = SLICE_OPS,
    [TRT_LAYER_PAD] = PAD_OPS,
    [TRT_LAYER_RESIZE] = RESIZE_OPS,
    [TRT_LAYER_GATHER] = GATHER_OPS,
    [TRT_LAYER_CAST] = CAST_OPS,
    [TRT_LAYER_SHAPE] = NULL,             /* always folded at build time */
    [TRT_LAYER_CONSTANT_OF_SHAPE] = NULL, /* always folded at build time */
    [TRT_LAYER_IDENTITY] = IDENTITY_OPS,
    [TRT_LAYER_COMPARE] = COMPARE_OPS,
    [TRT_LAYER_LOGIC] = LOGIC_OPS,
    [TRT_LAYER_WHERE] = WHERE_OPS,
    [TRT_LAYER_ARG_REDUCE] = ARG_REDUCE_OPS,
    [TRT_LAYER_GATHER_ELEMENTS] = GATHER_ELEMENTS_OPS,
    [TRT_LAYER_TILE] = TILE_OPS,
    [TRT_LAYER_EXPAND] = EXPAND_OPS,
    [TRT_LAYER_TRILU] = TRILU_OPS,
};

static_assert(sizeof(cuda_layer_ops) / sizeof(cuda_layer_ops[0]) == TRT_LAYER_COUNT,
              "cuda_layer_ops needs one entry per layer type");

const trt_cuda_layer_ops_t *trt_cuda_layer_ops(trt_layer_type_t type) {
  if ((int)type < 0 || type >= TRT_LAYER_COUNT)
    return NULL;
  return cuda_layer_ops[type];
}
