/* Video frames to network input tensors on the GPU: colour conversion,
 * resize, letterbox padding, normalization, layout and element type in one
 * kernel, writing one item of an input binding. What the element's CPU
 * preprocessing (gst/trtpreprocess.h) computes, value for value: the CPU
 * path is its reference, and both take their parameters from the same
 * function there.
 *
 * For every output pixel inside the resized area, the source is sampled
 * at half-pixel centres (bilinear between the four neighbours, or the
 * nearest pixel), each neighbour converted to RGB(A) in 0..255 first
 * (YUV: limited or full range, the frame's matrix); one channel takes luma
 * (0.299 R + 0.587 G + 0.114 B, or a GRAY8 frame's own value). Then
 *
 *   y[c] = a[c] * x[source_channel[c]] + b[c]
 *
 * stored as float32 or float16, or as int8 round(y / int8_scale) clamped
 * to -128..127; uint8 stores x itself, rounded (a and b unused). Pixels
 * outside the resized area (letterbox) are 0 in every type.
 *
 * The source is the whole frame, or a region of it: an axis-aligned
 * rectangle (sampled as a frame of that size whose pixels are the
 * rectangle's: neighbours clamped to the rectangle), or an oriented
 * parallelogram (a text line at an angle: resized pixel (rx, ry) samples
 * frame point origin + u (rx + 0.5) / resized_width + v (ry + 0.5) /
 * resized_height, in pixel edges, neighbours clamped to the frame). */
#ifndef TRT_IMAGE_H
#define TRT_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "trt/network.h"
#include "trt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TRT_PIXEL_RGB, /* packed, 3 bytes per pixel */
  TRT_PIXEL_BGR,
  TRT_PIXEL_RGBA, /* packed, 4 bytes, alpha */
  TRT_PIXEL_BGRA,
  TRT_PIXEL_RGBX, /* packed, 4 bytes, the fourth is padding (alpha reads 255) */
  TRT_PIXEL_BGRX,
  TRT_PIXEL_NV12,  /* Y plane, interleaved U/V plane at half resolution */
  TRT_PIXEL_I420,  /* Y, U, V planes, U and V at half resolution */
  TRT_PIXEL_GRAY8, /* one byte */
  TRT_PIXEL_FORMAT_COUNT
} trt_pixel_format_t;

#define TRT_IMAGE_MAX_PLANES   3
#define TRT_IMAGE_MAX_CHANNELS 4

/* A frame in device memory. */
typedef struct {
  trt_pixel_format_t format;
  int32_t width, height;
  const void *planes[TRT_IMAGE_MAX_PLANES]; /* those the format has */
  int64_t strides[TRT_IMAGE_MAX_PLANES];    /* bytes from one row to the next */
  /* YUV formats: r = (Y - y_offset) * y_gain + rv * V', g = ... + gu * U' +
   * gv * V', b = ... + bu * U', with U' = (U - 128) * c_gain, each clamped
   * to 0..255. */
  float y_offset, y_gain, c_gain, rv, gu, gv, bu;
} trt_image_t;

/* Where and how one tensor item is written. */
typedef struct {
  int32_t width, height; /* the network input's */
  int32_t channels;      /* 1, 3 or 4 */
  bool channels_last;    /* HWC (NHWC item) instead of CHW planes */
  trt_data_type_t type;  /* FLOAT32, FLOAT16, UINT8 or INT8 */
  float int8_scale;      /* INT8: the input tensor's scale (> 0) */
  /* the resized image's size and its top-left corner in the item */
  int32_t resized_width, resized_height, pad_x, pad_y;
  bool nearest; /* nearest-neighbour instead of bilinear */
  float a[TRT_IMAGE_MAX_CHANNELS], b[TRT_IMAGE_MAX_CHANNELS];
  int32_t source_channel[TRT_IMAGE_MAX_CHANNELS]; /* 0..3 of the converted pixel */
  /* The region of the frame the resized area shows. source_width 0 (all
   * four 0): the whole frame. Else a rectangle inside the frame, sampled
   * exactly as a frame of source_width x source_height at that offset. */
  int32_t source_x, source_y, source_width, source_height;
  /* Instead of a rectangle (source_* all 0): the parallelogram of the
   * frame spanned by u across and v down from origin, in frame pixels
   * measured from the frame's top-left edge (pixel i's centre at i + 0.5).
   * Resized pixel (rx, ry) samples the point
   *   origin + u (rx + 0.5) / resized_width + v (ry + 0.5) / resized_height
   * (bilinear: the four pixels around it, positions clamped to the frame;
   * nearest: the pixel it falls in). */
  bool oriented;
  float origin_x, origin_y, u_x, u_y, v_x, v_y;
} trt_image_transform_t;

/* Bytes of one item: channels * height * width elements of the type. */
size_t trt_image_item_bytes(const trt_image_transform_t *transform);

/* Checks every size, count and pointer of `image` and `transform`, and its
 * region (a non-empty rectangle inside the frame; oriented: finite vectors
 * spanning an area), with no device needed: TRT_STATUS_INVALID_ARGUMENT
 * naming the first that is wrong. */
trt_status_t trt_image_check(const trt_image_t *image, const trt_image_transform_t *transform);

/* Writes one item to `out` (device memory, trt_image_item_bytes) on
 * `stream` (a cudaStream_t; NULL: the default stream), asynchronously.
 * TRT_STATUS_NO_DEVICE without CUDA. */
trt_status_t trt_image_to_tensor(const trt_image_t *image, const trt_image_transform_t *transform,
                                 void *out, void *stream);

#ifdef __cplusplus
}
#endif

#endif
