/* 1x1 convolution (stride 1, one group) on channels-last float16 tensors,
 * bias, residual and activation fused: the expansion layers of inverted
 * residual blocks (MobileNetV2's 16 -> 96 channels at 112x112), which cuDNN
 * runs far below the memory's speed, its ReLU6 then costing a second pass.
 * Two kernels: one on CUDA cores for few input channels (float accumulation
 * over the input channels in order), one on tensor cores for any count
 * (float accumulation of float16 products, WMMA), the tactic search
 * choosing.
 *
 * x and residual and y are packed N, H, W, C; w is [out_channels,
 * in_channels] (KCRS and KRSC coincide for 1x1); bias holds out_channels
 * values. Both channel counts multiples of 8 (the CUDA-core kernel's
 * in_channels at most TRT_CONV1X1_MAX_IN), 16-byte aligned pointers. */
#ifndef TRT_KERNELS_CONV1X1_CUH
#define TRT_KERNELS_CONV1X1_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRT_CONV1X1_MAX_IN 256

typedef struct {
  int64_t pixels; /* N * H * W */
  int64_t in_channels, out_channels;
  const void *x, *w, *bias, *residual; /* bias and residual may be NULL */
  void *y;
  int activation; /* trt_activation_kind_t */
  float alpha, beta;
} trt_conv1x1_nhwc_t;

int trt_conv1x1_nhwc_supported(const trt_conv1x1_nhwc_t *args);
cudaError_t trt_launch_conv1x1_nhwc(const trt_conv1x1_nhwc_t *args, cudaStream_t stream);

/* The tensor-core kernel: any multiple of 8 input channels. */
int trt_conv1x1_nhwc_mma_supported(const trt_conv1x1_nhwc_t *args);
cudaError_t trt_launch_conv1x1_nhwc_mma(const trt_conv1x1_nhwc_t *args, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
