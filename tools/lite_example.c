/* lite_example: the Lite API (trt/lite.h) in one page. Builds (or loads)
 * an engine for a model, runs it on random inputs or on raw float32 files,
 * and prints each output's dims and statistics.
 *
 *   lite_example [--backend=cpu|cuda|auto] [--batch=N] [--shapes=x:1x3x48x320]
 *                [--cache=engine.plan] [--fp16] [--profile] [--input=name:file.bin]
 *                MODEL [WEIGHTS]
 *
 * MODEL is an ONNX file, a Caffe deploy prototxt (WEIGHTS: its caffemodel,
 * else random weights) or a plan. Exit status 0, 1 when the engine fails,
 * 2 for a usage error. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trt/trt.h"

#define MAX_INPUT_FILES 16

static void log_message(trt_severity_t severity, const char *message, void *user_data) {
  (void)user_data;
  static const char *const tags[] = {"error", "warning", "info", "verbose"};
  fprintf(stderr, "lite_example: %s: %s\n", tags[severity], message);
}

static void print_layer(const char *layer, float milliseconds, void *user_data) {
  (void)user_data;
  printf("  %-50s %8.3f ms\n", layer, milliseconds);
}

static int usage(const char *message) {
  fprintf(stderr,
          "lite_example: %s\nusage: lite_example [--backend=cpu|cuda|auto] [--batch=N] "
          "[--shapes=name:dims,...] [--cache=FILE] [--fp16] [--profile] [--input=name:file.bin] "
          "MODEL [WEIGHTS]\n",
          message);
  return 2;
}

/* Raw float32 values into a float32 input; false with a message otherwise. */
static bool read_input(const char *path, void *data, size_t bytes) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "lite_example: cannot open '%s'\n", path);
    return false;
  }
  size_t got = fread(data, 1, bytes, file);
  bool extra = fgetc(file) != EOF;
  fclose(file);
  if (got != bytes || extra) {
    fprintf(stderr, "lite_example: '%s' does not hold %zu bytes\n", path, bytes);
    return false;
  }
  return true;
}

static void print_stats(const trt_lite_t *lite, int index, int batch, const float *values) {
  trt_dims_t dims = trt_lite_output_dims(lite, index, batch);
  char text[128];
  int64_t count = trt_dims_volume(&dims);
  double sum = 0, low = DBL_MAX, high = -DBL_MAX;
  int64_t argmax = 0;
  for (int64_t i = 0; i < count; i++) {
    sum += values[i];
    low = fmin(low, values[i]);
    if (values[i] > high) {
      high = values[i];
      argmax = i;
    }
  }
  printf("output %s: %s float32: min %.6g max %.6g mean %.6g argmax %lld\n",
         trt_lite_output_name(lite, index), trt_dims_format(&dims, text, sizeof(text)), low, high,
         count ? sum / (double)count : 0.0, (long long)argmax);
}

int main(int argc, char **argv) {
  trt_lite_options_t options;
  trt_lite_options_init(&options);
  options.logger = log_message;
  const char *model = NULL, *weights = NULL;
  const char *input_files[MAX_INPUT_FILES];
  char input_names[MAX_INPUT_FILES][256];
  int nb_input_files = 0, batch = 1;
  bool profile = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--backend=", 10) == 0) {
      if (trt_backend_parse(arg + 10, &options.backend) != TRT_STATUS_OK)
        return usage("--backend is cpu, cuda or auto");
    } else if (strncmp(arg, "--batch=", 8) == 0) {
      batch = atoi(arg + 8);
      if (batch < 1)
        return usage("--batch must be 1 or more");
    } else if (strncmp(arg, "--shapes=", 9) == 0) {
      options.input_shapes = arg + 9;
    } else if (strncmp(arg, "--cache=", 8) == 0) {
      options.engine_cache = arg + 8;
    } else if (strcmp(arg, "--fp16") == 0) {
      options.precision = TRT_PRECISION_FP16;
    } else if (strcmp(arg, "--profile") == 0) {
      profile = true;
    } else if (strncmp(arg, "--input=", 8) == 0) {
      const char *colon = strrchr(arg + 8, ':');
      size_t length = colon ? (size_t)(colon - (arg + 8)) : 0;
      if (!colon || length == 0 || length >= sizeof(input_names[0]) ||
          nb_input_files == MAX_INPUT_FILES)
        return usage("--input is name:file.bin");
      memcpy(input_names[nb_input_files], arg + 8, length);
      input_names[nb_input_files][length] = '\0';
      input_files[nb_input_files++] = colon + 1;
    } else if (strncmp(arg, "--", 2) == 0) {
      return usage("unknown flag");
    } else if (!model) {
      model = arg;
    } else if (!weights) {
      weights = arg;
    } else {
      return usage("one model and at most one weights file");
    }
  }
  if (!model)
    return usage("no model");
  options.max_batch = batch;
  if (profile)
    options.profiler = print_layer;

  trt_lite_t *lite = NULL;
  if (trt_lite_create(model, weights, &options, &lite) != TRT_STATUS_OK)
    return 1; /* the logger printed why */
  printf("engine: %s backend, max batch %d, %s\n", trt_backend_name(trt_lite_backend(lite)),
         trt_lite_max_batch(lite), trt_lite_loaded_from_plan(lite) ? "loaded" : "built");

  int status = 0;
  int nb_inputs = trt_lite_num_inputs(lite), nb_outputs = trt_lite_num_outputs(lite);
  void **inputs = calloc((size_t)nb_inputs + 1, sizeof(void *));
  void **outputs = calloc((size_t)nb_outputs + 1, sizeof(void *));
  if (!inputs || !outputs)
    status = 1;
  for (int f = 0; status == 0 && f < nb_input_files; f++)
    if (trt_lite_find_input(lite, input_names[f]) < 0) {
      fprintf(stderr, "lite_example: --input: no input named '%s'\n", input_names[f]);
      status = 1;
    }
  uint64_t state = 1;
  for (int i = 0; status == 0 && i < nb_inputs; i++) {
    size_t bytes = trt_lite_input_bytes(lite, i, batch);
    inputs[i] = calloc(bytes ? bytes : 1, 1);
    if (!inputs[i]) {
      status = 1;
      break;
    }
    const char *file = NULL;
    for (int f = 0; f < nb_input_files; f++)
      if (strcmp(input_names[f], trt_lite_input_name(lite, i)) == 0)
        file = input_files[f];
    if (file) {
      status = read_input(file, inputs[i], bytes) ? 0 : 1;
    } else if (trt_lite_input_type(lite, i) == TRT_DATA_TYPE_FLOAT32) {
      float *values = inputs[i]; /* uniform in [-1, 1]; other types stay 0 */
      for (size_t k = 0; k < bytes / sizeof(float); k++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        values[k] = (float)((state >> 40) / 8388608.0 - 1.0);
      }
    }
  }
  for (int o = 0; status == 0 && o < nb_outputs; o++) {
    size_t bytes = trt_lite_output_bytes(lite, o, batch);
    outputs[o] = calloc(bytes ? bytes : 1, 1);
    status = outputs[o] ? 0 : 1;
  }
  if (status == 0 && profile)
    printf("per-layer times:\n");
  if (status == 0 &&
      trt_lite_infer(lite, batch, (const void *const *)inputs, outputs) != TRT_STATUS_OK)
    status = 1;
  for (int o = 0; status == 0 && o < nb_outputs; o++) {
    if (trt_lite_output_type(lite, o) == TRT_DATA_TYPE_FLOAT32)
      print_stats(lite, o, batch, outputs[o]);
    else
      printf("output %s: %s\n", trt_lite_output_name(lite, o),
             trt_data_type_name(trt_lite_output_type(lite, o)));
  }
  for (int i = 0; inputs && i < nb_inputs; i++)
    free(inputs[i]);
  for (int o = 0; outputs && o < nb_outputs; o++)
    free(outputs[o]);
  free(inputs);
  free(outputs);
  trt_lite_destroy(lite);
  return status;
}
