/* ONNX operators -> network layers: one import function per op (or op
 * family), the table that maps op_type to them, and the node/attribute
 * helpers they share. Opset differences (attribute in one version, input in
 * the next) are resolved here so layers see one form. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "onnx/onnx_internal.h"

/* Room for generated names ("<node>/<suffix>"). */
#define NAME_SIZE 1024

/* ---- errors and names -------------------------------------------------- */

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

/* ---- attributes -------------------------------------------------------- */

static const Onnx__AttributeProto *find_attribute(const Onnx__NodeProto *node, const char *name) {
  for (size_t i = 0; i < node->n_attribute; i++)
    if (node->attribute[i]->name && strcmp(node->attribute[i]->name, name) == 0)
      return node->attribute[i];
  return NULL;
}

static int attribute_type(const Onnx__AttributeProto *attribute) {
  if (attribute->has_type)
    return attribute->type;
  /* IR version 1 had no type field: infer it from the field in use. */
  if (attribute->has_f)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
  if (attribute->has_i)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  if (attribute->has_s)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
  if (attribute->t)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
  if (attribute->g)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
  if (attribute->n_floats)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
  if (attribute->n_ints)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
  if (attribute->n_strings)
    return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
  return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
}

static const char *attribute_type_name(int type) {
  static const char *const names[] = {"UNDEFINED",      "FLOAT",      "INT",        "STRING",
                                      "TENSOR",         "GRAPH",      "FLOATS",     "INTS",
                                      "STRINGS",        "TENSORS",    "GRAPHS",     "SPARSE_TENSOR",
                                      "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS"};
  if (type >= 0 && type < (int)(sizeof(names) / sizeof(names[0])))
    return names[type];
  return "(unknown)";
}

static trt_status_t expect_attribute_type(const Onnx__AttributeProto *attribute, int expected) {
  int type = attribute_type(attribute);
  if (type != expected)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has type %s, expected %s",
                     attribute->name, attribute_type_name(type), attribute_type_name(expected));
  if (type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR && !attribute->t)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has type TENSOR but no tensor",
                     attribute->name);
  return TRT_STATUS_OK;
}

/* The attribute `name` checked to be of `type`; *attribute is NULL when the
 * node has none. */
static trt_status_t typed_attribute(const Onnx__NodeProto *node, const char *name, int type,
                                    const Onnx__AttributeProto **attribute) {
  *attribute = find_attribute(node, name);
  return *attribute ? expect_attribute_type(*attribute, type) : TRT_STATUS_OK;
}

static trt_status_t attr_int(const Onnx__NodeProto *node, const char *name, int64_t fallback,
                             int64_t *value) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, &attribute);
  *value = attribute && !status ? attribute->i : fallback;
  return status;
}

static trt_status_t attr_required_int(const Onnx__NodeProto *node, const char *name,
                                      int64_t *value) {
  if (!find_attribute(node, name))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' is required", name);
  return attr_int(node, name, 0, value);
}

/* An int attribute that must fit `int32_t` (axes, counts). */
static trt_status_t attr_int32(const Onnx__NodeProto *node, const char *name, int32_t fallback,
                               int32_t *value) {
  int64_t wide;
  trt_status_t status = attr_int(node, name, fallback, &wide);
  if (status)
    return status;
  if (wide < INT32_MIN || wide > INT32_MAX)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' value %lld is out of range", name,
                     (long long)wide);
  *value = (int32_t)wide;
  return TRT_STATUS_OK;
}

static trt_status_t attr_float(const Onnx__NodeProto *node, const char *name, float fallback,
                               float *value) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, &attribute);
  *value = attribute && !status ? attribute->f : fallback;
  return status;
}

/* A repeated attribute (INTS or FLOATS) of at most `max` values; `*count`
 * is 0 when absent. */
static trt_status_t list_attribute(const Onnx__NodeProto *node, const char *name, int type, int max,
                                   const Onnx__AttributeProto **attribute, int *count) {
  *count = 0;
  trt_status_t status = typed_attribute(node, name, type, attribute);
  if (status || !*attribute)
    return status;
  size_t n = type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS ? (*attribute)->n_ints
                                                                 : (*attribute)->n_floats;
  if (n > (size_t)max)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute '%s' has %zu values, at most %d supported",
                     name, n, max);
  *count = (int)n;
  return TRT_STATUS_OK;
}

/* An INTS attribute of at most `max` values; `*count` is 0 when absent. */
static trt_status_t attr_ints(const Onnx__NodeProto *node, const char *name, int64_t *values,
                              int max, int *count) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status = list_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, max,
                                       &attribute, count);
  if (*count)
    memcpy(values, attribute->ints, (size_t)*count * sizeof(int64_t));
  return status;
}

/* attr_ints into int32_t (axes, perm). */
static trt_status_t attr_ints32(const Onnx__NodeProto *node, const char *name, int32_t *values,
                                int max, int32_t *count) {
  int64_t wide[TRT_MAX_LAYER_OUTPUTS];
  int n;
  if (max > TRT_MAX_LAYER_OUTPUTS)
    max = TRT_MAX_LAYER_OUTPUTS;
  trt_status_t status = attr_ints(node, name, wide, max, &n);
  if (status)
    return status;
  for (int i = 0; i < n; i++) {
    if (wide[i] < INT32_MIN || wide[i] > INT32_MAX)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' value %lld is out of range", name,
                       (long long)wide[i]);
    values[i] = (int32_t)wide[i];
  }
  *count = n;
  return TRT_STATUS_OK;
}

static trt_status_t attr_floats(const Onnx__NodeProto *node, const char *name, float *values,
                                int max, int *count) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status = list_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS,
                                       max, &attribute, count);
  if (*count)
    memcpy(values, attribute->floats, (size_t)*count * sizeof(float));
  return status;
}

/* A STRING attribute that must be one of `choices` (NULL-terminated);
 * `*index` is its position, `fallback` when the attribute is absent. */
static trt_status_t attr_choice(const Onnx__NodeProto *node, const char *name,
                                const char *const *choices, int fallback, int *index) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, &attribute);
  *index = fallback;
  if (status || !attribute)
    return status;
  const ProtobufCBinaryData *text = &attribute->s;
  for (int i = 0; choices[i]; i++) {
    if (strlen(choices[i]) == text->len && memcmp(choices[i], text->data, text->len) == 0) {
      *index = i;
      return TRT_STATUS_OK;
    }
  }
  char expected[256] = "";
  for (int i = 0; choices[i]; i++) {
    size_t used = strlen(expected);
    snprintf(expected + used, sizeof(expected) - used, "%s%s", i ? ", " : "", choices[i]);
  }
  return trt_error(TRT_STATUS_UNSUPPORTED,
                   "attribute '%s' has unsupported value '%.*s' (supported: %s)", name,
                   (int)(text->len < 64 ? text->len : 64), (const char *)text->data, expected);
}

/* ---- inputs, outputs and layers ---------------------------------------- */

static trt_status_t check_input_count(const Onnx__NodeProto *node, int min, int max) {
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
static trt_status_t get_input(trt_onnx_importer_t *importer, const Onnx__NodeProto *node, int index,
                              int *tensor) {
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

static trt_status_t get_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                               int *tensors, int count) {
  for (int i = 0; i < count; i++) {
    trt_status_t status = get_input(importer, node, i, &tensors[i]);
    if (status)
      return status;
  }
  return TRT_STATUS_OK;
}

/* Checks the input count (check_input_count), then looks up the tensors of
 * the first `count` inputs. */
static trt_status_t node_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node, int min,
                                int max, int *tensors, int count) {
  trt_status_t status = check_input_count(node, min, max);
  return status ? status : get_inputs(importer, node, tensors, count);
}

/* Number of inputs once trailing omitted ones are dropped. */
static int trim_inputs(const int *tensors, int count) {
  while (count > 1 && tensors[count - 1] < 0)
    count--;
  return count;
}

/* Fails when output `index` or a later one is read by anything: the engine
 * produces only the outputs before it (training statistics, indices, masks). */
static trt_status_t reject_used_outputs(const trt_onnx_importer_t *importer,
                                        const Onnx__NodeProto *node, int index, const char *what) {
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
static trt_status_t reject_training_mode(const trt_onnx_importer_t *importer,
                                         const Onnx__NodeProto *node) {
  if (importer->opset >= 7 || !find_attribute(node, "is_test"))
    return TRT_STATUS_OK;
  int64_t is_test;
  trt_status_t status = attr_int(node, "is_test", 1, &is_test);
  if (!status && is_test == 0)
    status = trt_error(TRT_STATUS_UNSUPPORTED,
                       "attribute 'is_test' = 0 (training mode) is not supported");
  return status;
}

static trt_status_t add_layer(trt_onnx_importer_t *importer, trt_layer_type_t type,
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
static trt_status_t add_node_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                   trt_layer_type_t type, const int *inputs, int nb_inputs,
                                   const void *params) {
  const char *output = node->output[0];
  return add_layer(importer, type, trt_onnx_node_name(node), inputs, nb_inputs, &output, 1, params,
                   NULL);
}

/* A node of exactly `count` inputs (at most 3) that becomes one layer. */
static trt_status_t add_plain_node(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                   trt_layer_type_t type, int count, const void *params) {
  int inputs[3];
  trt_status_t status = node_inputs(importer, node, count, count, inputs, count);
  return status ? status : add_node_layer(importer, node, type, inputs, count, params);
}

/* Adds a constant for an operand given as an attribute (opset < 10 Slice's
 * starts, ...), named "<node>/<suffix>" and made unique if need be. */
static trt_status_t add_helper_constant(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                        const char *suffix, trt_data_type_t type,
                                        const trt_dims_t *dims, const void *data, int *tensor) {
  char name[NAME_SIZE];
  snprintf(name, sizeof(name), "%s/%s", trt_onnx_node_name(node), suffix);
  for (int n = 1; trt_network_find_tensor(importer->network, name) >= 0; n++)
    snprintf(name, sizeof(name), "%s/%s_%d", trt_onnx_node_name(node), suffix, n);
  *tensor = trt_network_add_constant(importer->network, name, type, dims, data);
  return *tensor < 0 ? TRT_STATUS_PARSE_ERROR : TRT_STATUS_OK;
}

/* Adds a helper layer named "<node>/<suffix>" with one output; `*output` is
 * that output's tensor. */
static trt_status_t add_helper_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                     const char *suffix, trt_layer_type_t type, const int *inputs,
                                     int nb_inputs, const void *params, int *output) {
  char name[NAME_SIZE];
  snprintf(name, sizeof(name), "%s/%s", trt_onnx_node_name(node), suffix);
  int layer;
  trt_status_t status = add_layer(importer, type, name, inputs, nb_inputs, NULL, 1, params, &layer);
  if (!status)
    *output = trt_network_layer_output(importer->network, layer, 0);
  return status;
}

static float half_to_float(uint16_t h) {
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = ldexpf((float)mantissa, -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = ldexpf((float)(mantissa | 0x400), exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

static double element_as_double(trt_data_type_t type, const void *data, int64_t i) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: return ((const float *)data)[i];
  case TRT_DATA_TYPE_FLOAT16: return half_to_float(((const uint16_t *)data)[i]);
  case TRT_DATA_TYPE_FLOAT64: return ((const double *)data)[i];
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_DATA_TYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_DATA_TYPE_INT64: return (double)((const int64_t *)data)[i];
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

/* Reads optional input `index` as one number; `fallback` when omitted. The
 * engine bakes such operands into parameters, so they must be constant. */
static trt_status_t constant_scalar_input(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, int index, double fallback,
                                          double *value) {
  int tensor;
  trt_status_t status = get_input(importer, node, index, &tensor);
  *value = fallback;
  if (status || tensor < 0)
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
  *value = element_as_double(trt_network_tensor_type(importer->network, tensor), data, 0);
  return TRT_STATUS_OK;
}

/* Defines importer `function` as a call of `helper` with the importer, the
 * node and the other arguments: the variants of an op family. */
#define IMPORT_VIA(function, helper, ...)                                                          \
  static trt_status_t function(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {       \
    return helper(importer, node, __VA_ARGS__);                                                    \
  }

/* ---- convolution and pooling ------------------------------------------- */

static const char *const auto_pad_names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", NULL};

/* The sliding-window attributes shared by Conv, ConvTranspose and pools. */
typedef struct {
  int32_t nb_spatial;
  int64_t kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3];
  int auto_pad;
} window_t;

/* Sets the window fields of convolution or pooling parameters (the same
 * names in both) from a parsed window_t. */
#define COPY_WINDOW(params, window)                                                                \
  do {                                                                                             \
    (params)->nb_spatial = (window)->nb_spatial;                                                   \
    memcpy((params)->kernel, (window)->kernel, sizeof((params)->kernel));                          \
    memcpy((params)->stride, (window)->stride, sizeof((params)->stride));                          \
    memcpy((params)->dilation, (window)->dilation, sizeof((params)->dilation));                    \
    memcpy((params)->pad_begin, (window)->pad_begin, sizeof((params)->pad_begin));                 \
    memcpy((params)->pad_end, (window)->pad_end, sizeof((params)->pad_end));                       \
    (params)->auto_pad = (window)->auto_pad;                                                       \
  } while (0)

/* Spatial kernel size from constant weights (kernel_shape is optional for
 * Conv), or 0 dims when the weights' shape is not known yet. */
static int kernel_from_weights(const trt_onnx_importer_t *importer, int weights, int64_t *kernel) {
  if (weights < 0)
    return 0;
  const trt_tensor_t *tensor = &importer->network->tensors[weights];
  if (tensor->producer >= 0 || tensor->dims.nb_dims < 3 || tensor->dims.nb_dims > 5)
    return 0;
  for (int i = 2; i < tensor->dims.nb_dims; i++) {
    if (tensor->dims.d[i] <= 0)
      return 0;
    kernel[i - 2] = tensor->dims.d[i];
  }
  return tensor->dims.nb_dims - 2;
}

static trt_status_t spatial_attr(const Onnx__NodeProto *node, const char *name, int nb_spatial,
                                 int64_t fallback, int64_t *values) {
  int64_t given[6];
  int count;
  trt_status_t status = attr_ints(node, name, given, 6, &count);
  if (status)
    return status;
  if (count != 0 && count != nb_spatial)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has %d values, expected %d", name,
                     count, nb_spatial);
  for (int i = 0; i < nb_spatial; i++)
    values[i] = count ? given[i] : fallback;
  return TRT_STATUS_OK;
}

static trt_status_t parse_window(const trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                 int weights, window_t *window) {
  memset(window, 0, sizeof(*window));
  int count;
  trt_status_t status = attr_ints(node, "kernel_shape", window->kernel, 3, &count);
  if (status)
    return status;
  if (count == 0) {
    count = kernel_from_weights(importer, weights, window->kernel);
    if (count == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, weights < 0
                                                   ? "attribute 'kernel_shape' is required"
                                                   : "attribute 'kernel_shape' is missing and "
                                                     "the weights' shape is not known");
  }
  window->nb_spatial = count;
  for (int i = 0; i < count; i++)
    if (window->kernel[i] <= 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'kernel_shape' has value %lld",
                       (long long)window->kernel[i]);
  if ((status = spatial_attr(node, "strides", count, 1, window->stride)) ||
      (status = spatial_attr(node, "dilations", count, 1, window->dilation)))
    return status;

  int64_t pads[6];
  int nb_pads;
  if ((status = attr_ints(node, "pads", pads, 6, &nb_pads)))
    return status;
  if (nb_pads != 0 && nb_pads != 2 * count)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'pads' has %d values, expected %d", nb_pads,
                     2 * count);
  for (int i = 0; i < count && nb_pads; i++) {
    window->pad_begin[i] = pads[i];
    window->pad_end[i] = pads[count + i];
  }
  /* auto_pad_names is in the order of TRT_AUTO_PAD_*. */
  status = attr_choice(node, "auto_pad", auto_pad_names, TRT_AUTO_PAD_NOTSET, &window->auto_pad);
  if (status)
    return status;
  if (window->auto_pad != TRT_AUTO_PAD_NOTSET) {
    memset(window->pad_begin, 0, sizeof(window->pad_begin));
    memset(window->pad_end, 0, sizeof(window->pad_end));
  }
  return TRT_STATUS_OK;
}

/* ConvTranspose's output_shape decides the pads by ONNX's total_padding
 * rule, which needs the input's spatial dims: known here only for graph
 * inputs and constants. A negative total becomes extra output_padding. */
static trt_status_t apply_output_shape(const trt_onnx_importer_t *importer,
                                       const Onnx__NodeProto *node, int input,
                                       trt_convolution_params_t *params) {
  int64_t output_shape[5];
  int count;
  trt_status_t status = attr_ints(node, "output_shape", output_shape, 5, &count);
  if (status || count == 0)
    return status;
  int nb_spatial = params->nb_spatial;
  if (count != nb_spatial && count != nb_spatial + 2)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'output_shape' has %d values, expected %d",
                     count, nb_spatial);
  const trt_tensor_t *x = &importer->network->tensors[input];
  bool known = x->producer < 0 && x->dims.nb_dims == nb_spatial + 2;
  for (int i = 0; known && i < nb_spatial; i++)
    known = x->dims.d[2 + i] > 0;
  if (!known)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "attribute 'output_shape' needs the input's spatial size at import time "
                     "(give pads instead)");
  for (int i = 0; i < nb_spatial; i++) {
    int64_t wanted = output_shape[count - nb_spatial + i];
    int64_t total = params->stride[i] * (x->dims.d[2 + i] - 1) + params->output_padding[i] +
                    (params->kernel[i] - 1) * params->dilation[i] + 1 - wanted;
    if (total < 0) {
      params->pad_begin[i] = params->pad_end[i] = 0;
      params->output_padding[i] -= total;
    } else if (params->auto_pad == TRT_AUTO_PAD_SAME_UPPER) {
      params->pad_begin[i] = total / 2;
      params->pad_end[i] = total - total / 2;
    } else {
      params->pad_begin[i] = total - total / 2;
      params->pad_end[i] = total / 2;
    }
  }
  params->auto_pad = TRT_AUTO_PAD_NOTSET;
  return TRT_STATUS_OK;
}

static trt_status_t import_convolution(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       bool transposed) {
  int inputs[3];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 3, inputs, 3)))
    return status;
  window_t window;
  if ((status = parse_window(importer, node, inputs[1], &window)))
    return status;

  trt_convolution_params_t params = {0};
  COPY_WINDOW(&params, &window);
  params.activation.kind = TRT_ACTIVATION_NONE;
  if ((status = attr_int(node, "group", 1, &params.group)))
    return status;
  if (params.group < 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'group' has value %lld",
                     (long long)params.group);
  if (transposed) {
    if ((status =
             spatial_attr(node, "output_padding", window.nb_spatial, 0, params.output_padding)) ||
        (status = apply_output_shape(importer, node, inputs[0], &params)))
      return status;
  }
  return add_node_layer(importer, node,
                        transposed ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION, inputs,
                        trim_inputs(inputs, 3), &params);
}

IMPORT_VIA(import_conv, import_convolution, false)
IMPORT_VIA(import_conv_transpose, import_convolution, true)

static trt_status_t import_pool(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                trt_pooling_kind_t kind) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)) ||
      (status = reject_used_outputs(importer, node, 1, "Indices")))
    return status;
  window_t window;
  if ((status = parse_window(importer, node, -1, &window)))
    return status;
  trt_pooling_params_t params = {0};
  params.kind = kind;
  COPY_WINDOW(&params, &window);
  int64_t ceil_mode, count_include_pad;
  if ((status = attr_int(node, "ceil_mode", 0, &ceil_mode)) ||
      (status = attr_int(node, "count_include_pad", 0, &count_include_pad)))
    return status;
  params.ceil_mode = ceil_mode != 0;
  params.count_include_pad = kind == TRT_POOLING_AVERAGE && count_include_pad != 0;
  return add_node_layer(importer, node, TRT_LAYER_POOLING, &input, 1, &params);
}

IMPORT_VIA(import_max_pool, import_pool, TRT_POOLING_MAX)
IMPORT_VIA(import_average_pool, import_pool, TRT_POOLING_AVERAGE)

/* Global pools leave nb_spatial 0: the window is the input's spatial size. */
static trt_status_t import_global_pool(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       trt_pooling_kind_t kind) {
  trt_pooling_params_t params = {0};
  params.kind = kind;
  params.global = true;
  return add_plain_node(importer, node, TRT_LAYER_POOLING, 1, &params);
}

IMPORT_VIA(import_global_average_pool, import_global_pool, TRT_POOLING_AVERAGE)
IMPORT_VIA(import_global_max_pool, import_global_pool, TRT_POOLING_MAX)

/* ---- activations and unary math ---------------------------------------- */

static trt_status_t add_unary(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                              trt_activation_kind_t kind, float alpha, float beta) {
  trt_unary_params_t params = {.op = {kind, alpha, beta}};
  return add_plain_node(importer, node, TRT_LAYER_UNARY, 1, &params);
}

/* Importers for unary ops without attributes. */
#define IMPORT_UNARY(function, kind) IMPORT_VIA(function, add_unary, kind, 0.0f, 0.0f)

IMPORT_UNARY(import_relu, TRT_ACTIVATION_RELU)
IMPORT_UNARY(import_sigmoid, TRT_ACTIVATION_SIGMOID)
IMPORT_UNARY(import_tanh, TRT_ACTIVATION_TANH)
IMPORT_UNARY(import_erf, TRT_ACTIVATION_ERF)
IMPORT_UNARY(import_softplus, TRT_ACTIVATION_SOFTPLUS)
IMPORT_UNARY(import_log, TRT_ACTIVATION_LOG)
IMPORT_UNARY(import_sqrt, TRT_ACTIVATION_SQRT)
IMPORT_UNARY(import_exp, TRT_ACTIVATION_EXP)
IMPORT_UNARY(import_abs, TRT_ACTIVATION_ABS)
IMPORT_UNARY(import_neg, TRT_ACTIVATION_NEG)
IMPORT_UNARY(import_reciprocal, TRT_ACTIVATION_RECIPROCAL)

static trt_status_t import_leaky_relu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  float alpha;
  trt_status_t status = attr_float(node, "alpha", 0.01f, &alpha);
  return status ? status : add_unary(importer, node, TRT_ACTIVATION_LEAKY_RELU, alpha, 0.0f);
}

static trt_status_t import_elu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  float alpha;
  trt_status_t status = attr_float(node, "alpha", 1.0f, &alpha);
  return status ? status : add_unary(importer, node, TRT_ACTIVATION_ELU, alpha, 0.0f);
}

static trt_status_t import_hard_sigmoid(trt_onnx_importer_t *importer,
                                        const Onnx__NodeProto *node) {
  float alpha, beta;
  trt_status_t status;
  if ((status = attr_float(node, "alpha", 0.2f, &alpha)) ||
      (status = attr_float(node, "beta", 0.5f, &beta)))
    return status;
  return add_unary(importer, node, TRT_ACTIVATION_HARD_SIGMOID, alpha, beta);
}

/* HardSwish(x) = x * HardSigmoid(x) with ONNX's fixed alpha 1/6, beta 0.5. */
IMPORT_VIA(import_hard_swish, add_unary, TRT_ACTIVATION_HARD_SWISH, 1.0f / 6.0f, 0.5f)

/* Adds `kind`(a, b) as a helper layer "<node>/<suffix>" (last: the node's
 * own layer and output). */
static trt_status_t add_elementwise_step(trt_onnx_importer_t *importer,
                                         const Onnx__NodeProto *node, const char *suffix,
                                         trt_elementwise_kind_t kind, int a, int b, bool last,
                                         int *output) {
  int operands[2] = {a, b};
  trt_elementwise_params_t params = {kind};
  if (last)
    return add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, operands, 2, &params);
  return add_helper_layer(importer, node, suffix, TRT_LAYER_ELEMENTWISE, operands, 2, &params,
                          output);
}

/* Selu(x) = gamma * Elu_alpha(x): an Elu layer, then a multiplication. */
static trt_status_t import_selu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  float alpha, gamma;
  int input, elu, gamma_tensor;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)) ||
      (status = attr_float(node, "alpha", 1.67326319217681884765625f, &alpha)) ||
      (status = attr_float(node, "gamma", 1.05070102214813232421875f, &gamma)))
    return status;
  trt_unary_params_t elu_params = {.op = {TRT_ACTIVATION_ELU, alpha, 0.0f}};
  trt_dims_t scalar = {0};
  if ((status = add_helper_layer(importer, node, "elu", TRT_LAYER_UNARY, &input, 1, &elu_params,
                                 &elu)) ||
      (status = add_helper_constant(importer, node, "gamma", TRT_DATA_TYPE_FLOAT32, &scalar,
                                    &gamma, &gamma_tensor)))
    return status;
  return add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_MUL, elu, gamma_tensor, true,
                              NULL);
}

/* Softsign(x) = x / (1 + |x|). */
static trt_status_t import_softsign(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input, magnitude, one, denominator;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_unary_params_t abs_params = {.op = {TRT_ACTIVATION_ABS, 0.0f, 0.0f}};
  trt_dims_t scalar = {0};
  float one_value = 1.0f;
  if ((status = add_helper_layer(importer, node, "abs", TRT_LAYER_UNARY, &input, 1, &abs_params,
                                 &magnitude)) ||
      (status = add_helper_constant(importer, node, "one", TRT_DATA_TYPE_FLOAT32, &scalar,
                                    &one_value, &one)) ||
      (status = add_elementwise_step(importer, node, "denominator", TRT_ELEMENTWISE_ADD, magnitude,
                                     one, false, &denominator)))
    return status;
  return add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_DIV, input, denominator, true,
                              NULL);
}

/* Clip whose min or max is computed (or a graph input) rather than constant:
 * Max(x, min) then Min(., max), which keep a NaN x as Clip does (the
 * elementwise layer returns its first operand when a comparison fails). */
static trt_status_t import_clip_computed(trt_onnx_importer_t *importer,
                                         const Onnx__NodeProto *node, int input,
                                         const int *bounds) {
  int current = input;
  trt_status_t status = TRT_STATUS_OK;
  if (bounds[0] >= 0)
    status = add_elementwise_step(importer, node, "min", TRT_ELEMENTWISE_MAX, current, bounds[0],
                                  bounds[1] < 0, &current);
  if (!status && bounds[1] >= 0)
    status = add_elementwise_step(importer, node, NULL, TRT_ELEMENTWISE_MIN, current, bounds[1],
                                  true, NULL);
  return status;
}

/* Clip: min/max attributes before opset 11, optional inputs since, baked
 * into the unary layer when constant. */
static trt_status_t import_clip(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  bool bounds_as_inputs = importer->opset >= 11;
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, bounds_as_inputs ? 3 : 1, &input, 1)))
    return status;
  trt_unary_params_t params = {.op = {TRT_ACTIVATION_CLIP, -INFINITY, INFINITY}};
  if (!bounds_as_inputs) {
    if ((status = attr_float(node, "min", -INFINITY, &params.op.alpha)) ||
        (status = attr_float(node, "max", INFINITY, &params.op.beta)))
      return status;
  } else {
    int bounds[2];
    if ((status = get_input(importer, node, 1, &bounds[0])) ||
        (status = get_input(importer, node, 2, &bounds[1])))
      return status;
    bool computed_bounds = false;
    for (int i = 0; i < 2; i++)
      computed_bounds |= bounds[i] >= 0 && !trt_network_tensor_data(importer->network, bounds[i]);
    if (computed_bounds)
      return import_clip_computed(importer, node, input, bounds);
    double min, max;
    if ((status = constant_scalar_input(importer, node, 1, -INFINITY, &min)) ||
        (status = constant_scalar_input(importer, node, 2, INFINITY, &max)))
      return status;
    params.op.alpha = (float)min;
    params.op.beta = (float)max;
  }
  return add_node_layer(importer, node, TRT_LAYER_UNARY, &input, 1, &params);
}

/* ---- legacy broadcasting (opset < 7) ------------------------------------ */

/* The rank of a graph input or constant; -1 for a layer output, whose dims
 * are known only after shape inference. */
static int import_time_rank(const trt_onnx_importer_t *importer, int tensor) {
  const trt_tensor_t *t = &importer->network->tensors[tensor];
  return t->producer < 0 ? t->dims.nb_dims : -1;
}

/* Before opset 7, an operand B broadcast with `axis` lines up with A's dims
 * starting at `axis`, not at the end as in numpy. `*aligned` is B with as
 * many trailing ones as make numpy broadcasting do the same. With A's rank
 * known here, that is a constant or an Unsqueeze; otherwise a small shape
 * sub-graph that shape inference folds: Reshape(B, Shape(B) ++ ones(n))
 * with n = rank(A) - axis - rank(B) taken from Shape(A, start). */
static trt_status_t align_at_axis(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                  int a, int b, int64_t axis, int *aligned) {
  int rank_a = import_time_rank(importer, a), rank_b = import_time_rank(importer, b);
  *aligned = b;
  if (rank_b < 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "broadcast with 'axis' needs the rank of input '%s' at import time "
                     "(an initializer or graph input)",
                     node->input[1]);
  if (axis < 0 && rank_a >= 0)
    axis += rank_a;
  if (axis < 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "a negative broadcast 'axis' needs the rank of input '%s' at import time",
                     node->input[0]);
  trt_status_t status;
  if (rank_a >= 0) {
    int64_t trailing = rank_a - axis - rank_b;
    if (trailing < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR,
                       "input '%s' (rank %d) does not fit input '%s' (rank %d) at axis %lld",
                       node->input[1], rank_b, node->input[0], rank_a, (long long)axis);
    if (trailing == 0)
      return TRT_STATUS_OK;
    const trt_tensor_t *operand = &importer->network->tensors[b];
    if (operand->data) {
      trt_dims_t dims = operand->dims;
      for (int64_t i = 0; i < trailing; i++)
        dims.d[dims.nb_dims++] = 1;
      return add_helper_constant(importer, node, "aligned", operand->type, &dims, operand->data,
                                 aligned);
    }
    trt_reshape_params_t unsqueeze = {.mode = TRT_RESHAPE_UNSQUEEZE};
    for (int64_t i = 0; i < trailing; i++)
      unsqueeze.axes[unsqueeze.nb_axes++] = (int32_t)(rank_b + i);
    return add_helper_layer(importer, node, "aligned", TRT_LAYER_RESHAPE, &b, 1, &unsqueeze,
                            aligned);
  }
  trt_shape_params_t tail_window = {axis + rank_b, INT64_MAX}, whole = {0, INT64_MAX};
  trt_constant_of_shape_params_t ones = {TRT_DATA_TYPE_INT64, 1.0};
  trt_concat_params_t concat = {0};
  trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
  int tail, tail_length, tail_ones, shape_b, target[2], reshape_inputs[2] = {b, -1};
  if ((status = add_helper_layer(importer, node, "broadcast_tail", TRT_LAYER_SHAPE, &a, 1,
                                 &tail_window, &tail)) ||
      (status = add_helper_layer(importer, node, "broadcast_tail_length", TRT_LAYER_SHAPE, &tail,
                                 1, &whole, &tail_length)) ||
      (status = add_helper_layer(importer, node, "broadcast_ones", TRT_LAYER_CONSTANT_OF_SHAPE,
                                 &tail_length, 1, &ones, &tail_ones)) ||
      (status = add_helper_layer(importer, node, "broadcast_shape", TRT_LAYER_SHAPE, &b, 1, &whole,
                                 &shape_b)))
    return status;
  target[0] = shape_b;
  target[1] = tail_ones;
  if ((status = add_helper_layer(importer, node, "aligned_shape", TRT_LAYER_CONCAT, target, 2,
                                 &concat, &reshape_inputs[1])))
    return status;
  return add_helper_layer(importer, node, "aligned", TRT_LAYER_RESHAPE, reshape_inputs, 2,
                          &reshape, aligned);
}

/* Binary ops before opset 7 (Add, Sub, Mul, Div, Pow, comparisons, logic):
 * `broadcast` = 0 asks for equal shapes, which numpy broadcasting handles
 * alike; `broadcast` = 1 without `axis` is numpy's right alignment; with
 * `axis` B is realigned. Opset 7 made every such op numpy-broadcasting. */
static trt_status_t legacy_broadcast_operands(trt_onnx_importer_t *importer,
                                              const Onnx__NodeProto *node, int *inputs) {
  if (importer->opset >= 7)
    return TRT_STATUS_OK;
  int64_t broadcast, axis;
  trt_status_t status;
  if ((status = attr_int(node, "broadcast", 0, &broadcast)) ||
      (status = attr_int(node, "axis", 0, &axis)))
    return status;
  if (!broadcast || !find_attribute(node, "axis"))
    return TRT_STATUS_OK;
  return align_at_axis(importer, node, inputs[0], inputs[1], axis, &inputs[1]);
}

/* ---- elementwise -------------------------------------------------------- */

static trt_status_t add_binary(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                               trt_elementwise_kind_t kind) {
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 2, inputs, 2)) ||
      (status = legacy_broadcast_operands(importer, node, inputs)))
    return status;
  trt_elementwise_params_t params = {kind};
  return add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, inputs, 2, &params);
}

IMPORT_VIA(import_add, add_binary, TRT_ELEMENTWISE_ADD)
IMPORT_VIA(import_sub, add_binary, TRT_ELEMENTWISE_SUB)
IMPORT_VIA(import_mul, add_binary, TRT_ELEMENTWISE_MUL)
IMPORT_VIA(import_div, add_binary, TRT_ELEMENTWISE_DIV)
IMPORT_VIA(import_pow, add_binary, TRT_ELEMENTWISE_POW)

/* PRelu before opset 7: a 1-D slope of C values applies along axis 1 (the
 * channels), not numpy's last axis; from 7 the slope broadcasts like numpy. */
static trt_status_t import_prelu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 2, inputs, 2)))
    return status;
  const trt_tensor_t *slope = &importer->network->tensors[inputs[1]];
  if (importer->opset < 7 && import_time_rank(importer, inputs[1]) == 1 && slope->dims.d[0] != 1 &&
      (status = align_at_axis(importer, node, inputs[0], inputs[1], 1, &inputs[1])))
    return status;
  trt_elementwise_params_t params = {TRT_ELEMENTWISE_PRELU};
  return add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, inputs, 2, &params);
}

/* Variadic Sum/Min/Max/Mean: a chain of binary layers; the last one carries
 * the node's name and output. Mean divides the sum by the input count. */
static trt_status_t import_variadic(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                    trt_elementwise_kind_t kind, bool mean) {
  trt_status_t status = check_input_count(node, 1, -1);
  if (status)
    return status;
  int count = (int)node->n_input;
  int current;
  if ((status = get_input(importer, node, 0, &current)))
    return status;
  if (count == 1)
    return add_node_layer(importer, node, TRT_LAYER_IDENTITY, &current, 1, NULL);

  const char *node_name = trt_onnx_node_name(node);
  for (int i = 1; i < count; i++) {
    int operands[2] = {current, -1};
    if ((status = get_input(importer, node, i, &operands[1])))
      return status;
    if (operands[1] < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "input %d is empty", i);
    trt_elementwise_params_t params = {kind};
    bool last = i == count - 1 && !mean;
    char name[NAME_SIZE];
    snprintf(name, sizeof(name), "%s/%d", node_name, i);
    int layer;
    if ((status =
             add_layer(importer, TRT_LAYER_ELEMENTWISE, last ? node_name : name, operands, 2,
                       last ? (const char *const *)&node->output[0] : NULL, 1, &params, &layer)))
      return status;
    current = trt_network_layer_output(importer->network, layer, 0);
  }
  if (!mean)
    return TRT_STATUS_OK;
  /* The divisor is FP32: Mean is a floating-point op in practice. */
  float divisor = (float)count;
  trt_dims_t scalar = {0};
  int operands[2] = {current, -1};
  if ((status = add_helper_constant(importer, node, "count", TRT_DATA_TYPE_FLOAT32, &scalar,
                                    &divisor, &operands[1])))
    return status;
  trt_elementwise_params_t params = {TRT_ELEMENTWISE_DIV};
  return add_node_layer(importer, node, TRT_LAYER_ELEMENTWISE, operands, 2, &params);
}

IMPORT_VIA(import_sum, import_variadic, TRT_ELEMENTWISE_ADD, false)
IMPORT_VIA(import_min, import_variadic, TRT_ELEMENTWISE_MIN, false)
IMPORT_VIA(import_max, import_variadic, TRT_ELEMENTWISE_MAX, false)
IMPORT_VIA(import_mean, import_variadic, TRT_ELEMENTWISE_ADD, true)

/* ---- matrix products ---------------------------------------------------- */

static trt_status_t import_gemm(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 3, inputs, 3)))
    return status;
  trt_gemm_params_t params = {0};
  int64_t transpose_a, transpose_b;
  if ((status = attr_float(node, "alpha", 1.0f, &params.alpha)) ||
      (status = attr_float(node, "beta", 1.0f, &params.beta)) ||
      (status = attr_int(node, "transA", 0, &transpose_a)) ||
      (status = attr_int(node, "transB", 0, &transpose_b)))
    return status;
  params.transpose_a = transpose_a != 0;
  params.transpose_b = transpose_b != 0;
  params.activation.kind = TRT_ACTIVATION_NONE;
  return add_node_layer(importer, node, TRT_LAYER_GEMM, inputs, trim_inputs(inputs, 3), &params);
}

static trt_status_t import_matmul(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return add_plain_node(importer, node, TRT_LAYER_MATMUL, 2, NULL);
}

/* ---- normalization ------------------------------------------------------ */

static trt_status_t import_batch_norm(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[5];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 5, 5, inputs, 5)) ||
      (status = reject_used_outputs(importer, node, 1, "training statistics")) ||
      (status = reject_training_mode(importer, node)))
    return status;
  trt_norm_params_t params = {0};
  int64_t spatial, training_mode;
  if ((status = attr_float(node, "epsilon", 1e-5f, &params.epsilon)) ||
      (status = attr_int(node, "spatial", 1, &spatial)) ||
      (status = attr_int(node, "training_mode", 0, &training_mode)))
    return status;
  if (spatial != 1)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute 'spatial' = %lld is not supported",
                     (long long)spatial);
  if (training_mode != 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute 'training_mode' = 1 is not supported");
  params.axis = 1;
  return add_node_layer(importer, node, TRT_LAYER_BATCH_NORM, inputs, 5, &params);
}

static trt_status_t import_instance_norm(trt_onnx_importer_t *importer,
                                         const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 3, 3, inputs, 3)))
    return status;
  trt_norm_params_t params = {0};
  if ((status = attr_float(node, "epsilon", 1e-5f, &params.epsilon)))
    return status;
  params.axis = 1;
  return add_node_layer(importer, node, TRT_LAYER_INSTANCE_NORM, inputs, 3, &params);
}

/* Output names for a node whose unused outputs may be unnamed: those get
 * "<node>:<i>". `generated` holds the made-up names. */
static void name_outputs(const Onnx__NodeProto *node, int nb_outputs, const char **names,
                         char (*generated)[64]) {
  for (int i = 0; i < nb_outputs; i++) {
    names[i] = node->output[i];
    if (!names[i][0]) {
      snprintf(generated[i], sizeof(generated[i]), "%.50s:%d", trt_onnx_node_name(node), i);
      names[i] = generated[i];
    }
  }
}

/* LayerNormalization: Y, and the optional Mean and InvStdDev (dims of X up
 * to `axis`, then ones), computed in FP32 whatever stash_type says. */
static trt_status_t import_layer_norm(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 3, inputs, 3)))
    return status;
  if (node->n_output > 3)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected at most 3 outputs, got %zu",
                     node->n_output);
  trt_norm_params_t params = {0};
  int64_t stash_type;
  if ((status = attr_float(node, "epsilon", 1e-5f, &params.epsilon)) ||
      (status = attr_int32(node, "axis", -1, &params.axis)) ||
      (status = attr_int(node, "stash_type", 1, &stash_type)))
    return status;
  if (stash_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "attribute 'stash_type' = %lld is not supported (only FLOAT)",
                     (long long)stash_type);
  int nb_outputs = (int)node->n_output;
  while (nb_outputs > 1 && !trt_onnx_value_is_used(importer, node->output[nb_outputs - 1]))
    nb_outputs--;
  const char *names[3];
  char generated[3][64];
  name_outputs(node, nb_outputs, names, generated);
  return add_layer(importer, TRT_LAYER_LAYER_NORM, trt_onnx_node_name(node), inputs,
                   trim_inputs(inputs, 3), names, nb_outputs, &params, NULL);
}

static trt_status_t import_lrn(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_lrn_params_t params = {0};
  if ((status = attr_required_int(node, "size", &params.size)) ||
      (status = attr_float(node, "alpha", 1e-4f, &params.alpha)) ||
      (status = attr_float(node, "beta", 0.75f, &params.beta)) ||
      (status = attr_float(node, "bias", 1.0f, &params.bias)))
    return status;
  if (params.size < 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'size' has value %lld",
                     (long long)params.size);
  return add_node_layer(importer, node, TRT_LAYER_LRN, &input, 1, &params);
}

/* Before opset 13 (Log)Softmax flattens to 2-D at `axis` (default 1). */
static trt_status_t import_softmax_common(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, bool log) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_softmax_params_t params = {0};
  params.log = log;
  params.coerce_2d = importer->opset < 13;
  if ((status = attr_int32(node, "axis", params.coerce_2d ? 1 : -1, &params.axis)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_SOFTMAX, &input, 1, &params);
}

IMPORT_VIA(import_softmax, import_softmax_common, false)
IMPORT_VIA(import_log_softmax, import_softmax_common, true)

/* ---- reductions --------------------------------------------------------- */

/* Axes are an attribute, except for ReduceSum since opset 13 (input 1). */
static trt_status_t import_reduce(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                  trt_reduce_kind_t kind) {
  bool axes_input = kind == TRT_REDUCE_SUM && importer->opset >= 13;
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, axes_input ? 2 : 1, inputs, 2)))
    return status;
  trt_reduce_params_t params = {0};
  params.kind = kind;
  int64_t keep_dims, noop;
  if ((status = attr_int(node, "keepdims", 1, &keep_dims)) ||
      (status = attr_int(node, "noop_with_empty_axes", 0, &noop)))
    return status;
  params.keep_dims = keep_dims != 0;
  params.noop_with_empty_axes = noop != 0;
  if (!axes_input &&
      (status = attr_ints32(node, "axes", params.axes, TRT_MAX_DIMS, &params.nb_axes)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_REDUCE, inputs, trim_inputs(inputs, 2), &params);
}

IMPORT_VIA(import_reduce_mean, import_reduce, TRT_REDUCE_MEAN)
IMPORT_VIA(import_reduce_sum, import_reduce, TRT_REDUCE_SUM)
IMPORT_VIA(import_reduce_max, import_reduce, TRT_REDUCE_MAX)
IMPORT_VIA(import_reduce_min, import_reduce, TRT_REDUCE_MIN)
IMPORT_VIA(import_reduce_prod, import_reduce, TRT_REDUCE_PROD)

/* ---- shuffles ----------------------------------------------------------- */

static trt_status_t import_flatten(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_reshape_params_t params = {0};
  params.mode = TRT_RESHAPE_FLATTEN;
  if ((status = attr_int32(node, "axis", 1, &params.axis)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_RESHAPE, &input, 1, &params);
}

/* Reshape: the shape is an attribute before opset 5, input 1 since. */
static trt_status_t import_reshape(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if (importer->opset < 5) {
    int64_t shape[TRT_MAX_DIMS];
    int count;
    if ((status = node_inputs(importer, node, 1, 1, &inputs[0], 1)) ||
        (status = attr_ints(node, "shape", shape, TRT_MAX_DIMS, &count)))
      return status;
    if (!find_attribute(node, "shape"))
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'shape' is required");
    trt_dims_t dims = {1, {count}};
    if ((status = add_helper_constant(importer, node, "shape", TRT_DATA_TYPE_INT64, &dims, shape,
                                      &inputs[1])))
      return status;
  } else if ((status = node_inputs(importer, node, 2, 2, inputs, 2))) {
    return status;
  }
  trt_reshape_params_t params = {0};
  params.mode = TRT_RESHAPE_FROM_TENSOR;
  int64_t allow_zero;
  if ((status = attr_int(node, "allowzero", 0, &allow_zero)))
    return status;
  params.allow_zero = allow_zero != 0;
  return add_node_layer(importer, node, TRT_LAYER_RESHAPE, inputs, 2, &params);
}

/* Squeeze/Unsqueeze: axes attribute before opset 13, input 1 since. */
static trt_status_t import_squeeze_common(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, trt_reshape_mode_t mode) {
  bool unsqueeze = mode == TRT_RESHAPE_UNSQUEEZE;
  bool axes_input = importer->opset >= 13;
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, axes_input && unsqueeze ? 2 : 1, axes_input ? 2 : 1,
                            inputs, 2)))
    return status;
  trt_reshape_params_t params = {0};
  params.mode = mode;
  if (!axes_input) {
    if ((status = attr_ints32(node, "axes", params.axes, TRT_MAX_DIMS, &params.nb_axes)))
      return status;
    if (unsqueeze && params.nb_axes == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'axes' is required");
  }
  return add_node_layer(importer, node, TRT_LAYER_RESHAPE, inputs, trim_inputs(inputs, 2), &params);
}

IMPORT_VIA(import_squeeze, import_squeeze_common, TRT_RESHAPE_SQUEEZE)
IMPORT_VIA(import_unsqueeze, import_squeeze_common, TRT_RESHAPE_UNSQUEEZE)

static trt_status_t import_transpose(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_transpose_params_t params = {0};
  if ((status = attr_ints32(node, "perm", params.perm, TRT_MAX_DIMS, &params.nb_perm)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_TRANSPOSE, &input, 1, &params);
}

static trt_status_t import_concat(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_status_t status = check_input_count(node, 1, -1);
  if (status)
    return status;
  int count = (int)node->n_input;
  int *inputs = malloc((size_t)count * sizeof(int));
  if (!inputs)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  trt_concat_params_t params = {0};
  /* Concat-1 defaults axis to 1; it is required since opset 4. */
  if (!find_attribute(node, "axis") && importer->opset >= 4)
    status = trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'axis' is required");
  if (!status && !(status = get_inputs(importer, node, inputs, count)) &&
      !(status = attr_int32(node, "axis", 1, &params.axis))) {
    for (int i = 0; i < count && !status; i++)
      if (inputs[i] < 0)
        status = trt_error(TRT_STATUS_PARSE_ERROR, "input %d is empty", i);
    if (!status)
      status = add_node_layer(importer, node, TRT_LAYER_CONCAT, inputs, count, &params);
  }
  free(inputs);
  return status;
}

/* Split: sizes in the `split` attribute in opsets 2 to 12, in input 1 since
 * 13; Split-1 took either (attribute or optional input 1). */
static trt_status_t import_split(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  bool split_input = importer->opset >= 13 || (importer->opset < 2 && node->n_input > 1);
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, split_input ? 2 : 1, inputs, 2)))
    return status;
  int nb_outputs = (int)node->n_output;
  if (nb_outputs > TRT_MAX_LAYER_OUTPUTS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%d outputs, at most %d are supported", nb_outputs,
                     TRT_MAX_LAYER_OUTPUTS);
  trt_split_params_t params = {0};
  params.nb_outputs = nb_outputs;
  if ((status = attr_int32(node, "axis", 0, &params.axis)))
    return status;
  if (!split_input) {
    int count;
    if ((status = attr_ints(node, "split", params.sizes, TRT_MAX_LAYER_OUTPUTS, &count)))
      return status;
    if (count != 0 && count != nb_outputs)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'split' has %d values for %d outputs",
                       count, nb_outputs);
    params.nb_sizes = count;
  }
  const char *names[TRT_MAX_LAYER_OUTPUTS];
  char generated[TRT_MAX_LAYER_OUTPUTS][64];
  name_outputs(node, nb_outputs, names, generated);
  return add_layer(importer, TRT_LAYER_SPLIT, trt_onnx_node_name(node), inputs,
                   trim_inputs(inputs, 2), names, nb_outputs, &params, NULL);
}

/* Slice: starts/ends/axes attributes before opset 10 become int64 constant
 * inputs, so the layer always sees the opset 10+ form. */
static trt_status_t import_slice(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[5] = {-1, -1, -1, -1, -1};
  trt_status_t status;
  if (importer->opset >= 10) {
    if ((status = node_inputs(importer, node, 3, 5, inputs, 5)))
      return status;
    return add_node_layer(importer, node, TRT_LAYER_SLICE, inputs, trim_inputs(inputs, 5), NULL);
  }
  if ((status = node_inputs(importer, node, 1, 1, &inputs[0], 1)))
    return status;
  static const char *const names[] = {"starts", "ends", "axes"};
  int64_t values[3][TRT_MAX_DIMS];
  int counts[3];
  for (int i = 0; i < 3; i++)
    if ((status = attr_ints(node, names[i], values[i], TRT_MAX_DIMS, &counts[i])))
      return status;
  if (!find_attribute(node, "starts") || !find_attribute(node, "ends"))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attributes 'starts' and 'ends' are required");
  if (counts[1] != counts[0] || (find_attribute(node, "axes") && counts[2] != counts[0]))
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "attributes 'starts', 'ends' and 'axes' must have the same length");
  for (int i = 0; i < 3; i++) {
    if (i == 2 && !find_attribute(node, "axes"))
      break;
    trt_dims_t dims = {1, {counts[i]}};
    if ((status = add_helper_constant(importer, node, names[i], TRT_DATA_TYPE_INT64, &dims,
                                      values[i], &inputs[i + 1])))
      return status;
  }
  return add_node_layer(importer, node, TRT_LAYER_SLICE, inputs, trim_inputs(inputs, 4), NULL);
}

/* Pad: pads/value attributes before opset 11, inputs since. */
static trt_status_t import_pad(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  static const char *const mode_names[] = {"constant", "reflect", "edge", NULL};
  trt_pad_params_t params = {0};
  int mode;
  trt_status_t status = attr_choice(node, "mode", mode_names, TRT_PAD_CONSTANT, &mode);
  if (status)
    return status;
  params.mode = (trt_pad_mode_t)mode;
  int inputs[3];
  if (importer->opset >= 11) {
    if ((status = node_inputs(importer, node, 2, 3, inputs, 3)))
      return status;
    return add_node_layer(importer, node, TRT_LAYER_PAD, inputs, trim_inputs(inputs, 3), &params);
  }
  if ((status = node_inputs(importer, node, 1, 1, &inputs[0], 1)))
    return status;
  /* Pad-1 called the attribute `paddings`. */
  const char *pads_name = importer->opset < 2 ? "paddings" : "pads";
  if (!find_attribute(node, pads_name))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' is required", pads_name);
  if ((status = attr_ints(node, pads_name, params.pads, 2 * TRT_MAX_DIMS, &params.nb_pads)) ||
      (status = attr_float(node, "value", 0.0f, &params.value)))
    return status;
  if (params.nb_pads % 2)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has an odd number of values (%d)",
                     pads_name, params.nb_pads);
  return add_node_layer(importer, node, TRT_LAYER_PAD, inputs, 1, &params);
}

/* ---- resize ------------------------------------------------------------- */

static const char *const resize_mode_names[] = {"nearest", "linear", "cubic", NULL};

/* Upsample and Resize-10 parameters: asymmetric coordinates, floor rounding. */
static trt_resize_params_t legacy_resize_params(trt_resize_mode_t mode) {
  return (trt_resize_params_t){.mode = mode,
                               .coord = TRT_RESIZE_COORD_ASYMMETRIC,
                               .nearest = TRT_RESIZE_FLOOR,
                               .cubic_coeff_a = -0.75f};
}

/* Upsample (opset 7-9) and Resize-10: nearest/linear with asymmetric
 * coordinates and floor rounding; scales from the attribute (Upsample 7-8)
 * or input 1, passed on as input 2 like later Resize versions. */
static trt_status_t import_upsample_like(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                         bool scales_attribute) {
  static const char *const legacy_modes[] = {"nearest", "linear", NULL};
  int mode;
  trt_status_t status = attr_choice(node, "mode", legacy_modes, TRT_RESIZE_NEAREST, &mode);
  if (status)
    return status;
  trt_resize_params_t params = legacy_resize_params((trt_resize_mode_t)mode);
  int inputs[3] = {-1, -1, -1};
  if (scales_attribute) {
    if ((status = node_inputs(importer, node, 1, 1, &inputs[0], 1)) ||
        (status = attr_floats(node, "scales", params.scales, TRT_MAX_DIMS, &params.nb_scales)))
      return status;
    if (params.nb_scales == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'scales' is required");
    return add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs, 1, &params);
  }
  if ((status = node_inputs(importer, node, 2, 2, &inputs[0], 1)) ||
      (status = get_input(importer, node, 1, &inputs[2])))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs, 3, &params);
}

/* Upsample-1 (experimental): height_scale and width_scale of a 4-D input,
 * mode "nearest" or "bilinear"; otherwise as Upsample-7. */
static trt_status_t import_upsample_1(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  static const char *const modes[] = {"nearest", "bilinear", NULL};
  int mode, input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)) ||
      (status = attr_choice(node, "mode", modes, 0, &mode)))
    return status;
  if (!find_attribute(node, "height_scale") || !find_attribute(node, "width_scale"))
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "attributes 'height_scale' and 'width_scale' are required");
  trt_resize_params_t params =
      legacy_resize_params(mode == 0 ? TRT_RESIZE_NEAREST : TRT_RESIZE_LINEAR);
  params.nb_scales = 4;
  params.scales[0] = params.scales[1] = 1.0f;
  if ((status = attr_float(node, "height_scale", 1.0f, &params.scales[2])) ||
      (status = attr_float(node, "width_scale", 1.0f, &params.scales[3])))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_RESIZE, &input, 1, &params);
}

static trt_status_t import_upsample(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 7)
    return import_upsample_1(importer, node);
  return import_upsample_like(importer, node, importer->opset < 9);
}

static trt_status_t import_resize(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 11)
    return import_upsample_like(importer, node, false);

  static const char *const coord_names[] = {"half_pixel",
                                            "asymmetric",
                                            "align_corners",
                                            "pytorch_half_pixel",
                                            "tf_half_pixel_for_nn",
                                            "tf_crop_and_resize",
                                            NULL};
  static const char *const nearest_names[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                              "ceil", NULL};
  trt_resize_params_t params = {0};
  int mode, coord, nearest;
  int64_t exclude_outside;
  int inputs[4];
  trt_status_t status;
  /* The name lists follow the order of the trt_resize_* enums. */
  if ((status = attr_choice(node, "mode", resize_mode_names, TRT_RESIZE_NEAREST, &mode)) ||
      (status = attr_choice(node, "coordinate_transformation_mode", coord_names,
                            TRT_RESIZE_COORD_HALF_PIXEL, &coord)) ||
      (status = attr_choice(node, "nearest_mode", nearest_names, TRT_RESIZE_ROUND_PREFER_FLOOR,
                            &nearest)) ||
      (status = attr_float(node, "cubic_coeff_a", -0.75f, &params.cubic_coeff_a)) ||
      (status = attr_int(node, "exclude_outside", 0, &exclude_outside)) ||
      (status = attr_float(node, "extrapolation_value", 0.0f, &params.extrapolation_value)))
    return status;
  params.mode = (trt_resize_mode_t)mode;
  params.coord = (trt_resize_coord_t)coord;
  params.nearest = (trt_resize_nearest_t)nearest;
  params.exclude_outside = exclude_outside != 0;
  if ((status = node_inputs(importer, node, 1, 4, inputs, 4)))
    return status;
  if (inputs[2] < 0 && inputs[3] < 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "one of the inputs 'scales' and 'sizes' is required");
  return add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs, trim_inputs(inputs, 4), &params);
}

/* ---- data movement, shapes and constants ------------------------------- */

static trt_status_t import_gather(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 2, inputs, 2)))
    return status;
  trt_gather_params_t params = {0};
  if ((status = attr_int32(node, "axis", 0, &params.axis)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_GATHER, inputs, 2, &params);
}

/* Cast-1 names the target type with a string ("FLOAT"); from opset 6 it is
 * the TensorProto.DataType number. */
static trt_status_t cast_target_from_name(const Onnx__NodeProto *node, int64_t *to) {
  static const char *const type_names[] = {"UNDEFINED", "FLOAT",   "UINT8",     "INT8",
                                           "UINT16",    "INT16",   "INT32",     "INT64",
                                           "STRING",    "BOOL",    "FLOAT16",   "DOUBLE",
                                           "UINT32",    "UINT64",  "COMPLEX64", "COMPLEX128",
                                           NULL};
  if (!find_attribute(node, "to"))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'to' is required");
  int index;
  trt_status_t status = attr_choice(node, "to", type_names, 0, &index);
  *to = index;
  return status;
}

static trt_status_t import_cast(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  int64_t to = 0;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)) ||
      (status = importer->opset < 6 ? cast_target_from_name(node, &to)
                                    : attr_required_int(node, "to", &to)))
    return status;
  trt_cast_params_t params;
  if ((status = trt_onnx_convert_type((int32_t)to, "attribute 'to'", &params.to)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_CAST, &input, 1, &params);
}

static trt_status_t import_shape(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_shape_params_t params;
  if ((status = attr_int(node, "start", 0, &params.start)) ||
      (status = attr_int(node, "end", INT64_MAX, &params.end)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_SHAPE, &input, 1, &params);
}

static trt_status_t import_identity(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return add_plain_node(importer, node, TRT_LAYER_IDENTITY, 1, NULL);
}

/* Dropout at inference is the identity; its mask cannot be produced. */
static trt_status_t import_dropout(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  double training_mode;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, importer->opset >= 12 ? 3 : 1, &input, 1)) ||
      (status = reject_used_outputs(importer, node, 1, "mask")) ||
      (status = reject_training_mode(importer, node)) ||
      (status = constant_scalar_input(importer, node, 2, 0.0, &training_mode)))
    return status;
  if (training_mode != 0.0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "training_mode = true is not supported");
  return add_node_layer(importer, node, TRT_LAYER_IDENTITY, &input, 1, NULL);
}

/* Adds a constant named after the node's output from a decoded tensor. */
static trt_status_t add_output_constant(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                        trt_data_type_t type, const trt_dims_t *dims,
                                        const void *data) {
  int tensor = trt_network_add_constant(importer->network, node->output[0], type, dims, data);
  return tensor < 0 ? TRT_STATUS_PARSE_ERROR : TRT_STATUS_OK;
}

static trt_status_t import_constant(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_status_t status = check_input_count(node, 0, 0);
  if (status)
    return status;
  if (node->n_attribute != 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected exactly one value attribute, got %zu",
                     node->n_attribute);
  const Onnx__AttributeProto *attribute = node->attribute[0];
  const char *name = attribute->name ? attribute->name : "";
  trt_dims_t dims = {0};
  if (strcmp(name, "value") == 0) {
    if ((status = expect_attribute_type(attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)))
      return status;
    trt_data_type_t type;
    const void *data;
    void *owned;
    char what[NAME_SIZE];
    snprintf(what, sizeof(what), "tensor '%s'", node->output[0]);
    if ((status = trt_onnx_tensor_decode(attribute->t, what, &type, &dims, &data, &owned)))
      return status;
    status = add_output_constant(importer, node, type, &dims, data);
    free(owned);
    return status;
  }
  if (strcmp(name, "value_float") == 0) {
    if ((status = expect_attribute_type(attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)))
      return status;
    return add_output_constant(importer, node, TRT_DATA_TYPE_FLOAT32, &dims, &attribute->f);
  }
  if (strcmp(name, "value_int") == 0) {
    if ((status = expect_attribute_type(attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)))
      return status;
    return add_output_constant(importer, node, TRT_DATA_TYPE_INT64, &dims, &attribute->i);
  }
  if (strcmp(name, "value_floats") == 0 || strcmp(name, "value_ints") == 0) {
    bool floats = name[6] == 'f';
    if ((status = expect_attribute_type(attribute,
                                        floats ? ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS
                                               : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS)))
      return status;
    dims.nb_dims = 1;
    dims.d[0] = (int64_t)(floats ? attribute->n_floats : attribute->n_ints);
    static const float no_floats[1];
    static const int64_t no_ints[1];
    if (floats)
      return add_output_constant(importer, node, TRT_DATA_TYPE_FLOAT32, &dims,
                                 attribute->n_floats ? attribute->floats : no_floats);
    return add_output_constant(importer, node, TRT_DATA_TYPE_INT64, &dims,
                               attribute->n_ints ? attribute->ints : no_ints);
  }
  if (strcmp(name, "sparse_value") == 0 || strcmp(name, "value_string") == 0 ||
      strcmp(name, "value_strings") == 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute '%s' is not supported", name);
  return trt_error(TRT_STATUS_PARSE_ERROR, "unknown attribute '%s'", name);
}

static trt_status_t import_constant_of_shape(trt_onnx_importer_t *importer,
                                             const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)))
    return status;
  trt_constant_of_shape_params_t params = {TRT_DATA_TYPE_FLOAT32, 0.0};
  const Onnx__AttributeProto *value = find_attribute(node, "value");
  if (value) {
    if ((status = expect_attribute_type(value, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)))
      return status;
    trt_dims_t dims;
    const void *data;
    void *owned;
    if ((status = trt_onnx_tensor_decode(value->t, "attribute 'value'", &params.type, &dims, &data,
                                         &owned)))
      return status;
    int64_t volume = trt_dims_volume(&dims);
    if (volume == 1)
      params.value = element_as_double(params.type, data, 0);
    free(owned);
    if (volume != 1)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'value' must hold one value, has %lld",
                       (long long)volume);
  }
  return add_node_layer(importer, node, TRT_LAYER_CONSTANT_OF_SHAPE, &input, 1, &params);
}

/* ---- comparisons, logic and selection ----------------------------------- */

/* Comparisons and binary logic ops share the legacy broadcast rules of the
 * arithmetic ones (opset < 7). */
static trt_status_t add_broadcast_binary(trt_onnx_importer_t *importer,
                                         const Onnx__NodeProto *node, trt_layer_type_t type,
                                         const void *params) {
  int inputs[2];
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 2, inputs, 2)) ||
      (status = legacy_broadcast_operands(importer, node, inputs)))
    return status;
  return add_node_layer(importer, node, type, inputs, 2, params);
}

#define IMPORT_COMPARE(function, kind)                                                             \
  IMPORT_VIA(function, add_broadcast_binary, TRT_LAYER_COMPARE, &(trt_compare_params_t){kind})

IMPORT_COMPARE(import_equal, TRT_COMPARE_EQUAL)
IMPORT_COMPARE(import_less, TRT_COMPARE_LESS)
IMPORT_COMPARE(import_less_or_equal, TRT_COMPARE_LESS_OR_EQUAL)
IMPORT_COMPARE(import_greater, TRT_COMPARE_GREATER)
IMPORT_COMPARE(import_greater_or_equal, TRT_COMPARE_GREATER_OR_EQUAL)

#define IMPORT_LOGIC(function, kind)                                                               \
  IMPORT_VIA(function, add_broadcast_binary, TRT_LAYER_LOGIC, &(trt_logic_params_t){kind})

IMPORT_LOGIC(import_and, TRT_LOGIC_AND)
IMPORT_LOGIC(import_or, TRT_LOGIC_OR)
IMPORT_LOGIC(import_xor, TRT_LOGIC_XOR)

static trt_status_t import_not(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_logic_params_t params = {TRT_LOGIC_NOT};
  return add_plain_node(importer, node, TRT_LAYER_LOGIC, 1, &params);
}

static trt_status_t import_where(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return add_plain_node(importer, node, TRT_LAYER_WHERE, 3, NULL);
}

/* ---- indexing ------------------------------------------------------------ */

/* ArgMax/ArgMin: select_last_index arrived in opset 12 (0 before). */
static trt_status_t import_arg_reduce(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                      bool max) {
  int input;
  int64_t keep_dims, select_last_index;
  trt_arg_reduce_params_t params = {0};
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 1, &input, 1)) ||
      (status = attr_int32(node, "axis", 0, &params.axis)) ||
      (status = attr_int(node, "keepdims", 1, &keep_dims)) ||
      (status = attr_int(node, "select_last_index", 0, &select_last_index)))
    return status;
  params.max = max;
  params.keep_dims = keep_dims != 0;
  params.select_last_index = select_last_index != 0;
  return add_node_layer(importer, node, TRT_LAYER_ARG_REDUCE, &input, 1, &params);
}

IMPORT_VIA(import_arg_max, import_arg_reduce, true)
IMPORT_VIA(import_arg_min, import_arg_reduce, false)

static trt_status_t import_gather_elements(trt_onnx_importer_t *importer,
                                           const Onnx__NodeProto *node) {
  int inputs[2];
  trt_gather_params_t params = {0};
  trt_status_t status;
  if ((status = node_inputs(importer, node, 2, 2, inputs, 2)) ||
      (status = attr_int32(node, "axis", 0, &params.axis)))
    return status;
  return add_node_layer(importer, node, TRT_LAYER_GATHER_ELEMENTS, inputs, 2, &params);
}

/* Tile-6+: input and repeats. Tile-1 repeated one axis given as a tensor
 * input, a form no exporter of today writes. */
static trt_status_t import_tile(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 6)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "Tile-1 (inputs 'tiles' and 'axis') is not supported; use opset 6 or later");
  return add_plain_node(importer, node, TRT_LAYER_TILE, 2, NULL);
}

static trt_status_t import_expand(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return add_plain_node(importer, node, TRT_LAYER_EXPAND, 2, NULL);
}

static trt_status_t import_trilu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  int64_t upper;
  trt_status_t status;
  if ((status = node_inputs(importer, node, 1, 2, inputs, 2)) ||
      (status = attr_int(node, "upper", 1, &upper)))
    return status;
  trt_trilu_params_t params = {upper != 0};
  return add_node_layer(importer, node, TRT_LAYER_TRILU, inputs, trim_inputs(inputs, 2), &params);
}

/* ---- the table ---------------------------------------------------------- */

static const trt_onnx_op_t onnx_ops[] = {
    {"Abs", import_abs},
    {"Add", import_add},
    {"And", import_and},
    {"ArgMax", import_arg_max},
    {"ArgMin", import_arg_min},
    {"AveragePool", import_average_pool},
    {"BatchNormalization", import_batch_norm},
    {"Cast", import_cast},
    {"Clip", import_clip},
    {"Concat", import_concat},
    {"Constant", import_constant},
    {"ConstantOfShape", import_constant_of_shape},
    {"Conv", import_conv},
    {"ConvTranspose", import_conv_transpose},
    {"Div", import_div},
    {"Dropout", import_dropout},
    {"Elu", import_elu},
    {"Equal", import_equal},
    {"Erf", import_erf},
    {"Exp", import_exp},
    {"Expand", import_expand},
    {"Flatten", import_flatten},
    {"Gather", import_gather},
    {"GatherElements", import_gather_elements},
    {"Gemm", import_gemm},
    {"GlobalAveragePool", import_global_average_pool},
    {"GlobalMaxPool", import_global_max_pool},
    {"Greater", import_greater},
    {"GreaterOrEqual", import_greater_or_equal},
    {"HardSigmoid", import_hard_sigmoid},
    {"HardSwish", import_hard_swish},
    {"Identity", import_identity},
    {"InstanceNormalization", import_instance_norm},
    {"LRN", import_lrn},
    {"LayerNormalization", import_layer_norm},
    {"LeakyRelu", import_leaky_relu},
    {"Less", import_less},
    {"LessOrEqual", import_less_or_equal},
    {"Log", import_log},
    {"LogSoftmax", import_log_softmax},
    {"MatMul", import_matmul},
    {"Max", import_max},
    {"MaxPool", import_max_pool},
    {"Mean", import_mean},
    {"Min", import_min},
    {"Mul", import_mul},
    {"Neg", import_neg},
    {"Not", import_not},
    {"Or", import_or},
    {"PRelu", import_prelu},
    {"Pad", import_pad},
    {"Pow", import_pow},
    {"Reciprocal", import_reciprocal},
    {"ReduceMax", import_reduce_max},
    {"ReduceMean", import_reduce_mean},
    {"ReduceMin", import_reduce_min},
    {"ReduceProd", import_reduce_prod},
    {"ReduceSum", import_reduce_sum},
    {"Relu", import_relu},
    {"Reshape", import_reshape},
    {"Resize", import_resize},
    {"Selu", import_selu},
    {"Shape", import_shape},
    {"Sigmoid", import_sigmoid},
    {"Slice", import_slice},
    {"Softmax", import_softmax},
    {"Softplus", import_softplus},
    {"Softsign", import_softsign},
    {"Split", import_split},
    {"Sqrt", import_sqrt},
    {"Squeeze", import_squeeze},
    {"Sub", import_sub},
    {"Sum", import_sum},
    {"Tanh", import_tanh},
    {"Tile", import_tile},
    {"Transpose", import_transpose},
    {"Trilu", import_trilu},
    {"Unsqueeze", import_unsqueeze},
    {"Upsample", import_upsample},
    {"Where", import_where},
    {"Xor", import_xor},
};

const trt_onnx_op_t *trt_onnx_find_op(const char *op_type) {
  for (size_t i = 0; i < sizeof(onnx_ops) / sizeof(onnx_ops[0]); i++)
    if (strcmp(onnx_ops[i].op_type, op_type) == 0)
      return &onnx_ops[i];
  return NULL;
}
