/* The build phase: from a network definition to an engine.
 *
 * The network is copied, its dynamic batch dimension set to the maximum,
 * shapes inferred (folding shape sub-graphs), the optimizer passes run
 * (passes/pass_manager.c), dead layers removed and activation memory
 * planned. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "list_util.h"
#include "passes/pass_manager.h"
#include "precision.h"
#include "size_limits.h"

#define TRT_DEFAULT_WORKSPACE (256u << 20)

void trt_builder_config_init(trt_builder_config_t *config) {
  memset(config, 0, sizeof(*config));
  config->backend = TRT_BACKEND_AUTO;
  config->max_batch = 1;
  config->workspace = TRT_DEFAULT_WORKSPACE;
  config->precision = TRT_PRECISION_FP32;
  config->max_tensor_bytes = 0; /* the defaults of size_limits.h */
  config->max_engine_bytes = 0;
}

const char *trt_precision_name(trt_precision_t precision) {
  switch (precision) {
  case TRT_PRECISION_FP32: return "fp32";
  case TRT_PRECISION_FP16: return "fp16";
  case TRT_PRECISION_INT8: return "int8";
  }
  return "?";
}

/* INT8 is planned (CONTRIBUTING.md, "Adding a precision"); until a backend
 * builds it, asking for it is an error rather than an FP32 engine that looks
 * like what was asked for. FP16 is built where the backend has FP16 layers
 * (lower_precision below refuses it on a backend without any). */
trt_status_t trt_builder_config_check(const trt_builder_config_t *config) {
  if (!config)
    return TRT_STATUS_OK;
  switch (config->precision) {
  case TRT_PRECISION_FP32:
  case TRT_PRECISION_FP16: break;
  case TRT_PRECISION_INT8:
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "INT8 precision is not available yet: this build's engines run FP32 or FP16");
  default:
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unknown precision %d (expected fp32 or fp16)",
                     (int)config->precision);
  }
  if (config->calibration_cache_path)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "a calibration cache is for INT8 engines, and INT8 precision is not "
                     "available yet: this build's engines run FP32 or FP16");
  return TRT_STATUS_OK;
}

void trt_build_report(trt_engine_t *engine, int from, int to, int done, int total,
                      const char *format, ...) {
  if (!engine->config.progress)
    return;
  int percent = total > 0 ? from + (int)((int64_t)(to - from) * done / total) : to;
  if (percent <= engine->progress_percent && percent != 0)
    return;
  engine->progress_percent = percent;
  char step[256];
  va_list args;
  va_start(args, format);
  vsnprintf(step, sizeof(step), format, args);
  va_end(args);
  engine->config.progress(percent, step, engine->config.progress_data);
}

static void report_pass(int index, int count, const char *pass_name, void *user_data) {
  trt_build_report(user_data, TRT_BUILD_PERCENT_SHAPES, TRT_BUILD_PERCENT_OPTIMIZED, index, count,
                   "pass %s", pass_name);
}

void trt_specialization_release(trt_specialization_t *specialization) {
  trt_network_destroy(specialization->network);
  trt_memory_plan_release(&specialization->plan);
  free(specialization->binding_tensors);
  memset(specialization, 0, sizeof(*specialization));
}

/* Gives every input's dynamic first dimension the batch size. */
static void set_batch(trt_network_t *network, int batch) {
  for (int i = 0; i < network->nb_inputs; i++) {
    trt_tensor_t *input = &network->tensors[network->inputs[i]];
    if (input->dims.nb_dims > 0 && input->dims.d[0] < 0)
      input->dims.d[0] = batch;
  }
}

trt_status_t trt_builder_config_set_tactic_sources(trt_builder_config_t *config,
                                                   const char *changes) {
  static const struct {
    const char *name;
    uint32_t bit;
  } sources[] = {
      {"CUDNN", TRT_TACTIC_SOURCE_CUDNN},
      {"CUBLAS", TRT_TACTIC_SOURCE_CUBLAS},
      {"CUBLAS_LT", TRT_TACTIC_SOURCE_CUBLAS_LT},
  };
  if (!config || !changes)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "tactic sources: NULL argument");
  uint32_t disabled = config->disabled_tactic_sources;
  const char *entry;
  size_t length;
  for (const char *cursor = changes; trt_list_next(&cursor, &entry, &length);) {
    const char sign = entry[0];
    bool known = false;
    for (size_t i = 0;
         length > 1 && (sign == '+' || sign == '-') && i < sizeof(sources) / sizeof(sources[0]);
         i++) {
      if (strlen(sources[i].name) == length - 1 &&
          strncasecmp(entry + 1, sources[i].name, length - 1) == 0) {
        disabled = sign == '-' ? disabled | sources[i].bit : disabled & ~sources[i].bit;
        known = true;
      }
    }
    if (!known)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "tactic sources: '%.*s' is not +NAME or -NAME with NAME one of CUDNN, "
                       "CUBLAS, CUBLAS_LT",
                       (int)length, entry);
  }
  config->disabled_tactic_sources = disabled;
  return TRT_STATUS_OK;
}

trt_status_t trt_builder_config_disable_passes(trt_builder_config_t *config, const char *names) {
  uint32_t mask = 0;
  trt_status_t status = trt_pass_parse_names(names, &mask);
  if (status == TRT_STATUS_OK)
    config->disabled_passes |= mask;
  return status;
}

/* Every tensor within the per-tensor limit (passes may have made new ones),
 * and activations, constants and bindings together within the engine's. */
static trt_status_t check_engine_bytes(const trt_engine_t *engine,
                                       const trt_specialization_t *specialization) {
  const trt_network_t *network = specialization->network;
  size_t total = specialization->plan.arena_bytes;
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    trt_status_t status = trt_limit_check_tensor(tensor, engine->config.max_tensor_bytes);
    if (status != TRT_STATUS_OK)
      return status;
    bool outside_arena = tensor->data || ((tensor->is_input || tensor->is_output) &&
                                          tensor->view_parent < 0);
    size_t bytes = outside_arena ? trt_tensor_bytes(tensor) : 0;
    total = bytes > SIZE_MAX - total ? SIZE_MAX : total + bytes;
  }
  return trt_limit_check_engine(total, engine->config.max_engine_bytes);
}

static bool backend_runs_fp16(const trt_network_t *network, const trt_layer_t *layer,
                              void *user_data) {
  const trt_backend_ops_t *ops = user_data;
  return ops->layer_runs_fp16(network, layer);
}

static trt_layer_formats_t backend_formats(const trt_network_t *network, const trt_layer_t *layer,
                                           void *user_data) {
  const trt_backend_ops_t *ops = user_data;
  return ops->layer_formats(network, layer);
}

/* FP16 where the backend can (engine/precision.h); constants that lowering
 * replaced by float16 copies are pruned. */
static trt_status_t lower_precision(const trt_engine_t *engine, trt_specialization_t *out) {
  if (!engine->ops->layer_runs_fp16)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "FP16 precision needs a backend with FP16 layers (CUDA): the %s backend "
                     "computes in FP32",
                     trt_backend_name(engine->backend));
  trt_status_t status =
      trt_network_lower_to_fp16(out->network, backend_runs_fp16, (void *)engine->ops,
                                engine->config.fp32_layers, out == &engine->full, NULL);
  if (status == TRT_STATUS_OK && engine->ops->layer_formats && !engine->config.linear_formats_only)
    status = trt_network_choose_formats(out->network, backend_formats, (void *)engine->ops,
                                        out == &engine->full, NULL);
  return status == TRT_STATUS_OK ? trt_network_prune(out->network) : status;
}

trt_status_t trt_specialize(trt_engine_t *engine, const trt_network_t *source, int batch,
                            trt_specialization_t *out) {
  /* Only the engine's own specialization reports progress and logs its
   * passes: smaller batches repeat the same rewrites. */
  bool own = out == &engine->full;
  memset(out, 0, sizeof(*out));
  out->batch = batch;
  out->network = trt_network_clone(source);
  if (!out->network)
    return TRT_STATUS_OUT_OF_MEMORY;
  set_batch(out->network, batch);
  out->network->max_tensor_bytes = engine->config.max_tensor_bytes;
  if (own)
    trt_build_report(engine, 0, 0, 0, 0, "shape inference at batch %d", batch);
  trt_status_t status = trt_network_infer_shapes(out->network);
  if (status == TRT_STATUS_OK)
    status = trt_passes_run(out->network, engine->config.disabled_passes, own,
                            own ? report_pass : NULL, engine);
  if (status == TRT_STATUS_OK)
    status = trt_network_prune(out->network);
  if (status == TRT_STATUS_OK && engine->config.precision == TRT_PRECISION_FP16)
    status = lower_precision(engine, out);
  if (status == TRT_STATUS_OK && own)
    trt_build_report(engine, TRT_BUILD_PERCENT_OPTIMIZED, TRT_BUILD_PERCENT_OPTIMIZED, 0, 0,
                     "memory plan");
  if (status == TRT_STATUS_OK)
    status = trt_memory_plan_build(out->network, &out->plan);
  if (status == TRT_STATUS_OK)
    status = check_engine_bytes(engine, out);
  if (status == TRT_STATUS_OK) {
    out->binding_tensors = malloc((size_t)engine->nb_bindings * sizeof(int));
    if (!out->binding_tensors)
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for bindings");
  }
  for (int b = 0; status == TRT_STATUS_OK && b < engine->nb_bindings; b++) {
    out->binding_tensors[b] = trt_network_find_tensor(out->network, engine->binding_names[b]);
    if (out->binding_tensors[b] < 0)
      status = trt_error(TRT_STATUS_INTERNAL_ERROR, "binding '%s' vanished while building",
                         engine->binding_names[b]);
  }
  if (status != TRT_STATUS_OK)
    trt_specialization_release(out);
  return status;
}

static trt_status_t record_bindings(trt_engine_t *engine, const trt_network_t *source) {
  int count = source->nb_inputs + source->nb_outputs;
  if (source->nb_outputs == 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the network has no outputs");
  engine->binding_names = calloc((size_t)count, sizeof(char *));
  engine->binding_is_input = calloc((size_t)count, sizeof(bool));
  engine->binding_has_batch = calloc((size_t)count, sizeof(bool));
  if (!engine->binding_names || !engine->binding_is_input || !engine->binding_has_batch)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for bindings");
  engine->nb_bindings = count;
  for (int b = 0; b < count; b++) {
    bool is_input = b < source->nb_inputs;
    int tensor = is_input ? source->inputs[b] : source->outputs[b - source->nb_inputs];
    engine->binding_names[b] = strdup(source->tensors[tensor].name);
    if (!engine->binding_names[b])
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for bindings");
    engine->binding_is_input[b] = is_input;
    if (is_input && source->tensors[tensor].dims.nb_dims > 0 &&
        source->tensors[tensor].dims.d[0] < 0)
      engine->batch_dynamic = true;
  }
  return TRT_STATUS_OK;
}

/* A binding has a batch dimension when its first dimension follows the
 * batch size: compare the batch-1 specialization (`single`, NULL when the
 * maximum is 1) with the maximum-batch one. */
static void find_batched_bindings(trt_engine_t *engine, const trt_specialization_t *single) {
  if (!engine->batch_dynamic)
    return;
  const trt_specialization_t *reference = single ? single : &engine->full;
  for (int b = 0; b < engine->nb_bindings; b++) {
    const trt_dims_t *at_max = &engine->full.network->tensors[engine->full.binding_tensors[b]].dims;
    const trt_dims_t *at_one = &reference->network->tensors[reference->binding_tensors[b]].dims;
    engine->binding_has_batch[b] =
        at_max->nb_dims > 0 && at_one->nb_dims > 0 &&
        (engine->max_batch > 1 ? at_max->d[0] != at_one->d[0] : at_one->d[0] == 1);
  }
}

static trt_status_t choose_backend(trt_builder_config_t *config) {
  if (config->backend == TRT_BACKEND_AUTO)
    config->backend = trt_backend_choose(config->device);
  return trt_backend_check(config->backend, config->device);
}

static void log_build_summary(const trt_engine_t *engine, int source_layers) {
  const trt_specialization_t *full = &engine->full;
  trt_log(TRT_SEVERITY_INFO,
          "built %s engine: %d layers (of %d before folding and pruning), activations %.2f MiB "
          "(%.2f MiB without sharing), max batch %d",
          trt_backend_name(engine->backend), full->network->nb_layers, source_layers,
          full->plan.arena_bytes / 1048576.0, full->plan.naive_bytes / 1048576.0,
          engine->max_batch);
  if (!engine->config.verbose)
    return;
  for (int l = 0; l < full->network->nb_layers; l++) {
    const trt_layer_t *layer = &full->network->layers[l];
    char dims[128];
    const trt_tensor_t *output = trt_layer_output(full->network, layer, 0);
    trt_log(TRT_SEVERITY_VERBOSE, "  [%d] %s (%s) -> %s %s", l, layer->name,
            trt_layer_type_name(layer->type), output->name,
            trt_dims_format(&output->dims, dims, sizeof(dims)));
  }
}

/* `timing_cache`: shared by the builds of one trt_engine_build (see
 * trt_engine_t.timing_cache). */
static trt_status_t build_engine(const trt_network_t *network, const trt_builder_config_t *config,
                                 void **timing_cache, trt_engine_t **engine_out) {
  *engine_out = NULL;
  trt_engine_t *engine = calloc(1, sizeof(*engine));
  if (!engine)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating an engine");
  if (config)
    engine->config = *config;
  else
    trt_builder_config_init(&engine->config);
  trt_status_t status = trt_builder_config_check(&engine->config);
  if (status == TRT_STATUS_OK)
    status = choose_backend(&engine->config);
  engine->backend = engine->config.backend;
  engine->ops = trt_backend_ops(engine->backend);
  engine->max_batch = engine->config.max_batch > 0 ? engine->config.max_batch : 1;
  if (status == TRT_STATUS_OK)
    status = record_bindings(engine, network);
  if (status == TRT_STATUS_OK) {
    if (!engine->batch_dynamic)
      engine->max_batch = 1;
    status = trt_specialize(engine, network, engine->max_batch, &engine->full);
  }
  /* The same network at batch 1 tells which bindings (and, for a backend
   * that wants it, which tensors) follow the batch size. */
  trt_specialization_t single = {0};
  bool have_single = status == TRT_STATUS_OK && engine->batch_dynamic && engine->max_batch > 1;
  if (have_single) {
    trt_build_report(engine, TRT_BUILD_PERCENT_OPTIMIZED, TRT_BUILD_PERCENT_SPECIALIZED, 1, 2,
                     "optimizing at batch 1");
    status = trt_specialize(engine, network, 1, &single);
  }
  if (status == TRT_STATUS_OK) {
    trt_build_report(engine, TRT_BUILD_PERCENT_SPECIALIZED, TRT_BUILD_PERCENT_SPECIALIZED, 0, 0,
                     "%s backend", trt_backend_name(engine->backend));
    find_batched_bindings(engine, have_single ? &single : NULL);
    /* tactics, formatted weights, device constants */
    engine->timing_cache = timing_cache;
    status = engine->ops->build(engine, have_single ? single.network : NULL);
    engine->timing_cache = NULL;
  }
  trt_specialization_release(&single);
  if (status != TRT_STATUS_OK) {
    trt_engine_destroy(engine);
    return status;
  }
  log_build_summary(engine, network->nb_layers);
  trt_build_report(engine, 100, 100, 0, 0, "engine built");
  *engine_out = engine;
  return TRT_STATUS_OK;
}

static bool has_channels_last(const trt_engine_t *engine) {
  const trt_network_t *network = engine->full.network;
  for (int t = 0; t < network->nb_tensors; t++)
    if (network->tensors[t].format == TRT_FORMAT_CHANNELS_LAST)
      return true;
  return false;
}

#define FORMAT_TIMING_RUNS 20

/* Channels-last regions pay where tensor cores dominate (large batches,
 * wide convolutions) and cost reformats, concat copies and NHWC kernels
 * that may be slower elsewhere (batch 1, depthwise stacks): an engine that
 * has any is built a second time with linear formats only, both are timed
 * end to end, and the faster is kept. The second build takes over the
 * first one's timing cache (in memory, file or not), so layers whose
 * formats did not change are not timed again. */
static trt_status_t keep_faster_formats(const trt_network_t *network, void **timing_cache,
                                        trt_engine_t **engine) {
  trt_engine_t *channels_last = *engine, *linear = NULL;
  if (channels_last->config.keep_channels_last || !channels_last->ops->time_engine ||
      !has_channels_last(channels_last))
    return TRT_STATUS_OK;
  trt_builder_config_t config = channels_last->config;
  config.linear_formats_only = true;
  config.progress = NULL;
  double channels_last_ms = 0, linear_ms = 0;
  if (build_engine(network, &config, timing_cache, &linear) != TRT_STATUS_OK ||
      channels_last->ops->time_engine(channels_last, FORMAT_TIMING_RUNS, &channels_last_ms) !=
          TRT_STATUS_OK ||
      channels_last->ops->time_engine(linear, FORMAT_TIMING_RUNS, &linear_ms) != TRT_STATUS_OK) {
    /* the channels-last engine stands as built */
    trt_log(TRT_SEVERITY_WARNING, "formats: could not compare with linear formats: %s",
            trt_last_error());
    trt_engine_destroy(linear);
    trt_error_clear();
    return TRT_STATUS_OK;
  }
  const bool keep_linear = linear_ms < channels_last_ms;
  trt_log(TRT_SEVERITY_INFO, "formats: one run takes %.3f ms channels-last, %.3f ms linear: "
          "keeping %s", channels_last_ms, linear_ms, keep_linear ? "linear" : "channels-last");
  trt_engine_destroy(keep_linear ? channels_last : linear);
  *engine = keep_linear ? linear : channels_last;
  return TRT_STATUS_OK;
}

trt_status_t trt_engine_build(const trt_network_t *network, const trt_builder_config_t *config,
                              trt_engine_t **engine_out) {
  if (!network || !engine_out)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_build: NULL argument");
  void *timing_cache = NULL;
  trt_status_t status = build_engine(network, config, &timing_cache, engine_out);
  if (status == TRT_STATUS_UNSUPPORTED && config && config->precision == TRT_PRECISION_FP16 &&
      !config->linear_formats_only) {
    /* A layer the backend cannot run in the format chosen for it: the
     * linear formats run everything that runs at all. */
    trt_log(TRT_SEVERITY_WARNING, "formats: %s; building with linear formats only",
            trt_last_error());
    trt_builder_config_t linear = *config;
    linear.linear_formats_only = true;
    trt_error_clear();
    status = build_engine(network, &linear, &timing_cache, engine_out);
  } else if (status == TRT_STATUS_OK) {
    status = keep_faster_formats(network, &timing_cache, engine_out);
  }
  trt_cuda_timing_cache_free(timing_cache);
  /* the caller's strings are read while building only */
  if (status == TRT_STATUS_OK) {
    (*engine_out)->config.fp32_layers = NULL;
    (*engine_out)->config.timing_cache_path = NULL;
  }
  return status;
}

void trt_engine_destroy(trt_engine_t *engine) {
  if (!engine)
    return;
  if (engine->ops && engine->impl)
    engine->ops->destroy(engine);
  trt_specialization_release(&engine->full);
  for (int b = 0; b < engine->nb_bindings; b++)
    free(engine->binding_names[b]);
  free(engine->binding_names);
  free(engine->binding_is_input);
  free(engine->binding_has_batch);
  free(engine);
}

size_t trt_engine_binding_bytes(const trt_engine_t *engine, int b, int batch) {
  const trt_specialization_t *full = &engine->full;
  size_t bytes = trt_tensor_bytes(&full->network->tensors[full->binding_tensors[b]]);
  return engine->binding_has_batch[b] ? bytes / (size_t)engine->max_batch * (size_t)batch : bytes;
}
