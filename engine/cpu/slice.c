/* CPU reference for the slice family: Slice and Pad. Output dims come from
 * shape inference; these functions only need where each output axis starts
 * in the input (and its step, or how it is padded). */
#include <string.h>

#include "cpu/cpu_layers.h"

/* The data of input `index`: what the caller passed, else the constant's. */
static const void *operand_data(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *inputs, int index) {
  const trt_tensor_t *tensor = trt_layer_input(network, layer, index);
  if (!tensor)
    return NULL;
  return inputs[index] ? inputs[index] : tensor->data;
}

static int64_t read_int(const void *data, trt_data_type_t type, int64_t i) {
  return type == TRT_DATA_TYPE_INT32 ? ((const int32_t *)data)[i] : ((const int64_t *)data)[i];
}

trt_status_t trt_cpu_slice(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t volume = trt_dims_volume(&output->dims);
  if (volume == 0)
    return TRT_STATUS_OK;
  int rank = data->dims.nb_dims;
  int64_t first[TRT_MAX_DIMS], step[TRT_MAX_DIMS];
  for (int d = 0; d < rank; d++) {
    first[d] = 0;
    step[d] = 1;
  }
  const trt_tensor_t *starts = trt_layer_input(network, layer, 1);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  const trt_tensor_t *steps = trt_layer_input(network, layer, 4);
  const void *starts_data = operand_data(network, layer, inputs, 1);
  const void *axes_data = operand_data(network, layer, inputs, 3);
  const void *steps_data = operand_data(network, layer, inputs, 4);
  int64_t count = trt_dims_volume(&starts->dims);
  for (int64_t i = 0; i < count; i++) {
    int axis = trt_normalize_axis(axes ? read_int(axes_data, axes->type, i) : i, rank);
    int64_t dim = data->dims.d[axis];
    int64_t start = read_int(starts_data, starts->type, i);
    step[axis] = steps ? read_int(steps_data, steps->type, i) : 1;
    start = start < 0 ? start + dim : start;
    int64_t last_valid = step[axis] > 0 ? dim : dim - 1;
    first[axis] = start < 0 ? 0 : start > last_valid ? last_valid : start;
  }
  int64_t in_strides[TRT_MAX_DIMS];
  trt_cpu_contiguous_strides(&data->dims, in_strides);
  size_t element_size = trt_data_type_size(data->type);
  const uint8_t *src = inputs[0];
  uint8_t *dst = outputs[0];
  int last = rank - 1;
  int64_t row_length = rank ? output->dims.d[last] : 1;
  int64_t last_step = rank ? step[last] * in_strides[last] : 1;
  /* Walk the output row by row with an odometer over the outer axes. */
  int64_t index[TRT_MAX_DIMS] = {0};
  for (int64_t row = 0; row < volume / row_length; row++) {
    int64_t offset = 0;
    for (int d = 0; d < rank; d++)
      offset += (first[d] + index[d] * step[d]) * in_strides[d];
    const uint8_t *row_src = src + (size_t)offset * element_size;
    uint8_t *row_dst = dst + (size_t)(row * row_length) * element_size;
    if (last_step == 1) {
      memcpy(row_dst, row_src, (size_t)row_length * element_size);
    } else {
      for (int64_t i = 0; i < row_length; i++)
        trt_cpu_copy_element(row_dst + (size_t)i * element_size,
                     row_src + (ptrdiff_t)(i * last_step) * (ptrdiff_t)element_size,
                     element_size);
    }
    for (int d = last - 1; d >= 0; d--) {
      if (++index[d] < output->dims.d[d])
        break;
      index[d] = 0;
    }
  }
  return TRT_STATUS_OK;
}

/* Where output index `i` (already shifted by the begin pad) reads from on
 * an axis of `size`, or -1 for the constant value. */
static int64_t pad_source(int64_t i, int64_t size, trt_pad_mode_t mode) {
  if (i >= 0 && i < size)
    return i;
  if (mode == TRT_PAD_EDGE)
    return i < 0 ? 0 : size - 1;
  if (mode == TRT_PAD_REFLECT) {
    if (size == 1)
      return 0;
    /* Reflection without repeating the border is periodic in 2 (size - 1). */
    int64_t period = 2 * (size - 1);
    int64_t m = i % period;
    m = m < 0 ? m + period : m;
    return m < size ? m : period - m;
  }
  return -1;
}

/* Writes the pad value as one element of `type`. */
static void store_value(double value, trt_data_type_t type, void *element) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: *(float *)element = (float)value; break;
  case TRT_DATA_TYPE_FLOAT64: *(double *)element = value; break;
  case TRT_DATA_TYPE_INT8: *(int8_t *)element = (int8_t)value; break;
  case TRT_DATA_TYPE_UINT8: *(uint8_t *)element = (uint8_t)value; break;
  case TRT_DATA_TYPE_INT32: *(int32_t *)element = (int32_t)value; break;
  case TRT_DATA_TYPE_INT64: *(int64_t *)element = (int64_t)value; break;
  case TRT_DATA_TYPE_BOOL: *(uint8_t *)element = value != 0; break;
  default: memset(element, 0, trt_data_type_size(type)); break; /* float16: only 0 */
  }
}

trt_status_t trt_cpu_pad(const trt_network_t *network, const trt_layer_t *layer,
                         const void *const *inputs, void *const *outputs,
                         trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_pad_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t volume = trt_dims_volume(&output->dims);
  if (volume == 0)
    return TRT_STATUS_OK;
  int rank = data->dims.nb_dims;
  int64_t begin[TRT_MAX_DIMS] = {0};
  const trt_tensor_t *pads = trt_layer_input(network, layer, 1);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  if (params->nb_pads > 0) {
    for (int d = 0; d < rank; d++)
      begin[d] = params->pads[d];
  } else if (pads) {
    const void *pads_data = operand_data(network, layer, inputs, 1);
    const void *axes_data = operand_data(network, layer, inputs, 3);
    int64_t nb_axes = axes ? trt_dims_volume(&axes->dims) : rank;
    for (int64_t i = 0; i < nb_axes; i++) {
      int axis = trt_normalize_axis(axes ? read_int(axes_data, axes->type, i) : i, rank);
      begin[axis] = read_int(pads_data, pads->type, i);
    }
  }
  size_t element_size = trt_data_type_size(data->type);
  uint8_t fill[16] = {0};
  const trt_tensor_t *value = trt_layer_input(network, layer, 2);
  const void *value_data = operand_data(network, layer, inputs, 2);
  if (value && value_data && trt_dims_volume(&value->dims) == 1)
    memcpy(fill, value_data, element_size);
  else
    store_value(params->value, data->type, fill);

  int64_t in_strides[TRT_MAX_DIMS];
  trt_cpu_contiguous_strides(&data->dims, in_strides);
  const uint8_t *src = inputs[0];
  uint8_t *dst = outputs[0];
  int last = rank - 1;
  int64_t row_length = rank ? output->dims.d[last] : 1;
  int64_t index[TRT_MAX_DIMS] = {0};
  for (int64_t row = 0; row < volume / row_length; row++) {
    uint8_t *row_dst = dst + (size_t)(row * row_length) * element_size;
    /* Source offset of the row from the outer axes; -1 when it lies in the
     * constant border. */
    int64_t offset = 0;
    for (int d = 0; d < last && offset >= 0; d++) {
      int64_t source = pad_source(index[d] - begin[d], data->dims.d[d], params->mode);
      offset = source < 0 ? -1 : offset + source * in_strides[d];
    }
    for (int64_t i = 0; i < row_length; i++) {
      int64_t source = rank ? pad_source(i - begin[last], data->dims.d[last], params->mode) : 0;
      const uint8_t *element = (offset < 0 || source < 0)
                                   ? fill
                                   : src + (size_t)(offset + source) * element_size;
      trt_cpu_copy_element(row_dst + (size_t)i * element_size, element, element_size);
    }
    for (int d = last - 1; d >= 0; d--) {
      if (++index[d] < output->dims.d[d])
        break;
      index[d] = 0;
    }
  }
  return TRT_STATUS_OK;
}
