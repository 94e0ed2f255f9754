/* CUDA reductions (kernels/reduce.cu): mean, sum, max, min, prod over any
 * axes of float32/int32/int64 data, as engine/cpu/reduce.c. Axes come from
 * trt_reduce_resolve_axes (the parameters or the constant axes input); the
 * dims are merged by trt_reduce_group_dims as on the CPU, so no permutation
 * is needed. One tactic. */
#include <stddef.h>
#include <string.h>

#include "cuda/cuda_layer_util.h"
#include "kernels/reduce.cuh"
#include "layers/layers.h"

/* The kernel's plan is the engine's grouping of the dims, field for field. */
_Static_assert(
    TRT_KERNEL_MAX_DIMS == TRT_MAX_DIMS && sizeof(trt_kreduce_t) == sizeof(trt_reduce_groups_t) &&
        offsetof(trt_kreduce_t, reduced_size) == offsetof(trt_reduce_groups_t, reduced_size) &&
        offsetof(trt_kreduce_t, reduced_count) == offsetof(trt_reduce_groups_t, reduced_count),
    "trt_kreduce_t must mirror trt_reduce_groups_t");

static int reduce_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Reduce: missing input or parameters");
    return 0;
  }
  if (x->type != TRT_DATA_TYPE_FLOAT32 && x->type != TRT_DATA_TYPE_INT32 &&
      x->type != TRT_DATA_TYPE_INT64) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Reduce: input type %s is not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  bool reduced[TRT_MAX_DIMS], noop;
  if (trt_reduce_resolve_axes(network, layer, x->dims.nb_dims, reduced, &noop) != TRT_STATUS_OK)
    return 0;
  if (trt_cuda_require_contiguous(network, layer, true) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "reduce_direct");
}

typedef struct {
  bool noop;
  trt_kreduce_t plan;
} reduce_state_t;

static trt_status_t reduce_create(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes) {
  (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Reduce: unknown tactic %d", (int)tactic);
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  bool reduced[TRT_MAX_DIMS], noop;
  trt_status_t status = trt_reduce_resolve_axes(network, layer, x->dims.nb_dims, reduced, &noop);
  if (status != TRT_STATUS_OK)
    return status;
  reduce_state_t *s = calloc(1, sizeof(*s));
  if (!s)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Reduce: out of memory");
  s->noop = noop;
  if (!noop) {
    trt_reduce_groups_t groups;
    trt_reduce_group_dims(&x->dims, reduced, &groups);
    memcpy(&s->plan, &groups, sizeof(groups));
  }
  *state = s;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t reduce_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)tactic;
  const reduce_state_t *s = state;
  const trt_reduce_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (s->noop) {
    size_t bytes = trt_tensor_bytes(x);
    if (bytes && outputs[0] != inputs[0])
      TRT_CUDA_CHECK(cudaMemcpyAsync(outputs[0], inputs[0], bytes, cudaMemcpyDeviceToDevice,
                                     env->stream));
    return TRT_STATUS_OK;
  }
  TRT_LAUNCH_CHECK(trt_launch_reduce(inputs[0], outputs[0], (int)x->type, (int)params->kind,
                                     s->plan, trt_dims_volume(&y->dims), env->stream));
  return TRT_STATUS_OK;
}

static void reduce_destroy(void *state) {
  free(state);
}

const trt_cuda_layer_ops_t trt_cuda_reduce_ops = {
    .list_tactics = reduce_list_tactics,
    .format_weights = NULL,
    .create = reduce_create,
    .enqueue = reduce_enqueue,
    .destroy = reduce_destroy,
};
