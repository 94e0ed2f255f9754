/* Casts, converting each element by the rules of kernels/cast_rules.h, as
 * engine/cpu/shape_ops.c does. */
#include "cast.cuh"
#include "cast_rules.h"
#include "kernel_common.cuh"

namespace {

__global__ void cast_kernel(const void *__restrict__ x, int from, void *__restrict__ y, int to,
                            int64_t count) {
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
  cast_kernel<<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(x, from, y, to, count);
  return cudaGetLastError();
}
