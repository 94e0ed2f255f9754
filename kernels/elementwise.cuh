/* Elementwise kernels: two inputs with numpy broadcasting (float32, int32,
 * int64; Pow may mix the exponent's type), the output optionally a strided
 * view. */
#ifndef TRT_KERNELS_ELEMENTWISE_CUH
#define TRT_KERNELS_ELEMENTWISE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* The broadcast, simplified by the caller (size-1 dims dropped, dims that
 * both inputs walk alike merged): output element with coordinates c reads
 * a[sum c[k] * a_stride[k]] and b[sum c[k] * b_stride[k]] (0 strides where
 * broadcast). rank >= 1. */
typedef struct {
  int rank;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t a_stride[TRT_KERNEL_MAX_DIMS];
  int64_t b_stride[TRT_KERNEL_MAX_DIMS];
} trt_kbroadcast_t;

/* y = a op b for `kind` (a trt_elementwise_kind_t value). The element type
 * of y is a's. Same shapes, and one operand indexed by a single dim
 * (per-channel, per-row, scalar) take fast paths; `vectorized` asks for
 * float4 accesses where float32 data, shapes and alignment allow. */
cudaError_t trt_launch_elementwise(const void *a, int a_type, const void *b, int b_type, void *y,
                                   int64_t count, int kind, trt_kbroadcast_t plan,
                                   trt_kview_t view, int vectorized, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
