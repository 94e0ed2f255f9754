/* CUDA SSD detection layers (kernels/detection.cu), as
 * engine/cpu/detection.c: PriorBox (normally folded to a constant at build
 * time; this runs it when constant folding is disabled) and DetectionOutput
 * (decode, per-class top-k and NMS, per-item keep_top_k), one tactic each.
 * DetectionOutput's bound, TRT_DETECTION_MAX_CANDIDATES candidates per
 * class, is checked here, when the engine is built. */
#include "kernels/detection.cuh"
#include "cuda/cuda_layer_util.h"
#include "layers/layers.h"

/* ---- PriorBox -------------------------------------------------------------- */

static int prior_box_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                  const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                  int max_tactics) {
  (void)env;
  trt_prior_box_geometry_t geometry;
  if (trt_prior_box_geometry(network, layer, &geometry) != TRT_STATUS_OK)
    return 0;
  /* Only the inputs' dims are read, so input views do not matter. */
  if (trt_cuda_require_contiguous(network, layer, true) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "prior_box_direct");
}

static trt_status_t prior_box_enqueue(void *state, const trt_network_t *network,
                                      const trt_layer_t *layer, int32_t tactic,
                                      const void *const *inputs, void *const *outputs,
                                      trt_cuda_env_t *env) {
  (void)state, (void)tactic, (void)inputs;
  trt_prior_box_geometry_t geometry;
  trt_status_t status = trt_prior_box_geometry(network, layer, &geometry);
  if (status != TRT_STATUS_OK)
    return status;
  TRT_LAUNCH_CHECK(trt_launch_prior_box(layer->params, &geometry, outputs[0], env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_prior_box_ops =
    TRT_CUDA_STATELESS_OPS(prior_box_list_tactics, prior_box_enqueue);

/* ---- DetectionOutput ----------------------------------------------------- */

/* The kernels' description of the layer; checks the CUDA bounds. */
static trt_status_t detection_problem(const trt_network_t *network, const trt_layer_t *layer,
                                      trt_kdetection_t *problem, trt_kdetection_layout_t *layout) {
  const trt_detection_output_params_t *params = layer->params;
  trt_detection_output_shape_t shape;
  trt_status_t status = trt_detection_output_shape(network, layer, &shape);
  if (status != TRT_STATUS_OK)
    return status;
  if (shape.candidates > TRT_DETECTION_MAX_CANDIDATES)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "DetectionOutput: %lld candidates per class enter NMS (%s), above the CUDA "
                     "kernel's %d: set nms_param.top_k to %d or less",
                     (long long)shape.candidates,
                     params->top_k < 0 ? "top_k is -1: every prior" : "top_k",
                     TRT_DETECTION_MAX_CANDIDATES, TRT_DETECTION_MAX_CANDIDATES);
  if (shape.batch > 65535)
    return trt_error(TRT_STATUS_UNSUPPORTED, "DetectionOutput: batch %lld above 65535",
                     (long long)shape.batch);
  /* Sort keys hold a prior index, and (class, rank) as class * candidates +
   * rank, in 32 bits. */
  if (shape.priors > INT32_MAX || (int64_t)shape.classes * shape.candidates > INT32_MAX)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "DetectionOutput: %lld priors of %d classes exceed the kernel's 32-bit keys",
                     (long long)shape.priors, (int)shape.classes);
  *problem = (trt_kdetection_t){
      .batch = shape.batch,
      .priors = shape.priors,
      .rows = shape.rows,
      .classes = shape.classes,
      .loc_classes = shape.loc_classes,
      .background = params->background_label_id,
      .candidates = (int32_t)shape.candidates,
      .keep_top_k = params->keep_top_k,
      .code_type = (int32_t)params->code_type,
      .variance_encoded_in_target = params->variance_encoded_in_target ? 1 : 0,
      .confidence_threshold = params->confidence_threshold,
      .nms_threshold = params->nms_threshold,
      .eta = params->eta,
  };
  if (!trt_kdetection_plan(problem, layout))
    return trt_error(TRT_STATUS_UNSUPPORTED, "DetectionOutput: the workspace size overflows");
  return TRT_STATUS_OK;
}

static int detection_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                  const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                  int max_tactics) {
  (void)env;
  trt_kdetection_t problem = {0};
  trt_kdetection_layout_t layout = {0};
  if (detection_problem(network, layer, &problem, &layout) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "detection_nms");
}

static trt_status_t detection_create(const trt_network_t *network, const trt_layer_t *layer,
                                     int32_t tactic, trt_cuda_env_t *env, void **state,
                                     size_t *workspace_bytes) {
  (void)env;
  *state = NULL;
  *workspace_bytes = 0;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "DetectionOutput: unknown tactic %d",
                     (int)tactic);
  trt_kdetection_t problem = {0};
  trt_kdetection_layout_t layout = {0};
  trt_status_t status = detection_problem(network, layer, &problem, &layout);
  if (status == TRT_STATUS_OK)
    *workspace_bytes = layout.total;
  return status;
}

static trt_status_t detection_enqueue(void *state, const trt_network_t *network,
                                      const trt_layer_t *layer, int32_t tactic,
                                      const void *const *inputs, void *const *outputs,
                                      trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  trt_kdetection_t problem = {0};
  trt_kdetection_layout_t layout = {0};
  trt_status_t status = detection_problem(network, layer, &problem, &layout);
  if (status != TRT_STATUS_OK)
    return status;
  if (env->workspace_bytes < layout.total)
    return trt_error(TRT_STATUS_INTERNAL_ERROR,
                     "DetectionOutput: the workspace holds %zu bytes, %zu needed",
                     env->workspace_bytes, layout.total);
  TRT_LAUNCH_CHECK(trt_launch_detection_output(inputs[0], inputs[1], inputs[2], outputs[0],
                                               env->workspace, &problem, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_detection_output_ops = {
    .list_tactics = detection_list_tactics,
    .create = detection_create,
    .enqueue = detection_enqueue,
    .destroy = trt_cuda_destroy_stateless,
};
