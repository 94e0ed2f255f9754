/* Elementwise layer: every kind with numpy broadcasting (equal shapes,
 * scalars, [C,1,1] against [N,C,H,W], [1,W] against [H,1], general) against
 * a naive reference that indexes each output element; int32/int64
 * arithmetic; Pow with a differently typed exponent; constant folding of
 * integer shape arithmetic; and shape inference errors.
 * Tolerance: relative L2 <= 1e-6 for FP32 (one rounding per element; Pow
 * compared with a double reference); integers exact. */
#include <string.h>

#include "test_util.h"

static const char *const kind_names[] = {"Add", "Sub", "Mul", "Div", "Pow", "Min", "Max",
                                         "PRelu", "Mod", "Fmod"};

static double reference_op(trt_elementwise_kind_t kind, double a, double b) {
  switch (kind) {
  case TRT_ELEMENTWISE_ADD: return a + b;
  case TRT_ELEMENTWISE_SUB: return a - b;
  case TRT_ELEMENTWISE_MUL: return a * b;
  case TRT_ELEMENTWISE_DIV: return a / b;
  case TRT_ELEMENTWISE_POW: return pow(a, b);
  case TRT_ELEMENTWISE_MIN: return a < b ? a : b;
  case TRT_ELEMENTWISE_MAX: return a > b ? a : b;
  case TRT_ELEMENTWISE_PRELU: return a < 0 ? a * b : a;
  case TRT_ELEMENTWISE_MOD: return a - floor(a / b) * b; /* the divisor's sign */
  case TRT_ELEMENTWISE_FMOD: return fmod(a, b);
  default: return NAN;
  }
}

/* Offset into `in` of the output element `flat` of `out` (numpy rules). */
static int64_t broadcast_offset(const trt_dims_t *in, const trt_dims_t *out, int64_t flat) {
  int64_t offset = 0, stride = 1;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    int64_t index = flat % out->d[i];
    flat /= out->d[i];
    int j = i - (out->nb_dims - in->nb_dims);
    if (j >= 0) {
      if (in->d[j] != 1)
        offset += index * stride;
      stride *= in->d[j];
    }
  }
  return offset;
}

static trt_network_t *make_binary(trt_elementwise_kind_t kind, trt_data_type_t a_type,
                                  const trt_dims_t *a_dims, trt_data_type_t b_type,
                                  const trt_dims_t *b_dims) {
  trt_network_t *network = trt_network_create();
  int inputs[2] = {trt_network_add_input(network, "a", a_type, a_dims),
                   trt_network_add_input(network, "b", b_type, b_dims)};
  trt_elementwise_params_t params = {kind};
  const char *name = "y";
  int layer = trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "ew", inputs, 2, &name, 1,
                                    &params);
  CHECK(layer == 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  return network;
}

static void test_float_case(const char *label, const trt_dims_t *a_dims, const trt_dims_t *b_dims,
                            int64_t expected_count, int threads, uint64_t seed) {
  int64_t a_count = trt_dims_volume(a_dims), b_count = trt_dims_volume(b_dims);
  for (int kind = 0; kind < TRT_ELEMENTWISE_COUNT; kind++) {
    test_rng_t rng = test_rng(seed + kind);
    bool pow_kind = kind == TRT_ELEMENTWISE_POW;
    float *a = test_random_floats(&rng, a_count, pow_kind ? 0.1f : -3.0f, 3.0f);
    float *b = test_random_floats(&rng, b_count, pow_kind ? -2.0f : -3.0f, 3.0f);
    if (kind == TRT_ELEMENTWISE_DIV || kind == TRT_ELEMENTWISE_MOD ||
        kind == TRT_ELEMENTWISE_FMOD) /* keep divisors away from zero */
      for (int64_t i = 0; i < b_count; i++)
        b[i] = b[i] < 0 ? b[i] - 0.5f : b[i] + 0.5f;

    trt_network_t *network = make_binary(kind, TRT_DATA_TYPE_FLOAT32, a_dims,
                                         TRT_DATA_TYPE_FLOAT32, b_dims);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out_dims = trt_network_tensor_dims(network, trt_network_output(network, 0));
    int64_t count = trt_dims_volume(&out_dims);
    CHECK(count == expected_count);
    float *y = malloc((size_t)count * sizeof(float));
    float *expected = malloc((size_t)count * sizeof(float));
    for (int64_t i = 0; i < count; i++)
      expected[i] = (float)reference_op(kind, a[broadcast_offset(a_dims, &out_dims, i)],
                                        b[broadcast_offset(b_dims, &out_dims, i)]);
    CHECK_OK(test_run_layer(network, 0, (const void *[]){a, b}, (void *[]){y}, threads));
    double error = test_relative_l2(y, expected, count);
    if (error > 1e-6)
      fprintf(stderr, "case %s, kind %s:\n", label, kind_names[kind]);
    CHECK_BELOW(error, 1e-6);
    trt_network_destroy(network);
    free(a);
    free(b);
    free(y);
    free(expected);
  }
}

#define DIMS(...) trt_dims_make(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), \
                                (int64_t[]){__VA_ARGS__})

static void test_float_broadcasting(void) {
  trt_dims_t scalar = trt_dims_make(0, NULL);
  trt_dims_t equal = DIMS(3, 5, 7), nchw = DIMS(2, 5, 7, 9), per_channel = DIMS(5, 1, 1);
  trt_dims_t row = DIMS(1, 13), column = DIMS(11, 1);
  trt_dims_t general_a = DIMS(2, 1, 5, 1), general_b = DIMS(3, 1, 4);
  trt_dims_t big = DIMS(1, 16, 67, 71), big_channel = DIMS(1, 16, 1, 1), one = DIMS(1);
  trt_dims_t tall = DIMS(301, 1), wide = DIMS(1, 211);
  test_float_case("equal", &equal, &equal, 105, 1, 1);
  test_float_case("tensor-scalar", &nchw, &scalar, 630, 1, 2);
  test_float_case("scalar-tensor", &scalar, &nchw, 630, 1, 3);
  test_float_case("one-element", &one, &equal, 105, 1, 4);
  test_float_case("nchw-channel", &nchw, &per_channel, 630, 1, 5);
  test_float_case("channel-nchw", &per_channel, &nchw, 630, 1, 6);
  test_float_case("row-column", &row, &column, 143, 1, 7);
  test_float_case("general", &general_a, &general_b, 120, 1, 8);
  test_float_case("scalar-scalar", &scalar, &scalar, 1, 1, 9);
  /* Large enough that chunks split runs between threads. */
  test_float_case("big-equal", &big, &big, 16 * 67 * 71, 3, 10);
  test_float_case("big-channel", &big, &big_channel, 16 * 67 * 71, 3, 11);
  test_float_case("big-row-column", &tall, &wide, 301 * 211, 2, 12);
}

static int64_t reference_int(trt_elementwise_kind_t kind, int64_t a, int64_t b) {
  switch (kind) {
  case TRT_ELEMENTWISE_ADD: return a + b;
  case TRT_ELEMENTWISE_SUB: return a - b;
  case TRT_ELEMENTWISE_MUL: return a * b;
  case TRT_ELEMENTWISE_DIV: return b == 0 ? 0 : a / b; /* C truncation */
  case TRT_ELEMENTWISE_POW: {
    if (b < 0)
      return a == 1 ? 1 : a == -1 ? (b % 2 ? -1 : 1) : 0;
    int64_t r = 1;
    for (int64_t i = 0; i < b; i++)
      r *= a;
    return r;
  }
  case TRT_ELEMENTWISE_MIN: return a < b ? a : b;
  case TRT_ELEMENTWISE_MAX: return a > b ? a : b;
  case TRT_ELEMENTWISE_PRELU: return a < 0 ? a * b : a;
  /* remainders: 0 for divisors 0 and -1 (no trap) */
  case TRT_ELEMENTWISE_MOD: return b == 0 || b == -1 ? 0 : ((a % b) + b) % b;
  case TRT_ELEMENTWISE_FMOD: return b == 0 || b == -1 ? 0 : a % b;
  default: return 0;
  }
}

static void test_integers(trt_data_type_t type) {
  trt_dims_t a_dims = DIMS(4, 1, 6), b_dims = DIMS(5, 1);
  int64_t a_values[24], b_values[5] = {-3, 2, 0, 7, -1};
  for (int i = 0; i < 24; i++)
    a_values[i] = (i * 37) % 23 - 11; /* -11..11, both signs */
  int32_t a32[24], b32[5];
  for (int i = 0; i < 24; i++)
    a32[i] = (int32_t)a_values[i];
  for (int i = 0; i < 5; i++)
    b32[i] = (int32_t)b_values[i];
  bool is64 = type == TRT_DATA_TYPE_INT64;
  for (int kind = 0; kind < TRT_ELEMENTWISE_COUNT; kind++) {
    trt_network_t *network = make_binary(kind, type, &a_dims, type, &b_dims);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
    CHECK(out.nb_dims == 3 && out.d[0] == 4 && out.d[1] == 5 && out.d[2] == 6);
    CHECK(trt_network_tensor_type(network, trt_network_output(network, 0)) == type);
    int64_t y64[120];
    int32_t y32[120];
    const void *inputs[] = {is64 ? (const void *)a_values : a32,
                            is64 ? (const void *)b_values : b32};
    CHECK_OK(test_run_layer(network, 0, inputs, (void *[]){is64 ? (void *)y64 : y32}, 1));
    int wrong = 0;
    for (int64_t i = 0; i < 120; i++) {
      int64_t expected = reference_int(kind, a_values[broadcast_offset(&a_dims, &out, i)],
                                       b_values[broadcast_offset(&b_dims, &out, i)]);
      int64_t got = is64 ? y64[i] : y32[i];
      if (!is64)
        expected = (int32_t)expected;
      wrong += got != expected;
    }
    if (wrong)
      fprintf(stderr, "%s %s: %d wrong\n", trt_data_type_name(type), kind_names[kind], wrong);
    CHECK(wrong == 0);
    trt_network_destroy(network);
  }
}

/* Large int64 values stay exact; division truncates toward zero. */
static void test_int64_exact(void) {
  trt_dims_t dims = DIMS(4);
  int64_t a[4] = {INT64_C(3000000000000), -7, 7, INT64_MIN};
  int64_t b[4] = {INT64_C(1000000007), 2, -2, -1};
  int64_t y[4];
  trt_network_t *network = make_binary(TRT_ELEMENTWISE_DIV, TRT_DATA_TYPE_INT64, &dims,
                                       TRT_DATA_TYPE_INT64, &dims);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){a, b}, (void *[]){y}, 1));
  CHECK(y[0] == INT64_C(3000000000000) / INT64_C(1000000007));
  CHECK(y[1] == -3 && y[2] == -3);
  CHECK(y[3] == INT64_MIN); /* wraps, no trap */
  trt_network_destroy(network);
}

/* Pow-12+: float base, integer exponent; output has the base's type. */
static void test_pow_mixed_types(void) {
  trt_dims_t dims = DIMS(3);
  float base[3] = {1.5f, 2.0f, -3.0f};
  int64_t exponent[3] = {2, -1, 3};
  float y[3];
  trt_network_t *network = make_binary(TRT_ELEMENTWISE_POW, TRT_DATA_TYPE_FLOAT32, &dims,
                                       TRT_DATA_TYPE_INT64, &dims);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK(trt_network_tensor_type(network, trt_network_output(network, 0)) ==
        TRT_DATA_TYPE_FLOAT32);
  CHECK_OK(test_run_layer(network, 0, (const void *[]){base, exponent}, (void *[]){y}, 1));
  CHECK(y[0] == 2.25f && y[1] == 0.5f && y[2] == -27.0f);
  trt_network_destroy(network);

  int32_t int_base[3] = {2, 3, 4};
  float float_exponent[3] = {3.0f, 2.0f, 0.5f};
  int32_t int_y[3];
  network = make_binary(TRT_ELEMENTWISE_POW, TRT_DATA_TYPE_INT32, &dims, TRT_DATA_TYPE_FLOAT32,
                        &dims);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){int_base, float_exponent},
                          (void *[]){int_y}, 1));
  CHECK(int_y[0] == 8 && int_y[1] == 9 && int_y[2] == 2);
  trt_network_destroy(network);
}

/* Shape arithmetic on constants is folded by shape inference through the
 * CPU reference: [2, 3] * [4] + scalar 1 -> [9, 13]. */
static void test_constant_folding(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t pair = DIMS(2), single = DIMS(1), scalar = trt_dims_make(0, NULL);
  int64_t shape[2] = {2, 3}, factor[1] = {4}, one = 1;
  int a = trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64, &pair, shape);
  int b = trt_network_add_constant(network, "factor", TRT_DATA_TYPE_INT64, &single, factor);
  int c = trt_network_add_constant(network, "one", TRT_DATA_TYPE_INT64, &scalar, &one);
  trt_elementwise_params_t mul = {TRT_ELEMENTWISE_MUL}, add = {TRT_ELEMENTWISE_ADD};
  int product = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "mul", (int[]){a, b}, 2,
                                     NULL, 1, &mul), 0);
  int sum = trt_network_layer_output(
      network, trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "add",
                                     (int[]){product, c}, 2, NULL, 1, &add), 0);
  CHECK_OK(trt_network_mark_output(network, sum));
  CHECK_OK(trt_network_infer_shapes(network));
  const int64_t *folded = trt_network_tensor_data(network, sum);
  CHECK(folded != NULL);
  if (folded)
    CHECK(folded[0] == 9 && folded[1] == 13);
  trt_network_destroy(network);
}

static void test_errors(void) {
  trt_dims_t a = DIMS(3, 4), b = DIMS(5, 4), c = DIMS(2, 3, 1);
  trt_network_t *network = make_binary(TRT_ELEMENTWISE_ADD, TRT_DATA_TYPE_FLOAT32, &a,
                                       TRT_DATA_TYPE_FLOAT32, &b);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "cannot broadcast dims 3x4 and 5x4: dimension 0 is 3 vs 5"));
  trt_network_destroy(network);

  network = make_binary(TRT_ELEMENTWISE_MUL, TRT_DATA_TYPE_FLOAT32, &a, TRT_DATA_TYPE_INT64,
                        &c);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "Mul inputs have different types: float32 and int64"));
  trt_network_destroy(network);

  network = make_binary(TRT_ELEMENTWISE_SUB, TRT_DATA_TYPE_UINT8, &a, TRT_DATA_TYPE_UINT8, &a);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type uint8 is not supported"));
  trt_network_destroy(network);

  /* Broadcast of [3,4] against [2,3,1] works: 2x3x4. */
  network = make_binary(TRT_ELEMENTWISE_MAX, TRT_DATA_TYPE_FLOAT32, &a, TRT_DATA_TYPE_FLOAT32,
                        &c);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
  CHECK(out.nb_dims == 3 && out.d[0] == 2 && out.d[1] == 3 && out.d[2] == 4);
  trt_network_destroy(network);
}

int main(void) {
  test_float_broadcasting();
  test_integers(TRT_DATA_TYPE_INT64);
  test_integers(TRT_DATA_TYPE_INT32);
  test_int64_exact();
  test_pow_mixed_types();
  test_constant_folding();
  test_errors();
  return test_finish("test_elementwise");
}
