/* trtdbnet: a text-detection decoder for DBNet maps (see gsttrtdbnet.h;
 * the base class, gsttrtdecoder.h, says why decoders are elements; the
 * post-processing is trtdbnet.c's).
 *
 * Each text region becomes a GstVideoRegionOfInterestMeta typed "text":
 * the axis-aligned box around its rotated quadrilateral, and a
 * "text-region" structure with the quadrilateral's corners in frame pixels
 * (corners: x0, y0, ... x3, y3), its angle in degrees, its confidence and
 * the producer's id. */
#include "gsttrtdbnet.h"

#include <gst/video/video.h>
#include <math.h>

#include "trtdbnet.h"
#include "trtdetection.h"
#include "trttensorvalues.h"
#include "trtregion.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_dbnet_debug);
#define GST_CAT_DEFAULT gst_trt_dbnet_debug

enum
{
  PROP_0,
  PROP_THRESHOLD,
  PROP_BOX_THRESHOLD,
  PROP_UNCLIP_RATIO,
  PROP_MIN_SIZE,
  PROP_MAX_REGIONS,
};

/* values read from the map: 4096 x 4096 */
#define MAX_VALUES (16 << 20)

struct _GstTrtDbnet
{
  GstTrtDecoder parent;

  GstTrtDbnetParams params; /* under the object lock */
};

G_DEFINE_TYPE (GstTrtDbnet, gst_trt_dbnet, GST_TYPE_TRT_DECODER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtdbnet, "trtdbnet", GST_RANK_NONE,
    GST_TYPE_TRT_DBNET,
    GST_DEBUG_CATEGORY_INIT (gst_trt_dbnet_debug, "trtdbnet", 0,
        "trtdbnet element"));

static void
gst_trt_dbnet_init (GstTrtDbnet *self)
{
  gst_trt_dbnet_params_init (&self->params);
}

static void
gst_trt_dbnet_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtDbnetParams *p = &GST_TRT_DBNET (object)->params;

  GST_OBJECT_LOCK (object);
  switch (id) {
    case PROP_THRESHOLD:
      p->threshold = g_value_get_double (value);
      break;
    case PROP_BOX_THRESHOLD:
      p->box_threshold = g_value_get_double (value);
      break;
    case PROP_UNCLIP_RATIO:
      p->unclip_ratio = g_value_get_double (value);
      break;
    case PROP_MIN_SIZE:
      p->min_size = g_value_get_double (value);
      break;
    case PROP_MAX_REGIONS:
      p->max_regions = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (object);
}

static void
gst_trt_dbnet_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtDbnetParams *p = &GST_TRT_DBNET (object)->params;

  GST_OBJECT_LOCK (object);
  switch (id) {
    case PROP_THRESHOLD:
      g_value_set_double (value, p->threshold);
      break;
    case PROP_BOX_THRESHOLD:
      g_value_set_double (value, p->box_threshold);
      break;
    case PROP_UNCLIP_RATIO:
      g_value_set_double (value, p->unclip_ratio);
      break;
    case PROP_MIN_SIZE:
      g_value_set_double (value, p->min_size);
      break;
    case PROP_MAX_REGIONS:
      g_value_set_uint (value, p->max_regions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (object);
}

/* One region: map pixels -> network pixels -> frame pixels, clamped. */
static void
attach_region (GstBuffer *buffer, const GstTrtTensorMeta *meta,
    GstVideoRegionOfInterestMeta *parent, GstTrtTextRegion *r,
    gdouble to_network_x, gdouble to_network_y)
{
  GValue corners = G_VALUE_INIT, item = G_VALUE_INIT;
  gdouble x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = 0, y1 = 0;

  gst_value_array_init (&corners, 8);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (int c = 0; c < 4; c++) {
    gdouble x = r->x[c], y = r->y[c];
    gst_trt_point_to_frame (meta, to_network_x, to_network_y, &x, &y);
    x0 = MIN (x0, x), y0 = MIN (y0, y), x1 = MAX (x1, x), y1 = MAX (y1, y);
    g_value_set_double (&item, x);
    gst_value_array_append_value (&corners, &item);
    g_value_set_double (&item, y);
    gst_value_array_append_value (&corners, &item);
  }
  g_value_unset (&item);
  guint left = (guint) floor (x0), top = (guint) floor (y0);
  GstVideoRegionOfInterestMeta *roi =
      gst_trt_region_add (buffer, "text", left, top,
          (guint) ceil (x1) - left, (guint) ceil (y1) - top);
  if (parent)
    roi->parent_id = parent->id;
  GstStructure *s = gst_structure_new ("text-region", "confidence",
      G_TYPE_DOUBLE, r->score, "angle", G_TYPE_DOUBLE, r->angle, "producer-id",
      G_TYPE_UINT, meta->unique_id, NULL);
  gst_structure_take_value (s, "corners", &corners);
  gst_video_region_of_interest_meta_add_param (roi, s);
}

static gboolean
gst_trt_dbnet_decode (GstTrtDecoder *decoder, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    GError **error)
{
  GstTrtDbnet *self = GST_TRT_DBNET (decoder);

  GST_OBJECT_LOCK (self);
  GstTrtDbnetParams params = self->params;
  GST_OBJECT_UNLOCK (self);

  const GstTrtTensor *tensor = gst_trt_decoder_main_tensor (decoder, meta, 0);
  if (!tensor)
    return TRUE;
  gsize count = 0;
  gdouble *map = gst_trt_tensor_read_values (tensor, MAX_VALUES, &count, error);
  if (!map)
    return FALSE;
  /* [1, 1, H, W]: the last two dims, one frame's map */
  gsize width = tensor->num_dims >= 1 ? tensor->dims[tensor->num_dims - 1] : 0;
  gsize height = tensor->num_dims >= 2 ? tensor->dims[tensor->num_dims - 2] : 1;
  if (width == 0 || width * height != count) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "tensor '%s' is not one frame's map (%" G_GSIZE_FORMAT " values)",
        g_quark_to_string (tensor->id), count);
    g_free (map);
    return FALSE;
  }
  GArray *regions = gst_trt_dbnet_regions (map, width, height, &params);
  g_free (map);
  /* a map smaller than the network input (a stride-4 head) covers it whole */
  gdouble to_x =
      meta->network_width ? (gdouble) meta->network_width / width : 1.0;
  gdouble to_y =
      meta->network_height ? (gdouble) meta->network_height / height : 1.0;
  for (guint i = 0; i < regions->len; i++)
    attach_region (buffer, meta, region,
        &g_array_index (regions, GstTrtTextRegion, i),
        to_x, to_y);
  GST_LOG_OBJECT (self, "%" GST_TIME_FORMAT ": %u text regions",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), regions->len);
  g_array_unref (regions);
  return TRUE;
}

static void
gst_trt_dbnet_class_init (GstTrtDbnetClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstTrtDecoderClass *decoder_class = GST_TRT_DECODER_CLASS (klass);
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
  GstTrtDbnetParams defaults;

  gst_trt_dbnet_params_init (&defaults);
  gobject_class->set_property = gst_trt_dbnet_set_property;
  gobject_class->get_property = gst_trt_dbnet_get_property;
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Map values above it are text", 0.0, 1.0, defaults.threshold, live));
  g_object_class_install_property (gobject_class, PROP_BOX_THRESHOLD,
      g_param_spec_double ("box-threshold", "Box threshold",
          "Lowest mean probability of a region kept", 0.0, 1.0,
          defaults.box_threshold, live));
  g_object_class_install_property (gobject_class, PROP_UNCLIP_RATIO,
      g_param_spec_double ("unclip-ratio", "Unclip ratio",
          "How much a region grows (DBNet shrinks text when training): each "
          "side moves out by "
          "area x ratio / perimeter",
          0.0, 10.0, defaults.unclip_ratio, live));
  g_object_class_install_property (gobject_class, PROP_MIN_SIZE,
      g_param_spec_double ("min-size", "Minimum size",
          "Shortest side of a region kept, in map pixels", 0.0, 1000.0,
          defaults.min_size, live));
  g_object_class_install_property (gobject_class, PROP_MAX_REGIONS,
      g_param_spec_uint ("max-regions", "Maximum regions",
          "Most regions kept, largest first", 0, G_MAXINT, defaults.max_regions,
          live));

  gst_element_class_set_static_metadata (element_class,
      "trtinfer DBNet text detector decoder", "Filter/Analyzer/Video",
      "Turns a DBNet probability map (PP-OCR det) into text regions: "
      "rotated quadrilaterals, grown by the unclip ratio",
      "trtinfer developers");
  decoder_class->decode = GST_DEBUG_FUNCPTR (gst_trt_dbnet_decode);
}
