/* Shape inference and constant folding.
 *
 * Layers are visited in topological order. Each layer's registry entry
 * checks its inputs and sets its outputs' types and dims. A layer whose
 * inputs are all constant is evaluated right away on the CPU reference and
 * its outputs become constants: this is how shape sub-graphs (Shape ->
 * Gather -> Concat -> Reshape) collapse once input shapes are fixed, so that
 * later layers can read their shape operands. Folded layers are removed. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layer_registry.h"
#include "network_internal.h"

static bool dims_known(const trt_dims_t *dims) {
  if (dims->nb_dims < 0)
    return false;
  for (int i = 0; i < dims->nb_dims; i++)
    if (dims->d[i] < 0)
      return false;
  return true;
}

static trt_status_t check_inputs_known(const trt_network_t *network) {
  for (int i = 0; i < network->nb_inputs; i++) {
    const trt_tensor_t *input = &network->tensors[network->inputs[i]];
    if (!dims_known(&input->dims)) {
      char dims[128];
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "input '%s' has dynamic dims %s: give its shape (e.g. --shapes=%s:1x3x224x224)",
                       input->name, trt_dims_format(&input->dims, dims, sizeof(dims)), input->name);
    }
  }
  return TRT_STATUS_OK;
}

static bool all_inputs_constant(const trt_network_t *network, const trt_layer_t *layer) {
  bool any = false;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (!input)
      continue;
    if (!input->data)
      return false;
    any = true;
  }
  return any;
}

static bool all_outputs_constant(const trt_network_t *network, const trt_layer_t *layer) {
  for (int o = 0; o < layer->nb_outputs; o++)
    if (!trt_layer_output(network, layer, o)->data)
      return false;
  return true;
}

/* Evaluates `layer` on its constant inputs and attaches the results. */
static trt_status_t fold_layer(trt_network_t *network, trt_layer_t *layer,
                               trt_cpu_context_t **cpu) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(layer->type);
  if (!*cpu && !(*cpu = trt_cpu_context_create(1)))
    return TRT_STATUS_OUT_OF_MEMORY;
  /* Any number of inputs folds (a Concat of many constant shape pieces). */
  const void **inputs = calloc((size_t)(layer->nb_inputs ? layer->nb_inputs : 1), sizeof(void *));
  void *outputs[TRT_MAX_LAYER_OUTPUTS] = {0};
  if (!inputs)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding");
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    inputs[i] = input ? input->data : NULL;
  }
  for (int o = 0; o < layer->nb_outputs; o++) {
    trt_tensor_t *output = trt_layer_output(network, layer, o);
    size_t bytes = trt_tensor_bytes(output);
    outputs[o] = malloc(bytes ? bytes : 1);
    if (!outputs[o]) {
      for (int k = 0; k < o; k++)
        free(outputs[k]);
      free(inputs);
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding (%zu bytes)", bytes);
    }
  }
  trt_status_t status = descriptor->cpu_execute(network, layer, inputs, outputs, *cpu);
  free(inputs);
  for (int o = 0; o < layer->nb_outputs; o++) {
    if (status == TRT_STATUS_OK)
      trt_layer_output(network, layer, o)->data = outputs[o];
    else
      free(outputs[o]);
  }
  return status;
}

/* Turns folded layers' outputs into plain constants and drops the layers. */
static void remove_folded_layers(trt_network_t *network) {
  int kept = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (all_outputs_constant(network, layer)) {
      for (int o = 0; o < layer->nb_outputs; o++)
        trt_layer_output(network, layer, o)->producer = -1;
      free(layer->name);
      free(layer->inputs);
      free(layer->outputs);
      free(layer->params);
      continue;
    }
    network->layers[kept] = *layer;
    for (int o = 0; o < layer->nb_outputs; o++)
      trt_layer_output(network, layer, o)->producer = kept;
    kept++;
  }
  network->nb_layers = kept;
}

static trt_status_t infer_layer(trt_network_t *network, trt_layer_t *layer,
                                trt_cpu_context_t **cpu) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(layer->type);
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (input && !dims_known(&input->dims))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input %d ('%s') has unknown dims", i, input->name);
  }
  trt_status_t status = descriptor->infer(network, layer);
  if (status != TRT_STATUS_OK)
    return status;
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, o);
    if (!dims_known(&output->dims))
      return trt_error(TRT_STATUS_INTERNAL_ERROR, "shape inference left output '%s' unknown",
                       output->name);
  }
  if (all_inputs_constant(network, layer) && !all_outputs_constant(network, layer))
    return fold_layer(network, layer, cpu);
  return TRT_STATUS_OK;
}

trt_status_t trt_network_infer_shapes(trt_network_t *network) {
  if (!network)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "infer_shapes: NULL network");
  trt_status_t status = trt_network_sort(network);
  if (status == TRT_STATUS_OK)
    status = check_inputs_known(network);
  trt_cpu_context_t *cpu = NULL;
  for (int l = 0; status == TRT_STATUS_OK && l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    status = infer_layer(network, layer, &cpu);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "layer '%s' (%s): ", layer->name, trt_layer_type_name(layer->type));
  }
  trt_cpu_context_destroy(cpu);
  if (status == TRT_STATUS_OK)
    remove_folded_layers(network);
  return status;
}
