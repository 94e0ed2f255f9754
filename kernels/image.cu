/* Frames to tensor items (see image.cuh): each thread samples its pixel's
 * four neighbours (those of weight 0 skipped), converts and interpolates
 * them, and writes every channel in the item's type, all through
 * engine/numerics/image.h, the arithmetic the CPU preprocessing runs too.
 * Two instances: whole frames (the fast path, positions from the frame's
 * size alone), and regions (rectangles and oriented parallelograms, one
 * branch on which inside trt_image_taps). */
#include <cuda_fp16.h>

#include "image.cuh"
#include "numerics/image.h"

namespace {

__device__ __forceinline__ void store(const trt_image_transform_t &t, void *out, int64_t at,
                                      float x, float a, float b) {
  switch (t.type) {
  case TRT_DATA_TYPE_UINT8: static_cast<uint8_t *>(out)[at] = trt_image_uint8(x); return;
  case TRT_DATA_TYPE_INT8:
    static_cast<int8_t *>(out)[at] = trt_image_int8(trt_image_normalize(a, x, b), t.int8_scale);
    return;
  case TRT_DATA_TYPE_FLOAT16:
    static_cast<__half *>(out)[at] = __float2half_rn(trt_image_normalize(a, x, b));
    return;
  default: static_cast<float *>(out)[at] = trt_image_normalize(a, x, b);
  }
}

template <bool kRegion>
__global__ void image_to_tensor_kernel(const trt_image_t im, const trt_image_transform_t t,
                                       void *out) {
  const int32_t ox = blockIdx.x * blockDim.x + threadIdx.x, oy = blockIdx.y;
  if (ox >= t.width)
    return;
  const int64_t plane = (int64_t)t.width * t.height, pixel = (int64_t)oy * t.width + ox;
  const int64_t channel_stride = t.channels_last ? 1 : plane;
  const int64_t first = t.channels_last ? pixel * t.channels : pixel;
  const int32_t rx = ox - t.pad_x, ry = oy - t.pad_y;
  if (rx < 0 || ry < 0 || rx >= t.resized_width || ry >= t.resized_height) {
    for (int c = 0; c < t.channels; c++) { /* letterbox: 0 in every type */
      const int64_t at = first + c * channel_stride;
      switch (t.type) {
      case TRT_DATA_TYPE_UINT8: static_cast<uint8_t *>(out)[at] = 0; break;
      case TRT_DATA_TYPE_INT8: static_cast<int8_t *>(out)[at] = 0; break;
      case TRT_DATA_TYPE_FLOAT16: static_cast<__half *>(out)[at] = __float2half_rn(0.0f); break;
      default: static_cast<float *>(out)[at] = 0.0f;
      }
    }
    return;
  }
  trt_image_taps_t taps;
  if (kRegion)
    trt_image_taps(&im, &t, rx, ry, &taps);
  else
    trt_image_frame_taps(&im, &t, rx, ry, &taps);
  float value[4];
  trt_image_interpolate(&im, &taps, t.channels == 4, value);
  if (t.channels == 1 && im.format != TRT_PIXEL_GRAY8)
    value[0] = trt_image_luma(value);
#pragma unroll
  for (int c = 0; c < 4; c++) {
    if (c >= t.channels)
      break;
    const int32_t source = t.source_channel[c];
    const float x = source == 0   ? value[0]
                    : source == 1 ? value[1]
                    : source == 2 ? value[2]
                                  : value[3];
    store(t, out, first + c * channel_stride, x, t.a[c], t.b[c]);
  }
}

} // namespace

extern "C" cudaError_t trt_launch_image_to_tensor(const trt_image_t *image,
                                                  const trt_image_transform_t *transform, void *out,
                                                  cudaStream_t stream) {
  constexpr int kThreads = 128;
  if (transform->width <= 0 || transform->height <= 0 || transform->height > 65535)
    return cudaErrorInvalidValue;
  const dim3 grid((unsigned)((transform->width + kThreads - 1) / kThreads),
                  (unsigned)transform->height);
  if (transform->oriented || transform->source_width != 0)
    image_to_tensor_kernel<true><<<grid, kThreads, 0, stream>>>(*image, *transform, out);
  else
    image_to_tensor_kernel<false><<<grid, kThreads, 0, stream>>>(*image, *transform, out);
  return cudaGetLastError();
}
