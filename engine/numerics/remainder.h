/* ONNX Mod: the remainder of a / b. With the divisor's sign (fmod = 0:
 * Python's and numpy's %) or the dividend's (fmod = 1: C's fmod and %).
 * Integers: a zero divisor gives 0 instead of trapping, and so does -1 (its
 * remainder is always 0, and INT_MIN % -1 would trap). Floats follow fmodf
 * (NaN for a zero divisor or an infinite dividend). */
#ifndef TRT_NUMERICS_REMAINDER_H
#define TRT_NUMERICS_REMAINDER_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "numerics.h"

static inline TRT_HOST_DEVICE int64_t trt_remainder_i64(int64_t a, int64_t b, bool divisor_sign) {
  if (b == 0 || b == -1)
    return 0;
  int64_t r = a % b;
  if (divisor_sign && r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

static inline TRT_HOST_DEVICE int32_t trt_remainder_i32(int32_t a, int32_t b, bool divisor_sign) {
  return (int32_t)trt_remainder_i64(a, b, divisor_sign);
}

static inline TRT_HOST_DEVICE float trt_remainder_f32(float a, float b, bool divisor_sign) {
  float r = fmodf(a, b);
  if (divisor_sign && r != 0.0f && ((r < 0.0f) != (b < 0.0f)))
    r += b;
  return r;
}

#endif
