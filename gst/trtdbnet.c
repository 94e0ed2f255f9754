/* DBNet post-processing (see trtdbnet.h). */
#include "trtdbnet.h"

#include <math.h>
#include <string.h>

void
gst_trt_dbnet_params_init (GstTrtDbnetParams *params)
{
  params->threshold = 0.3;
  params->box_threshold = 0.6;
  params->unclip_ratio = 1.5;
  params->min_size = 3.0;
  params->max_regions = 1000;
}

typedef struct
{
  gdouble x, y;
} Point;

static gdouble
cross (Point o, Point a, Point b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

static gint
by_xy (gconstpointer a, gconstpointer b)
{
  const Point *p = a, *q = b;
  return p->x < q->x ? -1 : p->x > q->x ? 1 : p->y < q->y ? -1 : p->y > q->y;
}

/* Convex hull of @points (sorted in place), counter-clockwise, into @hull
 * (room for 2 x count); returns its size (Andrew's monotone chain). */
static gsize
convex_hull (Point *points, gsize count, Point *hull)
{
  gsize k = 0;
  qsort (points, count, sizeof (Point), by_xy);
  for (gsize i = 0; i < count; i++) {
    while (k >= 2 && cross (hull[k - 2], hull[k - 1], points[i]) <= 0)
      k--;
    hull[k++] = points[i];
  }
  for (gsize i = count - 1, lower = k + 1; i-- > 0;) {
    while (k >= lower && cross (hull[k - 2], hull[k - 1], points[i]) <= 0)
      k--;
    hull[k++] = points[i];
  }
  return k > 1 ? k - 1 : k;
}

/* The minimum-area rectangle around @hull: for each hull edge, the hull's
 * extent along it and across it (a rectangle of least area has a side on
 * an edge of the hull). Centre, half sides along the unit vector (ux, uy)
 * and across it. */
typedef struct
{
  gdouble cx, cy, ux, uy, half_along, half_across;
} Rect;

static Rect
min_area_rect (const Point *hull, gsize n)
{
  Rect best = {hull[0].x, hull[0].y, 1, 0, 0.5, 0.5};
  gdouble best_area = G_MAXDOUBLE;
  for (gsize i = 0; i < n && n > 1; i++) {
    Point a = hull[i], b = hull[(i + 1) % n];
    gdouble length = hypot (b.x - a.x, b.y - a.y);
    if (length <= 0)
      continue;
    gdouble ux = (b.x - a.x) / length, uy = (b.y - a.y) / length;
    gdouble lo_u = G_MAXDOUBLE, hi_u = -G_MAXDOUBLE, lo_v = G_MAXDOUBLE,
            hi_v = -G_MAXDOUBLE;
    for (gsize j = 0; j < n; j++) {
      gdouble u = (hull[j].x - a.x) * ux + (hull[j].y - a.y) * uy;
      gdouble v = -(hull[j].x - a.x) * uy + (hull[j].y - a.y) * ux;
      lo_u = MIN (lo_u, u), hi_u = MAX (hi_u, u), lo_v = MIN (lo_v, v),
      hi_v = MAX (hi_v, v);
    }
    gdouble area = (hi_u - lo_u) * (hi_v - lo_v);
    if (area < best_area) {
      best_area = area;
      gdouble mu = (lo_u + hi_u) / 2, mv = (lo_v + hi_v) / 2;
      best = (Rect){.cx = a.x + mu * ux - mv * uy,
          .cy = a.y + mu * uy + mv * ux,
          .ux = ux,
          .uy = uy,
          .half_along = (hi_u - lo_u) / 2,
          .half_across = (hi_v - lo_v) / 2};
    }
  }
  return best;
}

static gint
by_size (gconstpointer a, gconstpointer b)
{
  const GArray *const *p = a, *const *q = b;
  return (*p)->len > (*q)->len ? -1 : (*p)->len < (*q)->len;
}

/* 8-connected regions of pixels above the threshold, as arrays of pixel
 * indices, largest first. */
static GPtrArray *
label_regions (const gdouble *map, gsize width, gsize height, gdouble threshold)
{
  GPtrArray *regions =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint8 *seen = g_malloc0 (width * height);
  GArray *stack = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize start = 0; start < width * height; start++) {
    if (seen[start] || !(map[start] > threshold))
      continue;
    GArray *pixels = g_array_new (FALSE, FALSE, sizeof (gsize));
    seen[start] = 1;
    g_array_append_val (stack, start);
    while (stack->len > 0) {
      gsize at = g_array_index (stack, gsize, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      g_array_append_val (pixels, at);
      gssize x = (gssize) (at % width), y = (gssize) (at / width);
      for (gssize dy = -1; dy <= 1; dy++)
        for (gssize dx = -1; dx <= 1; dx++) {
          gssize nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= (gssize) width || ny >= (gssize) height)
            continue;
          gsize next = (gsize) ny * width + (gsize) nx;
          if (!seen[next] && map[next] > threshold) {
            seen[next] = 1;
            g_array_append_val (stack, next);
          }
        }
    }
    g_ptr_array_add (regions, pixels);
  }
  g_array_unref (stack);
  g_free (seen);
  g_ptr_array_sort (regions, by_size);
  return regions;
}

GArray *
gst_trt_dbnet_regions (const gdouble *map, gsize width, gsize height,
    const GstTrtDbnetParams *params)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GstTrtTextRegion));
  if (width == 0 || height == 0)
    return out;
  GPtrArray *regions = label_regions (map, width, height, params->threshold);

  for (guint r = 0; r < regions->len && out->len < params->max_regions; r++) {
    GArray *pixels = g_ptr_array_index (regions, r);
    /* the corners of every pixel: the hull covers the pixels whole */
    Point *corners = g_new (Point, 4 * pixels->len),
          *hull = g_new (Point, 8 * pixels->len);
    gdouble sum = 0.0;
    for (guint i = 0; i < pixels->len; i++) {
      gsize at = g_array_index (pixels, gsize, i);
      gdouble x = (gdouble) (at % width), y = (gdouble) (at / width);
      sum += map[at];
      corners[4 * i] = (Point){x, y};
      corners[4 * i + 1] = (Point){x + 1, y};
      corners[4 * i + 2] = (Point){x, y + 1};
      corners[4 * i + 3] = (Point){x + 1, y + 1};
    }
    gsize n = convex_hull (corners, 4 * pixels->len, hull);
    Rect rect = min_area_rect (hull, n);
    g_free (corners);
    g_free (hull);
    gdouble score = sum / pixels->len;
    gdouble long_side = 2 * MAX (rect.half_along, rect.half_across);
    gdouble short_side = 2 * MIN (rect.half_along, rect.half_across);
    if (short_side < params->min_size || score < params->box_threshold)
      continue;
    /* unclip: grow every side by area x ratio / perimeter */
    gdouble grow = long_side * short_side * params->unclip_ratio
        / (2 * (long_side + short_side));
    rect.half_along += grow;
    rect.half_across += grow;
    GstTrtTextRegion region = {.score = score};
    /* the long side's direction, folded into (-90, 90] */
    gdouble ax = rect.half_along >= rect.half_across ? rect.ux : -rect.uy;
    gdouble ay = rect.half_along >= rect.half_across ? rect.uy : rect.ux;
    gdouble angle = atan2 (ay, ax) * 180.0 / G_PI;
    region.angle = angle > 90 ? angle - 180
        : angle <= -90        ? angle + 180
                              : angle;
    /* Corners in reading order: along d (the long side, pointing right)
     * and n (across it, pointing down, y growing downwards), from the
     * top-left: a crop along them reads left to right, upright unless the
     * text itself is upside down (which PP-OCR cls tells). */
    const gdouble a = region.angle * G_PI / 180.0;
    const gdouble dx = cos (a), dy = sin (a), nx = -dy, ny = dx;
    const gdouble half_long = MAX (rect.half_along, rect.half_across),
                  half_short = MIN (rect.half_along, rect.half_across);
    const gdouble signs[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    for (int c = 0; c < 4; c++) {
      gdouble along = signs[c][0] * half_long, across = signs[c][1] * half_short;
      region.x[c] = rect.cx + along * dx + across * nx;
      region.y[c] = rect.cy + along * dy + across * ny;
    }
    g_array_append_val (out, region);
  }
  g_ptr_array_unref (regions);
  return out;
}
