/* Gather, one thread per output element. */
#include "gather.cuh"
#include "kernel_common.cuh"

namespace {

template <typename T, typename I>
__global__ void gather_kernel(const T *__restrict__ data, const I *__restrict__ indices,
                              T *__restrict__ y, int64_t dim, int64_t count, int64_t inner,
                              int64_t total) {
  for (int64_t e = trtk::global_thread(); e < total; e += trtk::grid_threads()) {
    const int64_t j = e % inner, rest = e / inner;
    const int64_t i = rest % count, o = rest / count;
    int64_t index = (int64_t)indices[i];
    index = index < 0 ? index + dim : index;
    y[e] = (index >= 0 && index < dim) ? data[(o * dim + index) * inner + j] : T(0);
  }
}

template <typename T>
cudaError_t launch_typed(const void *data, const void *indices, bool int64_indices, void *y,
                         int64_t dim, int64_t count, int64_t inner, int64_t total,
                         cudaStream_t stream) {
  const unsigned blocks = trtk::grid_for(total);
  if (int64_indices)
    gather_kernel<T, int64_t><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)data, (const int64_t *)indices, (T *)y, dim, count, inner, total);
  else
    gather_kernel<T, int32_t><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)data, (const int32_t *)indices, (T *)y, dim, count, inner, total);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_gather(const void *data, const void *indices,
                                         int indices_are_int64, void *y, int element_size,
                                         int64_t outer, int64_t dim, int64_t count,
                                         int64_t inner, cudaStream_t stream) {
  const int64_t total = outer * count * inner;
  if (total <= 0)
    return cudaSuccess;
  const bool wide = indices_are_int64 != 0;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_typed<decltype(element)>(data, indices, wide, y, dim, count, inner, total,
                                           stream);
  });
}
