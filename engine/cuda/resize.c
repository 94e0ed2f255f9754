/* CUDA Resize (kernels/resize.cu): nearest (any data type), N-linear and
 * cubic (float32) over any axes with every coordinate transformation and
 * nearest mode the CPU supports, as engine/cpu/resize.c (operand
 * convention in layers/resize.c). The per-axis tap tables are built by
 * trt_resize_tables_build, as on the CPU, once in `create`, and uploaded to
 * device memory owned by the layer state. The output may be a strided view.
 * One tactic. */
#include "cuda/cuda_layer_util.h"
#include "kernels/resize.cuh"
#include "layers/layers.h"

typedef struct {
  trt_kresize_t plan;
  void *device_tables;
  bool copy; /* every axis maps onto itself: a plain copy */
} resize_state_t;

static const trt_tensor_t *present(const trt_tensor_t *tensor) {
  return tensor && trt_dims_volume(&tensor->dims) != 0 ? tensor : NULL;
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
  trt_resize_tables_t tables;
  trt_status_t status = trt_resize_tables_build(network, layer, NULL, &tables);
  if (status != TRT_STATUS_OK)
    return status;
  resize_state_t *s = calloc(1, sizeof(*s));
  if (!s) {
    trt_resize_tables_free(&tables);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Resize: out of memory");
  }
  s->plan.rank = rank;
  s->plan.nearest = params->mode == TRT_RESIZE_NEAREST;
  s->plan.element_size = (int)trt_data_type_size(input->type);
  s->plan.extrapolation = params->extrapolation_value;
  for (int axis = 0; axis < rank; axis++) {
    const trt_resize_axis_t *table = &tables.axes[axis];
    for (int64_t o = 0; o < output->dims.d[axis]; o++)
      s->plan.has_outside = s->plan.has_outside || table->outside[o];
    s->plan.out_dims[axis] = output->dims.d[axis];
    s->plan.taps[axis] = table->nb_taps;
  }
  s->copy = tables.first == rank;
  size_t bytes = tables.bytes;
  if (!s->copy && bytes) {
    cudaError_t error = cudaMalloc(&s->device_tables, bytes);
    if (error == cudaSuccess)
      error = cudaMemcpyAsync(s->device_tables, tables.memory, bytes, cudaMemcpyHostToDevice,
                              env->stream);
    if (error == cudaSuccess)
      error = cudaStreamSynchronize(env->stream);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "Resize: uploading %zu bytes of tables: %s",
                         bytes, cudaGetErrorString(error));
  }
  /* The same layout on the device: each table at its offset from the start. */
  uint8_t *base = s->device_tables;
  for (int axis = 0; base && axis < rank; axis++) {
    const trt_resize_axis_t *table = &tables.axes[axis];
    s->plan.offsets[axis] = (const int64_t *)(base + ((uint8_t *)table->offsets - tables.memory));
    s->plan.weights[axis] = (const double *)(base + ((uint8_t *)table->weights - tables.memory));
    s->plan.outside[axis] = base + (table->outside - tables.memory);
  }
  trt_resize_tables_free(&tables);
  if (status != TRT_STATUS_OK) {
    resize_destroy(s);
    return status;
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
