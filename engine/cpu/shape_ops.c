/* CPU reference for the shape_ops family: Cast, Shape, ConstantOfShape and
 * Identity. */
#include <string.h>

#include "cpu/cpu_layers.h"
#include "numerics/cast_rules.h"

trt_status_t trt_cpu_cast(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs,
                          trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t count = trt_dims_volume(&input->dims);
  trt_data_type_t from = input->type, to = output->type;
  if (from == to) {
    if (count && outputs[0] != inputs[0])
      memcpy(outputs[0], inputs[0], (size_t)count * trt_data_type_size(from));
    return TRT_STATUS_OK;
  }
  bool through_int = trt_cast_through_int(from, to);
  for (int64_t i = 0; i < count; i++)
    trt_cast_element(inputs[0], from, outputs[0], to, i, through_int);
  return TRT_STATUS_OK;
}

/* Works from dims alone: the input's data may be NULL. */
trt_status_t trt_cpu_shape(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  (void)inputs;
  (void)cpu;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  const trt_shape_params_t *params = layer->params;
  int rank = input->dims.nb_dims;
  int64_t start = params ? params->start : 0;
  start = start < 0 ? start + rank : start;
  start = start < 0 ? 0 : start > rank ? rank : start;
  int64_t *values = outputs[0];
  for (int64_t i = 0; i < output->dims.d[0]; i++)
    values[i] = input->dims.d[start + i];
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_constant_of_shape(const trt_network_t *network, const trt_layer_t *layer,
                                       const void *const *inputs, void *const *outputs,
                                       trt_cpu_context_t *cpu) {
  (void)inputs;
  (void)cpu;
  const trt_constant_of_shape_params_t *params = layer->params;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t count = trt_dims_volume(&output->dims);
  if (count == 0)
    return TRT_STATUS_OK;
  size_t element_size = trt_data_type_size(output->type);
  uint8_t *dst = outputs[0];
  trt_element_store_double(dst, output->type, 0, params->value);
  for (int64_t i = 1; i < count; i++)
    memcpy(dst + (size_t)i * element_size, dst, element_size);
  return TRT_STATUS_OK;
}

/* A copy, as Reshape's (engine/cpu/shuffle.c). */
trt_status_t trt_cpu_identity(const trt_network_t *network, const trt_layer_t *layer,
                              const void *const *inputs, void *const *outputs,
                              trt_cpu_context_t *cpu) {
  return trt_cpu_reshape(network, layer, inputs, outputs, cpu);
}
