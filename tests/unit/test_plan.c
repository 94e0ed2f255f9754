/* Plan files: round trip with identical outputs, and every refusal. */
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* y = sigmoid(x * w) with a dynamic batch and a constant. */
static trt_network_t *make_network(void) {
  trt_network_t *network = trt_network_create();
  int64_t x_dims[] = {-1, 5}, w_dims[] = {5};
  trt_dims_t xd = trt_dims_make(2, x_dims), wd = trt_dims_make(1, w_dims);
  float w[] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f};
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);
  int c = trt_network_add_constant(network, "w", TRT_DATA_TYPE_FLOAT32, &wd, w);
  trt_elementwise_params_t mul = {.kind = TRT_ELEMENTWISE_MUL};
  int mul_inputs[] = {x, c};
  int product = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "mul", mul_inputs, 2, NULL, 1,
                                     &mul),
      0);
  trt_unary_params_t sigmoid = {.op = {.kind = TRT_ACTIVATION_SIGMOID}};
  const char *y_name = "y";
  int y = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_UNARY, "sigmoid", &product, 1, &y_name, 1, &sigmoid),
      0);
  trt_network_mark_output(network, y);
  return network;
}

static void run(const trt_engine_t *engine, const float *x, float *y, int batch) {
  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  void *bindings[] = {(void *)x, y};
  if (context)
    CHECK_OK(trt_context_execute(context, batch, bindings));
  trt_context_destroy(context);
}

/* A plan restores the passes its builder switched off: x -> relu -> tanh
 * stays two layers with pointwise fusion off, becomes one with it on. */
static void keeps_disabled_passes(void) {
  for (int disabled = 0; disabled < 2; disabled++) {
    trt_network_t *network = trt_network_create();
    int64_t x_dims[] = {2, 3};
    trt_dims_t xd = trt_dims_make(2, x_dims);
    int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);
    trt_unary_params_t relu = {.op = {TRT_ACTIVATION_RELU, 0, 0}};
    trt_unary_params_t tanh_op = {.op = {TRT_ACTIVATION_TANH, 0, 0}};
    int r = trt_network_layer_output(
        network, trt_network_add_layer(network, TRT_LAYER_UNARY, "relu", &x, 1, NULL, 1, &relu),
        0);
    int y = trt_network_layer_output(
        network, trt_network_add_layer(network, TRT_LAYER_UNARY, "tanh", &r, 1, NULL, 1, &tanh_op),
        0);
    trt_network_mark_output(network, y);
    trt_builder_config_t config;
    trt_builder_config_init(&config);
    config.backend = TRT_BACKEND_CPU;
    if (disabled)
      CHECK_OK(trt_builder_config_disable_passes(&config, "pointwise-fusion"));
    trt_engine_t *built = NULL, *loaded = NULL;
    CHECK_OK(trt_engine_build(network, &config, &built));
    trt_network_destroy(network);
    void *plan = NULL;
    size_t size = 0;
    if (built)
      CHECK_OK(trt_engine_serialize(built, "key", &plan, &size));
    if (plan)
      CHECK_OK(trt_engine_deserialize(plan, size, "key", NULL, &loaded));
    if (built && loaded) {
      CHECK(trt_engine_num_layers(built) == (disabled ? 2 : 1));
      CHECK(trt_engine_num_layers(loaded) == trt_engine_num_layers(built));
    }
    trt_engine_destroy(loaded);
    trt_engine_destroy(built);
    free(plan);
  }
}

int main(void) {
  trt_network_t *network = make_network();
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.max_batch = 3;
  trt_engine_t *built = NULL;
  CHECK_OK(trt_engine_build(network, &config, &built));
  trt_network_destroy(network);
  if (!built)
    return test_finish("plan");

  test_rng_t rng = test_rng(7);
  float *x = test_random_floats(&rng, 15, -2, 2);
  float y_built[15], y_loaded[15];
  run(built, x, y_built, 3);

  void *plan = NULL;
  size_t size = 0;
  CHECK_OK(trt_engine_serialize(built, "key-1", &plan, &size));
  trt_engine_t *loaded = NULL;
  CHECK_OK(trt_engine_deserialize(plan, size, "key-1", NULL, &loaded));
  if (loaded) {
    CHECK(trt_engine_max_batch(loaded) == 3);
    run(loaded, x, y_loaded, 3);
    CHECK(memcmp(y_built, y_loaded, sizeof(y_built)) == 0);
    run(loaded, x, y_loaded, 2); /* a smaller batch after loading */
    CHECK(memcmp(y_built, y_loaded, 10 * sizeof(float)) == 0);
    trt_engine_destroy(loaded);
  }

  trt_engine_t *refused = NULL;
  CHECK(trt_engine_deserialize(plan, size, "key-2", NULL, &refused) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "cache key key-1, expected key-2") != NULL);
  CHECK(trt_engine_deserialize(plan, size - 9, NULL, NULL, &refused) == TRT_STATUS_PARSE_ERROR);
  CHECK(strstr(trt_last_error(), "damaged") != NULL);
  unsigned char *corrupt = malloc(size);
  memcpy(corrupt, plan, size);
  corrupt[size / 2] ^= 0x40;
  CHECK(trt_engine_deserialize(corrupt, size, NULL, NULL, &refused) == TRT_STATUS_PARSE_ERROR);
  CHECK(strstr(trt_last_error(), "checksum") != NULL);
  memcpy(corrupt, "NOTAPLAN", 8);
  CHECK(trt_engine_deserialize(corrupt, size, NULL, NULL, &refused) == TRT_STATUS_PARSE_ERROR);
  CHECK(strstr(trt_last_error(), "bad magic") != NULL);
  trt_builder_config_t cuda;
  trt_builder_config_init(&cuda);
  cuda.backend = TRT_BACKEND_CUDA;
  CHECK(trt_engine_deserialize(plan, size, NULL, &cuda, &refused) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "cuda was asked for") != NULL);
  CHECK(refused == NULL);

  /* Files: saved atomically, loaded back, a missing file named. */
  char path[] = "/tmp/trt-plan-test-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0)
    close(fd);
  CHECK_OK(trt_engine_save(built, path, "key-1"));
  CHECK_OK(trt_engine_load(path, "key-1", NULL, &loaded));
  trt_engine_destroy(loaded);
  remove(path);
  CHECK(trt_engine_load(path, NULL, NULL, &loaded) == TRT_STATUS_IO_ERROR);
  CHECK(strstr(trt_last_error(), path) != NULL);

  free(corrupt);
  free(plan);
  free(x);
  trt_engine_destroy(built);
  keeps_disabled_passes();
  return test_finish("plan");
}
