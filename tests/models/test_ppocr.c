/* Real-model test: the three PP-OCR models (text detection, recognition and
 * direction classification) parsed from ONNX, built for the CPU backend and
 * run on rendered text images, compared output by output with ONNX Runtime.
 *
 *   test_ppocr MODELS_DIR DATA_DIR
 *
 * MODELS_DIR holds det.onnx, rec.onnx and cls.onnx (models/fetch_models.sh);
 * DATA_DIR holds <model>.bin inputs and <model>/outputs.txt references
 * (tests/models/make_references.sh). Meson runs it through
 * run_ppocr_test.sh, which prepares both. Exits 77 (skipped) when the models
 * are not there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_util.h"
#include "trt/trt.h"

#define EXIT_SKIP       77
#define MAX_RELATIVE_L2 1e-4

typedef struct {
  const char *name;  /* det, rec, cls: file stems */
  const char *input; /* input tensor name */
  const char *dims;  /* input dims; keep in step with make_references.sh */
} model_case_t;

static const model_case_t model_cases[] = {
    {"det", "x", "1x3x640x640"},
    {"rec", "x", "1x3x48x320"},
    {"cls", "x", "1x3x48x192"},
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads a whole file into a malloc'd buffer; NULL (with a message) on failure. */
static void *read_file(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  void *data = NULL;
  long length = -1;
  if (fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) >= 0 &&
      fseek(file, 0, SEEK_SET) == 0) {
    data = malloc(length > 0 ? (size_t)length : 1);
    if (data && fread(data, 1, (size_t)length, file) != (size_t)length) {
      free(data);
      data = NULL;
    }
  }
  fclose(file);
  if (!data)
    fprintf(stderr, "cannot read %s\n", path);
  *size = data ? (size_t)length : 0;
  return data;
}

static bool file_exists(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file)
    fclose(file);
  return file != NULL;
}

/* Compares every output listed in <data_dir>/<model>/outputs.txt
 * ("name dims file" per line) with the engine's binding of that name. */
static void compare_outputs(const model_case_t *model, const char *data_dir,
                            const trt_engine_t *engine, void *const *bindings) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/outputs.txt", data_dir, model->name);
  FILE *list = fopen(path, "r");
  CHECK(list != NULL);
  if (!list) {
    fprintf(stderr, "%s: no reference list %s\n", model->name, path);
    return;
  }

  int compared = 0;
  char name[256], dims_text[64], file[256];
  while (fscanf(list, "%255s %63s %255s", name, dims_text, file) == 3) {
    int binding = trt_engine_find_binding(engine, name);
    CHECK(binding >= 0 && !trt_engine_binding_is_input(engine, binding));
    if (binding < 0 || trt_engine_binding_is_input(engine, binding)) {
      fprintf(stderr, "%s: the engine has no output '%s'\n", model->name, name);
      continue;
    }
    trt_dims_t expected, actual = trt_engine_binding_dims(engine, binding);
    CHECK_OK(trt_dims_parse(dims_text, &expected));
    char actual_text[64];
    trt_dims_format(&actual, actual_text, sizeof actual_text);
    CHECK(trt_dims_equal(&actual, &expected));
    CHECK(trt_engine_binding_type(engine, binding) == TRT_DATA_TYPE_FLOAT32);
    if (!trt_dims_equal(&actual, &expected) ||
        trt_engine_binding_type(engine, binding) != TRT_DATA_TYPE_FLOAT32) {
      fprintf(stderr, "%s: output '%s' is %s %s, ONNX Runtime gives float32 %s\n", model->name,
              name, trt_data_type_name(trt_engine_binding_type(engine, binding)), actual_text,
              dims_text);
      continue;
    }

    snprintf(path, sizeof path, "%s/%s/%s", data_dir, model->name, file);
    size_t size = 0;
    float *reference = read_file(path, &size);
    int64_t count = trt_dims_volume(&actual);
    CHECK(reference != NULL && size == (size_t)count * sizeof(float));
    if (reference && size == (size_t)count * sizeof(float)) {
      const float *ours = bindings[binding];
      double error = test_relative_l2(ours, reference, count);
      printf("%s: output %s %s: relative L2 %.3g, max abs diff %.3g\n", model->name, name,
             actual_text, error, test_max_abs_diff(ours, reference, count));
      CHECK_BELOW(error, MAX_RELATIVE_L2);
      compared++;
    }
    free(reference);
  }
  fclose(list);

  int outputs = 0;
  for (int b = 0; b < trt_engine_num_bindings(engine); b++)
    outputs += !trt_engine_binding_is_input(engine, b);
  CHECK(compared == outputs);
}

static void run_model(const model_case_t *model, const char *models_dir, const char *data_dir) {
  char path[4096];
  trt_network_t *network = trt_network_create();
  trt_engine_t *engine = NULL;
  trt_context_t *context = NULL;
  void **bindings = NULL;
  int nb_bindings = 0;
  CHECK(network != NULL);
  if (!network)
    return;

  snprintf(path, sizeof path, "%s/%s.onnx", models_dir, model->name);
  trt_status_t status = trt_onnx_parse(network, path);
  CHECK_OK(status);
  if (status != TRT_STATUS_OK)
    goto done;

  trt_dims_t input_dims;
  CHECK_OK(trt_dims_parse(model->dims, &input_dims));
  status = trt_network_set_input_dims(network, model->input, &input_dims);
  CHECK_OK(status);
  if (status != TRT_STATUS_OK)
    goto done;

  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.max_batch = (int)input_dims.d[0];
  double start = now_ms();
  status = trt_engine_build(network, &config, &engine);
  CHECK_OK(status);
  if (status != TRT_STATUS_OK)
    goto done;
  double built = now_ms();
  status = trt_context_create(engine, &context);
  CHECK_OK(status);
  if (status != TRT_STATUS_OK)
    goto done;

  /* Host buffers for every binding: the rendered image for the input,
   * zeroed memory for the outputs. */
  nb_bindings = trt_engine_num_bindings(engine);
  bindings = calloc((size_t)nb_bindings, sizeof *bindings);
  CHECK(bindings != NULL);
  if (!bindings)
    goto done;
  for (int b = 0; b < nb_bindings; b++) {
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    size_t bytes =
        (size_t)trt_dims_volume(&dims) * trt_data_type_size(trt_engine_binding_type(engine, b));
    if (trt_engine_binding_is_input(engine, b)) {
      CHECK(strcmp(trt_engine_binding_name(engine, b), model->input) == 0);
      CHECK(trt_dims_equal(&dims, &input_dims));
      snprintf(path, sizeof path, "%s/%s.bin", data_dir, model->name);
      size_t size = 0;
      bindings[b] = read_file(path, &size);
      CHECK(bindings[b] != NULL && size == bytes);
      if (!bindings[b] || size != bytes) {
        fprintf(stderr, "%s: %s has %zu bytes, binding '%s' needs %zu\n", model->name, path, size,
                trt_engine_binding_name(engine, b), bytes);
        goto done;
      }
    } else {
      bindings[b] = calloc(bytes ? bytes : 1, 1);
      CHECK(bindings[b] != NULL);
      if (!bindings[b])
        goto done;
    }
  }

  double ran = now_ms();
  status = trt_context_execute(context, 1, bindings);
  CHECK_OK(status);
  double finished = now_ms();
  printf("%s: %d layers, build %.0f ms, run %.0f ms\n", model->name, trt_engine_num_layers(engine),
         built - start, finished - ran);
  if (status == TRT_STATUS_OK)
    compare_outputs(model, data_dir, engine, bindings);

done:
  if (bindings) {
    for (int b = 0; b < nb_bindings; b++)
      free(bindings[b]);
    free(bindings);
  }
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  trt_network_destroy(network);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODELS_DIR DATA_DIR\n", argv[0]);
    return 2;
  }
  const char *models_dir = argv[1], *data_dir = argv[2];
  size_t nb_models = sizeof model_cases / sizeof model_cases[0];

  for (size_t i = 0; i < nb_models; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.onnx", models_dir, model_cases[i].name);
    if (!file_exists(path)) {
      printf("SKIP: %s not found; run models/fetch_models.sh\n", path);
      return EXIT_SKIP;
    }
  }
  for (size_t i = 0; i < nb_models; i++)
    run_model(&model_cases[i], models_dir, data_dir);
  return test_finish("test_ppocr");
}
