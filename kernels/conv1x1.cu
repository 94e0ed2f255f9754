/* Channels-last float16 1x1 convolution (see conv1x1.cuh).
 *
 * A block takes a tile of up to 64 output channels (up to 8 packs of 8,
 * the largest count dividing the output's packs) and as many pixels as 256
 * threads give, one thread per (pixel, pack). The tile's weights are staged
 * in shared memory input-channel-major, so that a thread reads the 8
 * weights its outputs need for one input channel in one 16-byte access. */
#include <cuda_fp16.h>

#include "conv1x1.cuh"
#include "half_pack.cuh"
#include "kernel_common.cuh"

namespace {

using trtk::HalfPack;
using trtk::kHalfPack;

__global__ void conv1x1_nhwc_kernel(const trt_conv1x1_nhwc_t a, int32_t tile_packs) {
  extern __shared__ uint4 shared_words[]; /* [in_channels][tile_channels] float16 */
  __half *weights = reinterpret_cast<__half *>(shared_words);
  const int32_t in_channels = (int32_t)a.in_channels, out_channels = (int32_t)a.out_channels;
  const int32_t tile_channels = tile_packs * kHalfPack;
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
  const int32_t channel = tile + pack * kHalfPack;
  const int32_t pixels = (int32_t)a.pixels;
  const __half *x = static_cast<const __half *>(a.x);
  for (int32_t pixel = blockIdx.x * tile_pixels + threadIdx.x / tile_packs; pixel < pixels;
       pixel += gridDim.x * tile_pixels) {
    const __half *row = x + (int64_t)pixel * in_channels;
    float sum[kHalfPack];
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum[k] = 0.0f;
    for (int32_t c0 = 0; c0 < in_channels; c0 += kHalfPack) {
      float value[kHalfPack];
      trtk::load_halves(row + c0, value);
#pragma unroll
      for (int j = 0; j < kHalfPack; j++) {
        HalfPack taps;
        taps.word =
            *reinterpret_cast<const uint4 *>(&weights[(c0 + j) * tile_channels + pack * kHalfPack]);
        float weight[kHalfPack];
        trtk::unpack_halves(taps, weight);
#pragma unroll
        for (int k = 0; k < kHalfPack; k++)
          sum[k] = fmaf(value[j], weight[k], sum[k]);
      }
    }
    trtk::finish_halves(sum, a.bias, a.residual, a.y, (int64_t)pixel * out_channels + channel,
                        channel, a.activation, a.alpha, a.beta);
  }
}

} // namespace

extern "C" int trt_conv1x1_nhwc_supported(const trt_conv1x1_nhwc_t *a) {
  return a->pixels > 0 && a->in_channels > 0 && a->in_channels % kHalfPack == 0 &&
         a->in_channels <= TRT_CONV1X1_MAX_IN && a->out_channels > 0 &&
         a->out_channels % kHalfPack == 0 && a->out_channels / kHalfPack < 65535 &&
         a->pixels * a->in_channels < INT32_MAX && a->pixels * a->out_channels < INT32_MAX;
}

extern "C" cudaError_t trt_launch_conv1x1_nhwc(const trt_conv1x1_nhwc_t *a, cudaStream_t stream) {
  if (!trt_conv1x1_nhwc_supported(a) || !trtk::aligned16(a->x) || !trtk::aligned16(a->w) ||
      !trtk::aligned16(a->y) || (a->bias && !trtk::aligned16(a->bias)) ||
      (a->residual && !trtk::aligned16(a->residual)))
    return cudaErrorInvalidValue;
  const int32_t tile_packs = trtk::tile_packs_for(a->out_channels);
  const int32_t tile_pixels = trtk::kPackBlockThreads / tile_packs;
  int64_t pixel_blocks = (a->pixels + tile_pixels - 1) / tile_pixels;
  if (pixel_blocks > 65535LL * 16)
    pixel_blocks = 65535LL * 16;
  const dim3 grid((unsigned)pixel_blocks, (unsigned)(a->out_channels / kHalfPack / tile_packs));
  const size_t shared = (size_t)a->in_channels * tile_packs * kHalfPack * sizeof(__half);
  conv1x1_nhwc_kernel<<<grid, (unsigned)(tile_pixels * tile_packs), shared, stream>>>(*a,
                                                                                      tile_packs);
  return cudaGetLastError();
}
