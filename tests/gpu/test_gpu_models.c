/* Whole models on the GPU against the CPU backend.
 *
 *   test_gpu_models [--tolerance=1e-4] [--batch=N] MODEL...
 *
 * MODEL is model.onnx[:input=1x3x224x224] (an input's dims fixed when the
 * model leaves them dynamic; the first dimension -1 keeps it as the batch)
 * or deploy.prototxt (Caffe, random weights). Exits 77 without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

static bool ends_with(const char *text, const char *suffix) {
  size_t a = strlen(text), b = strlen(suffix);
  return a >= b && strcmp(text + a - b, suffix) == 0;
}

static bool load(const char *spec, trt_network_t *network) {
  char path[4096];
  snprintf(path, sizeof(path), "%s", spec);
  char *shape = strchr(path, ':');
  if (shape)
    *shape++ = '\0';
  trt_status_t status;
  if (ends_with(path, ".prototxt")) {
    trt_caffe_options_t options;
    trt_caffe_options_init(&options);
    status = trt_caffe_parse(network, path, NULL, &options);
  } else {
    status = trt_onnx_parse(network, path);
  }
  if (status == TRT_STATUS_OK && shape) {
    char *equals = strchr(shape, '=');
    trt_dims_t dims;
    if (!equals)
      return false;
    *equals = '\0';
    status = trt_dims_parse(equals + 1, &dims);
    if (status == TRT_STATUS_OK)
      status = trt_network_set_input_dims(network, shape, &dims);
  }
  if (status != TRT_STATUS_OK)
    printf("FAIL %s: %s\n", spec, trt_last_error());
  return status == TRT_STATUS_OK;
}

int main(int argc, char **argv) {
  double tolerance = 1e-4;
  int batch = 1, failed = 0, run = 0;
  gpu_require();
  trt_set_log_level(TRT_SEVERITY_WARNING);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], "--tolerance=", 12) == 0) {
      tolerance = atof(argv[i] + 12);
      continue;
    }
    if (strncmp(argv[i], "--batch=", 8) == 0) {
      batch = atoi(argv[i] + 8);
      continue;
    }
    trt_network_t *network = trt_network_create();
    run++;
    if (!load(argv[i], network) ||
        !gpu_compare_backends(argv[i], network, batch, batch, tolerance))
      failed++;
    trt_network_destroy(network);
  }
  printf("%d of %d models match the CPU backend\n", run - failed, run);
  return failed ? 1 : 0;
}
