/* Shape inference for the slice family: Slice (ONNX opset 10+ form, every
 * operand a tensor) and Pad. */
#include <stdint.h>

#include "layers/layers.h"

static int64_t clamp64(int64_t value, int64_t lo, int64_t hi) {
  return value < lo ? lo : value > hi ? hi : value;
}

trt_status_t trt_slice_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *starts = trt_layer_input(network, layer, 1);
  const trt_tensor_t *ends = trt_layer_input(network, layer, 2);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  const trt_tensor_t *steps = trt_layer_input(network, layer, 4);
  if (!data || !starts || !ends || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Slice needs data, starts and ends inputs and one "
                                             "output");
  const trt_tensor_t *operands[] = {starts, ends, axes, steps};
  int64_t count = trt_dims_volume(&starts->dims);
  for (int i = 0; i < 4; i++) {
    if (!operands[i])
      continue;
    trt_status_t status = trt_shape_operand_check(operands[i]);
    if (status != TRT_STATUS_OK)
      return status;
    if (trt_dims_volume(&operands[i]->dims) != count)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "'%s' has %lld values but starts has %lld",
                       operands[i]->name, (long long)trt_dims_volume(&operands[i]->dims),
                       (long long)count);
  }
  int rank = data->dims.nb_dims;
  if (count > rank)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%lld slice axes for rank %d", (long long)count,
                     rank);
  trt_dims_t out = data->dims;
  bool sliced[TRT_MAX_DIMS] = {false};
  for (int64_t i = 0; i < count; i++) {
    int64_t given_axis = axes ? trt_tensor_get_int(axes, i) : i;
    int axis = trt_normalize_axis(given_axis, rank);
    if (axis < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "slice axis %lld is out of range for rank %d",
                       (long long)given_axis, rank);
    if (sliced[axis])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "slice axis %d is repeated", axis);
    sliced[axis] = true;
    int64_t step = steps ? trt_tensor_get_int(steps, i) : 1;
    if (step == 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "slice step for axis %d is 0", axis);
    int64_t dim = data->dims.d[axis];
    int64_t start = trt_tensor_get_int(starts, i), end = trt_tensor_get_int(ends, i);
    /* Negative values count from the end; then clamp to the valid range,
     * which for negative steps runs from dim - 1 down to "before 0" (-1). */
    start = start < 0 ? start + dim : start;
    end = end < 0 ? end + dim : end;
    if (step > 0) {
      start = clamp64(start, 0, dim);
      end = clamp64(end, 0, dim);
    } else {
      start = clamp64(start, 0, dim - 1);
      end = clamp64(end, -1, dim - 1);
    }
    int64_t span = step > 0 ? end - start : start - end;
    int64_t stride = step > 0 ? step : (step == INT64_MIN ? INT64_MAX : -step);
    out.d[axis] = span > 0 ? (span - 1) / stride + 1 : 0;
  }
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = data->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

trt_status_t trt_pad_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_pad_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *pads = trt_layer_input(network, layer, 1);
  const trt_tensor_t *value = trt_layer_input(network, layer, 2);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  if (!data || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Pad needs a data input, parameters and one output");
  if (params->mode != TRT_PAD_CONSTANT && params->mode != TRT_PAD_REFLECT &&
      params->mode != TRT_PAD_EDGE)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown pad mode %d", (int)params->mode);
  int rank = data->dims.nb_dims;
  int64_t begin[TRT_MAX_DIMS] = {0}, end[TRT_MAX_DIMS] = {0};
  if (params->nb_pads > 0) {
    if (params->nb_pads != 2 * rank)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%d pads for rank %d, expected %d",
                       params->nb_pads, rank, 2 * rank);
    for (int i = 0; i < rank; i++) {
      begin[i] = params->pads[i];
      end[i] = params->pads[rank + i];
    }
  } else if (pads) {
    trt_status_t status = trt_shape_operand_check(pads);
    if (status == TRT_STATUS_OK && axes)
      status = trt_shape_operand_check(axes);
    if (status != TRT_STATUS_OK)
      return status;
    /* Opset 18's axes input names the padded axes; otherwise all of them. */
    int64_t nb_axes = axes ? trt_dims_volume(&axes->dims) : rank;
    if (trt_dims_volume(&pads->dims) != 2 * nb_axes)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "'%s' has %lld pads, expected %lld", pads->name,
                       (long long)trt_dims_volume(&pads->dims), (long long)(2 * nb_axes));
    for (int64_t i = 0; i < nb_axes; i++) {
      int64_t given_axis = axes ? trt_tensor_get_int(axes, i) : i;
      int axis = trt_normalize_axis(given_axis, rank);
      if (axis < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "pad axis %lld is out of range for rank %d",
                         (long long)given_axis, rank);
      begin[axis] = trt_tensor_get_int(pads, i);
      end[axis] = trt_tensor_get_int(pads, nb_axes + i);
    }
  }
  if (value) {
    if (value->type != data->type)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "pad value '%s' is %s but the data is %s",
                       value->name, trt_data_type_name(value->type),
                       trt_data_type_name(data->type));
    if (trt_dims_volume(&value->dims) > 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "pad value '%s' is not a scalar", value->name);
  } else if (data->type == TRT_DATA_TYPE_FLOAT16 && params->value != 0.0f) {
    return trt_error(TRT_STATUS_UNSUPPORTED, "a nonzero pad value for float16 data must come as "
                                             "a float16 input");
  }
  trt_dims_t out = data->dims;
  for (int i = 0; i < rank; i++) {
    if (!trt_int64_add_checked(data->dims.d[i], begin[i], &out.d[i]) ||
        !trt_int64_add_checked(out.d[i], end[i], &out.d[i]))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "pads %lld and %lld of axis %d (size %lld) overflow",
                       (long long)begin[i], (long long)end[i], i, (long long)data->dims.d[i]);
    if (out.d[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "pads %lld and %lld crop axis %d of size %lld "
                       "below zero", (long long)begin[i], (long long)end[i], i,
                       (long long)data->dims.d[i]);
    bool padded = begin[i] > 0 || end[i] > 0;
    if (padded && params->mode != TRT_PAD_CONSTANT && data->dims.d[i] == 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot %s-pad empty axis %d",
                       params->mode == TRT_PAD_EDGE ? "edge" : "reflect", i);
  }
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = data->type;
  output->dims = out;
  return TRT_STATUS_OK;
}
