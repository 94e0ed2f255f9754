/* Object detection results from a detector's tensors: candidates from
 * YOLO's output layouts (anchor-based v5: per candidate cx, cy, w, h,
 * objectness, class scores; anchor-free v8: the same without objectness,
 * candidates along the last axis), from separate boxes, scores and
 * classes tensors, or from Caffe SSD's DetectionOutput rows; non-maximum
 * suppression; the boxes mapped from the
 * network input back to the frame. Shared by the trtdetect element and its
 * tests. */
#ifndef GST_TRT_DETECTION_H
#define GST_TRT_DETECTION_H

#include <gst/gst.h>

#include "gsttrttensormeta.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRT_DETECTION_YOLO_V5, /* [1, N, 5 + C] */
  GST_TRT_DETECTION_YOLO_V8, /* [1, 4 + C, N] */
  GST_TRT_DETECTION_BOXES,   /* boxes [1, N, 4] x1 y1 x2 y2, scores [1, N],
                                classes [1, N] */
  GST_TRT_DETECTION_SSD,     /* Caffe's DetectionOutput: [1, 1, K, 7] rows
                                image_id, label, confidence, xmin, ymin,
                                xmax, ymax (fractions of the input), rows
                                of image_id < 0 after the last */
} GstTrtDetectionLayout;

typedef struct
{
  gdouble x1, y1, x2, y2; /* corners, network pixels until mapped */
  gdouble score;
  guint label;
} GstTrtDetection;

/* The YOLO candidates of @values (a [@rows, @cols] matrix as the tensor
 * holds it, the batch dimension of 1 left out) whose score is at least
 * @threshold, appended to @out (GstTrtDetection); FALSE with @error when
 * the shape cannot be that layout's. */
gboolean gst_trt_yolo_candidates (const gdouble *values, gsize rows, gsize cols,
    GstTrtDetectionLayout layout, gdouble threshold, GArray *out,
    GError **error);

/* Candidates from separate tensors: @boxes (4 per candidate, corners),
 * @scores and @classes (NULL: all class 0), @count candidates. */
void gst_trt_boxes_candidates (const gdouble *boxes, const gdouble *scores,
    const gdouble *classes, gsize count, gdouble threshold, GArray *out);

/* The detections of a DetectionOutput tensor (@rows rows of @cols = 7,
 * after NMS already) whose confidence is at least @threshold, in network
 * pixels (@network_width x @network_height), appended to @out; reading
 * stops at the first row of image_id < 0 (the padding after the last).
 * FALSE with @error when @cols is not 7. */
gboolean gst_trt_ssd_detections (const gdouble *values, gsize rows, gsize cols,
    gdouble threshold, guint network_width, guint network_height, GArray *out,
    GError **error);

/* Intersection over union of two boxes; 0 where either is empty. */
gdouble gst_trt_iou (const GstTrtDetection *a, const GstTrtDetection *b);

/* Non-maximum suppression in place: best first, a candidate dropped when
 * it overlaps a kept one of the same label (any label when
 * @class_agnostic) by more than @iou_threshold; at most @max kept. */
void gst_trt_nms (GArray *detections, gdouble iou_threshold, guint max,
    gboolean class_agnostic);

/* Maps the point (@x, @y), in tensor units that @to_x and @to_y turn into
 * network pixels, to pixels of the frame @meta describes, clamped to it. */
void gst_trt_point_to_frame (const GstTrtTensorMeta *meta, gdouble to_x,
    gdouble to_y, gdouble *x, gdouble *y);

/* Maps @d from network pixels (or, @normalized, fractions of the network
 * input) to pixels of the frame @meta describes, clamped to it. */
void gst_trt_detection_to_frame (GstTrtDetection *d,
    const GstTrtTensorMeta *meta, gboolean normalized);

G_END_DECLS

#endif
