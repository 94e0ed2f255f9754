/* Shape inference for Resize (ONNX Resize 10/11/13 and Upsample).
 *
 * Operand convention, shared with the ONNX importer: a layer with exactly
 * two inputs is Upsample-9 / Resize-10 (input 1 holds the scales); otherwise
 * the inputs are x, [roi], [scales], [sizes] as in Resize-11+. Scales in the
 * parameters (nb_scales > 0, Upsample-7's attribute) take precedence. An
 * empty scales or sizes tensor counts as absent. */
#include <math.h>
#include <stdlib.h>

#include "layers/layers.h"

static const trt_tensor_t *present(const trt_tensor_t *tensor) {
  return tensor && trt_dims_volume(&tensor->dims) != 0 ? tensor : NULL;
}

static trt_status_t check_operand(const trt_tensor_t *operand, bool want_float, int64_t count) {
  if (!operand->data)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "shape operand '%s' is not constant once input shapes are fixed",
                     operand->name);
  bool is_float = operand->type == TRT_DATA_TYPE_FLOAT32 || operand->type == TRT_DATA_TYPE_FLOAT64;
  bool is_int = operand->type == TRT_DATA_TYPE_INT64 || operand->type == TRT_DATA_TYPE_INT32;
  if (want_float ? !is_float : !is_int)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "operand '%s' is %s, expected %s", operand->name,
                     trt_data_type_name(operand->type), want_float ? "float" : "int64");
  if (trt_dims_volume(&operand->dims) != count)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "operand '%s' has %lld values, expected %lld",
                     operand->name, (long long)trt_dims_volume(&operand->dims),
                     (long long)count);
  return TRT_STATUS_OK;
}

trt_status_t trt_resize_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize needs a data input, parameters and one "
                                             "output");
  bool legacy = layer->nb_inputs == 2;
  const trt_tensor_t *roi = legacy ? NULL : present(trt_layer_input(network, layer, 1));
  const trt_tensor_t *scales = present(trt_layer_input(network, layer, legacy ? 1 : 2));
  const trt_tensor_t *sizes = legacy ? NULL : present(trt_layer_input(network, layer, 3));
  int rank = input->dims.nb_dims;

  if (params->mode != TRT_RESIZE_NEAREST && params->mode != TRT_RESIZE_LINEAR &&
      params->mode != TRT_RESIZE_CUBIC)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown resize mode %d", (int)params->mode);
  if ((int)params->coord < 0 || params->coord > TRT_RESIZE_COORD_TF_CROP_AND_RESIZE)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown coordinate transformation %d",
                     (int)params->coord);
  if ((int)params->nearest < 0 || params->nearest > TRT_RESIZE_CEIL)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown nearest mode %d", (int)params->nearest);
  bool interpolates = params->mode != TRT_RESIZE_NEAREST;
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  if ((interpolates || crops) && !trt_is_float_compute_type(input->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s resize of %s data is not supported",
                     interpolates ? "interpolating" : "tf_crop_and_resize",
                     trt_data_type_name(input->type));

  trt_status_t status;
  if (crops) {
    if (!roi)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "tf_crop_and_resize needs a roi input");
    if ((status = check_operand(roi, true, 2 * rank)) != TRT_STATUS_OK)
      return status;
  }
  trt_dims_t out = input->dims;
  if (params->nb_scales > 0 || scales) {
    if (sizes)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize has both scales and sizes");
    if (params->nb_scales > 0 && params->nb_scales != rank)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%d scales for rank %d", params->nb_scales, rank);
    if (params->nb_scales == 0 && (status = check_operand(scales, true, rank)) != TRT_STATUS_OK)
      return status;
    for (int i = 0; i < rank; i++) {
      double scale = params->nb_scales > 0 ? params->scales[i] : trt_tensor_get_double(scales, i);
      if (!(scale > 0))
        return trt_error(TRT_STATUS_SHAPE_ERROR, "scale %g for axis %d is not positive", scale,
                         i);
      /* tf_crop_and_resize scales the region of interest, not the input. */
      double length = (double)input->dims.d[i] * scale;
      if (crops)
        length *= trt_tensor_get_double(roi, rank + i) - trt_tensor_get_double(roi, i);
      /* 2^63: the first double an int64_t cannot hold (NaN fails too). */
      if (!(length < 9223372036854775808.0 && length > -9223372036854775808.0))
        return trt_error(TRT_STATUS_SHAPE_ERROR,
                         "scale %g makes axis %d (size %lld) too large", scale, i,
                         (long long)input->dims.d[i]);
      out.d[i] = (int64_t)floor(length);
      if (out.d[i] < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "roi of axis %d is reversed", i);
    }
  } else if (sizes) {
    if ((status = check_operand(sizes, false, rank)) != TRT_STATUS_OK)
      return status;
    for (int i = 0; i < rank; i++) {
      out.d[i] = trt_tensor_get_int(sizes, i);
      if (out.d[i] < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "size %lld for axis %d is negative",
                         (long long)out.d[i], i);
    }
  } else {
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize needs scales or sizes");
  }
  for (int i = 0; i < rank; i++)
    if (out.d[i] > 0 && input->dims.d[i] == 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot resize empty axis %d to %lld", i,
                       (long long)out.d[i]);
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = out;
  return TRT_STATUS_OK;
}

/* ---- tap tables, shared by the CPU reference and the CUDA backend -------- */

#define MAX_TAPS 4

/* Maps output coordinate x to the input's coordinate system. `resized` is
 * the length of the resized axis in input units times scale, as ONNX's
 * reference defines it (for sizes given: the output size). */
static double original_coordinate(const trt_resize_params_t *params, int64_t x, int64_t in_size,
                                  int64_t out_size, double scale, double roi_start,
                                  double roi_end) {
  double resized = scale * (double)in_size;
  switch (params->coord) {
  case TRT_RESIZE_COORD_ASYMMETRIC:
    return x / scale;
  case TRT_RESIZE_COORD_ALIGN_CORNERS:
    return resized == 1 ? 0.0 : x * (double)(in_size - 1) / (resized - 1);
  case TRT_RESIZE_COORD_PYTORCH_HALF_PIXEL:
    return resized > 1 ? (x + 0.5) / scale - 0.5 : 0.0;
  case TRT_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN:
    return (x + 0.5) / scale;
  case TRT_RESIZE_COORD_TF_CROP_AND_RESIZE:
    if (out_size == 1)
      return 0.5 * (roi_start + roi_end) * (double)(in_size - 1);
    return roi_start * (double)(in_size - 1) +
           x * (roi_end - roi_start) * (double)(in_size - 1) / (double)(out_size - 1);
  case TRT_RESIZE_COORD_HALF_PIXEL:
  default:
    return (x + 0.5) / scale - 0.5;
  }
}

static int64_t nearest_index(double x, trt_resize_nearest_t mode) {
  double below = floor(x);
  if (x == below)
    return (int64_t)below;
  double fraction = x - below;
  switch (mode) {
  case TRT_RESIZE_FLOOR: return (int64_t)below;
  case TRT_RESIZE_CEIL: return (int64_t)below + 1;
  case TRT_RESIZE_ROUND_PREFER_CEIL: return (int64_t)below + (fraction >= 0.5);
  case TRT_RESIZE_ROUND_PREFER_FLOOR:
  default: return (int64_t)below + (fraction > 0.5);
  }
}

/* Keys' cubic convolution weights for the taps at floor(x) - 1 .. + 2. */
static void cubic_weights(double t, double a, double *w) {
  double d0 = t + 1, d1 = t, d2 = 1 - t, d3 = 2 - t;
  w[0] = ((a * d0 - 5 * a) * d0 + 8 * a) * d0 - 4 * a;
  w[1] = ((a + 2) * d1 - (a + 3)) * d1 * d1 + 1;
  w[2] = ((a + 2) * d2 - (a + 3)) * d2 * d2 + 1;
  w[3] = ((a * d3 - 5 * a) * d3 + 8 * a) * d3 - 4 * a;
}

static int64_t clamp_index(int64_t i, int64_t size) {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}

/* Fills `table` for one axis; returns whether the axis maps every output
 * index onto the same input index (nothing to do). */
static bool build_axis_table(const trt_resize_params_t *params, int64_t in_size, int64_t out_size,
                             double scale, double roi_start, double roi_end, int64_t stride,
                             trt_resize_axis_t *table) {
  int nb_taps = table->nb_taps;
  bool identity = in_size == out_size;
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  for (int64_t o = 0; o < out_size; o++) {
    double x = original_coordinate(params, o, in_size, out_size, scale, roi_start, roi_end);
    int64_t *offsets = table->offsets + o * nb_taps;
    double *weights = table->weights + o * nb_taps;
    table->outside[o] = crops && (x < 0 || x > (double)(in_size - 1));
    identity = identity && x == (double)o && !table->outside[o];
    int64_t base = (int64_t)floor(x);
    double t = x - (double)base, w[MAX_TAPS];
    int64_t first_tap = base;
    if (params->mode == TRT_RESIZE_NEAREST || nb_taps == 1) {
      first_tap = nb_taps == 1 && params->mode != TRT_RESIZE_NEAREST
                      ? o /* an axis left as is */
                      : nearest_index(x, params->nearest);
      w[0] = 1;
    } else if (params->mode == TRT_RESIZE_LINEAR) {
      w[0] = 1 - t;
      w[1] = t;
    } else {
      cubic_weights(t, params->cubic_coeff_a, w);
      first_tap = base - 1;
    }
    double sum = 0;
    for (int k = 0; k < nb_taps; k++) {
      int64_t index = first_tap + k;
      if (params->exclude_outside && (index < 0 || index >= in_size))
        w[k] = 0;
      sum += w[k];
    }
    for (int k = 0; k < nb_taps; k++) {
      offsets[k] = clamp_index(first_tap + k, in_size) * stride;
      weights[k] = params->exclude_outside && sum != 0 ? w[k] / sum : w[k];
    }
  }
  return identity;
}

/* The host data of input `index`: the caller's buffer, else the constant's;
 * NULL when the operand is absent or empty. */
static const void *operand_data(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *operands, int index) {
  const trt_tensor_t *tensor = present(trt_layer_input(network, layer, index));
  if (!tensor)
    return NULL;
  return operands && operands[index] ? operands[index] : tensor->data;
}

static double read_float(const trt_tensor_t *tensor, const void *data, int64_t i) {
  return tensor->type == TRT_DATA_TYPE_FLOAT64 ? ((const double *)data)[i]
                                               : ((const float *)data)[i];
}

trt_status_t trt_resize_tables_build(const trt_network_t *network, const trt_layer_t *layer,
                                     const void *const *operands, trt_resize_tables_t *tables) {
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int rank = input->dims.nb_dims;
  bool legacy = layer->nb_inputs == 2;
  int scales_index = legacy ? 1 : 2;
  const trt_tensor_t *scales = trt_layer_input(network, layer, scales_index);
  const void *scales_data = operand_data(network, layer, operands, scales_index);
  const trt_tensor_t *roi = legacy ? NULL : trt_layer_input(network, layer, 1);
  const void *roi_data = legacy ? NULL : operand_data(network, layer, operands, 1);
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  int nb_taps = params->mode == TRT_RESIZE_NEAREST ? 1 : params->mode == TRT_RESIZE_LINEAR ? 2 : 4;

  *tables = (trt_resize_tables_t){.first = rank};
  int64_t stride = 1;
  for (int axis = rank - 1; axis >= 0; axis--) {
    tables->in_strides[axis] = stride;
    stride *= input->dims.d[axis];
  }
  /* One allocation: all axes' offsets, then weights, then outside flags. */
  int64_t entries = 0;
  for (int axis = 0; axis < rank; axis++)
    entries += output->dims.d[axis];
  tables->bytes = (size_t)entries * (nb_taps * (sizeof(int64_t) + sizeof(double)) + 1);
  tables->memory = malloc(tables->bytes ? tables->bytes : 1);
  if (!tables->memory)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Resize: no memory for tables (%zu bytes)",
                     tables->bytes);
  int64_t *next_offsets = (int64_t *)tables->memory;
  double *next_weights = (double *)(next_offsets + entries * nb_taps);
  uint8_t *next_outside = (uint8_t *)(next_weights + entries * nb_taps);

  for (int axis = 0; axis < rank; axis++) {
    int64_t in_size = input->dims.d[axis], out_size = output->dims.d[axis];
    double scale = params->nb_scales > 0 ? params->scales[axis]
                   : scales_data         ? read_float(scales, scales_data, axis)
                                         : (double)out_size / (double)in_size;
    /* Inference requires a roi for tf_crop_and_resize. */
    double roi_start = crops && roi_data ? read_float(roi, roi_data, axis) : 0;
    double roi_end = crops && roi_data ? read_float(roi, roi_data, rank + axis) : 1;
    trt_resize_axis_t *table = &tables->axes[axis];
    *table = (trt_resize_axis_t){nb_taps, next_offsets, next_weights, next_outside};
    next_offsets += out_size * nb_taps;
    next_weights += out_size * nb_taps;
    next_outside += out_size;
    int64_t in_stride = tables->in_strides[axis];
    bool identity = build_axis_table(params, in_size, out_size, scale, roi_start, roi_end,
                                     in_stride, table);
    if (identity && nb_taps > 1) { /* rebuild as one tap of weight 1 */
      table->nb_taps = 1;
      build_axis_table(params, in_size, out_size, scale, roi_start, roi_end, in_stride, table);
    }
    if (!identity && tables->first == rank)
      tables->first = axis;
  }
  return TRT_STATUS_OK;
}

void trt_resize_tables_free(trt_resize_tables_t *tables) {
  free(tables->memory);
  tables->memory = NULL;
}
