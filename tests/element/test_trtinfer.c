/* The trtinfer element on the CPU backend: tensor meta, input formats,
 * batching, interval, the engine cache, state cycles and errors. Models are
 * the tiny ones of data/ (make_models.py). */
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <trt/trt.h>

#include "gsttrttensormeta.h"
#include "trtpreprocess.h"
#include "element_test_util.h"

static GstHarness *
harness_new (const gchar * model, const gchar * properties, const gchar * caps)
{
  gchar *path = data_path (model);
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu %s", path,
      properties ? properties : "");
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h, caps);
  g_free (launch);
  g_free (path);
  return h;
}

static GstTrtTensorMeta *
meta_of (GstBuffer * buffer)
{
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (buffer);
  fail_unless (meta != NULL, "buffer %" GST_TIME_FORMAT " has no tensor meta",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
  return meta;
}

/* ---- the engine run directly, for reference values -------------------- */

typedef struct {
  trt_engine_t *engine;
  trt_context_t *context;
} Reference;

static void
reference_open (Reference * ref, const gchar * model, guint width, guint height)
{
  gchar *path = data_path (model);
  trt_network_t *network = trt_network_create ();
  trt_builder_config_t config;

  fail_unless_equals_int (trt_onnx_parse (network, path), TRT_STATUS_OK);
  if (width) {
    int input = trt_network_input (network, 0);
    trt_dims_t dims = trt_network_tensor_dims (network, input);
    dims.d[2] = height;
    dims.d[3] = width;
    fail_unless_equals_int (trt_network_set_input_dims (network,
            trt_network_tensor_name (network, input), &dims), TRT_STATUS_OK);
  }
  trt_builder_config_init (&config);
  config.backend = TRT_BACKEND_CPU;
  fail_unless_equals_int (trt_engine_build (network, &config, &ref->engine), TRT_STATUS_OK);
  fail_unless_equals_int (trt_context_create (ref->engine, &ref->context), TRT_STATUS_OK);
  trt_network_destroy (network);
  g_free (path);
}

static void
reference_close (Reference * ref)
{
  trt_context_destroy (ref->context);
  trt_engine_destroy (ref->engine);
}

/* Preprocesses @buffer as the element does and runs the engine on it; checks
 * every tensor of @meta against the engine's outputs. */
static void
check_against_engine (Reference * ref, const GstVideoInfo * info, GstBuffer * buffer,
    const GstTrtTensorMeta * meta, const GstTrtPreprocessConfig * config, gfloat tolerance)
{
  int nb = trt_engine_num_bindings (ref->engine);
  void **bindings = g_new0 (void *, nb);
  trt_dims_t in_dims = trt_engine_binding_dims (ref->engine, 0);
  GstVideoFrame frame;

  bindings[0] = g_new0 (gfloat, trt_dims_volume (&in_dims));
  fail_unless (gst_video_frame_map (&frame, (GstVideoInfo *) info, buffer, GST_MAP_READ));
  fail_unless (gst_trt_preprocess_frame (config, &frame, bindings[0], NULL));
  gst_video_frame_unmap (&frame);
  for (int b = 1; b < nb; b++) {
    trt_dims_t dims = trt_engine_binding_dims (ref->engine, b);
    bindings[b] = g_new0 (gfloat, trt_dims_volume (&dims));
  }
  fail_unless_equals_int (trt_context_execute (ref->context, 1, bindings), TRT_STATUS_OK);

  fail_unless_equals_int (meta->num_tensors, nb - 1);
  for (int b = 1; b < nb; b++) {
    const GstTrtTensor *tensor = meta->tensors[b - 1];
    trt_dims_t dims = trt_engine_binding_dims (ref->engine, b);
    GstMapInfo map;

    fail_unless_equals_string (g_quark_to_string (tensor->id),
        trt_engine_binding_name (ref->engine, b));
    fail_unless_equals_int (tensor->data_type, GST_TRT_TENSOR_DATA_TYPE_FLOAT32);
    fail_unless_equals_int (tensor->num_dims, dims.nb_dims);
    for (int d = 0; d < dims.nb_dims; d++)
      fail_unless_equals_uint64 (tensor->dims[d], (guint64) dims.d[d]);
    fail_unless (gst_buffer_map (tensor->data, &map, GST_MAP_READ));
    fail_unless_equals_uint64 (map.size, trt_dims_volume (&dims) * sizeof (gfloat));
    const gfloat *got = (const gfloat *) map.data, *want = bindings[b];
    for (gsize i = 0; i < map.size / sizeof (gfloat); i++)
      fail_unless (fabsf (got[i] - want[i]) <= tolerance * (1.0f + fabsf (want[i])),
          "%s[%zu]: element %g, engine %g", g_quark_to_string (tensor->id), i, got[i],
          want[i]);
    gst_buffer_unmap (tensor->data, &map);
  }
  for (int b = 0; b < nb; b++)
    g_free (bindings[b]);
  g_free (bindings);
}

/* ---- meta and formats ------------------------------------------------------ */

static void
default_config (GstTrtPreprocessConfig * config, guint w, guint h)
{
  gst_trt_preprocess_config_init (config);
  config->width = w;
  config->height = h;
}

GST_START_TEST (test_meta_values)
{
  GstHarness *h = harness_new ("classifier.onnx", NULL,
      "video/x-raw,format=RGB,width=8,height=8,framerate=25/1");
  GstVideoInfo info;
  GstTrtPreprocessConfig config;
  Reference ref;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  default_config (&config, 8, 8);
  reference_open (&ref, "classifier.onnx", 0, 0);
  for (guint i = 0; i < 5; i++) {
    GstBuffer *in = random_frame (&info, i, i * 40 * GST_MSECOND);
    GstBuffer *copy = gst_buffer_copy (in);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = meta_of (out);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * 40 * GST_MSECOND);
    fail_unless_equals_int (meta->num_tensors, 2);
    fail_unless (gst_trt_tensor_meta_get_by_name (meta, "probs") != NULL);
    fail_unless (gst_trt_tensor_meta_get_by_name (meta, "features") != NULL);
    fail_unless_equals_int (meta->network_width, 8);
    fail_unless_equals_int (meta->source_width, 8);
    check_against_engine (&ref, &info, copy, meta, &config, 0.0f);

    /* the meta follows copies of the buffer */
    GstBuffer *dup = gst_buffer_copy (out);
    GstTrtTensorMeta *dup_meta = meta_of (dup);
    fail_unless_equals_int (dup_meta->num_tensors, 2);
    fail_unless (dup_meta->tensors[0]->data == meta->tensors[0]->data);
    gchar *dump = gst_trt_tensor_meta_to_string (dup_meta, 4);
    fail_unless (strstr (dump, "probs: float32 1x4:") != NULL, "%s", dump);
    g_free (dump);
    gst_buffer_unref (dup);
    gst_buffer_unref (copy);
    gst_buffer_unref (out);
  }
  reference_close (&ref);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Two elements in a row each attach their meta, told apart by unique-id;
 * post-messages puts the second one's results on the bus, values as in
 * its meta. */
GST_START_TEST (test_unique_id_and_messages)
{
  gchar *path = data_path ("classifier.onnx");
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=3 ! "
      "trtinfer model-file=\"%s\" backend=cpu unique-id=7 post-messages=true "
      "message-values=3", path, path);
  GstHarness *h = gst_harness_new_parse (launch);
  GstBus *bus = gst_bus_new ();
  GstVideoInfo info;

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=8,height=8,framerate=25/1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  for (guint i = 0; i < 3; i++) {
    fail_unless_equals_int (gst_harness_push (h, random_frame (&info, i, i * 40 * GST_MSECOND)),
        GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *upstream = gst_trt_tensor_meta_get_by_producer (out, 3);
    GstTrtTensorMeta *downstream = gst_trt_tensor_meta_get_by_producer (out, 7);
    fail_unless (upstream != NULL && downstream != NULL && upstream != downstream);
    fail_unless_equals_int (upstream->unique_id, 3);
    fail_unless_equals_int (downstream->unique_id, 7);
    fail_unless (gst_trt_tensor_meta_get_by_producer (out, 9) == NULL);

    GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
    fail_unless (message != NULL, "no message for frame %u", i);
    const GstStructure *s = gst_message_get_structure (message);
    guint id;
    guint64 timestamp;
    fail_unless (gst_structure_has_name (s, "trtinfer"));
    fail_unless (gst_structure_get_uint (s, "unique-id", &id) && id == 7);
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
    fail_unless_equals_uint64 (timestamp, i * 40 * GST_MSECOND);
    const GValue *tensors = gst_structure_get_value (s, "tensors");
    fail_unless_equals_int (gst_value_list_get_size (tensors), downstream->num_tensors);
    for (guint t = 0; t < downstream->num_tensors; t++) {
      const GstStructure *tensor =
          gst_value_get_structure (gst_value_list_get_value (tensors, t));
      const GstTrtTensor *expected = downstream->tensors[t];
      fail_unless_equals_string (gst_structure_get_string (tensor, "name"),
          g_quark_to_string (expected->id));
      fail_unless_equals_string (gst_structure_get_string (tensor, "type"), "float32");
      const GValue *dims = gst_structure_get_value (tensor, "dims");
      fail_unless_equals_int (gst_value_array_get_size (dims), expected->num_dims);
      for (guint d = 0; d < expected->num_dims; d++)
        fail_unless_equals_uint64 (g_value_get_uint64 (gst_value_array_get_value (dims, d)),
            expected->dims[d]);
      const GValue *values = gst_structure_get_value (tensor, "values");
      GstMapInfo map;
      fail_unless (gst_buffer_map (expected->data, &map, GST_MAP_READ));
      fail_unless_equals_int (gst_value_array_get_size (values),
          MIN (3, map.size / sizeof (gfloat)));
      for (guint v = 0; v < gst_value_array_get_size (values); v++)
        fail_unless_equals_float (g_value_get_double (gst_value_array_get_value (values, v)),
            ((const gfloat *) map.data)[v]);
      gst_buffer_unmap (expected->data, &map);
    }
    gst_message_unref (message);
    gst_buffer_unref (out);
  }
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL,
      "only the element with post-messages posts");
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_free (launch);
  g_free (path);
}
GST_END_TEST;

/* trtinfer -> trtclassify: a region over the frame typed by the best
 * label, its classification structure listing the two best classes of the
 * producer's "probs" (softmaxed first where they are not probabilities). */
GST_START_TEST (test_classify_decoder)
{
  gchar *path = data_path ("classifier.onnx");
  gchar *dir = g_dir_make_tmp ("trtclassify-XXXXXX", NULL);
  gchar *labels = g_build_filename (dir, "labels.txt", NULL);
  const gchar *names[] = { "red", "green", "blue", "grey" };
  fail_unless (g_file_set_contents (labels, "red\ngreen\nblue\ngrey\n", -1, NULL));
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=2 ! "
      "trtclassify infer-id=2 tensor=probs top-k=2 labels=\"%s\"", path, labels);
  GstHarness *h = gst_harness_new_parse (launch);
  GstVideoInfo info;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=8,height=8,framerate=25/1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  for (guint i = 0; i < 4; i++) {
    fail_unless_equals_int (gst_harness_push (h, random_frame (&info, i, i * 40 * GST_MSECOND)),
        GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = gst_trt_tensor_meta_get_by_producer (out, 2);
    fail_unless (meta != NULL);
    const GstTrtTensor *probs = gst_trt_tensor_meta_get_by_name (meta, "probs");
    GstMapInfo map;
    fail_unless (probs && gst_buffer_map (probs->data, &map, GST_MAP_READ));
    const gfloat *p = (const gfloat *) map.data;
    gdouble score[4], sum = 0.0, total = 0.0;
    gboolean distribution = TRUE;
    for (guint c = 0; c < 4; c++) {
      distribution = distribution && p[c] >= 0.0f && p[c] <= 1.0f;
      total += p[c];
    }
    distribution = distribution && fabs (total - 1.0) <= 1e-3;
    for (guint c = 0; c < 4; c++)
      sum += score[c] = distribution ? p[c] : exp (p[c]);
    for (guint c = 0; c < 4; c++)
      score[c] = distribution ? score[c] : score[c] / sum;
    gst_buffer_unmap (probs->data, &map);
    guint best = 0, next = G_MAXUINT;
    for (guint c = 1; c < 4; c++)
      if (score[c] > score[best])
        best = c;
    for (guint c = 0; c < 4; c++)
      if (c != best && (next == G_MAXUINT || score[c] > score[next]))
        next = c;

    GstVideoRegionOfInterestMeta *roi = gst_buffer_get_video_region_of_interest_meta (out);
    fail_unless (roi != NULL, "no region on frame %u", i);
    fail_unless_equals_string (g_quark_to_string (roi->roi_type), names[best]);
    fail_unless (roi->x == 0 && roi->y == 0 && roi->w == 8 && roi->h == 8);
    GstStructure *s = gst_video_region_of_interest_meta_get_param (roi, "classification");
    fail_unless (s != NULL);
    guint id, producer;
    gdouble confidence;
    fail_unless_equals_string (gst_structure_get_string (s, "label"), names[best]);
    fail_unless (gst_structure_get_uint (s, "label-id", &id) && id == best);
    fail_unless (gst_structure_get_uint (s, "producer-id", &producer) && producer == 2);
    fail_unless (gst_structure_get_double (s, "confidence", &confidence));
    fail_unless (fabs (confidence - score[best]) < 1e-6, "%g vs %g", confidence, score[best]);
    const GValue *listed = gst_structure_get_value (s, "labels");
    fail_unless_equals_int (gst_value_array_get_size (listed), 2);
    fail_unless_equals_string (g_value_get_string (gst_value_array_get_value (listed, 1)),
        names[next]);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
  g_unlink (labels);
  g_rmdir (dir);
  g_free (labels);
  g_free (dir);
  g_free (launch);
  g_free (path);
}
GST_END_TEST;

/* trtinfer -> trtdetect on models whose output is a known constant
 * (make_models.py YOLO_CANDIDATES): two objects survive the threshold and
 * the suppression, their boxes mapped from the 8x8 network input to the
 * 16x16 frame (scale 0.5). */
GST_START_TEST (test_detect_decoder)
{
  /* ssd: the same objects as DetectionOutput rows (Caffe SSD) */
  const gchar *layouts[] = { "yolov8", "yolov5", "ssd" };
  const struct { const gchar *label; guint x, y, w, h; gdouble confidence; } want[] = {
    {"person", 2, 2, 4, 4, 0.9},
    {"car", 10, 8, 4, 8, 0.7},
  };
  gchar *dir = g_dir_make_tmp ("trtdetect-XXXXXX", NULL);
  gchar *labels = g_build_filename (dir, "labels.txt", NULL);
  fail_unless (g_file_set_contents (labels, "person\ncar\n", -1, NULL));

  for (guint l = 0; l < G_N_ELEMENTS (layouts); l++) {
    gchar *model = g_strdup_printf ("%s.onnx", layouts[l]);
    gchar *path = data_path (model);
    gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=4 ! "
        "trtdetect infer-id=4 layout=%s labels=\"%s\"", path, layouts[l], labels);
    GstHarness *h = gst_harness_new_parse (launch);
    GstVideoInfo info;

    gst_harness_set_src_caps_str (h,
        "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
    gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 16);
    fail_unless_equals_int (gst_harness_push (h, random_frame (&info, 1, 0)), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    gpointer state = NULL;
    GstMeta *meta;
    guint n = 0;
    while ((meta = gst_buffer_iterate_meta_filtered (out, &state,
                GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
      GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
      fail_unless (n < G_N_ELEMENTS (want), "%s: more than two objects", layouts[l]);
      fail_unless_equals_string (g_quark_to_string (roi->roi_type), want[n].label);
      fail_unless (roi->x == want[n].x && roi->y == want[n].y && roi->w == want[n].w
          && roi->h == want[n].h, "%s object %u: %u,%u %ux%u", layouts[l], n, roi->x, roi->y,
          roi->w, roi->h);
      GstStructure *s = gst_video_region_of_interest_meta_get_param (roi, "detection");
      gdouble confidence, x_min;
      guint producer;
      fail_unless (s && gst_structure_get_double (s, "confidence", &confidence));
      fail_unless (fabs (confidence - want[n].confidence) < 1e-6, "confidence %g", confidence);
      fail_unless (gst_structure_get_double (s, "x_min", &x_min)
          && fabs (x_min - want[n].x / 16.0) < 1e-6);
      fail_unless (gst_structure_get_uint (s, "producer-id", &producer) && producer == 4);
      n++;
    }
    fail_unless_equals_int (n, 2);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (launch);
    g_free (path);
    g_free (model);
  }
  g_unlink (labels);
  g_rmdir (dir);
  g_free (labels);
  g_free (dir);
}
GST_END_TEST;

/* Runs "videotestsrc ! trtinfer (classifier) ! @decoder ! fakesink" and
 * expects a message of @type whose text or debug string says @says. */
static void
expect_decoder_message (const gchar * decoder, GstMessageType type, const gchar * says)
{
  gchar *path = data_path ("classifier.onnx");
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=RGB,width=8,height=8 ! trtinfer model-file=\"%s\" backend=cpu ! "
      "%s ! fakesink", path, decoder);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  fail_unless (pipeline != NULL, "%s", launch);
  GstBus *bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  GstMessage *message = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      type | GST_MESSAGE_EOS | (type == GST_MESSAGE_ERROR ? 0 : GST_MESSAGE_ERROR));
  fail_unless (message && GST_MESSAGE_TYPE (message) == type, "%s: no %s message", decoder,
      gst_message_type_get_name (type));
  GError *error = NULL;
  gchar *debug = NULL;
  if (type == GST_MESSAGE_ERROR)
    gst_message_parse_error (message, &error, &debug);
  else
    gst_message_parse_warning (message, &error, &debug);
  fail_unless (strstr (error->message, says) || (debug && strstr (debug, says)),
      "%s: \"%s\" (%s) does not say \"%s\"", decoder, error->message, debug, says);
  g_error_free (error);
  g_free (debug);
  gst_message_unref (message);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (launch);
  g_free (path);
}

/* Decoders given what they cannot use say so: a label file that is not
 * there, tensors of the wrong shape for the layout, a tensor that is not in
 * the meta. */
GST_START_TEST (test_decoder_bad_inputs)
{
  expect_decoder_message ("trtclassify labels=/nonexistent/labels.txt", GST_MESSAGE_ERROR,
      "Could not read the labels");
  /* probs [1, 4]: one field per candidate */
  expect_decoder_message ("trtdetect layout=yolov8 tensor=probs", GST_MESSAGE_ERROR,
      "YOLOv8 output needs more than 4 values per candidate");
  /* features [1, 4, 8, 8]: more than one frame's matrix */
  expect_decoder_message ("trtdetect layout=yolov5 tensor=features", GST_MESSAGE_ERROR,
      "is not one frame's matrix");
  expect_decoder_message ("trtctc tensor=features", GST_MESSAGE_ERROR,
      "is not one frame's steps x classes");
  expect_decoder_message ("trtdbnet tensor=features", GST_MESSAGE_ERROR,
      "is not one frame's map");
  expect_decoder_message ("trtclassify tensor=nope", GST_MESSAGE_WARNING, "no tensor nope");
}
GST_END_TEST;

/* trtinfer -> trtctc on a model whose scores are known (make_models.py
 * ctc_constant): the frame's text region reads "ab ". */
GST_START_TEST (test_ctc_decoder)
{
  gchar *path = data_path ("ctc.onnx");
  gchar *dir = g_dir_make_tmp ("trtctc-XXXXXX", NULL);
  gchar *keys = g_build_filename (dir, "keys.txt", NULL);
  fail_unless (g_file_set_contents (keys, "a\nb\n", -1, NULL));
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=6 ! "
      "trtctc infer-id=6 labels=\"%s\"", path, keys);
  GstHarness *h = gst_harness_new_parse (launch);
  GstVideoInfo info;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=8,height=8,framerate=25/1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  fail_unless_equals_int (gst_harness_push (h, random_frame (&info, 2, 0)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstVideoRegionOfInterestMeta *roi = gst_buffer_get_video_region_of_interest_meta (out);
  fail_unless (roi != NULL);
  fail_unless_equals_string (g_quark_to_string (roi->roi_type), "text");
  GstStructure *s = gst_video_region_of_interest_meta_get_param (roi, "text");
  gdouble confidence;
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "text"), "ab ");
  fail_unless (gst_structure_get_double (s, "confidence", &confidence)
      && fabs (confidence - 0.7) < 1e-6, "confidence %g", confidence);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_unlink (keys);
  g_rmdir (dir);
  g_free (keys);
  g_free (dir);
  g_free (launch);
  g_free (path);
}
GST_END_TEST;

/* trtoverlay on a black frame: a detection's box is drawn on its edge and
 * not inside, its caption above it; a frame-wide classification gets its
 * caption only, no border. */
static gboolean
pixel_black (GstMapInfo * map, guint stride, guint x, guint y)
{
  const guint8 *p = map->data + y * stride + x * 4;
  return p[0] == 0 && p[1] == 0 && p[2] == 0;
}

GST_START_TEST (test_overlay)
{
  GstElementFactory *factory = gst_element_factory_find ("trtoverlay");
  if (!factory)
    return;                     /* built without cairo and pango */
  gst_object_unref (factory);
  GstHarness *h = gst_harness_new_parse ("trtoverlay line-width=2");
  const guint width = 96, height = 64, stride = width * 4;
  gst_harness_set_src_caps_str (h, "video/x-raw,format=BGRx,width=96,height=64,framerate=25/1");

  GstBuffer *frame = gst_buffer_new_and_alloc (stride * height);
  gst_buffer_memset (frame, 0, 0, stride * height);
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_add_video_region_of_interest_meta (frame, "cat", 20, 30, 40, 24);
  gst_video_region_of_interest_meta_add_param (roi, gst_structure_new ("detection",
          "confidence", G_TYPE_DOUBLE, 0.87, NULL));
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstMapInfo map;
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless (!pixel_black (&map, stride, 20, 40), "the box's left edge");
  fail_unless (!pixel_black (&map, stride, 59, 40), "the box's right edge");
  fail_unless (pixel_black (&map, stride, 40, 45), "inside the box");
  fail_unless (pixel_black (&map, stride, 90, 60), "away from the box");
  guint caption = 0;
  for (guint y = 0; y < 30; y++)
    for (guint x = 20; x < width; x++)
      caption += !pixel_black (&map, stride, x, y);
  fail_unless (caption > 20, "a caption above the box (%u pixels)", caption);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  frame = gst_buffer_new_and_alloc (stride * height);
  gst_buffer_memset (frame, 0, 0, stride * height);
  roi = gst_buffer_add_video_region_of_interest_meta (frame, "beach", 0, 0, width, height);
  gst_video_region_of_interest_meta_add_param (roi, gst_structure_new ("classification",
          "confidence", G_TYPE_DOUBLE, 0.5, NULL));
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless (pixel_black (&map, stride, width - 1, height / 2), "no border on the frame");
  fail_unless (pixel_black (&map, stride, 0, height - 1), "no border on the frame");
  caption = 0;
  for (guint y = 0; y < 20; y++)
    for (guint x = 0; x < width; x++)
      caption += !pixel_black (&map, stride, x, y);
  fail_unless (caption > 20, "a caption at the top (%u pixels)", caption);
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);

  /* a text region drawn by its rotated corners (a diamond), not its box */
  frame = gst_buffer_new_and_alloc (stride * height);
  gst_buffer_memset (frame, 0, 0, stride * height);
  roi = gst_buffer_add_video_region_of_interest_meta (frame, "text", 30, 24, 40, 40);
  GstStructure *region = gst_structure_new ("text-region", "confidence", G_TYPE_DOUBLE, 0.9,
      NULL);
  GValue corners = G_VALUE_INIT, item = G_VALUE_INIT;
  const gdouble diamond[8] = { 50, 24, 70, 44, 50, 64, 30, 44 };
  gst_value_array_init (&corners, 8);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (guint c = 0; c < 8; c++) {
    g_value_set_double (&item, diamond[c]);
    gst_value_array_append_value (&corners, &item);
  }
  g_value_unset (&item);
  gst_structure_take_value (region, "corners", &corners);
  gst_video_region_of_interest_meta_add_param (roi, region);
  fail_unless_equals_int (gst_harness_push (h, frame), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
  fail_unless (!pixel_black (&map, stride, 60, 54), "on the diamond's lower right edge");
  fail_unless (pixel_black (&map, stride, 68, 62), "the box's corner, off the diamond");
  fail_unless (pixel_black (&map, stride, 50, 44), "inside the diamond");
  gst_buffer_unmap (out, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

static const gchar *format_names[] = {
  "RGB", "BGR", "RGBA", "BGRA", "RGBx", "BGRx", "NV12", "I420", "GRAY8",
};

GST_START_TEST (test_formats)
{
  Reference ref;
  GstTrtPreprocessConfig config;

  reference_open (&ref, "classifier.onnx", 0, 0);
  default_config (&config, 8, 8);
  config.order = GST_TRT_CHANNEL_ORDER_BGR;
  config.keep_aspect_ratio = TRUE;
  for (gsize f = 0; f < G_N_ELEMENTS (format_names); f++) {
    gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=22,height=14,"
        "framerate=30/1", format_names[f]);
    GstHarness *h = harness_new ("classifier.onnx", "channel-order=bgr keep-aspect-ratio=1",
        caps);
    GstVideoInfo info;

    gst_video_info_set_format (&info, gst_video_format_from_string (format_names[f]), 22,
        14);
    GstBuffer *in = random_frame (&info, (guint) f, 0);
    GstBuffer *copy = gst_buffer_copy (in);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = meta_of (out);
    fail_unless_equals_int (meta->source_width, 22);
    fail_unless_equals_int (meta->source_height, 14);
    fail_unless_equals_int (meta->pad_y, 1);    /* 22x14 -> 8x5 in 8x8 */
    check_against_engine (&ref, &info, copy, meta, &config, 0.0f);
    gst_buffer_unref (copy);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (caps);
  }
  reference_close (&ref);
}
GST_END_TEST;

GST_START_TEST (test_gray_and_dynamic_size)
{
  /* a 1-channel model with a fixed batch of 1 */
  GstHarness *h = harness_new ("gray.onnx", "scale=1.0",
      "video/x-raw,format=GRAY8,width=6,height=6,framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 6, 6);
  GstBuffer *in = random_frame (&info, 7, 0);
  GstMapInfo map, pix;
  gst_buffer_map (in, &pix, GST_MAP_READ);
  guint8 first = pix.data[0];
  gst_buffer_unmap (in, &pix);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  const GstTrtTensor *tensor = gst_trt_tensor_meta_get_by_name (meta_of (out), "out");
  fail_unless (tensor != NULL);
  gst_buffer_map (tensor->data, &map, GST_MAP_READ);
  /* out = 2 * x + 0.5 */
  fail_unless (fabsf (((gfloat *) map.data)[0] - (2.0f * first + 0.5f)) < 1e-3);
  gst_buffer_unmap (tensor->data, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);

  /* a model whose height and width come from the properties */
  h = harness_new ("dynamic_size.onnx", "width=12 height=10",
      "video/x-raw,format=NV12,width=24,height=20,framerate=30/1");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 24, 20);
  Reference ref;
  GstTrtPreprocessConfig config;
  reference_open (&ref, "dynamic_size.onnx", 12, 10);
  default_config (&config, 12, 10);
  in = random_frame (&info, 3, 0);
  GstBuffer *copy = gst_buffer_copy (in);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);
  tensor = gst_trt_tensor_meta_get_by_name (meta_of (out), "heat");
  fail_unless_equals_int (tensor->num_dims, 4);
  fail_unless_equals_int (tensor->dims[2], 10);
  fail_unless_equals_int (tensor->dims[3], 12);
  check_against_engine (&ref, &info, copy, meta_of (out), &config, 0.0f);
  reference_close (&ref);
  gst_buffer_unref (copy);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_output_names)
{
  /* a subset, in the given order, and an intermediate tensor */
  GstHarness *h = harness_new ("classifier.onnx", "output-names=\"<probs,pooled>\"",
      "video/x-raw,format=RGB,width=8,height=8,framerate=30/1");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  fail_unless_equals_int (gst_harness_push (h, random_frame (&info, 1, 0)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstTrtTensorMeta *meta = meta_of (out);
  fail_unless_equals_int (meta->num_tensors, 2);
  fail_unless_equals_string (g_quark_to_string (meta->tensors[0]->id), "probs");
  fail_unless_equals_string (g_quark_to_string (meta->tensors[1]->id), "pooled");
  fail_unless_equals_int (meta->tensors[1]->num_dims, 4);       /* 1x4x1x1 */
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- batching ------------------------------------------------------------ */

static void
push_frames (GstHarness * h, const GstVideoInfo * info, guint first, guint count)
{
  for (guint i = first; i < first + count; i++)
    fail_unless_equals_int (gst_harness_push (h, random_frame (info, i,
                i * 40 * GST_MSECOND)), GST_FLOW_OK);
}

static void
pull_frames (GstHarness * h, guint first, guint count, guint batch_size)
{
  for (guint i = first; i < first + count; i++) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless (out != NULL);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * 40 * GST_MSECOND);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), 40 * GST_MSECOND);
    if (batch_size)
      fail_unless_equals_int (meta_of (out)->batch_size, batch_size);
    gst_buffer_unref (out);
  }
}

GST_START_TEST (test_batching_full_and_eos)
{
  GstHarness *h = harness_new ("classifier.onnx", "batch-size=4",
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  GstVideoInfo info;
  Reference ref;
  GstTrtPreprocessConfig config;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 16);
  push_frames (h, &info, 0, 3);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  push_frames (h, &info, 3, 1);
  fail_unless_equals_int (gst_harness_buffers_received (h), 4);

  /* values of a frame inferred in a batch equal a single run */
  reference_open (&ref, "classifier.onnx", 0, 0);
  default_config (&config, 8, 8);
  for (guint i = 0; i < 4; i++) {
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = meta_of (out);
    GstBuffer *in = random_frame (&info, i, 0);
    fail_unless_equals_int (meta->batch_size, 4);
    fail_unless_equals_int (meta->batch_index, i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * 40 * GST_MSECOND);
    check_against_engine (&ref, &info, in, meta, &config, 1e-5f);
    gst_buffer_unref (in);
    gst_buffer_unref (out);
  }
  reference_close (&ref);

  /* a partial batch leaves at EOS, before the EOS event */
  push_frames (h, &info, 4, 2);
  fail_unless_equals_int (gst_harness_buffers_received (h), 4);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  pull_frames (h, 4, 2, 2);
  GstEvent *event;
  gboolean saw_eos = FALSE;
  while ((event = gst_harness_try_pull_event (h))) {
    saw_eos |= GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (saw_eos);

  gst_harness_teardown (h);
}
GST_END_TEST;

/* A flush, then a new time segment. */
static void
flush (GstHarness * h)
{
  GstSegment segment;

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
}

GST_START_TEST (test_batching_flush)
{
  GstHarness *h = harness_new ("classifier.onnx", "batch-size=4",
      "video/x-raw,format=BGRx,width=8,height=8,framerate=25/1");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_BGRx, 8, 8);
  push_frames (h, &info, 0, 3);
  flush (h);
  /* the flushed frames are gone; the next batch is whole */
  push_frames (h, &info, 10, 4);
  fail_unless_equals_int (gst_harness_buffers_received (h), 4);
  pull_frames (h, 10, 4, 4);
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_batching_timeout)
{
  GstHarness *h = harness_new ("classifier.onnx", "batch-size=4 batch-timeout=30000",
      "video/x-raw,format=I420,width=8,height=8,framerate=25/1");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 8, 8);
  gint64 start = g_get_monotonic_time ();
  push_frames (h, &info, 0, 2);
  /* gst_harness_pull waits for the timer thread to push */
  pull_frames (h, 0, 2, 2);
  gint64 waited = g_get_monotonic_time () - start;
  fail_unless (waited >= 30000, "left after %" G_GINT64_FORMAT " us", waited);

  /* latency: upstream's plus the timeout (shorter than 3 frames at 25 fps) */
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  fail_unless_equals_uint64 (gst_harness_query_latency (h), 40 * GST_MSECOND);
  gst_harness_teardown (h);

  /* without a timeout, a frame may wait for 3 more at 25 fps */
  h = harness_new ("classifier.onnx", "batch-size=4",
      "video/x-raw,format=I420,width=8,height=8,framerate=25/1");
  push_frames (h, &info, 0, 1);
  gst_harness_set_upstream_latency (h, 0);
  fail_unless_equals_uint64 (gst_harness_query_latency (h), 120 * GST_MSECOND);
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_interval)
{
  GstHarness *h = harness_new ("classifier.onnx", "interval=2 batch-size=2",
      "video/x-raw,format=RGBA,width=8,height=8,framerate=25/1");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGBA, 8, 8);
  push_frames (h, &info, 0, 7);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  for (guint i = 0; i < 7; i++) {
    GstBuffer *out = gst_harness_pull (h);
    gboolean inferred = i % 3 == 0;
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * 40 * GST_MSECOND);
    fail_unless_equals_int (gst_trt_tensor_meta_get (out) != NULL, inferred);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

/* Three batches in flight: a batch's frames leave when its set is needed
 * again (two batches later) or at EOS, in order, with the values of a
 * single run; frames passed by interval wait behind the batches before
 * them; batch-timeout lets batches in flight leave; a flush drops them. */
GST_START_TEST (test_batches_in_flight)
{
  GstHarness *h = harness_new ("classifier.onnx",
      "batch-size=2 batches-in-flight=3 interval=1",
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  GstVideoInfo info;
  Reference ref;
  GstTrtPreprocessConfig config;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 16);
  /* frames 0, 2, 4, ... are inferred; a passed frame joins the batch being
   * filled: batches {0, 1, 2}, {3, 4, 5, 6}, {7, 8, 9, 10} */
  push_frames (h, &info, 0, 8);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  push_frames (h, &info, 8, 4);
  /* the third batch took the first one's place: frames 0 to 2 left */
  fail_unless_equals_int (gst_harness_buffers_received (h), 3);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (gst_harness_buffers_received (h), 12);

  reference_open (&ref, "classifier.onnx", 0, 0);
  default_config (&config, 8, 8);
  for (guint i = 0; i < 12; i++) {
    GstBuffer *out = gst_harness_pull (h);
    GstTrtTensorMeta *meta = gst_trt_tensor_meta_get (out);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * 40 * GST_MSECOND);
    fail_unless_equals_int (meta != NULL, i % 2 == 0);
    if (meta) {
      GstBuffer *in = random_frame (&info, i, 0);
      fail_unless_equals_int (meta->batch_size, 2);
      fail_unless_equals_int (meta->batch_index, (i / 2) % 2);
      check_against_engine (&ref, &info, in, meta, &config, 1e-5f);
      gst_buffer_unref (in);
    }
    gst_buffer_unref (out);
  }
  reference_close (&ref);
  gst_harness_teardown (h);

  /* batch-timeout: a full batch in flight leaves without more frames */
  h = harness_new ("classifier.onnx", "batch-size=2 batches-in-flight=2 batch-timeout=30000",
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  push_frames (h, &info, 0, 2);
  pull_frames (h, 0, 2, 2);
  /* latency: a frame may wait for 2 x 2 - 1 frames, or the timeout */
  gst_harness_set_upstream_latency (h, 0);
  fail_unless_equals_uint64 (gst_harness_query_latency (h), 30 * GST_MSECOND);
  gst_harness_teardown (h);

  /* a flush drops the batches in flight; the next ones run whole */
  h = harness_new ("classifier.onnx", "batch-size=2 batches-in-flight=2",
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  push_frames (h, &info, 0, 3);
  flush (h);
  push_frames (h, &info, 10, 4);
  fail_unless_equals_int (gst_harness_buffers_received (h), 2);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  pull_frames (h, 10, 4, 2);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* output-memory=device on the CPU backend: a warning, and the tensors in
 * system memory as always (the CUDA path: tests/gpu/run_element_gpu.sh). */
GST_START_TEST (test_output_memory_on_cpu)
{
  GstHarness *h = harness_new ("classifier.onnx", "output-memory=device",
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 16);
  push_frames (h, &info, 0, 1);
  GstBuffer *out = gst_harness_pull (h);
  GstTrtTensorMeta *meta = meta_of (out);
  fail_unless (meta->num_tensors > 0);
  fail_unless (gst_trt_tensor_get_device_data (meta->tensors[0], NULL) == NULL);
  fail_if (gst_trt_is_device_memory (
      gst_buffer_peek_memory (meta->tensors[0]->data, 0)));
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- engine cache --------------------------------------------------------- */

typedef struct {
  gboolean built;
  gboolean warned;
  gchar *warning;
  gboolean failed;
  gchar *error;
} StartResult;

static void
start_result_clear (StartResult * r)
{
  g_free (r->warning);
  g_free (r->error);
  memset (r, 0, sizeof (*r));
}

/* Takes @element NULL -> READY -> NULL and reports what its bus said. */
static GstStateChangeReturn
start_element (GstElement * element, StartResult * result)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *message;
  GstStateChangeReturn ret;

  memset (result, 0, sizeof (*result));
  gst_element_set_bus (element, bus);
  ret = gst_element_set_state (element, GST_STATE_READY);
  while ((message = gst_bus_pop (bus))) {
    GError *error = NULL;
    switch (GST_MESSAGE_TYPE (message)) {
      case GST_MESSAGE_PROGRESS:{
        GstProgressType type;
        gst_message_parse_progress (message, &type, NULL, NULL);
        result->built |= type == GST_PROGRESS_TYPE_START;
        break;
      }
      case GST_MESSAGE_WARNING:
        gst_message_parse_warning (message, &error, NULL);
        result->warned = TRUE;
        g_free (result->warning);
        result->warning = g_strdup (error->message);
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (message, &error, NULL);
        result->failed = TRUE;
        g_free (result->error);
        result->error = g_strdup_printf ("%s|%s|%d", error->message,
            g_quark_to_string (error->domain), error->code);
        break;
      default:
        break;
    }
    g_clear_error (&error);
    gst_message_unref (message);
  }
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  return ret;
}

static void
copy_file (const gchar * from, const gchar * to)
{
  gchar *contents;
  gsize length;
  fail_unless (g_file_get_contents (from, &contents, &length, NULL));
  fail_unless (g_file_set_contents (to, contents, length, NULL));
  g_free (contents);
}

/* probs of one fixed frame, with the engine the element ends up with */
static void
first_probs (const gchar * model, const gchar * engine, gfloat probs[4])
{
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" engine-file=\"%s\"", model,
      engine);
  GstHarness *h = gst_harness_new_parse (launch);
  GstVideoInfo info;
  GstMapInfo map;

  gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=8,height=8");
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 8, 8);
  fail_unless_equals_int (gst_harness_push (h, random_frame (&info, 5, 0)), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  const GstTrtTensor *tensor = gst_trt_tensor_meta_get_by_name (meta_of (out), "probs");
  gst_buffer_map (tensor->data, &map, GST_MAP_READ);
  memcpy (probs, map.data, 4 * sizeof (gfloat));
  gst_buffer_unmap (tensor->data, &map);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_free (launch);
}

GST_START_TEST (test_engine_cache)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-test-XXXXXX", NULL);
  gchar *model = g_build_filename (dir, "model.onnx", NULL);
  gchar *plan = g_build_filename (dir, "model.plan", NULL);
  gchar *v1 = data_path ("classifier.onnx"), *v2 = data_path ("classifier_v2.onnx");
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  StartResult r;
  gfloat built[4], loaded[4], rebuilt[4];

  copy_file (v1, model);
  g_object_set (element, "model-file", model, "engine-file", plan, NULL);

  /* build once and write the plan */
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (r.built && !r.warned && !r.failed);
  fail_unless (g_file_test (plan, G_FILE_TEST_IS_REGULAR));
  start_result_clear (&r);

  /* load it next time */
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.warned && !r.failed, "built %d warned %d", r.built, r.warned);
  start_result_clear (&r);
  first_probs (model, plan, loaded);
  first_probs (model, NULL, built);
  fail_unless (memcmp (built, loaded, sizeof built) == 0);

  /* options are part of the key: another batch size is another engine,
   * built beside engine-file, which keeps its own */
  g_object_set (element, "batch-size", 2, NULL);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (r.built && r.warned);
  start_result_clear (&r);
  g_object_set (element, "batch-size", 1, NULL);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.warned);
  start_result_clear (&r);

  /* a changed model: its engine goes beside engine-file too */
  copy_file (v2, model);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (r.built && r.warned && !r.failed);
  fail_unless (strstr (r.warning, "leaving") != NULL, "%s", r.warning);
  start_result_clear (&r);
  first_probs (model, plan, rebuilt);
  fail_if (memcmp (built, rebuilt, sizeof built) == 0, "the new model gave the old results");
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.warned);
  start_result_clear (&r);

  /* a corrupt or truncated engine-file is left as it is (the engine comes
   * from beside it) */
  gchar *contents, *after;
  gsize length, after_length;
  fail_unless (g_file_get_contents (plan, &contents, &length, NULL));
  contents[length / 2] ^= 0x5a;
  fail_unless (g_file_set_contents (plan, contents, length, NULL));
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.failed);
  start_result_clear (&r);
  fail_unless (g_file_set_contents (plan, contents, 10, NULL));
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.failed);
  start_result_clear (&r);
  fail_unless (g_file_get_contents (plan, &after, &after_length, NULL));
  fail_unless (after_length == 10 && memcmp (after, contents, 10) == 0);
  g_free (after);
  g_free (contents);
  /* gone: built and written there again */
  g_unlink (plan);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (r.built && !r.warned);
  start_result_clear (&r);

  /* a plan alone (no model-file) loads; a missing one is an error */
  g_object_set (element, "model-file", NULL, NULL);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_SUCCESS);
  fail_unless (!r.built && !r.failed);
  start_result_clear (&r);
  g_unlink (plan);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_FAILURE);
  fail_unless (r.failed && strstr (r.error, "does not exist") != NULL);
  start_result_clear (&r);

  gst_object_unref (element);
  g_unlink (model);
  /* the engines built beside engine-file */
  GDir *listing = g_dir_open (dir, 0, NULL);
  const gchar *name;
  while ((name = g_dir_read_name (listing))) {
    gchar *path = g_build_filename (dir, name, NULL);
    fail_unless (g_str_has_prefix (name, "model_b") && g_str_has_suffix (name, ".plan"), "%s",
        name);
    g_unlink (path);
    g_free (path);
  }
  g_dir_close (listing);
  fail_unless (g_rmdir (dir) == 0);
  g_free (v1);
  g_free (v2);
  g_free (plan);
  g_free (model);
  g_free (dir);
}
GST_END_TEST;

/* ---- engine-file and model-file that must not be read or replaced -------- */

/* Starting with these files fails at once (no build, no waiting on a FIFO)
 * with a message holding @expected. */
static void
expect_file_refused (const gchar * model, const gchar * engine, const gchar * expected)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  StartResult r;
  gint64 start = g_get_monotonic_time ();

  g_object_set (element, "model-file", model, "engine-file", engine, NULL);
  gst_util_set_object_arg (G_OBJECT (element), "backend", "cpu");
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_FAILURE);
  fail_unless (r.failed && !r.built, "built %d", r.built);
  fail_unless (strstr (r.error, expected) != NULL, "'%s' does not say '%s'", r.error,
      expected);
  fail_unless (g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC);
  start_result_clear (&r);
  gst_object_unref (element);
}

static gboolean
file_is (const gchar * path, mode_t type)
{
  GStatBuf info;
  return g_lstat (path, &info) == 0 && (info.st_mode & S_IFMT) == type;
}

GST_START_TEST (test_engine_file_refused)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-test-XXXXXX", NULL);
  gchar *model = g_build_filename (dir, "model.onnx", NULL);
  gchar *same = g_build_filename (dir, ".", "model.onnx", NULL);
  gchar *hard = g_build_filename (dir, "hard.plan", NULL);
  gchar *soft = g_build_filename (dir, "soft.plan", NULL);
  gchar *fifo = g_build_filename (dir, "engine.plan", NULL);
  gchar *fifo_model = g_build_filename (dir, "fifo.onnx", NULL);
  gchar *device = g_build_filename (dir, "null.plan", NULL);
  gchar *v1 = data_path ("classifier.onnx");
  gchar *original, *contents, *expected;
  gsize original_length, length;

  copy_file (v1, model);
  fail_unless (g_file_get_contents (model, &original, &original_length, NULL));

  /* the model itself, by name and through other names of the same file */
  fail_unless (link (model, hard) == 0);
  fail_unless (symlink (model, soft) == 0);
  const gchar *aliases[] = { model, same, hard, soft };
  for (gsize i = 0; i < G_N_ELEMENTS (aliases); i++) {
    expected = g_strdup_printf ("engine-file '%s' is the model-file '%s': saving the engine "
        "would replace it", aliases[i], model);
    expect_file_refused (model, aliases[i], expected);
    g_free (expected);
    fail_unless (g_file_get_contents (model, &contents, &length, NULL));
    fail_unless (length == original_length && memcmp (contents, original, length) == 0,
        "the model was changed");
    g_free (contents);
  }
  g_unlink (soft);
  g_unlink (hard);

  /* a FIFO with no writer: neither read (that would wait forever) nor
   * replaced; as model-file it is not read either */
  fail_unless (mkfifo (fifo, 0600) == 0);
  expected = g_strdup_printf ("engine-file '%s' is a FIFO, not a regular file", fifo);
  expect_file_refused (model, fifo, expected);
  expect_file_refused (NULL, fifo, expected);
  g_free (expected);
  fail_unless (file_is (fifo, S_IFIFO));
  fail_unless (symlink (fifo, fifo_model) == 0);
  expected = g_strdup_printf ("model-file '%s' is a FIFO, not a regular file", fifo_model);
  expect_file_refused (fifo_model, NULL, expected);
  g_free (expected);
  g_unlink (fifo_model);

  /* /dev/zero never ends: refused before reading (no model-file, so no
   * engine would be written even if the check failed) */
  expect_file_refused (NULL, "/dev/zero",
      "engine-file '/dev/zero' is a character device, not a regular file");
  fail_unless (symlink ("/dev/zero", fifo_model) == 0);
  expect_file_refused (fifo_model, NULL, "is a character device, not a regular file");
  g_unlink (fifo_model);

  /* a device is never replaced: a node like /dev/null made here when we
   * may (root, as in CI), so that nothing under /dev could be touched; else
   * /dev/null itself, which we then have no right to replace anyway */
  const gchar *null_device = device;
  if (mknod (device, S_IFCHR | 0600, makedev (1, 3)) != 0)
    null_device = "/dev/null";
  expected = g_strdup_printf ("engine-file '%s' is a character device, not a regular file",
      null_device);
  expect_file_refused (model, null_device, expected);
  g_free (expected);
  fail_unless (file_is (null_device, S_IFCHR));
  fail_unless (file_is ("/dev/null", S_IFCHR) && file_is ("/dev/zero", S_IFCHR));
  g_unlink (device);
  /* and a link to one is not replaced either */
  fail_unless (symlink ("/dev/null", soft) == 0);
  expect_file_refused (model, soft, "is a symbolic link to a character device, not a regular");
  fail_unless (file_is (soft, S_IFLNK) && file_is ("/dev/null", S_IFCHR));
  g_unlink (soft);

  /* nothing was left behind: no temporary file, no plan */
  g_unlink (fifo);
  g_unlink (model);
  fail_unless (g_rmdir (dir) == 0, "files left in %s", dir);
  g_free (original);
  g_free (v1);
  g_free (device);
  g_free (fifo_model);
  g_free (fifo);
  g_free (soft);
  g_free (hard);
  g_free (same);
  g_free (model);
  g_free (dir);
}
GST_END_TEST;

/* ---- errors ------------------------------------------------------------- */

static void
expect_start_error (const gchar * model, const gchar * property, const gchar * value,
    const gchar * expected, GQuark domain)
{
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  gchar *path = model ? data_path (model) : NULL;
  StartResult r;

  if (path)
    g_object_set (element, "model-file", path, NULL);
  if (property)
    gst_util_set_object_arg (G_OBJECT (element), property, value);
  fail_unless_equals_int (start_element (element, &r), GST_STATE_CHANGE_FAILURE);
  fail_unless (r.failed);
  fail_unless (strstr (r.error, expected) != NULL, "'%s' does not say '%s'", r.error,
      expected);
  fail_unless (strstr (r.error, g_quark_to_string (domain)) != NULL, "%s", r.error);
  start_result_clear (&r);
  gst_object_unref (element);
  g_free (path);
}

GST_START_TEST (test_errors)
{
  expect_start_error ("no-such-model.onnx", NULL, NULL,
      "no-such-model.onnx' does not exist", GST_RESOURCE_ERROR);
  expect_start_error (NULL, NULL, NULL, "set model-file", GST_RESOURCE_ERROR);
  expect_start_error ("unsupported.onnx", NULL, NULL, "'det1' (Det): unsupported",
      GST_LIBRARY_ERROR);
  expect_start_error ("../make_models.py", NULL, NULL, "unknown model format",
      GST_RESOURCE_ERROR);
  expect_start_error ("dynamic_size.onnx", NULL, NULL, "set the height property",
      GST_RESOURCE_ERROR);
  expect_start_error ("gray.onnx", "width", "5", "fixes the width", GST_RESOURCE_ERROR);
  expect_start_error ("classifier.onnx", "output-names", "<nope>",
      "no tensor named 'nope'", GST_RESOURCE_ERROR);
  expect_start_error ("classifier.onnx", "input-name", "nope", "no input named 'nope'",
      GST_RESOURCE_ERROR);
  expect_start_error ("classifier.onnx", "backend", "cuda", "CUDA backend",
      GST_LIBRARY_ERROR);
}
GST_END_TEST;

GST_START_TEST (test_preprocess_settings_errors)
{
  /* checked on READY -> PAUSED, against the network input */
  const gchar *cases[][3] = {
    {"classifier.onnx", "mean=\"<1,2>\"", "mean has 2 values"},
    {"classifier.onnx", "channel-order=gray", "channel-order=gray"},
    {"classifier.onnx", "std=\"<0>\"", "std must not be 0"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    gchar *path = data_path (cases[i][0]);
    gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" %s", path, cases[i][1]);
    GstElement *element = gst_parse_launch (launch, NULL);
    GstBus *bus = gst_bus_new ();
    gst_element_set_bus (element, bus);
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PAUSED),
        GST_STATE_CHANGE_FAILURE);
    GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (message != NULL);
    GError *error = NULL;
    gst_message_parse_error (message, &error, NULL);
    fail_unless (strstr (error->message, cases[i][2]) != NULL, "%s", error->message);
    g_error_free (error);
    gst_message_unref (message);
    gst_element_set_state (element, GST_STATE_NULL);
    gst_element_set_bus (element, NULL);
    gst_object_unref (bus);
    gst_object_unref (element);
    g_free (launch);
    g_free (path);
  }
}
GST_END_TEST;

GST_START_TEST (test_impossible_caps)
{
  gchar *path = data_path ("classifier.onnx");

  /* YUY2 is not in the pad templates: the caps event is refused and
   * buffers come back not-negotiated */
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\"", path);
  GstHarness *h = gst_harness_new_parse (launch);
  gst_harness_set_src_caps_str (h, "video/x-raw,format=YUY2,width=8,height=8");
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_allocate (NULL, 128, NULL)),
      GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown (h);
  g_free (launch);

  /* in a launch line, the link itself fails and says which caps */
  GError *error = NULL;
  launch = g_strdup_printf ("videotestsrc ! video/x-raw,format=YUY2 ! "
      "trtinfer model-file=\"%s\" ! fakesink", path);
  GstElement *pipeline = gst_parse_launch_full (launch, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &error);
  fail_unless (pipeline == NULL);
  fail_unless (error != NULL);
  fail_unless (strstr (error->message, "can't handle caps") != NULL, "%s", error->message);
  fail_unless (strstr (error->message, "YUY2") != NULL, "%s", error->message);
  g_error_free (error);
  g_free (launch);

  /* a buffer before any caps: the element says what it takes */
  GstElement *element = gst_element_factory_make ("trtinfer", NULL);
  GstBus *bus = gst_bus_new ();
  g_object_set (element, "model-file", path, NULL);
  gst_element_set_bus (element, bus);
  h = gst_harness_new_with_element (element, "sink", "src");
  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_stream_start ("s")));
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_new_allocate (NULL, 128, NULL)),
      GST_FLOW_NOT_NEGOTIATED);
  GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (message != NULL);
  gst_message_parse_error (message, &error, NULL);
  fail_unless (error->domain == GST_CORE_ERROR);
  fail_unless (strstr (error->message, "No input format was negotiated") != NULL);
  fail_unless (strstr (error->message, "NV12") != NULL);
  g_error_free (error);
  gst_message_unref (message);
  gst_harness_teardown (h);
  gst_element_set_bus (element, NULL);
  gst_object_unref (element);
  gst_object_unref (bus);
  g_free (path);
}
GST_END_TEST;

/* ---- CUDA memory without a GPU ---------------------------------------------- */

/* Built with GStreamer's CUDA library, the pads take CUDA memory; without a
 * CUDA engine (the CPU backend, or a CUDA backend with no GPU) the element
 * has no CUDA context to give upstream and says so by not answering. */
GST_START_TEST (test_cuda_context_without_gpu)
{
  gchar *path = data_path ("classifier.onnx");
  const gchar *backends[] = { "cpu", "cuda" };

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++) {
    GstElement *element = gst_element_factory_make ("trtinfer", NULL);
    g_object_set (element, "model-file", path, NULL);
    gst_util_set_object_arg (G_OBJECT (element), "backend", backends[i]);
    GstPad *sink = gst_element_get_static_pad (element, "sink");
    GstQuery *query = gst_query_new_context ("gst.cuda.context");
    gboolean answered = gst_pad_query (sink, query);
    GstContext *context = NULL;
    gst_query_parse_context (query, &context);
    fail_unless (!answered && context == NULL, "backend=%s answered a CUDA context query",
        backends[i]);
    gst_query_unref (query);
    gst_object_unref (sink);
    gst_object_unref (element);
  }

  GstElementFactory *factory = gst_element_factory_find ("trtinfer");
  const GList *templates = gst_element_factory_get_static_pad_templates (factory);
  gboolean cuda_caps = FALSE;
  for (const GList *l = templates; l; l = l->next) {
    GstStaticPadTemplate *templ = l->data;
    cuda_caps = cuda_caps || strstr (templ->static_caps.string, "memory:CUDAMemory") != NULL;
  }
  GST_INFO ("pads take CUDA memory: %s", cuda_caps ? "yes" : "no (built without libgstcuda)");
  if (cuda_caps) {
    /* a CPU engine accepts them too (GstCudaMemory maps to system memory) */
    gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu", path);
    GstHarness *h = gst_harness_new_parse (launch);
    GstCaps *caps = gst_caps_from_string ("video/x-raw(memory:CUDAMemory),format=RGB,"
        "width=8,height=8,framerate=30/1");
    fail_unless (gst_pad_query_accept_caps (GST_PAD_PEER (h->srcpad), caps));
    gst_caps_unref (caps);
    gst_harness_teardown (h);
    g_free (launch);
  }
  gst_object_unref (factory);
  g_free (path);
}

GST_END_TEST;

/* ---- state cycles ---------------------------------------------------------- */

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

static void
cycle (const gchar * launch)
{
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  fail_unless (pipeline != NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *message = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (message && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS);
  gst_message_unref (message);
  gst_object_unref (bus);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
}

GST_START_TEST (test_state_cycles)
{
  gchar *path = data_path ("classifier.onnx");
  gchar *launch = g_strdup_printf ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=NV12,width=32,height=24 ! "
      "trtinfer model-file=\"%s\" batch-size=2 batch-timeout=1000 ! fakesink", path);
  GstTracer *tracer = leaks_tracer ();

  cycle (launch);               /* class and type set-up happen once */
#ifdef __GLIBC__
  struct mallinfo2 before = mallinfo2 ();
#endif
  /* Streaming threads drop their last references just after the state
   * change returns: let them settle before counting. */
  g_usleep (200 * 1000);
  guint live_before = tracer ? live_objects (tracer) : 0;
  for (guint i = 0; i < 100; i++)
    cycle (launch);
  if (tracer) {
    guint live_after = 0;
    for (guint wait = 0; wait < 40; wait++) {
      g_usleep (50 * 1000);
      live_after = live_objects (tracer);
      if (live_after == live_before)
        break;
    }
    fail_unless_equals_int (live_after, live_before);
    gst_object_unref (tracer);
  }
#ifdef __GLIBC__
  struct mallinfo2 after = mallinfo2 ();
  /* 100 engines of a few kB each would show; allocator noise does not. */
  fail_unless (after.uordblks < before.uordblks + 256 * 1024,
      "heap grew by %zu bytes over 100 cycles", after.uordblks - before.uordblks);
#endif
  g_free (launch);
  g_free (path);
}
GST_END_TEST;

static Suite *
trtinfer_suite (void)
{
  Suite *s = suite_create ("trtinfer");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_meta_values);
  tcase_add_test (tc, test_unique_id_and_messages);
  tcase_add_test (tc, test_classify_decoder);
  tcase_add_test (tc, test_detect_decoder);
  tcase_add_test (tc, test_ctc_decoder);
  tcase_add_test (tc, test_decoder_bad_inputs);
  tcase_add_test (tc, test_overlay);
  tcase_add_test (tc, test_formats);
  tcase_add_test (tc, test_gray_and_dynamic_size);
  tcase_add_test (tc, test_output_names);
  tcase_add_test (tc, test_batching_full_and_eos);
  tcase_add_test (tc, test_batching_flush);
  tcase_add_test (tc, test_batching_timeout);
  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_batches_in_flight);
  tcase_add_test (tc, test_output_memory_on_cpu);
  tcase_add_test (tc, test_engine_cache);
  tcase_add_test (tc, test_engine_file_refused);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_preprocess_settings_errors);
  tcase_add_test (tc, test_impossible_caps);
  tcase_add_test (tc, test_cuda_context_without_gpu);
  tcase_add_test (tc, test_state_cycles);
  return s;
}

GST_CHECK_MAIN (trtinfer);
