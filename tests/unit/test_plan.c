/* Plan files: round trip with identical outputs, and every refusal. */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "plan_io.h"
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

/* A plan of another version names it, but as printable ASCII of bounded
 * length: the version string is the file's bytes, read before the checksum. */
static void version_message_is_safe(void) {
  const char hostile[] = "\x1b]0;owned\x07\x1b[2J\n0123456789012345678901234567890123456789";
  uint32_t format = 6, length = (uint32_t)strlen(hostile);
  unsigned char plan[8 + 4 + 4 + sizeof(hostile) + 8] = "TRTPLAN";
  memcpy(plan + 8, &format, 4);
  memcpy(plan + 12, &length, 4);
  memcpy(plan + 16, hostile, length);
  trt_engine_t *refused = NULL;
  CHECK(trt_engine_deserialize(plan, sizeof(plan), NULL, NULL, &refused) ==
        TRT_STATUS_INVALID_ARGUMENT);
  const char *message = trt_last_error();
  CHECK(strstr(message, "plan built by trtinfer ?]0;owned??[2J?0123456789") != NULL);
  CHECK(strstr(message, "...") != NULL && strstr(message, "0123456789012345678901234") == NULL);
  for (const char *c = message; *c; c++)
    CHECK(*c >= 0x20 && *c < 0x7f);
  CHECK(refused == NULL);
}

/* x[1,3] -> relu -> left, x -> tanh -> right, concat(left, right, axis 1)
 * -> joined[1,6] -> sigmoid -> y: concat elimination makes left and right
 * views of joined. */
static trt_network_t *make_view_network(void) {
  trt_network_t *network = trt_network_create();
  int64_t x_dims[] = {1, 3};
  trt_dims_t xd = trt_dims_make(2, x_dims);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);
  trt_unary_params_t relu = {.op = {TRT_ACTIVATION_RELU, 0, 0}};
  trt_unary_params_t tanh_op = {.op = {TRT_ACTIVATION_TANH, 0, 0}};
  const char *left_name = "view_left", *right_name = "view_right", *y_name = "joined";
  int parts[2];
  parts[0] = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_UNARY, "relu_layer", &x, 1, &left_name, 1, &relu),
      0);
  parts[1] = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_UNARY, "tanh_layer", &x, 1, &right_name,
                                     1, &tanh_op),
      0);
  trt_concat_params_t concat = {.axis = 1};
  int joined = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_CONCAT, "concat_layer", parts, 2, &y_name, 1,
                            &concat),
      0);
  trt_unary_params_t sigmoid = {.op = {TRT_ACTIVATION_SIGMOID, 0, 0}};
  int y = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_UNARY, "sigmoid", &joined, 1, NULL, 1, &sigmoid),
      0);
  trt_network_mark_output(network, y);
  return network;
}

/* Offset of the first byte after the plan string `text` (u32 length, then
 * the bytes), or 0. */
static size_t after_string(const unsigned char *plan, size_t size, const char *text) {
  uint32_t length = (uint32_t)strlen(text);
  for (size_t i = 0; i + 4 + length <= size; i++)
    if (memcmp(plan + i, &length, 4) == 0 && memcmp(plan + i + 4, text, length) == 0)
      return i + 4 + length;
  return 0;
}

/* A copy of `plan` with `count` bytes at `offset` replaced, resealed so that
 * only the check under test can refuse it; refused with `needle`? */
static bool refuses_patch(const unsigned char *plan, size_t size, size_t offset,
                          const void *bytes, size_t count, const char *needle) {
  unsigned char *copy = malloc(size);
  memcpy(copy, plan, size);
  memcpy(copy + offset, bytes, count);
  uint64_t checksum = trt_plan_checksum(copy, size - 8);
  memcpy(copy + size - 8, &checksum, 8);
  trt_engine_t *engine = NULL;
  trt_status_t status = trt_engine_deserialize(copy, size, NULL, NULL, &engine);
  bool refused = status == TRT_STATUS_PARSE_ERROR && !engine && strstr(trt_last_error(), needle);
  if (!refused)
    fprintf(stderr, "  patch at %zu: status %d, '%s' (wanted '%s')\n", offset, (int)status,
            status == TRT_STATUS_OK ? "" : trt_last_error(), needle);
  trt_engine_destroy(engine);
  free(copy);
  return refused;
}

/* A plan is data from outside: with its checksum recomputed, a plan that
 * lies about views, layer order or parameters is refused by name. */
static void refuses_crafted_plans(void) {
  trt_network_t *network = make_view_network();
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *built = NULL;
  CHECK_OK(trt_engine_build(network, &config, &built));
  trt_network_destroy(network);
  void *data = NULL;
  size_t size = 0;
  if (built)
    CHECK_OK(trt_engine_serialize(built, NULL, &data, &size));
  trt_engine_destroy(built);
  if (!data)
    return;
  const unsigned char *plan = data;
  /* Tensor record: name | u32 type | u32 format | u32 rank | u64 dims... |
   * u32 view parent | u32 view axis | u64 view offset | u32 has data. */
  size_t left = after_string(plan, size, "view_left");
  size_t joined = after_string(plan, size, "joined");
  CHECK(left > 0 && joined > 0);
  if (left > 0 && joined > 0) {
    size_t left_view = left + 4 + 4 + 4 + 2 * 8;
    size_t joined_view = joined + 4 + 4 + 4 + 2 * 8;
    int32_t parent = 0;
    memcpy(&parent, plan + left_view, 4);
    CHECK(parent >= 0); /* concat elimination made it a view */
    int64_t far = (int64_t)1 << 40, past_end = 4; /* 4 + 3 > 6 */
    CHECK(refuses_patch(plan, size, left_view + 8, &far, 8, "does not lie inside"));
    CHECK(refuses_patch(plan, size, left_view + 8, &past_end, 8, "does not lie inside"));
    /* memory formats: an unknown one, and channels-last on a rank-2 tensor */
    uint32_t unknown_format = 7, channels_last = 1;
    CHECK(refuses_patch(plan, size, left + 4, &unknown_format, 4, "bad tensor record"));
    CHECK(refuses_patch(plan, size, left + 4, &channels_last, 4, "bad tensor record"));
    /* joined inside view_left, which lies inside joined: a cycle. The
     * relu layer's record names view_left's index: u32 inputs | i32 input |
     * u32 outputs | i32 output. */
    size_t relu = after_string(plan, size, "relu_layer");
    CHECK(relu > 0);
    int32_t left_index = -1;
    if (relu > 0)
      memcpy(&left_index, plan + relu + 4 + 4 + 4, 4);
    CHECK(left_index >= 0 && left_index != parent);
    CHECK(refuses_patch(plan, size, joined_view, &left_index, 4, "cycle"));
  }
  /* Layer record: u32 type | name | u32 inputs | i32 input... The concat
   * reads its inputs before they are written when they name the output. */
  size_t concat = after_string(plan, size, "concat_layer");
  CHECK(concat > 0);
  if (concat > 0) {
    uint32_t nb_inputs = 0;
    memcpy(&nb_inputs, plan + concat, 4);
    CHECK(nb_inputs == 2);
    int32_t output = -1;
    memcpy(&output, plan + concat + 4 + 2 * 4 + 4, 4); /* its first output */
    CHECK(refuses_patch(plan, size, concat + 4, &output, 4, "nothing defines before it"));
    /* Parameters: u32 outputs | i32 output... | u64 size | params. */
    size_t params = concat + 4 + 2 * 4 + 4 + 4 + 8;
    unsigned char two = 2;
    CHECK(refuses_patch(plan, size, params + offsetof(trt_concat_params_t, in_place), &two, 1,
                        "bool parameter"));
    int32_t axis = 0; /* [2,3] instead of [1,6] */
    CHECK(refuses_patch(plan, size, params + offsetof(trt_concat_params_t, axis), &axis, 4,
                        "do not give the dims stored"));
    int32_t bad_axis = 7;
    CHECK(refuses_patch(plan, size, params + offsetof(trt_concat_params_t, axis), &bad_axis, 4,
                        "concat_layer"));
  }
  free(data);
}

/* TensorRT-style tactic source changes: applied in order, any case, an
 * unknown or unsigned entry refused by name with the config unchanged. */
static void tactic_source_changes(void) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  CHECK(config.disabled_tactic_sources == 0);
  CHECK_OK(trt_builder_config_set_tactic_sources(&config, "-CUDNN,-cublas_lt"));
  CHECK(config.disabled_tactic_sources == (TRT_TACTIC_SOURCE_CUDNN | TRT_TACTIC_SOURCE_CUBLAS_LT));
  CHECK_OK(trt_builder_config_set_tactic_sources(&config, "+CUDNN,-CUBLAS"));
  CHECK(config.disabled_tactic_sources == (TRT_TACTIC_SOURCE_CUBLAS | TRT_TACTIC_SOURCE_CUBLAS_LT));
  const uint32_t before = config.disabled_tactic_sources;
  CHECK(trt_builder_config_set_tactic_sources(&config, "+CUDNN,CUBLAS") ==
        TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "'CUBLAS' is not +NAME or -NAME") != NULL);
  CHECK(trt_builder_config_set_tactic_sources(&config, "-CUDA") == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "'-CUDA'") != NULL);
  CHECK(config.disabled_tactic_sources == before);
  /* The CPU backend has no library tactics: nothing changes for it. */
  trt_network_t *network = make_network();
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *built = NULL;
  CHECK_OK(trt_engine_build(network, &config, &built));
  trt_engine_destroy(built);
  trt_network_destroy(network);
}

int main(void) {
  refuses_crafted_plans();
  tactic_source_changes();
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
  version_message_is_safe();
  return test_finish("plan");
}
