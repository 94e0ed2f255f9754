/* The ONNX op table (op_type -> import function, with opset notes) and its lookup. */
#include <string.h>

#include "onnx/onnx_import.h"
#include "onnx/onnx_internal.h"

/* ---- the table ---------------------------------------------------------- */

/* Sorted by op_type. A note names the opsets whose form differs (attribute
 * in one version, input in the next): the import function turns every form
 * into the one the layer takes. */
static const trt_onnx_op_t onnx_ops[] = {
    {"Abs", trt_onnx_import_abs},
    {"Add", trt_onnx_import_add},        /* opset < 7: broadcast/axis attributes */
    {"And", trt_onnx_import_and},        /* opset < 7: broadcast/axis attributes */
    {"ArgMax", trt_onnx_import_arg_max}, /* select_last_index from 12 */
    {"ArgMin", trt_onnx_import_arg_min}, /* select_last_index from 12 */
    {"AveragePool", trt_onnx_import_average_pool},
    {"BatchNormalization", trt_onnx_import_batch_norm}, /* opset < 7: is_test */
    {"Cast", trt_onnx_import_cast},                     /* opset < 6: `to` is a type name */
    {"Clip", trt_onnx_import_clip},     /* opset < 11: min/max attributes, inputs since */
    {"Concat", trt_onnx_import_concat}, /* opset < 4: axis defaults to 1 */
    {"Constant", trt_onnx_import_constant},
    {"ConstantOfShape", trt_onnx_import_constant_of_shape},
    {"Conv", trt_onnx_import_conv},
    {"ConvTranspose", trt_onnx_import_conv_transpose},
    {"Div", trt_onnx_import_div},         /* opset < 7: broadcast/axis attributes */
    {"Dropout", trt_onnx_import_dropout}, /* opset < 7: is_test; 12+: training_mode input */
    {"Elu", trt_onnx_import_elu},
    {"Equal", trt_onnx_import_equal}, /* opset < 7: broadcast/axis attributes */
    {"Erf", trt_onnx_import_erf},
    {"Exp", trt_onnx_import_exp},
    {"Expand", trt_onnx_import_expand},
    {"Flatten", trt_onnx_import_flatten},
    {"Gather", trt_onnx_import_gather},
    {"GatherElements", trt_onnx_import_gather_elements},
    {"Gemm", trt_onnx_import_gemm},
    {"GlobalAveragePool", trt_onnx_import_global_average_pool},
    {"GlobalMaxPool", trt_onnx_import_global_max_pool},
    {"Greater", trt_onnx_import_greater}, /* opset < 7: broadcast/axis attributes */
    {"GreaterOrEqual", trt_onnx_import_greater_or_equal},
    {"HardSigmoid", trt_onnx_import_hard_sigmoid},
    {"HardSwish", trt_onnx_import_hard_swish},
    {"Identity", trt_onnx_import_identity},
    {"InstanceNormalization", trt_onnx_import_instance_norm},
    {"LRN", trt_onnx_import_lrn},
    {"LayerNormalization", trt_onnx_import_layer_norm},
    {"LeakyRelu", trt_onnx_import_leaky_relu},
    {"Less", trt_onnx_import_less}, /* opset < 7: broadcast/axis attributes */
    {"LessOrEqual", trt_onnx_import_less_or_equal},
    {"Log", trt_onnx_import_log},
    {"LogSoftmax", trt_onnx_import_log_softmax}, /* opset < 13: 2-D at axis */
    {"MatMul", trt_onnx_import_matmul},
    {"Max", trt_onnx_import_max},
    {"MaxPool", trt_onnx_import_max_pool},
    {"Mean", trt_onnx_import_mean},
    {"Min", trt_onnx_import_min},
    {"Mod", trt_onnx_import_mod}, /* fmod: the remainder's sign convention */
    {"Mul", trt_onnx_import_mul}, /* opset < 7: broadcast/axis attributes */
    {"Neg", trt_onnx_import_neg},
    {"Not", trt_onnx_import_not},
    {"Or", trt_onnx_import_or},       /* opset < 7: broadcast/axis attributes */
    {"PRelu", trt_onnx_import_prelu}, /* opset < 7: 1-D slope along the channels */
    {"Pad", trt_onnx_import_pad},     /* opset < 11: pads/value attributes (Pad-1: paddings) */
    {"Pow", trt_onnx_import_pow},     /* opset < 7: broadcast/axis attributes */
    {"Reciprocal", trt_onnx_import_reciprocal},
    {"ReduceMax", trt_onnx_import_reduce_max},
    {"ReduceMean", trt_onnx_import_reduce_mean},
    {"ReduceMin", trt_onnx_import_reduce_min},
    {"ReduceProd", trt_onnx_import_reduce_prod},
    {"ReduceSum", trt_onnx_import_reduce_sum}, /* 13+: axes input */
    {"Relu", trt_onnx_import_relu},
    {"Reshape", trt_onnx_import_reshape}, /* opset < 5: shape attribute */
    {"Resize", trt_onnx_import_resize},   /* Resize-10 as Upsample-9 */
    {"Selu", trt_onnx_import_selu},
    {"Shape", trt_onnx_import_shape},
    {"Sigmoid", trt_onnx_import_sigmoid},
    {"Slice", trt_onnx_import_slice},     /* opset < 10: starts/ends/axes attributes */
    {"Softmax", trt_onnx_import_softmax}, /* opset < 13: 2-D at axis */
    {"Softplus", trt_onnx_import_softplus},
    {"Softsign", trt_onnx_import_softsign},
    {"Split", trt_onnx_import_split}, /* 2-12: split attribute; 13+: input; 1: either */
    {"Sqrt", trt_onnx_import_sqrt},
    {"Squeeze", trt_onnx_import_squeeze}, /* 13+: axes input */
    {"Sub", trt_onnx_import_sub},         /* opset < 7: broadcast/axis attributes */
    {"Sum", trt_onnx_import_sum},
    {"Tanh", trt_onnx_import_tanh},
    {"Tile", trt_onnx_import_tile}, /* Tile-1 unsupported */
    {"Transpose", trt_onnx_import_transpose},
    {"Trilu", trt_onnx_import_trilu},
    {"Unsqueeze", trt_onnx_import_unsqueeze}, /* 13+: axes input */
    {"Upsample",
     trt_onnx_import_upsample}, /* Upsample-1: height/width_scale; 7-8: scales attribute */
    {"Where", trt_onnx_import_where},
    {"Xor", trt_onnx_import_xor}, /* opset < 7: broadcast/axis attributes */
};

const trt_onnx_op_t *trt_onnx_find_op(const char *op_type) {
  for (size_t i = 0; i < sizeof(onnx_ops) / sizeof(onnx_ops[0]); i++)
    if (strcmp(onnx_ops[i].op_type, op_type) == 0)
      return &onnx_ops[i];
  return NULL;
}
