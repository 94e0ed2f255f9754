/* Softmax kernels, computing what engine/cpu/softmax.c does: the maximum is
 * subtracted before exponentiating (expf), sums accumulate in double; a
 * softmax multiplies by the rounded inverse sum, a log-softmax subtracts
 * max + log(sum). y may be x.
 *
 * Contiguous rows (inner == 1): one warp per row up to 1024 elements, else
 * one block per row. Strided columns: one thread per (outer, inner) column,
 * neighbouring threads reading neighbouring addresses. */
#include "kernel_common.cuh"
#include "softmax.cuh"

namespace {

template <bool kPerWarp>
__global__ void softmax_rows_kernel(const float *x, float *y, int64_t rows, int64_t n, bool log) {
  __shared__ double sums[32];
  __shared__ float maxima[32];
  const int lanes = kPerWarp ? 32 : blockDim.x;
  const int lane = kPerWarp ? (threadIdx.x & 31) : threadIdx.x;
  const int64_t first = kPerWarp ? blockIdx.x * (int64_t)(blockDim.x / 32) + threadIdx.x / 32
                                 : (int64_t)blockIdx.x;
  const int64_t step = kPerWarp ? (int64_t)gridDim.x * (blockDim.x / 32) : (int64_t)gridDim.x;
  for (int64_t r = first; r < rows; r += step) {
    const float *xr = x + r * n;
    float *yr = y + r * n;
    float max = -INFINITY;
    for (int64_t i = lane; i < n; i += lanes)
      max = xr[i] > max ? xr[i] : max;
    max = kPerWarp ? trtk::warp_max(max) : trtk::block_max(max, maxima);
    double sum = 0;
    for (int64_t i = lane; i < n; i += lanes)
      sum += expf(xr[i] - max);
    sum = kPerWarp ? trtk::warp_sum(sum) : trtk::block_sum(sum, sums);
    if (log) {
      const float shift = max + (float)::log(sum);
      for (int64_t i = lane; i < n; i += lanes)
        yr[i] = xr[i] - shift;
    } else {
      const float inverse = (float)(1.0 / sum);
      for (int64_t i = lane; i < n; i += lanes)
        yr[i] = expf(xr[i] - max) * inverse;
    }
    if (!kPerWarp)
      __syncthreads(); /* the next row's reductions reuse the scratch */
  }
}

__global__ void softmax_columns_kernel(const float *x, float *y, int64_t outer, int64_t n,
                                       int64_t inner, bool log) {
  const int64_t columns = outer * inner;
  for (int64_t column = trtk::global_thread(); column < columns; column += trtk::grid_threads()) {
    const int64_t o = column / inner, j = column % inner;
    const float *xc = x + o * n * inner + j;
    float *yc = y + o * n * inner + j;
    float max = -INFINITY;
    for (int64_t k = 0; k < n; k++)
      max = xc[k * inner] > max ? xc[k * inner] : max;
    double sum = 0;
    for (int64_t k = 0; k < n; k++)
      sum += expf(xc[k * inner] - max);
    if (log) {
      const float shift = max + (float)::log(sum);
      for (int64_t k = 0; k < n; k++)
        yc[k * inner] = xc[k * inner] - shift;
    } else {
      const float inverse = (float)(1.0 / sum);
      for (int64_t k = 0; k < n; k++)
        yc[k * inner] = expf(xc[k * inner] - max) * inverse;
    }
  }
}

} // namespace

extern "C" cudaError_t trt_launch_softmax(const float *x, float *y, int64_t outer, int64_t n,
                                          int64_t inner, int log, cudaStream_t stream) {
  if (outer <= 0 || n <= 0 || inner <= 0)
    return cudaSuccess;
  if (inner > 1) {
    softmax_columns_kernel<<<trtk::grid_for(outer * inner), trtk::kThreads, 0, stream>>>(
        x, y, outer, n, inner, log != 0);
  } else if (n <= 1024) {
    const int warps = trtk::kThreads / 32;
    int64_t blocks = (outer + warps - 1) / warps;
    blocks = blocks > 65535 * 16 ? 65535 * 16 : blocks;
    softmax_rows_kernel<true><<<(unsigned)blocks, trtk::kThreads, 0, stream>>>(x, y, outer, n,
                                                                               log != 0);
  } else {
    const int64_t blocks = outer > 65535 * 16 ? 65535 * 16 : outer;
    softmax_rows_kernel<false><<<(unsigned)blocks, 512, 0, stream>>>(x, y, outer, n, log != 0);
  }
  return cudaGetLastError();
}
