/* Shape inference for the normalization family: batch norm (inference form),
 * instance norm, layer norm and LRN. All take FP32 [N, C, ...] data (layer
 * norm any rank) and produce data of the same dims. */
#include "layers/layers.h"

static trt_status_t check_float(const trt_tensor_t *tensor, const char *role) {
  if (tensor->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s type %s is not supported", role,
                     trt_data_type_name(tensor->type));
  return TRT_STATUS_OK;
}

/* Checks the layer's input count (between min and max, the first min
 * present) and that it has exactly one output; returns the data input. */
static trt_status_t check_arity(trt_network_t *network, trt_layer_t *layer, int min_inputs,
                                int max_inputs, int max_outputs, const trt_tensor_t **x) {
  if (layer->nb_inputs < min_inputs || layer->nb_inputs > max_inputs)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected %d to %d inputs, got %d", min_inputs,
                     max_inputs, layer->nb_inputs);
  if (layer->nb_outputs < 1 || layer->nb_outputs > max_outputs)
    return trt_error(TRT_STATUS_UNSUPPORTED, "expected 1 to %d outputs, got %d", max_outputs,
                     layer->nb_outputs);
  for (int i = 0; i < min_inputs; i++)
    if (!trt_layer_input(network, layer, i))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input %d is missing", i);
  *x = trt_layer_input(network, layer, 0);
  return check_float(*x, "input");
}

/* Per-channel operands: `channels` elements, whatever their rank ([C] or
 * [1,C,1,1] alike). */
static trt_status_t check_per_channel(const trt_tensor_t *tensor, const char *role,
                                      int64_t channels) {
  trt_status_t status = check_float(tensor, role);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t volume = trt_dims_volume(&tensor->dims);
  if (volume != channels) {
    char text[96];
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s has dims %s, expected %lld channel values",
                     role, trt_dims_format(&tensor->dims, text, sizeof(text)),
                     (long long)channels);
  }
  return TRT_STATUS_OK;
}

static trt_status_t infer_channel_norm(trt_network_t *network, trt_layer_t *layer,
                                       const char *const *roles, int nb_operands,
                                       int min_rank) {
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_arity(network, layer, nb_operands + 1, nb_operands + 1, 1, &x);
  if (status != TRT_STATUS_OK)
    return status;
  if (x->dims.nb_dims < min_rank)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input has rank %d, expected at least %d",
                     x->dims.nb_dims, min_rank);
  int64_t channels = x->dims.d[1];
  for (int i = 0; i < nb_operands; i++) {
    status = check_per_channel(trt_layer_input(network, layer, i + 1), roles[i], channels);
    if (status != TRT_STATUS_OK)
      return status;
  }
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = x->dims;
  return TRT_STATUS_OK;
}

trt_status_t trt_batch_norm_infer(trt_network_t *network, trt_layer_t *layer) {
  static const char *const roles[] = {"scale", "bias", "mean", "variance"};
  if (layer->nb_outputs > 1)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "training mode (%d outputs) is not supported, only inference",
                     layer->nb_outputs);
  return infer_channel_norm(network, layer, roles, 4, 2);
}

trt_status_t trt_instance_norm_infer(trt_network_t *network, trt_layer_t *layer) {
  static const char *const roles[] = {"scale", "bias"};
  return infer_channel_norm(network, layer, roles, 2, 3);
}

/* Scale and bias broadcast unidirectionally to the normalized dims
 * (x.dims[axis:]). */
static trt_status_t check_layer_norm_operand(const trt_tensor_t *tensor, const char *role,
                                             const trt_dims_t *x_dims, int axis) {
  trt_status_t status = check_float(tensor, role);
  if (status != TRT_STATUS_OK)
    return status;
  int normalized_rank = x_dims->nb_dims - axis;
  bool ok = tensor->dims.nb_dims <= normalized_rank;
  for (int i = 0; ok && i < tensor->dims.nb_dims; i++) {
    int64_t d = tensor->dims.d[tensor->dims.nb_dims - 1 - i];
    ok = d == 1 || d == x_dims->d[x_dims->nb_dims - 1 - i];
  }
  if (!ok) {
    char text[96], normalized[96];
    trt_dims_t normalized_dims = trt_dims_make(normalized_rank, x_dims->d + axis);
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s dims %s do not broadcast to the normalized dims %s", role,
                     trt_dims_format(&tensor->dims, text, sizeof(text)),
                     trt_dims_format(&normalized_dims, normalized, sizeof(normalized)));
  }
  return TRT_STATUS_OK;
}

/* Outputs: Y, and optionally Mean and InvStdDev with dims x.dims[:axis]
 * followed by ones. */
trt_status_t trt_layer_norm_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_norm_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing layer norm parameters");
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_arity(network, layer, 2, 3, 3, &x);
  if (status != TRT_STATUS_OK)
    return status;
  int rank = x->dims.nb_dims;
  int axis = trt_normalize_axis(params->axis, rank);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                     (int)params->axis, rank);
  status = check_layer_norm_operand(trt_layer_input(network, layer, 1), "scale", &x->dims, axis);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *bias = trt_layer_input(network, layer, 2);
  if (bias) {
    status = check_layer_norm_operand(bias, "bias", &x->dims, axis);
    if (status != TRT_STATUS_OK)
      return status;
  }

  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = x->dims;
  trt_dims_t stat_dims = x->dims;
  for (int i = axis; i < rank; i++)
    stat_dims.d[i] = 1;
  for (int i = 1; i < layer->nb_outputs; i++) {
    trt_tensor_t *stat = trt_layer_output(network, layer, i);
    stat->type = TRT_DATA_TYPE_FLOAT32;
    stat->dims = stat_dims;
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_lrn_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_lrn_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing LRN parameters");
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_arity(network, layer, 1, 1, 1, &x);
  if (status != TRT_STATUS_OK)
    return status;
  if (x->dims.nb_dims < 2)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input has rank %d, expected at least 2",
                     x->dims.nb_dims);
  if (params->size < 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "size is %lld, expected at least 1",
                     (long long)params->size);
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = x->dims;
  return TRT_STATUS_OK;
}
