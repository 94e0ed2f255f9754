/* Constant folding, the one implementation (passes/constant_folding.h)
 * that shape inference and the pass share: the pass evaluates a layer left
 * with constant inputs after shape inference (here added afterwards, as a
 * rewrite might); both paths give the bytes the CPU runtime computes for
 * the same layers on the same values; any number of inputs folds (the
 * pass's old copy stopped at 72); views and layers reading a network input
 * stay. */
#include "pass_test_util.h"
#include "passes/constant_folding.h"
#include "passes/pass_util.h"

/* Adds layers after shape inference, as a pass would, inferring each. */
static int add_inferred(trt_network_t *net, int output) {
  const trt_layer_t *layer = &net->layers[net->nb_layers - 1];
  CHECK_OK(trt_layer_descriptor(layer->type)->infer(net, &net->layers[net->nb_layers - 1]));
  return output;
}

static void test_fold_after_inference(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 2, 2);
  float values[] = {-1, 2, -3, 4, -5, 6, -7, 8};
  trt_dims_t dims = dims4(1, 2, 2, 2);
  int c = trt_network_add_constant(net, "c", TRT_DATA_TYPE_FLOAT32, &dims, values);
  int y = add_binary(net, "add", TRT_ELEMENTWISE_ADD, x, c);
  trt_network_mark_output(net, y);
  CHECK_OK(trt_network_infer_shapes(net));
  int folded = add_inferred(net, add_unary(net, "relu_c", c, TRT_ACTIVATION_RELU, 0, 0));
  net->layers[0].inputs[1] = folded; /* add now reads relu(c) */
  CHECK_OK(trt_network_sort(net));
  trt_pass_stats_t stats = {.pass_name = "constant-folding"};
  CHECK_OK(trt_pass_constant_folding(net, &stats));
  CHECK_OK(trt_pass_compact(net));
  CHECK(stats.rewrites == 1 && net->nb_layers == 1);
  int t = trt_network_find_tensor(net, "relu_c:0");
  const float *data = t >= 0 ? trt_network_tensor_data(net, t) : NULL;
  CHECK(data && data[0] == 0 && data[1] == 2 && data[6] == 0 && data[7] == 8);
  CHECK(t >= 0 && net->tensors[t].producer == -1);
  trt_network_destroy(net);
}

static void test_input_stays(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 2, 2);
  trt_network_mark_output(net, add_unary(net, "relu", x, TRT_ACTIVATION_RELU, 0, 0));
  CHECK_OK(trt_network_infer_shapes(net));
  CHECK(!trt_layer_foldable(net, &net->layers[0]));
  trt_pass_stats_t stats = {.pass_name = "constant-folding"};
  CHECK_OK(trt_pass_constant_folding(net, &stats));
  CHECK(stats.rewrites == 0 && net->nb_layers == 1);
  trt_network_destroy(net);
}

/* w = (tanh(a) * b) + a on two 2x3x5 tensors. */
static int add_chain(trt_network_t *net, int a, int b, bool infer_each) {
  int u = add_unary(net, "tanh", a, TRT_ACTIVATION_TANH, 0, 0);
  if (infer_each)
    add_inferred(net, u);
  int v = add_binary(net, "mul", TRT_ELEMENTWISE_MUL, u, b);
  if (infer_each)
    add_inferred(net, v);
  int w = add_binary(net, "add", TRT_ELEMENTWISE_ADD, v, a);
  if (infer_each)
    add_inferred(net, w);
  return w;
}

/* Folded by shape inference, by the pass, and computed by the runtime from
 * an input holding the same values: the same bytes each time. */
static void test_paths_agree(void) {
  enum { COUNT = 2 * 3 * 5 };
  int64_t d[] = {2, 3, 5};
  trt_dims_t dims = trt_dims_make(3, d);
  test_rng_t rng = test_rng(11);
  float *a_values = test_random_floats(&rng, COUNT, -3.0f, 3.0f);
  float *b_values = test_random_floats(&rng, COUNT, -2.0f, 2.0f);

  /* Shape inference folds the chain away. */
  trt_network_t *inferred = trt_network_create();
  int a = trt_network_add_constant(inferred, "a", TRT_DATA_TYPE_FLOAT32, &dims, a_values);
  int b = trt_network_add_constant(inferred, "b", TRT_DATA_TYPE_FLOAT32, &dims, b_values);
  int w = add_chain(inferred, a, b, false);
  trt_network_mark_output(inferred, w);
  CHECK_OK(trt_network_infer_shapes(inferred));
  CHECK(inferred->nb_layers == 0);
  const float *by_inference = trt_network_tensor_data(inferred, w);

  /* The pass folds it when it appears after shape inference. */
  trt_network_t *passed = trt_network_create();
  int x = add_input4(passed, "x", 1, 1, 1, 1);
  trt_network_mark_output(passed, add_unary(passed, "relu", x, TRT_ACTIVATION_RELU, 0, 0));
  a = trt_network_add_constant(passed, "a", TRT_DATA_TYPE_FLOAT32, &dims, a_values);
  b = trt_network_add_constant(passed, "b", TRT_DATA_TYPE_FLOAT32, &dims, b_values);
  CHECK_OK(trt_network_infer_shapes(passed));
  w = add_chain(passed, a, b, true);
  trt_network_mark_output(passed, w);
  trt_pass_stats_t stats = {.pass_name = "constant-folding"};
  CHECK_OK(trt_pass_constant_folding(passed, &stats));
  CHECK_OK(trt_pass_compact(passed));
  CHECK(stats.rewrites == 3 && passed->nb_layers == 1);
  w = trt_network_find_tensor(passed, "add:0");
  const float *by_pass = w >= 0 ? trt_network_tensor_data(passed, w) : NULL;

  /* The runtime computes the same layers from an input. */
  trt_network_t *computed = trt_network_create();
  int input = trt_network_add_input(computed, "a", TRT_DATA_TYPE_FLOAT32, &dims);
  b = trt_network_add_constant(computed, "b", TRT_DATA_TYPE_FLOAT32, &dims, b_values);
  trt_network_mark_output(computed, add_chain(computed, input, b, false));
  trt_engine_t *engine = build_with(computed, 0);
  float by_runtime[COUNT] = {0};
  if (engine) {
    void *bindings[2];
    for (int k = 0; k < 2; k++)
      bindings[k] = trt_engine_binding_is_input(engine, k) ? (void *)a_values : by_runtime;
    trt_context_t *context = NULL;
    CHECK_OK(trt_context_create(engine, &context));
    if (context)
      CHECK_OK(trt_context_execute(context, trt_engine_max_batch(engine), bindings));
    trt_context_destroy(context);
  }
  CHECK(by_inference && memcmp(by_inference, by_runtime, sizeof(by_runtime)) == 0);
  CHECK(by_pass && memcmp(by_pass, by_runtime, sizeof(by_runtime)) == 0);
  trt_engine_destroy(engine);
  trt_network_destroy(computed);
  trt_network_destroy(passed);
  trt_network_destroy(inferred);
  free(a_values);
  free(b_values);
}

/* A Concat of more constant pieces than the pass's old fixed array (72)
 * held, in both paths. */
static void test_many_inputs(void) {
  enum { PIECES = 100 };
  for (int path = 0; path < 2; path++) {
    trt_network_t *net = trt_network_create();
    int x = add_input4(net, "x", 1, 1, 1, 1);
    trt_network_mark_output(net, add_unary(net, "relu", x, TRT_ACTIVATION_RELU, 0, 0));
    int pieces[PIECES];
    for (int i = 0; i < PIECES; i++) {
      char name[32];
      snprintf(name, sizeof(name), "piece%d", i);
      int64_t d[] = {2};
      trt_dims_t dims = trt_dims_make(1, d);
      int64_t values[] = {i, -i};
      pieces[i] = trt_network_add_constant(net, name, TRT_DATA_TYPE_INT64, &dims, values);
    }
    if (path == 1)
      CHECK_OK(trt_network_infer_shapes(net));
    int joined = add_concat(net, "joined", pieces, PIECES, 0);
    trt_network_mark_output(net, joined);
    if (path == 0) {
      CHECK_OK(trt_network_infer_shapes(net));
    } else {
      add_inferred(net, joined);
      trt_pass_stats_t stats = {.pass_name = "constant-folding"};
      CHECK_OK(trt_pass_constant_folding(net, &stats));
      CHECK_OK(trt_pass_compact(net));
      CHECK(stats.rewrites == 1);
    }
    CHECK(net->nb_layers == 1);
    joined = trt_network_find_tensor(net, "joined:0");
    const int64_t *data = joined >= 0 ? trt_network_tensor_data(net, joined) : NULL;
    bool right = data != NULL;
    for (int i = 0; right && i < PIECES; i++)
      right = data[2 * i] == i && data[2 * i + 1] == -i;
    CHECK(right);
    trt_network_destroy(net);
  }
}

/* An output that is a view (or already constant) keeps its layer. */
static void test_views_stay(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 2, 2);
  float values[8] = {1, -2, 3, -4, 5, -6, 7, -8};
  trt_dims_t dims = dims4(1, 2, 2, 2);
  int c = trt_network_add_constant(net, "c", TRT_DATA_TYPE_FLOAT32, &dims, values);
  trt_network_mark_output(net, add_unary(net, "relu_x", x, TRT_ACTIVATION_RELU, 0, 0));
  CHECK_OK(trt_network_infer_shapes(net));
  int y = add_inferred(net, add_unary(net, "abs_c", c, TRT_ACTIVATION_ABS, 0, 0));
  trt_network_mark_output(net, y);
  trt_layer_t *layer = &net->layers[net->nb_layers - 1];
  CHECK(trt_layer_foldable(net, layer));
  trt_dims_t parent_dims = dims4(1, 4, 2, 2);
  net->tensors[y].view_parent =
      trt_network_add_tensor(net, "parent", TRT_DATA_TYPE_FLOAT32, &parent_dims);
  net->tensors[y].view_axis = 1;
  CHECK(!trt_layer_foldable(net, layer));
  trt_pass_stats_t stats = {.pass_name = "constant-folding"};
  CHECK_OK(trt_pass_constant_folding(net, &stats));
  CHECK(stats.rewrites == 0 && net->tensors[y].data == NULL);
  net->tensors[y].view_parent = -1;
  CHECK_OK(trt_layer_fold(net, layer));
  CHECK(net->tensors[y].data && ((const float *)net->tensors[y].data)[1] == 2);
  CHECK(!trt_layer_foldable(net, layer)); /* folded already */
  trt_network_destroy(net);
}

/* PriorBox reads its inputs' dims only: shape inference leaves it (the
 * network's input dims may still change), the pass folds it and then the
 * Concat of priors it feeds, with the values the layer computes (outputs
 * compared with the passes off); a PriorBox whose output is a network
 * output stays a layer, and so does the Concat that reads it. */
static void test_shape_only_layers(void) {
  for (int as_output = 0; as_output < 2; as_output++) {
    trt_network_t *net = trt_network_create();
    int feature = add_input4(net, "feature", 1, 2, 3, 3);
    int image = add_input4(net, "image", 1, 3, 30, 30);
    trt_prior_box_params_t params = {
        .nb_min_sizes = 1, .min_sizes = {8}, .variances = {0.1f, 0.1f, 0.2f, 0.2f}, .offset = 0.5f};
    int inputs[2] = {feature, image};
    int priors[2];
    for (int i = 0; i < 2; i++) {
      params.min_sizes[0] = 8.0f + 8.0f * (float)i;
      priors[i] = layer_output(net, trt_network_add_layer(net, TRT_LAYER_PRIOR_BOX,
                                                          i ? "priors1" : "priors0", inputs, 2,
                                                          NULL, 1, &params));
    }
    int joined = add_concat(net, "joined", priors, 2, 2); /* [1, 2, 72] */
    trt_dims_t shift_dims = {3, {1, 2, 72}};
    int shift = trt_network_add_input(net, "shift", TRT_DATA_TYPE_FLOAT32, &shift_dims);
    int y = add_binary(net, "shifted", TRT_ELEMENTWISE_ADD, joined, shift);
    trt_network_mark_output(net, y);
    if (as_output)
      trt_network_mark_output(net, priors[0]);
    CHECK_OK(trt_network_infer_shapes(net));
    CHECK(count_layers(net, TRT_LAYER_PRIOR_BOX) == 2);
    trt_engine_t *engine = optimize_and_check(net, 1u << TRT_PASS_CONSTANT_FOLDING);
    if (engine) {
      CHECK(count_layers(optimized(engine), TRT_LAYER_PRIOR_BOX) == as_output);
      CHECK(count_layers(optimized(engine), TRT_LAYER_CONCAT) == as_output);
    }
    trt_engine_destroy(engine);
    trt_network_destroy(net);
  }
}

int main(void) {
  test_fold_after_inference();
  test_shape_only_layers();
  test_input_stays();
  test_paths_agree();
  test_many_inputs();
  test_views_stay();
  return test_finish("passes/constant_folding");
}
