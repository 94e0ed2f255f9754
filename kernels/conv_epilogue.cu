/* Convolution helpers: the strided epilogue, explicit padding and the direct
 * depthwise convolution (see conv_epilogue.cuh). */
#include "conv_epilogue.cuh"
#include "kernel_common.cuh"
#include "numerics/activation.h"
#include "plane_tile.cuh"

namespace {

constexpr int kThreads = 256;

/* The engine's activations (trt_activation_kind_t), as the CPU computes them. */
__device__ __forceinline__ float activate(int kind, float x, float alpha, float beta) {
  return trt_activation_eval((trt_activation_kind_t)kind, x, alpha, beta);
}

struct Index5 {
  int64_t i[TRT_CONV_RANK];
};

__device__ __forceinline__ Index5 unravel(int64_t linear, const int64_t *dims) {
  Index5 index;
  for (int d = TRT_CONV_RANK - 1; d > 0; d--) {
    index.i[d] = linear % dims[d];
    linear /= dims[d];
  }
  index.i[0] = linear;
  return index;
}

__device__ __forceinline__ int64_t offset(const Index5 &index, const int64_t *strides) {
  int64_t result = 0;
  for (int d = 0; d < TRT_CONV_RANK; d++)
    result += index.i[d] * strides[d];
  return result;
}

int64_t volume(const int64_t *dims) {
  int64_t count = 1;
  for (int d = 0; d < TRT_CONV_RANK; d++)
    count *= dims[d];
  return count;
}

/* Whether `strides` are the packed strides of `dims` (size-1 dims ignored). */
bool is_packed(const int64_t *dims, const int64_t *strides) {
  int64_t expected = 1;
  for (int d = TRT_CONV_RANK - 1; d >= 0; d--) {
    if (dims[d] != 1 && strides[d] != expected)
      return false;
    expected *= dims[d];
  }
  return true;
}

/* Whether `strides` are the packed channels-last strides of `dims` (N, D,
 * H, W, C from outermost; size-1 dims ignored). */
bool is_packed_channels_last(const int64_t *dims, const int64_t *strides) {
  static const int order[TRT_CONV_RANK] = {0, 2, 3, 4, 1};
  int64_t expected = 1;
  for (int k = TRT_CONV_RANK - 1; k >= 0; k--) {
    const int d = order[k];
    if (dims[d] != 1 && strides[d] != expected)
      return false;
    expected *= dims[d];
  }
  return true;
}

unsigned grid_for(int64_t count) {
  int64_t blocks = (count + kThreads - 1) / kThreads;
  const int64_t cap = 65535L * 16; /* grid-stride loops cover the rest */
  return (unsigned)(blocks < cap ? blocks : cap);
}

/* kPacked: every operand is packed like dims, so the linear index serves
 * them all and only the bias index needs a division. T: the elements'
 * storage type (float or __half); arithmetic in float. */
template <typename T, bool kPacked>
__global__ void epilogue_kernel(const trt_conv_epilogue_t args, int64_t count, int64_t bias_inner) {
  const T *src = (const T *)args.src, *bias = (const T *)args.bias;
  const T *residual = (const T *)args.residual;
  T *dst = (T *)args.dst;
  for (int64_t linear = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; linear < count;
       linear += (int64_t)gridDim.x * blockDim.x) {
    float value;
    if (kPacked) {
      value = args.src_scale * trtk::load_float(src + linear);
      if (bias)
        value += trtk::load_float(bias + (linear / bias_inner) % args.dims[args.bias_axis]);
      if (residual)
        value += trtk::load_float(residual + linear);
      trtk::store_float(dst + linear, activate(args.activation, value, args.alpha, args.beta));
    } else {
      const Index5 index = unravel(linear, args.dims);
      value = args.src_scale * trtk::load_float(src + offset(index, args.src_strides));
      if (bias) /* the linear index's, not index.i[bias_axis]: no dynamic register index */
        value += trtk::load_float(bias + (linear / bias_inner) % args.dims[args.bias_axis]);
      if (residual)
        value += trtk::load_float(residual + offset(index, args.residual_strides));
      trtk::store_float(dst + offset(index, args.dst_strides),
                        activate(args.activation, value, args.alpha, args.beta));
    }
  }
}

template <typename T>
__global__ void pad_kernel(const trt_conv_pad_t args, Index5 padded, int64_t count) {
  const T *src = (const T *)args.src;
  T *dst = (T *)args.dst;
  for (int64_t linear = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; linear < count;
       linear += (int64_t)gridDim.x * blockDim.x) {
    Index5 index = unravel(linear, padded.i);
    bool inside = true;
    for (int d = 0; d < 3; d++) {
      index.i[2 + d] -= args.pad_begin[d];
      inside = inside && index.i[2 + d] >= 0 && index.i[2 + d] < args.dims[2 + d];
    }
    dst[linear] = inside ? src[offset(index, args.src_strides)] : T(0.0f);
  }
}

/* One thread per output element. kK > 0: a 2-D kK x kK kernel (D == 1),
 * unrolled; 0: any kernel. */
template <int kK>
__global__ void depthwise_kernel(const trt_depthwise_conv_t args, int64_t count) {
  const int64_t multiplier = args.out_channels / args.in_channels;
  const int64_t dims[TRT_CONV_RANK] = {args.batch, args.out_channels, args.out[0], args.out[1],
                                       args.out[2]};
  for (int64_t linear = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; linear < count;
       linear += (int64_t)gridDim.x * blockDim.x) {
    const Index5 o = unravel(linear, dims);
    const int64_t channel = o.i[1];
    const float *x =
        args.x + o.i[0] * args.x_strides[0] + (channel / multiplier) * args.x_strides[1];
    float sum = 0.0f;
    if (kK > 0) {
      const float *w = args.w + channel * kK * kK;
      const int64_t h0 = o.i[3] * args.stride[1] - args.pad[1];
      const int64_t w0 = o.i[4] * args.stride[2] - args.pad[2];
#pragma unroll
      for (int kh = 0; kh < kK; kh++) {
        const int64_t ih = h0 + kh * args.dilation[1];
        if (ih < 0 || ih >= args.in[1])
          continue;
        const float *row = x + ih * args.x_strides[3];
#pragma unroll
        for (int kw = 0; kw < kK; kw++) {
          const int64_t iw = w0 + kw * args.dilation[2];
          if (iw >= 0 && iw < args.in[2])
            sum = fmaf(__ldg(&w[kh * kK + kw]), __ldg(&row[iw * args.x_strides[4]]), sum);
        }
      }
    } else {
      const float *w = args.w + channel * args.kernel[0] * args.kernel[1] * args.kernel[2];
      for (int64_t kd = 0; kd < args.kernel[0]; kd++) {
        const int64_t id = o.i[2] * args.stride[0] - args.pad[0] + kd * args.dilation[0];
        if (id < 0 || id >= args.in[0])
          continue;
        for (int64_t kh = 0; kh < args.kernel[1]; kh++) {
          const int64_t ih = o.i[3] * args.stride[1] - args.pad[1] + kh * args.dilation[1];
          if (ih < 0 || ih >= args.in[1])
            continue;
          const float *row = x + id * args.x_strides[2] + ih * args.x_strides[3];
          const float *taps = w + (kd * args.kernel[1] + kh) * args.kernel[2];
          for (int64_t kw = 0; kw < args.kernel[2]; kw++) {
            const int64_t iw = o.i[4] * args.stride[2] - args.pad[2] + kw * args.dilation[2];
            if (iw >= 0 && iw < args.in[2])
              sum = fmaf(__ldg(&taps[kw]), __ldg(&row[iw * args.x_strides[4]]), sum);
          }
        }
      }
    }
    if (args.bias)
      sum += args.bias[channel];
    if (args.residual)
      sum += args.residual[offset(o, args.residual_strides)];
    args.y[offset(o, args.y_strides)] = activate(args.activation, sum, args.alpha, args.beta);
  }
}

/* 2-D depthwise convolution through a staged tile (plane_tile.cuh), kK x
 * kK taps in registers: block (plane, chunk) takes tile.out_rows output
 * rows of one output plane (n, channel). The padding is staged as zeros, so
 * a tap outside the input adds fmaf(w, 0) to the sum: the same value as
 * depthwise_kernel, which skips it. */
template <int kK>
__global__ void __launch_bounds__(trtk::kPlaneTileThreads)
    depthwise2d_tile_kernel(const trt_depthwise_conv_t args, trtk::PlaneTile tile) {
  __shared__ float staged[trtk::kPlaneTileFloats];
  /* per plane of the block: its input, output and residual offsets, its
   * taps and bias */
  __shared__ int64_t x_offsets[trtk::kMaxTilePlanes], y_offsets[trtk::kMaxTilePlanes],
      residual_offsets[trtk::kMaxTilePlanes];
  __shared__ float taps[trtk::kMaxTilePlanes][kK * kK], biases[trtk::kMaxTilePlanes];
  const int64_t plane0 = (int64_t)blockIdx.x * tile.planes;
  const int32_t planes = (int32_t)min((int64_t)tile.planes, args.batch * args.out_channels - plane0);
  if ((int32_t)threadIdx.x < planes) {
    const int64_t plane = plane0 + threadIdx.x;
    const int64_t n = plane / args.out_channels, channel = plane % args.out_channels;
    const int64_t multiplier = args.out_channels / args.in_channels;
    x_offsets[threadIdx.x] = n * args.x_strides[0] + (channel / multiplier) * args.x_strides[1];
    y_offsets[threadIdx.x] = n * args.y_strides[0] + channel * args.y_strides[1];
    residual_offsets[threadIdx.x] =
        n * args.residual_strides[0] + channel * args.residual_strides[1];
#pragma unroll
    for (int k = 0; k < kK * kK; k++)
      taps[threadIdx.x][k] = __ldg(&args.w[channel * kK * kK + k]);
    biases[threadIdx.x] = args.bias ? __ldg(&args.bias[channel]) : 0.0f;
  }
  __syncthreads();
  const int32_t out_h = (int32_t)args.out[1], out_w = (int32_t)args.out[2];
  const int32_t stride_h = (int32_t)args.stride[1], stride_w = (int32_t)args.stride[2];
  const int32_t dilation_h = (int32_t)args.dilation[1], dilation_w = (int32_t)args.dilation[2];
  const int32_t oh0 = (int32_t)blockIdx.y * tile.out_rows;
  const int32_t out_rows = min(tile.out_rows, out_h - oh0);
  const int32_t staged_rows = (out_rows - 1) * stride_h + (kK - 1) * dilation_h + 1;
  trtk::stage_planes(staged, args.x, x_offsets, args.x_strides[3], args.x_strides[4],
                     (int32_t)args.in[1], (int32_t)args.in[2],
                     oh0 * stride_h - (int32_t)args.pad[1], -(int32_t)args.pad[2], staged_rows,
                     tile.cols, planes, 0.0f);
  __syncthreads();
  const int32_t plane_outputs = out_rows * out_w;
  for (int32_t o = threadIdx.x; o < planes * plane_outputs; o += blockDim.x) {
    const int32_t p = o / plane_outputs, rest = o % plane_outputs;
    const int32_t r = rest / out_w, ow = rest % out_w, oh = oh0 + r;
    const float *window = staged + (p * staged_rows + r * stride_h) * tile.cols + ow * stride_w;
    float sum = 0.0f;
#pragma unroll
    for (int kh = 0; kh < kK; kh++)
#pragma unroll
      for (int kw = 0; kw < kK; kw++)
        sum = fmaf(taps[p][kh * kK + kw], window[kh * dilation_h * tile.cols + kw * dilation_w],
                   sum);
    if (args.bias)
      sum += biases[p];
    if (args.residual)
      sum += args.residual[residual_offsets[p] + oh * args.residual_strides[3] +
                           ow * args.residual_strides[4]];
    args.y[y_offsets[p] + oh * args.y_strides[3] + ow * args.y_strides[4]] =
        activate(args.activation, sum, args.alpha, args.beta);
  }
}

/* The tile for a 2-D depthwise convolution with square taps, out_rows 0
 * when the tiled kernel does not take it. */
trtk::PlaneTile depthwise_tile(const trt_depthwise_conv_t &a) {
  const trtk::PlaneTile none = {0, 0, 1};
  if (a.kernel[0] != 1 || a.in[0] != 1 || a.out[0] != 1 || a.pad[0] != 0 ||
      a.kernel[1] != a.kernel[2] || a.batch * a.out_channels >= INT32_MAX ||
      a.in[1] >= INT32_MAX / 4 || a.in[2] >= INT32_MAX / 4 || a.out[1] >= INT32_MAX / 4 ||
      a.pad[1] >= INT32_MAX / 4 || a.pad[2] >= INT32_MAX / 4 ||
      a.out[1] * a.stride[1] >= INT32_MAX / 4)
    return none;
  return trtk::plane_tile_for(a.out[1], a.out[2], (a.kernel[1] - 1) * a.dilation[1] + 1,
                              (a.kernel[2] - 1) * a.dilation[2] + 1, a.stride[1], a.stride[2],
                              a.batch * a.out_channels);
}

template <int kK>
void launch_depthwise2d_tile(const trt_depthwise_conv_t &args, trtk::PlaneTile tile,
                             cudaStream_t stream) {
  const int64_t planes = args.batch * args.out_channels;
  const dim3 grid((unsigned)((planes + tile.planes - 1) / tile.planes),
                  (unsigned)((args.out[1] + tile.out_rows - 1) / tile.out_rows));
  depthwise2d_tile_kernel<kK><<<grid, trtk::kPlaneTileThreads, 0, stream>>>(args, tile);
}

} // namespace

extern "C" cudaError_t trt_launch_conv_epilogue(const trt_conv_epilogue_t *args,
                                                cudaStream_t stream) {
  const int64_t count = volume(args->dims);
  if (count <= 0)
    return cudaSuccess;
  if (args->bias_axis < 0 || args->bias_axis >= TRT_CONV_RANK)
    return cudaErrorInvalidValue;
  int64_t bias_inner = 1;
  for (int d = args->bias_axis + 1; d < TRT_CONV_RANK; d++)
    bias_inner *= args->dims[d];
  bool packed = is_packed(args->dims, args->src_strides) &&
                is_packed(args->dims, args->dst_strides) &&
                (!args->residual || is_packed(args->dims, args->residual_strides));
  /* Channels-last operands, all packed: the linear index serves them too,
   * the bias (per channel) repeating every C elements. */
  if (!packed && args->bias_axis == 1 && is_packed_channels_last(args->dims, args->src_strides) &&
      is_packed_channels_last(args->dims, args->dst_strides) &&
      (!args->residual || is_packed_channels_last(args->dims, args->residual_strides))) {
    packed = true;
    bias_inner = 1;
  }
  if (args->type == TRT_KTYPE_FLOAT16) {
    if (packed)
      epilogue_kernel<__half, true>
          <<<grid_for(count), kThreads, 0, stream>>>(*args, count, bias_inner);
    else
      epilogue_kernel<__half, false>
          <<<grid_for(count), kThreads, 0, stream>>>(*args, count, bias_inner);
  } else if (args->type == TRT_KTYPE_FLOAT32) {
    if (packed)
      epilogue_kernel<float, true>
          <<<grid_for(count), kThreads, 0, stream>>>(*args, count, bias_inner);
    else
      epilogue_kernel<float, false>
          <<<grid_for(count), kThreads, 0, stream>>>(*args, count, bias_inner);
  } else {
    return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_conv_pad(const trt_conv_pad_t *args, cudaStream_t stream) {
  Index5 padded;
  padded.i[0] = args->dims[0];
  padded.i[1] = args->dims[1];
  for (int d = 0; d < 3; d++)
    padded.i[2 + d] = args->dims[2 + d] + args->pad_begin[d] + args->pad_end[d];
  const int64_t count = volume(padded.i);
  if (count <= 0)
    return cudaSuccess;
  if (args->type == TRT_KTYPE_FLOAT16)
    pad_kernel<__half><<<grid_for(count), kThreads, 0, stream>>>(*args, padded, count);
  else if (args->type == TRT_KTYPE_FLOAT32)
    pad_kernel<float><<<grid_for(count), kThreads, 0, stream>>>(*args, padded, count);
  else
    return cudaErrorInvalidValue;
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_depthwise_conv(const trt_depthwise_conv_t *args,
                                                 cudaStream_t stream) {
  const int64_t count =
      args->batch * args->out_channels * args->out[0] * args->out[1] * args->out[2];
  if (count <= 0)
    return cudaSuccess;
  if (args->in_channels <= 0 || args->out_channels % args->in_channels != 0)
    return cudaErrorInvalidValue;
  const bool flat = args->kernel[0] == 1 && args->in[0] == 1 && args->out[0] == 1 &&
                    args->pad[0] == 0 && args->kernel[1] == args->kernel[2];
  const trtk::PlaneTile tile = depthwise_tile(*args);
  if (tile.out_rows > 0 && args->kernel[1] == 3)
    launch_depthwise2d_tile<3>(*args, tile, stream);
  else if (tile.out_rows > 0 && args->kernel[1] == 5)
    launch_depthwise2d_tile<5>(*args, tile, stream);
  else if (flat && args->kernel[1] == 3)
    depthwise_kernel<3><<<grid_for(count), kThreads, 0, stream>>>(*args, count);
  else if (flat && args->kernel[1] == 5)
    depthwise_kernel<5><<<grid_for(count), kThreads, 0, stream>>>(*args, count);
  else
    depthwise_kernel<0><<<grid_for(count), kThreads, 0, stream>>>(*args, count);
  return cudaGetLastError();
}
