/* Frames to tensors (trt/image.h), what needs no GPU: item sizes, and the
 * checks that refuse every malformed frame, transform or source region
 * with a message naming what is wrong (the kernel itself: tests/element/test_gpu_preprocess.c
 * against the CPU preprocessing). */
#include <math.h>
#include <string.h>

#include "numerics/image.h"
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

/* Where resized pixels sample the frame (trt_image_taps), against the
 * definition in trt/image.h, on positions exact in binary. */
static void check_taps(void) {
  uint8_t pixels[16 * 12];
  trt_image_t image = {.format = TRT_PIXEL_GRAY8, .width = 16, .height = 12};
  image.planes[0] = pixels;
  image.strides[0] = 16;
  trt_image_taps_t k;

  /* a rectangle 8x4 at (6, 5) into 4x4: sampled as an 8x4 frame, offset */
  trt_image_transform_t t = valid_transform();
  t.resized_width = t.resized_height = 4;
  t.source_x = 6, t.source_y = 5, t.source_width = 8, t.source_height = 4;
  trt_image_taps(&image, &t, 1, 3, &k); /* frame x 6 + 2.5, y 5 + 3.5 clamped to 3 */
  CHECK(k.x0 == 8 && k.x1 == 9 && k.wx == 0.5f);
  CHECK(k.y0 == 8 && k.y1 == 8 && k.wy == 0.0f);
  t.nearest = true;
  trt_image_taps(&image, &t, 3, 0, &k); /* centre 7 of 8, 0.5 of 4 */
  CHECK(k.x0 == 13 && k.x1 == 13 && k.wx == 0.0f && k.y0 == 5);

  /* oriented: origin (5, 7), u (-4, 2) across, v (1, 3) down, 4x2 pixels:
   * pixel (1, 0) samples (5, 7) + u 3/8 + v 1/4 = (3.75, 8.5) */
  t = valid_transform();
  t.resized_width = 4, t.resized_height = 2;
  t.oriented = true;
  t.origin_x = 5.0f, t.origin_y = 7.0f, t.u_x = -4.0f, t.u_y = 2.0f, t.v_x = 1.0f, t.v_y = 3.0f;
  trt_image_taps(&image, &t, 1, 0, &k);
  CHECK(k.x0 == 3 && k.x1 == 4 && k.wx == 0.25f);
  CHECK(k.y0 == 8 && k.y1 == 9 && k.wy == 0.0f);
  t.nearest = true;
  trt_image_taps(&image, &t, 1, 0, &k);
  CHECK(k.x0 == 3 && k.x1 == 3 && k.y0 == 8 && k.y1 == 8 && k.wx == 0.0f && k.wy == 0.0f);
  /* positions clamped to the frame (not to the region) */
  t.nearest = false;
  t.origin_x = -10.0f, t.origin_y = 30.0f;
  trt_image_taps(&image, &t, 0, 1, &k);
  CHECK(k.x0 == 0 && k.x1 == 1 && k.wx == 0.0f);
  CHECK(k.y0 == 11 && k.y1 == 11 && k.wy == 0.0f);
  /* the last pixel's bilinear neighbour stays inside */
  t.origin_x = 15.0f, t.origin_y = 0.0f, t.u_x = 1.0f, t.u_y = 0.0f, t.v_x = 0.0f, t.v_y = 1.0f;
  trt_image_taps(&image, &t, 3, 0, &k); /* x 15 + 7/8 - 0.5 clamped to 15 */
  CHECK(k.x0 == 15 && k.x1 == 15 && k.wx == 0.0f);

  /* the whole frame: trt_image_sample over the frame */
  t = valid_transform();
  t.resized_width = 8, t.resized_height = 6;
  trt_image_taps(&image, &t, 3, 2, &k); /* 3.5 * 2 - 0.5 = 6.5; 2.5 * 2 - 0.5 = 4.5 */
  CHECK(k.x0 == 6 && k.x1 == 7 && k.wx == 0.5f && k.y0 == 4 && k.y1 == 5 && k.wy == 0.5f);
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

  /* source rectangles: inside the 5x3 frame and not empty */
  t = valid_transform();
  t.source_x = 1, t.source_y = 1, t.source_width = 4, t.source_height = 2;
  CHECK_OK(trt_image_check(&image, &t));
  t.source_width = 5; /* one column past the right edge */
  check_refused(&image, &t, "source region of 5x2 at (1, 1) is empty or not inside the 5x3");
  t.source_width = 4, t.source_y = 2;
  check_refused(&image, &t, "source region of 4x2 at (1, 2)");
  t.source_y = -1;
  check_refused(&image, &t, "source region");
  t.source_y = 0, t.source_height = 0;
  check_refused(&image, &t, "source region of 4x0");
  t.source_height = 2, t.source_width = -3;
  check_refused(&image, &t, "source region of -3x2");
  t = valid_transform();
  t.source_x = 2; /* a position without a size is not the whole frame */
  check_refused(&image, &t, "source region of 0x0 at (2, 0)");
  t.source_x = INT32_MAX, t.source_width = INT32_MAX, t.source_height = 1;
  check_refused(&image, &t, "source region");

  /* oriented regions: finite vectors spanning an area, no rectangle too */
  t = valid_transform();
  t.oriented = true;
  t.origin_x = -2.5f, t.origin_y = 7.0f; /* outside the frame: clamped */
  t.u_x = 30.0f, t.u_y = -4.0f, t.v_x = 1.0f, t.v_y = 6.0f;
  CHECK_OK(trt_image_check(&image, &t));
  t.v_x = 7.5f, t.v_y = -1.0f; /* parallel to u */
  check_refused(&image, &t, "span no area");
  t.v_x = 0.0f, t.v_y = 0.0f;
  check_refused(&image, &t, "span no area");
  t.v_x = 1.0f, t.v_y = 6.0f, t.u_y = NAN;
  check_refused(&image, &t, "not finite");
  t.u_y = -4.0f, t.origin_x = INFINITY;
  check_refused(&image, &t, "not finite");
  t.origin_x = 0.0f, t.source_width = 2, t.source_height = 2;
  check_refused(&image, &t, "oriented region with a source rectangle");

  check_taps();

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
