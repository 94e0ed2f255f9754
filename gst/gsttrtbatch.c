/* The batch of trtinfer; see gsttrtbatch.h. */
#include "gsttrtbatch.h"

#include <string.h>

#include "gsttrttensormeta.h"

GST_DEBUG_CATEGORY_EXTERN (gst_trt_infer_debug);
#define GST_CAT_DEFAULT gst_trt_infer_debug

/* An output binding as it appears in each frame's meta. */
typedef struct {
  gint binding;
  GQuark id;
  GstTrtTensorDataType data_type;
  gsize element_size;
  gboolean batched;             /* the first dimension follows the batch */
  gsize num_dims;
  gsize dims[TRT_MAX_DIMS];     /* per frame (batch dimension 1) */
  gsize frame_bytes;            /* bytes per frame (batched) or in all */
  gsize total_bytes;            /* at the maximum batch */
} Output;

/* One inferred item: a frame, or one region of it (process-mode=roi). */
typedef struct {
  guint slot;
  gint roi_id;                  /* -1: the frame */
  GstTrtPreprocessGeometry geometry;
} Item;

/* An item's tensors, computed, waiting for its buffer to leave. */
typedef struct {
  gint roi_id;
  GstTrtPreprocessGeometry geometry;
  guint batch_size;
  guint batch_index;
  guint unique_id;
  guint num_tensors;
  GstTrtTensor **tensors;
} Result;

/* A buffer on its way through the batch. Its items may span several sets
 * (more regions than a batch holds): each set holds a part, the parts
 * share the Frame, and the buffer leaves with its last part, carrying the
 * metas of every part. */
typedef struct {
  gint refcount;
  GstBuffer *buffer;
  GPtrArray *results;           /* of Result, in item order */
  gboolean failed;              /* a part's run failed: the buffer is dropped */
} Frame;

typedef struct {
  Frame *frame;
  gboolean last;                /* the buffer leaves when this part completes */
  GArray *items;                /* of Item */
} Pending;

/* An input other than the image, filled by the element. */
typedef struct {
  GstTrtAuxInput desc;          /* desc.id is the binding */
  gsize item_bytes;             /* one frame's values (batched) or all */
} AuxInput;

/* Device blocks of one output's size for output-memory=device: each run
 * copies its output into a block, the frames' tensors share it, and the
 * block comes back here when the last of them is freed (cudaFree would
 * wait for the whole device). Reference-counted: blocks still held when
 * the batch goes are freed as they come back. */
typedef struct
{
  gint refcount;
  GMutex lock;
  gboolean closed;
  gsize bytes;
  gint device;
  GQueue free; /* of device blocks */
} DevicePool;

typedef struct
{
  DevicePool *pool;
  gpointer block;
} DeviceBlock;

static void
device_pool_unref (DevicePool *pool)
{
  if (!g_atomic_int_dec_and_test (&pool->refcount))
    return;
  gpointer block;
  while ((block = g_queue_pop_head (&pool->free)))
    trt_device_free (block);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

static DevicePool *
device_pool_new (gsize bytes, gint device)
{
  DevicePool *pool = g_new0 (DevicePool, 1);
  pool->refcount = 1;
  pool->bytes = bytes;
  pool->device = device;
  g_mutex_init (&pool->lock);
  g_queue_init (&pool->free);
  return pool;
}

/* A free block, or a new one; NULL (trt_last_error) when none can be had. */
static gpointer
device_pool_take (DevicePool *pool)
{
  g_mutex_lock (&pool->lock);
  gpointer block = g_queue_pop_head (&pool->free);
  g_mutex_unlock (&pool->lock);
  if (!block && trt_device_malloc (&block, pool->bytes) != TRT_STATUS_OK)
    return NULL;
  return block;
}

static void
device_pool_give (DevicePool *pool, gpointer block)
{
  g_mutex_lock (&pool->lock);
  gboolean keep = !pool->closed;
  if (keep)
    g_queue_push_tail (&pool->free, block);
  g_mutex_unlock (&pool->lock);
  if (!keep)
    trt_device_free (block);
}

/* The tensor memory's notify: the block goes back to its pool. */
static void
device_block_release (gpointer data)
{
  DeviceBlock *held = data;
  device_pool_give (held->pool, held->block);
  device_pool_unref (held->pool);
  g_free (held);
}

static gboolean
device_block_copy_to_host (gpointer host, gconstpointer device, gsize size,
    gpointer data)
{
  DeviceBlock *held = data;
  return trt_set_device (held->pool->device) == TRT_STATUS_OK
      && trt_memcpy_device_to_host (host, device, size, NULL) == TRT_STATUS_OK;
}

/* One batch's worth of everything a run needs. With batches-in-flight
 * above 1 several sets take turns: one fills while others run, each with
 * its own context (and, for CUDA engines, stream, device buffers and
 * outputs), so that a set runs while the next one fills. */
typedef struct {
  trt_context_t *context;
  guint filled;
  GQueue pending;               /* of Pending: buffers waiting on this set */
  guint8 *input;                /* capacity items (CPU engines) */
  guint8 **aux_data;            /* per aux input: capacity items (batched) or one */
  /* CUDA engines: every binding gets a device buffer; frames are
   * preprocessed on the GPU (trt_image_to_tensor) into the input binding
   * from each slot's staging copy of the frame. */
  gpointer *device_bindings;    /* NULL for a CPU engine */
  void *stream;
  void *done;                   /* an event recorded after the run's last copy */
  /* per output, where the run copies it: pinned host memory, or with
   * output-memory=device a block of its output's DevicePool */
  gpointer *output_staging;
  gpointer *device_results;
  gpointer *frame_staging;      /* per slot, device memory */
  gsize *frame_staging_bytes;
  /* the slot whose staging holds the current frame's upload (-1: none)
   * and that frame's buffer (alive until the set completes): the frame's
   * further regions read that copy */
  gint uploaded_slot;
  gconstpointer uploaded_from;
  /* a submitted run, and its outputs (host memory; on the CPU written by
   * the run, mapped until it completes; on a GPU filled from the staging
   * when it completes) */
  gboolean submitted;
  guint count;
  gboolean failed;
  gchar *failure;
  GstBuffer **results;
  GstMapInfo *maps;
} BatchSet;

struct _GstTrtBatch {
  guint unique_id;              /* recorded in the metas */
  gint num_bindings;
  gint input_binding;
  trt_data_type_t input_type;   /* of the input binding */
  guint capacity;
  gsize item_bytes;             /* one preprocessed frame */
  guint num_aux;
  AuxInput *aux;
  guint num_outputs;
  Output *outputs;
  gpointer *scratch;            /* per binding: memory of outputs not reported */
  gboolean on_device;           /* a CUDA engine */
  /* per output with output-memory=device, else NULL */
  DevicePool **device_pools;
  guint num_sets;
  BatchSet *sets;
  guint filling;                /* the set frames go to */
  GQueue in_flight;             /* of BatchSet *, oldest first */
  GQueue ready;                 /* of GstBuffer */
  Frame *current;               /* between begin_buffer and end_buffer */
};

static gboolean
map_data_type (trt_data_type_t type, GstTrtTensorDataType * out)
{
  switch (type) {
    case TRT_DATA_TYPE_FLOAT32: *out = GST_TRT_TENSOR_DATA_TYPE_FLOAT32; return TRUE;
    case TRT_DATA_TYPE_FLOAT16: *out = GST_TRT_TENSOR_DATA_TYPE_FLOAT16; return TRUE;
    case TRT_DATA_TYPE_FLOAT64: *out = GST_TRT_TENSOR_DATA_TYPE_FLOAT64; return TRUE;
    case TRT_DATA_TYPE_INT8: *out = GST_TRT_TENSOR_DATA_TYPE_INT8; return TRUE;
    case TRT_DATA_TYPE_UINT8: *out = GST_TRT_TENSOR_DATA_TYPE_UINT8; return TRUE;
    case TRT_DATA_TYPE_INT32: *out = GST_TRT_TENSOR_DATA_TYPE_INT32; return TRUE;
    case TRT_DATA_TYPE_INT64: *out = GST_TRT_TENSOR_DATA_TYPE_INT64; return TRUE;
    case TRT_DATA_TYPE_BOOL: *out = GST_TRT_TENSOR_DATA_TYPE_BOOL; return TRUE;
    default: return FALSE;
  }
}

static gsize
binding_bytes (const trt_engine_t * engine, gint binding)
{
  trt_dims_t dims = trt_engine_binding_dims (engine, binding);
  int64_t volume = trt_dims_volume (&dims);
  return (gsize) MAX (volume, 1) * MAX (trt_data_type_size (trt_engine_binding_type (engine,
              binding)), 1);
}

/* Bytes of aux input i for one set: capacity items (batched) or one. */
static gsize
aux_bytes (const GstTrtBatch * batch, guint i)
{
  const AuxInput *aux = &batch->aux[i];
  return (aux->desc.batched ? batch->capacity : 1) * aux->item_bytes;
}

/* The set's own memory, context and (CUDA) stream. */
static gboolean
set_init (GstTrtBatch * batch, BatchSet * set, const trt_engine_t * engine, GError ** error)
{
  g_queue_init (&set->pending);
  set->uploaded_slot = -1;
  set->aux_data = g_new0 (guint8 *, MAX (batch->num_aux, 1));
  for (guint i = 0; i < batch->num_aux; i++) {
    const AuxInput *aux = &batch->aux[i];
    guint items = aux->desc.batched ? batch->capacity : 1;
    set->aux_data[i] = g_malloc0 (MAX (aux_bytes (batch, i), 1));
    if (aux->desc.kind == GST_TRT_AUX_VALUES)
      for (guint item = 0; item < items; item++)
        gst_trt_aux_input_write (&aux->desc, 0, 0, 0.0, 0.0,
            set->aux_data[i] + item * aux->item_bytes);
  }
  set->results = g_new0 (GstBuffer *, MAX (batch->num_outputs, 1));
  set->maps = g_new0 (GstMapInfo, MAX (batch->num_outputs, 1));
  if (!batch->on_device) {
    set->input = g_try_malloc0 (batch->item_bytes * batch->capacity);
    if (!set->input) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
          "Out of memory for a batch of %u inputs", batch->capacity);
      return FALSE;
    }
  } else {
    set->device_bindings = g_new0 (gpointer, batch->num_bindings);
    set->frame_staging = g_new0 (gpointer, batch->capacity);
    set->frame_staging_bytes = g_new0 (gsize, batch->capacity);
    set->output_staging = g_new0 (gpointer, MAX (batch->num_outputs, 1));
    set->device_results = g_new0 (gpointer, MAX (batch->num_outputs, 1));
    gboolean ok = trt_stream_create (&set->stream) == TRT_STATUS_OK
        && trt_event_create (&set->done) == TRT_STATUS_OK;
    for (gint b = 0; ok && b < batch->num_bindings; b++)
      ok = trt_device_malloc (&set->device_bindings[b], binding_bytes (engine, b))
          == TRT_STATUS_OK;
    /* pinned, so that the copies of one set's outputs overlap the next
     * set's work (a copy to pageable memory waits for its stream) */
    for (guint i = 0; ok && !batch->device_pools && i < batch->num_outputs; i++)
      ok = trt_host_malloc_pinned (&set->output_staging[i], batch->outputs[i].total_bytes)
          == TRT_STATUS_OK;
    if (!ok) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
          "Could not set up GPU buffers for a batch of %u: %s", batch->capacity,
          trt_last_error ());
      return FALSE;
    }
  }
  if (trt_context_create (engine, &set->context) != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "Could not create an execution context: %s", trt_last_error ());
    return FALSE;
  }
  /* CUDA engines replay a graph of their launches (captured at the first
   * batch; any batch size and the same bindings run through it), so a batch
   * costs one launch on the host instead of one per layer. */
  if (batch->on_device)
    trt_context_set_use_graph (set->context, TRUE);
  return TRUE;
}

static void
result_free (gpointer data)
{
  Result *result = data;

  for (guint i = 0; i < result->num_tensors; i++)
    if (result->tensors[i])
      gst_trt_tensor_free (result->tensors[i]);
  g_free (result->tensors);
  g_free (result);
}

static Frame *
frame_new (GstBuffer * buffer)
{
  Frame *frame = g_new0 (Frame, 1);

  frame->refcount = 1;
  frame->buffer = buffer;
  frame->results = g_ptr_array_new_with_free_func (result_free);
  return frame;
}

static void
frame_unref (Frame * frame)
{
  if (--frame->refcount > 0)
    return;
  if (frame->buffer)
    gst_buffer_unref (frame->buffer);
  g_ptr_array_unref (frame->results);
  g_free (frame);
}

static Pending *
pending_new (Frame * frame)
{
  Pending *pending = g_new0 (Pending, 1);

  frame->refcount++;
  pending->frame = frame;
  pending->items = g_array_new (FALSE, FALSE, sizeof (Item));
  return pending;
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  frame_unref (pending->frame);
  g_array_unref (pending->items);
  g_free (pending);
}

/* Waits for a submitted run's copies and makes its outputs host buffers:
 * unmapped (CPU), copied from the pinned staging, or wrapping the device
 * blocks (output-memory=device); a failed run's blocks go back. */
static void
set_wait (GstTrtBatch * batch, BatchSet * set)
{
  if (!set->submitted)
    return;
  if (set->done && !set->failed && trt_event_synchronize (set->done) != TRT_STATUS_OK) {
    set->failed = TRUE;
    set->failure = g_strdup (trt_last_error ());
  }
  for (guint i = 0; i < batch->num_outputs; i++) {
    if (batch->device_pools && set->device_results[i]) {
      DevicePool *pool = batch->device_pools[i];
      gpointer block = g_steal_pointer (&set->device_results[i]);
      if (set->failed) {
        device_pool_give (pool, block);
        continue;
      }
      DeviceBlock *held = g_new0 (DeviceBlock, 1);
      held->pool = pool;
      held->block = block;
      g_atomic_int_inc (&pool->refcount);
      set->results[i] = gst_buffer_new ();
      gst_buffer_append_memory (set->results[i],
          gst_trt_device_memory_new_wrapped (held->block,
              batch->outputs[i].total_bytes, held->pool->device,
              device_block_copy_to_host, held, device_block_release));
    } else if (batch->on_device && !batch->device_pools && !set->failed) {
      set->results[i] = gst_buffer_new_memdup (set->output_staging[i],
          batch->outputs[i].total_bytes);
    } else if (!batch->on_device && set->results[i]) {
      gst_buffer_unmap (set->results[i], &set->maps[i]);
    }
  }
  set->submitted = FALSE;
}

/* Empties a set for the next frames (its buffers dropped). */
static void
set_reset (GstTrtBatch * batch, BatchSet * set)
{
  set_wait (batch, set);
  g_queue_clear_full (&set->pending, pending_free);
  /* no results in a set whose set_init never ran (an earlier one failed) */
  for (guint i = 0; set->results && i < batch->num_outputs; i++)
    g_clear_pointer (&set->results[i], gst_buffer_unref);
  g_clear_pointer (&set->failure, g_free);
  set->failed = FALSE;
  set->filled = 0;
  set->count = 0;
  set->uploaded_slot = -1;
  set->uploaded_from = NULL;
}

static void
set_clear (GstTrtBatch * batch, BatchSet * set)
{
  set_reset (batch, set);
  trt_context_destroy (set->context);
  for (gint b = 0; set->device_bindings && b < batch->num_bindings; b++)
    trt_device_free (set->device_bindings[b]);
  g_free (set->device_bindings);
  for (guint slot = 0; set->frame_staging && slot < batch->capacity; slot++)
    trt_device_free (set->frame_staging[slot]);
  g_free (set->frame_staging);
  g_free (set->frame_staging_bytes);
  for (guint i = 0; set->output_staging && i < batch->num_outputs; i++)
    trt_host_free_pinned (set->output_staging[i]);
  g_free (set->output_staging);
  g_free (set->device_results);
  if (set->done)
    trt_event_destroy (set->done);
  if (set->stream)
    trt_stream_destroy (set->stream);
  for (guint i = 0; set->aux_data && i < batch->num_aux; i++)
    g_free (set->aux_data[i]);
  g_free (set->aux_data);
  g_free (set->input);
  g_free (set->results);
  g_free (set->maps);
}

GstTrtBatch *
gst_trt_batch_new (const trt_engine_t *engine, const GstTrtModelInfo *info,
    gsize item_bytes, guint in_flight, gboolean device_outputs, GError **error)
{
  GstTrtBatch *batch = g_new0 (GstTrtBatch, 1);

  g_queue_init (&batch->in_flight);
  g_queue_init (&batch->ready);
  batch->num_bindings = trt_engine_num_bindings (engine);
  batch->input_binding = info->input_binding;
  batch->input_type = trt_engine_binding_type (engine, info->input_binding);
  batch->capacity = info->capacity;
  batch->item_bytes = item_bytes;
  batch->on_device = trt_engine_backend (engine) == TRT_BACKEND_CUDA;
  batch->num_outputs = info->num_outputs;
  batch->outputs = g_new0 (Output, MAX (info->num_outputs, 1));
  batch->num_aux = info->inputs.num_aux;
  batch->aux = g_new0 (AuxInput, MAX (batch->num_aux, 1));
  for (guint i = 0; i < batch->num_aux; i++) {
    AuxInput *aux = &batch->aux[i];
    aux->desc = info->inputs.aux[i];
    aux->desc.name = g_strdup (aux->desc.name);
    aux->desc.values = g_memdup2 (aux->desc.values, aux->desc.count * sizeof (gdouble));
    aux->item_bytes = aux->desc.count * trt_data_type_size (aux->desc.type);
  }

  for (guint i = 0; i < info->num_outputs; i++) {
    Output *out = &batch->outputs[i];
    gint b = info->output_bindings[i];
    trt_dims_t dims = trt_engine_binding_dims (engine, b);
    trt_data_type_t type = trt_engine_binding_type (engine, b);

    out->binding = b;
    out->id = g_quark_from_string (trt_engine_binding_name (engine, b));
    if (!map_data_type (type, &out->data_type)) {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "Output '%s' has data type %s, which the tensor meta cannot carry",
          trt_engine_binding_name (engine, b), trt_data_type_name (type));
      goto failed;
    }
    out->element_size = trt_data_type_size (type);
    /* Per frame when the first dimension follows the batch: dynamic in the
     * model, or fixed to the batch the input is fixed to. */
    out->batched = dims.nb_dims > 0 && (trt_engine_binding_has_batch (engine, b)
        || (batch->capacity > 1 && dims.d[0] == (int64_t) batch->capacity));
    out->num_dims = (gsize) dims.nb_dims;
    gsize volume = 1;
    for (gint d = 0; d < dims.nb_dims; d++) {
      out->dims[d] = (gsize) dims.d[d];
      volume *= out->dims[d];
    }
    out->total_bytes = volume * out->element_size;
    if (out->batched && dims.nb_dims > 0) {
      out->dims[0] = 1;
      out->frame_bytes = out->total_bytes / batch->capacity;
    } else {
      out->frame_bytes = out->total_bytes;
    }
  }

  /* An engine loaded from a plan may have outputs that output-names leaves
   * out: they still need memory to be written to (host memory: on the CPU
   * backend only, since CUDA engines write every binding on the device). */
  batch->scratch = g_new0 (gpointer, batch->num_bindings);
  for (gint b = 0; !batch->on_device && b < batch->num_bindings; b++) {
    gboolean used = b == batch->input_binding;
    for (guint i = 0; i < info->num_outputs; i++)
      used |= info->output_bindings[i] == b;
    for (guint i = 0; i < batch->num_aux; i++)
      used |= batch->aux[i].desc.id == b;
    if (!used)
      batch->scratch[b] = g_malloc0 (binding_bytes (engine, b));
  }

  if (device_outputs && batch->on_device) {
    const gint device = MAX (info->device, 0);
    batch->device_pools = g_new0 (DevicePool *, MAX (batch->num_outputs, 1));
    for (guint i = 0; i < batch->num_outputs; i++)
      batch->device_pools[i] =
          device_pool_new (batch->outputs[i].total_bytes, device);
  }
  batch->num_sets = MAX (in_flight, 1);
  batch->sets = g_new0 (BatchSet, batch->num_sets);
  for (guint k = 0; k < batch->num_sets; k++)
    if (!set_init (batch, &batch->sets[k], engine, error))
      goto failed;
  return batch;

failed:
  gst_trt_batch_free (batch);
  return NULL;
}

void
gst_trt_batch_clear (GstTrtBatch * batch)
{
  for (guint k = 0; k < batch->num_sets; k++)
    set_reset (batch, &batch->sets[k]);
  g_queue_clear (&batch->in_flight);
  g_queue_clear_full (&batch->ready, (GDestroyNotify) gst_buffer_unref);
  batch->filling = 0;
}

void
gst_trt_batch_free (GstTrtBatch * batch)
{
  if (!batch)
    return;
  g_queue_clear (&batch->in_flight);
  g_queue_clear_full (&batch->ready, (GDestroyNotify) gst_buffer_unref);
  for (guint k = 0; batch->sets && k < batch->num_sets; k++)
    set_clear (batch, &batch->sets[k]);
  g_free (batch->sets);
  for (guint i = 0; batch->device_pools && i < batch->num_outputs; i++) {
    DevicePool *pool = batch->device_pools[i];
    g_mutex_lock (&pool->lock);
    pool->closed = TRUE; /* blocks still held are freed as they come back */
    g_mutex_unlock (&pool->lock);
    device_pool_unref (pool);
  }
  g_free (batch->device_pools);
  for (gint b = 0; batch->scratch && b < batch->num_bindings; b++)
    g_free (batch->scratch[b]);
  g_free (batch->scratch);
  for (guint i = 0; batch->aux && i < batch->num_aux; i++) {
    g_free (batch->aux[i].desc.name);
    g_free (batch->aux[i].desc.values);
  }
  g_free (batch->aux);
  g_free (batch->outputs);
  g_free (batch);
}

void
gst_trt_batch_set_unique_id (GstTrtBatch * batch, guint unique_id)
{
  batch->unique_id = unique_id;
}

gboolean
gst_trt_batch_on_device (const GstTrtBatch * batch)
{
  return batch->on_device;
}

gint
gst_trt_batch_cpu_threads (const GstTrtBatch * batch)
{
  return trt_context_cpu_threads (batch->sets[0].context);
}

guint
gst_trt_batch_capacity (const GstTrtBatch * batch)
{
  return batch->capacity;
}

guint
gst_trt_batch_in_flight (const GstTrtBatch * batch)
{
  return batch->num_sets;
}

guint
gst_trt_batch_filled (const GstTrtBatch * batch)
{
  return batch->sets[batch->filling].filled;
}

gboolean
gst_trt_batch_has_pending (const GstTrtBatch * batch)
{
  return batch->sets[batch->filling].pending.length > 0 || batch->in_flight.length > 0;
}

/* GPU preprocessing of @frame into slot @slot of the set's input binding:
 * the planes uploaded into the slot's staging buffer (grown as frames
 * need), then trt_image_to_tensor, both on the set's stream. The frame's
 * memory stays alive until the set's run completes (its buffer waits in
 * the set's queue, and completion waits for the stream), so asynchronous
 * copies from pinned memory are safe too. */
static gboolean
preprocess_on_device (GstTrtBatch * batch, BatchSet * set, guint slot,
    const GstTrtPreprocessConfig * config, const GstVideoFrame * frame,
    const GstTrtPreprocessRegion * region, gboolean frame_on_device,
    GstTrtPreprocessGeometry * geometry, GError ** error)
{
  trt_image_transform_t transform;
  trt_image_t image;
  gsize offsets[TRT_IMAGE_MAX_PLANES], plane_bytes[TRT_IMAGE_MAX_PLANES], total = 0;
  guint planes = GST_VIDEO_FRAME_N_PLANES (frame);

  if (!gst_trt_preprocess_transform_region (config, &frame->info, region, &transform, &image,
          geometry)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Cannot preprocess %s%s frames of %dx%d", region ? "a region of " : "",
        gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (frame)),
        GST_VIDEO_FRAME_WIDTH (frame), GST_VIDEO_FRAME_HEIGHT (frame));
    return FALSE;
  }
  transform.type = batch->input_type;
  for (guint p = 0; p < planes && p < TRT_IMAGE_MAX_PLANES; p++) {
    offsets[p] = total;
    plane_bytes[p] = gst_trt_preprocess_plane_bytes (&frame->info, p);
    total += (plane_bytes[p] + 255) / 256 * 256; /* planes 256-byte aligned */
  }
  trt_status_t status = TRT_STATUS_OK;
  if (frame_on_device) {
    /* CUDA memory of the engine's context: read where it lies */
    for (guint p = 0; p < planes && p < TRT_IMAGE_MAX_PLANES; p++)
      image.planes[p] = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
    total = 0;
  } else if (set->uploaded_slot >= 0
      && set->uploaded_from == frame->buffer) {
    /* another region of the frame this set uploaded already */
    for (guint p = 0; p < planes && p < TRT_IMAGE_MAX_PLANES; p++)
      image.planes[p] = (guint8 *) set->frame_staging[set->uploaded_slot] + offsets[p];
    frame_on_device = TRUE;
    total = 0;
  }
  if (total > set->frame_staging_bytes[slot]) {
    trt_device_free (set->frame_staging[slot]);
    set->frame_staging[slot] = NULL;
    set->frame_staging_bytes[slot] = 0;
    status = trt_device_malloc (&set->frame_staging[slot], total);
    if (status == TRT_STATUS_OK)
      set->frame_staging_bytes[slot] = total;
  }
  for (guint p = 0; status == TRT_STATUS_OK && !frame_on_device && p < planes
      && p < TRT_IMAGE_MAX_PLANES; p++) {
    guint8 *device = (guint8 *) set->frame_staging[slot] + offsets[p];
    image.planes[p] = device;
    status = trt_memcpy_host_to_device (device, GST_VIDEO_FRAME_PLANE_DATA (frame, p),
        plane_bytes[p], set->stream);
  }
  if (status == TRT_STATUS_OK && total > 0) {
    set->uploaded_slot = (gint) slot;
    set->uploaded_from = frame->buffer;
  }
  if (status == TRT_STATUS_OK)
    status = trt_image_to_tensor (&image, &transform,
        (guint8 *) set->device_bindings[batch->input_binding]
        + slot * trt_image_item_bytes (&transform), set->stream);
  if (status != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "GPU preprocessing failed: %s", trt_last_error ());
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_trt_batch_preprocess (GstTrtBatch * batch, const GstTrtPreprocessConfig * config,
    const GstVideoFrame * frame, const GstTrtPreprocessRegion * region,
    gboolean frame_on_device, GstTrtPreprocessGeometry * geometry, GError ** error)
{
  BatchSet *set = &batch->sets[batch->filling];

  g_return_val_if_fail (set->filled < batch->capacity, FALSE);
  g_return_val_if_fail (!frame_on_device || batch->on_device, FALSE);
  if (batch->on_device)
    return preprocess_on_device (batch, set, set->filled, config, frame, region,
        frame_on_device, geometry, error);
  if (!gst_trt_preprocess_frame_region (config, frame, region,
          set->input + (gsize) set->filled * batch->item_bytes, geometry)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Could not preprocess an input %s", region ? "region" : "frame");
    return FALSE;
  }
  return TRUE;
}

/* The inputs that follow the frame: image size and scale factor. Frames of
 * one batch share caps (a caps event runs the batch first), so an input
 * without a batch dimension takes every frame's same values. */
static void
write_frame_inputs (GstTrtBatch * batch, BatchSet * set, guint slot,
    const GstTrtPreprocessGeometry * g)
{
  for (guint i = 0; i < batch->num_aux; i++) {
    AuxInput *aux = &batch->aux[i];
    if (aux->desc.kind == GST_TRT_AUX_VALUES)
      continue;
    guint8 *out = set->aux_data[i] + (aux->desc.batched ? slot * aux->item_bytes : 0);
    gst_trt_aux_input_write (&aux->desc, g->resized_width, g->resized_height, g->scale_x,
        g->scale_y, out);
  }
}

void
gst_trt_batch_begin_buffer (GstTrtBatch * batch, GstBuffer * buffer)
{
  g_return_if_fail (batch->current == NULL);
  batch->current = frame_new (buffer);
  /* an upload serves the regions of its own frame only: a source that
   * pushes one buffer again and again (imagefreeze) is uploaded each time,
   * as frames of a real stream are */
  batch->sets[batch->filling].uploaded_slot = -1;
}

/* @frame's part in the filling set, made on first use. */
static Pending *
filling_part (GstTrtBatch * batch, Frame * frame)
{
  BatchSet *set = &batch->sets[batch->filling];
  Pending *tail = g_queue_peek_tail (&set->pending);

  if (tail && tail->frame == frame)
    return tail;
  tail = pending_new (frame);
  g_queue_push_tail (&set->pending, tail);
  return tail;
}

void
gst_trt_batch_add_item (GstTrtBatch * batch, gint roi_id,
    const GstTrtPreprocessGeometry * geometry)
{
  BatchSet *set = &batch->sets[batch->filling];

  g_return_if_fail (batch->current != NULL);
  g_return_if_fail (set->filled < batch->capacity);
  Item item = {.slot = set->filled++,.roi_id = roi_id,.geometry = *geometry };
  g_array_append_val (filling_part (batch, batch->current)->items, item);
  write_frame_inputs (batch, set, item.slot, geometry);
}

void
gst_trt_batch_end_buffer (GstTrtBatch * batch)
{
  BatchSet *set = &batch->sets[batch->filling];
  Frame *frame = g_steal_pointer (&batch->current);

  g_return_if_fail (frame != NULL);
  /* Nothing to wait for: a buffer without items leaves at once. */
  if (frame->refcount == 1 && g_queue_is_empty (&set->pending)
      && g_queue_is_empty (&batch->in_flight)) {
    g_queue_push_tail (&batch->ready, g_steal_pointer (&frame->buffer));
    frame_unref (frame);
    return;
  }
  filling_part (batch, frame)->last = TRUE;
  frame_unref (frame);
}

void
gst_trt_batch_append (GstTrtBatch * batch, GstBuffer * buffer,
    const GstTrtPreprocessGeometry * geometry)
{
  gst_trt_batch_begin_buffer (batch, buffer);
  if (geometry)
    gst_trt_batch_add_item (batch, -1, geometry);
  gst_trt_batch_end_buffer (batch);
}

/* The tensors of @item from the set's run, kept with its frame. */
static void
keep_result (GstTrtBatch * batch, BatchSet * set, Frame * frame, const Item * item)
{
  Result *result = g_new0 (Result, 1);

  result->roi_id = item->roi_id;
  result->geometry = item->geometry;
  result->batch_size = set->count;
  result->batch_index = item->slot;
  result->unique_id = batch->unique_id;
  result->num_tensors = batch->num_outputs;
  result->tensors = g_new0 (GstTrtTensor *, MAX (batch->num_outputs, 1));
  for (guint i = 0; i < batch->num_outputs; i++) {
    const Output *out = &batch->outputs[i];
    gsize offset = out->batched ? item->slot * out->frame_bytes : 0;
    GstBuffer *data = gst_buffer_copy_region (set->results[i], GST_BUFFER_COPY_MEMORY, offset,
        out->frame_bytes);
    result->tensors[i] = gst_trt_tensor_new (out->id, out->data_type, data, out->num_dims,
        out->dims);
  }
  g_ptr_array_add (frame->results, result);
}

/* One meta per result on the leaving buffer. */
static void
attach_metas (Frame * frame, GstObject * log_object)
{
  if (frame->results->len == 0)
    return;
  GstBuffer *buffer = gst_buffer_make_writable (frame->buffer);
  frame->buffer = buffer;
  for (guint r = 0; r < frame->results->len; r++) {
    Result *result = g_ptr_array_index (frame->results, r);
    const GstTrtPreprocessGeometry *g = &result->geometry;
    GstTrtTensorMeta *meta = gst_trt_tensor_meta_add (buffer);

    for (guint i = 0; i < result->num_tensors; i++)
      gst_trt_tensor_meta_append (meta, g_steal_pointer (&result->tensors[i]));
    meta->network_width = g->network_width;
    meta->network_height = g->network_height;
    meta->source_width = g->source_width;
    meta->source_height = g->source_height;
    meta->source_x = g->source_x;
    meta->source_y = g->source_y;
    meta->scale_x = g->scale_x;
    meta->scale_y = g->scale_y;
    meta->pad_x = g->pad_x;
    meta->pad_y = g->pad_y;
    meta->batch_size = result->batch_size;
    meta->batch_index = result->batch_index;
    meta->unique_id = result->unique_id;
    meta->roi_id = result->roi_id;

    if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >= GST_LEVEL_DEBUG) {
      gchar *dump = gst_trt_tensor_meta_to_string (meta, 8);
      GST_DEBUG_OBJECT (log_object, "buffer %" GST_TIME_FORMAT ": %s",
          GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), dump);
      g_free (dump);
    }
  }
  g_ptr_array_set_size (frame->results, 0);
}

/* Starts the set's run on its filled slots: on the CPU to the end; on a
 * GPU the copies of the other inputs, the engine and the copies of the
 * outputs are queued on the set's stream, then an event. */
static void
set_submit (GstTrtBatch * batch, BatchSet * set, GstObject * log_object)
{
  guint count = set->filled;
  void **bindings = g_new0 (void *, batch->num_bindings);
  trt_status_t status = TRT_STATUS_OK;

  set->count = count;
  set->submitted = TRUE;
  for (guint i = 0; !batch->on_device && i < batch->num_outputs; i++) {
    set->results[i] = gst_buffer_new_allocate (NULL, batch->outputs[i].total_bytes, NULL);
    gst_buffer_map (set->results[i], &set->maps[i], GST_MAP_WRITE);
  }
  GST_LOG_OBJECT (log_object, "running a batch of %u", count);
  if (batch->on_device) {
    for (guint i = 0; status == TRT_STATUS_OK && i < batch->num_aux; i++) {
      const AuxInput *aux = &batch->aux[i];
      status = trt_memcpy_host_to_device (set->device_bindings[aux->desc.id], set->aux_data[i],
          aux->desc.batched ? count * aux->item_bytes : aux->item_bytes, set->stream);
    }
    if (status == TRT_STATUS_OK)
      status = trt_context_enqueue (set->context, (int) count, set->device_bindings,
          set->stream);
    for (guint i = 0; status == TRT_STATUS_OK && i < batch->num_outputs; i++) {
      const Output *out = &batch->outputs[i];
      if (batch->device_pools) {
        /* the bindings stay the engine's (its CUDA graph keeps them): copy
         * the output into a block the frames' tensors will share */
        set->device_results[i] = device_pool_take (batch->device_pools[i]);
        status = set->device_results[i]
            ? trt_memcpy_device_to_device (set->device_results[i],
                set->device_bindings[out->binding], out->total_bytes,
                set->stream)
            : TRT_STATUS_OUT_OF_MEMORY;
      } else {
        status = trt_memcpy_device_to_host (set->output_staging[i],
            set->device_bindings[out->binding], out->total_bytes, set->stream);
      }
    }
    if (status == TRT_STATUS_OK)
      status = trt_event_record (set->done, set->stream);
  } else {
    bindings[batch->input_binding] = set->input;
    for (guint i = 0; i < batch->num_aux; i++)
      bindings[batch->aux[i].desc.id] = set->aux_data[i];
    for (guint i = 0; i < batch->num_outputs; i++)
      bindings[batch->outputs[i].binding] = set->maps[i].data;
    for (gint b = 0; b < batch->num_bindings; b++)
      if (!bindings[b])
        bindings[b] = batch->scratch[b];
    status = trt_context_execute (set->context, (int) count, bindings);
  }
  if (status != TRT_STATUS_OK) {
    set->failed = TRUE;
    set->failure = g_strdup (trt_last_error ());
  }
  g_free (bindings);
}

/* Waits for the set's run, attaches the metas and moves its buffers to the
 * ready queue (dropped when the run failed: FALSE with @error). */
static gboolean
set_complete (GstTrtBatch * batch, BatchSet * set, GstObject * log_object, GError ** error)
{
  gboolean ok;
  Pending *pending;

  set_wait (batch, set);
  ok = !set->failed;
  if (!ok)
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "Inference failed on a batch of %u: %s", set->count, set->failure);
  while ((pending = g_queue_pop_head (&set->pending))) {
    Frame *frame = pending->frame;
    if (!ok)
      frame->failed = TRUE;
    for (guint i = 0; ok && i < pending->items->len; i++)
      keep_result (batch, set, frame, &g_array_index (pending->items, Item, i));
    if (pending->last && !frame->failed) {
      attach_metas (frame, log_object);
      g_queue_push_tail (&batch->ready, g_steal_pointer (&frame->buffer));
    }
    pending_free (pending);
  }
  set_reset (batch, set);
  return ok;
}

gboolean
gst_trt_batch_run (GstTrtBatch * batch, GstObject * log_object, GError ** error)
{
  BatchSet *set = &batch->sets[batch->filling];
  gboolean ok = TRUE;

  if (set->pending.length == 0)
    return TRUE;
  if (set->filled > 0)
    set_submit (batch, set, log_object);
  g_queue_push_tail (&batch->in_flight, set);
  batch->filling = (batch->filling + 1) % batch->num_sets;
  /* the next set to fill must be free: complete runs, oldest first, until
   * it is (with one set, this one at once) */
  while (ok && batch->sets[batch->filling].pending.length > 0) {
    BatchSet *oldest = g_queue_pop_head (&batch->in_flight);
    ok = set_complete (batch, oldest, log_object, error);
  }
  return ok;
}

gboolean
gst_trt_batch_finish (GstTrtBatch * batch, GstObject * log_object, GError ** error)
{
  gboolean ok = gst_trt_batch_run (batch, log_object, error);
  BatchSet *set;

  while ((set = g_queue_pop_head (&batch->in_flight))) {
    GError *failure = NULL;
    if (!set_complete (batch, set, log_object, &failure)) {
      if (ok)
        g_propagate_error (error, failure);
      else
        g_clear_error (&failure);
      ok = FALSE;
    }
  }
  return ok;
}

GstBuffer *
gst_trt_batch_pop_ready (GstTrtBatch * batch)
{
  return g_queue_pop_head (&batch->ready);
}
