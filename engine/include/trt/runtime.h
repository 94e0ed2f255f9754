/* Build phase and execution phase.
 *
 * trt_engine_build() turns a network into an engine for one backend: it
 * fixes shapes, folds constants, runs the optimizer passes and plans memory.
 * An engine is immutable and may be shared between threads; each thread runs
 * it through its own execution context, which owns the activation memory. */
#ifndef TRT_RUNTIME_H
#define TRT_RUNTIME_H

#include "trt/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TRT_BACKEND_AUTO = 0, /* CUDA when a usable GPU is present, else the CPU */
  TRT_BACKEND_CPU,
  TRT_BACKEND_CUDA,
} trt_backend_t;

const char *trt_backend_name(trt_backend_t backend);
trt_status_t trt_backend_parse(const char *text, trt_backend_t *backend);
/* What `requested` means on `device`: AUTO becomes the backend a build would
 * use (CUDA when a usable GPU is present, else the CPU); a named backend is
 * checked (TRT_STATUS_NO_DEVICE with the reason when this build or machine
 * cannot run it). A fallback from CUDA to the CPU leaves no error message. */
trt_status_t trt_backend_resolve(trt_backend_t requested, int device, trt_backend_t *resolved);

typedef enum {
  TRT_PRECISION_FP32 = 0,
  TRT_PRECISION_FP16,
  TRT_PRECISION_INT8,
} trt_precision_t;

/* "fp32", "fp16", "int8". */
const char *trt_precision_name(trt_precision_t precision);

/* Build progress, called on the building thread as the build advances:
 * `percent` from 0 to 100, never decreasing; `step` says what runs now
 * ("pass batchnorm-folding", "tactics for layer 'conv1'"). Shape inference
 * and the optimizer passes report per pass, the CUDA backend per layer while
 * it times tactics. */
typedef void (*trt_build_progress_fn)(int percent, const char *step, void *user_data);

/* Where a CUDA tactic comes from; our own kernels are always considered. */
typedef enum {
  TRT_TACTIC_SOURCE_CUDNN = 1u << 0,
  TRT_TACTIC_SOURCE_CUBLAS = 1u << 1,
  TRT_TACTIC_SOURCE_CUBLAS_LT = 1u << 2,
} trt_tactic_source_t;

/* The most CPU threads a context uses (trt_builder_config_t.cpu_threads). */
#define TRT_CPU_THREADS_MAX 64

typedef struct {
  trt_backend_t backend;
  int device;           /* CUDA device ordinal */
  int max_batch;        /* dynamic batch dimensions are built for this maximum */
  size_t workspace;     /* bytes of scratch a layer may use */
  trt_precision_t precision;
  bool allow_tf32;
  /* CUDA, FP32: also consider convolution algorithms that trade accuracy
   * for speed (cuDNN's FFT, FFT tiling and non-fused Winograd, whose FP32
   * results can differ from the direct computation by 1e-4 relative and
   * more). Off by default: an FP32 engine stays within FP32 rounding of
   * the CPU reference, as TensorRT's does. Plan files store it. */
  bool allow_lossy_tactics;
  /* CUDA, FP16: keep every tensor linear (NCHW) instead of letting the
   * builder run convolution regions channels-last (NHWC, tensor cores'
   * layout; engine/formats.h). For comparisons and workarounds. Plan files
   * store it. */
  bool linear_formats_only;
  /* CUDA, FP16: keep the channels-last regions as formats.h chooses them,
   * without timing the whole engine against a linear build (by default the
   * builder builds both and keeps the faster, a choice that goes either way
   * when they tie). For tests of the layouts, and to pin them. Not stored
   * in plans (each layer's format is). */
  bool keep_channels_last;
  /* FP16: layers kept in FP32 whatever the backend could run, for accuracy
   * ("name,name,...": a layer's name in the model, which also matches the
   * fused layer it became part of; NULL: none). Softmax, reductions and
   * normalizations stay FP32 in any case. Not stored in plans (the plan
   * records each layer's precision as built). */
  const char *fp32_layers;
  /* CPU backend, run-time: the most threads a context splits a layer's
   * work across; 0: the cores this process may use. Every context of the
   * process draws its threads from one shared pool, so contexts used at
   * once (several elements, several pipelines) share the cores rather than
   * each claiming all of them; 1 runs on the calling thread only. Results
   * are the same for every value. Not stored in plans. */
  int cpu_threads;
  bool verbose;         /* log each build step at TRT_SEVERITY_VERBOSE */
  /* Optimizer passes switched off: bit i is pass i of the default pipeline
   * (set from names with trt_builder_config_disable_passes). 0: all run.
   * Plan files store it with the other build options. */
  uint32_t disabled_passes;
  /* CUDA: libraries whose tactics the builder does not consider
   * (trt_tactic_source_t bits; 0: all are considered), as TensorRT's tactic
   * sources: for comparisons, workarounds and tests of our own kernels. A
   * layer left without any tactic fails the build. Not stored in plans (the
   * plan stores each layer's tactic). */
  uint32_t disabled_tactic_sources;
  /* CUDA: a file of tactic choices keyed by layer signature and GPU, read
   * before and written after a build so rebuilds skip timing (NULL: none). */
  const char *timing_cache_path;
  /* Resource limits, checked while building (0: the default). A tensor
   * larger than max_tensor_bytes, or an engine whose activations, constants
   * and bindings add up to more than max_engine_bytes, fails the build with
   * a message naming the limit. Defaults: the smaller of 16 GiB and a
   * quarter of physical memory per tensor, of 64 GiB and half of physical
   * memory per engine. */
  size_t max_tensor_bytes;
  size_t max_engine_bytes;
  /* INT8: the calibration cache to read (NULL: none). INT8 is not built
   * yet, so trt_builder_config_check refuses a path as it refuses INT8. */
  const char *calibration_cache_path;
  /* Called as the build advances (NULL: not called). */
  trt_build_progress_fn progress;
  void *progress_data;
} trt_builder_config_t;

void trt_builder_config_init(trt_builder_config_t *config);
/* Whether this build of the engine can build what `config` asks for:
 * TRT_STATUS_UNSUPPORTED naming what is not available (FP16, INT8, a
 * calibration cache) and what is. trt_engine_build checks it first;
 * callers may check early, before parsing a model. */
trt_status_t trt_builder_config_check(const trt_builder_config_t *config);
/* Applies TensorRT-style tactic source changes, comma-separated: "-CUDNN"
 * disables cuDNN's tactics, "+CUBLAS_LT" enables cuBLASLt's again (names
 * CUDNN, CUBLAS, CUBLAS_LT, any case). TRT_STATUS_INVALID_ARGUMENT naming
 * an unknown entry, config unchanged. */
trt_status_t trt_builder_config_set_tactic_sources(trt_builder_config_t *config,
                                                   const char *changes);
/* Switches off the optimizer passes named in `names`, comma-separated
 * ("conv-merging,concat-elimination", or "all"); an unknown name fails and
 * the message lists the known ones. */
trt_status_t trt_builder_config_disable_passes(trt_builder_config_t *config, const char *names);

typedef struct trt_engine trt_engine_t;
typedef struct trt_context trt_context_t;

/* The network is not modified; the engine keeps what it needs. */
trt_status_t trt_engine_build(const trt_network_t *network, const trt_builder_config_t *config,
                              trt_engine_t **engine);
void trt_engine_destroy(trt_engine_t *engine);

trt_backend_t trt_engine_backend(const trt_engine_t *engine);
int trt_engine_max_batch(const trt_engine_t *engine);
/* Bytes of activation memory one context needs at the maximum batch. */
size_t trt_engine_activation_bytes(const trt_engine_t *engine);
int trt_engine_num_layers(const trt_engine_t *engine);
/* The engine's layers as it runs them (optimized, in order): the name
 * ("conv1 + relu1" after fusion), the type ("Convolution") and the
 * precision: "fp16" or "fp32" for a layer whose first output is float16 or
 * float32, else that output's type ("int64"). NULL out of range. */
const char *trt_engine_layer_name(const trt_engine_t *engine, int layer);
const char *trt_engine_layer_type(const trt_engine_t *engine, int layer);
const char *trt_engine_layer_precision(const trt_engine_t *engine, int layer);
/* The memory format the layer reads and writes: "linear", or "nhwc" where
 * the builder chose channels-last tensors (FP16 CUDA engines); a reformat
 * says both ("linear>nhwc"). NULL out of range. */
const char *trt_engine_layer_format(const trt_engine_t *engine, int layer);

/* Bindings: the network's inputs first, then its outputs. Dims are those at
 * the maximum batch. */
int trt_engine_num_bindings(const trt_engine_t *engine);
const char *trt_engine_binding_name(const trt_engine_t *engine, int binding);
bool trt_engine_binding_is_input(const trt_engine_t *engine, int binding);
trt_data_type_t trt_engine_binding_type(const trt_engine_t *engine, int binding);
trt_dims_t trt_engine_binding_dims(const trt_engine_t *engine, int binding);
int trt_engine_find_binding(const trt_engine_t *engine, const char *name);
/* Whether the binding's first dimension is the batch (dynamic in the model). */
bool trt_engine_binding_has_batch(const trt_engine_t *engine, int binding);

/* The number of usable CUDA devices; TRT_STATUS_NO_DEVICE with the reason
 * (no driver, no device, built without CUDA) when there is none. */
trt_status_t trt_cuda_device_count(int *count);
/* One line naming the device, its compute capability and library versions. */
trt_status_t trt_cuda_device_describe(int device, char *text, size_t size);
/* The device's name as the driver gives it ("NVIDIA H200"). */
trt_status_t trt_cuda_device_name(int device, char *name, size_t size);

/* ---- plan files ----------------------------------------------------------
 * A plan holds a built engine: a header (magic, format and library version,
 * backend, device and library versions, build options, a caller's cache
 * key), the network it runs and a checksum. Saving writes a temporary file
 * and renames it, so readers never see half a plan. Loading checks every
 * field and says which one does not match (TRT_STATUS_INVALID_ARGUMENT for a
 * plan made for something else, TRT_STATUS_PARSE_ERROR for a damaged one). */
trt_status_t trt_engine_save(const trt_engine_t *engine, const char *path, const char *cache_key);
/* `expected_key` NULL accepts any key. */
trt_status_t trt_engine_load(const char *path, const char *expected_key,
                             const trt_builder_config_t *config, trt_engine_t **engine);
trt_status_t trt_engine_serialize(const trt_engine_t *engine, const char *cache_key, void **data,
                                  size_t *size);
trt_status_t trt_engine_deserialize(const void *data, size_t size, const char *expected_key,
                                    const trt_builder_config_t *config, trt_engine_t **engine);

/* Called after each layer when set on a context. */
typedef void (*trt_profiler_fn)(const char *layer_name, float milliseconds, void *user_data);

trt_status_t trt_context_create(const trt_engine_t *engine, trt_context_t **context);
void trt_context_destroy(trt_context_t *context);
void trt_context_set_profiler(trt_context_t *context, trt_profiler_fn fn, void *user_data);

/* Runs the engine on `batch` items (1..max_batch; ignored when no binding has
 * a batch dimension). `bindings[i]` points to binding i's memory: host memory
 * for the CPU backend, device memory for CUDA. Synchronous. */
trt_status_t trt_context_execute(trt_context_t *context, int batch, void *const *bindings);
/* Asynchronous on `stream` (a cudaStream_t) for CUDA; the CPU backend runs
 * synchronously. A CUDA context runs on its own stream: work enqueued on
 * `stream` before the call is waited for and work enqueued on it after the
 * call waits for the engine (events), so callers may treat the engine as
 * running on `stream`. NULL: the context's own stream only (synchronize with
 * trt_context_synchronize). A batch below the maximum runs at the maximum on
 * staging buffers inside the context (inputs copied in, outputs out).
 * Bindings must stay valid until the work is done. */
trt_status_t trt_context_enqueue(trt_context_t *context, int batch, void *const *bindings,
                                 void *stream);
/* Waits for the context's work (a no-op on the CPU backend). */
trt_status_t trt_context_synchronize(trt_context_t *context);
/* CUDA: capture the context's launches in a CUDA graph at the next enqueue
 * and replay it while bindings and batch stay the same (off by default;
 * ignored while a profiler is set and on the CPU backend). */
void trt_context_set_use_graph(trt_context_t *context, bool use_graph);
/* CPU backend: the most threads the context splits a layer's work across
 * (cpu_threads, 0 resolved to the cores the process may use). 0 for
 * backends that compute on a device, and for NULL. */
int trt_context_cpu_threads(const trt_context_t *context);

/* ---- device memory, streams and events (CUDA engines' users) -------------
 * Thin checked wrappers over the CUDA runtime so that programs using the
 * engine need no CUDA headers. Streams and events are cudaStream_t and
 * cudaEvent_t. `stream` NULL makes a copy synchronous. Without CUDA every
 * call returns TRT_STATUS_NO_DEVICE. */
trt_status_t trt_set_device(int device);
trt_status_t trt_device_malloc(void **pointer, size_t bytes);
void trt_device_free(void *pointer);
/* Page-locked host memory (fast, asynchronous copies). */
trt_status_t trt_host_malloc_pinned(void **pointer, size_t bytes);
void trt_host_free_pinned(void *pointer);
/* Page-locks host memory the caller allocated (every context's, as
 * cudaHostRegister with the portable flag), so that copies from it are DMA
 * and asynchronous like pinned memory's; unregister before freeing it. */
trt_status_t trt_host_register(void *pointer, size_t bytes);
void trt_host_unregister(void *pointer);
trt_status_t trt_memcpy_host_to_device(void *device, const void *host, size_t bytes, void *stream);
trt_status_t trt_memcpy_device_to_host(void *host, const void *device, size_t bytes, void *stream);
trt_status_t trt_memcpy_device_to_device(void *to, const void *from, size_t bytes, void *stream);
trt_status_t trt_memset_device(void *device, int value, size_t bytes, void *stream);
trt_status_t trt_stream_create(void **stream);
void trt_stream_destroy(void *stream);
trt_status_t trt_stream_synchronize(void *stream);
trt_status_t trt_event_create(void **event);
void trt_event_destroy(void *event);
trt_status_t trt_event_record(void *event, void *stream);
trt_status_t trt_event_synchronize(void *event);
/* Milliseconds between two recorded events (after both completed). */
trt_status_t trt_event_elapsed_ms(void *start, void *end, float *milliseconds);

#ifdef __cplusplus
}
#endif

#endif
