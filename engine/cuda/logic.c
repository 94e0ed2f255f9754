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
    if (input)
      trt_cuda_broadcast_strides(&input->dims, out, plan.strides[k]);
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
  if (trt_layer_output(network, layer, 0)->dims.nb_dims > TRT_MAX_DIMS)
    return 0;
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, name);
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

const trt_cuda_layer_ops_t trt_cuda_compare_ops =
    TRT_CUDA_STATELESS_OPS(compare_list_tactics, compare_enqueue);

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

const trt_cuda_layer_ops_t trt_cuda_logic_ops =
    TRT_CUDA_STATELESS_OPS(logic_list_tactics, logic_enqueue);

/* ---- where ---------------------------------------------------------------- */

static int where_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 1);
  if (!x || !trt_cuda_element_size_ok(x->type)) {
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

const trt_cuda_layer_ops_t trt_cuda_where_ops =
    TRT_CUDA_STATELESS_OPS(where_list_tactics, where_enqueue);
