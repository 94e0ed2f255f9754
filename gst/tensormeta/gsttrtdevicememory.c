/* Tensor data in device memory; see gsttrttensormeta.h. */
#include <string.h>

#include "gsttrttensormeta.h"

typedef struct
{
  GstMemory memory;
  guint8
      *device; /* the block's start (maxsize bytes); shared by sub-memories */
  gint device_id;
  GstTrtDeviceCopyFunc copy_to_host;
  gpointer user_data;
  GDestroyNotify notify; /* the root's: frees the block */
  GMutex lock;           /* the root's: guards shadow */
  guint8 *shadow;        /* the root's host copy, made at the first map */
} DeviceMemory;

typedef struct
{
  GstAllocator parent;
} DeviceAllocator;

typedef struct
{
  GstAllocatorClass parent_class;
} DeviceAllocatorClass;

GType gst_trt_device_allocator_get_type (void);
G_DEFINE_TYPE (DeviceAllocator, gst_trt_device_allocator, GST_TYPE_ALLOCATOR);

static DeviceMemory *
root_of (GstMemory *memory)
{
  return (DeviceMemory *) (memory->parent ? memory->parent : memory);
}

static GstMemory *
device_alloc (GstAllocator *allocator, gsize size, GstAllocationParams *params)
{
  (void) allocator, (void) size, (void) params;
  return NULL; /* device memory is only ever wrapped */
}

static void
device_free (GstAllocator *allocator, GstMemory *gst_memory)
{
  DeviceMemory *memory = (DeviceMemory *) gst_memory;
  (void) allocator;
  if (!gst_memory->parent) {
    if (memory->notify)
      memory->notify (memory->user_data);
    g_free (memory->shadow);
    g_mutex_clear (&memory->lock);
  }
  g_free (memory);
}

/* Reading on the host: the whole block copied once, at the first map. */
static gpointer
device_map (GstMemory *gst_memory, gsize maxsize, GstMapFlags flags)
{
  DeviceMemory *root = root_of (gst_memory);
  gpointer data = NULL;
  (void) maxsize;

  if (flags & GST_MAP_WRITE)
    return NULL; /* results are read-only */
  g_mutex_lock (&root->lock);
  if (!root->shadow && root->copy_to_host) {
    guint8 *shadow = g_malloc (root->memory.maxsize);
    if (root->copy_to_host (shadow, root->device, root->memory.maxsize,
            root->user_data))
      root->shadow = shadow;
    else
      g_free (shadow);
  }
  data = root->shadow;
  g_mutex_unlock (&root->lock);
  return data;
}

static void
device_unmap (GstMemory *gst_memory)
{
  (void) gst_memory;
}

static GstMemory *
device_share (GstMemory *gst_memory, gssize offset, gssize size)
{
  DeviceMemory *root = root_of (gst_memory);

  if (size == -1)
    size = (gssize) gst_memory->size - offset;
  DeviceMemory *sub = g_new0 (DeviceMemory, 1);
  sub->device = root->device;
  sub->device_id = root->device_id;
  gst_memory_init (GST_MEMORY_CAST (sub),
      GST_MINI_OBJECT_FLAGS (root) | GST_MINI_OBJECT_FLAG_LOCK_READONLY,
      gst_memory->allocator, GST_MEMORY_CAST (root), gst_memory->maxsize,
      gst_memory->align, (gsize) ((gssize) gst_memory->offset + offset),
      (gsize) size);
  return GST_MEMORY_CAST (sub);
}

static void
gst_trt_device_allocator_class_init (DeviceAllocatorClass *klass)
{
  GstAllocatorClass *allocator_class = GST_ALLOCATOR_CLASS (klass);

  allocator_class->alloc = device_alloc;
  allocator_class->free = device_free;
}

static void
gst_trt_device_allocator_init (DeviceAllocator *self)
{
  GstAllocator *allocator = GST_ALLOCATOR_CAST (self);

  allocator->mem_type = GST_TRT_DEVICE_MEMORY_TYPE;
  allocator->mem_map = device_map;
  allocator->mem_unmap = device_unmap;
  allocator->mem_share = device_share;
  GST_OBJECT_FLAG_SET (allocator, GST_ALLOCATOR_FLAG_CUSTOM_ALLOC);
}

static GstAllocator *
device_allocator (void)
{
  static GstAllocator *allocator;

  if (g_once_init_enter (&allocator)) {
    GstAllocator *made =
        g_object_new (gst_trt_device_allocator_get_type (), NULL);
    GST_OBJECT_FLAG_SET (made, GST_OBJECT_FLAG_MAY_BE_LEAKED);
    g_once_init_leave (&allocator, made);
  }
  return allocator;
}

/**
 * gst_trt_device_memory_new_wrapped: (skip)
 * @device_data: the block's device address
 * @size: its size in bytes
 * @device_id: its CUDA device
 * @copy_to_host: copies the block to host memory, for maps
 * @user_data: for @copy_to_host and @notify
 * @notify: frees the block, once
 *
 * Returns: (transfer full): memory of type %GST_TRT_DEVICE_MEMORY_TYPE
 */
GstMemory *
gst_trt_device_memory_new_wrapped (gpointer device_data, gsize size,
    gint device_id, GstTrtDeviceCopyFunc copy_to_host, gpointer user_data,
    GDestroyNotify notify)
{
  g_return_val_if_fail (device_data != NULL && size > 0, NULL);
  DeviceMemory *memory = g_new0 (DeviceMemory, 1);

  memory->device = device_data;
  memory->device_id = device_id;
  memory->copy_to_host = copy_to_host;
  memory->user_data = user_data;
  memory->notify = notify;
  g_mutex_init (&memory->lock);
  gst_memory_init (GST_MEMORY_CAST (memory), GST_MEMORY_FLAG_READONLY,
      device_allocator (), NULL, size, 0, 0, size);
  return GST_MEMORY_CAST (memory);
}

/**
 * gst_trt_is_device_memory:
 * @memory: (nullable): a #GstMemory
 *
 * Returns: whether @memory is trtinfer's device memory
 */
gboolean
gst_trt_is_device_memory (GstMemory *memory)
{
  return memory && gst_memory_is_type (memory, GST_TRT_DEVICE_MEMORY_TYPE);
}

/**
 * gst_trt_tensor_get_device_data:
 * @tensor: a tensor
 * @device_id: (out) (optional): its CUDA device
 *
 * Returns: (transfer none) (nullable): the device address of @tensor's
 *   elements, or %NULL when they are in host memory
 */
gpointer
gst_trt_tensor_get_device_data (const GstTrtTensor *tensor, gint *device_id)
{
  if (!tensor || !tensor->data || gst_buffer_n_memory (tensor->data) != 1)
    return NULL;
  GstMemory *memory = gst_buffer_peek_memory (tensor->data, 0);
  if (!gst_trt_is_device_memory (memory))
    return NULL;
  DeviceMemory *device = (DeviceMemory *) memory;
  if (device_id)
    *device_id = device->device_id;
  return device->device + memory->offset;
}
