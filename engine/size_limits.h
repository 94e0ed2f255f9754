/* Resource limits of a build: the most bytes any one tensor and the whole
 * engine may take (trt_builder_config_t.max_tensor_bytes and
 * max_engine_bytes, 0 meaning the defaults below). A model asks for sizes;
 * these keep a hostile or mistaken one from making the process allocate
 * more than the machine has (under overcommit the kernel kills the process
 * instead of failing the allocation). */
#ifndef TRT_SIZE_LIMITS_H
#define TRT_SIZE_LIMITS_H

#include "network_internal.h"

/* The fixed ceilings of the defaults. */
#define TRT_LIMIT_TENSOR_CEILING ((size_t)16 << 30) /* 16 GiB */
#define TRT_LIMIT_ENGINE_CEILING ((size_t)64 << 30) /* 64 GiB */

/* Defaults: the smaller of the ceiling and a quarter (tensor) or half
 * (engine) of the machine's physical memory (the ceiling alone when the
 * memory size is unknown). */
size_t trt_limit_default_tensor_bytes(void);
size_t trt_limit_default_engine_bytes(void);

/* A configured limit, 0 standing for the default. */
size_t trt_limit_tensor_bytes(size_t configured);
size_t trt_limit_engine_bytes(size_t configured);

/* Checks that `tensor`'s dims are known, its size countable and at most
 * `limit` bytes (0: the default); the message names the tensor, the limit
 * and how to raise it. */
trt_status_t trt_limit_check_tensor(const trt_tensor_t *tensor, size_t limit);

/* Checks an engine's total (activations, constants, bindings) against
 * `limit` (0: the default). */
trt_status_t trt_limit_check_engine(size_t bytes, size_t limit);

#endif
