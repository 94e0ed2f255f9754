/* Pooling kernels: max and average over 1 to 3 spatial dims (seen as 3-D
 * with leading size-1 dims), NCHW or channels-last (NHWC), float32 or
 * float16 (computed in float), the output optionally a strided view (of a
 * channels-last parent along the channels when channels_last). */
#ifndef TRT_KERNELS_POOLING_CUH
#define TRT_KERNELS_POOLING_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int64_t planes; /* N * C */
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3];
  int is_max;
  int count_include_pad;
  int channels_last; /* input and output N, spatial..., C */
  int64_t channels;  /* C (planes / C is N) */
} trt_kpool_t;

/* Windowed pooling with explicit geometry (ceil_mode is already in `out`);
 * `global` reduces each whole plane to one value instead. */
cudaError_t trt_launch_pooling(const void *x, void *y, int type, trt_kpool_t pool, int global,
                               trt_kview_t view, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
