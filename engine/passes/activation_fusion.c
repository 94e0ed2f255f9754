/* Activation fusion: a (de)convolution (plain, with bias or residual) or a Gemm
 * followed by an activation takes it over; the CPU backend applies it in
 * the GEMM epilogue. Any single-step Unary fuses (trt_activation_apply
 * defines every kind), so does PRelu with a single constant slope (as
 * LeakyRelu), and so does an Elementwise with a scalar constant that one
 * step computes exactly (x*c, x+c, ... as ScaleShift; see
 * trt_pass_pointwise_steps). */
#include "passes/pass_util.h"

/* The activation `layer` applies to its first input; false when none. */
static bool activation_of(const trt_network_t *network, const trt_layer_t *layer, int input,
                          trt_activation_t *activation) {
  if (layer->nb_outputs != 1)
    return false;
  if (layer->type == TRT_LAYER_UNARY && layer->nb_inputs == 1) {
    const trt_unary_params_t *params = layer->params;
    *activation = params->op;
    return activation->kind != TRT_ACTIVATION_NONE && params->nb_then == 0;
  }
  trt_activation_t steps[TRT_MAX_UNARY_CHAIN];
  int variable = -1;
  if (layer->type == TRT_LAYER_ELEMENTWISE &&
      trt_pass_pointwise_steps(network, layer, &variable, steps) == 1 && variable == input) {
    *activation = steps[0];
    return true;
  }
  if (layer->type == TRT_LAYER_ELEMENTWISE && layer->nb_inputs == 2 &&
      layer->inputs[0] == input &&
      ((const trt_elementwise_params_t *)layer->params)->kind == TRT_ELEMENTWISE_PRELU) {
    const trt_tensor_t *slope = trt_layer_input(network, layer, 1);
    if (!slope->data || slope->type != TRT_DATA_TYPE_FLOAT32 ||
        trt_dims_volume(&slope->dims) != 1 ||
        slope->dims.nb_dims > network->tensors[input].dims.nb_dims)
      return false;
    *activation = (trt_activation_t){TRT_ACTIVATION_LEAKY_RELU, *(const float *)slope->data, 0};
    return true;
  }
  return false;
}

/* Where `layer` keeps its activation, when it has a free one. */
static trt_activation_t *activation_slot(trt_layer_t *layer) {
  trt_activation_t *slot = NULL;
  if (layer->type == TRT_LAYER_CONVOLUTION || layer->type == TRT_LAYER_DECONVOLUTION)
    slot = &((trt_convolution_params_t *)layer->params)->activation;
  else if (layer->type == TRT_LAYER_GEMM)
    slot = &((trt_gemm_params_t *)layer->params)->activation;
  return slot && slot->kind == TRT_ACTIVATION_NONE ? slot : NULL;
}

trt_status_t trt_pass_activation_fusion(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    trt_activation_t *slot = trt_pass_dropped(layer) ? NULL : activation_slot(layer);
    if (!slot || layer->nb_outputs != 1)
      continue;
    int output = layer->outputs[0];
    int reader = trt_pass_fusible_reader(network, output);
    trt_activation_t activation;
    if (reader < 0 || !activation_of(network, &network->layers[reader], output, &activation))
      continue;
    const trt_tensor_t *result = trt_layer_output(network, &network->layers[reader], 0);
    if (!trt_dims_equal(&result->dims, &network->tensors[output].dims) ||
        result->type != TRT_DATA_TYPE_FLOAT32)
      continue;
    trt_status_t status = trt_pass_append_name(layer, network->layers[reader].name);
    if (status != TRT_STATUS_OK)
      return status;
    *slot = activation;
    trt_pass_note(stats, "%s (%s)", layer->name, trt_activation_name(activation.kind));
    trt_pass_set_output(network, l, 0, network->layers[reader].outputs[0]);
    trt_pass_drop_layer(network, reader);
  }
  return TRT_STATUS_OK;
}
