/* Resize, one thread per output element: the sum over every combination of
 * taps (one per axis) of the product of their weights times the input, in
 * double, as engine/cpu/resize.c; nearest copies the single tap. */
#include <string.h>

#include "resize.cuh"

namespace {

template <typename T, bool kStrided>
__global__ void resize_nearest_kernel(const T *__restrict__ x, T *__restrict__ y,
                                      trt_kresize_t plan, int64_t total, T fill,
                                      trt_kview_t view) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t rest = i, offset = 0;
    bool outside = false;
    for (int d = plan.rank - 1; d >= 0; d--) {
      const int64_t c = rest % plan.out_dims[d];
      rest /= plan.out_dims[d];
      offset += plan.offsets[d][c];
      if (plan.has_outside)
        outside = outside || plan.outside[d][c];
    }
    y[kStrided ? trtk::view_index(view, i) : i] = outside ? fill : x[offset];
  }
}

template <bool kStrided>
__global__ void resize_interpolate_kernel(const float *__restrict__ x, float *__restrict__ y,
                                          trt_kresize_t plan, int64_t total, trt_kview_t view) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t coord[TRT_KERNEL_MAX_DIMS];
    int64_t rest = i, combinations = 1;
    bool outside = false;
    for (int d = plan.rank - 1; d >= 0; d--) {
      coord[d] = rest % plan.out_dims[d];
      rest /= plan.out_dims[d];
      combinations *= plan.taps[d];
      if (plan.has_outside)
        outside = outside || plan.outside[d][coord[d]];
    }
    float result = plan.extrapolation;
    if (!outside) {
      double sum = 0;
      for (int64_t combination = 0; combination < combinations; combination++) {
        int64_t code = combination, offset = 0;
        double weight = 1;
        for (int d = plan.rank - 1; d >= 0; d--) {
          const int taps = plan.taps[d];
          const int64_t entry = coord[d] * taps + code % taps;
          code /= taps;
          offset += plan.offsets[d][entry];
          weight *= plan.weights[d][entry];
        }
        if (weight != 0)
          sum += weight * (double)x[offset];
      }
      result = (float)sum;
    }
    y[kStrided ? trtk::view_index(view, i) : i] = result;
  }
}

template <typename T>
cudaError_t launch_nearest(const void *x, void *y, const trt_kresize_t &plan, int64_t total,
                           trt_kview_t view, cudaStream_t stream) {
  T fill = T(0);
  if (sizeof(T) == sizeof(float)) /* float32 is the only type that extrapolates */
    memcpy(&fill, &plan.extrapolation, sizeof(float));
  const unsigned blocks = trtk::grid_for(total);
  if (trtk::view_strided(view))
    resize_nearest_kernel<T, true><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)x, (T *)y, plan, total, fill, view);
  else
    resize_nearest_kernel<T, false><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)x, (T *)y, plan, total, fill, view);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_resize(const void *x, void *y, trt_kresize_t plan,
                                         trt_kview_t view, cudaStream_t stream) {
  if (plan.rank < 1 || plan.rank > TRT_KERNEL_MAX_DIMS)
    return cudaErrorInvalidValue;
  int64_t total = 1;
  for (int d = 0; d < plan.rank; d++)
    total *= plan.out_dims[d];
  if (total <= 0)
    return cudaSuccess;
  if (plan.nearest) {
    switch (plan.element_size) {
    case 1: return launch_nearest<uint8_t>(x, y, plan, total, view, stream);
    case 2: return launch_nearest<uint16_t>(x, y, plan, total, view, stream);
    case 4: return launch_nearest<uint32_t>(x, y, plan, total, view, stream);
    case 8: return launch_nearest<uint64_t>(x, y, plan, total, view, stream);
    default: return cudaErrorInvalidValue;
    }
  }
  const unsigned blocks = trtk::grid_for(total);
  if (trtk::view_strided(view))
    resize_interpolate_kernel<true><<<blocks, trtk::kThreads, 0, stream>>>(
        (const float *)x, (float *)y, plan, total, view);
  else
    resize_interpolate_kernel<false><<<blocks, trtk::kThreads, 0, stream>>>(
        (const float *)x, (float *)y, plan, total, view);
  return cudaGetLastError();
}
