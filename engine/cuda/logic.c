/* CUDA comparison and logic family (kernels/logic.cu): Compare (every
 * numeric type but float16, bool result), Logic (And, Or, Xor, Not on
 * bools) and Where (any element type), all broadcasting like numpy, as
 * engine/cpu/logic.c. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/logic.cuh"

/* Operand k's element strides along the output's dims, 0 where broadcast. */
static trt_kbroadcast3_t broadcast3(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_dims_t *out = &trt_layer_output(network, layer, 0)->dims;
  trt_kbroadcast3_t plan = {.rank = out->nb_dims};
  for (int d = 0; d < out->nb_dims; d++)
    plan.dims[d] = out->d[d];
  for (int k = 0; k < layer->nb_inputs && k < 3; k++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, k);
    if (!input)
      continue;
    int64_t stride = 1;
    for (int i = out->nb_dims - 1; i >= 0; i--) {
      int j = i - (out->nb_dims - input->dims.nb_dims);
      int64_t d = j >= 0 ? input->dims.d[j] : 1;
      plan.strides[k][i] = d == 1 ? 0 : stride;
      stride *= d;
    }
  }
  return plan;
}

static int list_broadcast(const trt_network_t *network, const trt_layer_t *layer,
                          trt_cuda_tactic_t *tactics, int max_tactics, int nb_inputs,
                          const char *name) {
  for (int i = 0; i < nb_inputs; i++)
    if (!trt_layer_input(network, layer, i)) {
      trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: input %d is missing",
                trt_layer_type_name(layer->type), i);
      return 0;
    }
  if (trt_layer_output(network, layer, 0)->dims.nb_dims > TRT_MAX_DIMS ||
      trt_cuda_require_contiguous(network, layer, true) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, name);
}

static trt_status_t plain_create(const trt_network_t *network, const trt_layer_t *layer,
                                 int32_t tactic, trt_cuda_env_t *env, void **state,
                                 size_t *workspace_bytes) {
  (void)network, (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: unknown tactic %d",
                     trt_layer_type_name(layer->type), (int)tactic);
  *state = NULL;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static void plain_destroy(void *state) {
  (void)state;
}

/* ---- compare -------------------------------------------------------------- */

static int compare_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                int max_tactics) {
  (void)env;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  if (!layer->params || (a && a->type == TRT_DATA_TYPE_FLOAT16)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Compare: missing parameters or float16 inputs");
    return 0;
  }
  return list_broadcast(network, layer, tactics, max_tactics, 2, "compare_direct");
}

static trt_status_t compare_enqueue(void *state, const trt_network_t *network,
                                    const trt_layer_t *layer, int32_t tactic,
                                    const void *const *inputs, void *const *outputs,
                                    trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_compare_params_t *params = layer->params;
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  TRT_LAUNCH_CHECK(trt_launch_compare(inputs[0], inputs[1], outputs[0],
                                      (int)trt_layer_input(network, layer, 0)->type,
                                      (int)params->kind, broadcast3(network, layer),
                                      trt_dims_volume(&y->dims), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_compare_ops = {
    .list_tactics = compare_list_tactics,
    .create = plain_create,
    .enqueue = compare_enqueue,
    .destroy = plain_destroy,
};

/* ---- logic ---------------------------------------------------------------- */

static int logic_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_logic_params_t *params = layer->params;
  if (!params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Logic: missing parameters");
    return 0;
  }
  return list_broadcast(network, layer, tactics, max_tactics,
                        params->kind == TRT_LOGIC_NOT ? 1 : 2, "logic_direct");
}

static trt_status_t logic_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_logic_params_t *params = layer->params;
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  const void *b = params->kind == TRT_LOGIC_NOT || layer->nb_inputs < 2 ? NULL : inputs[1];
  TRT_LAUNCH_CHECK(trt_launch_logic(inputs[0], b, outputs[0], (int)params->kind,
                                    broadcast3(network, layer), trt_dims_volume(&y->dims),
                                    env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_logic_ops = {
    .list_tactics = logic_list_tactics,
    .create = plain_create,
    .enqueue = logic_enqueue,
    .destroy = plain_destroy,
};

/* ---- where ---------------------------------------------------------------- */

static int where_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 1);
  size_t size = x ? trt_data_type_size(x->type) : 0;
  if (size != 1 && size != 2 && size != 4 && size != 8) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Where: missing input or unsupported element size");
    return 0;
  }
  return list_broadcast(network, layer, tactics, max_tactics, 3, "where_direct");
}

static trt_status_t where_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  TRT_LAUNCH_CHECK(trt_launch_where(inputs[0], inputs[1], inputs[2], outputs[0],
                                    (int)trt_data_type_size(y->type), broadcast3(network, layer),
                                    trt_dims_volume(&y->dims), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_where_ops = {
    .list_tactics = where_list_tactics,
    .create = plain_create,
    .enqueue = where_enqueue,
    .destroy = plain_destroy,
};
