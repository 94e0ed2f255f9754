/* Depthwise 2-D convolution on channels-last float16 tensors (one input
 * channel per group, as many outputs as inputs: MobileNet's, EfficientNet's
 * and ConvNeXt's 3x3 to 7x7 layers), bias, residual and activation fused:
 * one pass over memory where cuDNN's grouped convolution and our epilogue
 * take two. Float accumulation in the CPU's tap order (kh, then kw).
 *
 * x, residual and y are packed N, H, W, C; w is the layer's packed
 * [C, kernel_h, kernel_w] (KRSC and KCRS coincide for one input channel);
 * bias holds C values. C must be a multiple of 8 and every pointer 16-byte
 * aligned (the kernel moves 8 channels per access). */
#ifndef TRT_KERNELS_DEPTHWISE_CUH
#define TRT_KERNELS_DEPTHWISE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int64_t batch, channels;
  int64_t in[2], out[2], kernel[2], stride[2], dilation[2], pad[2]; /* H, W */
  const void *x, *w, *bias, *residual; /* bias and residual may be NULL */
  void *y;
  int activation; /* trt_activation_kind_t */
  float alpha, beta;
  /* 1, or 2 (two neighbouring columns per thread, sharing the rows they
   * read): stride-1, undilated 3x3 and 5x5 only. Which is faster depends
   * on the layer, so the tactic search times both. */
  int outputs_per_thread;
} trt_depthwise_nhwc_t;

/* Whether the kernel takes these parameters (sizes, alignment, index range). */
int trt_depthwise_nhwc_supported(const trt_depthwise_nhwc_t *args);

cudaError_t trt_launch_depthwise_nhwc(const trt_depthwise_nhwc_t *args, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
