/* The per-pixel arithmetic of frames to tensors (trt/image.h), one
 * definition for the element's CPU preprocessing (gst/trtpreprocess.c) and
 * the GPU kernel (kernels/image.cu): colour conversion, sample positions,
 * interpolation, luma and the element types. Every product and sum is
 * rounded on its own (the _rn intrinsics on the device; host code compiles
 * with -ffp-contract=off), so both give the same float32 values. */
#ifndef TRT_NUMERICS_IMAGE_H
#define TRT_NUMERICS_IMAGE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "numerics.h"
#include "trt/image.h"

#ifdef __CUDA_ARCH__
#define TRT_IMAGE_MUL(a, b) __fmul_rn((a), (b))
#define TRT_IMAGE_ADD(a, b) __fadd_rn((a), (b))
#define TRT_IMAGE_SUB(a, b) __fsub_rn((a), (b))
#else
#define TRT_IMAGE_MUL(a, b) ((a) * (b))
#define TRT_IMAGE_ADD(a, b) ((a) + (b))
#define TRT_IMAGE_SUB(a, b) ((a) - (b))
#endif

static inline TRT_HOST_DEVICE float trt_image_clamp255(float v) {
  return v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
}

/* One YUV sample to RGB in 0..255 with the frame's coefficients. */
static inline TRT_HOST_DEVICE void trt_image_yuv_to_rgb(const trt_image_t *im, float y, float u,
                                                        float v, float *rgb) {
  const float yf = TRT_IMAGE_MUL(TRT_IMAGE_SUB(y, im->y_offset), im->y_gain);
  const float uf = TRT_IMAGE_MUL(TRT_IMAGE_SUB(u, 128.0f), im->c_gain);
  const float vf = TRT_IMAGE_MUL(TRT_IMAGE_SUB(v, 128.0f), im->c_gain);
  rgb[0] = trt_image_clamp255(TRT_IMAGE_ADD(yf, TRT_IMAGE_MUL(im->rv, vf)));
  rgb[1] = trt_image_clamp255(
      TRT_IMAGE_ADD(TRT_IMAGE_ADD(yf, TRT_IMAGE_MUL(im->gu, uf)), TRT_IMAGE_MUL(im->gv, vf)));
  rgb[2] = trt_image_clamp255(TRT_IMAGE_ADD(yf, TRT_IMAGE_MUL(im->bu, uf)));
}

/* The frame's pixel (x, y) as RGB(A) in 0..255 (planes in the caller's
 * memory space): rgb[3] is the frame's alpha when `with_alpha` and the
 * format has alpha, else 255. */
static inline TRT_HOST_DEVICE void trt_image_pixel(const trt_image_t *im, int32_t x, int32_t y,
                                                   bool with_alpha, float *rgb) {
  const uint8_t *row = (const uint8_t *)im->planes[0] + y * im->strides[0];
  int r = 0, b = 2, step = 3;
  bool alpha = false;
  rgb[3] = 255.0f;
  switch (im->format) {
  case TRT_PIXEL_RGB: break;
  case TRT_PIXEL_BGR: r = 2, b = 0; break;
  case TRT_PIXEL_RGBA: alpha = true, step = 4; break;
  case TRT_PIXEL_RGBX: step = 4; break;
  case TRT_PIXEL_BGRA: alpha = true, r = 2, b = 0, step = 4; break;
  case TRT_PIXEL_BGRX: r = 2, b = 0, step = 4; break;
  case TRT_PIXEL_GRAY8: rgb[0] = rgb[1] = rgb[2] = row[x]; return;
  case TRT_PIXEL_NV12: {
    const uint8_t *uv = (const uint8_t *)im->planes[1] + (y / 2) * im->strides[1] + (x / 2) * 2;
    trt_image_yuv_to_rgb(im, row[x], uv[0], uv[1], rgb);
    return;
  }
  default: { /* I420 */
    const uint8_t u = ((const uint8_t *)im->planes[1])[(y / 2) * im->strides[1] + x / 2];
    const uint8_t v = ((const uint8_t *)im->planes[2])[(y / 2) * im->strides[2] + x / 2];
    trt_image_yuv_to_rgb(im, row[x], u, v, rgb);
    return;
  }
  }
  const uint8_t *p = row + x * step;
  rgb[0] = p[r];
  rgb[1] = p[1];
  rgb[2] = p[b];
  if (with_alpha && alpha)
    rgb[3] = p[3];
}

/* Output index o of `out` samples over `in` input pixels, half-pixel
 * centres: the neighbours i0, i1 and the weight of i1 (sample positions in
 * double). Nearest: both the pixel the centre falls in, weight 0. */
static inline TRT_HOST_DEVICE void trt_image_sample(int32_t o, int32_t out, int32_t in,
                                                    bool nearest, int32_t *i0, int32_t *i1,
                                                    float *w) {
  const double ratio = (double)in / out;
  if (nearest) {
    const int32_t i = (int32_t)((o + 0.5) * ratio);
    *i0 = *i1 = i < in - 1 ? i : in - 1;
    *w = 0.0f;
    return;
  }
  double s = (o + 0.5) * ratio - 0.5;
  s = s < 0.0 ? 0.0 : (s > in - 1 ? in - 1 : s);
  *i0 = (int32_t)s;
  *i1 = *i0 + 1 < in - 1 ? *i0 + 1 : in - 1;
  *w = (float)(s - *i0);
}

static inline TRT_HOST_DEVICE float trt_image_lerp(float from, float to, float w) {
  return TRT_IMAGE_ADD(from, TRT_IMAGE_MUL(TRT_IMAGE_SUB(to, from), w));
}

static inline TRT_HOST_DEVICE float trt_image_luma(const float *rgb) {
  return TRT_IMAGE_ADD(TRT_IMAGE_ADD(TRT_IMAGE_MUL(0.299f, rgb[0]), TRT_IMAGE_MUL(0.587f, rgb[1])),
                       TRT_IMAGE_MUL(0.114f, rgb[2]));
}

static inline TRT_HOST_DEVICE float trt_image_normalize(float a, float x, float b) {
  return TRT_IMAGE_ADD(TRT_IMAGE_MUL(a, x), b);
}

/* uint8 items: x itself (interpolation stays within 0..255; +0.5 rounds to
 * nearest). */
static inline TRT_HOST_DEVICE uint8_t trt_image_uint8(float x) {
  const float v = TRT_IMAGE_ADD(x, 0.5f);
  return (uint8_t)(v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v));
}

/* int8 items: the normalized value y quantized by the tensor's scale. */
static inline TRT_HOST_DEVICE int8_t trt_image_int8(float y, float scale) {
  const float q = rintf(y / scale);
  return (int8_t)(q < -128.0f ? -128.0f : (q > 127.0f ? 127.0f : q));
}

#endif
