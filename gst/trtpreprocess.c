/* CPU preprocessing; see trtpreprocess.h for the definition it implements.
 *
 * Source rows are converted to float RGB on demand (two rows cached, since
 * output rows walk the source top to bottom), then each output pixel is
 * interpolated from four converted neighbours and written, normalized, to
 * its plane. */
#include "trtpreprocess.h"

#include <math.h>
#include <string.h>

void
gst_trt_preprocess_config_init (GstTrtPreprocessConfig * config)
{
  memset (config, 0, sizeof (*config));
  config->channels = 3;
  config->order = GST_TRT_CHANNEL_ORDER_RGB;
  config->scale = 1.0f / 255.0f;
  for (int c = 0; c < 3; c++)
    config->std[c] = 1.0f;
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
  if (config->keep_aspect_ratio) {
    gdouble s = MIN ((gdouble) config->width / source_width,
        (gdouble) config->height / source_height);
    g->resized_width = CLAMP ((guint) lround (source_width * s), 1, config->width);
    g->resized_height = CLAMP ((guint) lround (source_height * s), 1, config->height);
    g->pad_x = (config->width - g->resized_width) / 2;
    g->pad_y = (config->height - g->resized_height) / 2;
  }
  g->scale_x = (gdouble) g->resized_width / source_width;
  g->scale_y = (gdouble) g->resized_height / source_height;
}

/* ---- colour conversion of one source row to float RGB (0..255) ----------- */

typedef struct {
  gfloat y_offset, y_gain, c_gain;      /* limited or full range */
  gfloat rv, gu, gv, bu;                /* from the colour matrix */
} YuvCoefficients;

static void
yuv_coefficients (const GstVideoInfo * info, YuvCoefficients * k)
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

static inline gfloat
clamp255 (gfloat v)
{
  return v < 0.0f ? 0.0f : (v > 255.0f ? 255.0f : v);
}

static inline void
yuv_to_rgb (const YuvCoefficients * k, guint8 y, guint8 u, guint8 v, gfloat * rgb)
{
  gfloat yf = (y - k->y_offset) * k->y_gain;
  gfloat uf = (u - 128.0f) * k->c_gain;
  gfloat vf = (v - 128.0f) * k->c_gain;

  rgb[0] = clamp255 (yf + k->rv * vf);
  rgb[1] = clamp255 (yf + k->gu * uf + k->gv * vf);
  rgb[2] = clamp255 (yf + k->bu * uf);
}

static void
convert_row (const GstVideoFrame * frame, const YuvCoefficients * k, guint row,
    gfloat * rgb)
{
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  const guint8 *p0 = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 0)
      + (gsize) row * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint r = 0, g = 1, b = 2, step = 3;

  switch (GST_VIDEO_FRAME_FORMAT (frame)) {
    case GST_VIDEO_FORMAT_RGB:
      break;
    case GST_VIDEO_FORMAT_BGR:
      r = 2, b = 0;
      break;
    case GST_VIDEO_FORMAT_RGBA:
    case GST_VIDEO_FORMAT_RGBx:
      step = 4;
      break;
    case GST_VIDEO_FORMAT_BGRA:
    case GST_VIDEO_FORMAT_BGRx:
      r = 2, b = 0, step = 4;
      break;
    case GST_VIDEO_FORMAT_GRAY8:
      for (guint x = 0; x < width; x++)
        rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = p0[x];
      return;
    case GST_VIDEO_FORMAT_NV12:{
      const guint8 *uv = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 1)
          + (gsize) (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1);
      for (guint x = 0; x < width; x++)
        yuv_to_rgb (k, p0[x], uv[(x / 2) * 2], uv[(x / 2) * 2 + 1], rgb + 3 * x);
      return;
    }
    case GST_VIDEO_FORMAT_I420:{
      const guint8 *u = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 1)
          + (gsize) (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 1);
      const guint8 *v = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (frame, 2)
          + (gsize) (row / 2) * GST_VIDEO_FRAME_PLANE_STRIDE (frame, 2);
      for (guint x = 0; x < width; x++)
        yuv_to_rgb (k, p0[x], u[x / 2], v[x / 2], rgb + 3 * x);
      return;
    }
    default:
      g_assert_not_reached ();
  }
  for (guint x = 0; x < width; x++, p0 += step) {
    rgb[3 * x] = p0[r];
    rgb[3 * x + 1] = p0[g];
    rgb[3 * x + 2] = p0[b];
  }
}

/* ---- resize and normalize ----------------------------------------------- */

/* Source sample positions of `out` output pixels over `in` input pixels with
 * half-pixel centres: index pairs and the weight of the second. */
static void
sample_table (guint out, guint in, guint * i0, guint * i1, gfloat * w)
{
  gdouble ratio = (gdouble) in / out;

  for (guint o = 0; o < out; o++) {
    gdouble s = (o + 0.5) * ratio - 0.5;
    if (s < 0.0)
      s = 0.0;
    if (s > in - 1)
      s = in - 1;
    i0[o] = (guint) s;
    i1[o] = MIN (i0[o] + 1, in - 1);
    w[o] = (gfloat) (s - i0[o]);
  }
}

typedef struct {
  const GstVideoFrame *frame;
  YuvCoefficients yuv;
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
  convert_row (cache->frame, &cache->yuv, row, cache->rows[slot]);
  cache->row_index[slot] = (gint) row;
  return cache->rows[slot];
}

gboolean
gst_trt_preprocess_frame (const GstTrtPreprocessConfig * config,
    const GstVideoFrame * frame, gfloat * out, GstTrtPreprocessGeometry * geometry)
{
  guint sw = GST_VIDEO_FRAME_WIDTH (frame), sh = GST_VIDEO_FRAME_HEIGHT (frame);
  guint W = config->width, H = config->height, C = config->channels;
  GstTrtPreprocessGeometry g;
  gfloat a[3], b[3];
  int src_channel[3];

  if (!gst_trt_preprocess_format_supported (GST_VIDEO_FRAME_FORMAT (frame))
      || sw == 0 || sh == 0 || W == 0 || H == 0 || (C != 1 && C != 3))
    return FALSE;

  gst_trt_preprocess_geometry (config, sw, sh, &g);
  if (geometry)
    *geometry = g;

  /* y = a * x + b per output channel */
  for (guint c = 0; c < C; c++) {
    a[c] = config->scale / config->std[c];
    b[c] = -(config->offsets[c] * config->scale + config->mean[c]) / config->std[c];
    src_channel[c] = (C == 3 && config->order == GST_TRT_CHANNEL_ORDER_BGR) ? 2 - (int) c
        : (int) c;
  }

  gsize plane = (gsize) W * H;
  if (g.pad_x || g.pad_y || g.resized_width != W || g.resized_height != H)
    memset (out, 0, plane * C * sizeof (gfloat));

  guint rw = g.resized_width, rh = g.resized_height;
  guint *x0 = g_new (guint, rw), *x1 = g_new (guint, rw);
  guint *y0 = g_new (guint, rh), *y1 = g_new (guint, rh);
  gfloat *wx = g_new (gfloat, rw), *wy = g_new (gfloat, rh);
  sample_table (rw, sw, x0, x1, wx);
  sample_table (rh, sh, y0, y1, wy);

  RowCache cache = { .frame = frame, .row_index = {-1, -1} };
  yuv_coefficients (&frame->info, &cache.yuv);
  cache.rows[0] = g_new (gfloat, 3 * (gsize) sw);
  cache.rows[1] = g_new (gfloat, 3 * (gsize) sw);

  gboolean gray_source = GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_GRAY8;
  for (guint oy = 0; oy < rh; oy++) {
    const gfloat *top = cached_row (&cache, y0[oy]);
    const gfloat *bottom = cached_row (&cache, y1[oy]);
    gfloat fy = wy[oy];
    gsize base = (gsize) (g.pad_y + oy) * W + g.pad_x;

    for (guint ox = 0; ox < rw; ox++) {
      const gfloat *t0 = top + 3 * x0[ox], *t1 = top + 3 * x1[ox];
      const gfloat *b0 = bottom + 3 * x0[ox], *b1 = bottom + 3 * x1[ox];
      gfloat fx = wx[ox];
      gfloat rgb[3];

      for (int c = 0; c < 3; c++) {
        gfloat upper = t0[c] + (t1[c] - t0[c]) * fx;
        gfloat lower = b0[c] + (b1[c] - b0[c]) * fx;
        rgb[c] = upper + (lower - upper) * fy;
      }
      if (C == 1) {
        gfloat gray = gray_source ? rgb[0]
            : 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
        out[base + ox] = a[0] * gray + b[0];
      } else {
        for (guint c = 0; c < 3; c++)
          out[c * plane + base + ox] = a[c] * rgb[src_channel[c]] + b[c];
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
  return TRUE;
}
