/* Pointwise kernels: activations and the unary layer (any activation kind on
 * float32 and float16, computed in float; Relu, Abs, Neg and None on
 * int32/int64), in place or out of place, the output optionally a strided
 * view. */
#ifndef TRT_KERNELS_POINTWISE_CUH
#define TRT_KERNELS_POINTWISE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* y[i] = f(x[i]) for the activation `kind` (a trt_activation_kind_t value)
 * with parameters alpha and beta. Returns the launch's error. */
cudaError_t trt_launch_activation(const float *x, float *y, int64_t count, int kind, float alpha,
                                  float beta, cudaStream_t stream);

/* A chain of activations (the engine's trt_unary_params_t: op, then its
 * nb_then steps), applied in order, each result rounded to float. */
#define TRT_KMAX_UNARY_CHAIN 8
typedef struct {
  int kind;
  float alpha;
  float beta;
} trt_kactivation_t;
typedef struct {
  int nb_steps; /* 1 to TRT_KMAX_UNARY_CHAIN */
  trt_kactivation_t steps[TRT_KMAX_UNARY_CHAIN];
} trt_kchain_t;

/* The unary layer: `type` is TRT_KTYPE_FLOAT32, _FLOAT16, _INT32 or _INT64 (integers:
 * one step of Relu, Abs, Neg or None); output element i goes to view
 * position i. Float tensors with a contiguous output and 16-byte aligned
 * pointers go 16 bytes per thread (any count); the rest element by
 * element. x may be y. */
cudaError_t trt_launch_unary(const void *x, void *y, int64_t count, int type, trt_kchain_t chain,
                             trt_kview_t view, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
