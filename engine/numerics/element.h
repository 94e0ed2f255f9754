/* Element i of a buffer whose elements have any trt_data_type_t, read as a
 * double or an int64, and written from one.
 *
 * Reading is exact, but for int64 beyond 2^53 read as a double (rounded to
 * nearest); float16 is its 16 bits (half.h); bool is one byte, any nonzero
 * byte true. Writing follows the cast rules (cast_rules.h): narrower
 * integers wrap around, float to integer truncates toward zero, with NaN
 * giving 0 and values beyond int64 saturating, float16 rounds to nearest
 * even directly from the double. A type that is not a trt_data_type_t
 * reads as 0 and is not written. */
#ifndef TRT_NUMERICS_ELEMENT_H
#define TRT_NUMERICS_ELEMENT_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "half.h"
#include "numerics.h"
#include "trt/network.h"

static inline TRT_HOST_DEVICE double trt_element_as_double(const void *data, trt_data_type_t type,
                                                           int64_t i) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: return ((const float *)data)[i];
  case TRT_DATA_TYPE_FLOAT16: return trt_half_to_double(((const uint16_t *)data)[i]);
  case TRT_DATA_TYPE_FLOAT64: return ((const double *)data)[i];
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_DATA_TYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_DATA_TYPE_INT64: return (double)((const int64_t *)data)[i];
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  case TRT_DATA_TYPE_COUNT: break;
  }
  return 0;
}

/* Integer and bool types; floating-point types read as 0. */
static inline TRT_HOST_DEVICE int64_t trt_element_as_int64(const void *data, trt_data_type_t type,
                                                           int64_t i) {
  switch (type) {
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_DATA_TYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_DATA_TYPE_INT64: return ((const int64_t *)data)[i];
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

/* Integer and bool types; narrower integers wrap around. Floating-point
 * types are not written. */
static inline TRT_HOST_DEVICE void trt_element_store_int64(void *data, trt_data_type_t type,
                                                           int64_t i, int64_t value) {
  switch (type) {
  case TRT_DATA_TYPE_INT8: ((int8_t *)data)[i] = (int8_t)(uint8_t)value; break;
  case TRT_DATA_TYPE_UINT8: ((uint8_t *)data)[i] = (uint8_t)value; break;
  case TRT_DATA_TYPE_INT32: ((int32_t *)data)[i] = (int32_t)(uint32_t)value; break;
  case TRT_DATA_TYPE_INT64: ((int64_t *)data)[i] = value; break;
  case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break;
  default: break;
  }
}

/* Float to integer truncates toward zero; NaN and values beyond int64
 * (whose conversion C leaves undefined) saturate, NaN to 0. Bool is
 * value != 0, so NaN is true. */
static inline TRT_HOST_DEVICE void trt_element_store_double(void *data, trt_data_type_t type,
                                                            int64_t i, double value) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: ((float *)data)[i] = (float)value; break;
  case TRT_DATA_TYPE_FLOAT16: ((uint16_t *)data)[i] = trt_half_from_double(value); break;
  case TRT_DATA_TYPE_FLOAT64: ((double *)data)[i] = value; break;
  case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break;
  default: {
    const int64_t integer = isnan(value)       ? 0
                            : value >= 0x1p63  ? INT64_MAX
                            : value < -0x1p63  ? INT64_MIN
                                               : (int64_t)value;
    trt_element_store_int64(data, type, i, integer);
    break;
  }
  }
}

#endif
