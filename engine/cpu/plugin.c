/* CPU backend of plugin layers: the plugin's execute_cpu, with a state made
 * from the layer's parameters for the call and its workspace in the
 * context's scratch. (The CPU executor keeps no per-layer state; a plugin's
 * create is expected to be cheap: it decodes its parameter bytes.) */
#include "cpu/cpu_layers.h"
#include "layers/layers.h"

trt_status_t trt_cpu_plugin(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  trt_plugin_layer_t prepared;
  trt_status_t status = trt_plugin_layer_prepare(network, layer, &prepared);
  if (status != TRT_STATUS_OK)
    return status;
  void *workspace = NULL;
  if (prepared.workspace_bytes && !(workspace = trt_cpu_scratch(cpu, prepared.workspace_bytes)))
    status =
        trt_error(TRT_STATUS_OUT_OF_MEMORY, "plugin '%s': out of memory for %zu bytes of workspace",
                  prepared.plugin->name, prepared.workspace_bytes);
  if (status == TRT_STATUS_OK) {
    trt_error_clear();
    status =
        prepared.plugin->execute_cpu(prepared.state, prepared.inputs, inputs, prepared.nb_inputs,
                                     prepared.outputs, outputs, prepared.nb_outputs, workspace);
    if (status != TRT_STATUS_OK)
      status = trt_error_prefix(status, "plugin '%s': ", prepared.plugin->name);
  }
  trt_plugin_layer_release(&prepared);
  return status;
}
