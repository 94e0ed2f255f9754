/* caffe_run: imports a Caffe network, optionally writes the weights it used
 * as a caffemodel, runs it on the CPU backend and writes every binding as
 * raw float32 files plus a manifest, for compare_opencv.py.
 *
 *   caffe_run DEPLOY [--weights FILE] [--seed N] [--save-weights FILE]
 *             [--outputs a,b,...] [--input FILE] [--out-dir DIR] [--no-run]
 *
 * Without --input the input is deterministic pseudo-random data in [-1, 1).
 * The manifest (DIR/manifest.txt) has one line per binding:
 *   input|output NAME DIMS FILE */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trt/trt.h"

typedef struct {
  const char *deploy, *weights, *save_weights, *input, *out_dir;
  char *outputs_text;
  uint64_t seed;
  bool run;
} run_options_t;

static int fail(const char *what) {
  fprintf(stderr, "caffe_run: %s: %s\n", what, trt_last_error());
  return 1;
}

static bool parse_arguments(int argc, char **argv, run_options_t *options) {
  *options = (run_options_t){.seed = 1, .run = true, .out_dir = "."};
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(arg, "--no-run") == 0) {
      options->run = false;
      continue;
    }
    if (arg[0] != '-') {
      options->deploy = arg;
      continue;
    }
    if (!value) {
      fprintf(stderr, "caffe_run: %s needs a value\n", arg);
      return false;
    }
    i++;
    if (strcmp(arg, "--weights") == 0)
      options->weights = value;
    else if (strcmp(arg, "--seed") == 0)
      options->seed = strtoull(value, NULL, 10);
    else if (strcmp(arg, "--save-weights") == 0)
      options->save_weights = value;
    else if (strcmp(arg, "--outputs") == 0)
      options->outputs_text = (char *)value;
    else if (strcmp(arg, "--input") == 0)
      options->input = value;
    else if (strcmp(arg, "--out-dir") == 0)
      options->out_dir = value;
    else {
      fprintf(stderr, "caffe_run: unknown option %s\n", arg);
      return false;
    }
  }
  if (!options->deploy)
    fprintf(stderr, "usage: caffe_run DEPLOY [--weights F] [--seed N] [--save-weights F] "
                    "[--outputs a,b] [--input F] [--out-dir D] [--no-run]\n");
  return options->deploy != NULL;
}

/* A file name for a blob: its name with anything but [A-Za-z0-9_-] as '_'. */
static void file_for(const char *dir, const char *prefix, int index, const char *name, char *path,
                     size_t size) {
  char clean[128];
  size_t n = 0;
  for (; name[n] && n < sizeof(clean) - 1; n++) {
    char c = name[n];
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
    clean[n] = plain ? c : '_';
  }
  clean[n] = '\0';
  snprintf(path, size, "%s/%s%d_%s.bin", dir, prefix, index, clean);
}

static bool write_floats(const char *path, const float *data, size_t count) {
  FILE *file = fopen(path, "wb");
  if (!file)
    return false;
  bool ok = fwrite(data, sizeof(float), count, file) == count;
  return fclose(file) == 0 && ok;
}

static bool read_floats(const char *path, float *data, size_t count) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return false;
  bool ok = fread(data, sizeof(float), count, file) == count;
  fclose(file);
  return ok;
}

int main(int argc, char **argv) {
  run_options_t args;
  if (!parse_arguments(argc, argv, &args))
    return 2;
  const char *names[64];
  int nb_names = 0;
  for (char *token = args.outputs_text ? strtok(args.outputs_text, ",") : NULL;
       token && nb_names < 64; token = strtok(NULL, ","))
    names[nb_names++] = token;
  trt_caffe_options_t caffe_options;
  trt_caffe_options_init(&caffe_options);
  caffe_options.seed = args.seed;
  caffe_options.outputs = nb_names ? names : NULL;
  caffe_options.nb_outputs = nb_names;

  if (args.save_weights &&
      trt_caffe_save_weights(args.deploy, args.weights, &caffe_options, args.save_weights) !=
          TRT_STATUS_OK)
    return fail("saving weights");
  trt_network_t *network = trt_network_create();
  if (!network)
    return fail("creating the network");
  if (trt_caffe_parse(network, args.deploy, args.weights, &caffe_options) != TRT_STATUS_OK)
    return fail(args.deploy);
  if (trt_network_infer_shapes(network) != TRT_STATUS_OK)
    return fail("shape inference");
  for (int i = 0; i < trt_network_num_outputs(network); i++) {
    int tensor = trt_network_output(network, i);
    trt_dims_t dims = trt_network_tensor_dims(network, tensor);
    char text[128];
    printf("output %s %s\n", trt_network_tensor_name(network, tensor),
           trt_dims_format(&dims, text, sizeof(text)));
  }
  printf("layers %d\n", trt_network_num_layers(network));
  if (!args.run) {
    trt_network_destroy(network);
    return 0;
  }

  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  trt_context_t *context = NULL;
  if (trt_engine_build(network, &config, &engine) != TRT_STATUS_OK)
    return fail("building the engine");
  trt_network_destroy(network);
  if (trt_context_create(engine, &context) != TRT_STATUS_OK)
    return fail("creating a context");
  const int nb_bindings = trt_engine_num_bindings(engine);
  float *buffers[64] = {NULL};
  size_t counts[64] = {0};
  char manifest_path[1024];
  snprintf(manifest_path, sizeof(manifest_path), "%s/manifest.txt", args.out_dir);
  FILE *manifest = fopen(manifest_path, "w");
  if (!manifest || nb_bindings > 64) {
    fprintf(stderr, "caffe_run: cannot write %s\n", manifest_path);
    return 1;
  }
  uint64_t state = args.seed * 0x9E3779B97F4A7C15ull + 1;
  for (int b = 0; b < nb_bindings; b++) {
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    counts[b] = (size_t)trt_dims_volume(&dims);
    buffers[b] = calloc(counts[b] ? counts[b] : 1, sizeof(float));
    if (!buffers[b])
      return fail("allocating bindings");
    if (!trt_engine_binding_is_input(engine, b))
      continue;
    if (args.input) {
      if (!read_floats(args.input, buffers[b], counts[b])) {
        fprintf(stderr, "caffe_run: %s does not hold %zu floats\n", args.input, counts[b]);
        return 1;
      }
    } else {
      for (size_t i = 0; i < counts[b]; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        buffers[b][i] = (float)(state >> 40) / 8388608.0f - 1.0f;
      }
    }
  }
  if (trt_context_execute(context, trt_engine_max_batch(engine), (void *const *)buffers) !=
      TRT_STATUS_OK)
    return fail("running");
  int status = 0;
  for (int b = 0; b < nb_bindings; b++) {
    const bool is_input = trt_engine_binding_is_input(engine, b);
    const char *name = trt_engine_binding_name(engine, b);
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    char path[1024], text[128];
    file_for(args.out_dir, is_input ? "input" : "output", b, name, path, sizeof(path));
    if (!write_floats(path, buffers[b], counts[b])) {
      fprintf(stderr, "caffe_run: cannot write %s\n", path);
      return 1;
    }
    fprintf(manifest, "%s %s %s %s\n", is_input ? "input" : "output", name,
            trt_dims_format(&dims, text, sizeof(text)), path);
    if (!is_input) {
      double max_abs = 0.0;
      size_t non_finite = 0;
      for (size_t i = 0; i < counts[b]; i++) {
        if (!isfinite(buffers[b][i]))
          non_finite++;
        else if (fabs(buffers[b][i]) > max_abs)
          max_abs = fabs(buffers[b][i]);
      }
      printf("ran %s %s max|y|=%g non-finite=%zu\n", name, text, max_abs, non_finite);
      if (non_finite)
        status = 1;
    }
  }
  fclose(manifest);
  for (int b = 0; b < nb_bindings; b++)
    free(buffers[b]);
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  return status;
}
