/* Constant folding, the one implementation. Shape inference folds as it
 * goes (later layers read shape operands as constants), and the
 * constant-folding pass folds what later rewrites leave foldable; both ask
 * and evaluate here, on the CPU reference. */
#ifndef TRT_CONSTANT_FOLDING_H
#define TRT_CONSTANT_FOLDING_H

#include "network_internal.h"

/* Whether `layer` folds: it reads at least one tensor and every tensor it
 * reads is a constant, and none of its outputs is a constant already or a
 * view (concat elimination's views pin where the data lives). */
bool trt_layer_foldable(const trt_network_t *network, const trt_layer_t *layer);

/* Whether `layer` is of a type whose outputs depend on its inputs' dims
 * only (layer_registry.h: shape_only, PriorBox) and may fold as it is: none
 * of its outputs is a constant, a view or a network output. Only the pass
 * asks this (shapes are final by then); shape inference does not, so a
 * network whose input dims change later recomputes such layers. */
bool trt_layer_shape_foldable(const trt_network_t *network, const trt_layer_t *layer);

/* Evaluates `layer` (any number of inputs) on its constant inputs (a
 * shape-only layer's other inputs are passed as NULL) with the
 * CPU reference and gives each output the result as its data; the layer
 * stays for the caller to remove. On failure no output changes. */
trt_status_t trt_layer_fold(trt_network_t *network, trt_layer_t *layer);

#endif
