/* The CUDA backend's engine and context state, shared by the core files:
 * cuda_builder.c (tactic choice), cuda_engine.c (the backend table,
 * contexts, enqueue), cuda_memory.c (device constants, public memory
 * helpers), cuda_plan.c (its plan section), cuda_device.c. */
#ifndef TRT_CUDA_CORE_H
#define TRT_CUDA_CORE_H

#include "backend.h"
#include "cuda/cuda_backend.h"

/* Device allocations are aligned to this many bytes (cuDNN likes 256). */
#define TRT_CUDA_ALIGNMENT 256

typedef struct trt_cuda_engine trt_cuda_engine_t;
typedef struct trt_cuda_context trt_cuda_context_t;

/* engine->impl and context->impl of a CUDA engine. */
static inline trt_cuda_engine_t *trt_cuda_engine_of(const trt_engine_t *engine) {
  return (trt_cuda_engine_t *)engine->impl;
}
static inline trt_cuda_context_t *trt_cuda_context_of(const trt_context_t *context) {
  return (trt_cuda_context_t *)context->impl;
}

struct trt_cuda_engine {
  int device;
  char device_name[256];
  int cc_major, cc_minor;
  int nb_layers;           /* of engine->full.network */
  int32_t *tactics;        /* per layer */
  size_t *layer_workspace; /* per layer, bytes its tactic asked for */
  size_t workspace_bytes;  /* the largest of them */
  void *constants;         /* one device allocation for every constant */
  size_t constants_bytes;
  void **constant_addresses; /* per tensor: device copy of its data, or NULL */
};

/* The environment of one context (or of the builder's timing runs):
 * device set, a non-blocking stream, library handles bound to it. */
trt_status_t trt_cuda_env_init(trt_cuda_env_t *env, int device, bool allow_tf32);
void trt_cuda_env_release(trt_cuda_env_t *env);
/* Grows env->workspace to at least `bytes` (never shrinks it), after the
 * stream's work is done: the old contents are not kept. */
trt_status_t trt_cuda_env_reserve_workspace(trt_cuda_env_t *env, size_t bytes);
/* Name and compute capability of `device`. */
trt_status_t trt_cuda_device_identity(int device, char *name, size_t size, int *major,
                                      int *minor);
/* Library versions as recorded in plan files. */
typedef struct {
  int cuda_runtime;      /* cudaRuntimeGetVersion, e.g. 13000 */
  uint64_t cudnn;        /* cudnnGetVersion of the library loaded, e.g. 91400 */
  int cublas;            /* major * 10000 + minor * 100 + patch of the library loaded */
} trt_cuda_versions_t;
trt_status_t trt_cuda_versions(trt_cuda_versions_t *versions);

/* qsort's comparison of floats (medians of timings). */
int trt_cuda_compare_floats(const void *a, const void *b);

/* Allocates the engine's CUDA part and uploads the constants of
 * engine->full.network that layers read (or that are outputs). */
trt_status_t trt_cuda_engine_alloc(trt_engine_t *engine, int device);
trt_status_t trt_cuda_upload_constants(trt_engine_t *engine);

/* Resolves where every tensor of `network` lives for one run: constants on
 * the device, bindings, the arena, views inside their parents. `addresses`
 * holds one entry per tensor; entries already set (bindings) are kept. */
trt_status_t trt_cuda_resolve_addresses(const trt_network_t *network,
                                        const trt_memory_plan_t *plan,
                                        void *const *constant_addresses, void *arena,
                                        void **addresses);

/* The backend's entry points (the table trt_cuda_backend, cuda_engine.c). */
trt_status_t trt_cuda_check_device(int device);                           /* cuda_device.c */
trt_status_t trt_cuda_engine_build(trt_engine_t *engine);                  /* cuda_builder.c */
void trt_cuda_engine_destroy(trt_engine_t *engine);                        /* cuda_memory.c */
trt_status_t trt_cuda_plan_device_name(const trt_engine_t *engine, char *name, size_t size);
trt_status_t trt_cuda_plan_section(const trt_engine_t *engine, void **data, size_t *size);
trt_status_t trt_cuda_engine_load(trt_engine_t *engine, const void *section, size_t size);

#endif
