/* Frames to tensors (trt/image.h), what needs no GPU: item sizes, and the
 * checks that refuse every malformed frame or transform with a message
 * naming what is wrong (the kernel itself: tests/element/test_gpu_preprocess.c
 * against the CPU preprocessing). */
#include <math.h>
#include <string.h>

#include "test_util.h"
#include "trt/image.h"

static const uint8_t some_bytes[64];

static trt_image_t valid_image(void) {
  trt_image_t image = {.format = TRT_PIXEL_NV12, .width = 5, .height = 3};
  image.planes[0] = some_bytes;
  image.planes[1] = some_bytes;
  image.strides[0] = 8;
  image.strides[1] = 6; /* 2 * ceil(5 / 2): odd widths keep a whole chroma pair */
  image.y_gain = image.c_gain = 1.0f;
  return image;
}

static trt_image_transform_t valid_transform(void) {
  trt_image_transform_t t = {.width = 8,
                             .height = 6,
                             .channels = 3,
                             .type = TRT_DATA_TYPE_FLOAT32,
                             .resized_width = 8,
                             .resized_height = 4,
                             .pad_y = 1,
                             .a = {1, 1, 1, 1},
                             .source_channel = {2, 1, 0, 0}};
  return t;
}

/* Refused with INVALID_ARGUMENT and a message containing `words`. */
static void check_refused(const trt_image_t *image, const trt_image_transform_t *t,
                          const char *words) {
  const trt_status_t status = trt_image_check(image, t);
  CHECK(status == TRT_STATUS_INVALID_ARGUMENT);
  if (status != TRT_STATUS_OK && !strstr(trt_last_error(), words)) {
    fprintf(stderr, "message '%s' does not say '%s'\n", trt_last_error(), words);
    test_failures++;
  }
}

int main(void) {
  trt_image_t image = valid_image();
  trt_image_transform_t t = valid_transform();
  CHECK_OK(trt_image_check(&image, &t));
  CHECK(trt_image_item_bytes(&t) == 3 * 8 * 6 * 4);
  t.type = TRT_DATA_TYPE_FLOAT16;
  CHECK(trt_image_item_bytes(&t) == 3 * 8 * 6 * 2);
  t.type = TRT_DATA_TYPE_INT8;
  t.int8_scale = 0.5f;
  CHECK_OK(trt_image_check(&image, &t));
  CHECK(trt_image_item_bytes(&t) == 3 * 8 * 6);
  CHECK(trt_image_item_bytes(NULL) == 0);

  check_refused(NULL, &t, "NULL");
  image.format = TRT_PIXEL_FORMAT_COUNT;
  check_refused(&image, &t, "pixel format");
  image = valid_image();
  image.width = 0;
  check_refused(&image, &t, "frame of 0x3");
  image = valid_image();
  image.height = 40000;
  check_refused(&image, &t, "frame of");
  image = valid_image();
  image.planes[1] = NULL;
  check_refused(&image, &t, "plane 1 is NULL");
  image = valid_image();
  image.strides[1] = 5; /* the last chroma pair cut */
  check_refused(&image, &t, "plane 1 has a stride of 5");
  image = valid_image();
  image.format = TRT_PIXEL_RGBA;
  image.strides[0] = 19;
  check_refused(&image, &t, "plane 0 has a stride of 19 bytes, a row needs 20");
  image = valid_image();
  image.rv = NAN;
  check_refused(&image, &t, "colour coefficient");

  image = valid_image();
  t.int8_scale = 0.0f;
  check_refused(&image, &t, "int8 scale");
  t = valid_transform();
  t.channels = 2;
  check_refused(&image, &t, "2 channels");
  t = valid_transform();
  t.type = TRT_DATA_TYPE_INT32;
  check_refused(&image, &t, "element type int32");
  t = valid_transform();
  t.pad_y = 3; /* 4 rows from row 3 of 6 */
  check_refused(&image, &t, "does not fit");
  t = valid_transform();
  t.pad_x = -1;
  check_refused(&image, &t, "does not fit");
  t = valid_transform();
  t.source_channel[0] = 3; /* alpha, which 3-channel items do not convert */
  check_refused(&image, &t, "reads converted channel 3");
  t = valid_transform();
  t.channels = 4;
  t.source_channel[3] = 3;
  CHECK_OK(trt_image_check(&image, &t));
  t.b[3] = INFINITY;
  check_refused(&image, &t, "channel 3's normalization");
  t = valid_transform();
  t.width = 0;
  check_refused(&image, &t, "tensor item of 0x6");

  /* without a device the call fails cleanly (no GPU here, or no CUDA) */
  int devices = 0;
  if (trt_cuda_device_count(&devices) != TRT_STATUS_OK || devices == 0) {
    t = valid_transform();
    float out[3 * 8 * 6];
    CHECK(trt_image_to_tensor(&image, &t, out, NULL) != TRT_STATUS_OK);
  }
  t = valid_transform();
  CHECK(trt_image_to_tensor(&image, &t, NULL, NULL) == TRT_STATUS_INVALID_ARGUMENT);
  return test_finish("test_image");
}
