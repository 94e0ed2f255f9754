/* Detection (see trtdetection.h). */
#include "trtdetection.h"

static void
append (GArray *out, gdouble cx, gdouble cy, gdouble w, gdouble h,
    gdouble score, guint label)
{
  GstTrtDetection d = {
      .x1 = cx - w / 2,
      .y1 = cy - h / 2,
      .x2 = cx + w / 2,
      .y2 = cy + h / 2,
      .score = score,
      .label = label,
  };
  g_array_append_val (out, d);
}

gboolean
gst_trt_yolo_candidates (const gdouble *values, gsize rows, gsize cols,
    GstTrtDetectionLayout layout, gdouble threshold, GArray *out,
    GError **error)
{
  const gboolean v8 = layout == GST_TRT_DETECTION_YOLO_V8;
  const gsize fields = v8 ? rows : cols, candidates = v8 ? cols : rows;
  const gsize first_class = v8 ? 4 : 5;

  if (layout == GST_TRT_DETECTION_BOXES || fields <= first_class) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "a %s output needs more than %" G_GSIZE_FORMAT
        " values per candidate, not %" G_GSIZE_FORMAT " (shape %" G_GSIZE_FORMAT
        "x%" G_GSIZE_FORMAT ")",
        v8 ? "YOLOv8" : "YOLOv5", first_class, fields, rows, cols);
    return FALSE;
  }
  /* field f of candidate i */
#define AT(i, f) (v8 ? values[(f) *cols + (i)] : values[(i) *cols + (f)])
  for (gsize i = 0; i < candidates; i++) {
    gdouble objectness = v8 ? 1.0 : AT (i, 4);
    if (!v8 && !(objectness >= threshold))
      continue; /* no class can reach it: scores are at most 1 */
    guint best = 0;
    gdouble best_score = -G_MAXDOUBLE;
    for (gsize c = first_class; c < fields; c++)
      if (AT (i, c) > best_score) {
        best_score = AT (i, c);
        best = (guint) (c - first_class);
      }
    gdouble score = objectness * best_score;
    if (score >= threshold)
      append (out, AT (i, 0), AT (i, 1), AT (i, 2), AT (i, 3), score, best);
  }
#undef AT
  return TRUE;
}

void
gst_trt_boxes_candidates (const gdouble *boxes, const gdouble *scores,
    const gdouble *classes, gsize count, gdouble threshold, GArray *out)
{
  for (gsize i = 0; i < count; i++) {
    if (!(scores[i] >= threshold))
      continue;
    gdouble label = classes ? classes[i] : 0.0;
    GstTrtDetection d = {
        .x1 = boxes[4 * i],
        .y1 = boxes[4 * i + 1],
        .x2 = boxes[4 * i + 2],
        .y2 = boxes[4 * i + 3],
        .score = scores[i],
        .label = label >= 0.0 && label < G_MAXUINT ? (guint) label : 0,
    };
    g_array_append_val (out, d);
  }
}

gboolean
gst_trt_ssd_detections (const gdouble *values, gsize rows, gsize cols,
    gdouble threshold, guint network_width, guint network_height, GArray *out,
    GError **error)
{
  if (cols != 7) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "a DetectionOutput row has 7 values, not %" G_GSIZE_FORMAT, cols);
    return FALSE;
  }
  for (gsize i = 0; i < rows; i++) {
    const gdouble *row = values + 7 * i;
    if (!(row[0] >= 0.0))
      break; /* padding: no detection after it */
    if (!(row[2] >= threshold))
      continue;
    GstTrtDetection d = {
        .x1 = row[3] * network_width,
        .y1 = row[4] * network_height,
        .x2 = row[5] * network_width,
        .y2 = row[6] * network_height,
        .score = row[2],
        .label = row[1] >= 0.0 && row[1] < G_MAXUINT ? (guint) row[1] : 0,
    };
    g_array_append_val (out, d);
  }
  return TRUE;
}

gdouble
gst_trt_iou (const GstTrtDetection *a, const GstTrtDetection *b)
{
  gdouble w = MIN (a->x2, b->x2) - MAX (a->x1, b->x1);
  gdouble h = MIN (a->y2, b->y2) - MAX (a->y1, b->y1);
  gdouble area_a = (a->x2 - a->x1) * (a->y2 - a->y1);
  gdouble area_b = (b->x2 - b->x1) * (b->y2 - b->y1);
  if (w <= 0 || h <= 0 || area_a <= 0 || area_b <= 0)
    return 0.0;
  gdouble inter = w * h;
  return inter / (area_a + area_b - inter);
}

static gint
by_score (gconstpointer a, gconstpointer b)
{
  const GstTrtDetection *x = a, *y = b;
  return x->score > y->score ? -1 : x->score < y->score;
}

void
gst_trt_nms (GArray *detections, gdouble iou_threshold, guint max,
    gboolean class_agnostic)
{
  GstTrtDetection *d = (GstTrtDetection *) detections->data;
  guint kept = 0;

  /* stable: equal scores keep the tensor's order */
  g_array_sort (detections, by_score);
  for (guint i = 0; i < detections->len && kept < max; i++) {
    gboolean keep = TRUE;
    for (guint k = 0; k < kept && keep; k++)
      keep = !((class_agnostic || d[k].label == d[i].label)
          && gst_trt_iou (&d[k], &d[i]) > iou_threshold);
    if (keep)
      d[kept++] = d[i];
  }
  g_array_set_size (detections, kept);
}

void
gst_trt_point_to_frame (const GstTrtTensorMeta *meta, gdouble to_x,
    gdouble to_y, gdouble *x, gdouble *y)
{
  const gdouble sx = meta->scale_x > 0 ? meta->scale_x : 1.0;
  const gdouble sy = meta->scale_y > 0 ? meta->scale_y : 1.0;

  /* within the frame, or the region the tensors are of (its corner added) */
  *x = meta->source_x + CLAMP ((*x * to_x - meta->pad_x) / sx, 0.0,
      (gdouble) meta->source_width);
  *y = meta->source_y + CLAMP ((*y * to_y - meta->pad_y) / sy, 0.0,
      (gdouble) meta->source_height);
}

void
gst_trt_detection_to_frame (GstTrtDetection *d, const GstTrtTensorMeta *meta,
    gboolean normalized)
{
  const gdouble to_x = normalized ? meta->network_width : 1.0;
  const gdouble to_y = normalized ? meta->network_height : 1.0;

  gst_trt_point_to_frame (meta, to_x, to_y, &d->x1, &d->y1);
  gst_trt_point_to_frame (meta, to_x, to_y, &d->x2, &d->y2);
}
