/* Engine and execution context internals shared by the builder, the plan
 * reader and writer, the runtime and the backends (backend.h). */
#ifndef TRT_ENGINE_INTERNAL_H
#define TRT_ENGINE_INTERNAL_H

#include "memory_plan.h"
#include "network_internal.h"
#include "numerics/yolo_nms.h"
#include "trt/image.h"
#include "trt/runtime.h"

/* The network fixed for one batch size: shapes inferred, constants folded,
 * the optimizer passes run, dead layers removed, activations planned. */
typedef struct {
  int batch;
  trt_network_t *network;
  trt_memory_plan_t plan;
  int *binding_tensors; /* binding -> tensor index in `network` */
} trt_specialization_t;

typedef struct trt_backend_ops trt_backend_ops_t;

struct trt_engine {
  trt_builder_config_t config;
  trt_backend_t backend;
  const trt_backend_ops_t *ops;
  bool batch_dynamic; /* some input's first dimension is left to run time */
  int max_batch;
  int nb_bindings;
  char **binding_names;
  bool *binding_is_input;
  bool *binding_has_batch;
  trt_specialization_t full; /* at max_batch: the only network an engine has */
  void *impl;                /* the backend's part (backend.h) */
  int progress_percent;      /* the last percentage reported while building */
  /* While building: the in-memory timing cache that the builds of one
   * trt_engine_build share (the channels-last build and the linear one
   * compared with it), so the second times only layers whose formats
   * changed. The CUDA builder takes *timing_cache (or loads the file when
   * it is NULL) and leaves its cache there; NULL outside builds. */
  void **timing_cache;
};

struct trt_context {
  const trt_engine_t *engine;
  trt_profiler_fn profiler;
  void *profiler_data;
  void *impl; /* the backend's part (backend.h) */
};

/* Builds the specialization of `source` for `batch` with the engine's
 * options and bindings (builder.c). */
trt_status_t trt_specialize(trt_engine_t *engine, const trt_network_t *source, int batch,
                            trt_specialization_t *out);
void trt_specialization_release(trt_specialization_t *specialization);

/* The build's progress (trt_builder_config_t.progress), as shares of 100
 * percent: shape inference and the passes at the maximum batch up to
 * TRT_BUILD_PERCENT_OPTIMIZED, the batch-1 specialization up to
 * TRT_BUILD_PERCENT_SPECIALIZED, the backend's build (CUDA: tactic timing,
 * per layer) up to 99, then 100 when done. */
#define TRT_BUILD_PERCENT_SHAPES      10
#define TRT_BUILD_PERCENT_OPTIMIZED   40
#define TRT_BUILD_PERCENT_SPECIALIZED 50
/* Reports step `done` of `total` of the phase from `from` to `to` percent;
 * nothing when no callback is set or the percentage would not grow. */
void trt_build_report(trt_engine_t *engine, int from, int to, int done, int total,
                      const char *format, ...) __attribute__((format(printf, 6, 7)));

/* Bytes of one batch item of binding `b` (all of it when it has no batch
 * dimension), and what `batch` items of it take. */
size_t trt_engine_binding_bytes(const trt_engine_t *engine, int b, int batch);

/* The kernel of trt_image_to_tensor (image.c) once the arguments are
 * checked: cuda/cuda_image.c, or TRT_STATUS_NO_DEVICE without CUDA
 * (cuda/no_cuda.c). */
trt_status_t trt_cuda_image_to_tensor(const trt_image_t *image,
                                      const trt_image_transform_t *transform, void *out,
                                      void *stream);

/* The YOLO NMS kernels once nms.c checked the arguments (cuda/cuda_nms.c;
 * no_cuda.c: TRT_STATUS_NO_DEVICE): runs them, copies the kept rows and
 * their count to the host, waits. */
trt_status_t trt_cuda_yolo_nms(const float *tensor, const trt_kyolo_t *yolo, void *workspace,
                               trt_detection_t *out, int32_t *count, void *stream);

/* Frees what a CUDA build left in trt_engine_t.timing_cache (a no-op for
 * NULL, and without CUDA). */
void trt_cuda_timing_cache_free(void *cache);

#endif
