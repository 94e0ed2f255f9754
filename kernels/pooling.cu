/* Pooling kernels, computing what engine/cpu/pooling.c does: window taps in
 * the same order, float sums, NaN propagating through max, the average's
 * divisor counting taps inside the input (or inside the explicitly padded
 * input with count_include_pad), over the taps numerics/window.h finds
 * inside the input. Global pooling sums in double. */
#include "numerics/window.h"
#include "plane_tile.cuh"
#include "pooling.cuh"

namespace {

/* One output of windowed pooling: the window at `start` (per spatial dim)
 * over a plane whose element (d, h, w) is xp[((d * H + h) * W + w) *
 * pixel_stride] (1 for NCHW, C for channels-last). */
template <typename T>
__device__ float pool_window(const T *__restrict__ xp, int64_t pixel_stride, const trt_kpool_t &g,
                             const int64_t *start) {
  trt_tap_range_t taps[3];
  for (int k = 0; k < 3; k++)
    taps[k] = trt_window_taps(start[k], g.kernel[k], g.dilation[k], 0, g.in[k]);
  float max = -INFINITY, sum = 0.0f;
  for (int64_t kd = taps[0].first; kd < taps[0].last; kd++) {
    const int64_t id = start[0] + kd * g.dilation[0];
    for (int64_t kh = taps[1].first; kh < taps[1].last; kh++) {
      const int64_t ih = start[1] + kh * g.dilation[1];
      const T *row = xp + (id * g.in[1] + ih) * g.in[2] * pixel_stride;
      for (int64_t kw = taps[2].first; kw < taps[2].last; kw++) {
        const float value = trtk::load_float(row + (start[2] + kw * g.dilation[2]) * pixel_stride);
        max = (value > max || isnan(value)) ? value : max;
        sum += value;
      }
    }
  }
  if (g.is_max)
    return max;
  int64_t count = 1;
  for (int k = 0; k < 3; k++)
    count *= g.count_include_pad
                 ? trt_window_tap_count(start[k], g.kernel[k], g.dilation[k], -g.pad_begin[k],
                                        g.in[k] + g.pad_end[k])
                 : taps[k].last - taps[k].first;
  return count > 0 ? sum / (float)count : 0.0f;
}

template <typename T, bool kStrided>
__global__ void pool_window_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kpool_t g,
                                   int64_t total, trt_kview_t view) {
  const int64_t out_plane = g.out[0] * g.out[1] * g.out[2];
  const int64_t in_plane = g.in[0] * g.in[1] * g.in[2];
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    const int64_t plane = i / out_plane;
    int64_t rest = i % out_plane;
    const int64_t ow = rest % g.out[2];
    rest /= g.out[2];
    const int64_t oh = rest % g.out[1];
    const int64_t od = rest / g.out[1];
    const int64_t start[3] = {od * g.stride[0] - g.pad_begin[0], oh * g.stride[1] - g.pad_begin[1],
                              ow * g.stride[2] - g.pad_begin[2]};
    const float result = pool_window(x + plane * in_plane, 1, g, start);
    trtk::store_float(y + (kStrided ? trtk::view_index(view, i) : i), result);
  }
}

/* 2-D windowed pooling of a linear (NCHW) tensor through a staged tile
 * (plane_tile.cuh): block (planes, chunk) takes tile.out_rows output rows of
 * one plane, or tile.planes whole planes. Positions outside the input are staged as -inf for max (which
 * no tap's value loses to, NaN included) and 0 for the average (adding
 * nothing), so every window is read whole, in pool_window's order; the
 * average's divisor is pool_window's. kMax: max pooling (else the average);
 * kK: a kK x kK undilated window, unrolled (0: any). */
template <typename T, bool kStrided, bool kMax, int kK>
__global__ void __launch_bounds__(trtk::kPlaneTileThreads)
    pool2d_tile_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kpool_t g,
                                   trtk::PlaneTile tile, trt_kview_t view) {
  __shared__ float staged[trtk::kPlaneTileFloats];
  const int32_t in_h = (int32_t)g.in[1], in_w = (int32_t)g.in[2];
  const int32_t out_h = (int32_t)g.out[1], out_w = (int32_t)g.out[2];
  const int32_t kernel_h = (int32_t)g.kernel[1], kernel_w = (int32_t)g.kernel[2];
  const int32_t stride_h = (int32_t)g.stride[1], stride_w = (int32_t)g.stride[2];
  const int32_t dilation_h = (int32_t)g.dilation[1], dilation_w = (int32_t)g.dilation[2];
  __shared__ int64_t offsets[trtk::kMaxTilePlanes];
  const int64_t plane0 = (int64_t)blockIdx.x * tile.planes;
  const int32_t planes = (int32_t)min((int64_t)tile.planes, g.planes - plane0);
  const int32_t oh0 = (int32_t)blockIdx.y * tile.out_rows;
  const int32_t out_rows = min(tile.out_rows, out_h - oh0);
  const int32_t pad_h = (int32_t)g.pad_begin[1], pad_w = (int32_t)g.pad_begin[2];
  const int32_t staged_rows = (out_rows - 1) * stride_h + (kernel_h - 1) * dilation_h + 1;
  if ((int32_t)threadIdx.x < planes)
    offsets[threadIdx.x] = (plane0 + threadIdx.x) * in_h * in_w;
  __syncthreads();
  trtk::stage_planes(staged, x, offsets, in_w, 1, in_h, in_w, oh0 * stride_h - pad_h, -pad_w,
                     staged_rows, tile.cols, planes, g.is_max ? -INFINITY : 0.0f);
  __syncthreads();
  const int32_t plane_outputs = out_rows * out_w;
  for (int32_t o = threadIdx.x; o < planes * plane_outputs; o += blockDim.x) {
    const int32_t p = o / plane_outputs, rest = o % plane_outputs;
    const int32_t r = rest / out_w, ow = rest % out_w, oh = oh0 + r;
    const float *window =
        staged + (p * staged_rows + r * stride_h) * tile.cols + ow * stride_w;
    const int32_t taps_h = kK > 0 ? kK : kernel_h, taps_w = kK > 0 ? kK : kernel_w;
    const int32_t tap_row = (kK > 0 ? 1 : dilation_h) * tile.cols, tap_col = kK > 0 ? 1 : dilation_w;
    float max = -INFINITY, sum = 0.0f;
#pragma unroll
    for (int32_t kh = 0; kh < taps_h; kh++)
#pragma unroll
      for (int32_t kw = 0; kw < taps_w; kw++) {
        const float value = window[kh * tap_row + kw * tap_col];
        if (kMax)
          max = trtk::max_nan(max, value);
        else
          sum += value;
      }
    float result = max;
    if (!kMax) {
      const int64_t start_h = (int64_t)oh * stride_h - pad_h,
                    start_w = (int64_t)ow * stride_w - pad_w;
      const int64_t count =
          g.count_include_pad
              ? trt_window_tap_count(start_h, kernel_h, dilation_h, -pad_h, in_h + g.pad_end[1]) *
                    trt_window_tap_count(start_w, kernel_w, dilation_w, -pad_w, in_w + g.pad_end[2])
              : trt_window_tap_count(start_h, kernel_h, dilation_h, 0, in_h) *
                    trt_window_tap_count(start_w, kernel_w, dilation_w, 0, in_w);
      result = count > 0 ? sum / (float)count : 0.0f;
    }
    const int64_t i = ((plane0 + p) * out_h + oh) * out_w + ow;
    trtk::store_float(y + (kStrided ? trtk::view_index(view, i) : i), result);
  }
}

/* 2-D max pooling of a linear (NCHW) tensor with a kK x kK undilated
 * window at stride kS in both dims (GoogLeNet's and ResNet's 3x3 and 2x2
 * poolings), one output column per thread: the max of each input row's kK
 * taps is computed once and kept in registers for the kK / kS outputs
 * whose windows share that row, so an output costs kS rows of kK loads and
 * a few max instructions, without shared memory or barriers (the tiled
 * kernel stayed 4-5x above the memory's time on these). Consecutive
 * threads take consecutive columns: loads and stores are coalesced. Taps
 * outside the input count as -inf, as in pool_window; max_nan lets a NaN
 * tap win. */
template <typename T, bool kStrided, int kK, int kS>
__global__ void maxpool2d_columns_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kpool_t g,
                                         int32_t columns, trt_kview_t view) {
  const int32_t in_h = (int32_t)g.in[1], in_w = (int32_t)g.in[2];
  const int32_t out_h = (int32_t)g.out[1], out_w = (int32_t)g.out[2];
  const int32_t pad_h = (int32_t)g.pad_begin[1], pad_w = (int32_t)g.pad_begin[2];
  for (int32_t t = (int32_t)trtk::global_thread(); t < columns; t += (int32_t)trtk::grid_threads()) {
    const int32_t plane = t / out_w, ow = t % out_w;
    const int32_t col0 = ow * kS - pad_w;
    bool inside[kK];
#pragma unroll
    for (int k = 0; k < kK; k++)
      inside[k] = col0 + k >= 0 && col0 + k < in_w;
    const T *image = x + (int64_t)plane * in_h * in_w + col0;
    /* the max of row h's kK taps; -inf outside the input */
    auto row_max = [&](int32_t h) {
      float max = -INFINITY;
      if (h >= 0 && h < in_h) {
#pragma unroll
        for (int k = 0; k < kK; k++)
          if (inside[k])
            max = trtk::max_nan(max, trtk::load_float(image + (int64_t)h * in_w + k));
      }
      return max;
    };
    float rows[kK]; /* row maxima of the current window, top first */
    int32_t top = -pad_h;
#pragma unroll
    for (int k = 0; k < kK; k++)
      rows[k] = row_max(top + k);
    const int64_t first = (int64_t)plane * out_h * out_w + ow;
    for (int32_t oh = 0; oh < out_h; oh++) {
      float max = rows[0];
#pragma unroll
      for (int k = 1; k < kK; k++)
        max = trtk::max_nan(max, rows[k]);
      const int64_t i = first + (int64_t)oh * out_w;
      trtk::store_float(y + (kStrided ? trtk::view_index(view, i) : i), max);
      top += kS;
#pragma unroll
      for (int k = 0; k < kK; k++)
        rows[k] = k + kS < kK ? rows[k + kS] : row_max(top + k);
    }
  }
}

/* Whether maxpool2d_columns_kernel<kK, kS> takes g: 2-D max pooling with
 * a kK x kK undilated window at stride kS, every index within int32. */
bool maxpool_columns_fit(const trt_kpool_t &g, int k, int s) {
  return g.is_max && g.in[0] == 1 && g.out[0] == 1 && g.kernel[0] == 1 && g.kernel[1] == k &&
         g.kernel[2] == k && g.stride[1] == s && g.stride[2] == s && g.dilation[1] == 1 &&
         g.dilation[2] == 1 && g.planes * g.out[2] < INT32_MAX && g.in[1] < INT32_MAX / 4 &&
         g.in[2] < INT32_MAX / 4 && g.out[1] * s < INT32_MAX / 4 && g.out[2] * s < INT32_MAX / 4 &&
         g.pad_begin[1] < INT32_MAX / 4 && g.pad_begin[2] < INT32_MAX / 4;
}

template <typename T, int kK, int kS>
void launch_maxpool_columns(const T *x, T *y, const trt_kpool_t &g, trt_kview_t view,
                            cudaStream_t stream) {
  const int64_t columns = g.planes * g.out[2];
  if (trtk::view_strided(view))
    maxpool2d_columns_kernel<T, true, kK, kS>
        <<<trtk::grid_for(columns), trtk::kThreads, 0, stream>>>(x, y, g, (int32_t)columns, view);
  else
    maxpool2d_columns_kernel<T, false, kK, kS>
        <<<trtk::grid_for(columns), trtk::kThreads, 0, stream>>>(x, y, g, (int32_t)columns, view);
}

/* The tile for 2-D pooling of a linear tensor, out_rows 0 when the tiled
 * kernel does not take it. */
trtk::PlaneTile pool_tile(const trt_kpool_t &g) {
  const trtk::PlaneTile none = {0, 0, 1};
  if (g.in[0] != 1 || g.out[0] != 1 || g.kernel[0] != 1 || g.planes >= INT32_MAX ||
      g.in[1] >= INT32_MAX / 4 || g.in[2] >= INT32_MAX / 4 || g.out[1] >= INT32_MAX / 4 ||
      g.pad_begin[1] >= INT32_MAX / 4 || g.pad_begin[2] >= INT32_MAX / 4 ||
      g.out[1] * g.stride[1] >= INT32_MAX / 4 || g.kernel[1] * g.dilation[1] >= INT32_MAX / 4)
    return none;
  return trtk::plane_tile_for(g.out[1], g.out[2], (g.kernel[1] - 1) * g.dilation[1] + 1,
                              (g.kernel[2] - 1) * g.dilation[2] + 1, g.stride[1], g.stride[2],
                              g.planes);
}

template <typename T>
void launch_pool2d_tile(const T *x, T *y, const trt_kpool_t &g, trtk::PlaneTile tile,
                        trt_kview_t view, cudaStream_t stream) {
  const dim3 grid((unsigned)((g.planes + tile.planes - 1) / tile.planes),
                  (unsigned)((g.out[1] + tile.out_rows - 1) / tile.out_rows));
  const bool strided = trtk::view_strided(view);
  const bool three = g.kernel[1] == 3 && g.kernel[2] == 3 && g.dilation[1] == 1 && g.dilation[2] == 1;
#define TRT_POOL2D_TILE(kStrided, kMax, kK)                                                       \
  pool2d_tile_kernel<T, kStrided, kMax, kK>                                                       \
      <<<grid, trtk::kPlaneTileThreads, 0, stream>>>(x, y, g, tile, view)
  if (g.is_max && three)
    strided ? TRT_POOL2D_TILE(true, true, 3) : TRT_POOL2D_TILE(false, true, 3);
  else if (g.is_max)
    strided ? TRT_POOL2D_TILE(true, true, 0) : TRT_POOL2D_TILE(false, true, 0);
  else if (three)
    strided ? TRT_POOL2D_TILE(true, false, 3) : TRT_POOL2D_TILE(false, false, 3);
  else
    strided ? TRT_POOL2D_TILE(true, false, 0) : TRT_POOL2D_TILE(false, false, 0);
#undef TRT_POOL2D_TILE
}

/* The window kernel on channels-last tensors: element i of the output is
 * (n, od, oh, ow, c) with c fastest, so neighbouring threads read
 * neighbouring channels of the same taps. */
template <typename T, typename Index>
__global__ void pool_window_nhwc_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kpool_t g,
                                        Index total, trt_kview_t view) {
  const int64_t in_pixels = g.in[0] * g.in[1] * g.in[2];
  const Index channels = (Index)g.channels;
  const Index out[3] = {(Index)g.out[0], (Index)g.out[1], (Index)g.out[2]};
  for (Index i = (Index)trtk::global_thread(); i < total; i += (Index)trtk::grid_threads()) {
    /* the index arithmetic in Index (int where it fits: 32-bit division is
     * several times cheaper), the offsets below in int64_t */
    const int64_t c = i % channels;
    Index rest = i / channels;
    const int64_t ow = rest % out[2];
    rest /= out[2];
    const int64_t oh = rest % out[1];
    rest /= out[1];
    const int64_t od = rest % out[0];
    const int64_t n = rest / out[0];
    const int64_t start[3] = {od * g.stride[0] - g.pad_begin[0], oh * g.stride[1] - g.pad_begin[1],
                              ow * g.stride[2] - g.pad_begin[2]};
    const float result = pool_window(x + n * in_pixels * channels + c, channels, g, start);
    trtk::store_float(y + (trtk::view_strided(view) ? trtk::view_index(view, i) : i), result);
  }
}

/* 2-D windowed pooling of a channels-last tensor, one pack of channels
 * (16 bytes: 8 float16 or 4 float32) per thread in 16-byte loads and
 * stores, indices in int32: the common case (ResNet's stem max pooling,
 * GoogLeNet's branch poolings) at the memory's speed. Same taps, order and
 * arithmetic as pool_window. Needs C a multiple of the pack, a packed
 * output, 16-byte aligned tensors and every index within int32. */
template <typename T>
__global__ void pool2d_nhwc_packed_kernel(const T *__restrict__ x, T *__restrict__ y, trt_kpool_t g,
                                          int32_t total) {
  constexpr int kPack = 16 / sizeof(T);
  const int32_t packs = (int32_t)(g.channels / kPack), channels = (int32_t)g.channels;
  const int32_t in_h = (int32_t)g.in[1], in_w = (int32_t)g.in[2];
  const int32_t out_h = (int32_t)g.out[1], out_w = (int32_t)g.out[2];
  for (int32_t i = (int32_t)trtk::global_thread(); i < total; i += (int32_t)trtk::grid_threads()) {
    const int32_t pack = i % packs;
    int32_t rest = i / packs;
    const int32_t ow = rest % out_w;
    rest /= out_w;
    const int32_t oh = rest % out_h;
    const int32_t n = rest / out_h;
    const int64_t start_h = (int64_t)oh * g.stride[1] - g.pad_begin[1];
    const int64_t start_w = (int64_t)ow * g.stride[2] - g.pad_begin[2];
    const trt_tap_range_t taps_h = trt_window_taps(start_h, g.kernel[1], g.dilation[1], 0, in_h);
    const trt_tap_range_t taps_w = trt_window_taps(start_w, g.kernel[2], g.dilation[2], 0, in_w);
    float max[kPack], sum[kPack];
    for (int k = 0; k < kPack; k++) {
      max[k] = -INFINITY;
      sum[k] = 0.0f;
    }
    const T *plane = x + (int64_t)n * in_h * in_w * channels + pack * kPack;
    for (int32_t kh = (int32_t)taps_h.first; kh < (int32_t)taps_h.last; kh++) {
      const int32_t ih = (int32_t)start_h + kh * (int32_t)g.dilation[1];
      for (int32_t kw = (int32_t)taps_w.first; kw < (int32_t)taps_w.last; kw++) {
        const int32_t iw = (int32_t)start_w + kw * (int32_t)g.dilation[2];
        __align__(16) T values[kPack];
        *reinterpret_cast<uint4 *>(values) =
            __ldg(reinterpret_cast<const uint4 *>(plane + (ih * in_w + iw) * channels));
        for (int k = 0; k < kPack; k++) {
          const float value = trtk::to_float(values[k]);
          max[k] = (value > max[k] || isnan(value)) ? value : max[k];
          sum[k] += value;
        }
      }
    }
    float divisor = 1.0f;
    if (!g.is_max) {
      const int64_t count = g.count_include_pad
                                ? trt_window_tap_count(start_h, g.kernel[1], g.dilation[1],
                                                       -g.pad_begin[1], in_h + g.pad_end[1]) *
                                      trt_window_tap_count(start_w, g.kernel[2], g.dilation[2],
                                                           -g.pad_begin[2], in_w + g.pad_end[2])
                                : (taps_h.last - taps_h.first) * (taps_w.last - taps_w.first);
      divisor = (float)count;
    }
    __align__(16) T results[kPack];
    for (int k = 0; k < kPack; k++)
      trtk::store_float(&results[k], g.is_max ? max[k] : divisor > 0 ? sum[k] / divisor : 0.0f);
    *reinterpret_cast<uint4 *>(y + (int64_t)i * kPack) = *reinterpret_cast<const uint4 *>(results);
  }
}

template <typename T>
bool fits_packed_nhwc(const T *x, const T *y, const trt_kpool_t &g, trt_kview_t view) {
  constexpr int kPack = 16 / sizeof(T);
  const int64_t in_elements = g.planes * g.in[0] * g.in[1] * g.in[2];
  const int64_t out_elements = g.planes * g.out[0] * g.out[1] * g.out[2];
  return g.in[0] == 1 && g.out[0] == 1 && g.kernel[0] == 1 && !trtk::view_strided(view) &&
         g.channels % kPack == 0 && (uintptr_t)x % 16 == 0 && (uintptr_t)y % 16 == 0 &&
         in_elements < INT32_MAX && out_elements < INT32_MAX;
}

/* Global pooling of a channels-last input: one thread per (n, c), reading
 * the pixels in turn (neighbouring threads read neighbouring channels). */
template <typename T>
__global__ void pool_global_nhwc_kernel(const T *__restrict__ x, T *__restrict__ y,
                                        int64_t planes, int64_t channels, int64_t size,
                                        int is_max, trt_kview_t view) {
  for (int64_t i = trtk::global_thread(); i < planes; i += trtk::grid_threads()) {
    const int64_t n = i / channels, c = i % channels;
    const T *xp = x + n * size * channels + c;
    float max = -INFINITY;
    double sum = 0;
    bool nan = false;
    for (int64_t p = 0; p < size; p++) {
      const float v = trtk::load_float(xp + p * channels);
      nan = nan || isnan(v);
      max = v > max ? v : max;
      sum += v;
    }
    const float result = is_max ? (nan ? NAN : max) : size > 0 ? (float)sum / (float)size : 0.0f;
    trtk::store_float(y + (trtk::view_strided(view) ? trtk::view_index(view, i) : i), result);
  }
}

/* Global pooling, one warp per plane (kWarps planes per block) or one block
 * per plane for large planes. */
template <typename T, bool kPerWarp>
__global__ void pool_global_kernel(const T *__restrict__ x, T *__restrict__ y, int64_t planes,
                                   int64_t size, int is_max, trt_kview_t view) {
  __shared__ double sums[32];
  __shared__ float maxima[32];
  const int lanes = kPerWarp ? 32 : blockDim.x;
  const int lane = kPerWarp ? (threadIdx.x & 31) : threadIdx.x;
  const int64_t first = kPerWarp ? blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32
                                 : (int64_t)blockIdx.x;
  const int64_t step = kPerWarp ? (int64_t)gridDim.x * (blockDim.x / 32) : (int64_t)gridDim.x;
  for (int64_t plane = first; plane < planes; plane += step) {
    const T *xp = x + plane * size;
    float max = -INFINITY;
    double sum = 0;
    bool nan = false;
    for (int64_t i = lane; i < size; i += lanes) {
      const float v = trtk::load_float(xp + i);
      nan = nan || isnan(v);
      max = v > max ? v : max;
      sum += v;
    }
    float result;
    if (is_max) {
      const bool any_nan = kPerWarp ? __any_sync(0xffffffffu, nan) : __syncthreads_or(nan);
      max = kPerWarp ? trtk::warp_max(max) : trtk::block_max(max, maxima);
      result = any_nan ? NAN : max;
    } else {
      sum = kPerWarp ? trtk::warp_sum(sum) : trtk::block_sum(sum, sums);
      result = size > 0 ? (float)sum / (float)size : 0.0f;
    }
    if (lane == 0)
      trtk::store_float(y + (trtk::view_strided(view) ? trtk::view_index(view, plane) : plane),
                        result);
  }
}

template <typename T>
cudaError_t launch_pooling(const T *x, T *y, const trt_kpool_t &g, int global, trt_kview_t view,
                           cudaStream_t stream) {
  if (g.planes <= 0)
    return cudaSuccess;
  if (g.channels_last) {
    if (g.channels <= 0)
      return cudaErrorInvalidValue;
    if (global) {
      const int64_t size = g.in[0] * g.in[1] * g.in[2];
      pool_global_nhwc_kernel<T><<<trtk::grid_for(g.planes), trtk::kThreads, 0, stream>>>(
          x, y, g.planes, g.channels, size, g.is_max, view);
    } else {
      const int64_t total = g.planes * g.out[0] * g.out[1] * g.out[2];
      if (total <= 0)
        return cudaSuccess;
      if (fits_packed_nhwc(x, y, g, view)) {
        const int64_t packs = total / (16 / (int64_t)sizeof(T));
        pool2d_nhwc_packed_kernel<T>
            <<<trtk::grid_for(packs), trtk::kThreads, 0, stream>>>(x, y, g, (int32_t)packs);
      } else if (total < INT32_MAX / 2)
        pool_window_nhwc_kernel<T, int32_t>
            <<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(x, y, g, (int32_t)total, view);
      else
        pool_window_nhwc_kernel<T, int64_t>
            <<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(x, y, g, total, view);
    }
    return cudaGetLastError();
  }
  if (global) {
    const int64_t size = g.in[0] * g.in[1] * g.in[2];
    if (size >= 8192 && g.planes < 2048) {
      const unsigned blocks = (unsigned)(g.planes < 65535 ? g.planes : 65535);
      pool_global_kernel<T, false>
          <<<blocks, 512, 0, stream>>>(x, y, g.planes, size, g.is_max, view);
    } else {
      const int warps = trtk::kThreads / 32;
      int64_t blocks = (g.planes + warps - 1) / warps;
      blocks = blocks > 65535 * 16 ? 65535 * 16 : blocks;
      pool_global_kernel<T, true><<<(unsigned)blocks, trtk::kThreads, 0, stream>>>(
          x, y, g.planes, size, g.is_max, view);
    }
    return cudaGetLastError();
  }
  const int64_t total = g.planes * g.out[0] * g.out[1] * g.out[2];
  if (total <= 0)
    return cudaSuccess;
  const trtk::PlaneTile tile = pool_tile(g);
  if (maxpool_columns_fit(g, 3, 1))
    launch_maxpool_columns<T, 3, 1>(x, y, g, view, stream);
  else if (maxpool_columns_fit(g, 3, 2))
    launch_maxpool_columns<T, 3, 2>(x, y, g, view, stream);
  else if (maxpool_columns_fit(g, 2, 2))
    launch_maxpool_columns<T, 2, 2>(x, y, g, view, stream);
  else if (tile.out_rows > 0)
    launch_pool2d_tile(x, y, g, tile, view, stream);
  else if (trtk::view_strided(view))
    pool_window_kernel<T, true>
        <<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(x, y, g, total, view);
  else
    pool_window_kernel<T, false>
        <<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(x, y, g, total, view);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_pooling(const void *x, void *y, int type, trt_kpool_t g,
                                          int global, trt_kview_t view, cudaStream_t stream) {
  switch (type) {
  case TRT_KTYPE_FLOAT32:
    return launch_pooling((const float *)x, (float *)y, g, global, view, stream);
  case TRT_KTYPE_FLOAT16:
    return launch_pooling((const __half *)x, (__half *)y, g, global, view, stream);
  default:
    return cudaErrorInvalidValue;
  }
}
