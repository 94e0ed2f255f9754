/* Transpose kernels for any element size (1, 2, 4, 8 bytes). */
#ifndef TRT_KERNELS_TRANSPOSE_CUH
#define TRT_KERNELS_TRANSPOSE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* The output's dims (simplified: size-1 dims dropped, axes that stay
 * neighbours merged) and, for each output axis, its element stride in the
 * input. The output is contiguous. */
typedef struct {
  int rank;
  int64_t out_dims[TRT_KERNEL_MAX_DIMS];
  int64_t in_strides[TRT_KERNEL_MAX_DIMS];
} trt_ktranspose_t;

/* Tiled through shared memory when the input's contiguous axis is not the
 * output's; a direct gather otherwise. */
cudaError_t trt_launch_transpose(const void *x, void *y, int element_size, trt_ktranspose_t plan,
                                 cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
