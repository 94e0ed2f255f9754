/* No-op removal: Identity (and Dropout, which imports as Identity), Cast to
 * the type it already has, Reshape to the dims it already has, and pairs of
 * Reshapes or Transposes that cancel. A removed layer's readers read its
 * input instead; when its output is a network output, the input's producer
 * writes that output directly (if nothing else reads the input). */
#include "passes/pass_util.h"

/* Makes `output` stand for `input` and drops `layer`; false when the
 * interface forbids it (both ends are bindings or constants). */
static bool bypass(trt_network_t *network, int layer, int input, int output) {
  const trt_tensor_t *out = &network->tensors[output];
  if (out->view_parent >= 0 || network->tensors[input].view_parent >= 0)
    return false;
  if (!out->is_output) {
    trt_pass_replace_reads(network, output, input);
    trt_pass_drop_layer(network, layer);
    return true;
  }
  int producer = network->tensors[input].producer;
  if (!trt_pass_is_internal(network, input) || trt_pass_only_reader(network, input) != layer)
    return false;
  trt_tensor_t *in = &network->tensors[input];
  int index = 0;
  while (network->layers[producer].outputs[index] != input)
    index++;
  if (in->type != out->type || !trt_dims_equal(&in->dims, &out->dims))
    return false;
  trt_pass_drop_layer(network, layer);
  trt_pass_set_output(network, producer, index, output);
  return true;
}

static bool is_identity_transpose(const int32_t *perm, int rank) {
  for (int i = 0; i < rank; i++)
    if (perm[i] != i)
      return false;
  return true;
}

/* The permutation a transpose applies (params with nb_perm 0 reverse). */
static void transpose_perm(const trt_transpose_params_t *params, int rank, int32_t *perm) {
  for (int i = 0; i < rank; i++)
    perm[i] = params->nb_perm ? params->perm[i] : rank - 1 - i;
}

/* A Transpose or Reshape whose input comes from the same kind of layer that
 * nothing else reads, and the two together change nothing. */
static bool cancels_with_producer(const trt_network_t *network, const trt_layer_t *layer) {
  int input = layer->inputs[0];
  int producer = network->tensors[input].producer;
  if (producer < 0 || network->layers[producer].type != layer->type ||
      trt_pass_fusible_reader(network, input) < 0)
    return false;
  const trt_layer_t *first = &network->layers[producer];
  const trt_tensor_t *source = trt_layer_input(network, first, 0);
  const trt_tensor_t *result = trt_layer_output(network, layer, 0);
  if (!source || !trt_dims_equal(&source->dims, &result->dims) || source->type != result->type)
    return false;
  if (layer->type == TRT_LAYER_RESHAPE)
    return true;
  int rank = source->dims.nb_dims;
  int32_t p1[TRT_MAX_DIMS], p2[TRT_MAX_DIMS], composed[TRT_MAX_DIMS];
  transpose_perm(first->params, rank, p1);
  transpose_perm(layer->params, rank, p2);
  for (int i = 0; i < rank; i++)
    composed[i] = p1[p2[i]];
  return is_identity_transpose(composed, rank);
}

static bool is_noop(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_tensor_t *in = trt_layer_input(network, layer, 0);
  const trt_tensor_t *out = trt_layer_output(network, layer, 0);
  if (!in || layer->nb_outputs != 1 || in->type != out->type)
    return false;
  switch (layer->type) {
  case TRT_LAYER_IDENTITY:
    return true;
  case TRT_LAYER_CAST:
    return ((const trt_cast_params_t *)layer->params)->to == in->type;
  case TRT_LAYER_RESHAPE:
    return trt_dims_equal(&in->dims, &out->dims);
  case TRT_LAYER_TRANSPOSE: {
    int32_t perm[TRT_MAX_DIMS];
    transpose_perm(layer->params, in->dims.nb_dims, perm);
    return is_identity_transpose(perm, in->dims.nb_dims);
  }
  default:
    return false;
  }
}

trt_status_t trt_pass_noop_removal(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer) || layer->nb_inputs < 1 || layer->inputs[0] < 0)
      continue;
    if (is_noop(network, layer)) {
      const char *name = layer->name;
      if (bypass(network, l, layer->inputs[0], layer->outputs[0]))
        trt_pass_note(stats, "removed %s (%s)", name, trt_layer_type_name(layer->type));
      continue;
    }
    if ((layer->type == TRT_LAYER_RESHAPE || layer->type == TRT_LAYER_TRANSPOSE) &&
        cancels_with_producer(network, layer)) {
      int middle = layer->inputs[0];
      int first_index = network->tensors[middle].producer;
      trt_layer_t *first = &network->layers[first_index];
      int source = first->inputs[0];
      if (bypass(network, l, source, layer->outputs[0])) {
        trt_pass_note(stats, "removed %s and %s (they cancel)", first->name, layer->name);
        trt_pass_drop_layer(network, first_index);
      }
    }
  }
  return TRT_STATUS_OK;
}
