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
/* Small planes (MobileNet's and GoogLeNet's 14x14 and 7x7) share a block,
 * up to this many: one plane per block left each thread one or two loads
 * to wait for, too few bytes in flight to keep the memory busy. */
constexpr int kMaxTilePlanes = 32;
/* ...but never fewer blocks than this, where there are as many planes. */
constexpr int64_t kMinTileBlocks = 1024;
/* Loads each thread issues before it stores any into the tile. */
constexpr int kStageBatch = 4;

struct PlaneTile {
  int32_t out_rows; /* output rows per block; 0: one row's windows do not fit */
  int32_t cols;     /* staged input columns: every window of an output row */
  int32_t planes;   /* planes per block; more than 1 only for whole planes */
};

/* The tile for `planes` planes of out_h x out_w outputs whose windows span
 * extent_h x extent_w input elements (the dilated kernel) at the given
 * strides. */
inline PlaneTile plane_tile_for(int64_t out_h, int64_t out_w, int64_t extent_h, int64_t extent_w,
                                int64_t stride_h, int64_t stride_w, int64_t planes) {
  PlaneTile tile = {0, 0, 1};
  if (out_h <= 0 || out_w <= 0 || extent_h <= 0 || extent_w <= 0 || stride_h <= 0 ||
      stride_w <= 0 || out_w > kPlaneTileFloats || stride_w > kPlaneTileFloats ||
      extent_w > kPlaneTileFloats || planes <= 0)
    return tile;
  const int64_t cols = (out_w - 1) * stride_w + extent_w;
  if (cols * extent_h > kPlaneTileFloats)
    return tile;
  int64_t out_rows = (kPlaneTileFloats / cols - extent_h) / stride_h + 1;
  tile.out_rows = (int32_t)(out_rows < out_h ? out_rows : out_h);
  tile.cols = (int32_t)cols;
  if (tile.out_rows == out_h) {
    const int64_t per_plane = ((out_h - 1) * stride_h + extent_h) * cols;
    int64_t shared = kPlaneTileFloats / per_plane, spread = planes / kMinTileBlocks;
    shared = shared < spread ? shared : spread;
    tile.planes = (int32_t)(shared < 1 ? 1 : shared > kMaxTilePlanes ? kMaxTilePlanes : shared);
  }
  return tile;
}

/* Stages rows [row0, row0 + rows) and columns [col0, col0 + cols) of
 * `planes` planes into tile (plane after plane, row-major, `cols` per row):
 * element (h, w) of plane p is x[offsets[p] + h * row_stride + w *
 * col_stride], `outside` where (h, w) is not inside the in_h x in_w input.
 * offsets lies in shared memory, written before the block's last barrier. */
template <typename T>
__device__ __forceinline__ void
stage_planes(float *tile, const T *x, const int64_t *offsets, int64_t row_stride,
             int64_t col_stride, int32_t in_h, int32_t in_w, int32_t row0, int32_t col0,
             int32_t rows, int32_t cols, int32_t planes, float outside) {
  /* (p, r, c) of element i walked by blockDim.x steps without a division per
   * element: one division per thread, then carries (four staged values per
   * output at stride 2 made the divisions the staging's main cost) */
  const int32_t per_plane = rows * cols, total = planes * per_plane;
  const int32_t step = (int32_t)blockDim.x;
  const int32_t step_p = step / per_plane, step_r = step % per_plane / cols,
                step_c = step % per_plane % cols;
  int32_t p = (int32_t)threadIdx.x / per_plane, r = (int32_t)threadIdx.x % per_plane / cols,
          c = (int32_t)threadIdx.x % per_plane % cols;
  for (int32_t i = threadIdx.x; i < total; i += kStageBatch * step) {
    /* every load of the batch in flight before the first store waits */
    float values[kStageBatch];
#pragma unroll
    for (int b = 0; b < kStageBatch; b++) {
      const int32_t h = row0 + r, w = col0 + c;
      values[b] = i + b * step < total && h >= 0 && h < in_h && w >= 0 && w < in_w
                      ? load_float(x + offsets[p] + h * row_stride + w * col_stride)
                      : outside;
      c += step_c;
      if (c >= cols) {
        c -= cols;
        r++;
      }
      r += step_r;
      if (r >= rows) {
        r -= rows;
        p++;
      }
      p += step_p;
    }
#pragma unroll
    for (int b = 0; b < kStageBatch; b++)
      if (i + b * step < total)
        tile[i + b * step] = values[b];
  }
}

} // namespace trtk

#endif
