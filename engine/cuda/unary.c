/* CUDA unary layer (kernels/pointwise.cu): every activation kind on float32
 * and float16 (FP16 engines), Relu/Abs/Neg/None on int32 and int64, as engine/cpu/unary.c. The output
 * may be a strided view; a chain fused by the pointwise pass (float32) runs
 * in the same kernel, each step rounded to float. One tactic: the kernel
 * takes 16 bytes per thread where the tensors allow; tactic 1 (float4,
 * from before that) is still accepted in plans and runs the same. */
#include "cuda/cuda_layer_util.h"
#include "kernels/pointwise.cuh"

static int unary_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Unary: missing input or parameters");
    return 0;
  }
  const bool is_float = x->type == TRT_DATA_TYPE_FLOAT32 || x->type == TRT_DATA_TYPE_FLOAT16;
  if (!is_float && x->type != TRT_DATA_TYPE_INT32 && x->type != TRT_DATA_TYPE_INT64) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Unary: input type %s is not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  const trt_unary_params_t *params = layer->params;
  if (params->nb_then < 0 || params->nb_then >= TRT_MAX_UNARY_CHAIN ||
      (params->nb_then > 0 && !is_float)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Unary: a chain of %d steps on %s is not supported",
              (int)params->nb_then + 1, trt_data_type_name(x->type));
    return 0;
  }
  if (trt_cuda_require_contiguous(network, layer, false) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, TRT_CUDA_TACTIC_SCALAR, "unary");
}

static trt_status_t unary_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)state, (void)tactic; /* 0, or 1 from older plans: the same kernel */
  const trt_unary_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  /* op, then the chain the pointwise fusion pass appended (float32 only). */
  trt_kchain_t chain = {.nb_steps = 1 + params->nb_then};
  for (int s = 0; s < chain.nb_steps && s < TRT_KMAX_UNARY_CHAIN; s++) {
    const trt_activation_t *step = s == 0 ? &params->op : &params->then[s - 1];
    chain.steps[s] = (trt_kactivation_t){(int)step->kind, step->alpha, step->beta};
  }
  TRT_LAUNCH_CHECK(trt_launch_unary(inputs[0], outputs[0], trt_dims_volume(&x->dims), (int)x->type,
                                    chain, trt_cuda_output_view(network, y), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_unary_ops = {
    .list_tactics = unary_list_tactics,
    .format_weights = NULL,
    .create = trt_cuda_create_scalar_or_vec4,
    .enqueue = unary_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .runs_fp16 = trt_cuda_runs_fp16_always, /* computes in float, stores half */
    .formats = trt_cuda_formats_pointwise,  /* element by element, any layout */
};
