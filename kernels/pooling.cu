/* Pooling kernels, computing what engine/cpu/pooling.c does: window taps in
 * the same order, float sums, NaN propagating through max, the average's
 * divisor counting taps inside the input (or inside the explicitly padded
 * input with count_include_pad), over the taps numerics/window.h finds
 * inside the input. Global pooling sums in double. */
#include "numerics/window.h"
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
      if (total < INT32_MAX / 2)
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
  if (trtk::view_strided(view))
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
