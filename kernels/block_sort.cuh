/* One thread block sorting keys in place (global or shared memory): a
 * bitonic sort of a power-of-two count, ascending; pad unused keys with
 * UINT64_MAX so they sort last. The detection kernels sort candidates by
 * (descending score key << 32) | index with it. */
#ifndef TRT_KERNELS_BLOCK_SORT_CUH
#define TRT_KERNELS_BLOCK_SORT_CUH

#include <stdint.h>

namespace trtk {

__device__ inline int64_t next_pow2(int64_t n) {
  int64_t p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

/* keys[from, to) = UINT64_MAX, then a barrier. */
__device__ inline void pad_keys(uint64_t *keys, int64_t from, int64_t to) {
  for (int64_t i = from + threadIdx.x; i < to; i += blockDim.x)
    keys[i] = UINT64_MAX;
  __syncthreads();
}

/* Every thread of the block calls it; `size` a power of two. */
__device__ inline void block_sort(uint64_t *keys, int64_t size) {
  for (int64_t k = 2; k <= size; k <<= 1) {
    for (int64_t j = k >> 1; j > 0; j >>= 1) {
      for (int64_t i = threadIdx.x; i < size; i += blockDim.x) {
        const int64_t partner = i ^ j;
        if (partner <= i)
          continue;
        const uint64_t a = keys[i], b = keys[partner];
        const bool ascending = (i & k) == 0;
        if ((a > b) == ascending) {
          keys[i] = b;
          keys[partner] = a;
        }
      }
      __syncthreads();
    }
  }
}

} // namespace trtk

#endif
