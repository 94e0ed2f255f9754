/* Pinned host memory as a GstAllocator; see trtpinned.h. */
#include "trtpinned.h"

#include <gst/video/video.h>
#include <trt/trt.h>

typedef struct
{
  GstMemory memory;
  guint8 *data;   /* the memory's start (maxsize bytes) */
  gpointer block; /* what trt_host_malloc_pinned gave; NULL when shared */
} PinnedMemory;

typedef struct
{
  GstAllocator parent;
} PinnedAllocator;

typedef struct
{
  GstAllocatorClass parent_class;
} PinnedAllocatorClass;

GType pinned_allocator_get_type (void);
G_DEFINE_TYPE (PinnedAllocator, pinned_allocator, GST_TYPE_ALLOCATOR);

static GstMemory *
pinned_alloc (GstAllocator *allocator, gsize size, GstAllocationParams *params)
{
  gsize align = params->align | gst_memory_alignment;
  gsize maxsize = params->prefix + size + params->padding;
  gpointer block = NULL;

  /* room to move the start to the alignment asked for */
  if (maxsize > G_MAXSIZE - align
      || trt_host_malloc_pinned (&block, maxsize + align) != TRT_STATUS_OK) {
    GST_WARNING ("no pinned memory of %" G_GSIZE_FORMAT " bytes: %s", maxsize,
        trt_last_error ());
    return NULL;
  }
  PinnedMemory *memory = g_new0 (PinnedMemory, 1);
  memory->block = block;
  memory->data = (guint8 *) (((guintptr) block + align) & ~(guintptr) align);
  gst_memory_init (GST_MEMORY_CAST (memory), params->flags, allocator, NULL,
      maxsize, align, params->prefix, size);
  if (params->prefix && (params->flags & GST_MEMORY_FLAG_ZERO_PREFIXED))
    memset (memory->data, 0, params->prefix);
  if (params->padding && (params->flags & GST_MEMORY_FLAG_ZERO_PADDED))
    memset (memory->data + params->prefix + size, 0, params->padding);
  return GST_MEMORY_CAST (memory);
}

static void
pinned_free (GstAllocator *allocator, GstMemory *gst_memory)
{
  PinnedMemory *memory = (PinnedMemory *) gst_memory;
  (void) allocator;
  if (memory->block)
    trt_host_free_pinned (memory->block);
  g_free (memory);
}

static gpointer
pinned_map (GstMemory *gst_memory, gsize maxsize, GstMapFlags flags)
{
  (void) maxsize, (void) flags;
  return ((PinnedMemory *) gst_memory)->data;
}

static void
pinned_unmap (GstMemory *gst_memory)
{
  (void) gst_memory;
}

/* A sub-memory of the same block: the parent keeps the block alive. */
static GstMemory *
pinned_share (GstMemory *gst_memory, gssize offset, gssize size)
{
  PinnedMemory *memory = (PinnedMemory *) gst_memory;
  GstMemory *parent = gst_memory->parent ? gst_memory->parent : gst_memory;

  if (size == -1)
    size = (gssize) gst_memory->size - offset;
  PinnedMemory *sub = g_new0 (PinnedMemory, 1);
  sub->data = memory->data;
  gst_memory_init (GST_MEMORY_CAST (sub),
      GST_MINI_OBJECT_FLAGS (parent) | GST_MINI_OBJECT_FLAG_LOCK_READONLY,
      gst_memory->allocator, parent, gst_memory->maxsize, gst_memory->align,
      (gsize) ((gssize) gst_memory->offset + offset), (gsize) size);
  return GST_MEMORY_CAST (sub);
}

static gboolean
pinned_is_span (GstMemory *first, GstMemory *second, gsize *offset)
{
  PinnedMemory *a = (PinnedMemory *) first, *b = (PinnedMemory *) second;

  if (offset)
    *offset = first->offset - (first->parent ? first->parent->offset : 0);
  return a->data + first->offset + first->size == b->data + second->offset;
}

static void
pinned_allocator_class_init (PinnedAllocatorClass *klass)
{
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  allocator_class->alloc = pinned_alloc;
  allocator_class->free = pinned_free;
}

static void
pinned_allocator_init (PinnedAllocator *self)
{
  GstAllocator *allocator = GST_ALLOCATOR_CAST (self);

  allocator->mem_type = GST_TRT_PINNED_MEMORY_TYPE;
  allocator->mem_map = pinned_map;
  allocator->mem_unmap = pinned_unmap;
  allocator->mem_share = pinned_share;
  allocator->mem_is_span = pinned_is_span;
}

GstAllocator *
gst_trt_pinned_allocator_new (void)
{
  return g_object_new (pinned_allocator_get_type (), NULL);
}

gboolean
gst_trt_is_pinned_memory (GstMemory *memory)
{
  return memory && gst_memory_is_type (memory, GST_TRT_PINNED_MEMORY_TYPE);
}

GstBufferPool *
gst_trt_pinned_pool_new (GstCaps *caps, guint min_buffers, gsize *size)
{
  GstVideoInfo info;

  if (!caps || !gst_video_info_from_caps (&info, caps))
    return NULL;
  GstBufferPool *pool = gst_video_buffer_pool_new ();
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstAllocator *allocator = gst_trt_pinned_allocator_new ();
  GstAllocationParams params;

  gst_allocation_params_init (&params);
  gst_buffer_pool_config_set_params (config, caps,
      (guint) GST_VIDEO_INFO_SIZE (&info), min_buffers, 0);
  gst_buffer_pool_config_set_allocator (config, allocator, &params);
  gst_buffer_pool_config_add_option (config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_object_unref (allocator);
  if (!gst_buffer_pool_set_config (pool, config)) {
    gst_object_unref (pool);
    return NULL;
  }
  if (size)
    *size = GST_VIDEO_INFO_SIZE (&info);
  return pool;
}

/* ---- upstream memory registered in place -------------------------------- */

/* qdata of a memory tried: REGISTERED (pages locked until it is freed) or
 * REFUSED (not tried again). */
#define REGISTERED GINT_TO_POINTER (1)
#define REFUSED GINT_TO_POINTER (2)

static GQuark
registration_quark (void)
{
  return g_quark_from_static_string ("trt-host-registration");
}

typedef struct
{
  gpointer base;
} Registration;

static void
registration_free (gpointer data)
{
  Registration *registration = data;
  trt_host_unregister (registration->base);
  g_free (registration);
}

/* Registers @memory's whole block (its parent's, for a sub-memory, so that
 * memories sharing pages are registered once). */
static gboolean
register_memory (GstMemory *memory)
{
  GstMemory *block = memory->parent ? memory->parent : memory;
  GQuark quark = registration_quark ();
  GstMapInfo map;

  if (gst_mini_object_get_qdata (GST_MINI_OBJECT (block), quark))
    return FALSE;
  if (!gst_memory_is_type (block, GST_ALLOCATOR_SYSMEM)
      || !gst_memory_map (block, &map, GST_MAP_READ)) {
    gst_mini_object_set_qdata (GST_MINI_OBJECT (block), quark, REFUSED, NULL);
    return FALSE;
  }
  /* the block from its first byte: sysmem's data pointer minus the offset */
  gpointer base = map.data - block->offset;
  gsize bytes = block->maxsize;
  gst_memory_unmap (block, &map);
  if (trt_host_register (base, bytes) != TRT_STATUS_OK) {
    GST_DEBUG ("memory of %" G_GSIZE_FORMAT " bytes not registered: %s", bytes,
        trt_last_error ());
    trt_error_clear ();
    gst_mini_object_set_qdata (GST_MINI_OBJECT (block), quark, REFUSED, NULL);
    return FALSE;
  }
  Registration *registration = g_new0 (Registration, 1);
  registration->base = base;
  gst_mini_object_set_qdata (GST_MINI_OBJECT (block), quark, registration,
      registration_free);
  return TRUE;
}

guint
gst_trt_pin_buffer_memory (GstBuffer *buffer)
{
  guint registered = 0;

  for (guint i = 0; i < gst_buffer_n_memory (buffer); i++) {
    GstMemory *memory = gst_buffer_peek_memory (buffer, i);
    if (!gst_trt_is_pinned_memory (memory) && register_memory (memory))
      registered++;
  }
  return registered;
}

gboolean
gst_trt_memory_is_page_locked (GstMemory *memory)
{
  GstMemory *block = memory->parent ? memory->parent : memory;
  gpointer mark =
      gst_mini_object_get_qdata (GST_MINI_OBJECT (block), registration_quark ());
  return gst_trt_is_pinned_memory (memory) || (mark && mark != REFUSED);
}
