/* Unary layer: every kind against a naive double-precision reference on odd
 * shapes, integer Relu/Abs/Neg, the scalar trt_activation_apply, and the
 * errors shape inference reports.
 * Tolerance: relative L2 <= 1e-6 (pointwise FP32, one rounding per op). */
#include <string.h>

#include "test_util.h"

static double reference(trt_activation_kind_t kind, double alpha, double beta, double x) {
  switch (kind) {
  case TRT_ACTIVATION_NONE: return x;
  case TRT_ACTIVATION_RELU: return x > 0 ? x : 0;
  case TRT_ACTIVATION_LEAKY_RELU: return x >= 0 ? x : alpha * x;
  case TRT_ACTIVATION_ELU: return x >= 0 ? x : alpha * (exp(x) - 1);
  case TRT_ACTIVATION_SIGMOID: return 1 / (1 + exp(-x));
  case TRT_ACTIVATION_TANH: return tanh(x);
  case TRT_ACTIVATION_CLIP: return fmin(fmax(x, alpha), beta);
  case TRT_ACTIVATION_HARD_SIGMOID: return fmax(0, fmin(1, alpha * x + beta));
  case TRT_ACTIVATION_HARD_SWISH: return x * fmax(0, fmin(1, x / 6 + 0.5));
  case TRT_ACTIVATION_ERF: return erf(x);
  case TRT_ACTIVATION_SQRT: return sqrt(x);
  case TRT_ACTIVATION_EXP: return exp(x);
  case TRT_ACTIVATION_LOG: return log(x);
  case TRT_ACTIVATION_ABS: return fabs(x);
  case TRT_ACTIVATION_NEG: return -x;
  case TRT_ACTIVATION_RECIPROCAL: return 1 / x;
  case TRT_ACTIVATION_SOFTPLUS: return log(1 + exp(x));
  case TRT_ACTIVATION_SCALE_SHIFT: return alpha * x + beta;
  case TRT_ACTIVATION_POWER: return pow(x, alpha);
  default: return NAN;
  }
}

/* Builds x -> unary -> y and infers shapes; returns the network or NULL. */
static trt_network_t *make_unary(trt_activation_t op, trt_data_type_t type,
                                 const trt_dims_t *dims) {
  trt_network_t *network = trt_network_create();
  int x = trt_network_add_input(network, "x", type, dims);
  trt_unary_params_t params = {.op = op};
  const char *name = "y";
  int layer = trt_network_add_layer(network, TRT_LAYER_UNARY, "unary", &x, 1, &name, 1, &params);
  CHECK(layer == 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  return network;
}

static void test_float_kind(trt_activation_kind_t kind, const trt_dims_t *dims, int threads,
                            uint64_t seed) {
  trt_activation_t op = {kind, 0.3f, 0.6f};
  if (kind == TRT_ACTIVATION_CLIP)
    op = (trt_activation_t){kind, -1.5f, 2.25f};
  if (kind == TRT_ACTIVATION_HARD_SIGMOID)
    op = (trt_activation_t){kind, 0.2f, 0.5f};
  int64_t count = trt_dims_volume(dims);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -5.0f, 5.0f);
  /* Log, Sqrt and Power need positive input, Reciprocal none near zero. */
  for (int64_t i = 0; i < count; i++) {
    if (kind == TRT_ACTIVATION_LOG || kind == TRT_ACTIVATION_SQRT ||
        kind == TRT_ACTIVATION_POWER)
      x[i] = fabsf(x[i]) + 0.01f;
    if (kind == TRT_ACTIVATION_RECIPROCAL)
      x[i] = x[i] < 0 ? x[i] - 0.1f : x[i] + 0.1f;
  }
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  for (int64_t i = 0; i < count; i++)
    expected[i] = (float)reference(kind, op.alpha, op.beta, x[i]);

  trt_network_t *network = make_unary(op, TRT_DATA_TYPE_FLOAT32, dims);
  CHECK_OK(trt_network_infer_shapes(network));
  const void *inputs[] = {x};
  void *outputs[] = {y};
  CHECK_OK(test_run_layer(network, 0, inputs, outputs, threads));
  double error = test_relative_l2(y, expected, count);
  if (error > 1e-6)
    fprintf(stderr, "kind %s (%d threads):\n", trt_activation_name(kind), threads);
  CHECK_BELOW(error, 1e-6);

  /* The scalar definition agrees with the layer exactly. */
  int64_t mismatches = 0;
  for (int64_t i = 0; i < count; i++) {
    float scalar = trt_activation_apply(&op, x[i]);
    if (scalar != y[i] && fabsf(scalar - y[i]) > 1e-6f * fabsf(y[i]))
      mismatches++;
  }
  CHECK(mismatches == 0);
  trt_network_destroy(network);
  free(x);
  free(y);
  free(expected);
}

static void test_all_float_kinds(void) {
  int64_t small[] = {3, 5, 7, 11};
  int64_t large[] = {2, 37, 61, 29}; /* big enough to be split between threads */
  trt_dims_t small_dims = trt_dims_make(4, small), large_dims = trt_dims_make(4, large);
  for (int kind = 0; kind < TRT_ACTIVATION_COUNT; kind++) {
    test_float_kind((trt_activation_kind_t)kind, &small_dims, 1, 100 + kind);
    test_float_kind((trt_activation_kind_t)kind, &large_dims, 3, 200 + kind);
  }
}

static void test_activation_edges(void) {
  trt_activation_t relu = {TRT_ACTIVATION_RELU, 0, 0};
  CHECK(isnan(trt_activation_apply(&relu, NAN)));
  CHECK(trt_activation_apply(&relu, -0.5f) == 0.0f);
  /* Softplus does not overflow for large inputs. */
  trt_activation_t softplus = {TRT_ACTIVATION_SOFTPLUS, 0, 0};
  CHECK(trt_activation_apply(&softplus, 100.0f) == 100.0f);
  CHECK(trt_activation_apply(&softplus, -100.0f) >= 0.0f);
  trt_activation_t sigmoid = {TRT_ACTIVATION_SIGMOID, 0, 0};
  CHECK(trt_activation_apply(&sigmoid, -200.0f) == 0.0f);
  CHECK(trt_activation_apply(&sigmoid, 200.0f) == 1.0f);
  /* Clip with min > max gives max, as numpy.clip. */
  trt_activation_t clip = {TRT_ACTIVATION_CLIP, 2.0f, 1.0f};
  CHECK(trt_activation_apply(&clip, 0.0f) == 1.0f);
  CHECK(trt_activation_apply(&clip, 5.0f) == 1.0f);
  trt_activation_t hard_swish = {TRT_ACTIVATION_HARD_SWISH, 0, 0};
  CHECK(trt_activation_apply(&hard_swish, -3.0f) == 0.0f);
  CHECK(trt_activation_apply(&hard_swish, 3.0f) == 3.0f);
  CHECK(strcmp(trt_activation_name(TRT_ACTIVATION_HARD_SIGMOID), "HardSigmoid") == 0);
  CHECK(strcmp(trt_activation_name(TRT_ACTIVATION_COUNT), "(invalid activation)") == 0);
}

static void test_integers(void) {
  int64_t d[] = {3, 7};
  trt_dims_t dims = trt_dims_make(2, d);
  int32_t x32[21];
  int64_t x64[21];
  for (int i = 0; i < 21; i++) {
    x32[i] = (i - 10) * 123457;
    x64[i] = (int64_t)(i - 10) * 5000000000ll;
  }
  x32[0] = INT32_MIN; /* wraps instead of overflowing */
  trt_activation_kind_t kinds[] = {TRT_ACTIVATION_RELU, TRT_ACTIVATION_ABS, TRT_ACTIVATION_NEG};
  for (int k = 0; k < 3; k++) {
    trt_activation_t op = {kinds[k], 0, 0};
    int32_t y32[21];
    int64_t y64[21];
    trt_network_t *n32 = make_unary(op, TRT_DATA_TYPE_INT32, &dims);
    trt_network_t *n64 = make_unary(op, TRT_DATA_TYPE_INT64, &dims);
    CHECK_OK(trt_network_infer_shapes(n32));
    CHECK_OK(trt_network_infer_shapes(n64));
    CHECK(trt_network_tensor_type(n64, trt_network_output(n64, 0)) == TRT_DATA_TYPE_INT64);
    CHECK_OK(test_run_layer(n32, 0, (const void *[]){x32}, (void *[]){y32}, 1));
    CHECK_OK(test_run_layer(n64, 0, (const void *[]){x64}, (void *[]){y64}, 1));
    for (int i = 1; i < 21; i++) {
      int64_t e32 = kinds[k] == TRT_ACTIVATION_RELU ? (x32[i] > 0 ? x32[i] : 0)
                    : kinds[k] == TRT_ACTIVATION_ABS ? llabs(x32[i]) : -(int64_t)x32[i];
      int64_t e64 = kinds[k] == TRT_ACTIVATION_RELU ? (x64[i] > 0 ? x64[i] : 0)
                    : kinds[k] == TRT_ACTIVATION_ABS ? llabs(x64[i]) : -x64[i];
      CHECK(y32[i] == e32);
      CHECK(y64[i] == e64);
    }
    CHECK(kinds[k] == TRT_ACTIVATION_RELU ? y32[0] == 0 : y32[0] == INT32_MIN);
    trt_network_destroy(n32);
    trt_network_destroy(n64);
  }
}

/* A fused chain equals its steps applied one by one, bit for bit, across
 * block and thread boundaries (the count is no multiple of either). */
static void test_chain(void) {
  int64_t d[] = {3, 1001, 7};
  trt_dims_t dims = trt_dims_make(3, d);
  trt_unary_params_t params = {.op = {TRT_ACTIVATION_SCALE_SHIFT, 0.5f, -0.0f},
                               .nb_then = 5,
                               .then = {{TRT_ACTIVATION_SCALE_SHIFT, 1.0f, 0.25f},
                                        {TRT_ACTIVATION_RELU, 0, 0},
                                        {TRT_ACTIVATION_POWER, 0.5f, 0},
                                        {TRT_ACTIVATION_TANH, 0, 0},
                                        {TRT_ACTIVATION_SCALE_SHIFT, -1.0f, 3.0f}}};
  trt_network_t *network = trt_network_create();
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  int layer = trt_network_add_layer(network, TRT_LAYER_UNARY, "chain", &x, 1, NULL, 1, &params);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  CHECK_OK(trt_network_infer_shapes(network));
  int64_t count = trt_dims_volume(&dims);
  test_rng_t rng = test_rng(5);
  float *input = test_random_floats(&rng, count, -4.0f, 4.0f);
  float *y = malloc((size_t)count * sizeof(float));
  for (int threads = 1; threads <= 3; threads += 2) {
    CHECK_OK(test_run_layer(network, 0, (const void *[]){input}, (void *[]){y}, threads));
    int64_t mismatches = 0;
    for (int64_t i = 0; i < count; i++) {
      float expected = trt_activation_apply(&params.op, input[i]);
      for (int s = 0; s < params.nb_then; s++)
        expected = trt_activation_apply(&params.then[s], expected);
      mismatches += expected != y[i];
    }
    CHECK(mismatches == 0);
  }
  trt_network_destroy(network);
  free(input);
  free(y);

  /* Too long a chain; a chain on integers. */
  params.nb_then = TRT_MAX_UNARY_CHAIN;
  network = trt_network_create();
  x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_network_add_layer(network, TRT_LAYER_UNARY, "long", &x, 1, NULL, 1, &params);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "at most 7") != NULL);
  trt_network_destroy(network);
  params = (trt_unary_params_t){.op = {TRT_ACTIVATION_RELU, 0, 0},
                                .nb_then = 1,
                                .then = {{TRT_ACTIVATION_NEG, 0, 0}}};
  network = trt_network_create();
  x = trt_network_add_input(network, "x", TRT_DATA_TYPE_INT32, &dims);
  trt_network_add_layer(network, TRT_LAYER_UNARY, "int_chain", &x, 1, NULL, 1, &params);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  trt_network_destroy(network);
}

static void test_errors(void) {
  int64_t d[] = {2, 3};
  trt_dims_t dims = trt_dims_make(2, d);
  trt_network_t *network = make_unary((trt_activation_t){TRT_ACTIVATION_EXP, 0, 0},
                                      TRT_DATA_TYPE_FLOAT64, &dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type float64 is not supported") != NULL);
  CHECK(strstr(trt_last_error(), "'unary'") != NULL);
  trt_network_destroy(network);

  network = make_unary((trt_activation_t){TRT_ACTIVATION_SIGMOID, 0, 0}, TRT_DATA_TYPE_INT32,
                       &dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type int32 is not supported by Sigmoid") != NULL);
  trt_network_destroy(network);
}

int main(void) {
  test_all_float_kinds();
  test_activation_edges();
  test_integers();
  test_chain();
  test_errors();
  return test_finish("test_unary");
}
