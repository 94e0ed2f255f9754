/* How one element converts between the kernels' types (TRT_KTYPE_, the
 * values of trt_data_type_t): the rules of the CPU Cast
 * (engine/cpu/shape_ops.c) and of the CUDA cast kernel (kernels/cast.cu),
 * written once so that both give the same bits. Plain C that nvcc compiles
 * for host and device. Integers convert to integers through int64 (narrower
 * types wrap, as numpy's astype does), everything else through double;
 * float to integer truncates toward zero with NaN giving 0 and values
 * beyond int64 saturating; float16 rounds to nearest even directly from
 * double. */
#ifndef TRT_KERNELS_CAST_RULES_H
#define TRT_KERNELS_CAST_RULES_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel_types.h"

#ifdef __CUDACC__
#define TRT_HOST_DEVICE __host__ __device__
#else
#define TRT_HOST_DEVICE
#endif

/* IEEE binary16 to double, exactly. */
static inline TRT_HOST_DEVICE double trt_half_to_double(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp((double)mantissa, -24); /* zero and subnormals */
  else if (exponent == 31)
    magnitude = mantissa ? (double)NAN : (double)INFINITY;
  else
    magnitude = ldexp((double)(mantissa + 1024), exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

/* Double to IEEE binary16, rounding to nearest even. Going from double
 * directly (not via float) avoids double rounding. */
static inline TRT_HOST_DEVICE uint16_t trt_half_from_double(double value) {
  uint16_t sign = signbit(value) ? 0x8000 : 0;
  double magnitude = fabs(value);
  if (isnan(value))
    return sign | 0x7e00;
  if (magnitude >= 65520.0) /* halfway above the largest finite half, 65504 */
    return sign | 0x7c00;
  if (magnitude < 0x1p-14) /* subnormal: a multiple of 2^-24; 1024 units is the first normal */
    return sign | (uint16_t)nearbyint(magnitude * 0x1p24);
  int exponent;
  double fraction = frexp(magnitude, &exponent); /* magnitude = fraction * 2^exponent */
  int64_t significand = (int64_t)nearbyint(fraction * 2048.0); /* 1024..2048 */
  int biased = exponent + 14;
  if (significand == 2048) {
    significand = 1024;
    biased++;
  }
  if (biased >= 31)
    return sign | 0x7c00;
  return sign | (uint16_t)(biased << 10) | (uint16_t)(significand - 1024);
}

static inline TRT_HOST_DEVICE bool trt_cast_is_float(int type) {
  return type == TRT_KTYPE_FLOAT32 || type == TRT_KTYPE_FLOAT64 || type == TRT_KTYPE_FLOAT16;
}

/* Whether a cast goes through int64 (integers and bool on both sides), so
 * that large values stay exact; else through double. */
static inline TRT_HOST_DEVICE bool trt_cast_through_int(int from, int to) {
  return !trt_cast_is_float(from) && !trt_cast_is_float(to);
}

static inline TRT_HOST_DEVICE double trt_cast_load_double(const void *data, int type, int64_t i) {
  switch (type) {
  case TRT_KTYPE_FLOAT32: return ((const float *)data)[i];
  case TRT_KTYPE_FLOAT16: return trt_half_to_double(((const uint16_t *)data)[i]);
  case TRT_KTYPE_FLOAT64: return ((const double *)data)[i];
  case TRT_KTYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_KTYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_KTYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_KTYPE_INT64: return (double)((const int64_t *)data)[i];
  case TRT_KTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

static inline TRT_HOST_DEVICE int64_t trt_cast_load_int(const void *data, int type, int64_t i) {
  switch (type) {
  case TRT_KTYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_KTYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_KTYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_KTYPE_INT64: return ((const int64_t *)data)[i];
  case TRT_KTYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

/* Narrower integer types wrap around. */
static inline TRT_HOST_DEVICE void trt_cast_store_int(void *data, int type, int64_t i,
                                                      int64_t value) {
  switch (type) {
  case TRT_KTYPE_INT8: ((int8_t *)data)[i] = (int8_t)(uint8_t)value; break;
  case TRT_KTYPE_UINT8: ((uint8_t *)data)[i] = (uint8_t)value; break;
  case TRT_KTYPE_INT32: ((int32_t *)data)[i] = (int32_t)(uint32_t)value; break;
  case TRT_KTYPE_INT64: ((int64_t *)data)[i] = value; break;
  case TRT_KTYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break;
  default: break;
  }
}

/* Float to integer truncates toward zero; NaN and values beyond int64 (whose
 * conversion C leaves undefined) saturate. */
static inline TRT_HOST_DEVICE void trt_cast_store_double(void *data, int type, int64_t i,
                                                         double value) {
  switch (type) {
  case TRT_KTYPE_FLOAT32: ((float *)data)[i] = (float)value; break;
  case TRT_KTYPE_FLOAT16: ((uint16_t *)data)[i] = trt_half_from_double(value); break;
  case TRT_KTYPE_FLOAT64: ((double *)data)[i] = value; break;
  case TRT_KTYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break; /* NaN is true */
  default: {
    int64_t integer = isnan(value)       ? 0
                      : value >= 0x1p63  ? INT64_MAX
                      : value < -0x1p63  ? INT64_MIN
                                         : (int64_t)value;
    trt_cast_store_int(data, type, i, integer);
    break;
  }
  }
}

/* Element i of `x` (type `from`) converted into element i of `y` (type
 * `to`); `through_int` is trt_cast_through_int(from, to). */
static inline TRT_HOST_DEVICE void trt_cast_element(const void *x, int from, void *y, int to,
                                                    int64_t i, bool through_int) {
  if (through_int)
    trt_cast_store_int(y, to, i, trt_cast_load_int(x, from, i));
  else
    trt_cast_store_double(y, to, i, trt_cast_load_double(x, from, i));
}

#endif
