/* The kernel of trt_image_to_tensor (engine/image.c checked the arguments). */
#include <string.h>

#include "cuda/cuda_check.h"
#include "engine_internal.h"
#include "kernels/image.cuh"

trt_status_t trt_cuda_image_to_tensor(const trt_image_t *image, const trt_image_transform_t *t,
                                      void *out, void *stream) {
  trt_kimage_t k_image = {
      .format = (int)image->format,
      .width = image->width,
      .height = image->height,
      .y_offset = image->y_offset,
      .y_gain = image->y_gain,
      .c_gain = image->c_gain,
      .rv = image->rv,
      .gu = image->gu,
      .gv = image->gv,
      .bu = image->bu,
  };
  for (int p = 0; p < TRT_IMAGE_MAX_PLANES; p++) {
    k_image.planes[p] = image->planes[p];
    k_image.strides[p] = image->strides[p];
  }
  trt_kimage_transform_t k_transform = {
      .width = t->width,
      .height = t->height,
      .channels = t->channels,
      .channels_last = t->channels_last,
      .type = (int)t->type,
      .int8_scale = t->int8_scale,
      .resized_width = t->resized_width,
      .resized_height = t->resized_height,
      .pad_x = t->pad_x,
      .pad_y = t->pad_y,
      .nearest = t->nearest,
      .out = out,
  };
  memcpy(k_transform.a, t->a, sizeof k_transform.a);
  memcpy(k_transform.b, t->b, sizeof k_transform.b);
  memcpy(k_transform.source_channel, t->source_channel, sizeof k_transform.source_channel);
  TRT_LAUNCH_CHECK(trt_launch_image_to_tensor(&k_image, &k_transform, (cudaStream_t)stream));
  return TRT_STATUS_OK;
}
