/* Page-locked (pinned) host memory as a GstAllocator, for the buffer pool
 * the element offers upstream when its engine runs on a GPU: frames written
 * there reach the device by DMA, asynchronously, without the driver's own
 * staging copy of pageable memory. Memory that does not come from the
 * allocator (trt_host_malloc_pinned fails: no device) is NULL, as any
 * allocation failure. */
#ifndef GST_TRT_PINNED_H
#define GST_TRT_PINNED_H

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TRT_PINNED_MEMORY_TYPE "TrtPinnedMemory"

/* A new allocator (transfer full). */
GstAllocator *gst_trt_pinned_allocator_new (void);

/* Whether @memory was allocated by a pinned allocator (or shares such). */
gboolean gst_trt_is_pinned_memory (GstMemory *memory);

/* Page-locks the system memory of @buffer's memories that are neither
 * pinned nor registered yet (trt_host_register), for upstream elements that
 * did not take the offered pool: their pools recycle memories, so each is
 * registered once, and unregistered when it is freed. Memory that cannot be
 * registered (or is not plain system memory) is left alone, marked so that
 * it is not tried again; its uploads stage through pageable memory. How many
 * memories were newly registered. */
guint gst_trt_pin_buffer_memory (GstBuffer *buffer);

/* Whether @memory is pinned: from the pinned allocator, or registered by
 * gst_trt_pin_buffer_memory(). */
gboolean gst_trt_memory_is_page_locked (GstMemory *memory);

/* A video buffer pool for @caps whose buffers are pinned memory, with
 * GstVideoMeta; NULL when @caps are not video. */
GstBufferPool *gst_trt_pinned_pool_new (GstCaps *caps, guint min_buffers,
    gsize *size);

G_END_DECLS

#endif
