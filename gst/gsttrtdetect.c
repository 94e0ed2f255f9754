/* trtdetect: a detection decoder (see gsttrtdetect.h; why decoders are
 * elements: gsttrtdecoder.h).
 *
 * Layouts: YOLOv5 (anchor-based: [1, N, 5 + C], boxes decoded by the
 * exported graph), YOLOv8 (anchor-free: [1, 4 + C, N]) and separate
 * boxes / scores / classes tensors (corners). Candidates at or above
 * `threshold` go through non-maximum suppression per class (or across
 * classes), their boxes mapped from the network input back to the frame
 * with the meta's scale and padding. Each object becomes a
 * GstVideoRegionOfInterestMeta typed by its label, with a "detection"
 * structure: label, label-id, confidence, the corners as fractions of the
 * frame (x_min, y_min, x_max, y_max, as DL Streamer writes them) and the
 * producer's id. */
#include "gsttrtdetect.h"

#include <gst/video/video.h>
#include <math.h>
#include <trt/nms.h>
#include <trt/runtime.h>

#include "gsttrttensormeta.h"
#include "trtclassification.h"
#include "trtdetection.h"
#include "trttensorvalues.h"
#include "trtregion.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_detect_debug);
#define GST_CAT_DEFAULT gst_trt_detect_debug

enum
{
  PROP_0,
  PROP_LAYOUT,
  PROP_SCORES_TENSOR,
  PROP_CLASSES_TENSOR,
  PROP_THRESHOLD,
  PROP_IOU_THRESHOLD,
  PROP_MAX_DETECTIONS,
  PROP_CLASS_AGNOSTIC,
  PROP_NORMALIZED,
};

#define DEFAULT_LAYOUT GST_TRT_DETECTION_YOLO_V8
#define DEFAULT_THRESHOLD 0.25
#define DEFAULT_IOU_THRESHOLD 0.45
#define DEFAULT_MAX_DETECTIONS 100
/* values read from one tensor: a 640x640 YOLOv8 with 80 classes has
 * 84 x 8400 */
#define MAX_VALUES (64 << 20)

struct _GstTrtDetect
{
  GstTrtDecoder parent;

  /* properties, under the object lock */
  GstTrtDetectionLayout layout;
  gchar *scores_tensor, *classes_tensor;
  gdouble threshold, iou_threshold;
  guint max_detections;
  gboolean class_agnostic, normalized;

  /* YOLO tensors in device memory (output-memory=device): decoded and
   * suppressed on their GPU in this workspace (streaming thread only) */
  gpointer workspace;
  gsize workspace_bytes;
  gint workspace_device;
  trt_detection_t *kept;
  gboolean device_logged;
};

G_DEFINE_TYPE (GstTrtDetect, gst_trt_detect, GST_TYPE_TRT_DECODER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtdetect, "trtdetect", GST_RANK_NONE,
    GST_TYPE_TRT_DETECT,
    GST_DEBUG_CATEGORY_INIT (gst_trt_detect_debug, "trtdetect", 0,
        "trtdetect element"));

#define GST_TYPE_TRT_DETECTION_LAYOUT (gst_trt_detection_layout_get_type ())
static GType
gst_trt_detection_layout_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_TRT_DETECTION_YOLO_V5,
          "YOLOv5, anchor-based: [1, N, 5 + classes] of cx, cy, w, h, "
          "objectness, class scores",
          "yolov5"},
      {GST_TRT_DETECTION_YOLO_V8,
          "YOLOv8, anchor-free: [1, 4 + classes, N] of cx, cy, w, h, "
          "class scores",
          "yolov8"},
      {GST_TRT_DETECTION_BOXES,
          "Separate tensors: boxes [1, N, 4] (x1, y1, x2, y2), scores "
          "[1, N] and optionally classes [1, N]",
          "boxes"},
      {GST_TRT_DETECTION_SSD,
          "Caffe SSD's DetectionOutput: [1, 1, K, 7] rows of image id, "
          "label, confidence, box corners as fractions of the input (NMS "
          "done by the network; rows of image id -1 are padding)",
          "ssd"},
      {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstTrtDetectionLayout", values));
  return type;
}

static void
gst_trt_detect_init (GstTrtDetect *self)
{
  self->layout = DEFAULT_LAYOUT;
  self->threshold = DEFAULT_THRESHOLD;
  self->iou_threshold = DEFAULT_IOU_THRESHOLD;
  self->max_detections = DEFAULT_MAX_DETECTIONS;
}

/* Frees the GPU path's workspace on the device it was made on. */
static void
release_workspace (GstTrtDetect *self)
{
  if (!self->workspace)
    return;
  trt_set_device (self->workspace_device);
  trt_device_free (self->workspace);
  self->workspace = NULL;
  self->workspace_bytes = 0;
}

static void
gst_trt_detect_finalize (GObject *object)
{
  GstTrtDetect *self = GST_TRT_DETECT (object);

  g_free (self->scores_tensor);
  g_free (self->classes_tensor);
  release_workspace (self);
  g_free (self->kept);
  G_OBJECT_CLASS (gst_trt_detect_parent_class)->finalize (object);
}

static void
replace_string (gchar **field, const GValue *value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
}

static void
gst_trt_detect_set_property (GObject *object, guint id, const GValue *value,
    GParamSpec *pspec)
{
  GstTrtDetect *self = GST_TRT_DETECT (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_LAYOUT:
      self->layout = g_value_get_enum (value);
      break;
    case PROP_SCORES_TENSOR:
      replace_string (&self->scores_tensor, value);
      break;
    case PROP_CLASSES_TENSOR:
      replace_string (&self->classes_tensor, value);
      break;
    case PROP_THRESHOLD:
      self->threshold = g_value_get_double (value);
      break;
    case PROP_IOU_THRESHOLD:
      self->iou_threshold = g_value_get_double (value);
      break;
    case PROP_MAX_DETECTIONS:
      self->max_detections = g_value_get_uint (value);
      break;
    case PROP_CLASS_AGNOSTIC:
      self->class_agnostic = g_value_get_boolean (value);
      break;
    case PROP_NORMALIZED:
      self->normalized = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_detect_get_property (GObject *object, guint id, GValue *value,
    GParamSpec *pspec)
{
  GstTrtDetect *self = GST_TRT_DETECT (object);

  GST_OBJECT_LOCK (self);
  switch (id) {
    case PROP_LAYOUT:
      g_value_set_enum (value, self->layout);
      break;
    case PROP_SCORES_TENSOR:
      g_value_set_string (value, self->scores_tensor);
      break;
    case PROP_CLASSES_TENSOR:
      g_value_set_string (value, self->classes_tensor);
      break;
    case PROP_THRESHOLD:
      g_value_set_double (value, self->threshold);
      break;
    case PROP_IOU_THRESHOLD:
      g_value_set_double (value, self->iou_threshold);
      break;
    case PROP_MAX_DETECTIONS:
      g_value_set_uint (value, self->max_detections);
      break;
    case PROP_CLASS_AGNOSTIC:
      g_value_set_boolean (value, self->class_agnostic);
      break;
    case PROP_NORMALIZED:
      g_value_set_boolean (value, self->normalized);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
  }
  GST_OBJECT_UNLOCK (self);
}

/* YOLO on the GPU: when @meta's tensor is float32 in device memory, the
 * candidates are scored and suppressed there (trt_yolo_nms) and only the
 * kept ones, in network pixels, come to @out; *@done says whether it ran
 * (FALSE: the host path decodes). FALSE with @error when it failed. */
static gboolean
yolo_on_device (GstTrtDetect *self, const GstTrtTensorMeta *meta,
    GstTrtDetectionLayout layout, gdouble threshold, gdouble iou, guint max,
    gboolean agnostic, GArray *out, gboolean *done, GError **error)
{
  gint device = 0;
  *done = FALSE;
  if (layout != GST_TRT_DETECTION_YOLO_V5 && layout != GST_TRT_DETECTION_YOLO_V8)
    return TRUE;
  const GstTrtTensor *tensor =
      gst_trt_decoder_main_tensor (GST_TRT_DECODER (self), meta, 0);
  const float *data = tensor ? gst_trt_tensor_get_device_data (tensor, &device) : NULL;
  if (!data || tensor->data_type != GST_TRT_TENSOR_DATA_TYPE_FLOAT32
      || tensor->num_dims < 2 || max == 0)
    return TRUE;
  gsize rows = tensor->dims[tensor->num_dims - 2];
  gsize cols = tensor->dims[tensor->num_dims - 1];
  trt_yolo_layout_t yolo =
      layout == GST_TRT_DETECTION_YOLO_V8 ? TRT_YOLO_V8 : TRT_YOLO_V5;
  gint32 kept_max = (gint32) MIN (max, (guint) TRT_YOLO_MAX_CANDIDATES);
  gsize needed = trt_yolo_nms_workspace (yolo, (int64_t) rows, (int64_t) cols, kept_max);
  if (needed == 0)
    return TRUE; /* not a shape the kernels take: the host path says why */
  if (self->workspace && (self->workspace_bytes < needed
          || self->workspace_device != device))
    release_workspace (self);
  if (trt_set_device (device) != TRT_STATUS_OK)
    goto failed;
  if (!self->workspace) {
    if (trt_device_malloc (&self->workspace, needed) != TRT_STATUS_OK)
      goto failed;
    self->workspace_bytes = needed;
    self->workspace_device = device;
  }
  self->kept = g_renew (trt_detection_t, self->kept, kept_max);
  int32_t count = 0;
  if (trt_yolo_nms (data, yolo, (int64_t) rows, (int64_t) cols, (float) threshold,
          (float) iou, kept_max, agnostic, self->workspace, self->workspace_bytes,
          self->kept, &count, NULL) != TRT_STATUS_OK)
    goto failed;
  for (int32_t i = 0; i < count; i++) {
    const trt_detection_t *k = &self->kept[i];
    GstTrtDetection d = {.x1 = k->x1, .y1 = k->y1, .x2 = k->x2, .y2 = k->y2,
        .score = k->score, .label = (guint) MAX (k->label, 0)};
    g_array_append_val (out, d);
  }
  if (!self->device_logged)
    GST_INFO_OBJECT (self, "YOLO candidates decoded and suppressed on GPU %d", device);
  self->device_logged = TRUE;
  *done = TRUE;
  return TRUE;

failed:
  g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
      "NMS on the GPU failed: %s", trt_last_error ());
  return FALSE;
}

/* The candidates of @meta's tensors per the layout (@names: the scores
 * and classes tensors); FALSE with @error. */
static gboolean
candidates (GstTrtDetect *self, const GstTrtTensorMeta *meta,
    GstTrtDetectionLayout layout, const gchar *names[2], gdouble threshold,
    GArray *out, GError **error)
{
  const GstTrtTensor *output =
      gst_trt_decoder_main_tensor (GST_TRT_DECODER (self), meta, 0);
  gsize count = 0;
  gboolean ok = FALSE;

  if (!output)
    return TRUE;
  gdouble *values =
      gst_trt_tensor_read_values (output, MAX_VALUES, &count, error);
  if (!values)
    return FALSE;
  /* the last two dims; those before them must be 1 (one frame's tensor) */
  gsize rows = output->num_dims >= 2 ? output->dims[output->num_dims - 2] : 1;
  gsize cols = output->num_dims >= 1 ? output->dims[output->num_dims - 1] : 0;
  if (rows * cols != count) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "tensor '%s' is not one frame's matrix (%" G_GSIZE_FORMAT " values)",
        g_quark_to_string (output->id), count);
  } else if (layout == GST_TRT_DETECTION_SSD) {
    ok = gst_trt_ssd_detections (values, rows, cols, threshold,
        meta->network_width, meta->network_height, out, error);
  } else if (layout != GST_TRT_DETECTION_BOXES) {
    ok = gst_trt_yolo_candidates (values, rows, cols, layout, threshold, out,
        error);
  } else if (cols != 4) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "boxes tensor '%s' has %" G_GSIZE_FORMAT " values per box, not 4",
        g_quark_to_string (output->id), cols);
  } else {
    const GstTrtTensor *scores =
        gst_trt_decoder_find_tensor (meta, names[0], 1);
    const GstTrtTensor *classes = names[1] || meta->num_tensors > 2
        ? gst_trt_decoder_find_tensor (meta, names[1], 2)
        : NULL;
    gsize score_count = 0, class_count = 0;
    gdouble *score_values = scores
        ? gst_trt_tensor_read_values (scores, MAX_VALUES, &score_count, error)
        : NULL;
    gdouble *class_values = classes && score_values
        ? gst_trt_tensor_read_values (classes, MAX_VALUES, &class_count, error)
        : NULL;
    if (!scores)
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "no scores tensor %s", names[0] ? names[0] : "(the meta's second)");
    else if (score_values
        && (score_count != rows || (classes && class_count != rows)))
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
          "%" G_GSIZE_FORMAT " boxes but %" G_GSIZE_FORMAT
          " scores and %" G_GSIZE_FORMAT " classes",
          rows, score_count, class_count);
    else if (score_values && (!classes || class_values)) {
      gst_trt_boxes_candidates (values, score_values, class_values, rows,
          threshold, out);
      ok = TRUE;
    }
    g_free (score_values);
    g_free (class_values);
  }
  g_free (values);
  return ok;
}

static void
attach_region (GstTrtDetect *self, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *parent,
    const GstTrtDetection *d)
{
  gchar *label =
      gst_trt_label_of (gst_trt_decoder_get_labels (GST_TRT_DECODER (self)),
          d->label);
  const gdouble w = MAX (meta->source_width, 1),
                h = MAX (meta->source_height, 1);
  guint x = (guint) floor (d->x1), y = (guint) floor (d->y1);
  guint x2 = (guint) ceil (d->x2), y2 = (guint) ceil (d->y2);
  GstVideoRegionOfInterestMeta *roi =
      gst_trt_region_add (buffer, label, x, y,
          x2 > x ? x2 - x : 0, y2 > y ? y2 - y : 0);
  if (parent)
    roi->parent_id = parent->id;
  gst_video_region_of_interest_meta_add_param (roi,
      gst_structure_new ("detection", "label", G_TYPE_STRING, label, "label-id",
          G_TYPE_UINT, d->label, "confidence", G_TYPE_DOUBLE, d->score, "x_min",
          G_TYPE_DOUBLE, d->x1 / w, "y_min", G_TYPE_DOUBLE, d->y1 / h, "x_max",
          G_TYPE_DOUBLE, d->x2 / w, "y_max", G_TYPE_DOUBLE, d->y2 / h,
          "producer-id", G_TYPE_UINT, meta->unique_id, NULL));
  g_free (label);
}

static gboolean
gst_trt_detect_decode (GstTrtDecoder *decoder, GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    GError **error)
{
  GstTrtDetect *self = GST_TRT_DETECT (decoder);

  GST_OBJECT_LOCK (self);
  guint max = self->max_detections;
  GstTrtDetectionLayout layout = self->layout;
  gdouble threshold = self->threshold, iou = self->iou_threshold;
  gboolean agnostic = self->class_agnostic, normalized = self->normalized;
  gchar *names[2] = {g_strdup (self->scores_tensor),
      g_strdup (self->classes_tensor)};
  GST_OBJECT_UNLOCK (self);

  GArray *found = g_array_new (FALSE, FALSE, sizeof (GstTrtDetection));
  gboolean on_device = FALSE;
  gboolean ok = yolo_on_device (self, meta, layout, threshold, iou, max, agnostic,
      found, &on_device, error);
  if (ok && !on_device)
    ok = candidates (self, meta, layout, (const gchar **) names, threshold,
        found, error);
  g_free (names[0]);
  g_free (names[1]);
  if (ok) {
    guint candidates_found = found->len;
    /* SSD's network and the GPU path suppressed already: only the count
     * is capped (and the order kept) */
    gst_trt_nms (found, layout == GST_TRT_DETECTION_SSD || on_device ? 1.0 : iou,
        max, agnostic);
    for (guint i = 0; i < found->len; i++) {
      GstTrtDetection *d = &g_array_index (found, GstTrtDetection, i);
      gst_trt_detection_to_frame (d, meta,
          normalized && layout != GST_TRT_DETECTION_SSD);
      attach_region (self, buffer, meta, region, d);
    }
    GST_LOG_OBJECT (self, "%" GST_TIME_FORMAT ": %u candidates, %u objects",
        GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), candidates_found, found->len);
  }
  g_array_unref (found);
  return ok;
}

static void
gst_trt_detect_class_init (GstTrtDetectClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstTrtDecoderClass *decoder_class = GST_TRT_DECODER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags live = flags | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_trt_detect_set_property;
  gobject_class->get_property = gst_trt_detect_get_property;
  gobject_class->finalize = gst_trt_detect_finalize;

  g_object_class_install_property (gobject_class, PROP_LAYOUT,
      g_param_spec_enum ("layout", "Layout",
          "How the detector's outputs are laid out",
          GST_TYPE_TRT_DETECTION_LAYOUT, DEFAULT_LAYOUT, live));
  g_object_class_install_property (gobject_class, PROP_SCORES_TENSOR,
      g_param_spec_string ("scores-tensor", "Scores tensor",
          "layout=boxes: the scores (default: the meta's second)", NULL, live));
  g_object_class_install_property (gobject_class, PROP_CLASSES_TENSOR,
      g_param_spec_string ("classes-tensor", "Classes tensor",
          "layout=boxes: the class ids (default: the meta's third where there "
          "is one; "
          "without, every object is class 0)",
          NULL, live));
  g_object_class_install_property (gobject_class, PROP_THRESHOLD,
      g_param_spec_double ("threshold", "Threshold",
          "Lowest confidence of a detection (YOLOv5: objectness times class "
          "score)",
          0.0, 1.0, DEFAULT_THRESHOLD, live));
  g_object_class_install_property (gobject_class, PROP_IOU_THRESHOLD,
      g_param_spec_double ("iou-threshold", "IoU threshold",
          "Non-maximum suppression: a detection overlapping a better one of "
          "its class by "
          "more than this (intersection over union) is dropped",
          0.0, 1.0, DEFAULT_IOU_THRESHOLD, live));
  g_object_class_install_property (gobject_class, PROP_MAX_DETECTIONS,
      g_param_spec_uint ("max-detections", "Maximum detections",
          "Most objects kept per frame, best first", 0, G_MAXINT,
          DEFAULT_MAX_DETECTIONS, live));
  g_object_class_install_property (gobject_class, PROP_CLASS_AGNOSTIC,
      g_param_spec_boolean ("class-agnostic", "Class agnostic",
          "Suppress overlaps across classes too", FALSE, live));
  g_object_class_install_property (gobject_class, PROP_NORMALIZED,
      g_param_spec_boolean ("normalized", "Normalized",
          "Boxes are fractions of the network input (0 to 1), not its pixels",
          FALSE, live));

  gst_element_class_set_static_metadata (element_class,
      "trtinfer detection decoder", "Filter/Analyzer/Video",
      "Turns the outputs of a trtinfer detector (YOLOv5, YOLOv8, "
      "boxes and scores) into regions of interest, after non-maximum "
      "suppression",
      "trtinfer developers");
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_DETECTION_LAYOUT, 0);

  decoder_class->decode = GST_DEBUG_FUNCPTR (gst_trt_detect_decode);
}
