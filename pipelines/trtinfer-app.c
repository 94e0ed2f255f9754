/* trtinfer-app: embeds trtinfer in a pipeline and prints, for every frame
 * that reaches the appsink, the tensors of its GstTrtTensorMeta.
 *
 *   trtinfer-app model.onnx                    # videotestsrc, 10 frames
 *   trtinfer-app model.onnx "filesrc location=clip.mp4 ! decodebin" 100
 *   trtinfer-app model.onnx "v4l2src device=/dev/video0" 100
 *   trtinfer-app model.onnx "filesrc location=clip.mp4 ! qtdemux ! h264parse !
 * \ nvh264dec ! video/x-raw(memory:CUDAMemory)" 100
 *
 * TRTINFER-PROPERTIES may go on with the pipeline after trtinfer, a decoder
 * say ("unique-id=1 ! trtctc infer-id=1 labels=keys.txt"): the regions it
 * attaches are printed with each frame.
 *
 * Frames go through videoconvert to a format trtinfer takes, unless the
 * source leaves them in GPU memory (it names memory:CUDAMemory in a caps
 * filter: cudaupload and the decoders would rather pass system memory on
 * to an element that takes both): those reach trtinfer as they are.
 *
 * With TRTINFER_APP_DUMP=DIR in the environment it also writes the tensors
 * of the first inferred frame to DIR/<tensor name>.bin (raw, as in the meta),
 * for tools that draw or check results. With TRTINFER_APP_LATENCY=1 it
 * prints, at the end, the median time frames took from entering trtinfer to
 * leaving it (pad probes, by timestamp).
 *
 * The element is found like any plugin: install it, or point
 * GST_PLUGIN_PATH at the build's gst/ folder. */
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"

static void
print_frame (GstBuffer *buffer, guint index)
{
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (buffer);

  g_print ("frame %u pts %" GST_TIME_FORMAT ":", index,
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
  if (!meta) {
    g_print (" no tensors (not inferred)\n");
    return;
  }
  g_print (" network %ux%u, frame %ux%u, scale %.3fx%.3f, pad %.0f,%.0f\n",
      meta->network_width, meta->network_height, meta->source_width,
      meta->source_height, meta->scale_x, meta->scale_y, meta->pad_x,
      meta->pad_y);
  for (gsize i = 0; i < meta->num_tensors; i++) {
    const GstTrtTensor *tensor = meta->tensors[i];
    GstMapInfo map;

    g_print ("  %-12s %s [", g_quark_to_string (tensor->id),
        gst_trt_tensor_data_type_name (tensor->data_type));
    for (gsize d = 0; d < tensor->num_dims; d++)
      g_print ("%s%" G_GSIZE_FORMAT, d ? "x" : "", tensor->dims[d]);
    g_print ("]");
    if (tensor->data_type == GST_TRT_TENSOR_DATA_TYPE_FLOAT32
        && gst_buffer_map (tensor->data, &map, GST_MAP_READ)) {
      const gfloat *values = (const gfloat *) map.data;
      gsize count = map.size / sizeof (gfloat), best = 0;
      for (gsize v = 0; v < count; v++)
        if (values[v] > values[best])
          best = v;
      g_print (" first:");
      for (gsize v = 0; v < count && v < 6; v++)
        g_print (" %.4g", values[v]);
      if (count > 0)
        g_print ("%s max %.4g at %" G_GSIZE_FORMAT, count > 6 ? " ..." : "",
            values[best], best);
      gst_buffer_unmap (tensor->data, &map);
    }
    g_print ("\n");
  }
  /* what decoders after trtinfer made of them */
  gpointer state = NULL;
  GstMeta *region;
  while ((region = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) region;
    g_print ("  region %s at %u,%u %ux%u", g_quark_to_string (roi->roi_type),
        roi->x, roi->y, roi->w, roi->h);
    const gchar *words = NULL;
    for (GList *l = roi->params; l; l = l->next) {
      gchar *text = gst_structure_to_string (l->data);
      g_print (": %s", text);
      g_free (text);
      words = words ? words : gst_structure_get_string (l->data, "text");
    }
    g_print ("\n");
    if (words)
      g_print ("  text: %s\n", words); /* as read, unescaped */
  }
}

/* Writes each tensor's bytes to DIR/<name>.bin; the name's '/' become '_'. */
static gboolean
dump_tensors (const GstTrtTensorMeta *meta, const gchar *dir)
{
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    g_printerr ("cannot create %s\n", dir);
    return FALSE;
  }
  for (gsize i = 0; i < meta->num_tensors; i++) {
    const GstTrtTensor *tensor = meta->tensors[i];
    gchar *name =
        g_strdelimit (g_strdup (g_quark_to_string (tensor->id)), "/\\", '_');
    gchar *file = g_strdup_printf ("%s.bin", name);
    gchar *path = g_build_filename (dir, file, NULL);
    GstMapInfo map;
    GError *error = NULL;
    gboolean written = gst_buffer_map (tensor->data, &map, GST_MAP_READ)
        && g_file_set_contents (path, (const gchar *) map.data, map.size,
            &error);
    if (written) {
      gst_buffer_unmap (tensor->data, &map);
      g_print ("  wrote %s\n", path);
    } else {
      g_printerr ("cannot write %s: %s\n", path,
          error ? error->message : "map failed");
      g_clear_error (&error);
    }
    g_free (path);
    g_free (file);
    g_free (name);
    if (!written)
      return FALSE;
  }
  return TRUE;
}

/* Per-frame latency through the element: when each timestamp entered, and
 * what each frame took. */
typedef struct
{
  GHashTable *entered; /* PTS -> monotonic microseconds */
  GArray *taken;       /* gdouble milliseconds */
  GMutex lock;
} Latency;

static GstPadProbeReturn
on_enter (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Latency *latency = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  (void) pad;
  g_mutex_lock (&latency->lock);
  g_hash_table_insert (latency->entered,
      GSIZE_TO_POINTER (GST_BUFFER_PTS (buffer)),
      GSIZE_TO_POINTER (g_get_monotonic_time ()));
  g_mutex_unlock (&latency->lock);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_leave (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Latency *latency = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  gpointer entered;
  (void) pad;
  g_mutex_lock (&latency->lock);
  if (g_hash_table_lookup_extended (latency->entered,
          GSIZE_TO_POINTER (GST_BUFFER_PTS (buffer)), NULL, &entered)) {
    gdouble ms = (g_get_monotonic_time () - (gint64) GPOINTER_TO_SIZE (entered))
        / 1000.0;
    g_array_append_val (latency->taken, ms);
  }
  g_mutex_unlock (&latency->lock);
  return GST_PAD_PROBE_OK;
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;
  return x < y ? -1 : x > y;
}

static void
latency_watch (Latency *latency, GstElement *element)
{
  latency->entered = g_hash_table_new (g_direct_hash, g_direct_equal);
  latency->taken = g_array_new (FALSE, FALSE, sizeof (gdouble));
  g_mutex_init (&latency->lock);
  GstPad *sink = gst_element_get_static_pad (element, "sink");
  GstPad *src = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER, on_enter, latency, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, on_leave, latency, NULL);
  gst_object_unref (sink);
  gst_object_unref (src);
}

/* The median, past the first 20 frames (start-up). */
static void
latency_report (Latency *latency)
{
  GArray *taken = latency->taken;
  guint skip = taken->len > 40 ? 20 : 0;
  if (taken->len > skip) {
    g_array_sort (taken, compare_doubles);
    g_print ("latency through trtinfer: median %.3f ms over %u frames\n",
        g_array_index (taken, gdouble, skip + (taken->len - skip) / 2),
        taken->len - skip);
  }
  g_hash_table_unref (latency->entered);
  g_array_unref (taken);
  g_mutex_clear (&latency->lock);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  gst_init (&argc, &argv);

  if (argc < 2) {
    g_printerr ("usage: %s MODEL.onnx [SOURCE-PIPELINE] [FRAMES] "
                "[TRTINFER-PROPERTIES]\n"
                "  SOURCE-PIPELINE defaults to videotestsrc; FRAMES to 10\n",
        argv[0]);
    return 2;
  }
  const gchar *source = argc > 2 ? argv[2] : "videotestsrc";
  gint frames = argc > 3 ? atoi (argv[3]) : 10;
  const gchar *extra = argc > 4 ? argv[4] : "";
  gchar *model = g_strescape (argv[1], NULL);
  gboolean on_gpu = strstr (source, "memory:CUDAMemory") != NULL;
  gchar *description = g_strdup_printf ("%s ! %s"
                                        "trtinfer name=infer model-file=\"%s\" "
                                        "%s ! appsink name=sink sync=false",
      source,
      on_gpu ? ""
             : "videoconvert ! "
               "video/"
               "x-raw,format={RGB,BGR,RGBA,BGRA,RGBx,BGRx,NV12,I420,GRAY8} ! ",
      model, extra);
  g_free (model);

  GstElement *pipeline = gst_parse_launch (description, &error);
  g_free (description);
  if (!pipeline) {
    g_printerr ("could not create the pipeline: %s\n", error->message);
    g_error_free (error);
    return 1;
  }
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  Latency latency;
  gboolean timed = g_strcmp0 (g_getenv ("TRTINFER_APP_LATENCY"), "1") == 0;
  if (timed) {
    GstElement *infer = gst_bin_get_by_name (GST_BIN (pipeline), "infer");
    latency_watch (&latency, infer);
    gst_object_unref (infer);
  }
  const gchar *dump_dir = g_getenv ("TRTINFER_APP_DUMP");
  gboolean dumped = FALSE, reached_eos = FALSE;
  int status = 0;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE) {
    status = 1;
  } else {
    for (gint i = 0; frames <= 0 || i < frames; i++) {
      GstSample *sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      if (!sample) {
        reached_eos = gst_app_sink_is_eos (GST_APP_SINK (sink));
        break; /* EOS or error */
      }
      GstBuffer *buffer = gst_sample_get_buffer (sample);
      print_frame (buffer, (guint) i);
      GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (buffer);
      if (dump_dir && !dumped && meta) {
        dumped = TRUE;
        if (!dump_tensors (meta, dump_dir))
          status = 1;
      }
      gst_sample_unref (sample);
    }
  }

  /* Report an error if the pipeline posted one. At the appsink's EOS other
   * branches (a tee to a file writer) may still be busy: wait for the
   * pipeline's EOS, which comes when every sink has finished. */
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *message = reached_eos
      ? gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
          GST_MESSAGE_EOS | GST_MESSAGE_ERROR)
      : gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    g_clear_pointer (&message, gst_message_unref);
  if (message) {
    gchar *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    g_printerr ("error from %s: %s\n%s\n",
        GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message,
        debug ? debug : "");
    g_clear_error (&error);
    g_free (debug);
    gst_message_unref (message);
    status = 1;
  }
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (timed)
    latency_report (&latency);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  return status;
}
