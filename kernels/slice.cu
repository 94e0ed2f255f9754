/* Slice (any steps, negative included) and Pad (constant, reflect, edge),
 * one thread per output element, as engine/cpu/slice.c. */
#include <string.h>

#include "slice.cuh"

namespace {

template <typename T>
__global__ void slice_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kslice_t plan,
                             int64_t total) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t rest = i, offset = plan.base;
    for (int d = plan.rank - 1; d >= 0; d--) {
      offset += (rest % plan.dims[d]) * plan.strides[d];
      rest /= plan.dims[d];
    }
    y[i] = x[offset];
  }
}

/* Where padded index i (begin pad removed) reads from, -1 for the constant. */
__device__ __forceinline__ int64_t pad_source(int64_t i, int64_t size, int mode) {
  if (i >= 0 && i < size)
    return i;
  if (mode == TRT_KPAD_EDGE)
    return i < 0 ? 0 : size - 1;
  if (mode == TRT_KPAD_REFLECT) {
    if (size == 1)
      return 0;
    const int64_t period = 2 * (size - 1);
    int64_t m = i % period;
    m = m < 0 ? m + period : m;
    return m < size ? m : period - m;
  }
  return -1;
}

template <typename T>
__global__ void pad_kernel(const T *__restrict__ x, T *__restrict__ y, const T *fill_ptr,
                           T fill_value, trt_kpad_t plan, int64_t total) {
  const T fill = fill_ptr ? *fill_ptr : fill_value;
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t rest = i, offset = 0, stride = 1;
    bool inside = true;
    for (int d = plan.rank - 1; d >= 0; d--) {
      const int64_t index = rest % plan.out_dims[d];
      rest /= plan.out_dims[d];
      const int64_t source = pad_source(index - plan.begin[d], plan.in_dims[d], plan.mode);
      inside = inside && source >= 0;
      offset += source * stride;
      stride *= plan.in_dims[d];
    }
    y[i] = inside ? x[offset] : fill;
  }
}

template <typename T>
cudaError_t launch_slice(const void *x, void *y, const trt_kslice_t &plan, int64_t total,
                         cudaStream_t stream) {
  slice_kernel<T><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>((const T *)x, (T *)y,
                                                                         plan, total);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_pad(const void *x, void *y, const void *fill, const trt_kpad_t &plan,
                       int64_t total, cudaStream_t stream) {
  T value;
  memcpy(&value, &plan.fill_bits, sizeof(T));
  pad_kernel<T><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
      (const T *)x, (T *)y, (const T *)fill, value, plan, total);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_slice(const void *x, void *y, int element_size,
                                        trt_kslice_t plan, cudaStream_t stream) {
  if (plan.rank < 0 || plan.rank > TRT_KERNEL_MAX_DIMS)
    return cudaErrorInvalidValue;
  const int64_t total = trtk::volume(plan.dims, plan.rank);
  if (total <= 0)
    return cudaSuccess;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_slice<decltype(element)>(x, y, plan, total, stream);
  });
}

extern "C" cudaError_t trt_launch_pad(const void *x, void *y, const void *fill, int element_size,
                                      trt_kpad_t plan, cudaStream_t stream) {
  if (plan.rank < 0 || plan.rank > TRT_KERNEL_MAX_DIMS)
    return cudaErrorInvalidValue;
  const int64_t total = trtk::volume(plan.out_dims, plan.rank);
  if (total <= 0)
    return cudaSuccess;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_pad<decltype(element)>(x, y, fill, plan, total, stream);
  });
}
