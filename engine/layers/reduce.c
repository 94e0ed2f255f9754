/* Shape inference for the reduce family (ReduceMean, ReduceSum, ReduceMax,
 * ReduceMin, ReduceProd). */
#include "layers/layers.h"

/* Which of the input's `rank` dims the layer reduces. Axes come from the
 * constant second input when there is one (ReduceSum-13, the others from
 * opset 18), else from the parameters; none means all dims, or no reduction
 * at all (*noop) with noop_with_empty_axes. */
trt_status_t trt_reduce_resolve_axes(const trt_network_t *network, const trt_layer_t *layer,
                                     int rank, bool reduced[TRT_MAX_DIMS], bool *noop) {
  const trt_reduce_params_t *params = layer->params;
  const trt_tensor_t *axes_tensor = trt_layer_input(network, layer, 1);
  int64_t axes[TRT_MAX_DIMS];
  int64_t nb_axes;
  if (axes_tensor) {
    if (axes_tensor->type != TRT_DATA_TYPE_INT64 && axes_tensor->type != TRT_DATA_TYPE_INT32)
      return trt_error(TRT_STATUS_UNSUPPORTED, "axes type %s is not supported",
                       trt_data_type_name(axes_tensor->type));
    nb_axes = trt_dims_volume(&axes_tensor->dims);
    if (nb_axes < 0 || nb_axes > rank || axes_tensor->dims.nb_dims > 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "axes input has %lld values for rank %d",
                       (long long)nb_axes, rank);
    if (nb_axes > 0 && !axes_tensor->data)
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "axes input '%s' is not a constant; only constant axes are supported",
                       axes_tensor->name);
    for (int64_t i = 0; i < nb_axes; i++)
      axes[i] = trt_tensor_get_int(axes_tensor, i);
  } else {
    nb_axes = params->nb_axes;
    if (nb_axes < 0 || nb_axes > rank)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%lld axes for rank %d", (long long)nb_axes,
                       rank);
    for (int64_t i = 0; i < nb_axes; i++)
      axes[i] = params->axes[i];
  }

  *noop = nb_axes == 0 && params->noop_with_empty_axes;
  for (int i = 0; i < rank; i++)
    reduced[i] = nb_axes == 0 && !*noop;
  for (int64_t i = 0; i < nb_axes; i++) {
    int axis = trt_normalize_axis(axes[i], rank);
    if (axis < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %lld is out of range for rank %d",
                       (long long)axes[i], rank);
    if (reduced[axis])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %lld is given twice", (long long)axes[i]);
    reduced[axis] = true;
  }
  return TRT_STATUS_OK;
}

void trt_reduce_group_dims(const trt_dims_t *dims, const bool reduced[TRT_MAX_DIMS],
                           trt_reduce_groups_t *groups) {
  int64_t sizes[TRT_MAX_DIMS], strides[TRT_MAX_DIMS];
  bool group_reduced[TRT_MAX_DIMS];
  int nb_groups = 0;
  int64_t stride = 1;
  /* From the innermost dim outwards, so strides are known as we go. */
  for (int i = dims->nb_dims - 1; i >= 0; i--) {
    int64_t d = dims->d[i];
    if (d != 1) {
      if (nb_groups > 0 && group_reduced[nb_groups - 1] == reduced[i]) {
        sizes[nb_groups - 1] *= d;
      } else {
        sizes[nb_groups] = d;
        strides[nb_groups] = stride;
        group_reduced[nb_groups] = reduced[i];
        nb_groups++;
      }
    }
    stride *= d;
  }
  /* Groups were collected innermost first; store them outermost first. */
  *groups = (trt_reduce_groups_t){.reduced_count = 1};
  for (int g = nb_groups - 1; g >= 0; g--) {
    if (group_reduced[g]) {
      groups->reduced_size[groups->nb_reduced] = sizes[g];
      groups->reduced_stride[groups->nb_reduced++] = strides[g];
      groups->reduced_count *= sizes[g];
    } else {
      groups->kept_size[groups->nb_kept] = sizes[g];
      groups->kept_stride[groups->nb_kept++] = strides[g];
    }
  }
}

trt_status_t trt_reduce_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_reduce_params_t *params = layer->params;
  if (!params || (int)params->kind < 0 || params->kind > TRT_REDUCE_PROD)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing or invalid reduce kind");
  if (layer->nb_inputs < 1 || layer->nb_inputs > 2 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 1 or 2 inputs and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the input is missing");
  if (x->type != TRT_DATA_TYPE_FLOAT32 && x->type != TRT_DATA_TYPE_INT32 &&
      x->type != TRT_DATA_TYPE_INT64)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(x->type));

  bool reduced[TRT_MAX_DIMS];
  bool noop;
  trt_status_t status = trt_reduce_resolve_axes(network, layer, x->dims.nb_dims, reduced, &noop);
  if (status != TRT_STATUS_OK)
    return status;

  trt_dims_t dims = {0};
  for (int i = 0; i < x->dims.nb_dims; i++) {
    if (!reduced[i])
      dims.d[dims.nb_dims++] = x->dims.d[i];
    else if (params->keep_dims)
      dims.d[dims.nb_dims++] = 1;
  }
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = x->type;
  y->dims = dims;
  return TRT_STATUS_OK;
}
