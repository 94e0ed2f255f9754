/* Soak: the trtinfer element on the CPU backend through 1000 NULL <-> PLAYING
 * cycles and 100,000 frames, with resident memory measured after a warm-up
 * and at the end. Memory that grows with cycles or frames (an engine, a
 * batch, a meta or a buffer pool kept per cycle or per frame) shows as RSS
 * growth here; LeakSanitizer, in the sanitizer build, names the allocation.
 *
 * Under AddressSanitizer the frame count is scaled down (the run is ~10x
 * slower) and the RSS bound is not enforced: ASan's quarantine keeps freed
 * memory resident by design (up to 256 MiB), so RSS says nothing there; the
 * test prints the figures and says so, and LeakSanitizer does the checking. */
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "element_test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SOAK_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOAK_UNDER_ASAN 1
#endif
#endif
#ifndef SOAK_UNDER_ASAN
#define SOAK_UNDER_ASAN 0
#endif

#define SOAK_CYCLES 1000
#define SOAK_WARMUP_CYCLES 50
#define SOAK_FRAMES (SOAK_UNDER_ASAN ? 20000 : 100000)
#define SOAK_WARMUP_FRAMES (SOAK_FRAMES / 10)
/* RSS may grow by this much after the warm-up: allocator arenas settling and
 * GLib's caches, not one engine (kB) per cycle or a meta per frame. */
#define SOAK_RSS_BOUND_KIB (8 * 1024)

/* Resident set size of this process in KiB (/proc/self/statm, field 2). */
static guint64
rss_kib (void)
{
  gchar *text = NULL;
  guint64 size = 0, resident = 0;
  fail_unless (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL),
      "cannot read /proc/self/statm");
  fail_unless (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size,
          &resident) == 2, "unexpected /proc/self/statm: %s", text);
  g_free (text);
  return resident * (guint64) sysconf (_SC_PAGESIZE) / 1024;
}

/* Bytes in use on the C heap: finer than RSS, which freed-but-kept pages
 * blur. 0 where glibc's mallinfo2 is not there (or ASan replaces malloc). */
static guint64
heap_in_use (void)
{
#if defined(__GLIBC__) && !SOAK_UNDER_ASAN
  struct mallinfo2 info = mallinfo2 ();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

/* Settles the allocator so that the figures compare like with like. */
static void
settle (void)
{
  /* Streaming threads drop their last references just after the state
   * change returns. */
  g_usleep (100 * 1000);
#if defined(__GLIBC__) && !SOAK_UNDER_ASAN
  malloc_trim (0);
#endif
}

static void
check_rss (const gchar * what, guint64 before, guint64 after, guint64 max_seen)
{
  gint64 grown = (gint64) after - (gint64) before;
  g_print ("soak %s: RSS after warm-up %" G_GUINT64_FORMAT " KiB, at the end %"
      G_GUINT64_FORMAT " KiB (%+" G_GINT64_FORMAT " KiB), max %" G_GUINT64_FORMAT
      " KiB; bound +%d KiB%s\n", what, before, after, grown, max_seen, SOAK_RSS_BOUND_KIB,
      SOAK_UNDER_ASAN ? " (not enforced under AddressSanitizer: its quarantine keeps "
      "freed memory resident; LeakSanitizer checks instead)" : "");
  if (!SOAK_UNDER_ASAN)
    fail_unless (grown <= SOAK_RSS_BOUND_KIB, "%s: RSS grew by %" G_GINT64_FORMAT
        " KiB, more than %d KiB", what, grown, SOAK_RSS_BOUND_KIB);
}

/* ---- the leaks tracer (GST_TRACERS=leaks from meson) ---------------------- */

static GstTracer *
leaks_tracer (void)
{
  GList *tracers = gst_tracing_get_active_tracers ();
  GstTracer *found = NULL;
  for (GList * l = tracers; l; l = l->next)
    if (!found && g_str_equal (G_OBJECT_TYPE_NAME (l->data), "GstLeaksTracer"))
      found = gst_object_ref (l->data);
  g_list_free_full (tracers, gst_object_unref);
  return found;
}

static guint
live_objects (GstTracer * tracer)
{
  GstStructure *info = NULL;
  g_signal_emit_by_name (tracer, "get-live-objects", &info);
  const GValue *list = gst_structure_get_value (info, "live-objects-list");
  guint count = gst_value_list_get_size (list);
  gst_structure_free (info);
  return count;
}

/* Waits a little for streaming threads to drop what they hold, then checks
 * that no GstObject or GstMiniObject outlived its cycle or frame. */
static void
check_live_objects (GstTracer * tracer, guint before, const gchar * what)
{
  guint after = 0;
  if (!tracer) {
    g_print ("soak %s: the leaks tracer is not active (GST_TRACERS=leaks): objects "
        "not counted\n", what);
    return;
  }
  for (guint wait = 0; wait < 40; wait++) {
    after = live_objects (tracer);
    if (after == before)
      break;
    g_usleep (50 * 1000);
  }
  g_print ("soak %s: live GStreamer objects %u before the soak pipeline, %u after it\n", what,
      before, after);
  fail_unless_equals_int (after, before);
}

/* ---- running a pipeline --------------------------------------------------- */

/* PLAYING until EOS (an error fails the test), then NULL. */
static void
play_to_eos (GstElement * pipeline, GstClockTime timeout)
{
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *message = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (message && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    GError *error = NULL;
    gchar *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    fail ("error from %s: %s (%s)", GST_OBJECT_NAME (GST_MESSAGE_SRC (message)),
        error->message, debug ? debug : "");
  }
  fail_unless (message != NULL, "no EOS within %" GST_TIME_FORMAT,
      GST_TIME_ARGS (timeout));
  gst_message_unref (message);
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
}

static GstElement *
soak_pipeline (const gchar * model, const gchar * engine, guint frames)
{
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=%u pattern=snow ! "
      "video/x-raw,format=RGB,width=32,height=32,framerate=1000/1 ! "
      "trtinfer name=infer backend=cpu model-file=\"%s\" %s%s%s batch-size=8 ! "
      "fakesink name=sink sync=false", frames, model, engine ? "engine-file=\"" : "",
      engine ? engine : "", engine ? "\"" : "");
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (launch, &error);
  fail_unless (pipeline != NULL, "%s: %s", launch, error ? error->message : "");
  g_free (launch);
  return pipeline;
}

/* ---- cycles ---------------------------------------------------------------- */

/* A short run of a throwaway pipeline sets up classes and types (once per
 * process) before anything is counted. Returns the live objects then. */
static guint
warm_up (const gchar * model, GstTracer * tracer)
{
  GstElement *pipeline = soak_pipeline (model, NULL, 16);
  play_to_eos (pipeline, 10 * GST_SECOND);
  gst_object_unref (pipeline);
  settle ();
  /* The tracer's list of live objects is only taken with no pipeline
   * alive: with GStreamer 1.22, freeing it while elements live in a bin
   * unrefs them once too often. */
  return tracer ? live_objects (tracer) : 0;
}

GST_START_TEST (test_soak_state_cycles)
{
  gchar *model = data_path ("classifier.onnx");
  gchar *dir = g_dir_make_tmp ("trtinfer-soak-XXXXXX", NULL);
  gchar *engine = g_build_filename (dir, "classifier.plan", NULL);
  GstTracer *tracer = leaks_tracer ();
  guint live_before = warm_up (model, tracer);
  /* The same element goes NULL -> PLAYING -> NULL each time: it loads the
   * plan (built in the first cycle), runs 3 frames (a partial batch, sent
   * at EOS) and unloads everything. */
  GstElement *pipeline = soak_pipeline (model, engine, 3);
  gint64 start = g_get_monotonic_time ();
  guint64 rss_before = 0, heap_before = 0, max_seen = 0;

  for (guint i = 0; i < SOAK_CYCLES; i++) {
    if (i == SOAK_WARMUP_CYCLES) {
      settle ();
      rss_before = rss_kib ();
      heap_before = heap_in_use ();
    }
    play_to_eos (pipeline, 10 * GST_SECOND);
    if (i % 50 == 0)
      max_seen = MAX (max_seen, rss_kib ());
  }
  settle ();
  guint64 rss_after = rss_kib (), heap_after = heap_in_use ();
  max_seen = MAX (max_seen, rss_after);
  g_print ("soak cycles: %d NULL<->PLAYING cycles (3 frames each, engine loaded from "
      "its plan) in %.1f s\n", SOAK_CYCLES, (g_get_monotonic_time () - start) / 1e6);
  if (heap_before)
    g_print ("soak cycles: heap in use after %d cycles %" G_GUINT64_FORMAT " B, at the "
        "end %" G_GUINT64_FORMAT " B\n", SOAK_WARMUP_CYCLES, heap_before, heap_after);
  check_rss ("cycles", rss_before, rss_after, max_seen);
  /* 950 engines of a few kB each would show as some MB; noise does not. */
  if (heap_before)
    fail_unless (heap_after < heap_before + 512 * 1024,
        "heap grew by %" G_GUINT64_FORMAT " B over %d cycles", heap_after - heap_before,
        SOAK_CYCLES - SOAK_WARMUP_CYCLES);
  gst_object_unref (pipeline);
  check_live_objects (tracer, live_before, "cycles");

  if (tracer)
    gst_object_unref (tracer);
  g_unlink (engine);
  g_rmdir (dir);
  g_free (engine);
  g_free (dir);
  g_free (model);
}
GST_END_TEST;

/* ---- frames ---------------------------------------------------------------- */

typedef struct {
  guint frames;
  guint with_meta;
  guint64 rss_warm;
  guint64 rss_last;
  guint64 rss_max;
  guint64 heap_warm;
  guint64 heap_last;
} FrameCount;

static GstPadProbeReturn
count_frame (G_GNUC_UNUSED GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FrameCount *count = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (buffer);

  /* Only the streaming thread writes these; read after EOS. */
  count->frames++;
  count->with_meta += meta != NULL && meta->num_tensors == 2;
  if (count->frames == SOAK_WARMUP_FRAMES) {
#if defined(__GLIBC__) && !SOAK_UNDER_ASAN
    malloc_trim (0);
#endif
    count->rss_warm = rss_kib ();
    count->heap_warm = heap_in_use ();
  }
  if (count->frames % 1000 == 0)
    count->rss_max = MAX (count->rss_max, rss_kib ());
  /* The last frame, measured like the warm-up one: the pipeline still
   * playing, its engine and batch still allocated. */
  if (count->frames == SOAK_FRAMES) {
#if defined(__GLIBC__) && !SOAK_UNDER_ASAN
    malloc_trim (0);
#endif
    count->rss_last = rss_kib ();
    count->heap_last = heap_in_use ();
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_soak_frames)
{
  gchar *model = data_path ("classifier.onnx");
  GstTracer *tracer = leaks_tracer ();
  guint live_before = warm_up (model, tracer);
  GstElement *pipeline = soak_pipeline (model, NULL, SOAK_FRAMES);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  FrameCount count = { 0 };
  gint64 start = g_get_monotonic_time ();

  if (SOAK_UNDER_ASAN)
    g_print ("soak frames: AddressSanitizer build: %d frames instead of 100000\n",
        SOAK_FRAMES);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_frame, &count, NULL);
  play_to_eos (pipeline, 600 * GST_SECOND);
  gdouble seconds = (g_get_monotonic_time () - start) / 1e6;
  settle ();
  guint64 rss_stopped = rss_kib ();

  g_print ("soak frames: %u frames of 32x32 RGB, batch-size 8, in %.1f s (%.0f frames/s)\n",
      count.frames, seconds, count.frames / seconds);
  fail_unless_equals_int (count.frames, SOAK_FRAMES);
  fail_unless_equals_int (count.with_meta, SOAK_FRAMES);
  if (count.heap_warm)
    g_print ("soak frames: heap in use at frame %d %" G_GUINT64_FORMAT " B, at the last "
        "frame %" G_GUINT64_FORMAT " B\n", SOAK_WARMUP_FRAMES, count.heap_warm,
        count.heap_last);
  g_print ("soak frames: RSS %" G_GUINT64_FORMAT " KiB after the pipeline stopped\n",
      rss_stopped);
  check_rss ("frames", count.rss_warm, count.rss_last, count.rss_max);
  if (count.heap_warm)
    fail_unless (count.heap_last < count.heap_warm + 1024 * 1024,
        "heap grew by %" G_GUINT64_FORMAT " B over %d frames",
        count.heap_last - count.heap_warm, SOAK_FRAMES - SOAK_WARMUP_FRAMES);

  gst_object_unref (pad);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  check_live_objects (tracer, live_before, "frames");
  if (tracer)
    gst_object_unref (tracer);
  g_free (model);
}
GST_END_TEST;

static Suite *
soak_suite (void)
{
  Suite *s = suite_create ("trtinfer-soak");
  TCase *tc = tcase_create ("soak");

  tcase_set_timeout (tc, 900);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_soak_state_cycles);
  tcase_add_test (tc, test_soak_frames);
  return s;
}

GST_CHECK_MAIN (soak);
