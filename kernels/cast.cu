/* Casts, converting exactly as engine/cpu/shape_ops.c does: integers to
 * integers through int64 (narrower types wrap), everything else through
 * double; float to integer truncates toward zero with NaN giving 0 and
 * values beyond int64 saturating; float16 rounds to nearest even directly
 * from double. */
#include "cast.cuh"
#include "kernel_common.cuh"

namespace {

__device__ double half_to_double(uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp((double)mantissa, -24);
  else if (exponent == 31)
    magnitude = mantissa ? (double)NAN : (double)INFINITY;
  else
    magnitude = ldexp((double)(mantissa + 1024), exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

__device__ uint16_t half_from_double(double value) {
  const uint16_t sign = signbit(value) ? 0x8000 : 0;
  const double magnitude = fabs(value);
  if (isnan(value))
    return sign | 0x7e00;
  if (magnitude >= 65520.0)
    return sign | 0x7c00;
  if (magnitude < 0x1p-14)
    return sign | (uint16_t)nearbyint(magnitude * 0x1p24);
  int exponent;
  const double fraction = frexp(magnitude, &exponent);
  int64_t significand = (int64_t)nearbyint(fraction * 2048.0);
  int biased = exponent + 14;
  if (significand == 2048) {
    significand = 1024;
    biased++;
  }
  if (biased >= 31)
    return sign | 0x7c00;
  return sign | (uint16_t)(biased << 10) | (uint16_t)(significand - 1024);
}

__device__ __forceinline__ bool is_float(int type) {
  return type == TRT_KTYPE_FLOAT32 || type == TRT_KTYPE_FLOAT64 || type == TRT_KTYPE_FLOAT16;
}

__device__ double load_double(const void *x, int type, int64_t i) {
  switch (type) {
  case TRT_KTYPE_FLOAT32: return ((const float *)x)[i];
  case TRT_KTYPE_FLOAT16: return half_to_double(((const uint16_t *)x)[i]);
  case TRT_KTYPE_FLOAT64: return ((const double *)x)[i];
  case TRT_KTYPE_INT8: return ((const int8_t *)x)[i];
  case TRT_KTYPE_UINT8: return ((const uint8_t *)x)[i];
  case TRT_KTYPE_INT32: return ((const int32_t *)x)[i];
  case TRT_KTYPE_INT64: return (double)((const int64_t *)x)[i];
  case TRT_KTYPE_BOOL: return ((const uint8_t *)x)[i] != 0;
  default: return 0;
  }
}

__device__ int64_t load_int(const void *x, int type, int64_t i) {
  switch (type) {
  case TRT_KTYPE_INT8: return ((const int8_t *)x)[i];
  case TRT_KTYPE_UINT8: return ((const uint8_t *)x)[i];
  case TRT_KTYPE_INT32: return ((const int32_t *)x)[i];
  case TRT_KTYPE_INT64: return ((const int64_t *)x)[i];
  case TRT_KTYPE_BOOL: return ((const uint8_t *)x)[i] != 0;
  default: return 0;
  }
}

__device__ void store_int(void *y, int type, int64_t i, int64_t value) {
  switch (type) {
  case TRT_KTYPE_INT8: ((int8_t *)y)[i] = (int8_t)(uint8_t)value; break;
  case TRT_KTYPE_UINT8: ((uint8_t *)y)[i] = (uint8_t)value; break;
  case TRT_KTYPE_INT32: ((int32_t *)y)[i] = (int32_t)(uint32_t)value; break;
  case TRT_KTYPE_INT64: ((int64_t *)y)[i] = value; break;
  case TRT_KTYPE_BOOL: ((uint8_t *)y)[i] = value != 0; break;
  default: break;
  }
}

__device__ void store_double(void *y, int type, int64_t i, double value) {
  switch (type) {
  case TRT_KTYPE_FLOAT32: ((float *)y)[i] = (float)value; break;
  case TRT_KTYPE_FLOAT16: ((uint16_t *)y)[i] = half_from_double(value); break;
  case TRT_KTYPE_FLOAT64: ((double *)y)[i] = value; break;
  case TRT_KTYPE_BOOL: ((uint8_t *)y)[i] = value != 0; break;
  default: {
    const int64_t integer = isnan(value)          ? 0
                            : value >= 0x1p63     ? INT64_MAX
                            : value < -0x1p63     ? INT64_MIN
                                                  : (int64_t)value;
    store_int(y, type, i, integer);
    break;
  }
  }
}

__global__ void cast_kernel(const void *__restrict__ x, int from, void *__restrict__ y, int to,
                            int64_t count) {
  const bool through_int = !is_float(from) && !is_float(to);
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    if (through_int)
      store_int(y, to, i, load_int(x, from, i));
    else
      store_double(y, to, i, load_double(x, from, i));
  }
}

} // namespace

extern "C" cudaError_t trt_launch_cast(const void *x, int from, void *y, int to, int64_t count,
                                       cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  if (from < TRT_KTYPE_FLOAT32 || from > TRT_KTYPE_BOOL || to < TRT_KTYPE_FLOAT32 ||
      to > TRT_KTYPE_BOOL)
    return cudaErrorInvalidValue;
  cast_kernel<<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(x, from, y, to, count);
  return cudaGetLastError();
}
