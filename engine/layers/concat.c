/* Shape inference for the concat family: Concat and Split. */
#include "layers/layers.h"

trt_status_t trt_concat_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_concat_params_t *params = layer->params;
  if (!params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Concat needs parameters and one output");
  const trt_tensor_t *first = NULL;
  int axis = -1;
  trt_dims_t out = {0};
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (!input)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Concat input %d is missing", i);
    if (!first) {
      first = input;
      out = input->dims;
      axis = trt_normalize_axis(params->axis, out.nb_dims);
      if (axis < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                         params->axis, out.nb_dims);
      continue;
    }
    char first_text[160], text[160];
    if (input->type != first->type)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input '%s' is %s but input '%s' is %s",
                       input->name, trt_data_type_name(input->type), first->name,
                       trt_data_type_name(first->type));
    bool compatible = input->dims.nb_dims == out.nb_dims;
    for (int d = 0; compatible && d < out.nb_dims; d++)
      compatible = d == axis || input->dims.d[d] == first->dims.d[d];
    if (!compatible)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "input '%s' (%s) does not match input '%s' (%s) outside axis %d",
                       input->name, trt_dims_format(&input->dims, text, sizeof(text)),
                       first->name, trt_dims_format(&first->dims, first_text, sizeof(first_text)),
                       axis);
    if (!trt_int64_add_checked(out.d[axis], input->dims.d[axis], &out.d[axis]))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "the inputs' sizes along axis %d overflow", axis);
  }
  if (!first)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Concat needs at least one input");
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = first->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

trt_status_t trt_split_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_split_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Split needs a data input and parameters");
  int nb_outputs = layer->nb_outputs;
  if (nb_outputs < 1 || (params->nb_outputs && params->nb_outputs != nb_outputs))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Split has %d outputs but nb_outputs is %d",
                     nb_outputs, params->nb_outputs);
  int axis = trt_normalize_axis(params->axis, input->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d", params->axis,
                     input->dims.nb_dims);
  int64_t length = input->dims.d[axis];
  int64_t sizes[TRT_MAX_LAYER_OUTPUTS];
  const trt_tensor_t *split = trt_layer_input(network, layer, 1);
  if (params->nb_sizes > 0 || split) {
    int64_t count = params->nb_sizes;
    if (params->nb_sizes <= 0) {
      if (!split->data)
        return trt_error(TRT_STATUS_SHAPE_ERROR,
                         "shape operand '%s' is not constant once input shapes are fixed",
                         split->name);
      if (split->type != TRT_DATA_TYPE_INT64 && split->type != TRT_DATA_TYPE_INT32)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "split '%s' is %s, expected int64",
                         split->name, trt_data_type_name(split->type));
      count = trt_dims_volume(&split->dims);
    }
    if (count != nb_outputs)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%lld split sizes for %d outputs",
                       (long long)count, nb_outputs);
    int64_t total = 0;
    for (int i = 0; i < nb_outputs; i++) {
      sizes[i] = params->nb_sizes > 0 ? params->sizes[i] : trt_tensor_get_int(split, i);
      if (sizes[i] < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "split size %d is negative (%lld)", i,
                         (long long)sizes[i]);
      if (sizes[i] > length - total) /* total <= length here: no overflow */
        return trt_error(TRT_STATUS_SHAPE_ERROR, "split sizes exceed axis %d's %lld", axis,
                         (long long)length);
      total += sizes[i];
    }
    if (total != length)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "split sizes add up to %lld, but axis %d has %lld",
                       (long long)total, axis, (long long)length);
  } else {
    /* Equal parts; as opset 18 allows, the last part may be smaller. */
    int64_t part = (length + nb_outputs - 1) / nb_outputs;
    int64_t last = length - part * (nb_outputs - 1);
    if (last < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d of size %lld cannot be split in %d parts",
                       axis, (long long)length, nb_outputs);
    for (int i = 0; i < nb_outputs; i++)
      sizes[i] = i + 1 < nb_outputs ? part : last;
  }
  for (int i = 0; i < nb_outputs; i++) {
    trt_tensor_t *output = trt_layer_output(network, layer, i);
    output->type = input->type;
    output->dims = input->dims;
    output->dims.d[axis] = sizes[i];
  }
  return TRT_STATUS_OK;
}
