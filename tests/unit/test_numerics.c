/* The shared numerics (engine/numerics/): half <-> float over every half
 * and at every rounding boundary, every activation kind against its
 * formula in double, and element access for every data type.
 *
 * Half: widening exact (checked against the formula sign * m * 2^e);
 * narrowing exactly round to nearest even, from float and from double
 * alike. Activations: within 4 float ulps of the double formula, of the
 * result or, for the piecewise-linear kinds, of the terms summed. Window
 * taps: equal to counting tap by tap, over every small case. */
#include <float.h>
#include <string.h>

#include "numerics/activation.h"
#include "numerics/cast_rules.h"
#include "numerics/element.h"
#include "numerics/half.h"
#include "numerics/window.h"
#include "test_util.h"

/* ---- half <-> float ------------------------------------------------------ */

/* The value of a half from its definition. */
static double half_value(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  const double sign = (bits & 0x8000) ? -1.0 : 1.0;
  if (exponent == 31)
    return mantissa ? NAN : sign * INFINITY;
  if (exponent == 0)
    return sign * mantissa * pow(2.0, -24);
  return sign * (1024 + mantissa) * pow(2.0, exponent - 25);
}

static bool half_is_nan(uint16_t bits) {
  return (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff);
}

static float float_from_bits(uint32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

/* Every half widens exactly and narrows back to itself, from float and
 * from double; NaNs stay NaN, quiet, with their sign. Finite halves in
 * bit order are in value order. */
static void test_half_round_trip(void) {
  int failures = 0;
  double previous = -1.0;
  for (uint32_t h = 0; h <= 0xffff; h++) {
    const uint16_t bits = (uint16_t)h;
    const float f = trt_half_to_float(bits);
    const double d = trt_half_to_double(bits);
    if (half_is_nan(bits)) {
      const uint16_t quiet = (uint16_t)((bits & 0x8000) | 0x7e00);
      failures += !isnan(f) || !isnan(d) || !signbit(f) != !(bits & 0x8000);
      failures += trt_half_from_float(f) != quiet || trt_half_from_double(d) != quiet;
      continue;
    }
    const double expected = half_value(bits);
    failures += (double)f != expected || d != expected || !signbit(f) != !(bits & 0x8000);
    failures += trt_half_from_float(f) != bits || trt_half_from_double(d) != bits;
    if (bits <= 0x7c00) { /* zero up to infinity */
      failures += !(d > previous) && bits != 0;
      previous = d;
    }
  }
  CHECK(failures == 0);
}

/* Both narrowing functions give `expected` for `value`. */
#define CHECK_HALF(value, expected)                                                        \
  do {                                                                                     \
    CHECK(trt_half_from_float(value) == (expected));                                       \
    CHECK(trt_half_from_double((double)(value)) == (expected));                            \
  } while (0)

/* Between two neighbouring halves: the midpoint goes to the even one, a
 * float ulp either side to the nearer one. For every finite half, both
 * signs. */
static void test_half_rounding_ties(void) {
  int failures = 0;
  for (uint16_t h = 0; h < 0x7bff; h++) {
    const double low = half_value(h), high = half_value((uint16_t)(h + 1));
    const float middle = (float)((low + high) / 2); /* exact: 12 significant bits */
    const uint16_t even = (h & 1) ? (uint16_t)(h + 1) : h;
    const float below = nextafterf(middle, 0.0f), above = nextafterf(middle, INFINITY);
    for (int negative = 0; negative < 2; negative++) {
      const float s = negative ? -1.0f : 1.0f;
      const uint16_t sign = negative ? 0x8000 : 0;
      failures += trt_half_from_float(s * middle) != (sign | even);
      failures += trt_half_from_double(s * (double)middle) != (sign | even);
      failures += trt_half_from_float(s * below) != (sign | h);
      failures += trt_half_from_double(s * (double)below) != (sign | h);
      failures += trt_half_from_float(s * above) != (sign | (h + 1));
      failures += trt_half_from_double(s * (double)above) != (sign | (h + 1));
    }
  }
  CHECK(failures == 0);
  /* Ties at the top of a binade carry into the exponent. */
  CHECK_HALF(1.0f + 0x1p-11f, 0x3c00); /* tie, even is 1.0 */
  CHECK_HALF(1.0f + 3 * 0x1p-11f, 0x3c02);
  CHECK_HALF(2.0f - 0x1p-11f, 0x4000); /* the tie of 0x3bff and 0x4000: even, next binade */
}

static void test_half_overflow_underflow_nan(void) {
  /* Overflow: 65504 is the largest half; from 65520 (the tie above it, to
   * even = infinity) up everything is infinity. */
  CHECK_HALF(65504.0f, 0x7bff);
  CHECK_HALF(nextafterf(65520.0f, 0.0f), 0x7bff);
  CHECK_HALF(65520.0f, 0x7c00);
  CHECK_HALF(-65520.0f, 0xfc00);
  CHECK_HALF(1e6f, 0x7c00);
  CHECK_HALF(FLT_MAX, 0x7c00);
  CHECK_HALF(INFINITY, 0x7c00);
  CHECK_HALF(-INFINITY, 0xfc00);
  CHECK(trt_half_from_double(65519.999999) == 0x7bff);
  CHECK(trt_half_from_double(1e300) == 0x7c00);
  CHECK(trt_half_from_double(-DBL_MAX) == 0xfc00);
  /* Underflow: subnormals are multiples of 2^-24; 2^-25 ties to zero. */
  CHECK_HALF(0.0f, 0x0000);
  CHECK_HALF(-0.0f, 0x8000);
  CHECK_HALF(0x1p-25f, 0x0000);
  CHECK_HALF(-0x1p-25f, 0x8000);
  CHECK_HALF(nextafterf(0x1p-25f, 1.0f), 0x0001);
  CHECK_HALF(0x1p-24f, 0x0001);
  CHECK_HALF(1.5f * 0x1p-24f, 0x0002);
  CHECK_HALF(2.5f * 0x1p-24f, 0x0002);
  CHECK_HALF(1e-10f, 0x0000);
  CHECK_HALF(-1e-10f, 0x8000);
  CHECK_HALF(FLT_TRUE_MIN, 0x0000);
  CHECK_HALF(1023.5f * 0x1p-24f, 0x0400); /* the largest subnormal ties up to the first normal */
  CHECK_HALF(0x1p-14f, 0x0400);
  CHECK(trt_half_from_double(0x1p-1000) == 0x0000);
  CHECK(trt_half_from_double(DBL_TRUE_MIN) == 0x0000);
  /* Double rounds once: via float, 1 + 2^-11 + 2^-40 would tie down to 1. */
  CHECK(trt_half_from_double(1.0 + 0x1p-11 + 0x1p-40) == 0x3c01);
  /* NaN: quiet, signed, payload dropped. */
  CHECK_HALF(NAN, 0x7e00);
  CHECK_HALF(-NAN, 0xfe00);
  CHECK(trt_half_from_float(float_from_bits(0x7f800001)) == 0x7e00); /* signalling */
  CHECK(trt_half_from_float(float_from_bits(0xffc12345)) == 0xfe00);
  CHECK(isnan(trt_half_to_float(0x7c01)) && isnan(trt_half_to_double(0xfe00)));
  /* Some ordinary values. */
  CHECK_HALF(1.0f, 0x3c00);
  CHECK_HALF(-2.0f, 0xc000);
  CHECK_HALF(0.1f, 0x2e66);
  CHECK_HALF(1.0f / 3.0f, 0x3555);
  CHECK(trt_half_to_float(0x3555) == 0.333251953125f);
}

/* The two narrowings agree on floats spread over every exponent. */
static void test_half_float_and_double_agree(void) {
  int failures = 0;
  for (uint64_t bits = 0; bits <= 0xffffffffu; bits += 251) {
    const float value = float_from_bits((uint32_t)bits);
    failures += trt_half_from_float(value) != trt_half_from_double((double)value);
  }
  CHECK(failures == 0);
}

/* ---- activations ----------------------------------------------------------- */

/* The formula of each kind, in double; NaN inputs are handled by the
 * caller (every kind keeps them NaN). */
static double activation_formula(trt_activation_kind_t kind, double x, double alpha, double beta) {
  switch (kind) {
  case TRT_ACTIVATION_NONE: return x;
  case TRT_ACTIVATION_RELU: return x > 0 ? x : 0;
  case TRT_ACTIVATION_LEAKY_RELU: return x >= 0 ? x : alpha * x;
  case TRT_ACTIVATION_ELU: return x >= 0 ? x : alpha * (exp(x) - 1);
  case TRT_ACTIVATION_SIGMOID: return 1 / (1 + exp(-x));
  case TRT_ACTIVATION_TANH: return tanh(x);
  case TRT_ACTIVATION_CLIP: return x < alpha ? alpha : x > beta ? beta : x;
  case TRT_ACTIVATION_HARD_SIGMOID: return fmax(0, fmin(1, alpha * x + beta));
  case TRT_ACTIVATION_HARD_SWISH: return x * fmax(0, fmin(1, x / 6 + 0.5));
  case TRT_ACTIVATION_ERF: return erf(x);
  case TRT_ACTIVATION_SQRT: return sqrt(x);
  case TRT_ACTIVATION_EXP: return exp(x);
  case TRT_ACTIVATION_LOG: return log(x);
  case TRT_ACTIVATION_ABS: return fabs(x);
  case TRT_ACTIVATION_NEG: return -x;
  case TRT_ACTIVATION_RECIPROCAL: return 1 / x;
  case TRT_ACTIVATION_SOFTPLUS: return x > 30 ? x + exp(-x) : log1p(exp(x));
  case TRT_ACTIVATION_SCALE_SHIFT: return alpha * x + beta;
  case TRT_ACTIVATION_POWER: return pow(x, alpha);
  case TRT_ACTIVATION_COUNT: break;
  }
  return NAN;
}

/* Kinds computed as a few float multiplies and adds: their error is
 * measured against the size of the terms, not of the result. */
static bool activation_is_linear(trt_activation_kind_t kind) {
  return kind == TRT_ACTIVATION_LEAKY_RELU || kind == TRT_ACTIVATION_HARD_SIGMOID ||
         kind == TRT_ACTIVATION_HARD_SWISH || kind == TRT_ACTIVATION_SCALE_SHIFT;
}

static bool activation_close(trt_activation_kind_t kind, float got, float x, float alpha,
                             float beta) {
  if (isnan(x))
    return isnan(got);
  const double expected = activation_formula(kind, x, alpha, beta);
  const float rounded = (float)expected;
  if (isnan(expected) || isinf(rounded))
    return isnan(expected) ? isnan(got) : got == rounded;
  double scale = fabs(expected);
  if (activation_is_linear(kind))
    scale = fmax(scale, fabs((double)alpha * x) + fabs((double)x) + fabs((double)beta));
  return fabs((double)got - expected) <= 4 * FLT_EPSILON * scale + 1e-37;
}

static void test_activations(void) {
  const float values[] = {-INFINITY, -1e30f,  -100.0f, -88.0f, -20.0f, -6.0f,   -3.0f,
                          -2.5f,     -1.0f,   -0.5f,   -1e-8f, -0.0f,  0.0f,    1e-8f,
                          FLT_TRUE_MIN, 0.25f, 0.5f,   1.0f,   2.0f,   3.0f,    6.0f,
                          20.0f,     31.0f,   88.0f,   100.0f, 1e30f,  INFINITY, NAN};
  const int nb_values = (int)(sizeof(values) / sizeof(values[0]));
  /* Parameters per kind: the ONNX defaults where there are some. */
  const float alphas[TRT_ACTIVATION_COUNT] = {
      [TRT_ACTIVATION_LEAKY_RELU] = 0.01f, [TRT_ACTIVATION_ELU] = 1.0f,
      [TRT_ACTIVATION_CLIP] = -1.5f,       [TRT_ACTIVATION_HARD_SIGMOID] = 0.2f,
      [TRT_ACTIVATION_SCALE_SHIFT] = -1.0f, [TRT_ACTIVATION_POWER] = 0.3f};
  const float betas[TRT_ACTIVATION_COUNT] = {[TRT_ACTIVATION_CLIP] = 2.25f,
                                             [TRT_ACTIVATION_HARD_SIGMOID] = 0.5f,
                                             [TRT_ACTIVATION_SCALE_SHIFT] = 0.75f};
  for (int k = 0; k < TRT_ACTIVATION_COUNT; k++) {
    const trt_activation_kind_t kind = (trt_activation_kind_t)k;
    const trt_activation_t activation = {kind, alphas[k], betas[k]};
    /* The listed values, then a sweep of [-12, 12). */
    for (int i = 0; i < nb_values + 2400; i++) {
      const float x = i < nb_values ? values[i] : -12.0f + (float)(i - nb_values) * 0.01f;
      const float got = trt_activation_eval(kind, x, alphas[k], betas[k]);
      if (!activation_close(kind, got, x, alphas[k], betas[k])) {
        fprintf(stderr, "%s(%g) = %.9g, formula %.9g\n", trt_activation_name(kind), (double)x,
                (double)got, activation_formula(kind, x, alphas[k], betas[k]));
        CHECK(false);
      }
      /* The public scalar is the same function (a NaN's bits may come
       * from libm or from an inlined instruction). */
      const float public_value = trt_activation_apply(&activation, x);
      CHECK(isnan(got) ? isnan(public_value) : memcmp(&public_value, &got, sizeof(got)) == 0);
    }
  }
  /* Parameters that matter: leaky slope, ELU scale, clip with low > high
   * (gives high, as numpy.clip does), power of a negative base. */
  CHECK(trt_activation_eval(TRT_ACTIVATION_LEAKY_RELU, -2.0f, 0.3f, 0) == 0.3f * -2.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_ELU, -1.0f, 2.0f, 0) == 2.0f * expm1f(-1.0f));
  CHECK(trt_activation_eval(TRT_ACTIVATION_CLIP, 0.0f, 1.0f, -1.0f) == -1.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_CLIP, 5.0f, 1.0f, -1.0f) == -1.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_POWER, -8.0f, 2.0f, 0) == 64.0f);
  CHECK(isnan(trt_activation_eval(TRT_ACTIVATION_POWER, -8.0f, 0.5f, 0)));
  /* Edges the formulas pass through. */
  CHECK(trt_activation_eval(TRT_ACTIVATION_HARD_SWISH, -3.0f, 0, 0) == 0.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_HARD_SWISH, 3.0f, 0, 0) == 3.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_SIGMOID, -200.0f, 0, 0) == 0.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_SIGMOID, 200.0f, 0, 0) == 1.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_SOFTPLUS, 100.0f, 0, 0) == 100.0f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_SOFTPLUS, 1e30f, 0, 0) == 1e30f);
  CHECK(trt_activation_eval(TRT_ACTIVATION_RECIPROCAL, -0.0f, 0, 0) == -INFINITY);
  CHECK(trt_activation_eval(TRT_ACTIVATION_LOG, 0.0f, 0, 0) == -INFINITY);
  CHECK(signbit(trt_activation_eval(TRT_ACTIVATION_NEG, 0.0f, 0, 0)));
  /* Not a kind: NaN. */
  CHECK(isnan(trt_activation_eval(TRT_ACTIVATION_COUNT, 1.0f, 0, 0)));
  CHECK(isnan(trt_activation_eval((trt_activation_kind_t)-1, 1.0f, 0, 0)));
}

static void test_integer_activations(void) {
  CHECK(trt_activation_relu_int32(-5) == 0 && trt_activation_relu_int32(7) == 7);
  CHECK(trt_activation_abs_int32(-5) == 5 && trt_activation_abs_int32(INT32_MAX) == INT32_MAX);
  CHECK(trt_activation_abs_int32(INT32_MIN) == INT32_MIN); /* wraps */
  CHECK(trt_activation_neg_int32(5) == -5 && trt_activation_neg_int32(INT32_MIN) == INT32_MIN);
  CHECK(trt_activation_relu_int64(INT64_MIN) == 0 && trt_activation_relu_int64(1) == 1);
  CHECK(trt_activation_abs_int64(-(INT64_C(1) << 40)) == INT64_C(1) << 40);
  CHECK(trt_activation_abs_int64(INT64_MIN) == INT64_MIN);
  CHECK(trt_activation_neg_int64(INT64_MAX) == -INT64_MAX);
  CHECK(trt_activation_neg_int64(INT64_MIN) == INT64_MIN);
  for (int k = 0; k < TRT_ACTIVATION_COUNT; k++) {
    const trt_activation_kind_t kind = (trt_activation_kind_t)k;
    const int32_t want32 = kind == TRT_ACTIVATION_RELU ? 0 : kind == TRT_ACTIVATION_ABS ? 9
                           : kind == TRT_ACTIVATION_NEG ? 9 : -9;
    CHECK(trt_activation_eval_int32(kind, -9) == want32);
    CHECK(trt_activation_eval_int64(kind, -9) == want32);
  }
}

/* ---- element access ------------------------------------------------------ */

static void test_element_read(void) {
  const float f32[] = {0.0f, -1.5f, 3.25e38f, NAN};
  const uint16_t f16[] = {0x0000, 0xbc00, 0x7bff, 0x0001, 0xfc00};
  const double f64[] = {0.0, 1e300, -0x1p-1074};
  const int8_t i8[] = {0, -128, 127};
  const uint8_t u8[] = {0, 255, 128};
  const int32_t i32[] = {0, INT32_MIN, INT32_MAX};
  const int64_t i64[] = {0, INT64_MIN, (INT64_C(1) << 53) + 1, -7};
  const uint8_t boolean[] = {0, 1, 2, 255};

  CHECK(trt_element_as_double(f32, TRT_DATA_TYPE_FLOAT32, 1) == -1.5);
  CHECK(trt_element_as_double(f32, TRT_DATA_TYPE_FLOAT32, 2) == (double)3.25e38f);
  CHECK(isnan(trt_element_as_double(f32, TRT_DATA_TYPE_FLOAT32, 3)));
  CHECK(trt_element_as_double(f16, TRT_DATA_TYPE_FLOAT16, 1) == -1.0);
  CHECK(trt_element_as_double(f16, TRT_DATA_TYPE_FLOAT16, 2) == 65504.0);
  CHECK(trt_element_as_double(f16, TRT_DATA_TYPE_FLOAT16, 3) == 0x1p-24);
  CHECK(trt_element_as_double(f16, TRT_DATA_TYPE_FLOAT16, 4) == -INFINITY);
  CHECK(trt_element_as_double(f64, TRT_DATA_TYPE_FLOAT64, 1) == 1e300);
  CHECK(trt_element_as_double(f64, TRT_DATA_TYPE_FLOAT64, 2) == -0x1p-1074);
  CHECK(trt_element_as_double(i8, TRT_DATA_TYPE_INT8, 1) == -128.0);
  CHECK(trt_element_as_double(i8, TRT_DATA_TYPE_INT8, 2) == 127.0);
  CHECK(trt_element_as_double(u8, TRT_DATA_TYPE_UINT8, 1) == 255.0);
  CHECK(trt_element_as_double(i32, TRT_DATA_TYPE_INT32, 1) == (double)INT32_MIN);
  CHECK(trt_element_as_double(i32, TRT_DATA_TYPE_INT32, 2) == (double)INT32_MAX);
  CHECK(trt_element_as_double(i64, TRT_DATA_TYPE_INT64, 1) == -0x1p63);
  CHECK(trt_element_as_double(i64, TRT_DATA_TYPE_INT64, 2) == 0x1p53); /* rounded */
  CHECK(trt_element_as_double(i64, TRT_DATA_TYPE_INT64, 3) == -7.0);
  CHECK(trt_element_as_double(boolean, TRT_DATA_TYPE_BOOL, 0) == 0.0);
  CHECK(trt_element_as_double(boolean, TRT_DATA_TYPE_BOOL, 2) == 1.0);
  CHECK(trt_element_as_double(boolean, TRT_DATA_TYPE_BOOL, 3) == 1.0);
  CHECK(trt_element_as_double(f32, TRT_DATA_TYPE_COUNT, 1) == 0.0);

  CHECK(trt_element_as_int64(i8, TRT_DATA_TYPE_INT8, 1) == -128);
  CHECK(trt_element_as_int64(u8, TRT_DATA_TYPE_UINT8, 1) == 255);
  CHECK(trt_element_as_int64(i32, TRT_DATA_TYPE_INT32, 1) == INT32_MIN);
  CHECK(trt_element_as_int64(i64, TRT_DATA_TYPE_INT64, 2) == (INT64_C(1) << 53) + 1); /* exact */
  CHECK(trt_element_as_int64(i64, TRT_DATA_TYPE_INT64, 1) == INT64_MIN);
  CHECK(trt_element_as_int64(boolean, TRT_DATA_TYPE_BOOL, 3) == 1);
  CHECK(trt_element_as_int64(f32, TRT_DATA_TYPE_FLOAT32, 1) == 0); /* not an integer type */
}

static void test_element_write(void) {
  union {
    float f32[2];
    uint16_t f16[2];
    double f64[2];
    int8_t i8[2];
    uint8_t u8[2];
    int32_t i32[2];
    int64_t i64[2];
  } buffer;
  memset(&buffer, 0, sizeof(buffer));
  /* Floats: rounded once, to nearest. */
  trt_element_store_double(&buffer, TRT_DATA_TYPE_FLOAT32, 1, 0.1);
  CHECK(buffer.f32[1] == 0.1f && buffer.f32[0] == 0.0f);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_FLOAT64, 1, 0.1);
  CHECK(buffer.f64[1] == 0.1);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_FLOAT16, 1, 1.0 + 0x1p-11 + 0x1p-40);
  CHECK(buffer.f16[1] == 0x3c01);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_FLOAT16, 0, -70000.0);
  CHECK(buffer.f16[0] == 0xfc00);
  /* Float to integer: toward zero; NaN 0; beyond int64 saturates, then
   * narrower types wrap. */
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT8, 1, -2.7);
  CHECK(buffer.i8[1] == -2);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT8, 1, 300.9);
  CHECK(buffer.i8[1] == 44);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_UINT8, 1, -1.0);
  CHECK(buffer.u8[1] == 255);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT32, 1, NAN);
  CHECK(buffer.i32[1] == 0);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT32, 1, 0x1p32 + 5);
  CHECK(buffer.i32[1] == 5);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT64, 1, 1e30);
  CHECK(buffer.i64[1] == INT64_MAX);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT64, 1, -1e30);
  CHECK(buffer.i64[1] == INT64_MIN);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT64, 1, -0x1p63);
  CHECK(buffer.i64[1] == INT64_MIN);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_INT64, 1, 0x1p63);
  CHECK(buffer.i64[1] == INT64_MAX);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_BOOL, 1, NAN);
  CHECK(buffer.u8[1] == 1);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_BOOL, 1, -0.0);
  CHECK(buffer.u8[1] == 0);
  /* Integer to integer: narrower types wrap. */
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_UINT8, 1, 257);
  CHECK(buffer.u8[1] == 1);
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_INT8, 1, 255);
  CHECK(buffer.i8[1] == -1);
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_INT32, 1, (INT64_C(1) << 32) - 1);
  CHECK(buffer.i32[1] == -1);
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_INT64, 1, INT64_MIN);
  CHECK(buffer.i64[1] == INT64_MIN);
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_BOOL, 1, -3);
  CHECK(buffer.u8[1] == 1);
  /* Not a type, or a float type for the integer store: nothing written. */
  memset(&buffer, 0x5a, sizeof(buffer));
  trt_element_store_int64(&buffer, TRT_DATA_TYPE_FLOAT32, 0, 1);
  trt_element_store_double(&buffer, TRT_DATA_TYPE_COUNT, 0, 1.0);
  CHECK(buffer.u8[0] == 0x5a && buffer.u8[1] == 0x5a && buffer.i64[1] == 0x5a5a5a5a5a5a5a5a);

  /* Every type: what is read back writes the same bits. */
  for (int t = 0; t < TRT_DATA_TYPE_COUNT; t++) {
    const trt_data_type_t type = (trt_data_type_t)t;
    uint64_t source = 0x8123456789abcdc1ull, copy = 0;
    if (type == TRT_DATA_TYPE_BOOL)
      source = 1;
    if (type == TRT_DATA_TYPE_INT64)
      source = 0x8123456789abc000ull; /* 49 significant bits: exact as a double */
    if (type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT64)
      source = 0x3ff123456789abcdull; /* a double (and a float) that is finite */
    trt_element_store_double(&copy, type, 0, trt_element_as_double(&source, type, 0));
    CHECK(memcmp(&copy, &source, trt_data_type_size(type)) == 0);
    copy = 0;
    if (!trt_cast_is_float(type)) {
      trt_element_store_int64(&copy, type, 0, trt_element_as_int64(&source, type, 0));
      CHECK(memcmp(&copy, &source, trt_data_type_size(type)) == 0);
    }
  }
}

static void test_cast_rules(void) {
  CHECK(trt_cast_is_float(TRT_DATA_TYPE_FLOAT16) && !trt_cast_is_float(TRT_DATA_TYPE_BOOL));
  CHECK(trt_cast_through_int(TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_INT8));
  CHECK(!trt_cast_through_int(TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_FLOAT32));
  /* int64 to int64 via int stays exact where a double would not. */
  const int64_t big[] = {(INT64_C(1) << 62) + 1};
  int64_t out = 0;
  trt_cast_element(big, TRT_DATA_TYPE_INT64, &out, TRT_DATA_TYPE_INT64, 0,
                   trt_cast_through_int(TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_INT64));
  CHECK(out == big[0]);
  const uint16_t half[] = {0x3e00}; /* 1.5 */
  int32_t truncated = 0;
  trt_cast_element(half, TRT_DATA_TYPE_FLOAT16, &truncated, TRT_DATA_TYPE_INT32, 0,
                   trt_cast_through_int(TRT_DATA_TYPE_FLOAT16, TRT_DATA_TYPE_INT32));
  CHECK(truncated == 1);
}

/* ---- window taps --------------------------------------------------------- */

static void test_window_taps(void) {
  int failures = 0;
  for (int64_t start = -9; start <= 9; start++)
    for (int64_t kernel = 0; kernel <= 7; kernel++)
      for (int64_t dilation = 1; dilation <= 4; dilation++)
        for (int64_t lo = -4; lo <= 4; lo++)
          for (int64_t hi = lo - 1; hi <= lo + 8; hi++) {
            int64_t first = -1, last = -1, count = 0;
            for (int64_t t = 0; t < kernel; t++) {
              const int64_t position = start + t * dilation;
              if (position >= lo && position < hi) {
                first = first < 0 ? t : first;
                last = t + 1;
                count++;
              }
            }
            const trt_tap_range_t range = trt_window_taps(start, kernel, dilation, lo, hi);
            const bool ok = range.last - range.first == count &&
                            (count == 0 || (range.first == first && range.last == last)) &&
                            trt_window_tap_count(start, kernel, dilation, lo, hi) == count;
            if (!ok && failures++ < 5)
              fprintf(stderr, "taps of start %lld kernel %lld dilation %lld in [%lld,%lld)\n",
                      (long long)start, (long long)kernel, (long long)dilation, (long long)lo,
                      (long long)hi);
          }
  CHECK(failures == 0);
  /* A kernel of 2^40 taps over an input of 4: computed, not counted. */
  const trt_tap_range_t huge = trt_window_taps(-((int64_t)1 << 40), (int64_t)1 << 41, 1, 0, 4);
  CHECK(huge.first == (int64_t)1 << 40 && huge.last == ((int64_t)1 << 40) + 4);
}

int main(void) {
  test_half_round_trip();
  test_half_rounding_ties();
  test_half_overflow_underflow_nan();
  test_half_float_and_double_agree();
  test_activations();
  test_integer_activations();
  test_element_read();
  test_element_write();
  test_cast_rules();
  test_window_taps();
  return test_finish("test_numerics");
}
