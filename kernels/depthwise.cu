/* Channels-last float16 depthwise convolution (see depthwise.cuh).
 *
 * A block takes a tile of up to 64 channels (up to 8 packs of 8, the
 * largest count that divides the channels' packs, so no thread idles on a
 * partial tile) and as many output pixels as 256 threads give, one thread
 * per (pixel, pack). The tile's weights are staged in shared memory
 * tap-major (stage_weights). Stride-1 3x3 and 5x5 convolutions may take
 * two outputs per thread (depthwise_nhwc_pair_kernel). */
#include <cuda_fp16.h>

#include "depthwise.cuh"
#include "half_pack.cuh"
#include "kernel_common.cuh"

namespace {

using trtk::HalfPack;
using trtk::kHalfPack;

constexpr int kMaxTaps = 64; /* kernels up to 8x8 */

using WeightRow = __half[trtk::kMaxTilePacks * kHalfPack];

/* Stages the tile's weights (KRS, one filter per channel) tap-major in
 * shared memory, so that a thread reads the 8 weights of its pack for one
 * tap in one 16-byte access; then waits for the block. */
__device__ __forceinline__ void stage_weights(WeightRow *weights, const __half *w, int32_t tile,
                                              int32_t tile_channels, int32_t taps) {
  for (int32_t i = threadIdx.x; i < taps * tile_channels; i += blockDim.x) {
    const int32_t tap = i / tile_channels, c = i % tile_channels;
    weights[tap][c] = w[(int64_t)(tile + c) * taps + tap];
  }
  __syncthreads();
}

/* kK > 0: a kK x kK kernel, unrolled; 0: any size up to kMaxTaps taps. */
template <int kK>
__global__ void depthwise_nhwc_kernel(const trt_depthwise_nhwc_t a, int32_t pixels,
                                      int32_t tile_packs) {
  __shared__ __align__(16) WeightRow weights[kMaxTaps];
  const int32_t channels = (int32_t)a.channels;
  const int32_t tile_channels = tile_packs * kHalfPack;
  const int32_t tile = blockIdx.y * tile_channels;
  const int32_t tile_pixels = (int32_t)blockDim.x / tile_packs;
  const int32_t kernel_h = kK > 0 ? kK : (int32_t)a.kernel[0];
  const int32_t kernel_w = kK > 0 ? kK : (int32_t)a.kernel[1];
  const int32_t taps = kernel_h * kernel_w;
  stage_weights(weights, static_cast<const __half *>(a.w), tile, tile_channels, taps);

  const int32_t pack = threadIdx.x % tile_packs;
  const int32_t channel = tile + pack * kHalfPack;
  if ((int32_t)threadIdx.x >= tile_pixels * tile_packs)
    return;
  const int32_t in_h = (int32_t)a.in[0], in_w = (int32_t)a.in[1];
  const int32_t out_w = (int32_t)a.out[1], out_plane = (int32_t)(a.out[0] * a.out[1]);
  const __half *x = static_cast<const __half *>(a.x);
  for (int32_t pixel = blockIdx.x * tile_pixels + threadIdx.x / tile_packs; pixel < pixels;
       pixel += gridDim.x * tile_pixels) {
    const int32_t n = pixel / out_plane, rest = pixel % out_plane;
    const int32_t oh = rest / out_w, ow = rest % out_w;
    const int32_t h0 = oh * (int32_t)a.stride[0] - (int32_t)a.pad[0];
    const int32_t w0 = ow * (int32_t)a.stride[1] - (int32_t)a.pad[1];
    const __half *image = x + (int64_t)n * in_h * in_w * channels + channel;
    float sum[kHalfPack];
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum[k] = 0.0f;
#pragma unroll
    for (int32_t kh = 0; kh < (kK > 0 ? kK : kernel_h); kh++) {
      const int32_t ih = h0 + kh * (int32_t)a.dilation[0];
      if (ih < 0 || ih >= in_h)
        continue;
#pragma unroll
      for (int32_t kw = 0; kw < (kK > 0 ? kK : kernel_w); kw++) {
        const int32_t iw = w0 + kw * (int32_t)a.dilation[1];
        if (iw < 0 || iw >= in_w)
          continue;
        float value[kHalfPack], weight[kHalfPack];
        trtk::load_halves(image + (int64_t)(ih * in_w + iw) * channels, value);
        HalfPack taps_pack;
        taps_pack.word =
            *reinterpret_cast<const uint4 *>(&weights[kh * kernel_w + kw][pack * kHalfPack]);
        trtk::unpack_halves(taps_pack, weight);
#pragma unroll
        for (int k = 0; k < kHalfPack; k++)
          sum[k] = fmaf(weight[k], value[k], sum[k]);
      }
    }
    trtk::finish_halves(sum, a.bias, a.residual, a.y, (int64_t)pixel * channels + channel, channel,
                        a.activation, a.alpha, a.beta);
  }
}

/* Stride 1, no dilation, kK x kK: each thread takes two neighbouring
 * outputs of a row (out_w rounded up to pairs), which share kK - 1 of their
 * kK input columns: kK + 1 column loads and one unpacking of each row's
 * weights serve both, where depthwise_nhwc_kernel loads and unpacks kK per
 * output (it is bound by instructions, not memory). Same taps in the same
 * order per output, so the same sums. */
template <int kK>
__global__ void depthwise_nhwc_pair_kernel(const trt_depthwise_nhwc_t a, int32_t pairs,
                                           int32_t tile_packs) {
  __shared__ __align__(16) WeightRow weights[kK * kK];
  const int32_t channels = (int32_t)a.channels;
  const int32_t tile_channels = tile_packs * kHalfPack;
  const int32_t tile = blockIdx.y * tile_channels;
  const int32_t tile_pairs = (int32_t)blockDim.x / tile_packs;
  stage_weights(weights, static_cast<const __half *>(a.w), tile, tile_channels, kK * kK);

  const int32_t pack = threadIdx.x % tile_packs;
  const int32_t channel = tile + pack * kHalfPack;
  if ((int32_t)threadIdx.x >= tile_pairs * tile_packs)
    return;
  const int32_t in_h = (int32_t)a.in[0], in_w = (int32_t)a.in[1];
  const int32_t out_h = (int32_t)a.out[0], out_w = (int32_t)a.out[1];
  const int32_t row_pairs = (out_w + 1) / 2;
  const __half *x = static_cast<const __half *>(a.x);
  for (int32_t pair = blockIdx.x * tile_pairs + threadIdx.x / tile_packs; pair < pairs;
       pair += gridDim.x * tile_pairs) {
    const int32_t row = pair / row_pairs, ow = (pair % row_pairs) * 2;
    const int32_t n = row / out_h, oh = row % out_h;
    const bool second = ow + 1 < out_w;
    const int32_t h0 = oh - (int32_t)a.pad[0], w0 = ow - (int32_t)a.pad[1];
    const __half *image = x + (int64_t)n * in_h * in_w * channels + channel;
    float sum0[kHalfPack], sum1[kHalfPack];
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum0[k] = sum1[k] = 0.0f;
#pragma unroll
    for (int kh = 0; kh < kK; kh++) {
      const int32_t ih = h0 + kh;
      if (ih < 0 || ih >= in_h)
        continue;
      float weight[kK][kHalfPack];
#pragma unroll
      for (int kw = 0; kw < kK; kw++) {
        HalfPack taps_pack;
        taps_pack.word = *reinterpret_cast<const uint4 *>(&weights[kh * kK + kw][pack * kHalfPack]);
        trtk::unpack_halves(taps_pack, weight[kw]);
      }
      /* column j feeds tap j of the first output and tap j - 1 of the second */
#pragma unroll
      for (int j = 0; j <= kK; j++) {
        const int32_t iw = w0 + j;
        if (iw < 0 || iw >= in_w)
          continue;
        float value[kHalfPack];
        trtk::load_halves(image + (int64_t)(ih * in_w + iw) * channels, value);
        if (j < kK) {
#pragma unroll
          for (int k = 0; k < kHalfPack; k++)
            sum0[k] = fmaf(weight[j][k], value[k], sum0[k]);
        }
        if (j > 0) {
#pragma unroll
          for (int k = 0; k < kHalfPack; k++)
            sum1[k] = fmaf(weight[j - 1][k], value[k], sum1[k]);
        }
      }
    }
    const int64_t at = ((int64_t)row * out_w + ow) * channels + channel;
    trtk::finish_halves(sum0, a.bias, a.residual, a.y, at, channel, a.activation, a.alpha, a.beta);
    if (second)
      trtk::finish_halves(sum1, a.bias, a.residual, a.y, at + channels, channel, a.activation,
                          a.alpha, a.beta);
  }
}

} // namespace

static bool pairs_possible(const trt_depthwise_nhwc_t *a) {
  return a->kernel[0] == a->kernel[1] && (a->kernel[0] == 3 || a->kernel[0] == 5) &&
         a->stride[0] == 1 && a->stride[1] == 1 && a->dilation[0] == 1 && a->dilation[1] == 1;
}

extern "C" int trt_depthwise_nhwc_supported(const trt_depthwise_nhwc_t *a) {
  const int64_t in_elements = a->batch * a->in[0] * a->in[1] * a->channels;
  const int64_t out_elements = a->batch * a->out[0] * a->out[1] * a->channels;
  bool ok = a->channels > 0 && a->channels % kHalfPack == 0 && a->batch > 0 && a->kernel[0] > 0 &&
            a->kernel[1] > 0 && a->kernel[0] * a->kernel[1] <= kMaxTaps &&
            in_elements < INT32_MAX && out_elements < INT32_MAX && a->channels / kHalfPack < 65535 &&
            (a->outputs_per_thread == 1 || (a->outputs_per_thread == 2 && pairs_possible(a)));
  for (int d = 0; d < 2; d++)
    ok = ok && a->stride[d] > 0 && a->dilation[d] > 0 && a->pad[d] >= 0 &&
         a->pad[d] < INT32_MAX / 4 && a->stride[d] < INT32_MAX / 4 &&
         (a->kernel[d] - 1) * a->dilation[d] < INT32_MAX / 4;
  return ok;
}

extern "C" cudaError_t trt_launch_depthwise_nhwc(const trt_depthwise_nhwc_t *a,
                                                 cudaStream_t stream) {
  if (!trt_depthwise_nhwc_supported(a) || !trtk::aligned16(a->x) || !trtk::aligned16(a->w) ||
      !trtk::aligned16(a->y) || (a->bias && !trtk::aligned16(a->bias)) ||
      (a->residual && !trtk::aligned16(a->residual)))
    return cudaErrorInvalidValue;
  const int64_t pixels = a->batch * a->out[0] * a->out[1];
  if (pixels <= 0)
    return cudaSuccess;
  const int32_t packs = (int32_t)(a->channels / kHalfPack);
  const int32_t tile_packs = trtk::tile_packs_for(a->channels);
  const int32_t tile_pixels = trtk::kPackBlockThreads / tile_packs;
  int64_t pixel_blocks = (pixels + tile_pixels - 1) / tile_pixels;
  if (pixel_blocks > 65535LL * 16)
    pixel_blocks = 65535LL * 16;
  const dim3 grid((unsigned)pixel_blocks, (unsigned)(packs / tile_packs));
  const unsigned threads = (unsigned)(tile_pixels * tile_packs);
  const bool square = a->kernel[0] == a->kernel[1];
  if (a->outputs_per_thread == 2) {
    const int64_t pairs = a->batch * a->out[0] * ((a->out[1] + 1) / 2);
    int64_t pair_blocks = (pairs + tile_pixels - 1) / tile_pixels;
    if (pair_blocks > 65535LL * 16)
      pair_blocks = 65535LL * 16;
    const dim3 pair_grid((unsigned)pair_blocks, (unsigned)(packs / tile_packs));
    if (a->kernel[0] == 3)
      depthwise_nhwc_pair_kernel<3>
          <<<pair_grid, threads, 0, stream>>>(*a, (int32_t)pairs, tile_packs);
    else
      depthwise_nhwc_pair_kernel<5>
          <<<pair_grid, threads, 0, stream>>>(*a, (int32_t)pairs, tile_packs);
    return cudaGetLastError();
  }
  if (square && a->kernel[0] == 3)
    depthwise_nhwc_kernel<3><<<grid, threads, 0, stream>>>(*a, (int32_t)pixels, tile_packs);
  else if (square && a->kernel[0] == 5)
    depthwise_nhwc_kernel<5><<<grid, threads, 0, stream>>>(*a, (int32_t)pixels, tile_packs);
  else if (square && a->kernel[0] == 7)
    depthwise_nhwc_kernel<7><<<grid, threads, 0, stream>>>(*a, (int32_t)pixels, tile_packs);
  else
    depthwise_nhwc_kernel<0><<<grid, threads, 0, stream>>>(*a, (int32_t)pixels, tile_packs);
  return cudaGetLastError();
}
