/* Transposes. The tiled kernel moves 32x32 tiles of the plane spanned by
 * the input's contiguous axis (a) and the output's contiguous axis (the
 * last): reads are coalesced along a, writes along the last axis; every
 * other axis is a batch. */
#include "transpose.cuh"

namespace {

constexpr int kTile = 32;
constexpr int kRows = 8;

template <typename T>
__global__ void transpose_general_kernel(const T *__restrict__ x, T *__restrict__ y,
                                         trt_ktranspose_t plan, int64_t total) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t rest = i, offset = 0;
    for (int d = plan.rank - 1; d >= 0; d--) {
      offset += (rest % plan.out_dims[d]) * plan.in_strides[d];
      rest /= plan.out_dims[d];
    }
    y[i] = x[offset];
  }
}

/* `batch` describes the batch axes: their output dims, input strides and
 * output strides. */
struct Batch {
  int rank;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t in_strides[TRT_KERNEL_MAX_DIMS];
  int64_t out_strides[TRT_KERNEL_MAX_DIMS];
  int64_t count;
};

template <typename T>
__global__ void transpose_tiled_kernel(const T *__restrict__ x, T *__restrict__ y, Batch batch,
                                       int64_t size_a, int64_t size_l, int64_t in_stride_l,
                                       int64_t out_stride_a) {
  __shared__ T tile[kTile][kTile + 1];
  const int64_t tiles_a = (size_a + kTile - 1) / kTile, tiles_l = (size_l + kTile - 1) / kTile;
  for (int64_t b = blockIdx.z; b < batch.count; b += gridDim.z) {
    int64_t rest = b, in_base = 0, out_base = 0;
    for (int d = batch.rank - 1; d >= 0; d--) {
      const int64_t index = rest % batch.dims[d];
      rest /= batch.dims[d];
      in_base += index * batch.in_strides[d];
      out_base += index * batch.out_strides[d];
    }
    for (int64_t ta = blockIdx.y; ta < tiles_a; ta += gridDim.y) {
      for (int64_t tl = blockIdx.x; tl < tiles_l; tl += gridDim.x) {
        const int64_t a0 = ta * kTile, l0 = tl * kTile;
        __syncthreads(); /* the previous tile has been written out */
        for (int k = threadIdx.y; k < kTile; k += kRows) {
          const int64_t a = a0 + threadIdx.x, l = l0 + k;
          if (a < size_a && l < size_l)
            tile[k][threadIdx.x] = x[in_base + a + l * in_stride_l];
        }
        __syncthreads();
        for (int k = threadIdx.y; k < kTile; k += kRows) {
          const int64_t l = l0 + threadIdx.x, a = a0 + k;
          if (a < size_a && l < size_l)
            y[out_base + a * out_stride_a + l] = tile[threadIdx.x][k];
        }
      }
    }
  }
}

template <typename T>
cudaError_t launch_typed(const void *x, void *y, const trt_ktranspose_t &plan,
                         cudaStream_t stream) {
  int64_t total = 1, out_strides[TRT_KERNEL_MAX_DIMS];
  for (int d = plan.rank - 1; d >= 0; d--) {
    out_strides[d] = total;
    total *= plan.out_dims[d];
  }
  if (total <= 0)
    return cudaSuccess;
  const int last = plan.rank - 1;
  int a = -1;
  for (int d = 0; d < plan.rank; d++)
    if (plan.in_strides[d] == 1 && plan.out_dims[d] > 1)
      a = d;
  if (a < 0 || a == last || plan.out_dims[last] < 2) {
    transpose_general_kernel<T><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
        (const T *)x, (T *)y, plan, total);
    return cudaGetLastError();
  }
  Batch batch = {};
  batch.count = 1;
  for (int d = 0; d < plan.rank; d++) {
    if (d == a || d == last)
      continue;
    batch.dims[batch.rank] = plan.out_dims[d];
    batch.in_strides[batch.rank] = plan.in_strides[d];
    batch.out_strides[batch.rank++] = out_strides[d];
    batch.count *= plan.out_dims[d];
  }
  const int64_t size_a = plan.out_dims[a], size_l = plan.out_dims[last];
  const int64_t tiles_a = (size_a + kTile - 1) / kTile, tiles_l = (size_l + kTile - 1) / kTile;
  const dim3 grid((unsigned)(tiles_l < 65535 ? tiles_l : 65535),
                  (unsigned)(tiles_a < 65535 ? tiles_a : 65535),
                  (unsigned)(batch.count < 65535 ? batch.count : 65535));
  transpose_tiled_kernel<T><<<grid, dim3(kTile, kRows), 0, stream>>>(
      (const T *)x, (T *)y, batch, size_a, size_l, plan.in_strides[last], out_strides[a]);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_transpose(const void *x, void *y, int element_size,
                                            trt_ktranspose_t plan, cudaStream_t stream) {
  if (plan.rank < 1 || plan.rank > TRT_KERNEL_MAX_DIMS)
    return cudaErrorInvalidValue;
  switch (element_size) {
  case 1: return launch_typed<uint8_t>(x, y, plan, stream);
  case 2: return launch_typed<uint16_t>(x, y, plan, stream);
  case 4: return launch_typed<uint32_t>(x, y, plan, stream);
  case 8: return launch_typed<uint64_t>(x, y, plan, stream);
  default: return cudaErrorInvalidValue;
  }
}
