/* Model loading for trtinfer: parse a model file (format chosen by its
 * extension), build an engine, and keep it in a plan file keyed by what the
 * engine depends on.
 *
 * No element code here: errors are GErrors in GStreamer's error domains
 * (the element posts them as they are), progress and warnings go through
 * callbacks. */
#ifndef GST_TRT_MODEL_H
#define GST_TRT_MODEL_H

#include <gst/gst.h>
#include <trt/trt.h>
#include <trt/caffe_parser.h>

#include "trtinputs.h"
#include "trtcache.h"

G_BEGIN_DECLS

typedef struct {
  gchar *model_file;            /* ONNX (or, later, Caffe deploy) */
  gchar *weights_file;          /* Caffe weights; NULL */
  gchar *engine_file;           /* plan cache; NULL: build every time */
  gchar *calibration_cache;     /* INT8 calibration cache; NULL */
  gchar *input_name;            /* NULL: the only input that can be an image */
  GstTrtInputLayout input_layout;
  GstStructure *input_values;   /* values of inputs other than the image; NULL */
  gchar **output_names;         /* NULL: the model's outputs */
  guint batch_size;
  guint width;                  /* 0: the model's */
  guint height;
  trt_precision_t precision;
  trt_backend_t backend;
  gint device_id;               /* -1: the default device */
  guint threads;                /* CPU backend, run-time; 0: automatic */
} GstTrtModelOptions;

void gst_trt_model_options_clear (GstTrtModelOptions * options);

typedef enum {
  GST_TRT_MODEL_STAGE_BUILD_START,      /* text: what is built from what */
  GST_TRT_MODEL_STAGE_BUILD_PARSED,     /* text: layer count */
  GST_TRT_MODEL_STAGE_BUILD_DONE,
  GST_TRT_MODEL_STAGE_BUILD_FAILED,
} GstTrtModelStage;

typedef struct {
  void (*progress) (GstTrtModelStage stage, const gchar * text, gpointer user_data);
  /* A problem that does not stop loading (a stale plan is rebuilt, a plan
   * that cannot be written). */
  void (*warning) (const gchar * text, const gchar * debug, gpointer user_data);
  /* The build's progress, 0 to 100 percent (trt_build_progress_fn), on
   * the thread that loads. May be NULL. */
  void (*build_progress) (gint percent, const gchar * step, gpointer user_data);
} GstTrtModelCallbacks;

/* Where the engine came from. */
typedef enum {
  GST_TRT_MODEL_ENGINE_BUILT,           /* no engine-file: built, not kept */
  GST_TRT_MODEL_ENGINE_LOADED,          /* loaded from engine_path */
  GST_TRT_MODEL_ENGINE_BUILT_SAVED,     /* built and written to engine_path */
  GST_TRT_MODEL_ENGINE_BUILT_NOT_SAVED, /* built; engine_path could not be written */
  GST_TRT_MODEL_ENGINE_SHARED,          /* another element's (trtshared.h) */
} GstTrtModelEngineSource;

/* What the element needs to know of a loaded engine. */
typedef struct {
  gint input_binding;           /* the image */
  guint channels;
  guint width;
  guint height;
  GstTrtInputPlan inputs;       /* the image's layout and type; the other inputs
                                 * (aux ids are bindings) */
  guint capacity;               /* frames per inference */
  guint num_outputs;
  gint *output_bindings;        /* in output-names order */
  gboolean loaded_from_plan;
  gchar *cache_key;
  GstTrtModelEngineSource engine_source;
  gchar *engine_path;           /* the plan file used or written; NULL: none */
  /* Why engine_path is not engine-file itself (engine-file holds another
   * engine); NULL when it is. */
  gchar *engine_reason;
  trt_backend_t backend;        /* the backend that runs the engine */
  gint device;                  /* its CUDA device ordinal (CUDA engines) */
  gchar *target;                /* "cpu fp32", "cuda:0 fp32 (NVIDIA H200)" */
} GstTrtModelInfo;

void gst_trt_model_info_clear (GstTrtModelInfo * info);
/* A deep copy of @src into @dest (cleared first by the caller). */
void gst_trt_model_info_copy (GstTrtModelInfo * dest, const GstTrtModelInfo * src);

/* The cache key (SHA-256 hex) over digests of the model's and weights'
 * bytes, the options the engine depends on, the engine library version and
 * @target (backend as resolved, device identity, precision). */
gchar *gst_trt_model_cache_key (const GstTrtModelOptions * options,
    const GstTrtTarget * target, GError ** error);

/* What decides whether two elements can run one engine: the cache key (or,
 * with engine-file alone, the plan file's path, size and time), the device
 * ordinal (identical cards share plans, not engines) and every option the
 * element's view of the engine depends on, threads included (a CPU
 * engine's contexts take theirs from it). SHA-256 hex; NULL when the model
 * or plan cannot be read or the target resolved (loading says why). With a
 * model-file, @cache_key receives the engine cache key it is made from (else
 * NULL), for gst_trt_model_load to use rather than digest the model again. */
gchar *gst_trt_model_sharing_key (const GstTrtModelOptions * options, gchar ** cache_key);

/* Loads `engine_file` when it holds an engine for this key. When it holds
 * something else, it is left as it is (never replaced, truncated or
 * deleted): the engine is loaded from, or built and written to, the
 * derived name of gst_trt_cache_derived_path() beside it, and a warning
 * says so. When it does not exist, the engine is built and written there.
 * @cache_key: gst_trt_model_cache_key()'s for these options, or NULL to
 * have it computed. Fills @info. */
trt_engine_t *gst_trt_model_load (const GstTrtModelOptions * options, const gchar * cache_key,
    const GstTrtModelCallbacks * callbacks, gpointer user_data,
    GstTrtModelInfo * info, GError ** error);

/* File extensions of the model formats, for messages: ".onnx". */
gchar *gst_trt_model_known_extensions (void);

G_END_DECLS

#endif
