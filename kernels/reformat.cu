/* Reformat kernel (reformat.cuh). Threads walk the elements in the
 * destination's memory order (dims sorted by destination stride), so that
 * writes are coalesced; reads follow the source's strides. */
#include "kernel_common.cuh"
#include "reformat.cuh"

namespace {

/* Always TRT_KREFORMAT_RANK dims (unused outer ones of size 1), so that the
 * kernel's loops unroll and its index arrays stay in registers. */
struct order_t {
  int64_t dims[TRT_KREFORMAT_RANK]; /* outermost first, in destination order */
  int64_t src[TRT_KREFORMAT_RANK];
  int64_t dst[TRT_KREFORMAT_RANK];
};

/* Index: int when every offset fits (32-bit division is several times
 * cheaper than 64-bit, and these kernels are all index arithmetic). */
template <typename From, typename To, typename Index>
__global__ void reformat_kernel(const From *__restrict__ src, To *__restrict__ dst, order_t o,
                                Index total) {
  Index dims[TRT_KREFORMAT_RANK], src_strides[TRT_KREFORMAT_RANK], dst_strides[TRT_KREFORMAT_RANK];
#pragma unroll
  for (int d = 0; d < TRT_KREFORMAT_RANK; d++) {
    dims[d] = (Index)o.dims[d];
    src_strides[d] = (Index)o.src[d];
    dst_strides[d] = (Index)o.dst[d];
  }
  for (Index i = (Index)trtk::global_thread(); i < total; i += (Index)trtk::grid_threads()) {
    Index rest = i, from = 0, to = 0;
#pragma unroll
    for (int d = TRT_KREFORMAT_RANK - 1; d >= 0; d--) {
      const Index index = rest % dims[d];
      rest /= dims[d];
      from += index * src_strides[d];
      to += index * dst_strides[d];
    }
    trtk::store_float(dst + to, trtk::load_float(src + from));
  }
}

/* Packed NCHW planes to packed NHWC pixels for few channels (an image
 * input entering a channels-last network): one thread per pixel reads its
 * channels from the planes (coalesced across the warp) and writes them
 * side by side, with one division per pixel where the generic kernel
 * spends four per element. */
constexpr int64_t kMaxPixelChannels = 8;

template <typename From, typename To>
__global__ void planes_to_pixels_kernel(const From *__restrict__ src, To *__restrict__ dst,
                                        int32_t channels, int32_t plane, int32_t pixels) {
  for (int32_t i = (int32_t)trtk::global_thread(); i < pixels; i += (int32_t)trtk::grid_threads()) {
    const int32_t n = i / plane, at = i % plane;
    const From *from = src + (int64_t)n * channels * plane + at;
    To *to = dst + (int64_t)i * channels;
    for (int32_t c = 0; c < channels; c++)
      trtk::store_float(to + c, trtk::load_float(from + (int64_t)c * plane));
  }
}

/* Whether r copies packed [N, C, H, W] into packed [N, H, W, C], C small. */
bool planes_to_pixels(const trt_kreformat_t &r) {
  if (r.rank != 4)
    return false;
  const int64_t n = r.dims[0], c = r.dims[1], h = r.dims[2], w = r.dims[3];
  const int64_t *s = r.src_strides, *d = r.dst_strides;
  return c > 1 && c <= kMaxPixelChannels && n * c * h * w < INT32_MAX && s[3] == 1 &&
         s[2] == w && s[1] == h * w && s[0] == c * h * w && d[1] == 1 && d[3] == c &&
         d[2] == w * c && d[0] == h * w * c;
}

template <typename From, typename To>
cudaError_t launch_planes_to_pixels(const void *src, void *dst, const trt_kreformat_t &r,
                                    cudaStream_t stream) {
  const int64_t pixels = r.dims[0] * r.dims[2] * r.dims[3];
  planes_to_pixels_kernel<From, To><<<trtk::grid_for(pixels), trtk::kThreads, 0, stream>>>(
      (const From *)src, (To *)dst, (int32_t)r.dims[1], (int32_t)(r.dims[2] * r.dims[3]),
      (int32_t)pixels);
  return cudaGetLastError();
}

/* The largest offset the strides reach, for choosing the index type. */
int64_t reach(const int64_t *dims, const int64_t *strides, int rank) {
  int64_t last = 0;
  for (int d = 0; d < rank; d++)
    last += (dims[d] - 1) * strides[d];
  return last;
}

template <typename From, typename To>
cudaError_t launch(const void *src, void *dst, const order_t &o, int64_t total,
                   cudaStream_t stream) {
  const int64_t limit = INT32_MAX / 2;
  if (total < limit && reach(o.dims, o.src, TRT_KREFORMAT_RANK) < limit &&
      reach(o.dims, o.dst, TRT_KREFORMAT_RANK) < limit)
    reformat_kernel<From, To, int32_t><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
        (const From *)src, (To *)dst, o, (int32_t)total);
  else
    reformat_kernel<From, To, int64_t><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
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
  order_t o;
  const int unused = TRT_KREFORMAT_RANK - r.rank;
  for (int d = 0; d < TRT_KREFORMAT_RANK; d++) {
    const bool used = d >= unused;
    o.dims[d] = used ? r.dims[perm[d - unused]] : 1;
    o.src[d] = used ? r.src_strides[perm[d - unused]] : 0;
    o.dst[d] = used ? r.dst_strides[perm[d - unused]] : 0;
  }
  const int64_t total = trtk::volume(r.dims, r.rank);
  if (total <= 0)
    return cudaSuccess;
  const bool src_half = src_type == TRT_KTYPE_FLOAT16, dst_half = dst_type == TRT_KTYPE_FLOAT16;
  if ((!src_half && src_type != TRT_KTYPE_FLOAT32) || (!dst_half && dst_type != TRT_KTYPE_FLOAT32))
    return cudaErrorInvalidValue;
  if (planes_to_pixels(r)) {
    if (src_half)
      return dst_half ? launch_planes_to_pixels<__half, __half>(src, dst, r, stream)
                      : launch_planes_to_pixels<__half, float>(src, dst, r, stream);
    return dst_half ? launch_planes_to_pixels<float, __half>(src, dst, r, stream)
                    : launch_planes_to_pixels<float, float>(src, dst, r, stream);
  }
  if (src_half)
    return dst_half ? launch<__half, __half>(src, dst, o, total, stream)
                    : launch<__half, float>(src, dst, o, total, stream);
  return dst_half ? launch<float, __half>(src, dst, o, total, stream)
                  : launch<float, float>(src, dst, o, total, stream);
}
