/* Pointwise kernels. The activation kinds are trt_activation_kind_t values,
 * computed by numerics/activation.h as on the CPU, NaN behaviour included. */
#include "numerics/activation.h"
#include "pointwise.cuh"

namespace {

__device__ __forceinline__ float activate(int kind, float x, float alpha, float beta) {
  return trt_activation_eval((trt_activation_kind_t)kind, x, alpha, beta);
}

__device__ __forceinline__ float apply(const trt_kchain_t &chain, float x) {
  for (int s = 0; s < chain.nb_steps; s++)
    x = activate(chain.steps[s].kind, x, chain.steps[s].alpha, chain.steps[s].beta);
  return x;
}
/* float16 (FP16 engines): the chain runs in float, rounded to half once. */
__device__ __forceinline__ __half apply(const trt_kchain_t &chain, __half x) {
  return __float2half_rn(apply(chain, __half2float(x)));
}
/* Integers: Relu, Abs, Neg wrap through the unsigned type like the CPU. */
__device__ __forceinline__ int32_t apply(const trt_kchain_t &chain, int32_t x) {
  return trt_activation_eval_int32((trt_activation_kind_t)chain.steps[0].kind, x);
}
__device__ __forceinline__ int64_t apply(const trt_kchain_t &chain, int64_t x) {
  return trt_activation_eval_int64((trt_activation_kind_t)chain.steps[0].kind, x);
}

__global__ void activation_kernel(const float *__restrict__ x, float *__restrict__ y, int64_t count,
                                  int kind, float alpha, float beta) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    y[i] = activate(kind, x[i], alpha, beta);
}

/* x and y may alias (in place): no __restrict__. */
template <typename T, bool kStrided>
__global__ void unary_kernel(const T *x, T *y, int64_t count, trt_kchain_t chain,
                             trt_kview_t view) {
  for (int64_t i = trtk::global_thread(); i < count; i += trtk::grid_threads()) {
    const T value = apply(chain, x[i]);
    y[kStrided ? trtk::view_index(view, i) : i] = value;
  }
}

__global__ void unary_vec4_kernel(const float4 *x, float4 *y, int64_t count4, trt_kchain_t chain) {
  for (int64_t i = trtk::global_thread(); i < count4; i += trtk::grid_threads()) {
    float4 v = x[i];
    v.x = apply(chain, v.x);
    v.y = apply(chain, v.y);
    v.z = apply(chain, v.z);
    v.w = apply(chain, v.w);
    y[i] = v;
  }
}

template <typename T>
cudaError_t launch_unary(const void *x, void *y, int64_t count, const trt_kchain_t &chain,
                         trt_kview_t view, cudaStream_t stream) {
  const unsigned blocks = trtk::grid_for(count);
  if (trtk::view_strided(view))
    unary_kernel<T, true><<<blocks, trtk::kThreads, 0, stream>>>((const T *)x, (T *)y, count,
                                                                 chain, view);
  else
    unary_kernel<T, false><<<blocks, trtk::kThreads, 0, stream>>>((const T *)x, (T *)y, count,
                                                                  chain, view);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_activation(const float *x, float *y, int64_t count, int kind,
                                             float alpha, float beta, cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  const int threads = 256;
  int64_t blocks = (count + threads - 1) / threads;
  if (blocks > 65535L * 8)
    blocks = 65535L * 8; /* grid-stride loop covers the rest */
  activation_kernel<<<(unsigned)blocks, threads, 0, stream>>>(x, y, count, kind, alpha, beta);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_unary(const void *x, void *y, int64_t count, int type,
                                        trt_kchain_t chain, trt_kview_t view, int vectorized,
                                        cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  if (chain.nb_steps < 1 || chain.nb_steps > TRT_KMAX_UNARY_CHAIN ||
      (type != TRT_KTYPE_FLOAT32 && type != TRT_KTYPE_FLOAT16 && chain.nb_steps != 1))
    return cudaErrorInvalidValue;
  switch (type) {
  case TRT_KTYPE_FLOAT32:
    if (vectorized && !trtk::view_strided(view) && count % 4 == 0 &&
        ((uintptr_t)x | (uintptr_t)y) % 16 == 0) {
      unary_vec4_kernel<<<trtk::grid_for(count / 4), trtk::kThreads, 0, stream>>>(
          (const float4 *)x, (float4 *)y, count / 4, chain);
      return cudaGetLastError();
    }
    return launch_unary<float>(x, y, count, chain, view, stream);
  case TRT_KTYPE_FLOAT16:
    return launch_unary<__half>(x, y, count, chain, view, stream);
  case TRT_KTYPE_INT32:
    return launch_unary<int32_t>(x, y, count, chain, view, stream);
  case TRT_KTYPE_INT64:
    return launch_unary<int64_t>(x, y, count, chain, view, stream);
  default:
    return cudaErrorInvalidValue;
  }
}

extern "C" cudaError_t trt_launch_unary_chain(const float *x, float *y, int64_t count,
                                              trt_kchain_t chain, trt_kview_t view,
                                              int vectorized, cudaStream_t stream) {
  return trt_launch_unary(x, y, count, TRT_KTYPE_FLOAT32, chain, view, vectorized, stream);
}
