/* Constant folding: a layer whose inputs are all constant is evaluated on
 * the CPU reference and its outputs become constants. Shape inference
 * already folds as it goes (it must, for shape operands), so after it this
 * pass normally finds nothing; it is the named, switchable step that also
 * catches anything an earlier rewrite left foldable. */
#include <stdlib.h>

#include "layer_registry.h"
#include "passes/pass_util.h"

static bool foldable(const trt_network_t *network, const trt_layer_t *layer) {
  bool any = false;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (!input)
      continue;
    if (!input->data)
      return false;
    any = true;
  }
  for (int o = 0; o < layer->nb_outputs; o++)
    if (trt_layer_output(network, layer, o)->view_parent >= 0)
      return false;
  return any;
}

static trt_status_t fold(trt_network_t *network, trt_layer_t *layer, trt_cpu_context_t *cpu) {
  const void *inputs[TRT_MAX_LAYER_OUTPUTS + 8] = {0};
  void *outputs[TRT_MAX_LAYER_OUTPUTS] = {0};
  if (layer->nb_inputs > (int)(sizeof(inputs) / sizeof(inputs[0])))
    return TRT_STATUS_OK; /* not worth folding; the layer stays */
  for (int i = 0; i < layer->nb_inputs; i++)
    inputs[i] = layer->inputs[i] >= 0 ? network->tensors[layer->inputs[i]].data : NULL;
  trt_status_t status = TRT_STATUS_OK;
  for (int o = 0; o < layer->nb_outputs && status == TRT_STATUS_OK; o++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, o);
    size_t bytes = trt_tensor_bytes(output);
    if (!(outputs[o] = malloc(bytes ? bytes : 1)))
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding '%s'", layer->name);
  }
  if (status == TRT_STATUS_OK)
    status = trt_layer_descriptor(layer->type)->cpu_execute(network, layer, inputs, outputs, cpu);
  for (int o = 0; o < layer->nb_outputs; o++) {
    if (status == TRT_STATUS_OK) {
      trt_tensor_t *output = trt_layer_output(network, layer, o);
      output->data = outputs[o];
      output->producer = -1;
    } else {
      free(outputs[o]);
    }
  }
  return status;
}

trt_status_t trt_pass_constant_folding(trt_network_t *network, trt_pass_stats_t *stats) {
  trt_cpu_context_t *cpu = NULL;
  trt_status_t status = TRT_STATUS_OK;
  for (int l = 0; l < network->nb_layers && status == TRT_STATUS_OK; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer) || !foldable(network, layer))
      continue;
    if (!cpu && !(cpu = trt_cpu_context_create(1)))
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for a CPU context");
    if (status == TRT_STATUS_OK)
      status = fold(network, layer, cpu);
    if (status == TRT_STATUS_OK) {
      trt_pass_note(stats, "folded %s", layer->name);
      trt_pass_drop_layer(layer);
    }
  }
  trt_cpu_context_destroy(cpu);
  return status;
}
