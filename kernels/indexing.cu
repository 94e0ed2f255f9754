/* Indexing kernels, one thread per output element (per output row for
 * ArgMax/ArgMin), as engine/cpu/indexing.c. Data moves as raw elements. */
#include "indexing.cuh"

namespace {

/* ArgMax/ArgMin compare in double like the CPU; NaN is the extreme. */
__device__ __forceinline__ bool arg_better(bool max, bool last, double candidate, double best) {
  if (isnan(best))
    return last && isnan(candidate);
  if (isnan(candidate))
    return true;
  if (candidate == best)
    return last;
  return max ? candidate > best : candidate < best;
}

template <typename T>
__global__ void arg_reduce_kernel(const T *__restrict__ x, int64_t *__restrict__ y, bool max,
                                  bool last, int64_t rows, int64_t length, int64_t inner) {
  for (int64_t row = trtk::global_thread(); row < rows; row += trtk::grid_threads()) {
    const int64_t o = row / inner, j = row % inner;
    const T *p = x + o * length * inner + j;
    double best = (double)p[0];
    int64_t best_index = 0;
    for (int64_t i = 1; i < length; i++) {
      const double value = (double)p[i * inner];
      if (arg_better(max, last, value, best)) {
        best = value;
        best_index = i;
      }
    }
    y[row] = best_index;
  }
}

template <typename T, typename I>
__global__ void gather_elements_kernel(const T *__restrict__ data, const I *__restrict__ indices,
                                       T *__restrict__ y, trt_kgather_elements_t plan,
                                       int64_t count) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    int64_t index = (int64_t)indices[i];
    index = index < 0 ? index + plan.axis_size : index;
    if (index < 0 || index >= plan.axis_size) {
      y[i] = T(0);
      continue;
    }
    int64_t rest = i, offset = 0;
    for (int d = plan.rank - 1; d >= 0; d--) {
      const int64_t c = rest % plan.dims[d];
      rest /= plan.dims[d];
      offset += (d == plan.axis ? index : c) * plan.data_strides[d];
    }
    y[i] = data[offset];
  }
}

template <typename T>
__global__ void replicate_kernel(const T *__restrict__ x, T *__restrict__ y,
                                 trt_kreplicate_t plan, int64_t count) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    int64_t rest = i, offset = 0;
    for (int d = plan.rank - 1; d >= 0; d--) {
      const int64_t c = rest % plan.out_dims[d];
      rest /= plan.out_dims[d];
      offset += (c % plan.in_dims[d]) * plan.in_strides[d];
    }
    y[i] = x[offset];
  }
}

template <typename T>
__global__ void trilu_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t count,
                             int64_t rows, int64_t columns, bool upper, const void *k_ptr,
                             bool k_is_int64, int64_t k) {
  if (k_ptr)
    k = k_is_int64 ? *(const int64_t *)k_ptr : (int64_t) * (const int32_t *)k_ptr;
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    const int64_t column = i % columns, row = (i / columns) % rows;
    const bool keep = upper ? column - row >= k : column - row <= k;
    y[i] = keep ? x[i] : T(0);
  }
}

template <typename T>
cudaError_t launch_arg(const void *x, int64_t *y, bool max, bool last, int64_t rows,
                       int64_t length, int64_t inner, cudaStream_t stream) {
  arg_reduce_kernel<T><<<trtk::grid_for(rows), trtk::kThreads, 0, stream>>>(
      (const T *)x, y, max, last, rows, length, inner);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_gather_elements(const void *data, const void *indices, bool wide, void *y,
                                   const trt_kgather_elements_t &plan, int64_t count,
                                   cudaStream_t stream) {
  const unsigned blocks = trtk::grid_for(count);
  if (wide)
    gather_elements_kernel<T, int64_t><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)data, (const int64_t *)indices, (T *)y, plan, count);
  else
    gather_elements_kernel<T, int32_t><<<blocks, trtk::kThreads, 0, stream>>>(
        (const T *)data, (const int32_t *)indices, (T *)y, plan, count);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_replicate(const void *x, void *y, const trt_kreplicate_t &plan, int64_t count,
                             cudaStream_t stream) {
  replicate_kernel<T><<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>((const T *)x, (T *)y,
                                                                             plan, count);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_trilu(const void *x, void *y, int64_t count, int64_t rows, int64_t columns,
                         bool upper, const void *k_ptr, bool k_is_int64, int64_t k,
                         cudaStream_t stream) {
  trilu_kernel<T><<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(
      (const T *)x, (T *)y, count, rows, columns, upper, k_ptr, k_is_int64, k);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_arg_reduce(const void *x, int64_t *y, int type, int max,
                                             int select_last_index, int64_t outer, int64_t length,
                                             int64_t inner, cudaStream_t stream) {
  const int64_t rows = outer * inner;
  if (rows <= 0 || length <= 0)
    return cudaSuccess;
  const bool m = max != 0, l = select_last_index != 0;
  switch (type) {
  case TRT_KTYPE_FLOAT32: return launch_arg<float>(x, y, m, l, rows, length, inner, stream);
  case TRT_KTYPE_FLOAT64: return launch_arg<double>(x, y, m, l, rows, length, inner, stream);
  case TRT_KTYPE_INT8: return launch_arg<int8_t>(x, y, m, l, rows, length, inner, stream);
  case TRT_KTYPE_UINT8: return launch_arg<uint8_t>(x, y, m, l, rows, length, inner, stream);
  case TRT_KTYPE_INT32: return launch_arg<int32_t>(x, y, m, l, rows, length, inner, stream);
  case TRT_KTYPE_INT64: return launch_arg<int64_t>(x, y, m, l, rows, length, inner, stream);
  default: return cudaErrorInvalidValue;
  }
}

extern "C" cudaError_t trt_launch_gather_elements(const void *data, const void *indices,
                                                  int indices_are_int64, void *y,
                                                  int element_size, trt_kgather_elements_t plan,
                                                  cudaStream_t stream) {
  const int64_t count = trtk::volume(plan.dims, plan.rank);
  if (count <= 0)
    return cudaSuccess;
  const bool wide = indices_are_int64 != 0;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_gather_elements<decltype(element)>(data, indices, wide, y, plan, count, stream);
  });
}

extern "C" cudaError_t trt_launch_replicate(const void *x, void *y, int element_size,
                                            trt_kreplicate_t plan, cudaStream_t stream) {
  const int64_t count = trtk::volume(plan.out_dims, plan.rank);
  if (count <= 0)
    return cudaSuccess;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_replicate<decltype(element)>(x, y, plan, count, stream);
  });
}

extern "C" cudaError_t trt_launch_trilu(const void *x, void *y, int element_size, int64_t count,
                                        int64_t rows, int64_t columns, int upper,
                                        const void *k_ptr, int k_is_int64, int64_t k_value,
                                        cudaStream_t stream) {
  if (count <= 0 || rows <= 0 || columns <= 0)
    return cudaSuccess;
  const bool u = upper != 0, wide = k_is_int64 != 0;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_trilu<decltype(element)>(x, y, count, rows, columns, u, k_ptr, wide, k_value,
                                           stream);
  });
}
