/* CPU reference for the concat family: Concat and Split. Both view their
 * tensors as [outer, axis * inner] and move one contiguous chunk per input
 * (output) and outer index. Concat skips inputs that are views of its
 * output (the optimizer's concat elimination) and, in place, does nothing. */
#include <string.h>

#include "cpu/cpu_layers.h"

/* Bytes of one slab after `axis` (the inner product times the element size)
 * and the number of slabs before it. */
static void outer_and_inner(const trt_tensor_t *tensor, int axis, int64_t *outer,
                            size_t *inner_bytes) {
  *outer = 1;
  for (int d = 0; d < axis; d++)
    *outer *= tensor->dims.d[d];
  int64_t inner = 1;
  for (int d = axis + 1; d < tensor->dims.nb_dims; d++)
    inner *= tensor->dims.d[d];
  *inner_bytes = (size_t)inner * trt_data_type_size(tensor->type);
}

trt_status_t trt_cpu_concat(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_concat_params_t *params = layer->params;
  if (params->in_place) /* every producer wrote its slice already */
    return TRT_STATUS_OK;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int axis = trt_normalize_axis(params->axis, output->dims.nb_dims);
  int64_t outer;
  size_t inner_bytes;
  outer_and_inner(output, axis, &outer, &inner_bytes);
  size_t out_chunk = (size_t)output->dims.d[axis] * inner_bytes;
  uint8_t *dst = outputs[0];
  size_t offset = 0; /* of the current input's chunk within an output chunk */
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    size_t chunk = (size_t)input->dims.d[axis] * inner_bytes;
    const uint8_t *src = inputs[i];
    bool written = input->view_parent == layer->outputs[0]; /* a view of the output */
    for (int64_t o = 0; chunk && !written && o < outer; o++)
      memcpy(dst + (size_t)o * out_chunk + offset, src + (size_t)o * chunk, chunk);
    offset += chunk;
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_split(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_split_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  int axis = trt_normalize_axis(params->axis, input->dims.nb_dims);
  int64_t outer;
  size_t inner_bytes;
  outer_and_inner(input, axis, &outer, &inner_bytes);
  size_t in_chunk = (size_t)input->dims.d[axis] * inner_bytes;
  const uint8_t *src = inputs[0];
  size_t offset = 0;
  for (int i = 0; i < layer->nb_outputs; i++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, i);
    size_t chunk = (size_t)output->dims.d[axis] * inner_bytes;
    uint8_t *dst = outputs[i];
    for (int64_t o = 0; chunk && o < outer; o++)
      memcpy(dst + (size_t)o * chunk, src + (size_t)o * in_chunk + offset, chunk);
    offset += chunk;
  }
  return TRT_STATUS_OK;
}
