/* trtclassify: a classification decoder (see gsttrtclassify.h).
 *
 * Decoders are elements of their own rather than a trtinfer property: one
 * trtinfer feeds whichever decoder its model needs, each decoder has its
 * model's parameters as properties that gst-inspect documents, and a
 * pipeline can decode the same tensors twice. They find their tensors by
 * the producing trtinfer's unique-id (infer-id) and write standard
 * GstVideoRegionOfInterestMeta, parameters in the region's structures (as
 * DL Streamer does on GStreamer 1.22), which any downstream code reads.
 *
 * For a frame classified whole, the region covers the frame; its type is
 * the best class's label, and its "classification" structure holds label,
 * label-id and confidence of the best class, the k best as arrays
 * (labels, label-ids, confidences) and the producer's id. */
#include "gsttrtclassify.h"

#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "trtclassification.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_classify_debug);
#define GST_CAT_DEFAULT gst_trt_classify_debug

enum {
  PROP_0,
  PROP_INFER_ID,
  PROP_TENSOR,
  PROP_LABELS,
  PROP_TOP_K,
  PROP_THRESHOLD,
  PROP_SOFTMAX,
};

#define DEFAULT_INFER_ID 1
#define DEFAULT_TOP_K 1
#define DEFAULT_THRESHOLD 0.0
#define DEFAULT_SOFTMAX GST_TRT_SOFTMAX_AUTO
/* more classes than any label set has; the scores read per frame */
#define MAX_CLASSES (1 << 20)

struct _GstTrtClassify {
  GstBaseTransform parent;

  /* properties, under the object lock */
  guint infer_id;
  gchar *tensor;
  gchar *labels_file;
  guint top_k;
  gdouble threshold;
  GstTrtSoftmax softmax;

  /* streaming */
  gchar **labels;               /* from labels_file at start; NULL: class numbers */
  GstVideoInfo info;
  gboolean warned_missing;
};

G_DEFINE_TYPE (GstTrtClassify, gst_trt_classify, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtclassify, "trtclassify", GST_RANK_NONE,
    GST_TYPE_TRT_CLASSIFY,
    GST_DEBUG_CATEGORY_INIT (gst_trt_classify_debug, "trtclassify", 0, "trtclassify element"));

#define GST_TYPE_TRT_SOFTMAX (gst_trt_softmax_get_type ())
static GType
gst_trt_softmax_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_SOFTMAX_AUTO, "Unless the scores already form a probability distribution",
        "auto"},
    {GST_TRT_SOFTMAX_ON, "Always (the model gives logits)", "on"},
    {GST_TRT_SOFTMAX_OFF, "Never (the scores are used as they are)", "off"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtSoftmax", values));
  return type;
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));

static void
gst_trt_classify_init (GstTrtClassify * self)
{
  self->infer_id = DEFAULT_INFER_ID;
  self->top_k = DEFAULT_TOP_K;
  self->threshold = DEFAULT_THRESHOLD;
  self->softmax = DEFAULT_SOFTMAX;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_trt_classify_finalize (GObject * object)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (object);

  g_free (self->tensor);
  g_free (self->labels_file);
  g_strfreev (self->labels);
  G_OBJECT_CLASS (gst_trt_classify_parent_class)->finalize (object);
}

static void
gst_trt_classify_set_property (GObject * object, guint id, const GValue * value,
    GParamSpec * pspec)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_INFER_ID:
      self->infer_id = g_value_get_uint (value);
      break;
    case PROP_TENSOR:
      g_free (self->tensor);
      self->tensor = g_value_dup_string (value);
      break;
    case PROP_LABELS:
      g_free (self->labels_file);
      self->labels_file = g_value_dup_string (value);
      break;
    case PROP_TOP_K:
      self->top_k = g_value_get_uint (value);
      break;
    case PROP_THRESHOLD:
      self->threshold = g_value_get_double (value);
      break;
    case PROP_SOFTMAX:
      self->softmax = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_classify_get_property (GObject * object, guint id, GValue * value, GParamSpec * pspec)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_INFER_ID:
      g_value_set_uint (value, self->infer_id);
      break;
    case PROP_TENSOR:
      g_value_set_string (value, self->tensor);
      break;
    case PROP_LABELS:
      g_value_set_string (value, self->labels_file);
      break;
    case PROP_TOP_K:
      g_value_set_uint (value, self->top_k);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_SOFTMAX:
      g_value_set_enum (value, self->softmax);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_trt_classify_start (GstBaseTransform * trans)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (trans);
  GError *error = NULL;
  gchar *file;

  GST_OBJECT_LOCK (self);
  file = g_strdup (self->labels_file);
  GST_OBJECT_UNLOCK (self);
  g_strfreev (self->labels);
  self->labels = NULL;
  self->warned_missing = FALSE;
  if (file && file[0]) {
    self->labels = gst_trt_labels_load (file, &error);
    if (!self->labels) {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("Could not read the labels"),
          ("%s", error->message));
      g_error_free (error);
      g_free (file);
      return FALSE;
    }
  }
  g_free (file);
  return TRUE;
}

static gboolean
gst_trt_classify_set_caps (GstBaseTransform * trans, GstCaps * incaps, GstCaps * outcaps)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (trans);

  (void) outcaps;
  if (!gst_video_info_from_caps (&self->info, incaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("Not video caps"),
        ("%" GST_PTR_FORMAT, incaps));
    return FALSE;
  }
  return TRUE;
}

static void
append_to_array (GValue * array, GType type, gconstpointer value)
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

/* The region covering the frame, typed by the best label, with its
 * classification structure. */
static void
attach_region (GstTrtClassify * self, GstBuffer * buffer, const GstTrtClass * classes,
    guint found, guint infer_id)
{
  GValue labels = G_VALUE_INIT, ids = G_VALUE_INIT, confidences = G_VALUE_INIT;
  gchar *best = gst_trt_label_of (self->labels, classes[0].index);
  GstVideoRegionOfInterestMeta *roi = gst_buffer_add_video_region_of_interest_meta (buffer,
      best, 0, 0, GST_VIDEO_INFO_WIDTH (&self->info), GST_VIDEO_INFO_HEIGHT (&self->info));
  GstStructure *s = gst_structure_new ("classification",
      "label", G_TYPE_STRING, best,
      "label-id", G_TYPE_UINT, classes[0].index,
      "confidence", G_TYPE_DOUBLE, classes[0].score,
      "producer-id", G_TYPE_UINT, infer_id, NULL);

  gst_value_array_init (&labels, found);
  gst_value_array_init (&ids, found);
  gst_value_array_init (&confidences, found);
  for (guint i = 0; i < found; i++) {
    gchar *label = gst_trt_label_of (self->labels, classes[i].index);
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

static GstFlowReturn
gst_trt_classify_transform_ip (GstBaseTransform * trans, GstBuffer * buffer)
{
  GstTrtClassify *self = GST_TRT_CLASSIFY (trans);
  guint infer_id, top_k;
  gdouble threshold;
  GstTrtSoftmax softmax;
  gchar *name;
  GError *error = NULL;

  GST_OBJECT_LOCK (self);
  infer_id = self->infer_id;
  top_k = self->top_k;
  threshold = self->threshold;
  softmax = self->softmax;
  name = g_strdup (self->tensor);
  GST_OBJECT_UNLOCK (self);

  /* frames trtinfer passed without inference (interval) have no meta */
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get_by_producer (buffer, infer_id);
  const GstTrtTensor *tensor = !meta ? NULL
      : name ? gst_trt_tensor_meta_get_by_name (meta, name)
      : meta->num_tensors > 0 ? meta->tensors[0] : NULL;
  if (meta && !tensor) {
    if (!self->warned_missing)
      GST_ELEMENT_WARNING (self, STREAM, DECODE, ("No tensor to classify"),
          ("the meta of unique-id %u has no tensor %s", infer_id, name ? name : "at all"));
    self->warned_missing = TRUE;
  }
  g_free (name);
  if (!tensor || top_k == 0)
    return GST_FLOW_OK;

  gsize count = 0;
  gdouble *scores = gst_trt_tensor_read_values (tensor, MAX_CLASSES, &count, &error);
  if (!scores) {
    GST_ELEMENT_ERROR (self, STREAM, DECODE, ("Could not read the class scores"),
        ("%s", error->message));
    g_error_free (error);
    return GST_FLOW_ERROR;
  }
  GstTrtClass *classes = g_new (GstTrtClass, top_k);
  guint found = gst_trt_top_classes (scores, count, softmax, top_k, threshold, classes);
  if (found > 0)
    attach_region (self, buffer, classes, found, infer_id);
  GST_LOG_OBJECT (self, "%" GST_TIME_FORMAT ": %u classes at or above %g, best %u (%g)",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), found, threshold,
      found ? classes[0].index : 0, found ? classes[0].score : 0.0);
  g_free (classes);
  g_free (scores);
  return GST_FLOW_OK;
}

static void
gst_trt_classify_class_init (GstTrtClassifyClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  gobject_class->set_property = gst_trt_classify_set_property;
  gobject_class->get_property = gst_trt_classify_get_property;
  gobject_class->finalize = gst_trt_classify_finalize;

  g_object_class_install_property (gobject_class, PROP_INFER_ID,
      g_param_spec_uint ("infer-id", "Inference id",
          "unique-id of the trtinfer element whose tensors are decoded", 0, G_MAXUINT,
          DEFAULT_INFER_ID, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_TENSOR,
      g_param_spec_string ("tensor", "Tensor",
          "Name of the tensor of class scores (default: the meta's first)", NULL,
          flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Text file with one label per line, line N naming class N (default: class numbers)",
          NULL, flags | GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k", "How many of the best classes the region lists", 0,
          1000, DEFAULT_TOP_K, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Lowest confidence (after softmax) a listed class may have; no region when none "
          "reaches it", 0.0, 1.0, DEFAULT_THRESHOLD, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_SOFTMAX,
      g_param_spec_enum ("softmax", "Softmax", "When the scores go through a softmax first",
          GST_TYPE_TRT_SOFTMAX, DEFAULT_SOFTMAX, flags | GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class, "trtinfer classification decoder",
      "Filter/Analyzer/Video", "Turns the class scores of a trtinfer element into a region "
      "of interest labelled with the best classes", "trtinfer developers");
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_SOFTMAX, 0);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_trt_classify_start);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_trt_classify_set_caps);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_trt_classify_transform_ip);
}
