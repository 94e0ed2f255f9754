/* CPU reference for Gather: for every outer index (axes before `axis`) and
 * every index value, copies one contiguous slab (the axes after `axis`). */
#include <string.h>

#include "cpu/cpu_layers.h"

trt_status_t trt_cpu_gather(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_gather_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  const void *index_data = inputs[1] ? inputs[1] : indices->data;
  int axis = trt_normalize_axis(params->axis, data->dims.nb_dims);
  int64_t dim = data->dims.d[axis];
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; d++)
    outer *= data->dims.d[d];
  for (int d = axis + 1; d < data->dims.nb_dims; d++)
    inner *= data->dims.d[d];
  size_t slab = (size_t)inner * trt_data_type_size(data->type);
  int64_t count = trt_dims_volume(&indices->dims);
  const uint8_t *src = inputs[0];
  uint8_t *dst = outputs[0];
  for (int64_t i = 0; i < count; i++) {
    int64_t index = indices->type == TRT_DATA_TYPE_INT32 ? ((const int32_t *)index_data)[i]
                                                         : ((const int64_t *)index_data)[i];
    if (index < -dim || index >= dim)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "index %lld at position %lld is out of range for axis %d of size %lld",
                       (long long)index, (long long)i, axis, (long long)dim);
    if (index < 0)
      index += dim;
    for (int64_t o = 0; slab && o < outer; o++)
      memcpy(dst + (size_t)(o * count + i) * slab, src + (size_t)(o * dim + index) * slab, slab);
  }
  return TRT_STATUS_OK;
}
