/* CUDA shape_ops family: Cast (kernels/cast.cu, every data type, as
 * engine/cpu/shape_ops.c) and Identity (a device-to-device copy, nothing
 * when the runtime aliased the buffers; the output may be a strided view).
 * Shape and ConstantOfShape always fold at build time. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/cast.cuh"

/* ---- cast ----------------------------------------------------------------- */

static int cast_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                             const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                             int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (!x) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Cast: missing input");
    return 0;
  }
  if ((int)x->type < 0 || x->type >= TRT_DATA_TYPE_COUNT || (int)y->type < 0 ||
      y->type >= TRT_DATA_TYPE_COUNT) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Cast: unknown data type");
    return 0;
  }
  return trt_cuda_list_single(network, layer, x->type != y->type, tactics, max_tactics,
                              "cast_direct");
}

static trt_status_t cast_enqueue(void *state, const trt_network_t *network,
                                 const trt_layer_t *layer, int32_t tactic,
                                 const void *const *inputs, void *const *outputs,
                                 trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (x->type == y->type)
    return trt_cuda_copy_to_output(network, y, inputs[0], outputs[0], env->stream);
  TRT_LAUNCH_CHECK(trt_launch_cast(inputs[0], (int)x->type, outputs[0], (int)y->type,
                                   trt_dims_volume(&x->dims), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_cast_ops =
    TRT_CUDA_STATELESS_OPS(cast_list_tactics, cast_enqueue);

/* ---- identity ------------------------------------------------------------- */

static int identity_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                 const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                 int max_tactics) {
  (void)env;
  if (!trt_layer_input(network, layer, 0)) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Identity: missing input");
    return 0;
  }
  return trt_cuda_list_single(network, layer, false, tactics, max_tactics, "identity_copy");
}

const trt_cuda_layer_ops_t trt_cuda_identity_ops =
    TRT_CUDA_STATELESS_OPS(identity_list_tactics, trt_cuda_copy_enqueue);
