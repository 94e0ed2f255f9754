/* Gemm + bias fusion: a 2-D MatMul, or a Gemm without C, followed by the
 * addition of a constant row vector (one value per output column) becomes
 * one Gemm whose C is that vector (the GEMM epilogue adds it). */
#include <stdlib.h>

#include "passes/pass_util.h"

static bool fusible_product(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  if (layer->nb_outputs != 1 || !a || !b || a->type != TRT_DATA_TYPE_FLOAT32 ||
      b->type != TRT_DATA_TYPE_FLOAT32)
    return false;
  if (layer->type == TRT_LAYER_MATMUL)
    return layer->nb_inputs == 2 && a->dims.nb_dims == 2 && b->dims.nb_dims == 2;
  if (layer->type != TRT_LAYER_GEMM)
    return false;
  const trt_gemm_params_t *params = layer->params;
  return (layer->nb_inputs < 3 || layer->inputs[2] < 0) &&
         params->activation.kind == TRT_ACTIVATION_NONE;
}

/* The constant row vector `add` adds to `product` (n columns); -1 if none. */
static int row_vector_operand(const trt_network_t *network, const trt_layer_t *add, int product) {
  if (add->type != TRT_LAYER_ELEMENTWISE || add->nb_inputs != 2 ||
      ((const trt_elementwise_params_t *)add->params)->kind != TRT_ELEMENTWISE_ADD)
    return -1;
  const trt_tensor_t *y = &network->tensors[product];
  if (!trt_dims_equal(&trt_layer_output(network, add, 0)->dims, &y->dims))
    return -1;
  int operand = add->inputs[0] == product ? add->inputs[1] : add->inputs[0];
  const trt_tensor_t *c = &network->tensors[operand];
  int64_t n = y->dims.d[1];
  if (!c->data || c->type != TRT_DATA_TYPE_FLOAT32 || c->dims.nb_dims < 1 ||
      c->dims.nb_dims > 2 || c->dims.d[c->dims.nb_dims - 1] != n || trt_dims_volume(&c->dims) != n)
    return -1;
  return operand;
}

static trt_status_t make_gemm(trt_network_t *network, int l, int bias) {
  trt_layer_t *layer = &network->layers[l];
  trt_gemm_params_t params = {.alpha = 1.0f, .beta = 1.0f};
  if (layer->type == TRT_LAYER_GEMM) {
    params = *(const trt_gemm_params_t *)layer->params;
    params.beta = 1.0f;
  }
  trt_gemm_params_t *stored = malloc(sizeof(*stored));
  if (!stored)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory fusing '%s'", layer->name);
  const int inputs[3] = {layer->inputs[0], layer->inputs[1], bias};
  trt_status_t status = trt_pass_set_inputs(network, l, inputs, 3);
  if (status != TRT_STATUS_OK) {
    free(stored);
    return status;
  }
  *stored = params;
  free(layer->params);
  layer->params = stored;
  layer->type = TRT_LAYER_GEMM;
  return TRT_STATUS_OK;
}

trt_status_t trt_pass_gemm_bias_fusion(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer) || !fusible_product(network, layer))
      continue;
    int product = layer->outputs[0];
    int reader = trt_pass_fusible_reader(network, product);
    int bias = reader < 0 ? -1 : row_vector_operand(network, &network->layers[reader], product);
    if (bias < 0)
      continue;
    trt_status_t status = make_gemm(network, l, bias);
    if (status == TRT_STATUS_OK)
      status = trt_pass_append_name(layer, network->layers[reader].name);
    if (status != TRT_STATUS_OK)
      return status;
    trt_pass_note(stats, "%s", layer->name);
    trt_pass_set_output(network, l, 0, network->layers[reader].outputs[0]);
    trt_pass_drop_layer(network, reader);
  }
  return TRT_STATUS_OK;
}
