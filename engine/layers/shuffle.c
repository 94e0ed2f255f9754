/* Shape inference for the shuffle family: Reshape (ONNX Reshape, Flatten,
 * Squeeze, Unsqueeze) and Transpose. */
#include <string.h>

#include "layers/layers.h"

trt_status_t trt_shape_operand_check(const trt_tensor_t *operand) {
  if (!operand->data)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "shape operand '%s' is not constant once input shapes are fixed",
                     operand->name);
  if (operand->type != TRT_DATA_TYPE_INT64 && operand->type != TRT_DATA_TYPE_INT32)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "shape operand '%s' is %s, expected int64 or int32",
                     operand->name, trt_data_type_name(operand->type));
  if (operand->dims.nb_dims > 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "shape operand '%s' has rank %d, expected 1",
                     operand->name, operand->dims.nb_dims);
  return TRT_STATUS_OK;
}

static trt_status_t check_known_dims(const trt_tensor_t *tensor) {
  if (trt_dims_volume(&tensor->dims) < 0) {
    char text[160];
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input '%s' has unknown dims %s", tensor->name,
                     trt_dims_format(&tensor->dims, text, sizeof(text)));
  }
  return TRT_STATUS_OK;
}

static trt_status_t reshape_from_tensor(const trt_tensor_t *input, const trt_tensor_t *shape,
                                        bool allow_zero, trt_dims_t *out) {
  if (!shape)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Reshape needs a shape input");
  trt_status_t status = trt_shape_operand_check(shape);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t count = trt_dims_volume(&shape->dims);
  if (count > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "shape '%s' has %lld values, at most %d supported",
                     shape->name, (long long)count, TRT_MAX_DIMS);
  out->nb_dims = (int32_t)count;
  int inferred_axis = -1;
  bool has_zero = false;
  int64_t known_volume = 1;
  for (int i = 0; i < out->nb_dims; i++) {
    int64_t value = trt_tensor_get_int(shape, i);
    if (value == 0 && !allow_zero) {
      if (i >= input->dims.nb_dims)
        return trt_error(TRT_STATUS_SHAPE_ERROR,
                         "shape value 0 at index %d copies an input dim, but the input has rank %d",
                         i, input->dims.nb_dims);
      value = input->dims.d[i];
    } else if (value == 0) {
      has_zero = true;
    }
    if (value == -1) {
      if (inferred_axis >= 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "shape '%s' has more than one -1", shape->name);
      inferred_axis = i;
    } else if (value < -1) {
      return trt_error(TRT_STATUS_SHAPE_ERROR, "shape '%s' has invalid value %lld at index %d",
                       shape->name, (long long)value, i);
    } else if (!trt_int64_mul_checked(known_volume, value, &known_volume)) {
      return trt_error(TRT_STATUS_SHAPE_ERROR, "shape '%s' has more elements than a 64-bit count "
                       "can hold", shape->name);
    }
    out->d[i] = value;
  }
  int64_t volume = trt_dims_volume(&input->dims);
  char in_text[160], out_text[160];
  if (inferred_axis >= 0) {
    if (has_zero)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "shape '%s' has both -1 and 0 while allowzero is set", shape->name);
    if (known_volume == 0 || volume % known_volume != 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot reshape %s to %s",
                       trt_dims_format(&input->dims, in_text, sizeof(in_text)),
                       trt_dims_format(out, out_text, sizeof(out_text)));
    out->d[inferred_axis] = volume / known_volume;
  } else if (known_volume != volume) {
    return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot reshape %s (%lld elements) to %s",
                     trt_dims_format(&input->dims, in_text, sizeof(in_text)), (long long)volume,
                     trt_dims_format(out, out_text, sizeof(out_text)));
  }
  return TRT_STATUS_OK;
}

static trt_status_t reshape_flatten(const trt_dims_t *in, int32_t axis, trt_dims_t *out) {
  int64_t split = axis < 0 ? axis + in->nb_dims : axis;
  if (split < 0 || split > in->nb_dims)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Flatten axis %d is out of range for rank %d", axis,
                     in->nb_dims);
  out->nb_dims = 2;
  out->d[0] = 1;
  out->d[1] = 1;
  for (int i = 0; i < in->nb_dims; i++)
    if (!trt_int64_mul_checked(out->d[i < split ? 0 : 1], in->d[i], &out->d[i < split ? 0 : 1]))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Flatten of %d dims overflows", in->nb_dims);
  return TRT_STATUS_OK;
}

/* Collects squeeze/unsqueeze axes from the parameters, else from input 1. */
static trt_status_t gather_axes(const trt_reshape_params_t *params, const trt_tensor_t *axes_input,
                                int64_t *axes, int *nb_axes) {
  if (params->nb_axes > 0) {
    if (params->nb_axes > TRT_MAX_DIMS)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%d axes given, at most %d supported",
                       params->nb_axes, TRT_MAX_DIMS);
    for (int i = 0; i < params->nb_axes; i++)
      axes[i] = params->axes[i];
    *nb_axes = params->nb_axes;
    return TRT_STATUS_OK;
  }
  *nb_axes = 0;
  if (!axes_input)
    return TRT_STATUS_OK;
  trt_status_t status = trt_shape_operand_check(axes_input);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t count = trt_dims_volume(&axes_input->dims);
  if (count > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axes '%s' has %lld values, at most %d supported",
                     axes_input->name, (long long)count, TRT_MAX_DIMS);
  for (int64_t i = 0; i < count; i++)
    axes[i] = trt_tensor_get_int(axes_input, i);
  *nb_axes = (int)count;
  return TRT_STATUS_OK;
}

static trt_status_t reshape_squeeze(const trt_dims_t *in, const int64_t *axes, int nb_axes,
                                    trt_dims_t *out) {
  bool removed[TRT_MAX_DIMS] = {false};
  for (int i = 0; i < nb_axes; i++) {
    int axis = trt_normalize_axis(axes[i], in->nb_dims);
    if (axis < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Squeeze axis %lld is out of range for rank %d",
                       (long long)axes[i], in->nb_dims);
    if (in->d[axis] != 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot squeeze axis %d of size %lld", axis,
                       (long long)in->d[axis]);
    removed[axis] = true;
  }
  out->nb_dims = 0;
  for (int i = 0; i < in->nb_dims; i++) {
    bool drop = nb_axes > 0 ? removed[i] : in->d[i] == 1;
    if (!drop)
      out->d[out->nb_dims++] = in->d[i];
  }
  return TRT_STATUS_OK;
}

static trt_status_t reshape_unsqueeze(const trt_dims_t *in, const int64_t *axes, int nb_axes,
                                      trt_dims_t *out) {
  if (nb_axes == 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Unsqueeze needs axes");
  int rank = in->nb_dims + nb_axes;
  if (rank > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "Unsqueeze output rank %d exceeds %d", rank,
                     TRT_MAX_DIMS);
  bool inserted[TRT_MAX_DIMS] = {false};
  for (int i = 0; i < nb_axes; i++) {
    int axis = trt_normalize_axis(axes[i], rank);
    if (axis < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Unsqueeze axis %lld is out of range for rank %d",
                       (long long)axes[i], rank);
    if (inserted[axis])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Unsqueeze axis %d is repeated", axis);
    inserted[axis] = true;
  }
  out->nb_dims = rank;
  for (int i = 0, source = 0; i < rank; i++)
    out->d[i] = inserted[i] ? 1 : in->d[source++];
  return TRT_STATUS_OK;
}

trt_status_t trt_reshape_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_reshape_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Reshape needs one data input, parameters and one "
                                             "output");
  trt_status_t status = check_known_dims(input);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *operand = trt_layer_input(network, layer, 1);
  trt_dims_t out = {0};
  int64_t axes[TRT_MAX_DIMS];
  int nb_axes = 0;
  switch (params->mode) {
  case TRT_RESHAPE_FROM_TENSOR:
    status = reshape_from_tensor(input, operand, params->allow_zero, &out);
    break;
  case TRT_RESHAPE_FLATTEN:
    status = reshape_flatten(&input->dims, params->axis, &out);
    break;
  case TRT_RESHAPE_SQUEEZE:
    status = gather_axes(params, operand, axes, &nb_axes);
    if (status == TRT_STATUS_OK)
      status = reshape_squeeze(&input->dims, axes, nb_axes, &out);
    break;
  case TRT_RESHAPE_UNSQUEEZE:
    status = gather_axes(params, operand, axes, &nb_axes);
    if (status == TRT_STATUS_OK)
      status = reshape_unsqueeze(&input->dims, axes, nb_axes, &out);
    break;
  default:
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown reshape mode %d", (int)params->mode);
  }
  if (status != TRT_STATUS_OK)
    return status;
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

/* The input axis that output axis `i` takes (no perm: the axes reversed). */
static int transpose_source(const trt_transpose_params_t *params, int rank, int i) {
  return params->nb_perm ? params->perm[i] : rank - 1 - i;
}

trt_status_t trt_transpose_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_transpose_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Transpose needs one input, parameters and one "
                                             "output");
  const trt_dims_t *in = &input->dims;
  int rank = in->nb_dims;
  if (params->nb_perm != 0 && params->nb_perm != rank)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "perm has %d values, but the input has rank %d",
                     params->nb_perm, rank);
  trt_dims_t out = {.nb_dims = rank};
  bool used[TRT_MAX_DIMS] = {false};
  for (int i = 0; i < rank; i++) {
    int source = transpose_source(params, rank, i);
    if (source < 0 || source >= rank || used[source])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "perm is not a permutation of 0..%d", rank - 1);
    used[source] = true;
    out.d[i] = in->d[source];
  }
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

int trt_transpose_simplify(const trt_dims_t *in, const trt_transpose_params_t *params,
                           int64_t out_dims[TRT_MAX_DIMS], int64_t in_strides[TRT_MAX_DIMS]) {
  /* Merge: walk the output axes; an output axis whose source follows the
   * previous output axis's source in the input joins that group. */
  int64_t group_size[TRT_MAX_DIMS];
  int group_first_source[TRT_MAX_DIMS], group_of_source[TRT_MAX_DIMS];
  int nb_groups = 0, previous_source = -2;
  for (int i = 0; i < in->nb_dims; i++) {
    int source = transpose_source(params, in->nb_dims, i);
    if (in->d[source] == 1) {
      group_of_source[source] = -1;
      continue;
    }
    if (source == previous_source + 1 && nb_groups > 0) {
      group_size[nb_groups - 1] *= in->d[source];
    } else {
      group_first_source[nb_groups] = source;
      group_size[nb_groups++] = in->d[source];
    }
    group_of_source[source] = nb_groups - 1;
    previous_source = source;
  }
  /* Input strides of each group: groups ordered by their first input axis. */
  int64_t stride = 1;
  for (int source = in->nb_dims - 1; source >= 0; source--) {
    int group = group_of_source[source];
    if (group < 0 || group_first_source[group] != source)
      continue;
    in_strides[group] = stride;
    stride *= group_size[group];
  }
  for (int g = 0; g < nb_groups; g++)
    out_dims[g] = group_size[g];
  if (nb_groups == 0) { /* all size-1 axes: one element */
    out_dims[0] = 1;
    in_strides[0] = 1;
    return 1;
  }
  return nb_groups;
}
