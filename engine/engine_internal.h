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
};

struct trt_context {
  const trt_engine_t *engine;
  trt_cpu_context_t *cpu;
  trt_specialization_t smaller; /* for a batch below max_batch, built on demand */
  void *arena;
  size_t arena_bytes;
  trt_profiler_fn profiler;
  void *profiler_data;
};

/* Builds the specialization of `engine->source` for `batch`. */
trt_status_t trt_specialize(const trt_engine_t *engine, int batch, trt_specialization_t *out);
void trt_specialization_release(trt_specialization_t *specialization);

#endif
