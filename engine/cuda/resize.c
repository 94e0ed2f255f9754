/* CUDA Resize (kernels/resize.cu): nearest (any data type), N-linear and
 * cubic (float32) over any axes with every coordinate transformation and
 * nearest mode the CPU supports, as engine/cpu/resize.c (operand
 * convention in layers/resize.c). The per-axis tap tables are built here
 * exactly as on the CPU, once in `create`, and uploaded to device memory
 * owned by the layer state. The output may be a strided view. One tactic. */
#include <math.h>
#include <string.h>

#include "cuda/cuda_layer_util.h"
#include "kernels/resize.cuh"

#define MAX_TAPS 4

typedef struct {
  trt_kresize_t plan;
  void *device_tables;
  bool copy; /* every axis maps onto itself: a plain copy */
} resize_state_t;

static double read_float(const trt_tensor_t *tensor, int64_t i) {
  return tensor->type == TRT_DATA_TYPE_FLOAT64 ? ((const double *)tensor->data)[i]
                                               : ((const float *)tensor->data)[i];
}

static const trt_tensor_t *present(const trt_tensor_t *tensor) {
  return tensor && trt_dims_volume(&tensor->dims) != 0 ? tensor : NULL;
}

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

typedef struct {
  int nb_taps;
  int64_t *offsets;
  double *weights;
  uint8_t *outside;
} axis_table_t;

/* One axis's table; returns whether the axis maps every output index onto
 * the same input index. */
static bool build_axis_table(const trt_resize_params_t *params, int64_t in_size, int64_t out_size,
                             double scale, double roi_start, double roi_end, int64_t stride,
                             axis_table_t *table) {
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
                      ? o
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

static int resize_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  (void)env;
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Resize: missing input or parameters");
    return 0;
  }
  size_t size = trt_data_type_size(x->type);
  bool float_only = params->mode != TRT_RESIZE_NEAREST ||
                    params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  if ((float_only && x->type != TRT_DATA_TYPE_FLOAT32) ||
      (size != 1 && size != 2 && size != 4 && size != 8) || x->dims.nb_dims < 1) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Resize: %s data of rank %d is not supported",
              trt_data_type_name(x->type), x->dims.nb_dims);
    return 0;
  }
  for (int i = 1; i < layer->nb_inputs; i++) {
    const trt_tensor_t *operand = present(trt_layer_input(network, layer, i));
    if (operand && !operand->data) {
      trt_error(TRT_STATUS_UNSUPPORTED, "Resize: operand '%s' is not a constant",
                operand->name);
      return 0;
    }
  }
  if (trt_cuda_require_contiguous(network, layer, false) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "resize_tables");
}

static void resize_destroy(void *state) {
  resize_state_t *s = state;
  if (!s)
    return;
  if (s->device_tables)
    trt_cuda_free(s->device_tables);
  free(s);
}

/* Builds the tables into `host` (offsets, then weights, then flags) and
 * fills the plan's per-axis sizes; returns whether every axis is an
 * identity. */
static bool build_tables(const trt_network_t *network, const trt_layer_t *layer, uint8_t *host,
                         int nb_taps, int64_t entries, trt_kresize_t *plan,
                         size_t *axis_offsets) {
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int rank = input->dims.nb_dims;
  bool legacy = layer->nb_inputs == 2;
  const trt_tensor_t *scales = present(trt_layer_input(network, layer, legacy ? 1 : 2));
  const trt_tensor_t *roi = legacy ? NULL : present(trt_layer_input(network, layer, 1));
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  int64_t in_strides[TRT_MAX_DIMS], stride = 1;
  for (int axis = rank - 1; axis >= 0; axis--) {
    in_strides[axis] = stride;
    stride *= input->dims.d[axis];
  }
  int64_t *next_offsets = (int64_t *)host;
  double *next_weights = (double *)(next_offsets + entries * nb_taps);
  uint8_t *next_outside = (uint8_t *)(next_weights + entries * nb_taps);
  bool all_identity = true;
  for (int axis = 0; axis < rank; axis++) {
    int64_t in_size = input->dims.d[axis], out_size = output->dims.d[axis];
    double scale = params->nb_scales > 0 ? params->scales[axis]
                   : scales              ? read_float(scales, axis)
                                         : (double)out_size / (double)in_size;
    double roi_start = crops && roi ? read_float(roi, axis) : 0;
    double roi_end = crops && roi ? read_float(roi, rank + axis) : 1;
    axis_table_t table = {nb_taps, next_offsets, next_weights, next_outside};
    bool identity = build_axis_table(params, in_size, out_size, scale, roi_start, roi_end,
                                     in_strides[axis], &table);
    if (identity && nb_taps > 1) {
      table.nb_taps = 1;
      build_axis_table(params, in_size, out_size, scale, roi_start, roi_end, in_strides[axis],
                       &table);
    }
    all_identity = all_identity && identity;
    for (int64_t o = 0; o < out_size; o++)
      plan->has_outside = plan->has_outside || table.outside[o];
    plan->out_dims[axis] = out_size;
    plan->taps[axis] = table.nb_taps;
    axis_offsets[3 * axis] = (size_t)((uint8_t *)next_offsets - host);
    axis_offsets[3 * axis + 1] = (size_t)((uint8_t *)next_weights - host);
    axis_offsets[3 * axis + 2] = (size_t)(next_outside - host);
    next_offsets += out_size * nb_taps;
    next_weights += out_size * nb_taps;
    next_outside += out_size;
  }
  return all_identity;
}

static trt_status_t resize_create(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes) {
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Resize: unknown tactic %d", (int)tactic);
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int rank = input->dims.nb_dims;
  if (rank < 1 || rank > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "Resize: rank %d is not supported", rank);
  int nb_taps = params->mode == TRT_RESIZE_NEAREST ? 1 : params->mode == TRT_RESIZE_LINEAR ? 2 : 4;
  int64_t entries = 0;
  for (int axis = 0; axis < rank; axis++)
    entries += output->dims.d[axis];
  size_t bytes = (size_t)entries * (nb_taps * (sizeof(int64_t) + sizeof(double)) + 1);
  resize_state_t *s = calloc(1, sizeof(*s));
  uint8_t *host = malloc(bytes ? bytes : 1);
  if (!s || !host) {
    free(s);
    free(host);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Resize: no memory for tables (%zu bytes)", bytes);
  }
  size_t axis_offsets[3 * TRT_MAX_DIMS];
  s->plan.rank = rank;
  s->plan.nearest = params->mode == TRT_RESIZE_NEAREST;
  s->plan.element_size = (int)trt_data_type_size(input->type);
  s->plan.extrapolation = params->extrapolation_value;
  s->copy = build_tables(network, layer, host, nb_taps, entries, &s->plan, axis_offsets);
  trt_status_t status = TRT_STATUS_OK;
  if (!s->copy && bytes) {
    cudaError_t error = cudaMalloc(&s->device_tables, bytes);
    if (error == cudaSuccess)
      error = cudaMemcpyAsync(s->device_tables, host, bytes, cudaMemcpyHostToDevice, env->stream);
    if (error == cudaSuccess)
      error = cudaStreamSynchronize(env->stream);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "Resize: uploading %zu bytes of tables: %s",
                         bytes, cudaGetErrorString(error));
  }
  free(host);
  if (status != TRT_STATUS_OK) {
    resize_destroy(s);
    return status;
  }
  uint8_t *base = s->device_tables;
  for (int axis = 0; base && axis < rank; axis++) {
    s->plan.offsets[axis] = (const int64_t *)(base + axis_offsets[3 * axis]);
    s->plan.weights[axis] = (const double *)(base + axis_offsets[3 * axis + 1]);
    s->plan.outside[axis] = base + axis_offsets[3 * axis + 2];
  }
  *state = s;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t resize_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)tactic;
  const resize_state_t *s = state;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  if (trt_dims_volume(&output->dims) <= 0)
    return TRT_STATUS_OK;
  if (s->copy)
    return trt_cuda_copy_to_output(network, output, inputs[0], outputs[0], env->stream);
  TRT_LAUNCH_CHECK(trt_launch_resize(inputs[0], outputs[0], s->plan,
                                     trt_cuda_output_view(network, output), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_resize_ops = {
    .list_tactics = resize_list_tactics,
    .format_weights = NULL,
    .create = resize_create,
    .enqueue = resize_enqueue,
    .destroy = resize_destroy,
};
