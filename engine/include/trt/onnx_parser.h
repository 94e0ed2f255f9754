/* ONNX import: translates a ModelProto into a trt_network_t. */
#ifndef TRT_ONNX_PARSER_H
#define TRT_ONNX_PARSER_H

#include "trt/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds the model's graph to `network` (normally empty): its non-initializer
 * inputs become network inputs (dynamic dims as -1), initializers and
 * Constant nodes become constants, graph outputs are marked. An unsupported
 * op fails with the node's name and op type. Messages start with `path`. */
trt_status_t trt_onnx_parse(trt_network_t *network, const char *path);
trt_status_t trt_onnx_parse_memory(trt_network_t *network, const void *data, size_t size,
                                   const char *name_for_errors);

#ifdef __cplusplus
}
#endif

#endif
