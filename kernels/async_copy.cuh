/* cp.async (sm_80 and later): 16-byte copies from global to shared memory
 * that run while the block computes, for kernels that stage tiles in two
 * stages (conv1x1.cu, conv1x1_tf32.cu). */
#ifndef TRT_KERNELS_ASYNC_COPY_CUH
#define TRT_KERNELS_ASYNC_COPY_CUH

namespace trtk {

/* Copies 16 bytes from `global` to `shared`, or writes 16 zero bytes when
 * !inside (global is then not read, but must still be a valid address). */
__device__ __forceinline__ void copy16_async(void *shared, const void *global, bool inside) {
  const unsigned address = (unsigned)__cvta_generic_to_shared(shared);
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global),
               "r"(inside ? 16 : 0));
}

/* Closes the group of copies issued since the last commit. */
__device__ __forceinline__ void commit_copies() {
  asm volatile("cp.async.commit_group;\n" ::);
}

/* Waits until at most `kPending` committed groups are still in flight. */
template <int kPending> __device__ __forceinline__ void wait_copies() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending));
}

} // namespace trtk

#endif
