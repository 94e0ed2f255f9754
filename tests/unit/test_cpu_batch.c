/* The CPU backend runs any batch up to the built maximum on the one network
 * the engine has: "batch scalable" engines at the batch's own size, others
 * padded to the maximum. Both give each item what the full batch gives it,
 * before and after a plan round trip, and loading a plan builds nothing. */
#include <string.h>

#include "test_util.h"

#define MAX_BATCH 4
#define CHANNELS  3
#define SIDE      6
#define CLASSES   5
#define ITEM      (CHANNELS * SIDE * SIDE)

/* x[N,3,6,6] -> conv 3x3 (+bias) -> relu -> max pool 2x2 -> flatten ->
 * gemm -> y[N,5]. Nothing in it names the batch size: scalable. */
static trt_network_t *make_scalable(test_rng_t *rng) {
  trt_network_t *network = trt_network_create();
  int64_t x_dims[] = {-1, CHANNELS, SIDE, SIDE}, w_dims[] = {4, CHANNELS, 3, 3}, b_dims[] = {4};
  int64_t fc_dims[] = {CLASSES, 4 * 2 * 2}, fcb_dims[] = {CLASSES};
  trt_dims_t xd = trt_dims_make(4, x_dims), wd = trt_dims_make(4, w_dims);
  trt_dims_t bd = trt_dims_make(1, b_dims), fcd = trt_dims_make(2, fc_dims);
  trt_dims_t fcbd = trt_dims_make(1, fcb_dims);
  float *w = test_random_floats(rng, 4 * CHANNELS * 9, -1, 1);
  float *b = test_random_floats(rng, 4, -0.5f, 0.5f);
  float *fc = test_random_floats(rng, CLASSES * 16, -1, 1);
  float *fcb = test_random_floats(rng, CLASSES, -0.5f, 0.5f);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);
  int conv_inputs[] = {x, trt_network_add_constant(network, "w", TRT_DATA_TYPE_FLOAT32, &wd, w),
                       trt_network_add_constant(network, "b", TRT_DATA_TYPE_FLOAT32, &bd, b)};
  trt_convolution_params_t conv = {
      .nb_spatial = 2, .kernel = {3, 3}, .stride = {1, 1}, .dilation = {1, 1}, .group = 1};
  int c = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_CONVOLUTION, "conv", conv_inputs, 3, NULL, 1, &conv),
      0);
  trt_unary_params_t relu = {.op = {.kind = TRT_ACTIVATION_RELU}};
  int r = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_UNARY, "relu", &c, 1, NULL, 1, &relu), 0);
  trt_pooling_params_t pool = {.kind = TRT_POOLING_MAX,
                               .nb_spatial = 2,
                               .kernel = {2, 2},
                               .stride = {2, 2},
                               .dilation = {1, 1}};
  int p = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_POOLING, "pool", &r, 1, NULL, 1, &pool), 0);
  trt_reshape_params_t flatten = {.mode = TRT_RESHAPE_FLATTEN, .axis = 1};
  int f = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_RESHAPE, "flatten", &p, 1, NULL, 1, &flatten), 0);
  int gemm_inputs[] = {f, trt_network_add_constant(network, "fc", TRT_DATA_TYPE_FLOAT32, &fcd, fc),
                       trt_network_add_constant(network, "fcb", TRT_DATA_TYPE_FLOAT32, &fcbd, fcb)};
  trt_gemm_params_t gemm = {.alpha = 1, .beta = 1, .transpose_b = true};
  const char *y_name = "y";
  int y = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_GEMM, "fc", gemm_inputs, 3, &y_name, 1, &gemm), 0);
  trt_network_mark_output(network, y);
  free(w);
  free(b);
  free(fc);
  free(fcb);
  return network;
}

/* y = x + expand(c, shape(x)) with x[N,3,6,6]: the folded expansion is a
 * constant of N items, so the network at batch 1 and at the maximum
 * differ in more than dims: not scalable, smaller batches are padded. */
static trt_network_t *make_padded(test_rng_t *rng) {
  trt_network_t *network = trt_network_create();
  int64_t x_dims[] = {-1, CHANNELS, SIDE, SIDE}, c_dims[] = {1, CHANNELS, 1, 1};
  trt_dims_t xd = trt_dims_make(4, x_dims), cd = trt_dims_make(4, c_dims);
  float *values = test_random_floats(rng, CHANNELS, -1, 1);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);
  int c = trt_network_add_constant(network, "c", TRT_DATA_TYPE_FLOAT32, &cd, values);
  trt_shape_params_t whole = {.start = 0, .end = INT64_MAX};
  int shape = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_SHAPE, "shape", &x, 1, NULL, 1, &whole), 0);
  int expand_inputs[] = {c, shape};
  int e = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_EXPAND, "expand", expand_inputs, 2, NULL, 1, NULL),
      0);
  trt_elementwise_params_t add = {.kind = TRT_ELEMENTWISE_ADD};
  int add_inputs[] = {x, e};
  const char *y_name = "y";
  int y = trt_network_layer_output(
      network,
      trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "add", add_inputs, 2, &y_name, 1, &add),
      0);
  trt_network_mark_output(network, y);
  free(values);
  return network;
}

typedef struct {
  bool built, loaded, scalable, padded;
} log_seen_t;

static void watch_log(trt_severity_t severity, const char *message, void *user_data) {
  (void)severity;
  log_seen_t *seen = user_data;
  seen->built |= strstr(message, "built cpu engine") != NULL;
  seen->loaded |= strstr(message, "loaded CPU engine") != NULL;
  seen->scalable |= strstr(message, "run at their own size") != NULL;
  seen->padded |= strstr(message, "padded") != NULL;
}

/* Every batch 1..MAX_BATCH, run twice in a changing order on one context,
 * gives each item what the full batch gave it (to float rounding: the
 * thread split may differ). */
static void check_batches(const trt_engine_t *engine, const float *x, int item_out) {
  float full[MAX_BATCH * ITEM], part[MAX_BATCH * ITEM];
  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  if (!context)
    return;
  void *bindings[] = {(void *)x, full};
  CHECK_OK(trt_context_execute(context, MAX_BATCH, bindings));
  const int order[] = {1, 3, 2, 4, 1, 2, 3};
  for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
    int batch = order[k];
    memset(part, 0, sizeof(part));
    bindings[1] = part;
    CHECK_OK(trt_context_execute(context, batch, bindings));
    double worst = 0;
    for (int i = 0; i < batch * item_out; i++) {
      double error = fabs((double)part[i] - full[i]) / (1e-6 + fabs(full[i]));
      worst = error > worst ? error : worst;
    }
    CHECK_BELOW(worst, 1e-5);
    /* Nothing past the batch is written. */
    for (int i = batch * item_out; i < MAX_BATCH * item_out; i++)
      CHECK(part[i] == 0);
  }
  trt_context_destroy(context);
}

static void check_network(trt_network_t *network, bool expect_scalable, int item_out,
                          const float *x) {
  log_seen_t seen = {0};
  trt_set_logger(watch_log, &seen);
  trt_set_log_level(TRT_SEVERITY_VERBOSE);
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.max_batch = MAX_BATCH;
  config.verbose = true;
  trt_engine_t *built = NULL;
  CHECK_OK(trt_engine_build(network, &config, &built));
  CHECK(seen.built);
  CHECK(seen.scalable == expect_scalable);
  CHECK(seen.padded == !expect_scalable);
  if (!built)
    return;
  check_batches(built, x, item_out);

  void *plan = NULL;
  size_t size = 0;
  CHECK_OK(trt_engine_serialize(built, "key", &plan, &size));
  memset(&seen, 0, sizeof(seen));
  trt_engine_t *loaded = NULL;
  CHECK_OK(trt_engine_deserialize(plan, size, "key", NULL, &loaded));
  /* Loading takes the optimized network as it is: nothing is built. */
  CHECK(seen.loaded && !seen.built);
  if (loaded) {
    CHECK(trt_engine_num_layers(loaded) == trt_engine_num_layers(built));
    check_batches(loaded, x, item_out);
    void *again = NULL;
    size_t again_size = 0;
    CHECK_OK(trt_engine_serialize(loaded, "key", &again, &again_size));
    CHECK(again_size == size && again && memcmp(again, plan, size) == 0);
    free(again);
  }
  trt_set_logger(NULL, NULL);
  trt_engine_destroy(loaded);
  trt_engine_destroy(built);
  free(plan);
}

int main(void) {
  test_rng_t rng = test_rng(11);
  float *x = test_random_floats(&rng, MAX_BATCH * ITEM, -1, 1);
  trt_network_t *scalable = make_scalable(&rng);
  check_network(scalable, true, CLASSES, x);
  trt_network_destroy(scalable);
  trt_network_t *padded = make_padded(&rng);
  check_network(padded, false, ITEM, x);
  trt_network_destroy(padded);
  free(x);
  return test_finish("cpu_batch");
}
