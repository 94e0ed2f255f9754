/* Regions of interest as trtinfer's elements read and write them: the
 * standard GstVideoRegionOfInterestMeta, with our decoders' structures
 * among its params.
 *
 * A text region (trtdbnet) has a "text-region" structure whose "corners"
 * are 8 doubles, x0 y0 .. x3 y3 in frame pixels, in reading order: the
 * corner where the text starts at the top, then along the line, then the
 * bottom corners back. Crops of the region (process-mode=roi) put corner 0
 * at the top-left of the network input, so a text region read upside down
 * is turned by starting its corners from the third (trtclassify's
 * flip-class). Other regions are their rectangle. */
#ifndef GST_TRT_REGION_H
#define GST_TRT_REGION_H

#include <gst/video/video.h>

#include "trtpreprocess.h"

G_BEGIN_DECLS

/* An id for a region about to be added to @buffer: one more than the
 * largest there (GstVideoRegionOfInterestMeta ids start at 0 and nothing
 * in GStreamer makes them unique; trtinfer's metas name regions by id). */
gint gst_trt_region_next_id (GstBuffer *buffer);

/* Adds a region with the next id (gst_trt_region_next_id). */
GstVideoRegionOfInterestMeta *gst_trt_region_add (GstBuffer *buffer,
    const gchar *roi_type, guint x, guint y, guint w, guint h);

/* Gives every region of @buffer (writable) whose id another region has
 * already a new one; how many changed. */
guint gst_trt_region_make_ids_unique (GstBuffer *buffer);

/* Whether one of @roi's structures has "producer-id" @producer_id. */
gboolean gst_trt_region_from_producer (GstVideoRegionOfInterestMeta *roi,
    guint producer_id);

/* The part of the frame that preprocessing crops for @roi: its corners
 * (oriented) when it has a text region's, else its rectangle. */
void gst_trt_region_to_preprocess (GstVideoRegionOfInterestMeta *roi,
    GstTrtPreprocessRegion *region);

/* Turns @roi by 180°: its corners (its rectangle's when it has none, a
 * "text-region" structure then added) start from the third, and the
 * structure's "flipped" toggles. */
void gst_trt_region_turn_half (GstVideoRegionOfInterestMeta *roi);

G_END_DECLS

#endif
