/* Shape inference for the shape_ops family: Cast, Shape, ConstantOfShape
 * and Identity. Shape's output is known from dims alone, so it is attached
 * as constant data right here: that is what lets shape sub-graphs
 * (Shape -> Gather -> Concat -> Reshape) fold to constants. */
#include <stdlib.h>
#include <string.h>

#include "layers/layers.h"

static bool is_castable(trt_data_type_t type) {
  return (int)type >= 0 && type < TRT_DATA_TYPE_COUNT;
}

trt_status_t trt_cast_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_cast_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Cast needs one input, parameters and one output");
  if (!is_castable(params->to))
    return trt_error(TRT_STATUS_UNSUPPORTED, "cannot cast to data type %d", (int)params->to);
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = params->to;
  output->dims = input->dims;
  return TRT_STATUS_OK;
}

/* Opset 15's [start, end) window over the dims, clamped like Slice. */
static void shape_window(const trt_shape_params_t *params, int rank, int64_t *start,
                         int64_t *end) {
  int64_t s = params ? params->start : 0, e = params ? params->end : INT64_MAX;
  s = s < 0 ? s + rank : s;
  e = e < 0 ? e + rank : e;
  s = s < 0 ? 0 : s > rank ? rank : s;
  e = e < 0 ? 0 : e > rank ? rank : e;
  *start = s;
  *end = e > s ? e : s;
}

trt_status_t trt_shape_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Shape needs one input and one output");
  for (int d = 0; d < input->dims.nb_dims; d++)
    if (input->dims.d[d] < 0) {
      char text[160];
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input '%s' has unknown dims %s", input->name,
                       trt_dims_format(&input->dims, text, sizeof(text)));
    }
  int64_t start, end;
  shape_window(layer->params, input->dims.nb_dims, &start, &end);
  int64_t *values = malloc((size_t)(end - start + 1) * sizeof(int64_t));
  if (!values)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "no memory for the shape value");
  for (int64_t i = start; i < end; i++)
    values[i - start] = input->dims.d[i];
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = TRT_DATA_TYPE_INT64;
  output->dims.nb_dims = 1;
  output->dims.d[0] = end - start;
  if (trt_network_owns_data(network, output))
    free(output->data); /* a value from an earlier inference */
  output->data = values;
  return TRT_STATUS_OK;
}

trt_status_t trt_constant_of_shape_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_constant_of_shape_params_t *params = layer->params;
  const trt_tensor_t *shape = trt_layer_input(network, layer, 0);
  if (!shape || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "ConstantOfShape needs a shape input, parameters "
                                             "and one output");
  if (!shape->data)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "shape operand '%s' is not constant once input shapes are fixed",
                     shape->name);
  if (shape->type != TRT_DATA_TYPE_INT64 && shape->type != TRT_DATA_TYPE_INT32)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "shape '%s' is %s, expected int64", shape->name,
                     trt_data_type_name(shape->type));
  if (shape->dims.nb_dims > 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "shape '%s' has rank %d, expected 1", shape->name,
                     shape->dims.nb_dims);
  if (!is_castable(params->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown data type %d", (int)params->type);
  int64_t count = trt_dims_volume(&shape->dims);
  if (count > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "output rank %lld exceeds %d", (long long)count,
                     TRT_MAX_DIMS);
  trt_dims_t out = {.nb_dims = (int32_t)count};
  for (int i = 0; i < out.nb_dims; i++) {
    out.d[i] = trt_tensor_get_int(shape, i);
    if (out.d[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "dim %d of '%s' is negative (%lld)", i,
                       shape->name, (long long)out.d[i]);
  }
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = params->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

trt_status_t trt_identity_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Identity needs one input and one output");
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = input->dims;
  return TRT_STATUS_OK;
}
