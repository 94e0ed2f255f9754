/* The decoders' base class (see gsttrtdecoder.h). */
#include "gsttrtdecoder.h"

#include "trtclassification.h"
#include "trtregion.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_decoder_debug);
#define GST_CAT_DEFAULT gst_trt_decoder_debug

enum
{
  PROP_0,
  PROP_INFER_ID,
  PROP_TENSOR,
  PROP_LABELS,
};

#define DEFAULT_INFER_ID 1

typedef struct
{
  /* properties, under the object lock */
  guint infer_id;
  gchar *tensor;
  gchar *labels_file;

  /* streaming */
  gchar **labels;
  gboolean warned_missing;
} GstTrtDecoderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (
    GstTrtDecoder, gst_trt_decoder, GST_TYPE_BASE_TRANSFORM,
    G_ADD_PRIVATE (GstTrtDecoder);
    GST_DEBUG_CATEGORY_INIT (gst_trt_decoder_debug, "trtdecoder", 0,
        "trtinfer decoders"));

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS ("video/x-raw(ANY)"));

#define PRIV(d)                                                                \
  ((GstTrtDecoderPrivate *) gst_trt_decoder_get_instance_private (d))

static void
gst_trt_decoder_init (GstTrtDecoder *self)
{
  PRIV (self)->infer_id = DEFAULT_INFER_ID;
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_trt_decoder_finalize (GObject *object)
{
  GstTrtDecoderPrivate *priv = PRIV (GST_TRT_DECODER (object));

  g_free (priv->tensor);
  g_free (priv->labels_file);
  g_strfreev (priv->labels);
  G_OBJECT_CLASS (gst_trt_decoder_parent_class)->finalize (object);
}

static void
gst_trt_decoder_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtDecoderPrivate *priv = PRIV (GST_TRT_DECODER (object));

  GST_OBJECT_LOCK (object);
  switch (id) {
    case PROP_INFER_ID:
      priv->infer_id = g_value_get_uint (value);
      break;
    case PROP_TENSOR:
      g_free (priv->tensor);
      priv->tensor = g_value_dup_string (value);
      break;
    case PROP_LABELS:
      g_free (priv->labels_file);
      priv->labels_file = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (object);
}

static void
gst_trt_decoder_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtDecoderPrivate *priv = PRIV (GST_TRT_DECODER (object));

  GST_OBJECT_LOCK (object);
  switch (id) {
    case PROP_INFER_ID:
      g_value_set_uint (value, priv->infer_id);
      break;
    case PROP_TENSOR:
      g_value_set_string (value, priv->tensor);
      break;
    case PROP_LABELS:
      g_value_set_string (value, priv->labels_file);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (object);
}

static gboolean
gst_trt_decoder_start (GstBaseTransform *trans)
{
  GstTrtDecoderPrivate *priv = PRIV (GST_TRT_DECODER (trans));
  GError *error = NULL;

  GST_OBJECT_LOCK (trans);
  gchar *file = g_strdup (priv->labels_file);
  GST_OBJECT_UNLOCK (trans);
  g_strfreev (priv->labels);
  priv->labels = NULL;
  priv->warned_missing = FALSE;
  gboolean ok =
      !file || !file[0] || (priv->labels = gst_trt_labels_load (file, &error));
  if (!ok) {
    GST_ELEMENT_ERROR (trans, RESOURCE, OPEN_READ,
        ("Could not read the labels"), ("%s", error->message));
    g_error_free (error);
  }
  g_free (file);
  return ok;
}

static GstFlowReturn
gst_trt_decoder_transform_ip (GstBaseTransform *trans, GstBuffer *buffer)
{
  GstTrtDecoder *self = GST_TRT_DECODER (trans);
  GError *error = NULL;

  /* Frames trtinfer passed without inference (interval) have no meta.
   * The metas are collected first: decoding adds metas to the buffer. */
  guint infer_id = gst_trt_decoder_get_infer_id (self);
  GPtrArray *metas = g_ptr_array_new ();
  gpointer state = NULL;
  GstMeta *meta;
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_TRT_TENSOR_META_API_TYPE)))
    if (((GstTrtTensorMeta *) meta)->unique_id == infer_id)
      g_ptr_array_add (metas, meta);

  GstFlowReturn ret = GST_FLOW_OK;
  for (guint i = 0; ret == GST_FLOW_OK && i < metas->len; i++) {
    const GstTrtTensorMeta *tensors = g_ptr_array_index (metas, i);
    GstVideoRegionOfInterestMeta *region = NULL;
    if (tensors->roi_id >= 0) {
      region = gst_buffer_get_video_region_of_interest_meta_id (buffer,
          tensors->roi_id);
      if (!region) {
        GST_DEBUG_OBJECT (self, "region %d is gone: its tensors are skipped",
            tensors->roi_id);
        continue;
      }
    }
    if (!GST_TRT_DECODER_GET_CLASS (self)->decode (self, buffer, tensors,
            region, &error)) {
      GST_ELEMENT_ERROR (self, STREAM, DECODE,
          ("Could not decode the inference's tensors"),
          ("%s", error ? error->message : "no reason given"));
      g_clear_error (&error);
      ret = GST_FLOW_ERROR;
    }
  }
  g_ptr_array_unref (metas);
  return ret;
}

GstVideoRegionOfInterestMeta *
gst_trt_decoder_result_region (GstBuffer *buffer, const GstTrtTensorMeta *meta,
    GstVideoRegionOfInterestMeta *region, const gchar *roi_type)
{
  if (region)
    return region;
  return gst_trt_region_add (buffer, roi_type, 0, 0,
      meta->source_width, meta->source_height);
}

gchar **
gst_trt_decoder_get_labels (GstTrtDecoder *decoder)
{
  return PRIV (decoder)->labels;
}

guint
gst_trt_decoder_get_infer_id (GstTrtDecoder *decoder)
{
  GST_OBJECT_LOCK (decoder);
  guint id = PRIV (decoder)->infer_id;
  GST_OBJECT_UNLOCK (decoder);
  return id;
}

const GstTrtTensor *
gst_trt_decoder_find_tensor (const GstTrtTensorMeta *meta, const gchar *name,
    guint index)
{
  if (name)
    return gst_trt_tensor_meta_get_by_name (meta, name);
  return index < meta->num_tensors ? meta->tensors[index] : NULL;
}

const GstTrtTensor *
gst_trt_decoder_main_tensor (GstTrtDecoder *decoder,
    const GstTrtTensorMeta *meta, guint index)
{
  GstTrtDecoderPrivate *priv = PRIV (decoder);

  GST_OBJECT_LOCK (decoder);
  gchar *name = g_strdup (priv->tensor);
  GST_OBJECT_UNLOCK (decoder);
  const GstTrtTensor *tensor = gst_trt_decoder_find_tensor (meta, name, index);
  if (!tensor && !priv->warned_missing)
    GST_ELEMENT_WARNING (decoder, STREAM, DECODE, ("No tensor to decode"),
        ("the inference's meta has no tensor %s",
            name ? name : "at that position"));
  priv->warned_missing = priv->warned_missing || !tensor;
  g_free (name);
  return tensor;
}

static void
gst_trt_decoder_class_init (GstTrtDecoderClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_trt_decoder_set_property;
  gobject_class->get_property = gst_trt_decoder_get_property;
  gobject_class->finalize = gst_trt_decoder_finalize;
  g_object_class_install_property (gobject_class, PROP_INFER_ID,
      g_param_spec_uint ("infer-id", "Inference id",
          "unique-id of the trtinfer element whose tensors are decoded", 0,
          G_MAXUINT, DEFAULT_INFER_ID, live));
  g_object_class_install_property (gobject_class, PROP_TENSOR,
      g_param_spec_string ("tensor", "Tensor",
          "Name of the tensor to decode (default: the meta's first)", NULL,
          live));
  /* installed here, where the base class's set_property gets it */
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Text file with one name per line, line N naming class N (default: "
          "class numbers)",
          NULL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
              | GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  trans_class->start = GST_DEBUG_FUNCPTR (gst_trt_decoder_start);
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_trt_decoder_transform_ip);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_DECODER, 0);
}
