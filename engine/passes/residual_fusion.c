/* Residual fusion: Add(conv(x), r) with r shaped like the convolution's
 * output becomes the convolution with r as its input 3:
 *   y = activation(conv(x) + b + r).
 * Runs before activation fusion so that ResNet's relu(bn(conv) + shortcut)
 * ends as one layer. When both operands are convolutions, the later one
 * takes the other as its residual. */
#include <stdlib.h>

#include "passes/pass_util.h"

/* The producer of `tensor` when it is a convolution that can take a
 * residual and `add` is the only reader of its output; else -1. */
static int fusible_conv(const trt_network_t *network, int tensor, int add) {
  int producer = network->tensors[tensor].producer;
  if (producer < 0 || trt_pass_fusible_reader(network, tensor) != add)
    return -1;
  const trt_layer_t *conv = &network->layers[producer];
  if (conv->type != TRT_LAYER_CONVOLUTION || conv->nb_outputs != 1 || conv->nb_inputs > 3)
    return -1;
  const trt_convolution_params_t *params = conv->params;
  return params->activation.kind == TRT_ACTIVATION_NONE ? producer : -1;
}

static trt_status_t attach_residual(trt_network_t *network, int conv, int residual) {
  const trt_layer_t *layer = &network->layers[conv];
  int inputs[4];
  for (int i = 0; i < 3; i++)
    inputs[i] = i < layer->nb_inputs ? layer->inputs[i] : -1;
  inputs[3] = residual;
  return trt_pass_set_inputs(network, conv, inputs, 4);
}

trt_status_t trt_pass_residual_fusion(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *add = &network->layers[l];
    if (trt_pass_dropped(add) || add->type != TRT_LAYER_ELEMENTWISE || add->nb_inputs != 2 ||
        ((const trt_elementwise_params_t *)add->params)->kind != TRT_ELEMENTWISE_ADD ||
        add->inputs[0] == add->inputs[1])
      continue;
    const trt_tensor_t *out = trt_layer_output(network, add, 0);
    const trt_tensor_t *a = trt_layer_input(network, add, 0);
    const trt_tensor_t *b = trt_layer_input(network, add, 1);
    if (!trt_dims_equal(&a->dims, &out->dims) || !trt_dims_equal(&b->dims, &out->dims) ||
        a->type != TRT_DATA_TYPE_FLOAT32 || b->type != TRT_DATA_TYPE_FLOAT32 ||
        a->view_parent >= 0 || b->view_parent >= 0)
      continue;
    int first = fusible_conv(network, add->inputs[0], l);
    int second = fusible_conv(network, add->inputs[1], l);
    int conv = second > first ? second : first;
    if (conv < 0)
      continue;
    int residual = conv == first ? add->inputs[1] : add->inputs[0];
    trt_status_t status = attach_residual(network, conv, residual);
    trt_layer_t *layer = &network->layers[conv];
    add = &network->layers[l];
    if (status == TRT_STATUS_OK)
      status = trt_pass_append_name(layer, add->name);
    if (status != TRT_STATUS_OK)
      return status;
    trt_pass_note(stats, "%s (residual '%s')", layer->name, network->tensors[residual].name);
    trt_pass_set_output(network, conv, 0, add->outputs[0]);
    trt_pass_drop_layer(network, l);
  }
  return TRT_STATUS_OK;
}
