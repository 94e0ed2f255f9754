/* Normalization kernels: batch norm (inference), instance norm, layer norm
 * and LRN in float32; batch norm and layer norm also read and write float16
 * (`half`: FP16 engines), computing in float and double as for float32,
 * their parameters float32. */
#ifndef TRT_KERNELS_NORMALIZATION_CUH
#define TRT_KERNELS_NORMALIZATION_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* How an operand broadcast to a row of `rank` dims is indexed: element j of
 * the row (coordinates c) reads operand[sum c[k] * strides[k]]. rank 0: the
 * operand is the whole row (index j). */
typedef struct {
  int rank;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t strides[TRT_KERNEL_MAX_DIMS];
} trt_krow_map_t;

/* y = x * (scale / sqrt(var + eps)) + (bias - mean * scale / sqrt(var + eps))
 * per channel of [batch, channels, plane]; y may be a strided view. */
cudaError_t trt_launch_batch_norm(const void *x, const float *scale, const float *bias,
                                  const float *mean, const float *var, void *y, int64_t batch,
                                  int64_t channels, int64_t plane, float epsilon, trt_kview_t view,
                                  int half, cudaStream_t stream);

/* Each [n, c] plane normalized by its own mean and variance, then scaled
 * and shifted per channel. */
cudaError_t trt_launch_instance_norm(const float *x, const float *scale, const float *bias,
                                     float *y, int64_t batch, int64_t channels, int64_t plane,
                                     float epsilon, cudaStream_t stream);

/* `rows` rows of `row` elements normalized, times scale plus bias (bias may
 * be NULL), both read through their maps; mean and inv_std (one per row)
 * are written when not NULL. */
cudaError_t trt_launch_layer_norm(const void *x, const float *scale, trt_krow_map_t scale_map,
                                  const float *bias, trt_krow_map_t bias_map, void *y, float *mean,
                                  float *inv_std, int64_t rows, int64_t row, float epsilon,
                                  int half, cudaStream_t stream);

/* Cross-channel LRN on [batch, channels, plane]. */
cudaError_t trt_launch_lrn(const float *x, float *y, int64_t batch, int64_t channels,
                           int64_t plane, int64_t size, float alpha, float beta, float bias,
                           cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
