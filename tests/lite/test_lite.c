/* The Lite API (trt/lite.h) on the CPU backend: built from ONNX, from a
 * Caffe prototxt with random weights and from a plan; the engine cache's
 * round trip; logger and profiler callbacks; clear errors.
 *
 *   test_lite CLASSIFIER_ONNX LENET_PROTOTXT WORKDIR
 *
 * classifier.onnx (tests/element/make_models.py): image [N,3,8,8] ->
 * features [N,4,8,8], probs [N,4]. Results are compared with the same model
 * run through the lower-level API, exactly (same engine, same backend). */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "trt/lite.h"

#define ITEM_VALUES (3 * 8 * 8)

static const char *classifier_path, *lenet_path, *workdir;

/* ---- callbacks ------------------------------------------------------------- */

typedef struct {
  int messages[4];
  char last_error[1024];
} log_record_t;

static void record_log(trt_severity_t severity, const char *message, void *user_data) {
  log_record_t *record = user_data;
  if ((int)severity >= 0 && severity <= TRT_SEVERITY_VERBOSE)
    record->messages[severity]++;
  if (severity == TRT_SEVERITY_ERROR)
    snprintf(record->last_error, sizeof(record->last_error), "%s", message);
}

typedef struct {
  int calls;
  float total_ms;
  bool saw_conv;
} profile_record_t;

static void record_layer(const char *layer, float milliseconds, void *user_data) {
  profile_record_t *record = user_data;
  record->calls++;
  record->total_ms += milliseconds;
  record->saw_conv = record->saw_conv || strstr(layer, "conv1") != NULL;
}

/* ---- helpers ----------------------------------------------------------------- */

static trt_lite_options_t cpu_options(int max_batch) {
  trt_lite_options_t options;
  trt_lite_options_init(&options);
  options.backend = TRT_BACKEND_CPU;
  options.max_batch = max_batch;
  return options;
}

static bool contains(const char *text, const char *part) {
  return strstr(text, part) != NULL;
}

/* probs of `batch` items of `input` through the lower-level API. */
static void reference_probs(const float *input, int batch, float *probs) {
  trt_network_t *network = trt_network_create();
  trt_engine_t *engine = NULL;
  trt_context_t *context = NULL;
  CHECK_OK(trt_onnx_parse(network, classifier_path));
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.max_batch = batch;
  CHECK_OK(trt_engine_build(network, &config, &engine));
  CHECK_OK(trt_context_create(engine, &context));
  float *features = calloc((size_t)batch * 4 * 64, sizeof(float));
  void *bindings[3];
  bindings[trt_engine_find_binding(engine, "image")] = (void *)input;
  bindings[trt_engine_find_binding(engine, "features")] = features;
  bindings[trt_engine_find_binding(engine, "probs")] = probs;
  CHECK_OK(trt_context_execute(context, batch, bindings));
  free(features);
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  trt_network_destroy(network);
}

static float *random_images(int batch, uint64_t seed) {
  test_rng_t rng = test_rng(seed);
  return test_random_floats(&rng, (int64_t)batch * ITEM_VALUES, -1.0f, 1.0f);
}

/* ---- cases ------------------------------------------------------------------- */

static void test_onnx(void) {
  trt_lite_options_t options = cpu_options(4);
  trt_lite_t *lite = NULL;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  if (!lite)
    return;
  CHECK(!trt_lite_loaded_from_plan(lite));
  CHECK(trt_lite_backend(lite) == TRT_BACKEND_CPU);
  CHECK(trt_lite_max_batch(lite) == 4);
  CHECK(trt_lite_num_inputs(lite) == 1 && trt_lite_num_outputs(lite) == 2);
  CHECK(strcmp(trt_lite_input_name(lite, 0), "image") == 0);
  CHECK(trt_lite_find_output(lite, "probs") >= 0 && trt_lite_find_output(lite, "nope") == -1);
  CHECK(trt_lite_input_name(lite, 1) == NULL && trt_lite_output_name(lite, -1) == NULL);
  trt_dims_t dims = trt_lite_input_dims(lite, 0, 3);
  CHECK(dims.nb_dims == 4 && dims.d[0] == 3 && dims.d[1] == 3 && dims.d[3] == 8);
  CHECK(trt_lite_input_has_batch(lite, 0));
  CHECK(trt_lite_input_type(lite, 0) == TRT_DATA_TYPE_FLOAT32);
  CHECK(trt_lite_input_bytes(lite, 0, 2) == 2 * ITEM_VALUES * sizeof(float));
  int probs_index = trt_lite_find_output(lite, "probs");
  trt_dims_t probs_dims = trt_lite_output_dims(lite, probs_index, 2);
  CHECK(probs_dims.nb_dims == 2 && probs_dims.d[0] == 2 && probs_dims.d[1] == 4);

  /* By index, batch 2: the lower-level API's result, rows summing to 1. */
  float *images = random_images(2, 7);
  float probs[2 * 4] = {0}, features[2 * 4 * 64], expected[2 * 4];
  const void *inputs[] = {images};
  void *outputs[2];
  outputs[probs_index] = probs;
  outputs[1 - probs_index] = features;
  CHECK_OK(trt_lite_infer(lite, 2, inputs, outputs));
  reference_probs(images, 2, expected);
  CHECK(memcmp(probs, expected, sizeof(probs)) == 0);
  for (int n = 0; n < 2; n++)
    CHECK_BELOW(fabsf(probs[n * 4] + probs[n * 4 + 1] + probs[n * 4 + 2] + probs[n * 4 + 3] - 1),
                1e-5);

  /* By name, probs only, batch 1: the first item's row. */
  float named_probs[4] = {0};
  trt_lite_buffer_t named_inputs[] = {{"image", images}};
  trt_lite_buffer_t named_outputs[] = {{"probs", named_probs}};
  CHECK_OK(trt_lite_infer_named(lite, 1, named_inputs, 1, named_outputs, 1));
  CHECK_BELOW(test_max_abs_diff(named_probs, expected, 4), 1e-6);

  /* enqueue on the CPU: host memory, synchronous. */
  float enqueued[2 * 4] = {0};
  outputs[probs_index] = enqueued;
  CHECK_OK(trt_lite_enqueue(lite, 2, inputs, outputs, NULL));
  CHECK_OK(trt_lite_synchronize(lite));
  CHECK(memcmp(enqueued, expected, sizeof(enqueued)) == 0);

  /* Errors: batch above the maximum, unknown names, missing buffers. */
  CHECK(trt_lite_infer(lite, 5, inputs, outputs) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "batch 5") && contains(trt_last_error(), "1..4"));
  CHECK(trt_lite_infer(lite, 0, inputs, outputs) == TRT_STATUS_INVALID_ARGUMENT);
  trt_lite_buffer_t wrong[] = {{"picture", images}};
  CHECK(trt_lite_infer_named(lite, 1, wrong, 1, named_outputs, 1) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "'picture'") && contains(trt_last_error(), "image"));
  CHECK(trt_lite_infer_named(lite, 1, NULL, 0, named_outputs, 1) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "no buffer for input 'image'"));
  free(images);
  trt_lite_destroy(lite);

  /* Names in the options: output order follows them; an output may be any tensor. */
  const char *output_names[] = {"probs"};
  const char *input_names[] = {"image"};
  options.output_names = output_names;
  options.nb_output_names = 1;
  options.input_names = input_names;
  options.nb_input_names = 1;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  if (lite) {
    CHECK(trt_lite_num_outputs(lite) == 1 && strcmp(trt_lite_output_name(lite, 0), "probs") == 0);
    trt_lite_destroy(lite);
  }
}

static void test_errors(void) {
  trt_lite_options_t options = cpu_options(1);
  trt_lite_t *lite = (trt_lite_t *)&options; /* set to NULL on failure */
  char missing[4096];
  snprintf(missing, sizeof(missing), "%s/no_such_model.onnx", workdir);
  CHECK(trt_lite_create(missing, NULL, &options, &lite) == TRT_STATUS_IO_ERROR);
  CHECK(lite == NULL);
  CHECK(contains(trt_last_error(), "no_such_model.onnx"));
  CHECK(trt_lite_create(NULL, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);

  const char *wrong_input[] = {"picture"};
  options.input_names = wrong_input;
  options.nb_input_names = 1;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "no input named 'picture'"));
  options = cpu_options(1);
  const char *wrong_output[] = {"logits_typo"};
  options.output_names = wrong_output;
  options.nb_output_names = 1;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "'logits_typo'"));

  options = cpu_options(1);
  options.precision = TRT_PRECISION_INT8;
  trt_lite_calibrator_t calibrator = {0};
  options.calibrator = &calibrator;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_UNSUPPORTED);
  CHECK(contains(trt_last_error(), "INT8") || contains(trt_last_error(), "int8"));
  /* A calibrator with FP32 is accepted (and unused). */
  options.precision = TRT_PRECISION_FP32;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  trt_lite_destroy(lite);

  options = cpu_options(1);
  char plugin[4096];
  snprintf(plugin, sizeof(plugin), "%s/libno_such_plugins.so", workdir);
  const char *plugins[] = {plugin};
  options.plugin_libraries = plugins;
  options.nb_plugin_libraries = 1;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_IO_ERROR);
  CHECK(contains(trt_last_error(), "plugin_libraries: ") &&
        contains(trt_last_error(), "libno_such_plugins.so"));

  options = cpu_options(0);
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "max_batch"));
  options = cpu_options(1);
  options.input_shapes = "picture:1x3x8x8";
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "picture"));
}

static void test_caffe(void) {
  if (access(lenet_path, R_OK) != 0) {
    printf("lenet: %s not here, skipped\n", lenet_path);
    return;
  }
  trt_lite_options_t options = cpu_options(3);
  trt_lite_t *lite = NULL;
  CHECK_OK(trt_lite_create(lenet_path, NULL, &options, &lite));
  if (!lite)
    return;
  CHECK(trt_lite_num_inputs(lite) == 1 && trt_lite_num_outputs(lite) == 1);
  CHECK(trt_lite_max_batch(lite) == 3);
  trt_dims_t dims = trt_lite_input_dims(lite, 0, 2);
  CHECK(dims.nb_dims == 4 && dims.d[0] == 2 && dims.d[1] == 1 && dims.d[2] == 28);
  test_rng_t rng = test_rng(3);
  float *images = test_random_floats(&rng, 3 * 28 * 28, 0.0f, 1.0f);
  float probs[3 * 10] = {0}, single[10] = {0};
  const void *inputs[] = {images};
  void *outputs[] = {probs};
  CHECK_OK(trt_lite_infer(lite, 3, inputs, outputs));
  for (int n = 0; n < 3; n++) {
    float sum = 0;
    for (int k = 0; k < 10; k++)
      sum += probs[n * 10 + k];
    CHECK_BELOW(fabsf(sum - 1), 1e-5);
  }
  /* The batch is dynamic: one item gives the first row again. */
  outputs[0] = single;
  CHECK_OK(trt_lite_infer(lite, 1, inputs, outputs));
  CHECK_BELOW(test_max_abs_diff(single, probs, 10), 1e-6);
  free(images);
  trt_lite_destroy(lite);
}

static void test_cache_and_plan(void) {
  char cache[4096];
  snprintf(cache, sizeof(cache), "%s/classifier.plan", workdir);
  unlink(cache);
  trt_lite_options_t options = cpu_options(2);
  options.engine_cache = cache;
  log_record_t log = {0};
  options.logger = record_log;
  options.logger_data = &log;
  options.log_severity = TRT_SEVERITY_INFO;

  float *images = random_images(2, 11);
  float first[2 * 4] = {0}, second[2 * 4] = {0}, third[2 * 4] = {0};
  trt_lite_buffer_t inputs[] = {{"image", images}};
  trt_lite_buffer_t outputs[] = {{"probs", first}};

  trt_lite_t *lite = NULL;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  CHECK(lite && !trt_lite_loaded_from_plan(lite));
  CHECK(access(cache, R_OK) == 0);
  CHECK(log.messages[TRT_SEVERITY_INFO] > 0); /* the build's summary at least */
  if (lite)
    CHECK_OK(trt_lite_infer_named(lite, 2, inputs, 1, outputs, 1));
  trt_lite_destroy(lite);

  /* Again: loaded from the cache, same results. */
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  CHECK(lite && trt_lite_loaded_from_plan(lite));
  outputs[0].data = second;
  if (lite)
    CHECK_OK(trt_lite_infer_named(lite, 2, inputs, 1, outputs, 1));
  CHECK(memcmp(first, second, sizeof(first)) == 0);
  trt_lite_destroy(lite);

  /* The plan itself as the model. */
  trt_lite_options_t plan_options = cpu_options(1);
  CHECK_OK(trt_lite_create(cache, NULL, &plan_options, &lite));
  CHECK(lite && trt_lite_loaded_from_plan(lite) && trt_lite_max_batch(lite) == 2);
  outputs[0].data = third;
  if (lite)
    CHECK_OK(trt_lite_infer_named(lite, 2, inputs, 1, outputs, 1));
  CHECK(memcmp(first, third, sizeof(first)) == 0);
  trt_lite_destroy(lite);

  /* Other options: the cache does not match, the engine is rebuilt and rewritten. */
  options.max_batch = 3;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  CHECK(lite && !trt_lite_loaded_from_plan(lite) && trt_lite_max_batch(lite) == 3);
  trt_lite_destroy(lite);
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  CHECK(lite && trt_lite_loaded_from_plan(lite));
  trt_lite_destroy(lite);

  /* A cache path holding something else is refused and left alone; the
   * logger hears the failure. */
  char other[4096];
  snprintf(other, sizeof(other), "%s/notes.txt", workdir);
  FILE *file = fopen(other, "w");
  CHECK(file != NULL);
  if (file) {
    fputs("not a plan\n", file);
    fclose(file);
  }
  options.engine_cache = other;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "not a plan file"));
  CHECK(log.messages[TRT_SEVERITY_ERROR] == 1 && contains(log.last_error, "not a plan file"));
  struct stat info;
  CHECK(stat(other, &info) == 0 && info.st_size == 11);
  options.engine_cache = classifier_path;
  CHECK(trt_lite_create(classifier_path, NULL, &options, &lite) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "replace the model"));
  free(images);
  unlink(cache);
  unlink(other);
}

static void test_profiler(void) {
  trt_lite_options_t options = cpu_options(1);
  profile_record_t profile = {0};
  options.profiler = record_layer;
  options.profiler_data = &profile;
  trt_lite_t *lite = NULL;
  CHECK_OK(trt_lite_create(classifier_path, NULL, &options, &lite));
  if (!lite)
    return;
  float *images = random_images(1, 5);
  float probs[4], features[4 * 64];
  const void *inputs[] = {images};
  void *outputs[2];
  outputs[trt_lite_find_output(lite, "probs")] = probs;
  outputs[trt_lite_find_output(lite, "features")] = features;
  CHECK_OK(trt_lite_infer(lite, 1, inputs, outputs));
  int layers = trt_engine_num_layers(trt_lite_engine(lite));
  CHECK(profile.calls == layers && layers > 0);
  CHECK(profile.saw_conv);
  CHECK(profile.total_ms >= 0.0f);
  free(images);
  trt_lite_destroy(lite);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s CLASSIFIER_ONNX LENET_PROTOTXT WORKDIR\n", argv[0]);
    return 2;
  }
  classifier_path = argv[1];
  lenet_path = argv[2];
  workdir = argv[3];
  mkdir(workdir, 0777);
  test_onnx();
  test_errors();
  test_caffe();
  test_cache_and_plan();
  test_profiler();
  return test_finish("test_lite");
}
