/* Resize kernel: every output element sums its input taps, one table per
 * axis saying which input offsets contribute with which weights (built on
 * the host, in device memory). Nearest copies elements of any size;
 * linear and cubic interpolate float32. The output may be a strided view. */
#ifndef TRT_KERNELS_RESIZE_CUH
#define TRT_KERNELS_RESIZE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int rank;
  int nearest; /* one tap per axis, weight 1: a copy of element_size bytes */
  int element_size;
  int has_outside; /* some table entries extrapolate */
  float extrapolation;
  int64_t out_dims[TRT_KERNEL_MAX_DIMS];
  int taps[TRT_KERNEL_MAX_DIMS];
  /* Device tables per axis: [out_dims][taps] input element offsets (already
   * times the axis's input stride) and weights; [out_dims] outside flags. */
  const int64_t *offsets[TRT_KERNEL_MAX_DIMS];
  const double *weights[TRT_KERNEL_MAX_DIMS];
  const uint8_t *outside[TRT_KERNEL_MAX_DIMS];
} trt_kresize_t;

cudaError_t trt_launch_resize(const void *x, void *y, trt_kresize_t plan, trt_kview_t view,
                              cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
