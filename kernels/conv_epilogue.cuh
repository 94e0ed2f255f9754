/* Convolution helpers for what cuDNN and cuBLAS do not do themselves:
 *
 *   - the epilogue: dst = act(src_scale * src + bias + residual) over a
 *     5-D shape with arbitrary element strides on every operand (strided
 *     views into concat buffers, crops of a larger result, broadcasts with
 *     stride 0, in place when src == dst);
 *   - explicit zero padding of an input into a packed buffer (asymmetric
 *     pads, which cuDNN cannot express);
 *   - a direct depthwise convolution (C_in/group == 1) with the epilogue
 *     fused, any of 1 to 3 spatial dims.
 *
 * Shapes are N, C, D, H, W; missing spatial dims have size 1. Strides are in
 * elements. The epilogue and the padding move float32 or float16 elements
 * (`type`, a TRT_KTYPE_ code; every operand of one call has that type),
 * computing in float; the depthwise convolution is float32. Activation kinds are trt_activation_kind_t values, computed by
 * engine/numerics/activation.h. Launchers return the launch's error. */
#ifndef TRT_KERNELS_CONV_EPILOGUE_CUH
#define TRT_KERNELS_CONV_EPILOGUE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRT_CONV_RANK 5

typedef struct {
  int type;                    /* TRT_KTYPE_FLOAT32 (0, the default) or FLOAT16 */
  int64_t dims[TRT_CONV_RANK]; /* the result's shape */
  const void *src;             /* may equal dst (same strides): in place */
  int64_t src_strides[TRT_CONV_RANK];
  float src_scale;
  const void *bias; /* NULL, or one value per index along dims[bias_axis] */
  int bias_axis;
  const void *residual; /* NULL, or added after the bias */
  int64_t residual_strides[TRT_CONV_RANK];
  void *dst;
  int64_t dst_strides[TRT_CONV_RANK];
  int activation; /* trt_activation_kind_t */
  float alpha, beta;
} trt_conv_epilogue_t;

cudaError_t trt_launch_conv_epilogue(const trt_conv_epilogue_t *args, cudaStream_t stream);

typedef struct {
  int type;                    /* TRT_KTYPE_FLOAT32 (0) or FLOAT16 */
  int64_t dims[TRT_CONV_RANK]; /* the source's shape */
  const void *src;
  int64_t src_strides[TRT_CONV_RANK];
  int64_t pad_begin[3], pad_end[3]; /* D, H, W */
  void *dst; /* packed N, C, D + pads, H + pads, W + pads */
} trt_conv_pad_t;

cudaError_t trt_launch_conv_pad(const trt_conv_pad_t *args, cudaStream_t stream);

typedef struct {
  int64_t batch, in_channels, out_channels; /* out_channels: a multiple of in_channels */
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad[3]; /* D, H, W */
  const float *x;
  int64_t x_strides[TRT_CONV_RANK];
  const float *w; /* packed [out_channels, 1, kernel...] */
  const float *bias;
  const float *residual;
  int64_t residual_strides[TRT_CONV_RANK];
  float *y;
  int64_t y_strides[TRT_CONV_RANK];
  int activation;
  float alpha, beta;
} trt_depthwise_conv_t;

cudaError_t trt_launch_depthwise_conv(const trt_depthwise_conv_t *args, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
