/* Comparison, logic and Where, one thread per output element, as
 * engine/cpu/logic.c: numbers compare exactly in their own type (floats
 * with NaN unordered, bools as 0/1). */
#include "logic.cuh"

namespace {

enum { kEqual = 0, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };
enum { kAnd = 0, kOr, kXor, kNot };

__device__ __forceinline__ void offsets(const trt_kbroadcast3_t &plan, int64_t i, int nb,
                                        int64_t *out) {
  out[0] = out[1] = out[2] = 0;
  for (int d = plan.rank - 1; d >= 0; d--) {
    const int64_t c = i % plan.dims[d];
    i /= plan.dims[d];
    for (int k = 0; k < nb; k++)
      out[k] += c * plan.strides[k][d];
  }
}

template <typename T> __device__ __forceinline__ bool is_nan(T) {
  return false;
}
template <> __device__ __forceinline__ bool is_nan<float>(float v) {
  return isnan(v);
}
template <> __device__ __forceinline__ bool is_nan<double>(double v) {
  return isnan(v);
}

template <typename T, bool kBool>
__global__ void compare_kernel(const T *__restrict__ a, const T *__restrict__ b,
                               uint8_t *__restrict__ y, int kind, trt_kbroadcast3_t plan,
                               int64_t count) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    int64_t o[3];
    offsets(plan, i, 2, o);
    T va = a[o[0]], vb = b[o[1]];
    if (kBool) {
      va = va != 0;
      vb = vb != 0;
    }
    if (is_nan(va) || is_nan(vb)) {
      y[i] = 0;
      continue;
    }
    const int order = (va > vb) - (va < vb);
    bool r;
    switch (kind) {
    case kEqual: r = order == 0; break;
    case kLess: r = order < 0; break;
    case kLessOrEqual: r = order <= 0; break;
    case kGreater: r = order > 0; break;
    case kGreaterOrEqual: r = order >= 0; break;
    default: r = false; break;
    }
    y[i] = r;
  }
}

__global__ void logic_kernel(const uint8_t *__restrict__ a, const uint8_t *__restrict__ b,
                             uint8_t *__restrict__ y, int kind, trt_kbroadcast3_t plan,
                             int64_t count) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    int64_t o[3];
    offsets(plan, i, kind == kNot ? 1 : 2, o);
    const bool x = a[o[0]] != 0;
    if (kind == kNot) {
      y[i] = !x;
      continue;
    }
    const bool z = b[o[1]] != 0;
    y[i] = kind == kAnd ? (x && z) : kind == kOr ? (x || z) : (x != z);
  }
}

template <typename T>
__global__ void where_kernel(const uint8_t *__restrict__ condition, const T *__restrict__ x,
                             const T *__restrict__ y_in, T *__restrict__ y,
                             trt_kbroadcast3_t plan, int64_t count) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    int64_t o[3];
    offsets(plan, i, 3, o);
    y[i] = condition[o[0]] != 0 ? x[o[1]] : y_in[o[2]];
  }
}

template <typename T, bool kBool = false>
cudaError_t launch_compare(const void *a, const void *b, uint8_t *y, int kind,
                           const trt_kbroadcast3_t &plan, int64_t count, cudaStream_t stream) {
  compare_kernel<T, kBool><<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(
      (const T *)a, (const T *)b, y, kind, plan, count);
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch_where(const uint8_t *condition, const void *x, const void *y_in, void *y,
                         const trt_kbroadcast3_t &plan, int64_t count, cudaStream_t stream) {
  where_kernel<T><<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(
      condition, (const T *)x, (const T *)y_in, (T *)y, plan, count);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_compare(const void *a, const void *b, uint8_t *y, int type,
                                          int kind, trt_kbroadcast3_t plan, int64_t count,
                                          cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  switch (type) {
  case TRT_KTYPE_FLOAT32: return launch_compare<float>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_FLOAT64: return launch_compare<double>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_INT8: return launch_compare<int8_t>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_UINT8: return launch_compare<uint8_t>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_INT32: return launch_compare<int32_t>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_INT64: return launch_compare<int64_t>(a, b, y, kind, plan, count, stream);
  case TRT_KTYPE_BOOL: return launch_compare<uint8_t, true>(a, b, y, kind, plan, count, stream);
  default: return cudaErrorInvalidValue;
  }
}

extern "C" cudaError_t trt_launch_logic(const uint8_t *a, const uint8_t *b, uint8_t *y, int kind,
                                        trt_kbroadcast3_t plan, int64_t count,
                                        cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  logic_kernel<<<trtk::grid_for(count), trtk::kThreads, 0, stream>>>(a, b, y, kind, plan, count);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_where(const uint8_t *condition, const void *x, const void *y_in,
                                        void *y, int element_size, trt_kbroadcast3_t plan,
                                        int64_t count, cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  return trtk::by_element_size(element_size, [&](auto element) {
    return launch_where<decltype(element)>(condition, x, y_in, y, plan, count, stream);
  });
}
