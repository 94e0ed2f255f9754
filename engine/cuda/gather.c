/* CUDA Gather (kernels/gather.cu), any element type, int32/int64 indices
 * (constant or computed), as engine/cpu/gather.c. Constant indices were
 * range-checked by shape inference; a computed index out of range yields
 * zeros instead of the CPU's error. One tactic. */
#include "cuda/cuda_layer_util.h"
#include "kernels/gather.cuh"

static int gather_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  (void)env;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  if (!data || !indices || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Gather: missing inputs or parameters");
    return 0;
  }
  if (!trt_cuda_element_size_ok(data->type) ||
      (indices->type != TRT_DATA_TYPE_INT32 && indices->type != TRT_DATA_TYPE_INT64)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Gather: %s data with %s indices is not supported",
              trt_data_type_name(data->type), trt_data_type_name(indices->type));
    return 0;
  }
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "gather_direct");
}

static trt_status_t gather_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_gather_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  int axis = trt_normalize_axis(params->axis, data->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Gather: axis %d is out of range", params->axis);
  int64_t outer, inner;
  trt_cuda_axis_extent(&data->dims, axis, &outer, &inner);
  TRT_LAUNCH_CHECK(trt_launch_gather(inputs[0], inputs[1], indices->type == TRT_DATA_TYPE_INT64,
                                     outputs[0], (int)trt_data_type_size(data->type), outer,
                                     data->dims.d[axis], trt_dims_volume(&indices->dims), inner,
                                     env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_gather_ops =
    TRT_CUDA_STATELESS_OPS(gather_list_tactics, gather_enqueue);
