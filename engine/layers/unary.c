/* Shape inference for the unary family, the names of the activation kinds
 * and trt_activation_apply (numerics/activation.h computes them). */
#include "layers/layers.h"
#include "numerics/activation.h"

static const char *const activation_names[] = {
    [TRT_ACTIVATION_NONE] = "None",
    [TRT_ACTIVATION_RELU] = "Relu",
    [TRT_ACTIVATION_LEAKY_RELU] = "LeakyRelu",
    [TRT_ACTIVATION_ELU] = "Elu",
    [TRT_ACTIVATION_SIGMOID] = "Sigmoid",
    [TRT_ACTIVATION_TANH] = "Tanh",
    [TRT_ACTIVATION_CLIP] = "Clip",
    [TRT_ACTIVATION_HARD_SIGMOID] = "HardSigmoid",
    [TRT_ACTIVATION_HARD_SWISH] = "HardSwish",
    [TRT_ACTIVATION_ERF] = "Erf",
    [TRT_ACTIVATION_SQRT] = "Sqrt",
    [TRT_ACTIVATION_EXP] = "Exp",
    [TRT_ACTIVATION_LOG] = "Log",
    [TRT_ACTIVATION_ABS] = "Abs",
    [TRT_ACTIVATION_NEG] = "Neg",
    [TRT_ACTIVATION_RECIPROCAL] = "Reciprocal",
    [TRT_ACTIVATION_SOFTPLUS] = "Softplus",
    [TRT_ACTIVATION_SCALE_SHIFT] = "ScaleShift",
    [TRT_ACTIVATION_POWER] = "Power",
};

_Static_assert(sizeof(activation_names) / sizeof(activation_names[0]) == TRT_ACTIVATION_COUNT,
               "every activation kind needs a name");

const char *trt_activation_name(trt_activation_kind_t kind) {
  if ((int)kind < 0 || kind >= TRT_ACTIVATION_COUNT)
    return "(invalid activation)";
  return activation_names[kind];
}

/* The one definition, shared with every backend: numerics/activation.h. */
float trt_activation_apply(const trt_activation_t *activation, float x) {
  return trt_activation_eval(activation->kind, x, activation->alpha, activation->beta);
}

static bool unary_accepts_integers(trt_activation_kind_t kind) {
  return kind == TRT_ACTIVATION_RELU || kind == TRT_ACTIVATION_ABS ||
         kind == TRT_ACTIVATION_NEG || kind == TRT_ACTIVATION_NONE;
}

trt_status_t trt_unary_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_unary_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing unary parameters");
  if ((int)params->op.kind < 0 || params->op.kind >= TRT_ACTIVATION_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "invalid unary kind %d", (int)params->op.kind);
  if (params->nb_then < 0 || params->nb_then >= TRT_MAX_UNARY_CHAIN)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unary chain of %d steps after the first (at "
                     "most %d)", (int)params->nb_then, TRT_MAX_UNARY_CHAIN - 1);
  for (int s = 0; s < params->nb_then; s++)
    if ((int)params->then[s].kind < 0 || params->then[s].kind >= TRT_ACTIVATION_COUNT)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "invalid unary kind %d in step %d",
                       (int)params->then[s].kind, s + 1);
  if (layer->nb_inputs != 1 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 1 input and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the input is missing");

  bool type_ok = trt_is_float_compute_type(input->type);
  if ((input->type == TRT_DATA_TYPE_INT32 || input->type == TRT_DATA_TYPE_INT64) &&
      unary_accepts_integers(params->op.kind) && params->nb_then == 0)
    type_ok = true;
  if (!type_ok)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported by %s",
                     trt_data_type_name(input->type), trt_activation_name(params->op.kind));

  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = input->dims;
  return TRT_STATUS_OK;
}
