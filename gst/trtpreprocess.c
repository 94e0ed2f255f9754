/* CPU preprocessing; see trtpreprocess.h for the definition it implements.
 *
 * Whole frames: source rows are converted to float RGB, or RGBA when the
 * network takes alpha, on demand (two rows cached, since output rows walk
 * the source top to bottom), then each output pixel is interpolated from
 * four converted neighbours and written, normalized and in the network's
 * element type, at its place in the layout: channel c of pixel p lies at
 * c * channel_stride + p * pixel_stride, which covers planes and
 * interleaved pixels with one loop. Regions (small: a detection, a text
 * line) take the plain way: each output pixel finds its taps and
 * interpolates them (trt_image_taps, trt_image_interpolate), as each
 * thread of the GPU kernel does. The arithmetic of each step is the
 * engine's numerics/image.h, which the GPU kernel runs too (built with
 * -ffp-contract=off: every operation rounded, as there). */
#include "trtpreprocess.h"

#include <numerics/image.h>

#include <math.h>
#include <string.h>

void
gst_trt_preprocess_config_init (GstTrtPreprocessConfig * config)
{
  memset (config, 0, sizeof (*config));
  config->channels = 3;
  config->order = GST_TRT_CHANNEL_ORDER_RGB;
  config->layout = GST_TRT_PREPROCESS_LAYOUT_CHW;
  config->type = GST_TRT_PREPROCESS_FLOAT32;
  config->scale = 1.0f / 255.0f;
  for (int c = 0; c < GST_TRT_PREPROCESS_MAX_CHANNELS; c++)
    config->std[c] = 1.0f;
}

gsize
gst_trt_preprocess_item_bytes (const GstTrtPreprocessConfig * config)
{
  gsize element = config->type == GST_TRT_PREPROCESS_UINT8 ? 1 : sizeof (gfloat);
  return (gsize) config->channels * config->height * config->width * element;
}

gboolean
gst_trt_preprocess_format_supported (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGB:
    case GST_VIDEO_FORMAT_BGR:
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_RGBx:
    case GST_VIDEO_FORMAT_BGRx:
    case GST_VIDEO_FORMAT_NV12:
    case GST_VIDEO_FORMAT_I420:
    case GST_VIDEO_FORMAT_GRAY8:
      return TRUE;
    default:
      return FALSE;
  }
}

void
gst_trt_preprocess_geometry (const GstTrtPreprocessConfig * config,
    guint source_width, guint source_height, GstTrtPreprocessGeometry * g)
{
  memset (g, 0, sizeof (*g));
  g->network_width = config->width;
  g->network_height = config->height;
  g->source_width = source_width;
  g->source_height = source_height;
  g->resized_width = config->width;
  g->resized_height = config->height;
  if (source_width == 0 || source_height == 0)
    return;
  if (config->keep_aspect_ratio && config->fit_height) {
    /* PP-OCR's text lines: the height fills, the width follows up to the
     * network's (ceil, as PP-OCR rounds), longer lines squeezed into it */
    gdouble w = ceil ((gdouble) source_width * config->height / source_height);
    g->resized_width = (guint) CLAMP (w, 1.0, (gdouble) config->width);
    g->resized_height = config->height;
    if (config->pad_position != GST_TRT_PAD_TOP_LEFT)
      g->pad_x = (config->width - g->resized_width) / 2;
  } else if (config->keep_aspect_ratio) {
    gdouble s = MIN ((gdouble) config->width / source_width,
        (gdouble) config->height / source_height);
    g->resized_width = CLAMP ((guint) lround (source_width * s), 1, config->width);
    g->resized_height = CLAMP ((guint) lround (source_height * s), 1, config->height);
    if (config->pad_position != GST_TRT_PAD_TOP_LEFT) {
      g->pad_x = (config->width - g->resized_width) / 2;
      g->pad_y = (config->height - g->resized_height) / 2;
    }
  }
  g->scale_x = (gdouble) g->resized_width / source_width;
  g->scale_y = (gdouble) g->resized_height / source_height;
}

/* ---- colour conversion of one source row to float RGB(A) (0..255) ------- */

/* The YUV to RGB coefficients of trt_image_t (y_offset, y_gain, c_gain:
 * limited or full range; rv, gu, gv, bu: the colour matrix). */
static void
yuv_coefficients (const GstVideoInfo *info, trt_image_t *k)
{
  gdouble kr, kb;

  if (!gst_video_color_matrix_get_Kr_Kb (info->colorimetry.matrix, &kr, &kb)) {
    kr = 0.299;                 /* BT.601 when the caps do not say */
    kb = 0.114;
  }
  gdouble kg = 1.0 - kr - kb;
  if (info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255) {
    k->y_offset = 0.0f;
    k->y_gain = 1.0f;
    k->c_gain = 1.0f;
  } else {
    k->y_offset = 16.0f;
    k->y_gain = 255.0f / 219.0f;
    k->c_gain = 255.0f / 224.0f;
  }
  k->rv = (gfloat) (2.0 * (1.0 - kr));
  k->bu = (gfloat) (2.0 * (1.0 - kb));
  k->gu = (gfloat) (-2.0 * kb * (1.0 - kb) / kg);
  k->gv = (gfloat) (-2.0 * kr * (1.0 - kr) / kg);
}

/* Writes @components (3: RGB, 4: RGBA) floats per pixel of source @row of
 * @image (its planes the mapped frame's). */
static void
convert_row (const trt_image_t *image, guint row, guint components, gfloat *rgb)
{
  for (gint x = 0; x < image->width; x++, rgb += components) {
    gfloat pixel[4];
    trt_image_pixel (image, x, (int32_t) row, components == 4, pixel);
    memcpy (rgb, pixel, components * sizeof (gfloat));
  }
}

static trt_pixel_format_t
pixel_format (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGB:
      return TRT_PIXEL_RGB;
    case GST_VIDEO_FORMAT_BGR:
      return TRT_PIXEL_BGR;
    case GST_VIDEO_FORMAT_RGBA:
      return TRT_PIXEL_RGBA;
    case GST_VIDEO_FORMAT_BGRA:
      return TRT_PIXEL_BGRA;
    case GST_VIDEO_FORMAT_RGBx:
      return TRT_PIXEL_RGBX;
    case GST_VIDEO_FORMAT_BGRx:
      return TRT_PIXEL_BGRX;
    case GST_VIDEO_FORMAT_NV12:
      return TRT_PIXEL_NV12;
    case GST_VIDEO_FORMAT_I420:
      return TRT_PIXEL_I420;
    default:
      return TRT_PIXEL_GRAY8;
  }
}

gsize
gst_trt_preprocess_plane_bytes (const GstVideoInfo *info, guint plane)
{
  gint components[GST_VIDEO_MAX_COMPONENTS];
  gst_video_format_info_component (info->finfo, plane, components);
  gint rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (info->finfo, components[0],
      GST_VIDEO_INFO_HEIGHT (info));
  return (gsize) rows * (gsize) GST_VIDEO_INFO_PLANE_STRIDE (info, plane);
}

/* The rectangle @r clipped to a @sw x @sh frame in @clipped; FALSE when
 * nothing is left. */
static gboolean
clip_rectangle (const GstTrtPreprocessRegion *r, guint sw, guint sh,
    GstTrtPreprocessRegion *clipped)
{
  gint64 x0 = MAX (r->x, 0), y0 = MAX (r->y, 0);
  gint64 x1 = MIN ((gint64) r->x + r->width, (gint64) sw);
  gint64 y1 = MIN ((gint64) r->y + r->height, (gint64) sh);

  if (r->width <= 0 || r->height <= 0 || x1 <= x0 || y1 <= y0)
    return FALSE;
  memset (clipped, 0, sizeof (*clipped));
  clipped->x = (gint) x0;
  clipped->y = (gint) y0;
  clipped->width = (gint) (x1 - x0);
  clipped->height = (gint) (y1 - y0);
  return TRUE;
}

/* An oriented region's origin and vectors (trt_image_transform_t's, as
 * floats) and its size (|u|, |v| rounded, at least 1); FALSE for corners
 * that are not finite, or vectors that span no area. */
static gboolean
oriented_vectors (const GstTrtPreprocessRegion *r, gfloat v[6], guint *width,
    guint *height)
{
  const gdouble (*c)[2] = r->corners;
  gdouble d[6];

  for (guint i = 0; i < 4; i++)
    if (!isfinite (c[i][0]) || !isfinite (c[i][1]))
      return FALSE;
  d[0] = c[0][0];
  d[1] = c[0][1];
  for (guint k = 0; k < 2; k++) {
    d[2 + k] = ((c[1][k] - c[0][k]) + (c[2][k] - c[3][k])) / 2.0; /* u */
    d[4 + k] = ((c[3][k] - c[0][k]) + (c[2][k] - c[1][k])) / 2.0; /* v */
  }
  for (guint i = 0; i < 6; i++) {
    v[i] = (gfloat) d[i];
    if (!isfinite (v[i]))
      return FALSE;
  }
  /* as trt_image_check decides it, from the floats */
  gdouble area = (gdouble) v[2] * v[5] - (gdouble) v[3] * v[4];
  if (!(fabs (area) > 0.0) || !isfinite (area))
    return FALSE;
  *width = (guint) CLAMP (round (hypot (v[2], v[3])), 1.0, (gdouble) G_MAXINT);
  *height = (guint) CLAMP (round (hypot (v[4], v[5])), 1.0, (gdouble) G_MAXINT);
  return TRUE;
}

gboolean
gst_trt_preprocess_transform (const GstTrtPreprocessConfig *config,
    const GstVideoInfo *info, trt_image_transform_t *t, trt_image_t *image,
    GstTrtPreprocessGeometry *geometry)
{
  return gst_trt_preprocess_transform_region (config, info, NULL, t, image,
      geometry);
}

gboolean
gst_trt_preprocess_transform_region (const GstTrtPreprocessConfig *config,
    const GstVideoInfo *info, const GstTrtPreprocessRegion *region,
    trt_image_transform_t *t, trt_image_t *image,
    GstTrtPreprocessGeometry *geometry)
{
  guint sw = GST_VIDEO_INFO_WIDTH (info), sh = GST_VIDEO_INFO_HEIGHT (info);
  guint C = config->channels;
  gboolean to_uint8 = config->type == GST_TRT_PREPROCESS_UINT8;
  GstTrtPreprocessGeometry g;
  GstTrtPreprocessRegion rect = {0};
  gfloat vectors[6] = {0};
  guint region_width = sw, region_height = sh;

  if (!gst_trt_preprocess_format_supported (GST_VIDEO_INFO_FORMAT (info))
      || sw == 0 || sh == 0 || config->width == 0 || config->height == 0
      || (C != 1 && C != 3 && C != 4))
    return FALSE;
  if (region && region->oriented) {
    if (!oriented_vectors (region, vectors, &region_width, &region_height))
      return FALSE;
  } else if (region) {
    if (!clip_rectangle (region, sw, sh, &rect))
      return FALSE;
    region_width = (guint) rect.width;
    region_height = (guint) rect.height;
  }
  gst_trt_preprocess_geometry (config, region_width, region_height, &g);
  if (region && region->oriented) {
    g.source_x = region->corners[0][0];
    g.source_y = region->corners[0][1];
  } else {
    g.source_x = rect.x;
    g.source_y = rect.y;
  }
  if (geometry)
    *geometry = g;

  memset (t, 0, sizeof (*t));
  if (region && region->oriented) {
    t->oriented = true;
    t->origin_x = vectors[0];
    t->origin_y = vectors[1];
    t->u_x = vectors[2];
    t->u_y = vectors[3];
    t->v_x = vectors[4];
    t->v_y = vectors[5];
  } else if (region && (region_width != sw || region_height != sh)) {
    /* (a rectangle that is the whole frame keeps the whole frame's path) */
    t->source_x = rect.x;
    t->source_y = rect.y;
    t->source_width = rect.width;
    t->source_height = rect.height;
  }
  t->width = (int32_t) config->width;
  t->height = (int32_t) config->height;
  t->channels = (int32_t) C;
  t->channels_last = config->layout == GST_TRT_PREPROCESS_LAYOUT_HWC;
  t->type = to_uint8 ? TRT_DATA_TYPE_UINT8 : TRT_DATA_TYPE_FLOAT32;
  t->resized_width = (int32_t) g.resized_width;
  t->resized_height = (int32_t) g.resized_height;
  t->pad_x = (int32_t) g.pad_x;
  t->pad_y = (int32_t) g.pad_y;
  t->nearest = config->interpolation == GST_TRT_INTERPOLATION_NEAREST;
  /* y = a * x + b per output channel; uint8 inputs take x as it is */
  for (guint c = 0; c < C; c++) {
    if (to_uint8) {
      t->a[c] = 1.0f;
      t->b[c] = 0.0f;
    } else {
      t->a[c] = config->scale / config->std[c];
      t->b[c] = -(config->offsets[c] * config->scale + config->mean[c])
          / config->std[c];
    }
    gboolean bgr =
        C >= 3 && config->order == GST_TRT_CHANNEL_ORDER_BGR && c < 3;
    t->source_channel[c] = bgr ? 2 - (int32_t) c : (int32_t) c;
  }

  memset (image, 0, sizeof (*image));
  image->format = pixel_format (GST_VIDEO_INFO_FORMAT (info));
  image->width = (int32_t) sw;
  image->height = (int32_t) sh;
  for (guint p = 0;
       p < GST_VIDEO_INFO_N_PLANES (info) && p < TRT_IMAGE_MAX_PLANES; p++)
    image->strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (info, p);
  yuv_coefficients (info, image);
  return TRUE;
}

/* ---- resize and normalize ----------------------------------------------- */

typedef struct {
  const trt_image_t *image;     /* the mapped frame */
  guint components;             /* floats per converted pixel: 3 or 4 */
  gfloat *rows[2];
  gint row_index[2];
} RowCache;

static const gfloat *
cached_row (RowCache * cache, guint row)
{
  for (int i = 0; i < 2; i++)
    if (cache->row_index[i] == (gint) row)
      return cache->rows[i];
  /* Rows come in increasing order: replace the older (lower) one. */
  int slot = cache->row_index[0] < cache->row_index[1] ? 0 : 1;
  convert_row (cache->image, row, cache->components, cache->rows[slot]);
  cache->row_index[slot] = (gint) row;
  return cache->rows[slot];
}

/* Resizes a whole frame into @out (padding already zeroed). */
static void
preprocess_whole_frame (const GstTrtPreprocessConfig *config,
    const GstVideoFrame *frame, const trt_image_transform_t *tp,
    const trt_image_t *image_p, gpointer out)
{
  guint sw = GST_VIDEO_FRAME_WIDTH (frame), sh = GST_VIDEO_FRAME_HEIGHT (frame);
  guint W = config->width, H = config->height, C = config->channels;
  const trt_image_transform_t t = *tp;
  const trt_image_t image = *image_p;
  gboolean to_uint8 = t.type == TRT_DATA_TYPE_UINT8;

  gsize plane = (gsize) W * H;
  gsize channel_stride = 1, pixel_stride = C;
  if (!t.channels_last) {
    channel_stride = plane;
    pixel_stride = 1;
  }
  gfloat *out_float = out;
  guint8 *out_uint8 = out;

  /* the sample positions of every output column and row */
  guint rw = (guint) t.resized_width, rh = (guint) t.resized_height;
  int32_t *x0 = g_new (int32_t, rw), *x1 = g_new (int32_t, rw);
  int32_t *y0 = g_new (int32_t, rh), *y1 = g_new (int32_t, rh);
  gfloat *wx = g_new (gfloat, rw), *wy = g_new (gfloat, rh);
  for (guint o = 0; o < rw; o++)
    trt_image_sample ((int32_t) o, (int32_t) rw, (int32_t) sw, t.nearest,
        &x0[o], &x1[o], &wx[o]);
  for (guint o = 0; o < rh; o++)
    trt_image_sample ((int32_t) o, (int32_t) rh, (int32_t) sh, t.nearest,
        &y0[o], &y1[o], &wy[o]);

  /* Alpha is converted and interpolated only when the network takes it. */
  guint components = C == 4 ? 4 : 3;
  RowCache cache = {.image = &image,
      .components = components,
      .row_index = {-1, -1}};
  cache.rows[0] = g_new (gfloat, components * (gsize) sw);
  cache.rows[1] = g_new (gfloat, components * (gsize) sw);

  gboolean gray_source = GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_GRAY8;
  for (guint oy = 0; oy < rh; oy++) {
    const gfloat *top = cached_row (&cache, (guint) y0[oy]);
    const gfloat *bottom = cached_row (&cache, (guint) y1[oy]);
    gfloat fy = wy[oy];
    gsize row_start = (gsize) ((guint) t.pad_y + oy) * W + (guint) t.pad_x;

    for (guint ox = 0; ox < rw; ox++) {
      const gfloat *t0 = top + components * x0[ox], *t1 = top + components * x1[ox];
      const gfloat *b0 = bottom + components * x0[ox], *b1 = bottom + components * x1[ox];
      gfloat fx = wx[ox];
      gfloat pixel[GST_TRT_PREPROCESS_MAX_CHANNELS];

      for (guint c = 0; c < components; c++)
        pixel[c] = trt_image_lerp (trt_image_lerp (t0[c], t1[c], fx),
            trt_image_lerp (b0[c], b1[c], fx), fy);
      if (C == 1 && !gray_source)
        pixel[0] = trt_image_luma (pixel);

      gsize at = (row_start + ox) * pixel_stride;
      for (guint c = 0; c < C; c++, at += channel_stride) {
        gfloat x = pixel[t.source_channel[c]];
        if (to_uint8)
          out_uint8[at] = trt_image_uint8 (x);
        else
          out_float[at] = trt_image_normalize (t.a[c], x, t.b[c]);
      }
    }
  }

  g_free (cache.rows[0]);
  g_free (cache.rows[1]);
  g_free (x0);
  g_free (x1);
  g_free (y0);
  g_free (y1);
  g_free (wx);
  g_free (wy);
}

/* Resizes a region of a frame into @out (padding already zeroed), one
 * output pixel at a time, as the GPU kernel's threads do. */
static void
preprocess_region (const GstTrtPreprocessConfig *config,
    const trt_image_transform_t *t, const trt_image_t *image, gpointer out)
{
  guint W = config->width, H = config->height, C = config->channels;
  gboolean to_uint8 = t->type == TRT_DATA_TYPE_UINT8;
  gsize channel_stride = t->channels_last ? 1 : (gsize) W * H;
  gsize pixel_stride = t->channels_last ? C : 1;
  gfloat *out_float = out;
  guint8 *out_uint8 = out;

  for (gint ry = 0; ry < t->resized_height; ry++) {
    gsize row_start = (gsize) (t->pad_y + ry) * W + (gsize) t->pad_x;
    for (gint rx = 0; rx < t->resized_width; rx++) {
      trt_image_taps_t taps;
      gfloat pixel[GST_TRT_PREPROCESS_MAX_CHANNELS];

      trt_image_taps (image, t, rx, ry, &taps);
      trt_image_interpolate (image, &taps, C == 4, pixel);
      if (C == 1 && image->format != TRT_PIXEL_GRAY8)
        pixel[0] = trt_image_luma (pixel);
      gsize at = (row_start + (gsize) rx) * pixel_stride;
      for (guint c = 0; c < C; c++, at += channel_stride) {
        gfloat x = pixel[t->source_channel[c]];
        if (to_uint8)
          out_uint8[at] = trt_image_uint8 (x);
        else
          out_float[at] = trt_image_normalize (t->a[c], x, t->b[c]);
      }
    }
  }
}

gboolean
gst_trt_preprocess_frame (const GstTrtPreprocessConfig *config,
    const GstVideoFrame *frame, gpointer out,
    GstTrtPreprocessGeometry *geometry)
{
  return gst_trt_preprocess_frame_region (config, frame, NULL, out, geometry);
}

gboolean
gst_trt_preprocess_frame_region (const GstTrtPreprocessConfig *config,
    const GstVideoFrame *frame, const GstTrtPreprocessRegion *region,
    gpointer out, GstTrtPreprocessGeometry *geometry)
{
  guint W = config->width, H = config->height;
  trt_image_transform_t t;
  trt_image_t image;

  /* the strides are frame->info's already: only the planes are the map's */
  if (!gst_trt_preprocess_transform_region (config, &frame->info, region, &t,
          &image, geometry))
    return FALSE;
  for (guint p = 0;
       p < GST_VIDEO_FRAME_N_PLANES (frame) && p < TRT_IMAGE_MAX_PLANES; p++)
    image.planes[p] = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
  if (t.pad_x || t.pad_y || (guint) t.resized_width != W
      || (guint) t.resized_height != H)
    memset (out, 0, gst_trt_preprocess_item_bytes (config));
  if (t.oriented || t.source_width != 0)
    preprocess_region (config, &t, &image, out);
  else
    preprocess_whole_frame (config, frame, &t, &image, out);
  return TRUE;
}
