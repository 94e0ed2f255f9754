/* The trtinfer element's engine as users meet it (issue 13): a cache that
 * never destroys an engine (two models or two batch sizes sharing one
 * engine-file), settings that take effect or refuse (precision,
 * calibration-cache, mean/std, sizes the network cannot take), the
 * backend auto chose, error details that are the failure's own, and builds
 * that report progress and run beside the application's main loop. CPU
 * backend, tiny models of data/ (make_models.py). */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <trt/trt.h>

#include "trtmodel.h"
#include "element_test_util.h"

static GBytes *
read_bytes (const gchar * path)
{
  gchar *contents;
  gsize length;
  fail_unless (g_file_get_contents (path, &contents, &length, NULL), "cannot read %s", path);
  return g_bytes_new_take (contents, length);
}

static gboolean
file_holds (const gchar * path, GBytes * expected)
{
  GBytes *now = read_bytes (path);
  gboolean same = g_bytes_equal (now, expected);
  g_bytes_unref (now);
  return same;
}

static void
remove_dir (gchar * dir)
{
  GDir *listing = g_dir_open (dir, 0, NULL);
  const gchar *name;
  while (listing && (name = g_dir_read_name (listing))) {
    gchar *path = g_build_filename (dir, name, NULL);
    g_unlink (path);
    g_free (path);
  }
  if (listing)
    g_dir_close (listing);
  fail_unless (g_rmdir (dir) == 0);
  g_free (dir);
}

/* ---- starting an element alone ------------------------------------------- */

/* What the bus said while an element went NULL -> READY (-> PAUSED). */
typedef struct {
  GstStateChangeReturn ret;
  gboolean built;
  gchar *warning;               /* the last one */
  gchar *error;                 /* "message|debug" of the last one */
  GString *infos;               /* every INFO message, one a line */
  gchar *engine_action, *engine_file, *engine_reason, *cache_key, *active;
  gchar *property;              /* active-backend once READY */
} Start;

static void
start_clear (Start * s)
{
  g_free (s->warning);
  g_free (s->error);
  if (s->infos)
    g_string_free (s->infos, TRUE);
  g_free (s->engine_action);
  g_free (s->engine_file);
  g_free (s->engine_reason);
  g_free (s->cache_key);
  g_free (s->active);
  g_free (s->property);
  memset (s, 0, sizeof (*s));
}

static void
collect (Start * s, GstMessage * message)
{
  GError *error = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_PROGRESS:{
      GstProgressType type;
      gst_message_parse_progress (message, &type, NULL, NULL);
      s->built |= type == GST_PROGRESS_TYPE_START;
      break;
    }
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (message, &error, NULL);
      g_free (s->warning);
      s->warning = g_strdup (error->message);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (message, &error, &debug);
      g_free (s->error);
      s->error = g_strdup_printf ("%s|%s", error->message, debug ? debug : "");
      break;
    case GST_MESSAGE_INFO:
      gst_message_parse_info (message, &error, NULL);
      g_string_append_printf (s->infos, "%s\n", error->message);
      break;
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *details = gst_message_get_structure (message);
      if (!gst_structure_has_name (details, "trtinfer-engine"))
        break;
      g_free (s->engine_action);
      g_free (s->engine_file);
      g_free (s->engine_reason);
      g_free (s->cache_key);
      g_free (s->active);
      s->engine_action = g_strdup (gst_structure_get_string (details, "action"));
      s->engine_file = g_strdup (gst_structure_get_string (details, "file"));
      s->engine_reason = g_strdup (gst_structure_get_string (details, "reason"));
      s->cache_key = g_strdup (gst_structure_get_string (details, "cache-key"));
      s->active = g_strdup (gst_structure_get_string (details, "active-backend"));
      break;
    }
    default:
      break;
  }
  g_clear_error (&error);
  g_free (debug);
}

/* Takes @element (alone: it blocks in its state changes) to @state and
 * leaves it there, collecting what its bus said. */
static void
enter_state (GstElement * element, GstState state, Start * s)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *message;

  memset (s, 0, sizeof (*s));
  s->infos = g_string_new (NULL);
  gst_element_set_bus (element, bus);
  s->ret = gst_element_set_state (element, state);
  g_object_get (element, "active-backend", &s->property, NULL);
  while ((message = gst_bus_pop (bus))) {
    collect (s, message);
    gst_message_unref (message);
  }
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
}

/* enter_state, then back to NULL. */
static void
start_element (GstElement * element, GstState state, Start * s)
{
  enter_state (element, state, s);
  gst_element_set_state (element, GST_STATE_NULL);
}

static void
enter_ready (GstElement * element, Start * s)
{
  enter_state (element, GST_STATE_READY, s);
}

static gpointer
enter_ready_thread (gpointer data)
{
  gpointer *job = data;
  enter_ready (job[0], job[1]);
  return NULL;
}

static GstElement *
trtinfer_new (const gchar * model, const gchar * engine)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  fail_unless (element != NULL);
  g_object_set (element, "model-file", model, "engine-file", engine, NULL);
  gst_util_set_object_arg (G_OBJECT (element), "backend", "cpu");
  return element;
}

/* ---- a cache that never destroys -------------------------------------------- */

/* Two models, one engine-file: each keeps its engine, the file the user
 * named holds the first one's byte for byte, the second's lies beside it
 * under a name derived from it and its key, and later starts load both. */
GST_START_TEST (test_two_models_share_engine_file)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-cache-XXXXXX", NULL);
  gchar *shared = g_build_filename (dir, "shared.plan", NULL);
  gchar *a = data_path ("classifier.onnx"), *b = data_path ("classifier_v2.onnx");
  GstElement *first = trtinfer_new (a, shared), *second = trtinfer_new (b, shared);
  Start s;

  start_element (first, GST_STATE_READY, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built && !s.warning);
  fail_unless_equals_string (s.engine_action, "built-and-saved");
  fail_unless_equals_string (s.engine_file, shared);
  gchar *first_key = g_strdup (s.cache_key);
  start_clear (&s);
  GBytes *first_plan = read_bytes (shared);
  fail_unless (g_bytes_get_size (first_plan) > 64);

  /* the second model: built beside, the shared file untouched */
  start_element (second, GST_STATE_READY, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built);
  fail_unless (s.warning && strstr (s.warning, "leaving") != NULL, "%s", s.warning);
  fail_unless_equals_string (s.engine_action, "built-and-saved");
  fail_unless (s.engine_reason != NULL && strstr (s.engine_reason, "cache key") != NULL,
      "%s", s.engine_reason);
  gchar *derived = g_strdup (s.engine_file);
  fail_unless (g_strcmp0 (derived, shared) != 0);
  gchar *expected_prefix = g_build_filename (dir, "shared_b1_cpu_fp32_", NULL);
  fail_unless (g_str_has_prefix (derived, expected_prefix), "%s", derived);
  fail_unless (g_str_has_suffix (derived, ".plan"), "%s", derived);
  gchar *short_key = g_strndup (s.cache_key, 8);
  fail_unless (strstr (derived, short_key) != NULL, "%s lacks %s", derived, short_key);
  fail_if (g_strcmp0 (first_key, s.cache_key) == 0, "two models, one key");
  start_clear (&s);
  fail_unless (file_holds (shared, first_plan), "the engine-file was changed");
  GBytes *second_plan = read_bytes (derived);
  fail_unless (g_bytes_get_size (second_plan) > 64);

  /* later starts load both, in any order, building nothing */
  for (guint round = 0; round < 2; round++) {
    start_element (second, GST_STATE_READY, &s);
    fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && !s.built && !s.warning);
    fail_unless_equals_string (s.engine_action, "loaded");
    fail_unless_equals_string (s.engine_file, derived);
    fail_unless (strstr (s.infos->str, derived) != NULL, "no INFO names %s: %s", derived,
        s.infos->str);
    start_clear (&s);
    start_element (first, GST_STATE_READY, &s);
    fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && !s.built && !s.warning);
    fail_unless_equals_string (s.engine_file, shared);
    fail_unless (s.engine_reason == NULL);
    start_clear (&s);
  }
  fail_unless (file_holds (shared, first_plan), "the engine-file was changed");
  fail_unless (file_holds (derived, second_plan), "the derived engine was changed");

  g_bytes_unref (first_plan);
  g_bytes_unref (second_plan);
  gst_object_unref (first);
  gst_object_unref (second);
  g_free (short_key);
  g_free (expected_prefix);
  g_free (derived);
  g_free (first_key);
  g_free (a);
  g_free (b);
  g_free (shared);
  remove_dir (dir);
}
GST_END_TEST;

/* Two batch sizes, one engine-file: built once each, then alternating
 * starts load, and neither file changes. */
GST_START_TEST (test_batch_sizes_alternate)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-cache-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "det.plan", NULL);
  gchar *model = data_path ("classifier.onnx");
  GstElement *element = trtinfer_new (model, plan);
  gchar *files[3] = { NULL, NULL, NULL };
  Start s;

  for (guint batch = 1; batch <= 2; batch++) {
    g_object_set (element, "batch-size", batch, NULL);
    start_element (element, GST_STATE_READY, &s);
    fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built, "batch %u", batch);
    files[batch] = g_strdup (s.engine_file);
    start_clear (&s);
  }
  fail_unless_equals_string (files[1], plan);
  gchar *b2 = g_build_filename (dir, "det_b2_cpu_fp32_", NULL);
  fail_unless (g_str_has_prefix (files[2], b2), "%s", files[2]);
  g_free (b2);
  GBytes *plans[3] = { NULL, read_bytes (files[1]), read_bytes (files[2]) };

  for (guint round = 0; round < 6; round++) {
    guint batch = 1 + round % 2;
    g_object_set (element, "batch-size", batch, NULL);
    start_element (element, GST_STATE_READY, &s);
    fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && !s.built && !s.warning,
        "batch %u rebuilt (%s)", batch, s.warning);
    fail_unless_equals_string (s.engine_file, files[batch]);
    start_clear (&s);
  }
  for (guint batch = 1; batch <= 2; batch++) {
    fail_unless (file_holds (files[batch], plans[batch]), "batch %u's engine changed", batch);
    g_bytes_unref (plans[batch]);
    g_free (files[batch]);
  }
  gst_object_unref (element);
  g_free (model);
  g_free (plan);
  remove_dir (dir);
}
GST_END_TEST;

/* The key holds the resolved backend, the device and the precision; the
 * derived names say them as nvinfer's do. */
GST_START_TEST (test_key_follows_target)
{
  gchar *model = data_path ("classifier.onnx");
  GstTrtModelOptions options = { 0 };
  GstTrtTarget cpu = { TRT_BACKEND_CPU, 0, TRT_PRECISION_FP32, (gchar *) "cpu",
    (gchar *) "cpu fp32"
  };
  GstTrtTarget gpu = { TRT_BACKEND_CUDA, 0, TRT_PRECISION_FP32,
    (gchar *) "NVIDIA H200 (compute capability 9.0, 132 SMs, 139.8 GiB), CUDA runtime 12.4",
    (gchar *) "cuda:0 fp32 (NVIDIA H200)"
  };
  GstTrtTarget other_gpu = gpu, half = gpu;

  other_gpu.identity = (gchar *) "NVIDIA A100 (compute capability 8.0)";
  half.precision = TRT_PRECISION_FP16;
  options.model_file = model;
  options.batch_size = 4;
  gchar *keys[4] = {
    gst_trt_model_cache_key (&options, &cpu, NULL),
    gst_trt_model_cache_key (&options, &gpu, NULL),
    gst_trt_model_cache_key (&options, &other_gpu, NULL),
    gst_trt_model_cache_key (&options, &half, NULL),
  };
  for (guint i = 0; i < 4; i++) {
    fail_unless (keys[i] != NULL && strlen (keys[i]) == 64);
    for (guint j = 0; j < i; j++)
      fail_if (g_str_equal (keys[i], keys[j]), "targets %u and %u share a key", i, j);
  }
  gchar *again = gst_trt_model_cache_key (&options, &cpu, NULL);
  fail_unless_equals_string (again, keys[0]);
  g_free (again);

  gchar *name = gst_trt_cache_derived_path ("/engines/det.plan", 4, &gpu, keys[1]);
  gchar *expected = g_strdup_printf ("/engines/det_b4_cuda0_fp32_%.8s.plan", keys[1]);
  fail_unless_equals_string (name, expected);
  g_free (name);
  g_free (expected);
  name = gst_trt_cache_derived_path ("engine", 1, &cpu, keys[0]);
  expected = g_strdup_printf ("engine_b1_cpu_fp32_%.8s", keys[0]);
  fail_unless_equals_string (name, expected);
  g_free (name);
  g_free (expected);
  for (guint i = 0; i < 4; i++)
    g_free (keys[i]);

  /* backend=auto is keyed as what it resolves to: on a machine without a
   * GPU the CPU engine loads for auto and for cpu alike */
  gchar *dir = g_dir_make_tmp ("trtinfer-cache-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  GstElement *element = trtinfer_new (model, plan);
  int devices = 0;
  gboolean gpu_here = trt_cuda_device_count (&devices) == TRT_STATUS_OK && devices > 0;
  Start s;
  start_element (element, GST_STATE_READY, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built);
  start_clear (&s);
  gst_util_set_object_arg (G_OBJECT (element), "backend", "auto");
  start_element (element, GST_STATE_READY, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS);
  if (gpu_here)
    fail_unless (s.built && g_str_has_prefix (s.active, "cuda:"), "a CPU plan ran where a "
        "GPU is: %s", s.active);
  else
    fail_unless (!s.built && !s.warning && g_str_equal (s.active, "cpu fp32"), "%s", s.active);
  start_clear (&s);
  gst_object_unref (element);
  g_free (plan);
  g_free (model);
  remove_dir (dir);
}
GST_END_TEST;

/* ---- nothing silent ------------------------------------------------------------- */

static void
expect_refusal (const gchar * model_name, const gchar * property, const gchar * value,
    GstState state, const gchar * expected)
{
  gchar *model = data_path (model_name);
  GstElement *element = trtinfer_new (model, NULL);
  Start s;

  gst_util_set_object_arg (G_OBJECT (element), property, value);
  start_element (element, state, &s);
  fail_unless_equals_int (s.ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (s.error != NULL && strstr (s.error, expected) != NULL,
      "%s=%s: '%s' does not say '%s'", property, value, s.error, expected);
  start_clear (&s);
  gst_object_unref (element);
  g_free (model);
}

GST_START_TEST (test_precision_refused)
{
  /* FP16 engines are built by the CUDA backend; the CPU backend says so */
  expect_refusal ("classifier.onnx", "precision", "fp16", GST_STATE_READY,
      "FP16 precision needs a backend with FP16 layers (CUDA): the cpu backend computes in "
      "FP32");
  expect_refusal ("classifier.onnx", "precision", "int8", GST_STATE_READY,
      "precision=int8: INT8 precision is not available yet");
  expect_refusal ("classifier.onnx", "calibration-cache", "calibration.cache",
      GST_STATE_READY, "calibration-cache 'calibration.cache': a calibration cache is for "
      "INT8 engines, and INT8 precision is not available yet");
}
GST_END_TEST;

GST_START_TEST (test_too_many_channel_values)
{
  expect_refusal ("classifier.onnx", "mean", "<0.4,0.4,0.4,0.4>", GST_STATE_PAUSED,
      "mean has 4 values: give one, or one per channel of the network input (3)");
  expect_refusal ("classifier.onnx", "std", "<1,1,1,1,1>", GST_STATE_PAUSED,
      "std has 5 values");
  expect_refusal ("gray.onnx", "mean", "<0.5,0.5,0.5>", GST_STATE_PAUSED,
      "mean has 3 values: give one, or one per channel of the network input (1)");
}
GST_END_TEST;

GST_START_TEST (test_active_backend)
{
  gchar *model = data_path ("classifier.onnx");
  GstElement *element = trtinfer_new (model, NULL);
  int devices = 0;
  gboolean gpu_here = trt_cuda_device_count (&devices) == TRT_STATUS_OK && devices > 0;
  gchar *active = NULL;
  Start s;

  g_object_get (element, "active-backend", &active, NULL);
  fail_unless (active == NULL);
  gst_util_set_object_arg (G_OBJECT (element), "backend", "auto");
  start_element (element, GST_STATE_READY, &s);
  fail_unless_equals_int (s.ret, GST_STATE_CHANGE_SUCCESS);
  if (gpu_here) {
    fail_unless (g_str_has_prefix (s.property, "cuda:0 fp32 ("), "%s", s.property);
  } else {
    fail_unless_equals_string (s.property, "cpu fp32");
  }
  fail_unless_equals_string (s.active, s.property);
  gchar *said = g_strdup_printf ("The engine runs on %s (chosen by backend=auto)", s.property);
  fail_unless (strstr (s.infos->str, said) != NULL, "INFO messages: %s", s.infos->str);
  g_free (said);
  start_clear (&s);
  g_object_get (element, "active-backend", &active, NULL);
  fail_unless (active == NULL, "still '%s' in NULL", active);
  gst_object_unref (element);
  g_free (model);
}
GST_END_TEST;

/* An earlier failure's message (one the engine left on this thread, as an
 * auto fallback from CUDA did) never ends up in a later error. */
GST_START_TEST (test_no_stale_error)
{
  gchar *model = data_path ("vector_input.onnx");
  GstElement *element = trtinfer_new (model, NULL);
  Start s;

  gst_util_set_object_arg (G_OBJECT (element), "backend", "auto");
  trt_error (TRT_STATUS_NO_DEVICE, "CUDA device 0: planted by the test, from an earlier call");
  start_element (element, GST_STATE_READY, &s);
  fail_unless_equals_int (s.ret, GST_STATE_CHANGE_FAILURE);
  fail_unless (s.error != NULL && strstr (s.error, "'x'") != NULL, "%s", s.error);
  fail_if (strstr (s.error, "planted") != NULL, "stale text: %s", s.error);
  fail_if (strstr (s.error, "CUDA") != NULL, "stale text: %s", s.error);
  start_clear (&s);
  gst_object_unref (element);
  g_free (model);
}
GST_END_TEST;

/* A size the network cannot take says which multiple it needs. */
GST_START_TEST (test_size_multiple)
{
  gchar *model = data_path ("downsample.onnx");
  const struct {
    guint width, height;
    const gchar *expected;
  } cases[] = {
    {100, 96, "width 100: the model needs a multiple of 8 (96 or 104 would do)"},
    {96, 60, "height 60: the model needs a multiple of 8 (56 or 64 would do)"},
    {4, 8, "width 4: the model needs a multiple of 8 (8 would do)"},
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstElement *element = trtinfer_new (model, NULL);
    Start s;
    g_object_set (element, "width", cases[i].width, "height", cases[i].height, NULL);
    start_element (element, GST_STATE_READY, &s);
    fail_unless_equals_int (s.ret, GST_STATE_CHANGE_FAILURE);
    fail_unless (s.error && strstr (s.error, cases[i].expected) != NULL, "'%s' does not say "
        "'%s'", s.error, cases[i].expected);
    start_clear (&s);
    gst_object_unref (element);
  }
  /* and a multiple builds */
  GstElement *element = trtinfer_new (model, NULL);
  Start s;
  g_object_set (element, "width", 104, "height", 96, NULL);
  start_element (element, GST_STATE_READY, &s);
  fail_unless_equals_int (s.ret, GST_STATE_CHANGE_SUCCESS);
  start_clear (&s);
  gst_object_unref (element);
  g_free (model);
}
GST_END_TEST;

/* ---- builds you can watch ---------------------------------------------------------- */

/* A pipeline around trtinfer, watched from a main loop. The bus's sync
 * handler runs on the thread that posts: on the build's first progress
 * message it holds the build until the main loop has run a few times, which
 * shows that the loop runs while the engine is built. */
typedef struct {
  GMainLoop *loop;
  GMutex lock;
  GCond cond;
  guint ticks;                  /* main loop timer ticks */
  guint ticks_during_build;     /* ticks seen by the held build */
  gboolean hold_build;
  gboolean held;
  GArray *percents;             /* of progress messages, in order, on the loop */
  gboolean set_state_returned;
  gboolean progress_after_return;       /* a progress message posted after set_state */
  gboolean async_done, eos;
  gchar *error;
  GstElement *trtinfer;
  GstStateChangeReturn trtinfer_return; /* its own, while its build is held */
} Watch;

static GstBusSyncReply
watch_sync (GstBus * bus, GstMessage * message, gpointer data)
{
  Watch *w = data;

  (void) bus;
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_PROGRESS)
    return GST_BUS_PASS;
  g_mutex_lock (&w->lock);
  w->progress_after_return |= w->set_state_returned;
  if (w->hold_build && !w->held) {
    w->held = TRUE;
    guint start = w->ticks;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    while (w->ticks < start + 3 && g_cond_wait_until (&w->cond, &w->lock, deadline));
    w->ticks_during_build = w->ticks - start;
    GstState state, pending;
    w->trtinfer_return = gst_element_get_state (w->trtinfer, &state, &pending, 0);
  }
  g_mutex_unlock (&w->lock);
  return GST_BUS_PASS;
}

static gboolean
watch_tick (gpointer data)
{
  Watch *w = data;
  g_mutex_lock (&w->lock);
  w->ticks++;
  g_cond_broadcast (&w->cond);
  g_mutex_unlock (&w->lock);
  return G_SOURCE_CONTINUE;
}

static gboolean
watch_bus (GstBus * bus, GstMessage * message, gpointer data)
{
  Watch *w = data;
  const GstStructure *details = gst_message_get_structure (message);
  gint percent;

  (void) bus;
  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_PROGRESS:
      if (gst_structure_get_int (details, "percent", &percent))
        g_array_append_val (w->percents, percent);
      break;
    case GST_MESSAGE_ASYNC_DONE:
      w->async_done = TRUE;
      break;
    case GST_MESSAGE_EOS:
      w->eos = TRUE;
      g_main_loop_quit (w->loop);
      break;
    case GST_MESSAGE_ERROR:{
      GError *error = NULL;
      gst_message_parse_error (message, &error, NULL);
      w->error = g_strdup (error->message);
      g_error_free (error);
      g_main_loop_quit (w->loop);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
give_up (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Runs @launch (which names its trtinfer "infer") to EOS or an error. */
static GstStateChangeReturn
run_watched (const gchar * launch, gboolean hold_build, Watch * w)
{
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstStateChangeReturn ret;

  memset (w, 0, sizeof (*w));
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->loop = g_main_loop_new (NULL, FALSE);
  w->percents = g_array_new (FALSE, FALSE, sizeof (gint));
  w->hold_build = hold_build;
  w->trtinfer = gst_bin_get_by_name (GST_BIN (pipeline), "infer");
  gst_bus_set_sync_handler (bus, watch_sync, w, NULL);
  guint watch = gst_bus_add_watch (bus, watch_bus, w);
  guint timer = g_timeout_add (5, watch_tick, w);
  guint timeout = g_timeout_add_seconds (20, give_up, w->loop);

  ret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  g_mutex_lock (&w->lock);
  w->set_state_returned = TRUE;
  g_mutex_unlock (&w->lock);
  if (ret != GST_STATE_CHANGE_FAILURE)
    g_main_loop_run (w->loop);
  else {
    /* the error is on the bus already */
    GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (message)
      watch_bus (bus, message, w);
    if (message)
      gst_message_unref (message);
  }

  g_source_remove (timer);
  if (!g_main_context_find_source_by_id (NULL, timeout))
    timeout = 0;
  if (timeout)
    g_source_remove (timeout);
  g_source_remove (watch);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (w->trtinfer);
  gst_object_unref (pipeline);
  g_main_loop_unref (w->loop);
  return ret;
}

static void
watch_clear (Watch * w)
{
  g_array_free (w->percents, TRUE);
  g_free (w->error);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
}

static gchar *
pipeline_for (const gchar * model_name, const gchar * extra)
{
  gchar *model = data_path (model_name);
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=RGB,width=16,height=16 ! trtinfer name=infer backend=cpu "
      "model-file=\"%s\" %s ! fakesink async=false", model, extra);
  g_free (model);
  return launch;
}

GST_START_TEST (test_async_build)
{
  gchar *launch = pipeline_for ("classifier.onnx", "");
  Watch w;

  /* fakesink async=false: the ASYNC is trtinfer's own */
  fail_unless_equals_int (run_watched (launch, TRUE, &w), GST_STATE_CHANGE_ASYNC);
  fail_unless (w.held);
  fail_unless (w.ticks_during_build >= 3, "the main loop ran %u times during the build",
      w.ticks_during_build);
  fail_unless_equals_int (w.trtinfer_return, GST_STATE_CHANGE_ASYNC);
  fail_unless (w.error == NULL, "%s", w.error);
  fail_unless (w.async_done && w.eos);
  fail_unless (w.progress_after_return);
  /* percentages as the build went (the progress messages' own "percent"
   * field): from 0, never back, through several values, to 100 */
  guint distinct = 1;
  fail_unless (w.percents->len >= 5, "%u progress percentages", w.percents->len);
  fail_unless_equals_int (g_array_index (w.percents, gint, 0), 0);
  for (guint i = 1; i < w.percents->len; i++) {
    gint now = g_array_index (w.percents, gint, i), before =
        g_array_index (w.percents, gint, i - 1);
    fail_unless (now >= before, "percent %d after %d", now, before);
    distinct += now > before;
  }
  fail_unless (distinct >= 5, "%u distinct percentages", distinct);
  fail_unless_equals_int (g_array_index (w.percents, gint, w.percents->len - 1), 100);
  watch_clear (&w);
  g_free (launch);
}
GST_END_TEST;

GST_START_TEST (test_blocking_build)
{
  gchar *launch = pipeline_for ("classifier.onnx", "async-build=false");
  Watch w;

  fail_unless_equals_int (run_watched (launch, FALSE, &w), GST_STATE_CHANGE_SUCCESS);
  fail_if (w.progress_after_return, "the build went on after the state change returned");
  fail_unless (w.percents->len >= 5);
  fail_unless (w.error == NULL && w.eos);
  watch_clear (&w);
  g_free (launch);
}
GST_END_TEST;

GST_START_TEST (test_async_build_error)
{
  gchar *launch = pipeline_for ("unsupported.onnx", "");
  Watch w;

  fail_unless_equals_int (run_watched (launch, TRUE, &w), GST_STATE_CHANGE_ASYNC);
  fail_unless (w.held && w.ticks_during_build >= 3);
  fail_unless (w.error && strstr (w.error, "'det1' (Det): unsupported") != NULL, "%s",
      w.error);
  fail_if (w.eos);
  watch_clear (&w);
  g_free (launch);

  /* and with an engine-file that cannot be used, in the background too */
  launch = pipeline_for ("classifier.onnx", "precision=fp16");
  fail_unless (run_watched (launch, FALSE, &w) != GST_STATE_CHANGE_SUCCESS);
  fail_unless (w.error && strstr (w.error, "FP16 precision needs a backend") != NULL, "%s",
      w.error);
  watch_clear (&w);
  g_free (launch);
}
GST_END_TEST;

/* ---- engines shared between elements ------------------------------------- */

/* Same model and options: the second element runs the first one's engine
 * (nothing built), other options get their own, and the engine goes with
 * its last user (a later start builds again). */
GST_START_TEST (test_shared_engine)
{
  gchar *model = data_path ("classifier.onnx");
  GstElement *first = trtinfer_new (model, NULL), *second = trtinfer_new (model, NULL);
  GstElement *other = trtinfer_new (model, NULL);
  g_object_set (other, "batch-size", 2, NULL);
  Start s;

  enter_ready (first, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built);
  fail_unless_equals_string (s.engine_action, "built");
  gchar *key = g_strdup (s.cache_key);
  start_clear (&s);
  enter_ready (second, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && !s.built, "the second element built");
  fail_unless_equals_string (s.engine_action, "shared");
  fail_unless_equals_string (s.cache_key, key);
  start_clear (&s);
  enter_ready (other, &s);
  fail_unless (s.ret == GST_STATE_CHANGE_SUCCESS && s.built);
  fail_unless_equals_string (s.engine_action, "built");
  start_clear (&s);

  /* the first stops: the second still holds the engine, a third shares it */
  gst_element_set_state (first, GST_STATE_NULL);
  enter_ready (first, &s);
  fail_unless_equals_string (s.engine_action, "shared");
  start_clear (&s);
  gst_element_set_state (first, GST_STATE_NULL);
  gst_element_set_state (second, GST_STATE_NULL);
  gst_element_set_state (other, GST_STATE_NULL);
  /* no user left: built again */
  enter_ready (second, &s);
  fail_unless (s.built);
  fail_unless_equals_string (s.engine_action, "built");
  start_clear (&s);
  gst_element_set_state (second, GST_STATE_NULL);

  gst_object_unref (first);
  gst_object_unref (second);
  gst_object_unref (other);
  g_free (key);
  g_free (model);
}
GST_END_TEST;

/* Two elements starting at once: one builds, the other waits for that
 * build and shares it. */
GST_START_TEST (test_shared_engine_concurrent)
{
  gchar *model = data_path ("classifier.onnx");
  GstElement *elements[2] = { trtinfer_new (model, NULL), trtinfer_new (model, NULL) };
  Start starts[2];
  gpointer jobs[2][2];
  GThread *threads[2];

  for (guint i = 0; i < 2; i++) {
    jobs[i][0] = elements[i];
    jobs[i][1] = &starts[i];
    threads[i] = g_thread_new ("start", enter_ready_thread, jobs[i]);
  }
  guint built = 0, shared = 0;
  for (guint i = 0; i < 2; i++) {
    g_thread_join (threads[i]);
    fail_unless (starts[i].ret == GST_STATE_CHANGE_SUCCESS, "%s", starts[i].error);
    built += g_strcmp0 (starts[i].engine_action, "built") == 0;
    shared += g_strcmp0 (starts[i].engine_action, "shared") == 0;
  }
  fail_unless (built == 1 && shared == 1, "%u built, %u shared", built, shared);
  for (guint i = 0; i < 2; i++) {
    start_clear (&starts[i]);
    gst_element_set_state (elements[i], GST_STATE_NULL);
    gst_object_unref (elements[i]);
  }
  g_free (model);
}
GST_END_TEST;

static Suite *
engine_build_suite (void)
{
  Suite *s = suite_create ("trtinfer-engine-build");
  TCase *cache = tcase_create ("cache"), *honest = tcase_create ("honest");
  TCase *watched = tcase_create ("watched"), *sharing = tcase_create ("sharing");

  tcase_set_timeout (cache, 120);
  tcase_set_timeout (honest, 120);
  tcase_set_timeout (watched, 120);
  tcase_set_timeout (sharing, 120);
  suite_add_tcase (s, cache);
  suite_add_tcase (s, honest);
  suite_add_tcase (s, watched);
  suite_add_tcase (s, sharing);
  tcase_add_test (cache, test_two_models_share_engine_file);
  tcase_add_test (cache, test_batch_sizes_alternate);
  tcase_add_test (cache, test_key_follows_target);
  tcase_add_test (honest, test_precision_refused);
  tcase_add_test (honest, test_too_many_channel_values);
  tcase_add_test (honest, test_active_backend);
  tcase_add_test (honest, test_no_stale_error);
  tcase_add_test (honest, test_size_multiple);
  tcase_add_test (watched, test_async_build);
  tcase_add_test (watched, test_blocking_build);
  tcase_add_test (watched, test_async_build_error);
  tcase_add_test (sharing, test_shared_engine);
  tcase_add_test (sharing, test_shared_engine_concurrent);
  return s;
}

GST_CHECK_MAIN (engine_build);
