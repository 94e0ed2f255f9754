/* What the element test programs share: their test models and frames. */
#ifndef TRTINFER_ELEMENT_TEST_UTIL_H
#define TRTINFER_ELEMENT_TEST_UTIL_H

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

/* A file of data/ (make_models.py), found through TRTINFER_TEST_DATA. */
static inline gchar *
data_path (const gchar * name)
{
  const gchar *dir = g_getenv ("TRTINFER_TEST_DATA");
  fail_unless (dir != NULL, "TRTINFER_TEST_DATA is not set");
  return g_build_filename (dir, name, NULL);
}

/* A frame of deterministic pseudo-random bytes. */
static inline GstBuffer *
random_frame (const GstVideoInfo * info, guint seed, GstClockTime pts)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (info), NULL);
  GstMapInfo map;
  guint32 state = 2654435761u * (seed + 1);

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++) {
    state = state * 1664525u + 1013904223u;
    map.data[i] = (guint8) (state >> 24);
  }
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = 40 * GST_MSECOND;
  return buffer;
}

#endif
