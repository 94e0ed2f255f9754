/* CUDA indexing family (kernels/indexing.cu): ArgMax/ArgMin, GatherElements,
 * Tile, Expand and Trilu, as engine/cpu/indexing.c; data moves as raw
 * elements of 1, 2, 4 or 8 bytes. GatherElements' computed indices out of
 * range give zeros instead of the CPU's error. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/indexing.cuh"

static bool element_size_ok(const trt_tensor_t *tensor) {
  return tensor && trt_cuda_element_size_ok(tensor->type);
}

static int list_one(const trt_network_t *network, const trt_layer_t *layer,
                    trt_cuda_tactic_t *tactics, int max_tactics, bool ok, const char *name) {
  if (!ok) {
    trt_error(TRT_STATUS_UNSUPPORTED, "%s: missing input or unsupported data type",
              trt_layer_type_name(layer->type));
    return 0;
  }
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, name);
}

/* ---- ArgMax / ArgMin ------------------------------------------------------ */

static int arg_reduce_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                   const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                   int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  bool ok = x && layer->params && x->type != TRT_DATA_TYPE_FLOAT16 &&
            x->type != TRT_DATA_TYPE_BOOL;
  return list_one(network, layer, tactics, max_tactics, ok, "arg_reduce_direct");
}

static trt_status_t arg_reduce_enqueue(void *state, const trt_network_t *network,
                                       const trt_layer_t *layer, int32_t tactic,
                                       const void *const *inputs, void *const *outputs,
                                       trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_arg_reduce_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  int axis = trt_normalize_axis(params->axis, x->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "ArgReduce: axis %d is out of range", params->axis);
  int64_t outer, inner;
  trt_cuda_axis_extent(&x->dims, axis, &outer, &inner);
  TRT_LAUNCH_CHECK(trt_launch_arg_reduce(inputs[0], outputs[0], (int)x->type, params->max,
                                         params->select_last_index, outer, x->dims.d[axis], inner,
                                         env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_arg_reduce_ops =
    TRT_CUDA_STATELESS_OPS(arg_reduce_list_tactics, arg_reduce_enqueue);

/* ---- GatherElements ------------------------------------------------------- */

static int gather_elements_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                        const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                        int max_tactics) {
  (void)env;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  bool ok = element_size_ok(data) && indices && layer->params &&
            (indices->type == TRT_DATA_TYPE_INT32 || indices->type == TRT_DATA_TYPE_INT64);
  return list_one(network, layer, tactics, max_tactics, ok, "gather_elements_direct");
}

static trt_status_t gather_elements_enqueue(void *state, const trt_network_t *network,
                                            const trt_layer_t *layer, int32_t tactic,
                                            const void *const *inputs, void *const *outputs,
                                            trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_gather_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  int rank = data->dims.nb_dims;
  trt_kgather_elements_t plan = {.rank = rank, .axis = trt_normalize_axis(params->axis, rank)};
  if (plan.axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "GatherElements: axis %d is out of range",
                     params->axis);
  for (int d = 0; d < rank; d++)
    plan.dims[d] = indices->dims.d[d];
  trt_cuda_contiguous_strides(&data->dims, plan.data_strides);
  plan.axis_size = data->dims.d[plan.axis];
  TRT_LAUNCH_CHECK(trt_launch_gather_elements(inputs[0], inputs[1],
                                              indices->type == TRT_DATA_TYPE_INT64, outputs[0],
                                              (int)trt_data_type_size(data->type), plan,
                                              env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_gather_elements_ops =
    TRT_CUDA_STATELESS_OPS(gather_elements_list_tactics, gather_elements_enqueue);

/* ---- Tile and Expand ------------------------------------------------------ */

static int replicate_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                  const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                  int max_tactics) {
  (void)env;
  bool ok = element_size_ok(trt_layer_input(network, layer, 0));
  return list_one(network, layer, tactics, max_tactics, ok, "replicate_direct");
}

static trt_status_t replicate_enqueue(void *state, const trt_network_t *network,
                                      const trt_layer_t *layer, int32_t tactic,
                                      const void *const *inputs, void *const *outputs,
                                      trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  trt_kreplicate_t plan = {.rank = y->dims.nb_dims};
  int shift = y->dims.nb_dims - x->dims.nb_dims;
  int64_t stride = 1;
  for (int d = y->dims.nb_dims - 1; d >= 0; d--) {
    plan.out_dims[d] = y->dims.d[d];
    bool present = d >= shift;
    plan.in_dims[d] = present ? x->dims.d[d - shift] : 1;
    plan.in_strides[d] = present ? stride : 0;
    if (present)
      stride *= x->dims.d[d - shift];
    if (plan.in_dims[d] == 0) /* an empty input means an empty output */
      return TRT_STATUS_OK;
  }
  TRT_LAUNCH_CHECK(trt_launch_replicate(inputs[0], outputs[0], (int)trt_data_type_size(x->type),
                                        plan, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_tile_ops =
    TRT_CUDA_STATELESS_OPS(replicate_list_tactics, replicate_enqueue);

const trt_cuda_layer_ops_t trt_cuda_expand_ops =
    TRT_CUDA_STATELESS_OPS(replicate_list_tactics, replicate_enqueue);

/* ---- Trilu ---------------------------------------------------------------- */

static int trilu_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *k = trt_layer_input(network, layer, 1);
  bool ok = element_size_ok(x) && layer->params && x->dims.nb_dims >= 2 &&
            (!k || k->type == TRT_DATA_TYPE_INT64 || k->type == TRT_DATA_TYPE_INT32);
  return list_one(network, layer, tactics, max_tactics, ok, "trilu_direct");
}

static trt_status_t trilu_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_trilu_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *k = trt_layer_input(network, layer, 1);
  int rank = x->dims.nb_dims;
  /* A constant k is read here; a computed one on the device. */
  int64_t k_value = k && k->data ? trt_tensor_get_int(k, 0) : 0;
  const void *k_ptr = k && !k->data ? inputs[1] : NULL;
  TRT_LAUNCH_CHECK(trt_launch_trilu(inputs[0], outputs[0], (int)trt_data_type_size(x->type),
                                    trt_dims_volume(&x->dims), x->dims.d[rank - 2],
                                    x->dims.d[rank - 1], params->upper, k_ptr,
                                    k && k->type == TRT_DATA_TYPE_INT64, k_value, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_trilu_ops =
    TRT_CUDA_STATELESS_OPS(trilu_list_tactics, trilu_enqueue);
