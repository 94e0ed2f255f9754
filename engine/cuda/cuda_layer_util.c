/* The out-of-line helpers of cuda_layer_util.h. */
#include "cuda/cuda_layer_util.h"

int trt_cuda_list_single(const trt_network_t *network, const trt_layer_t *layer, bool outputs_too,
                         trt_cuda_tactic_t *tactics, int max_tactics, const char *name) {
  if (trt_cuda_require_contiguous(network, layer, outputs_too) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, name);
}

/* Accepts tactics 0..last, which keep no state. */
static trt_status_t create_no_state(const trt_layer_t *layer, int32_t tactic, int32_t last,
                                    void **state, size_t *workspace_bytes) {
  if (tactic < 0 || tactic > last)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: unknown tactic %d",
                     trt_layer_type_name(layer->type), (int)tactic);
  *state = NULL;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_create_stateless(const trt_network_t *network, const trt_layer_t *layer,
                                       int32_t tactic, trt_cuda_env_t *env, void **state,
                                       size_t *workspace_bytes) {
  (void)network, (void)env;
  return create_no_state(layer, tactic, 0, state, workspace_bytes);
}

trt_status_t trt_cuda_create_scalar_or_vec4(const trt_network_t *network, const trt_layer_t *layer,
                                            int32_t tactic, trt_cuda_env_t *env, void **state,
                                            size_t *workspace_bytes) {
  (void)network, (void)env;
  return create_no_state(layer, tactic, TRT_CUDA_TACTIC_VEC4, state, workspace_bytes);
}

void trt_cuda_destroy_stateless(void *state) {
  (void)state;
}

trt_layer_formats_t trt_cuda_formats_pointwise(const trt_network_t *network,
                                              const trt_layer_t *layer) {
  (void)network, (void)layer;
  return TRT_LAYER_FORMATS_SAME;
}

bool trt_cuda_runs_fp16_always(const trt_network_t *network, const trt_layer_t *layer) {
  (void)network, (void)layer;
  return true;
}
