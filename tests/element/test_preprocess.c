/* CPU preprocessing (gst/trtpreprocess.c): colour conversion of every input
 * format, bilinear resize, letterbox, normalization and layout. */
#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "trtpreprocess.h"

/* A frame of one colour (r, g, b) in any supported format. */
static GstBuffer *
solid_frame (GstVideoInfo * info, guint8 r, guint8 g, guint8 b)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  GstVideoFrame frame;
  /* BT.601 limited range, as the default colorimetry of small SD frames */
  gdouble y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0;
  gdouble u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0;
  gdouble v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0;

  g_assert_true (gst_video_frame_map (&frame, info, buffer, GST_MAP_WRITE));
  for (gint row = 0; row < GST_VIDEO_INFO_HEIGHT (info); row++) {
    for (gint x = 0; x < GST_VIDEO_INFO_WIDTH (info); x++) {
      guint8 *p = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
          + row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
      switch (GST_VIDEO_INFO_FORMAT (info)) {
        case GST_VIDEO_FORMAT_RGB: p[3 * x] = r; p[3 * x + 1] = g; p[3 * x + 2] = b; break;
        case GST_VIDEO_FORMAT_BGR: p[3 * x] = b; p[3 * x + 1] = g; p[3 * x + 2] = r; break;
        case GST_VIDEO_FORMAT_RGBA: case GST_VIDEO_FORMAT_RGBx:
          p[4 * x] = r; p[4 * x + 1] = g; p[4 * x + 2] = b; p[4 * x + 3] = 255; break;
        case GST_VIDEO_FORMAT_BGRA: case GST_VIDEO_FORMAT_BGRx:
          p[4 * x] = b; p[4 * x + 1] = g; p[4 * x + 2] = r; p[4 * x + 3] = 255; break;
        case GST_VIDEO_FORMAT_GRAY8: p[x] = r; break;
        case GST_VIDEO_FORMAT_NV12:{
          guint8 *uv = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 1)
              + (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 1);
          p[x] = (guint8) lround (y);
          uv[(x / 2) * 2] = (guint8) lround (u);
          uv[(x / 2) * 2 + 1] = (guint8) lround (v);
          break;
        }
        case GST_VIDEO_FORMAT_I420:{
          guint8 *up = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 1)
              + (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 1);
          guint8 *vp = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 2)
              + (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 2);
          p[x] = (guint8) lround (y);
          up[x / 2] = (guint8) lround (u);
          vp[x / 2] = (guint8) lround (v);
          break;
        }
        default:
          g_assert_not_reached ();
      }
    }
  }
  gst_video_frame_unmap (&frame);
  return buffer;
}

static gfloat *
run (const GstTrtPreprocessConfig * config, GstVideoInfo * info, GstBuffer * buffer,
    GstTrtPreprocessGeometry * geometry)
{
  gfloat *out = g_new (gfloat, (gsize) config->channels * config->width * config->height);
  GstVideoFrame frame;

  g_assert_true (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  g_assert_true (gst_trt_preprocess_frame (config, &frame, out, geometry));
  gst_video_frame_unmap (&frame);
  return out;
}

static void
test_formats (void)
{
  const GstVideoFormat formats[] = {
    GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_GRAY8,
  };
  GstTrtPreprocessConfig config;

  gst_trt_preprocess_config_init (&config);
  config.width = 5;
  config.height = 3;
  config.scale = 1.0f;          /* outputs in 0..255 */
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++) {
    GstVideoInfo info;
    gboolean gray = formats[i] == GST_VIDEO_FORMAT_GRAY8;
    gboolean yuv = formats[i] == GST_VIDEO_FORMAT_NV12 || formats[i] == GST_VIDEO_FORMAT_I420;
    guint8 want[3] = { 200, gray ? 200 : 100, gray ? 200 : 50 };

    gst_video_info_set_format (&info, formats[i], 10, 6);
    g_assert_true (gst_trt_preprocess_format_supported (formats[i]));
    GstBuffer *buffer = solid_frame (&info, want[0], want[1], want[2]);
    gfloat *out = run (&config, &info, buffer, NULL);
    for (guint c = 0; c < 3; c++)
      for (guint p = 0; p < 15; p++)
        g_assert_cmpfloat_with_epsilon (out[c * 15 + p], want[c], yuv ? 2.5 : 1e-4);
    g_free (out);
    gst_buffer_unref (buffer);
  }
  g_assert_false (gst_trt_preprocess_format_supported (GST_VIDEO_FORMAT_YUY2));
}

static void
test_channel_order_and_normalization (void)
{
  GstTrtPreprocessConfig config;
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 4, 4);
  GstBuffer *buffer = solid_frame (&info, 255, 128, 0);
  gst_trt_preprocess_config_init (&config);
  config.width = config.height = 4;
  config.order = GST_TRT_CHANNEL_ORDER_BGR;
  config.scale = 0.5f;
  gfloat offsets[3] = { 10, 20, 30 }, mean[3] = { 1, 2, 3 }, std[3] = { 2, 4, 8 };
  memcpy (config.offsets, offsets, sizeof offsets);
  memcpy (config.mean, mean, sizeof mean);
  memcpy (config.std, std, sizeof std);
  gfloat *out = run (&config, &info, buffer, NULL);
  /* plane 0 is blue (0), 1 green (128), 2 red (255) */
  const gfloat x[3] = { 0, 128, 255 };
  for (guint c = 0; c < 3; c++) {
    gfloat want = ((x[c] - offsets[c]) * 0.5f - mean[c]) / std[c];
    g_assert_cmpfloat_with_epsilon (out[c * 16 + 5], want, 1e-4);
  }
  g_free (out);

  /* one gray plane: luma of the colour */
  config.channels = 1;
  config.order = GST_TRT_CHANNEL_ORDER_GRAY;
  config.scale = 1.0f;
  memset (config.offsets, 0, sizeof config.offsets);
  memset (config.mean, 0, sizeof config.mean);
  config.std[0] = 1.0f;
  out = run (&config, &info, buffer, NULL);
  g_assert_cmpfloat_with_epsilon (out[0], 0.299f * 255 + 0.587f * 128, 1e-3);
  g_free (out);
  gst_buffer_unref (buffer);
}

/* A horizontal ramp, halved and doubled: half-pixel centred bilinear. */
static void
test_resize (void)
{
  GstTrtPreprocessConfig config;
  GstVideoInfo info;
  GstVideoFrame frame;
  GstTrtPreprocessGeometry g;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 4, 2);
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE));
  for (guint row = 0; row < 2; row++) {
    guint8 *p = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
        + row * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
    p[0] = 0, p[1] = 40, p[2] = 80, p[3] = 120;
  }
  gst_video_frame_unmap (&frame);

  gst_trt_preprocess_config_init (&config);
  config.channels = 1;
  config.scale = 1.0f;
  config.width = 2;
  config.height = 1;
  gfloat *out = run (&config, &info, buffer, &g);
  /* output x=0 samples source 0.5, x=1 samples 2.5 */
  g_assert_cmpfloat_with_epsilon (out[0], 20.0f, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[1], 100.0f, 1e-4);
  g_assert_cmpfloat_with_epsilon (g.scale_x, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (g.scale_y, 0.5, 1e-9);
  g_free (out);

  config.width = 8;
  config.height = 2;
  out = run (&config, &info, buffer, NULL);
  /* x=0 -> -0.25 clamped to 0; x=1 -> 0.25; x=7 -> 3.25 clamped to 3 */
  g_assert_cmpfloat_with_epsilon (out[0], 0.0f, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[1], 10.0f, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[2], 30.0f, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[7], 120.0f, 1e-4);
  g_free (out);
  gst_buffer_unref (buffer);
}

static void
test_letterbox (void)
{
  GstTrtPreprocessConfig config;
  GstTrtPreprocessGeometry g;
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBx, 16, 8);
  GstBuffer *buffer = solid_frame (&info, 255, 255, 255);
  gst_trt_preprocess_config_init (&config);
  config.width = config.height = 8;
  config.keep_aspect_ratio = TRUE;
  gfloat *out = run (&config, &info, buffer, &g);
  g_assert_cmpuint (g.resized_width, ==, 8);
  g_assert_cmpuint (g.resized_height, ==, 4);
  g_assert_cmpuint (g.pad_x, ==, 0);
  g_assert_cmpuint (g.pad_y, ==, 2);
  g_assert_cmpfloat_with_epsilon (g.scale_x, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (g.scale_y, 0.5, 1e-9);
  for (guint c = 0; c < 3; c++) {
    for (guint y = 0; y < 8; y++) {
      gfloat want = (y >= 2 && y < 6) ? 1.0f : 0.0f;
      for (guint x = 0; x < 8; x++)
        g_assert_cmpfloat_with_epsilon (out[c * 64 + y * 8 + x], want, 1e-6);
    }
  }
  g_free (out);

  /* a tall frame pads left and right */
  gst_trt_preprocess_geometry (&config, 10, 40, &g);
  g_assert_cmpuint (g.resized_width, ==, 2);
  g_assert_cmpuint (g.resized_height, ==, 8);
  g_assert_cmpuint (g.pad_x, ==, 3);
  g_assert_cmpuint (g.pad_y, ==, 0);
  gst_buffer_unref (buffer);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/preprocess/formats", test_formats);
  g_test_add_func ("/preprocess/channel-order-normalization",
      test_channel_order_and_normalization);
  g_test_add_func ("/preprocess/resize", test_resize);
  g_test_add_func ("/preprocess/letterbox", test_letterbox);
  return g_test_run ();
}
