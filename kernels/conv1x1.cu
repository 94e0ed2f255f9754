/* Channels-last float16 1x1 convolutions (see conv1x1.cuh).
 *
 * conv1x1_nhwc_kernel, on CUDA cores: a block takes a tile of up to 64
 * output channels (up to 8 packs of 8, the largest count dividing the
 * output's packs) and as many pixels as 256 threads give, one thread per
 * (pixel, pack). The tile's weights are staged
 * in shared memory input-channel-major, so that a thread reads the 8
 * weights its outputs need for one input channel in one 16-byte access. */
#include <cuda_fp16.h>
#include <mma.h>

#include "async_copy.cuh"
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

/* conv1x1_nhwc_mma_kernel, on tensor cores: the product Y[pixels, K] =
 * X[pixels, C] * W[K, C]^T in 64 x 64 tiles of Y, four warps of 32 x 32
 * each (2 x 2 WMMA fragments of 16 x 16 x 16, float accumulators), C in
 * steps of 32 staged through shared memory by cp.async, two stages so that
 * the next step's copy overlaps this step's products. Rows are padded by 8
 * halves (80 bytes) so that the fragments' row reads spread over the banks;
 * copies past C, the pixels or K fill zeros. The accumulators then pass
 * through shared memory (the stages' space) so that each thread finishes
 * whole 8-channel packs with finish_halves and 16-byte stores. */
constexpr int kMmaTile = 64;                      /* pixels and channels per block */
constexpr int kMmaStep = 32;                      /* input channels per stage */
constexpr int kMmaRow = kMmaStep + kHalfPack;     /* a staged row, padded */
constexpr int kMmaThreads = 128;                  /* four warps */
constexpr int kMmaOutRow = kMmaTile + 4;          /* a float row of the finished tile */
constexpr int kMmaStage = 2 * kMmaTile * kMmaRow; /* halves: X rows then W rows */

static_assert(kMmaTile * kMmaOutRow * sizeof(float) <= 2 * kMmaStage * sizeof(__half),
              "the finished tile reuses the stages' shared memory");

/* Rows [0, kMmaTile) of a [rows, C] matrix from `rows_left` valid rows,
 * channels [c0, c0 + kMmaStep), into a staged tile. */
__device__ __forceinline__ void stage_rows(__half *tile, const __half *matrix, int32_t rows_left,
                                           int32_t channels, int32_t c0) {
  constexpr int kChunks = kMmaStep / kHalfPack;
  for (int i = threadIdx.x; i < kMmaTile * kChunks; i += kMmaThreads) {
    const int32_t row = i / kChunks, c = c0 + (i % kChunks) * kHalfPack;
    const bool inside = row < rows_left && c < channels;
    trtk::copy16_async(tile + row * kMmaRow + (i % kChunks) * kHalfPack,
                       inside ? matrix + (int64_t)row * channels + c : matrix, inside);
  }
}

__global__ void __launch_bounds__(kMmaThreads) conv1x1_nhwc_mma_kernel(const trt_conv1x1_nhwc_t a) {
  using namespace nvcuda;
  __shared__ __align__(128) __half stages[2 * kMmaStage];
  const int32_t channels = (int32_t)a.in_channels, out_channels = (int32_t)a.out_channels;
  const int64_t pixel0 = (int64_t)blockIdx.x * kMmaTile;
  const int32_t channel0 = (int32_t)blockIdx.y * kMmaTile;
  const int32_t pixels_left =
      a.pixels - pixel0 < kMmaTile ? (int32_t)(a.pixels - pixel0) : kMmaTile;
  const int32_t channels_left = min(out_channels - channel0, kMmaTile);
  const __half *x = static_cast<const __half *>(a.x) + pixel0 * channels;
  const __half *w = static_cast<const __half *>(a.w) + (int64_t)channel0 * channels;
  const int warp = threadIdx.x / 32, warp_m = warp / 2, warp_n = warp % 2;

  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2][2];
#pragma unroll
  for (int i = 0; i < 2; i++)
#pragma unroll
    for (int j = 0; j < 2; j++)
      wmma::fill_fragment(acc[i][j], 0.0f);

  const int32_t steps = (channels + kMmaStep - 1) / kMmaStep;
  stage_rows(stages, x, pixels_left, channels, 0);
  stage_rows(stages + kMmaTile * kMmaRow, w, channels_left, channels, 0);
  trtk::commit_copies();
  for (int32_t step = 0; step < steps; step++) {
    if (step + 1 < steps) {
      __half *next = stages + ((step + 1) & 1) * kMmaStage;
      stage_rows(next, x, pixels_left, channels, (step + 1) * kMmaStep);
      stage_rows(next + kMmaTile * kMmaRow, w, channels_left, channels, (step + 1) * kMmaStep);
      trtk::commit_copies();
      trtk::wait_copies<1>();
    } else {
      trtk::wait_copies<0>();
    }
    __syncthreads();
    const __half *xs = stages + (step & 1) * kMmaStage, *ws = xs + kMmaTile * kMmaRow;
#pragma unroll
    for (int k = 0; k < kMmaStep; k += 16) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa[2];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb[2];
#pragma unroll
      for (int i = 0; i < 2; i++)
        wmma::load_matrix_sync(fa[i], xs + (warp_m * 32 + i * 16) * kMmaRow + k, kMmaRow);
#pragma unroll
      for (int j = 0; j < 2; j++)
        wmma::load_matrix_sync(fb[j], ws + (warp_n * 32 + j * 16) * kMmaRow + k, kMmaRow);
#pragma unroll
      for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 2; j++)
          wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads(); /* the stage is refilled next */
  }

  float *finished = reinterpret_cast<float *>(stages);
#pragma unroll
  for (int i = 0; i < 2; i++)
#pragma unroll
    for (int j = 0; j < 2; j++)
      wmma::store_matrix_sync(finished + (warp_m * 32 + i * 16) * kMmaOutRow + warp_n * 32 + j * 16,
                              acc[i][j], kMmaOutRow, wmma::mem_row_major);
  __syncthreads();
  constexpr int kPacks = kMmaTile / kHalfPack;
  for (int i = threadIdx.x; i < kMmaTile * kPacks; i += kMmaThreads) {
    const int32_t row = i / kPacks, pack = i % kPacks;
    if (row >= pixels_left || pack * kHalfPack >= channels_left)
      continue;
    float sum[kHalfPack];
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum[k] = finished[row * kMmaOutRow + pack * kHalfPack + k];
    const int32_t channel = channel0 + pack * kHalfPack;
    trtk::finish_halves(sum, a.bias, a.residual, a.y, (pixel0 + row) * out_channels + channel,
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

extern "C" int trt_conv1x1_nhwc_mma_supported(const trt_conv1x1_nhwc_t *a) {
  return a->pixels > 0 && a->in_channels > 0 && a->in_channels % kHalfPack == 0 &&
         a->in_channels < INT32_MAX && a->out_channels > 0 && a->out_channels % kHalfPack == 0 &&
         (a->out_channels + kMmaTile - 1) / kMmaTile <= 65535 &&
         (a->pixels + kMmaTile - 1) / kMmaTile <= INT32_MAX;
}

extern "C" cudaError_t trt_launch_conv1x1_nhwc_mma(const trt_conv1x1_nhwc_t *a,
                                                   cudaStream_t stream) {
  if (!trt_conv1x1_nhwc_mma_supported(a) || !trtk::aligned16(a->x) || !trtk::aligned16(a->w) ||
      !trtk::aligned16(a->y) || (a->bias && !trtk::aligned16(a->bias)) ||
      (a->residual && !trtk::aligned16(a->residual)))
    return cudaErrorInvalidValue;
  const dim3 grid((unsigned)((a->pixels + kMmaTile - 1) / kMmaTile),
                  (unsigned)((a->out_channels + kMmaTile - 1) / kMmaTile));
  conv1x1_nhwc_mma_kernel<<<grid, kMmaThreads, 0, stream>>>(*a);
  return cudaGetLastError();
}
