/* CPU preprocessing (gst/trtpreprocess.c): colour conversion of every input
 * format, bilinear and nearest resize, letterbox, normalization, layout (CHW, HWC),
 * element type (float32, uint8) and channel count (1, 3, 4). */
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
  return g_test_run ();
}
