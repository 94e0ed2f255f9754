/* TF32 1x1 convolution of linear float32 tensors (see conv1x1_tf32.cuh).
 *
 * A block computes a 64 x 64 tile of one image's Y[K, pixels], four warps
 * of 32 x 32 each (2 x 2 WMMA fragments of 16 x 16 x 8, float
 * accumulators), C in steps of kStep (32, or 16 for at most 16 channels:
 * half the shared memory, twice the blocks per SM for the thin expansion
 * layers) staged through shared memory by cp.async in two stages: W rows
 * [64 k][kStep c] and X rows [kStep c][64 pixels], each row padded by 4
 * floats against bank conflicts, zeros past C, K or the pixels.
 * The accumulators then pass through shared memory (the stages' space) so
 * that each thread finishes 4 neighbouring pixels of one channel with one
 * 16-byte store. */
#include <mma.h>

#include "async_copy.cuh"
#include "conv1x1_tf32.cuh"
#include "numerics/activation.h"

namespace {

constexpr int kTile = 64;        /* channels and pixels per block */
constexpr int kThreads = 128;    /* four warps */
constexpr int kXRow = kTile + 4; /* a staged X row (and finished row), padded */

template <int kStep> struct Stages {
  static constexpr int kWRow = kStep + 4;                      /* a staged W row, padded */
  static constexpr int kStage = kTile * kWRow + kStep * kXRow; /* floats: W rows, X rows */
  /* the finished tile reuses the stages' shared memory */
  static constexpr int kFloats = 2 * kStage > kTile *kXRow ? 2 * kStage : kTile *kXRow;
};

template <int kStep>
__device__ __forceinline__ void stage(float *tile, const trt_conv1x1_nchw_t &a, const float *x,
                                      int32_t k0, int32_t p0, int32_t c0) {
  constexpr int kWRow = Stages<kStep>::kWRow;
  const int32_t channels = (int32_t)a.in_channels;
  /* W: kTile rows of kStep floats, 4 per copy */
  for (int i = threadIdx.x; i < kTile * (kStep / 4); i += kThreads) {
    const int32_t row = i / (kStep / 4), c = c0 + (i % (kStep / 4)) * 4;
    const bool inside = k0 + row < a.out_channels && c < channels;
    trtk::copy16_async(tile + row * kWRow + (i % (kStep / 4)) * 4,
                       inside ? a.w + (int64_t)(k0 + row) * channels + c : a.w, inside);
  }
  /* X: kStep rows (input channels) of kTile pixels */
  float *xs = tile + kTile * kWRow;
  for (int i = threadIdx.x; i < kStep * (kTile / 4); i += kThreads) {
    const int32_t row = i / (kTile / 4), p = p0 + (i % (kTile / 4)) * 4;
    const bool inside = c0 + row < channels && p < a.pixels;
    trtk::copy16_async(xs + row * kXRow + (i % (kTile / 4)) * 4,
                       inside ? x + (int64_t)(c0 + row) * a.x_channel_stride + p : x, inside);
  }
  trtk::commit_copies();
}

/* Registers bound the blocks per SM more than shared memory: the thin
 * variant is held to 80 registers (six blocks), which it fits unspilled. */
template <int kStep>
__global__ void __launch_bounds__(kThreads, kStep == 16 ? 6 : 4)
    conv1x1_nchw_tf32_kernel(const trt_conv1x1_nchw_t a) {
  using namespace nvcuda;
  constexpr int kWRow = Stages<kStep>::kWRow, kStage = Stages<kStep>::kStage;
  __shared__ __align__(128) float stages[Stages<kStep>::kFloats];
  const int32_t p0 = (int32_t)blockIdx.x * kTile, k0 = (int32_t)blockIdx.y * kTile;
  const int64_t n = blockIdx.z;
  const float *x = a.x + n * a.x_batch_stride;
  const int warp = threadIdx.x / 32, warp_k = warp / 2, warp_p = warp % 2;

  wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; i++)
#pragma unroll
    for (int j = 0; j < 2; j++)
      wmma::fill_fragment(acc[i][j], 0.0f);

  const int32_t steps = (int32_t)((a.in_channels + kStep - 1) / kStep);
  static_assert(kStep % 8 == 0, "whole WMMA k steps");
  stage<kStep>(stages, a, x, k0, p0, 0);
  for (int32_t step = 0; step < steps; step++) {
    if (step + 1 < steps) {
      stage<kStep>(stages + ((step + 1) & 1) * kStage, a, x, k0, p0, (step + 1) * kStep);
      trtk::wait_copies<1>();
    } else {
      trtk::wait_copies<0>();
    }
    __syncthreads();
    const float *ws = stages + (step & 1) * kStage, *xs = ws + kTile * kWRow;
#pragma unroll
    for (int c = 0; c < kStep; c += 8) {
      wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fw[2];
      wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fx[2];
#pragma unroll
      for (int i = 0; i < 2; i++) {
        wmma::load_matrix_sync(fw[i], ws + (warp_k * 32 + i * 16) * kWRow + c, kWRow);
#pragma unroll
        for (int e = 0; e < fw[i].num_elements; e++)
          fw[i].x[e] = wmma::__float_to_tf32(fw[i].x[e]);
      }
#pragma unroll
      for (int j = 0; j < 2; j++) {
        wmma::load_matrix_sync(fx[j], xs + c * kXRow + warp_p * 32 + j * 16, kXRow);
#pragma unroll
        for (int e = 0; e < fx[j].num_elements; e++)
          fx[j].x[e] = wmma::__float_to_tf32(fx[j].x[e]);
      }
#pragma unroll
      for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++)
          wmma::mma_sync(acc[i][j], fw[i], fx[j], acc[i][j]);
    }
    __syncthreads(); /* the stage is refilled next */
  }

  float *finished = stages;
#pragma unroll
  for (int i = 0; i < 2; i++)
#pragma unroll
    for (int j = 0; j < 2; j++)
      wmma::store_matrix_sync(finished + (warp_k * 32 + i * 16) * kXRow + warp_p * 32 + j * 16,
                              acc[i][j], kXRow, wmma::mem_row_major);
  __syncthreads();
  const trt_activation_kind_t kind = (trt_activation_kind_t)a.activation;
  for (int i = threadIdx.x; i < kTile * (kTile / 4); i += kThreads) {
    const int32_t row = i / (kTile / 4), p = p0 + (i % (kTile / 4)) * 4;
    const int64_t k = k0 + row;
    if (k >= a.out_channels || p >= a.pixels)
      continue;
    float4 sum = *reinterpret_cast<const float4 *>(finished + row * kXRow + (i % (kTile / 4)) * 4);
    const float bias = a.bias ? __ldg(&a.bias[k]) : 0.0f;
    float4 extra = {0.0f, 0.0f, 0.0f, 0.0f};
    if (a.residual)
      extra = __ldg(reinterpret_cast<const float4 *>(a.residual + n * a.residual_batch_stride +
                                                     k * a.residual_channel_stride + p));
    /* the epilogue's order: bias, then residual, then the activation */
    float4 out;
    out.x = trt_activation_eval(kind, sum.x + bias + extra.x, a.alpha, a.beta);
    out.y = trt_activation_eval(kind, sum.y + bias + extra.y, a.alpha, a.beta);
    out.z = trt_activation_eval(kind, sum.z + bias + extra.z, a.alpha, a.beta);
    out.w = trt_activation_eval(kind, sum.w + bias + extra.w, a.alpha, a.beta);
    *reinterpret_cast<float4 *>(a.y + n * a.y_batch_stride + k * a.y_channel_stride + p) = out;
  }
}

bool aligned16(const void *p) {
  return (uintptr_t)p % 16 == 0;
}

} // namespace

extern "C" int trt_conv1x1_nchw_tf32_supported(const trt_conv1x1_nchw_t *a) {
  const int64_t strides[6] = {a->x_batch_stride,        a->x_channel_stride,
                              a->residual_batch_stride, a->residual_channel_stride,
                              a->y_batch_stride,        a->y_channel_stride};
  bool ok = a->batch > 0 && a->batch <= 65535 && a->in_channels > 0 && a->in_channels % 4 == 0 &&
            a->in_channels < INT32_MAX && a->out_channels > 0 &&
            (a->out_channels + kTile - 1) / kTile <= 65535 && a->pixels > 0 && a->pixels % 4 == 0 &&
            a->pixels < INT32_MAX - kTile;
  for (int i = 0; i < 6; i++)
    ok = ok && strides[i] >= 0 && strides[i] % 4 == 0;
  return ok;
}

extern "C" cudaError_t trt_launch_conv1x1_nchw_tf32(const trt_conv1x1_nchw_t *a,
                                                    cudaStream_t stream) {
  if (!trt_conv1x1_nchw_tf32_supported(a) || !aligned16(a->x) || !aligned16(a->w) ||
      !aligned16(a->y) || (a->residual && !aligned16(a->residual)))
    return cudaErrorInvalidValue;
  const dim3 grid((unsigned)((a->pixels + kTile - 1) / kTile),
                  (unsigned)((a->out_channels + kTile - 1) / kTile), (unsigned)a->batch);
  if (a->in_channels <= 16)
    conv1x1_nchw_tf32_kernel<16><<<grid, kThreads, 0, stream>>>(*a);
  else
    conv1x1_nchw_tf32_kernel<32><<<grid, kThreads, 0, stream>>>(*a);
  return cudaGetLastError();
}
