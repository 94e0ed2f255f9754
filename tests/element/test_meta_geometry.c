/* The tensor meta's frame geometry downstream of elements that change the
 * frame: kept as it is where the frame is unchanged (identity, a format
 * conversion), mapped to the new size by scales (videoscale,
 * videoconvertscale), dropped by crops, flips and boxes, whose frames it
 * could no longer describe. Pipelines run the CPU backend on the tiny
 * classifier of data/. */
#include <math.h>
#include <string.h>

#include <gst/check/gstcheck.h>

#include "gsttrttensormeta.h"

typedef struct {
  gboolean seen;
  gboolean has_meta;
  GstTrtTensorMeta geometry;    /* the geometry fields, tensors not kept */
  gsize num_tensors;
  gint width, height;           /* of the frame that reached the sink */
} Observed;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad, gpointer user_data)
{
  Observed *observed = user_data;
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (buffer);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstStructure *structure = gst_caps_get_structure (caps, 0);

  (void) sink;
  observed->seen = TRUE;
  gst_structure_get_int (structure, "width", &observed->width);
  gst_structure_get_int (structure, "height", &observed->height);
  gst_caps_unref (caps);
  observed->has_meta = meta != NULL;
  if (meta) {
    observed->geometry = *meta;
    observed->geometry.tensors = NULL;
    observed->num_tensors = meta->num_tensors;
  }
}

/* Runs one frame of 320x240 through trtinfer (with @properties) then
 * @downstream, and reports what reached the sink. */
static Observed
run (const gchar * properties, const gchar * downstream)
{
  Observed observed = { 0 };
  gchar *model = g_build_filename (g_getenv ("TRTINFER_TEST_DATA"), "classifier.onnx", NULL);
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=RGB,width=320,height=240 ! trtinfer model-file=\"%s\" backend=cpu %s "
      "! %s ! fakesink name=sink signal-handoffs=true", model, properties, downstream);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (launch, &error);

  fail_unless (pipeline != NULL, "%s: %s", launch, error ? error->message : "");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (sink, "handoff", G_CALLBACK (on_handoff), &observed);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *message = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (message != NULL, "%s: no EOS within a minute", downstream);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gst_message_parse_error (message, &error, NULL);
    fail ("%s: %s", downstream, error->message);
  }
  gst_message_unref (message);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
  g_free (launch);
  g_free (model);
  fail_unless (observed.seen, "%s: no frame reached the sink", downstream);
  return observed;
}

/* The frame point a network point maps to. */
static void
to_frame (const GstTrtTensorMeta * m, double x, double y, double *fx, double *fy)
{
  *fx = (x - m->pad_x) / m->scale_x;
  *fy = (y - m->pad_y) / m->scale_y;
}

GST_START_TEST (test_unchanged_frames_keep_it)
{
  const gchar *cases[] = { "identity", "videoconvert ! video/x-raw,format=I420",
    "queue ! tee ! queue", "videorate"
  };
  Observed reference = run ("", "identity");

  fail_unless (reference.has_meta);
  fail_unless_equals_int (reference.geometry.source_width, 320);
  fail_unless_equals_int (reference.geometry.source_height, 240);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Observed o = run ("", cases[i]);
    fail_unless (o.has_meta, "%s dropped the meta", cases[i]);
    fail_unless_equals_int (o.num_tensors, reference.num_tensors);
    fail_unless_equals_int (o.geometry.source_width, 320);
    fail_unless_equals_int (o.geometry.source_height, 240);
    fail_unless (o.geometry.scale_x == reference.geometry.scale_x);
    fail_unless (o.geometry.scale_y == reference.geometry.scale_y);
  }
}
GST_END_TEST;

GST_START_TEST (test_scales_map_it)
{
  const struct {
    const gchar *properties, *downstream;
    gint width, height;
  } cases[] = {
    {"", "videoscale ! video/x-raw,width=160,height=120", 160, 120},
    {"", "videoconvertscale ! video/x-raw,width=640,height=200", 640, 200},
    {"keep-aspect-ratio=true", "videoscale ! video/x-raw,width=100,height=300", 100, 300},
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Observed before = run (cases[i].properties, "identity");
    Observed after = run (cases[i].properties, cases[i].downstream);
    fail_unless (after.has_meta, "%s dropped the meta", cases[i].downstream);
    fail_unless_equals_int (after.width, cases[i].width);
    fail_unless_equals_int (after.height, cases[i].height);
    fail_unless_equals_int (after.geometry.source_width, cases[i].width);
    fail_unless_equals_int (after.geometry.source_height, cases[i].height);
    fail_unless_equals_int (after.num_tensors, before.num_tensors);
    fail_unless (after.geometry.pad_x == before.geometry.pad_x);
    fail_unless (after.geometry.pad_y == before.geometry.pad_y);
    /* every network point lands on the same relative place of the frame */
    const double points[][2] = { {0, 0}, {3.5, 1.25}, {8, 8} };
    for (gsize p = 0; p < G_N_ELEMENTS (points); p++) {
      double x0, y0, x1, y1;
      to_frame (&before.geometry, points[p][0], points[p][1], &x0, &y0);
      to_frame (&after.geometry, points[p][0], points[p][1], &x1, &y1);
      fail_unless (fabs (x1 / cases[i].width - x0 / 320.0) < 1e-12, "%s: x %g vs %g",
          cases[i].downstream, x1, x0);
      fail_unless (fabs (y1 / cases[i].height - y0 / 240.0) < 1e-12, "%s: y %g vs %g",
          cases[i].downstream, y1, y0);
    }
  }
}
GST_END_TEST;

GST_START_TEST (test_crops_flips_and_boxes_drop_it)
{
  const gchar *cases[] = { "videocrop left=10 top=20", "videoflip video-direction=90r",
    "videoflip video-direction=horiz", "videobox left=10 top=-4"
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    Observed o = run ("", cases[i]);
    fail_if (o.has_meta, "%s kept a meta that describes the old frame", cases[i]);
  }
}
GST_END_TEST;

static Suite *
meta_geometry_suite (void)
{
  Suite *suite = suite_create ("trtinfer meta geometry");
  TCase *tc = tcase_create ("transforms");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_unchanged_frames_keep_it);
  tcase_add_test (tc, test_scales_map_it);
  tcase_add_test (tc, test_crops_flips_and_boxes_drop_it);
  suite_add_tcase (suite, tc);
  return suite;
}

GST_CHECK_MAIN (meta_geometry);
