/* CUDA indexing family (kernels/indexing.cu): ArgMax/ArgMin, GatherElements,
 * Tile, Expand and Trilu, as engine/cpu/indexing.c; data moves as raw
 * elements of 1, 2, 4 or 8 bytes. GatherElements' computed indices out of
 * range give zeros instead of the CPU's error. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/indexing.cuh"

static bool element_size_ok(const trt_tensor_t *tensor) {
  size_t size = tensor ? trt_data_type_size(tensor->type) : 0;
  return size == 1 || size == 2 || size == 4 || size == 8;
}

static int list_one(const trt_network_t *network, const trt_layer_t *layer,
                    trt_cuda_tactic_t *tactics, int max_tactics, bool ok, const char *name) {
  if (!ok) {
    trt_error(TRT_STATUS_UNSUPPORTED, "%s: missing input or unsupported data type",
              trt_layer_type_name(layer->type));
    return 0;
  }
  if (trt_cuda_require_contiguous(network, layer, true) != TRT_STATUS_OK)
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
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; i++)
    outer *= x->dims.d[i];
  for (int i = axis + 1; i < x->dims.nb_dims; i++)
    inner *= x->dims.d[i];
  TRT_LAUNCH_CHECK(trt_launch_arg_reduce(inputs[0], outputs[0], (int)x->type, params->max,
                                         params->select_last_index, outer, x->dims.d[axis], inner,
                                         env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_arg_reduce_ops = {
    .list_tactics = arg_reduce_list_tactics,
    .create = plain_create,
    .enqueue = arg_reduce_enqueue,
    .destroy = plain_destroy,
};

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
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; d--) {
    plan.dims[d] = indices->dims.d[d];
    plan.data_strides[d] = stride;
    stride *= data->dims.d[d];
  }
  plan.axis_size = data->dims.d[plan.axis];
  TRT_LAUNCH_CHECK(trt_launch_gather_elements(inputs[0], inputs[1],
                                              indices->type == TRT_DATA_TYPE_INT64, outputs[0],
                                              (int)trt_data_type_size(data->type), plan,
                                              env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_gather_elements_ops = {
    .list_tactics = gather_elements_list_tactics,
    .create = plain_create,
    .enqueue = gather_elements_enqueue,
    .destroy = plain_destroy,
};

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

const trt_cuda_layer_ops_t trt_cuda_tile_ops = {
    .list_tactics = replicate_list_tactics,
    .create = plain_create,
    .enqueue = replicate_enqueue,
    .destroy = plain_destroy,
};

const trt_cuda_layer_ops_t trt_cuda_expand_ops = {
    .list_tactics = replicate_list_tactics,
    .create = plain_create,
    .enqueue = replicate_enqueue,
    .destroy = plain_destroy,
};

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

const trt_cuda_layer_ops_t trt_cuda_trilu_ops = {
    .list_tactics = trilu_list_tactics,
    .create = plain_create,
    .enqueue = trilu_enqueue,
    .destroy = plain_destroy,
};
