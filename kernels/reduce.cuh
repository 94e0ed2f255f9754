/* Reduction kernels over arbitrary axes (float32, int32, int64): mean, sum,
 * max, min, prod. */
#ifndef TRT_KERNELS_REDUCE_CUH
#define TRT_KERNELS_REDUCE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* The input as merged groups of dims, outermost first, each kept or
 * reduced, with its element stride. Output element o (an index over the
 * kept groups) reduces reduced_count elements. */
typedef struct {
  int nb_kept, nb_reduced;
  int64_t kept_size[TRT_KERNEL_MAX_DIMS], kept_stride[TRT_KERNEL_MAX_DIMS];
  int64_t reduced_size[TRT_KERNEL_MAX_DIMS], reduced_stride[TRT_KERNEL_MAX_DIMS];
  int64_t reduced_count;
} trt_kreduce_t;

/* `kind` is a trt_reduce_kind_t value, `type` a TRT_KTYPE_ value (float32,
 * int32, int64); y has `outputs` elements of the same type. */
cudaError_t trt_launch_reduce(const void *x, void *y, int type, int kind, trt_kreduce_t plan,
                              int64_t outputs, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
