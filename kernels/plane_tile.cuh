/* Windowed 2-D operations on linear (NCHW) planes through shared memory:
 * a block stages the input rows that a run of output rows needs (with the
 * padding filled in), then every output reads its window from there. Each
 * input value is loaded from global memory once per block instead of once
 * per tap, and the taps need no bounds checks: the direct kernels were bound
 * by instructions (some 260 per output for a 3x3 depthwise convolution),
 * not by memory. Used by the depthwise convolution (conv_epilogue.cu) and
 * pooling (pooling.cu). */
#ifndef TRT_KERNELS_PLANE_TILE_CUH
#define TRT_KERNELS_PLANE_TILE_CUH

#include <stdint.h>

#include "kernel_common.cuh"

namespace trtk {

constexpr int kPlaneTileFloats = 4096; /* 16 KiB of shared memory per block */
constexpr int kPlaneTileThreads = 256;

struct PlaneTile {
  int32_t out_rows; /* output rows per block; 0: one row's windows do not fit */
  int32_t cols;     /* staged input columns: every window of an output row */
};

/* The tile for out_h x out_w outputs whose windows span extent_h x
 * extent_w input elements (the dilated kernel) at the given strides. */
inline PlaneTile plane_tile_for(int64_t out_h, int64_t out_w, int64_t extent_h, int64_t extent_w,
                                int64_t stride_h, int64_t stride_w) {
  PlaneTile tile = {0, 0};
  if (out_h <= 0 || out_w <= 0 || extent_h <= 0 || extent_w <= 0 || stride_h <= 0 ||
      stride_w <= 0 || out_w > kPlaneTileFloats || stride_w > kPlaneTileFloats ||
      extent_w > kPlaneTileFloats)
    return tile;
  const int64_t cols = (out_w - 1) * stride_w + extent_w;
  if (cols * extent_h > kPlaneTileFloats)
    return tile;
  int64_t out_rows = (kPlaneTileFloats / cols - extent_h) / stride_h + 1;
  tile.out_rows = (int32_t)(out_rows < out_h ? out_rows : out_h);
  tile.cols = (int32_t)cols;
  return tile;
}

/* Stages rows [row0, row0 + rows) and columns [col0, col0 + cols) of a
 * plane whose element (h, w) is plane[h * row_stride + w * col_stride] into
 * tile (row-major, `cols` per row), `outside` where (h, w) is not inside
 * the in_h x in_w input. */
template <typename T>
__device__ __forceinline__ void
stage_plane(float *tile, const T *plane, int64_t row_stride, int64_t col_stride, int32_t in_h,
            int32_t in_w, int32_t row0, int32_t col0, int32_t rows, int32_t cols, float outside) {
  /* (r, c) of element i walked by blockDim.x steps without a division per
   * element: one division per thread, then carries (four staged values per
   * output at stride 2 made the divisions the staging's main cost) */
  const int32_t step_r = (int32_t)blockDim.x / cols, step_c = (int32_t)blockDim.x % cols;
  int32_t r = (int32_t)threadIdx.x / cols, c = (int32_t)threadIdx.x % cols;
  for (int32_t i = threadIdx.x; i < rows * cols; i += blockDim.x) {
    const int32_t h = row0 + r, w = col0 + c;
    tile[i] = h >= 0 && h < in_h && w >= 0 && w < in_w
                  ? load_float(plane + h * row_stride + w * col_stride)
                  : outside;
    r += step_r;
    c += step_c;
    if (c >= cols) {
      c -= cols;
      r++;
    }
  }
}

} // namespace trtk

#endif
