/* Plugins (trt/plugin.h) end to end on the CPU backend, with the test
 * plugin library (tests/plugins/scaled_square.c: ScaledSquare of domain
 * 'test.plugins', y = alpha * x * x):
 *
 *   test_plugin LIBRARY     (the built libtrt_test_plugins.so)
 *
 *   1. before the library is loaded, importing scaled_square.onnx fails
 *      naming the op; a missing library, one without the entry symbol and
 *      a bad table are refused with messages naming them;
 *   2. once loaded (twice: the second load does nothing), the model
 *      imports, builds and runs: y = 0.5 x^2 + x within 1e-6;
 *   3. plans: a round trip runs the same (bit for bit); with the plugin
 *      deregistered, loading the plan is refused with "plugin
 *      'ScaledSquare' is not registered"; a damaged parameter size and
 *      parameters the plugin rejects are refused;
 *   4. a Caffe deploy file with a layer of type ScaledSquare imports and
 *      runs (alpha 1: Caffe layers give plugins no fields).
 * TRT_TEST_DATA names tests/data. */
#include <string.h>

#include "plan_io.h"
#include "test_util.h"

#define TOLERANCE 1e-6
#define COUNT     (2 * 3 * 5 * 7)

static char model_path[4096];

static void reseal(unsigned char *plan, size_t size) {
  uint64_t checksum = trt_plan_checksum(plan, size - 8);
  memcpy(plan + size - 8, &checksum, 8);
}

static bool contains(const char *text, const char *part) {
  return strstr(text, part) != NULL;
}

static trt_status_t import_model(trt_network_t **network) {
  *network = trt_network_create();
  return trt_onnx_parse(*network, model_path);
}

static trt_status_t build_cpu(const trt_network_t *network, trt_engine_t **engine) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  return trt_engine_build(network, &config, engine);
}

static void fill_input(float *x) {
  test_rng_t rng = test_rng(16);
  for (int i = 0; i < COUNT; i++)
    x[i] = test_uniform(&rng, -2.0f, 2.0f);
}

/* Runs a two-binding engine (x, y) on `x`; false on failure. */
static bool run_engine(const trt_engine_t *engine, const float *x, float *y) {
  trt_context_t *context = NULL;
  trt_status_t status = trt_context_create(engine, &context);
  CHECK_OK(status);
  if (status != TRT_STATUS_OK)
    return false;
  void *bindings[2] = {NULL, NULL};
  int in = trt_engine_find_binding(engine, "x"), out = trt_engine_find_binding(engine, "y");
  CHECK(in >= 0 && out >= 0 && trt_engine_num_bindings(engine) == 2);
  bool ok = in >= 0 && out >= 0;
  if (ok) {
    bindings[in] = (void *)x;
    bindings[out] = y;
    status = trt_context_execute(context, 2, bindings);
    CHECK_OK(status);
    ok = status == TRT_STATUS_OK;
  }
  trt_context_destroy(context);
  return ok;
}

static void test_refusals(const char *library) {
  trt_network_t *network = NULL;
  CHECK(import_model(&network) == TRT_STATUS_UNSUPPORTED);
  CHECK(contains(trt_last_error(), "ScaledSquare"));
  CHECK(contains(trt_last_error(), "test.plugins"));
  trt_network_destroy(network);

  CHECK(trt_plugin_load_library("/nonexistent/libnothing.so") == TRT_STATUS_IO_ERROR);
  CHECK(contains(trt_last_error(), "/nonexistent/libnothing.so"));
  CHECK(trt_plugin_load_library("libm.so.6") == TRT_STATUS_UNSUPPORTED);
  CHECK(contains(trt_last_error(), "libm.so.6") &&
        contains(trt_last_error(), TRT_PLUGIN_LIBRARY_INIT));
  CHECK(trt_plugin_load_libraries(",") == TRT_STATUS_OK);

  trt_plugin_t bad = {.abi_version = TRT_PLUGIN_ABI_VERSION, .name = "Bad"};
  CHECK(trt_plugin_register(&bad) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(contains(trt_last_error(), "'Bad'") && contains(trt_last_error(), "parse"));
  bad.abi_version = 99;
  CHECK(trt_plugin_register(&bad) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(trt_plugin_count() == 0);
  (void)library;
}

static void test_run_and_plan(void) {
  trt_network_t *network = NULL;
  CHECK_OK(import_model(&network));
  trt_engine_t *engine = NULL;
  CHECK_OK(build_cpu(network, &engine));
  trt_network_destroy(network);
  if (!engine)
    return;
  bool has_plugin_layer = false;
  for (int l = 0; l < trt_engine_num_layers(engine); l++)
    has_plugin_layer |= strcmp(trt_engine_layer_type(engine, l), "Plugin") == 0;
  CHECK(has_plugin_layer);

  static float x[COUNT], y[COUNT], y_loaded[COUNT];
  fill_input(x);
  if (run_engine(engine, x, y))
    for (int i = 0; i < COUNT; i++) {
      double want = 0.5 * (double)x[i] * x[i] + x[i];
      if (!(fabs(y[i] - want) <= TOLERANCE * (1 + fabs(want)))) {
        fprintf(stderr, "y[%d] = %.9g, expected %.9g\n", i, y[i], want);
        test_failures++;
        break;
      }
    }

  void *plan = NULL;
  size_t size = 0;
  CHECK_OK(trt_engine_serialize(engine, NULL, &plan, &size));
  trt_engine_destroy(engine);
  if (!plan)
    return;
  trt_engine_t *loaded = NULL;
  CHECK_OK(trt_engine_deserialize(plan, size, NULL, NULL, &loaded));
  if (loaded && run_engine(loaded, x, y_loaded))
    CHECK(memcmp(y, y_loaded, sizeof(y)) == 0);
  trt_engine_destroy(loaded);

  /* Without the plugin: refused, naming it. */
  trt_plugin_t saved = *trt_plugin_find("test.plugins", "ScaledSquare");
  CHECK_OK(trt_plugin_deregister("test.plugins", "ScaledSquare"));
  CHECK(trt_plugin_find("test.plugins", "ScaledSquare") == NULL);
  loaded = NULL;
  CHECK(trt_engine_deserialize(plan, size, NULL, NULL, &loaded) != TRT_STATUS_OK && !loaded);
  CHECK(contains(trt_last_error(), "plugin 'ScaledSquare' is not registered"));
  CHECK(trt_plugin_deregister("test.plugins", "ScaledSquare") == TRT_STATUS_INVALID_ARGUMENT);
  CHECK_OK(trt_plugin_register(&saved));
  CHECK(trt_plugin_register(&saved) == TRT_STATUS_INVALID_ARGUMENT); /* duplicate */
  CHECK(contains(trt_last_error(), "registered already"));

  /* Parameters the plugin rejects (its magic damaged), resealed so that
   * only the parameters are wrong. */
  unsigned char *damaged = malloc(size);
  memcpy(damaged, plan, size);
  const unsigned char magic[4] = {'S', 'Q', 'R', '1'};
  unsigned char *at = NULL;
  for (size_t i = 0; i + 4 <= size && !at; i++)
    if (memcmp(damaged + i, magic, 4) == 0)
      at = damaged + i;
  CHECK(at != NULL);
  if (at) {
    at[0] = 'X';
    reseal(damaged, size);
    loaded = NULL;
    CHECK(trt_engine_deserialize(damaged, size, NULL, NULL, &loaded) != TRT_STATUS_OK && !loaded);
    CHECK(contains(trt_last_error(), "ScaledSquare") && contains(trt_last_error(), "SQR1"));
    /* The size field before the parameters (u32 8) grown past the limit. */
    at[0] = 'S';
    uint32_t huge = TRT_PLUGIN_MAX_PARAMS + 1, eight = 8;
    CHECK(memcmp(at - 4, &eight, 4) == 0);
    memcpy(at - 4, &huge, 4);
    reseal(damaged, size);
    CHECK(trt_engine_deserialize(damaged, size, NULL, NULL, &loaded) != TRT_STATUS_OK && !loaded);
    CHECK(contains(trt_last_error(), "parameter bytes"));
  }
  free(damaged);
  free(plan);
}

static void test_caffe(void) {
  static const char deploy[] = "name: 'plugin'\n"
                               "input: 'x'\n"
                               "input_shape { dim: 2 dim: 3 dim: 5 dim: 7 }\n"
                               "layer { name: 'sq' type: 'ScaledSquare' bottom: 'x' top: 'y' }\n";
  trt_network_t *network = trt_network_create();
  trt_caffe_options_t options;
  trt_caffe_options_init(&options);
  CHECK_OK(trt_caffe_parse_memory(network, deploy, sizeof(deploy) - 1, NULL, 0, &options,
                                  "plugin.prototxt"));
  trt_engine_t *engine = NULL;
  CHECK_OK(build_cpu(network, &engine));
  trt_network_destroy(network);
  static float x[COUNT], y[COUNT];
  fill_input(x);
  if (engine && run_engine(engine, x, y))
    for (int i = 0; i < COUNT; i++)
      if (!(fabs(y[i] - (double)x[i] * x[i]) <= TOLERANCE * (1 + y[i]))) {
        fprintf(stderr, "caffe y[%d] = %.9g, expected %.9g\n", i, y[i], (double)x[i] * x[i]);
        test_failures++;
        break;
      }
  trt_engine_destroy(engine);
}

int main(int argc, char **argv) {
  const char *data = getenv("TRT_TEST_DATA");
  if (argc != 2 || !data) {
    fprintf(stderr, "usage: TRT_TEST_DATA=tests/data test_plugin LIBRARY\n");
    return 2;
  }
  snprintf(model_path, sizeof(model_path), "%s/onnx/scaled_square.onnx", data);
  test_refusals(argv[1]);
  CHECK_OK(trt_plugin_load_library(argv[1]));
  CHECK_OK(trt_plugin_load_library(argv[1])); /* again: nothing happens */
  CHECK(trt_plugin_count() == 1);
  CHECK(trt_plugin_find("test.plugins", "ScaledSquare") != NULL);
  CHECK(trt_plugin_find(NULL, "ScaledSquare") == NULL);
  CHECK(trt_plugin_find_caffe("ScaledSquare") != NULL);
  test_run_and_plan();
  test_caffe();
  return test_finish("test_plugin");
}
