/* Gather kernel: slabs of `inner` elements picked along one axis by an
 * int32 or int64 index tensor, any element size (1, 2, 4, 8 bytes). */
#ifndef TRT_KERNELS_GATHER_CUH
#define TRT_KERNELS_GATHER_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* y[o, i, j] = data[o, index[i] (negative counts from the end), j] for o <
 * outer, i < count, j < inner, the gathered axis having `dim` entries. An
 * index out of [-dim, dim) writes zeros (the CPU reference reports an
 * error; the GPU cannot without synchronizing). */
cudaError_t trt_launch_gather(const void *data, const void *indices, int indices_are_int64,
                              void *y, int element_size, int64_t outer, int64_t dim,
                              int64_t count, int64_t inner, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
