/**
 * SECTION:element-trtinfer
 * @title: trtinfer
 *
 * Runs a neural network with the trtinfer engine on every frame (or one
 * frame in `interval + 1`) and attaches its outputs to the frame as a
 * GstTrtTensorMeta (see gsttrttensormeta.h). Video passes through unchanged.
 *
 * On the NULL to READY change the element loads `engine-file` when it holds
 * an engine built from this model with these options, otherwise builds one
 * from `model-file` (posting progress messages with a percentage) and
 * writes it to `engine-file` for next time. When `engine-file` holds an
 * engine for another model or other options, that file is left as it is:
 * the engine goes to a name derived from it (`det.plan` ->
 * `det_b4_cpu_fp32_1a2b3c4d.plan`) and a message says so. In a pipeline
 * the element builds in a background thread (`async-build`, the default):
 * READY to PAUSED returns ASYNC while the build runs and completes when it
 * is done, so the application's main loop keeps running; its errors reach
 * the bus. The `active-backend` property and an INFO message say which
 * backend and precision run the engine. Frames are converted, resized and normalized
 * to the network input, batched up to `batch-size` frames (a partial batch
 * runs after `batch-timeout`, at EOS and on other serialized events) and
 * leave in their order with their timestamps.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=100 ! \
 *     trtinfer model-file=model.onnx engine-file=model.plan ! fakesink
 * ]|
 * Builds (first run) or loads (later runs) an engine for model.onnx and runs
 * it on 100 test frames. Add `GST_DEBUG=trtinfer:5` to see each frame's
 * tensors.
 *
 * ## Model inputs
 * The image input is 4-D, NCHW or NHWC (`input-layout`, read from the dims by
 * default), float32 (normalized by `offsets`, `scale`, `mean`, `std`) or
 * uint8 (raw pixels; normalization properties are refused), with 1 (luma),
 * 3 (`channel-order`) or 4 channels (alpha from RGBA/BGRA frames, else 255).
 * `input-name` names it when more than one input could be it. Every other
 * input is filled by the element: inputs named `im_shape` and `scale_factor`
 * (PaddleDetection's detectors) get the resized frame's (height, width) and
 * resized / source as (y, x) for every frame; others take values from
 * `input-values`:
 * |[
 * gst-launch-1.0 filesrc location=street.mp4 ! decodebin ! videoconvert ! \
 *     trtinfer model-file=detector.onnx \
 *     input-values="values, size=image-size, threshold=0.5" ! fakesink
 * ]|
 */
#include "gsttrtinfer.h"
#include "trtcudainput.h"
#include "trtmessage.h"
#include "trtpinned.h"

#include <gst/video/video.h>
#include <trt/trt.h>

#include "gsttrtbatch.h"
#include "trtinputs.h"
#include "trtmodel.h"
#include "trtpreprocess.h"
#include "trtregion.h"
#include "trtshared.h"

GST_DEBUG_CATEGORY (gst_trt_infer_debug);
#define GST_CAT_DEFAULT gst_trt_infer_debug

/* ---- enum property types ------------------------------------------------ */

#define GST_TYPE_TRT_INFER_PRECISION (gst_trt_infer_precision_get_type ())
static GType
gst_trt_infer_precision_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {TRT_PRECISION_FP32, "32-bit floating point", "fp32"},
    {TRT_PRECISION_FP16, "16-bit floating point on tensor cores (CUDA backend)", "fp16"},
    {TRT_PRECISION_INT8, "8-bit integer with calibration (not available yet: refused)",
        "int8"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferPrecision", values));
  return type;
}

#define GST_TYPE_TRT_INFER_BACKEND (gst_trt_infer_backend_get_type ())
static GType
gst_trt_infer_backend_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {TRT_BACKEND_AUTO, "CUDA when a usable GPU is present, else the CPU", "auto"},
    {TRT_BACKEND_CPU, "CPU reference backend", "cpu"},
    {TRT_BACKEND_CUDA, "CUDA backend", "cuda"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferBackend", values));
  return type;
}

typedef enum
{
  GST_TRT_OUTPUT_MEMORY_SYSTEM,
  GST_TRT_OUTPUT_MEMORY_DEVICE,
} GstTrtOutputMemory;

#define GST_TYPE_TRT_INFER_OUTPUT_MEMORY                                       \
  (gst_trt_infer_output_memory_get_type ())
static GType
gst_trt_infer_output_memory_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_TRT_OUTPUT_MEMORY_SYSTEM, "Tensors copied to system memory",
          "system"},
      {GST_TRT_OUTPUT_MEMORY_DEVICE,
          "Tensors left in GPU memory (CUDA backend; "
          "gst_trt_tensor_get_device_data)",
          "device"},
      {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstTrtInferOutputMemory", values));
  return type;
}

#define GST_TYPE_TRT_INFER_CHANNEL_ORDER (gst_trt_infer_channel_order_get_type ())
static GType
gst_trt_infer_channel_order_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_CHANNEL_ORDER_RGB, "Red, green, blue (then alpha for 4 channels)", "rgb"},
    {GST_TRT_CHANNEL_ORDER_BGR, "Blue, green, red (then alpha for 4 channels)", "bgr"},
    {GST_TRT_CHANNEL_ORDER_GRAY, "One luma plane (1-channel models)", "gray"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferChannelOrder", values));
  return type;
}

#define GST_TYPE_TRT_INFER_INTERPOLATION (gst_trt_infer_interpolation_get_type ())
static GType
gst_trt_infer_interpolation_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_INTERPOLATION_BILINEAR, "Bilinear, half-pixel centres", "bilinear"},
    {GST_TRT_INTERPOLATION_NEAREST, "Nearest neighbour (the source pixel under each centre)",
        "nearest"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferInterpolation", values));
  return type;
}

#define GST_TYPE_TRT_INFER_INPUT_LAYOUT (gst_trt_infer_input_layout_get_type ())
static GType
gst_trt_infer_input_layout_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_INPUT_LAYOUT_AUTO, "From the dims: NCHW when dim 1 can be 1, 3 or 4 "
          "channels, else NHWC when dim 3 can", "auto"},
    {GST_TRT_INPUT_LAYOUT_NCHW, "Channel planes: [N,C,H,W]", "nchw"},
    {GST_TRT_INPUT_LAYOUT_NHWC, "Interleaved channels: [N,H,W,C]", "nhwc"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferInputLayout", values));
  return type;
}

typedef enum {
  GST_TRT_PROCESS_MODE_FRAME,
  GST_TRT_PROCESS_MODE_ROI,
} GstTrtProcessMode;

#define GST_TYPE_TRT_INFER_PROCESS_MODE (gst_trt_infer_process_mode_get_type ())
static GType
gst_trt_infer_process_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_PROCESS_MODE_FRAME, "Infer on whole frames", "frame"},
    {GST_TRT_PROCESS_MODE_ROI, "Infer on the regions of interest upstream elements attached "
          "(each cropped, text regions along their corners), results attached per region",
        "roi"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferProcessMode", values));
  return type;
}

#define GST_TYPE_TRT_INFER_PAD_POSITION (gst_trt_infer_pad_position_get_type ())
static GType
gst_trt_infer_pad_position_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRT_PAD_CENTER, "Image centred, padding on both sides", "center"},
    {GST_TRT_PAD_TOP_LEFT, "Image at the top-left, padding right and bottom (text "
          "recognizers such as PP-OCR rec)", "top-left"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstTrtInferPadPosition", values));
  return type;
}

/* ---- properties ---------------------------------------------------------- */

enum
{
  PROP_0,
  PROP_MODEL_FILE,
  PROP_WEIGHTS_FILE,
  PROP_ENGINE_FILE,
  PROP_OUTPUT_NAMES,
  PROP_INPUT_NAME,
  PROP_BATCH_SIZE,
  PROP_BATCH_TIMEOUT,
  PROP_PRECISION,
  PROP_CALIBRATION_CACHE,
  PROP_DEVICE_ID,
  PROP_BACKEND,
  PROP_INTERVAL,
  PROP_MEAN,
  PROP_STD,
  PROP_SCALE,
  PROP_OFFSETS,
  PROP_CHANNEL_ORDER,
  PROP_KEEP_ASPECT_RATIO,
  PROP_INTERPOLATION,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_INPUT_LAYOUT,
  PROP_INPUT_VALUES,
  PROP_ASYNC_BUILD,
  PROP_ACTIVE_BACKEND,
  PROP_THREADS,
  PROP_BATCHES_IN_FLIGHT,
  PROP_OUTPUT_MEMORY,
  PROP_UNIQUE_ID,
  PROP_POST_MESSAGES,
  PROP_MESSAGE_VALUES,
  PROP_PROCESS_MODE,
  PROP_INFER_ON_ID,
  PROP_ROI_TYPES,
  PROP_PAD_POSITION,
  PROP_FIT_HEIGHT,
  PROP_PLUGIN_LIBRARIES,
};

#define DEFAULT_PROP_BATCH_SIZE 1
#define DEFAULT_PROP_BATCH_TIMEOUT 0
#define DEFAULT_PROP_PRECISION TRT_PRECISION_FP32
#define DEFAULT_PROP_DEVICE_ID -1
#define DEFAULT_PROP_BACKEND TRT_BACKEND_AUTO
#define DEFAULT_PROP_INTERVAL 0
#define DEFAULT_PROP_UNIQUE_ID 1
#define DEFAULT_PROP_POST_MESSAGES FALSE
#define DEFAULT_PROP_MESSAGE_VALUES 16
#define DEFAULT_PROP_MEAN 0.0f
#define DEFAULT_PROP_STD 1.0f
#define DEFAULT_PROP_SCALE (1.0f / 255.0f)
#define DEFAULT_PROP_OFFSETS 0.0f
#define DEFAULT_PROP_CHANNEL_ORDER GST_TRT_CHANNEL_ORDER_RGB
#define DEFAULT_PROP_KEEP_ASPECT_RATIO FALSE
#define DEFAULT_PROP_PROCESS_MODE GST_TRT_PROCESS_MODE_FRAME
#define DEFAULT_PROP_INFER_ON_ID -1
#define DEFAULT_PROP_PAD_POSITION GST_TRT_PAD_CENTER
#define DEFAULT_PROP_FIT_HEIGHT FALSE
#define DEFAULT_PROP_INTERPOLATION GST_TRT_INTERPOLATION_BILINEAR
#define DEFAULT_PROP_WIDTH 0
#define DEFAULT_PROP_HEIGHT 0
#define DEFAULT_PROP_INPUT_LAYOUT GST_TRT_INPUT_LAYOUT_AUTO
#define DEFAULT_PROP_ASYNC_BUILD TRUE
#define DEFAULT_PROP_THREADS 0
#define DEFAULT_PROP_BATCHES_IN_FLIGHT 1
#define DEFAULT_PROP_OUTPUT_MEMORY GST_TRT_OUTPUT_MEMORY_SYSTEM
#define MAX_BATCHES_IN_FLIGHT 8
#define MAX_BATCH_SIZE 1024

/* A per-channel value list: one value for every channel, or one each. */
typedef struct {
  guint count;                  /* 0: the default */
  gfloat values[GST_TRT_PREPROCESS_MAX_CHANNELS];
} ChannelValues;

/* The normalization properties set since the element was made: uint8
 * inputs take raw pixels, and refuse them rather than ignore them. */
typedef enum {
  NORMALIZATION_MEAN = 1 << 0,
  NORMALIZATION_STD = 1 << 1,
  NORMALIZATION_SCALE = 1 << 2,
  NORMALIZATION_OFFSETS = 1 << 3,
} NormalizationSet;

struct _GstTrtInfer {
  GstBaseTransform parent;

  /* properties, under the object lock */
  gchar *model_file;
  gchar *weights_file;
  gchar *engine_file;
  gchar **output_names;
  gchar **plugin_libraries;
  gchar *input_name;
  guint batch_size;
  guint batch_timeout;          /* microseconds; 0: wait for a full batch */
  guint batches_in_flight;
  GstTrtOutputMemory output_memory;
  trt_precision_t precision;
  gchar *calibration_cache;
  gint device_id;
  trt_backend_t backend;
  guint interval;
  guint unique_id;
  gboolean post_messages;
  guint message_values;
  ChannelValues mean, std, offsets;
  gfloat scale;
  GstTrtChannelOrder channel_order;
  gboolean keep_aspect_ratio;
  GstTrtPadPosition pad_position;
  gboolean fit_height;
  GstTrtProcessMode process_mode;
  gint infer_on_id;             /* -1: regions of any producer */
  gchar **roi_types;            /* NULL: every type */
  GstTrtInterpolation interpolation;
  guint width, height;
  GstTrtInputLayout input_layout;
  GstStructure *input_values;
  NormalizationSet normalization_set;
  gboolean async_build;
  gchar *active_backend;        /* "cpu fp32"; NULL until an engine is loaded */
  guint threads;                /* CPU backend; 0: automatic */
  gboolean engine_stale;        /* an engine property changed since loading */

  /* async-build: the thread that loads or builds the engine, and READY to
   * PAUSED waiting for it (ASYNC), under build_lock */
  GThread *build_thread;
  GMutex build_lock;
  GCond build_cond;
  gboolean build_running;       /* the thread has not finished */
  gboolean build_ok;            /* what it gave, once finished */
  gboolean async_pending;       /* READY->PAUSED returned ASYNC: the thread completes it */
  gboolean async_started;       /* ...and has posted ASYNC_START and returned */
  gboolean stream_abort;        /* flushing or stopping: streaming stops waiting */

  /* the engine's CUDA context for upstream elements (CUDA engines; made at
   * the first context query or CUDA-memory frame), under the object lock */
  GstTrtCudaInput *cuda_input;
  gboolean cuda_input_failed;
  gboolean foreign_cuda_warned, device_frames_logged, host_frames_logged; /* streaming */

  /* the engine: set and cleared by state changes */
  trt_engine_t *engine;
  GstTrtModelInfo info;

  /* streaming, under the sink pad's stream lock */
  GstTrtBatch *batch;
  GstTrtPreprocessConfig preprocess;
  GstVideoInfo video_info;
  gboolean negotiated;
  guint skip_left;              /* frames to pass before the next inference */
  GstFlowReturn timer_flow;     /* result of the timer thread's last push */
  guint64 timeout_us;

  /* batch-timeout: a thread that runs a partial batch when it is due */
  GThread *timer;
  GMutex timer_lock;
  GCond timer_cond;
  gboolean timer_quit;
  gint64 deadline;              /* monotonic microseconds; 0: none */
};

#define gst_trt_infer_parent_class parent_class
G_DEFINE_TYPE (GstTrtInfer, gst_trt_infer, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trtinfer, "trtinfer", GST_RANK_NONE,
    GST_TYPE_TRT_INFER,
    GST_DEBUG_CATEGORY_INIT (gst_trt_infer_debug, "trtinfer", 0, "trtinfer element"));

#define VIDEO_FORMATS "{ RGB, BGR, RGBA, BGRA, RGBx, BGRx, NV12, I420, GRAY8 }"

/* Frames in CUDA memory first: where upstream can give them (NVDEC,
 * cudaupload) they stay on the GPU (trtcudainput.h). */
#define SINK_CAPS GST_TRT_CUDA_VIDEO_CAPS (VIDEO_FORMATS) GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (SINK_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (SINK_CAPS));

static void gst_trt_infer_finalize (GObject * object);
static void gst_trt_infer_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_trt_infer_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_trt_infer_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_trt_infer_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps);
static gboolean gst_trt_infer_sink_event (GstBaseTransform * trans, GstEvent * event);
static gboolean gst_trt_infer_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query);
static gboolean gst_trt_infer_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query);
static GstFlowReturn gst_trt_infer_submit_input_buffer (GstBaseTransform * trans,
    gboolean is_discont, GstBuffer * input);
static GstFlowReturn gst_trt_infer_generate_output (GstBaseTransform * trans,
    GstBuffer ** outbuf);

static GParamSpec *
channel_values_spec (const gchar * name, const gchar * blurb, gfloat default_value)
{
  return gst_param_spec_array (name, name, blurb,
      g_param_spec_float ("value", "value", "One channel's value", -G_MAXFLOAT, G_MAXFLOAT,
          default_value, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS),
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
}

static void
gst_trt_infer_class_init (GstTrtInferClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags ready = flags | GST_PARAM_MUTABLE_READY;

  gobject_class->finalize = gst_trt_infer_finalize;
  gobject_class->set_property = gst_trt_infer_set_property;
  gobject_class->get_property = gst_trt_infer_get_property;

  g_object_class_install_property (gobject_class, PROP_MODEL_FILE,
      g_param_spec_string ("model-file", "Model file",
          "Network to build the engine from: ONNX (.onnx) or Caffe deploy (.prototxt)", NULL, ready));
  g_object_class_install_property (gobject_class, PROP_WEIGHTS_FILE,
      g_param_spec_string ("weights-file", "Weights file",
          "Trained weights of a Caffe deploy model-file (.caffemodel)", NULL, ready));
  g_object_class_install_property (gobject_class, PROP_ENGINE_FILE,
      g_param_spec_string ("engine-file", "Engine file",
          "Plan file caching the built engine: loaded when it was built from this "
          "model with these options (and backend, device, precision); else the engine is "
          "built and written there when the file does not exist yet, or beside it "
          "(name_b<batch>_<backend>_<precision>_<key>.plan) when it holds another "
          "engine: a file that exists is never replaced. A regular file (or none yet), "
          "not the model-file or weights-file", NULL, ready));
  g_object_class_install_property (gobject_class, PROP_OUTPUT_NAMES,
      gst_param_spec_array ("output-names", "Output names",
          "Tensors to report, in this order, e.g. \"<probs,boxes>\" (default: the "
          "model's outputs); intermediate tensors may be named",
          g_param_spec_string ("name", "name", "A tensor name", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), ready));
  g_object_class_install_property (gobject_class, PROP_PLUGIN_LIBRARIES,
      gst_param_spec_array ("plugin-libraries", "Plugin libraries",
          "Shared libraries of engine plugins (custom layers, trt/plugin.h) to load "
          "before the model is parsed or the engine-file loaded, e.g. "
          "\"<libmyops.so>\": a model with ops that only a plugin knows needs its "
          "library here. Libraries stay loaded for the life of the process",
          g_param_spec_string ("path", "path", "A plugin library", NULL,
              G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS), ready));
  g_object_class_install_property (gobject_class, PROP_INPUT_NAME,
      g_param_spec_string ("input-name", "Input name",
          "Network input that receives the frames: 4-D NCHW or NHWC, float32 or uint8, "
          "1, 3 or 4 channels (default: the only input that can be one); the element "
          "fills the other inputs (see input-values)", NULL, ready));
  g_object_class_install_property (gobject_class, PROP_INPUT_LAYOUT,
      g_param_spec_enum ("input-layout", "Input layout",
          "Layout of the image input; auto reads it from the dims and takes NCHW when "
          "both could be (set nhwc for an NHWC input whose height is 1, 3 or 4)",
          GST_TYPE_TRT_INFER_INPUT_LAYOUT, DEFAULT_PROP_INPUT_LAYOUT, ready));
  g_object_class_install_property (gobject_class, PROP_INPUT_VALUES,
      g_param_spec_boxed ("input-values", "Input values",
          "Values of the inputs other than the image, by input name, as a structure: "
          "\"values, threshold=0.5, offsets=<1.0,2.0>, size=image-size, "
          "scale=scale-factor\"; image-size is the resized frame's (height, width), "
          "scale-factor is resized / source as (y, x), per frame. Inputs named im_shape "
          "and scale_factor (PaddleDetection) get those without being named here",
          GST_TYPE_STRUCTURE, ready));
  g_object_class_install_property (gobject_class, PROP_BATCH_SIZE,
      g_param_spec_uint ("batch-size", "Batch size",
          "Frames inferred together (ONNX models need a dynamic batch dimension; "
          "Caffe models are built for it)",
          1, MAX_BATCH_SIZE, DEFAULT_PROP_BATCH_SIZE, ready));
  g_object_class_install_property (gobject_class, PROP_BATCH_TIMEOUT,
      g_param_spec_uint ("batch-timeout", "Batch timeout",
          "Microseconds a partial batch waits for more frames before it runs "
          "(0: until the batch is full, EOS or a serialized event)",
          0, G_MAXUINT, DEFAULT_PROP_BATCH_TIMEOUT, ready));
  g_object_class_install_property (gobject_class, PROP_BATCHES_IN_FLIGHT,
      g_param_spec_uint ("batches-in-flight", "Batches in flight",
          "Batches that run at once, each with its own execution context (and on a GPU "
          "its own stream and buffers): above 1, a batch runs while the next one fills, "
          "and its frames leave when a later batch needs its place, at a serialized "
          "event, or after batch-timeout",
          1, MAX_BATCHES_IN_FLIGHT, DEFAULT_PROP_BATCHES_IN_FLIGHT, ready));
  g_object_class_install_property (gobject_class, PROP_OUTPUT_MEMORY,
      g_param_spec_enum ("output-memory", "Output memory",
          "Where the meta's tensors are: copied to system memory, or left in "
          "GPU memory "
          "(CUDA backend) for GPU consumers, valid while the buffer lives "
          "(reading them "
          "on the CPU copies them once)",
          GST_TYPE_TRT_INFER_OUTPUT_MEMORY, DEFAULT_PROP_OUTPUT_MEMORY, ready));
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision", "Arithmetic the engine is built for "
          "(fp16: CUDA backend, float32 inputs and outputs kept; int8 is refused)",
          GST_TYPE_TRT_INFER_PRECISION, DEFAULT_PROP_PRECISION, ready));
  g_object_class_install_property (gobject_class, PROP_CALIBRATION_CACHE,
      g_param_spec_string ("calibration-cache", "Calibration cache",
          "INT8 calibration cache file (precision=int8; INT8 is not available yet, so "
          "setting it is refused)", NULL, ready));
  g_object_class_install_property (gobject_class, PROP_DEVICE_ID,
      g_param_spec_int ("device-id", "Device ID", "CUDA device ordinal (-1: the default)",
          -1, G_MAXINT, DEFAULT_PROP_DEVICE_ID, ready));
  g_object_class_install_property (gobject_class, PROP_BACKEND,
      g_param_spec_enum ("backend", "Backend", "Where the engine runs",
          GST_TYPE_TRT_INFER_BACKEND, DEFAULT_PROP_BACKEND, ready));
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint ("interval", "Interval",
          "Frames passed without inference between two inferred frames",
          0, G_MAXUINT, DEFAULT_PROP_INTERVAL, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_UNIQUE_ID,
      g_param_spec_uint ("unique-id", "Unique id",
          "This element's id, recorded in its tensor metas (gst_trt_tensor_meta_get_by_producer) "
          "and messages, so that the results of several trtinfer elements in one pipeline stay "
          "apart (nvinfer's gie-unique-id)",
          0, G_MAXUINT, DEFAULT_PROP_UNIQUE_ID, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post each inferred frame's results on the bus as an element message named "
          "\"trtinfer\" (unique-id, timestamp, stream-time, running-time, duration, and per "
          "tensor its name, type, dims and leading values), as level and spectrum do: "
          "gst-launch-1.0 -m prints them",
          DEFAULT_PROP_POST_MESSAGES, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MESSAGE_VALUES,
      g_param_spec_uint ("message-values", "Message values",
          "How many leading values of each tensor a message carries (post-messages)",
          0, G_MAXINT, DEFAULT_PROP_MESSAGE_VALUES, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MEAN,
      channel_values_spec ("mean", "Per-channel value subtracted after scaling: "
          "y = ((x - offsets) * scale - mean) / std, x in 0..255; one value or one per "
          "channel, e.g. \"<0.485,0.456,0.406>\" (default 0). Float inputs only: uint8 "
          "inputs take raw pixels and refuse mean, std, scale and offsets",
          DEFAULT_PROP_MEAN));
  g_object_class_install_property (gobject_class, PROP_STD,
      channel_values_spec ("std", "Per-channel divisor after subtracting mean, e.g. "
          "\"<0.229,0.224,0.225>\" (default 1)", DEFAULT_PROP_STD));
  g_object_class_install_property (gobject_class, PROP_SCALE,
      g_param_spec_float ("scale", "Scale",
          "Factor applied to pixel values (0..255) after subtracting offsets",
          -G_MAXFLOAT, G_MAXFLOAT, DEFAULT_PROP_SCALE, ready));
  g_object_class_install_property (gobject_class, PROP_OFFSETS,
      channel_values_spec ("offsets", "Per-channel value subtracted from pixel values "
          "(0..255) before scaling, e.g. \"<123.7,116.3,103.5>\" (default 0)",
          DEFAULT_PROP_OFFSETS));
  g_object_class_install_property (gobject_class, PROP_CHANNEL_ORDER,
      g_param_spec_enum ("channel-order", "Channel order",
          "Order of the colour channels of the network input (4 channels: alpha last, "
          "from RGBA/BGRA frames, else 255)",
          GST_TYPE_TRT_INFER_CHANNEL_ORDER, DEFAULT_PROP_CHANNEL_ORDER, ready));
  g_object_class_install_property (gobject_class, PROP_KEEP_ASPECT_RATIO,
      g_param_spec_boolean ("keep-aspect-ratio", "Keep aspect ratio",
          "Scale frames without distortion and pad the rest (centred, value 0)",
          DEFAULT_PROP_KEEP_ASPECT_RATIO, ready));
  g_object_class_install_property (gobject_class, PROP_PAD_POSITION,
      g_param_spec_enum ("pad-position", "Pad position",
          "With keep-aspect-ratio, where the image goes and the padding with it",
          GST_TYPE_TRT_INFER_PAD_POSITION, DEFAULT_PROP_PAD_POSITION, ready));
  g_object_class_install_property (gobject_class, PROP_FIT_HEIGHT,
      g_param_spec_boolean ("fit-height", "Fit height",
          "With keep-aspect-ratio: the image always fills the network's height and its width "
          "follows up to the network's width, longer images squeezed into it (text lines for "
          "recognizers: PP-OCR rec and cls, CRNN)",
          DEFAULT_PROP_FIT_HEIGHT, ready));
  g_object_class_install_property (gobject_class, PROP_PROCESS_MODE,
      g_param_spec_enum ("process-mode", "Process mode",
          "Infer on whole frames, or on the regions of interest (GstVideoRegionOfInterestMeta) "
          "that upstream elements attached: each region is cropped (a text region along its "
          "corners, upright), preprocessed as frames are, batched across regions and frames, "
          "and its tensors attached in a meta naming the region (roi_id); decoders write "
          "their results into that region. Frames without a matching region pass",
          GST_TYPE_TRT_INFER_PROCESS_MODE, DEFAULT_PROP_PROCESS_MODE, ready));
  g_object_class_install_property (gobject_class, PROP_INFER_ON_ID,
      g_param_spec_int ("infer-on-id", "Infer on id",
          "process-mode=roi: only the regions that the decoder of the trtinfer with this "
          "unique-id made (their structures' producer-id); -1: every region",
          -1, G_MAXINT, DEFAULT_PROP_INFER_ON_ID, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_ROI_TYPES,
      g_param_spec_string ("roi-types", "Region types",
          "process-mode=roi: comma-separated region types to infer on (e.g. \"car,bus\"); "
          "empty: every type", NULL, flags | GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_INTERPOLATION,
      g_param_spec_enum ("interpolation", "Interpolation",
          "How frames are resized to the network input",
          GST_TYPE_TRT_INFER_INTERPOLATION, DEFAULT_PROP_INTERPOLATION, ready));
  g_object_class_install_property (gobject_class, PROP_WIDTH,
      g_param_spec_uint ("width", "Width",
          "Network input width for models that leave it dynamic (0: the model's)",
          0, G_MAXINT, DEFAULT_PROP_WIDTH, ready));
  g_object_class_install_property (gobject_class, PROP_HEIGHT,
      g_param_spec_uint ("height", "Height",
          "Network input height for models that leave it dynamic (0: the model's)",
          0, G_MAXINT, DEFAULT_PROP_HEIGHT, ready));
  g_object_class_install_property (gobject_class, PROP_THREADS,
      g_param_spec_uint ("threads", "CPU threads",
          "CPU backend: the most threads each layer is split across. 0: automatic, "
          "up to the cores the process may use, drawn from one pool that every "
          "trtinfer of the process shares (elements that run at once share the "
          "cores instead of each taking all of them); 1: the streaming thread "
          "only, often best beside other busy elements. Outputs are the same for "
          "every value. Ignored by the CUDA backend",
          0, TRT_CPU_THREADS_MAX, DEFAULT_PROP_THREADS, ready));

  g_object_class_install_property (gobject_class, PROP_ASYNC_BUILD,
      g_param_spec_boolean ("async-build", "Asynchronous build",
          "In a pipeline, load or build the engine in a background thread: READY to "
          "PAUSED returns ASYNC until it is done and the main loop keeps running "
          "(FALSE: block the state change, as an element outside a pipeline always does)",
          DEFAULT_PROP_ASYNC_BUILD, ready));
  g_object_class_install_property (gobject_class, PROP_ACTIVE_BACKEND,
      g_param_spec_string ("active-backend", "Active backend",
          "Backend, device and precision that run the loaded engine, e.g. \"cpu fp32\" or "
          "\"cuda:0 fp32 (NVIDIA H200)\": what backend=auto chose (NULL until loaded)",
          NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_set_static_metadata (element_class, "TensorRT-style inference",
      "Filter/Effect/Video", "Runs a neural network on video frames and attaches "
      "its output tensors as meta", "trtinfer developers");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_trt_infer_change_state);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_trt_infer_set_caps);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_trt_infer_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_trt_infer_query);
  trans_class->propose_allocation = GST_DEBUG_FUNCPTR (gst_trt_infer_propose_allocation);
  trans_class->submit_input_buffer = GST_DEBUG_FUNCPTR (gst_trt_infer_submit_input_buffer);
  trans_class->generate_output = GST_DEBUG_FUNCPTR (gst_trt_infer_generate_output);

  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_PRECISION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_BACKEND, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_OUTPUT_MEMORY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_CHANNEL_ORDER, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_INTERPOLATION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_INPUT_LAYOUT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_PROCESS_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRT_INFER_PAD_POSITION, 0);
}

/* Batching holds buffers, which GstBaseTransform's one-in-one-out
 * transform() cannot express. The element overrides the two halves of the
 * base class's chain instead: submit_input_buffer() takes the frame (the
 * parent's handles QoS and keeps it in queued_buf), generate_output()
 * preprocesses it into the batch and hands back the buffers that are ready,
 * one per call; the base class calls it until it returns none and pushes
 * each. Buffers are the input buffers themselves (writable for the meta), so
 * the element is in passthrough: allocation queries go downstream, caps are
 * the same on both pads. A partial batch is run by the serialized events
 * (EOS, caps, segment, gap) and by a timer thread (batch-timeout), both
 * under the sink pad's stream lock so that order is kept. */
static void
gst_trt_infer_init (GstTrtInfer * self)
{
  self->batch_size = DEFAULT_PROP_BATCH_SIZE;
  self->batches_in_flight = DEFAULT_PROP_BATCHES_IN_FLIGHT;
  self->output_memory = DEFAULT_PROP_OUTPUT_MEMORY;
  self->batch_timeout = DEFAULT_PROP_BATCH_TIMEOUT;
  self->precision = DEFAULT_PROP_PRECISION;
  self->device_id = DEFAULT_PROP_DEVICE_ID;
  self->backend = DEFAULT_PROP_BACKEND;
  self->interval = DEFAULT_PROP_INTERVAL;
  self->unique_id = DEFAULT_PROP_UNIQUE_ID;
  self->post_messages = DEFAULT_PROP_POST_MESSAGES;
  self->message_values = DEFAULT_PROP_MESSAGE_VALUES;
  self->scale = DEFAULT_PROP_SCALE;
  self->channel_order = DEFAULT_PROP_CHANNEL_ORDER;
  self->keep_aspect_ratio = DEFAULT_PROP_KEEP_ASPECT_RATIO;
  self->pad_position = DEFAULT_PROP_PAD_POSITION;
  self->fit_height = DEFAULT_PROP_FIT_HEIGHT;
  self->process_mode = DEFAULT_PROP_PROCESS_MODE;
  self->infer_on_id = DEFAULT_PROP_INFER_ON_ID;
  self->interpolation = DEFAULT_PROP_INTERPOLATION;
  self->width = DEFAULT_PROP_WIDTH;
  self->height = DEFAULT_PROP_HEIGHT;
  self->input_layout = DEFAULT_PROP_INPUT_LAYOUT;
  self->async_build = DEFAULT_PROP_ASYNC_BUILD;
  self->threads = DEFAULT_PROP_THREADS;
  gst_trt_model_info_clear (&self->info);
  g_mutex_init (&self->timer_lock);
  g_cond_init (&self->timer_cond);
  g_mutex_init (&self->build_lock);
  g_cond_init (&self->build_cond);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_trt_infer_finalize (GObject * object)
{
  GstTrtInfer *self = GST_TRT_INFER (object);

  g_free (self->model_file);
  g_free (self->weights_file);
  g_free (self->engine_file);
  g_strfreev (self->output_names);
  g_strfreev (self->plugin_libraries);
  g_strfreev (self->roi_types);
  g_free (self->input_name);
  g_free (self->calibration_cache);
  if (self->input_values)
    gst_structure_free (self->input_values);
  g_free (self->active_backend);
  gst_trt_batch_free (self->batch);
  gst_trt_shared_engine_release (self->engine);
  gst_trt_model_info_clear (&self->info);
  gst_trt_cuda_input_free (self->cuda_input);
  g_mutex_clear (&self->timer_lock);
  g_cond_clear (&self->timer_cond);
  g_mutex_clear (&self->build_lock);
  g_cond_clear (&self->build_cond);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* ---- property helpers ---------------------------------------------------- */

static gboolean
value_to_float (const GValue * value, gfloat * out)
{
  GValue number = G_VALUE_INIT;

  g_value_init (&number, G_TYPE_DOUBLE);
  if (!g_value_transform (value, &number))
    return FALSE;
  *out = (gfloat) g_value_get_double (&number);
  return TRUE;
}

static void
set_channel_values (GstTrtInfer * self, ChannelValues * out, const gchar * name,
    const GValue * value)
{
  guint count = gst_value_array_get_size (value);
  ChannelValues parsed = { 0, {0} };

  /* More values than any input has channels are kept as a count (and the
   * first values), so that READY->PAUSED refuses them as it refuses too
   * few. */
  for (guint i = 0; i < MIN (count, G_N_ELEMENTS (parsed.values)); i++) {
    if (!value_to_float (gst_value_array_get_value (value, i), &parsed.values[i])) {
      GST_WARNING_OBJECT (self, "%s: value %u is not a number; ignored", name, i);
      return;
    }
  }
  parsed.count = count;
  *out = parsed;
}

static void
get_channel_values (const ChannelValues * in, gfloat default_value, GValue * value)
{
  GValue item = G_VALUE_INIT;

  g_value_init (&item, G_TYPE_FLOAT);
  for (guint i = 0; i < CLAMP (in->count, 1, G_N_ELEMENTS (in->values)); i++) {
    g_value_set_float (&item, in->count ? in->values[i] : default_value);
    gst_value_array_append_value (value, &item);
  }
  g_value_unset (&item);
}

static gchar **
strv_from_array (const GValue * value)
{
  guint count = gst_value_array_get_size (value);
  gchar **names;

  if (count == 0)
    return NULL;
  names = g_new0 (gchar *, count + 1);
  for (guint i = 0; i < count; i++) {
    const GValue *item = gst_value_array_get_value (value, i);
    names[i] = G_VALUE_HOLDS_STRING (item) ? g_value_dup_string (item)
        : g_strdup_value_contents (item);
  }
  return names;
}

static void
gst_trt_infer_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  GstTrtInfer *self = GST_TRT_INFER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL_FILE:
      g_free (self->model_file);
      self->model_file = g_value_dup_string (value);
      break;
    case PROP_WEIGHTS_FILE:
      g_free (self->weights_file);
      self->weights_file = g_value_dup_string (value);
      break;
    case PROP_ENGINE_FILE:
      g_free (self->engine_file);
      self->engine_file = g_value_dup_string (value);
      break;
    case PROP_OUTPUT_NAMES:
      g_strfreev (self->output_names);
      self->output_names = strv_from_array (value);
      break;
    case PROP_PLUGIN_LIBRARIES:
      g_strfreev (self->plugin_libraries);
      self->plugin_libraries = strv_from_array (value);
      break;
    case PROP_INPUT_NAME:
      g_free (self->input_name);
      self->input_name = g_value_dup_string (value);
      break;
    case PROP_BATCH_SIZE:
      self->batch_size = g_value_get_uint (value);
      break;
    case PROP_BATCH_TIMEOUT:
      self->batch_timeout = g_value_get_uint (value);
      break;
    case PROP_BATCHES_IN_FLIGHT:
      self->batches_in_flight = g_value_get_uint (value);
      break;
    case PROP_OUTPUT_MEMORY:
      self->output_memory = g_value_get_enum (value);
      break;
    case PROP_PRECISION:
      self->precision = g_value_get_enum (value);
      break;
    case PROP_CALIBRATION_CACHE:
      g_free (self->calibration_cache);
      self->calibration_cache = g_value_dup_string (value);
      break;
    case PROP_DEVICE_ID:
      self->device_id = g_value_get_int (value);
      break;
    case PROP_BACKEND:
      self->backend = g_value_get_enum (value);
      break;
    case PROP_INTERVAL:
      self->interval = g_value_get_uint (value);
      break;
    case PROP_UNIQUE_ID:
      self->unique_id = g_value_get_uint (value);
      break;
    case PROP_POST_MESSAGES:
      self->post_messages = g_value_get_boolean (value);
      break;
    case PROP_MESSAGE_VALUES:
      self->message_values = g_value_get_uint (value);
      break;
    case PROP_MEAN:
      set_channel_values (self, &self->mean, "mean", value);
      self->normalization_set |= NORMALIZATION_MEAN;
      break;
    case PROP_STD:
      set_channel_values (self, &self->std, "std", value);
      self->normalization_set |= NORMALIZATION_STD;
      break;
    case PROP_SCALE:
      self->scale = g_value_get_float (value);
      self->normalization_set |= NORMALIZATION_SCALE;
      break;
    case PROP_OFFSETS:
      set_channel_values (self, &self->offsets, "offsets", value);
      self->normalization_set |= NORMALIZATION_OFFSETS;
      break;
    case PROP_CHANNEL_ORDER:
      self->channel_order = g_value_get_enum (value);
      break;
    case PROP_KEEP_ASPECT_RATIO:
      self->keep_aspect_ratio = g_value_get_boolean (value);
      break;
    case PROP_PAD_POSITION:
      self->pad_position = g_value_get_enum (value);
      break;
    case PROP_FIT_HEIGHT:
      self->fit_height = g_value_get_boolean (value);
      break;
    case PROP_PROCESS_MODE:
      self->process_mode = g_value_get_enum (value);
      break;
    case PROP_INFER_ON_ID:
      self->infer_on_id = g_value_get_int (value);
      break;
    case PROP_ROI_TYPES:{
      const gchar *types = g_value_get_string (value);
      g_strfreev (self->roi_types);
      self->roi_types = types && types[0] ? g_strsplit (types, ",", -1) : NULL;
      break;
    }
    case PROP_INTERPOLATION:
      self->interpolation = g_value_get_enum (value);
      break;
    case PROP_WIDTH:
      self->width = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    case PROP_INPUT_LAYOUT:
      self->input_layout = g_value_get_enum (value);
      break;
    case PROP_INPUT_VALUES:
      if (self->input_values)
        gst_structure_free (self->input_values);
      self->input_values = g_value_dup_boxed (value);
      break;
    case PROP_ASYNC_BUILD:
      self->async_build = g_value_get_boolean (value);
      break;
    case PROP_THREADS:
      self->threads = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  /* Properties the engine depends on take effect at the next READY->PAUSED. */
  switch (prop_id) {
    case PROP_MODEL_FILE: case PROP_WEIGHTS_FILE: case PROP_ENGINE_FILE:
    case PROP_OUTPUT_NAMES: case PROP_INPUT_NAME: case PROP_BATCH_SIZE:
    case PROP_PRECISION: case PROP_CALIBRATION_CACHE: case PROP_DEVICE_ID:
    case PROP_BACKEND: case PROP_WIDTH: case PROP_HEIGHT: case PROP_THREADS:
    case PROP_INPUT_LAYOUT:
    case PROP_INPUT_VALUES:
    case PROP_BATCHES_IN_FLIGHT:
    case PROP_OUTPUT_MEMORY:
      self->engine_stale = TRUE;
      break;
    default:
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trt_infer_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstTrtInfer *self = GST_TRT_INFER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL_FILE:
      g_value_set_string (value, self->model_file);
      break;
    case PROP_WEIGHTS_FILE:
      g_value_set_string (value, self->weights_file);
      break;
    case PROP_ENGINE_FILE:
      g_value_set_string (value, self->engine_file);
      break;
    case PROP_OUTPUT_NAMES:
      for (gchar ** name = self->output_names; name && *name; name++) {
        GValue item = G_VALUE_INIT;
        g_value_init (&item, G_TYPE_STRING);
        g_value_set_string (&item, *name);
        gst_value_array_append_and_take_value (value, &item);
      }
      break;
    case PROP_PLUGIN_LIBRARIES:
      for (gchar ** path = self->plugin_libraries; path && *path; path++) {
        GValue item = G_VALUE_INIT;
        g_value_init (&item, G_TYPE_STRING);
        g_value_set_string (&item, *path);
        gst_value_array_append_and_take_value (value, &item);
      }
      break;
    case PROP_INPUT_NAME:
      g_value_set_string (value, self->input_name);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_BATCH_TIMEOUT:
      g_value_set_uint (value, self->batch_timeout);
      break;
    case PROP_BATCHES_IN_FLIGHT:
      g_value_set_uint (value, self->batches_in_flight);
      break;
    case PROP_OUTPUT_MEMORY:
      g_value_set_enum (value, self->output_memory);
      break;
    case PROP_PRECISION:
      g_value_set_enum (value, self->precision);
      break;
    case PROP_CALIBRATION_CACHE:
      g_value_set_string (value, self->calibration_cache);
      break;
    case PROP_DEVICE_ID:
      g_value_set_int (value, self->device_id);
      break;
    case PROP_BACKEND:
      g_value_set_enum (value, self->backend);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_UNIQUE_ID:
      g_value_set_uint (value, self->unique_id);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_MESSAGE_VALUES:
      g_value_set_uint (value, self->message_values);
      break;
    case PROP_MEAN:
      get_channel_values (&self->mean, DEFAULT_PROP_MEAN, value);
      break;
    case PROP_STD:
      get_channel_values (&self->std, DEFAULT_PROP_STD, value);
      break;
    case PROP_SCALE:
      g_value_set_float (value, self->scale);
      break;
    case PROP_OFFSETS:
      get_channel_values (&self->offsets, DEFAULT_PROP_OFFSETS, value);
      break;
    case PROP_CHANNEL_ORDER:
      g_value_set_enum (value, self->channel_order);
      break;
    case PROP_KEEP_ASPECT_RATIO:
      g_value_set_boolean (value, self->keep_aspect_ratio);
      break;
    case PROP_PAD_POSITION:
      g_value_set_enum (value, self->pad_position);
      break;
    case PROP_FIT_HEIGHT:
      g_value_set_boolean (value, self->fit_height);
      break;
    case PROP_PROCESS_MODE:
      g_value_set_enum (value, self->process_mode);
      break;
    case PROP_INFER_ON_ID:
      g_value_set_int (value, self->infer_on_id);
      break;
    case PROP_ROI_TYPES:
      g_value_take_string (value, self->roi_types ? g_strjoinv (",", self->roi_types) : NULL);
      break;
    case PROP_INTERPOLATION:
      g_value_set_enum (value, self->interpolation);
      break;
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_INPUT_LAYOUT:
      g_value_set_enum (value, self->input_layout);
      break;
    case PROP_INPUT_VALUES:
      g_value_set_boxed (value, self->input_values);
      break;
    case PROP_ASYNC_BUILD:
      g_value_set_boolean (value, self->async_build);
      break;
    case PROP_ACTIVE_BACKEND:
      g_value_set_string (value, self->active_backend);
      break;
    case PROP_THREADS:
      g_value_set_uint (value, self->threads);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- loading the engine ---------------------------------------------------- */

static void
post_error (GstTrtInfer * self, const GError * error, const gchar * debug)
{
  gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR, error->domain,
      error->code, g_strdup (error->message), g_strdup (debug), __FILE__, GST_FUNCTION,
      __LINE__);
}

static void
on_model_progress (GstTrtModelStage stage, const gchar * text, gpointer user_data)
{
  GstTrtInfer *self = GST_TRT_INFER (user_data);
  GstProgressType type = GST_PROGRESS_TYPE_CONTINUE;

  switch (stage) {
    case GST_TRT_MODEL_STAGE_BUILD_START:
      type = GST_PROGRESS_TYPE_START;
      break;
    case GST_TRT_MODEL_STAGE_BUILD_PARSED:
      type = GST_PROGRESS_TYPE_CONTINUE;
      break;
    case GST_TRT_MODEL_STAGE_BUILD_DONE:
      type = GST_PROGRESS_TYPE_COMPLETE;
      break;
    case GST_TRT_MODEL_STAGE_BUILD_FAILED:
      type = GST_PROGRESS_TYPE_ERROR;
      break;
  }
  GST_INFO_OBJECT (self, "%s", text);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_progress (GST_OBJECT (self), type, "build-engine", text));
}

static void
on_model_warning (const gchar * text, const gchar * debug, gpointer user_data)
{
  GstTrtInfer *self = GST_TRT_INFER (user_data);

  GST_ELEMENT_WARNING (self, RESOURCE, FAILED, ("%s", text), ("%s", debug));
}

/* A progress message per percent the build advances: the text says it, and
 * the structure carries it as "percent" (an int) for applications. */
static void
on_build_progress (gint percent, const gchar * step, gpointer user_data)
{
  GstTrtInfer *self = GST_TRT_INFER (user_data);
  gchar *text = g_strdup_printf ("Building the engine: %d%% (%s)", percent, step);
  GstMessage *message = gst_message_new_progress (GST_OBJECT (self),
      GST_PROGRESS_TYPE_CONTINUE, "build-engine", text);

  gst_structure_set (gst_message_writable_structure (message), "percent", G_TYPE_INT,
      percent, NULL);
  GST_DEBUG_OBJECT (self, "%s", text);
  gst_element_post_message (GST_ELEMENT (self), message);
  g_free (text);
}

static const gchar *
engine_action (GstTrtModelEngineSource source)
{
  switch (source) {
    case GST_TRT_MODEL_ENGINE_LOADED:
      return "loaded";
    case GST_TRT_MODEL_ENGINE_BUILT_SAVED:
      return "built-and-saved";
    case GST_TRT_MODEL_ENGINE_BUILT_NOT_SAVED:
      return "built-not-saved";
    case GST_TRT_MODEL_ENGINE_SHARED:
      return "shared";
    case GST_TRT_MODEL_ENGINE_BUILT:
      break;
  }
  return "built";
}

/* Says on the bus where the engine came from and what runs it: an element
 * message "trtinfer-engine" (file, action, reason, active-backend,
 * cache-key) for applications, and INFO messages for people. */
static void
post_engine_messages (GstTrtInfer * self, trt_backend_t requested)
{
  const GstTrtModelInfo *info = &self->info;
  GstStructure *details = gst_structure_new ("trtinfer-engine",
      "action", G_TYPE_STRING, engine_action (info->engine_source),
      "file", G_TYPE_STRING, info->engine_path,
      "reason", G_TYPE_STRING, info->engine_reason,
      "active-backend", G_TYPE_STRING, info->target,
      "cache-key", G_TYPE_STRING, info->cache_key, NULL);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), details));
  if (info->engine_reason && info->engine_source == GST_TRT_MODEL_ENGINE_LOADED)
    GST_ELEMENT_INFO (self, RESOURCE, SETTINGS,
        ("Loaded the engine from '%s': engine-file holds an engine for another model or "
            "other options, kept as it is", info->engine_path),
        ("engine-file: %s", info->engine_reason));
  GST_ELEMENT_INFO (self, RESOURCE, SETTINGS, ("The engine runs on %s%s", info->target,
          requested == TRT_BACKEND_AUTO ? " (chosen by backend=auto)" : ""), (NULL));
}

static void
close_engine (GstTrtInfer * self)
{
  g_clear_pointer (&self->batch, gst_trt_batch_free);
  g_clear_pointer (&self->engine, gst_trt_shared_engine_release);
  gst_trt_model_info_clear (&self->info);
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->active_backend, g_free);
  GST_OBJECT_UNLOCK (self);
}

/* The shape, layout and type of the image input, as preprocessing writes it. */
static void
preprocess_input (GstTrtInfer * self, GstTrtPreprocessConfig * config)
{
  gst_trt_preprocess_config_init (config);
  config->width = self->info.width;
  config->height = self->info.height;
  config->channels = self->info.channels;
  config->layout = self->info.inputs.layout == GST_TRT_INPUT_LAYOUT_NHWC
      ? GST_TRT_PREPROCESS_LAYOUT_HWC : GST_TRT_PREPROCESS_LAYOUT_CHW;
  config->type = self->info.inputs.type == TRT_DATA_TYPE_UINT8
      ? GST_TRT_PREPROCESS_UINT8 : GST_TRT_PREPROCESS_FLOAT32;
}

/* What `threads` became: the engine's count on the CPU backend, a note
 * that it does nothing elsewhere. */
static void
report_threads (GstTrtInfer * self, guint threads)
{
  trt_backend_t backend = trt_engine_backend (self->engine);

  if (backend == TRT_BACKEND_CPU) {
    GST_INFO_OBJECT (self, "CPU backend: up to %d threads per layer (threads=%u%s)",
        gst_trt_batch_cpu_threads (self->batch), threads, threads ? "" : ", automatic");
  } else if (threads != 0) {
    GST_ELEMENT_INFO (self, RESOURCE, SETTINGS,
        ("threads=%u has no effect with the %s backend", threads,
            trt_backend_name (backend)), (NULL));
  }
}

static gboolean
open_engine (GstTrtInfer * self)
{
  static const GstTrtModelCallbacks callbacks = { on_model_progress, on_model_warning,
    on_build_progress
  };
  GstTrtModelOptions options = { 0 };
  GError *error = NULL;

  close_engine (self);

  /* Plugin libraries first: the importers and plan loading look their
   * layers up. */
  GST_OBJECT_LOCK (self);
  gchar **plugin_libraries = g_strdupv (self->plugin_libraries);
  GST_OBJECT_UNLOCK (self);
  for (gchar ** path = plugin_libraries; path && *path; path++) {
    if (trt_plugin_load_library (*path) != TRT_STATUS_OK) {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
          ("Could not load plugin library '%s'", *path), ("%s", trt_last_error ()));
      g_strfreev (plugin_libraries);
      return FALSE;
    }
  }
  g_strfreev (plugin_libraries);

  /* Copy what loading needs, then load without holding the lock. */
  GST_OBJECT_LOCK (self);
  options.model_file = g_strdup (self->model_file);
  options.weights_file = g_strdup (self->weights_file);
  options.engine_file = g_strdup (self->engine_file);
  options.calibration_cache = g_strdup (self->calibration_cache);
  options.input_name = g_strdup (self->input_name);
  options.output_names = g_strdupv (self->output_names);
  options.batch_size = self->batch_size;
  options.width = self->width;
  options.height = self->height;
  options.precision = self->precision;
  options.backend = self->backend;
  options.device_id = self->device_id;
  options.input_layout = self->input_layout;
  options.input_values = self->input_values ? gst_structure_copy (self->input_values) : NULL;
  options.threads = self->threads;
  guint in_flight = self->batches_in_flight;
  gboolean device_outputs = self->output_memory == GST_TRT_OUTPUT_MEMORY_DEVICE;
  self->engine_stale = FALSE;
  GST_OBJECT_UNLOCK (self);

  self->engine = gst_trt_shared_engine_acquire (&options, &callbacks, self, &self->info, &error);
  if (self->engine) {
    GstTrtPreprocessConfig item;
    preprocess_input (self, &item);
    if (device_outputs && self->info.backend != TRT_BACKEND_CUDA)
      GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
          ("output-memory=device needs the CUDA backend: the %s backend's "
           "tensors stay in "
           "system memory",
              trt_backend_name (self->info.backend)),
          (NULL));
    self->batch = gst_trt_batch_new (self->engine, &self->info,
        gst_trt_preprocess_item_bytes (&item), in_flight, device_outputs,
        &error);
  }
  if (!self->batch) {
    /* The message holds the engine's own words where there are any; the
     * engine's last error is not read here, as it may be an earlier call's. */
    post_error (self, error, NULL);
    g_error_free (error);
    close_engine (self);
    gst_trt_model_options_clear (&options);
    return FALSE;
  }

  GST_INFO_OBJECT (self, "%s engine (%s backend): input %s %s %ux%ux%u, %u other "
      "inputs, %u outputs, %u frames per inference",
      engine_action (self->info.engine_source),
      trt_backend_name (trt_engine_backend (self->engine)),
      gst_trt_input_layout_name (self->info.inputs.layout),
      trt_data_type_name (self->info.inputs.type), self->info.channels,
      self->info.height, self->info.width, self->info.inputs.num_aux,
      self->info.num_outputs, self->info.capacity);
  report_threads (self, options.threads);
  if (options.batch_size > self->info.capacity)
    GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
        ("batch-size is %u but the model's input has a fixed batch of %u: frames are "
            "inferred %u at a time", options.batch_size, self->info.capacity,
            self->info.capacity), (NULL));
  GST_OBJECT_LOCK (self);
  g_free (self->active_backend);
  self->active_backend = g_strdup (self->info.target);
  GST_OBJECT_UNLOCK (self);
  post_engine_messages (self, options.backend);
  gst_trt_model_options_clear (&options);
  return TRUE;
}

/* The preprocessing of the properties, checked against the network input. */
static gboolean
configure_preprocess (GstTrtInfer * self)
{
  GstTrtPreprocessConfig *config = &self->preprocess;
  const gchar *bad = NULL;
  guint count = 0;

  preprocess_input (self, config);

  GST_OBJECT_LOCK (self);
  NormalizationSet normalization = self->normalization_set;
  config->order = self->channel_order;
  config->keep_aspect_ratio = self->keep_aspect_ratio;
  config->pad_position = self->pad_position;
  config->fit_height = self->fit_height;
  config->interpolation = self->interpolation;
  config->scale = self->scale;
  struct {
    const gchar *name;
    const ChannelValues *values;
    gfloat *out;
  } lists[] = {
    {"mean", &self->mean, config->mean},
    {"std", &self->std, config->std},
    {"offsets", &self->offsets, config->offsets},
  };
  for (guint i = 0; i < G_N_ELEMENTS (lists) && !bad; i++) {
    const ChannelValues *v = lists[i].values;
    if (v->count == 0)
      continue;
    if (v->count != 1 && v->count != config->channels) {
      bad = lists[i].name;
      count = v->count;
      break;
    }
    for (guint c = 0; c < GST_TRT_PREPROCESS_MAX_CHANNELS; c++)
      lists[i].out[c] = v->values[v->count == 1 ? 0 : MIN (c, v->count - 1)];
  }
  self->timeout_us = self->batch_timeout;
  GST_OBJECT_UNLOCK (self);

  if (config->type == GST_TRT_PREPROCESS_UINT8 && normalization) {
    GString *names = g_string_new (NULL);
    const gchar *all[] = { "mean", "std", "scale", "offsets" };
    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      if (normalization & (1 << i))
        g_string_append_printf (names, "%s%s", names->len ? ", " : "", all[i]);
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Input '%s' is uint8: trtinfer feeds it raw pixel values 0..255 without "
            "normalization; unset %s for this model",
            trt_engine_binding_name (self->engine, self->info.input_binding), names->str),
        (NULL));
    g_string_free (names, TRUE);
    return FALSE;
  }
  if (bad) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("%s has %u values: give one, or one per channel of the network input (%u)",
            bad, count, config->channels), (NULL));
    return FALSE;
  }
  for (guint c = 0; c < config->channels; c++) {
    if (config->std[c] == 0.0f) {
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("std must not be 0"), (NULL));
      return FALSE;
    }
  }
  if (config->channels != 1 && config->order == GST_TRT_CHANNEL_ORDER_GRAY) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("channel-order=gray needs a network input with 1 channel; this one has %u: use "
            "rgb or bgr", config->channels), (NULL));
    return FALSE;
  }
  return TRUE;
}

/* ---- batch-timeout thread --------------------------------------------------- */

static GstFlowReturn drain (GstTrtInfer * self);

static void
arm_timer (GstTrtInfer * self)
{
  g_mutex_lock (&self->timer_lock);
  self->deadline = g_get_monotonic_time () + (gint64) self->timeout_us;
  g_cond_signal (&self->timer_cond);
  g_mutex_unlock (&self->timer_lock);
}

static void
disarm_timer (GstTrtInfer * self)
{
  g_mutex_lock (&self->timer_lock);
  self->deadline = 0;
  g_mutex_unlock (&self->timer_lock);
}

static gpointer
timer_thread (gpointer data)
{
  GstTrtInfer *self = GST_TRT_INFER (data);
  GstPad *sinkpad = GST_BASE_TRANSFORM_SINK_PAD (self);

  g_mutex_lock (&self->timer_lock);
  while (!self->timer_quit) {
    if (self->deadline == 0) {
      g_cond_wait (&self->timer_cond, &self->timer_lock);
      continue;
    }
    if (g_cond_wait_until (&self->timer_cond, &self->timer_lock, self->deadline)
        || self->deadline == 0 || g_get_monotonic_time () < self->deadline)
      continue;
    /* Due: take the stream lock (never while holding timer_lock) and check
     * again, since a full batch or an event may have run it meanwhile. */
    g_mutex_unlock (&self->timer_lock);
    GST_PAD_STREAM_LOCK (sinkpad);
    g_mutex_lock (&self->timer_lock);
    gboolean due = !self->timer_quit && self->deadline != 0
        && g_get_monotonic_time () >= self->deadline;
    g_mutex_unlock (&self->timer_lock);
    if (due && !GST_PAD_IS_FLUSHING (sinkpad)) {
      GST_DEBUG_OBJECT (self, "batch-timeout: running a partial batch of %u",
          gst_trt_batch_filled (self->batch));
      GstFlowReturn ret = drain (self);
      if (ret != GST_FLOW_OK)
        self->timer_flow = ret;
    }
    GST_PAD_STREAM_UNLOCK (sinkpad);
    g_mutex_lock (&self->timer_lock);
  }
  g_mutex_unlock (&self->timer_lock);
  return NULL;
}

static void
start_timer (GstTrtInfer * self)
{
  if (self->timeout_us == 0 || (gst_trt_batch_capacity (self->batch) <= 1
          && gst_trt_batch_in_flight (self->batch) <= 1))
    return;
  self->timer_quit = FALSE;
  self->deadline = 0;
  self->timer = g_thread_new ("trtinfer-timer", timer_thread, self);
}

static void
stop_timer (GstTrtInfer * self)
{
  if (!self->timer)
    return;
  g_mutex_lock (&self->timer_lock);
  self->timer_quit = TRUE;
  g_cond_signal (&self->timer_cond);
  g_mutex_unlock (&self->timer_lock);
  g_thread_join (self->timer);
  self->timer = NULL;
}

/* ---- building in the background --------------------------------------------
 *
 * In a pipeline with async-build, NULL->READY starts a thread that loads or
 * builds the engine and returns at once. READY->PAUSED then either finds it
 * done, or posts ASYNC_START and returns ASYNC; the thread completes the
 * state change when the engine is ready (the pipeline's own ASYNC_DONE
 * follows) or fails it with an error on the bus, as a sink does while it
 * prerolls. Pads are active meanwhile: streaming waits in wait_for_engine()
 * until the engine is ready, a flush or a stop. An element outside a
 * pipeline (alone, or in GstHarness's bin) has nobody waiting for its
 * ASYNC_DONE and blocks in the state change instead, as async-build=false
 * does. A build cannot be interrupted: going to NULL waits for it. */

static gboolean configure_streaming (GstTrtInfer * self);

static gboolean
in_pipeline (GstTrtInfer * self)
{
  GstObject *ancestor = gst_object_get_parent (GST_OBJECT (self));
  gboolean found = FALSE;

  while (ancestor && !found) {
    GstObject *next = gst_object_get_parent (ancestor);
    found = GST_IS_PIPELINE (ancestor);
    gst_object_unref (ancestor);
    ancestor = next;
  }
  if (ancestor)
    gst_object_unref (ancestor);
  return found;
}

/* READY->PAUSED returned ASYNC: commit PAUSED, or fail it. */
static void
complete_async_state (GstTrtInfer * self, gboolean ok)
{
  GstState pending;

  GST_OBJECT_LOCK (self);
  pending = GST_STATE_PENDING (self);
  if (GST_STATE_RETURN (self) != GST_STATE_CHANGE_ASYNC || GST_STATE (self) != GST_STATE_READY
      || GST_STATE_NEXT (self) != GST_STATE_PAUSED) {
    /* another state change came first */
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (!ok) {
    GST_STATE_RETURN (self) = GST_STATE_CHANGE_FAILURE;
    GST_STATE_BROADCAST (self);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (pending != GST_STATE_PAUSED) {
    /* going further than PAUSED (only when set to PLAYING outside a bin's
     * stepping): let the core continue */
    GST_OBJECT_UNLOCK (self);
    gst_element_continue_state (GST_ELEMENT (self), GST_STATE_CHANGE_SUCCESS);
  } else {
    GST_STATE (self) = GST_STATE_PAUSED;
    GST_STATE_NEXT (self) = GST_STATE_VOID_PENDING;
    GST_STATE_PENDING (self) = GST_STATE_VOID_PENDING;
    GST_STATE_RETURN (self) = GST_STATE_CHANGE_SUCCESS;
    GST_OBJECT_UNLOCK (self);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_state_changed (GST_OBJECT (self), GST_STATE_READY, GST_STATE_PAUSED,
            GST_STATE_VOID_PENDING));
  }
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_async_done (GST_OBJECT (self), GST_CLOCK_TIME_NONE));
  GST_OBJECT_LOCK (self);
  GST_STATE_BROADCAST (self);
  GST_OBJECT_UNLOCK (self);
}

static gpointer
build_thread (gpointer data)
{
  GstTrtInfer *self = GST_TRT_INFER (data);
  gboolean ok = open_engine (self);
  gboolean complete = FALSE;

  g_mutex_lock (&self->build_lock);
  self->build_ok = ok;
  /* A quick load must not complete the state change before READY->PAUSED
   * has posted ASYNC_START and returned ASYNC: the bin would then wait for
   * an ASYNC_DONE that came first. */
  while (self->async_pending && !self->async_started)
    g_cond_wait (&self->build_cond, &self->build_lock);
  if (self->async_pending) {
    /* Ready for streaming before anyone stops waiting. */
    if (ok)
      ok = configure_streaming (self);
    if (ok)
      start_timer (self);
    self->async_pending = FALSE;
    complete = TRUE;
  }
  self->build_running = FALSE;
  g_cond_broadcast (&self->build_cond);
  g_mutex_unlock (&self->build_lock);
  if (complete)
    complete_async_state (self, ok);
  return NULL;
}

static void
start_build (GstTrtInfer * self)
{
  g_mutex_lock (&self->build_lock);
  self->build_running = TRUE;
  self->build_ok = FALSE;
  g_mutex_unlock (&self->build_lock);
  self->build_thread = g_thread_new ("trtinfer-build", build_thread, self);
}

/* Waits for the build thread, if any; returns what it gave (TRUE when
 * there was none and an engine is loaded). */
static gboolean
join_build (GstTrtInfer * self)
{
  if (self->build_thread) {
    g_thread_join (self->build_thread);
    self->build_thread = NULL;
    return self->build_ok;
  }
  return self->batch != NULL;
}

/* Loads or builds the engine: in the background when @may_be_async and
 * async-build allow it (returns TRUE at once), else here. */
static gboolean
load_engine (GstTrtInfer * self, gboolean may_be_async)
{
  gboolean async;

  join_build (self);
  GST_OBJECT_LOCK (self);
  async = self->async_build;
  /* now, not when the thread copies the properties: READY->PAUSED must
   * not take the build it is about to wait for as stale */
  self->engine_stale = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (async && may_be_async && in_pipeline (self)) {
    start_build (self);
    return TRUE;
  }
  return open_engine (self);
}

/* Streaming threads wait here while the engine is being loaded for a
 * state change that returned ASYNC. FALSE: no engine to stream with. */
static gboolean
wait_for_engine (GstTrtInfer * self)
{
  gboolean ready;

  g_mutex_lock (&self->build_lock);
  while (self->async_pending && !self->stream_abort)
    g_cond_wait (&self->build_cond, &self->build_lock);
  ready = !self->async_pending && !self->stream_abort && self->batch != NULL;
  g_mutex_unlock (&self->build_lock);
  return ready;
}

static void
set_stream_abort (GstTrtInfer * self, gboolean abort)
{
  g_mutex_lock (&self->build_lock);
  self->stream_abort = abort;
  g_cond_broadcast (&self->build_cond);
  g_mutex_unlock (&self->build_lock);
}

/* ---- state --------------------------------------------------------------- */

/* What READY->PAUSED sets up once the engine is there. */
static gboolean
configure_streaming (GstTrtInfer * self)
{
  if (!configure_preprocess (self))
    return FALSE;
  self->negotiated = FALSE;
  self->skip_left = 0;
  self->timer_flow = GST_FLOW_OK;
  gst_trt_batch_clear (self->batch);
  return TRUE;
}

static GstStateChangeReturn
gst_trt_infer_change_state (GstElement * element, GstStateChange transition)
{
  GstTrtInfer *self = GST_TRT_INFER (element);
  GstStateChangeReturn ret;
  gboolean go_async = FALSE;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      if (!load_engine (self, TRUE))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:{
      GST_OBJECT_LOCK (self);
      gboolean stale = self->engine_stale;
      GST_OBJECT_UNLOCK (self);
      if (stale && !load_engine (self, TRUE))
        return GST_STATE_CHANGE_FAILURE;
      set_stream_abort (self, FALSE);
      g_mutex_lock (&self->build_lock);
      if (self->build_running && in_pipeline (self)) {
        /* the build thread completes this state change */
        self->async_pending = TRUE;
        self->async_started = FALSE;
        go_async = TRUE;
      }
      g_mutex_unlock (&self->build_lock);
      if (!go_async && (!join_build (self) || !configure_streaming (self)))
        return GST_STATE_CHANGE_FAILURE;
      if (go_async)
        gst_element_post_message (element,
            gst_message_new_async_start (GST_OBJECT (self)));
      break;
    }
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* Streaming threads waiting for the engine let go of the stream lock
       * the base class takes to deactivate the pads. */
      set_stream_abort (self, TRUE);
      g_mutex_lock (&self->build_lock);
      self->async_pending = FALSE;
      g_cond_broadcast (&self->build_cond);
      g_mutex_unlock (&self->build_lock);
      stop_timer (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      join_build (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (go_async) {
      g_mutex_lock (&self->build_lock);
      self->async_pending = FALSE;
      g_cond_broadcast (&self->build_cond);
      g_mutex_unlock (&self->build_lock);
    }
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (go_async) {
        /* from here on the build thread may complete the state change */
        g_mutex_lock (&self->build_lock);
        self->async_started = TRUE;
        g_cond_broadcast (&self->build_cond);
        g_mutex_unlock (&self->build_lock);
        return GST_STATE_CHANGE_ASYNC;
      }
      start_timer (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      if (self->batch)
        gst_trt_batch_clear (self->batch);
      disarm_timer (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      close_engine (self);
      break;
    default:
      break;
  }
  return ret;
}

/* ---- streaming ------------------------------------------------------------ */

static gboolean
gst_trt_infer_set_caps (GstBaseTransform * trans, GstCaps * incaps, GstCaps * outcaps)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);
  GstVideoInfo info;

  (void) outcaps;
  if (!gst_video_info_from_caps (&info, incaps)
      || !gst_trt_preprocess_format_supported (GST_VIDEO_INFO_FORMAT (&info))) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Unsupported input: trtinfer takes raw video in " VIDEO_FORMATS),
        ("caps %" GST_PTR_FORMAT, incaps));
    return FALSE;
  }
  self->video_info = info;
  self->negotiated = TRUE;
  GST_DEBUG_OBJECT (self, "input %s %dx%d -> network %ux%ux%u",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)),
      GST_VIDEO_INFO_WIDTH (&info), GST_VIDEO_INFO_HEIGHT (&info), self->info.channels,
      self->info.height, self->info.width);
  return TRUE;
}

static GstFlowReturn
run_batch (GstTrtInfer * self)
{
  GError *error = NULL;

  disarm_timer (self);
  if (!gst_trt_batch_run (self->batch, GST_OBJECT (self), &error)) {
    post_error (self, error, NULL);
    g_error_free (error);
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

/* The next buffer that may leave, its results posted on the bus first
 * with post-messages; NULL when none is ready. */
static GstBuffer *
next_ready (GstTrtInfer * self)
{
  GstBuffer *buffer = gst_trt_batch_pop_ready (self->batch);
  gboolean post;
  guint unique_id, max_values;

  if (!buffer)
    return NULL;
  GST_OBJECT_LOCK (self);
  post = self->post_messages;
  unique_id = self->unique_id;
  max_values = self->message_values;
  GST_OBJECT_UNLOCK (self);
  GstTrtTensorMeta *meta = post ? gst_trt_tensor_meta_get_by_producer (buffer, unique_id) : NULL;
  if (meta) {
    GstStructure *results = gst_trt_results_structure (buffer, meta,
        &GST_BASE_TRANSFORM (self)->segment, max_values);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_element (GST_OBJECT (self), results));
  }
  return buffer;
}

/* Runs the partial batch, completes the batches in flight and pushes every
 * buffer; the stream lock is held. */
static GstFlowReturn
drain (GstTrtInfer * self)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GstBuffer *buffer;

  if (!self->batch)
    return GST_FLOW_OK;
  if (gst_trt_batch_has_pending (self->batch)) {
    GError *error = NULL;
    disarm_timer (self);
    if (!gst_trt_batch_finish (self->batch, GST_OBJECT (self), &error)) {
      post_error (self, error, NULL);
      g_error_free (error);
      ret = GST_FLOW_ERROR;
    }
  }
  while ((buffer = next_ready (self))) {
    if (ret == GST_FLOW_OK)
      ret = gst_pad_push (GST_BASE_TRANSFORM_SRC_PAD (self), buffer);
    else
      gst_buffer_unref (buffer);
  }
  return ret;
}

/* The engine's CUDA context as upstream elements see it, made once where
 * the backend (as the properties resolve it) is CUDA; NULL otherwise. */
static GstTrtCudaInput *
cuda_input (GstTrtInfer * self)
{
  GstTrtCudaInput *input;
  trt_backend_t resolved;
  GError *error = NULL;

  GST_OBJECT_LOCK (self);
  input = self->cuda_input;
  if (!input && !self->cuda_input_failed) {
    /* device-id -1 is the default device, as for the engine (trtcache.c) */
    gint device = MAX (self->device_id, 0);
    if (trt_backend_resolve (self->backend, device, &resolved) == TRT_STATUS_OK
        && resolved == TRT_BACKEND_CUDA) {
      input = self->cuda_input = gst_trt_cuda_input_new (device, &error);
      if (!input)
        GST_WARNING_OBJECT (self, "frames in CUDA memory pass through system memory: %s",
            error->message);
      g_clear_error (&error);
    } else {
      GST_DEBUG_OBJECT (self, "no CUDA context to share: the engine runs on the %s backend%s%s",
          trt_backend_name (resolved), trt_last_error ()[0] ? ": " : "", trt_last_error ());
      trt_error_clear ();
    }
    self->cuda_input_failed = !input;
  }
  GST_OBJECT_UNLOCK (self);
  return input;
}

/* How to map @buffer: its device planes where the engine's kernels can read
 * them (CUDA memory of the engine's context, a CUDA engine), else system
 * memory (which GstCudaMemory downloads, warned once). */
static GstMapFlags
frame_map_flags (GstTrtInfer * self, GstBuffer * buffer, gboolean * on_device)
{
  *on_device = FALSE;
  if (!gst_trt_is_cuda_buffer (buffer)) {
    /* system memory that upstream allocated (it did not take the pinned
     * pool): its pages are locked in place, once per memory of its pool */
    guint registered = gst_trt_batch_on_device (self->batch)
        ? gst_trt_pin_buffer_memory (buffer) : 0;
    if (registered)
      GST_LOG_OBJECT (self, "%u upstream memories page-locked", registered);
    if (!self->host_frames_logged && gst_trt_batch_on_device (self->batch))
      GST_INFO_OBJECT (self, "frames in %s memory: %s",
          gst_trt_is_pinned_memory (gst_buffer_peek_memory (buffer, 0)) ? "pinned"
          : gst_trt_memory_is_page_locked (gst_buffer_peek_memory (buffer, 0))
          ? "page-locked (registered)" : "pageable", "uploaded to the GPU");
    self->host_frames_logged = TRUE;
    return GST_MAP_READ;
  }
  GstTrtCudaInput *input = gst_trt_batch_on_device (self->batch) ? cuda_input (self) : NULL;
  if (input && gst_trt_cuda_input_is_ours (input, buffer)) {
    if (!self->device_frames_logged)
      GST_INFO_OBJECT (self, "frames in CUDA memory of the engine's context: read in place");
    self->device_frames_logged = TRUE;
    *on_device = TRUE;
    return gst_trt_cuda_map_flags ();
  }
  if (!self->foreign_cuda_warned) {
    self->foreign_cuda_warned = TRUE;
    GST_ELEMENT_WARNING (self, STREAM, FORMAT,
        ("Frames in CUDA memory are copied through system memory"),
        ("%s", input ? "their CUDA context is not the engine's (an upstream element made "
            "its own, or they are on another device)"
            : "the engine does not run on the GPU, or has no CUDA context to share"));
  }
  return GST_MAP_READ;
}

/* process-mode=roi: the regions of @buffer to infer on, in their order
 * on the buffer. */
static GPtrArray *
matching_regions (GstTrtInfer * self, GstBuffer * buffer)
{
  GPtrArray *regions = g_ptr_array_new ();
  gpointer state = NULL;
  GstMeta *meta;

  GST_OBJECT_LOCK (self);
  gint producer = self->infer_on_id;
  gchar **types = g_strdupv (self->roi_types);
  GST_OBJECT_UNLOCK (self);
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    if (producer >= 0 && !gst_trt_region_from_producer (roi, (guint) producer))
      continue;
    if (types && !g_strv_contains ((const gchar * const *) types,
            g_quark_to_string (roi->roi_type)))
      continue;
    g_ptr_array_add (regions, roi);
  }
  g_strfreev (types);
  return regions;
}

/* Preprocesses @frame (process-mode=frame) or each of @regions into the
 * batch as items of the buffer being appended, running the batch whenever
 * it is full before the next item. */
static GstFlowReturn
add_items (GstTrtInfer * self, const GstVideoFrame * frame, gboolean on_device,
    GPtrArray * regions, gboolean * ran)
{
  guint count = regions ? regions->len : 1;

  *ran = FALSE;
  for (guint i = 0; i < count; i++) {
    GstVideoRegionOfInterestMeta *roi = regions ? g_ptr_array_index (regions, i) : NULL;
    GstTrtPreprocessRegion region;
    GstTrtPreprocessGeometry geometry;
    GError *error = NULL;

    if (gst_trt_batch_filled (self->batch) == gst_trt_batch_capacity (self->batch)) {
      GstFlowReturn ret = run_batch (self);
      if (ret != GST_FLOW_OK)
        return ret;
      *ran = TRUE;
    }
    if (roi)
      gst_trt_region_to_preprocess (roi, &region);
    if (!gst_trt_batch_preprocess (self->batch, &self->preprocess, frame,
            roi ? &region : NULL, on_device, &geometry, &error)) {
      if (roi) {
        /* outside the frame, or empty: nothing to infer on */
        GST_DEBUG_OBJECT (self, "region %d (%s %ux%u at %u,%u) skipped: %s", roi->id,
            g_quark_to_string (roi->roi_type), roi->w, roi->h, roi->x, roi->y,
            error->message);
        g_clear_error (&error);
        continue;
      }
      GST_ELEMENT_ERROR (self, STREAM, FORMAT,
          ("Could not preprocess an input frame"), ("%s", error->message));
      g_clear_error (&error);
      return GST_FLOW_ERROR;
    }
    gst_trt_batch_add_item (self->batch, roi ? roi->id : -1, &geometry);
  }
  return GST_FLOW_OK;
}

static GstFlowReturn
add_frame (GstTrtInfer * self, GstBuffer * buffer)
{
  GstVideoFrame frame;
  guint interval;
  GstTrtProcessMode mode;

  GST_OBJECT_LOCK (self);
  interval = self->interval;
  mode = self->process_mode;
  gst_trt_batch_set_unique_id (self->batch, self->unique_id);
  GST_OBJECT_UNLOCK (self);

  if (self->skip_left > 0) {
    self->skip_left--;
    gst_trt_batch_append (self->batch, buffer, NULL);
    return GST_FLOW_OK;
  }
  self->skip_left = interval;

  GPtrArray *regions = NULL;
  if (mode == GST_TRT_PROCESS_MODE_ROI) {
    /* tensors name their region by id: ids must be unique on the buffer
     * (GStreamer leaves them 0 unless the producer sets them) */
    buffer = gst_buffer_make_writable (buffer);
    guint renamed = gst_trt_region_make_ids_unique (buffer);
    if (renamed)
      GST_LOG_OBJECT (self, "%u regions given ids of their own", renamed);
    regions = matching_regions (self, buffer);
  }
  if (regions && regions->len == 0) {
    g_ptr_array_unref (regions);
    gst_trt_batch_append (self->batch, buffer, NULL);
    return GST_FLOW_OK;
  }

  gboolean on_device;
  GstMapFlags flags = frame_map_flags (self, buffer, &on_device);
  if (!gst_video_frame_map (&frame, &self->video_info, buffer, flags)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not map an input frame"),
        ("buffer of %" G_GSIZE_FORMAT " bytes for %s %dx%d", gst_buffer_get_size (buffer),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&self->video_info)),
            GST_VIDEO_INFO_WIDTH (&self->video_info),
            GST_VIDEO_INFO_HEIGHT (&self->video_info)));
    g_clear_pointer (&regions, g_ptr_array_unref);
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  guint filled_before = gst_trt_batch_filled (self->batch);
  gboolean ran;
  gst_trt_batch_begin_buffer (self->batch, buffer);
  GstFlowReturn ret = add_items (self, &frame, on_device, regions, &ran);
  gst_video_frame_unmap (&frame);
  gst_trt_batch_end_buffer (self->batch);
  g_clear_pointer (&regions, g_ptr_array_unref);
  if (ret != GST_FLOW_OK)
    return ret;

  if (gst_trt_batch_filled (self->batch) == gst_trt_batch_capacity (self->batch)) {
    ret = run_batch (self);
    /* batches left in flight leave at the next run, or after batch-timeout */
    if (ret == GST_FLOW_OK && gst_trt_batch_has_pending (self->batch) && self->timer)
      arm_timer (self);
    return ret;
  }
  /* the timer counts from a batch's first item */
  if (gst_trt_batch_filled (self->batch) > 0 && (filled_before == 0 || ran) && self->timer)
    arm_timer (self);
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_trt_infer_submit_input_buffer (GstBaseTransform * trans, gboolean is_discont,
    GstBuffer * input)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);

  if (G_UNLIKELY (!wait_for_engine (self))) {
    gst_buffer_unref (input);
    return GST_FLOW_FLUSHING;
  }
  /* In passthrough the base class does not check negotiation itself. */
  if (G_UNLIKELY (!self->negotiated)) {
    gst_buffer_unref (input);
    if (GST_PAD_IS_FLUSHING (GST_BASE_TRANSFORM_SINK_PAD (trans)))
      return GST_FLOW_FLUSHING;
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("No input format was negotiated: trtinfer takes raw video in " VIDEO_FORMATS),
        ("a buffer arrived before accepted caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  if (G_UNLIKELY (self->timer_flow != GST_FLOW_OK)) {
    GstFlowReturn ret = self->timer_flow;
    self->timer_flow = GST_FLOW_OK;
    if (ret != GST_FLOW_FLUSHING) {
      gst_buffer_unref (input);
      return ret;
    }
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->submit_input_buffer (trans, is_discont,
      input);
}

static GstFlowReturn
gst_trt_infer_generate_output (GstBaseTransform * trans, GstBuffer ** outbuf)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);
  GstBuffer *input = trans->queued_buf;

  *outbuf = NULL;
  trans->queued_buf = NULL;
  if (input) {
    GstFlowReturn ret = add_frame (self, input);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  *outbuf = next_ready (self);
  return GST_FLOW_OK;
}

static gboolean
gst_trt_infer_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_START)
    set_stream_abort (self, TRUE);
  else if (GST_EVENT_IS_SERIALIZED (event))
    wait_for_engine (self);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_STOP:
      set_stream_abort (self, FALSE);
      disarm_timer (self);
      if (self->batch)
        gst_trt_batch_clear (self->batch);
      self->skip_left = 0;
      self->timer_flow = GST_FLOW_OK;
      break;
    case GST_EVENT_EOS:
    case GST_EVENT_CAPS:
    case GST_EVENT_SEGMENT:
    case GST_EVENT_GAP:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT_DONE:
      /* Frames before the event leave before it. */
      drain (self);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* The latency batching adds: a frame may wait for batch-size x
 * batches-in-flight - 1 more frames, or for batch-timeout, whichever comes
 * first. */
static GstClockTime
batch_latency (GstTrtInfer * self)
{
  guint capacity = 1;
  GstClockTime wait = GST_CLOCK_TIME_NONE;

  /* not while the build thread makes the batch */
  g_mutex_lock (&self->build_lock);
  /* a frame may wait for the rest of its batch, then for the batches in
   * flight before its set comes round again */
  if (!self->build_running && self->batch)
    capacity = gst_trt_batch_capacity (self->batch) * gst_trt_batch_in_flight (self->batch);
  g_mutex_unlock (&self->build_lock);

  if (capacity <= 1)
    return 0;
  if (self->timeout_us > 0)
    wait = self->timeout_us * GST_USECOND;
  if (self->negotiated && GST_VIDEO_INFO_FPS_N (&self->video_info) > 0) {
    GstClockTime frames = gst_util_uint64_scale (capacity - 1,
        GST_VIDEO_INFO_FPS_D (&self->video_info) * GST_SECOND,
        GST_VIDEO_INFO_FPS_N (&self->video_info));
    wait = GST_CLOCK_TIME_IS_VALID (wait) ? MIN (wait, frames) : frames;
  }
  return GST_CLOCK_TIME_IS_VALID (wait) ? wait : 0;
}

static gboolean
gst_trt_infer_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);
  gboolean ret;

  if (direction == GST_PAD_SINK && GST_QUERY_IS_SERIALIZED (query))
    wait_for_engine (self);
  if (direction == GST_PAD_SINK && GST_QUERY_TYPE (query) == GST_QUERY_DRAIN)
    drain (self);
  if (gst_trt_is_cuda_context_query (query)) {
    GstTrtCudaInput *input = cuda_input (self);
    if (input && gst_trt_cuda_input_answer_query (input, GST_ELEMENT (self), query))
      return TRUE;
  }

  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction, query);

  if (ret && direction == GST_PAD_SRC && GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gboolean live;
    GstClockTime min, max, added = batch_latency (self);

    gst_query_parse_latency (query, &live, &min, &max);
    min += added;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += added;
    GST_DEBUG_OBJECT (self, "batching adds %" GST_TIME_FORMAT " of latency",
        GST_TIME_ARGS (added));
    gst_query_set_latency (query, live, min, max);
  }
  return ret;
}

/* Upstream's pool must cover the frames a batch holds. With an engine on a
 * GPU and no pool from downstream, the element offers one of pinned host
 * memory: frames written there reach the device by DMA, asynchronously. */
static gboolean
gst_trt_infer_propose_allocation (GstBaseTransform * trans, GstQuery * decide_query,
    GstQuery * query)
{
  GstTrtInfer *self = GST_TRT_INFER (trans);
  guint held = self->batch ? gst_trt_batch_capacity (self->batch) : 1;

  if (!GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans, decide_query,
          query))
    return FALSE;
  GstCaps *caps = NULL;
  gst_query_parse_allocation (query, &caps, NULL);
  if (self->engine && trt_engine_backend (self->engine) == TRT_BACKEND_CUDA
      && gst_query_get_n_allocation_pools (query) == 0 && caps
      && gst_caps_features_is_equal (gst_caps_get_features (caps, 0),
          GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
    gsize size = 0;
    GstBufferPool *pool = gst_trt_pinned_pool_new (caps, held, &size);
    if (pool) {
      GST_DEBUG_OBJECT (self, "offering a pool of pinned memory, %" G_GSIZE_FORMAT
          " bytes per frame", size);
      gst_query_add_allocation_pool (query, pool, (guint) size, held, 0);
      gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
      gst_object_unref (pool);
      return TRUE;
    }
  }
  for (guint i = 0; held > 1 && i < gst_query_get_n_allocation_pools (query); i++) {
    GstBufferPool *pool;
    guint size, min, max;

    gst_query_parse_nth_allocation_pool (query, i, &pool, &size, &min, &max);
    min += held;
    if (max != 0 && max < min)
      max = min;
    gst_query_set_nth_allocation_pool (query, i, pool, size, min, max);
    if (pool)
      gst_object_unref (pool);
  }
  return TRUE;
}
