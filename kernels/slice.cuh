/* Slice and pad kernels for any element size (1, 2, 4, 8 bytes). */
#ifndef TRT_KERNELS_SLICE_CUH
#define TRT_KERNELS_SLICE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* Output element with coordinates c (over `dims`) reads input element
 * base + sum c[k] * strides[k]; strides may be negative (reversed axes). */
typedef struct {
  int rank;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t strides[TRT_KERNEL_MAX_DIMS];
  int64_t base;
} trt_kslice_t;

cudaError_t trt_launch_slice(const void *x, void *y, int element_size, trt_kslice_t plan,
                             cudaStream_t stream);

enum { TRT_KPAD_CONSTANT = 0, TRT_KPAD_REFLECT, TRT_KPAD_EDGE };

typedef struct {
  int rank;
  int mode;
  int64_t out_dims[TRT_KERNEL_MAX_DIMS];
  int64_t in_dims[TRT_KERNEL_MAX_DIMS];
  int64_t begin[TRT_KERNEL_MAX_DIMS]; /* may be negative (cropping) */
  uint64_t fill_bits; /* the constant, in its first element_size bytes */
} trt_kpad_t;

/* `fill` (device, one element) overrides plan.fill_bits when not NULL. */
cudaError_t trt_launch_pad(const void *x, void *y, const void *fill, int element_size,
                           trt_kpad_t plan, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
