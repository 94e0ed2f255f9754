/* ONNX node helpers for import functions: inputs, outputs, constant operands, adding layers. */
#include <stdio.h>
#include <string.h>

#include "network_internal.h"
#include "numerics/element.h"
#include "onnx/onnx_internal.h"

const char *trt_onnx_node_name(const Onnx__NodeProto *node) {
  if (node->name && node->name[0])
    return node->name;
  if (node->n_output > 0 && node->output[0][0])
    return node->output[0];
  return "(unnamed)";
}

bool trt_onnx_value_is_used(const trt_onnx_importer_t *importer, const char *name) {
  if (!name || !name[0])
    return false;
  const Onnx__GraphProto *graph = importer->graph;
  for (size_t i = 0; i < graph->n_node; i++)
    for (size_t j = 0; j < graph->node[i]->n_input; j++)
      if (strcmp(graph->node[i]->input[j], name) == 0)
        return true;
  for (size_t i = 0; i < graph->n_output; i++)
    if (graph->output[i]->name && strcmp(graph->output[i]->name, name) == 0)
      return true;
  return false;
}

/* ---- inputs, outputs and layers ---------------------------------------- */

trt_status_t trt_onnx_check_input_count(const Onnx__NodeProto *node, int min, int max) {
  int count = (int)node->n_input;
  if (count >= min && (max < 0 || count <= max)) {
    for (int i = 0; i < min; i++)
      if (!node->input[i][0])
        return trt_error(TRT_STATUS_PARSE_ERROR, "input %d is required but empty", i);
    return TRT_STATUS_OK;
  }
  if (max < 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected at least %d input(s), got %d", min, count);
  if (min == max)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected %d input(s), got %d", min, count);
  return trt_error(TRT_STATUS_PARSE_ERROR, "expected %d to %d inputs, got %d", min, max, count);
}

/* The tensor of input `index`; -1 when omitted (absent or empty name). */
trt_status_t trt_onnx_get_input(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                int index, int *tensor) {
  *tensor = -1;
  if (index >= (int)node->n_input || !node->input[index][0])
    return TRT_STATUS_OK;
  *tensor = trt_network_find_tensor(importer->network, node->input[index]);
  if (*tensor < 0)
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "input '%s' is not a graph input, initializer or earlier node's output",
                     node->input[index]);
  return TRT_STATUS_OK;
}

trt_status_t trt_onnx_get_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                 int *tensors, int count) {
  for (int i = 0; i < count; i++) {
    trt_status_t status = trt_onnx_get_input(importer, node, i, &tensors[i]);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

/* Checks the input count (trt_onnx_check_input_count), then looks up the tensors of
 * the first `count` inputs. */
trt_status_t trt_onnx_node_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                  int min, int max, int *tensors, int count) {
  trt_status_t status = trt_onnx_check_input_count(node, min, max);
  return status != TRT_STATUS_OK ? status : trt_onnx_get_inputs(importer, node, tensors, count);
}

/* Number of inputs once trailing omitted ones are dropped. */
int trt_onnx_trim_inputs(const int *tensors, int count) {
  while (count > 1 && tensors[count - 1] < 0)
    count--;
  return count;
}

/* Fails when output `index` or a later one is read by anything: the engine
 * produces only the outputs before it (training statistics, indices, masks). */
trt_status_t trt_onnx_reject_used_outputs(const trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, int index,
                                          const char *what) {
  for (size_t i = (size_t)index; i < node->n_output; i++)
    if (trt_onnx_value_is_used(importer, node->output[i]))
      return trt_error(TRT_STATUS_UNSUPPORTED, "output %zu ('%s', %s) is not supported", i,
                       node->output[i], what);
  return TRT_STATUS_OK;
}

/* BatchNormalization and Dropout before opset 7 carry `is_test`; 0 asks for
 * training behaviour (batch statistics, random masks). Its default is 0, but
 * like ONNX's own version converter we read a missing attribute as an
 * inference model, the only kind an exporter of that era wrote without it. */
trt_status_t trt_onnx_reject_training_mode(const trt_onnx_importer_t *importer,
                                           const Onnx__NodeProto *node) {
  if (importer->opset >= 7 || !trt_onnx_find_attribute(node, "is_test"))
    return TRT_STATUS_OK;
  int64_t is_test;
  trt_status_t status = trt_onnx_attr_int(node, "is_test", 1, &is_test);
  if (status == TRT_STATUS_OK && is_test == 0)
    status = trt_error(TRT_STATUS_UNSUPPORTED,
                       "attribute 'is_test' = 0 (training mode) is not supported");
  return status;
}

trt_status_t trt_onnx_add_layer(trt_onnx_importer_t *importer, trt_layer_type_t type,
                                const char *name, const int *inputs, int nb_inputs,
                                const char *const *output_names, int nb_outputs, const void *params,
                                int *layer) {
  int index = trt_network_add_layer(importer->network, type, name, inputs, nb_inputs, output_names,
                                    nb_outputs, params);
  if (index < 0)
    return TRT_STATUS_PARSE_ERROR; /* message set by the network */
  if (layer)
    *layer = index;
  return TRT_STATUS_OK;
}

/* The usual case: one layer named after the node, producing its output 0. */
trt_status_t trt_onnx_add_node_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                     trt_layer_type_t type, const int *inputs, int nb_inputs,
                                     const void *params) {
  const char *output = node->output[0];
  return trt_onnx_add_layer(importer, type, trt_onnx_node_name(node), inputs, nb_inputs, &output, 1,
                            params, NULL);
}

/* A node of exactly `count` inputs (at most 3) that becomes one layer. */
trt_status_t trt_onnx_add_plain_node(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                     trt_layer_type_t type, int count, const void *params) {
  int inputs[3];
  trt_status_t status = trt_onnx_node_inputs(importer, node, count, count, inputs, count);
  return status != TRT_STATUS_OK
             ? status
             : trt_onnx_add_node_layer(importer, node, type, inputs, count, params);
}

/* Adds a constant for an operand given as an attribute (opset < 10 Slice's
 * starts, ...), named "<node>/<suffix>" and made unique if need be. */
trt_status_t trt_onnx_add_helper_constant(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, const char *suffix,
                                          trt_data_type_t type, const trt_dims_t *dims,
                                          const void *data, int *tensor) {
  char name[TRT_ONNX_NAME_SIZE];
  snprintf(name, sizeof(name), "%s/%s", trt_onnx_node_name(node), suffix);
  for (int n = 1; trt_network_find_tensor(importer->network, name) >= 0; n++)
    snprintf(name, sizeof(name), "%s/%s_%d", trt_onnx_node_name(node), suffix, n);
  *tensor = trt_network_add_constant(importer->network, name, type, dims, data);
  return *tensor < 0 ? TRT_STATUS_PARSE_ERROR : TRT_STATUS_OK;
}

/* Adds a helper layer named "<node>/<suffix>" with one output; `*output` is
 * that output's tensor. */
trt_status_t trt_onnx_add_helper_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       const char *suffix, trt_layer_type_t type, const int *inputs,
                                       int nb_inputs, const void *params, int *output) {
  char name[TRT_ONNX_NAME_SIZE];
  snprintf(name, sizeof(name), "%s/%s", trt_onnx_node_name(node), suffix);
  int layer;
  trt_status_t status =
      trt_onnx_add_layer(importer, type, name, inputs, nb_inputs, NULL, 1, params, &layer);
  if (status == TRT_STATUS_OK)
    *output = trt_network_layer_output(importer->network, layer, 0);
  return status;
}

/* Reads optional input `index` as one number; `fallback` when omitted. The
 * engine bakes such operands into parameters, so they must be constant. */
trt_status_t trt_onnx_constant_scalar_input(trt_onnx_importer_t *importer,
                                            const Onnx__NodeProto *node, int index, double fallback,
                                            double *value) {
  int tensor;
  trt_status_t status = trt_onnx_get_input(importer, node, index, &tensor);
  *value = fallback;
  if (status != TRT_STATUS_OK || tensor < 0)
    return status;
  const void *data = trt_network_tensor_data(importer->network, tensor);
  if (!data)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "input '%s' must be a constant (initializer or Constant node)",
                     node->input[index]);
  trt_dims_t dims = trt_network_tensor_dims(importer->network, tensor);
  if (trt_dims_volume(&dims) != 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "input '%s' must hold one value, has %lld",
                     node->input[index], (long long)trt_dims_volume(&dims));
  *value = trt_element_as_double(data, trt_network_tensor_type(importer->network, tensor), 0);
  return TRT_STATUS_OK;
}

/* Output names for a node whose unused outputs may be unnamed: those get
 * "<node>:<i>". `generated` holds the made-up names. */
void trt_onnx_name_outputs(const Onnx__NodeProto *node, int nb_outputs, const char **names,
                           char (*generated)[64]) {
  for (int i = 0; i < nb_outputs; i++) {
    names[i] = node->output[i];
    if (!names[i][0]) {
      snprintf(generated[i], sizeof(generated[i]), "%.50s:%d", trt_onnx_node_name(node), i);
      names[i] = generated[i];
    }
  }
}
