/* The Lite API: one object that turns a model into something to run, in
 * the manner of TensorRT's "lite" wrappers. trt_lite_create() parses the
 * model (ONNX, Caffe deploy with optional weights, or a plan), builds or
 * loads the engine (through an engine cache file when asked), creates an
 * execution context and, for CUDA engines, the device buffers and stream
 * that trt_lite_infer() copies through. Everything the lower-level API
 * offers stays reachable through trt_lite_engine() and trt_lite_context().
 *
 *   trt_lite_options_t options;
 *   trt_lite_options_init(&options);
 *   options.max_batch = 4;
 *   trt_lite_t *lite;
 *   if (trt_lite_create("model.onnx", NULL, &options, &lite) != TRT_STATUS_OK)
 *     fprintf(stderr, "%s\n", trt_last_error());
 *   const void *inputs[] = {image};
 *   void *outputs[] = {scores};
 *   trt_lite_infer(lite, 1, inputs, outputs);
 *   trt_lite_destroy(lite);
 *
 * Every call returns a status and sets trt_last_error() on failure; nothing
 * aborts. A Lite object may be used by one thread at a time (create one per
 * thread, or share the engine through trt_lite_engine()). */
#ifndef TRT_LITE_H
#define TRT_LITE_H

#include <stdbool.h>
#include <stddef.h>

#include "trt/network.h"
#include "trt/runtime.h"
#include "trt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TRT_LITE_MODEL_AUTO =
      0, /* a plan by its magic, Caffe by ".prototxt" or given weights, else ONNX */
  TRT_LITE_MODEL_ONNX,
  TRT_LITE_MODEL_CAFFE,
  TRT_LITE_MODEL_PLAN,
} trt_lite_model_format_t;

/* INT8 calibration, for when INT8 lands: the engine does not build INT8
 * yet, so a calibrator is accepted with any precision and precision INT8
 * is refused (trt_builder_config_check's message). */
typedef struct {
  int batch_size;
  /* Fills `inputs` (host memory, one per Lite input, `batch_size` items)
   * with the next calibration batch; false when there are no more. */
  bool (*next_batch)(void *user_data, int batch_size, void *const *inputs);
  void *user_data;
  const char *cache_path; /* read when it exists, written after calibration; NULL: none */
} trt_lite_calibrator_t;

typedef struct {
  trt_lite_model_format_t format;
  /* Inputs, by name: each must be an input of the model; they fix the
   * order of the Lite inputs (trt_lite_infer's `inputs`). NULL: the
   * model's inputs in its order. */
  const char *const *input_names;
  int nb_input_names;
  /* Outputs, by name: they replace the model's outputs (any tensor may be
   * one; for Caffe, blob names) and fix the order of the Lite outputs.
   * NULL: the model's outputs. */
  const char *const *output_names;
  int nb_output_names;
  /* Dims of inputs whose model dims are dynamic, as giexec's --shapes:
   * "x:1x3x640x640,y:-1x16" (split at each name's last ':'). A first
   * dimension of -1 keeps the batch dynamic, built up to max_batch. NULL:
   * none. Not for plans. */
  const char *input_shapes;
  /* The most items one call runs. Models whose inputs have a dynamic first
   * dimension (Caffe deploy inputs always do) are built for it; others run
   * their fixed dims (max batch 1). Plans keep theirs. Default 1. */
  int max_batch;
  trt_precision_t precision; /* FP32 (default) or FP16 (CUDA); INT8 is refused */
  size_t workspace;          /* bytes of scratch a layer may use; 0: the default */
  int device;                /* CUDA device ordinal (default 0) */
  trt_backend_t backend;     /* AUTO (default): CUDA when a usable GPU is present */
  int cpu_threads;           /* CPU backend: as trt_builder_config_t.cpu_threads */
  uint64_t seed;             /* Caffe without weights: the random weights' seed */
  /* A plan file used as a cache: loaded when it holds an engine for this
   * model (its bytes and its weights'), these options and this target
   * (backend as resolved, device, precision, library version); otherwise
   * the engine is built and written there atomically. A file that is not
   * a plan is never replaced. NULL: always build. Ignored for plans. */
  const char *engine_cache;
  /* Messages from building and running (on the calling thread), and every
   * Lite failure at TRT_SEVERITY_ERROR, up to `log_severity` (default
   * WARNING; VERBOSE also logs each build step). NULL: the process-wide
   * logger (trt_set_logger) as usual. */
  trt_log_fn logger;
  void *logger_data;
  trt_severity_t log_severity;
  /* Called after each layer with its time (trt_context_set_profiler); the
   * layer names are the engine's (fused: "conv1 + relu1"). NULL: none. */
  trt_profiler_fn profiler;
  void *profiler_data;
  const trt_lite_calibrator_t *calibrator; /* NULL: none */
  /* Shared libraries of plugins (trt/plugin.h), loaded through
   * trt_plugin_load_library before the model is parsed or the plan loaded;
   * they stay loaded for the life of the process. */
  const char *const *plugin_libraries;
  int nb_plugin_libraries;
} trt_lite_options_t;

void trt_lite_options_init(trt_lite_options_t *options);
/* sizeof(trt_lite_options_t), for bindings that mirror the struct (the
 * Python module checks its copy against it). */
size_t trt_lite_options_size(void);

typedef struct trt_lite trt_lite_t;

/* Creates a Lite engine from `model` (ONNX file, Caffe deploy prototxt or
 * plan file) and, for Caffe, `weights` (a caffemodel; NULL: random weights
 * from options->seed). `options` NULL: defaults. *lite is NULL on failure. */
trt_status_t trt_lite_create(const char *model, const char *weights,
                             const trt_lite_options_t *options, trt_lite_t **lite);
void trt_lite_destroy(trt_lite_t *lite);

/* Whether the engine came from the engine cache (or a plan) rather than a
 * build. */
bool trt_lite_loaded_from_plan(const trt_lite_t *lite);
trt_backend_t trt_lite_backend(const trt_lite_t *lite);
int trt_lite_max_batch(const trt_lite_t *lite);
const trt_engine_t *trt_lite_engine(const trt_lite_t *lite);
trt_context_t *trt_lite_context(trt_lite_t *lite);

/* Inputs and outputs in Lite order (options' names, else the model's). */
int trt_lite_num_inputs(const trt_lite_t *lite);
int trt_lite_num_outputs(const trt_lite_t *lite);
/* NULL out of range. */
const char *trt_lite_input_name(const trt_lite_t *lite, int index);
const char *trt_lite_output_name(const trt_lite_t *lite, int index);
/* -1 when there is none of that name. */
int trt_lite_find_input(const trt_lite_t *lite, const char *name);
int trt_lite_find_output(const trt_lite_t *lite, const char *name);
trt_data_type_t trt_lite_input_type(const trt_lite_t *lite, int index);
trt_data_type_t trt_lite_output_type(const trt_lite_t *lite, int index);
/* Dims at `batch` items (the first dimension is the batch where the
 * tensor has one); nb_dims 0 out of range. */
trt_dims_t trt_lite_input_dims(const trt_lite_t *lite, int index, int batch);
trt_dims_t trt_lite_output_dims(const trt_lite_t *lite, int index, int batch);
/* Whether the first dimension is the batch. */
bool trt_lite_input_has_batch(const trt_lite_t *lite, int index);
bool trt_lite_output_has_batch(const trt_lite_t *lite, int index);
/* Bytes of the tensor at `batch` items; 0 out of range. */
size_t trt_lite_input_bytes(const trt_lite_t *lite, int index, int batch);
size_t trt_lite_output_bytes(const trt_lite_t *lite, int index, int batch);

/* Runs `batch` items (1..max batch) synchronously: `inputs[i]` is host
 * memory holding Lite input i (trt_lite_input_bytes(lite, i, batch)
 * bytes, its type, dense row-major), `outputs[i]` host memory for Lite
 * output i. CUDA engines copy through device buffers of their own. */
trt_status_t trt_lite_infer(trt_lite_t *lite, int batch, const void *const *inputs,
                            void *const *outputs);

/* A host buffer by tensor name. */
typedef struct {
  const char *name;
  void *data;
} trt_lite_buffer_t;

/* As trt_lite_infer, by name: every input once, and any outputs (outputs
 * not named are computed and dropped). */
trt_status_t trt_lite_infer_named(trt_lite_t *lite, int batch, const trt_lite_buffer_t *inputs,
                                  int nb_inputs, const trt_lite_buffer_t *outputs, int nb_outputs);

/* Asynchronous on the caller's memory: for CUDA engines `inputs` and
 * `outputs` are device memory and `stream` a cudaStream_t (NULL: the
 * context's own stream; see trt_context_enqueue); wait with
 * trt_stream_synchronize(stream) or trt_lite_synchronize. The CPU backend
 * runs synchronously on host memory. */
trt_status_t trt_lite_enqueue(trt_lite_t *lite, int batch, const void *const *inputs,
                              void *const *outputs, void *stream);
trt_status_t trt_lite_synchronize(trt_lite_t *lite);

#ifdef __cplusplus
}
#endif

#endif
