/* Text regions from a DBNet probability map (PP-OCR det): pixels above a
 * threshold grouped into 8-connected regions, each region's minimum-area
 * rectangle (a rotated quadrilateral) scored by the mean probability of its
 * pixels, kept at or above a box threshold, grown by the unclip ratio (the
 * offset PP-OCR applies: area x ratio / perimeter) and kept when its short
 * side reaches a minimum size. */
#ifndef GST_TRT_DBNET_H
#define GST_TRT_DBNET_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct
{
  gdouble x[4], y[4]; /* corners in reading order: top-left, top-right,
                       * bottom-right, bottom-left of the long side */
  gdouble score;      /* mean probability of the region's pixels */
  gdouble angle;      /* of the long side, degrees in (-90, 90] */
} GstTrtTextRegion;

typedef struct
{
  gdouble threshold;     /* pixels above it are text (PP-OCR: 0.3) */
  gdouble box_threshold; /* lowest region score kept (0.6) */
  gdouble unclip_ratio;  /* 1.5 */
  gdouble min_size;      /* shortest side kept, in map pixels (3) */
  guint max_regions;     /* most regions, largest first (1000) */
} GstTrtDbnetParams;

void gst_trt_dbnet_params_init (GstTrtDbnetParams *params);

/* The regions of @map (@width x @height, row-major), in map pixels (pixel
 * (x, y) covering [x, x + 1) x [y, y + 1)), as GstTrtTextRegion. */
GArray *gst_trt_dbnet_regions (const gdouble *map, gsize width, gsize height,
    const GstTrtDbnetParams *params);

G_END_DECLS

#endif
