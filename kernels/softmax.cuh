/* Softmax and log-softmax kernels (float32) on [outer, n, inner] data, the
 * normalized elements `inner` apart. */
#ifndef TRT_KERNELS_SOFTMAX_CUH
#define TRT_KERNELS_SOFTMAX_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

cudaError_t trt_launch_softmax(const float *x, float *y, int64_t outer, int64_t n, int64_t inner,
                               int log, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
