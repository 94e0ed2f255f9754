/* Regions of interest as trtinfer's elements read and write them; see
 * trtregion.h. */
#include "trtregion.h"

#include <math.h>
#include <string.h>

#define TEXT_REGION "text-region"

gint
gst_trt_region_next_id (GstBuffer *buffer)
{
  gpointer state = NULL;
  GstMeta *meta;
  gint next = 1;

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    gint id = ((GstVideoRegionOfInterestMeta *) meta)->id;
    if (id < G_MAXINT && id >= next)
      next = id + 1;
  }
  return next;
}

GstVideoRegionOfInterestMeta *
gst_trt_region_add (GstBuffer *buffer, const gchar *roi_type, guint x, guint y,
    guint w, guint h)
{
  gint id = gst_trt_region_next_id (buffer);
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_add_video_region_of_interest_meta (buffer, roi_type, x, y, w,
          h);
  roi->id = id;
  return roi;
}

guint
gst_trt_region_make_ids_unique (GstBuffer *buffer)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  gpointer state = NULL;
  GstMeta *meta;
  gint next = gst_trt_region_next_id (buffer);
  guint changed = 0;

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    if (g_hash_table_contains (seen, GINT_TO_POINTER (roi->id))) {
      roi->id = next++;
      changed++;
    }
    g_hash_table_add (seen, GINT_TO_POINTER (roi->id));
  }
  g_hash_table_unref (seen);
  return changed;
}

gboolean
gst_trt_region_from_producer (GstVideoRegionOfInterestMeta *roi,
    guint producer_id)
{
  for (GList *l = roi->params; l; l = l->next) {
    guint id;
    if (gst_structure_get_uint (l->data, "producer-id", &id)
        && id == producer_id)
      return TRUE;
  }
  return FALSE;
}

/* @roi's text corners; FALSE when it has none (or not 8 finite numbers). */
static gboolean
text_corners (GstVideoRegionOfInterestMeta *roi, gdouble corners[4][2])
{
  GstStructure *s =
      gst_video_region_of_interest_meta_get_param (roi, TEXT_REGION);
  const GValue *array = s ? gst_structure_get_value (s, "corners") : NULL;

  if (!array || !GST_VALUE_HOLDS_ARRAY (array)
      || gst_value_array_get_size (array) != 8)
    return FALSE;
  for (guint i = 0; i < 8; i++) {
    const GValue *item = gst_value_array_get_value (array, i);
    if (!G_VALUE_HOLDS_DOUBLE (item) || !isfinite (g_value_get_double (item)))
      return FALSE;
    corners[i / 2][i % 2] = g_value_get_double (item);
  }
  return TRUE;
}

static void
rectangle_corners (GstVideoRegionOfInterestMeta *roi, gdouble corners[4][2])
{
  const gdouble x0 = roi->x, y0 = roi->y, x1 = roi->x + roi->w,
                y1 = roi->y + roi->h;
  const gdouble xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};

  for (int c = 0; c < 4; c++) {
    corners[c][0] = xs[c];
    corners[c][1] = ys[c];
  }
}

void
gst_trt_region_to_preprocess (GstVideoRegionOfInterestMeta *roi,
    GstTrtPreprocessRegion *region)
{
  memset (region, 0, sizeof (*region));
  region->oriented = text_corners (roi, region->corners);
  region->x = (gint) MIN (roi->x, G_MAXINT);
  region->y = (gint) MIN (roi->y, G_MAXINT);
  region->width = (gint) MIN (roi->w, G_MAXINT);
  region->height = (gint) MIN (roi->h, G_MAXINT);
}

void
gst_trt_region_turn_half (GstVideoRegionOfInterestMeta *roi)
{
  gdouble corners[4][2];
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;
  gboolean flipped = FALSE;

  if (!text_corners (roi, corners))
    rectangle_corners (roi, corners);
  GstStructure *s =
      gst_video_region_of_interest_meta_get_param (roi, TEXT_REGION);
  if (!s) {
    s = gst_structure_new_empty (TEXT_REGION);
    gst_video_region_of_interest_meta_add_param (roi, s);
  }
  gst_structure_get_boolean (s, "flipped", &flipped);
  gst_value_array_init (&array, 8);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (int c = 0; c < 4; c++) {
    for (int k = 0; k < 2; k++) {
      g_value_set_double (&item, corners[(c + 2) % 4][k]);
      gst_value_array_append_value (&array, &item);
    }
  }
  g_value_unset (&item);
  gst_structure_take_value (s, "corners", &array);
  gst_structure_set (s, "flipped", G_TYPE_BOOLEAN, !flipped, NULL);
}
