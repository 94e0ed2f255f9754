/* Caffe layers run by plugins (trt/plugin.h): a layer type that no importer
 * knows and a registered plugin names as its caffe_type becomes one
 * TRT_LAYER_PLUGIN layer reading the bottoms and writing the tops. Caffe's
 * schema has no room for unknown parameter messages (the text parser skips
 * them with a warning), so the plugin's parse gets no fields. */
#include <stdio.h>
#include <stdlib.h>

#include "caffe/caffe_layers.h"
#include "trt/plugin.h"

trt_status_t trt_caffe_import_plugin(trt_caffe_importer_t *importer) {
  const trt_caffe_layer_t *layer = importer->layer;
  const trt_plugin_t *plugin = trt_plugin_find_caffe(layer->type);
  if (!plugin)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "layer type '%s' is not supported (no plugin registered for it)",
                                 layer->type);
  trt_plugin_params_t *params = calloc(1, sizeof(*params));
  if (!params)
    return trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  snprintf(params->name, sizeof(params->name), "%s", plugin->name);
  snprintf(params->domain, sizeof(params->domain), "%s", plugin->domain ? plugin->domain : "");
  size_t size = 0;
  trt_error_clear();
  trt_status_t status = plugin->parse(NULL, 0, params->params, sizeof(params->params), &size);
  if (status != TRT_STATUS_OK) {
    trt_error_prefix(status, "plugin '%s': ", plugin->name);
    status = trt_caffe_layer_failure(importer, status);
  } else if (size > sizeof(params->params)) {
    status = trt_caffe_layer_error(importer, TRT_STATUS_INTERNAL_ERROR,
                                   "plugin '%s' wrote %zu parameter bytes, at most %zu",
                                   plugin->name, size, sizeof(params->params));
  } else {
    params->size = (uint32_t)size;
    int first = trt_caffe_emit(importer, TRT_LAYER_PLUGIN, importer->bottoms,
                               (int)layer->nb_bottoms, params, (int)layer->nb_tops, 0);
    status = first < 0 ? importer->failure : TRT_STATUS_OK;
  }
  free(params);
  return status;
}
