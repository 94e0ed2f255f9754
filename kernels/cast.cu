/* Casts, converting each element by the rules of engine/numerics/cast_rules.h,
 * as engine/cpu/shape_ops.c does. */
#include "cast.cuh"
#include "kernel_common.cuh"
#include "numerics/cast_rules.h"

static_assert(TRT_KTYPE_FLOAT32 == (int)TRT_DATA_TYPE_FLOAT32 &&
                  TRT_KTYPE_FLOAT16 == (int)TRT_DATA_TYPE_FLOAT16 &&
                  TRT_KTYPE_FLOAT64 == (int)TRT_DATA_TYPE_FLOAT64 &&
                  TRT_KTYPE_INT8 == (int)TRT_DATA_TYPE_INT8 &&
                  TRT_KTYPE_UINT8 == (int)TRT_DATA_TYPE_UINT8 &&
                  TRT_KTYPE_INT32 == (int)TRT_DATA_TYPE_INT32 &&
                  TRT_KTYPE_INT64 == (int)TRT_DATA_TYPE_INT64 &&
                  TRT_KTYPE_BOOL == (int)TRT_DATA_TYPE_BOOL,
              "TRT_KTYPE_ and trt_data_type_t values differ");

namespace {

__global__ void cast_kernel(const void *__restrict__ x, trt_data_type_t from, void *__restrict__ y,
                            trt_data_type_t to, int64_t count) {
  const bool through_int = trt_cast_through_int(from, to);
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads())
    trt_cast_element(x, from, y, to, i, through_int);
}

} // namespace

extern "C" cudaError_t trt_launch_cast(const void *x, int from, void *y, int to, int64_t count,
                                       cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  if (from < TRT_KTYPE_FLOAT32 || from > TRT_KTYPE_BOOL || to < TRT_KTYPE_FLOAT32 ||
      to > TRT_KTYPE_BOOL)
    return cudaErrorInvalidValue;
  cast_kernel<<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(
      x, (trt_data_type_t)from, y, (trt_data_type_t)to, count);
  return cudaGetLastError();
}
