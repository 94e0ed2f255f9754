/* Frames to tensor items (engine/include/trt/image.h defines the values):
 * one thread per output pixel, all its channels. The launcher takes the
 * checked arguments (engine/image.c checks them) in the kernel's own
 * struct, so that this file needs no engine header. */
#ifndef TRT_KERNELS_IMAGE_CUH
#define TRT_KERNELS_IMAGE_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The values of trt_pixel_format_t. */
enum {
  TRT_KPIXEL_RGB,
  TRT_KPIXEL_BGR,
  TRT_KPIXEL_RGBA,
  TRT_KPIXEL_BGRA,
  TRT_KPIXEL_RGBX,
  TRT_KPIXEL_BGRX,
  TRT_KPIXEL_NV12,
  TRT_KPIXEL_I420,
  TRT_KPIXEL_GRAY8
};

typedef struct {
  int format;
  int32_t width, height;
  const uint8_t *planes[3];
  int64_t strides[3];
  float y_offset, y_gain, c_gain, rv, gu, gv, bu;
} trt_kimage_t;

typedef struct {
  int32_t width, height, channels;
  int channels_last;
  int type; /* TRT_KTYPE_FLOAT32, FLOAT16, UINT8 or INT8 */
  float int8_scale;
  int32_t resized_width, resized_height, pad_x, pad_y;
  int nearest;
  float a[4], b[4];
  int32_t source_channel[4];
  void *out;
} trt_kimage_transform_t;

cudaError_t trt_launch_image_to_tensor(const trt_kimage_t *image,
                                       const trt_kimage_transform_t *transform,
                                       cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
