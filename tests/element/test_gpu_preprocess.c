/* The engine's GPU preprocessing (trt_image_to_tensor) against the
 * element's CPU preprocessing (gst/trtpreprocess.c), from the same
 * parameters (gst_trt_preprocess_transform): every input format, odd frame
 * sizes (chroma of odd widths), downscale and upscale, letterbox, nearest
 * and bilinear, CHW and HWC, 1, 3 (RGB, BGR) and 4 channels, limited and
 * full range YUV with BT.601 and BT.709, on random pixels; regions of
 * frames: rectangles (odd offsets and sizes, clipped), oriented
 * quadrilaterals at an angle, partly outside the frame, turned, not
 * parallelograms, with nearest and bilinear, letterboxed at the top-left.
 *
 * Tolerances: float32 and uint8 equal to the CPU's (the kernel rounds every
 * operation as the CPU does); float16 within one rounding of the CPU's
 * float32 (relative 2^-11, or 2^-24 absolute near 0); int8 equal to
 * round(cpu / scale) clamped to -128..127.
 *
 * Then the pinned-memory allocator and pool the element offers upstream
 * for GPU engines (trtpinned.h): allocation, alignment, mapping, sharing,
 * and a frame preprocessed from pinned memory.
 *
 * Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <trt/trt.h>

#include "trtpinned.h"
#include "trtpreprocess.h"

#define INT8_SCALE 0.02f

static int failures;
/* where check_case's frames come from (NULL: system memory) */
static GstAllocator *frame_allocator;

static void
expect (gboolean ok, const char *what)
{
  printf ("%s %s\n", ok ? "ok  " : "FAIL", what);
  failures += !ok;
}

static guint64 rng_state = 88172645463325252ull;

static guint8
random_byte (void)
{
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (guint8) (rng_state >> 32);
}

static gfloat
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h >> 15) << 31, exponent = (h >> 10) & 31,
          mantissa = h & 1023;
  gfloat value;
  if (exponent == 0)
    value = ldexpf ((gfloat) mantissa, -24);
  else if (exponent == 31)
    value = mantissa ? NAN : INFINITY;
  else
    value = ldexpf ((gfloat) (mantissa | 1024), (gint) exponent - 25);
  return sign ? -value : value;
}

/* The frame's planes copied to device memory (image->planes set). */
static gboolean
upload (const GstVideoFrame *frame, trt_image_t *image, void **device)
{
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (frame); p++) {
    gsize bytes = gst_trt_preprocess_plane_bytes (&frame->info, p);
    if (trt_device_malloc (&device[p], bytes) != TRT_STATUS_OK
        || trt_memcpy_host_to_device (device[p],
               GST_VIDEO_FRAME_PLANE_DATA (frame, p), bytes, NULL)
            != TRT_STATUS_OK)
      return FALSE;
    image->planes[p] = device[p];
  }
  return TRUE;
}

/* Runs one case (@region of the frame; NULL: the whole frame): CPU
 * reference, then the GPU in every element type. */
static void
check_region_case (GstVideoFormat format, gint width, gint height,
    const char *colorimetry, const GstTrtPreprocessConfig *config,
    const GstTrtPreprocessRegion *region, const char *label)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  char what[256];

  gst_video_info_set_format (&info, format, (guint) width, (guint) height);
  if (colorimetry)
    g_assert_true (
        gst_video_colorimetry_from_string (&info.colorimetry, colorimetry));
  GstBuffer *buffer = gst_buffer_new_allocate (frame_allocator,
      GST_VIDEO_INFO_SIZE (&info), NULL);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = random_byte ();
  gst_buffer_unmap (buffer, &map);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));

  GstTrtPreprocessConfig float_config = *config, uint8_config = *config;
  float_config.type = GST_TRT_PREPROCESS_FLOAT32;
  uint8_config.type = GST_TRT_PREPROCESS_UINT8;
  gsize elements = (gsize) config->channels * config->width * config->height;
  gfloat *expected = g_new (gfloat, elements);
  guint8 *expected_uint8 = g_new (guint8, elements);
  g_assert_true (gst_trt_preprocess_frame_region (&float_config, &frame, region,
      expected, NULL));
  g_assert_true (gst_trt_preprocess_frame_region (&uint8_config, &frame, region,
      expected_uint8, NULL));

  trt_image_transform_t transform;
  trt_image_t image;
  void *planes[TRT_IMAGE_MAX_PLANES] = {NULL};
  void *out = NULL;
  gboolean ready = gst_trt_preprocess_transform_region (&float_config, &info,
                       region, &transform, &image, NULL)
      && upload (&frame, &image, planes)
      && trt_device_malloc (&out, elements * sizeof (gfloat)) == TRT_STATUS_OK;
  expect (ready, "frame uploaded");

  const trt_data_type_t types[] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_FLOAT16,
      TRT_DATA_TYPE_UINT8, TRT_DATA_TYPE_INT8};
  guint8 *actual = g_malloc (elements * sizeof (gfloat));
  for (gsize k = 0; ready && k < G_N_ELEMENTS (types); k++) {
    trt_image_transform_t t = transform;
    t.type = types[k];
    t.int8_scale = INT8_SCALE;
    if (types[k] == TRT_DATA_TYPE_UINT8)
      for (gint c = 0; c < t.channels; c++)
        t.a[c] = 1.0f, t.b[c] = 0.0f;
    trt_status_t status = trt_image_to_tensor (&image, &t, out, NULL);
    if (status == TRT_STATUS_OK)
      status = trt_memcpy_device_to_host (actual, out,
          trt_image_item_bytes (&t), NULL);
    gsize bad = status == TRT_STATUS_OK ? 0 : elements, first_bad = 0;
    gdouble worst = 0.0;
    for (gsize i = 0; status == TRT_STATUS_OK && i < elements; i++) {
      gboolean good;
      gdouble error = 0.0;
      switch (types[k]) {
        case TRT_DATA_TYPE_FLOAT32:
          error = fabs (((gfloat *) actual)[i] - expected[i]);
          good = ((gfloat *) actual)[i] == expected[i];
          break;
        case TRT_DATA_TYPE_FLOAT16: {
          gfloat value = half_to_float (((guint16 *) actual)[i]);
          error = fabs (value - expected[i]);
          good = error
              <= fmax (fabs (expected[i]) * ldexp (1.0, -11), ldexp (1.0, -24));
          break;
        }
        case TRT_DATA_TYPE_UINT8:
          error = fabs ((gdouble) actual[i] - expected_uint8[i]);
          good = actual[i] == expected_uint8[i];
          break;
        default: {
          gfloat q = rintf (expected[i] / INT8_SCALE);
          q = q < -128.0f ? -128.0f : (q > 127.0f ? 127.0f : q);
          error = fabs ((gdouble) ((gint8 *) actual)[i] - q);
          good = error == 0.0;
          break;
        }
      }
      worst = MAX (worst, error);
      if (!good && bad++ == 0)
        first_bad = i;
    }
    snprintf (what, sizeof what,
        "%s %s %dx%d -> %ux%u %s: %zu of %zu differ (worst %.3g%s%zu)%s%s",
        label, gst_video_format_to_string (format), width, height,
        config->width, config->height, trt_data_type_name (types[k]), bad,
        elements, worst, bad ? ", first at " : "", bad ? first_bad : (gsize) 0,
        status == TRT_STATUS_OK ? "" : ": ",
        status == TRT_STATUS_OK ? "" : trt_last_error ());
    expect (bad == 0, what);
  }
  g_free (actual);
  for (gint p = 0; p < TRT_IMAGE_MAX_PLANES; p++)
    trt_device_free (planes[p]);
  trt_device_free (out);
  g_free (expected);
  g_free (expected_uint8);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (buffer);
}

static void
check_case (GstVideoFormat format, gint width, gint height,
    const char *colorimetry, const GstTrtPreprocessConfig *config,
    const char *label)
{
  check_region_case (format, width, height, colorimetry, config, NULL, label);
}

/* Regions of a 97x61 frame in several formats: crops and oriented
 * quadrilaterals through the kernel's region path against the CPU's. */
static void
check_regions (void)
{
  const GstVideoFormat formats[] = {
      GST_VIDEO_FORMAT_RGB,
      GST_VIDEO_FORMAT_BGRx,
      GST_VIDEO_FORMAT_RGBA,
      GST_VIDEO_FORMAT_NV12,
      GST_VIDEO_FORMAT_I420,
      GST_VIDEO_FORMAT_GRAY8,
  };
  GstTrtPreprocessRegion crops[] = {
      {.x = 13, .y = 7, .width = 41, .height = 23},  /* odd offsets */
      {.x = 80, .y = -5, .width = 40, .height = 30}, /* clipped */
      {.x = 2, .y = 40, .width = 7, .height = 5},    /* upscaled */
  };
  /* a text line at about 20°, one partly outside the frame, the first
   * turned by 180°, and a quadrilateral that is not a parallelogram */
  GstTrtPreprocessRegion quads[] = {
      {.oriented = TRUE,
          .corners = {{10.3, 30.2}, {80.6, 4.9}, {84.1, 15.3}, {13.8, 40.6}}},
      {.oriented = TRUE,
          .corners = {{-6.5, 50.0}, {40.2, 55.5}, {38.0, 70.4}, {-8.7, 64.9}}},
      {.oriented = TRUE,
          .corners = {{84.1, 15.3}, {13.8, 40.6}, {10.3, 30.2}, {80.6, 4.9}}},
      {.oriented = TRUE,
          .corners = {{20.0, 10.0}, {60.0, 14.0}, {71.0, 33.0}, {15.0, 26.0}}},
  };
  GstTrtPreprocessConfig config;
  char label[64];

  gst_trt_preprocess_config_init (&config);
  config.mean[0] = 0.5f, config.std[0] = 0.5f;
  config.mean[1] = 0.5f, config.std[1] = 0.5f;
  config.mean[2] = 0.5f, config.std[2] = 0.5f;
  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++) {
    for (gsize k = 0; k < G_N_ELEMENTS (crops); k++) {
      config.width = 24;
      config.height = 16;
      config.channels = k == 1 ? 4 : 3;
      config.order = GST_TRT_CHANNEL_ORDER_RGB;
      config.layout = GST_TRT_PREPROCESS_LAYOUT_CHW;
      config.keep_aspect_ratio = k == 1;
      config.pad_position = GST_TRT_PAD_CENTER;
      config.interpolation = k == 2 ? GST_TRT_INTERPOLATION_NEAREST
                                    : GST_TRT_INTERPOLATION_BILINEAR;
      snprintf (label, sizeof label, "crop %zu", k);
      check_region_case (formats[f], 97, 61, NULL, &config, &crops[k], label);
    }
    for (gsize k = 0; k < G_N_ELEMENTS (quads); k++) {
      for (guint nearest = 0; nearest < 2; nearest++) {
        /* PP-OCR's recognizer: 3x48x320 (here 3x16x100), HWC for one,
         * the line letterboxed at the top-left */
        config.width = 100;
        config.height = 16;
        config.channels = 3;
        config.order =
            k == 1 ? GST_TRT_CHANNEL_ORDER_BGR : GST_TRT_CHANNEL_ORDER_RGB;
        config.layout = k == 3 ? GST_TRT_PREPROCESS_LAYOUT_HWC
                               : GST_TRT_PREPROCESS_LAYOUT_CHW;
        config.keep_aspect_ratio = TRUE;
        config.pad_position = GST_TRT_PAD_TOP_LEFT;
        config.interpolation = nearest ? GST_TRT_INTERPOLATION_NEAREST
                                       : GST_TRT_INTERPOLATION_BILINEAR;
        snprintf (label, sizeof label, "quad %zu%s", k,
            nearest ? " nearest" : "");
        check_region_case (formats[f], 97, 61, NULL, &config, &quads[k], label);
      }
    }
    /* gray, stretched, an oriented region upscaled */
    config.width = 64;
    config.height = 40;
    config.channels = 1;
    config.keep_aspect_ratio = FALSE;
    config.interpolation = GST_TRT_INTERPOLATION_BILINEAR;
    check_region_case (formats[f], 97, 61, NULL, &config, &quads[3],
        "quad gray upscaled");
  }
}

static void
check_pinned (void)
{
  GstAllocator *allocator = gst_trt_pinned_allocator_new ();
  GstAllocationParams params;
  char what[160];

  gst_allocation_params_init (&params);
  params.align = 255;
  params.prefix = 16;
  GstMemory *memory = gst_allocator_alloc (allocator, 1000, &params);
  expect (memory != NULL && gst_trt_is_pinned_memory (memory),
      "pinned allocator: 1000 bytes");
  if (memory) {
    GstMapInfo map;
    g_assert_true (gst_memory_map (memory, &map, GST_MAP_WRITE));
    snprintf (what, sizeof what,
        "mapped %zu bytes, start %% 256 = %zu (after a prefix of 16)", map.size,
        (gsize) ((guintptr) (map.data - 16) % 256));
    expect (map.size == 1000 && (guintptr) (map.data - 16) % 256 == 0, what);
    for (gsize i = 0; i < map.size; i++)
      map.data[i] = (guint8) i;
    gst_memory_unmap (memory, &map);
    GstMemory *part = gst_memory_share (memory, 100, 50);
    GstMemory *rest = gst_memory_share (memory, 150, -1);
    gsize offset = 0;
    g_assert_true (gst_memory_map (part, &map, GST_MAP_READ));
    expect (map.size == 50 && map.data[0] == 100 && map.data[49] == 149,
        "a shared part reads the parent's bytes");
    gst_memory_unmap (part, &map);
    expect (gst_memory_is_span (part, rest, &offset) && offset == 100,
        "neighbouring parts span");
    gst_memory_unref (part);
    gst_memory_unref (rest);
    gst_memory_unref (memory);
  }
  gst_object_unref (allocator);

  /* a pool of NV12 frames */
  GstCaps *caps =
      gst_caps_from_string ("video/x-raw,format=NV12,width=64,height=36,"
                            "framerate=30/1");
  gsize size = 0;
  GstBufferPool *pool = gst_trt_pinned_pool_new (caps, 2, &size);
  GstBuffer *buffer = NULL;
  expect (pool && gst_buffer_pool_set_active (pool, TRUE)
          && gst_buffer_pool_acquire_buffer (pool, &buffer, NULL) == GST_FLOW_OK
          && gst_trt_is_pinned_memory (gst_buffer_peek_memory (buffer, 0))
          && gst_buffer_get_video_meta (buffer) != NULL,
      "pinned pool: NV12 frames with video meta");
  if (buffer)
    gst_buffer_unref (buffer);
  if (pool) {
    gst_buffer_pool_set_active (pool, FALSE);
    gst_object_unref (pool);
  }
  gst_caps_unref (caps);
}

int
main (int argc, char **argv)
{
  int devices = 0;

  gst_init (&argc, &argv);
  if (trt_cuda_device_count (&devices) != TRT_STATUS_OK || devices == 0) {
    printf ("SKIP: no GPU (%s)\n", trt_last_error ());
    return 77;
  }
  const GstVideoFormat formats[] = {
      GST_VIDEO_FORMAT_RGB,
      GST_VIDEO_FORMAT_BGR,
      GST_VIDEO_FORMAT_RGBA,
      GST_VIDEO_FORMAT_BGRA,
      GST_VIDEO_FORMAT_RGBx,
      GST_VIDEO_FORMAT_BGRx,
      GST_VIDEO_FORMAT_NV12,
      GST_VIDEO_FORMAT_I420,
      GST_VIDEO_FORMAT_GRAY8,
  };
  GstTrtPreprocessConfig config;
  gst_trt_preprocess_config_init (&config);
  config.mean[0] = 0.485f, config.mean[1] = 0.456f, config.mean[2] = 0.406f;
  config.std[0] = 0.229f, config.std[1] = 0.224f, config.std[2] = 0.225f;
  config.offsets[3] = 10.0f;

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++) {
    /* downscale, CHW RGB, bilinear */
    config.width = 32;
    config.height = 24;
    config.channels = 3;
    config.order = GST_TRT_CHANNEL_ORDER_RGB;
    config.layout = GST_TRT_PREPROCESS_LAYOUT_CHW;
    config.keep_aspect_ratio = FALSE;
    config.interpolation = GST_TRT_INTERPOLATION_BILINEAR;
    check_case (formats[f], 77, 45, NULL, &config, "down");
    /* upscale, HWC BGR, letterbox */
    config.width = 96;
    config.height = 96;
    config.order = GST_TRT_CHANNEL_ORDER_BGR;
    config.layout = GST_TRT_PREPROCESS_LAYOUT_HWC;
    config.keep_aspect_ratio = TRUE;
    check_case (formats[f], 41, 23, NULL, &config, "up letterbox hwc bgr");
    /* nearest, 4 channels (alpha), CHW */
    config.width = 40;
    config.height = 30;
    config.channels = 4;
    config.layout = GST_TRT_PREPROCESS_LAYOUT_CHW;
    config.keep_aspect_ratio = FALSE;
    config.interpolation = GST_TRT_INTERPOLATION_NEAREST;
    check_case (formats[f], 63, 37, NULL, &config, "nearest rgba");
    /* luma, HWC, letterbox */
    config.width = 48;
    config.height = 20;
    config.channels = 1;
    config.layout = GST_TRT_PREPROCESS_LAYOUT_HWC;
    config.keep_aspect_ratio = TRUE;
    config.interpolation = GST_TRT_INTERPOLATION_BILINEAR;
    check_case (formats[f], 50, 50, NULL, &config, "gray letterbox");
  }
  /* the colour matrix and range of YUV frames */
  config.width = 64;
  config.height = 36;
  config.channels = 3;
  config.order = GST_TRT_CHANNEL_ORDER_RGB;
  config.layout = GST_TRT_PREPROCESS_LAYOUT_CHW;
  config.keep_aspect_ratio = FALSE;
  const char *colorimetries[] = {"bt709", "bt601",
      "1:4:0:0" /* full range BT.601 */};
  for (gsize c = 0; c < G_N_ELEMENTS (colorimetries); c++) {
    check_case (GST_VIDEO_FORMAT_NV12, 128, 72, colorimetries[c], &config,
        colorimetries[c]);
    check_case (GST_VIDEO_FORMAT_I420, 127, 71, colorimetries[c], &config,
        colorimetries[c]);
  }
  check_regions ();
  check_pinned ();
  frame_allocator = gst_trt_pinned_allocator_new ();
  check_case (GST_VIDEO_FORMAT_NV12, 128, 72, "bt709", &config, "pinned frame");
  gst_object_unref (frame_allocator);
  frame_allocator = NULL;
  /* same size (no resampling), 1080p NV12 */
  config.width = 1920;
  config.height = 1080;
  check_case (GST_VIDEO_FORMAT_NV12, 1920, 1080, "bt709", &config, "same size");

  printf ("%s\n",
      failures ? "GPU preprocessing tests FAILED"
               : "GPU preprocessing tests passed");
  return failures ? 1 : 0;
}
