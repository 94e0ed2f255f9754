/* Declarations shared by the ONNX importer's files: the importer state, the
 * op table, tensor conversion and the node/attribute helpers of import
 * functions (which are declared in onnx_import.h). */
#ifndef TRT_ONNX_INTERNAL_H
#define TRT_ONNX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"
#include "trt/network.h"

#define TRT_ONNX_MIN_OPSET 1
#define TRT_ONNX_MAX_OPSET 17

typedef struct {
  trt_network_t *network;
  const char *file; /* prefix of every message */
  int64_t opset;    /* version of the default (ai.onnx) domain */
  const Onnx__GraphProto *graph;
} trt_onnx_importer_t;

/* Adds the layers (and constants) of one node. Errors need not name the
 * node: the caller prefixes "<file>: node '<name>' (<op_type>): ". */
typedef trt_status_t (*trt_onnx_import_fn)(trt_onnx_importer_t *importer,
                                           const Onnx__NodeProto *node);

typedef struct {
  const char *op_type;
  trt_onnx_import_fn import;
} trt_onnx_op_t;

/* The entry for `op_type` of the default domain, NULL when unsupported
 * (the table in onnx_ops.c). */
const trt_onnx_op_t *trt_onnx_find_op(const char *op_type);

/* A node of an op no importer knows, for which `plugin` is registered: one
 * TRT_LAYER_PLUGIN layer with the node's inputs, outputs and attributes
 * (onnx_plugin.c). */
struct trt_plugin;
trt_status_t trt_onnx_import_plugin(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                    const struct trt_plugin *plugin);

/* ---- tensors (onnx_tensor.c) ------------------------------------------- */

/* ONNX's name for a TensorProto.DataType value ("FLOAT16"). */
const char *trt_onnx_type_name(int32_t onnx_type);
/* Maps an ONNX data type to the engine's; UNSUPPORTED (naming `what` and the
 * type) for types the engine does not have. */
trt_status_t trt_onnx_convert_type(int32_t onnx_type, const char *what, trt_data_type_t *type);

/* Decodes a TensorProto. `*data` holds volume(dims) elements; it may point
 * into `tensor` (raw_data read in place), and `*owned` is what to free()
 * afterwards (NULL when nothing was allocated). */
trt_status_t trt_onnx_tensor_decode(const Onnx__TensorProto *tensor, const char *what,
                                    trt_data_type_t *type, trt_dims_t *dims, const void **data,
                                    void **owned);

/* Reads a serialized TensorProto (the conformance tests' input_N.pb): its
 * name (may be empty), type, dims and data (malloc'd, to free()). Test
 * support, not public API: the tests reach it through engine_internal_dep. */
trt_status_t trt_onnx_read_tensor(const char *path, char **name, trt_data_type_t *type,
                                  trt_dims_t *dims, void **data);

/* Room for generated names ("<node>/<suffix>"). */
#define TRT_ONNX_NAME_SIZE 1024

/* ---- nodes (onnx_node.c) ------------------------------------------------ */

/* The name used in messages and for layers: the node's name, or its first
 * output's when the name is empty. */
const char *trt_onnx_node_name(const Onnx__NodeProto *node);

/* Whether any node or graph output reads value `name` (secondary outputs
 * such as Dropout's mask may only be produced if nothing reads them). */
bool trt_onnx_value_is_used(const trt_onnx_importer_t *importer, const char *name);

/* Checks that the node has `min` to `max` inputs (max < 0: no limit) and
 * that the first `min` are not empty. */
trt_status_t trt_onnx_check_input_count(const Onnx__NodeProto *node, int min, int max);
/* The tensor of input `index`; -1 when omitted (absent or empty name). */
trt_status_t trt_onnx_get_input(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                int index, int *tensor);
/* trt_onnx_get_input for inputs 0 to count - 1. */
trt_status_t trt_onnx_get_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                 int *tensors, int count);
/* trt_onnx_check_input_count, then the tensors of the first `count` inputs. */
trt_status_t trt_onnx_node_inputs(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                  int min, int max, int *tensors, int count);
/* Number of inputs once trailing omitted ones are dropped. */
int trt_onnx_trim_inputs(const int *tensors, int count);

/* UNSUPPORTED when output `index` or a later one is read by anything. */
trt_status_t trt_onnx_reject_used_outputs(const trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, int index, const char *what);
/* UNSUPPORTED for `is_test` = 0 (training) before opset 7. */
trt_status_t trt_onnx_reject_training_mode(const trt_onnx_importer_t *importer,
                                           const Onnx__NodeProto *node);

/* Reads optional input `index` as one constant number; `fallback` when
 * omitted. */
trt_status_t trt_onnx_constant_scalar_input(trt_onnx_importer_t *importer,
                                            const Onnx__NodeProto *node, int index, double fallback,
                                            double *value);

/* Adds a layer; `*layer` (may be NULL) is its index. */
trt_status_t trt_onnx_add_layer(trt_onnx_importer_t *importer, trt_layer_type_t type,
                                const char *name, const int *inputs, int nb_inputs,
                                const char *const *output_names, int nb_outputs, const void *params,
                                int *layer);
/* One layer named after the node, producing its output 0. */
trt_status_t trt_onnx_add_node_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                     trt_layer_type_t type, const int *inputs, int nb_inputs,
                                     const void *params);
/* A node of exactly `count` inputs (at most 3) that becomes one layer. */
trt_status_t trt_onnx_add_plain_node(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                     trt_layer_type_t type, int count, const void *params);
/* A constant named "<node>/<suffix>" (made unique) for an operand the node
 * gives as an attribute. */
trt_status_t trt_onnx_add_helper_constant(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, const char *suffix,
                                          trt_data_type_t type, const trt_dims_t *dims,
                                          const void *data, int *tensor);
/* A helper layer "<node>/<suffix>" with one output, `*output`. */
trt_status_t trt_onnx_add_helper_layer(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       const char *suffix, trt_layer_type_t type, const int *inputs,
                                       int nb_inputs, const void *params, int *output);
/* Output names with "<node>:<i>" for unnamed ones (kept in `generated`). */
void trt_onnx_name_outputs(const Onnx__NodeProto *node, int nb_outputs, const char **names,
                           char (*generated)[64]);

/* ---- attributes (onnx_attributes.c) ------------------------------------ */

/* The attribute called `name`, NULL when the node has none. */
const Onnx__AttributeProto *trt_onnx_find_attribute(const Onnx__NodeProto *node, const char *name);
/* The attribute's AttributeType (inferred from the field in use for IR
 * version 1) and its name ("FLOATS"). */
int trt_onnx_attribute_type(const Onnx__AttributeProto *attribute);
const char *trt_onnx_attribute_type_name(int type);
/* PARSE_ERROR unless the attribute is of `expected` (an AttributeType). */
trt_status_t trt_onnx_expect_attribute_type(const Onnx__AttributeProto *attribute, int expected);

/* Scalar attributes; `fallback` when absent. */
trt_status_t trt_onnx_attr_int(const Onnx__NodeProto *node, const char *name, int64_t fallback,
                               int64_t *value);
trt_status_t trt_onnx_attr_required_int(const Onnx__NodeProto *node, const char *name,
                                        int64_t *value);
trt_status_t trt_onnx_attr_int32(const Onnx__NodeProto *node, const char *name, int32_t fallback,
                                 int32_t *value);
trt_status_t trt_onnx_attr_float(const Onnx__NodeProto *node, const char *name, float fallback,
                                 float *value);

/* List attributes of at most `max` values; `*count` is 0 when absent. */
trt_status_t trt_onnx_attr_ints(const Onnx__NodeProto *node, const char *name, int64_t *values,
                                int max, int *count);
trt_status_t trt_onnx_attr_ints32(const Onnx__NodeProto *node, const char *name, int32_t *values,
                                  int max, int32_t *count);
trt_status_t trt_onnx_attr_floats(const Onnx__NodeProto *node, const char *name, float *values,
                                  int max, int *count);

/* A STRING attribute that must be one of `choices` (NULL-terminated);
 * `*index` is its position, `fallback` when absent. */
trt_status_t trt_onnx_attr_choice(const Onnx__NodeProto *node, const char *name,
                                  const char *const *choices, int fallback, int *index);

#endif
