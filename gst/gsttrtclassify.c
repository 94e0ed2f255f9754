/* trtclassify: a classification decoder (see gsttrtclassify.h; the base
 * class, gsttrtdecoder.h, says why decoders are elements).
 *
 * For a frame classified whole, the region covers the frame; its type is
 * the best class's label, and its "classification" structure holds label,
 * label-id and confidence of the best class, the k best as arrays
 * (labels, label-ids, confidences) and the producer's id. For a region
 * classified (a trtinfer in process-mode=roi) the structure goes to that
 * region. */
#include "gsttrtclassify.h"

#include <gst/video/video.h>

#include "trtclassification.h"
#include "trtregion.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_classify_debug);
#define GST_CAT_DEFAULT gst_trt_classify_debug

enum
{
  PROP_0,
  PROP_TOP_K,
  PROP_THRESHOLD,
  PROP_SOFTMAX,
  PROP_FLIP_CLASS,
};

#define DEFAULT_TOP_K 1
#define DEFAULT_THRESHOLD 0.0
#define DEFAULT_SOFTMAX GST_TRT_SOFTMAX_AUTO
#define DEFAULT_FLIP_CLASS -1
/* more classes than any label set has; the scores read per frame */
#define MAX_CLASSES (1 << 20)

struct _GstTrtClassify
{
  GstTrtDecoder parent;

  /* properties, under the object lock */
  guint top_k;
  gdouble threshold;
  GstTrtSoftmax softmax;
  gint flip_class;
};

G_DEFINE_TYPE (GstTrtClassify, gst_trt_classify, GST_TYPE_TRT_DECODER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtclassify, "trtclassify",
    GST_RANK_NONE, GST_TYPE_TRT_CLASSIFY,
    GST_DEBUG_CATEGORY_INIT (gst_trt_classify_debug, "trtclassify", 0,
        "trtclassify element"));

#define GST_TYPE_TRT_SOFTMAX (gst_trt_softmax_get_type ())
static GType
gst_trt_softmax_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_TRT_SOFTMAX_AUTO,
          "Unless the scores already form a probability distribution", "auto"},
      {GST_TRT_SOFTMAX_ON, "Always (the model gives logits)", "on"},
      {GST_TRT_SOFTMAX_OFF, "Never (the scores are used as they are)", "off"},
      {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtSoftmax", values));
  return type;
}

static void
gst_trt_classify_init (GstTrtClassify *self)
{
  self->top_k = DEFAULT_TOP_K;
  self->threshold = DEFAULT_THRESHOLD;
  self->softmax = DEFAULT_SOFTMAX;
  self->flip_class = DEFAULT_FLIP_CLASS;
}

static void
gst_trt_classify_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_TOP_K:
      self->top_k = g_value_get_uint (value);
      break;
    case PROP_THRESHOLD:
      self->threshold = g_value_get_double (value);
      break;
    case PROP_SOFTMAX:
      self->softmax = g_value_get_enum (value);
      break;
    case PROP_FLIP_CLASS:
      self->flip_class = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_classify_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_TOP_K:
      g_value_set_uint (value, self->top_k);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_SOFTMAX:
      g_value_set_enum (value, self->softmax);
      break;
    case PROP_FLIP_CLASS:
      g_value_set_int (value, self->flip_class);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
append_to_array (GValue *array, GType type, gconstpointer value)
{
  GValue item = G_VALUE_INIT;
  g_value_init (&item, type);
  if (type == G_TYPE_STRING)
    g_value_set_string (&item, value);
  else if (type == G_TYPE_UINT)
    g_value_set_uint (&item, *(const guint *) value);
  else
    g_value_set_double (&item, *(const gdouble *) value);
  gst_value_array_append_value (array, &item);
  g_value_unset (&item);
}

/* The classification structure on @region, or on a new region covering
 * the frame typed by the best label. */
static void
attach_region (GstTrtClassify *self, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    const GstTrtClass *classes, guint found)
{
  GValue labels = G_VALUE_INIT, ids = G_VALUE_INIT, confidences = G_VALUE_INIT;
  GstTrtDecoder *decoder = GST_TRT_DECODER (self);
  gchar **names = gst_trt_decoder_get_labels (decoder);
  gchar *best = gst_trt_label_of (names, classes[0].index);
  GstVideoRegionOfInterestMeta *roi =
      gst_trt_decoder_result_region (buffer, meta, region, best);
  GstStructure *s = gst_structure_new ("classification", "label", G_TYPE_STRING,
      best, "label-id", G_TYPE_UINT, classes[0].index, "confidence",
      G_TYPE_DOUBLE, classes[0].score, "producer-id", G_TYPE_UINT,
      meta->unique_id, NULL);

  gst_value_array_init (&labels, found);
  gst_value_array_init (&ids, found);
  gst_value_array_init (&confidences, found);
  for (guint i = 0; i < found; i++) {
    gchar *label = gst_trt_label_of (names, classes[i].index);
    append_to_array (&labels, G_TYPE_STRING, label);
    append_to_array (&ids, G_TYPE_UINT, &classes[i].index);
    append_to_array (&confidences, G_TYPE_DOUBLE, &classes[i].score);
    g_free (label);
  }
  gst_structure_take_value (s, "labels", &labels);
  gst_structure_take_value (s, "label-ids", &ids);
  gst_structure_take_value (s, "confidences", &confidences);
  gst_video_region_of_interest_meta_add_param (roi, s);
  g_free (best);
}

static gboolean
gst_trt_classify_decode (GstTrtDecoder *decoder, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    GError **error)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (decoder);

  GST_OBJECT_LOCK (self);
  guint top_k = self->top_k;
  gdouble threshold = self->threshold;
  GstTrtSoftmax softmax = self->softmax;
  gint flip_class = self->flip_class;
  GST_OBJECT_UNLOCK (self);

  const GstTrtTensor *tensor = gst_trt_decoder_main_tensor (decoder, meta, 0);
  if (!tensor || top_k == 0)
    return TRUE;
  gsize count = 0;
  gdouble *scores =
      gst_trt_tensor_read_values (tensor, MAX_CLASSES, &count, error);
  if (!scores)
    return FALSE;
  GstTrtClass *classes = g_new (GstTrtClass, top_k);
  guint found =
      gst_trt_top_classes (scores, count, softmax, top_k, threshold, classes);
  if (found > 0)
    attach_region (self, buffer, meta, region, classes, found);
  if (found > 0 && region && flip_class >= 0
      && classes[0].index == (guint) flip_class)
    gst_trt_region_turn_half (region);
  GST_LOG_OBJECT (self,
      "%" GST_TIME_FORMAT ": %u classes at or above %g, best %u (%g)",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), found, threshold,
      found ? classes[0].index : 0, found ? classes[0].score : 0.0);
  g_free (classes);
  g_free (scores);
  return TRUE;
}

static void
gst_trt_classify_class_init (GstTrtClassifyClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstTrtDecoderClass *decoder_class = GST_TRT_DECODER_CLASS (klass);
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_trt_classify_set_property;
  gobject_class->get_property = gst_trt_classify_get_property;
  g_object_class_install_property (gobject_class, PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k",
          "How many of the best classes the region lists", 0, 1000,
          DEFAULT_TOP_K, live));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Lowest confidence (after softmax) a listed class may have; no "
          "region when none "
          "reaches it",
          0.0, 1.0, DEFAULT_THRESHOLD, live));
  g_object_class_install_property (gobject_class, PROP_SOFTMAX,
      g_param_spec_enum ("softmax", "Softmax",
          "When the scores go through a softmax first", GST_TYPE_TRT_SOFTMAX,
          DEFAULT_SOFTMAX, live));
  g_object_class_install_property (gobject_class, PROP_FLIP_CLASS,
      g_param_spec_int ("flip-class", "Flip class",
          "A class meaning the region is upside down (PP-OCR's text direction "
          "classifier: 1): a region whose best class it is gets turned by "
          "180 degrees (its text corners start from the third), so later "
          "crops of it read upright; -1: none",
          -1, G_MAXINT, DEFAULT_FLIP_CLASS, live));

  gst_element_class_set_static_metadata (element_class,
      "trtinfer classification decoder", "Filter/Analyzer/Video",
      "Turns the class scores of a trtinfer element into a region "
      "of interest labelled with the best classes",
      "trtinfer developers");
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_SOFTMAX, 0);
  decoder_class->decode = GST_DEBUG_FUNCPTR (gst_trt_classify_decode);
}
