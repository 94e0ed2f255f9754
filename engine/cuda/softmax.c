/* CUDA softmax and log-softmax (kernels/softmax.cu), as engine/cpu/softmax.c:
 * along one axis (opset 13+) or over the flattened trailing dims
 * (coerce_2d, opset < 13, where axis == rank is allowed). One tactic. */
#include "cuda/cuda_layer_util.h"
#include "kernels/softmax.cuh"

/* [outer, n, inner] of the layer; false when the axis is out of range. */
static bool softmax_geometry(const trt_network_t *network, const trt_layer_t *layer,
                             int64_t *outer, int64_t *n, int64_t *inner) {
  const trt_softmax_params_t *params = layer->params;
  const trt_dims_t *dims = &trt_layer_input(network, layer, 0)->dims;
  int rank = dims->nb_dims;
  int axis = params->coerce_2d && params->axis == rank ? rank
                                                       : trt_normalize_axis(params->axis, rank);
  if (axis < 0)
    return false;
  *outer = *n = *inner = 1;
  for (int i = 0; i < axis; i++)
    *outer *= dims->d[i];
  if (params->coerce_2d) {
    for (int i = axis; i < rank; i++)
      *n *= dims->d[i];
  } else {
    *n = dims->d[axis];
    for (int i = axis + 1; i < rank; i++)
      *inner *= dims->d[i];
  }
  return true;
}

static int softmax_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  int64_t outer, n, inner;
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Softmax: missing input or parameters");
    return 0;
  }
  if (x->type != TRT_DATA_TYPE_FLOAT32) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Softmax: input type %s is not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  if (!softmax_geometry(network, layer, &outer, &n, &inner)) {
    trt_error(TRT_STATUS_SHAPE_ERROR, "Softmax: axis is out of range");
    return 0;
  }
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "softmax_direct");
}

static trt_status_t softmax_enqueue(void *state, const trt_network_t *network,
                                    const trt_layer_t *layer, int32_t tactic,
                                    const void *const *inputs, void *const *outputs,
                                    trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_softmax_params_t *params = layer->params;
  int64_t outer, n, inner;
  if (!softmax_geometry(network, layer, &outer, &n, &inner))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Softmax: axis is out of range");
  TRT_LAUNCH_CHECK(
      trt_launch_softmax(inputs[0], outputs[0], outer, n, inner, params->log, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_softmax_ops =
    TRT_CUDA_STATELESS_OPS(softmax_list_tactics, softmax_enqueue);
