/* giexec: builds an engine from a model, runs it on random (or given) inputs
 * and reports its outputs and timings, in the manner of NVIDIA's original
 * giexec/trtexec.
 *
 *   giexec --onnx=resnet50.onnx --shapes=data:1x3x224x224 --iterations=10 --avgRuns=10
 *
 * Every flag of the original is parsed; those whose capability lands later
 * say so and exit 2 instead of being ignored. Exit status: 0 on success,
 * 1 when the engine fails (with its message), 2 for a usage error. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "giexec_gpu.h"
#include "list_util.h"
#include "numerics/element.h"
#include "numerics/half.h"
#include "trt/trt.h"

enum { EXIT_RUNTIME_FAILURE = 1, EXIT_USAGE = 2 };

#define GIEXEC_MAX_ENTRIES 64 /* --output names, --shapes and --loadInputs entries */
#define GIEXEC_PRINTED_VALUES 8

typedef struct {
  char name[256];
  char value[1024]; /* dims text or a file path */
} named_value_t;

typedef struct {
  const char *onnx_path;
  const char *deploy_path;
  const char *caffemodel_path;
  const char *save_weights_path;
  const char *engine_path;
  const char *load_engine_path;
  const char *export_times_path;
  const char *timing_cache_path;
  const char *calib_path;
  const char *export_dir;
  const char *no_fusion; /* optimizer passes to switch off */
  const char *tactic_sources; /* --tacticSources, as trt_builder_config_set_tactic_sources */
  const char *plugins;        /* --plugins: plugin libraries, comma-separated */
  char fp32_layers[4096]; /* --layerPrecisions, as trt_builder_config_t.fp32_layers */
  const char *output_names[GIEXEC_MAX_ENTRIES];
  int nb_output_names;
  named_value_t shapes[GIEXEC_MAX_ENTRIES];
  int nb_shapes;
  named_value_t input_files[GIEXEC_MAX_ENTRIES];
  int nb_input_files;
  trt_backend_t backend;
  int batch;
  int device;
  int iterations;
  int avg_runs;
  int workspace_mib;
  int seed;
  int threads;
  bool device_given;
  bool threads_given;
  bool half2;
  bool int8;
  bool verbose;
  bool host_time;
  bool dump_profile;
  bool use_cuda_graph; /* accepted for scripts: graphs are the default */
  bool no_cuda_graph;
  bool allow_lossy_tactics;
  bool linear_formats;
  bool allow_tf32;
  int warmup_ms;
  bool help;
} giexec_options_t;

static void options_init(giexec_options_t *options) {
  memset(options, 0, sizeof(*options));
  options->backend = TRT_BACKEND_AUTO;
  options->batch = 1;
  options->iterations = 10;
  options->avg_runs = 10;
  options->workspace_mib = 16;
  options->seed = 1;
  options->warmup_ms = 200;
}

/* ---- the flag table ----------------------------------------------------- */

typedef enum {
  OPTION_SWITCH, /* bool member, no value */
  OPTION_INT,    /* int member, value >= min_value */
  OPTION_PATH,   /* const char * member pointing into argv */
  OPTION_CUSTOM, /* parsed by `handle` */
} option_kind_t;

typedef int (*option_handler_fn)(giexec_options_t *options, const char *value);

typedef struct {
  const char *name;
  option_kind_t kind;
  size_t offset;        /* of the member, for all kinds but OPTION_CUSTOM */
  int min_value;        /* OPTION_INT */
  option_handler_fn handle;
  bool takes_value;     /* OPTION_CUSTOM */
  const char *metavar;  /* shown in --help */
  const char *help;
} option_spec_t;

static int handle_output(giexec_options_t *options, const char *value);
static int handle_shapes(giexec_options_t *options, const char *value);
static int handle_load_inputs(giexec_options_t *options, const char *value);
static int handle_backend(giexec_options_t *options, const char *value);
static int handle_device(giexec_options_t *options, const char *value);
static int handle_threads(giexec_options_t *options, const char *value);
static int handle_layer_precisions(giexec_options_t *options, const char *value);

#define MEMBER(name) offsetof(giexec_options_t, name)

static const option_spec_t option_specs[] = {
  {"deploy", OPTION_PATH, MEMBER(deploy_path), 0, NULL, true, "<file>",
   "Caffe deploy prototxt to build (random weights, --seed, unless --model)"},
  {"model", OPTION_PATH, MEMBER(caffemodel_path), 0, NULL, true, "<file>",
   "Caffe weights (caffemodel) to go with --deploy"},
  {"saveWeights", OPTION_PATH, MEMBER(save_weights_path), 0, NULL, true, "<file>",
   "write the Caffe weights used (read or random) as a caffemodel"},
  {"onnx", OPTION_PATH, MEMBER(onnx_path), 0, NULL, true, "<file>", "ONNX model to build"},
  {"output", OPTION_CUSTOM, 0, 0, handle_output, true, "<name>",
   "tensor to report; repeatable; replaces the model's outputs"},
  {"shapes", OPTION_CUSTOM, 0, 0, handle_shapes, true, "<name:1x3x224x224,...>",
   "fix the dims of (dynamic) inputs"},
  {"batch", OPTION_INT, MEMBER(batch), 1, NULL, true, "N",
   "batch size to build for and run (default 1)"},
  {"device", OPTION_CUSTOM, 0, 0, handle_device, true, "N", "CUDA device ordinal (default 0)"},
  {"backend", OPTION_CUSTOM, 0, 0, handle_backend, true, "auto|cpu|cuda",
   "backend to build for (default auto)"},
  {"iterations", OPTION_INT, MEMBER(iterations), 1, NULL, true, "N",
   "timed iterations (default 10)"},
  {"avgRuns", OPTION_INT, MEMBER(avg_runs), 1, NULL, true, "N",
   "runs averaged per iteration (default 10)"},
  {"workspace", OPTION_INT, MEMBER(workspace_mib), 0, NULL, true, "N",
   "scratch memory a layer may use, in MiB (default 16)"},
  {"threads", OPTION_CUSTOM, 0, 0, handle_threads, true, "N",
   "CPU backend: the most threads a layer is split across (default 0: the cores this process "
   "may use, from one pool shared by all contexts)"},
  {"seed", OPTION_INT, MEMBER(seed), 0, NULL, true, "N",
   "seed of the random input values (default 1)"},
  {"loadInputs", OPTION_CUSTOM, 0, 0, handle_load_inputs, true, "<name:file.bin,...>",
   "read an input from raw float32 instead of random values"},
  {"exportOutputs", OPTION_PATH, MEMBER(export_dir), 0, NULL, true, "<dir>",
   "write each output to <dir>/<name>.bin as raw float32"},
  {"half2", OPTION_SWITCH, MEMBER(half2), 0, NULL, false, NULL,
   "build in FP16 where the CUDA layers can (float16 tensors, FP32 accumulation)"},
  {"fp16", OPTION_SWITCH, MEMBER(half2), 0, NULL, false, NULL, "the same as --half2"},
  {"int8", OPTION_SWITCH, MEMBER(int8), 0, NULL, false, NULL,
   "run in INT8 (not available yet: refused)"},
  {"calib", OPTION_PATH, MEMBER(calib_path), 0, NULL, true, "<file>",
   "INT8 calibration cache (not available yet: refused)"},
  {"engine", OPTION_PATH, MEMBER(engine_path), 0, NULL, true, "<file>",
   "save the built engine as a plan file"},
  {"loadEngine", OPTION_PATH, MEMBER(load_engine_path), 0, NULL, true, "<file>",
   "run a plan file instead of building (no model needed)"},
  {"timingCacheFile", OPTION_PATH, MEMBER(timing_cache_path), 0, NULL, true, "<file>",
   "CUDA tactic timing cache, read before and written after the build"},
  {"hostTime", OPTION_SWITCH, MEMBER(host_time), 0, NULL, false, NULL,
   "GPU: report host walltime per run instead of GPU compute time (CPU: always host)"},
  {"warmUp", OPTION_INT, MEMBER(warmup_ms), 0, NULL, true, "ms",
   "GPU: run this long before timing (default 200)"},
  {"useCudaGraph", OPTION_SWITCH, MEMBER(use_cuda_graph), 0, NULL, false, NULL,
   "GPU: capture the engine's launches in a CUDA graph and replay it (the default)"},
  {"noCudaGraph", OPTION_SWITCH, MEMBER(no_cuda_graph), 0, NULL, false, NULL,
   "GPU: launch every layer at every run instead of replaying a CUDA graph"},
  {"allowLossyTactics", OPTION_SWITCH, MEMBER(allow_lossy_tactics), 0, NULL, false, NULL,
   "GPU: also time cuDNN's approximate algorithms (FFT, non-fused Winograd)"},
  {"linearFormats", OPTION_SWITCH, MEMBER(linear_formats), 0, NULL, false, NULL,
   "GPU, FP16: keep tensors linear (NCHW) instead of channels-last around convolutions"},
  {"allowTF32", OPTION_SWITCH, MEMBER(allow_tf32), 0, NULL, false, NULL,
   "GPU: let FP32 layers use TF32 tensor cores"},
  {"dumpProfile", OPTION_SWITCH, MEMBER(dump_profile), 0, NULL, false, NULL,
   "print per-layer times after the timed runs"},
  {"exportTimes", OPTION_PATH, MEMBER(export_times_path), 0, NULL, true, "<file.json>",
   "GPU: write every timed run's times as JSON"},
  {"layerPrecisions", OPTION_CUSTOM, 0, 0, handle_layer_precisions, true, "<name:fp32,...>",
   "with --fp16: keep these layers (names in the model) in FP32"},
  {"tacticSources", OPTION_PATH, MEMBER(tactic_sources), 0, NULL, true, "<-CUDNN,+CUBLAS,...>",
   "GPU: leave out (-) or take back (+) a library's tactics: CUDNN, CUBLAS, CUBLAS_LT"},
  {"plugins", OPTION_PATH, MEMBER(plugins), 0, NULL, true, "<lib.so,...>",
   "load plugin libraries (custom layers, trt/plugin.h) before the model or plan is read"},
  {"noFusion", OPTION_PATH, MEMBER(no_fusion), 0, NULL, true, "<pass,...>",
   "switch optimizer passes off (names as --verbose logs them, or all)"},
  {"verbose", OPTION_SWITCH, MEMBER(verbose), 0, NULL, false, NULL,
   "log every build step"},
  {"help", OPTION_SWITCH, MEMBER(help), 0, NULL, false, NULL, "print this help"},
};

#define NB_OPTION_SPECS (int)(sizeof(option_specs) / sizeof(option_specs[0]))

static void print_usage(FILE *stream) {
  fprintf(stream, "giexec %s: build an engine from a model and time it\n\n", trt_version_string());
  fprintf(stream, "Usage: giexec --onnx=<file> [options]\n\n");
  for (int i = 0; i < NB_OPTION_SPECS; i++) {
    const option_spec_t *spec = &option_specs[i];
    char flag[64];
    if (spec->metavar)
      snprintf(flag, sizeof(flag), "--%s=%s", spec->name, spec->metavar);
    else
      snprintf(flag, sizeof(flag), "--%s", spec->name);
    fprintf(stream, "  %-34s %s\n", flag, spec->help);
  }
  fprintf(stream, "\nExit status: 0 success, 1 engine failure, 2 usage error.\n");
}

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "giexec: ");
  vfprintf(stderr, format, args);
  fprintf(stderr, "\nRun 'giexec --help' for the list of flags.\n");
  va_end(args);
  return EXIT_USAGE;
}

static bool parse_int(const char *text, int *value) {
  char *end = NULL;
  errno = 0;
  long parsed = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || parsed < INT_MIN || parsed > INT_MAX)
    return false;
  *value = (int)parsed;
  return true;
}

/* Splits "name:value" at the last ':' (tensor names such as "input:0" keep
 * theirs). */
static bool split_named_value(const char *text, named_value_t *entry) {
  const char *colon = strrchr(text, ':');
  if (!colon || colon == text || colon[1] == '\0')
    return false;
  size_t name_length = (size_t)(colon - text);
  if (name_length >= sizeof(entry->name) || strlen(colon + 1) >= sizeof(entry->value))
    return false;
  memcpy(entry->name, text, name_length);
  entry->name[name_length] = '\0';
  strcpy(entry->value, colon + 1);
  return true;
}

/* Parses a comma-separated list of "name:value" into `entries`. */
static int parse_named_list(const char *flag, const char *value, named_value_t *entries,
                            int *count) {
  char *copy = strdup(value);
  if (!copy)
    return usage_error("--%s: out of memory", flag);
  int status = 0;
  char *save = NULL;
  for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    if (*count == GIEXEC_MAX_ENTRIES) {
      status = usage_error("--%s: at most %d entries", flag, GIEXEC_MAX_ENTRIES);
      break;
    }
    if (!split_named_value(item, &entries[*count])) {
      status = usage_error("--%s: '%s' is not name:value", flag, item);
      break;
    }
    (*count)++;
  }
  free(copy);
  return status;
}

static int handle_output(giexec_options_t *options, const char *value) {
  if (options->nb_output_names == GIEXEC_MAX_ENTRIES)
    return usage_error("--output: at most %d outputs", GIEXEC_MAX_ENTRIES);
  options->output_names[options->nb_output_names++] = value;
  return 0;
}

static int handle_shapes(giexec_options_t *options, const char *value) {
  int status = parse_named_list("shapes", value, options->shapes, &options->nb_shapes);
  if (status != 0)
    return status;
  for (int i = 0; i < options->nb_shapes; i++) {
    trt_dims_t dims;
    if (trt_dims_parse(options->shapes[i].value, &dims) != TRT_STATUS_OK)
      return usage_error("--shapes: '%s' are not dims such as 1x3x224x224",
                         options->shapes[i].value);
  }
  return 0;
}

static int handle_load_inputs(giexec_options_t *options, const char *value) {
  return parse_named_list("loadInputs", value, options->input_files, &options->nb_input_files);
}

static int handle_backend(giexec_options_t *options, const char *value) {
  if (trt_backend_parse(value, &options->backend) != TRT_STATUS_OK)
    return usage_error("--backend: '%s' is not one of auto, cpu, cuda", value);
  return 0;
}

static int handle_device(giexec_options_t *options, const char *value) {
  if (!parse_int(value, &options->device) || options->device < 0)
    return usage_error("--device: '%s' is not a device ordinal (0, 1, ...)", value);
  options->device_given = true;
  return 0;
}

static int handle_threads(giexec_options_t *options, const char *value) {
  if (!parse_int(value, &options->threads) || options->threads < 0)
    return usage_error("--threads: '%s' is not a thread count (0: automatic)", value);
  options->threads_given = true;
  return 0;
}

static int handle_layer_precisions(giexec_options_t *options, const char *value) {
  size_t used = strlen(options->fp32_layers);
  const char *entry;
  size_t length;
  for (const char *cursor = value; trt_list_next(&cursor, &entry, &length);) {
    const char *colon = memchr(entry, ':', length);
    if (!colon || colon == entry || (size_t)(entry + length - colon - 1) != 4 ||
        strncmp(colon + 1, "fp32", 4) != 0)
      return usage_error("--layerPrecisions: '%.*s' is not name:fp32 (layers run FP16 wherever "
                         "they can; fp32 keeps one in FP32)",
                         (int)length, entry);
    size_t name = (size_t)(colon - entry);
    if (used + name + 2 > sizeof(options->fp32_layers))
      return usage_error("--layerPrecisions: at most %zu characters of names",
                         sizeof(options->fp32_layers) - 1);
    if (used > 0)
      options->fp32_layers[used++] = ',';
    memcpy(options->fp32_layers + used, entry, name);
    used += name;
    options->fp32_layers[used] = '\0';
  }
  return 0;
}

static const option_spec_t *find_option_spec(const char *name, size_t length) {
  for (int i = 0; i < NB_OPTION_SPECS; i++)
    if (strlen(option_specs[i].name) == length && strncmp(option_specs[i].name, name, length) == 0)
      return &option_specs[i];
  return NULL;
}

static bool option_takes_value(const option_spec_t *spec) {
  return spec->kind == OPTION_CUSTOM ? spec->takes_value : spec->kind != OPTION_SWITCH;
}

static int apply_option(giexec_options_t *options, const option_spec_t *spec, const char *value) {
  char *member = (char *)options + spec->offset;
  switch (spec->kind) {
  case OPTION_SWITCH:
    *(bool *)member = true;
    return 0;
  case OPTION_INT: {
    int parsed;
    if (!parse_int(value, &parsed) || parsed < spec->min_value) {
      return usage_error("--%s: '%s' is not an integer >= %d", spec->name, value,
                         spec->min_value);
    }
    *(int *)member = parsed;
    return 0;
  }
  case OPTION_PATH:
    *(const char **)member = value;
    return 0;
  case OPTION_CUSTOM:
    return spec->handle(options, value);
  }
  return usage_error("--%s: internal error: unknown option kind", spec->name);
}

static int parse_arguments(int argc, char **argv, giexec_options_t *options) {
  for (int i = 1; i < argc; i++) {
    const char *argument = argv[i];
    if (strcmp(argument, "-h") == 0) {
      options->help = true;
      continue;
    }
    if (strncmp(argument, "--", 2) != 0)
      return usage_error("unexpected argument '%s' (flags look like --name=value)", argument);
    const char *name = argument + 2;
    const char *equals = strchr(name, '=');
    size_t name_length = equals ? (size_t)(equals - name) : strlen(name);
    const option_spec_t *spec = find_option_spec(name, name_length);
    if (!spec)
      return usage_error("unknown flag '%s'", argument);
    if (option_takes_value(spec) && (!equals || equals[1] == '\0')) {
      return usage_error("--%s needs a value: --%s=%s", spec->name, spec->name, spec->metavar);
    }
    if (!option_takes_value(spec) && equals)
      return usage_error("--%s takes no value", spec->name);
    int status = apply_option(options, spec, equals ? equals + 1 : NULL);
    if (status != 0)
      return status;
  }
  return 0;
}

/* Flags of the original whose capability is not there yet (INT8): say so
 * rather than run something else than what was asked for. */
static int check_planned_features(const giexec_options_t *options) {
  if ((options->caffemodel_path || options->save_weights_path) && !options->deploy_path)
    return usage_error("--model and --saveWeights need --deploy=<file>");
  if (options->deploy_path && options->onnx_path)
    return usage_error("give --onnx or --deploy, not both");
  /* The engine says what it cannot build yet, in the same words the
   * element uses (trt_builder_config_check). */
  trt_builder_config_t wanted;
  trt_builder_config_init(&wanted);
  wanted.precision = options->int8 ? TRT_PRECISION_INT8
                     : options->half2 ? TRT_PRECISION_FP16
                                      : TRT_PRECISION_FP32;
  wanted.calibration_cache_path = options->calib_path;
  if (trt_builder_config_check(&wanted) != TRT_STATUS_OK) {
    const char *flag = options->int8 ? "--int8" : options->half2 ? "--half2" : "--calib";
    fprintf(stderr, "giexec: %s: %s\n", flag, trt_last_error());
    return EXIT_USAGE;
  }
  if (options->load_engine_path && (options->onnx_path || options->deploy_path))
    return usage_error("--loadEngine runs a plan: give no --onnx or --deploy with it");
  if (!options->onnx_path && !options->deploy_path && !options->load_engine_path)
    return usage_error("no model: give --onnx=<file>, --deploy=<file> or --loadEngine=<file>");
  return 0;
}

/* ---- files read and written ---------------------------------------------- */

typedef struct {
  const char *flag;
  const char *path;
  bool replaced; /* written by renaming a new file over it (the engine's atomic save) */
} flag_path_t;

static const char *file_kind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISSOCK(mode))
    return "a socket";
  return "not a regular file";
}

/* Two names of one file: the same inode, or (for files not there yet) the
 * same text. */
static bool same_file(const char *a, const char *b) {
  struct stat info_a, info_b;
  if (stat(a, &info_a) == 0 && stat(b, &info_b) == 0)
    return info_a.st_dev == info_b.st_dev && info_a.st_ino == info_b.st_ino;
  return strcmp(a, b) == 0;
}

/* Before any work: what is read is a regular file (a FIFO would block, a
 * device never end), what is saved replaces no device, FIFO or directory
 * (renaming over /dev/zero replaces the device), and no output is one of
 * the inputs or another output (--engine=model.onnx would replace the
 * model with a plan). Missing inputs are left to their readers to report. */
static int check_files(const giexec_options_t *options) {
  flag_path_t inputs[4 + GIEXEC_MAX_ENTRIES] = {
      {"onnx", options->onnx_path, false},
      {"deploy", options->deploy_path, false},
      {"model", options->caffemodel_path, false},
      {"loadEngine", options->load_engine_path, false},
  };
  int nb_inputs = 4;
  for (int i = 0; i < options->nb_input_files; i++)
    inputs[nb_inputs++] = (flag_path_t){"loadInputs", options->input_files[i].value, false};
  const flag_path_t outputs[] = {
      {"engine", options->engine_path, true},
      {"saveWeights", options->save_weights_path, true},
      {"timingCacheFile", options->timing_cache_path, true},
      {"exportTimes", options->export_times_path, false},
  };
  const int nb_outputs = (int)(sizeof(outputs) / sizeof(outputs[0]));
  struct stat info;
  for (int i = 0; i < nb_inputs; i++) {
    if (inputs[i].path && stat(inputs[i].path, &info) == 0 && !S_ISREG(info.st_mode))
      return usage_error("--%s=%s is %s, not a regular file", inputs[i].flag, inputs[i].path,
                         file_kind(info.st_mode));
  }
  for (int o = 0; o < nb_outputs; o++) {
    const flag_path_t *out = &outputs[o];
    if (!out->path)
      continue;
    bool link = lstat(out->path, &info) == 0 && S_ISLNK(info.st_mode);
    if (out->replaced && stat(out->path, &info) == 0 && !S_ISREG(info.st_mode))
      return usage_error("--%s=%s is %s%s, not a regular file: giexec does not write over it",
                         out->flag, out->path, link ? "a symbolic link to " : "",
                         file_kind(info.st_mode));
    for (int i = 0; i < nb_inputs; i++) {
      /* Saving over the plan that was loaded (and is mapped) loses nothing. */
      bool resaved = out->path == options->engine_path &&
                     inputs[i].path == options->load_engine_path;
      if (inputs[i].path && !resaved && same_file(out->path, inputs[i].path))
        return usage_error("--%s=%s is the same file as --%s=%s: writing it would replace that "
                           "input",
                           out->flag, out->path, inputs[i].flag, inputs[i].path);
    }
    for (int other = 0; other < o; other++) {
      if (outputs[other].path && same_file(out->path, outputs[other].path))
        return usage_error("--%s=%s and --%s=%s are the same file", outputs[other].flag,
                           outputs[other].path, out->flag, out->path);
    }
  }
  return 0;
}

/* "auto" is the engine's to resolve (CUDA when a GPU is usable). */
static trt_backend_t resolve_backend(trt_backend_t requested) { return requested; }

static void print_configuration(const giexec_options_t *options) {
  if (options->deploy_path)
    printf("deploy: %s\nmodel: %s\n", options->deploy_path,
           options->caffemodel_path ? options->caffemodel_path : "(random weights)");
  else if (options->onnx_path)
    printf("onnx: %s\n", options->onnx_path);
  if (options->load_engine_path)
    printf("loadEngine: %s\n", options->load_engine_path);
  if (options->plugins)
    printf("plugins: %s\n", options->plugins);
  if (options->engine_path)
    printf("engine: %s\n", options->engine_path);
  for (int i = 0; i < options->nb_output_names; i++)
    printf("output: %s\n", options->output_names[i]);
  for (int i = 0; i < options->nb_shapes; i++)
    printf("shapes: %s:%s\n", options->shapes[i].name, options->shapes[i].value);
  for (int i = 0; i < options->nb_input_files; i++)
    printf("loadInputs: %s:%s\n", options->input_files[i].name, options->input_files[i].value);
  printf("backend: %s\n", trt_backend_name(resolve_backend(options->backend)));
  printf("batch: %d\niterations: %d\navgRuns: %d\nworkspace: %d MiB\nseed: %d\n",
         options->batch, options->iterations, options->avg_runs, options->workspace_mib,
         options->seed);
  if (options->export_dir)
    printf("exportOutputs: %s\n", options->export_dir);
  if (resolve_backend(options->backend) == TRT_BACKEND_CPU) {
    printf("threads: %d%s\n", options->threads, options->threads == 0 ? " (automatic)" : "");
    if (options->device_given)
      printf("note: --device=%d has no effect with the CPU backend\n", options->device);
  } else {
    printf("device: %d\n", options->device);
    if (options->threads_given)
      printf("note: --threads=%d only affects the CPU backend\n", options->threads);
  }
  if (options->host_time)
    printf("note: --hostTime: the Timing: line reports host wall-clock times\n");
}

/* ---- element access ----------------------------------------------------- */

/* Integers take the nearest value (the cast rules would truncate); float16
 * rounds the value's float, not the double itself. Reading is
 * trt_element_as_double (numerics/element.h). */
static void element_set(trt_data_type_t type, void *data, int64_t index, double value) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: ((float *)data)[index] = (float)value; break;
  case TRT_DATA_TYPE_FLOAT16: ((uint16_t *)data)[index] = trt_half_from_float((float)value); break;
  case TRT_DATA_TYPE_FLOAT64: ((double *)data)[index] = value; break;
  case TRT_DATA_TYPE_INT8: ((int8_t *)data)[index] = (int8_t)lrint(value); break;
  case TRT_DATA_TYPE_UINT8: ((uint8_t *)data)[index] = (uint8_t)lrint(value); break;
  case TRT_DATA_TYPE_INT32: ((int32_t *)data)[index] = (int32_t)lrint(value); break;
  case TRT_DATA_TYPE_INT64: ((int64_t *)data)[index] = (int64_t)llrint(value); break;
  case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[index] = value != 0.0; break;
  case TRT_DATA_TYPE_COUNT: break;
  }
}

static bool data_type_is_float(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16 ||
         type == TRT_DATA_TYPE_FLOAT64;
}

/* splitmix64: small, seedable and the same on every platform. */
static uint64_t random_next(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [-1, 1]. */
static double random_uniform(uint64_t *state) {
  return (double)(random_next(state) >> 11) * (2.0 / 9007199254740991.0) - 1.0;
}

/* ---- the session: network, engine, context and binding memory ----------- */

typedef struct {
  trt_network_t *network;
  trt_engine_t *engine;
  trt_context_t *context;
  int nb_bindings;
  void **bindings;           /* host memory (page-locked for CUDA engines) */
  int64_t *binding_elements; /* at the batch that runs */
  bool pinned;
} giexec_session_t;

static void session_destroy(giexec_session_t *session) {
  for (int i = 0; i < session->nb_bindings && session->bindings; i++) {
    if (session->pinned)
      trt_host_free_pinned(session->bindings[i]);
    else
      free(session->bindings[i]);
  }
  free(session->bindings);
  free(session->binding_elements);
  if (session->context)
    trt_context_destroy(session->context);
  if (session->engine)
    trt_engine_destroy(session->engine);
  if (session->network)
    trt_network_destroy(session->network);
}

static int engine_failure(const char *what) {
  fprintf(stderr, "giexec: %s: %s\n", what, trt_last_error());
  return EXIT_RUNTIME_FAILURE;
}

static bool network_has_input(const trt_network_t *network, const char *name) {
  for (int i = 0; i < trt_network_num_inputs(network); i++)
    if (strcmp(trt_network_tensor_name(network, trt_network_input(network, i)), name) == 0)
      return true;
  return false;
}

static void print_network_io(const trt_network_t *network) {
  char dims_text[128];
  for (int i = 0; i < trt_network_num_inputs(network); i++) {
    int tensor = trt_network_input(network, i);
    trt_dims_t dims = trt_network_tensor_dims(network, tensor);
    printf("Input \"%s\": %s %s\n", trt_network_tensor_name(network, tensor),
           trt_dims_format(&dims, dims_text, sizeof(dims_text)),
           trt_data_type_name(trt_network_tensor_type(network, tensor)));
  }
}

static int apply_shapes(trt_network_t *network, const giexec_options_t *options) {
  for (int i = 0; i < options->nb_shapes; i++) {
    const named_value_t *shape = &options->shapes[i];
    if (!network_has_input(network, shape->name)) {
      fprintf(stderr, "giexec: --shapes: the model has no input named '%s'\n", shape->name);
      return EXIT_RUNTIME_FAILURE;
    }
    trt_dims_t dims;
    trt_dims_parse(shape->value, &dims); /* checked when the flag was parsed */
    if (trt_network_set_input_dims(network, shape->name, &dims) != TRT_STATUS_OK)
      return engine_failure("--shapes");
  }
  return 0;
}

/* --output replaces the graph's outputs; the builder then drops the layers
 * nothing needs any more. */
static int apply_output_names(trt_network_t *network, const giexec_options_t *options) {
  if (options->nb_output_names == 0)
    return 0;
  int tensors[GIEXEC_MAX_ENTRIES];
  for (int i = 0; i < options->nb_output_names; i++) {
    tensors[i] = trt_network_find_tensor(network, options->output_names[i]);
    if (tensors[i] < 0) {
      fprintf(stderr, "giexec: --output: the model has no tensor named '%s'\n",
              options->output_names[i]);
      return EXIT_RUNTIME_FAILURE;
    }
  }
  while (trt_network_num_outputs(network) > 0)
    if (trt_network_unmark_output(network, trt_network_output(network, 0)) != TRT_STATUS_OK)
      return engine_failure("--output");
  for (int i = 0; i < options->nb_output_names; i++) {
    bool repeated = false;
    for (int j = 0; j < i; j++)
      repeated = repeated || tensors[j] == tensors[i];
    if (!repeated && trt_network_mark_output(network, tensors[i]) != TRT_STATUS_OK)
      return engine_failure("--output");
  }
  return 0;
}

static int load_network(giexec_session_t *session, const giexec_options_t *options) {
  if (options->load_engine_path)
    return 0; /* a plan holds its network */
  session->network = trt_network_create();
  if (!session->network)
    return engine_failure("creating the network");
  if (options->deploy_path) {
    /* Caffe: --output names blobs; the importer drops what they do not need.
     * As in the original giexec the batch is --batch, whatever the deploy
     * file's first input dimension says. */
    trt_caffe_options_t caffe_options;
    trt_caffe_options_init(&caffe_options);
    caffe_options.seed = (uint64_t)options->seed;
    caffe_options.batch_size = options->batch;
    caffe_options.outputs = options->output_names;
    caffe_options.nb_outputs = options->nb_output_names;
    if (trt_caffe_parse(session->network, options->deploy_path, options->caffemodel_path,
                        &caffe_options) != TRT_STATUS_OK)
      return engine_failure("parsing the model");
    if (options->save_weights_path &&
        trt_caffe_save_weights(options->deploy_path, options->caffemodel_path, &caffe_options,
                               options->save_weights_path) != TRT_STATUS_OK)
      return engine_failure("--saveWeights");
  } else if (trt_onnx_parse(session->network, options->onnx_path) != TRT_STATUS_OK) {
    return engine_failure("parsing the model");
  }
  int status = apply_shapes(session->network, options);
  if (status == 0)
    status = apply_output_names(session->network, options);
  if (status == 0)
    print_network_io(session->network);
  return status;
}

static int build_engine(giexec_session_t *session, const giexec_options_t *options) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = resolve_backend(options->backend);
  config.device = options->device;
  config.max_batch = options->batch;
  config.workspace = (size_t)options->workspace_mib << 20;
  config.allow_lossy_tactics = options->allow_lossy_tactics;
  config.linear_formats_only = options->linear_formats;
  config.fp32_layers = options->fp32_layers[0] ? options->fp32_layers : NULL;
  config.allow_tf32 = options->allow_tf32;
  config.precision = options->half2 ? TRT_PRECISION_FP16 : TRT_PRECISION_FP32;
  config.cpu_threads = options->threads;
  config.verbose = options->verbose;
  if (options->no_fusion &&
      trt_builder_config_disable_passes(&config, options->no_fusion) != TRT_STATUS_OK)
    return usage_error("--noFusion: %s", trt_last_error());
  if (options->tactic_sources &&
      trt_builder_config_set_tactic_sources(&config, options->tactic_sources) != TRT_STATUS_OK)
    return usage_error("--tacticSources: %s", trt_last_error());

  config.timing_cache_path = options->timing_cache_path;
  if (options->device_given && trt_set_device(options->device) != TRT_STATUS_OK &&
      options->backend == TRT_BACKEND_CUDA)
    return engine_failure("--device");

  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  trt_status_t status =
      options->load_engine_path
          ? trt_engine_load(options->load_engine_path, NULL, &config, &session->engine)
          : trt_engine_build(session->network, &config, &session->engine);
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (status != TRT_STATUS_OK)
    return engine_failure(options->load_engine_path ? "loading the engine" : "building the engine");
  if (options->engine_path) {
    if (trt_engine_save(session->engine, options->engine_path, NULL) != TRT_STATUS_OK)
      return engine_failure("--engine");
    printf("Engine saved to %s\n", options->engine_path);
  }
  double build_ms = (double)(end.tv_sec - start.tv_sec) * 1e3 +
                    (double)(end.tv_nsec - start.tv_nsec) / 1e6;
  printf("Engine %s in %.1f ms: backend %s, %d layers, %.2f MiB of activations\n",
         options->load_engine_path ? "loaded" : "built", build_ms,
         trt_backend_name(trt_engine_backend(session->engine)),
         trt_engine_num_layers(session->engine),
         (double)trt_engine_activation_bytes(session->engine) / (1024.0 * 1024.0));
  if (trt_context_create(session->engine, &session->context) != TRT_STATUS_OK)
    return engine_failure("creating the execution context");
  return 0;
}

/* Dims of a binding at the batch that runs (engine dims are at max batch). */
static trt_dims_t binding_run_dims(const trt_engine_t *engine, int binding, int batch) {
  trt_dims_t dims = trt_engine_binding_dims(engine, binding);
  if (trt_engine_binding_has_batch(engine, binding) && dims.nb_dims > 0)
    dims.d[0] = batch;
  return dims;
}

static int allocate_bindings(giexec_session_t *session, int batch) {
  session->pinned = trt_engine_backend(session->engine) == TRT_BACKEND_CUDA;
  session->nb_bindings = trt_engine_num_bindings(session->engine);
  session->bindings = calloc((size_t)session->nb_bindings + 1, sizeof(void *));
  session->binding_elements = calloc((size_t)session->nb_bindings + 1, sizeof(int64_t));
  if (!session->bindings || !session->binding_elements) {
    fprintf(stderr, "giexec: out of memory for the bindings\n");
    return EXIT_RUNTIME_FAILURE;
  }
  for (int i = 0; i < session->nb_bindings; i++) {
    trt_dims_t max_dims = trt_engine_binding_dims(session->engine, i);
    trt_dims_t run_dims = binding_run_dims(session->engine, i, batch);
    size_t element_size = trt_data_type_size(trt_engine_binding_type(session->engine, i));
    size_t bytes = (size_t)trt_dims_volume(&max_dims) * element_size;
    session->binding_elements[i] = trt_dims_volume(&run_dims);
    if (session->pinned) {
      if (trt_host_malloc_pinned(&session->bindings[i], bytes) != TRT_STATUS_OK)
        return engine_failure("page-locked host memory for the bindings");
      memset(session->bindings[i], 0, bytes);
    } else {
      session->bindings[i] = calloc(1, bytes > 0 ? bytes : 1);
    }
    if (!session->bindings[i]) {
      fprintf(stderr, "giexec: out of memory for binding '%s' (%zu bytes)\n",
              trt_engine_binding_name(session->engine, i), bytes);
      return EXIT_RUNTIME_FAILURE;
    }
  }
  return 0;
}

static const named_value_t *find_input_file(const giexec_options_t *options, const char *name) {
  for (int i = 0; i < options->nb_input_files; i++)
    if (strcmp(options->input_files[i].name, name) == 0)
      return &options->input_files[i];
  return NULL;
}

/* Reads raw float32 into a binding of any type, converting each value. */
static int load_input_file(giexec_session_t *session, int binding, const char *path) {
  const char *name = trt_engine_binding_name(session->engine, binding);
  trt_data_type_t type = trt_engine_binding_type(session->engine, binding);
  int64_t elements = session->binding_elements[binding];
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "giexec: --loadInputs: cannot open '%s': %s\n", path, strerror(errno));
    return EXIT_RUNTIME_FAILURE;
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  if (size != elements * (long)sizeof(float)) {
    fprintf(stderr, "giexec: --loadInputs: '%s' holds %ld bytes; input '%s' needs %lld float32 "
                    "values (%lld bytes)\n",
            path, size, name, (long long)elements, (long long)elements * 4);
    fclose(file);
    return EXIT_RUNTIME_FAILURE;
  }
  for (int64_t i = 0; i < elements; i++) {
    float value;
    if (fread(&value, sizeof(value), 1, file) != 1) {
      fprintf(stderr, "giexec: --loadInputs: reading '%s' failed\n", path);
      fclose(file);
      return EXIT_RUNTIME_FAILURE;
    }
    element_set(type, session->bindings[binding], i, value);
  }
  fclose(file);
  printf("Input \"%s\" read from %s\n", name, path);
  return 0;
}

/* Floats uniform in [-1, 1]; integer and bool inputs get the same values
 * rounded (-1, 0, 1; 0 or 1 when unsigned), which stay valid indices. */
static void fill_random(giexec_session_t *session, int binding, uint64_t *state) {
  trt_data_type_t type = trt_engine_binding_type(session->engine, binding);
  bool is_unsigned = type == TRT_DATA_TYPE_UINT8 || type == TRT_DATA_TYPE_BOOL;
  for (int64_t i = 0; i < session->binding_elements[binding]; i++) {
    double value = random_uniform(state);
    if (is_unsigned)
      value = fabs(value);
    element_set(type, session->bindings[binding], i, value);
  }
}

static int fill_inputs(giexec_session_t *session, const giexec_options_t *options) {
  for (int i = 0; i < options->nb_input_files; i++) {
    int binding = trt_engine_find_binding(session->engine, options->input_files[i].name);
    if (binding < 0 || !trt_engine_binding_is_input(session->engine, binding)) {
      fprintf(stderr, "giexec: --loadInputs: the engine has no input named '%s'\n",
              options->input_files[i].name);
      return EXIT_RUNTIME_FAILURE;
    }
  }
  uint64_t state = (uint64_t)options->seed;
  for (int i = 0; i < session->nb_bindings; i++) {
    if (!trt_engine_binding_is_input(session->engine, i))
      continue;
    const char *name = trt_engine_binding_name(session->engine, i);
    const named_value_t *file = find_input_file(options, name);
    if (file) {
      int status = load_input_file(session, i, file->value);
      if (status != 0)
        return status;
    } else {
      fill_random(session, i, &state);
    }
  }
  return 0;
}

/* ---- timing ------------------------------------------------------------- */

static double now_ms(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int execute_once(giexec_session_t *session, int batch) {
  if (trt_context_execute(session->context, batch, session->bindings) != TRT_STATUS_OK)
    return engine_failure("executing the engine");
  return 0;
}

typedef struct {
  double min, mean, median, max;
} timing_summary_t;

static timing_summary_t summarize(double *values, int count) {
  timing_summary_t summary = {0};
  double sum = 0.0;
  for (int i = 0; i < count; i++)
    sum += values[i];
  qsort(values, (size_t)count, sizeof(double), compare_doubles);
  summary.min = values[0];
  summary.max = values[count - 1];
  summary.mean = sum / count;
  summary.median = count % 2 ? values[count / 2]
                             : 0.5 * (values[count / 2 - 1] + values[count / 2]);
  return summary;
}

/* One untimed warm-up run, then `iterations` times the mean of `avgRuns`. */
static int run_timed(giexec_session_t *session, const giexec_options_t *options) {
  int status = execute_once(session, options->batch);
  if (status != 0)
    return status;
  double *iteration_ms = malloc(sizeof(double) * (size_t)options->iterations);
  if (!iteration_ms) {
    fprintf(stderr, "giexec: out of memory\n");
    return EXIT_RUNTIME_FAILURE;
  }
  for (int iteration = 0; iteration < options->iterations && status == 0; iteration++) {
    double start = now_ms();
    for (int run = 0; run < options->avg_runs && status == 0; run++)
      status = execute_once(session, options->batch);
    iteration_ms[iteration] = (now_ms() - start) / options->avg_runs;
    if (status == 0)
      printf("Average over %d runs is %.4f ms (host walltime).\n", options->avg_runs,
             iteration_ms[iteration]);
  }
  if (status == 0) {
    timing_summary_t summary = summarize(iteration_ms, options->iterations);
    printf("Average over %d iterations is %.4f ms (median %.4f ms, min %.4f, max %.4f)\n",
           options->iterations, summary.mean, summary.median, summary.min, summary.max);
    printf("Timing: backend=%s batch=%d iterations=%d avgRuns=%d min=%.4f mean=%.4f "
           "median=%.4f max=%.4f (ms per run)\n",
           trt_backend_name(trt_engine_backend(session->engine)), options->batch,
           options->iterations, options->avg_runs, summary.min, summary.mean, summary.median,
           summary.max);
  }
  free(iteration_ms);
  return status;
}

/* The GPU path (giexec_gpu.c): host bindings copied in and out every run. */
static int run_timed_gpu(giexec_session_t *session, const giexec_options_t *options) {
  size_t *run_bytes = calloc((size_t)session->nb_bindings + 1, sizeof(size_t));
  if (!run_bytes) {
    fprintf(stderr, "giexec: out of memory\n");
    return EXIT_RUNTIME_FAILURE;
  }
  for (int i = 0; i < session->nb_bindings; i++)
    run_bytes[i] = (size_t)session->binding_elements[i] *
                   trt_data_type_size(trt_engine_binding_type(session->engine, i));
  giexec_gpu_options_t gpu = {
      .batch = options->batch,
      .iterations = options->iterations,
      .avg_runs = options->avg_runs,
      .warmup_ms = options->warmup_ms,
      .host_time = options->host_time,
      .use_graph = !options->no_cuda_graph,
      .dump_profile = options->dump_profile,
      .export_times_path = options->export_times_path,
  };
  int status = giexec_gpu_run(session->engine, session->context, session->bindings, run_bytes,
                              &gpu);
  free(run_bytes);
  return status;
}

/* ---- outputs ------------------------------------------------------------ */

static void print_outputs(const giexec_session_t *session, int batch) {
  char dims_text[128];
  for (int i = 0; i < session->nb_bindings; i++) {
    if (trt_engine_binding_is_input(session->engine, i))
      continue;
    trt_data_type_t type = trt_engine_binding_type(session->engine, i);
    trt_dims_t dims = binding_run_dims(session->engine, i, batch);
    printf("Output \"%s\": %s %s:", trt_engine_binding_name(session->engine, i),
           trt_dims_format(&dims, dims_text, sizeof(dims_text)), trt_data_type_name(type));
    int64_t shown = session->binding_elements[i];
    if (shown > GIEXEC_PRINTED_VALUES)
      shown = GIEXEC_PRINTED_VALUES;
    for (int64_t j = 0; j < shown; j++) {
      double value = trt_element_as_double(session->bindings[i], type, j);
      if (data_type_is_float(type))
        printf(" %.6g", value);
      else
        printf(" %.0f", value);
    }
    printf(session->binding_elements[i] > shown ? " ...\n" : "\n");
  }
}

/* File names keep letters, digits, '.', '-' and '_'; anything else (the '/'
 * and ':' of many tensor names) becomes '_'. */
static void sanitize_file_name(const char *name, char *file_name, size_t size) {
  size_t length = 0;
  for (; name[length] && length + 1 < size; length++) {
    char c = name[length];
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_';
    file_name[length] = keep ? c : '_';
  }
  file_name[length] = '\0';
  if (length == 0 || strcmp(file_name, ".") == 0 || strcmp(file_name, "..") == 0)
    snprintf(file_name, size, "_");
}

static int write_output_file(const giexec_session_t *session, int binding, const char *path) {
  trt_data_type_t type = trt_engine_binding_type(session->engine, binding);
  FILE *file = fopen(path, "wb");
  if (!file) {
    fprintf(stderr, "giexec: --exportOutputs: cannot create '%s': %s\n", path, strerror(errno));
    return EXIT_RUNTIME_FAILURE;
  }
  bool ok = true;
  for (int64_t i = 0; i < session->binding_elements[binding] && ok; i++) {
    float value = (float)trt_element_as_double(session->bindings[binding], type, i);
    ok = fwrite(&value, sizeof(value), 1, file) == 1;
  }
  ok = (fclose(file) == 0) && ok;
  if (!ok) {
    fprintf(stderr, "giexec: --exportOutputs: writing '%s' failed\n", path);
    return EXIT_RUNTIME_FAILURE;
  }
  printf("Output \"%s\" written to %s\n", trt_engine_binding_name(session->engine, binding), path);
  return 0;
}

static int export_outputs(const giexec_session_t *session, const char *directory) {
  if (mkdir(directory, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "giexec: --exportOutputs: cannot create '%s': %s\n", directory,
            strerror(errno));
    return EXIT_RUNTIME_FAILURE;
  }
  char previous_names[GIEXEC_MAX_ENTRIES][256];
  int nb_previous = 0;
  for (int i = 0; i < session->nb_bindings; i++) {
    if (trt_engine_binding_is_input(session->engine, i))
      continue;
    char file_name[256];
    sanitize_file_name(trt_engine_binding_name(session->engine, i), file_name, 200);
    /* Two names that sanitize alike ("a/b", "a:b") must not overwrite each other. */
    for (int j = 0; j < nb_previous; j++) {
      if (strcmp(previous_names[j], file_name) == 0) {
        size_t length = strlen(file_name);
        snprintf(file_name + length, sizeof(file_name) - length, "-%d", i);
        break;
      }
    }
    if (nb_previous < GIEXEC_MAX_ENTRIES)
      strcpy(previous_names[nb_previous++], file_name);
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.bin", directory, file_name);
    int status = write_output_file(session, i, path);
    if (status != 0)
      return status;
  }
  return 0;
}

/* ---- main --------------------------------------------------------------- */

static int run_giexec(const giexec_options_t *options) {
  giexec_session_t session = {0};
  int status = load_network(&session, options);
  if (status == 0)
    status = build_engine(&session, options);
  if (status == 0)
    status = allocate_bindings(&session, options->batch);
  if (status == 0)
    status = fill_inputs(&session, options);
  if (status == 0)
    status = trt_engine_backend(session.engine) == TRT_BACKEND_CUDA
                 ? run_timed_gpu(&session, options)
                 : run_timed(&session, options);
  if (status == 0 && options->dump_profile &&
      trt_engine_backend(session.engine) != TRT_BACKEND_CUDA)
    status = giexec_dump_profile(session.engine, session.context, options->batch,
                                 session.bindings, options->avg_runs);
  if (status == 0)
    print_outputs(&session, options->batch);
  if (status == 0 && options->export_dir)
    status = export_outputs(&session, options->export_dir);
  session_destroy(&session);
  return status;
}

int main(int argc, char **argv) {
  /* Line-buffered so that progress and errors interleave when piped. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  giexec_options_t options;
  options_init(&options);
  int status = parse_arguments(argc, argv, &options);
  if (status != 0)
    return status;
  if (options.help) {
    print_usage(stdout);
    return 0;
  }
  status = check_planned_features(&options);
  if (status == 0)
    status = check_files(&options);
  if (status != 0)
    return status;
  if (options.verbose)
    trt_set_log_level(TRT_SEVERITY_VERBOSE);
  print_configuration(&options);
  /* Plugins first: importers and plan loading look their layers up. */
  if (options.plugins && trt_plugin_load_libraries(options.plugins) != TRT_STATUS_OK) {
    fprintf(stderr, "giexec: --plugins: %s\n", trt_last_error());
    return 1;
  }
  return run_giexec(&options);
}
