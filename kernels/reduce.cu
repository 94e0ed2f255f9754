/* Reductions, computing what engine/cpu/reduce.c does: floats accumulate
 * in double, integers in int64 with wrapping sums and products; mean
 * divides at the end (integers truncate). When the only reduced group is
 * the innermost (contiguous rows) a warp or block reduces each output;
 * otherwise one thread per output walks its reduced elements, neighbouring
 * threads reading neighbouring kept elements. */
#include "reduce.cuh"

namespace {

enum Kind { kMean = 0, kSum, kMax, kMin, kProd };

template <typename Acc> struct Limits;
template <> struct Limits<double> {
  __device__ static double lowest() { return -INFINITY; }
  __device__ static double highest() { return INFINITY; }
};
template <> struct Limits<int64_t> {
  __device__ static int64_t lowest() { return INT64_MIN; }
  __device__ static int64_t highest() { return INT64_MAX; }
};

template <typename Acc> __device__ __forceinline__ Acc identity(int kind) {
  switch (kind) {
  case kProd: return Acc(1);
  case kMax: return Limits<Acc>::lowest();
  case kMin: return Limits<Acc>::highest();
  default: return Acc(0);
  }
}

__device__ __forceinline__ double combine(int kind, double acc, double v) {
  switch (kind) {
  case kProd: return acc * v;
  case kMax: return v > acc ? v : acc;
  case kMin: return v < acc ? v : acc;
  default: return acc + v;
  }
}

__device__ __forceinline__ int64_t combine(int kind, int64_t acc, int64_t v) {
  switch (kind) {
  case kProd: return (int64_t)((uint64_t)acc * (uint64_t)v);
  case kMax: return v > acc ? v : acc;
  case kMin: return v < acc ? v : acc;
  default: return (int64_t)((uint64_t)acc + (uint64_t)v);
  }
}

template <typename T> struct AccOf { typedef int64_t type; };
template <> struct AccOf<float> { typedef double type; };

template <typename T, typename Acc>
__device__ __forceinline__ T finish(int kind, Acc acc, int64_t count);
template <> __device__ __forceinline__ float finish<float, double>(int kind, double acc,
                                                                   int64_t count) {
  return (float)(kind == kMean ? acc / (double)count : acc);
}
template <> __device__ __forceinline__ int32_t finish<int32_t, int64_t>(int kind, int64_t acc,
                                                                       int64_t count) {
  return (int32_t)(kind == kMean ? (count > 0 ? acc / count : 0) : acc);
}
template <> __device__ __forceinline__ int64_t finish<int64_t, int64_t>(int kind, int64_t acc,
                                                                       int64_t count) {
  return kind == kMean ? (count > 0 ? acc / count : 0) : acc;
}

template <typename Acc> __device__ __forceinline__ Acc warp_combine(int kind, Acc v) {
  for (int offset = 16; offset > 0; offset >>= 1)
    v = combine(kind, v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

__device__ __forceinline__ int64_t kept_base(const trt_kreduce_t &plan, int64_t o) {
  int64_t base = 0;
  for (int g = plan.nb_kept - 1; g >= 0; g--) {
    base += (o % plan.kept_size[g]) * plan.kept_stride[g];
    o /= plan.kept_size[g];
  }
  return base;
}

/* One thread per output. */
template <typename T>
__global__ void reduce_general_kernel(const T *__restrict__ x, T *__restrict__ y, int kind,
                                      trt_kreduce_t plan, int64_t outputs) {
  typedef typename AccOf<T>::type Acc;
  for (int64_t o = trtk::global_thread(); o < outputs; o += trtk::grid_threads()) {
    const int64_t base = kept_base(plan, o);
    Acc acc = identity<Acc>(kind);
    for (int64_t r = 0; r < plan.reduced_count; r++) {
      int64_t offset = base, rest = r;
      for (int g = plan.nb_reduced - 1; g >= 0; g--) {
        offset += (rest % plan.reduced_size[g]) * plan.reduced_stride[g];
        rest /= plan.reduced_size[g];
      }
      acc = combine(kind, acc, (Acc)x[offset]);
    }
    y[o] = finish<T, Acc>(kind, acc, plan.reduced_count);
  }
}

/* One warp (kPerWarp) or block per output; its elements are contiguous. */
template <typename T, bool kPerWarp>
__global__ void reduce_rows_kernel(const T *__restrict__ x, T *__restrict__ y, int kind,
                                   trt_kreduce_t plan, int64_t outputs) {
  typedef typename AccOf<T>::type Acc;
  __shared__ Acc scratch[32];
  const int lanes = kPerWarp ? 32 : blockDim.x;
  const int lane = kPerWarp ? (threadIdx.x & 31) : threadIdx.x;
  const int64_t first = kPerWarp ? blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32
                                 : (int64_t)blockIdx.x;
  const int64_t step = kPerWarp ? (int64_t)gridDim.x * (blockDim.x / 32) : (int64_t)gridDim.x;
  const int64_t n = plan.reduced_count;
  for (int64_t o = first; o < outputs; o += step) {
    const T *row = x + kept_base(plan, o);
    Acc acc = identity<Acc>(kind);
    for (int64_t i = lane; i < n; i += lanes)
      acc = combine(kind, acc, (Acc)row[i]);
    acc = warp_combine(kind, acc);
    if (!kPerWarp) {
      const int warp = threadIdx.x >> 5;
      __syncthreads();
      if (lane % 32 == 0)
        scratch[warp] = acc;
      __syncthreads();
      acc = lane < (int)(blockDim.x >> 5) ? scratch[lane] : identity<Acc>(kind);
      acc = warp_combine(kind, acc);
    }
    if (lane == 0)
      y[o] = finish<T, Acc>(kind, acc, n);
  }
}

template <typename T>
cudaError_t launch_typed(const void *x, void *y, int kind, const trt_kreduce_t &plan,
                         int64_t outputs, cudaStream_t stream) {
  const bool rows = plan.nb_reduced == 1 && plan.reduced_stride[0] == 1 &&
                    plan.reduced_count >= 32;
  if (!rows) {
    reduce_general_kernel<T><<<trtk::grid_for(outputs), trtk::kThreads, 0, stream>>>(
        (const T *)x, (T *)y, kind, plan, outputs);
  } else if (plan.reduced_count <= 4096 || outputs >= 1024) {
    const int warps = trtk::kThreads / 32;
    int64_t blocks = (outputs + warps - 1) / warps;
    blocks = blocks > 65535 * 16 ? 65535 * 16 : blocks;
    reduce_rows_kernel<T, true><<<(unsigned)blocks, trtk::kThreads, 0, stream>>>(
        (const T *)x, (T *)y, kind, plan, outputs);
  } else {
    reduce_rows_kernel<T, false><<<(unsigned)outputs, 512, 0, stream>>>((const T *)x, (T *)y,
                                                                        kind, plan, outputs);
  }
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_reduce(const void *x, void *y, int type, int kind,
                                         trt_kreduce_t plan, int64_t outputs,
                                         cudaStream_t stream) {
  if (outputs <= 0)
    return cudaSuccess;
  switch (type) {
  case TRT_KTYPE_FLOAT32: return launch_typed<float>(x, y, kind, plan, outputs, stream);
  case TRT_KTYPE_INT32: return launch_typed<int32_t>(x, y, kind, plan, outputs, stream);
  case TRT_KTYPE_INT64: return launch_typed<int64_t>(x, y, kind, plan, outputs, stream);
  default: return cudaErrorInvalidValue;
  }
}
