/* Engine and execution context internals shared by builder.c and runtime.c. */
#ifndef TRT_ENGINE_INTERNAL_H
#define TRT_ENGINE_INTERNAL_H

#include "cpu/cpu_context.h"
#include "memory_plan.h"
#include "network_internal.h"
#include "trt/runtime.h"

/* The network fixed for one batch size: shapes inferred, constants folded,
 * dead layers removed, activations planned. */
typedef struct {
  int batch;
  trt_network_t *network;
  trt_memory_plan_t plan;
  int *binding_tensors; /* binding -> tensor index in `network` */
} trt_specialization_t;

/* The CUDA backend's part of an engine and of a context (cuda/cuda_engine.h;
 * NULL for CPU engines). */
typedef struct trt_cuda_engine trt_cuda_engine_t;
typedef struct trt_cuda_context trt_cuda_context_t;

struct trt_engine {
  trt_builder_config_t config;
  trt_backend_t backend;
  trt_network_t *source; /* as given, to specialize for other batch sizes */
  bool batch_dynamic;    /* some input's first dimension is left to run time */
  int max_batch;
  int nb_bindings;
  char **binding_names;
  bool *binding_is_input;
  bool *binding_has_batch;
  trt_specialization_t full; /* at max_batch */
  trt_cuda_engine_t *cuda;   /* tactics, device constants */
};

struct trt_context {
  const trt_engine_t *engine;
  trt_cpu_context_t *cpu;
  trt_specialization_t smaller; /* for a batch below max_batch, built on demand */
  void *arena;
  size_t arena_bytes;
  trt_profiler_fn profiler;
  void *profiler_data;
  trt_cuda_context_t *cuda; /* stream, handles, device arena */
};

/* Builds the specialization of `engine->source` for `batch`. */
trt_status_t trt_specialize(const trt_engine_t *engine, int batch, trt_specialization_t *out);
void trt_specialization_release(trt_specialization_t *specialization);

/* ---- the CUDA backend's entry points (cuda/; cuda/no_cuda.c without CUDA) */

/* Checks that `device` is usable; TRT_STATUS_NO_DEVICE with the reason. */
trt_status_t trt_cuda_check_device(int device);
/* Chooses a tactic per layer of engine->full (formatting its weights) and
 * uploads the constants; sets engine->cuda. */
trt_status_t trt_cuda_engine_build(trt_engine_t *engine);
void trt_cuda_engine_destroy(trt_cuda_engine_t *cuda);
/* Sets context->cuda. */
trt_status_t trt_cuda_context_create(trt_context_t *context);
void trt_cuda_context_destroy(trt_cuda_context_t *cuda);
trt_status_t trt_cuda_context_enqueue(trt_context_t *context, int batch, void *const *bindings,
                                      void *stream);
trt_status_t trt_cuda_context_synchronize(trt_context_t *context);
/* Plan files (plan.c): the device named in the header, the backend section
 * (device, library versions, bindings, tactics, memory plan) written before
 * the optimized network, and an engine made from both without building. */
trt_status_t trt_cuda_plan_device_name(const trt_engine_t *engine, char *name, size_t size);
trt_status_t trt_cuda_plan_section(const trt_engine_t *engine, void **data, size_t *size);
trt_status_t trt_cuda_engine_from_plan(trt_network_t *network, const trt_builder_config_t *built,
                                       const void *section, size_t size, trt_engine_t **engine);

#endif
