/* ONNX import of unary, elementwise, Gemm/MatMul, reduce, compare/logic/Where, ArgMax/Min. */
#include <math.h>
#include <stdio.h>

#include "network_internal.h"
#include "onnx/onnx_import.h"
#include "onnx/onnx_internal.h"

/* ---- activations and unary math ---------------------------------------- */

static trt_status_t add_unary(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                              trt_activation_kind_t kind, float alpha, float beta) {
  trt_unary_params_t params = {.op = {kind, alpha, beta}};
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_UNARY, 1, &params);
}

/* Importers for unary ops without attributes. */
#define IMPORT_UNARY(function, kind) TRT_ONNX_IMPORT_VIA(function, add_unary, kind, 0.0f, 0.0f)

IMPORT_UNARY(trt_onnx_import_relu, TRT_ACTIVATION_RELU)
IMPORT_UNARY(trt_onnx_import_sigmoid, TRT_ACTIVATION_SIGMOID)
IMPORT_UNARY(trt_onnx_import_tanh, TRT_ACTIVATION_TANH)
IMPORT_UNARY(trt_onnx_import_erf, TRT_ACTIVATION_ERF)
IMPORT_UNARY(trt_onnx_import_softplus, TRT_ACTIVATION_SOFTPLUS)
IMPORT_UNARY(trt_onnx_import_log, TRT_ACTIVATION_LOG)
IMPORT_UNARY(trt_onnx_import_sqrt, TRT_ACTIVATION_SQRT)
IMPORT_UNARY(trt_onnx_import_exp, TRT_ACTIVATION_EXP)
IMPORT_UNARY(trt_onnx_import_abs, TRT_ACTIVATION_ABS)
IMPORT_UNARY(trt_onnx_import_neg, TRT_ACTIVATION_NEG)
IMPORT_UNARY(trt_onnx_import_reciprocal, TRT_ACTIVATION_RECIPROCAL)

trt_status_t trt_onnx_import_leaky_relu(trt_onnx_importer_t *importer,
                                        const Onnx__NodeProto *node) {
  float alpha;
  trt_status_t status = trt_onnx_attr_float(node, "alpha", 0.01f, &alpha);
  return status != TRT_STATUS_OK
             ? status
             : add_unary(importer, node, TRT_ACTIVATION_LEAKY_RELU, alpha, 0.0f);
}

trt_status_t trt_onnx_import_elu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  float alpha;
  trt_status_t status = trt_onnx_attr_float(node, "alpha", 1.0f, &alpha);
  return status != TRT_STATUS_OK ? status
                                 : add_unary(importer, node, TRT_ACTIVATION_ELU, alpha, 0.0f);
}

trt_status_t trt_onnx_import_hard_sigmoid(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node) {
  float alpha, beta;
  trt_status_t status;
  if ((status = trt_onnx_attr_float(node, "alpha", 0.2f, &alpha)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "beta", 0.5f, &beta)) != TRT_STATUS_OK)
    return status;
  return add_unary(importer, node, TRT_ACTIVATION_HARD_SIGMOID, alpha, beta);
}

/* HardSwish(x) = x * HardSigmoid(x) with ONNX's fixed alpha 1/6, beta 0.5. */
TRT_ONNX_IMPORT_VIA(trt_onnx_import_hard_swish, add_unary, TRT_ACTIVATION_HARD_SWISH, 1.0f / 6.0f,
                    0.5f)

/* Adds `kind`(a, b) as a helper layer "<node>/<suffix>" (last: the node's
 * own layer and output). */
static trt_status_t add_elementwise_step(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                         const char *suffix, trt_elementwise_kind_t kind, int a,
                                         int b, bool last, int *output) {
  int operands[2] = {a, b};
  trt_elementwise_params_t params = {kind};
  if (last)
    return trt_onnx_add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, operands, 2, &params);
  return trt_onnx_add_helper_layer(importer, node, suffix, TRT_LAYER_ELEMENTWISE, operands, 2,
                                   &params, output);
}

/* Selu(x) = gamma * Elu_alpha(x): an Elu layer, then a multiplication. */
trt_status_t trt_onnx_import_selu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  float alpha, gamma;
  int input, elu, gamma_tensor;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "alpha", 1.67326319217681884765625f, &alpha)) !=
          TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "gamma", 1.05070102214813232421875f, &gamma)) !=
          TRT_STATUS_OK)
    return status;
  trt_unary_params_t elu_params = {.op = {TRT_ACTIVATION_ELU, alpha, 0.0f}};
  trt_dims_t scalar = {0};
  if ((status = trt_onnx_add_helper_layer(importer, node, "elu", TRT_LAYER_UNARY, &input, 1,
                                          &elu_params, &elu)) != TRT_STATUS_OK ||
      (status = trt_onnx_add_helper_constant(importer, node, "gamma", TRT_DATA_TYPE_FLOAT32,
                                             &scalar, &gamma, &gamma_tensor)) != TRT_STATUS_OK)
    return status;
  return add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_MUL, elu, gamma_tensor, true,
                              NULL);
}

/* Softsign(x) = x / (1 + |x|). */
trt_status_t trt_onnx_import_softsign(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input, magnitude, one, denominator;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_unary_params_t abs_params = {.op = {TRT_ACTIVATION_ABS, 0.0f, 0.0f}};
  trt_dims_t scalar = {0};
  float one_value = 1.0f;
  if ((status = trt_onnx_add_helper_layer(importer, node, "abs", TRT_LAYER_UNARY, &input, 1,
                                          &abs_params, &magnitude)) != TRT_STATUS_OK ||
      (status = trt_onnx_add_helper_constant(importer, node, "one", TRT_DATA_TYPE_FLOAT32, &scalar,
                                             &one_value, &one)) != TRT_STATUS_OK ||
      (status = add_elementwise_step(importer, node, "denominator", TRT_ELEMENTWISE_ADD, magnitude,
                                     one, false, &denominator)) != TRT_STATUS_OK)
    return status;
  return add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_DIV, input, denominator, true,
                              NULL);
}

/* Clip whose min or max is computed (or a graph input) rather than constant:
 * Max(x, min) then Min(., max), which keep a NaN x as Clip does (the
 * elementwise layer returns its first operand when a comparison fails). */
static trt_status_t import_clip_computed(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                         int input, const int *bounds) {
  int current = input;
  trt_status_t status = TRT_STATUS_OK;
  if (bounds[0] >= 0)
    status = add_elementwise_step(importer, node, "min", TRT_ELEMENTWISE_MAX, current, bounds[0],
                                  bounds[1] < 0, &current);
  if (status == TRT_STATUS_OK && bounds[1] >= 0)
    status = add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_MIN, current, bounds[1],
                                  true, NULL);
  return status;
}

/* Clip: min/max attributes before opset 11, optional inputs since, baked
 * into the unary layer when constant. */
trt_status_t trt_onnx_import_clip(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  bool bounds_as_inputs = importer->opset >= 11;
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, bounds_as_inputs ? 3 : 1, &input, 1)) !=
      TRT_STATUS_OK)
    return status;
  trt_unary_params_t params = {.op = {TRT_ACTIVATION_CLIP, -INFINITY, INFINITY}};
  if (!bounds_as_inputs) {
    if ((status = trt_onnx_attr_float(node, "min", -INFINITY, &params.op.alpha)) != TRT_STATUS_OK ||
        (status = trt_onnx_attr_float(node, "max", INFINITY, &params.op.beta)) != TRT_STATUS_OK)
      return status;
  } else {
    int bounds[2];
    if ((status = trt_onnx_get_input(importer, node, 1, &bounds[0])) != TRT_STATUS_OK ||
        (status = trt_onnx_get_input(importer, node, 2, &bounds[1])) != TRT_STATUS_OK)
      return status;
    bool computed_bounds = false;
    for (int i = 0; i < 2; i++)
      computed_bounds |= bounds[i] >= 0 && !trt_network_tensor_data(importer->network, bounds[i]);
    if (computed_bounds)
      return import_clip_computed(importer, node, input, bounds);
    double min, max;
    if ((status = trt_onnx_constant_scalar_input(importer, node, 1, -INFINITY, &min)) !=
            TRT_STATUS_OK ||
        (status = trt_onnx_constant_scalar_input(importer, node, 2, INFINITY, &max)) !=
            TRT_STATUS_OK)
      return status;
    params.op.alpha = (float)min;
    params.op.beta = (float)max;
  }
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_UNARY, &input, 1, &params);
}

/* ---- legacy broadcasting (opset < 7) ------------------------------------ */

/* The rank of a graph input or constant; -1 for a layer output, whose dims
 * are known only after shape inference. */
static int import_time_rank(const trt_onnx_importer_t *importer, int tensor) {
  const trt_tensor_t *t = &importer->network->tensors[tensor];
  return t->producer < 0 ? t->dims.nb_dims : -1;
}

/* Before opset 7, an operand B broadcast with `axis` lines up with A's dims
 * starting at `axis`, not at the end as in numpy. `*aligned` is B with as
 * many trailing ones as make numpy broadcasting do the same. With A's rank
 * known here, that is a constant or an Unsqueeze; otherwise a small shape
 * sub-graph that shape inference folds: Reshape(B, Shape(B) ++ ones(n))
 * with n = rank(A) - axis - rank(B) taken from Shape(A, start). */
static trt_status_t align_at_axis(trt_onnx_importer_t *importer, const Onnx__NodeProto *node, int a,
                                  int b, int64_t axis, int *aligned) {
  int rank_a = import_time_rank(importer, a), rank_b = import_time_rank(importer, b);
  *aligned = b;
  if (rank_b < 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "broadcast with 'axis' needs the rank of input '%s' at import time "
                     "(an initializer or graph input)",
                     node->input[1]);
  if (axis < 0 && rank_a >= 0)
    axis += rank_a;
  if (axis < 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "a negative broadcast 'axis' needs the rank of input '%s' at import time",
                     node->input[0]);
  trt_status_t status;
  if (rank_a >= 0) {
    int64_t trailing = rank_a - axis - rank_b;
    if (trailing < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR,
                       "input '%s' (rank %d) does not fit input '%s' (rank %d) at axis %lld",
                       node->input[1], rank_b, node->input[0], rank_a, (long long)axis);
    if (trailing == 0)
      return TRT_STATUS_OK;
    const trt_tensor_t *operand = &importer->network->tensors[b];
    if (operand->data) {
      trt_dims_t dims = operand->dims;
      for (int64_t i = 0; i < trailing; i++)
        dims.d[dims.nb_dims++] = 1;
      return trt_onnx_add_helper_constant(importer, node, "aligned", operand->type, &dims,
                                          operand->data, aligned);
    }
    trt_reshape_params_t unsqueeze = {.mode = TRT_RESHAPE_UNSQUEEZE};
    for (int64_t i = 0; i < trailing; i++)
      unsqueeze.axes[unsqueeze.nb_axes++] = (int32_t)(rank_b + i);
    return trt_onnx_add_helper_layer(importer, node, "aligned", TRT_LAYER_RESHAPE, &b, 1,
                                     &unsqueeze, aligned);
  }
  trt_shape_params_t tail_window = {axis + rank_b, INT64_MAX}, whole = {0, INT64_MAX};
  trt_constant_of_shape_params_t ones = {TRT_DATA_TYPE_INT64, 1.0};
  trt_concat_params_t concat = {0};
  trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
  int tail, tail_length, tail_ones, shape_b, target[2], reshape_inputs[2] = {b, -1};
  if ((status = trt_onnx_add_helper_layer(importer, node, "broadcast_tail", TRT_LAYER_SHAPE, &a, 1,
                                          &tail_window, &tail)) != TRT_STATUS_OK ||
      (status = trt_onnx_add_helper_layer(importer, node, "broadcast_tail_length", TRT_LAYER_SHAPE,
                                          &tail, 1, &whole, &tail_length)) != TRT_STATUS_OK ||
      (status =
           trt_onnx_add_helper_layer(importer, node, "broadcast_ones", TRT_LAYER_CONSTANT_OF_SHAPE,
                                     &tail_length, 1, &ones, &tail_ones)) != TRT_STATUS_OK ||
      (status = trt_onnx_add_helper_layer(importer, node, "broadcast_shape", TRT_LAYER_SHAPE, &b, 1,
                                          &whole, &shape_b)) != TRT_STATUS_OK)
    return status;
  target[0] = shape_b;
  target[1] = tail_ones;
  if ((status = trt_onnx_add_helper_layer(importer, node, "aligned_shape", TRT_LAYER_CONCAT, target,
                                          2, &concat, &reshape_inputs[1])) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_helper_layer(importer, node, "aligned", TRT_LAYER_RESHAPE, reshape_inputs, 2,
                                   &reshape, aligned);
}

/* Binary ops before opset 7 (Add, Sub, Mul, Div, Pow, comparisons, logic):
 * `broadcast` = 0 asks for equal shapes, which numpy broadcasting handles
 * alike; `broadcast` = 1 without `axis` is numpy's right alignment; with
 * `axis` B is realigned. Opset 7 made every such op numpy-broadcasting. */
static trt_status_t legacy_broadcast_operands(trt_onnx_importer_t *importer,
                                              const Onnx__NodeProto *node, int *inputs) {
  if (importer->opset >= 7)
    return TRT_STATUS_OK;
  int64_t broadcast, axis;
  trt_status_t status;
  if ((status = trt_onnx_attr_int(node, "broadcast", 0, &broadcast)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "axis", 0, &axis)) != TRT_STATUS_OK)
    return status;
  if (!broadcast || !trt_onnx_find_attribute(node, "axis"))
    return TRT_STATUS_OK;
  return align_at_axis(importer, node, inputs[0], inputs[1], axis, &inputs[1]);
}

/* ---- elementwise -------------------------------------------------------- */

static trt_status_t add_binary(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                               trt_elementwise_kind_t kind) {
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK ||
      (status = legacy_broadcast_operands(importer, node, inputs)) != TRT_STATUS_OK)
    return status;
  trt_elementwise_params_t params = {kind};
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, inputs, 2, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_add, add_binary, TRT_ELEMENTWISE_ADD)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_sub, add_binary, TRT_ELEMENTWISE_SUB)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_mul, add_binary, TRT_ELEMENTWISE_MUL)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_div, add_binary, TRT_ELEMENTWISE_DIV)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_pow, add_binary, TRT_ELEMENTWISE_POW)

/* Mod (opset 10): the remainder with the divisor's sign, or with fmod = 1
 * the dividend's (which ONNX requires for floats). */
trt_status_t trt_onnx_import_mod(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int64_t fmod = 0;
  trt_status_t status = trt_onnx_attr_int(node, "fmod", 0, &fmod);
  if (status != TRT_STATUS_OK)
    return status;
  if (fmod != 0 && fmod != 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "Mod: fmod is %lld, not 0 or 1", (long long)fmod);
  return add_binary(importer, node, fmod ? TRT_ELEMENTWISE_FMOD : TRT_ELEMENTWISE_MOD);
}

/* PRelu before opset 7: a 1-D slope of C values applies along axis 1 (the
 * channels), not numpy's last axis; from 7 the slope broadcasts like numpy. */
trt_status_t trt_onnx_import_prelu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *slope = &importer->network->tensors[inputs[1]];
  if (importer->opset < 7 && import_time_rank(importer, inputs[1]) == 1 && slope->dims.d[0] != 1 &&
      (status = align_at_axis(importer, node, inputs[0], inputs[1], 1, &inputs[1])) !=
          TRT_STATUS_OK)
    return status;
  trt_elementwise_params_t params = {TRT_ELEMENTWISE_PRELU};
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, inputs, 2, &params);
}

/* Variadic Sum/Min/Max/Mean: a chain of binary layers; the last one carries
 * the node's name and output. Mean divides the sum by the input count. */
static trt_status_t import_variadic(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                    trt_elementwise_kind_t kind, bool mean) {
  trt_status_t status = trt_onnx_check_input_count(node, 1, -1);
  if (status != TRT_STATUS_OK)
    return status;
  int count = (int)node->n_input;
  int current;
  if ((status = trt_onnx_get_input(importer, node, 0, &current)) != TRT_STATUS_OK)
    return status;
  if (count == 1)
    return trt_onnx_add_node_layer(importer, node, TRT_LAYER_IDENTITY, &current, 1, NULL);

  const char *node_name = trt_onnx_node_name(node);
  for (int i = 1; i < count; i++) {
    int operands[2] = {current, -1};
    if ((status = trt_onnx_get_input(importer, node, i, &operands[1])) != TRT_STATUS_OK)
      return status;
    if (operands[1] < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "input %d is empty", i);
    trt_elementwise_params_t params = {kind};
    bool last = i == count - 1 && !mean;
    char name[TRT_ONNX_NAME_SIZE];
    snprintf(name, sizeof(name), "%s/%d", node_name, i);
    int layer;
    if ((status =
             trt_onnx_add_layer(importer, TRT_LAYER_ELEMENTWISE, last ? node_name : name, operands,
                                2, last ? (const char *const *)&node->output[0] : NULL, 1, &params,
                                &layer)) != TRT_STATUS_OK)
      return status;
    current = trt_network_layer_output(importer->network, layer, 0);
  }
  if (!mean)
    return TRT_STATUS_OK;
  /* The divisor is FP32: Mean is a floating-point op in practice. */
  float divisor = (float)count;
  trt_dims_t scalar = {0};
  int operands[2] = {current, -1};
  if ((status = trt_onnx_add_helper_constant(importer, node, "count", TRT_DATA_TYPE_FLOAT32,
                                             &scalar, &divisor, &operands[1])) != TRT_STATUS_OK)
    return status;
  trt_elementwise_params_t params = {TRT_ELEMENTWISE_DIV};
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, operands, 2, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_sum, import_variadic, TRT_ELEMENTWISE_ADD, false)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_min, import_variadic, TRT_ELEMENTWISE_MIN, false)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_max, import_variadic, TRT_ELEMENTWISE_MAX, false)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_mean, import_variadic, TRT_ELEMENTWISE_ADD, true)

/* ---- matrix products ---------------------------------------------------- */

trt_status_t trt_onnx_import_gemm(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 3, inputs, 3)) != TRT_STATUS_OK)
    return status;
  trt_gemm_params_t params = {0};
  int64_t transpose_a, transpose_b;
  if ((status = trt_onnx_attr_float(node, "alpha", 1.0f, &params.alpha)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "beta", 1.0f, &params.beta)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "transA", 0, &transpose_a)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "transB", 0, &transpose_b)) != TRT_STATUS_OK)
    return status;
  params.transpose_a = transpose_a != 0;
  params.transpose_b = transpose_b != 0;
  params.activation.kind = TRT_ACTIVATION_NONE;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_GEMM, inputs,
                                 trt_onnx_trim_inputs(inputs, 3), &params);
}

trt_status_t trt_onnx_import_matmul(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_MATMUL, 2, NULL);
}

/* ---- reductions --------------------------------------------------------- */

/* Axes are an attribute, except for ReduceSum since opset 13 (input 1). */
static trt_status_t import_reduce(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                  trt_reduce_kind_t kind) {
  bool axes_input = kind == TRT_REDUCE_SUM && importer->opset >= 13;
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, axes_input ? 2 : 1, inputs, 2)) !=
      TRT_STATUS_OK)
    return status;
  trt_reduce_params_t params = {0};
  params.kind = kind;
  int64_t keep_dims, noop;
  if ((status = trt_onnx_attr_int(node, "keepdims", 1, &keep_dims)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "noop_with_empty_axes", 0, &noop)) != TRT_STATUS_OK)
    return status;
  params.keep_dims = keep_dims != 0;
  params.noop_with_empty_axes = noop != 0;
  if (!axes_input && (status = trt_onnx_attr_ints32(node, "axes", params.axes, TRT_MAX_DIMS,
                                                    &params.nb_axes)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_REDUCE, inputs,
                                 trt_onnx_trim_inputs(inputs, 2), &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_reduce_mean, import_reduce, TRT_REDUCE_MEAN)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_reduce_sum, import_reduce, TRT_REDUCE_SUM)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_reduce_max, import_reduce, TRT_REDUCE_MAX)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_reduce_min, import_reduce, TRT_REDUCE_MIN)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_reduce_prod, import_reduce, TRT_REDUCE_PROD)

/* ---- comparisons, logic and selection ----------------------------------- */

/* Comparisons and binary logic ops share the legacy broadcast rules of the
 * arithmetic ones (opset < 7). */
static trt_status_t add_broadcast_binary(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                         trt_layer_type_t type, const void *params) {
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK ||
      (status = legacy_broadcast_operands(importer, node, inputs)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, type, inputs, 2, params);
}

#define IMPORT_COMPARE(function, kind)                                                             \
  TRT_ONNX_IMPORT_VIA(function, add_broadcast_binary, TRT_LAYER_COMPARE,                           \
                      &(trt_compare_params_t){kind})

IMPORT_COMPARE(trt_onnx_import_equal, TRT_COMPARE_EQUAL)
IMPORT_COMPARE(trt_onnx_import_less, TRT_COMPARE_LESS)
IMPORT_COMPARE(trt_onnx_import_less_or_equal, TRT_COMPARE_LESS_OR_EQUAL)
IMPORT_COMPARE(trt_onnx_import_greater, TRT_COMPARE_GREATER)
IMPORT_COMPARE(trt_onnx_import_greater_or_equal, TRT_COMPARE_GREATER_OR_EQUAL)

#define IMPORT_LOGIC(function, kind)                                                               \
  TRT_ONNX_IMPORT_VIA(function, add_broadcast_binary, TRT_LAYER_LOGIC, &(trt_logic_params_t){kind})

IMPORT_LOGIC(trt_onnx_import_and, TRT_LOGIC_AND)
IMPORT_LOGIC(trt_onnx_import_or, TRT_LOGIC_OR)
IMPORT_LOGIC(trt_onnx_import_xor, TRT_LOGIC_XOR)

trt_status_t trt_onnx_import_not(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_logic_params_t params = {TRT_LOGIC_NOT};
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_LOGIC, 1, &params);
}

trt_status_t trt_onnx_import_where(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_WHERE, 3, NULL);
}

/* ---- ArgMax and ArgMin -------------------------------------------------- */

/* ArgMax/ArgMin: select_last_index arrived in opset 12 (0 before). */
static trt_status_t import_arg_reduce(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                      bool max) {
  int input;
  int64_t keep_dims, select_last_index;
  trt_arg_reduce_params_t params = {0};
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int32(node, "axis", 0, &params.axis)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "keepdims", 1, &keep_dims)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "select_last_index", 0, &select_last_index)) !=
          TRT_STATUS_OK)
    return status;
  params.max = max;
  params.keep_dims = keep_dims != 0;
  params.select_last_index = select_last_index != 0;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_ARG_REDUCE, &input, 1, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_arg_max, import_arg_reduce, true)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_arg_min, import_arg_reduce, false)
