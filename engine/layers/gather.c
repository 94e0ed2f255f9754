/* Shape inference for Gather (ONNX Gather: indices pick slices along one
 * axis; output rank = data rank + indices rank - 1). */
#include "layers/layers.h"

trt_status_t trt_gather_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_gather_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  if (!data || !indices || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Gather needs data and indices inputs, parameters "
                                             "and one output");
  if (indices->type != TRT_DATA_TYPE_INT32 && indices->type != TRT_DATA_TYPE_INT64)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "indices '%s' are %s, expected int32 or int64",
                     indices->name, trt_data_type_name(indices->type));
  int rank = data->dims.nb_dims;
  int axis = trt_normalize_axis(params->axis, rank);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d", params->axis,
                     rank);
  int out_rank = rank + indices->dims.nb_dims - 1;
  if (out_rank > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "output rank %d exceeds %d", out_rank,
                     TRT_MAX_DIMS);
  /* Constant indices are checked now; others when the layer runs. */
  int64_t dim = data->dims.d[axis];
  int64_t count = trt_dims_volume(&indices->dims);
  for (int64_t i = 0; indices->data && i < count; i++) {
    int64_t index = trt_tensor_get_int(indices, i);
    if (index < -dim || index >= dim)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "index %lld is out of range for axis %d of size "
                       "%lld", (long long)index, axis, (long long)dim);
  }
  trt_dims_t out = {.nb_dims = out_rank};
  int k = 0;
  for (int d = 0; d < axis; d++)
    out.d[k++] = data->dims.d[d];
  for (int d = 0; d < indices->dims.nb_dims; d++)
    out.d[k++] = indices->dims.d[d];
  for (int d = axis + 1; d < rank; d++)
    out.d[k++] = data->dims.d[d];
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = data->type;
  output->dims = out;
  return TRT_STATUS_OK;
}
