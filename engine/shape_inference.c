/* Shape inference and constant folding.
 *
 * Layers are visited in topological order. Each layer's registry entry
 * checks its inputs and sets its outputs' types and dims. A layer whose
 * inputs are all constant is evaluated right away on the CPU reference and
 * its outputs become constants: this is how shape sub-graphs (Shape ->
 * Gather -> Concat -> Reshape) collapse once input shapes are fixed, so that
 * later layers can read their shape operands. Folded layers are removed.
 * Folding itself is the constant-folding pass's (passes/constant_folding.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "layer_registry.h"
#include "network_internal.h"
#include "passes/constant_folding.h"
#include "size_limits.h"

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
    trt_status_t status = trt_limit_check_tensor(input, network->max_tensor_bytes);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

/* A layer every output of which is a constant now: it has been folded. */
static bool layer_folded(const trt_network_t *network, const trt_layer_t *layer, int index,
                         void *user_data) {
  (void)index;
  (void)user_data;
  for (int o = 0; o < layer->nb_outputs; o++)
    if (!trt_layer_output(network, layer, o)->data)
      return false;
  return true;
}

static trt_status_t infer_layer(trt_network_t *network, trt_layer_t *layer) {
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (input && !dims_known(&input->dims))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input %d ('%s') has unknown dims", i, input->name);
  }
  trt_status_t status = trt_layer_descriptor(layer->type)->infer(network, layer);
  if (status != TRT_STATUS_OK)
    return status;
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, o);
    if (!dims_known(&output->dims))
      return trt_error(TRT_STATUS_INTERNAL_ERROR, "shape inference left output '%s' unknown",
                       output->name);
    /* Before folding allocates it, and before any backend sizes a buffer
     * from a count that would not fit. */
    trt_status_t limit = trt_limit_check_tensor(output, network->max_tensor_bytes);
    if (limit != TRT_STATUS_OK)
      return limit;
  }
  if (trt_layer_foldable(network, layer))
    return trt_layer_fold(network, layer);
  return TRT_STATUS_OK;
}

trt_status_t trt_network_infer_shapes(trt_network_t *network) {
  if (!network)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "infer_shapes: NULL network");
  trt_status_t status = trt_network_sort(network);
  if (status == TRT_STATUS_OK)
    status = check_inputs_known(network);
  for (int l = 0; status == TRT_STATUS_OK && l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    status = infer_layer(network, layer);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "layer '%s' (%s): ", layer->name, trt_layer_type_name(layer->type));
  }
  if (status == TRT_STATUS_OK)
    trt_network_remove_layers(network, layer_folded, NULL);
  return status;
}
