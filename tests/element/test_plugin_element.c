/* trtinfer's plugin-libraries (trt/plugin.h): a model with an op that only
 * the test plugin library knows (tests/data/onnx/scaled_square.onnx,
 * ScaledSquare of domain 'test.plugins') fails to open without the library,
 * with an error naming the op, and runs with it (CPU backend): each frame
 * leaves with the model's output. A library that is not there is an error
 * naming it. TRT_PLUGIN_MODEL and TRT_PLUGIN_LIBRARY name the files. */
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "element_test_util.h"

static void
set_libraries (GstElement * element, const gchar * path)
{
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;
  gst_value_array_init (&array, 1);
  g_value_init (&item, G_TYPE_STRING);
  g_value_set_string (&item, path);
  gst_value_array_append_and_take_value (&array, &item);
  g_object_set_property (G_OBJECT (element), "plugin-libraries", &array);
  g_value_unset (&array);
}

/* Opens a trtinfer on the model (synchronously) and returns the error
 * message it posted, or NULL when it opened. */
static gchar *
open_error (const gchar * library)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *text = NULL;
  fail_unless (element != NULL);
  gst_element_set_bus (element, bus);
  g_object_set (element, "model-file", g_getenv ("TRT_PLUGIN_MODEL"), "backend", 1,
      "async-build", FALSE, NULL);
  if (library)
    set_libraries (element, library);
  GstStateChangeReturn ret = gst_element_set_state (element, GST_STATE_READY);
  GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message) {
    GError *error = NULL;
    gchar *debug = NULL;
    gst_message_parse_error (message, &error, &debug);
    text = g_strdup_printf ("%s | %s", error->message, debug ? debug : "");
    g_error_free (error);
    g_free (debug);
    gst_message_unref (message);
  }
  fail_unless ((ret == GST_STATE_CHANGE_FAILURE) == (text != NULL), "ret %d, error '%s'", ret,
      text ? text : "");
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
  return text;
}

GST_START_TEST (test_plugin_libraries)
{
  gchar *text = open_error (NULL);
  fail_unless (text != NULL && strstr (text, "ScaledSquare") != NULL, "%s", text);
  g_free (text);

  text = open_error ("/nonexistent/libnothing.so");
  fail_unless (text != NULL && strstr (text, "/nonexistent/libnothing.so") != NULL, "%s", text);
  g_free (text);

  text = open_error (g_getenv ("TRT_PLUGIN_LIBRARY"));
  fail_unless (text == NULL, "%s", text);

  /* Frames through it: the output tensor on each. */
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu batch-size=2 "
      "plugin-libraries=\"<%s>\"", g_getenv ("TRT_PLUGIN_MODEL"),
      g_getenv ("TRT_PLUGIN_LIBRARY"));
  GstHarness *h = gst_harness_new_parse (launch);
  g_free (launch);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=7,height=5,framerate=25/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 7, 5);
  for (guint i = 0; i < 2; i++)
    fail_unless_equals_int (gst_harness_push (h, random_frame (&info, i, i * 40 * GST_MSECOND)),
        GST_FLOW_OK);
  for (guint i = 0; i < 2; i++) {
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (out);
    fail_unless (meta != NULL);
    fail_unless (gst_trt_tensor_meta_get_by_name (meta, "y") != NULL);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

static Suite *
plugin_element_suite (void)
{
  Suite *s = suite_create ("trtinfer-plugins");
  TCase *tc = tcase_create ("plugins");
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_plugin_libraries);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (plugin_element);
