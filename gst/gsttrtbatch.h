/* The batch of trtinfer: frames waiting for an inference, the input tensor
 * they were preprocessed into, and the buffers ready to leave.
 *
 * Frames keep their arrival order: a frame that is not inferred (interval)
 * waits behind the inferred frames that came before it. Running the batch
 * executes the engine on the filled slots, attaches a GstTrtTensorMeta to
 * each inferred frame (one per region in process-mode=roi) and moves every
 * waiting buffer to the ready queue.
 *
 * With @in_flight above 1, that many batches take turns (each with its own
 * execution context and, on a GPU, stream and buffers): running a batch
 * only starts it (a GPU works on it while the next fills), and its buffers
 * become ready when a later run needs its set again or at finish. Not
 * thread-safe: the element calls it under its sink pad's stream lock. */
#ifndef GST_TRT_BATCH_H
#define GST_TRT_BATCH_H

#include <gst/gst.h>
#include <trt/trt.h>

#include "trtmodel.h"
#include "trtpreprocess.h"

G_BEGIN_DECLS

typedef struct _GstTrtBatch GstTrtBatch;

/* Creates @in_flight execution contexts (at least one) for @engine; @info
 * describes its bindings. An input item is @item_bytes
 * (gst_trt_preprocess_item_bytes). With @device_outputs and a CUDA
 * engine, tensors stay in device memory (gst_trt_tensor_get_device_data). */
GstTrtBatch *gst_trt_batch_new (const trt_engine_t *engine,
    const GstTrtModelInfo *info, gsize item_bytes, guint in_flight,
    gboolean device_outputs, GError **error);
void gst_trt_batch_free (GstTrtBatch * batch);

guint gst_trt_batch_capacity (const GstTrtBatch * batch);
/* Batches that may run at once. */
guint gst_trt_batch_in_flight (const GstTrtBatch * batch);
/* The producer id that the metas of batches completing from now on record. */
void gst_trt_batch_set_unique_id (GstTrtBatch * batch, guint unique_id);
/* Whether the engine runs on a GPU (frames preprocessed there). */
gboolean gst_trt_batch_on_device (const GstTrtBatch * batch);
/* CPU engines: the most threads a layer is split across; 0 otherwise. */
gint gst_trt_batch_cpu_threads (const GstTrtBatch * batch);
/* Frames preprocessed into the input and not inferred yet. */
guint gst_trt_batch_filled (const GstTrtBatch * batch);
/* Buffers waiting (inferred or not) for the batch to run, or in a batch
 * that runs. */
gboolean gst_trt_batch_has_pending (const GstTrtBatch * batch);

/* Preprocesses @frame (of the buffer being appended), or its @region when
 * not NULL, into the next input item, per @config: on the CPU for CPU
 * engines, on the GPU for CUDA engines (the element type then the input
 * binding's). @frame_on_device (CUDA engines only): its planes are device
 * pointers of the engine's context (CUDA memory), read in place, else host
 * memory, uploaded (once per set for all regions of a frame). The batch
 * must not be full. FALSE with @error when the frame cannot be
 * preprocessed. */
gboolean gst_trt_batch_preprocess (GstTrtBatch *batch,
    const GstTrtPreprocessConfig *config, const GstVideoFrame *frame,
    const GstTrtPreprocessRegion *region, gboolean frame_on_device,
    GstTrtPreprocessGeometry *geometry, GError **error);

/* A buffer enters the batch in three steps: begin (ownership taken), one
 * add_item per item that gst_trt_batch_preprocess() just wrote (the frame,
 * roi_id -1, or each of its regions), end. A buffer with no item only
 * waits for its turn. Items may outnumber the free slots: run the batch
 * when it is full (between add_items too); the buffer leaves with its last
 * item's batch, carrying one meta per item. Inputs filled per frame (image
 * size, scale factor) take each item's geometry. */
void gst_trt_batch_begin_buffer (GstTrtBatch * batch, GstBuffer * buffer);
void gst_trt_batch_add_item (GstTrtBatch * batch, gint roi_id,
    const GstTrtPreprocessGeometry * geometry);
void gst_trt_batch_end_buffer (GstTrtBatch * batch);
/* begin, one item for the whole frame if @geometry is given, end. */
void gst_trt_batch_append (GstTrtBatch * batch, GstBuffer * buffer,
    const GstTrtPreprocessGeometry * geometry);

/* Starts the engine on the filled slots (if any); with one batch in flight
 * it also completes, and every pending buffer is ready. FALSE with @error
 * when a batch that completed failed: its buffers are dropped. */
gboolean gst_trt_batch_run (GstTrtBatch * batch, GstObject * log_object, GError ** error);
/* Runs the filled slots and completes every batch: all buffers ready. */
gboolean gst_trt_batch_finish (GstTrtBatch * batch, GstObject * log_object, GError ** error);
/* The oldest ready buffer (transfer full), or NULL. */
GstBuffer *gst_trt_batch_pop_ready (GstTrtBatch * batch);
/* Drops pending and ready buffers (flush). */
void gst_trt_batch_clear (GstTrtBatch * batch);

G_END_DECLS

#endif
