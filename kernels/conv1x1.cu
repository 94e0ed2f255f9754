/* Channels-last float16 1x1 convolution (see conv1x1.cuh).
 *
 * A block takes a tile of up to 64 output channels (up to 8 packs of 8,
 * the largest count dividing the output's packs) and as many pixels as 256
 * threads give, one thread per (pixel, pack). The tile's weights are staged
 * in shared memory input-channel-major, so that a thread reads the 8
 * weights its outputs need for one input channel in one 16-byte access. */
#include <cuda_fp16.h>

#include "conv1x1.cuh"
#include "kernel_common.cuh"
#include "numerics/activation.h"

namespace {

constexpr int kPack = 8;
constexpr int kMaxTilePacks = 8;
constexpr int kBlockThreads = 256;

union Pack {
  uint4 word;
  __half2 pairs[kPack / 2];
};

__device__ __forceinline__ void unpack(const Pack &pack, float *out) {
#pragma unroll
  for (int k = 0; k < kPack / 2; k++) {
    const float2 f = __half22float2(pack.pairs[k]);
    out[2 * k] = f.x;
    out[2 * k + 1] = f.y;
  }
}

__device__ __forceinline__ void load_pack(const __half *p, float *out) {
  Pack pack;
  pack.word = __ldg(reinterpret_cast<const uint4 *>(p));
  unpack(pack, out);
}

__global__ void conv1x1_nhwc_kernel(const trt_conv1x1_nhwc_t a, int32_t tile_packs) {
  extern __shared__ uint4 shared_words[]; /* [in_channels][tile_channels] float16 */
  __half *weights = reinterpret_cast<__half *>(shared_words);
  const int32_t in_channels = (int32_t)a.in_channels, out_channels = (int32_t)a.out_channels;
  const int32_t tile_channels = tile_packs * kPack;
  const int32_t tile = blockIdx.y * tile_channels;
  const __half *w = static_cast<const __half *>(a.w);
  for (int32_t i = threadIdx.x; i < in_channels * tile_channels; i += blockDim.x) {
    const int32_t c = i / tile_channels, k = i % tile_channels;
    weights[i] = w[(int64_t)(tile + k) * in_channels + c];
  }
  __syncthreads();

  const int32_t tile_pixels = (int32_t)blockDim.x / tile_packs;
  if ((int32_t)threadIdx.x >= tile_pixels * tile_packs)
    return;
  const int32_t pack = threadIdx.x % tile_packs;
  const int32_t channel = tile + pack * kPack;
  const int32_t pixels = (int32_t)a.pixels;
  const __half *x = static_cast<const __half *>(a.x);
  for (int32_t pixel = blockIdx.x * tile_pixels + threadIdx.x / tile_packs; pixel < pixels;
       pixel += gridDim.x * tile_pixels) {
    const __half *row = x + (int64_t)pixel * in_channels;
    float sum[kPack];
#pragma unroll
    for (int k = 0; k < kPack; k++)
      sum[k] = 0.0f;
    for (int32_t c0 = 0; c0 < in_channels; c0 += kPack) {
      float value[kPack];
      load_pack(row + c0, value);
#pragma unroll
      for (int j = 0; j < kPack; j++) {
        Pack taps;
        taps.word =
            *reinterpret_cast<const uint4 *>(&weights[(c0 + j) * tile_channels + pack * kPack]);
        float weight[kPack];
        unpack(taps, weight);
#pragma unroll
        for (int k = 0; k < kPack; k++)
          sum[k] = fmaf(value[j], weight[k], sum[k]);
      }
    }
    const int64_t at = (int64_t)pixel * out_channels + channel;
    float extra[kPack];
    if (a.bias) {
      load_pack(static_cast<const __half *>(a.bias) + channel, extra);
#pragma unroll
      for (int k = 0; k < kPack; k++)
        sum[k] += extra[k];
    }
    if (a.residual) {
      load_pack(static_cast<const __half *>(a.residual) + at, extra);
#pragma unroll
      for (int k = 0; k < kPack; k++)
        sum[k] += extra[k];
    }
    Pack result;
#pragma unroll
    for (int k = 0; k < kPack / 2; k++)
      result.pairs[k] = __floats2half2_rn(
          trt_activation_eval((trt_activation_kind_t)a.activation, sum[2 * k], a.alpha, a.beta),
          trt_activation_eval((trt_activation_kind_t)a.activation, sum[2 * k + 1], a.alpha,
                              a.beta));
    *reinterpret_cast<uint4 *>(static_cast<__half *>(a.y) + at) = result.word;
  }
}

bool aligned16(const void *p) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

int32_t tile_packs_for(int64_t out_channels) {
  const int32_t packs = (int32_t)(out_channels / kPack);
  int32_t tile_packs = kMaxTilePacks;
  while (packs % tile_packs != 0)
    tile_packs--;
  return tile_packs;
}

} // namespace

extern "C" int trt_conv1x1_nhwc_supported(const trt_conv1x1_nhwc_t *a) {
  return a->pixels > 0 && a->in_channels > 0 && a->in_channels % kPack == 0 &&
         a->in_channels <= TRT_CONV1X1_MAX_IN && a->out_channels > 0 &&
         a->out_channels % kPack == 0 && a->out_channels / kPack < 65535 &&
         a->pixels * a->in_channels < INT32_MAX && a->pixels * a->out_channels < INT32_MAX;
}

extern "C" cudaError_t trt_launch_conv1x1_nhwc(const trt_conv1x1_nhwc_t *a, cudaStream_t stream) {
  if (!trt_conv1x1_nhwc_supported(a) || !aligned16(a->x) || !aligned16(a->w) || !aligned16(a->y) ||
      (a->bias && !aligned16(a->bias)) || (a->residual && !aligned16(a->residual)))
    return cudaErrorInvalidValue;
  const int32_t tile_packs = tile_packs_for(a->out_channels);
  const int32_t tile_pixels = kBlockThreads / tile_packs;
  int64_t pixel_blocks = (a->pixels + tile_pixels - 1) / tile_pixels;
  if (pixel_blocks > 65535LL * 16)
    pixel_blocks = 65535LL * 16;
  const dim3 grid((unsigned)pixel_blocks, (unsigned)(a->out_channels / kPack / tile_packs));
  const size_t shared = (size_t)a->in_channels * tile_packs * kPack * sizeof(__half);
  conv1x1_nhwc_kernel<<<grid, (unsigned)(tile_pixels * tile_packs), shared, stream>>>(*a,
                                                                                      tile_packs);
  return cudaGetLastError();
}
