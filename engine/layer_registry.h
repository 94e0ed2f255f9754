/* One table describes every layer type as the network sees it: its name,
 * parameter struct and shape inference. How a backend runs a type is that
 * backend's own table (cpu/cpu_registry.h, cuda/cuda_registry.c), so the IR
 * names no backend. Adding a layer type means one entry here, its files
 * under layers/, and one entry per backend table. */
#ifndef TRT_LAYER_REGISTRY_H
#define TRT_LAYER_REGISTRY_H

#include "network_internal.h"

/* Checks the layer's inputs (count, types, dims, constant operands) and sets
 * each output's type and dims. Errors need not name the layer: the caller
 * prefixes "layer 'name' (Type): ". */
typedef trt_status_t (*trt_layer_infer_fn)(trt_network_t *network, trt_layer_t *layer);

/* Where a parameter struct keeps its bool fields: bytes that must hold 0 or
 * 1 when parameters come from outside (plan files). */
#define TRT_MAX_BOOL_FIELDS 3
typedef struct {
  int count;
  size_t offsets[TRT_MAX_BOOL_FIELDS];
} trt_bool_fields_t;

typedef struct {
  trt_layer_type_t type;
  const char *name;
  size_t params_size;
  trt_layer_infer_fn infer;
  trt_bool_fields_t bools;
  /* The outputs depend on the inputs' dims only, never on their values
   * (PriorBox): the constant-folding pass folds such a layer once shapes
   * are final, as if its inputs were constants. */
  bool shape_only;
} trt_layer_descriptor_t;

/* NULL for an out-of-range type. */
const trt_layer_descriptor_t *trt_layer_descriptor(trt_layer_type_t type);

/* Whether the bool fields of `params` (a `type` parameter struct read as
 * bytes) each hold 0 or 1. */
bool trt_layer_params_bools_valid(trt_layer_type_t type, const void *params);

#endif
