/* CUDA convolution and deconvolution (NCHW, 1 to 3 spatial dims; FP32, and
 * convolutions also FP16: float16 tensors and weights, FP32 accumulation,
 * tensor-core math; 2-D convolutions also channels-last, NHWC tensors and
 * KRSC weights, as formats.c chooses).
 *
 * Convolution tactics (id: what runs):
 *   0..7     cudnnConvolutionForward with that cudnnConvolutionFwdAlgo_t, then
 *            our epilogue kernel (bias + residual + any activation) in place
 *            when the layer has any of them;
 *   100+a    cudnnConvolutionBiasActivationForward with algorithm a: bias,
 *            residual (as z) and the activation fused by cuDNN; offered for
 *            activation NONE (identity: algorithm IMPLICIT_PRECOMP_GEMM only)
 *            and RELU;
 *   200      our direct depthwise kernel (C_in / group == 1), epilogue fused;
 *   201      our channels-last float16 depthwise kernel (kernels/depthwise.cuh),
 *            epilogue fused;
 *   202      our channels-last float16 1x1 kernel for few input channels
 *            (kernels/conv1x1.cuh), epilogue fused, merged outputs too;
 *   203      our channels-last float16 1x1 kernel on tensor cores (same
 *            header, any multiple of 8 channels), epilogue fused, merged
 *            outputs too;
 *   204      our linear float32 1x1 kernel on tensor cores in TF32
 *            (kernels/conv1x1_tf32.cuh), only where TF32 is allowed,
 *            epilogue fused, merged outputs too.
 * Deconvolution tactics: 0..5, cudnnConvolutionBackwardData with that
 * cudnnConvolutionBwdDataAlgo_t, then the epilogue. Only algorithms cuDNN
 * reports as supported and deterministic are listed (bit-identical reruns);
 * the builder drops those whose workspace, as create() reports it, exceeds
 * its limit.
 *
 * Shapes cuDNN cannot express directly:
 *   - 1-D runs as 2-D with H = 1;
 *   - views (outputs written into a concat buffer, or strided inputs) are
 *     described to cuDNN with their real element strides;
 *   - asymmetric convolution pads: when the symmetric pad_begin does not
 *     give the same output size, the input is copied into a zero-padded
 *     buffer in the workspace (the difference between the pads) first;
 *   - deconvolution pads and output_padding: when cuDNN's padded forward
 *     geometry does not match, the full (unpadded) result goes to the
 *     workspace and the epilogue copies the window [pad_begin, +out).
 * Merged convolutions (several outputs, output k taking the next dims[1]
 * channels): one cuDNN call per output, with the filter and bias pointers
 * offset to its channels and its own output descriptor. Computing one wide
 * result in the workspace and copying slices out would write and read every
 * output twice more and need a workspace as large as all outputs; the
 * per-output calls read the input once per output instead, which the L2
 * cache mostly absorbs for the 1x1 branches these merges come from.
 *
 * This file holds the cuDNN descriptors, tactic listing and launches; the
 * host-only geometry those rest on (shape checks, pads, the crop, which
 * tactics the shape allows, the workspace layout) is in conv_geometry.c. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/conv_geometry.h"
#include "cuda/cuda_layers.h"
#include "kernels/conv1x1.cuh"
#include "kernels/conv1x1_tf32.cuh"
#include "kernels/conv_epilogue.cuh"
#include "kernels/depthwise.cuh"

enum {
  TACTIC_FUSED = 100, /* + cuDNN forward algorithm */
  TACTIC_DEPTHWISE = 200,
  TACTIC_DEPTHWISE_NHWC = 201,
  TACTIC_1X1_NHWC = 202,
  TACTIC_1X1_NHWC_MMA = 203,
  TACTIC_1X1_TF32 = 204,
  TACTIC_DEPTHWISE_NHWC_PAIRS = 205,
};

#define RANK TRT_CONV_RANK
_Static_assert(TRT_CONV_RANK == TRT_CONV_GEOMETRY_RANK, "conv_geometry.h and the kernels disagree");

static bool fits_int(int64_t value) {
  return value >= 0 && value <= INT_MAX;
}

/* ---- cuDNN descriptors -------------------------------------------------- */

typedef struct {
  cudnnFilterDescriptor_t w;
  cudnnTensorDescriptor_t y;
  cudnnTensorDescriptor_t bias; /* fused tactic only */
} conv_part_t;

typedef struct {
  trt_conv_geometry_t g;
  int32_t tactic;
  trt_dims_t x_dims; /* what the descriptors were made for */
  cudnnTensorDescriptor_t x;
  cudnnTensorDescriptor_t z; /* fused tactic with a residual */
  cudnnConvolutionDescriptor_t conv;
  cudnnActivationDescriptor_t act;
  int nb_parts;
  conv_part_t parts[TRT_MAX_LAYER_OUTPUTS];
  size_t algo_workspace; /* the largest over the parts */
  size_t workspace;      /* pad + crop buffers + algo_workspace */
  void *zero_bias;       /* fused tactic on a layer without bias (zeros) */
} conv_state_t;

static void destroy_descriptors(conv_state_t *s) {
  if (s->x)
    cudnnDestroyTensorDescriptor(s->x);
  if (s->z)
    cudnnDestroyTensorDescriptor(s->z);
  if (s->conv)
    cudnnDestroyConvolutionDescriptor(s->conv);
  if (s->act)
    cudnnDestroyActivationDescriptor(s->act);
  for (int k = 0; k < s->nb_parts; k++) {
    if (s->parts[k].w)
      cudnnDestroyFilterDescriptor(s->parts[k].w);
    if (s->parts[k].y)
      cudnnDestroyTensorDescriptor(s->parts[k].y);
    if (s->parts[k].bias)
      cudnnDestroyTensorDescriptor(s->parts[k].bias);
  }
  s->x = s->z = NULL;
  s->conv = NULL;
  s->act = NULL;
  memset(s->parts, 0, sizeof s->parts);
  s->nb_parts = 0;
}

/* The tensors' and filters' cuDNN type; accumulation is FP32 either way. */
static cudnnDataType_t cudnn_type(const trt_conv_geometry_t *g) {
  return g->type == TRT_DATA_TYPE_FLOAT16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
}

/* cuDNN's rank (4 or 5) and which of our 5 dims it uses. */
static int cudnn_rank(const trt_conv_geometry_t *g) {
  return g->nb_spatial == 3 ? 5 : 4;
}

static trt_status_t set_tensor(const trt_conv_geometry_t *g, cudnnTensorDescriptor_t desc,
                               const int64_t *dims, const int64_t *strides) {
  static const int slots4[4] = {0, 1, 3, 4}, slots5[5] = {0, 1, 2, 3, 4};
  const int rank = cudnn_rank(g);
  const int *slots = rank == 5 ? slots5 : slots4;
  int d[RANK], s[RANK];
  for (int i = 0; i < rank; i++) {
    if (!fits_int(dims[slots[i]]) || !fits_int(strides[slots[i]]) || dims[slots[i]] == 0)
      return trt_error(TRT_STATUS_UNSUPPORTED, "a dim or stride exceeds cuDNN's range");
    d[i] = (int)dims[slots[i]];
    s[i] = strides[slots[i]] > 0 ? (int)strides[slots[i]] : 1;
  }
  TRT_CUDNN_CHECK(cudnnSetTensorNdDescriptor(desc, cudnn_type(g), rank, d, s));
  return TRT_STATUS_OK;
}

static trt_status_t set_packed_tensor(const trt_conv_geometry_t *g, cudnnTensorDescriptor_t desc,
                                      const int64_t *dims) {
  int64_t strides[RANK];
  trt_conv_packed_strides(dims, strides);
  return set_tensor(g, desc, dims, strides);
}

/* Makes every descriptor for the geometry (tactic decides the fused extras)
 * and checks that cuDNN's idea of the shapes agrees with ours. */
static trt_status_t make_descriptors(conv_state_t *s, const trt_cuda_env_t *env, bool fused) {
  const trt_conv_geometry_t *g = &s->g;
  const int rank = cudnn_rank(g), nb = rank - 2, first = 3 - nb;
  TRT_CUDNN_CHECK(cudnnCreateTensorDescriptor(&s->x));
  TRT_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&s->conv));
  trt_status_t status;
  if (g->explicit_pad) {
    int64_t dims[RANK];
    trt_conv_geometry_padded_dims(g, dims);
    status = set_packed_tensor(g, s->x, dims);
  } else {
    status = set_tensor(g, s->x, g->x_dims, g->x_strides);
  }
  if (status != TRT_STATUS_OK)
    return status;

  int pad[3], stride[3], dilation[3];
  for (int j = 0; j < nb; j++) {
    const int i = first + j;
    const int64_t p = g->cudnn_pad[i];
    if (!fits_int(p) || !fits_int(g->stride[i]) || !fits_int(g->dilation[i]))
      return trt_error(TRT_STATUS_UNSUPPORTED, "parameters exceed cuDNN's range");
    pad[j] = (int)p;
    stride[j] = (int)g->stride[i];
    dilation[j] = (int)g->dilation[i];
  }
  TRT_CUDNN_CHECK(cudnnSetConvolutionNdDescriptor(s->conv, nb, pad, stride, dilation,
                                                  CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  TRT_CUDNN_CHECK(cudnnSetConvolutionGroupCount(s->conv, (int)g->group));
  /* FP16 runs on tensor cores; FP32 on them only as TF32, when allowed. */
  const cudnnMathType_t math = g->type == TRT_DATA_TYPE_FLOAT16 ? CUDNN_TENSOR_OP_MATH
                               : env->allow_tf32               ? CUDNN_DEFAULT_MATH
                                                               : CUDNN_FMA_MATH;
  TRT_CUDNN_CHECK(cudnnSetConvolutionMathType(s->conv, math));

  const int64_t group_in = g->in_channels / g->group;
  s->nb_parts = g->nb_outputs;
  for (int k = 0; k < g->nb_outputs; k++) {
    conv_part_t *part = &s->parts[k];
    TRT_CUDNN_CHECK(cudnnCreateFilterDescriptor(&part->w));
    TRT_CUDNN_CHECK(cudnnCreateTensorDescriptor(&part->y));
    int filter[RANK];
    filter[0] = (int)(g->deconv ? g->in_channels : g->channels[k]);
    filter[1] = (int)(g->deconv ? g->total_channels / g->group : group_in);
    for (int j = 0; j < nb; j++) {
      if (!fits_int(g->kernel[first + j]))
        return trt_error(TRT_STATUS_UNSUPPORTED, "kernel exceeds cuDNN's range");
      filter[2 + j] = (int)g->kernel[first + j];
    }
    TRT_CUDNN_CHECK(cudnnSetFilterNdDescriptor(
        part->w, cudnn_type(g), g->filter_channels_last ? CUDNN_TENSOR_NHWC : CUDNN_TENSOR_NCHW,
        rank, filter));
    int64_t y_dims[RANK] = {g->batch, g->channels[k], g->out[0], g->out[1], g->out[2]};
    if (g->crop) {
      trt_conv_geometry_full_dims(g, y_dims);
      status = set_packed_tensor(g, part->y, y_dims);
    } else {
      status = set_tensor(g, part->y, y_dims, g->y_strides[k]);
    }
    if (status != TRT_STATUS_OK)
      return status;

    /* cuDNN's forward output of (input, filter) must be our output (for a
     * deconvolution: the forward of our output gives our input). */
    int expected[RANK], got[RANK];
    static const int slots4[4] = {0, 1, 3, 4}, slots5[5] = {0, 1, 2, 3, 4};
    const int *slots = rank == 5 ? slots5 : slots4;
    const int64_t *forward_out = g->deconv ? g->x_dims : y_dims;
    for (int i = 0; i < rank; i++)
      expected[i] = (int)forward_out[slots[i]];
    TRT_CUDNN_CHECK(cudnnGetConvolutionNdForwardOutputDim(s->conv, g->deconv ? part->y : s->x,
                                                          part->w, rank, got));
    for (int i = 0; i < rank; i++)
      if (got[i] != expected[i])
        return trt_error(TRT_STATUS_INTERNAL_ERROR,
                         "cuDNN computes output dim %d = %d, the network says %d", i, got[i],
                         expected[i]);

    if (fused) {
      TRT_CUDNN_CHECK(cudnnCreateTensorDescriptor(&part->bias));
      int64_t bias_dims[RANK] = {1, g->channels[k], 1, 1, 1};
      status = set_packed_tensor(g, part->bias, bias_dims);
      if (status != TRT_STATUS_OK)
        return status;
    }
  }
  if (fused) {
    TRT_CUDNN_CHECK(cudnnCreateActivationDescriptor(&s->act));
    TRT_CUDNN_CHECK(cudnnSetActivationDescriptor(
        s->act,
        g->activation.kind == TRT_ACTIVATION_RELU ? CUDNN_ACTIVATION_RELU
                                                  : CUDNN_ACTIVATION_IDENTITY,
        CUDNN_PROPAGATE_NAN, 0.0));
    if (g->has_residual) {
      TRT_CUDNN_CHECK(cudnnCreateTensorDescriptor(&s->z));
      int64_t y_dims[RANK] = {g->batch, g->channels[0], g->out[0], g->out[1], g->out[2]};
      status = set_tensor(g, s->z, y_dims, g->residual_strides);
      if (status != TRT_STATUS_OK)
        return status;
    }
  }
  return TRT_STATUS_OK;
}

/* Workspace of algorithm `algo` over every part; false when cuDNN refuses. */
static bool algo_workspace(const conv_state_t *s, const trt_cuda_env_t *env, int algo,
                           size_t *bytes) {
  *bytes = 0;
  for (int k = 0; k < s->nb_parts; k++) {
    size_t size = 0;
    cudnnStatus_t status =
        s->g.deconv
            ? cudnnGetConvolutionBackwardDataWorkspaceSize(env->cudnn, s->parts[k].w, s->x,
                                                           s->conv, s->parts[k].y,
                                                           (cudnnConvolutionBwdDataAlgo_t)algo,
                                                           &size)
            : cudnnGetConvolutionForwardWorkspaceSize(env->cudnn, s->x, s->parts[k].w, s->conv,
                                                      s->parts[k].y,
                                                      (cudnnConvolutionFwdAlgo_t)algo, &size);
    if (status != CUDNN_STATUS_SUCCESS)
      return false;
    if (size > *bytes)
      *bytes = size;
  }
  return true;
}

/* Marks the algorithms cuDNN's heuristics report as supported and
 * deterministic for every part. */
static trt_status_t supported_algos(const conv_state_t *s, const trt_cuda_env_t *env,
                                    bool *supported, int count) {
  for (int a = 0; a < count; a++)
    supported[a] = true;
  for (int k = 0; k < s->nb_parts; k++) {
    bool seen[CUDNN_CONVOLUTION_FWD_ALGO_COUNT] = {false};
    int returned = 0;
    if (s->g.deconv) {
      cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT * 2];
      TRT_CUDNN_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(
          env->cudnn, s->parts[k].w, s->x, s->conv, s->parts[k].y,
          CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT * 2, &returned, perf));
      for (int i = 0; i < returned; i++)
        if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].determinism == CUDNN_DETERMINISTIC &&
            (int)perf[i].algo >= 0 && (int)perf[i].algo < count)
          seen[perf[i].algo] = true;
    } else {
      cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT * 2];
      TRT_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
          env->cudnn, s->x, s->parts[k].w, s->conv, s->parts[k].y,
          CUDNN_CONVOLUTION_FWD_ALGO_COUNT * 2, &returned, perf));
      for (int i = 0; i < returned; i++)
        if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].determinism == CUDNN_DETERMINISTIC &&
            (int)perf[i].algo >= 0 && (int)perf[i].algo < count)
          seen[perf[i].algo] = true;
    }
    for (int a = 0; a < count; a++)
      supported[a] = supported[a] && seen[a];
  }
  return TRT_STATUS_OK;
}

static const char *fwd_algo_name(int algo) {
  static const char *const names[CUDNN_CONVOLUTION_FWD_ALGO_COUNT] = {
      "implicit_gemm", "implicit_precomp_gemm", "gemm", "direct",
      "fft", "fft_tiling", "winograd", "winograd_nonfused"};
  return algo >= 0 && algo < CUDNN_CONVOLUTION_FWD_ALGO_COUNT ? names[algo] : "unknown";
}

static const char *bwd_algo_name(int algo) {
  static const char *const names[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT] = {
      "algo_0", "algo_1", "fft", "fft_tiling", "winograd", "winograd_nonfused"};
  return algo >= 0 && algo < CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT ? names[algo] : "unknown";
}

/* Algorithms that are not exact up to FP32 rounding: FFT (the transform's
 * rounding is spread over every output and grows with the tile) and
 * non-fused Winograd (F(4x4,3x3) and larger: transform constants that
 * amplify rounding); the likely cause of random-weight AlexNet's 5.9e-4
 * CUDA-vs-CPU difference (its 5x5 and 3x3 convolutions, where they are
 * often fastest). Listed only with allow_lossy_tactics. Fused
 * Winograd (F(2x2,3x3), exact-in-binary constants) and the GEMM and direct
 * algorithms stay. */
static bool algo_is_lossy(bool deconv, int algo) {
  if (deconv)
    return algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT ||
           algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING ||
           algo == CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED;
  return algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT || algo == CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING ||
         algo == CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED;
}

static void state_free(conv_state_t *s) {
  if (!s)
    return;
  destroy_descriptors(s);
  if (s->zero_bias)
    trt_cuda_free(s->zero_bias);
  free(s);
}

/* ---- list_tactics ------------------------------------------------------- */

static void add_tactic(trt_cuda_tactic_t *tactics, int max_tactics, int *count, int32_t id,
                       const char *prefix, const char *name) {
  if (*count >= max_tactics)
    return;
  tactics[*count].id = id;
  tactics[*count].source = id < TACTIC_DEPTHWISE ? TRT_TACTIC_SOURCE_CUDNN : 0;
  snprintf(tactics[*count].name, sizeof tactics[*count].name, "%s%s", prefix, name);
  (*count)++;
}

/* The NHWC depthwise kernel's arguments for a tactic, pointers NULL (for
 * the support check). */
static trt_depthwise_nhwc_t depthwise_nhwc_args(const trt_conv_geometry_t *g, int tactic) {
  trt_depthwise_nhwc_t args = {
      .outputs_per_thread = tactic == TACTIC_DEPTHWISE_NHWC_PAIRS ? 2 : 1,
      .batch = g->batch,
      .channels = g->in_channels,
      .activation = (int)g->activation.kind,
      .alpha = g->activation.alpha,
      .beta = g->activation.beta,
  };
  for (int d = 0; d < 2; d++) {
    args.in[d] = g->in[1 + d];
    args.out[d] = g->out[1 + d];
    args.kernel[d] = g->kernel[1 + d];
    args.stride[d] = g->stride[1 + d];
    args.dilation[d] = g->dilation[1 + d];
    args.pad[d] = g->pad_begin[1 + d];
  }
  return args;
}

static bool depthwise_nhwc_possible(const trt_conv_geometry_t *g, int tactic) {
  if (!trt_conv_geometry_is_depthwise_nhwc(g))
    return false;
  const trt_depthwise_nhwc_t args = depthwise_nhwc_args(g, tactic);
  return trt_depthwise_nhwc_supported(&args);
}

/* The 1x1 kernel's arguments for output k, pointers NULL. */
static trt_conv1x1_nhwc_t conv1x1_args(const trt_conv_geometry_t *g, int k) {
  return (trt_conv1x1_nhwc_t){
      .pixels = g->batch * g->out[0] * g->out[1] * g->out[2],
      .in_channels = g->in_channels,
      .out_channels = g->channels[k],
      .activation = (int)g->activation.kind,
      .alpha = g->activation.alpha,
      .beta = g->activation.beta,
  };
}

/* Whether the 1x1 kernel of `tactic` (202 or 203) takes every output. */
static bool conv1x1_nhwc_possible(const trt_conv_geometry_t *g, int tactic) {
  bool ok = trt_conv_geometry_is_1x1_nhwc(g);
  for (int k = 0; ok && k < g->nb_outputs; k++) {
    const trt_conv1x1_nhwc_t args = conv1x1_args(g, k);
    ok = tactic == TACTIC_1X1_NHWC_MMA ? trt_conv1x1_nhwc_mma_supported(&args)
                                       : trt_conv1x1_nhwc_supported(&args);
  }
  return ok;
}

/* The TF32 1x1 kernel's arguments for output k, pointers NULL. */
static trt_conv1x1_nchw_t conv1x1_tf32_args(const trt_conv_geometry_t *g, int k) {
  return (trt_conv1x1_nchw_t){
      .batch = g->batch,
      .in_channels = g->in_channels,
      .out_channels = g->channels[k],
      .pixels = g->out[0] * g->out[1] * g->out[2],
      .x_batch_stride = g->x_strides[0],
      .x_channel_stride = g->x_strides[1],
      .residual_batch_stride = g->has_residual ? g->residual_strides[0] : 0,
      .residual_channel_stride = g->has_residual ? g->residual_strides[1] : 0,
      .y_batch_stride = g->y_strides[k][0],
      .y_channel_stride = g->y_strides[k][1],
      .activation = (int)g->activation.kind,
      .alpha = g->activation.alpha,
      .beta = g->activation.beta,
  };
}

static bool conv1x1_tf32_possible(const trt_conv_geometry_t *g, const trt_cuda_env_t *env) {
  bool ok = env->allow_tf32 && trt_conv_geometry_is_1x1_linear(g);
  for (int k = 0; ok && k < g->nb_outputs; k++) {
    const trt_conv1x1_nchw_t args = conv1x1_tf32_args(g, k);
    ok = trt_conv1x1_nchw_tf32_supported(&args);
  }
  return ok;
}

static int list_common(const trt_network_t *network, const trt_layer_t *layer,
                       const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics, int max_tactics,
                       bool deconv) {
  conv_state_t *s = calloc(1, sizeof *s);
  if (!s) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "convolution: out of memory");
    return 0;
  }
  int count = 0;
  trt_status_t status = trt_conv_geometry_init(&s->g, network, layer, deconv);
  const trt_conv_geometry_t *g = &s->g;
  if (status == TRT_STATUS_OK && trt_conv_geometry_is_depthwise(g))
    add_tactic(tactics, max_tactics, &count, TACTIC_DEPTHWISE, "direct_depthwise", "");
  if (status == TRT_STATUS_OK && depthwise_nhwc_possible(g, TACTIC_DEPTHWISE_NHWC))
    add_tactic(tactics, max_tactics, &count, TACTIC_DEPTHWISE_NHWC, "depthwise_nhwc_fp16", "");
  if (status == TRT_STATUS_OK && depthwise_nhwc_possible(g, TACTIC_DEPTHWISE_NHWC_PAIRS))
    add_tactic(tactics, max_tactics, &count, TACTIC_DEPTHWISE_NHWC_PAIRS,
               "depthwise_nhwc_pairs_fp16", "");
  if (status == TRT_STATUS_OK && conv1x1_nhwc_possible(g, TACTIC_1X1_NHWC))
    add_tactic(tactics, max_tactics, &count, TACTIC_1X1_NHWC, "conv1x1_nhwc_fp16", "");
  if (status == TRT_STATUS_OK && conv1x1_nhwc_possible(g, TACTIC_1X1_NHWC_MMA))
    add_tactic(tactics, max_tactics, &count, TACTIC_1X1_NHWC_MMA, "conv1x1_nhwc_mma_fp16", "");
  if (status == TRT_STATUS_OK && conv1x1_tf32_possible(g, env))
    add_tactic(tactics, max_tactics, &count, TACTIC_1X1_TF32, "conv1x1_tf32", "");

  bool cudnn_ok = status == TRT_STATUS_OK;
  if (cudnn_ok && make_descriptors(s, env, false) != TRT_STATUS_OK) {
    cudnn_ok = false;
    if (count > 0)
      trt_log(TRT_SEVERITY_VERBOSE, "%s '%s': no cuDNN tactic: %s", g->op, g->name,
              trt_last_error());
  }
  bool supported[CUDNN_CONVOLUTION_FWD_ALGO_COUNT] = {false};
  const int nb_algos =
      deconv ? CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT : CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
  if (cudnn_ok && supported_algos(s, env, supported, nb_algos) != TRT_STATUS_OK)
    cudnn_ok = false;
  for (int algo = 0; cudnn_ok && !env->allow_lossy_tactics && algo < nb_algos; algo++)
    if (supported[algo] && algo_is_lossy(deconv, algo))
      supported[algo] = false;
  /* The builder drops those whose workspace (create's answer) exceeds its
   * limit; here only what cuDNN cannot run at all goes. */
  for (int algo = 0; cudnn_ok && algo < nb_algos; algo++) {
    size_t bytes;
    if (supported[algo] && algo_workspace(s, env, algo, &bytes))
      add_tactic(tactics, max_tactics, &count, algo, deconv ? "cudnn_bwd_data_" : "cudnn_",
                 deconv ? bwd_algo_name(algo) : fwd_algo_name(algo));
  }
  if (cudnn_ok && trt_conv_geometry_fused_possible(g)) {
    for (int algo = 0; algo < nb_algos; algo++) {
      size_t bytes;
      if (!supported[algo] || (g->activation.kind == TRT_ACTIVATION_NONE &&
                               algo != CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM))
        continue;
      if (algo_workspace(s, env, algo, &bytes))
        add_tactic(tactics, max_tactics, &count, TACTIC_FUSED + algo, "cudnn_fused_",
                   fwd_algo_name(algo));
    }
  }
  if (count == 0 && cudnn_ok)
    trt_error(TRT_STATUS_UNSUPPORTED, "no cuDNN algorithm supports this shape");
  state_free(s);
  return count;
}

static int conv_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                             const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                             int max_tactics) {
  return list_common(network, layer, env, tactics, max_tactics, false);
}

static int deconv_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  return list_common(network, layer, env, tactics, max_tactics, true);
}

/* ---- create / destroy --------------------------------------------------- */

static trt_status_t configure(conv_state_t *s, const trt_network_t *network,
                              const trt_layer_t *layer, const trt_cuda_env_t *env) {
  destroy_descriptors(s);
  trt_status_t status = trt_conv_geometry_init(&s->g, network, layer, s->g.deconv);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_conv_geometry_t *g = &s->g;
  s->x_dims = trt_layer_input(network, layer, 0)->dims;
  s->algo_workspace = 0;
  if (s->tactic >= TACTIC_DEPTHWISE) {
    const bool possible = s->tactic == TACTIC_DEPTHWISE        ? trt_conv_geometry_is_depthwise(g)
                          : s->tactic == TACTIC_DEPTHWISE_NHWC ||
                                  s->tactic == TACTIC_DEPTHWISE_NHWC_PAIRS
                              ? depthwise_nhwc_possible(g, s->tactic)
                          : s->tactic == TACTIC_1X1_NHWC || s->tactic == TACTIC_1X1_NHWC_MMA
                              ? conv1x1_nhwc_possible(g, s->tactic)
                          : s->tactic == TACTIC_1X1_TF32 ? conv1x1_tf32_possible(g, env)
                                                         : false;
    if (!possible)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "tactic %d cannot run this layer", s->tactic);
    s->workspace = 0;
    return TRT_STATUS_OK;
  }
  const bool fused = s->tactic >= TACTIC_FUSED && s->tactic < TACTIC_DEPTHWISE;
  const int algo = fused ? s->tactic - TACTIC_FUSED : s->tactic;
  const int nb_algos =
      g->deconv ? CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT : CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
  if (algo < 0 || algo >= nb_algos ||
      (fused && (g->deconv || !trt_conv_geometry_fused_possible(g))))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unknown or unusable tactic %d", s->tactic);
  status = make_descriptors(s, env, fused);
  if (status != TRT_STATUS_OK)
    return status;
  if (!algo_workspace(s, env, algo, &s->algo_workspace))
    return trt_error(TRT_STATUS_UNSUPPORTED, "cuDNN does not support algorithm %d here", algo);
  s->workspace = trt_conv_geometry_workspace_bytes(g, s->algo_workspace);
  return TRT_STATUS_OK;
}

static trt_status_t create_common(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes, bool deconv) {
  *state = NULL;
  *workspace_bytes = 0;
  conv_state_t *s = calloc(1, sizeof *s);
  if (!s)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "convolution: out of memory");
  s->g.deconv = deconv;
  s->tactic = tactic;
  trt_status_t status = configure(s, network, layer, env);
  const bool fused = tactic >= TACTIC_FUSED && tactic < TACTIC_DEPTHWISE;
  if (status == TRT_STATUS_OK && fused && !s->g.has_bias) {
    const size_t bytes = (size_t)s->g.total_channels * trt_data_type_size(s->g.type);
    cudaError_t error = cudaMalloc((void **)&s->zero_bias, bytes);
    if (error == cudaSuccess)
      error = cudaMemsetAsync(s->zero_bias, 0, bytes, env->stream);
    if (error == cudaSuccess)
      error = cudaStreamSynchronize(env->stream);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "zero bias: %s", cudaGetErrorString(error));
  }
  if (status != TRT_STATUS_OK) {
    state_free(s);
    return status;
  }
  *workspace_bytes = s->workspace;
  *state = s;
  return TRT_STATUS_OK;
}

static trt_status_t conv_create(const trt_network_t *network, const trt_layer_t *layer,
                                int32_t tactic, trt_cuda_env_t *env, void **state,
                                size_t *workspace_bytes) {
  return create_common(network, layer, tactic, env, state, workspace_bytes, false);
}

static trt_status_t deconv_create(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes) {
  return create_common(network, layer, tactic, env, state, workspace_bytes, true);
}

static void conv_destroy(void *state) {
  state_free(state);
}

/* ---- enqueue ------------------------------------------------------------ */

/* act(y + bias + residual) in place on output k, when there is anything to do. */
/* `elements` further than `base` in the layer's element type. */
static const void *advance(const conv_state_t *s, const void *base, int64_t elements) {
  return (const char *)base + elements * (int64_t)trt_data_type_size(s->g.type);
}

static trt_status_t epilogue_in_place(const conv_state_t *s, int k, const void *bias,
                                      const void *residual, void *y, cudaStream_t stream) {
  const trt_conv_geometry_t *g = &s->g;
  if (!bias && !residual && g->activation.kind == TRT_ACTIVATION_NONE)
    return TRT_STATUS_OK;
  trt_conv_epilogue_t e = {
      .type = (int)g->type,
      .dims = {g->batch, g->channels[k], g->out[0], g->out[1], g->out[2]},
      .src = y,
      .src_scale = 1.0f,
      .bias = bias ? advance(s, bias, g->channel_offset[k]) : NULL,
      .bias_axis = 1,
      .residual = residual,
      .dst = y,
      .activation = (int)g->activation.kind,
      .alpha = g->activation.alpha,
      .beta = g->activation.beta,
  };
  memcpy(e.src_strides, g->y_strides[k], sizeof e.src_strides);
  memcpy(e.dst_strides, g->y_strides[k], sizeof e.dst_strides);
  memcpy(e.residual_strides, g->residual_strides, sizeof e.residual_strides);
  TRT_LAUNCH_CHECK(trt_launch_conv_epilogue(&e, stream));
  return TRT_STATUS_OK;
}

static trt_status_t enqueue_depthwise(const conv_state_t *s, const float *x, const float *w,
                                      const float *bias, const float *residual, float *y,
                                      cudaStream_t stream) {
  const trt_conv_geometry_t *g = &s->g;
  trt_depthwise_conv_t args = {
      .batch = g->batch,
      .in_channels = g->in_channels,
      .out_channels = g->total_channels,
      .x = x,
      .w = w,
      .bias = bias,
      .residual = residual,
      .y = y,
      .activation = (int)g->activation.kind,
      .alpha = g->activation.alpha,
      .beta = g->activation.beta,
  };
  for (int i = 0; i < 3; i++) {
    args.in[i] = g->in[i];
    args.out[i] = g->out[i];
    args.kernel[i] = g->kernel[i];
    args.stride[i] = g->stride[i];
    args.dilation[i] = g->dilation[i];
    args.pad[i] = g->pad_begin[i];
  }
  memcpy(args.x_strides, g->x_strides, sizeof args.x_strides);
  memcpy(args.residual_strides, g->residual_strides, sizeof args.residual_strides);
  memcpy(args.y_strides, g->y_strides[0], sizeof args.y_strides);
  TRT_LAUNCH_CHECK(trt_launch_depthwise_conv(&args, stream));
  return TRT_STATUS_OK;
}

/* Our 1x1 kernels (tactics 202 to 204), output by output: a merged
 * output's weights and bias start at its channels. */
static trt_status_t enqueue_1x1(const conv_state_t *s, int tactic, const void *x, const void *w,
                                const void *bias, const void *residual, void *const *outputs,
                                cudaStream_t stream) {
  const trt_conv_geometry_t *g = &s->g;
  for (int k = 0; k < g->nb_outputs; k++) {
    const void *part_w = advance(s, w, g->channel_offset[k] * g->in_channels);
    const void *part_bias = bias ? advance(s, bias, g->channel_offset[k]) : NULL;
    if (tactic == TACTIC_1X1_TF32) {
      trt_conv1x1_nchw_t args = conv1x1_tf32_args(g, k);
      args.x = x, args.w = part_w, args.bias = part_bias, args.residual = residual;
      args.y = outputs[k];
      TRT_LAUNCH_CHECK(trt_launch_conv1x1_nchw_tf32(&args, stream));
    } else {
      trt_conv1x1_nhwc_t args = conv1x1_args(g, k);
      args.x = x, args.w = part_w, args.bias = part_bias, args.residual = residual;
      args.y = outputs[k];
      TRT_LAUNCH_CHECK(tactic == TACTIC_1X1_NHWC_MMA ? trt_launch_conv1x1_nhwc_mma(&args, stream)
                                                     : trt_launch_conv1x1_nhwc(&args, stream));
    }
  }
  return TRT_STATUS_OK;
}

static trt_status_t enqueue_common(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  conv_state_t *s = state;
  if (!s || s->tactic != tactic)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "enqueue without matching create");
  /* Same layer, other dims (a smaller batch): remake the descriptors. */
  const trt_tensor_t *x_tensor = trt_layer_input(network, layer, 0);
  if (!x_tensor || !trt_dims_equal(&x_tensor->dims, &s->x_dims)) {
    trt_status_t status = configure(s, network, layer, env);
    if (status != TRT_STATUS_OK)
      return status;
  }
  const trt_conv_geometry_t *g = &s->g;
  if (s->workspace > env->workspace_bytes || (s->workspace > 0 && !env->workspace))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "needs %zu bytes of workspace, the context has %zu", s->workspace,
                     env->workspace ? env->workspace_bytes : 0);
  const void *x = inputs[0], *w = inputs[1];
  const void *bias = layer->nb_inputs > 2 ? inputs[2] : NULL;
  const void *residual = layer->nb_inputs > 3 ? inputs[3] : NULL;
  if (!x || !w || (g->has_bias && !bias) || (g->has_residual && !residual))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing input data");
  for (int k = 0; k < g->nb_outputs; k++)
    if (!outputs[k])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing output %d", k);

  if (tactic == TACTIC_DEPTHWISE)
    return enqueue_depthwise(s, x, w, bias, residual, outputs[0], env->stream); /* float32 */
  if (tactic == TACTIC_DEPTHWISE_NHWC || tactic == TACTIC_DEPTHWISE_NHWC_PAIRS) {
    trt_depthwise_nhwc_t args = depthwise_nhwc_args(g, tactic);
    args.x = x;
    args.w = w;
    args.bias = bias;
    args.residual = residual;
    args.y = outputs[0];
    TRT_LAUNCH_CHECK(trt_launch_depthwise_nhwc(&args, env->stream));
    return TRT_STATUS_OK;
  }
  if (tactic == TACTIC_1X1_NHWC || tactic == TACTIC_1X1_NHWC_MMA || tactic == TACTIC_1X1_TF32)
    return enqueue_1x1(s, tactic, x, w, bias, residual, outputs, env->stream);

  char *workspace = env->workspace;
  void *padded = workspace;
  float *full = (float *)(workspace + trt_conv_geometry_pad_bytes(g)); /* deconvolution: FP32 */
  void *algo_space = s->algo_workspace ? workspace + trt_conv_geometry_pad_bytes(g) +
                                             trt_conv_geometry_crop_bytes(g)
                                       : NULL;
  TRT_CUDNN_CHECK(cudnnSetStream(env->cudnn, env->stream));
  if (g->explicit_pad) {
    trt_conv_pad_t pad = {.type = (int)g->type, .src = x, .dst = padded};
    memcpy(pad.dims, g->x_dims, sizeof pad.dims);
    memcpy(pad.src_strides, g->x_strides, sizeof pad.src_strides);
    memcpy(pad.pad_begin, g->extra_begin, sizeof pad.pad_begin);
    memcpy(pad.pad_end, g->extra_end, sizeof pad.pad_end);
    TRT_LAUNCH_CHECK(trt_launch_conv_pad(&pad, env->stream));
    x = padded;
  }
  const float one = 1.0f, zero = 0.0f;
  const int64_t taps = g->kernel[0] * g->kernel[1] * g->kernel[2];

  if (g->deconv) {
    float *dst = g->crop ? full : outputs[0];
    TRT_CUDNN_CHECK(cudnnConvolutionBackwardData(
        env->cudnn, &one, s->parts[0].w, w, s->x, x, s->conv, (cudnnConvolutionBwdDataAlgo_t)tactic,
        algo_space, s->algo_workspace, &zero, s->parts[0].y, dst));
    if (!g->crop)
      return epilogue_in_place(s, 0, bias, residual, outputs[0], env->stream);
    int64_t dims[RANK], strides[RANK];
    trt_conv_geometry_full_dims(g, dims);
    trt_conv_packed_strides(dims, strides);
    trt_conv_epilogue_t e = {
        .dims = {g->batch, g->total_channels, g->out[0], g->out[1], g->out[2]},
        .src = full + g->pad_begin[0] * strides[2] + g->pad_begin[1] * strides[3] +
               g->pad_begin[2] * strides[4],
        .src_scale = 1.0f,
        .bias = bias,
        .bias_axis = 1,
        .residual = residual,
        .dst = outputs[0],
        .activation = (int)g->activation.kind,
        .alpha = g->activation.alpha,
        .beta = g->activation.beta,
    };
    memcpy(e.src_strides, strides, sizeof e.src_strides);
    memcpy(e.dst_strides, g->y_strides[0], sizeof e.dst_strides);
    memcpy(e.residual_strides, g->residual_strides, sizeof e.residual_strides);
    TRT_LAUNCH_CHECK(trt_launch_conv_epilogue(&e, env->stream));
    return TRT_STATUS_OK;
  }

  const bool fused = tactic >= TACTIC_FUSED;
  const int algo = fused ? tactic - TACTIC_FUSED : tactic;
  for (int k = 0; k < g->nb_outputs; k++) {
    const void *part_w = advance(s, w, g->channel_offset[k] * (g->in_channels / g->group) * taps);
    void *y = outputs[k];
    if (fused) {
      const void *part_bias = advance(s, bias ? bias : s->zero_bias, g->channel_offset[k]);
      const float alpha2 = residual ? 1.0f : 0.0f;
      /* Without a residual z is y with a zero scale (not read). */
      TRT_CUDNN_CHECK(cudnnConvolutionBiasActivationForward(
          env->cudnn, &one, s->x, x, s->parts[k].w, part_w, s->conv,
          (cudnnConvolutionFwdAlgo_t)algo, algo_space, s->algo_workspace, &alpha2,
          residual ? s->z : s->parts[k].y, residual ? (const void *)residual : (const void *)y,
          s->parts[k].bias, part_bias, s->act, s->parts[k].y, y));
      continue;
    }
    TRT_CUDNN_CHECK(cudnnConvolutionForward(env->cudnn, &one, s->x, x, s->parts[k].w, part_w,
                                            s->conv, (cudnnConvolutionFwdAlgo_t)algo, algo_space,
                                            s->algo_workspace, &zero, s->parts[k].y, y));
    trt_status_t status = epilogue_in_place(s, k, bias, residual, y, env->stream);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

/* Convolutions of 1 to 3 spatial dims run FP16 through cuDNN (the
 * depthwise kernel is FP32 only, cuDNN's grouped convolution takes over). */
static bool conv_runs_fp16(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  return x && x->dims.nb_dims >= 3 && x->dims.nb_dims <= 5;
}

/* Any format (cuDNN reads the strides), the same for input, residual and
 * outputs; 2-D only, and not where an asymmetric pad copies the input into
 * a packed NCHW buffer first. */
static trt_layer_formats_t conv_formats(const trt_network_t *network, const trt_layer_t *layer) {
  trt_conv_geometry_t g;
  if (trt_conv_geometry_init(&g, network, layer, false) != TRT_STATUS_OK)
    return TRT_LAYER_FORMATS_LINEAR;
  if (g.nb_spatial != 2 || g.explicit_pad)
    return TRT_LAYER_FORMATS_LINEAR;
  /* cuDNN's channels-last tensor-core kernels want channels in multiples
   * of 8 (PP-OCR rec's 60-channel 1x3 convolution has none); a first
   * layer's few input channels it pads itself. */
  bool aligned = g.in_channels % 8 == 0 || g.in_channels < 8;
  for (int k = 0; k < g.nb_outputs; k++) /* one cuDNN call per merged output */
    aligned = aligned && g.channels[k] % 8 == 0;
  return aligned ? TRT_LAYER_FORMATS_SAME : TRT_LAYER_FORMATS_LINEAR;
}

const trt_cuda_layer_ops_t trt_cuda_convolution_ops = {
    .list_tactics = conv_list_tactics,
    .create = conv_create,
    .enqueue = enqueue_common,
    .destroy = conv_destroy,
    .runs_fp16 = conv_runs_fp16,
    .formats = conv_formats,
};

const trt_cuda_layer_ops_t trt_cuda_deconvolution_ops = {
    .list_tactics = deconv_list_tactics,
    .create = deconv_create,
    .enqueue = enqueue_common,
    .destroy = conv_destroy,
};
