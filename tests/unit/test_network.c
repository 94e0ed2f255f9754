/* The network API, shape inference with constant folding, memory planning
 * and the CPU runtime (bindings, dynamic batch, pruning). */
#include <string.h>

#include "engine_internal.h"
#include "test_util.h"

static trt_dims_t dims2(int64_t a, int64_t b) {
  int64_t d[] = {a, b};
  return trt_dims_make(2, d);
}

static int add_unary(trt_network_t *network, const char *name, int input,
                     trt_activation_kind_t kind) {
  trt_unary_params_t params = {.op = {.kind = kind}};
  return trt_network_add_layer(network, TRT_LAYER_UNARY, name, &input, 1, &name, 1, &params);
}

static void test_dims(void) {
  trt_dims_t dims;
  char text[64];
  CHECK_OK(trt_dims_parse("1x3x640x640", &dims));
  CHECK(dims.nb_dims == 4 && dims.d[1] == 3 && dims.d[3] == 640);
  CHECK(strcmp(trt_dims_format(&dims, text, sizeof(text)), "1x3x640x640") == 0);
  CHECK(trt_dims_volume(&dims) == 1 * 3 * 640 * 640);
  CHECK(trt_dims_parse("1x3xfoo", &dims) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "1x3xfoo") != NULL);
  CHECK_OK(trt_dims_parse("-1x3", &dims));
  CHECK(strcmp(trt_dims_format(&dims, text, sizeof(text)), "?x3") == 0);
  CHECK(trt_dims_volume(&dims) == -1);
}

static void test_construction_errors(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = dims2(2, 3);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  CHECK(x == 0);
  CHECK(trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims) == -1);
  CHECK(strstr(trt_last_error(), "'x' already exists") != NULL);
  int bad_input = 7;
  trt_unary_params_t params = {.op = {.kind = TRT_ACTIVATION_RELU}};
  CHECK(trt_network_add_layer(network, TRT_LAYER_UNARY, "relu", &bad_input, 1, NULL, 1,
                              &params) == -1);
  CHECK(strstr(trt_last_error(), "tensor 7") != NULL);
  CHECK(trt_network_add_layer(network, TRT_LAYER_UNARY, "relu", &x, 1, NULL, 1, NULL) == -1);
  CHECK(strstr(trt_last_error(), "needs parameters") != NULL);
  int relu = add_unary(network, "relu", x, TRT_ACTIVATION_RELU);
  CHECK(relu == 0);
  CHECK(trt_network_layer_output(network, relu, 0) == trt_network_find_tensor(network, "relu"));
  CHECK(trt_network_layer_type(network, relu) == TRT_LAYER_UNARY);
  CHECK(strcmp(trt_layer_type_name(TRT_LAYER_CONVOLUTION), "Convolution") == 0);
  CHECK(trt_network_set_input_dims(network, "nope", &dims) == TRT_STATUS_INVALID_ARGUMENT);
  trt_dims_t wrong = dims2(2, 4);
  CHECK(trt_network_set_input_dims(network, "x", &wrong) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "dimension 1 is fixed to 3") != NULL);
  trt_network_destroy(network);
}

/* y = relu(x + c); s = Shape(x) folds to a constant; a dead branch. */
static trt_network_t *make_small_network(int64_t batch) {
  trt_network_t *network = trt_network_create();
  trt_dims_t x_dims = dims2(batch, 3), c_dims = {1, {3}};
  float c_values[] = {1.0f, -2.0f, 0.5f};
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims);
  int c = trt_network_add_constant(network, "c", TRT_DATA_TYPE_FLOAT32, &c_dims, c_values);
  trt_elementwise_params_t add = {.kind = TRT_ELEMENTWISE_ADD};
  int sum_inputs[] = {x, c};
  const char *sum_name = "sum";
  int sum_layer = trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "add", sum_inputs, 2,
                                        &sum_name, 1, &add);
  int sum = trt_network_layer_output(network, sum_layer, 0);
  int y = trt_network_layer_output(network, add_unary(network, "y", sum, TRT_ACTIVATION_RELU), 0);
  add_unary(network, "dead", sum, TRT_ACTIVATION_EXP);
  trt_shape_params_t shape = {.start = 0, .end = INT64_MAX};
  const char *shape_name = "x_shape";
  int shape_layer =
      trt_network_add_layer(network, TRT_LAYER_SHAPE, "shape", &x, 1, &shape_name, 1, &shape);
  trt_network_mark_output(network, y);
  trt_network_mark_output(network, trt_network_layer_output(network, shape_layer, 0));
  return network;
}

static void test_shape_inference_and_folding(void) {
  trt_network_t *network = make_small_network(2);
  CHECK_OK(trt_network_infer_shapes(network));
  int y = trt_network_find_tensor(network, "y");
  trt_dims_t expected = dims2(2, 3);
  trt_dims_t y_dims = trt_network_tensor_dims(network, y);
  CHECK(trt_dims_equal(&y_dims, &expected));
  int shape = trt_network_find_tensor(network, "x_shape");
  const int64_t *shape_values = trt_network_tensor_data(network, shape);
  CHECK(shape_values && shape_values[0] == 2 && shape_values[1] == 3);
  /* The Shape layer was folded away; add, relu and the dead exp remain. */
  CHECK(trt_network_num_layers(network) == 3);
  trt_network_destroy(network);

  trt_network_t *dynamic = make_small_network(-1);
  CHECK(trt_network_infer_shapes(dynamic) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "--shapes=x:") != NULL);
  trt_network_destroy(dynamic);
}

static void test_memory_plan(void) {
  /* A chain of five layers: intermediates alternate between two slots. */
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = dims2(16, 16);
  int t = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  char name[16];
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof(name), "r%d", i);
    t = trt_network_layer_output(network, add_unary(network, name, t, TRT_ACTIVATION_RELU), 0);
  }
  trt_network_mark_output(network, t);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_memory_plan_t plan = {0};
  CHECK_OK(trt_memory_plan_build(network, &plan));
  CHECK(plan.naive_bytes == 4 * 16 * 16 * sizeof(float));
  CHECK(plan.arena_bytes == 2 * 16 * 16 * sizeof(float));
  int r0 = trt_network_find_tensor(network, "r0"), r1 = trt_network_find_tensor(network, "r1");
  CHECK(plan.offsets[r0] != plan.offsets[r1]);
  trt_memory_plan_release(&plan);
  trt_network_destroy(network);
}

static void test_runtime_dynamic_batch(void) {
  trt_network_t *network = make_small_network(-1);
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.max_batch = 4;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_build(network, &config, &engine));
  trt_network_destroy(network);
  if (!engine)
    return;
  CHECK(trt_engine_num_bindings(engine) == 3);
  CHECK(trt_engine_num_layers(engine) == 2); /* the dead exp and folded Shape are gone */
  int x = trt_engine_find_binding(engine, "x"), y = trt_engine_find_binding(engine, "y");
  int shape = trt_engine_find_binding(engine, "x_shape");
  CHECK(trt_engine_binding_is_input(engine, x) && !trt_engine_binding_is_input(engine, y));
  CHECK(trt_engine_binding_has_batch(engine, x) && trt_engine_binding_has_batch(engine, y));
  CHECK(!trt_engine_binding_has_batch(engine, shape));
  trt_dims_t y_dims = trt_engine_binding_dims(engine, y), expected = dims2(4, 3);
  CHECK(trt_dims_equal(&y_dims, &expected));

  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  float x_values[12], y_values[12];
  int64_t shape_values[2] = {0, 0};
  for (int i = 0; i < 12; i++)
    x_values[i] = (float)i - 5.0f;
  void *bindings[3];
  bindings[x] = x_values;
  bindings[y] = y_values;
  bindings[shape] = shape_values;
  const float c_values[] = {1.0f, -2.0f, 0.5f};
  for (int batch = 4; batch >= 1; batch -= 2) {
    memset(y_values, 0xff, sizeof(y_values));
    CHECK_OK(trt_context_execute(context, batch, bindings));
    for (int i = 0; i < batch * 3; i++) {
      float expected_value = x_values[i] + c_values[i % 3];
      CHECK(y_values[i] == (expected_value > 0 ? expected_value : 0));
    }
    CHECK(shape_values[0] == batch && shape_values[1] == 3);
  }
  CHECK(trt_context_execute(context, 5, bindings) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "outside 1..4") != NULL);
  trt_context_destroy(context);
  trt_engine_destroy(engine);
}

static void test_clone(void) {
  trt_network_t *network = make_small_network(2);
  trt_network_t *copy = trt_network_clone(network);
  CHECK(copy && trt_network_num_layers(copy) == trt_network_num_layers(network));
  CHECK(copy && trt_network_num_outputs(copy) == 2);
  int c = trt_network_find_tensor(copy, "c");
  CHECK(trt_network_tensor_data(copy, c) != trt_network_tensor_data(network, c));
  CHECK(((const float *)trt_network_tensor_data(copy, c))[1] == -2.0f);
  trt_network_destroy(network);
  trt_network_destroy(copy);
}

static void counting_parallel_body(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  int64_t *hits = arg;
  for (int64_t i = begin; i < end; i++)
    hits[i]++;
}

static void test_thread_pool(void) {
  trt_cpu_context_t *cpu = trt_cpu_context_create(3);
  CHECK(cpu && trt_cpu_context_threads(cpu) == 3);
  int64_t hits[1000] = {0};
  for (int round = 0; round < 50; round++)
    trt_cpu_parallel_for(cpu, 1000, 7, counting_parallel_body, hits);
  bool all = true;
  for (int i = 0; i < 1000; i++)
    all = all && hits[i] == 50;
  CHECK(all);
  void *scratch = trt_cpu_scratch(cpu, 1000);
  CHECK(scratch && ((uintptr_t)scratch % 64) == 0);
  trt_cpu_context_destroy(cpu);
}

int main(void) {
  test_dims();
  test_construction_errors();
  test_shape_inference_and_folding();
  test_memory_plan();
  test_runtime_dynamic_batch();
  test_clone();
  test_thread_pool();
  return test_finish("network");
}
