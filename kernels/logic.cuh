/* Comparison, logic and Where kernels: up to three broadcast operands. */
#ifndef TRT_KERNELS_LOGIC_CUH
#define TRT_KERNELS_LOGIC_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* Output element with coordinates c (over dims) reads operand k at
 * sum c[d] * strides[k][d] (0 where broadcast). */
typedef struct {
  int rank;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t strides[3][TRT_KERNEL_MAX_DIMS];
} trt_kbroadcast3_t;

/* y (bool bytes) = a <kind> b, `kind` a trt_compare_kind_t value, `type` the
 * operands' TRT_KTYPE_ (not float16); NaN compares false. */
cudaError_t trt_launch_compare(const void *a, const void *b, uint8_t *y, int type, int kind,
                               trt_kbroadcast3_t plan, int64_t count, cudaStream_t stream);

/* y = a and/or/xor b, or not a (`kind` a trt_logic_kind_t value), bools. */
cudaError_t trt_launch_logic(const uint8_t *a, const uint8_t *b, uint8_t *y, int kind,
                             trt_kbroadcast3_t plan, int64_t count, cudaStream_t stream);

/* y = condition ? x : y_in, elements of element_size bytes (1, 2, 4, 8). */
cudaError_t trt_launch_where(const uint8_t *condition, const void *x, const void *y_in, void *y,
                             int element_size, trt_kbroadcast3_t plan, int64_t count,
                             cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
