/* CPU preprocessing (gst/trtpreprocess.c): colour conversion of every input
 * format, bilinear and nearest resize, letterbox, normalization, layout (CHW,
 * HWC), element type (float32, uint8) and channel count (1, 3, 4); regions of a
 * frame: rectangles (as the same pixels in a frame of their own, clipped to
 * the frame), oriented quadrilaterals (against rectangles, turned 90° and
 * 180°), the letterbox at the top-left, and the geometry of each. */
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

  /* nearest: the source pixel each output centre falls in, no blending */
  config.interpolation = GST_TRT_INTERPOLATION_NEAREST;
  config.width = 3;
  config.height = 1;
  out = run (&config, &info, buffer, NULL);
  /* centres 0.5, 1.5, 2.5 of 3 -> source 0.67, 2.0, 3.33 -> pixels 0, 2, 3 */
  g_assert_cmpfloat (out[0], ==, 0.0f);
  g_assert_cmpfloat (out[1], ==, 80.0f);
  g_assert_cmpfloat (out[2], ==, 120.0f);
  g_free (out);
  config.width = 8;
  config.height = 3;
  out = run (&config, &info, buffer, NULL);
  /* upscaled 2x across: each source pixel twice, every row the same */
  const gfloat expected[8] = { 0, 0, 40, 40, 80, 80, 120, 120 };
  for (guint i = 0; i < 3 * 8; i++)
    g_assert_cmpfloat (out[i], ==, expected[i % 8]);
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

/* ---- layouts, element types and channel counts against a reference ------ */

/* A frame of pseudo-random bytes (alpha included, where there is one). */
static GstBuffer *
noise_frame (const GstVideoInfo * info, guint32 seed)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++) {
    seed = seed * 1664525u + 1013904223u;
    map.data[i] = (guint8) (seed >> 24);
  }
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

/* Channel c (0 red, 1 green, 2 blue, 3 alpha) of source pixel (x, y), read
 * the obvious way: packed RGB formats and GRAY8 only. */
static gdouble
reference_source (const GstVideoFrame * frame, guint x, guint y, guint c)
{
  const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0)
      + y * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  switch (GST_VIDEO_FRAME_FORMAT (frame)) {
    case GST_VIDEO_FORMAT_GRAY8:
      return c == 3 ? 255.0 : row[x];
    case GST_VIDEO_FORMAT_RGB:
      return c == 3 ? 255.0 : row[3 * x + c];
    case GST_VIDEO_FORMAT_BGR:
      return c == 3 ? 255.0 : row[3 * x + 2 - c];
    case GST_VIDEO_FORMAT_RGBA:
      return row[4 * x + c];
    case GST_VIDEO_FORMAT_RGBx:
      return c == 3 ? 255.0 : row[4 * x + c];
    case GST_VIDEO_FORMAT_BGRA:
      return c == 3 ? row[4 * x + 3] : row[4 * x + 2 - c];
    default:
      g_assert_not_reached ();
  }
  return 0.0;
}

/* Half-pixel centred bilinear sample of channel c at resized pixel (ox, oy)
 * of a resized_w x resized_h image, in doubles. */
static gdouble
reference_sample (const GstVideoFrame * frame, guint resized_w, guint resized_h, guint ox,
    guint oy, guint c)
{
  guint sw = GST_VIDEO_FRAME_WIDTH (frame), sh = GST_VIDEO_FRAME_HEIGHT (frame);
  gdouble sx = CLAMP ((ox + 0.5) * sw / resized_w - 0.5, 0.0, sw - 1.0);
  gdouble sy = CLAMP ((oy + 0.5) * sh / resized_h - 0.5, 0.0, sh - 1.0);
  guint x0 = (guint) sx, y0 = (guint) sy;
  guint x1 = MIN (x0 + 1, sw - 1), y1 = MIN (y0 + 1, sh - 1);
  gdouble fx = sx - x0, fy = sy - y0;
  gdouble top = reference_source (frame, x0, y0, c) * (1 - fx)
      + reference_source (frame, x1, y0, c) * fx;
  gdouble bottom = reference_source (frame, x0, y1, c) * (1 - fx)
      + reference_source (frame, x1, y1, c) * fx;
  return top * (1 - fy) + bottom * fy;
}

/* The value of output channel c at network pixel (x, y), padding included,
 * by the definition in trtpreprocess.h. */
static gdouble
reference_value (const GstTrtPreprocessConfig * config, const GstVideoFrame * frame,
    const GstTrtPreprocessGeometry * g, guint x, guint y, guint c)
{
  if (x < g->pad_x || y < g->pad_y || x >= g->pad_x + g->resized_width
      || y >= g->pad_y + g->resized_height)
    return 0.0;
  guint rx = x - g->pad_x, ry = y - g->pad_y;
  gdouble v;
  if (config->channels == 1) {
    gdouble rgb[3];
    for (guint k = 0; k < 3; k++)
      rgb[k] = reference_sample (frame, g->resized_width, g->resized_height, rx, ry, k);
    v = GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_GRAY8 ? rgb[0]
        : 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
  } else {
    guint source = c;
    if (config->order == GST_TRT_CHANNEL_ORDER_BGR && c < 3)
      source = 2 - c;
    v = reference_sample (frame, g->resized_width, g->resized_height, rx, ry, source);
  }
  if (config->type == GST_TRT_PREPROCESS_UINT8)
    return v;
  return ((v - config->offsets[c]) * config->scale - config->mean[c]) / config->std[c];
}

static gsize
element_index (const GstTrtPreprocessConfig * config, guint x, guint y, guint c)
{
  gsize pixel = (gsize) y * config->width + x;
  if (config->layout == GST_TRT_PREPROCESS_LAYOUT_HWC)
    return pixel * config->channels + c;
  return (gsize) c * config->width * config->height + pixel;
}

static void
check_against_reference (const GstTrtPreprocessConfig * config, GstVideoFormat format,
    guint source_w, guint source_h, guint32 seed)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstTrtPreprocessGeometry g;

  gst_video_info_set_format (&info, format, source_w, source_h);
  GstBuffer *buffer = noise_frame (&info, seed);
  gsize bytes = gst_trt_preprocess_item_bytes (config);
  /* poisoned, so that a value never written shows */
  guint8 *out = g_malloc (bytes);
  memset (out, 0xa5, bytes);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
  g_assert_true (gst_trt_preprocess_frame (config, &frame, out, &g));
  for (guint y = 0; y < config->height; y++) {
    for (guint x = 0; x < config->width; x++) {
      for (guint c = 0; c < config->channels; c++) {
        gdouble want = reference_value (config, &frame, &g, x, y, c);
        gsize at = element_index (config, x, y, c);
        if (config->type == GST_TRT_PREPROCESS_UINT8) {
          /* float interpolation may land either side of a .5 */
          gdouble got = out[at];
          if (fabs (got - want) > 0.5 + 1e-3)
            g_error ("%s %ux%u -> %ux%u C=%u layout %d uint8: (%u,%u,%u) is %g, want %g",
                gst_video_format_to_string (format), source_w, source_h, config->width,
                config->height, config->channels, config->layout, x, y, c, got, want);
        } else {
          gdouble got = ((const gfloat *) out)[at];
          if (fabs (got - want) > 1e-4 * (1.0 + fabs (want)))
            g_error ("%s %ux%u -> %ux%u C=%u layout %d float: (%u,%u,%u) is %g, want %g",
                gst_video_format_to_string (format), source_w, source_h, config->width,
                config->height, config->channels, config->layout, x, y, c, got, want);
        }
      }
    }
  }
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (buffer);
  g_free (out);
}

/* Every combination of layout, element type, channel count, channel order
 * and letterbox, on odd sizes down and up, from formats with and without
 * alpha. */
static void
test_layouts_types_channels (void)
{
  const GstVideoFormat formats[] = {
    GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_GRAY8,
  };
  const guint sizes[][4] = { {13, 7, 6, 5}, {5, 3, 9, 8}, {7, 7, 7, 7} };
  const guint channel_counts[] = { 1, 3, 4 };
  guint32 seed = 1;

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (gsize k = 0; k < G_N_ELEMENTS (channel_counts); k++)
        for (guint variant = 0; variant < 16; variant++) {
          GstTrtPreprocessConfig config;
          gst_trt_preprocess_config_init (&config);
          config.width = sizes[s][2];
          config.height = sizes[s][3];
          config.channels = channel_counts[k];
          config.layout = (variant & 1) ? GST_TRT_PREPROCESS_LAYOUT_HWC
              : GST_TRT_PREPROCESS_LAYOUT_CHW;
          config.type = (variant & 2) ? GST_TRT_PREPROCESS_UINT8 : GST_TRT_PREPROCESS_FLOAT32;
          config.order = (variant & 4) ? GST_TRT_CHANNEL_ORDER_BGR : GST_TRT_CHANNEL_ORDER_RGB;
          config.keep_aspect_ratio = (variant & 8) != 0;
          for (guint c = 0; c < GST_TRT_PREPROCESS_MAX_CHANNELS; c++) {
            config.offsets[c] = 3.0f * c;
            config.mean[c] = 0.1f * c;
            config.std[c] = 0.5f + c;
          }
          check_against_reference (&config, formats[f], sizes[s][0], sizes[s][1], seed++);
        }
}

/* YUV sources: the HWC uint8 RGBA item is the rounded CHW float RGB item
 * (scale 1) with alpha 255: conversion is shared, only the writing differs. */
static void
test_layouts_yuv (void)
{
  const GstVideoFormat formats[] = { GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_I420 };

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++) {
    GstVideoInfo info;
    GstVideoFrame frame;
    GstTrtPreprocessConfig planar, packed;

    gst_video_info_set_format (&info, formats[f], 14, 10);
    GstBuffer *buffer = noise_frame (&info, 77 + f);
    gst_trt_preprocess_config_init (&planar);
    planar.width = 9;
    planar.height = 6;
    planar.scale = 1.0f;
    packed = planar;
    packed.channels = 4;
    packed.layout = GST_TRT_PREPROCESS_LAYOUT_HWC;
    packed.type = GST_TRT_PREPROCESS_UINT8;
    gfloat *want = g_new (gfloat, 3 * 9 * 6);
    guint8 *got = g_new (guint8, 4 * 9 * 6);
    g_assert_cmpuint (gst_trt_preprocess_item_bytes (&packed), ==, 4 * 9 * 6);
    g_assert_cmpuint (gst_trt_preprocess_item_bytes (&planar), ==, 3 * 9 * 6 * 4);
    g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
    g_assert_true (gst_trt_preprocess_frame (&planar, &frame, want, NULL));
    g_assert_true (gst_trt_preprocess_frame (&packed, &frame, got, NULL));
    gst_video_frame_unmap (&frame);
    for (guint p = 0; p < 9 * 6; p++) {
      for (guint c = 0; c < 3; c++)
        g_assert_cmpint (got[4 * p + c], ==, (gint) lroundf (want[c * 54 + p]));
      g_assert_cmpint (got[4 * p + 3], ==, 255);
    }
    g_free (want);
    g_free (got);
    gst_buffer_unref (buffer);
  }
}

/* Channel counts other than 1, 3 and 4 are refused, nothing written. */
static void
test_refused_channels (void)
{
  GstTrtPreprocessConfig config;
  GstVideoInfo info;
  GstVideoFrame frame;
  gfloat out[2 * 4 * 4];

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 4, 4);
  GstBuffer *buffer = noise_frame (&info, 5);
  gst_trt_preprocess_config_init (&config);
  config.width = config.height = 4;
  config.channels = 2;
  memset (out, 0, sizeof out);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
  g_assert_false (gst_trt_preprocess_frame (&config, &frame, out, NULL));
  gst_video_frame_unmap (&frame);
  for (gsize i = 0; i < G_N_ELEMENTS (out); i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  gst_buffer_unref (buffer);
}

/* ---- regions ------------------------------------------------------------- */

/* The rectangle (x, y, w, h) of a frame of @info copied into a frame of its
 * own (@crop_info); x and y even for subsampled chroma. */
static GstBuffer *
copy_rectangle (const GstVideoInfo *info, GstBuffer *buffer, gint x, gint y,
    gint w, gint h, GstVideoInfo *crop_info)
{
  GstVideoFrame from, to;

  gst_video_info_set_format (crop_info, GST_VIDEO_INFO_FORMAT (info), w, h);
  crop_info->colorimetry = info->colorimetry;
  GstBuffer *crop =
      gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (crop_info), NULL);
  g_assert_true (gst_video_frame_map (&from, info, buffer, GST_MAP_READ));
  g_assert_true (gst_video_frame_map (&to, crop_info, crop, GST_MAP_WRITE));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&from); p++) {
    gint components[GST_VIDEO_MAX_COMPONENTS];
    gst_video_format_info_component (info->finfo, p, components);
    gint c = components[0];
    gint pstride = GST_VIDEO_FORMAT_INFO_PSTRIDE (info->finfo, c);
    gint px = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (info->finfo, c, x);
    gint py = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, c, y);
    gint pw = GST_VIDEO_FORMAT_INFO_SCALE_WIDTH (info->finfo, c, w);
    gint ph = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, c, h);
    for (gint row = 0; row < ph; row++)
      memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&to, p)
              + row * GST_VIDEO_FRAME_PLANE_STRIDE (&to, p),
          (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&from, p)
              + (py + row) * GST_VIDEO_FRAME_PLANE_STRIDE (&from, p)
              + px * pstride,
          (gsize) pw * pstride);
  }
  gst_video_frame_unmap (&to);
  gst_video_frame_unmap (&from);
  return crop;
}

/* One item of @config for @region of the frame (NULL: the whole frame);
 * the buffer is poisoned first, so that a value never written shows. */
static guint8 *
run_region (const GstTrtPreprocessConfig *config, const GstVideoInfo *info,
    GstBuffer *buffer, const GstTrtPreprocessRegion *region,
    GstTrtPreprocessGeometry *g)
{
  gsize bytes = gst_trt_preprocess_item_bytes (config);
  guint8 *out = g_malloc (bytes);
  GstVideoFrame frame;

  memset (out, 0xa5, bytes);
  g_assert_true (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  g_assert_true (
      gst_trt_preprocess_frame_region (config, &frame, region, out, g));
  gst_video_frame_unmap (&frame);
  return out;
}

static GstTrtPreprocessRegion
rectangle (gint x, gint y, gint w, gint h)
{
  GstTrtPreprocessRegion r = {.oriented = FALSE,
      .x = x,
      .y = y,
      .width = w,
      .height = h};
  return r;
}

/* The rectangle's corners as an oriented region, starting from corner
 * @first (0: top-left, 1: top-right, ... clockwise). */
static GstTrtPreprocessRegion
quad_of_rectangle (gdouble x, gdouble y, gdouble w, gdouble h, guint first)
{
  const gdouble corners[4][2] = {{x, y}, {x + w, y}, {x + w, y + h},
      {x, y + h}};
  GstTrtPreprocessRegion r = {.oriented = TRUE};
  for (guint i = 0; i < 4; i++) {
    r.corners[i][0] = corners[(first + i) % 4][0];
    r.corners[i][1] = corners[(first + i) % 4][1];
  }
  return r;
}

/* An axis-aligned region is preprocessed exactly as the same pixels in a
 * frame of their own: packed, gray and YUV (even offsets) frames, every
 * interpolation, letterbox, layout, type and channel count. */
static void
test_region_rectangle (void)
{
  const GstVideoFormat formats[] = {
      GST_VIDEO_FORMAT_RGB,
      GST_VIDEO_FORMAT_BGRA,
      GST_VIDEO_FORMAT_GRAY8,
      GST_VIDEO_FORMAT_NV12,
      GST_VIDEO_FORMAT_I420,
  };
  /* x, y, w, h of the rectangle in a 37x29 frame; network width, height */
  const gint cases[][6] = {
      {4, 2, 22, 18, 9, 7},
      {10, 6, 9, 7, 20, 15},
      {0, 0, 37, 29, 16, 12},
      {24, 16, 13, 13, 13, 13},
      {2, 8, 30, 6, 32, 12},
  };

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
      for (guint variant = 0; variant < 16; variant++) {
        GstVideoInfo info, crop_info;
        GstTrtPreprocessConfig config;
        GstTrtPreprocessGeometry g, g_crop;
        const gint *c = cases[k];

        gst_video_info_set_format (&info, formats[f], 37, 29);
        GstBuffer *buffer = noise_frame (&info, 1000 + 16 * k + variant);
        GstBuffer *crop =
            copy_rectangle (&info, buffer, c[0], c[1], c[2], c[3], &crop_info);
        gst_trt_preprocess_config_init (&config);
        config.width = c[4];
        config.height = c[5];
        config.channels = (variant & 3) == 0 ? 1 : (variant & 3) == 3 ? 4 : 3;
        config.order = (variant & 1) ? GST_TRT_CHANNEL_ORDER_BGR
                                     : GST_TRT_CHANNEL_ORDER_RGB;
        config.layout = (variant & 4) ? GST_TRT_PREPROCESS_LAYOUT_HWC
                                      : GST_TRT_PREPROCESS_LAYOUT_CHW;
        config.type = (variant & 2) ? GST_TRT_PREPROCESS_UINT8
                                    : GST_TRT_PREPROCESS_FLOAT32;
        config.keep_aspect_ratio = (variant & 8) != 0;
        config.pad_position =
            (variant & 2) ? GST_TRT_PAD_TOP_LEFT : GST_TRT_PAD_CENTER;
        config.interpolation = (variant & 4) ? GST_TRT_INTERPOLATION_NEAREST
                                             : GST_TRT_INTERPOLATION_BILINEAR;
        config.mean[1] = 0.25f;
        config.std[2] = 0.5f;

        GstTrtPreprocessRegion region = rectangle (c[0], c[1], c[2], c[3]);
        guint8 *got = run_region (&config, &info, buffer, &region, &g);
        guint8 *want = run_region (&config, &crop_info, crop, NULL, &g_crop);
        gsize bytes = gst_trt_preprocess_item_bytes (&config);
        if (memcmp (got, want, bytes) != 0)
          g_error ("%s rectangle %d,%d %dx%d -> %ux%u variant %u: not the "
                   "crop's item",
              gst_video_format_to_string (formats[f]), c[0], c[1], c[2], c[3],
              config.width, config.height, variant);
        g_assert_cmpfloat (g.source_x, ==, c[0]);
        g_assert_cmpfloat (g.source_y, ==, c[1]);
        g_assert_cmpuint (g.source_width, ==, c[2]);
        g_assert_cmpuint (g.source_height, ==, c[3]);
        g_assert_cmpfloat (g_crop.source_x, ==, 0.0);
        g_assert_cmpfloat (g_crop.source_y, ==, 0.0);
        g_assert_cmpuint (g.resized_width, ==, g_crop.resized_width);
        g_assert_cmpuint (g.resized_height, ==, g_crop.resized_height);
        g_assert_cmpuint (g.pad_x, ==, g_crop.pad_x);
        g_assert_cmpuint (g.pad_y, ==, g_crop.pad_y);
        g_assert_cmpfloat (g.scale_x, ==, g_crop.scale_x);
        g_assert_cmpfloat (g.scale_y, ==, g_crop.scale_y);
        g_free (got);
        g_free (want);
        gst_buffer_unref (crop);
        gst_buffer_unref (buffer);
      }
}

/* Two float items equal within @tolerance, or the first difference. */
static void
assert_items_close (const gfloat *got, const gfloat *want, gsize n,
    gdouble tolerance, const gchar *what)
{
  for (gsize i = 0; i < n; i++)
    if (!(fabs ((gdouble) got[i] - want[i]) <= tolerance))
      g_error ("%s: element %zu is %.9g, want %.9g", what, i, got[i], want[i]);
}

/* An oriented region whose corners are an axis-aligned rectangle's gives
 * the rectangle's item (within rounding: its positions are computed from
 * the corners), where the rectangle's samples stay inside it (ratios of at
 * least 1, or the whole frame). */
static void
test_region_oriented_rectangle (void)
{
  const GstVideoFormat formats[] = {
      GST_VIDEO_FORMAT_RGB,
      GST_VIDEO_FORMAT_RGBA,
      GST_VIDEO_FORMAT_NV12,
      GST_VIDEO_FORMAT_I420,
      GST_VIDEO_FORMAT_GRAY8,
  };
  /* x, y, w, h in a 41x30 frame; network width, height */
  const gint cases[][6] = {
      {3, 5, 24, 16, 10, 7},
      {7, 2, 33, 27, 33, 9},
      {0, 0, 41, 30, 64, 48},
      {1, 4, 19, 21, 12, 12},
  };

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
      for (guint variant = 0; variant < 4; variant++) {
        GstVideoInfo info;
        GstTrtPreprocessConfig config;
        GstTrtPreprocessGeometry g_rect, g_quad;
        const gint *c = cases[k];
        gchar what[128];

        gst_video_info_set_format (&info, formats[f], 41, 30);
        GstBuffer *buffer = noise_frame (&info, 2000 + 4 * k + variant);
        gst_trt_preprocess_config_init (&config);
        config.width = c[4];
        config.height = c[5];
        config.channels = (variant & 1) ? 4 : 3;
        config.layout = (variant & 1) ? GST_TRT_PREPROCESS_LAYOUT_HWC
                                      : GST_TRT_PREPROCESS_LAYOUT_CHW;
        config.keep_aspect_ratio = (variant & 2) != 0;
        GstTrtPreprocessRegion rect = rectangle (c[0], c[1], c[2], c[3]);
        GstTrtPreprocessRegion quad =
            quad_of_rectangle (c[0], c[1], c[2], c[3], 0);
        gfloat *want =
            (gfloat *) run_region (&config, &info, buffer, &rect, &g_rect);
        gfloat *got =
            (gfloat *) run_region (&config, &info, buffer, &quad, &g_quad);
        g_snprintf (what, sizeof what,
            "%s quad %d,%d %dx%d -> %ux%u variant %u",
            gst_video_format_to_string (formats[f]), c[0], c[1], c[2], c[3],
            config.width, config.height, variant);
        assert_items_close (got, want,
            (gsize) config.channels * config.width * config.height, 1e-4, what);
        g_assert_cmpuint (g_quad.source_width, ==, c[2]);
        g_assert_cmpuint (g_quad.source_height, ==, c[3]);
        g_assert_cmpfloat (g_quad.source_x, ==, c[0]);
        g_assert_cmpfloat (g_quad.source_y, ==, c[1]);
        g_assert_cmpuint (g_quad.resized_width, ==, g_rect.resized_width);
        g_assert_cmpuint (g_quad.resized_height, ==, g_rect.resized_height);
        g_assert_cmpuint (g_quad.pad_x, ==, g_rect.pad_x);
        g_assert_cmpuint (g_quad.pad_y, ==, g_rect.pad_y);
        g_free (want);
        g_free (got);
        gst_buffer_unref (buffer);
      }
}

/* Corners starting from the third turn the item by 180°, from the second
 * by 90°: with positions that are exact binary fractions the samples are
 * the same frame points, so nearest (and bilinear) items are equal to the
 * turned rectangle's exactly. A quadrilateral at an angle, turned, is its
 * item turned within rounding. */
static void
test_region_oriented_turns (void)
{
  const GstVideoFormat formats[] = {
      GST_VIDEO_FORMAT_RGB,
      GST_VIDEO_FORMAT_BGRx,
      GST_VIDEO_FORMAT_NV12,
      GST_VIDEO_FORMAT_GRAY8,
  };
  const GstTrtInterpolation interpolations[] = {
      GST_TRT_INTERPOLATION_NEAREST,
      GST_TRT_INTERPOLATION_BILINEAR,
  };

  for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
    for (gsize i = 0; i < G_N_ELEMENTS (interpolations); i++) {
      GstVideoInfo info;
      GstTrtPreprocessConfig config;
      guint W = 16, H = 8;

      gst_video_info_set_format (&info, formats[f], 40, 30);
      GstBuffer *buffer = noise_frame (&info, 3000 + 2 * f + i);
      gst_trt_preprocess_config_init (&config);
      config.width = W;
      config.height = H;
      config.interpolation = interpolations[i];

      /* 180°: the rectangle 24x12 at (6, 4), 1.5 frame pixels a network pixel
       */
      GstTrtPreprocessRegion rect = rectangle (6, 4, 24, 12);
      GstTrtPreprocessRegion turned = quad_of_rectangle (6, 4, 24, 12, 2);
      gfloat *want =
          (gfloat *) run_region (&config, &info, buffer, &rect, NULL);
      gfloat *got =
          (gfloat *) run_region (&config, &info, buffer, &turned, NULL);
      for (guint c = 0; c < 3; c++)
        for (guint y = 0; y < H; y++)
          for (guint x = 0; x < W; x++)
            g_assert_cmpfloat (got[(c * H + y) * W + x], ==,
                want[(c * H + (H - 1 - y)) * W + (W - 1 - x)]);
      g_free (got);
      g_free (want);

      /* 180° where nearest samples fall on pixel edges: 20x12 into 10x6,
       * two frame pixels a network pixel, (rx + 0.5) / 10 no binary
       * fraction; and 25x15, 2.5 frame pixels a network pixel */
      for (guint k = 0; k < 2; k++) {
        GstTrtPreprocessConfig small = config;
        gint w = k ? 25 : 20, h = k ? 15 : 12;
        small.width = 10;
        small.height = 6;
        rect = rectangle (5, 7, w, h);
        GstTrtPreprocessRegion upright = quad_of_rectangle (5, 7, w, h, 0);
        turned = quad_of_rectangle (5, 7, w, h, 2);
        want = (gfloat *) run_region (&small, &info, buffer, &upright, NULL);
        got = (gfloat *) run_region (&small, &info, buffer, &turned, NULL);
        for (guint c = 0; c < 3; c++)
          for (guint y = 0; y < 6; y++)
            for (guint x = 0; x < 10; x++)
              g_assert_cmpfloat (got[(c * 6 + y) * 10 + x], ==,
                  want[(c * 6 + (5 - y)) * 10 + (9 - x)]);
        g_free (got);
        /* and the rectangle's own item, exactly */
        got = (gfloat *) run_region (&small, &info, buffer, &rect, NULL);
        g_assert_cmpmem (got, 3 * 6 * 10 * sizeof (gfloat), want,
            3 * 6 * 10 * sizeof (gfloat));
        g_free (got);
        g_free (want);
      }

      /* 90°: text running down the frame, the rectangle 12x24 at (10, 3)
       * read top to bottom lands in the network input as the rectangle's
       * 24x12 crop (network H x W = 8x16, transposed) turned: network
       * pixel (x, y) is the crop's (H - 1 - y, x). */
      GstTrtPreprocessConfig crop_config = config;
      crop_config.width = H;
      crop_config.height = W;
      GstTrtPreprocessRegion down = quad_of_rectangle (10, 3, 12, 24, 1);
      GstTrtPreprocessRegion upright = rectangle (10, 3, 12, 24);
      GstTrtPreprocessGeometry g;
      want =
          (gfloat *) run_region (&crop_config, &info, buffer, &upright, NULL);
      got = (gfloat *) run_region (&config, &info, buffer, &down, &g);
      g_assert_cmpuint (g.source_width, ==, 24);
      g_assert_cmpuint (g.source_height, ==, 12);
      g_assert_cmpfloat (g.source_x, ==, 22.0);
      g_assert_cmpfloat (g.source_y, ==, 3.0);
      for (guint c = 0; c < 3; c++)
        for (guint y = 0; y < H; y++)
          for (guint x = 0; x < W; x++)
            g_assert_cmpfloat (got[(c * H + y) * W + x], ==,
                want[(c * W + x) * H + (H - 1 - y)]);
      g_free (got);
      g_free (want);

      /* a line at about 20°, partly outside the frame, and turned */
      const gdouble corners[4][2] = {{5.3, 12.1}, {33.9, 2.2}, {36.4, 9.7},
          {7.9, 19.4}};
      GstTrtPreprocessRegion line = {.oriented = TRUE},
                             line_turned = {.oriented = TRUE};
      for (guint k = 0; k < 4; k++)
        for (guint d = 0; d < 2; d++)
          line.corners[k][d] = corners[k][d] - (d == 1 ? 4.0 : 0.0);
      for (guint k = 0; k < 4; k++)
        for (guint d = 0; d < 2; d++)
          line_turned.corners[k][d] = line.corners[(k + 2) % 4][d];
      config.interpolation = GST_TRT_INTERPOLATION_BILINEAR;
      want = (gfloat *) run_region (&config, &info, buffer, &line, NULL);
      got = (gfloat *) run_region (&config, &info, buffer, &line_turned, NULL);
      for (guint c = 0; c < 3; c++)
        for (guint y = 0; y < H; y++)
          for (guint x = 0; x < W; x++)
            g_assert_cmpfloat_with_epsilon (got[(c * H + y) * W + x],
                want[(c * H + (H - 1 - y)) * W + (W - 1 - x)], 1e-4);
      g_free (got);
      g_free (want);
      gst_buffer_unref (buffer);
    }
}

/* pad_position top-left: the image at the top-left, padding right and
 * below; centred by default. */
static void
test_region_pad_position (void)
{
  GstTrtPreprocessConfig config;
  GstTrtPreprocessGeometry g;
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBx, 64, 32);
  GstBuffer *buffer = solid_frame (&info, 255, 255, 255);
  gst_trt_preprocess_config_init (&config);
  config.keep_aspect_ratio = TRUE;
  config.pad_position = GST_TRT_PAD_TOP_LEFT;

  /* a text line of 20x10 into a 48x12 input: 24x12, 24 columns of padding right
   */
  config.width = 48;
  config.height = 12;
  GstTrtPreprocessRegion line = rectangle (30, 7, 20, 10);
  gfloat *out = (gfloat *) run_region (&config, &info, buffer, &line, &g);
  g_assert_cmpuint (g.resized_width, ==, 24);
  g_assert_cmpuint (g.resized_height, ==, 12);
  g_assert_cmpuint (g.pad_x, ==, 0);
  g_assert_cmpuint (g.pad_y, ==, 0);
  g_assert_cmpfloat_with_epsilon (g.scale_x, 1.2, 1e-12);
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 12; y++)
      for (guint x = 0; x < 48; x++)
        g_assert_cmpfloat_with_epsilon (out[(c * 12 + y) * 48 + x],
            x < 24 ? 1.0f : 0.0f, 1e-6);
  g_free (out);

  /* fit-height (text recognizers): the height always fills; 20x10 into
   * 48x12 gives 24 columns, 60x10 squeezes into all 48 */
  config.fit_height = TRUE;
  GstTrtPreprocessGeometry fit;
  gst_trt_preprocess_geometry (&config, 20, 10, &fit);
  g_assert_cmpuint (fit.resized_width, ==, 24);
  g_assert_cmpuint (fit.resized_height, ==, 12);
  g_assert_cmpuint (fit.pad_x, ==, 0);
  gst_trt_preprocess_geometry (&config, 60, 10, &fit);
  g_assert_cmpuint (fit.resized_width, ==, 48);
  g_assert_cmpuint (fit.resized_height, ==, 12);
  g_assert_cmpfloat_with_epsilon (fit.scale_x, 0.8, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit.scale_y, 1.2, 1e-12);
  /* 7x10 would be 8.4 columns: PP-OCR rounds up to 9 */
  gst_trt_preprocess_geometry (&config, 7, 10, &fit);
  g_assert_cmpuint (fit.resized_width, ==, 9);
  config.fit_height = FALSE;

  /* the same rectangle as an oriented region read upwards (corners from
   * the bottom-left): |u| = 10 across, |v| = 20 down; 8x16 fills an 8x16
   * input, 12x24 leaves 6 rows below in a 12x30 one */
  config.width = 8;
  config.height = 16;
  GstTrtPreprocessRegion turned = quad_of_rectangle (30, 7, 20, 10, 3);
  out = (gfloat *) run_region (&config, &info, buffer, &turned, &g);
  g_assert_cmpuint (g.source_width, ==, 10);
  g_assert_cmpuint (g.source_height, ==, 20);
  g_assert_cmpuint (g.resized_width, ==, 8);
  g_assert_cmpuint (g.resized_height, ==, 16);
  g_free (out);
  config.width = 12;
  config.height = 30;
  out = (gfloat *) run_region (&config, &info, buffer, &turned, &g);
  g_assert_cmpuint (g.resized_width, ==, 12);
  g_assert_cmpuint (g.resized_height, ==, 24);
  g_assert_cmpuint (g.pad_x, ==, 0);
  g_assert_cmpuint (g.pad_y, ==, 0);
  for (guint y = 0; y < 30; y++)
    for (guint x = 0; x < 12; x++)
      g_assert_cmpfloat_with_epsilon (out[y * 12 + x], y < 24 ? 1.0f : 0.0f,
          1e-6);
  g_free (out);

  /* centred, the default: 3 rows above and below */
  config.pad_position = GST_TRT_PAD_CENTER;
  out = (gfloat *) run_region (&config, &info, buffer, &turned, &g);
  g_assert_cmpuint (g.pad_x, ==, 0);
  g_assert_cmpuint (g.pad_y, ==, 3);
  for (guint y = 0; y < 30; y++)
    for (guint x = 0; x < 12; x++)
      g_assert_cmpfloat_with_epsilon (out[y * 12 + x],
          y >= 3 && y < 27 ? 1.0f : 0.0f, 1e-6);
  g_free (out);

  /* whole frames too: 64x32 into 16x16 is 16x8 at the top */
  config.pad_position = GST_TRT_PAD_TOP_LEFT;
  config.width = config.height = 16;
  gst_trt_preprocess_geometry (&config, 64, 32, &g);
  g_assert_cmpuint (g.resized_width, ==, 16);
  g_assert_cmpuint (g.resized_height, ==, 8);
  g_assert_cmpuint (g.pad_x, ==, 0);
  g_assert_cmpuint (g.pad_y, ==, 0);
  g_assert_cmpfloat (g.source_x, ==, 0.0);
  gst_buffer_unref (buffer);
}

/* Rectangles partly outside the frame are clipped to it; regions with
 * nothing inside, empty or degenerate ones are refused, nothing written. */
static void
test_region_clipped_and_refused (void)
{
  GstTrtPreprocessConfig config;
  GstTrtPreprocessGeometry g, g_inside;
  GstVideoInfo info;
  GstVideoFrame frame;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 16, 12);
  GstBuffer *buffer = noise_frame (&info, 4000);
  gst_trt_preprocess_config_init (&config);
  config.width = 6;
  config.height = 5;
  gsize bytes = gst_trt_preprocess_item_bytes (&config);

  /* x, y, w, h; the same clipped */
  const gint clipped[][8] = {
      {-3, -2, 10, 8, 0, 0, 7, 6},
      {12, 9, 10, 10, 12, 9, 4, 3},
      {-5, 4, 100, 3, 0, 4, 16, 3},
      {-1, -1, 18, 14, 0, 0, 16, 12},
  };
  for (gsize k = 0; k < G_N_ELEMENTS (clipped); k++) {
    const gint *c = clipped[k];
    GstTrtPreprocessRegion outside = rectangle (c[0], c[1], c[2], c[3]);
    GstTrtPreprocessRegion inside = rectangle (c[4], c[5], c[6], c[7]);
    guint8 *got = run_region (&config, &info, buffer, &outside, &g);
    guint8 *want = run_region (&config, &info, buffer, &inside, &g_inside);
    g_assert_cmpmem (got, bytes, want, bytes);
    g_assert_cmpfloat (g.source_x, ==, c[4]);
    g_assert_cmpfloat (g.source_y, ==, c[5]);
    g_assert_cmpuint (g.source_width, ==, c[6]);
    g_assert_cmpuint (g.source_height, ==, c[7]);
    g_free (got);
    g_free (want);
  }
  /* the whole frame as a rectangle is the whole frame */
  GstTrtPreprocessRegion all = rectangle (0, 0, 16, 12);
  guint8 *got = run_region (&config, &info, buffer, &all, NULL);
  guint8 *want = run_region (&config, &info, buffer, NULL, NULL);
  g_assert_cmpmem (got, bytes, want, bytes);
  g_free (got);
  g_free (want);

  GstTrtPreprocessRegion refused[] = {
      rectangle (16, 0, 5, 5),
      rectangle (-10, 0, 5, 5),
      rectangle (0, 12, 4, 4),
      rectangle (2, 2, 0, 4),
      rectangle (2, 2, 4, -1),
      rectangle (G_MAXINT, 0, G_MAXINT, 3),
      quad_of_rectangle (3, 3, 0, 5, 0), /* a line: no area */
      quad_of_rectangle (3, 3, 5, 5, 0),
      quad_of_rectangle (3, 3, 5, 5, 0),
  };
  refused[7].corners[2][0] = NAN;
  refused[8].corners[1][1] = INFINITY;
  guint8 *out = g_malloc (bytes);
  g_assert_true (gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ));
  for (gsize k = 0; k < G_N_ELEMENTS (refused); k++) {
    trt_image_transform_t t;
    trt_image_t image;
    memset (out, 0xa5, bytes);
    g_assert_false (gst_trt_preprocess_frame_region (&config, &frame,
        &refused[k], out, NULL));
    g_assert_false (gst_trt_preprocess_transform_region (&config, &info,
        &refused[k], &t, &image, NULL));
    for (gsize i = 0; i < bytes; i++)
      g_assert_cmpint (out[i], ==, 0xa5);
  }
  gst_video_frame_unmap (&frame);
  g_free (out);
  gst_buffer_unref (buffer);
}

/* What the GPU kernel is given for regions: the clipped rectangle, or the
 * corners' origin and averaged sides (a quadrilateral that is not a
 * parallelogram), checked by the engine as valid. */
static void
test_region_transform (void)
{
  GstTrtPreprocessConfig config;
  GstTrtPreprocessGeometry g;
  GstVideoInfo info;
  trt_image_transform_t t;
  trt_image_t image;
  static const guint8 plane[64 * 48 * 3];

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 64, 48);
  gst_trt_preprocess_config_init (&config);
  config.width = 32;
  config.height = 32;
  config.keep_aspect_ratio = TRUE;

  GstTrtPreprocessRegion rect = rectangle (60, -4, 10, 20);
  g_assert_true (gst_trt_preprocess_transform_region (&config, &info, &rect, &t,
      &image, &g));
  g_assert_false (t.oriented);
  g_assert_cmpint (t.source_x, ==, 60);
  g_assert_cmpint (t.source_y, ==, 0);
  g_assert_cmpint (t.source_width, ==, 4);
  g_assert_cmpint (t.source_height, ==, 16);
  g_assert_cmpuint (g.resized_width, ==, 8);
  g_assert_cmpuint (g.resized_height, ==, 32);
  g_assert_cmpuint (g.pad_x, ==, 12);
  g_assert_cmpfloat (g.scale_x, ==, 2.0);
  image.planes[0] = plane;
  g_assert_cmpint (trt_image_check (&image, &t), ==, TRT_STATUS_OK);

  /* the whole frame as a rectangle: the whole frame's transform */
  GstTrtPreprocessRegion all = rectangle (0, 0, 64, 48);
  g_assert_true (gst_trt_preprocess_transform_region (&config, &info, &all, &t,
      &image, &g));
  g_assert_cmpint (t.source_width, ==, 0);

  /* a trapezoid: top side 20 long, bottom side 30, 12 high, at an angle */
  GstTrtPreprocessRegion quad = {.oriented = TRUE,
      .corners = {{10, 20}, {26, 8}, {38, 17}, {14, 35}}};
  g_assert_true (gst_trt_preprocess_transform_region (&config, &info, &quad, &t,
      &image, &g));
  g_assert_true (t.oriented);
  g_assert_cmpint (t.source_width, ==, 0);
  g_assert_cmpfloat (t.origin_x, ==, 10.0f);
  g_assert_cmpfloat (t.origin_y, ==, 20.0f);
  g_assert_cmpfloat (t.u_x, ==, 20.0f); /* ((16, -12) + (24, -18)) / 2 */
  g_assert_cmpfloat (t.u_y, ==, -15.0f);
  g_assert_cmpfloat (t.v_x, ==, 8.0f); /* ((4, 15) + (12, 9)) / 2 */
  g_assert_cmpfloat (t.v_y, ==, 12.0f);
  g_assert_cmpuint (g.source_width, ==, 25);  /* |(20, -15)| */
  g_assert_cmpuint (g.source_height, ==, 14); /* |(8, 12)| = 14.42 */
  g_assert_cmpfloat (g.source_x, ==, 10.0);
  g_assert_cmpfloat (g.source_y, ==, 20.0);
  g_assert_cmpuint (g.resized_width, ==, 32);
  g_assert_cmpuint (g.resized_height, ==, 18); /* 14 * 32 / 25 = 17.9 */
  g_assert_cmpuint (g.pad_y, ==, 7);
  image.planes[0] = plane;
  g_assert_cmpint (trt_image_check (&image, &t), ==, TRT_STATUS_OK);

  /* a tiny quadrilateral is at least one pixel */
  GstTrtPreprocessRegion speck = quad_of_rectangle (5, 5, 0.2, 0.3, 0);
  g_assert_true (gst_trt_preprocess_transform_region (&config, &info, &speck,
      &t, &image, &g));
  g_assert_cmpuint (g.source_width, ==, 1);
  g_assert_cmpuint (g.source_height, ==, 1);
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
  g_test_add_func ("/preprocess/layouts-types-channels", test_layouts_types_channels);
  g_test_add_func ("/preprocess/layouts-yuv", test_layouts_yuv);
  g_test_add_func ("/preprocess/refused-channels", test_refused_channels);
  g_test_add_func ("/preprocess/region-rectangle", test_region_rectangle);
  g_test_add_func ("/preprocess/region-oriented-rectangle",
      test_region_oriented_rectangle);
  g_test_add_func ("/preprocess/region-oriented-turns",
      test_region_oriented_turns);
  g_test_add_func ("/preprocess/region-pad-position", test_region_pad_position);
  g_test_add_func ("/preprocess/region-clipped-refused",
      test_region_clipped_and_refused);
  g_test_add_func ("/preprocess/region-transform", test_region_transform);
  return g_test_run ();
}
