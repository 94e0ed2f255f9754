/* Pointwise kernels: activations applied in place or out of place. */
#ifndef TRT_KERNELS_POINTWISE_CUH
#define TRT_KERNELS_POINTWISE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* y[i] = f(x[i]) for the activation `kind` (a trt_activation_kind_t value)
 * with parameters alpha and beta. Returns the launch's error. */
cudaError_t trt_launch_activation(const float *x, float *y, int64_t count, int kind, float alpha,
                                  float beta, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
