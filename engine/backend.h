/* The seam between the engine and the backends that run it.
 *
 * A backend is one table of what it does (ggml's ggml_backend_i is the
 * model): the builder, the plan reader and writer and the runtime call
 * through it and never ask which backend they hold. The CPU reference
 * backend (cpu/cpu_engine.c) and the CUDA backend (cuda/cuda_engine.c) are
 * peers; backend_registry.c lists the ones this build has. A third backend
 * fills one table and one registry line.
 *
 * What the engine owns, whatever the backend: the optimized network at the
 * maximum batch (engine->full: layers, tensors, activation memory plan) and
 * the bindings. What a backend adds lives behind engine->impl (per engine:
 * tactics, formatted weights, device constants) and context->impl (per
 * context: threads or stream, activation arena, layer states). */
#ifndef TRT_BACKEND_H
#define TRT_BACKEND_H

#include "engine_internal.h"
#include "formats.h"

struct trt_backend_ops {
  trt_backend_t id;
  /* Whether `device` can run this backend; TRT_STATUS_NO_DEVICE with the
   * reason when not. */
  trt_status_t (*check_device)(int device);

  /* Optional, build phase before memory planning: whether the backend can
   * run `layer` in FP16 (the builder lowers those layers when the config
   * asks for FP16, engine/precision.h). NULL: the backend runs FP32 only. */
  bool (*layer_runs_fp16)(const trt_network_t *network, const trt_layer_t *layer);
  /* Optional, right after FP16 lowering: which memory formats the backend
   * runs `layer` with (engine/formats.h). NULL: linear tensors only. */
  trt_layer_formats_t (*layer_formats)(const trt_network_t *network, const trt_layer_t *layer);

  /* Build phase, after the network is optimized and planned: chooses and
   * prepares how each layer runs (tactics, weight formats, constants) and
   * sets engine->impl. `single` is the same network optimized at batch 1
   * when the batch is dynamic and the maximum is above 1, else NULL: a
   * backend may compare the two to run smaller batches without building. */
  trt_status_t (*build)(trt_engine_t *engine, const trt_network_t *single);
  void (*destroy)(trt_engine_t *engine);

  /* Plan files (plan.c): the device name written in the header, and the
   * backend's own section, written before the optimized network. */
  trt_status_t (*plan_device)(const trt_engine_t *engine, char *name, size_t size);
  trt_status_t (*plan_section)(const trt_engine_t *engine, void **data, size_t *size);
  /* Makes engine->impl from a section (checking it against this machine)
   * for an engine whose network, bindings and memory plan are loaded. No
   * build step runs. */
  trt_status_t (*load)(trt_engine_t *engine, const void *section, size_t size);

  /* Execution contexts: sets and releases context->impl. */
  trt_status_t (*context_create)(trt_context_t *context);
  void (*context_destroy)(trt_context_t *context);
  /* Runs `batch` items (1..max batch) on `bindings`: asynchronously on
   * `stream` where the backend has streams, else before returning. */
  trt_status_t (*enqueue)(trt_context_t *context, int batch, void *const *bindings, void *stream);
  trt_status_t (*synchronize)(trt_context_t *context);
  /* Optional (NULL: the backend has no graphs). */
  void (*set_use_graph)(trt_context_t *context, bool use_graph);
  /* Optional, build phase: the time one run of a built engine takes at its
   * maximum batch, as contexts run it by default (the median of `runs`, on
   * buffers of its own). The builder compares variants of one engine with
   * it (formats.h). NULL: no comparison. */
  trt_status_t (*time_engine)(const trt_engine_t *engine, int runs, double *milliseconds);
  /* Optional: the most host threads a context splits a layer's work across
   * (NULL: the backend computes on a device). */
  int (*context_threads)(const trt_context_t *context);
};

/* The backend `id` of this build, NULL when it is not built in (or `id` is
 * AUTO or out of range). */
const trt_backend_ops_t *trt_backend_ops(trt_backend_t id);

/* What `auto` means on `device`: the first usable backend of CUDA, CPU. */
trt_backend_t trt_backend_choose(int device);

/* OK when backend `id` is built in and `device` can run it; else
 * TRT_STATUS_NO_DEVICE with a message naming the backend and the reason. */
trt_status_t trt_backend_check(trt_backend_t id, int device);

/* The backends' tables (backend_registry.c lists those built). */
extern const trt_backend_ops_t trt_cpu_backend;
extern const trt_backend_ops_t trt_cuda_backend;

#endif
