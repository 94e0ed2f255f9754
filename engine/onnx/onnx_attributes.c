/* ONNX attribute readers (typed, range-checked, clear messages) used by the import functions. */
#include <stdio.h>
#include <string.h>

#include "onnx/onnx_internal.h"

const Onnx__AttributeProto *trt_onnx_find_attribute(const Onnx__NodeProto *node, const char *name) {
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

int trt_onnx_attribute_type(const Onnx__AttributeProto *attribute) {
  return attribute_type(attribute);
}

const char *trt_onnx_attribute_type_name(int type) {
  return attribute_type_name(type);
}

trt_status_t trt_onnx_expect_attribute_type(const Onnx__AttributeProto *attribute, int expected) {
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
  *attribute = trt_onnx_find_attribute(node, name);
  return *attribute ? trt_onnx_expect_attribute_type(*attribute, type) : TRT_STATUS_OK;
}

trt_status_t trt_onnx_attr_int(const Onnx__NodeProto *node, const char *name, int64_t fallback,
                               int64_t *value) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT, &attribute);
  *value = attribute && status == TRT_STATUS_OK ? attribute->i : fallback;
  return status;
}

trt_status_t trt_onnx_attr_required_int(const Onnx__NodeProto *node, const char *name,
                                        int64_t *value) {
  if (!trt_onnx_find_attribute(node, name))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' is required", name);
  return trt_onnx_attr_int(node, name, 0, value);
}

/* An int attribute that must fit `int32_t` (axes, counts). */
trt_status_t trt_onnx_attr_int32(const Onnx__NodeProto *node, const char *name, int32_t fallback,
                                 int32_t *value) {
  int64_t wide;
  trt_status_t status = trt_onnx_attr_int(node, name, fallback, &wide);
  if (status != TRT_STATUS_OK)
    return status;
  if (wide < INT32_MIN || wide > INT32_MAX)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' value %lld is out of range", name,
                     (long long)wide);
  *value = (int32_t)wide;
  return TRT_STATUS_OK;
}

trt_status_t trt_onnx_attr_float(const Onnx__NodeProto *node, const char *name, float fallback,
                                 float *value) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT, &attribute);
  *value = attribute && status == TRT_STATUS_OK ? attribute->f : fallback;
  return status;
}

/* A repeated attribute (INTS or FLOATS) of at most `max` values; `*count`
 * is 0 when absent. */
static trt_status_t list_attribute(const Onnx__NodeProto *node, const char *name, int type, int max,
                                   const Onnx__AttributeProto **attribute, int *count) {
  *count = 0;
  trt_status_t status = typed_attribute(node, name, type, attribute);
  if (status != TRT_STATUS_OK || !*attribute)
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
trt_status_t trt_onnx_attr_ints(const Onnx__NodeProto *node, const char *name, int64_t *values,
                                int max, int *count) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status = list_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS, max,
                                       &attribute, count);
  if (*count)
    memcpy(values, attribute->ints, (size_t)*count * sizeof(int64_t));
  return status;
}

/* trt_onnx_attr_ints into int32_t (axes, perm). */
trt_status_t trt_onnx_attr_ints32(const Onnx__NodeProto *node, const char *name, int32_t *values,
                                  int max, int32_t *count) {
  int64_t wide[TRT_MAX_LAYER_OUTPUTS];
  int n;
  if (max > TRT_MAX_LAYER_OUTPUTS)
    max = TRT_MAX_LAYER_OUTPUTS;
  trt_status_t status = trt_onnx_attr_ints(node, name, wide, max, &n);
  if (status != TRT_STATUS_OK)
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

trt_status_t trt_onnx_attr_floats(const Onnx__NodeProto *node, const char *name, float *values,
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
trt_status_t trt_onnx_attr_choice(const Onnx__NodeProto *node, const char *name,
                                  const char *const *choices, int fallback, int *index) {
  const Onnx__AttributeProto *attribute;
  trt_status_t status =
      typed_attribute(node, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING, &attribute);
  *index = fallback;
  if (status != TRT_STATUS_OK || !attribute)
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
