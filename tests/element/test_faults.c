/* Faults around the trtinfer element's engine cache (CPU backend): a
 * corrupt engine-file (garbage, empty, truncated, with bytes added or
 * flipped, or a plan for another model) and a disk that fills up, or
 * refuses writes, while the element saves a new engine.
 *
 * What must hold in every case: a clear warning and a rebuild when the
 * model is there to rebuild from (into a file beside engine-file, which is
 * never replaced), a clear error when it is not; the old engine-file byte
 * for byte as it was, always; and no temp file or half-written plan left
 * beside it.
 *
 * The disk-full case mounts a 64 KiB tmpfs in a mount namespace of the test's
 * own (root with CAP_SYS_ADMIN, as in CI's containers when they allow it);
 * where that is refused it says so and the RLIMIT_FSIZE case, which needs no
 * privilege, still runs. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* unshare */
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "element_test_util.h"

/* ---- starting the element --------------------------------------------- */

typedef struct {
  GstStateChangeReturn ret;
  gboolean built;
  gchar *warning;               /* the last warning, NULL if none */
  gchar *error;                 /* the last error, NULL if none */
} StartResult;

static void
start_result_clear (StartResult * r)
{
  g_free (r->warning);
  g_free (r->error);
  memset (r, 0, sizeof (*r));
}

/* A trtinfer on the CPU backend taken NULL -> READY -> NULL: what its bus
 * said, and whether it built an engine (a progress message) or loaded one. */
static void
start_element (const gchar * model, const gchar * engine, StartResult * result)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  GstBus *bus = gst_bus_new ();
  GstMessage *message;

  fail_unless (element != NULL, "no trtinfer element");
  memset (result, 0, sizeof (*result));
  g_object_set (element, "model-file", model, "engine-file", engine, NULL);
  gst_util_set_object_arg (G_OBJECT (element), "backend", "cpu");
  gst_element_set_bus (element, bus);
  result->ret = gst_element_set_state (element, GST_STATE_READY);
  while ((message = gst_bus_pop (bus))) {
    GError *error = NULL;
    gchar *debug = NULL;
    switch (GST_MESSAGE_TYPE (message)) {
      case GST_MESSAGE_PROGRESS:{
        GstProgressType type;
        gst_message_parse_progress (message, &type, NULL, NULL);
        result->built |= type == GST_PROGRESS_TYPE_START;
        break;
      }
      case GST_MESSAGE_WARNING:
        gst_message_parse_warning (message, &error, &debug);
        g_free (result->warning);
        result->warning = g_strdup_printf ("%s (%s)", error->message, debug ? debug : "");
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (message, &error, &debug);
        g_free (result->error);
        result->error = g_strdup_printf ("%s (%s)", error->message, debug ? debug : "");
        break;
      default:
        break;
    }
    g_clear_error (&error);
    g_free (debug);
    gst_message_unref (message);
  }
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
}

/* One frame through a trtinfer using @engine: it must come out with its
 * tensors, whatever happened to the cache. */
static void
check_runs (const gchar * model, const gchar * engine)
{
  gchar *launch = g_strdup_printf ("trtinfer backend=cpu model-file=\"%s\" "
      "engine-file=\"%s\"", model, engine);
  GstHarness *h = gst_harness_new_parse (launch);
  GstVideoInfo info;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=8,height=8");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  GstBuffer *in = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_memset (in, 0, 0x40, GST_VIDEO_INFO_SIZE (&info));
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (out);
  fail_unless (meta != NULL && meta->num_tensors == 2, "no tensors on the frame");
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_free (launch);
}

/* ---- files ------------------------------------------------------------------ */

static GBytes *
read_bytes (const gchar * path)
{
  gchar *contents;
  gsize length;
  fail_unless (g_file_get_contents (path, &contents, &length, NULL), "cannot read %s", path);
  return g_bytes_new_take (contents, length);
}

static void
write_bytes (const gchar * path, const void *data, gsize size)
{
  fail_unless (g_file_set_contents (path, data, (gssize) size, NULL), "cannot write %s",
      path);
}

static gboolean
file_equals (const gchar * path, GBytes * expected)
{
  gchar *contents;
  gsize length;
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  gsize want_size;
  const void *want = g_bytes_get_data (expected, &want_size);
  gboolean same = length == want_size && (length == 0 || memcmp (contents, want, length) == 0);
  g_free (contents);
  return same;
}

/* Fails unless @dir holds exactly the files named in @names (NULL-ended):
 * a temp file or a stray plan left behind shows here by its name. */
static void
check_dir_holds (const gchar * dir, const gchar * const *names)
{
  GDir *listing = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint found = 0;

  fail_unless (listing != NULL, "cannot list %s", dir);
  while ((name = g_dir_read_name (listing))) {
    fail_unless (g_strv_contains (names, name), "%s: unexpected file '%s' (a temp file "
        "left behind?)", dir, name);
    found++;
  }
  g_dir_close (listing);
  fail_unless_equals_int (found, g_strv_length ((gchar **) names));
}

/* The engine the element writes beside engine-file "model.plan" when that
 * holds something else (model_b1_cpu_fp32_<key>.plan), or NULL. */
static gchar *
derived_plan (const gchar * dir)
{
  GDir *listing = g_dir_open (dir, 0, NULL);
  const gchar *name;
  gchar *found = NULL;

  while (listing && (name = g_dir_read_name (listing)))
    if (g_str_has_prefix (name, "model_b1_cpu_fp32_") && g_str_has_suffix (name, ".plan")) {
      fail_unless (found == NULL, "two derived plans in %s", dir);
      found = g_strdup (name);
    }
  if (listing)
    g_dir_close (listing);
  return found;
}

/* ---- a corrupt engine-file ------------------------------------------------ */

typedef struct {
  const gchar *what;
  GBytes *bytes;
} Corruption;

GST_START_TEST (test_corrupt_engine_file)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-faults-XXXXXX", NULL);
  gchar *model = g_build_filename (dir, "model.onnx", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  gchar *other_plan = g_build_filename (dir, "other.plan", NULL);
  gchar *v1 = data_path ("classifier.onnx"), *v2 = data_path ("classifier_v2.onnx");
  const gchar *const files[] = { "model.onnx", "model.plan", NULL };
  StartResult r;

  GBytes *model_bytes = read_bytes (v1);
  write_bytes (model, g_bytes_get_data (model_bytes, NULL), g_bytes_get_size (model_bytes));
  g_bytes_unref (model_bytes);

  /* a good plan, and one for another model (same shapes, other weights) */
  start_element (model, plan, &r);
  fail_unless (r.ret == GST_STATE_CHANGE_SUCCESS && r.built && !r.warning && !r.error);
  start_result_clear (&r);
  GBytes *good = read_bytes (plan);
  start_element (v2, other_plan, &r);
  fail_unless (r.ret == GST_STATE_CHANGE_SUCCESS && r.built);
  start_result_clear (&r);
  GBytes *other = read_bytes (other_plan);
  g_unlink (other_plan);
  gsize size;
  const guint8 *data = g_bytes_get_data (good, &size);
  g_print ("faults: the classifier's plan is %" G_GSIZE_FORMAT " bytes\n", size);
  fail_unless (size > 64);

  guint8 *garbage = g_malloc (4096);
  guint32 state = 12345;
  for (gsize i = 0; i < 4096; i++) {
    state = state * 1664525u + 1013904223u;
    garbage[i] = (guint8) (state >> 24);
  }
  guint8 *flipped_head = g_memdup2 (data, size), *flipped_tail = g_memdup2 (data, size);
  flipped_head[8] ^= 0x01;      /* just past the magic: the version fields */
  flipped_tail[size - 1] ^= 0x80;       /* the checksum */
  guint8 *longer = g_malloc (size + 100);
  memcpy (longer, data, size);
  memcpy (longer + size, garbage, 100);
  Corruption cases[] = {
    {"4 KiB of garbage", g_bytes_new (garbage, 4096)},
    {"an empty file", g_bytes_new (NULL, 0)},
    {"the first 10 bytes", g_bytes_new (data, 10)},
    {"the first half", g_bytes_new (data, size / 2)},
    {"all but the last byte", g_bytes_new (data, size - 1)},
    {"100 bytes of garbage appended", g_bytes_new (longer, size + 100)},
    {"a bit flipped in the header", g_bytes_new (flipped_head, size)},
    {"a bit flipped in the checksum", g_bytes_new (flipped_tail, size)},
    {"the magic and garbage", NULL},
    {"a plan for another model", g_bytes_ref (other)},
  };
  memcpy (garbage, data, 8);
  cases[8].bytes = g_bytes_new (garbage, 4096);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++) {
    const Corruption *k = &cases[c];
    gsize length;
    gconstpointer bytes = g_bytes_get_data (k->bytes, &length);

    /* with the model: a warning, a rebuild into a file beside it, and
     * engine-file left as it was */
    write_bytes (plan, bytes, length);
    start_element (model, plan, &r);
    g_print ("faults: engine-file holds %s: %s, warning: %s\n", k->what,
        r.built ? "rebuilt" : "NOT rebuilt", r.warning ? r.warning : "(none)");
    fail_unless_equals_int (r.ret, GST_STATE_CHANGE_SUCCESS);
    fail_unless (r.error == NULL, "%s: error %s", k->what, r.error);
    fail_unless (r.built, "%s: not rebuilt", k->what);
    fail_unless (r.warning != NULL && strstr (r.warning, "building one into") != NULL
        && strstr (r.warning, "leaving") != NULL, "%s: warning '%s'", k->what, r.warning);
    fail_unless (file_equals (plan, k->bytes), "%s: the engine-file was changed", k->what);
    gchar *derived_name = derived_plan (dir);
    fail_unless (derived_name != NULL, "%s: no engine beside engine-file", k->what);
    gchar *derived = g_build_filename (dir, derived_name, NULL);
    const gchar *const with_derived[] = { "model.onnx", "model.plan", derived_name, NULL };
    check_dir_holds (dir, with_derived);
    start_result_clear (&r);
    start_element (model, plan, &r);
    fail_unless (r.ret == GST_STATE_CHANGE_SUCCESS && !r.built && !r.warning,
        "%s: the rebuilt plan does not load", k->what);
    start_result_clear (&r);
    fail_unless (file_equals (derived, good), "%s: the rebuilt plan differs from the first",
        k->what);
    fail_unless (file_equals (plan, k->bytes), "%s: the engine-file was changed", k->what);
    g_unlink (derived);
    g_free (derived);
    g_free (derived_name);

    /* without it: a clear error, and the file left as it was */
    write_bytes (plan, bytes, length);
    start_element (NULL, plan, &r);
    g_print ("faults: engine-file alone holds %s: error: %s\n", k->what,
        r.error ? r.error : "(none)");
    if (k->bytes == other) {
      /* A plan alone is taken for what it is: nothing says which model
       * it should have been. */
      fail_unless_equals_int (r.ret, GST_STATE_CHANGE_SUCCESS);
    } else {
      fail_unless_equals_int (r.ret, GST_STATE_CHANGE_FAILURE);
      fail_unless (r.error != NULL && strstr (r.error, "Could not load engine-file") != NULL,
          "%s: error '%s'", k->what, r.error);
    }
    fail_unless (file_equals (plan, k->bytes), "%s: the engine-file was changed", k->what);
    check_dir_holds (dir, files);
    start_result_clear (&r);
  }

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    g_bytes_unref (cases[c].bytes);
  g_free (garbage);
  g_free (flipped_head);
  g_free (flipped_tail);
  g_free (longer);
  g_bytes_unref (good);
  g_bytes_unref (other);
  g_unlink (plan);
  g_unlink (model);
  g_rmdir (dir);
  g_free (v1);
  g_free (v2);
  g_free (other_plan);
  g_free (plan);
  g_free (model);
  g_free (dir);
}
GST_END_TEST;

/* ---- a save that fails ------------------------------------------------------- */

/* The element holds an engine-file for classifier_v2 and is given
 * classifier: it must rebuild, and its save fails (@expected in the
 * warning). Checks that it still runs, warns, and leaves the old plan
 * intact and nothing beside it but @files. */
static void
check_failed_save_limited (const gchar * dir, const gchar * plan, GBytes * old,
    const gchar * const *files, const gchar * expected, const gchar * what,
    const struct rlimit *file_size_limit)
{
  gchar *model = data_path ("classifier.onnx");
  struct rlimit saved;
  StartResult r;

  /* A file size limit holds only while an element runs: the test
   * framework's own messages go to a file as well. */
  if (file_size_limit)
    fail_unless (getrlimit (RLIMIT_FSIZE, &saved) == 0);
  if (file_size_limit)
    setrlimit (RLIMIT_FSIZE, file_size_limit);
  start_element (model, plan, &r);
  if (file_size_limit)
    setrlimit (RLIMIT_FSIZE, &saved);
  g_print ("faults: %s: %s, warning: %s\n", what, r.built ? "rebuilt" : "NOT rebuilt",
      r.warning ? r.warning : "(none)");
  fail_unless_equals_int (r.ret, GST_STATE_CHANGE_SUCCESS);
  fail_unless (r.error == NULL, "%s: error %s", what, r.error);
  fail_unless (r.built, "%s: not rebuilt", what);
  fail_unless (r.warning != NULL && strstr (r.warning, "Could not write") != NULL,
      "%s: warning '%s'", what, r.warning);
  fail_unless (strstr (r.warning, expected) != NULL, "%s: the warning does not say '%s': %s",
      what, expected, r.warning);
  if (old)
    fail_unless (file_equals (plan, old), "%s: the old engine-file was changed", what);
  check_dir_holds (dir, files);
  start_result_clear (&r);
  if (file_size_limit)
    setrlimit (RLIMIT_FSIZE, file_size_limit);
  check_runs (model, plan);
  if (file_size_limit)
    setrlimit (RLIMIT_FSIZE, &saved);
  check_dir_holds (dir, files);
  g_free (model);
}

static void
check_failed_save (const gchar * dir, const gchar * plan, GBytes * old,
    const gchar * const *files, const gchar * expected, const gchar * what)
{
  check_failed_save_limited (dir, plan, old, files, expected, what, NULL);
}

/* Builds the old engine-file: a plan for classifier_v2. */
static GBytes *
old_plan (const gchar * plan)
{
  gchar *v2 = data_path ("classifier_v2.onnx");
  StartResult r;
  start_element (v2, plan, &r);
  fail_unless (r.ret == GST_STATE_CHANGE_SUCCESS && r.built && !r.warning,
      "cannot write the old plan: %s", r.warning ? r.warning : r.error);
  start_result_clear (&r);
  g_free (v2);
  return read_bytes (plan);
}

/* Writes a file in @dir until the file system is full; returns its size. */
static gsize
fill_up (const gchar * path)
{
  static const gchar chunk[4096];
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  gsize total = 0;
  fail_unless (fd >= 0, "cannot create %s: %s", path, g_strerror (errno));
  for (gsize step = sizeof chunk; step > 0; step /= 2) {
    for (;;) {
      ssize_t put = write (fd, chunk, step);
      if (put < 0 && errno == EINTR)
        continue;
      if (put <= 0) {
        fail_unless (put == 0 || errno == ENOSPC, "filling %s: %s", path, g_strerror (errno));
        break;
      }
      total += (gsize) put;
    }
  }
  close (fd);
  return total;
}

GST_START_TEST (test_disk_full_tmpfs)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-tmpfs-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  gchar *filler = g_build_filename (dir, "filler", NULL);
  const gchar *const with_plan[] = { "model.plan", "filler", NULL };
  const gchar *const filler_only[] = { "filler", NULL };

  /* A mount namespace of our own: the tmpfs goes away with the process,
   * whatever happens to the test. */
  if (unshare (CLONE_NEWNS) != 0
      || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount ("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") != 0) {
    g_print ("SKIP faults: disk full on a tmpfs: cannot mount one here (%s); the "
        "RLIMIT_FSIZE case covers a full disk instead\n", g_strerror (errno));
    g_rmdir (dir);
    goto done;
  }

  /* the old engine, then a full disk: the new one cannot be written */
  GBytes *old = old_plan (plan);
  gsize filled = fill_up (filler);
  g_print ("faults: 64 KiB tmpfs: plan of %" G_GSIZE_FORMAT " bytes, filled with %"
      G_GSIZE_FORMAT " more bytes\n", g_bytes_get_size (old), filled);
  check_failed_save (dir, plan, old, with_plan, "No space left on device",
      "disk full, old engine-file present");

  /* no old engine: nothing may be left at all */
  g_unlink (plan);
  fill_up (filler);
  check_failed_save (dir, plan, NULL, filler_only, "No space left on device",
      "disk full, no engine-file yet");
  g_unlink (filler);

  /* a read-only file system (root ignores a directory's mode, not this) */
  g_bytes_unref (old);
  old = old_plan (plan);
  fail_unless (mount (NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, "size=64k") == 0,
      "cannot remount read-only: %s", g_strerror (errno));
  const gchar *const plan_only[] = { "model.plan", NULL };
  check_failed_save (dir, plan, old, plan_only, "Read-only file system",
      "read-only file system");

  g_bytes_unref (old);
  fail_unless (umount2 (dir, MNT_DETACH) == 0, "umount %s: %s", dir, g_strerror (errno));
  g_rmdir (dir);
done:
  g_free (filler);
  g_free (plan);
  g_free (dir);
}
GST_END_TEST;

GST_START_TEST (test_disk_full_rlimit)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-fsize-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  const gchar *const files[] = { "model.plan", NULL };
  struct rlimit limited;
  GBytes *old = old_plan (plan);

  /* Past the limit write() fails with EFBIG instead of raising SIGXFSZ,
   * which would kill the process. Half the plan is written: a half-written
   * temp file that must not survive, nor replace the old plan. */
  signal (SIGXFSZ, SIG_IGN);
  fail_unless (getrlimit (RLIMIT_FSIZE, &limited) == 0);
  limited.rlim_cur = g_bytes_get_size (old) / 2;
  check_failed_save_limited (dir, plan, old, files, "File too large",
      "RLIMIT_FSIZE at half the plan", &limited);
  signal (SIGXFSZ, SIG_DFL);

  g_bytes_unref (old);
  g_unlink (plan);
  g_rmdir (dir);
  g_free (plan);
  g_free (dir);
}
GST_END_TEST;

GST_START_TEST (test_read_only_directory)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-ro-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  const gchar *const files[] = { "model.plan", NULL };
  GBytes *old = old_plan (plan);

  fail_unless (g_chmod (dir, 0555) == 0);
  if (access (dir, W_OK) == 0) {
    g_print ("SKIP faults: read-only directory: this user may write into a 0555 "
        "directory (root); the tmpfs case remounts read-only instead\n");
  } else {
    check_failed_save (dir, plan, old, files, "Permission denied", "read-only directory");
  }
  g_chmod (dir, 0755);
  g_bytes_unref (old);
  g_unlink (plan);
  g_rmdir (dir);
  g_free (plan);
  g_free (dir);
}
GST_END_TEST;

static Suite *
faults_suite (void)
{
  Suite *s = suite_create ("trtinfer-faults");
  TCase *tc = tcase_create ("faults");

  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_corrupt_engine_file);
  tcase_add_test (tc, test_disk_full_tmpfs);
  tcase_add_test (tc, test_disk_full_rlimit);
  tcase_add_test (tc, test_read_only_directory);
  return s;
}

GST_CHECK_MAIN (faults);
