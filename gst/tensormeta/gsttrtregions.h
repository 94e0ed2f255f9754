/* A buffer's regions of interest, for bindings: trtinfer's decoders write
 * their results as GstVideoRegionOfInterestMeta (GStreamer's own), with
 * their values in the region's structures ("detection", "classification",
 * "text", "text-region"). GstVideo's introspection data has the meta and
 * gst_video_region_of_interest_meta_get_param() but no way to list a
 * buffer's regions or a region's structures; these do.
 *
 * Link with pkg-config's gstreamer-trt-tensormeta-1.0. */
#ifndef GST_TRT_REGIONS_H
#define GST_TRT_REGIONS_H

#include <gst/video/video.h>

G_BEGIN_DECLS

/* Every GstVideoRegionOfInterestMeta of @buffer, in the order they were
 * added. Free the list with g_list_free(); the metas belong to the buffer. */
GList *gst_trt_buffer_get_regions (GstBuffer *buffer);

/* @roi's structures (roi->params), owned by @roi. */
GList *gst_trt_region_get_params (GstVideoRegionOfInterestMeta *roi);

G_END_DECLS

#endif
