/* Engines shared by the trtinfer elements of a process: elements with the
 * same model and options (gst_trt_model_sharing_key) run one engine (its
 * weights and, on CUDA, its device constants held once), each with its own
 * execution context and stream. The first element to start loads or builds
 * it; an element that starts while that load runs waits for it rather than
 * loading a second copy; the last element to stop frees it. */
#ifndef GST_TRT_SHARED_H
#define GST_TRT_SHARED_H

#include "trtmodel.h"

G_BEGIN_DECLS

/* The engine for @options: another element's when one holds an engine for
 * the same key (@info then says GST_TRT_MODEL_ENGINE_SHARED and describes
 * that engine), else gst_trt_model_load()'s. NULL with @error when loading
 * fails. Give it back with gst_trt_shared_engine_release(). */
trt_engine_t *gst_trt_shared_engine_acquire (const GstTrtModelOptions *options,
    const GstTrtModelCallbacks *callbacks, gpointer user_data,
    GstTrtModelInfo *info, GError **error);

/* One user fewer; the engine is destroyed with its last. NULL is ignored. */
void gst_trt_shared_engine_release (trt_engine_t *engine);

G_END_DECLS

#endif
