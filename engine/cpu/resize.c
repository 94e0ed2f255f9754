/* CPU reference for Resize: nearest (any data type), N-linear and cubic
 * (float32) over any axes, with ONNX's coordinate transformations.
 *
 * Each resized axis gets a table (trt_resize_tables_build, shared with the
 * CUDA backend) saying, for every output index, which input indices
 * ("taps") contribute and with which weights; an output element is the sum
 * over all tap combinations of the product of weights. Leading axes that
 * are not resized (batch, channels) are folded into an outer loop. Operands
 * follow the convention in layers/resize.c. */
#include <string.h>

#include "cpu/cpu_layers.h"
#include "layers/layers.h"

typedef struct {
  int rank, first; /* axes before `first` are not resized */
  const int64_t *out_dims;
  int64_t in_block; /* input elements per outer index */
  int64_t inner_rows; /* output rows (along the last axis) per outer index */
  const trt_resize_axis_t *axes;
  bool nearest; /* one tap per axis everywhere: a pure copy */
  size_t element_size;
  float extrapolation;
  const uint8_t *input;
  uint8_t *output;
} resize_plan_t;

/* The tap combinations of the axes before the last are the same along a
 * whole row; rows with more of them than this take the general path. */
#define MAX_ROW_COMBINATIONS 256

/* Sums the taps of output element x of a row: over the row's combinations
 * of the other axes (`row_offsets`/`row_weights`), times the last axis's. */
static float interpolate(const resize_plan_t *plan, const int64_t *row_offsets,
                         const double *row_weights, int64_t nb_row, int64_t x) {
  const trt_resize_axis_t *last = &plan->axes[plan->rank - 1];
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
  const trt_resize_axis_t *last_table = &plan->axes[last];
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
        const trt_resize_axis_t *table = &plan->axes[axis];
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
        trt_cpu_copy_element(dst + (size_t)x * element_size, src, element_size);
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
            const trt_resize_axis_t *table = &plan->axes[axis];
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

  trt_resize_tables_t tables;
  trt_status_t status = trt_resize_tables_build(network, layer, inputs, &tables);
  if (status != TRT_STATUS_OK)
    return status;
  if (tables.first == rank) {
    memcpy(outputs[0], inputs[0], (size_t)volume * element_size);
  } else {
    resize_plan_t plan = {.rank = rank,
                          .first = tables.first,
                          .out_dims = output->dims.d,
                          .axes = tables.axes,
                          .nearest = params->mode == TRT_RESIZE_NEAREST,
                          .element_size = element_size,
                          .extrapolation = params->extrapolation_value,
                          .input = inputs[0],
                          .output = outputs[0]};
    plan.in_block = plan.first > 0 ? tables.in_strides[plan.first - 1]
                                   : tables.in_strides[0] * input->dims.d[0];
    plan.inner_rows = 1;
    for (int axis = plan.first; axis < rank - 1; axis++)
      plan.inner_rows *= plan.out_dims[axis];
    int64_t row_length = plan.out_dims[rank - 1];
    int64_t rows = volume / row_length;
    trt_cpu_parallel_for(cpu, rows, row_length >= 1024 ? 1 : 1024 / row_length, resize_rows,
                         &plan);
  }
  trt_resize_tables_free(&tables);
  return TRT_STATUS_OK;
}
