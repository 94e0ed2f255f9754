/* Detection helpers (gst/trtdetection.c): YOLO candidates in both layouts,
 * separate boxes and scores, IoU, non-maximum suppression, mapping to the
 * frame through the meta's scale and padding; DBNet text regions
 * (gst/trtdbnet.c) on synthetic maps. */
#include <math.h>
#include <stdio.h>

#include "trtdbnet.h"
#include "trtdetection.h"
#include "expect.h"

#define NEAR(a, b) (fabs ((a) - (b)) < 1e-9)

static GstTrtDetection *
at (GArray *a, guint i)
{
  return &g_array_index (a, GstTrtDetection, i);
}

static void
test_yolo (void)
{
  /* v5 rows: cx cy w h objectness c0 c1 */
  const gdouble v5[] = {
      10, 10, 4, 4, 0.5, 0.9, 0.1, /* 0.45, class 0 */
      10, 10, 4, 4, 0.1, 0.2, 0.9, /* objectness too low */
      30, 20, 2, 6, 1.0, 0.3, 0.6, /* 0.6, class 1 */
  };
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstTrtDetection));
  EXPECT (gst_trt_yolo_candidates (v5, 3, 7, GST_TRT_DETECTION_YOLO_V5, 0.3,
              out, NULL),
      "v5 decodes");
  EXPECT (out->len == 2, "v5: 2 candidates, not %u", out->len);
  EXPECT (out->len == 2 && NEAR (at (out, 0)->score, 0.45)
          && at (out, 0)->label == 0 && NEAR (at (out, 0)->x1, 8)
          && NEAR (at (out, 0)->y2, 12),
      "v5 first");
  EXPECT (out->len == 2 && at (out, 1)->label == 1
          && NEAR (at (out, 1)->y1, 17),
      "v5 second");

  /* v8: the same candidates transposed, no objectness */
  const gdouble v8[] = {
      10, 30,   /* cx */
      10, 20,   /* cy */
      4, 2,     /* w */
      4, 6,     /* h */
      0.9, 0.3, /* class 0 */
      0.1, 0.6, /* class 1 */
  };
  g_array_set_size (out, 0);
  EXPECT (gst_trt_yolo_candidates (v8, 6, 2, GST_TRT_DETECTION_YOLO_V8, 0.5,
              out, NULL),
      "v8 decodes");
  EXPECT (out->len == 2 && NEAR (at (out, 0)->score, 0.9)
          && at (out, 1)->label == 1,
      "v8 candidates");

  GError *error = NULL;
  EXPECT (!gst_trt_yolo_candidates (v8, 4, 3, GST_TRT_DETECTION_YOLO_V8, 0.5,
              out, &error)
          && error,
      "4 fields cannot be YOLOv8");
  g_clear_error (&error);
  g_array_unref (out);
}

static void
test_nms_and_mapping (void)
{
  const gdouble boxes[] = {
      0, 0, 10, 10,   /* class 0, 0.8 */
      1, 1, 11, 11,   /* class 0, 0.9: suppresses the first (IoU 0.68) */
      1, 1, 11, 11,   /* class 1, 0.7: another class, kept */
      50, 50, 60, 60, /* class 0, 0.85 */
  };
  const gdouble scores[] = {0.8, 0.9, 0.7, 0.85}, classes[] = {0, 0, 1, 0};
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstTrtDetection));
  gst_trt_boxes_candidates (boxes, scores, classes, 4, 0.5, out);
  EXPECT (out->len == 4, "4 candidates");
  EXPECT (NEAR (gst_trt_iou (at (out, 0), at (out, 1)), 81.0 / 119.0), "IoU %g",
      gst_trt_iou (at (out, 0), at (out, 1)));
  gst_trt_nms (out, 0.5, 10, FALSE);
  EXPECT (out->len == 3 && NEAR (at (out, 0)->score, 0.9)
          && NEAR (at (out, 1)->score, 0.85) && at (out, 2)->label == 1,
      "per class: 3 kept, best first (%u)", out->len);

  g_array_set_size (out, 0);
  gst_trt_boxes_candidates (boxes, scores, classes, 4, 0.5, out);
  gst_trt_nms (out, 0.5, 10, TRUE);
  EXPECT (out->len == 2, "across classes: 2 kept (%u)", out->len);
  gst_trt_nms (out, 0.5, 1, TRUE);
  EXPECT (out->len == 1 && NEAR (at (out, 0)->score, 0.9), "at most 1");

  /* a 640x360 frame letterboxed into 640x640: scale 1, 140 rows of padding
   * above */
  GstTrtTensorMeta meta = {.network_width = 640,
      .network_height = 640,
      .source_width = 640,
      .source_height = 360,
      .scale_x = 1.0,
      .scale_y = 1.0,
      .pad_x = 0.0,
      .pad_y = 140.0};
  GstTrtDetection d = {.x1 = 0.25, .y1 = 0.25, .x2 = 0.5, .y2 = 0.9};
  gst_trt_detection_to_frame (&d, &meta, TRUE);
  EXPECT (NEAR (d.x1, 160) && NEAR (d.y1, 20) && NEAR (d.x2, 320)
          && NEAR (d.y2, 360),
      "normalized, letterboxed, clamped: %g %g %g %g", d.x1, d.y1, d.x2, d.y2);
  g_array_unref (out);
}

static void
test_dbnet (void)
{
  enum
  {
    W = 60,
    H = 50
  };
  gdouble *map = g_new0 (gdouble, W * H);
  /* an axis-aligned line: columns 4..23, rows 5..9 */
  for (int y = 5; y < 10; y++)
    for (int x = 4; x < 24; x++)
      map[y * W + x] = 0.9;
  /* a line at 30 degrees around (40, 32), 24 x 6 */
  const gdouble c = cos (G_PI / 6), s = sin (G_PI / 6);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      gdouble dx = x + 0.5 - 40, dy = y + 0.5 - 32;
      gdouble u = dx * c + dy * s, v = -dx * s + dy * c;
      if (fabs (u) < 12 && fabs (v) < 3)
        map[y * W + x] = 0.8;
    }
  /* too thin (2 px) and too faint (0.4 < box threshold 0.6) */
  for (int x = 30; x < 40; x++)
    map[2 * W + x] = map[3 * W + x] = 0.95;
  for (int y = 40; y < 46; y++)
    for (int x = 2; x < 12; x++)
      map[y * W + x] = 0.4;

  GstTrtDbnetParams params;
  gst_trt_dbnet_params_init (&params);
  GArray *regions = gst_trt_dbnet_regions (map, W, H, &params);
  EXPECT (regions->len == 2, "2 text regions, not %u", regions->len);
  for (guint i = 0; i < regions->len; i++) {
    GstTrtTextRegion *r = &g_array_index (regions, GstTrtTextRegion, i);
    gdouble x0 = MIN (MIN (r->x[0], r->x[1]), MIN (r->x[2], r->x[3]));
    gdouble x1 = MAX (MAX (r->x[0], r->x[1]), MAX (r->x[2], r->x[3]));
    gdouble y0 = MIN (MIN (r->y[0], r->y[1]), MIN (r->y[2], r->y[3]));
    gdouble y1 = MAX (MAX (r->y[0], r->y[1]), MAX (r->y[2], r->y[3]));
    if (r->score > 0.85) {
      /* 20 x 5 grown by 20 * 5 * 1.5 / 50 = 3 on every side */
      EXPECT (NEAR (x0, 1) && NEAR (x1, 27) && NEAR (y0, 2) && NEAR (y1, 13)
              && r->angle == 0,
          "axis-aligned region %g,%g - %g,%g angle %g", x0, y0, x1, y1,
          r->angle);
      EXPECT (NEAR (r->x[0], 1) && NEAR (r->y[0], 2) && NEAR (r->x[1], 27)
              && NEAR (r->y[2], 13),
          "corners from the top-left, clockwise");
    } else {
      EXPECT (fabs (r->angle - 30) < 3, "rotated region at %g degrees",
          r->angle);
      /* corners in reading order: 0 -> 1 along the line (rightwards and,
       * at 30 degrees, downwards), 1 -> 2 across it, downwards */
      gdouble ax = r->x[1] - r->x[0], ay = r->y[1] - r->y[0];
      gdouble cx = r->x[2] - r->x[1], cy = r->y[2] - r->y[1];
      EXPECT (ax > 0 && ay > 0 && hypot (ax, ay) > hypot (cx, cy),
          "corner 0 -> 1 runs %g,%g", ax, ay);
      EXPECT (cy > 0 && fabs (ax * cx + ay * cy) < 1e-6,
          "corner 1 -> 2 runs %g,%g", cx, cy);
      EXPECT (fabs ((x0 + x1) / 2 - 40) < 1 && fabs ((y0 + y1) / 2 - 32) < 1,
          "rotated region centred at %g,%g", (x0 + x1) / 2, (y0 + y1) / 2);
      EXPECT (fabs (r->score - 0.8) < 1e-9, "score %g", r->score);
    }
  }
  g_array_unref (regions);

  params.max_regions = 1;
  regions = gst_trt_dbnet_regions (map, W, H, &params);
  EXPECT (regions->len == 1, "max-regions 1");
  g_array_unref (regions);
  g_free (map);
}

/* Caffe SSD's DetectionOutput rows: fractions to network pixels, the
 * threshold, reading stopped by the first padding row, 7 values per row. */
static void
test_ssd (void)
{
  const gdouble rows[] = {
    1, 3, 0.9, 0.25, 0.5, 0.75, 1.0,    /* image 1 of a batch: kept */
    1, 2, 0.1, 0.0, 0.0, 0.5, 0.5,      /* below the threshold */
    -1, -1, -1, -1, -1, -1, -1,         /* padding */
    1, 4, 0.95, 0.0, 0.0, 1.0, 1.0,     /* after the padding: not read */
  };
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstTrtDetection));
  GError *error = NULL;

  EXPECT (gst_trt_ssd_detections (rows, 4, 7, 0.3, 300, 200, out, &error),
      "7-column rows read");
  EXPECT (out->len == 1, "one detection, not %u", out->len);
  GstTrtDetection *d = &g_array_index (out, GstTrtDetection, 0);
  EXPECT (d->label == 3 && NEAR (d->score, 0.9) && NEAR (d->x1, 75) && NEAR (d->y1, 100)
      && NEAR (d->x2, 225) && NEAR (d->y2, 200), "box %g,%g %g,%g label %u", d->x1, d->y1,
      d->x2, d->y2, d->label);
  EXPECT (!gst_trt_ssd_detections (rows, 4, 6, 0.3, 300, 200, out, &error) && error,
      "6 columns refused");
  g_clear_error (&error);
  g_array_unref (out);
}

int
main (void)
{
  test_ssd ();
  test_dbnet ();
  test_yolo ();
  test_nms_and_mapping ();
  printf ("%s\n",
      failures ? "detection tests FAILED" : "detection tests passed");
  return failures ? 1 : 0;
}
