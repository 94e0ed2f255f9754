/* Shape inference of plugin layers (trt/plugin.h) and what the CPU and CUDA
 * backends share to run them. Parameters come from importers and from plan
 * files alike, so the names' terminators and the size are checked here, and
 * the plugin's answers (types, dims) as well. */
#include <string.h>

#include "layers/layers.h"

static bool terminated(const char *text, size_t size) {
  return memchr(text, '\0', size) != NULL;
}

static trt_status_t find_plugin(const trt_layer_t *layer, const trt_plugin_t **plugin) {
  const trt_plugin_params_t *params = layer->params;
  if (!params || !terminated(params->name, sizeof(params->name)) ||
      !terminated(params->domain, sizeof(params->domain)) || !params->name[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the plugin's name is missing or too long");
  if (params->size > TRT_PLUGIN_MAX_PARAMS)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "plugin '%s': %u parameter bytes, at most %d",
                     params->name, (unsigned)params->size, TRT_PLUGIN_MAX_PARAMS);
  *plugin = trt_plugin_find(params->domain, params->name);
  if (!*plugin)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "plugin '%s' is not registered%s%s%s: load the library that provides it "
                     "(giexec --plugins=LIB, the element's plugin-libraries, "
                     "trt_plugin_load_library)",
                     params->name, params->domain[0] ? " (ONNX domain '" : "", params->domain,
                     params->domain[0] ? "')" : "");
  return TRT_STATUS_OK;
}

static trt_status_t describe_tensors(const trt_network_t *network, const trt_layer_t *layer,
                                     trt_plugin_layer_t *prepared, bool outputs_too) {
  if (layer->nb_inputs > TRT_MAX_LAYER_OUTPUTS || layer->nb_outputs > TRT_MAX_LAYER_OUTPUTS ||
      layer->nb_outputs < 1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "%d inputs and %d outputs (1 to %d outputs, at most %d inputs)",
                     layer->nb_inputs, layer->nb_outputs, TRT_MAX_LAYER_OUTPUTS,
                     TRT_MAX_LAYER_OUTPUTS);
  prepared->nb_inputs = layer->nb_inputs;
  prepared->nb_outputs = layer->nb_outputs;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *tensor = trt_layer_input(network, layer, i);
    if (!tensor)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "input %d is omitted (plugins take every input)", i);
    prepared->inputs[i] = (trt_plugin_tensor_t){tensor->type, tensor->dims};
  }
  for (int i = 0; i < layer->nb_outputs; i++) {
    const trt_tensor_t *tensor = trt_layer_output(network, layer, i);
    prepared->outputs[i] = outputs_too ? (trt_plugin_tensor_t){tensor->type, tensor->dims}
                                       : (trt_plugin_tensor_t){TRT_DATA_TYPE_FLOAT32, {0, {0}}};
  }
  return TRT_STATUS_OK;
}

void trt_plugin_layer_release(trt_plugin_layer_t *prepared) {
  if (prepared->plugin && prepared->state && prepared->plugin->destroy)
    prepared->plugin->destroy(prepared->state);
  prepared->state = NULL;
}

/* The plugin and its state; describe_tensors after. */
static trt_status_t make_state(const trt_layer_t *layer, trt_plugin_layer_t *prepared) {
  memset(prepared, 0, sizeof(*prepared));
  trt_status_t status = find_plugin(layer, &prepared->plugin);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_plugin_params_t *params = layer->params;
  trt_error_clear();
  status = prepared->plugin->create(params->params, params->size, &prepared->state);
  if (status != TRT_STATUS_OK) {
    prepared->state = NULL;
    return trt_error_prefix(status, "plugin '%s': ", params->name);
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_plugin_layer_prepare(const trt_network_t *network, const trt_layer_t *layer,
                                      trt_plugin_layer_t *prepared) {
  trt_status_t status = make_state(layer, prepared);
  if (status == TRT_STATUS_OK)
    status = describe_tensors(network, layer, prepared, true);
  if (status == TRT_STATUS_OK && prepared->plugin->workspace_size)
    prepared->workspace_bytes =
        prepared->plugin->workspace_size(prepared->state, prepared->inputs, prepared->nb_inputs,
                                         prepared->outputs, prepared->nb_outputs);
  if (status != TRT_STATUS_OK)
    trt_plugin_layer_release(prepared);
  return status;
}

trt_status_t trt_plugin_layer_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_plugin_layer_t prepared;
  trt_status_t status = make_state(layer, &prepared);
  if (status == TRT_STATUS_OK)
    status = describe_tensors(network, layer, &prepared, false);
  if (status == TRT_STATUS_OK) {
    trt_error_clear();
    status = prepared.plugin->get_outputs(prepared.state, prepared.inputs, prepared.nb_inputs,
                                          prepared.outputs, prepared.nb_outputs);
    if (status != TRT_STATUS_OK)
      status = trt_error_prefix(status, "plugin '%s': ", prepared.plugin->name);
  }
  for (int i = 0; status == TRT_STATUS_OK && i < prepared.nb_outputs; i++) {
    const trt_plugin_tensor_t *out = &prepared.outputs[i];
    bool dims_ok = out->dims.nb_dims >= 0 && out->dims.nb_dims <= TRT_MAX_DIMS;
    for (int d = 0; dims_ok && d < out->dims.nb_dims; d++)
      dims_ok = out->dims.d[d] >= 0;
    if ((int)out->type < 0 || out->type >= TRT_DATA_TYPE_COUNT || !dims_ok)
      status = trt_error(TRT_STATUS_SHAPE_ERROR,
                         "plugin '%s' gave output %d an invalid type (%d) or dims",
                         prepared.plugin->name, i, (int)out->type);
    else {
      trt_tensor_t *tensor = trt_layer_output(network, layer, i);
      tensor->type = out->type;
      tensor->dims = out->dims;
    }
  }
  trt_plugin_layer_release(&prepared);
  return status;
}
