/* The host-only half of the CUDA convolution and deconvolution
 * (engine/cuda/convolution.c): the layer's shape read into N, C, D, H, W
 * terms and checked, how cuDNN is to run it (its symmetric pad plus an
 * explicitly padded copy of the input, or the crop of a deconvolution's full
 * result), which tactics the shape alone rules in or out, and the workspace
 * buffers that asks for. No CUDA here: the file is compiled in every build,
 * CUDA or not, and tests/unit/test_conv_geometry.c checks it on the CPU.
 *
 * Messages do not name the layer: the backend's driver prefixes
 * "layer 'name' (Type): ". */
#ifndef TRT_CONV_GEOMETRY_H
#define TRT_CONV_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "network_internal.h"

/* N, C, D, H, W: every shape is padded to this rank (missing leading
 * spatial dims have size 1). */
#define TRT_CONV_GEOMETRY_RANK 5
/* Alignment of each buffer in the layer's workspace. */
#define TRT_CONV_WORKSPACE_ALIGN 256

typedef struct {
  bool deconv;
  /* Every operand's type: float32, or float16 for a convolution that FP16
   * lowering gave float16 tensors (engine/precision.h). */
  trt_data_type_t type;
  const char *op;   /* "Convolution" or "Deconvolution", for logs */
  const char *name; /* the layer's, for logs */
  int nb_spatial;
  int64_t batch, in_channels, total_channels, group;
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3];
  int64_t output_padding[3];
  int64_t x_dims[TRT_CONV_GEOMETRY_RANK], x_strides[TRT_CONV_GEOMETRY_RANK];
  bool has_bias, has_residual;
  bool filter_channels_last; /* weights stored K, spatial..., C (formats.h) */
  int64_t residual_strides[TRT_CONV_GEOMETRY_RANK];
  trt_activation_t activation;
  /* Merged convolutions: output k takes channels[k] channels from
   * channel_offset[k] of the weights. */
  int nb_outputs;
  int64_t channels[TRT_MAX_LAYER_OUTPUTS], channel_offset[TRT_MAX_LAYER_OUTPUTS];
  int64_t y_strides[TRT_MAX_LAYER_OUTPUTS][TRT_CONV_GEOMETRY_RANK];
  /* The pad cuDNN is given (symmetric). Convolution: the explicit padding
   * of the input that makes up the difference (explicit_pad when any). */
  int64_t cudnn_pad[3], extra_begin[3], extra_end[3];
  bool explicit_pad;
  /* Deconvolution: the full result's spatial size when cropping. */
  bool crop;
  int64_t full[3];
} trt_conv_geometry_t;

/* Reads layer (a TRT_LAYER_CONVOLUTION, or TRT_LAYER_DECONVOLUTION when
 * `deconv`) of a network whose shapes are inferred into `g`, and decides
 * how cuDNN runs it. INVALID_ARGUMENT, SHAPE_ERROR or UNSUPPORTED with a
 * message when the layer is malformed or beyond what the GPU path runs. */
trt_status_t trt_conv_geometry_init(trt_conv_geometry_t *g, const trt_network_t *network,
                                    const trt_layer_t *layer, bool deconv);

/* Whether the direct depthwise kernel runs it: a single-output float32
 * convolution with one input channel per group. */
bool trt_conv_geometry_is_depthwise(const trt_conv_geometry_t *g);

/* Whether the channels-last float16 depthwise kernel (kernels/depthwise.cuh)
 * runs it: one input channel per group and one output per input, 2-D,
 * channels a multiple of 8, input, output and residual packed NHWC. */
bool trt_conv_geometry_is_depthwise_nhwc(const trt_conv_geometry_t *g);

/* Whether the channels-last float16 1x1 kernel (kernels/conv1x1.cuh) runs
 * it: 2-D, one group, 1x1 with stride 1 and no pad, input channels and each
 * (merged) output's channels multiples of 8, every operand packed NHWC. */
bool trt_conv_geometry_is_1x1_nhwc(const trt_conv_geometry_t *g);

/* Whether the TF32 1x1 kernel (kernels/conv1x1_tf32.cuh) can run it as
 * far as the layout goes: float32, one group, 1x1 with stride 1 and no pad,
 * and each operand's pixels contiguous (linear layouts, concat views along
 * the channels included); the kernel checks the channel and pixel counts. */
bool trt_conv_geometry_is_1x1_linear(const trt_conv_geometry_t *g);

/* Whether cuDNN's fused convolution + bias + activation can run it at all
 * (with any algorithm): a convolution, activation NONE or RELU, and a
 * residual laid out like the output. */
bool trt_conv_geometry_fused_possible(const trt_conv_geometry_t *g);

/* Packed (row-major) strides of rank-5 dims. */
void trt_conv_packed_strides(const int64_t *dims, int64_t *strides);

/* Dims of the explicitly padded input copy (N, C, D, H, W). */
void trt_conv_geometry_padded_dims(const trt_conv_geometry_t *g, int64_t *dims);

/* Dims of a deconvolution's full, uncropped result (N, C, D, H, W). */
void trt_conv_geometry_full_dims(const trt_conv_geometry_t *g, int64_t *dims);

/* `bytes` rounded up to TRT_CONV_WORKSPACE_ALIGN. */
size_t trt_conv_workspace_align(size_t bytes);

/* Workspace bytes of the padded input copy (0 without explicit_pad) and of
 * the full deconvolution result (0 without crop), each aligned. */
size_t trt_conv_geometry_pad_bytes(const trt_conv_geometry_t *g);
size_t trt_conv_geometry_crop_bytes(const trt_conv_geometry_t *g);

/* The whole workspace of a cuDNN tactic needing `algo_bytes` of its own:
 * [padded input][full result][algorithm workspace], each part aligned. */
size_t trt_conv_geometry_workspace_bytes(const trt_conv_geometry_t *g, size_t algo_bytes);

#endif
