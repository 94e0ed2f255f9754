/* What several kernel families share: the description of an output that is
 * a view (blocks of contiguous elements at a stride, see the engine's
 * trt_tensor_view_layout), data type codes, and in CUDA code grid helpers
 * and warp/block reductions. Plain C structs, passed to launchers by value. */
#ifndef TRT_KERNELS_KERNEL_COMMON_CUH
#define TRT_KERNELS_KERNEL_COMMON_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_types.h"

#define TRT_KERNEL_MAX_DIMS 8

/* Element i of a logically contiguous output lives at
 * (i / inner) * stride + i % inner. A contiguous output has inner == stride
 * (any value > 0); launchers then skip the index arithmetic. */
typedef struct {
  int64_t inner;
  int64_t stride;
} trt_kview_t;

#ifdef __CUDACC__

#include <cuda_fp16.h>
#include <math.h>

namespace trtk {

/* Storage types of float activations (float32, and float16 in FP16
 * engines): kernels compute in float and convert on load and store. */
__device__ __forceinline__ float load_float(const float *p) {
  return __ldg(p);
}
__device__ __forceinline__ float load_float(const __half *p) {
  return __half2float(__ldg(p));
}
/* Conversions of values already in registers (load_float reads through the
 * read-only cache, which only global memory may use). */
__device__ __forceinline__ float to_float(float v) {
  return v;
}
__device__ __forceinline__ float to_float(__half v) {
  return __half2float(v);
}
__device__ __forceinline__ void store_float(float *p, float v) {
  *p = v;
}
__device__ __forceinline__ void store_float(__half *p, float v) {
  *p = __float2half_rn(v);
}

constexpr int kThreads = 256;

__host__ __device__ inline bool view_strided(trt_kview_t v) {
  return v.inner != v.stride && v.inner > 0;
}

__device__ __forceinline__ int64_t view_index(trt_kview_t v, int64_t i) {
  return (i / v.inner) * v.stride + i % v.inner;
}

/* Blocks for a grid-stride loop over n items, capped so that huge tensors
 * loop instead of overflowing the grid. */
inline unsigned grid_for(int64_t n, int threads = kThreads) {
  int64_t blocks = (n + threads - 1) / threads;
  if (blocks < 1)
    blocks = 1;
  if (blocks > 65535LL * 16)
    blocks = 65535LL * 16;
  return (unsigned)blocks;
}

/* The product of the first `rank` dims. */
__host__ __device__ inline int64_t volume(const int64_t *dims, int rank) {
  int64_t total = 1;
  for (int d = 0; d < rank; d++)
    total *= dims[d];
  return total;
}

/* For kernels that move raw elements: returns launch(T()) with T the
 * unsigned integer of `element_size` (1, 2, 4 or 8) bytes, else
 * cudaErrorInvalidValue. */
template <typename Launch> cudaError_t by_element_size(int element_size, Launch &&launch) {
  switch (element_size) {
  case 1: return launch(uint8_t());
  case 2: return launch(uint16_t());
  case 4: return launch(uint32_t());
  case 8: return launch(uint64_t());
  default: return cudaErrorInvalidValue;
  }
}

__device__ __forceinline__ int64_t global_thread() {
  return blockIdx.x * (int64_t)blockDim.x + threadIdx.x;
}

__device__ __forceinline__ int64_t grid_threads() {
  return (int64_t)gridDim.x * blockDim.x;
}

template <typename T> __device__ __forceinline__ T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset >>= 1)
    v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    float other = __shfl_xor_sync(0xffffffffu, v, offset);
    v = other > v ? other : v;
  }
  return v;
}

/* Sum over the block (blockDim.x a multiple of 32, at most 1024); every
 * thread gets the result. `scratch` holds 32 values. */
template <typename T> __device__ T block_sum(T v, T *scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  __syncthreads(); /* scratch may still be read from a previous call */
  if (lane == 0)
    scratch[warp] = v;
  __syncthreads();
  const int warps = blockDim.x >> 5;
  v = lane < warps ? scratch[lane] : T(0);
  return warp_sum(v);
}

__device__ inline float block_max(float v, float *scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0)
    scratch[warp] = v;
  __syncthreads();
  const int warps = blockDim.x >> 5;
  v = lane < warps ? scratch[lane] : -INFINITY;
  return warp_max(v);
}

/* max(a, b), NaN when either is (the CPU's max pooling lets a NaN tap win):
 * one instruction from sm_80 on where the comparison form takes three. */
__device__ __forceinline__ float max_nan(float a, float b) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  float result;
  asm("max.NaN.f32 %0, %1, %2;" : "=f"(result) : "f"(a), "f"(b));
  return result;
#else
  return (b > a || isnan(b)) ? b : a;
#endif
}

} // namespace trtk

#endif

#endif
