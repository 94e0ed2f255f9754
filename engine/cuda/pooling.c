/* CUDA pooling (kernels/pooling.cu): max and average, 1 to 3 spatial dims,
 * dilation, asymmetric pads, ceil_mode (already in the output dims),
 * count_include_pad, global; as engine/cpu/pooling.c. The output may be a
 * strided view. Linear or channels-last tensors. One tactic. */
#include <stddef.h>
#include <string.h>

#include "cuda/cuda_layer_util.h"
#include "kernels/pooling.cuh"
#include "layers/layers.h"

/* The kernel's plan starts with the engine's geometry, field for field. */
_Static_assert(offsetof(trt_kpool_t, pad_end) == offsetof(trt_pooling_geometry_t, pad_end) &&
                   offsetof(trt_kpool_t, is_max) == sizeof(trt_pooling_geometry_t),
               "trt_kpool_t must start with trt_pooling_geometry_t's fields");

static int pooling_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Pooling: missing input or parameters");
    return 0;
  }
  if (!trt_is_float_compute_type(x->type) || x->dims.nb_dims < 3 || x->dims.nb_dims > 5) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Pooling: %s input of rank %d is not supported",
              trt_data_type_name(x->type), x->dims.nb_dims);
    return 0;
  }
  if (trt_cuda_require_contiguous(network, layer, false) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "pooling_direct");
}

static trt_status_t pooling_create(const trt_network_t *network, const trt_layer_t *layer,
                                   int32_t tactic, trt_cuda_env_t *env, void **state,
                                   size_t *workspace_bytes) {
  (void)network, (void)layer, (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Pooling: unknown tactic %d", (int)tactic);
  *state = NULL;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t pooling_enqueue(void *state, const trt_network_t *network,
                                    const trt_layer_t *layer, int32_t tactic,
                                    const void *const *inputs, void *const *outputs,
                                    trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_pooling_params_t *params = layer->params;
  trt_pooling_geometry_t geometry;
  bool global = trt_pooling_geometry(network, layer, &geometry);
  trt_kpool_t g = {.is_max = params->kind == TRT_POOLING_MAX,
                   .count_include_pad = params->count_include_pad};
  memcpy(&g, &geometry, sizeof(geometry));
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  g.channels_last = trt_tensor_storage(network, x)->format == TRT_FORMAT_CHANNELS_LAST ||
                    trt_tensor_storage(network, y)->format == TRT_FORMAT_CHANNELS_LAST;
  g.channels = x->dims.d[1];
  TRT_LAUNCH_CHECK(trt_launch_pooling(inputs[0], outputs[0], (int)y->type, g, global,
                                      trt_cuda_output_view(network, y), env->stream));
  return TRT_STATUS_OK;
}

/* The kernels read and write float16 as they do float32, computing in float. */
static bool pooling_runs_fp16(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  return x && x->dims.nb_dims >= 3 && x->dims.nb_dims <= 5;
}

/* Rank 4, linear or channels-last alike (the output follows the input). */
static trt_layer_formats_t pooling_formats(const trt_network_t *network,
                                           const trt_layer_t *layer) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  return x && x->dims.nb_dims == 4 ? TRT_LAYER_FORMATS_SAME : TRT_LAYER_FORMATS_LINEAR;
}

static void pooling_destroy(void *state) {
  (void)state;
}

const trt_cuda_layer_ops_t trt_cuda_pooling_ops = {
    .list_tactics = pooling_list_tactics,
    .format_weights = NULL,
    .create = pooling_create,
    .enqueue = pooling_enqueue,
    .destroy = pooling_destroy,
    .runs_fp16 = pooling_runs_fp16,
    .formats = pooling_formats,
};
