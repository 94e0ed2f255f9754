/* IEEE 754 binary16 ("half") as its 16 bits in a uint16_t, to and from
 * float and double.
 *
 * Widening is exact: every half is a float. Narrowing rounds to nearest,
 * ties to even, once: from a double directly (going through float first
 * could round twice), from a float through its bits. Magnitudes from
 * 65520 (halfway above the largest finite half, 65504) up become infinity;
 * below the smallest normal, 2^-14, they round to a subnormal multiple of
 * 2^-24, and at most 2^-25 (the tie with zero) to a signed zero. NaN stays
 * NaN: 0x7e00 with the input's sign, its payload dropped. */
#ifndef TRT_NUMERICS_HALF_H
#define TRT_NUMERICS_HALF_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "numerics.h"

/* Half to double, exactly. */
static inline TRT_HOST_DEVICE double trt_half_to_double(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp((double)mantissa, -24); /* zero and subnormals */
  else if (exponent == 31)
    magnitude = mantissa ? (double)NAN : (double)INFINITY;
  else
    magnitude = ldexp((double)(mantissa + 1024), exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

/* Half to float, exactly (every half is a float). */
static inline TRT_HOST_DEVICE float trt_half_to_float(uint16_t bits) {
  return (float)trt_half_to_double(bits);
}

/* The bits of a float. */
static inline TRT_HOST_DEVICE uint32_t trt_float_bits(float value) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(value);
#else
  uint32_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return bits;
#endif
}

/* Float to half, rounding to nearest even, in integer arithmetic only. */
static inline TRT_HOST_DEVICE uint16_t trt_half_from_float(float value) {
  const uint32_t bits = trt_float_bits(value);
  const uint16_t sign = (uint16_t)((bits >> 16) & 0x8000);
  const uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000) /* NaN */
    return sign | 0x7e00;
  if (magnitude >= 0x477ff000) /* 65520 and up, infinity included */
    return sign | 0x7c00;
  if (magnitude <= 0x33000000) /* 2^-25 and below */
    return sign;
  if (magnitude < 0x38800000) {
    /* Below 2^-14: a subnormal half, the value in units of 2^-24. The
     * float is significand * 2^(exponent - 150) with a 24-bit significand
     * and 102 <= exponent <= 112, so the units are significand >> shift. */
    const int shift = 126 - (int)(magnitude >> 23); /* 14 to 24 */
    const uint32_t significand = (magnitude & 0x7fffff) | 0x800000;
    const uint32_t rest = significand & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    uint32_t units = significand >> shift;
    if (rest > halfway || (rest == halfway && (units & 1)))
      units++; /* 0x400 when it rounds up to the smallest normal: still right */
    return sign | (uint16_t)units;
  }
  /* Normal: drop 13 mantissa bits, rounding to even (a carry out of the
   * mantissa steps the exponent up, as it should), and rebias the exponent
   * from 127 to 15. */
  const uint32_t rounded = magnitude + 0xfff + ((magnitude >> 13) & 1);
  return sign | (uint16_t)((rounded >> 13) - ((127 - 15) << 10));
}

/* Double to half, rounding to nearest even. */
static inline TRT_HOST_DEVICE uint16_t trt_half_from_double(double value) {
  const uint16_t sign = signbit(value) ? 0x8000 : 0;
  const double magnitude = fabs(value);
  if (isnan(value))
    return sign | 0x7e00;
  if (magnitude >= 65520.0) /* halfway above the largest finite half, 65504 */
    return sign | 0x7c00;
  if (magnitude < 0x1p-14) /* subnormal: a multiple of 2^-24; 1024 units is the first normal */
    return sign | (uint16_t)nearbyint(magnitude * 0x1p24);
  int exponent;
  const double fraction = frexp(magnitude, &exponent); /* magnitude = fraction * 2^exponent */
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

#endif
