/* The per-pixel arithmetic of frames to tensors (trt/image.h), one
 * definition for the element's CPU preprocessing (gst/trtpreprocess.c) and
 * the GPU kernel (kernels/image.cu): colour conversion, sample positions
 * (whole frames, rectangles and oriented regions: trt_image_taps),
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
/* double, for the positions of oriented regions */
#define TRT_IMAGE_DMUL(a, b) __dmul_rn((a), (b))
#define TRT_IMAGE_DADD(a, b) __dadd_rn((a), (b))
#define TRT_IMAGE_DDIV(a, b) __ddiv_rn((a), (b))
#else
#define TRT_IMAGE_MUL(a, b)  ((a) * (b))
#define TRT_IMAGE_ADD(a, b)  ((a) + (b))
#define TRT_IMAGE_SUB(a, b)  ((a) - (b))
#define TRT_IMAGE_DMUL(a, b) ((a) * (b))
#define TRT_IMAGE_DADD(a, b) ((a) + (b))
#define TRT_IMAGE_DDIV(a, b) ((a) / (b))
#endif

/* Loops over the 4 converted channels, unrolled on the device so that
 * their arrays stay in registers. */
#ifdef __CUDA_ARCH__
#define TRT_IMAGE_UNROLL _Pragma("unroll")
#else
#define TRT_IMAGE_UNROLL
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

/* Where one resized pixel samples the frame: columns x0, x1 with the
 * weight of x1, rows y0, y1 with the weight of y1 (frame pixels). */
typedef struct {
  int32_t x0, x1, y0, y1;
  float wx, wy;
} trt_image_taps_t;

/* One axis of a sample at `point` (pixel edges: pixel i covers i..i+1)
 * over `in` pixels: bilinear between the pixels whose centres surround it
 * (point - 0.5 clamped to 0..in-1), or the pixel it falls in (clamped), as
 * trt_image_sample does for its positions. */
static inline TRT_HOST_DEVICE void trt_image_sample_point(double point, int32_t in, bool nearest,
                                                          int32_t *i0, int32_t *i1, float *w) {
  const double last = in - 1;
  if (nearest) {
    const double p = point < 0.0 ? 0.0 : (point > last ? last : point);
    *i0 = *i1 = (int32_t)p;
    *w = 0.0f;
    return;
  }
  double s = TRT_IMAGE_DADD(point, -0.5);
  s = s < 0.0 ? 0.0 : (s > last ? last : s);
  *i0 = (int32_t)s;
  *i1 = *i0 + 1 < in - 1 ? *i0 + 1 : in - 1;
  *w = (float)(s - *i0);
}

/* The taps of resized pixel (rx, ry) of a whole frame. */
static inline TRT_HOST_DEVICE void trt_image_frame_taps(const trt_image_t *im,
                                                        const trt_image_transform_t *t, int32_t rx,
                                                        int32_t ry, trt_image_taps_t *k) {
  trt_image_sample(rx, t->resized_width, im->width, t->nearest, &k->x0, &k->x1, &k->wx);
  trt_image_sample(ry, t->resized_height, im->height, t->nearest, &k->y0, &k->y1, &k->wy);
}

/* The taps of resized pixel (rx, ry) for any source: the whole frame, a
 * rectangle (sampled as a frame of its size, then offset), or an oriented
 * region (its point origin + u (rx + 0.5) / resized_width + v (ry + 0.5) /
 * resized_height in double, each operation rounded, clamped to the
 * frame). */
static inline TRT_HOST_DEVICE void trt_image_taps(const trt_image_t *im,
                                                  const trt_image_transform_t *t, int32_t rx,
                                                  int32_t ry, trt_image_taps_t *k) {
  if (t->oriented) {
    /* u (2 rx + 1) / (2 resized_width): the product of a float and an
     * integer below 2^17 is exact in double, so the division is the one
     * rounding, and a point that is a short binary fraction (a pixel edge,
     * where nearest changes pixel) comes out exact from whichever corner
     * the region starts */
    const double nx = 2 * rx + 1, dx = 2.0 * t->resized_width;
    const double ny = 2 * ry + 1, dy = 2.0 * t->resized_height;
    const double px =
        TRT_IMAGE_DADD(TRT_IMAGE_DADD(t->origin_x, TRT_IMAGE_DDIV(TRT_IMAGE_DMUL(t->u_x, nx), dx)),
                       TRT_IMAGE_DDIV(TRT_IMAGE_DMUL(t->v_x, ny), dy));
    const double py =
        TRT_IMAGE_DADD(TRT_IMAGE_DADD(t->origin_y, TRT_IMAGE_DDIV(TRT_IMAGE_DMUL(t->u_y, nx), dx)),
                       TRT_IMAGE_DDIV(TRT_IMAGE_DMUL(t->v_y, ny), dy));
    trt_image_sample_point(px, im->width, t->nearest, &k->x0, &k->x1, &k->wx);
    trt_image_sample_point(py, im->height, t->nearest, &k->y0, &k->y1, &k->wy);
    return;
  }
  if (t->source_width == 0) {
    trt_image_frame_taps(im, t, rx, ry, k);
    return;
  }
  trt_image_sample(rx, t->resized_width, t->source_width, t->nearest, &k->x0, &k->x1, &k->wx);
  trt_image_sample(ry, t->resized_height, t->source_height, t->nearest, &k->y0, &k->y1, &k->wy);
  k->x0 += t->source_x;
  k->x1 += t->source_x;
  k->y0 += t->source_y;
  k->y1 += t->source_y;
}

static inline TRT_HOST_DEVICE float trt_image_luma(const float *rgb) {
  return TRT_IMAGE_ADD(TRT_IMAGE_ADD(TRT_IMAGE_MUL(0.299f, rgb[0]), TRT_IMAGE_MUL(0.587f, rgb[1])),
                       TRT_IMAGE_MUL(0.114f, rgb[2]));
}

/* The frame interpolated at taps `k`: RGB(A) in 0..255 (value[3] as
 * trt_image_pixel's rgb[3]). A weight of 0 (same size, integer ratios,
 * nearest) takes the first sample whole: its neighbour is not decoded, and
 * the interpolation gives the first sample exactly either way
 * (x + (y - x) * 0). */
static inline TRT_HOST_DEVICE void trt_image_interpolate(const trt_image_t *im,
                                                         const trt_image_taps_t *k, bool with_alpha,
                                                         float *value) {
  /* every array indexed by constants only (unrolled on the device), so
   * they stay in registers; alpha is interpolated too when unused (255).
   * The host zeroes them first, for compilers that cannot see that the
   * selects below read only what was written. */
#ifdef __CUDA_ARCH__
  float t0[4], t1[4], b0[4], b1[4];
#else
  float t0[4], t1[4] = {0}, b0[4] = {0}, b1[4] = {0};
#endif
  trt_image_pixel(im, k->x0, k->y0, with_alpha, t0);
  if (k->wx != 0.0f)
    trt_image_pixel(im, k->x1, k->y0, with_alpha, t1);
  if (k->wy != 0.0f)
    trt_image_pixel(im, k->x0, k->y1, with_alpha, b0);
  if (k->wx != 0.0f && k->wy != 0.0f)
    trt_image_pixel(im, k->x1, k->y1, with_alpha, b1);
  TRT_IMAGE_UNROLL
  for (int c = 0; c < 4; c++) {
    t1[c] = k->wx != 0.0f ? t1[c] : t0[c];
    b0[c] = k->wy != 0.0f ? b0[c] : t0[c];
    b1[c] = k->wx != 0.0f && k->wy != 0.0f ? b1[c] : k->wy != 0.0f ? b0[c] : t1[c];
  }
  TRT_IMAGE_UNROLL
  for (int c = 0; c < 4; c++)
    value[c] = trt_image_lerp(trt_image_lerp(t0[c], t1[c], k->wx),
                              trt_image_lerp(b0[c], b1[c], k->wx), k->wy);
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
