/* Activation memory planning: every intermediate tensor gets an offset in one
 * arena, and tensors whose lifetimes do not overlap share bytes. */
#ifndef TRT_MEMORY_PLAN_H
#define TRT_MEMORY_PLAN_H

#include "network_internal.h"

#define TRT_ACTIVATION_ALIGNMENT 64

typedef struct {
  size_t *offsets; /* per tensor; SIZE_MAX for tensors outside the arena */
  size_t arena_bytes;
  size_t naive_bytes; /* what one buffer per tensor would take */
} trt_memory_plan_t;

/* Plans the network's intermediate tensors (not inputs, outputs or
 * constants): liveness from layer order, then greedy first fit by size. */
trt_status_t trt_memory_plan_build(const trt_network_t *network, trt_memory_plan_t *plan);
void trt_memory_plan_release(trt_memory_plan_t *plan);
/* Whether the plan gives `tensor` a place in the arena (else it lives in a
 * binding, in its constant data or inside the parent of its view). */
bool trt_memory_plan_in_arena(const trt_tensor_t *tensor);

#endif
