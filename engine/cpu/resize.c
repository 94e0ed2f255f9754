/* CPU reference for Resize: nearest (any data type), N-linear and cubic
 * (float32) over any axes, with ONNX's coordinate transformations.
 *
 * Each resized axis gets a table saying, for every output index, which
 * input indices ("taps") contribute and with which weights; an output
 * element is the sum over all tap combinations of the product of weights.
 * Leading axes that are not resized (batch, channels) are folded into an
 * outer loop. Operands follow the convention in layers/resize.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_layers.h"

#define MAX_TAPS 4

typedef struct {
  int nb_taps;
  int64_t *offsets; /* [out_dim][nb_taps] input element offsets (index * stride) */
  double *weights;  /* [out_dim][nb_taps] */
  bool *outside;    /* [out_dim] true where tf_crop_and_resize extrapolates */
} axis_table_t;

typedef struct {
  int rank, first; /* axes before `first` are not resized */
  int64_t out_dims[TRT_MAX_DIMS];
  int64_t in_block; /* input elements per outer index */
  int64_t inner_rows; /* output rows (along the last axis) per outer index */
  axis_table_t axes[TRT_MAX_DIMS];
  bool nearest; /* one tap per axis everywhere: a pure copy */
  size_t element_size;
  float extrapolation;
  const uint8_t *input;
  uint8_t *output;
} resize_plan_t;

static double read_float(const trt_tensor_t *tensor, const void *data, int64_t i) {
  return tensor->type == TRT_DATA_TYPE_FLOAT64 ? ((const double *)data)[i]
                                               : ((const float *)data)[i];
}

static const void *operand_data(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *inputs, int index) {
  const trt_tensor_t *tensor = trt_layer_input(network, layer, index);
  if (!tensor || trt_dims_volume(&tensor->dims) == 0)
    return NULL;
  return inputs[index] ? inputs[index] : tensor->data;
}

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
                             axis_table_t *table) {
  int nb_taps = table->nb_taps;
  bool identity = in_size == out_size;
  for (int64_t o = 0; o < out_size; o++) {
    double x = original_coordinate(params, o, in_size, out_size, scale, roi_start, roi_end);
    int64_t *offsets = table->offsets + o * nb_taps;
    double *weights = table->weights + o * nb_taps;
    bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
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

static void copy_element(uint8_t *dst, const uint8_t *src, size_t size) {
  switch (size) {
  case 1: *dst = *src; break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  case 8: memcpy(dst, src, 8); break;
  default: memcpy(dst, src, size); break;
  }
}

/* The tap combinations of the axes before the last are the same along a
 * whole row; rows with more of them than this take the general path. */
#define MAX_ROW_COMBINATIONS 256

/* Sums the taps of output element x of a row: over the row's combinations
 * of the other axes (`row_offsets`/`row_weights`), times the last axis's. */
static float interpolate(const resize_plan_t *plan, const int64_t *row_offsets,
                         const double *row_weights, int64_t nb_row, int64_t x) {
  const axis_table_t *last = &plan->axes[plan->rank - 1];
  const int64_t *offsets = last->offsets + x * last->nb_taps;
  const double *weights = last->weights + x * last->nb_taps;
  const float *input = (const float *)plan->input;
  double sum = 0;
  for (int64_t c = 0; c < nb_row; c++) {
    if (row_weights[c] == 0)
      continue;
    double partial = 0;
    for (int k = 0; k < last->nb_taps; k++)
      partial += weights[k] * input[row_offsets[c] + offsets[k]];
    sum += row_weights[c] * partial;
  }
  return (float)sum;
}

/* Writes output rows [begin, end), a row being one line along the last axis. */
static void resize_rows(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const resize_plan_t *plan = arg;
  int last = plan->rank - 1;
  int64_t row_length = plan->out_dims[last];
  const axis_table_t *last_table = &plan->axes[last];
  size_t element_size = plan->element_size;
  int64_t nb_row = 1; /* tap combinations of the axes before the last */
  for (int axis = plan->first; axis < last; axis++)
    nb_row *= plan->axes[axis].nb_taps;
  int64_t row_offsets[MAX_ROW_COMBINATIONS];
  double row_weights[MAX_ROW_COMBINATIONS];
  for (int64_t row = begin; row < end; row++) {
    /* Output coordinates of the row on the resized axes before the last. */
    int64_t coord[TRT_MAX_DIMS] = {0};
    int64_t rest = row % plan->inner_rows;
    for (int axis = last - 1; axis >= plan->first; axis--) {
      coord[axis] = rest % plan->out_dims[axis];
      rest /= plan->out_dims[axis];
    }
    int64_t base = (row / plan->inner_rows) * plan->in_block;
    bool row_outside = false;
    for (int axis = plan->first; axis < last; axis++)
      row_outside = row_outside || plan->axes[axis].outside[coord[axis]];
    bool general = nb_row > MAX_ROW_COMBINATIONS;
    for (int64_t c = 0; !general && c < nb_row; c++) {
      int64_t offset = base, code = c;
      double weight = 1;
      for (int axis = last - 1; axis >= plan->first; axis--) {
        const axis_table_t *table = &plan->axes[axis];
        int64_t entry = coord[axis] * table->nb_taps + code % table->nb_taps;
        code /= table->nb_taps;
        offset += table->offsets[entry];
        weight *= table->weights[entry];
      }
      row_offsets[c] = offset;
      row_weights[c] = weight;
    }
    uint8_t *dst = plan->output + (size_t)(row * row_length) * element_size;
    for (int64_t x = 0; x < row_length; x++) {
      coord[last] = x;
      if (row_outside || last_table->outside[x]) {
        ((float *)dst)[x] = plan->extrapolation; /* float32 only, checked by inference */
      } else if (plan->nearest) {
        const uint8_t *src =
            plan->input + (size_t)(row_offsets[0] + last_table->offsets[x]) * element_size;
        copy_element(dst + (size_t)x * element_size, src, element_size);
      } else if (!general) {
        ((float *)dst)[x] = interpolate(plan, row_offsets, row_weights, nb_row, x);
      } else {
        /* Every combination of taps, one tap per axis. */
        int64_t combinations = nb_row * last_table->nb_taps;
        double sum = 0;
        for (int64_t c = 0; c < combinations; c++) {
          int64_t offset = base, code = c;
          double weight = 1;
          for (int axis = last; axis >= plan->first; axis--) {
            const axis_table_t *table = &plan->axes[axis];
            int64_t entry = coord[axis] * table->nb_taps + code % table->nb_taps;
            code /= table->nb_taps;
            offset += table->offsets[entry];
            weight *= table->weights[entry];
          }
          sum += weight * ((const float *)plan->input)[offset];
        }
        ((float *)dst)[x] = (float)sum;
      }
    }
  }
}

trt_status_t trt_cpu_resize(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int rank = input->dims.nb_dims;
  size_t element_size = trt_data_type_size(input->type);
  int64_t volume = trt_dims_volume(&output->dims);
  if (volume == 0)
    return TRT_STATUS_OK;

  bool legacy = layer->nb_inputs == 2;
  int scales_index = legacy ? 1 : 2;
  const trt_tensor_t *scales = trt_layer_input(network, layer, scales_index);
  const void *scales_data = operand_data(network, layer, inputs, scales_index);
  const trt_tensor_t *roi = legacy ? NULL : trt_layer_input(network, layer, 1);
  const void *roi_data = legacy ? NULL : operand_data(network, layer, inputs, 1);
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;

  resize_plan_t plan = {.rank = rank,
                        .nearest = params->mode == TRT_RESIZE_NEAREST,
                        .element_size = element_size,
                        .extrapolation = params->extrapolation_value,
                        .input = inputs[0],
                        .output = outputs[0]};
  int nb_taps = params->mode == TRT_RESIZE_NEAREST ? 1 : params->mode == TRT_RESIZE_LINEAR ? 2 : 4;
  int64_t in_strides[TRT_MAX_DIMS], stride = 1;
  for (int axis = rank - 1; axis >= 0; axis--) {
    in_strides[axis] = stride;
    stride *= input->dims.d[axis];
  }
  /* One allocation: all axes' offsets, then weights, then outside flags. */
  int64_t entries = 0;
  for (int axis = 0; axis < rank; axis++)
    entries += output->dims.d[axis];
  size_t table_bytes =
      (size_t)entries * (nb_taps * (sizeof(int64_t) + sizeof(double)) + sizeof(bool));
  uint8_t *memory = malloc(table_bytes ? table_bytes : 1);
  if (!memory)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "no memory for resize tables (%zu bytes)",
                     table_bytes);
  int64_t *next_offsets = (int64_t *)memory;
  double *next_weights = (double *)(next_offsets + entries * nb_taps);
  bool *next_outside = (bool *)(next_weights + entries * nb_taps);

  /* Tables for every axis; the leading run of identity axes is skipped. */
  plan.first = rank;
  bool leading = true;
  for (int axis = 0; axis < rank; axis++) {
    int64_t in_size = input->dims.d[axis], out_size = output->dims.d[axis];
    plan.out_dims[axis] = out_size;
    double scale = params->nb_scales > 0 ? params->scales[axis]
                   : scales_data         ? read_float(scales, scales_data, axis)
                                         : (double)out_size / (double)in_size;
    double roi_start = crops ? read_float(roi, roi_data, axis) : 0;
    double roi_end = crops ? read_float(roi, roi_data, rank + axis) : 1;
    axis_table_t *table = &plan.axes[axis];
    table->nb_taps = nb_taps;
    table->offsets = next_offsets;
    table->weights = next_weights;
    table->outside = next_outside;
    next_offsets += out_size * nb_taps;
    next_weights += out_size * nb_taps;
    next_outside += out_size;
    bool identity = build_axis_table(params, in_size, out_size, scale, roi_start, roi_end,
                                     in_strides[axis], table);
    if (identity && nb_taps > 1) { /* rebuild as one tap of weight 1 */
      table->nb_taps = 1;
      build_axis_table(params, in_size, out_size, scale, roi_start, roi_end, in_strides[axis],
                       table);
    }
    if (leading && !identity) {
      plan.first = axis;
      leading = false;
    }
  }

  if (plan.first == rank) {
    memcpy(outputs[0], inputs[0], (size_t)volume * element_size);
  } else {
    plan.in_block = plan.first > 0 ? in_strides[plan.first - 1] : stride;
    plan.inner_rows = 1;
    for (int axis = plan.first; axis < rank - 1; axis++)
      plan.inner_rows *= plan.out_dims[axis];
    int64_t row_length = plan.out_dims[rank - 1];
    int64_t rows = volume / row_length;
    trt_cpu_parallel_for(cpu, rows, row_length >= 1024 ? 1 : 1024 / row_length, resize_rows,
                         &plan);
  }
  free(memory);
  return TRT_STATUS_OK;
}
