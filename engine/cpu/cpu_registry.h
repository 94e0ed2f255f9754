/* The CPU reference backend's table: how each layer type runs on the CPU.
 * The counterpart of cuda/cuda_registry.c; constant folding uses it too, as
 * the evaluator of layers whose inputs are all constant. */
#ifndef TRT_CPU_REGISTRY_H
#define TRT_CPU_REGISTRY_H

#include "cpu/cpu_context.h"
#include "network_internal.h"

/* Computes the layer's outputs from its inputs on the CPU. `inputs[i]` is
 * NULL for omitted optional inputs; dims and types are the network's. */
typedef trt_status_t (*trt_cpu_execute_fn)(const trt_network_t *network, const trt_layer_t *layer,
                                           const void *const *inputs, void *const *outputs,
                                           trt_cpu_context_t *cpu);

/* The CPU implementation of `type`; NULL for an out-of-range type (every
 * layer type has one: the CPU backend runs them all). */
trt_cpu_execute_fn trt_cpu_layer_execute(trt_layer_type_t type);

/* Whether the CPU reference runs `layer` with its tensors' types: the
 * families that compute in floating point do it in float32 only (float16
 * tensors appear when the builder lowers a network to FP16, which only the
 * CUDA backend runs). UNSUPPORTED, with a message, otherwise. */
trt_status_t trt_cpu_layer_supported(const trt_network_t *network, const trt_layer_t *layer);

/* trt_cpu_layer_supported, then the layer's implementation: what the
 * executor and constant folding call. */
trt_status_t trt_cpu_layer_run(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs,
                               trt_cpu_context_t *cpu);

#endif
