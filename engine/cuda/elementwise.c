/* CUDA elementwise layer (kernels/elementwise.cu): two inputs with numpy
 * broadcasting, float32/int32/int64 (Pow's exponent may differ in type), as
 * engine/cpu/elementwise.c. The broadcast is simplified here exactly as the
 * CPU does it; the output may be a strided view. Tactics: 0 scalar, 1 float4
 * (float32 operands whose simplified shapes allow it). */
#include "cuda/cuda_layer_util.h"
#include "kernels/elementwise.cuh"

static trt_kbroadcast_t broadcast_plan(const trt_dims_t *a, const trt_dims_t *b,
                                       const trt_dims_t *out) {
  int64_t sa[TRT_MAX_DIMS], sb[TRT_MAX_DIMS];
  trt_cuda_broadcast_strides(a, out, sa);
  trt_cuda_broadcast_strides(b, out, sb);
  trt_kbroadcast_t plan = {0};
  int n = 0;
  for (int i = 0; i < out->nb_dims; i++) {
    if (out->d[i] == 1)
      continue;
    if (n > 0 && plan.a_stride[n - 1] == sa[i] * out->d[i] &&
        plan.b_stride[n - 1] == sb[i] * out->d[i]) {
      plan.dims[n - 1] *= out->d[i];
      plan.a_stride[n - 1] = sa[i];
      plan.b_stride[n - 1] = sb[i];
      continue;
    }
    plan.dims[n] = out->d[i];
    plan.a_stride[n] = sa[i];
    plan.b_stride[n] = sb[i];
    n++;
  }
  if (n == 0) { /* a single element */
    plan.dims[0] = 1;
    n = 1;
  }
  plan.rank = n;
  return plan;
}

static bool type_supported(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16 ||
         type == TRT_DATA_TYPE_INT32 || type == TRT_DATA_TYPE_INT64;
}

static int elementwise_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                    const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                    int max_tactics) {
  (void)env;
  const trt_elementwise_params_t *params = layer->params;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (!params || !a || !b) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Elementwise: missing inputs or parameters");
    return 0;
  }
  if (!type_supported(a->type) || !type_supported(b->type) ||
      (a->type != b->type && (params->kind != TRT_ELEMENTWISE_POW ||
                              a->type == TRT_DATA_TYPE_FLOAT16 ||
                              b->type == TRT_DATA_TYPE_FLOAT16))) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Elementwise: input types %s and %s are not supported",
              trt_data_type_name(a->type), trt_data_type_name(b->type));
    return 0;
  }
  if (trt_cuda_require_contiguous(network, layer, false) != TRT_STATUS_OK)
    return 0;
  int count =
      trt_cuda_tactic_add(tactics, max_tactics, 0, TRT_CUDA_TACTIC_SCALAR, "elementwise_scalar");
  if (a->type == TRT_DATA_TYPE_FLOAT32 && b->type == TRT_DATA_TYPE_FLOAT32 &&
      !trt_cuda_tensor_strided(network, y) && trt_dims_volume(&y->dims) % 4 == 0)
    count =
        trt_cuda_tactic_add(tactics, max_tactics, count, TRT_CUDA_TACTIC_VEC4, "elementwise_vec4");
  return count;
}

static trt_status_t elementwise_enqueue(void *state, const trt_network_t *network,
                                        const trt_layer_t *layer, int32_t tactic,
                                        const void *const *inputs, void *const *outputs,
                                        trt_cuda_env_t *env) {
  (void)state;
  const trt_elementwise_params_t *params = layer->params;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  int64_t count = trt_dims_volume(&y->dims);
  if (count <= 0)
    return TRT_STATUS_OK;
  trt_kbroadcast_t plan = broadcast_plan(&a->dims, &b->dims, &y->dims);
  TRT_LAUNCH_CHECK(trt_launch_elementwise(
      inputs[0], (int)a->type, inputs[1], (int)b->type, outputs[0], count, (int)params->kind, plan,
      trt_cuda_output_view(network, y), tactic == TRT_CUDA_TACTIC_VEC4, env->stream));
  return TRT_STATUS_OK;
}

/* Element by element when nothing broadcasts: any layout, the same for all. */
static trt_layer_formats_t elementwise_formats(const trt_network_t *network,
                                               const trt_layer_t *layer) {
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  return a && b && trt_dims_equal(&a->dims, &y->dims) && trt_dims_equal(&b->dims, &y->dims)
             ? TRT_LAYER_FORMATS_SAME
             : TRT_LAYER_FORMATS_LINEAR;
}

const trt_cuda_layer_ops_t trt_cuda_elementwise_ops = {
    .list_tactics = elementwise_list_tactics,
    .format_weights = NULL,
    .create = trt_cuda_create_scalar_or_vec4,
    .enqueue = elementwise_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .runs_fp16 = trt_cuda_runs_fp16_always, /* both operands half, computed in float */
    .formats = elementwise_formats,
};
