/* Pointwise kernels. The activation kinds follow trt_activation_kind_t, in
 * the same order; the engine checks that order at compile time. */
#include "pointwise.cuh"

namespace {

enum ActivationKind {
  kNone = 0, kRelu, kLeakyRelu, kElu, kSigmoid, kTanh, kClip, kHardSigmoid, kHardSwish, kErf,
  kSqrt, kExp, kLog, kAbs, kNeg, kReciprocal, kSoftplus
};

__device__ __forceinline__ float activate(int kind, float x, float alpha, float beta) {
  switch (kind) {
  case kRelu: return fmaxf(x, 0.0f);
  case kLeakyRelu: return x >= 0.0f ? x : alpha * x;
  case kElu: return x >= 0.0f ? x : alpha * expm1f(x);
  case kSigmoid: return 1.0f / (1.0f + expf(-x));
  case kTanh: return tanhf(x);
  case kClip: return fminf(fmaxf(x, alpha), beta);
  case kHardSigmoid: return fminf(fmaxf(alpha * x + beta, 0.0f), 1.0f);
  case kHardSwish: return x * fminf(fmaxf(x / 6.0f + 0.5f, 0.0f), 1.0f);
  case kErf: return erff(x);
  case kSqrt: return sqrtf(x);
  case kExp: return expf(x);
  case kLog: return logf(x);
  case kAbs: return fabsf(x);
  case kNeg: return -x;
  case kReciprocal: return 1.0f / x;
  case kSoftplus: return x > 20.0f ? x : log1pf(expf(x));
  default: return x;
  }
}

__global__ void activation_kernel(const float *__restrict__ x, float *__restrict__ y, int64_t count,
                                  int kind, float alpha, float beta) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    y[i] = activate(kind, x[i], alpha, beta);
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
