/* One table describes every layer type: its name, parameter struct, shape
 * inference and CPU reference. Adding a layer type means one entry in
 * layer_registry.c plus its files under layers/ and cpu/. */
#ifndef TRT_LAYER_REGISTRY_H
#define TRT_LAYER_REGISTRY_H

#include "cpu/cpu_context.h"
#include "network_internal.h"

/* Checks the layer's inputs (count, types, dims, constant operands) and sets
 * each output's type and dims. Errors need not name the layer: the caller
 * prefixes "layer 'name' (Type): ". */
typedef trt_status_t (*trt_layer_infer_fn)(trt_network_t *network, trt_layer_t *layer);

/* Computes the layer's outputs from its inputs on the CPU. `inputs[i]` is
 * NULL for omitted optional inputs; dims and types are the network's. */
typedef trt_status_t (*trt_cpu_execute_fn)(const trt_network_t *network, const trt_layer_t *layer,
                                           const void *const *inputs, void *const *outputs,
                                           trt_cpu_context_t *cpu);

typedef struct {
  trt_layer_type_t type;
  const char *name;
  size_t params_size;
  trt_layer_infer_fn infer;
  trt_cpu_execute_fn cpu_execute;
} trt_layer_descriptor_t;

/* NULL for an out-of-range type. */
const trt_layer_descriptor_t *trt_layer_descriptor(trt_layer_type_t type);

#endif
