/* CUDA backend of plugin layers (trt/plugin.h): the plugin's enqueue_cuda
 * on the context's stream, one tactic. A plugin without enqueue_cuda is
 * refused when the engine is built, naming it: the CUDA backend has no
 * host fallback. The state is made once per context by `create` and the
 * plugin's workspace comes from the context's shared workspace. */
#include <stdlib.h>

#include "cuda/cuda_layer_util.h"
#include "layers/layers.h"

static int plugin_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  (void)env;
  trt_plugin_layer_t prepared;
  if (trt_plugin_layer_prepare(network, layer, &prepared) != TRT_STATUS_OK)
    return 0;
  bool has_cuda = prepared.plugin->enqueue_cuda != NULL;
  const char *name = prepared.plugin->name;
  trt_plugin_layer_release(&prepared);
  if (!has_cuda) {
    trt_error(TRT_STATUS_UNSUPPORTED,
              "plugin '%s' has no CUDA implementation (enqueue_cuda); build for the CPU backend",
              name);
    return 0;
  }
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "plugin");
}

static trt_status_t plugin_create(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes) {
  (void)env;
  *state = NULL;
  *workspace_bytes = 0;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Plugin: unknown tactic %d", (int)tactic);
  trt_plugin_layer_t *prepared = malloc(sizeof(*prepared));
  if (!prepared)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for a plugin layer");
  trt_status_t status = trt_plugin_layer_prepare(network, layer, prepared);
  if (status == TRT_STATUS_OK && !prepared->plugin->enqueue_cuda) {
    status = trt_error(TRT_STATUS_UNSUPPORTED, "plugin '%s' has no CUDA implementation",
                       prepared->plugin->name);
    trt_plugin_layer_release(prepared);
  }
  if (status != TRT_STATUS_OK) {
    free(prepared);
    return status;
  }
  *state = prepared;
  *workspace_bytes = prepared->workspace_bytes;
  return TRT_STATUS_OK;
}

static trt_status_t plugin_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)network, (void)layer, (void)tactic;
  trt_plugin_layer_t *prepared = state;
  if (!prepared)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "Plugin: no state");
  if (env->workspace_bytes < prepared->workspace_bytes)
    return trt_error(TRT_STATUS_INTERNAL_ERROR,
                     "plugin '%s': the workspace holds %zu bytes, %zu needed",
                     prepared->plugin->name, env->workspace_bytes, prepared->workspace_bytes);
  trt_error_clear();
  trt_status_t status = prepared->plugin->enqueue_cuda(
      prepared->state, prepared->inputs, inputs, prepared->nb_inputs, prepared->outputs, outputs,
      prepared->nb_outputs, prepared->workspace_bytes ? env->workspace : NULL, (void *)env->stream);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "plugin '%s': ", prepared->plugin->name);
  /* A launch the plugin did not check. */
  TRT_LAUNCH_CHECK(cudaGetLastError());
  return TRT_STATUS_OK;
}

static void plugin_destroy(void *state) {
  trt_plugin_layer_t *prepared = state;
  if (!prepared)
    return;
  trt_plugin_layer_release(prepared);
  free(prepared);
}

const trt_cuda_layer_ops_t trt_cuda_plugin_ops = {
    .list_tactics = plugin_list_tactics,
    .create = plugin_create,
    .enqueue = plugin_enqueue,
    .destroy = plugin_destroy,
};
