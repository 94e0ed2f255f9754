/* The Lite API (trt/lite.h): parse, build or load, and run, in one object.
 * Built only on the public API, plus the engine's whole-file reader and
 * checksum for the engine cache's key. */
#include "trt/lite.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file_util.h"
#include "list_util.h"
#include "network_internal.h"
#include "plan_io.h"
#include "trt/caffe_parser.h"
#include "trt/onnx_parser.h"
#include "trt/plugin.h"
#include "trt/trt.h"

#define LITE_PLAN_MAGIC "TRTPLAN" /* plan.c's PLAN_MAGIC, NUL included */
#define LITE_KEY_TEXT   4096

typedef struct {
  trt_log_fn fn;
  void *data;
  trt_severity_t max_severity;
} lite_logger_t;

struct trt_lite {
  trt_engine_t *engine;
  trt_context_t *context;
  bool loaded_from_plan;
  lite_logger_t logger;
  int nb_inputs, nb_outputs, nb_bindings;
  int *input_bindings; /* Lite input i is engine binding input_bindings[i] */
  int *output_bindings;
  void **bindings;       /* scratch: one pointer per binding */
  void **device_buffers; /* CUDA: one per binding at the maximum batch */
  void **host_scratch;   /* outputs trt_lite_infer_named was not given, on demand */
  void *stream;          /* CUDA */
  int device;            /* CUDA: made current for each call that copies or enqueues */
};

void trt_lite_options_init(trt_lite_options_t *options) {
  memset(options, 0, sizeof(*options));
  options->format = TRT_LITE_MODEL_AUTO;
  options->max_batch = 1;
  options->precision = TRT_PRECISION_FP32;
  options->backend = TRT_BACKEND_AUTO;
  options->log_severity = TRT_SEVERITY_WARNING;
  options->seed = 1;
}

size_t trt_lite_options_size(void) {
  return sizeof(trt_lite_options_t);
}

/* ---- logging --------------------------------------------------------------
 * The Lite logger is installed as the thread's logger for the length of
 * each call (trt_set_thread_logger), and hears the call's failure. */

typedef struct {
  const lite_logger_t *logger;
  trt_log_fn previous_fn;
  void *previous_data;
} lite_scope_t;

static void lite_log(trt_severity_t severity, const char *message, void *user_data) {
  const lite_logger_t *logger = user_data;
  if (severity <= logger->max_severity)
    logger->fn(severity, message, logger->data);
}

static void scope_enter(lite_scope_t *scope, const lite_logger_t *logger) {
  scope->logger = logger;
  if (logger->fn)
    trt_set_thread_logger(lite_log, (void *)logger, &scope->previous_fn, &scope->previous_data);
}

static trt_status_t scope_leave(lite_scope_t *scope, trt_status_t status) {
  if (!scope->logger->fn)
    return status;
  trt_set_thread_logger(scope->previous_fn, scope->previous_data, NULL, NULL);
  if (status != TRT_STATUS_OK)
    scope->logger->fn(TRT_SEVERITY_ERROR, trt_last_error(), scope->logger->data);
  return status;
}

/* ---- queries ---------------------------------------------------------------- */

bool trt_lite_loaded_from_plan(const trt_lite_t *lite) {
  return lite && lite->loaded_from_plan;
}
trt_backend_t trt_lite_backend(const trt_lite_t *lite) {
  return trt_engine_backend(lite->engine);
}
int trt_lite_max_batch(const trt_lite_t *lite) {
  return trt_engine_max_batch(lite->engine);
}
const trt_engine_t *trt_lite_engine(const trt_lite_t *lite) {
  return lite ? lite->engine : NULL;
}
trt_context_t *trt_lite_context(trt_lite_t *lite) {
  return lite ? lite->context : NULL;
}
int trt_lite_num_inputs(const trt_lite_t *lite) {
  return lite ? lite->nb_inputs : 0;
}
int trt_lite_num_outputs(const trt_lite_t *lite) {
  return lite ? lite->nb_outputs : 0;
}

/* The binding of Lite input (is_input) or output `index`; -1 out of range. */
static int lite_binding(const trt_lite_t *lite, bool is_input, int index) {
  if (!lite || index < 0 || index >= (is_input ? lite->nb_inputs : lite->nb_outputs))
    return -1;
  return is_input ? lite->input_bindings[index] : lite->output_bindings[index];
}

static size_t binding_bytes(const trt_engine_t *engine, int binding, int batch) {
  trt_dims_t dims = trt_engine_binding_dims(engine, binding);
  if (trt_engine_binding_has_batch(engine, binding) && dims.nb_dims > 0)
    dims.d[0] = batch;
  int64_t volume = trt_dims_volume(&dims);
  return volume < 0 ? 0
                    : (size_t)volume * trt_data_type_size(trt_engine_binding_type(engine, binding));
}

static trt_dims_t binding_dims(const trt_lite_t *lite, int binding, int batch) {
  trt_dims_t dims = {0};
  if (binding < 0)
    return dims;
  dims = trt_engine_binding_dims(lite->engine, binding);
  if (trt_engine_binding_has_batch(lite->engine, binding) && dims.nb_dims > 0)
    dims.d[0] = batch;
  return dims;
}

const char *trt_lite_input_name(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, true, index);
  return binding < 0 ? NULL : trt_engine_binding_name(lite->engine, binding);
}

const char *trt_lite_output_name(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, false, index);
  return binding < 0 ? NULL : trt_engine_binding_name(lite->engine, binding);
}

static int find_named(const trt_lite_t *lite, bool is_input, const char *name) {
  int count = is_input ? trt_lite_num_inputs(lite) : trt_lite_num_outputs(lite);
  for (int i = 0; name && i < count; i++) {
    int binding = lite_binding(lite, is_input, i);
    if (strcmp(trt_engine_binding_name(lite->engine, binding), name) == 0)
      return i;
  }
  return -1;
}

int trt_lite_find_input(const trt_lite_t *lite, const char *name) {
  return find_named(lite, true, name);
}
int trt_lite_find_output(const trt_lite_t *lite, const char *name) {
  return find_named(lite, false, name);
}

trt_data_type_t trt_lite_input_type(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, true, index);
  return binding < 0 ? TRT_DATA_TYPE_FLOAT32 : trt_engine_binding_type(lite->engine, binding);
}

trt_data_type_t trt_lite_output_type(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, false, index);
  return binding < 0 ? TRT_DATA_TYPE_FLOAT32 : trt_engine_binding_type(lite->engine, binding);
}

trt_dims_t trt_lite_input_dims(const trt_lite_t *lite, int index, int batch) {
  return binding_dims(lite, lite_binding(lite, true, index), batch);
}

trt_dims_t trt_lite_output_dims(const trt_lite_t *lite, int index, int batch) {
  return binding_dims(lite, lite_binding(lite, false, index), batch);
}

bool trt_lite_input_has_batch(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, true, index);
  return binding >= 0 && trt_engine_binding_has_batch(lite->engine, binding);
}

bool trt_lite_output_has_batch(const trt_lite_t *lite, int index) {
  int binding = lite_binding(lite, false, index);
  return binding >= 0 && trt_engine_binding_has_batch(lite->engine, binding);
}

size_t trt_lite_input_bytes(const trt_lite_t *lite, int index, int batch) {
  int binding = lite_binding(lite, true, index);
  return binding < 0 ? 0 : binding_bytes(lite->engine, binding, batch);
}

size_t trt_lite_output_bytes(const trt_lite_t *lite, int index, int batch) {
  int binding = lite_binding(lite, false, index);
  return binding < 0 ? 0 : binding_bytes(lite->engine, binding, batch);
}

/* ---- the model ---------------------------------------------------------- */

static bool has_suffix(const char *text, const char *suffix) {
  size_t length = strlen(text), suffix_length = strlen(suffix);
  return length >= suffix_length && strcmp(text + length - suffix_length, suffix) == 0;
}

/* Whether `path` starts with a plan's magic; IO_ERROR when it cannot be read. */
static trt_status_t file_is_plan(const char *path, const char *what, bool *is_plan) {
  *is_plan = false;
  FILE *file = fopen(path, "rb");
  if (!file)
    return trt_error(TRT_STATUS_IO_ERROR, "cannot open %s '%s': %s", what, path, strerror(errno));
  char magic[sizeof(LITE_PLAN_MAGIC)];
  *is_plan = fread(magic, 1, sizeof(magic), file) == sizeof(magic) &&
             memcmp(magic, LITE_PLAN_MAGIC, sizeof(magic)) == 0;
  fclose(file);
  return TRT_STATUS_OK;
}

static trt_status_t resolve_format(const char *model, const char *weights,
                                   trt_lite_model_format_t requested,
                                   trt_lite_model_format_t *format) {
  *format = requested;
  if (requested != TRT_LITE_MODEL_AUTO)
    return TRT_STATUS_OK;
  bool is_plan;
  trt_status_t status = file_is_plan(model, "model", &is_plan);
  if (status != TRT_STATUS_OK)
    return status;
  if (is_plan)
    *format = TRT_LITE_MODEL_PLAN;
  else if (weights || has_suffix(model, ".prototxt") || has_suffix(model, ".pbtxt"))
    *format = TRT_LITE_MODEL_CAFFE;
  else
    *format = TRT_LITE_MODEL_ONNX;
  return TRT_STATUS_OK;
}

static const char *format_name(trt_lite_model_format_t format) {
  switch (format) {
  case TRT_LITE_MODEL_AUTO: return "auto";
  case TRT_LITE_MODEL_ONNX: return "onnx";
  case TRT_LITE_MODEL_CAFFE: return "caffe";
  case TRT_LITE_MODEL_PLAN: return "plan";
  }
  return "?";
}

static int network_input_named(const trt_network_t *network, const char *name) {
  for (int i = 0; i < trt_network_num_inputs(network); i++) {
    int tensor = trt_network_input(network, i);
    if (strcmp(trt_network_tensor_name(network, tensor), name) == 0)
      return tensor;
  }
  return -1;
}

/* "name:dims,..." as giexec's --shapes, each split at its last ':'. */
static trt_status_t apply_shapes(trt_network_t *network, const char *shapes) {
  const char *cursor = shapes, *item;
  size_t length;
  while (trt_list_next(&cursor, &item, &length)) {
    char entry[512];
    if (length == 0)
      continue;
    if (length >= sizeof(entry))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "input_shapes: entry '%.40s...' is too long",
                       item);
    memcpy(entry, item, length);
    entry[length] = '\0';
    char *colon = strrchr(entry, ':');
    if (!colon || colon == entry || colon[1] == '\0')
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "input_shapes: '%s' is not name:dims (such as x:1x3x224x224)", entry);
    *colon = '\0';
    trt_dims_t dims;
    if (trt_dims_parse(colon + 1, &dims) != TRT_STATUS_OK)
      return trt_error_prefix(TRT_STATUS_INVALID_ARGUMENT, "input_shapes: ");
    if (network_input_named(network, entry) < 0)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "input_shapes: the model has no input named '%s'", entry);
    trt_status_t status = trt_network_set_input_dims(network, entry, &dims);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "input_shapes: ");
  }
  return TRT_STATUS_OK;
}

/* The options' output names replace the model's outputs (as giexec's --output). */
static trt_status_t apply_outputs(trt_network_t *network, const trt_lite_options_t *options) {
  if (options->nb_output_names == 0)
    return TRT_STATUS_OK;
  for (int i = 0; i < options->nb_output_names; i++) {
    if (trt_network_find_tensor(network, options->output_names[i]) < 0)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the model has no tensor named '%s'",
                       options->output_names[i]);
  }
  while (trt_network_num_outputs(network) > 0) {
    trt_status_t status = trt_network_unmark_output(network, trt_network_output(network, 0));
    if (status != TRT_STATUS_OK)
      return status;
  }
  for (int i = 0; i < options->nb_output_names; i++) {
    int tensor = trt_network_find_tensor(network, options->output_names[i]);
    bool repeated = false;
    for (int j = 0; j < trt_network_num_outputs(network); j++)
      repeated = repeated || trt_network_output(network, j) == tensor;
    trt_status_t status = repeated ? TRT_STATUS_OK : trt_network_mark_output(network, tensor);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

/* Caffe's first input dimension is the batch, whatever number the deploy
 * file gives: made dynamic so that the engine runs 1..max_batch items (the
 * importer's layers take the batch from their inputs). Done on the IR
 * directly: trt_network_set_input_dims only fills in unknown dims. */
static void make_batch_dynamic(trt_network_t *network) {
  for (int i = 0; i < network->nb_inputs; i++) {
    trt_tensor_t *input = &network->tensors[network->inputs[i]];
    if (input->dims.nb_dims > 0)
      input->dims.d[0] = -1;
  }
}

static trt_status_t parse_model(const char *model, const char *weights,
                                trt_lite_model_format_t format, const trt_lite_options_t *options,
                                trt_network_t **network_out) {
  *network_out = NULL;
  trt_network_t *network = trt_network_create();
  if (!network)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a network");
  trt_status_t status;
  if (format == TRT_LITE_MODEL_CAFFE) {
    trt_caffe_options_t caffe;
    trt_caffe_options_init(&caffe);
    caffe.seed = options->seed;
    caffe.outputs = options->output_names;
    caffe.nb_outputs = options->nb_output_names;
    status = trt_caffe_parse(network, model, weights, &caffe);
    if (status == TRT_STATUS_OK)
      make_batch_dynamic(network);
  } else {
    status = trt_onnx_parse(network, model);
    if (status == TRT_STATUS_OK)
      status = apply_outputs(network, options);
  }
  if (status == TRT_STATUS_OK && options->input_shapes)
    status = apply_shapes(network, options->input_shapes);
  for (int i = 0; status == TRT_STATUS_OK && i < options->nb_input_names; i++) {
    if (network_input_named(network, options->input_names[i]) < 0)
      status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: the model has no input named '%s'",
                         model, options->input_names[i]);
  }
  if (status != TRT_STATUS_OK) {
    trt_network_destroy(network);
    return status;
  }
  *network_out = network;
  return TRT_STATUS_OK;
}

/* ---- the engine cache -------------------------------------------------------
 * The rule of the element's cache (gst/trtmodel.c, GLib-bound), with the
 * engine's API: the key covers the model's and weights' bytes, the options
 * the engine depends on, the library version and the target (backend as
 * resolved, the device's identity, precision). */

static trt_status_t digest_file(const char *path, const char *what, uint64_t *digest) {
  *digest = 0;
  if (!path)
    return TRT_STATUS_OK;
  void *data;
  size_t size;
  trt_status_t status = trt_file_read_all(path, &data, &size);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "%s: ", what);
  *digest = trt_plan_checksum(data, size);
  free(data);
  return TRT_STATUS_OK;
}

static void append_names(char *text, size_t size, const char *label, const char *const *names,
                         int count) {
  size_t used = strlen(text);
  snprintf(text + used, size - used, "; %s", label);
  for (int i = 0; i < count; i++) {
    used = strlen(text);
    snprintf(text + used, size - used, "%s%s", i ? "," : " ", names[i]);
  }
}

static trt_status_t cache_key(const char *model, const char *weights,
                              trt_lite_model_format_t format, const trt_lite_options_t *options,
                              const trt_builder_config_t *config, char *key, size_t key_size) {
  trt_backend_t backend;
  trt_status_t status = trt_backend_resolve(config->backend, config->device, &backend);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "backend %s: ", trt_backend_name(config->backend));
  char identity[512] = "cpu";
  if (backend == TRT_BACKEND_CUDA &&
      (status = trt_cuda_device_describe(config->device, identity, sizeof(identity))) !=
          TRT_STATUS_OK)
    return status;
  uint64_t model_digest, weights_digest;
  status = digest_file(model, "model", &model_digest);
  if (status == TRT_STATUS_OK)
    status = digest_file(weights, "weights", &weights_digest);
  if (status != TRT_STATUS_OK)
    return status;
  char text[LITE_KEY_TEXT];
  snprintf(text, sizeof(text),
           "lite; engine %s; format %s; precision %s; max-batch %d; workspace %zu; backend %s; "
           "device %s; shapes %s; seed %" PRIu64,
           trt_version_string(), format_name(format), trt_precision_name(config->precision),
           config->max_batch, config->workspace, trt_backend_name(backend), identity,
           options->input_shapes ? options->input_shapes : "",
           weights ? (uint64_t)0 : options->seed);
  append_names(text, sizeof(text), "inputs", options->input_names, options->nb_input_names);
  append_names(text, sizeof(text), "outputs", options->output_names, options->nb_output_names);
  snprintf(key, key_size, "lite-%016" PRIx64 "%016" PRIx64 "%016" PRIx64, model_digest,
           weights_digest, trt_plan_checksum(text, strlen(text)));
  return TRT_STATUS_OK;
}

static bool same_file(const char *a, const char *b) {
  struct stat info_a, info_b;
  if (!a || !b)
    return false;
  if (stat(a, &info_a) == 0 && stat(b, &info_b) == 0)
    return info_a.st_dev == info_b.st_dev && info_a.st_ino == info_b.st_ino;
  return strcmp(a, b) == 0;
}

/* Loads the cache when it holds this key's engine (*engine NULL when not,
 * with the reason logged); refuses a cache path that is not a plan file. */
static trt_status_t cache_load(const char *path, const char *key,
                               const trt_builder_config_t *config, trt_engine_t **engine) {
  *engine = NULL;
  struct stat info;
  if (stat(path, &info) != 0)
    return TRT_STATUS_OK; /* not there yet: built and written */
  if (!S_ISREG(info.st_mode))
    return trt_error(TRT_STATUS_IO_ERROR, "engine cache '%s' is %s, not a plan file", path,
                     trt_file_kind((unsigned)info.st_mode));
  bool is_plan = false;
  if (info.st_size > 0) {
    trt_status_t status = file_is_plan(path, "engine cache", &is_plan);
    if (status != TRT_STATUS_OK)
      return status;
    if (!is_plan)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "engine cache '%s' exists and is not a plan file: not replacing it", path);
  }
  if (is_plan && trt_engine_load(path, key, config, engine) != TRT_STATUS_OK)
    trt_log(TRT_SEVERITY_INFO, "engine cache '%s' does not hold this engine (%s): building it",
            path, trt_last_error());
  return TRT_STATUS_OK;
}

/* ---- create ------------------------------------------------------------------ */

static trt_status_t check_options(const char *model, const trt_lite_options_t *options) {
  if (!model || !*model)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "no model: give an ONNX, Caffe or plan file");
  if (options->max_batch < 1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "max_batch %d: it must be 1 or more",
                     options->max_batch);
  if ((options->nb_input_names < 0 || (options->nb_input_names > 0 && !options->input_names)) ||
      (options->nb_output_names < 0 || (options->nb_output_names > 0 && !options->output_names)))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "input_names or output_names: a count without "
                                                  "names");
  for (int i = 0; i < options->nb_input_names; i++)
    if (!options->input_names[i])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "input_names[%d] is NULL", i);
  for (int i = 0; i < options->nb_output_names; i++)
    if (!options->output_names[i])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "output_names[%d] is NULL", i);
  if (options->nb_plugin_libraries < 0 ||
      (options->nb_plugin_libraries > 0 && !options->plugin_libraries))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "plugin_libraries: a count without paths");
  if (options->engine_cache && same_file(options->engine_cache, model))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "engine_cache '%s' is the model file: writing it would replace the model",
                     options->engine_cache);
  return TRT_STATUS_OK;
}

static void builder_config(const trt_lite_options_t *options, trt_builder_config_t *config) {
  trt_builder_config_init(config);
  config->backend = options->backend;
  config->device = options->device;
  config->max_batch = options->max_batch;
  if (options->workspace > 0)
    config->workspace = options->workspace;
  config->precision = options->precision;
  config->cpu_threads = options->cpu_threads;
  config->verbose = options->logger && options->log_severity >= TRT_SEVERITY_VERBOSE;
  if (options->precision == TRT_PRECISION_INT8 && options->calibrator)
    config->calibration_cache_path = options->calibrator->cache_path;
}

/* The engine: the plan, or the cache's engine, or a build (written to the
 * cache when there is one). */
static trt_status_t make_engine(trt_lite_t *lite, const char *model, const char *weights,
                                const trt_lite_options_t *options,
                                const trt_builder_config_t *config) {
  trt_lite_model_format_t format;
  trt_status_t status = resolve_format(model, weights, options->format, &format);
  if (status != TRT_STATUS_OK)
    return status;
  if (format == TRT_LITE_MODEL_PLAN) {
    if (options->engine_cache)
      trt_log(TRT_SEVERITY_WARNING, "engine_cache '%s' is ignored: '%s' is already a plan",
              options->engine_cache, model);
    lite->loaded_from_plan = true;
    status = trt_engine_load(model, NULL, config, &lite->engine);
    return status == TRT_STATUS_OK ? status : trt_error_prefix(status, "%s: ", model);
  }
  if (weights && same_file(options->engine_cache, weights))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "engine_cache '%s' is the weights file: writing it would replace the weights",
                     options->engine_cache);

  char key[128] = "";
  if (options->engine_cache) {
    status = cache_key(model, weights, format, options, config, key, sizeof(key));
    if (status == TRT_STATUS_OK)
      status = cache_load(options->engine_cache, key, config, &lite->engine);
    if (status != TRT_STATUS_OK || lite->engine) {
      lite->loaded_from_plan = lite->engine != NULL;
      return status;
    }
  }
  trt_network_t *network = NULL;
  status = parse_model(model, weights, format, options, &network);
  if (status == TRT_STATUS_OK)
    status = trt_engine_build(network, config, &lite->engine);
  trt_network_destroy(network);
  if (status == TRT_STATUS_OK && options->engine_cache) {
    if (trt_engine_save(lite->engine, options->engine_cache, key) == TRT_STATUS_OK)
      trt_log(TRT_SEVERITY_INFO, "engine written to '%s'", options->engine_cache);
    else
      trt_log(TRT_SEVERITY_WARNING,
              "could not write engine cache '%s' (%s): the engine will be built again next time",
              options->engine_cache, trt_last_error());
  }
  return status;
}

static void *zalloc(size_t count, size_t size) {
  return calloc(count ? count : 1, size);
}

/* Lite inputs: the options' names first, then the model's other inputs;
 * Lite outputs: the engine's outputs, in the options' order when named. */
static trt_status_t map_bindings(trt_lite_t *lite, const trt_lite_options_t *options) {
  const trt_engine_t *engine = lite->engine;
  lite->nb_bindings = trt_engine_num_bindings(engine);
  lite->input_bindings = zalloc((size_t)lite->nb_bindings, sizeof(int));
  lite->output_bindings = zalloc((size_t)lite->nb_bindings, sizeof(int));
  lite->bindings = zalloc((size_t)lite->nb_bindings, sizeof(void *));
  lite->host_scratch = zalloc((size_t)lite->nb_bindings, sizeof(void *));
  if (!lite->input_bindings || !lite->output_bindings || !lite->bindings || !lite->host_scratch)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the bindings");
  for (int i = 0; i < options->nb_input_names; i++) {
    int binding = trt_engine_find_binding(engine, options->input_names[i]);
    if (binding < 0 || !trt_engine_binding_is_input(engine, binding))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the engine has no input named '%s'",
                       options->input_names[i]);
    for (int j = 0; j < lite->nb_inputs; j++)
      if (lite->input_bindings[j] == binding)
        return trt_error(TRT_STATUS_INVALID_ARGUMENT, "input '%s' is named twice",
                         options->input_names[i]);
    lite->input_bindings[lite->nb_inputs++] = binding;
  }
  for (int b = 0; b < lite->nb_bindings; b++) {
    if (!trt_engine_binding_is_input(engine, b))
      continue;
    bool named = false;
    for (int j = 0; j < lite->nb_inputs; j++)
      named = named || lite->input_bindings[j] == b;
    if (!named)
      lite->input_bindings[lite->nb_inputs++] = b;
  }
  for (int i = 0; i < options->nb_output_names; i++) {
    int binding = trt_engine_find_binding(engine, options->output_names[i]);
    if (binding < 0 || trt_engine_binding_is_input(engine, binding))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the engine has no output named '%s'",
                       options->output_names[i]);
    bool repeated = false;
    for (int j = 0; j < lite->nb_outputs; j++)
      repeated = repeated || lite->output_bindings[j] == binding;
    if (!repeated)
      lite->output_bindings[lite->nb_outputs++] = binding;
  }
  for (int b = 0; b < lite->nb_bindings; b++) {
    if (trt_engine_binding_is_input(engine, b))
      continue;
    bool named = false;
    for (int j = 0; j < lite->nb_outputs; j++)
      named = named || lite->output_bindings[j] == b;
    if (!named)
      lite->output_bindings[lite->nb_outputs++] = b;
  }
  return TRT_STATUS_OK;
}

/* CUDA: the stream and device buffers trt_lite_infer copies through. */
static trt_status_t prepare_device(trt_lite_t *lite, const trt_lite_options_t *options) {
  if (trt_engine_backend(lite->engine) != TRT_BACKEND_CUDA)
    return TRT_STATUS_OK;
  lite->device = options->device;
  trt_status_t status = trt_set_device(options->device);
  if (status == TRT_STATUS_OK)
    status = trt_stream_create(&lite->stream);
  lite->device_buffers = zalloc((size_t)lite->nb_bindings, sizeof(void *));
  if (status == TRT_STATUS_OK && !lite->device_buffers)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the bindings");
  int max_batch = trt_engine_max_batch(lite->engine);
  for (int b = 0; status == TRT_STATUS_OK && b < lite->nb_bindings; b++) {
    size_t bytes = binding_bytes(lite->engine, b, max_batch);
    status = trt_device_malloc(&lite->device_buffers[b], bytes ? bytes : 1);
  }
  return status;
}

trt_status_t trt_lite_create(const char *model, const char *weights,
                             const trt_lite_options_t *options_or_null, trt_lite_t **lite_out) {
  if (!lite_out)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_lite_create: lite is NULL");
  *lite_out = NULL;
  trt_lite_options_t defaults;
  trt_lite_options_init(&defaults);
  const trt_lite_options_t *options = options_or_null ? options_or_null : &defaults;
  trt_lite_t *lite = calloc(1, sizeof(*lite));
  lite_logger_t logger = {options->logger, options->logger_data, options->log_severity};
  lite_scope_t scope;
  scope_enter(&scope, &logger);
  if (!lite)
    return scope_leave(&scope, trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory"));
  lite->logger = logger;

  trt_builder_config_t config;
  builder_config(options, &config);
  trt_status_t status = check_options(model, options);
  if (status == TRT_STATUS_OK && (status = trt_builder_config_check(&config)) != TRT_STATUS_OK)
    trt_error_prefix(status, "precision %s: ", trt_precision_name(options->precision));
  /* Plugins first: the importers and plans look their layers up. */
  for (int i = 0; status == TRT_STATUS_OK && i < options->nb_plugin_libraries; i++) {
    const char *path = options->plugin_libraries[i];
    if (!path)
      status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plugin_libraries[%d] is NULL", i);
    else if ((status = trt_plugin_load_library(path)) != TRT_STATUS_OK)
      trt_error_prefix(status, "plugin_libraries: ");
  }
  if (status == TRT_STATUS_OK)
    status = make_engine(lite, model, weights, options, &config);
  if (status == TRT_STATUS_OK)
    status = map_bindings(lite, options);
  if (status == TRT_STATUS_OK)
    status = trt_context_create(lite->engine, &lite->context);
  if (status == TRT_STATUS_OK && options->profiler)
    trt_context_set_profiler(lite->context, options->profiler, options->profiler_data);
  if (status == TRT_STATUS_OK)
    status = prepare_device(lite, options);
  if (status != TRT_STATUS_OK) {
    trt_lite_destroy(lite);
    return scope_leave(&scope, status);
  }
  *lite_out = lite;
  return scope_leave(&scope, status);
}

void trt_lite_destroy(trt_lite_t *lite) {
  if (!lite)
    return;
  if (lite->stream) {
    trt_set_device(lite->device);
    trt_stream_synchronize(lite->stream);
  }
  for (int b = 0; lite->device_buffers && b < lite->nb_bindings; b++)
    trt_device_free(lite->device_buffers[b]);
  for (int b = 0; lite->host_scratch && b < lite->nb_bindings; b++)
    free(lite->host_scratch[b]);
  if (lite->stream)
    trt_stream_destroy(lite->stream);
  trt_context_destroy(lite->context);
  trt_engine_destroy(lite->engine);
  free(lite->device_buffers);
  free(lite->host_scratch);
  free(lite->bindings);
  free(lite->input_bindings);
  free(lite->output_bindings);
  free(lite);
}

/* ---- running -------------------------------------------------------------- */

static trt_status_t check_batch(const trt_lite_t *lite, int batch) {
  int max_batch = trt_engine_max_batch(lite->engine);
  if (batch < 1 || batch > max_batch)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "batch %d is outside 1..%d (the engine's maximum batch%s)", batch, max_batch,
                     max_batch == 1 ? "; build with max_batch for more" : "");
  return TRT_STATUS_OK;
}

static trt_status_t check_pointers(const trt_lite_t *lite, const void *const *inputs,
                                   void *const *outputs) {
  if (lite->nb_inputs > 0 && !inputs)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "inputs is NULL; the engine has %d",
                     lite->nb_inputs);
  if (!outputs)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "outputs is NULL; the engine has %d",
                     lite->nb_outputs);
  for (int i = 0; i < lite->nb_inputs; i++)
    if (!inputs[i])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "no buffer for input '%s' (index %d)",
                       trt_lite_input_name(lite, i), i);
  for (int i = 0; i < lite->nb_outputs; i++)
    if (!outputs[i])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "no buffer for output '%s' (index %d)",
                       trt_lite_output_name(lite, i), i);
  return TRT_STATUS_OK;
}

static void set_bindings(trt_lite_t *lite, const void *const *inputs, void *const *outputs) {
  for (int i = 0; i < lite->nb_inputs; i++)
    lite->bindings[lite->input_bindings[i]] = (void *)inputs[i];
  for (int i = 0; i < lite->nb_outputs; i++)
    lite->bindings[lite->output_bindings[i]] = outputs[i];
}

/* CUDA: host inputs in, the engine on the Lite stream, host outputs out. */
static trt_status_t infer_through_device(trt_lite_t *lite, int batch, const void *const *inputs,
                                         void *const *outputs) {
  trt_status_t status = trt_set_device(lite->device);
  for (int i = 0; status == TRT_STATUS_OK && i < lite->nb_inputs; i++) {
    int b = lite->input_bindings[i];
    status = trt_memcpy_host_to_device(lite->device_buffers[b], inputs[i],
                                       binding_bytes(lite->engine, b, batch), lite->stream);
  }
  if (status == TRT_STATUS_OK)
    status = trt_context_enqueue(lite->context, batch, lite->device_buffers, lite->stream);
  for (int i = 0; status == TRT_STATUS_OK && i < lite->nb_outputs; i++) {
    int b = lite->output_bindings[i];
    status = trt_memcpy_device_to_host(outputs[i], lite->device_buffers[b],
                                       binding_bytes(lite->engine, b, batch), lite->stream);
  }
  trt_status_t synchronized = trt_stream_synchronize(lite->stream);
  return status != TRT_STATUS_OK ? status : synchronized;
}

static trt_status_t infer(trt_lite_t *lite, int batch, const void *const *inputs,
                          void *const *outputs) {
  trt_status_t status = check_batch(lite, batch);
  if (status == TRT_STATUS_OK)
    status = check_pointers(lite, inputs, outputs);
  if (status != TRT_STATUS_OK)
    return status;
  if (lite->device_buffers)
    return infer_through_device(lite, batch, inputs, outputs);
  set_bindings(lite, inputs, outputs);
  return trt_context_execute(lite->context, batch, lite->bindings);
}

trt_status_t trt_lite_infer(trt_lite_t *lite, int batch, const void *const *inputs,
                            void *const *outputs) {
  if (!lite)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_lite_infer: lite is NULL");
  lite_scope_t scope;
  scope_enter(&scope, &lite->logger);
  return scope_leave(&scope, infer(lite, batch, inputs, outputs));
}

static void list_names(const trt_lite_t *lite, bool is_input, char *text, size_t size) {
  int count = is_input ? lite->nb_inputs : lite->nb_outputs;
  text[0] = '\0';
  for (int i = 0; i < count; i++) {
    size_t used = strlen(text);
    snprintf(text + used, size - used, "%s%s", i ? ", " : "",
             is_input ? trt_lite_input_name(lite, i) : trt_lite_output_name(lite, i));
  }
}

static trt_status_t unknown_name(const trt_lite_t *lite, bool is_input, const char *name) {
  char names[512];
  list_names(lite, is_input, names, sizeof(names));
  return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the engine has no %s named '%s' (its %ss: %s)",
                   is_input ? "input" : "output", name ? name : "(null)",
                   is_input ? "input" : "output", names);
}

static trt_status_t infer_named(trt_lite_t *lite, int batch, const trt_lite_buffer_t *inputs,
                                int nb_inputs, const trt_lite_buffer_t *outputs, int nb_outputs) {
  if ((nb_inputs > 0 && !inputs) || (nb_outputs > 0 && !outputs) || nb_inputs < 0 || nb_outputs < 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "a buffer count without buffers");
  trt_status_t status = check_batch(lite, batch);
  if (status != TRT_STATUS_OK)
    return status;
  const void **ordered_inputs = zalloc((size_t)lite->nb_inputs, sizeof(void *));
  void **ordered_outputs = zalloc((size_t)lite->nb_outputs, sizeof(void *));
  if (!ordered_inputs || !ordered_outputs)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; status == TRT_STATUS_OK && i < nb_inputs; i++) {
    int index = trt_lite_find_input(lite, inputs[i].name);
    if (index < 0)
      status = unknown_name(lite, true, inputs[i].name);
    else if (ordered_inputs[index])
      status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "input '%s' is given twice", inputs[i].name);
    else
      ordered_inputs[index] = inputs[i].data;
  }
  for (int i = 0; status == TRT_STATUS_OK && i < nb_outputs; i++) {
    int index = trt_lite_find_output(lite, outputs[i].name);
    if (index < 0)
      status = unknown_name(lite, false, outputs[i].name);
    else
      ordered_outputs[index] = outputs[i].data;
  }
  /* Outputs not asked for still need memory. */
  int max_batch = trt_engine_max_batch(lite->engine);
  for (int i = 0; status == TRT_STATUS_OK && i < lite->nb_outputs; i++) {
    if (ordered_outputs[i])
      continue;
    int b = lite->output_bindings[i];
    if (!lite->host_scratch[b])
      lite->host_scratch[b] = zalloc(binding_bytes(lite->engine, b, max_batch), 1);
    if (!lite->host_scratch[b])
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for output '%s'",
                         trt_lite_output_name(lite, i));
    ordered_outputs[i] = lite->host_scratch[b];
  }
  if (status == TRT_STATUS_OK)
    status = infer(lite, batch, ordered_inputs, ordered_outputs);
  free(ordered_inputs);
  free(ordered_outputs);
  return status;
}

trt_status_t trt_lite_infer_named(trt_lite_t *lite, int batch, const trt_lite_buffer_t *inputs,
                                  int nb_inputs, const trt_lite_buffer_t *outputs, int nb_outputs) {
  if (!lite)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_lite_infer_named: lite is NULL");
  lite_scope_t scope;
  scope_enter(&scope, &lite->logger);
  return scope_leave(&scope, infer_named(lite, batch, inputs, nb_inputs, outputs, nb_outputs));
}

trt_status_t trt_lite_enqueue(trt_lite_t *lite, int batch, const void *const *inputs,
                              void *const *outputs, void *stream) {
  if (!lite)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_lite_enqueue: lite is NULL");
  lite_scope_t scope;
  scope_enter(&scope, &lite->logger);
  trt_status_t status = check_batch(lite, batch);
  if (status == TRT_STATUS_OK)
    status = check_pointers(lite, inputs, outputs);
  if (status == TRT_STATUS_OK && lite->device_buffers)
    status = trt_set_device(lite->device);
  if (status == TRT_STATUS_OK) {
    set_bindings(lite, inputs, outputs);
    status = trt_context_enqueue(lite->context, batch, lite->bindings, stream);
  }
  return scope_leave(&scope, status);
}

trt_status_t trt_lite_synchronize(trt_lite_t *lite) {
  if (!lite)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_lite_synchronize: lite is NULL");
  lite_scope_t scope;
  scope_enter(&scope, &lite->logger);
  return scope_leave(&scope, trt_context_synchronize(lite->context));
}
