/* trtoverlay (see gsttrtoverlay.h), drawn with cairo and pango on
 * BGRx/BGRA frames (cairo's RGB24/ARGB32 in memory; videoconvert before it
 * for other formats), in place.
 *
 * Each GstVideoRegionOfInterestMeta gets its box (unless it covers the whole
 * frame, as a classification does; a text region's rotated corners where
 * its "text-region" structure gives them) in a colour of its label, and a
 * caption on a dark band above it (inside it at the frame's top edge): the
 * label, the confidence of its "detection" or "classification" structure, and
 * the text of a "text" structure where there is one. */
#include "gsttrtoverlay.h"

#include <cairo.h>
#include <gst/video/video.h>
#include <math.h>
#include <pango/pangocairo.h>

GST_DEBUG_CATEGORY_STATIC (gst_trt_overlay_debug);
#define GST_CAT_DEFAULT gst_trt_overlay_debug

enum
{
  PROP_0,
  PROP_LINE_WIDTH,
  PROP_FONT,
  PROP_SHOW_CONFIDENCE,
};

#define DEFAULT_LINE_WIDTH 2.0
#define DEFAULT_FONT "Sans 10"
#define DEFAULT_SHOW_CONFIDENCE TRUE

struct _GstTrtOverlay
{
  GstVideoFilter parent;

  /* properties, under the object lock */
  gdouble line_width;
  gchar *font;
  gboolean show_confidence;
};

G_DEFINE_TYPE (GstTrtOverlay, gst_trt_overlay, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtoverlay, "trtoverlay", GST_RANK_NONE,
    GST_TYPE_TRT_OVERLAY,
    GST_DEBUG_CATEGORY_INIT (gst_trt_overlay_debug, "trtoverlay", 0,
        "trtoverlay element"));

#define OVERLAY_CAPS GST_VIDEO_CAPS_MAKE ("{ BGRx, BGRA }")
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (OVERLAY_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (OVERLAY_CAPS));

static void
gst_trt_overlay_init (GstTrtOverlay *self)
{
  self->line_width = DEFAULT_LINE_WIDTH;
  self->font = g_strdup (DEFAULT_FONT);
  self->show_confidence = DEFAULT_SHOW_CONFIDENCE;
}

static void
gst_trt_overlay_finalize (GObject *object)
{
  g_free (GST_TRT_OVERLAY (object)->font);
  G_OBJECT_CLASS (gst_trt_overlay_parent_class)->finalize (object);
}

static void
gst_trt_overlay_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtOverlay *self = GST_TRT_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_LINE_WIDTH:
      self->line_width = g_value_get_double (value);
      break;
    case PROP_FONT:
      g_free (self->font);
      self->font = g_value_dup_string (value);
      break;
    case PROP_SHOW_CONFIDENCE:
      self->show_confidence = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_overlay_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtOverlay *self = GST_TRT_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_LINE_WIDTH:
      g_value_set_double (value, self->line_width);
      break;
    case PROP_FONT:
      g_value_set_string (value, self->font);
      break;
    case PROP_SHOW_CONFIDENCE:
      g_value_set_boolean (value, self->show_confidence);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

/* A bright colour per label, the same for every frame. */
static void
label_colour (GQuark label, gdouble rgb[3])
{
  guint hash = g_str_hash (g_quark_to_string (label));
  gdouble hue = (hash % 360) / 60.0;
  gdouble x = 1.0 - fabs (fmod (hue, 2.0) - 1.0);
  const gdouble table[6][3] = {
      {1, x, 0},
      {x, 1, 0},
      {0, 1, x},
      {0, x, 1},
      {x, 0, 1},
      {1, 0, x},
  };
  for (int c = 0; c < 3; c++)
    rgb[c] = 0.2 + 0.8 * table[(int) hue % 6][c];
}

/* "label 87%", then any recognized text. */
static gchar *
caption (GstVideoRegionOfInterestMeta *roi, gboolean show_confidence)
{
  GString *text = g_string_new (g_quark_to_string (roi->roi_type));
  const gchar *kinds[] = {"detection", "classification", "text-region", "text"};
  gdouble confidence;

  for (guint k = 0; show_confidence && k < G_N_ELEMENTS (kinds); k++) {
    GstStructure *s =
        gst_video_region_of_interest_meta_get_param (roi, kinds[k]);
    if (s && gst_structure_get_double (s, "confidence", &confidence)) {
      g_string_append_printf (text, " %.0f%%", 100.0 * confidence);
      break;
    }
  }
  GstStructure *recognized =
      gst_video_region_of_interest_meta_get_param (roi, "text");
  const gchar *words =
      recognized ? gst_structure_get_string (recognized, "text") : NULL;
  if (words)
    g_string_append_printf (text, ": %s", words);
  return g_string_free (text, FALSE);
}

static void
draw_region (cairo_t *cr, PangoLayout *layout,
    GstVideoRegionOfInterestMeta *roi, gint width, gint height,
    gdouble line_width, gboolean show_confidence)
{
  gdouble rgb[3];
  gboolean whole = roi->x == 0 && roi->y == 0 && (gint) roi->w >= width
      && (gint) roi->h >= height;

  label_colour (roi->roi_type, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  GstStructure *region =
      gst_video_region_of_interest_meta_get_param (roi, "text-region");
  const GValue *corners =
      region ? gst_structure_get_value (region, "corners") : NULL;
  if (!whole && line_width > 0) {
    cairo_set_line_width (cr, line_width);
    if (corners && GST_VALUE_HOLDS_ARRAY (corners)
        && gst_value_array_get_size (corners) == 8) {
      cairo_new_path (cr); /* not from where the last caption ended */
      for (guint c = 0; c < 4; c++)
        cairo_line_to (cr,
            g_value_get_double (gst_value_array_get_value (corners, 2 * c)),
            g_value_get_double (
                gst_value_array_get_value (corners, 2 * c + 1)));
      cairo_close_path (cr);
    } else {
      cairo_rectangle (cr, roi->x + line_width / 2, roi->y + line_width / 2,
          MAX (roi->w - line_width, 0), MAX (roi->h - line_width, 0));
    }
    cairo_stroke (cr);
  }
  gchar *text = caption (roi, show_confidence);
  pango_layout_set_text (layout, text, -1);
  g_free (text);
  gint text_w, text_h;
  pango_layout_get_pixel_size (layout, &text_w, &text_h);
  /* above the box where there is room, else inside its top */
  gdouble x = roi->x,
          y = roi->y >= (guint) text_h + 2 ? roi->y - text_h - 2 : roi->y;
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_rectangle (cr, x, y, text_w + 4, text_h + 2);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_move_to (cr, x + 2, y + 1);
  pango_cairo_show_layout (cr, layout);
}

static GstFlowReturn
gst_trt_overlay_transform_frame_ip (GstVideoFilter *filter,
    GstVideoFrame *frame)
{
  GstTrtOverlay *self = GST_TRT_OVERLAY (filter);
  gpointer state = NULL;
  GstMeta *meta;
  gint width = GST_VIDEO_FRAME_WIDTH (frame),
       height = GST_VIDEO_FRAME_HEIGHT (frame);

  if (!gst_buffer_get_meta (frame->buffer,
          GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
    return GST_FLOW_OK;
  GST_OBJECT_LOCK (self);
  gdouble line_width = self->line_width;
  gboolean show_confidence = self->show_confidence;
  PangoFontDescription *font = pango_font_description_from_string (self->font);
  GST_OBJECT_UNLOCK (self);

  cairo_format_t format =
      GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_BGRA
      ? CAIRO_FORMAT_ARGB32
      : CAIRO_FORMAT_RGB24;
  cairo_surface_t *surface =
      cairo_image_surface_create_for_data (GST_VIDEO_FRAME_PLANE_DATA (frame,
                                               0),
          format, width, height, GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0));
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  pango_layout_set_font_description (layout, font);
  while ((meta = gst_buffer_iterate_meta_filtered (frame->buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)))
    draw_region (cr, layout, (GstVideoRegionOfInterestMeta *) meta, width,
        height, line_width, show_confidence);
  cairo_status_t status = cairo_status (cr);
  g_object_unref (layout);
  pango_font_description_free (font);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not draw the regions"),
        ("cairo: %s", cairo_status_to_string (status)));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

static void
gst_trt_overlay_class_init (GstTrtOverlayClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);
  const GParamFlags flags =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_trt_overlay_set_property;
  gobject_class->get_property = gst_trt_overlay_get_property;
  gobject_class->finalize = gst_trt_overlay_finalize;
  g_object_class_install_property (gobject_class, PROP_LINE_WIDTH,
      g_param_spec_double ("line-width", "Line width",
          "Width of the boxes' lines, pixels", 0.0, 100.0, DEFAULT_LINE_WIDTH,
          flags));
  g_object_class_install_property (gobject_class, PROP_FONT,
      g_param_spec_string ("font", "Font", "Pango font of the captions",
          DEFAULT_FONT, flags));
  g_object_class_install_property (gobject_class, PROP_SHOW_CONFIDENCE,
      g_param_spec_boolean ("show-confidence", "Show confidence",
          "Captions give each region's confidence after its label",
          DEFAULT_SHOW_CONFIDENCE, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "trtinfer results overlay", "Filter/Effect/Video",
      "Draws the regions of interest that trtinfer's decoders "
      "attached: boxes, labels, confidences, recognized text",
      "trtinfer developers");
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_trt_overlay_transform_frame_ip);
}
