/* ONNX import: decodes a ModelProto with protobuf-c and builds the network:
 * opset check, initializers as constants, graph inputs, one import call per
 * node (onnx_ops.c), graph outputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_util.h"
#include "onnx/onnx_internal.h"
#include "trt/onnx_parser.h"
#include "trt/plugin.h"

static bool is_default_domain(const char *domain) {
  return !domain || !domain[0] || strcmp(domain, "ai.onnx") == 0;
}

static trt_status_t read_opset(trt_onnx_importer_t *importer, const Onnx__ModelProto *model) {
  importer->opset = 0;
  for (size_t i = 0; i < model->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *opset = model->opset_import[i];
    if (is_default_domain(opset->domain))
      importer->opset = opset->has_version ? opset->version : 0;
  }
  if (importer->opset == 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: the model imports no version of the default ONNX domain "
                     "(opsets %d to %d are supported)",
                     importer->file, TRT_ONNX_MIN_OPSET, TRT_ONNX_MAX_OPSET);
  if (importer->opset < TRT_ONNX_MIN_OPSET || importer->opset > TRT_ONNX_MAX_OPSET)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: opset %lld of the default ONNX domain is not supported "
                     "(opsets %d to %d are)",
                     importer->file, (long long)importer->opset, TRT_ONNX_MIN_OPSET,
                     TRT_ONNX_MAX_OPSET);
  return TRT_STATUS_OK;
}

static trt_status_t add_initializer(trt_onnx_importer_t *importer,
                                    const Onnx__TensorProto *initializer) {
  if (!initializer->name || !initializer->name[0])
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: an initializer has no name", importer->file);
  char what[1024];
  snprintf(what, sizeof(what), "initializer '%s'", initializer->name);
  trt_data_type_t type;
  trt_dims_t dims;
  const void *data;
  void *owned;
  trt_status_t status = trt_onnx_tensor_decode(initializer, what, &type, &dims, &data, &owned);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "%s: ", importer->file);
  int tensor = trt_network_add_constant(importer->network, initializer->name, type, &dims, data);
  free(owned);
  if (tensor < 0)
    return trt_error_prefix(TRT_STATUS_PARSE_ERROR, "%s: %s: ", importer->file, what);
  return TRT_STATUS_OK;
}

static bool is_initializer(const Onnx__GraphProto *graph, const char *name) {
  for (size_t i = 0; i < graph->n_initializer; i++)
    if (graph->initializer[i]->name && strcmp(graph->initializer[i]->name, name) == 0)
      return true;
  return false;
}

/* A graph input: its element type and dims; symbolic or missing dims -1. */
static trt_status_t add_graph_input(trt_onnx_importer_t *importer,
                                    const Onnx__ValueInfoProto *input) {
  const char *file = importer->file;
  if (!input->name || !input->name[0])
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: a graph input has no name", file);
  const Onnx__TypeProto *type_proto = input->type;
  if (!type_proto || type_proto->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      !type_proto->tensor_type)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input '%s' is not a tensor", file, input->name);
  const Onnx__TypeProto__Tensor *tensor_type = type_proto->tensor_type;

  char what[1024];
  snprintf(what, sizeof(what), "input '%s'", input->name);
  trt_data_type_t type;
  trt_status_t status =
      trt_onnx_convert_type(tensor_type->has_elem_type ? tensor_type->elem_type : 0, what, &type);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "%s: ", file);

  const Onnx__TensorShapeProto *shape = tensor_type->shape;
  if (!shape)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input '%s' has no shape (unknown rank)", file,
                     input->name);
  if (shape->n_dim > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: input '%s' has %zu dimensions, at most %d are "
                     "supported",
                     file, input->name, shape->n_dim, TRT_MAX_DIMS);
  trt_dims_t dims = {(int32_t)shape->n_dim, {0}};
  for (size_t i = 0; i < shape->n_dim; i++) {
    const Onnx__TensorShapeProto__Dimension *dim = shape->dim[i];
    bool known = dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
                 dim->dim_value >= 0;
    dims.d[i] = known ? dim->dim_value : -1;
  }
  if (trt_network_add_input(importer->network, input->name, type, &dims) < 0)
    return trt_error_prefix(TRT_STATUS_PARSE_ERROR, "%s: %s: ", file, what);
  return TRT_STATUS_OK;
}

static trt_status_t import_node(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  const char *op_type = node->op_type ? node->op_type : "";
  const char *name = trt_onnx_node_name(node);
  /* The importers' own ops first; then a registered plugin (trt/plugin.h). */
  const trt_onnx_op_t *op = is_default_domain(node->domain) ? trt_onnx_find_op(op_type) : NULL;
  const trt_plugin_t *plugin = op ? NULL : trt_plugin_find(node->domain, op_type);
  if (!op && !plugin && !is_default_domain(node->domain))
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: node '%s' (%s): unsupported operator (domain '%s')",
                     importer->file, name, op_type, node->domain);
  if (!op && !plugin)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: node '%s' (%s): unsupported operator",
                     importer->file, name, op_type);
  if (node->n_output == 0 || !node->output[0][0])
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: node '%s' (%s): the node has no output",
                     importer->file, name, op_type);
  trt_status_t status =
      op ? op->import(importer, node) : trt_onnx_import_plugin(importer, node, plugin);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "%s: node '%s' (%s): ", importer->file, name, op_type);
  return TRT_STATUS_OK;
}

static trt_status_t import_model(trt_onnx_importer_t *importer, const Onnx__ModelProto *model) {
  const Onnx__GraphProto *graph = model->graph;
  if (!graph)
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: the model has no graph", importer->file);
  importer->graph = graph;
  trt_status_t status = read_opset(importer, model);
  if (status != TRT_STATUS_OK)
    return status;

  for (size_t i = 0; i < graph->n_initializer; i++)
    if ((status = add_initializer(importer, graph->initializer[i])) != TRT_STATUS_OK)
      return status;
  /* Older exporters also list initializers as graph inputs: those are weights. */
  for (size_t i = 0; i < graph->n_input; i++)
    if (!is_initializer(graph, graph->input[i]->name ? graph->input[i]->name : "") &&
        (status = add_graph_input(importer, graph->input[i])) != TRT_STATUS_OK)
      return status;
  for (size_t i = 0; i < graph->n_node; i++)
    if ((status = import_node(importer, graph->node[i])) != TRT_STATUS_OK)
      return status;

  if (graph->n_output == 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: the graph has no outputs", importer->file);
  for (size_t i = 0; i < graph->n_output; i++) {
    const char *name = graph->output[i]->name ? graph->output[i]->name : "";
    int tensor = trt_network_find_tensor(importer->network, name);
    if (tensor < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "%s: graph output '%s' is not produced by any node",
                       importer->file, name);
    if ((status = trt_network_mark_output(importer->network, tensor)) != TRT_STATUS_OK)
      return trt_error_prefix(status, "%s: graph output '%s': ", importer->file, name);
  }
  trt_log(TRT_SEVERITY_VERBOSE, "%s: imported %zu nodes (opset %lld, producer '%s %s')",
          importer->file, graph->n_node, (long long)importer->opset,
          model->producer_name ? model->producer_name : "",
          model->producer_version ? model->producer_version : "");
  return TRT_STATUS_OK;
}

trt_status_t trt_onnx_parse_memory(trt_network_t *network, const void *data, size_t size,
                                   const char *name_for_errors) {
  const char *file = name_for_errors ? name_for_errors : "(memory)";
  if (!network || (!data && size))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: no network or no model data", file);
  Onnx__ModelProto *model = onnx__model_proto__unpack(NULL, size, data);
  if (!model)
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "%s: not a valid ONNX model (truncated or corrupt protobuf)", file);
  trt_onnx_importer_t importer = {network, file, 0, NULL};
  trt_status_t status = import_model(&importer, model);
  onnx__model_proto__free_unpacked(model, NULL);
  return status;
}

trt_status_t trt_onnx_parse(trt_network_t *network, const char *path) {
  if (!network || !path)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_onnx_parse: NULL network or path");
  void *bytes;
  size_t size;
  trt_status_t status = trt_file_read_all(path, &bytes, &size);
  if (status != TRT_STATUS_OK)
    return status;
  status = trt_onnx_parse_memory(network, bytes, size, path);
  free(bytes);
  return status;
}
