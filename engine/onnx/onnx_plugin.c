/* ONNX nodes run by plugins (trt/plugin.h): the node's attributes handed to
 * the plugin's parse as fields, its inputs and outputs kept as they are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx_internal.h"
#include "trt/plugin.h"

/* The node's attributes as fields (pointing into the node, strings copied
 * to be NUL-terminated into `strings`). */
static trt_status_t make_fields(const Onnx__NodeProto *node, trt_plugin_field_t *fields,
                                char **strings) {
  for (size_t i = 0; i < node->n_attribute; i++) {
    const Onnx__AttributeProto *attribute = node->attribute[i];
    trt_plugin_field_t *field = &fields[i];
    field->name = attribute->name ? attribute->name : "";
    int type = trt_onnx_attribute_type(attribute);
    switch (type) {
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
      *field =
          (trt_plugin_field_t){field->name, TRT_PLUGIN_FIELD_INT, 1, &attribute->i, NULL, NULL};
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
      *field =
          (trt_plugin_field_t){field->name, TRT_PLUGIN_FIELD_FLOAT, 1, NULL, &attribute->f, NULL};
      break;
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS: {
      size_t count = type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS ? attribute->n_ints
                                                                         : attribute->n_floats;
      if (count > INT32_MAX)
        return trt_error(TRT_STATUS_UNSUPPORTED, "attribute '%s' has too many values", field->name);
      bool ints = type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
      *field = (trt_plugin_field_t){field->name,
                                    ints ? TRT_PLUGIN_FIELD_INTS : TRT_PLUGIN_FIELD_FLOATS,
                                    (int)count,
                                    ints ? attribute->ints : NULL,
                                    ints ? NULL : attribute->floats,
                                    NULL};
      break;
    }
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: {
      size_t length = attribute->s.len;
      if (length > INT32_MAX - 1)
        return trt_error(TRT_STATUS_UNSUPPORTED, "attribute '%s' is too long", field->name);
      if (!(strings[i] = malloc(length + 1)))
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
      if (length)
        memcpy(strings[i], attribute->s.data, length);
      strings[i][length] = '\0';
      *field = (trt_plugin_field_t){field->name, TRT_PLUGIN_FIELD_STRING, (int)length, NULL, NULL,
                                    strings[i]};
      break;
    }
    default:
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "attribute '%s' has type %s; plugins receive INT, FLOAT, STRING, INTS and "
                       "FLOATS attributes only",
                       field->name, trt_onnx_attribute_type_name(type));
    }
  }
  return TRT_STATUS_OK;
}

static trt_status_t parse_params(const Onnx__NodeProto *node, const trt_plugin_t *plugin,
                                 trt_plugin_params_t *params) {
  size_t count = node->n_attribute;
  trt_plugin_field_t *fields = calloc(count + 1, sizeof(*fields));
  char **strings = calloc(count + 1, sizeof(*strings));
  trt_status_t status = TRT_STATUS_OK;
  if (!fields || !strings)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  if (status == TRT_STATUS_OK && count > INT32_MAX)
    status = trt_error(TRT_STATUS_UNSUPPORTED, "too many attributes");
  if (status == TRT_STATUS_OK)
    status = make_fields(node, fields, strings);
  if (status == TRT_STATUS_OK) {
    size_t size = 0;
    trt_error_clear();
    status = plugin->parse(fields, (int)count, params->params, sizeof(params->params), &size);
    if (status != TRT_STATUS_OK)
      status = trt_error_prefix(status, "plugin '%s': ", plugin->name);
    else if (size > sizeof(params->params))
      status =
          trt_error(TRT_STATUS_INTERNAL_ERROR, "plugin '%s' wrote %zu parameter bytes, at most %zu",
                    plugin->name, size, sizeof(params->params));
    else
      params->size = (uint32_t)size;
  }
  for (size_t i = 0; strings && i < count; i++)
    free(strings[i]);
  free(strings);
  free(fields);
  return status;
}

trt_status_t trt_onnx_import_plugin(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                    const trt_plugin_t *plugin) {
  trt_plugin_params_t *params = calloc(1, sizeof(*params));
  if (!params)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  snprintf(params->name, sizeof(params->name), "%s", plugin->name);
  snprintf(params->domain, sizeof(params->domain), "%s", plugin->domain ? plugin->domain : "");
  trt_status_t status = parse_params(node, plugin, params);
  int inputs[TRT_MAX_LAYER_OUTPUTS];
  int nb_inputs = (int)node->n_input, nb_outputs = (int)node->n_output;
  if (status == TRT_STATUS_OK &&
      (node->n_input > TRT_MAX_LAYER_OUTPUTS || node->n_output > TRT_MAX_LAYER_OUTPUTS))
    status =
        trt_error(TRT_STATUS_UNSUPPORTED, "%zu inputs and %zu outputs, plugins take at most %d",
                  node->n_input, node->n_output, TRT_MAX_LAYER_OUTPUTS);
  if (status == TRT_STATUS_OK)
    status = trt_onnx_get_inputs(importer, node, inputs, nb_inputs);
  if (status == TRT_STATUS_OK)
    nb_inputs = trt_onnx_trim_inputs(inputs, nb_inputs);
  for (int i = 0; status == TRT_STATUS_OK && i < nb_inputs; i++)
    if (inputs[i] < 0)
      status = trt_error(TRT_STATUS_UNSUPPORTED,
                         "input %d is omitted; plugin layers take every input up to the last", i);
  if (status == TRT_STATUS_OK) {
    const char *names[TRT_MAX_LAYER_OUTPUTS];
    char generated[TRT_MAX_LAYER_OUTPUTS][64];
    trt_onnx_name_outputs(node, nb_outputs, names, generated);
    status = trt_onnx_add_layer(importer, TRT_LAYER_PLUGIN, trt_onnx_node_name(node), inputs,
                                nb_inputs, names, nb_outputs, params, NULL);
  }
  free(params);
  return status;
}
