/* Constant folding: a layer whose inputs are all constant, or whose
 * outputs depend on its inputs' dims only (PriorBox), is evaluated on the
 * CPU reference and its outputs become constants. Shape inference
 * already folds as it goes (it must, for shape operands), so after it this
 * pass normally finds nothing; it is the named, switchable step that also
 * catches anything an earlier rewrite left foldable. The decision and the
 * evaluation are shared with shape inference (constant_folding.h). */
#include "passes/constant_folding.h"

#include <stdlib.h>

#include "cpu/cpu_registry.h"
#include "layer_registry.h"
#include "passes/pass_util.h"

bool trt_layer_foldable(const trt_network_t *network, const trt_layer_t *layer) {
  bool any = false;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (!input)
      continue;
    if (!input->data)
      return false;
    any = true;
  }
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, o);
    if (output->data || output->view_parent >= 0)
      return false;
  }
  return any;
}

bool trt_layer_shape_foldable(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(layer->type);
  if (!descriptor || !descriptor->shape_only)
    return false;
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, o);
    if (output->data || output->view_parent >= 0 || output->is_output)
      return false;
  }
  return true;
}

trt_status_t trt_layer_fold(trt_network_t *network, trt_layer_t *layer) {
  /* One thread: folded layers are small (shape arithmetic, constant
   * subgraphs), and a context of one thread starts none. */
  trt_cpu_context_t *cpu = trt_cpu_context_create(1);
  const void **inputs = calloc((size_t)(layer->nb_inputs ? layer->nb_inputs : 1), sizeof(void *));
  void *outputs[TRT_MAX_LAYER_OUTPUTS] = {0};
  trt_status_t status = TRT_STATUS_OK;
  if (!cpu || !inputs)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding");
  for (int i = 0; status == TRT_STATUS_OK && i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    inputs[i] = input ? input->data : NULL;
  }
  for (int o = 0; status == TRT_STATUS_OK && o < layer->nb_outputs; o++) {
    size_t bytes = trt_tensor_bytes(trt_layer_output(network, layer, o));
    if (!(outputs[o] = malloc(bytes ? bytes : 1)))
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding (%zu bytes)", bytes);
  }
  if (status == TRT_STATUS_OK)
    status = trt_cpu_layer_run(network, layer, inputs, outputs, cpu);
  for (int o = 0; o < layer->nb_outputs; o++) {
    if (status == TRT_STATUS_OK)
      trt_layer_output(network, layer, o)->data = outputs[o];
    else
      free(outputs[o]);
  }
  free(inputs);
  trt_cpu_context_destroy(cpu);
  return status;
}

trt_status_t trt_pass_constant_folding(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer) ||
        !(trt_layer_foldable(network, layer) || trt_layer_shape_foldable(network, layer)))
      continue;
    trt_status_t status = trt_layer_fold(network, layer);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "layer '%s': ", layer->name);
    trt_pass_note(stats, "folded %s", layer->name);
    trt_pass_drop_layer(network, l);
  }
  return TRT_STATUS_OK;
}
