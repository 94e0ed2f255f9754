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

typedef struct {
  GstBuffer *buffer;
  gboolean inferred;
  guint slot;
  GstTrtPreprocessGeometry geometry;
} Pending;

/* An input other than the image, filled by the element. */
typedef struct {
  GstTrtAuxInput desc;          /* desc.id is the binding */
  gsize item_bytes;             /* one frame's values (batched) or all */
  guint8 *data;                 /* capacity items (batched) or one */
} AuxInput;

struct _GstTrtBatch {
  trt_context_t *context;
  gint num_bindings;
  gint input_binding;
  guint capacity;
  gsize item_bytes;             /* one preprocessed frame */
  guint8 *input;                /* capacity items */
  guint num_aux;
  AuxInput *aux;
  guint num_outputs;
  Output *outputs;
  guint filled;
  GQueue pending;               /* of Pending */
  GQueue ready;                 /* of GstBuffer */
  gpointer *scratch;            /* per binding: memory of outputs not reported */
  /* CUDA engines read and write device memory: every binding gets a device
   * buffer, and each batch is staged through them on the batch's stream.
   * Frames are preprocessed on the GPU (trt_image_to_tensor): each slot's
   * frame is uploaded as it is into the slot's staging buffer, and the
   * kernel writes the slot of the input binding; the host input is unused. */
  gpointer *device_bindings;    /* NULL for a CPU engine */
  void *stream;
  trt_data_type_t input_type; /* of the input binding */
  gpointer *frame_staging;    /* per slot, device memory */
  gsize *frame_staging_bytes;
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

static gboolean
allocate_device_bindings (GstTrtBatch * batch, const trt_engine_t * engine, GError ** error)
{
  batch->device_bindings = g_new0 (gpointer, batch->num_bindings);
  batch->frame_staging = g_new0 (gpointer, batch->capacity);
  batch->frame_staging_bytes = g_new0 (gsize, batch->capacity);
  gboolean ok = trt_stream_create (&batch->stream) == TRT_STATUS_OK;
  for (gint b = 0; ok && b < batch->num_bindings; b++)
    ok = trt_device_malloc (&batch->device_bindings[b], binding_bytes (engine, b))
        == TRT_STATUS_OK;
  if (!ok)
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "Could not set up GPU buffers for a batch of %u: %s", batch->capacity,
        trt_last_error ());
  return ok;
}

/* Runs the engine on device copies of `bindings` (host memory; the image
 * input is on the device already). */
static trt_status_t
execute_on_device (GstTrtBatch * batch, guint count, void *const *bindings)
{
  trt_status_t status = TRT_STATUS_OK;
  for (guint i = 0; status == TRT_STATUS_OK && i < batch->num_aux; i++) {
    const AuxInput *aux = &batch->aux[i];
    status = trt_memcpy_host_to_device (batch->device_bindings[aux->desc.id], aux->data,
        aux->desc.batched ? count * aux->item_bytes : aux->item_bytes, batch->stream);
  }
  if (status == TRT_STATUS_OK)
    status = trt_context_enqueue (batch->context, (int) count, batch->device_bindings,
        batch->stream);
  for (guint i = 0; status == TRT_STATUS_OK && i < batch->num_outputs; i++) {
    const Output *out = &batch->outputs[i];
    status = trt_memcpy_device_to_host (bindings[out->binding],
        batch->device_bindings[out->binding], out->total_bytes, batch->stream);
  }
  trt_status_t synced = trt_stream_synchronize (batch->stream);
  return status != TRT_STATUS_OK ? status : synced;
}

/* Per-frame inputs are written as frames arrive; constants once, into
 * every item. */
static void
setup_aux_inputs (GstTrtBatch * batch, const GstTrtModelInfo * info)
{
  batch->num_aux = info->inputs.num_aux;
  batch->aux = g_new0 (AuxInput, MAX (batch->num_aux, 1));
  for (guint i = 0; i < batch->num_aux; i++) {
    AuxInput *aux = &batch->aux[i];
    guint items = info->inputs.aux[i].batched ? batch->capacity : 1;
    aux->desc = info->inputs.aux[i];
    aux->desc.name = g_strdup (aux->desc.name);
    aux->desc.values = g_memdup2 (aux->desc.values, aux->desc.count * sizeof (gdouble));
    aux->item_bytes = aux->desc.count * trt_data_type_size (aux->desc.type);
    aux->data = g_malloc0 (MAX (items * aux->item_bytes, 1));
    if (aux->desc.kind == GST_TRT_AUX_VALUES)
      for (guint item = 0; item < items; item++)
        gst_trt_aux_input_write (&aux->desc, 0, 0, 0.0, 0.0,
            aux->data + item * aux->item_bytes);
  }
}

GstTrtBatch *
gst_trt_batch_new (const trt_engine_t * engine, const GstTrtModelInfo * info,
    gsize item_bytes, GError ** error)
{
  GstTrtBatch *batch = g_new0 (GstTrtBatch, 1);

  g_queue_init (&batch->pending);
  g_queue_init (&batch->ready);
  batch->num_bindings = trt_engine_num_bindings (engine);
  batch->input_binding = info->input_binding;
  batch->capacity = info->capacity;
  batch->item_bytes = item_bytes;
  batch->input_type = trt_engine_binding_type (engine, info->input_binding);
  if (trt_engine_backend (engine) != TRT_BACKEND_CUDA)
    batch->input = g_try_malloc0 (batch->item_bytes * batch->capacity);
  batch->num_outputs = info->num_outputs;
  batch->outputs = g_new0 (Output, MAX (info->num_outputs, 1));
  if (trt_engine_backend (engine) != TRT_BACKEND_CUDA && !batch->input) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "Out of memory for a batch of %u inputs", batch->capacity);
    goto failed;
  }
  setup_aux_inputs (batch, info);

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
   * out: they still need memory to be written to. */
  batch->scratch = g_new0 (gpointer, batch->num_bindings);
  for (gint b = 0; b < batch->num_bindings; b++) {
    gboolean used = b == batch->input_binding;
    for (guint i = 0; i < info->num_outputs; i++)
      used |= info->output_bindings[i] == b;
    for (guint i = 0; i < batch->num_aux; i++)
      used |= batch->aux[i].desc.id == b;
    if (!used) {
      batch->scratch[b] = g_malloc0 (binding_bytes (engine, b));
    }
  }

  if (trt_engine_backend (engine) == TRT_BACKEND_CUDA
      && !allocate_device_bindings (batch, engine, error))
    goto failed;

  if (trt_context_create (engine, &batch->context) != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "Could not create an execution context: %s", trt_last_error ());
    goto failed;
  }
  /* CUDA engines replay a graph of their launches (captured at the first
   * batch; any batch size and the same bindings run through it), so a batch
   * costs one launch on the host instead of one per layer. */
  if (trt_engine_backend (engine) == TRT_BACKEND_CUDA)
    trt_context_set_use_graph (batch->context, TRUE);
  return batch;

failed:
  gst_trt_batch_free (batch);
  return NULL;
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  gst_buffer_unref (pending->buffer);
  g_free (pending);
}

void
gst_trt_batch_clear (GstTrtBatch * batch)
{
  g_queue_clear_full (&batch->pending, pending_free);
  g_queue_clear_full (&batch->ready, (GDestroyNotify) gst_buffer_unref);
  batch->filled = 0;
}

void
gst_trt_batch_free (GstTrtBatch * batch)
{
  if (!batch)
    return;
  gst_trt_batch_clear (batch);
  trt_context_destroy (batch->context);
  for (gint b = 0; batch->device_bindings && b < batch->num_bindings; b++)
    trt_device_free (batch->device_bindings[b]);
  g_free (batch->device_bindings);
  for (guint slot = 0; batch->frame_staging && slot < batch->capacity; slot++)
    trt_device_free (batch->frame_staging[slot]);
  g_free (batch->frame_staging);
  g_free (batch->frame_staging_bytes);
  if (batch->stream)
    trt_stream_destroy (batch->stream);
  for (gint b = 0; batch->scratch && b < batch->num_bindings; b++)
    g_free (batch->scratch[b]);
  g_free (batch->scratch);
  g_free (batch->input);
  for (guint i = 0; batch->aux && i < batch->num_aux; i++) {
    g_free (batch->aux[i].desc.name);
    g_free (batch->aux[i].desc.values);
    g_free (batch->aux[i].data);
  }
  g_free (batch->aux);
  g_free (batch->outputs);
  g_free (batch);
}

gint
gst_trt_batch_cpu_threads (const GstTrtBatch * batch)
{
  return trt_context_cpu_threads (batch->context);
}

guint
gst_trt_batch_capacity (const GstTrtBatch * batch)
{
  return batch->capacity;
}

guint
gst_trt_batch_filled (const GstTrtBatch * batch)
{
  return batch->filled;
}

gboolean
gst_trt_batch_has_pending (const GstTrtBatch * batch)
{
  return batch->pending.length > 0;
}

/* GPU preprocessing of @frame into slot @slot of the input binding: the
 * planes uploaded into the slot's staging buffer (grown as frames need),
 * then trt_image_to_tensor, both on the batch's stream. The frame's memory
 * stays alive until the batch runs (its buffer waits in the queue) and the
 * run synchronizes the stream, so asynchronous copies from pinned memory
 * are safe too. */
static gboolean
preprocess_on_device (GstTrtBatch *batch, guint slot,
    const GstTrtPreprocessConfig *config, const GstVideoFrame *frame,
    GstTrtPreprocessGeometry *geometry, GError **error)
{
  trt_image_transform_t transform;
  trt_image_t image;
  gsize offsets[TRT_IMAGE_MAX_PLANES], plane_bytes[TRT_IMAGE_MAX_PLANES],
      total = 0;
  guint planes = GST_VIDEO_FRAME_N_PLANES (frame);

  if (!gst_trt_preprocess_transform (config, &frame->info, &transform, &image,
          geometry)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Cannot preprocess %s frames of %dx%d",
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
  if (total > batch->frame_staging_bytes[slot]) {
    trt_device_free (batch->frame_staging[slot]);
    batch->frame_staging[slot] = NULL;
    batch->frame_staging_bytes[slot] = 0;
    status = trt_device_malloc (&batch->frame_staging[slot], total);
    if (status == TRT_STATUS_OK)
      batch->frame_staging_bytes[slot] = total;
  }
  for (guint p = 0;
       status == TRT_STATUS_OK && p < planes && p < TRT_IMAGE_MAX_PLANES; p++) {
    guint8 *device = (guint8 *) batch->frame_staging[slot] + offsets[p];
    image.planes[p] = device;
    status = trt_memcpy_host_to_device (device,
        GST_VIDEO_FRAME_PLANE_DATA (frame, p), plane_bytes[p], batch->stream);
  }
  if (status == TRT_STATUS_OK)
    status = trt_image_to_tensor (&image, &transform,
        (guint8 *) batch->device_bindings[batch->input_binding]
            + slot * trt_image_item_bytes (&transform),
        batch->stream);
  if (status != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
        "GPU preprocessing failed: %s", trt_last_error ());
    return FALSE;
  }
  return TRUE;
}

gboolean
gst_trt_batch_preprocess (GstTrtBatch *batch,
    const GstTrtPreprocessConfig *config, const GstVideoFrame *frame,
    GstTrtPreprocessGeometry *geometry, GError **error)
{
  g_return_val_if_fail (batch->filled < batch->capacity, FALSE);
  if (batch->device_bindings)
    return preprocess_on_device (batch, batch->filled, config, frame, geometry,
        error);
  if (!gst_trt_preprocess_frame (config, frame,
          batch->input + (gsize) batch->filled * batch->item_bytes, geometry)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Could not preprocess an input frame");
    return FALSE;
  }
  return TRUE;
}

/* The inputs that follow the frame: image size and scale factor. Frames of
 * one batch share caps (a caps event runs the batch first), so an input
 * without a batch dimension takes every frame's same values. */
static void
write_frame_inputs (GstTrtBatch * batch, guint slot, const GstTrtPreprocessGeometry * g)
{
  for (guint i = 0; i < batch->num_aux; i++) {
    AuxInput *aux = &batch->aux[i];
    if (aux->desc.kind == GST_TRT_AUX_VALUES)
      continue;
    guint8 *out = aux->data + (aux->desc.batched ? slot * aux->item_bytes : 0);
    gst_trt_aux_input_write (&aux->desc, g->resized_width, g->resized_height, g->scale_x,
        g->scale_y, out);
  }
}

void
gst_trt_batch_append (GstTrtBatch * batch, GstBuffer * buffer,
    const GstTrtPreprocessGeometry * geometry)
{
  Pending *pending;

  /* Nothing to wait for: a frame that is not inferred leaves at once. */
  if (!geometry && g_queue_is_empty (&batch->pending)) {
    g_queue_push_tail (&batch->ready, buffer);
    return;
  }
  pending = g_new0 (Pending, 1);
  pending->buffer = buffer;
  if (geometry) {
    g_return_if_fail (batch->filled < batch->capacity);
    pending->inferred = TRUE;
    pending->slot = batch->filled++;
    pending->geometry = *geometry;
    write_frame_inputs (batch, pending->slot, geometry);
  }
  g_queue_push_tail (&batch->pending, pending);
}

static void
attach_meta (GstTrtBatch * batch, Pending * pending, GstBuffer ** results, guint count,
    GstObject * log_object)
{
  GstBuffer *buffer = gst_buffer_make_writable (pending->buffer);
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_add (buffer);
  const GstTrtPreprocessGeometry *g = &pending->geometry;

  pending->buffer = buffer;
  for (guint i = 0; i < batch->num_outputs; i++) {
    const Output *out = &batch->outputs[i];
    gsize offset = out->batched ? pending->slot * out->frame_bytes : 0;
    GstBuffer *data = gst_buffer_copy_region (results[i], GST_BUFFER_COPY_MEMORY, offset,
        out->frame_bytes);
    gst_trt_tensor_meta_append (meta, gst_trt_tensor_new (out->id, out->data_type, data,
            out->num_dims, out->dims));
  }
  meta->network_width = g->network_width;
  meta->network_height = g->network_height;
  meta->source_width = g->source_width;
  meta->source_height = g->source_height;
  meta->scale_x = g->scale_x;
  meta->scale_y = g->scale_y;
  meta->pad_x = g->pad_x;
  meta->pad_y = g->pad_y;
  meta->batch_size = count;
  meta->batch_index = pending->slot;

  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) >= GST_LEVEL_DEBUG) {
    gchar *dump = gst_trt_tensor_meta_to_string (meta, 8);
    GST_DEBUG_OBJECT (log_object, "buffer %" GST_TIME_FORMAT ": %s",
        GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), dump);
    g_free (dump);
  }
}

gboolean
gst_trt_batch_run (GstTrtBatch * batch, GstObject * log_object, GError ** error)
{
  guint count = batch->filled;
  GstBuffer **results = NULL;
  GstMapInfo *maps = NULL;
  gboolean ok = TRUE;

  if (count > 0) {
    void **bindings = g_new0 (void *, batch->num_bindings);
    results = g_new0 (GstBuffer *, MAX (batch->num_outputs, 1));
    maps = g_new0 (GstMapInfo, MAX (batch->num_outputs, 1));
    bindings[batch->input_binding] = batch->input;
    for (guint i = 0; i < batch->num_aux; i++)
      bindings[batch->aux[i].desc.id] = batch->aux[i].data;
    for (guint i = 0; i < batch->num_outputs; i++) {
      results[i] = gst_buffer_new_allocate (NULL, batch->outputs[i].total_bytes, NULL);
      gst_buffer_map (results[i], &maps[i], GST_MAP_WRITE);
      bindings[batch->outputs[i].binding] = maps[i].data;
    }
    for (gint b = 0; b < batch->num_bindings; b++)
      if (!bindings[b])
        bindings[b] = batch->scratch[b];
    GST_LOG_OBJECT (log_object, "running a batch of %u", count);
    trt_status_t status = batch->device_bindings
        ? execute_on_device (batch, count, bindings)
        : trt_context_execute (batch->context, (int) count, bindings);
    if (status != TRT_STATUS_OK) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
          "Inference failed on a batch of %u: %s", count, trt_last_error ());
      ok = FALSE;
    }
    g_free (bindings);
    for (guint i = 0; i < batch->num_outputs; i++)
      gst_buffer_unmap (results[i], &maps[i]);
  }

  Pending *pending;
  while ((pending = g_queue_pop_head (&batch->pending))) {
    if (ok) {
      if (pending->inferred)
        attach_meta (batch, pending, results, count, log_object);
      g_queue_push_tail (&batch->ready, g_steal_pointer (&pending->buffer));
    }
    if (pending->buffer)
      gst_buffer_unref (pending->buffer);
    g_free (pending);
  }
  batch->filled = 0;
  for (guint i = 0; results && i < batch->num_outputs; i++)
    gst_buffer_unref (results[i]);
  g_free (results);
  g_free (maps);
  return ok;
}

GstBuffer *
gst_trt_batch_pop_ready (GstTrtBatch * batch)
{
  return g_queue_pop_head (&batch->ready);
}
