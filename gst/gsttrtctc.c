/* trtctc: a text decoder for CTC recognizers (PP-OCR rec, CRNN) (see
 * gsttrtctc.h; the base class, gsttrtdecoder.h, says why decoders are
 * elements). The labels property names its dictionary (PP-OCR's keys file:
 * one character per line, the blank being class 0).
 *
 * The frame (a text line) gets a region over it typed "text" whose "text"
 * structure holds the text, its confidence (the mean of the kept steps'
 * best scores, as PP-OCR reports it) and the producer's id; trtoverlay
 * draws it. */
#include "gsttrtctc.h"

#include <gst/video/video.h>

#include "trtctc.h"
#include "trttensorvalues.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_ctc_debug);
#define GST_CAT_DEFAULT gst_trt_ctc_debug

enum
{
  PROP_0,
  PROP_BLANK,
  PROP_SPACE,
  PROP_MIN_CONFIDENCE,
};

#define DEFAULT_BLANK 0
#define DEFAULT_SPACE TRUE
#define DEFAULT_MIN_CONFIDENCE 0.0
/* steps x classes read per frame: PP-OCR rec at 320 wide is 40 x 6625 */
#define MAX_VALUES (64 << 20)

struct _GstTrtCtc
{
  GstTrtDecoder parent;

  /* properties, under the object lock */
  guint blank;
  gboolean space;
  gdouble min_confidence;
};

G_DEFINE_TYPE (GstTrtCtc, gst_trt_ctc, GST_TYPE_TRT_DECODER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtctc, "trtctc", GST_RANK_NONE,
    GST_TYPE_TRT_CTC,
    GST_DEBUG_CATEGORY_INIT (gst_trt_ctc_debug, "trtctc", 0, "trtctc element"));

static void
gst_trt_ctc_init (GstTrtCtc *self)
{
  self->blank = DEFAULT_BLANK;
  self->space = DEFAULT_SPACE;
  self->min_confidence = DEFAULT_MIN_CONFIDENCE;
}

static void
gst_trt_ctc_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtCtc *self = GST_TRT_CTC (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_BLANK:
      self->blank = g_value_get_uint (value);
      break;
    case PROP_SPACE:
      self->space = g_value_get_boolean (value);
      break;
    case PROP_MIN_CONFIDENCE:
      self->min_confidence = g_value_get_double (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_ctc_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtCtc *self = GST_TRT_CTC (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_BLANK:
      g_value_set_uint (value, self->blank);
      break;
    case PROP_SPACE:
      g_value_set_boolean (value, self->space);
      break;
    case PROP_MIN_CONFIDENCE:
      g_value_set_double (value, self->min_confidence);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_trt_ctc_decode (GstTrtDecoder *decoder, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    GError **error)
{
  GstTrtCtc *self = GST_TRT_CTC (decoder);

  GST_OBJECT_LOCK (self);
  guint blank = self->blank;
  gboolean space = self->space;
  gdouble min_confidence = self->min_confidence;
  GST_OBJECT_UNLOCK (self);

  const GstTrtTensor *tensor = gst_trt_decoder_main_tensor (decoder, meta, 0);
  if (!tensor)
    return TRUE;
  gsize count = 0;
  gdouble *scores =
      gst_trt_tensor_read_values (tensor, MAX_VALUES, &count, error);
  if (!scores)
    return FALSE;
  /* [1, steps, classes]: the last two dims, one frame's */
  gsize classes =
      tensor->num_dims >= 1 ? tensor->dims[tensor->num_dims - 1] : 0;
  gsize steps = tensor->num_dims >= 2 ? tensor->dims[tensor->num_dims - 2] : 1;
  if (classes == 0 || steps * classes != count) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "tensor '%s' is not one frame's steps x classes (%" G_GSIZE_FORMAT
        " values)",
        g_quark_to_string (tensor->id), count);
    g_free (scores);
    return FALSE;
  }
  gdouble confidence;
  gchar *text = gst_trt_ctc_greedy (scores, steps, classes,
      gst_trt_decoder_get_labels (decoder), space, blank, &confidence);
  g_free (scores);
  if (text[0] && confidence >= min_confidence) {
    GstVideoRegionOfInterestMeta *roi =
        gst_trt_decoder_result_region (buffer, meta, region, "text");
    gst_video_region_of_interest_meta_add_param (roi,
        gst_structure_new ("text", "text", G_TYPE_STRING, text, "confidence",
            G_TYPE_DOUBLE, confidence, "producer-id", G_TYPE_UINT,
            meta->unique_id, NULL));
  }
  GST_LOG_OBJECT (self, "%" GST_TIME_FORMAT ": \"%s\" (%g)",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), text, confidence);
  g_free (text);
  return TRUE;
}

static void
gst_trt_ctc_class_init (GstTrtCtcClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstTrtDecoderClass *decoder_class = GST_TRT_DECODER_CLASS (klass);
  const GParamFlags live =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_trt_ctc_set_property;
  gobject_class->get_property = gst_trt_ctc_get_property;
  g_object_class_install_property (gobject_class, PROP_BLANK,
      g_param_spec_uint ("blank", "Blank",
          "The blank class (the dictionary leaves it out)", 0, G_MAXUINT,
          DEFAULT_BLANK, live));
  g_object_class_install_property (gobject_class, PROP_SPACE,
      g_param_spec_boolean ("space", "Space",
          "The class after the dictionary's is a space (PP-OCR's "
          "use_space_char)",
          DEFAULT_SPACE, live));
  g_object_class_install_property (gobject_class, PROP_MIN_CONFIDENCE,
      g_param_spec_double ("min-confidence", "Minimum confidence",
          "Text whose confidence is lower gets no region", 0.0, 1.0,
          DEFAULT_MIN_CONFIDENCE, live));

  gst_element_class_set_static_metadata (element_class,
      "trtinfer CTC text decoder", "Filter/Analyzer/Video",
      "Turns a text recognizer's per-step class scores (CTC: PP-OCR "
      "rec, CRNN) into the text of the frame, its dictionary given by labels",
      "trtinfer developers");
  decoder_class->decode = GST_DEBUG_FUNCPTR (gst_trt_ctc_decode);
}
