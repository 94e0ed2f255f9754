/* Runs ONNX's own per-operator conformance tests (Debian's libonnx-testdata)
 * on the CPU backend.
 *
 *   onnx_conformance [root] [--filter=conv] [--no-fork] [--backend=cpu|cuda]
 *
 * root defaults to $ONNX_TESTDATA, then /usr/share/libonnx-testdata/data;
 * when it is absent the program exits 77 (meson's "skipped"). Each test is a
 * folder holding model.onnx and test_data_set_N folders of input_N.pb and
 * output_N.pb files. A test is SKIPPED when the engine reports the model
 * unsupported (an operator or a data type it lacks), and FAILS on anything
 * else: parse errors, shape errors, wrong numbers. Each test runs in a
 * child process so that a crash or a hang is one failure, not the end of
 * the run. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "numerics/element.h"
#include "onnx/onnx_internal.h" /* trt_onnx_read_tensor */
#include "trt/trt.h"

#define DEFAULT_TESTDATA_ROOT "/usr/share/libonnx-testdata/data"
#define EXIT_SKIPPED 77

/* ONNX's backend-test tolerance (onnx/backend/test/runner: rtol 1e-3, atol
 * 1e-7): |actual - expected| <= ATOL + RTOL * |expected|. */
#define RTOL 1e-3
#define ATOL 1e-7

#define TEST_TIMEOUT_SECONDS 120

/* --backend: the CPU reference by default; cuda runs on the GPU with the
 * bindings staged in device memory. */
static trt_backend_t backend = TRT_BACKEND_CPU;
#define MESSAGE_SIZE 2048
#define MAX_TENSORS 64

static const char *const test_folders[] = {"node", "pytorch-converted", "pytorch-operator",
                                           "simple"};
#define NB_TEST_FOLDERS (int)(sizeof(test_folders) / sizeof(test_folders[0]))

typedef enum { OUTCOME_PASS = 0, OUTCOME_SKIP, OUTCOME_FAIL } outcome_t;

typedef struct {
  outcome_t outcome;
  /* Shape operands given as graph inputs were turned into constants. */
  bool froze_shape_operands;
  char message[MESSAGE_SIZE]; /* skip reason or failure detail */
} test_result_t;

static test_result_t make_result(outcome_t outcome, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static test_result_t make_result(outcome_t outcome, const char *format, ...) {
  test_result_t result = {.outcome = outcome};
  va_list args;
  va_start(args, format);
  vsnprintf(result.message, sizeof(result.message), format, args);
  va_end(args);
  return result;
}

/* Engine messages start with the model's path; the report names the test
 * already, so drop it. */
static const char *strip_path(const char *message, const char *path) {
  size_t length = strlen(path);
  if (strncmp(message, path, length) == 0) {
    message += length;
    while (*message == ':' || *message == ' ')
      message++;
  }
  return message;
}

/* UNSUPPORTED is a skip; every other status is a failure. */
static test_result_t engine_result(trt_status_t status, const char *stage, const char *path) {
  const char *message = strip_path(trt_last_error(), path);
  if (status == TRT_STATUS_UNSUPPORTED)
    return make_result(OUTCOME_SKIP, "%s", message);
  return make_result(OUTCOME_FAIL, "%s: %s: %s", stage, trt_status_name(status), message);
}

/* ---- a directory's entries, sorted ------------------------------------- */

typedef struct {
  char **names;
  int count;
} name_list_t;

static void name_list_free(name_list_t *list) {
  for (int i = 0; i < list->count; i++)
    free(list->names[i]);
  free(list->names);
  list->names = NULL;
  list->count = 0;
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of `directory` whose name starts with `prefix`, sorted. */
static bool list_directory(const char *directory, const char *prefix, name_list_t *list) {
  list->names = NULL;
  list->count = 0;
  DIR *dir = opendir(directory);
  if (!dir)
    return false;
  int capacity = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] == '.' || strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
      continue;
    if (list->count == capacity) {
      capacity = capacity ? 2 * capacity : 64;
      char **grown = realloc(list->names, sizeof(char *) * (size_t)capacity);
      if (!grown)
        break;
      list->names = grown;
    }
    list->names[list->count] = strdup(entry->d_name);
    if (list->names[list->count])
      list->count++;
  }
  closedir(dir);
  qsort(list->names, (size_t)list->count, sizeof(char *), compare_names);
  return true;
}

static bool file_exists(const char *path) {
  struct stat info;
  return stat(path, &info) == 0;
}

static bool is_directory(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISDIR(info.st_mode);
}

/* ---- tensors from .pb files --------------------------------------------- */

typedef struct {
  char *name;
  trt_data_type_t type;
  trt_dims_t dims;
  void *data;
} tensor_file_t;

static void tensor_files_free(tensor_file_t *tensors, int count) {
  for (int i = 0; i < count; i++) {
    free(tensors[i].name);
    free(tensors[i].data);
  }
}

/* Reads <data_set>/<prefix>_0.pb, _1.pb, ... until one is missing. */
static test_result_t read_tensor_files(const char *data_set, const char *prefix,
                                       tensor_file_t *tensors, int *count) {
  *count = 0;
  for (int i = 0; i < MAX_TENSORS; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s_%d.pb", data_set, prefix, i);
    if (!file_exists(path))
      break;
    tensor_file_t *tensor = &tensors[*count];
    memset(tensor, 0, sizeof(*tensor));
    trt_status_t status =
        trt_onnx_read_tensor(path, &tensor->name, &tensor->type, &tensor->dims, &tensor->data);
    if (status == TRT_STATUS_UNSUPPORTED)
      return make_result(OUTCOME_SKIP, "%s", strip_path(trt_last_error(), path));
    if (status != TRT_STATUS_OK)
      return make_result(OUTCOME_FAIL, "reading %s_%d.pb: %s: %s", prefix, i,
                         trt_status_name(status), strip_path(trt_last_error(), path));
    (*count)++;
  }
  return make_result(OUTCOME_PASS, "%s", "");
}

/* ---- comparing outputs -------------------------------------------------- */

static bool data_type_is_float(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16 ||
         type == TRT_DATA_TYPE_FLOAT64;
}

/* Elements read with numerics/element.h: floats (float16 included) as
 * doubles; integers and bools, which compare exactly (bools by truth
 * value), as int64. */
static double float_element(trt_data_type_t type, const void *data, int64_t index) {
  return trt_element_as_double(data, type, index);
}

static int64_t integer_element(trt_data_type_t type, const void *data, int64_t index) {
  return trt_element_as_int64(data, type, index);
}

static bool floats_close(double actual, double expected) {
  if (actual == expected || (isnan(actual) && isnan(expected)))
    return true;
  return fabs(actual - expected) <= ATOL + RTOL * fabs(expected);
}

static test_result_t compare_output(int index, const char *name, trt_data_type_t type,
                                    const trt_dims_t *dims, const void *actual,
                                    const tensor_file_t *expected) {
  char actual_dims[128], expected_dims[128];
  if (type != expected->type)
    return make_result(OUTCOME_FAIL, "output %d '%s': type %s, expected %s", index, name,
                       trt_data_type_name(type), trt_data_type_name(expected->type));
  if (!trt_dims_equal(dims, &expected->dims))
    return make_result(OUTCOME_FAIL, "output %d '%s': dims %s, expected %s", index, name,
                       trt_dims_format(dims, actual_dims, sizeof(actual_dims)),
                       trt_dims_format(&expected->dims, expected_dims, sizeof(expected_dims)));
  int64_t volume = trt_dims_volume(dims);
  int64_t mismatches = 0, first = -1, worst = -1;
  double worst_error = 0.0;
  for (int64_t i = 0; i < volume; i++) {
    bool equal;
    double error = 0.0;
    if (data_type_is_float(type)) {
      double a = float_element(type, actual, i), b = float_element(type, expected->data, i);
      equal = floats_close(a, b);
      error = isnan(a - b) ? INFINITY : fabs(a - b);
    } else {
      equal = integer_element(type, actual, i) == integer_element(type, expected->data, i);
      error = 1.0;
    }
    if (!equal) {
      mismatches++;
      if (first < 0)
        first = i;
      if (worst < 0 || error > worst_error) {
        worst = i;
        worst_error = error;
      }
    }
  }
  if (mismatches == 0)
    return make_result(OUTCOME_PASS, "%s", "");
  if (data_type_is_float(type))
    return make_result(OUTCOME_FAIL,
                       "output %d '%s' (%s): %lld of %lld values differ; first [%lld] got %.9g "
                       "expected %.9g; worst [%lld] got %.9g expected %.9g",
                       index, name, trt_dims_format(dims, actual_dims, sizeof(actual_dims)),
                       (long long)mismatches, (long long)volume, (long long)first,
                       float_element(type, actual, first),
                       float_element(type, expected->data, first), (long long)worst,
                       float_element(type, actual, worst),
                       float_element(type, expected->data, worst));
  return make_result(OUTCOME_FAIL,
                     "output %d '%s' (%s %s): %lld of %lld values differ; first [%lld] got %lld "
                     "expected %lld",
                     index, name, trt_data_type_name(type),
                     trt_dims_format(dims, actual_dims, sizeof(actual_dims)),
                     (long long)mismatches, (long long)volume, (long long)first,
                     (long long)integer_element(type, actual, first),
                     (long long)integer_element(type, expected->data, first));
}

/* ---- one data set ------------------------------------------------------- */

/* The parsed network's input that a .pb file feeds: by name when the file
 * has one, else the graph input at the same position. */
static int input_for_file(const trt_network_t *network, const tensor_file_t *file, int position) {
  if (file->name && file->name[0]) {
    for (int i = 0; i < trt_network_num_inputs(network); i++)
      if (strcmp(trt_network_tensor_name(network, trt_network_input(network, i)), file->name) == 0)
        return i;
  }
  return position < trt_network_num_inputs(network) ? position : -1;
}

/* Pairs every network input with its file; the types must agree. */
static test_result_t match_inputs(const trt_network_t *network, const tensor_file_t *inputs,
                                  int nb_inputs, const tensor_file_t **file_of_input) {
  int nb_network_inputs = trt_network_num_inputs(network);
  if (nb_inputs != nb_network_inputs)
    return make_result(OUTCOME_FAIL, "the data set has %d inputs, the network %d", nb_inputs,
                       nb_network_inputs);
  for (int i = 0; i < nb_inputs; i++) {
    int input = input_for_file(network, &inputs[i], i);
    if (input < 0 || file_of_input[input])
      return make_result(OUTCOME_FAIL, "input_%d.pb ('%s') matches no free network input", i,
                         inputs[i].name ? inputs[i].name : "");
    file_of_input[input] = &inputs[i];
    int tensor = trt_network_input(network, input);
    trt_data_type_t type = trt_network_tensor_type(network, tensor);
    if (type != inputs[i].type)
      return make_result(OUTCOME_FAIL, "input '%s': network type %s, data set type %s",
                         trt_network_tensor_name(network, tensor), trt_data_type_name(type),
                         trt_data_type_name(inputs[i].type));
  }
  return make_result(OUTCOME_PASS, "%s", "");
}

/* Operands that the engine needs constant at build time (network.h: shape
 * operands "must be constant once input shapes are fixed"). */
static bool is_shape_operand(trt_layer_type_t type, int slot) {
  switch (type) {
  case TRT_LAYER_RESHAPE:
  case TRT_LAYER_REDUCE:
  case TRT_LAYER_SPLIT:
  case TRT_LAYER_TILE:
  case TRT_LAYER_EXPAND:
  case TRT_LAYER_TRILU: return slot == 1;
  case TRT_LAYER_SLICE:
  case TRT_LAYER_PAD:
  case TRT_LAYER_RESIZE: return slot >= 1;
  case TRT_LAYER_CONSTANT_OF_SHAPE: return slot == 0;
  default: return false;
  }
}

/* Marks the network inputs that feed a shape operand directly: ONNX's tests
 * pass Reshape's shape, Slice's starts, Resize's scales, ... as graph
 * inputs, where real models have initializers. Returns how many. */
static int find_shape_operand_inputs(const trt_network_t *network, bool *frozen) {
  int count = 0;
  for (int i = 0; i < trt_network_num_inputs(network); i++) {
    int tensor = trt_network_input(network, i);
    frozen[i] = false;
    for (int layer = 0; layer < trt_network_num_layers(network) && !frozen[i]; layer++) {
      trt_layer_type_t type = trt_network_layer_type(network, layer);
      for (int slot = 0; slot < trt_network_layer_num_inputs(network, layer); slot++)
        if (trt_network_layer_input(network, layer, slot) == tensor &&
            is_shape_operand(type, slot))
          frozen[i] = true;
    }
    count += frozen[i];
  }
  return count;
}

/* Adds `layer` of `source` to `copy`, its tensors renamed through `map`. */
static bool copy_layer(trt_network_t *copy, const trt_network_t *source, int layer, int *map) {
  int nb_inputs = trt_network_layer_num_inputs(source, layer);
  int nb_outputs = trt_network_layer_num_outputs(source, layer);
  int *inputs = malloc(sizeof(int) * (size_t)(nb_inputs > 0 ? nb_inputs : 1));
  const char *output_names[TRT_MAX_LAYER_OUTPUTS];
  if (!inputs || nb_outputs > TRT_MAX_LAYER_OUTPUTS) {
    free(inputs);
    return false;
  }
  for (int i = 0; i < nb_inputs; i++) {
    int tensor = trt_network_layer_input(source, layer, i);
    inputs[i] = tensor < 0 ? -1 : map[tensor];
  }
  for (int i = 0; i < nb_outputs; i++)
    output_names[i] = trt_network_tensor_name(source, trt_network_layer_output(source, layer, i));
  int added = trt_network_add_layer(copy, trt_network_layer_type(source, layer),
                                    trt_network_layer_name(source, layer), inputs, nb_inputs,
                                    output_names, nb_outputs,
                                    trt_network_layer_params(source, layer));
  free(inputs);
  if (added < 0)
    return false;
  for (int i = 0; i < nb_outputs; i++)
    map[trt_network_layer_output(source, layer, i)] = trt_network_layer_output(copy, added, i);
  return true;
}

/* A copy of `source` in which the inputs marked `frozen` are constants
 * holding their data set's values. NULL with trt_last_error() on failure. */
static trt_network_t *freeze_inputs(const trt_network_t *source, const bool *frozen,
                                    const tensor_file_t *const *file_of_input) {
  trt_network_t *copy = trt_network_create();
  int nb_tensors = trt_network_num_tensors(source);
  int *map = malloc(sizeof(int) * (size_t)(nb_tensors > 0 ? nb_tensors : 1));
  bool ok = copy && map;
  for (int t = 0; ok && t < nb_tensors; t++)
    map[t] = -1;
  for (int i = 0; ok && i < trt_network_num_inputs(source); i++) {
    int tensor = trt_network_input(source, i);
    const char *name = trt_network_tensor_name(source, tensor);
    const tensor_file_t *file = file_of_input[i];
    trt_dims_t dims = trt_network_tensor_dims(source, tensor);
    map[tensor] = frozen[i] ? trt_network_add_constant(copy, name, file->type, &file->dims,
                                                       file->data)
                            : trt_network_add_input(copy, name, file->type, &dims);
    ok = map[tensor] >= 0;
  }
  for (int t = 0; ok && t < nb_tensors; t++) {
    const void *data = trt_network_tensor_data(source, t);
    if (map[t] >= 0 || !data)
      continue;
    trt_dims_t dims = trt_network_tensor_dims(source, t);
    map[t] = trt_network_add_constant(copy, trt_network_tensor_name(source, t),
                                      trt_network_tensor_type(source, t), &dims, data);
    ok = map[t] >= 0;
  }
  for (int layer = 0; ok && layer < trt_network_num_layers(source); layer++)
    ok = copy_layer(copy, source, layer, map);
  for (int i = 0; ok && i < trt_network_num_outputs(source); i++)
    ok = trt_network_mark_output(copy, map[trt_network_output(source, i)]) == TRT_STATUS_OK;
  free(map);
  if (!ok && copy) {
    trt_network_destroy(copy);
    copy = NULL;
  }
  return copy;
}

typedef struct {
  trt_network_t *network;
  trt_engine_t *engine;
  trt_context_t *context;
  const tensor_file_t *file_of_input[MAX_TENSORS]; /* by input of the parsed network */
  bool frozen[MAX_TENSORS];                         /* likewise */
  int nb_frozen;
  void *bindings[2 * MAX_TENSORS];
  bool owned[2 * MAX_TENSORS]; /* output buffers we allocated */
} data_set_run_t;

static void data_set_run_free(data_set_run_t *run) {
  for (int i = 0; i < 2 * MAX_TENSORS; i++)
    if (run->owned[i])
      free(run->bindings[i]);
  if (run->context)
    trt_context_destroy(run->context);
  if (run->engine)
    trt_engine_destroy(run->engine);
  if (run->network)
    trt_network_destroy(run->network);
}

/* The network to build: the parsed one with this data set's input dims and
 * its shape operands frozen. */
static test_result_t prepare_network(data_set_run_t *run, const trt_network_t *parsed,
                                     const char *model_path) {
  run->nb_frozen = find_shape_operand_inputs(parsed, run->frozen);
  run->network = run->nb_frozen > 0 ? freeze_inputs(parsed, run->frozen, run->file_of_input)
                                    : trt_network_clone(parsed);
  if (!run->network)
    return make_result(OUTCOME_FAIL, "copying the network: %s", trt_last_error());
  for (int i = 0; i < trt_network_num_inputs(parsed); i++) {
    if (run->frozen[i])
      continue;
    const char *name = trt_network_tensor_name(parsed, trt_network_input(parsed, i));
    trt_status_t status =
        trt_network_set_input_dims(run->network, name, &run->file_of_input[i]->dims);
    if (status != TRT_STATUS_OK)
      return engine_result(status, "setting input dims", model_path);
  }
  return make_result(OUTCOME_PASS, "%s", "");
}

static test_result_t build_engine(data_set_run_t *run, const char *model_path) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = backend;
  config.max_batch = 1;
  trt_status_t status = trt_engine_build(run->network, &config, &run->engine);
  if (status != TRT_STATUS_OK)
    return engine_result(status, "build", model_path);
  status = trt_context_create(run->engine, &run->context);
  if (status != TRT_STATUS_OK)
    return engine_result(status, "context", model_path);
  return make_result(OUTCOME_PASS, "%s", "");
}

static const tensor_file_t *file_for_binding(const trt_network_t *parsed,
                                             const data_set_run_t *run, const char *name) {
  for (int i = 0; i < trt_network_num_inputs(parsed); i++)
    if (strcmp(trt_network_tensor_name(parsed, trt_network_input(parsed, i)), name) == 0)
      return run->file_of_input[i];
  return NULL;
}

/* CUDA engines: copies of the host bindings on the device, run, outputs
 * copied back. */
static trt_status_t execute_on_device(data_set_run_t *run, int nb_bindings) {
  void *device[2 * MAX_TENSORS] = {0};
  trt_status_t status = TRT_STATUS_OK;
  for (int b = 0; b < nb_bindings && status == TRT_STATUS_OK; b++) {
    trt_dims_t dims = trt_engine_binding_dims(run->engine, b);
    size_t bytes = (size_t)trt_dims_volume(&dims) *
                   trt_data_type_size(trt_engine_binding_type(run->engine, b));
    status = trt_device_malloc(&device[b], bytes);
    if (status == TRT_STATUS_OK)
      status = trt_memcpy_host_to_device(device[b], run->bindings[b], bytes, NULL);
  }
  if (status == TRT_STATUS_OK)
    status = trt_context_execute(run->context, 1, device);
  for (int b = 0; b < nb_bindings && status == TRT_STATUS_OK; b++) {
    if (trt_engine_binding_is_input(run->engine, b))
      continue;
    trt_dims_t dims = trt_engine_binding_dims(run->engine, b);
    size_t bytes = (size_t)trt_dims_volume(&dims) *
                   trt_data_type_size(trt_engine_binding_type(run->engine, b));
    status = trt_memcpy_device_to_host(run->bindings[b], device[b], bytes, NULL);
  }
  for (int b = 0; b < nb_bindings; b++)
    trt_device_free(device[b]);
  return status;
}

static test_result_t bind_and_execute(data_set_run_t *run, const trt_network_t *parsed,
                                      const char *model_path) {
  static char empty_tensor; /* where an input of no elements points */
  int nb_bindings = trt_engine_num_bindings(run->engine);
  if (nb_bindings > 2 * MAX_TENSORS)
    return make_result(OUTCOME_FAIL, "%d bindings, the runner handles %d", nb_bindings,
                       2 * MAX_TENSORS);
  for (int b = 0; b < nb_bindings; b++) {
    const char *name = trt_engine_binding_name(run->engine, b);
    trt_dims_t dims = trt_engine_binding_dims(run->engine, b);
    int64_t volume = trt_dims_volume(&dims);
    if (trt_engine_binding_is_input(run->engine, b)) {
      const tensor_file_t *file = file_for_binding(parsed, run, name);
      if (!file)
        return make_result(OUTCOME_FAIL, "no data for input binding '%s'", name);
      if (volume != trt_dims_volume(&file->dims))
        return make_result(OUTCOME_FAIL, "input binding '%s' has %lld elements, data %lld",
                           name, (long long)volume, (long long)trt_dims_volume(&file->dims));
      run->bindings[b] = file->data ? file->data : &empty_tensor;
    } else {
      if (volume < 0)
        return make_result(OUTCOME_FAIL, "output binding '%s' has unknown dims", name);
      size_t bytes = (size_t)volume * trt_data_type_size(trt_engine_binding_type(run->engine, b));
      run->bindings[b] = malloc(bytes > 0 ? bytes : 1);
      if (!run->bindings[b])
        return make_result(OUTCOME_FAIL, "out of memory for output '%s'", name);
      /* NaN bytes, so that an output the engine never writes cannot pass. */
      memset(run->bindings[b], 0xff, bytes);
      run->owned[b] = true;
    }
  }
  trt_status_t status = trt_engine_backend(run->engine) == TRT_BACKEND_CUDA
                            ? execute_on_device(run, nb_bindings)
                            : trt_context_execute(run->context, 1, run->bindings);
  if (status != TRT_STATUS_OK)
    return engine_result(status, "execute", model_path);
  return make_result(OUTCOME_PASS, "%s", "");
}

static test_result_t check_outputs(data_set_run_t *run, const tensor_file_t *outputs,
                                   int nb_outputs) {
  int nb_network_outputs = trt_network_num_outputs(run->network);
  if (nb_outputs != nb_network_outputs)
    return make_result(OUTCOME_FAIL, "the data set has %d outputs, the network %d", nb_outputs,
                       nb_network_outputs);
  for (int i = 0; i < nb_outputs; i++) {
    const char *name = trt_network_tensor_name(run->network, trt_network_output(run->network, i));
    int binding = trt_engine_find_binding(run->engine, name);
    if (binding < 0 || trt_engine_binding_is_input(run->engine, binding))
      return make_result(OUTCOME_FAIL, "the engine has no output binding '%s'", name);
    trt_dims_t dims = trt_engine_binding_dims(run->engine, binding);
    test_result_t result =
        compare_output(i, name, trt_engine_binding_type(run->engine, binding), &dims,
                       run->bindings[binding], &outputs[i]);
    if (result.outcome != OUTCOME_PASS)
      return result;
  }
  return make_result(OUTCOME_PASS, "%s", "");
}

static test_result_t run_data_set(const trt_network_t *parsed, const char *model_path,
                                  const char *data_set) {
  tensor_file_t inputs[MAX_TENSORS], outputs[MAX_TENSORS];
  int nb_inputs = 0, nb_outputs = 0;
  data_set_run_t run = {0};
  test_result_t result = read_tensor_files(data_set, "input", inputs, &nb_inputs);
  if (result.outcome == OUTCOME_PASS)
    result = read_tensor_files(data_set, "output", outputs, &nb_outputs);
  if (result.outcome == OUTCOME_PASS)
    result = match_inputs(parsed, inputs, nb_inputs, run.file_of_input);
  if (result.outcome == OUTCOME_PASS)
    result = prepare_network(&run, parsed, model_path);
  if (result.outcome == OUTCOME_PASS)
    result = build_engine(&run, model_path);
  if (result.outcome == OUTCOME_PASS)
    result = bind_and_execute(&run, parsed, model_path);
  if (result.outcome == OUTCOME_PASS)
    result = check_outputs(&run, outputs, nb_outputs);
  result.froze_shape_operands = run.nb_frozen > 0;
  data_set_run_free(&run);
  tensor_files_free(inputs, nb_inputs);
  tensor_files_free(outputs, nb_outputs);
  return result;
}

/* ---- one test ----------------------------------------------------------- */

static test_result_t run_test(const char *test_dir) {
  char model_path[4096];
  snprintf(model_path, sizeof(model_path), "%s/model.onnx", test_dir);
  name_list_t data_sets;
  if (!list_directory(test_dir, "test_data_set_", &data_sets) || data_sets.count == 0) {
    name_list_free(&data_sets);
    return make_result(OUTCOME_FAIL, "no test_data_set_* folder");
  }
  trt_network_t *network = trt_network_create();
  test_result_t result = make_result(OUTCOME_PASS, "%s", "");
  if (!network)
    result = make_result(OUTCOME_FAIL, "creating the network: out of memory");
  trt_status_t status = network ? trt_onnx_parse(network, model_path) : TRT_STATUS_OK;
  if (status != TRT_STATUS_OK)
    result = engine_result(status, "import", model_path);
  for (int i = 0; i < data_sets.count && result.outcome == OUTCOME_PASS; i++) {
    char data_set[4096];
    snprintf(data_set, sizeof(data_set), "%s/%s", test_dir, data_sets.names[i]);
    result = run_data_set(network, model_path, data_set);
    if (result.outcome != OUTCOME_PASS && data_sets.count > 1) {
      char detail[MESSAGE_SIZE];
      memcpy(detail, result.message, sizeof(detail));
      bool froze = result.froze_shape_operands;
      result = make_result(result.outcome, "%s: %.1900s", data_sets.names[i], detail);
      result.froze_shape_operands = froze;
    }
  }
  if (network)
    trt_network_destroy(network);
  name_list_free(&data_sets);
  return result;
}

/* Runs the test in a child, which reports through a pipe: a crash, an abort
 * or a hang fails this test only. */
static test_result_t run_test_isolated(const char *test_dir) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0)
    return make_result(OUTCOME_FAIL, "pipe: %s", strerror(errno));
  fflush(stdout);
  fflush(stderr);
  pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return make_result(OUTCOME_FAIL, "fork: %s", strerror(errno));
  }
  if (child == 0) {
    close(pipe_fds[0]);
    alarm(TEST_TIMEOUT_SECONDS);
    test_result_t result = run_test(test_dir);
    size_t length = offsetof(test_result_t, message) + strlen(result.message) + 1;
    ssize_t written = write(pipe_fds[1], &result, length);
    _exit(written == (ssize_t)length ? 0 : 1);
  }
  close(pipe_fds[1]);
  test_result_t result;
  memset(&result, 0, sizeof(result));
  size_t received = 0;
  for (;;) {
    ssize_t count = read(pipe_fds[0], (char *)&result + received, sizeof(result) - received);
    if (count > 0)
      received += (size_t)count;
    else if (count == 0 || errno != EINTR)
      break;
  }
  close(pipe_fds[0]);
  int wait_status = 0;
  while (waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(wait_status)) {
    int signal_number = WTERMSIG(wait_status);
    if (signal_number == SIGALRM)
      return make_result(OUTCOME_FAIL, "timed out after %d s", TEST_TIMEOUT_SECONDS);
    return make_result(OUTCOME_FAIL, "crashed: %s", strsignal(signal_number));
  }
  if (received <= offsetof(test_result_t, message))
    return make_result(OUTCOME_FAIL, "the test process exited (%d) without a result",
                       WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1);
  result.message[sizeof(result.message) - 1] = '\0';
  return result;
}

/* ---- the report --------------------------------------------------------- */

typedef struct {
  int ran, passed, failed, skipped;
  int frozen; /* tests whose shape operands were made constant */
} counts_t;

typedef struct {
  char *reason;
  int count;
} skip_reason_t;

typedef struct {
  skip_reason_t *reasons;
  int count;
  int capacity;
} skip_reasons_t;

/* Skips group by reason, without the names of nodes and values:
 *   "node 'y' (Acos): unsupported operator"  ->  "unsupported operator Acos"
 *   "layer 'sum' (Elementwise): input type uint8 is not supported"
 *                                  ->  "Elementwise: input type uint8 is not supported"
 *   "input 'x' has data type STRING, ..."    ->  "input '*' has data type STRING, ..." */
static void skip_reason_key(const char *message, char *key, size_t size) {
  char op[128] = "";
  const char *rest = message;
  if (strncmp(message, "node '", 6) == 0 || strncmp(message, "layer '", 7) == 0) {
    const char *open = strstr(message, "' (");
    const char *close = open ? strstr(open, "): ") : NULL;
    if (close && (size_t)(close - open - 3) < sizeof(op)) {
      memcpy(op, open + 3, (size_t)(close - open - 3));
      op[close - open - 3] = '\0';
      rest = close + 3;
    }
  }
  char text[MESSAGE_SIZE];
  size_t length = 0;
  for (const char *p = rest; *p && length + 4 < sizeof(text); p++) {
    text[length++] = *p;
    if (*p == '\'') { /* 'name' -> '*' */
      const char *end = strchr(p + 1, '\'');
      if (end) {
        text[length++] = '*';
        text[length++] = '\'';
        p = end;
      }
    }
  }
  text[length] = '\0';
  if (op[0] && strcmp(text, "unsupported operator") == 0)
    snprintf(key, size, "unsupported operator %s", op);
  else if (op[0])
    snprintf(key, size, "%s: %.1900s", op, text);
  else
    snprintf(key, size, "%s", text);
}

static void skip_reasons_add(skip_reasons_t *reasons, const char *message) {
  char key[MESSAGE_SIZE];
  skip_reason_key(message, key, sizeof(key));
  for (int i = 0; i < reasons->count; i++) {
    if (strcmp(reasons->reasons[i].reason, key) == 0) {
      reasons->reasons[i].count++;
      return;
    }
  }
  if (reasons->count == reasons->capacity) {
    int capacity = reasons->capacity ? 2 * reasons->capacity : 32;
    skip_reason_t *grown = realloc(reasons->reasons, sizeof(skip_reason_t) * (size_t)capacity);
    if (!grown)
      return;
    reasons->reasons = grown;
    reasons->capacity = capacity;
  }
  char *copy = strdup(key);
  if (!copy)
    return;
  reasons->reasons[reasons->count++] = (skip_reason_t){copy, 1};
}

static int compare_skip_reasons(const void *a, const void *b) {
  const skip_reason_t *x = a, *y = b;
  if (x->count != y->count)
    return y->count - x->count;
  return strcmp(x->reason, y->reason);
}

static void print_summary(const counts_t *folder_counts, skip_reasons_t *reasons) {
  counts_t total = {0};
  printf("\nTolerance: |actual - expected| <= %g + %g * |expected| (floats), exact (integers)\n",
         ATOL, RTOL);
  printf("%-18s %6s %7s %7s %8s\n", "folder", "ran", "passed", "failed", "skipped");
  for (int i = 0; i < NB_TEST_FOLDERS; i++) {
    const counts_t *c = &folder_counts[i];
    printf("%-18s %6d %7d %7d %8d\n", test_folders[i], c->ran, c->passed, c->failed, c->skipped);
    total.ran += c->ran;
    total.passed += c->passed;
    total.failed += c->failed;
    total.skipped += c->skipped;
    total.frozen += c->frozen;
  }
  printf("%-18s %6d %7d %7d %8d\n", "total", total.ran, total.passed, total.failed,
         total.skipped);
  printf("Shape operands (Reshape's shape, Slice's starts, ...) that a test passes as graph\n"
         "inputs were made constants with the data set's values in %d tests: the engine needs\n"
         "them constant at build time.\n",
         total.frozen);
  if (reasons->count > 0) {
    qsort(reasons->reasons, (size_t)reasons->count, sizeof(skip_reason_t), compare_skip_reasons);
    printf("\nSkip reasons:\n");
    for (int i = 0; i < reasons->count; i++)
      printf("  %s: %d\n", reasons->reasons[i].reason, reasons->reasons[i].count);
  }
  printf("\n%d passed, %d failed, %d skipped\n", total.passed, total.failed, total.skipped);
}

static void record_result(const char *test_name, const test_result_t *result, counts_t *counts,
                          skip_reasons_t *reasons) {
  counts->ran++;
  counts->frozen += result->froze_shape_operands;
  switch (result->outcome) {
  case OUTCOME_PASS:
    counts->passed++;
    printf("PASS %s%s\n", test_name,
           result->froze_shape_operands ? " (shape operands given as inputs made constant)" : "");
    break;
  case OUTCOME_SKIP:
    counts->skipped++;
    skip_reasons_add(reasons, result->message);
    printf("SKIP %s: %s\n", test_name, result->message);
    break;
  case OUTCOME_FAIL:
    counts->failed++;
    printf("FAIL %s: %s\n", test_name, result->message);
    break;
  }
  fflush(stdout);
}

typedef struct {
  const char *root;
  const char *filter;
  bool isolate;
} runner_options_t;

static int parse_arguments(int argc, char **argv, runner_options_t *options) {
  options->root = getenv("ONNX_TESTDATA");
  if (!options->root || !options->root[0])
    options->root = DEFAULT_TESTDATA_ROOT;
  options->filter = NULL;
  options->isolate = true;
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--filter=", 9) == 0) {
      options->filter = argv[i] + 9;
    } else if (strncmp(argv[i], "--backend=", 10) == 0) {
      if (trt_backend_parse(argv[i] + 10, &backend) != TRT_STATUS_OK) {
        fprintf(stderr, "onnx_conformance: %s\n", trt_last_error());
        return 2;
      }
    } else if (strcmp(argv[i], "--no-fork") == 0) {
      options->isolate = false;
    } else if (strcmp(argv[i], "--help") == 0) {
      printf("Usage: onnx_conformance [root] [--filter=<substring>] [--no-fork] "
             "[--backend=cpu|cuda]\n"
             "  root        ONNX test data (default $ONNX_TESTDATA, then %s)\n"
             "  --filter    run only tests whose folder/name contains the substring\n"
             "  --no-fork   run tests in this process (for a debugger)\n"
             "  --backend   cpu (default) or cuda (exits 77 without a GPU)\n",
             DEFAULT_TESTDATA_ROOT);
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "onnx_conformance: unknown argument '%s' (see --help)\n", argv[i]);
      return 2;
    } else {
      options->root = argv[i];
    }
  }
  return -1;
}

/* Asks in a child process when tests will fork: CUDA must not be
 * initialized in a parent whose children use it. */
static bool gpu_usable(bool in_child) {
  int count = 0;
  if (!in_child) {
    if (trt_cuda_device_count(&count) == TRT_STATUS_OK)
      return true;
    printf("no GPU: %s\n", trt_last_error());
    return false;
  }
  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    if (trt_cuda_device_count(&count) == TRT_STATUS_OK)
      _exit(0);
    printf("no GPU: %s\n", trt_last_error());
    fflush(stdout);
    _exit(EXIT_SKIPPED);
  }
  int wait_status = 0;
  if (child < 0 || waitpid(child, &wait_status, 0) != child)
    return false;
  return WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

int main(int argc, char **argv) {
  runner_options_t options;
  int exit_code = parse_arguments(argc, argv, &options);
  if (exit_code >= 0)
    return exit_code;
  if (backend == TRT_BACKEND_CUDA && !gpu_usable(options.isolate))
    return EXIT_SKIPPED;
  if (!is_directory(options.root)) {
    printf("ONNX test data not found at %s (install libonnx-testdata, or pass the root or set "
           "ONNX_TESTDATA); skipping\n", options.root);
    return EXIT_SKIPPED;
  }
  /* Only failures print; the report lists skips. */
  trt_set_log_level(TRT_SEVERITY_ERROR);

  counts_t folder_counts[NB_TEST_FOLDERS] = {0};
  skip_reasons_t reasons = {0};
  for (int f = 0; f < NB_TEST_FOLDERS; f++) {
    char folder[4096];
    snprintf(folder, sizeof(folder), "%s/%s", options.root, test_folders[f]);
    name_list_t tests;
    if (!list_directory(folder, "", &tests))
      continue;
    for (int t = 0; t < tests.count; t++) {
      char test_name[512], test_dir[8192];
      snprintf(test_name, sizeof(test_name), "%s/%s", test_folders[f], tests.names[t]);
      snprintf(test_dir, sizeof(test_dir), "%s/%s", folder, tests.names[t]);
      if ((options.filter && !strstr(test_name, options.filter)) || !is_directory(test_dir))
        continue;
      test_result_t result = options.isolate ? run_test_isolated(test_dir) : run_test(test_dir);
      record_result(test_name, &result, &folder_counts[f], &reasons);
    }
    name_list_free(&tests);
  }
  print_summary(folder_counts, &reasons);
  for (int i = 0; i < reasons.count; i++)
    free(reasons.reasons[i].reason);
  free(reasons.reasons);
  int failed = 0;
  for (int f = 0; f < NB_TEST_FOLDERS; f++)
    failed += folder_counts[f].failed;
  return failed > 0 ? 1 : 0;
}
