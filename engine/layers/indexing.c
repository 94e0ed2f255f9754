/* Shape inference for the indexing family: ArgMax/ArgMin, GatherElements,
 * Tile, Expand and Trilu. Tile's repeats, Expand's shape and Trilu's k are
 * shape operands: constant once input shapes are fixed. */
#include "layers/layers.h"

static trt_status_t check_counts(const trt_layer_t *layer, int min_inputs, int max_inputs) {
  if (layer->nb_inputs < min_inputs || layer->nb_inputs > max_inputs || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected %d to %d inputs and 1 output, got %d and %d",
                     min_inputs, max_inputs, layer->nb_inputs, layer->nb_outputs);
  return TRT_STATUS_OK;
}

static bool is_index_type(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_INT32 || type == TRT_DATA_TYPE_INT64;
}

/* A constant 1-D int operand of `count` values (count < 0: any). */
static trt_status_t constant_int_vector(const trt_tensor_t *tensor, const char *role,
                                        int64_t count) {
  if (!tensor->data)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s '%s' is not constant once input shapes are fixed", role, tensor->name);
  if (!is_index_type(tensor->type))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s '%s' is %s, expected int64", role, tensor->name,
                     trt_data_type_name(tensor->type));
  if (tensor->dims.nb_dims > 1 || (count >= 0 && trt_dims_volume(&tensor->dims) != count))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s '%s' must be 1-D with %lld values", role,
                     tensor->name, (long long)count);
  return TRT_STATUS_OK;
}

trt_status_t trt_arg_reduce_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_arg_reduce_params_t *params = layer->params;
  trt_status_t status = check_counts(layer, 1, 1);
  if (status != TRT_STATUS_OK)
    return status;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing ArgMax/ArgMin parameters");
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input 0 is missing");
  if (x->type == TRT_DATA_TYPE_FLOAT16 || x->type == TRT_DATA_TYPE_BOOL)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(x->type));
  int axis = trt_normalize_axis(params->axis, x->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                     (int)params->axis, x->dims.nb_dims);
  if (x->dims.d[axis] == 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d has no elements", axis);
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = TRT_DATA_TYPE_INT64;
  output->dims = x->dims;
  if (params->keep_dims) {
    output->dims.d[axis] = 1;
  } else {
    for (int i = axis; i + 1 < x->dims.nb_dims; i++)
      output->dims.d[i] = x->dims.d[i + 1];
    output->dims.nb_dims--;
  }
  return TRT_STATUS_OK;
}

/* Indices may not be checked here (they are data); the CPU reference
 * rejects out-of-range ones when it runs. */
trt_status_t trt_gather_elements_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_gather_params_t *params = layer->params;
  trt_status_t status = check_counts(layer, 2, 2);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  if (!params || !data || !indices)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "GatherElements needs data, indices and parameters");
  if (!is_index_type(indices->type))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "indices are %s, expected int32 or int64",
                     trt_data_type_name(indices->type));
  int rank = data->dims.nb_dims;
  if (indices->dims.nb_dims != rank || rank == 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "indices have rank %d, data rank %d (must match, > 0)",
                     indices->dims.nb_dims, rank);
  int axis = trt_normalize_axis(params->axis, rank);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                     (int)params->axis, rank);
  /* Off the axis, output position i reads data at the same coordinates:
   * the indices may not reach past the data there. */
  for (int d = 0; d < rank; d++) {
    if (d != axis && indices->dims.d[d] > data->dims.d[d]) {
      char data_dims[160], index_dims[160];
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "indices %s exceed data %s on axis %d (%lld > %lld); off the gather axis "
                       "%d the indices' dims must not exceed the data's",
                       trt_dims_format(&indices->dims, index_dims, sizeof(index_dims)),
                       trt_dims_format(&data->dims, data_dims, sizeof(data_dims)), d,
                       (long long)indices->dims.d[d], (long long)data->dims.d[d], axis);
    }
  }
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = data->type;
  output->dims = indices->dims;
  return TRT_STATUS_OK;
}

trt_status_t trt_tile_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_status_t status = check_counts(layer, 2, 2);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *repeats = trt_layer_input(network, layer, 1);
  if (!x || !repeats)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Tile needs an input and repeats");
  if ((status = constant_int_vector(repeats, "repeats", x->dims.nb_dims)) != TRT_STATUS_OK)
    return status;
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = x->type;
  output->dims = x->dims;
  for (int i = 0; i < x->dims.nb_dims; i++) {
    int64_t repeat = trt_tensor_get_int(repeats, i);
    if (repeat < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "repeat %d is negative (%lld)", i,
                       (long long)repeat);
    if (!trt_int64_mul_checked(output->dims.d[i], repeat, &output->dims.d[i]))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "repeat %d (%lld) of axis size %lld overflows", i,
                       (long long)repeat, (long long)x->dims.d[i]);
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_expand_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_status_t status = check_counts(layer, 2, 2);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *shape = trt_layer_input(network, layer, 1);
  if (!x || !shape)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Expand needs an input and a shape");
  if ((status = constant_int_vector(shape, "shape", -1)) != TRT_STATUS_OK)
    return status;
  int64_t count = trt_dims_volume(&shape->dims);
  if (count > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "shape has %lld dims, at most %d are supported",
                     (long long)count, TRT_MAX_DIMS);
  trt_dims_t target = {.nb_dims = (int32_t)count};
  for (int i = 0; i < target.nb_dims; i++)
    target.d[i] = trt_tensor_get_int(shape, i);
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = x->type;
  return trt_broadcast_dims(&x->dims, &target, &output->dims);
}

trt_status_t trt_trilu_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_status_t status = check_counts(layer, 1, 2);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *k = trt_layer_input(network, layer, 1);
  if (!x || !layer->params)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Trilu needs an input and parameters");
  if (x->dims.nb_dims < 2)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input has rank %d, expected at least 2",
                     x->dims.nb_dims);
  if (k && (status = constant_int_vector(k, "k", 1)) != TRT_STATUS_OK)
    return status;
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = x->type;
  output->dims = x->dims;
  return TRT_STATUS_OK;
}
