/* CUDA shuffle family: Reshape (a device-to-device copy, nothing when the
 * runtime aliased the buffers; the output may be a strided view) and
 * Transpose (kernels/transpose.cu, any element size), as
 * engine/cpu/shuffle.c. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/transpose.cuh"
#include "layers/layers.h"

/* Copies a contiguous tensor into `output`'s place, which may be a strided
 * view (blocks of `inner` elements `stride` apart). Shared with shape_ops.c
 * through cuda_layer_util.h's declaration, as is the enqueue below. */
trt_status_t trt_cuda_copy_to_output(const trt_network_t *network, const trt_tensor_t *output,
                                     const void *src, void *dst, cudaStream_t stream) {
  size_t element = trt_data_type_size(output->type);
  int64_t volume = trt_dims_volume(&output->dims);
  if (volume <= 0 || src == dst)
    return TRT_STATUS_OK;
  if (!trt_cuda_tensor_strided(network, output)) {
    TRT_CUDA_CHECK(cudaMemcpyAsync(dst, src, (size_t)volume * element, cudaMemcpyDeviceToDevice,
                                   stream));
    return TRT_STATUS_OK;
  }
  trt_view_layout_t layout = trt_tensor_view_layout(network, output);
  TRT_CUDA_CHECK(cudaMemcpy2DAsync(dst, (size_t)layout.stride * element, src,
                                   (size_t)layout.inner * element,
                                   (size_t)layout.inner * element, (size_t)layout.outer,
                                   cudaMemcpyDeviceToDevice, stream));
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_copy_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  return trt_cuda_copy_to_output(network, trt_layer_output(network, layer, 0), inputs[0],
                                 outputs[0], env->stream);
}

static void free_destroy(void *state) {
  free(state);
}

/* ---- reshape -------------------------------------------------------------- */

static int reshape_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || trt_cuda_tensor_strided(network, x)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Reshape: the input is missing or a strided view");
    return 0;
  }
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "reshape_copy");
}

const trt_cuda_layer_ops_t trt_cuda_reshape_ops =
    TRT_CUDA_STATELESS_MOVE_OPS(reshape_list_tactics, trt_cuda_copy_enqueue);

/* ---- transpose ------------------------------------------------------------ */

_Static_assert(TRT_KERNEL_MAX_DIMS == TRT_MAX_DIMS, "transpose plans of the same rank");

static int transpose_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                  const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                  int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Transpose: missing input or parameters");
    return 0;
  }
  if (!trt_cuda_element_size_ok(x->type)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Transpose: %s elements are not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  if (trt_cuda_require_contiguous(network, layer, true) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "transpose_tiled");
}

static trt_status_t transpose_create(const trt_network_t *network, const trt_layer_t *layer,
                                     int32_t tactic, trt_cuda_env_t *env, void **state,
                                     size_t *workspace_bytes) {
  (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Transpose: unknown tactic %d", (int)tactic);
  const trt_transpose_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  trt_ktranspose_t *plan = calloc(1, sizeof(*plan));
  if (!plan)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Transpose: out of memory");
  plan->rank = trt_transpose_simplify(&x->dims, params, plan->out_dims, plan->in_strides);
  *state = plan;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t transpose_enqueue(void *state, const trt_network_t *network,
                                      const trt_layer_t *layer, int32_t tactic,
                                      const void *const *inputs, void *const *outputs,
                                      trt_cuda_env_t *env) {
  (void)tactic;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (trt_dims_volume(&x->dims) <= 0)
    return TRT_STATUS_OK;
  const trt_ktranspose_t *plan = state;
  TRT_LAUNCH_CHECK(trt_launch_transpose(inputs[0], outputs[0], (int)trt_data_type_size(x->type),
                                        *plan, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_transpose_ops = {
    .list_tactics = transpose_list_tactics,
    .create = transpose_create,
    .enqueue = transpose_enqueue,
    .destroy = free_destroy,
    .runs_fp16 = trt_cuda_runs_fp16_always,
};
