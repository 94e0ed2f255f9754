/* Frames to tensor items (see image.cuh). The arithmetic is the CPU
 * preprocessing's (gst/trtpreprocess.c) operation for operation, rounded
 * the same way: sample positions in double, every float product and sum
 * with the _rn intrinsics so that nvcc fuses none into an FMA (the CPU
 * rounds each), hence float32 items equal to the CPU's. */
#include <cuda_fp16.h>

#include "image.cuh"
#include "kernel_common.cuh"
#include "kernel_types.h"

namespace {

__device__ __forceinline__ float clamp255(float v) {
  return v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
}

__device__ __forceinline__ void yuv_to_rgb(const trt_kimage_t &im, float y, float u, float v,
                                           float *rgb) {
  const float yf = __fmul_rn(y - im.y_offset, im.y_gain);
  const float uf = __fmul_rn(u - 128.0f, im.c_gain);
  const float vf = __fmul_rn(v - 128.0f, im.c_gain);
  rgb[0] = clamp255(__fadd_rn(yf, __fmul_rn(im.rv, vf)));
  rgb[1] = clamp255(__fadd_rn(__fadd_rn(yf, __fmul_rn(im.gu, uf)), __fmul_rn(im.gv, vf)));
  rgb[2] = clamp255(__fadd_rn(yf, __fmul_rn(im.bu, uf)));
}

/* The source pixel (x, y) as RGB(A) in 0..255: rgb[3] is the frame's alpha
 * when `components` is 4 and the format has alpha, else 255. */
__device__ void source_pixel(const trt_kimage_t &im, int32_t x, int32_t y, int components,
                             float *rgb) {
  const uint8_t *row = im.planes[0] + y * im.strides[0];
  int r = 0, b = 2, step = 3;
  bool alpha = false;
  rgb[3] = 255.0f;
  switch (im.format) {
  case TRT_KPIXEL_RGB: break;
  case TRT_KPIXEL_BGR: r = 2, b = 0; break;
  case TRT_KPIXEL_RGBA: alpha = true, step = 4; break;
  case TRT_KPIXEL_RGBX: step = 4; break;
  case TRT_KPIXEL_BGRA: alpha = true, r = 2, b = 0, step = 4; break;
  case TRT_KPIXEL_BGRX: r = 2, b = 0, step = 4; break;
  case TRT_KPIXEL_GRAY8: rgb[0] = rgb[1] = rgb[2] = row[x]; return;
  case TRT_KPIXEL_NV12: {
    const uint8_t *uv = im.planes[1] + (y / 2) * im.strides[1] + (x / 2) * 2;
    yuv_to_rgb(im, row[x], uv[0], uv[1], rgb);
    return;
  }
  default: { /* I420 */
    const uint8_t u = im.planes[1][(y / 2) * im.strides[1] + x / 2];
    const uint8_t v = im.planes[2][(y / 2) * im.strides[2] + x / 2];
    yuv_to_rgb(im, row[x], u, v, rgb);
    return;
  }
  }
  const uint8_t *p = row + x * step;
  rgb[0] = p[r];
  rgb[1] = p[1];
  rgb[2] = p[b];
  if (components == 4 && alpha)
    rgb[3] = p[3];
}

/* The CPU's sample table entry for output index o of `out` over `in`. */
__device__ __forceinline__ void sample(int32_t o, int32_t out, int32_t in, bool nearest,
                                       int32_t *i0, int32_t *i1, float *w) {
  const double ratio = (double)in / out;
  if (nearest) {
    const int32_t i = (int32_t)((o + 0.5) * ratio);
    *i0 = *i1 = i < in - 1 ? i : in - 1;
    *w = 0.0f;
    return;
  }
  double s = (o + 0.5) * ratio - 0.5;
  s = s < 0.0 ? 0.0 : s > in - 1 ? in - 1 : s;
  *i0 = (int32_t)s;
  *i1 = *i0 + 1 < in - 1 ? *i0 + 1 : in - 1;
  *w = (float)(s - *i0);
}

__device__ __forceinline__ float lerp_rn(float from, float to, float w) {
  return __fadd_rn(from, __fmul_rn(__fsub_rn(to, from), w));
}

__device__ __forceinline__ void store(const trt_kimage_transform_t &t, int64_t at, float x, float a,
                                      float b) {
  switch (t.type) {
  case TRT_KTYPE_UINT8: /* interpolation stays within 0..255; +0.5 rounds to nearest */
    static_cast<uint8_t *>(t.out)[at] = (uint8_t)fminf(fmaxf(__fadd_rn(x, 0.5f), 0.0f), 255.0f);
    return;
  case TRT_KTYPE_INT8: {
    const float q = rintf(__fdiv_rn(__fadd_rn(__fmul_rn(a, x), b), t.int8_scale));
    static_cast<int8_t *>(t.out)[at] = (int8_t)fminf(fmaxf(q, -128.0f), 127.0f);
    return;
  }
  case TRT_KTYPE_FLOAT16:
    static_cast<__half *>(t.out)[at] = __float2half_rn(__fadd_rn(__fmul_rn(a, x), b));
    return;
  default: static_cast<float *>(t.out)[at] = __fadd_rn(__fmul_rn(a, x), b);
  }
}

__global__ void image_to_tensor_kernel(const trt_kimage_t im, const trt_kimage_transform_t t) {
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
      case TRT_KTYPE_UINT8: static_cast<uint8_t *>(t.out)[at] = 0; break;
      case TRT_KTYPE_INT8: static_cast<int8_t *>(t.out)[at] = 0; break;
      case TRT_KTYPE_FLOAT16: static_cast<__half *>(t.out)[at] = __float2half_rn(0.0f); break;
      default: static_cast<float *>(t.out)[at] = 0.0f;
      }
    }
    return;
  }
  int32_t x0, x1, y0, y1;
  float wx, wy;
  sample(rx, t.resized_width, im.width, t.nearest, &x0, &x1, &wx);
  sample(ry, t.resized_height, im.height, t.nearest, &y0, &y1, &wy);
  const int components = t.channels == 4 ? 4 : 3;
  /* every array indexed by constants only (unrolled), so they stay in
   * registers; alpha is interpolated too when unused (it is 255) */
  float t0[4], t1[4], b0[4], b1[4], value[4];
  source_pixel(im, x0, y0, components, t0);
  source_pixel(im, x1, y0, components, t1);
  source_pixel(im, x0, y1, components, b0);
  source_pixel(im, x1, y1, components, b1);
#pragma unroll
  for (int c = 0; c < 4; c++)
    value[c] = lerp_rn(lerp_rn(t0[c], t1[c], wx), lerp_rn(b0[c], b1[c], wx), wy);
  if (t.channels == 1 && im.format != TRT_KPIXEL_GRAY8)
    value[0] = __fadd_rn(__fadd_rn(__fmul_rn(0.299f, value[0]), __fmul_rn(0.587f, value[1])),
                         __fmul_rn(0.114f, value[2]));
#pragma unroll
  for (int c = 0; c < 4; c++) {
    if (c >= t.channels)
      break;
    const int32_t source = t.source_channel[c];
    const float x = source == 0   ? value[0]
                    : source == 1 ? value[1]
                    : source == 2 ? value[2]
                                  : value[3];
    store(t, first + c * channel_stride, x, t.a[c], t.b[c]);
  }
}

} // namespace

extern "C" cudaError_t trt_launch_image_to_tensor(const trt_kimage_t *image,
                                                  const trt_kimage_transform_t *transform,
                                                  cudaStream_t stream) {
  constexpr int kThreads = 128;
  if (transform->width <= 0 || transform->height <= 0 || transform->height > 65535)
    return cudaErrorInvalidValue;
  const dim3 grid((unsigned)((transform->width + kThreads - 1) / kThreads),
                  (unsigned)transform->height);
  image_to_tensor_kernel<<<grid, kThreads, 0, stream>>>(*image, *transform);
  return cudaGetLastError();
}
