/* The import functions of the ONNX op table (onnx_ops.c), grouped by defining file. */
#ifndef TRT_ONNX_IMPORT_H
#define TRT_ONNX_IMPORT_H

#include "onnx/onnx_internal.h"

/* The type of every import function (see trt_onnx_import_fn). */
typedef trt_status_t trt_onnx_import_t(trt_onnx_importer_t *importer, const Onnx__NodeProto *node);

/* Defines import function `function` as a call of `helper` with the
 * importer, the node and the other arguments: the variants of an op family. */
#define TRT_ONNX_IMPORT_VIA(function, helper, ...)                                                 \
  trt_status_t function(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {              \
    return helper(importer, node, __VA_ARGS__);                                                    \
  }

/* ---- onnx_import_nn.c ---- */
trt_onnx_import_t trt_onnx_import_conv;
trt_onnx_import_t trt_onnx_import_conv_transpose;
trt_onnx_import_t trt_onnx_import_max_pool;
trt_onnx_import_t trt_onnx_import_average_pool;
trt_onnx_import_t trt_onnx_import_global_average_pool;
trt_onnx_import_t trt_onnx_import_global_max_pool;
trt_onnx_import_t trt_onnx_import_batch_norm;
trt_onnx_import_t trt_onnx_import_instance_norm;
trt_onnx_import_t trt_onnx_import_layer_norm;
trt_onnx_import_t trt_onnx_import_lrn;
trt_onnx_import_t trt_onnx_import_softmax;
trt_onnx_import_t trt_onnx_import_log_softmax;
trt_onnx_import_t trt_onnx_import_upsample;
trt_onnx_import_t trt_onnx_import_resize;

/* ---- onnx_import_math.c ---- */
trt_onnx_import_t trt_onnx_import_relu;
trt_onnx_import_t trt_onnx_import_sigmoid;
trt_onnx_import_t trt_onnx_import_tanh;
trt_onnx_import_t trt_onnx_import_erf;
trt_onnx_import_t trt_onnx_import_softplus;
trt_onnx_import_t trt_onnx_import_log;
trt_onnx_import_t trt_onnx_import_sqrt;
trt_onnx_import_t trt_onnx_import_exp;
trt_onnx_import_t trt_onnx_import_abs;
trt_onnx_import_t trt_onnx_import_neg;
trt_onnx_import_t trt_onnx_import_reciprocal;
trt_onnx_import_t trt_onnx_import_leaky_relu;
trt_onnx_import_t trt_onnx_import_elu;
trt_onnx_import_t trt_onnx_import_hard_sigmoid;
trt_onnx_import_t trt_onnx_import_hard_swish;
trt_onnx_import_t trt_onnx_import_selu;
trt_onnx_import_t trt_onnx_import_softsign;
trt_onnx_import_t trt_onnx_import_clip;
trt_onnx_import_t trt_onnx_import_add;
trt_onnx_import_t trt_onnx_import_sub;
trt_onnx_import_t trt_onnx_import_mul;
trt_onnx_import_t trt_onnx_import_div;
trt_onnx_import_t trt_onnx_import_pow;
trt_onnx_import_t trt_onnx_import_mod;
trt_onnx_import_t trt_onnx_import_prelu;
trt_onnx_import_t trt_onnx_import_sum;
trt_onnx_import_t trt_onnx_import_min;
trt_onnx_import_t trt_onnx_import_max;
trt_onnx_import_t trt_onnx_import_mean;
trt_onnx_import_t trt_onnx_import_gemm;
trt_onnx_import_t trt_onnx_import_matmul;
trt_onnx_import_t trt_onnx_import_reduce_mean;
trt_onnx_import_t trt_onnx_import_reduce_sum;
trt_onnx_import_t trt_onnx_import_reduce_max;
trt_onnx_import_t trt_onnx_import_reduce_min;
trt_onnx_import_t trt_onnx_import_reduce_prod;
trt_onnx_import_t trt_onnx_import_equal;
trt_onnx_import_t trt_onnx_import_less;
trt_onnx_import_t trt_onnx_import_less_or_equal;
trt_onnx_import_t trt_onnx_import_greater;
trt_onnx_import_t trt_onnx_import_greater_or_equal;
trt_onnx_import_t trt_onnx_import_and;
trt_onnx_import_t trt_onnx_import_or;
trt_onnx_import_t trt_onnx_import_xor;
trt_onnx_import_t trt_onnx_import_not;
trt_onnx_import_t trt_onnx_import_where;
trt_onnx_import_t trt_onnx_import_arg_max;
trt_onnx_import_t trt_onnx_import_arg_min;

/* ---- onnx_import_tensor.c ---- */
trt_onnx_import_t trt_onnx_import_flatten;
trt_onnx_import_t trt_onnx_import_reshape;
trt_onnx_import_t trt_onnx_import_squeeze;
trt_onnx_import_t trt_onnx_import_unsqueeze;
trt_onnx_import_t trt_onnx_import_transpose;
trt_onnx_import_t trt_onnx_import_concat;
trt_onnx_import_t trt_onnx_import_split;
trt_onnx_import_t trt_onnx_import_slice;
trt_onnx_import_t trt_onnx_import_pad;
trt_onnx_import_t trt_onnx_import_gather;
trt_onnx_import_t trt_onnx_import_cast;
trt_onnx_import_t trt_onnx_import_shape;
trt_onnx_import_t trt_onnx_import_identity;
trt_onnx_import_t trt_onnx_import_dropout;
trt_onnx_import_t trt_onnx_import_constant;
trt_onnx_import_t trt_onnx_import_constant_of_shape;
trt_onnx_import_t trt_onnx_import_gather_elements;
trt_onnx_import_t trt_onnx_import_tile;
trt_onnx_import_t trt_onnx_import_expand;
trt_onnx_import_t trt_onnx_import_trilu;

#endif
