/* Private to the tensor meta library: a buffer's metas of one API type as
 * a list, for the bindings' getters (tensor metas, regions). */
#ifndef GST_TRT_META_LIST_H
#define GST_TRT_META_LIST_H

#include <gst/gst.h>

/* The metas of @api on @buffer, in the order they were added (transfer
 * container). */
static inline GList *
gst_trt_buffer_metas_of (GstBuffer * buffer, GType api)
{
  GList *metas = NULL;
  gpointer state = NULL;
  GstMeta *meta;

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state, api)))
    metas = g_list_prepend (metas, meta);
  return g_list_reverse (metas);
}

#endif
