/* A buffer's regions of interest, for bindings; see gsttrtregions.h. */
#include "gsttrtregions.h"

#include "gsttrtmetalist.h"

/**
 * gst_trt_buffer_get_regions:
 * @buffer: a #GstBuffer
 *
 * Every region of interest of @buffer, in the order they were added: what
 * trtinfer's decoders found (their results in each region's structures,
 * gst_trt_region_get_params()) and the regions that came with the frame.
 *
 * Returns: (transfer container) (element-type GstVideoRegionOfInterestMeta):
 *   the regions, which belong to @buffer; free the list with g_list_free()
 */
GList *
gst_trt_buffer_get_regions (GstBuffer *buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return gst_trt_buffer_metas_of (buffer, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE);
}

/**
 * gst_trt_region_get_params:
 * @roi: a region of interest
 *
 * The region's structures, each named by what wrote it, with the writer's
 * unique-id as "producer-id": "detection" (label, label-id, confidence, the
 * box in x_min .. y_max), "classification" (label, label-id, confidence, and
 * the top classes), "text" (text, confidence), "text-region" (corners,
 * confidence, angle).
 *
 * Returns: (transfer none) (element-type Gst.Structure): the structures,
 *   owned by @roi
 */
GList *
gst_trt_region_get_params (GstVideoRegionOfInterestMeta *roi)
{
  g_return_val_if_fail (roi != NULL, NULL);
  return roi->params;
}
