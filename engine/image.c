/* Frames to tensors (trt/image.h): the checks (frame, item, source
 * region), in every build; the kernel runs in the CUDA backend
 * (cuda/cuda_image.c). */
#include <math.h>

#include "engine_internal.h"
#include "trt/image.h"

/* A frame or network side larger than this is refused (8K video is 7680). */
#define MAX_IMAGE_SIDE 32768

size_t trt_image_item_bytes(const trt_image_transform_t *t) {
  if (!t || t->width <= 0 || t->height <= 0 || t->channels <= 0)
    return 0;
  return (size_t)t->channels * (size_t)t->height * (size_t)t->width * trt_data_type_size(t->type);
}

/* Planes of a format and the bytes of one row of plane p. */
static int plane_count(trt_pixel_format_t format) {
  return format == TRT_PIXEL_NV12 ? 2 : format == TRT_PIXEL_I420 ? 3 : 1;
}

static int64_t row_bytes(trt_pixel_format_t format, int plane, int64_t width) {
  const int64_t half = (width + 1) / 2;
  switch (format) {
  case TRT_PIXEL_RGB:
  case TRT_PIXEL_BGR: return 3 * width;
  case TRT_PIXEL_RGBA:
  case TRT_PIXEL_BGRA:
  case TRT_PIXEL_RGBX:
  case TRT_PIXEL_BGRX: return 4 * width;
  case TRT_PIXEL_NV12: return plane == 0 ? width : 2 * half;
  case TRT_PIXEL_I420: return plane == 0 ? width : half;
  default: return width;
  }
}

/* The source region: none (the whole frame), a non-empty rectangle inside
 * the frame, or an oriented parallelogram of finite vectors spanning an
 * area (it may reach outside the frame: positions are clamped). */
static trt_status_t check_region(const trt_image_t *image, const trt_image_transform_t *t) {
  const bool rectangle =
      t->source_x != 0 || t->source_y != 0 || t->source_width != 0 || t->source_height != 0;
  if (t->oriented) {
    if (rectangle)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: an oriented region with a source rectangle too "
                       "(source_x, source_y, source_width, source_height must be 0)");
    const float values[6] = {t->origin_x, t->origin_y, t->u_x, t->u_y, t->v_x, t->v_y};
    for (int i = 0; i < 6; i++)
      if (!isfinite(values[i]))
        return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                         "image to tensor: oriented region's origin or vectors not finite");
    const double area = (double)t->u_x * t->v_y - (double)t->u_y * t->v_x;
    if (!(fabs(area) > 0.0) || !isfinite(area))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: oriented region's vectors u (%g, %g) and v (%g, %g) "
                       "span no area",
                       (double)t->u_x, (double)t->u_y, (double)t->v_x, (double)t->v_y);
    return TRT_STATUS_OK;
  }
  if (rectangle && (t->source_width <= 0 || t->source_height <= 0 || t->source_x < 0 ||
                    t->source_y < 0 || (int64_t)t->source_x + t->source_width > image->width ||
                    (int64_t)t->source_y + t->source_height > image->height))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "image to tensor: source region of %dx%d at (%d, %d) is empty or not "
                     "inside the %dx%d frame",
                     t->source_width, t->source_height, t->source_x, t->source_y, image->width,
                     image->height);
  return TRT_STATUS_OK;
}

trt_status_t trt_image_check(const trt_image_t *image, const trt_image_transform_t *t) {
  if (!image || !t)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: NULL argument");
  if ((int)image->format < 0 || image->format >= TRT_PIXEL_FORMAT_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: unknown pixel format %d",
                     (int)image->format);
  if (image->width <= 0 || image->height <= 0 || image->width > MAX_IMAGE_SIDE ||
      image->height > MAX_IMAGE_SIDE)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "image to tensor: frame of %dx%d (1 to %d pixels a side)", image->width,
                     image->height, MAX_IMAGE_SIDE);
  for (int p = 0; p < plane_count(image->format); p++) {
    if (!image->planes[p])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: plane %d is NULL", p);
    const int64_t needed = row_bytes(image->format, p, image->width);
    if (image->strides[p] < needed)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: plane %d has a stride of %lld bytes, a row needs %lld", p,
                       (long long)image->strides[p], (long long)needed);
  }
  const float coefficients[7] = {image->y_offset, image->y_gain, image->c_gain, image->rv,
                                 image->gu,       image->gv,     image->bu};
  for (int i = 0; i < 7; i++)
    if (!isfinite(coefficients[i]))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: a colour coefficient is not finite");

  if (t->width <= 0 || t->height <= 0 || t->width > MAX_IMAGE_SIDE || t->height > MAX_IMAGE_SIDE)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "image to tensor: tensor item of %dx%d (1 to %d pixels a side)", t->width,
                     t->height, MAX_IMAGE_SIDE);
  if (t->channels != 1 && t->channels != 3 && t->channels != 4)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: %d channels (1, 3 or 4)",
                     t->channels);
  if (t->type != TRT_DATA_TYPE_FLOAT32 && t->type != TRT_DATA_TYPE_FLOAT16 &&
      t->type != TRT_DATA_TYPE_UINT8 && t->type != TRT_DATA_TYPE_INT8)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "image to tensor: element type %s (float32, float16, uint8 or int8)",
                     trt_data_type_name(t->type));
  if (t->type == TRT_DATA_TYPE_INT8 && !(t->int8_scale > 0.0f && isfinite(t->int8_scale)))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: int8 scale %g (above 0)",
                     (double)t->int8_scale);
  if (t->resized_width <= 0 || t->resized_height <= 0 || t->pad_x < 0 || t->pad_y < 0 ||
      t->resized_width > t->width - t->pad_x || t->resized_height > t->height - t->pad_y)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "image to tensor: a %dx%d image at (%d, %d) does not fit the %dx%d item",
                     t->resized_width, t->resized_height, t->pad_x, t->pad_y, t->width, t->height);
  /* channel 3 (alpha) is converted only for 4-channel items */
  const int32_t converted = t->channels == 4 ? 4 : 3;
  for (int c = 0; c < t->channels; c++) {
    if (t->source_channel[c] < 0 || t->source_channel[c] >= converted)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: channel %d reads converted channel %d (0 to %d)", c,
                       t->source_channel[c], converted - 1);
    if (!isfinite(t->a[c]) || !isfinite(t->b[c]))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "image to tensor: channel %d's normalization is not finite", c);
  }
  return check_region(image, t);
}

trt_status_t trt_image_to_tensor(const trt_image_t *image, const trt_image_transform_t *t,
                                 void *out, void *stream) {
  trt_status_t status = trt_image_check(image, t);
  if (status != TRT_STATUS_OK)
    return status;
  if (!out)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image to tensor: NULL output");
  return trt_cuda_image_to_tensor(image, t, out, stream);
}
