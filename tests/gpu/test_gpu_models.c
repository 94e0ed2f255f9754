/* Whole models on the GPU against the CPU backend.
 *
 *   test_gpu_models [--tolerance=1e-4] [--batch=N] [--precision=fp16] [--ctc] MODEL...
 *
 * MODEL is model.onnx[:input=1x3x224x224[:data.bin]] (an input's dims fixed
 * when the model leaves them dynamic; the first dimension -1 keeps it as
 * the batch; data.bin: raw float32 for the first input, e.g. PP-OCR det on
 * the page models/make_inputs.py renders, instead of random values) or
 * deploy.prototxt (Caffe, random weights).
 *
 * Where an output is a Softmax, its input (the logits) is compared too:
 * with random weights a softmax often saturates to exact 0/1, which hides
 * any difference, or sits on large logits, which turns a tiny relative
 * difference into a visible one. The logits are held to the tolerance, the
 * probabilities to the tolerance plus what the logits' difference explains
 * (gpu_util.h). --precision=fp16 builds the CUDA engine in FP16 (against
 * the CPU in FP32; give a tolerance such as 1e-2). --ctc: outputs of rank 3
 * (a text recognizer's per-step class scores) must also decode to the same
 * strings (greedy CTC, gpu_util.h). Exits 77 without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

static bool ends_with(const char *text, const char *suffix) {
  size_t a = strlen(text), b = strlen(suffix);
  return a >= b && strcmp(text + a - b, suffix) == 0;
}

/* Marks the input of each Softmax output as an output too and records the
 * pair. */
static void mark_softmax_logits(trt_network_t *network, gpu_compare_options_t *options) {
  int outputs = trt_network_num_outputs(network);
  for (int i = 0; i < outputs; i++) {
    int tensor = trt_network_output(network, i);
    for (int l = 0; l < trt_network_num_layers(network); l++) {
      if (trt_network_layer_type(network, l) != TRT_LAYER_SOFTMAX ||
          trt_network_layer_output(network, l, 0) != tensor)
        continue;
      int logits = trt_network_layer_input(network, l, 0);
      bool is_input = false;
      for (int k = 0; k < trt_network_num_inputs(network); k++)
        is_input = is_input || trt_network_input(network, k) == logits;
      if (is_input || options->nb_softmax >= GPU_MAX_SOFTMAX_PAIRS ||
          trt_network_mark_output(network, logits) != TRT_STATUS_OK)
        continue;
      options->softmax_output[options->nb_softmax] = trt_network_tensor_name(network, tensor);
      options->softmax_logits[options->nb_softmax] = trt_network_tensor_name(network, logits);
      options->nb_softmax++;
    }
  }
}

static bool load(const char *spec, trt_network_t *network, char *input_file,
                 size_t input_file_size) {
  char path[4096];
  snprintf(path, sizeof(path), "%s", spec);
  input_file[0] = '\0';
  char *shape = strchr(path, ':');
  if (shape)
    *shape++ = '\0';
  char *data = shape ? strchr(shape, ':') : NULL;
  if (data) {
    *data++ = '\0';
    snprintf(input_file, input_file_size, "%s", data);
  }
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
  trt_precision_t precision = TRT_PRECISION_FP32;
  bool ctc = false;
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
    if (strcmp(argv[i], "--precision=fp16") == 0) {
      precision = TRT_PRECISION_FP16;
      continue;
    }
    if (strcmp(argv[i], "--ctc") == 0) {
      ctc = true;
      continue;
    }
    trt_network_t *network = trt_network_create();
    run++;
    char input_file[4096];
    gpu_compare_options_t options = {.cuda_precision = precision, .ctc_sequences = ctc};
    bool ok = load(argv[i], network, input_file, sizeof(input_file));
    if (ok) {
      options.input_file = input_file[0] ? input_file : NULL;
      mark_softmax_logits(network, &options);
    }
    if (!ok || !gpu_compare_backends_ex(argv[i], network, batch, batch, tolerance, &options))
      failed++;
    trt_network_destroy(network);
  }
  printf("%d of %d models match the CPU backend\n", run - failed, run);
  return failed ? 1 : 0;
}
