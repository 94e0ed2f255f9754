/* Declarations shared by the ONNX importer's files: the importer state, the
 * op table, tensor conversion and node/attribute helpers. */
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

/* The entry for `op_type` of the default domain, NULL when unsupported. */
const trt_onnx_op_t *trt_onnx_find_op(const char *op_type);

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

/* Reads a whole file into a malloc'd buffer (IO_ERROR naming the path). */
trt_status_t trt_onnx_read_file(const char *path, uint8_t **bytes, size_t *size);

/* ---- nodes and attributes (onnx_ops.c) --------------------------------- */

/* The name used in messages and for layers: the node's name, or its first
 * output's when the name is empty. */
const char *trt_onnx_node_name(const Onnx__NodeProto *node);

/* Whether any node or graph output reads value `name` (secondary outputs
 * such as Dropout's mask may only be produced if nothing reads them). */
bool trt_onnx_value_is_used(const trt_onnx_importer_t *importer, const char *name);

#endif
