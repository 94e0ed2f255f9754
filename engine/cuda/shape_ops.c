/* CUDA shape_ops family: Cast (kernels/cast.cu, every data type, as
 * engine/cpu/shape_ops.c; between float32 and float16 also from one memory
 * format to the other, kernels/reformat.cu: the builder's reformats) and
 * Identity (a device-to-device copy, nothing when the runtime aliased the
 * buffers; the output may be a strided view).
 * Shape and ConstantOfShape always fold at build time. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/cast.cuh"
#include "kernels/reformat.cuh"
#include "kernels/kernel_types.h"

/* ---- cast ----------------------------------------------------------------- */

/* Whether the cast also changes the memory format (the two layouts differ). */
static bool reformats(const trt_network_t *network, const trt_tensor_t *x, const trt_tensor_t *y) {
  return trt_tensor_storage(network, x)->format != trt_tensor_storage(network, y)->format &&
         !trt_tensor_format_free(x);
}

static bool reformat_type(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16;
}

static trt_status_t reformat_enqueue(const trt_network_t *network, const trt_tensor_t *x,
                                     const trt_tensor_t *y, const void *src, void *dst,
                                     cudaStream_t stream) {
  trt_kreformat_t r = {.rank = x->dims.nb_dims};
  int64_t src_strides[TRT_MAX_DIMS], dst_strides[TRT_MAX_DIMS];
  trt_tensor_strides(network, x, src_strides);
  trt_tensor_strides(network, y, dst_strides);
  for (int d = 0; d < r.rank; d++) {
    r.dims[d] = x->dims.d[d];
    r.src_strides[d] = src_strides[d];
    r.dst_strides[d] = dst_strides[d];
  }
  TRT_LAUNCH_CHECK(trt_launch_reformat(src, (int)x->type, dst, (int)y->type, r, stream));
  return TRT_STATUS_OK;
}

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
  if (reformats(network, x, y)) {
    if (!reformat_type(x->type) || !reformat_type(y->type) ||
        x->dims.nb_dims > TRT_KREFORMAT_RANK || !trt_dims_equal(&x->dims, &y->dims)) {
      trt_error(TRT_STATUS_UNSUPPORTED, "Cast: reformats float32 or float16 of rank 1 to %d only",
                TRT_KREFORMAT_RANK);
      return 0;
    }
    return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "reformat");
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
  if (reformats(network, x, y))
    return reformat_enqueue(network, x, y, inputs[0], outputs[0], env->stream);
  if (x->type == y->type)
    return trt_cuda_copy_to_output(network, y, inputs[0], outputs[0], env->stream);
  TRT_LAUNCH_CHECK(trt_launch_cast(inputs[0], (int)x->type, outputs[0], (int)y->type,
                                   trt_dims_volume(&x->dims), env->stream));
  return TRT_STATUS_OK;
}

/* Input and output formats are independent: the builder's reformats. */
static trt_layer_formats_t cast_formats(const trt_network_t *network, const trt_layer_t *layer) {
  (void)network, (void)layer;
  return TRT_LAYER_FORMATS_CONVERTS;
}

const trt_cuda_layer_ops_t trt_cuda_cast_ops = {
    .list_tactics = cast_list_tactics,
    .create = trt_cuda_create_stateless,
    .enqueue = cast_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .formats = cast_formats,
};

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

const trt_cuda_layer_ops_t trt_cuda_identity_ops = {
    .list_tactics = identity_list_tactics,
    .create = trt_cuda_create_stateless,
    .enqueue = trt_cuda_copy_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .formats = trt_cuda_formats_pointwise,
};
