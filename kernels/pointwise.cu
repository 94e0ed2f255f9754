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

/* Applies the chain to kN values in registers. The kind is uniform, so
 * the switch runs once per step for all kN values, each case an unrolled
 * straight line: per-value dispatch (a switch per element per step) ran
 * the layer at a tenth of memory speed. Each case is numerics/activation.h's
 * function, as trt_activation_eval calls it. */
#define TRT_CHAIN_CASE(kind, expression)                                                           \
  case kind:                                                                                       \
    _Pragma("unroll") for (int i = 0; i < kN; i++) {                                               \
      const float x = v[i];                                                                        \
      v[i] = (expression);                                                                         \
    }                                                                                              \
    break;

template <int kN> __device__ __forceinline__ void apply_chain(const trt_kchain_t &chain, float *v) {
  for (int s = 0; s < chain.nb_steps; s++) {
    const float alpha = chain.steps[s].alpha, beta = chain.steps[s].beta;
    (void)alpha;
    (void)beta;
    switch (chain.steps[s].kind) {
      TRT_CHAIN_CASE(TRT_ACTIVATION_NONE, x)
      TRT_CHAIN_CASE(TRT_ACTIVATION_RELU, trt_activation_relu(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_LEAKY_RELU, trt_activation_leaky_relu(x, alpha))
      TRT_CHAIN_CASE(TRT_ACTIVATION_ELU, trt_activation_elu(x, alpha))
      TRT_CHAIN_CASE(TRT_ACTIVATION_SIGMOID, trt_activation_sigmoid(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_TANH, tanhf(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_CLIP, trt_activation_clip(x, alpha, beta))
      TRT_CHAIN_CASE(TRT_ACTIVATION_HARD_SIGMOID, trt_activation_hard_sigmoid(x, alpha, beta))
      TRT_CHAIN_CASE(TRT_ACTIVATION_HARD_SWISH, trt_activation_hard_swish(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_ERF, erff(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_SQRT, sqrtf(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_EXP, expf(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_LOG, logf(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_ABS, fabsf(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_NEG, -x)
      TRT_CHAIN_CASE(TRT_ACTIVATION_RECIPROCAL, 1.0f / x)
      TRT_CHAIN_CASE(TRT_ACTIVATION_SOFTPLUS, trt_activation_softplus(x))
      TRT_CHAIN_CASE(TRT_ACTIVATION_SCALE_SHIFT, trt_activation_scale_shift(x, alpha, beta))
      TRT_CHAIN_CASE(TRT_ACTIVATION_POWER, powf(x, alpha))
    default: _Pragma("unroll") for (int i = 0; i < kN; i++) v[i] = NAN;
    }
  }
}
#undef TRT_CHAIN_CASE

/* 16 bytes per thread and step: 4 floats or 8 halves. */
template <typename T> struct Vector;
template <> struct Vector<float> {
  static constexpr int kN = 4;
  static __device__ __forceinline__ void load(const float *p, float *v) {
    const float4 q = *reinterpret_cast<const float4 *>(p);
    v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
  }
  static __device__ __forceinline__ void store(float *p, const float *v) {
    *reinterpret_cast<float4 *>(p) = make_float4(v[0], v[1], v[2], v[3]);
  }
};
template <> struct Vector<__half> {
  static constexpr int kN = 8;
  static __device__ __forceinline__ void load(const __half *p, float *v) {
    const uint4 q = *reinterpret_cast<const uint4 *>(p);
    const __half2 *h = reinterpret_cast<const __half2 *>(&q);
#pragma unroll
    for (int i = 0; i < 4; i++) {
      const float2 f = __half22float2(h[i]);
      v[2 * i] = f.x, v[2 * i + 1] = f.y;
    }
  }
  static __device__ __forceinline__ void store(__half *p, const float *v) {
    uint4 q;
    __half2 *h = reinterpret_cast<__half2 *>(&q);
#pragma unroll
    for (int i = 0; i < 4; i++)
      h[i] = __floats2half2_rn(v[2 * i], v[2 * i + 1]);
    *reinterpret_cast<uint4 *>(p) = q;
  }
};

/* Contiguous x and y (16-byte aligned; x may be y): whole vectors, then
 * the tail of count % kN values by the first threads. */
template <typename T>
__global__ void unary_vector_kernel(const T *x, T *y, int64_t count, trt_kchain_t chain) {
  constexpr int kN = Vector<T>::kN;
  const int64_t vectors = count / kN;
  for (int64_t i = trtk::global_thread(); i < vectors; i += trtk::grid_threads()) {
    float v[kN];
    Vector<T>::load(x + i * kN, v);
    apply_chain<kN>(chain, v);
    Vector<T>::store(y + i * kN, v);
  }
  const int64_t tail = vectors * kN + trtk::global_thread();
  if (tail < count) {
    float v[1] = {trtk::to_float(x[tail])};
    apply_chain<1>(chain, v);
    trtk::store_float(y + tail, v[0]);
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
                                        trt_kchain_t chain, trt_kview_t view,
                                        cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  if (chain.nb_steps < 1 || chain.nb_steps > TRT_KMAX_UNARY_CHAIN ||
      (type != TRT_KTYPE_FLOAT32 && type != TRT_KTYPE_FLOAT16 && chain.nb_steps != 1))
    return cudaErrorInvalidValue;
  /* Float tensors written contiguously go 16 bytes at a time. */
  const bool vector = !trtk::view_strided(view) && ((uintptr_t)x | (uintptr_t)y) % 16 == 0;
  switch (type) {
  case TRT_KTYPE_FLOAT32:
    if (vector) {
      unary_vector_kernel<float><<<trtk::grid_for(count / 4 + 1), trtk::kThreads, 0, stream>>>(
          (const float *)x, (float *)y, count, chain);
      return cudaGetLastError();
    }
    return launch_unary<float>(x, y, count, chain, view, stream);
  case TRT_KTYPE_FLOAT16:
    if (vector) {
      unary_vector_kernel<__half><<<trtk::grid_for(count / 8 + 1), trtk::kThreads, 0, stream>>>(
          (const __half *)x, (__half *)y, count, chain);
      return cudaGetLastError();
    }
    return launch_unary<__half>(x, y, count, chain, view, stream);
  case TRT_KTYPE_INT32:
    return launch_unary<int32_t>(x, y, count, chain, view, stream);
  case TRT_KTYPE_INT64:
    return launch_unary<int64_t>(x, y, count, chain, view, stream);
  default:
    return cudaErrorInvalidValue;
  }
}
