/* 1x1 convolution (stride 1, one group) of a linear (NCHW) float32 tensor
 * on tensor cores in TF32, bias, residual and activation fused: per image
 * the product Y[K, H*W] = W[K, C] * X[C, H*W], so that FP32 engines with
 * TF32 allowed run their 1x1 layers (MobileNetV2's expansions with their
 * ReLU6, most of ResNet's and GoogLeNet's layers) in one pass where cuDNN
 * takes a convolution and then a second pass for the clip. Float
 * accumulation of TF32 products (10-bit mantissas), as cuDNN's TF32
 * convolutions.
 *
 * Each image's pixels are contiguous (H*W a multiple of 4) and its channels
 * `*_channel_stride` apart; w is [out_channels, in_channels] (in_channels a
 * multiple of 4); bias holds out_channels values; every pointer and stride
 * a multiple of 16 bytes. */
#ifndef TRT_KERNELS_CONV1X1_TF32_CUH
#define TRT_KERNELS_CONV1X1_TF32_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int64_t batch, in_channels, out_channels, pixels; /* pixels: H * W */
  const float *x;
  int64_t x_batch_stride, x_channel_stride;
  const float *w;
  const float *bias;     /* may be NULL */
  const float *residual; /* may be NULL */
  int64_t residual_batch_stride, residual_channel_stride;
  float *y;
  int64_t y_batch_stride, y_channel_stride;
  int activation; /* trt_activation_kind_t */
  float alpha, beta;
} trt_conv1x1_nchw_t;

int trt_conv1x1_nchw_tf32_supported(const trt_conv1x1_nchw_t *args);
cudaError_t trt_launch_conv1x1_nchw_tf32(const trt_conv1x1_nchw_t *args, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
