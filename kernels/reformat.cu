/* Reformat kernel (reformat.cuh). Threads walk the elements in the
 * destination's memory order (dims sorted by destination stride), so that
 * writes are coalesced; reads follow the source's strides. */
#include "kernel_common.cuh"
#include "reformat.cuh"

namespace {

struct order_t {
  int rank;
  int64_t dims[TRT_KREFORMAT_RANK]; /* outermost first, in destination order */
  int64_t src[TRT_KREFORMAT_RANK];
  int64_t dst[TRT_KREFORMAT_RANK];
};

template <typename From, typename To>
__global__ void reformat_kernel(const From *__restrict__ src, To *__restrict__ dst, order_t o,
                                int64_t total) {
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    int64_t rest = i, from = 0, to = 0;
    for (int d = o.rank - 1; d >= 0; d--) {
      const int64_t index = rest % o.dims[d];
      rest /= o.dims[d];
      from += index * o.src[d];
      to += index * o.dst[d];
    }
    trtk::store_float(dst + to, trtk::load_float(src + from));
  }
}

template <typename From, typename To>
cudaError_t launch(const void *src, void *dst, const order_t &o, int64_t total,
                   cudaStream_t stream) {
  reformat_kernel<From, To><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
      (const From *)src, (To *)dst, o, total);
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_reformat(const void *src, int src_type, void *dst, int dst_type,
                                           trt_kreformat_t r, cudaStream_t stream) {
  if (r.rank < 1 || r.rank > TRT_KREFORMAT_RANK)
    return cudaErrorInvalidValue;
  /* Destination order: dims by decreasing destination stride (a stable
   * insertion sort keeps the logical order among equal strides). */
  int perm[TRT_KREFORMAT_RANK];
  for (int d = 0; d < r.rank; d++) {
    int k = d;
    while (k > 0 && r.dst_strides[perm[k - 1]] < r.dst_strides[d]) {
      perm[k] = perm[k - 1];
      k--;
    }
    perm[k] = d;
  }
  order_t o = {r.rank, {0}, {0}, {0}};
  for (int d = 0; d < r.rank; d++) {
    o.dims[d] = r.dims[perm[d]];
    o.src[d] = r.src_strides[perm[d]];
    o.dst[d] = r.dst_strides[perm[d]];
  }
  const int64_t total = trtk::volume(r.dims, r.rank);
  if (total <= 0)
    return cudaSuccess;
  const bool src_half = src_type == TRT_KTYPE_FLOAT16, dst_half = dst_type == TRT_KTYPE_FLOAT16;
  if ((!src_half && src_type != TRT_KTYPE_FLOAT32) || (!dst_half && dst_type != TRT_KTYPE_FLOAT32))
    return cudaErrorInvalidValue;
  if (src_half)
    return dst_half ? launch<__half, __half>(src, dst, o, total, stream)
                    : launch<__half, float>(src, dst, o, total, stream);
  return dst_half ? launch<float, __half>(src, dst, o, total, stream)
                  : launch<float, float>(src, dst, o, total, stream);
}
