/* Pointwise kernels. The activation kinds follow trt_activation_kind_t, in
 * the same order; the engine checks that order at compile time. Each kind
 * computes what trt_activation_apply() defines, NaN behaviour included. */
#include "pointwise.cuh"

namespace {

enum ActivationKind {
  kNone = 0, kRelu, kLeakyRelu, kElu, kSigmoid, kTanh, kClip, kHardSigmoid, kHardSwish, kErf,
  kSqrt, kExp, kLog, kAbs, kNeg, kReciprocal, kSoftplus, kScaleShift, kPower
};

__device__ __forceinline__ float activate(int kind, float x, float alpha, float beta) {
  switch (kind) {
  case kRelu: return x < 0.0f ? 0.0f : x;
  case kLeakyRelu: return x < 0.0f ? alpha * x : x;
  case kElu: return x < 0.0f ? alpha * expm1f(x) : x;
  case kSigmoid: return 1.0f / (1.0f + expf(-x));
  case kTanh: return tanhf(x);
  case kClip: {
    float y = x < alpha ? alpha : x;
    return y > beta ? beta : y;
  }
  case kHardSigmoid: {
    float y = alpha * x + beta;
    y = y < 0.0f ? 0.0f : y;
    return y > 1.0f ? 1.0f : y;
  }
  case kHardSwish: {
    float gate = x * (1.0f / 6.0f) + 0.5f;
    gate = gate < 0.0f ? 0.0f : gate;
    gate = gate > 1.0f ? 1.0f : gate;
    return x * gate;
  }
  case kErf: return erff(x);
  case kSqrt: return sqrtf(x);
  case kExp: return expf(x);
  case kLog: return logf(x);
  case kAbs: return fabsf(x);
  case kNeg: return -x;
  case kReciprocal: return 1.0f / x;
  case kSoftplus: return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));
  case kScaleShift: return alpha * x + beta;
  case kPower: return powf(x, alpha);
  default: return x;
  }
}

/* Integers: Relu, Abs, Neg wrap through the unsigned type like the CPU. */
template <typename T, typename U> __device__ __forceinline__ T activate_int(int kind, T x) {
  switch (kind) {
  case kRelu: return x < 0 ? T(0) : x;
  case kAbs: return x < 0 ? (T)(U(0) - (U)x) : x;
  case kNeg: return (T)(U(0) - (U)x);
  default: return x;
  }
}

__device__ __forceinline__ float apply(const trt_kchain_t &chain, float x) {
  for (int s = 0; s < chain.nb_steps; s++)
    x = activate(chain.steps[s].kind, x, chain.steps[s].alpha, chain.steps[s].beta);
  return x;
}
__device__ __forceinline__ int32_t apply(const trt_kchain_t &chain, int32_t x) {
  return activate_int<int32_t, uint32_t>(chain.steps[0].kind, x);
}
__device__ __forceinline__ int64_t apply(const trt_kchain_t &chain, int64_t x) {
  return activate_int<int64_t, uint64_t>(chain.steps[0].kind, x);
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
      (type != TRT_KTYPE_FLOAT32 && chain.nb_steps != 1))
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
