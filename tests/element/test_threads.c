/* trtinfer's `threads` property and elements that share the cores: the
 * count reaches the engine; one element gives the same tensors with any
 * count; two elements in one pipeline (`a ! queue ! b`, a tee with two
 * branches) give each frame the tensors one element gives, and automatic
 * threads cost them about what one thread each costs (the pool they share
 * does not spin against itself). Model: data/many_layers.onnx, eighteen
 * small convolutions back to back (make_models.py). */
#include <sched.h>
#include <string.h>
#include <time.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <trt/trt.h>

#include "gsttrttensormeta.h"
#include "element_test_util.h"

#define WIDTH 64
#define HEIGHT 48
#define FRAMES 100

static gint
available_cores (void)
{
  cpu_set_t allowed;
  if (sched_getaffinity (0, sizeof (allowed), &allowed) == 0 && CPU_COUNT (&allowed) > 0)
    return CPU_COUNT (&allowed);
  return (gint) g_get_num_processors ();
}

/* "trtinfer model-file=... backend=cpu width height threads" */
static gchar *
element_description (guint threads)
{
  gchar *path = data_path ("many_layers.onnx");
  gchar *text = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu width=%d "
      "height=%d threads=%u", path, WIDTH, HEIGHT, threads);
  g_free (path);
  return text;
}

/* ---- the property ---------------------------------------------------------- */

GST_START_TEST (test_threads_property)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  guint threads = 99;

  fail_unless (element != NULL);
  g_object_get (element, "threads", &threads, NULL);
  fail_unless_equals_int (threads, 0);
  g_object_set (element, "threads", 3, NULL);
  g_object_get (element, "threads", &threads, NULL);
  fail_unless_equals_int (threads, 3);
  GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), "threads");
  fail_unless (spec != NULL);
  fail_unless (strstr (g_param_spec_get_blurb (spec), "0: automatic") != NULL);
  fail_unless (spec->flags & GST_PARAM_MUTABLE_READY);
  gst_object_unref (element);
}
GST_END_TEST;

/* ---- the count reaches the engine ---------------------------------------- */

/* The element says, at INFO, how many threads its engine context has. */
static void
catch_thread_report (GstDebugCategory * category, GstDebugLevel level, const gchar * file,
    const gchar * function, gint line, GObject * object, GstDebugMessage * message,
    gpointer user_data)
{
  gint *reported = user_data;
  const gchar *text = gst_debug_message_get (message);
  const gchar *found;

  (void) file;
  (void) function;
  (void) line;
  (void) object;

  if (level != GST_LEVEL_INFO || strcmp (gst_debug_category_get_name (category), "trtinfer"))
    return;
  if (text && (found = strstr (text, "CPU backend: up to ")))
    g_atomic_int_set (reported, atoi (found + strlen ("CPU backend: up to ")));
}

static gint
reported_threads (guint threads)
{
  gint reported = -1;
  gchar *launch = element_description (threads);
  GstHarness *h;

  gst_debug_add_log_function (catch_thread_report, &reported, NULL);
  h = gst_harness_new_parse (launch);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=64,height=48,framerate=25/1");
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_allocate (NULL,
              WIDTH * HEIGHT * 3, NULL)), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  gst_harness_teardown (h);
  gst_debug_remove_log_function (catch_thread_report);
  g_free (launch);
  return g_atomic_int_get (&reported);
}

GST_START_TEST (test_threads_reach_engine)
{
  if (!gst_debug_is_active () && !(gst_debug_set_active (TRUE), gst_debug_is_active ())) {
    GST_INFO ("debug log compiled out: skipped");
    return;
  }
  gst_debug_set_threshold_for_name ("trtinfer", GST_LEVEL_INFO);
  /* The default handler would print every INFO line of the element. */
  gst_debug_remove_log_function (gst_debug_log_default);
  gint one = reported_threads (1);
  gint three = reported_threads (3);
  gint automatic = reported_threads (0);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  gst_debug_set_threshold_for_name ("trtinfer", GST_LEVEL_ERROR);
  fail_unless_equals_int (one, 1);
  fail_unless_equals_int (three, 3);
  fail_unless_equals_int (automatic, MIN (available_cores (), TRT_CPU_THREADS_MAX));
}
GST_END_TEST;

/* ---- pipelines: tensors per frame, CPU time ------------------------------ */

/* Per frame (by PTS), the bytes of each tensor meta a sink received. */
typedef struct {
  GHashTable *frames;           /* PTS -> GPtrArray of GBytes */
} Collected;

static void
collected_init (Collected * collected)
{
  collected->frames = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      (GDestroyNotify) g_ptr_array_unref);
}

static void
collected_clear (Collected * collected)
{
  g_hash_table_unref (collected->frames);
}

static GBytes *
meta_bytes (const GstTrtTensorMeta * meta)
{
  GByteArray *bytes = g_byte_array_new ();

  for (gsize t = 0; t < meta->num_tensors; t++) {
    GstMapInfo map;
    fail_unless (gst_buffer_map (meta->tensors[t]->data, &map, GST_MAP_READ));
    g_byte_array_append (bytes, map.data, map.size);
    gst_buffer_unmap (meta->tensors[t]->data, &map);
  }
  return g_byte_array_free_to_bytes (bytes);
}

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad, gpointer user_data)
{
  Collected *collected = user_data;
  GPtrArray *metas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gpointer state = NULL;
  GstMeta *meta;
  gint64 *pts = g_new (gint64, 1);

  (void) sink;
  (void) pad;

  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_TRT_TENSOR_META_API_TYPE)))
    g_ptr_array_add (metas, meta_bytes ((GstTrtTensorMeta *) meta));
  *pts = (gint64) GST_BUFFER_PTS (buffer);
  g_hash_table_replace (collected->frames, pts, metas);
}

static gdouble
clock_seconds (clockid_t clock)
{
  struct timespec now;
  clock_gettime (clock, &now);
  return (gdouble) now.tv_sec + (gdouble) now.tv_nsec * 1e-9;
}

typedef struct {
  gdouble wall;
  gdouble cpu;                  /* the whole process's, all threads */
} Cost;

/* Runs @body after a 64x48 RGB source of FRAMES frames to EOS; the fakesinks
 * named sink0 and sink1 (when present) fill @sinks[0] and @sinks[1]. */
static Cost
run_pipeline (const gchar * body, Collected * sinks)
{
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=%d pattern=ball ! "
      "video/x-raw,format=RGB,width=%d,height=%d,framerate=25/1 ! %s", FRAMES, WIDTH,
      HEIGHT, body);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch_full (launch, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &error);
  Cost cost;

  fail_unless (pipeline != NULL, "%s: %s", launch, error ? error->message : "?");
  for (guint s = 0; s < 2; s++) {
    gchar *name = g_strdup_printf ("sink%u", s);
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), name);
    if (sink) {
      g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
      g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &sinks[s]);
      gst_object_unref (sink);
    }
    g_free (name);
  }
  const gdouble wall_start = clock_seconds (CLOCK_MONOTONIC);
  const gdouble cpu_start = clock_seconds (CLOCK_PROCESS_CPUTIME_ID);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus (pipeline);
  /* Generous: a pool that collapsed took minutes here, not seconds. */
  GstMessage *message = gst_bus_timed_pop_filtered (bus, 120 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (message != NULL, "%s: no EOS after 120 s", body);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gchar *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    fail ("%s: %s (%s)", body, error->message, debug);
  }
  cost.wall = clock_seconds (CLOCK_MONOTONIC) - wall_start;
  cost.cpu = clock_seconds (CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
  gst_message_unref (message);
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
  g_free (launch);
  return cost;
}

/* Every frame of @reference reached @sink with @metas tensor metas, each
 * byte for byte the one of @reference. */
static void
check_same_tensors (const Collected * reference, const Collected * sink, guint metas,
    const gchar * what)
{
  GHashTableIter iter;
  gpointer key, value;

  fail_unless_equals_int (g_hash_table_size (reference->frames), FRAMES);
  fail_unless_equals_int (g_hash_table_size (sink->frames), FRAMES);
  g_hash_table_iter_init (&iter, reference->frames);
  while (g_hash_table_iter_next (&iter, &key, &value)) {
    GPtrArray *expected = value;
    GPtrArray *got = g_hash_table_lookup (sink->frames, key);
    fail_unless (got != NULL, "%s: a frame is missing", what);
    fail_unless_equals_int (expected->len, 1);
    fail_unless_equals_int (got->len, metas);
    for (guint m = 0; m < got->len; m++)
      fail_unless (g_bytes_equal (got->pdata[m], expected->pdata[0]),
          "%s: meta %u of frame %" GST_TIME_FORMAT " differs from one element's", what,
          m, GST_TIME_ARGS (*(gint64 *) key));
  }
}

GST_START_TEST (test_one_element_any_thread_count)
{
  const guint counts[] = { 2, 3, 0 };
  Collected reference, other;
  gchar *element = element_description (1);
  gchar *body = g_strdup_printf ("%s ! fakesink name=sink0", element);

  collected_init (&reference);
  run_pipeline (body, &reference);
  g_free (body);
  g_free (element);
  for (guint c = 0; c < G_N_ELEMENTS (counts); c++) {
    element = element_description (counts[c]);
    body = g_strdup_printf ("%s ! fakesink name=sink0", element);
    collected_init (&other);
    run_pipeline (body, &other);
    check_same_tensors (&reference, &other, 1, body);
    collected_clear (&other);
    g_free (body);
    g_free (element);
  }
  collected_clear (&reference);
}
GST_END_TEST;

/* `a ! queue ! b` and a tee with two branches, automatic threads: the same
 * tensors as one element, and about the cost of one thread each. */
GST_START_TEST (test_two_elements)
{
  gchar *one = element_description (1), *automatic = element_description (0);
  gchar *single = g_strdup_printf ("%s ! fakesink name=sink0", one);
  gchar *chain_one = g_strdup_printf ("%s ! queue ! %s ! fakesink name=sink0", one, one);
  gchar *chain = g_strdup_printf ("%s ! queue ! %s ! fakesink name=sink0", automatic,
      automatic);
  gchar *tee = g_strdup_printf ("tee name=t t. ! queue ! %s ! fakesink name=sink0 "
      "t. ! queue ! %s ! fakesink name=sink1", automatic, automatic);
  Collected reference, sinks[2];

  collected_init (&reference);
  run_pipeline (single, &reference);

  collected_init (&sinks[0]);
  Cost cost_one = run_pipeline (chain_one, sinks);
  check_same_tensors (&reference, &sinks[0], 2, chain_one);
  collected_clear (&sinks[0]);

  collected_init (&sinks[0]);
  Cost cost_auto = run_pipeline (chain, sinks);
  check_same_tensors (&reference, &sinks[0], 2, chain);
  collected_clear (&sinks[0]);

  collected_init (&sinks[0]);
  collected_init (&sinks[1]);
  Cost cost_tee = run_pipeline (tee, sinks);
  check_same_tensors (&reference, &sinks[0], 1, "tee, first branch");
  check_same_tensors (&reference, &sinks[1], 1, "tee, second branch");
  collected_clear (&sinks[0]);
  collected_clear (&sinks[1]);
  collected_clear (&reference);

  g_print ("a ! queue ! b: threads=1 %.2f s (CPU %.2f s), automatic %.2f s (CPU %.2f s); "
      "tee, automatic: %.2f s (CPU %.2f s)\n", cost_one.wall, cost_one.cpu, cost_auto.wall,
      cost_auto.cpu, cost_tee.wall, cost_tee.cpu);
  /* Threads that spin against each other burn CPU: a pool that collapsed
   * used 5x the CPU of one thread per element here. Time on a shared
   * machine varies, hence the loose bounds. */
  fail_unless (cost_auto.cpu <= 2.0 * cost_one.cpu + 0.5,
      "a ! queue ! b, automatic threads: %.2f s of CPU against %.2f s with threads=1",
      cost_auto.cpu, cost_one.cpu);
  fail_unless (cost_tee.cpu <= 2.0 * cost_one.cpu + 0.5,
      "tee, automatic threads: %.2f s of CPU against %.2f s for a ! queue ! b with "
      "threads=1", cost_tee.cpu, cost_one.cpu);
  fail_unless (cost_auto.wall <= 3.0 * cost_one.wall + 2.0,
      "a ! queue ! b, automatic threads: %.2f s against %.2f s with threads=1",
      cost_auto.wall, cost_one.wall);

  g_free (one);
  g_free (automatic);
  g_free (single);
  g_free (chain_one);
  g_free (chain);
  g_free (tee);
}
GST_END_TEST;

static Suite *
threads_suite (void)
{
  Suite *s = suite_create ("trtinfer-threads");
  TCase *tc = tcase_create ("threads");

  tcase_set_timeout (tc, 600);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_threads_property);
  tcase_add_test (tc, test_threads_reach_engine);
  tcase_add_test (tc, test_one_element_any_thread_count);
  tcase_add_test (tc, test_two_elements);
  return s;
}

GST_CHECK_MAIN (threads);
