/* Normalization kernels, computing what engine/cpu/normalization.c does:
 * statistics in double, two passes; per-channel constants in double then
 * rounded to float; the final multiply-add rounded like the CPU's (no
 * fused multiply-add). */
#include "normalization.cuh"

namespace {

/* ---- batch norm ---------------------------------------------------------- */

struct ChannelAffine {
  float multiplier, shift;
};

__device__ __forceinline__ ChannelAffine bn_constants(const float *scale, const float *bias,
                                                      const float *mean, const float *var,
                                                      int64_t c, float epsilon) {
  const double inv_std = 1.0 / sqrt((double)var[c] + (double)epsilon);
  const float mean_scale = __fmul_rn(mean[c], scale[c]);
  ChannelAffine a;
  a.multiplier = (float)(scale[c] * inv_std);
  a.shift = (float)__dadd_rn(bias[c], -__dmul_rn(mean_scale, inv_std));
  return a;
}

/* Large planes: blockIdx.x is the (n, c) plane, blockIdx.y strides over it.
 * T: float, or __half in FP16 engines (the arithmetic in float either way). */
template <typename T, bool kStrided>
__global__ void batch_norm_plane_kernel(const T *__restrict__ x, const float *scale,
                                        const float *bias, const float *mean, const float *var,
                                        T *__restrict__ y, int64_t channels, int64_t plane,
                                        float epsilon, trt_kview_t view) {
  __shared__ ChannelAffine affine;
  const int64_t p = blockIdx.x;
  if (threadIdx.x == 0)
    affine = bn_constants(scale, bias, mean, var, p % channels, epsilon);
  __syncthreads();
  const ChannelAffine a = affine;
  for (int64_t i = blockIdx.y * (int64_t)blockDim.x + threadIdx.x; i < plane;
       i += (int64_t)gridDim.y * blockDim.x) {
    const int64_t index = p * plane + i;
    const float v = __fadd_rn(__fmul_rn(trtk::to_float(x[index]), a.multiplier), a.shift);
    trtk::store_float(y + (kStrided ? trtk::view_index(view, index) : index), v);
  }
}

/* Small planes: one thread per element. */
template <typename T, bool kStrided>
__global__ void batch_norm_flat_kernel(const T *__restrict__ x, const float *scale,
                                       const float *bias, const float *mean, const float *var,
                                       T *__restrict__ y, int64_t total, int64_t channels,
                                       int64_t plane, float epsilon, trt_kview_t view) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    const ChannelAffine a = bn_constants(scale, bias, mean, var, (i / plane) % channels, epsilon);
    const float v = __fadd_rn(__fmul_rn(trtk::to_float(x[i]), a.multiplier), a.shift);
    trtk::store_float(y + (kStrided ? trtk::view_index(view, i) : i), v);
  }
}

/* ---- row statistics: one warp or one block per row ----------------------- */

template <bool kPerWarp> struct Group {
  __device__ static int lanes() { return kPerWarp ? 32 : (int)blockDim.x; }
  __device__ static int lane() { return kPerWarp ? (int)(threadIdx.x & 31) : (int)threadIdx.x; }
  __device__ static int64_t first() {
    return kPerWarp ? blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32
                    : (int64_t)blockIdx.x;
  }
  __device__ static int64_t step() {
    return kPerWarp ? (int64_t)gridDim.x * (blockDim.x / 32) : (int64_t)gridDim.x;
  }
  __device__ static double sum(double v, double *scratch) {
    return kPerWarp ? trtk::warp_sum(v) : trtk::block_sum(v, scratch);
  }
};

/* Mean and biased variance of n values, two passes in double. */
template <bool kPerWarp, typename T>
__device__ void row_moments(const T *x, int64_t n, double *scratch, double *mean,
                            double *variance) {
  typedef Group<kPerWarp> G;
  double sum = 0;
  for (int64_t i = G::lane(); i < n; i += G::lanes())
    sum += trtk::to_float(x[i]);
  sum = G::sum(sum, scratch);
  const double m = n > 0 ? sum / (double)n : 0.0;
  double squares = 0;
  for (int64_t i = G::lane(); i < n; i += G::lanes()) {
    const double d = trtk::to_float(x[i]) - m;
    squares += d * d;
  }
  squares = G::sum(squares, scratch);
  *mean = m;
  *variance = n > 0 ? squares / (double)n : 0.0;
}

template <bool kPerWarp>
__global__ void instance_norm_kernel(const float *__restrict__ x, const float *scale,
                                     const float *bias, float *__restrict__ y, int64_t planes,
                                     int64_t channels, int64_t plane, float epsilon) {
  typedef Group<kPerWarp> G;
  __shared__ double scratch[32];
  for (int64_t p = G::first(); p < planes; p += G::step()) {
    const int64_t c = p % channels;
    const float *xp = x + p * plane;
    float *yp = y + p * plane;
    double mean, variance;
    row_moments<kPerWarp>(xp, plane, scratch, &mean, &variance);
    const double multiplier = scale[c] / sqrt(variance + epsilon);
    const float m = (float)multiplier;
    const float shift = (float)__dadd_rn(bias[c], -__dmul_rn(mean, multiplier));
    for (int64_t i = G::lane(); i < plane; i += G::lanes())
      yp[i] = __fadd_rn(__fmul_rn(xp[i], m), shift);
  }
}

__device__ __forceinline__ int64_t map_index(const trt_krow_map_t &map, int64_t j) {
  if (map.rank == 0)
    return j;
  int64_t index = 0;
  for (int d = map.rank - 1; d >= 0; d--) {
    index += (j % map.dims[d]) * map.strides[d];
    j /= map.dims[d];
  }
  return index;
}

template <typename T, bool kPerWarp>
__global__ void layer_norm_kernel(const T *__restrict__ x, const float *scale,
                                  trt_krow_map_t scale_map, const float *bias,
                                  trt_krow_map_t bias_map, T *__restrict__ y, float *mean_out,
                                  float *inv_std_out, int64_t rows, int64_t row, float epsilon) {
  typedef Group<kPerWarp> G;
  __shared__ double scratch[32];
  for (int64_t r = G::first(); r < rows; r += G::step()) {
    const T *xr = x + r * row;
    T *yr = y + r * row;
    double mean, variance;
    row_moments<kPerWarp>(xr, row, scratch, &mean, &variance);
    const float m = (float)mean, s = (float)(1.0 / sqrt(variance + epsilon));
    for (int64_t i = G::lane(); i < row; i += G::lanes()) {
      float v = __fmul_rn(__fmul_rn(__fsub_rn(trtk::to_float(xr[i]), m), s),
                          scale[map_index(scale_map, i)]);
      if (bias)
        v = __fadd_rn(v, bias[map_index(bias_map, i)]);
      trtk::store_float(yr + i, v);
    }
    if (G::lane() == 0) {
      if (mean_out)
        mean_out[r] = m;
      if (inv_std_out)
        inv_std_out[r] = s;
    }
  }
}

/* ---- LRN ------------------------------------------------------------------ */

__global__ void lrn_kernel(const float *__restrict__ x, float *__restrict__ y, int64_t total,
                           int64_t channels, int64_t plane, int64_t size, float alpha_over_size,
                           float beta, float bias) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    const int64_t p = i / plane, offset = i % plane;
    const int64_t n = p / channels, c = p % channels;
    int64_t first = c - (size - 1) / 2, last = c + size / 2;
    first = first < 0 ? 0 : first;
    last = last > channels - 1 ? channels - 1 : last;
    const float *batch = x + n * channels * plane + offset;
    float sum = 0.0f;
    for (int64_t k = first; k <= last; k++) {
      const float v = batch[k * plane];
      sum = __fadd_rn(sum, __fmul_rn(v, v));
    }
    y[i] = x[i] / powf(__fadd_rn(bias, __fmul_rn(alpha_over_size, sum)), beta);
  }
}

unsigned row_blocks(int64_t rows, bool per_warp) {
  int64_t blocks = per_warp ? (rows + trtk::kThreads / 32 - 1) / (trtk::kThreads / 32) : rows;
  if (blocks > 65535LL * 16)
    blocks = 65535LL * 16;
  return (unsigned)(blocks < 1 ? 1 : blocks);
}

template <typename T>
void launch_batch_norm(const T *x, const float *scale, const float *bias, const float *mean,
                       const float *var, T *y, int64_t batch, int64_t channels, int64_t plane,
                       float epsilon, trt_kview_t view, cudaStream_t stream) {
  const int64_t planes = batch * channels, total = planes * plane;
  const bool strided = trtk::view_strided(view);
  if (plane >= 256 && planes <= INT32_MAX) {
    int64_t chunks = (plane + trtk::kThreads * 4 - 1) / (trtk::kThreads * 4);
    chunks = chunks > 65535 ? 65535 : chunks;
    const dim3 grid((unsigned)planes, (unsigned)chunks);
    if (strided)
      batch_norm_plane_kernel<T, true><<<grid, trtk::kThreads, 0, stream>>>(
          x, scale, bias, mean, var, y, channels, plane, epsilon, view);
    else
      batch_norm_plane_kernel<T, false><<<grid, trtk::kThreads, 0, stream>>>(
          x, scale, bias, mean, var, y, channels, plane, epsilon, view);
  } else if (strided) {
    batch_norm_flat_kernel<T, true><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
        x, scale, bias, mean, var, y, total, channels, plane, epsilon, view);
  } else {
    batch_norm_flat_kernel<T, false><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
        x, scale, bias, mean, var, y, total, channels, plane, epsilon, view);
  }
}

} // namespace

extern "C" cudaError_t trt_launch_batch_norm(const void *x, const float *scale, const float *bias,
                                             const float *mean, const float *var, void *y,
                                             int64_t batch, int64_t channels, int64_t plane,
                                             float epsilon, trt_kview_t view, int half,
                                             cudaStream_t stream) {
  if (batch * channels * plane <= 0)
    return cudaSuccess;
  if (half)
    launch_batch_norm((const __half *)x, scale, bias, mean, var, (__half *)y, batch, channels,
                      plane, epsilon, view, stream);
  else
    launch_batch_norm((const float *)x, scale, bias, mean, var, (float *)y, batch, channels, plane,
                      epsilon, view, stream);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_instance_norm(const float *x, const float *scale,
                                                const float *bias, float *y, int64_t batch,
                                                int64_t channels, int64_t plane, float epsilon,
                                                cudaStream_t stream) {
  const int64_t planes = batch * channels;
  if (planes <= 0 || plane <= 0)
    return cudaSuccess;
  const bool per_warp = plane <= 2048;
  const unsigned blocks = row_blocks(planes, per_warp);
  if (per_warp)
    instance_norm_kernel<true><<<blocks, trtk::kThreads, 0, stream>>>(x, scale, bias, y, planes,
                                                                      channels, plane, epsilon);
  else
    instance_norm_kernel<false><<<blocks, 512, 0, stream>>>(x, scale, bias, y, planes, channels,
                                                            plane, epsilon);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_layer_norm(const void *x, const float *scale,
                                             trt_krow_map_t scale_map, const float *bias,
                                             trt_krow_map_t bias_map, void *y, float *mean,
                                             float *inv_std, int64_t rows, int64_t row,
                                             float epsilon, int half, cudaStream_t stream) {
  if (rows <= 0)
    return cudaSuccess;
  const bool per_warp = row <= 2048;
  const unsigned blocks = row_blocks(rows, per_warp);
  const int threads = per_warp ? trtk::kThreads : 512;
  if (half && per_warp)
    layer_norm_kernel<__half, true>
        <<<blocks, threads, 0, stream>>>((const __half *)x, scale, scale_map, bias, bias_map,
                                         (__half *)y, mean, inv_std, rows, row, epsilon);
  else if (half)
    layer_norm_kernel<__half, false>
        <<<blocks, threads, 0, stream>>>((const __half *)x, scale, scale_map, bias, bias_map,
                                         (__half *)y, mean, inv_std, rows, row, epsilon);
  else if (per_warp)
    layer_norm_kernel<float, true>
        <<<blocks, threads, 0, stream>>>((const float *)x, scale, scale_map, bias, bias_map,
                                         (float *)y, mean, inv_std, rows, row, epsilon);
  else
    layer_norm_kernel<float, false>
        <<<blocks, threads, 0, stream>>>((const float *)x, scale, scale_map, bias, bias_map,
                                         (float *)y, mean, inv_std, rows, row, epsilon);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_lrn(const float *x, float *y, int64_t batch, int64_t channels,
                                      int64_t plane, int64_t size, float alpha, float beta,
                                      float bias, cudaStream_t stream) {
  const int64_t total = batch * channels * plane;
  if (total <= 0)
    return cudaSuccess;
  const float alpha_over_size = alpha / (float)size;
  lrn_kernel<<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
      x, y, total, channels, plane, size, alpha_over_size, beta, bias);
  return cudaGetLastError();
}
