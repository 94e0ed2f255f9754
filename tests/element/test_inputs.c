/* trtinfer with models as they come: NHWC and NCHW images, uint8 and
 * float32, 1, 3 and 4 channels, inputs beside the image filled per frame or
 * from input-values, and the errors for models it cannot feed. Models are
 * the tiny ones of data/ (make_models.py); values are checked against the
 * frames' own pixels. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "trtpreprocess.h"
#include "element_test_util.h"

static GstHarness *
harness_new (const gchar * model, const gchar * properties, const gchar * format,
    guint width, guint height, GstVideoInfo * info)
{
  gchar *path = data_path (model);
  gchar *launch = g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu %s", path,
      properties ? properties : "");
  gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%u,height=%u,"
      "framerate=25/1", format, width, height);
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h, caps);
  gst_video_info_set_format (info, gst_video_format_from_string (format), width, height);
  g_free (caps);
  g_free (launch);
  g_free (path);
  return h;
}

/* Pushes @in and pulls it back with its meta. */
static GstBuffer *
infer_one (GstHarness * h, GstBuffer * in)
{
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  fail_unless (out != NULL);
  fail_unless (gst_trt_tensor_meta_get (out) != NULL, "no tensor meta");
  return out;
}

/* A copy of tensor @name's float32 values, after checking its dims. */
static gfloat *
tensor_values (GstBuffer * buffer, const gchar * name, gsize num_dims, const gsize * dims)
{
  const GstTrtTensor *tensor =
      gst_trt_tensor_meta_get_by_name (gst_trt_tensor_meta_get (buffer), name);
  GstMapInfo map;
  gsize volume = 1;

  fail_unless (tensor != NULL, "no tensor '%s'", name);
  fail_unless_equals_int (tensor->data_type, GST_TRT_TENSOR_DATA_TYPE_FLOAT32);
  fail_unless_equals_int (tensor->num_dims, num_dims);
  for (gsize d = 0; d < num_dims; d++) {
    fail_unless_equals_uint64 (tensor->dims[d], dims[d]);
    volume *= dims[d];
  }
  fail_unless (gst_buffer_map (tensor->data, &map, GST_MAP_READ));
  fail_unless_equals_uint64 (map.size, volume * sizeof (gfloat));
  gfloat *values = g_memdup2 (map.data, map.size);
  gst_buffer_unmap (tensor->data, &map);
  return values;
}

/* Channel c (0 red, 1 green, 2 blue, 3 alpha) of pixel (x, y) of a packed
 * RGB-family frame; 255 for alpha where the format has none. */
static guint8
pixel (GstBuffer * buffer, const GstVideoInfo * info, guint x, guint y, guint c)
{
  GstVideoFrame frame;
  guint8 value = 255;

  fail_unless (gst_video_frame_map (&frame, (GstVideoInfo *) info, buffer, GST_MAP_READ));
  const guint8 *row = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0)
      + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  switch (GST_VIDEO_INFO_FORMAT (info)) {
    case GST_VIDEO_FORMAT_RGB:
      value = c == 3 ? 255 : row[3 * x + c];
      break;
    case GST_VIDEO_FORMAT_RGBA:
      value = row[4 * x + c];
      break;
    case GST_VIDEO_FORMAT_RGBx:
      value = c == 3 ? 255 : row[4 * x + c];
      break;
    case GST_VIDEO_FORMAT_BGRA:
      value = c == 3 ? row[4 * x + 3] : row[4 * x + 2 - c];
      break;
    case GST_VIDEO_FORMAT_BGRx:
      value = c == 3 ? 255 : row[4 * x + 2 - c];
      break;
    default:
      fail ("format not handled by the test");
  }
  gst_video_frame_unmap (&frame);
  return value;
}

/* The models of channel_scaler() multiply channel c by 10^c. */
static const gfloat channel_factor[4] = { 1.0f, 10.0f, 100.0f, 1000.0f };

/* ---- layouts ----------------------------------------------------------------- */

GST_START_TEST (test_nhwc_float)
{
  GstVideoInfo info;
  /* dynamic height and width, fixed by the properties; frames of the
   * network size, so each value is its pixel (scale 1) */
  GstHarness *h = harness_new ("nhwc.onnx", "width=10 height=6 scale=1.0", "RGB", 10, 6,
      &info);
  GstBuffer *in = random_frame (&info, 1, 0);
  GstBuffer *out = infer_one (h, gst_buffer_ref (in));
  const gsize dims[] = { 1, 6, 10, 3 };
  gfloat *v = tensor_values (out, "scaled", 4, dims);
  for (guint y = 0; y < 6; y++)
    for (guint x = 0; x < 10; x++)
      for (guint c = 0; c < 3; c++)
        fail_unless_equals_float (v[(y * 10 + x) * 3 + c],
            pixel (in, &info, x, y, c) * channel_factor[c]);
  g_free (v);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);

  /* resized and normalized, BGR: the preprocessing's own HWC item */
  h = harness_new ("nhwc.onnx", "width=10 height=6 channel-order=bgr mean=\"<0.5,0.25,0.0>\"",
      "BGRx", 23, 17, &info);
  in = random_frame (&info, 2, 0);
  out = infer_one (h, gst_buffer_ref (in));
  GstTrtPreprocessConfig config;
  GstVideoFrame frame;
  gst_trt_preprocess_config_init (&config);
  config.width = 10;
  config.height = 6;
  config.layout = GST_TRT_PREPROCESS_LAYOUT_HWC;
  config.order = GST_TRT_CHANNEL_ORDER_BGR;
  config.mean[0] = 0.5f;
  config.mean[1] = 0.25f;
  gfloat *want = g_malloc (gst_trt_preprocess_item_bytes (&config));
  fail_unless (gst_video_frame_map (&frame, &info, in, GST_MAP_READ));
  fail_unless (gst_trt_preprocess_frame (&config, &frame, want, NULL));
  gst_video_frame_unmap (&frame);
  v = tensor_values (out, "scaled", 4, dims);
  for (guint i = 0; i < 6 * 10 * 3; i++)
    fail_unless (fabsf (v[i] - want[i] * channel_factor[i % 3]) <= 1e-4f * (1 + fabsf (v[i])),
        "element %u: %g, want %g", i, v[i], want[i] * channel_factor[i % 3]);
  /* and not what an NCHW reading would give */
  fail_unless (fabsf (want[0] - want[1]) > 1e-3f || fabsf (want[1] - want[2]) > 1e-3f);
  g_free (want);
  g_free (v);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* [N,4,4,3]: dim 1 and dim 3 could both be channels. auto reads NCHW (4
 * channels, 4x3 pixels); input-layout=nhwc reads 3 channels of 4x4. */
GST_START_TEST (test_ambiguous_layout)
{
  GstVideoInfo info;
  GstHarness *h = harness_new ("ambiguous.onnx", "scale=1.0", "RGBA", 3, 4, &info);
  GstBuffer *in = random_frame (&info, 3, 0);
  GstBuffer *out = infer_one (h, gst_buffer_ref (in));
  const gsize dims[] = { 1, 4, 4, 3 };
  gfloat *v = tensor_values (out, "scaled", 4, dims);
  /* planes c of H=4 x W=3; the model multiplies along its last dim (x) */
  for (guint c = 0; c < 4; c++)
    for (guint y = 0; y < 4; y++)
      for (guint x = 0; x < 3; x++)
        fail_unless_equals_float (v[c * 12 + y * 3 + x],
            pixel (in, &info, x, y, c) * channel_factor[x]);
  g_free (v);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);

  h = harness_new ("ambiguous.onnx", "scale=1.0 input-layout=nhwc", "RGB", 4, 4, &info);
  in = random_frame (&info, 4, 0);
  out = infer_one (h, gst_buffer_ref (in));
  v = tensor_values (out, "scaled", 4, dims);
  for (guint y = 0; y < 4; y++)
    for (guint x = 0; x < 4; x++)
      for (guint c = 0; c < 3; c++)
        fail_unless_equals_float (v[(y * 4 + x) * 3 + c],
            pixel (in, &info, x, y, c) * channel_factor[c]);
  g_free (v);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- element types and channel counts -------------------------------------- */

GST_START_TEST (test_uint8_input)
{
  GstVideoInfo info;
  /* uint8 NCHW, batched: raw pixel values, no normalization */
  GstHarness *h = harness_new ("uint8.onnx", "batch-size=2 channel-order=bgr", "RGBx", 10,
      6, &info);
  GstBuffer *in[2] = { random_frame (&info, 5, 0), random_frame (&info, 6, 40 * GST_MSECOND) };
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in[0])), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in[1])), GST_FLOW_OK);
  const gsize dims[] = { 1, 3, 6, 10 };
  for (guint f = 0; f < 2; f++) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless_equals_int (gst_trt_tensor_meta_get (out)->batch_index, f);
    gfloat *v = tensor_values (out, "scaled", 4, dims);
    for (guint c = 0; c < 3; c++)
      for (guint y = 0; y < 6; y++)
        for (guint x = 0; x < 10; x++)
          fail_unless_equals_float (v[c * 60 + y * 10 + x],
              pixel (in[f], &info, x, y, 2 - c) * channel_factor[c]);
    g_free (v);
    gst_buffer_unref (out);
    gst_buffer_unref (in[f]);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_four_channels)
{
  /* uint8 NHWC with alpha: from RGBA and BGRA frames, 255 from RGBx */
  const struct {
    const gchar *format;
    const gchar *order;
    gboolean bgr;
  } cases[] = {
    {"RGBA", "rgb", FALSE}, {"BGRA", "rgb", FALSE}, {"RGBx", "rgb", FALSE},
    {"BGRA", "bgr", TRUE}, {"BGRx", "bgr", TRUE},
  };
  const gsize dims[] = { 1, 5, 7, 4 };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstVideoInfo info;
    gchar *properties = g_strdup_printf ("channel-order=%s", cases[i].order);
    GstHarness *h = harness_new ("rgba_uint8_nhwc.onnx", properties, cases[i].format, 7, 5,
        &info);
    GstBuffer *in = random_frame (&info, 10 + i, 0);
    GstBuffer *out = infer_one (h, gst_buffer_ref (in));
    gfloat *v = tensor_values (out, "scaled", 4, dims);
    gboolean alpha_seen = FALSE;
    for (guint y = 0; y < 5; y++)
      for (guint x = 0; x < 7; x++)
        for (guint c = 0; c < 4; c++) {
          guint source = cases[i].bgr && c < 3 ? 2 - c : c;
          guint8 want = pixel (in, &info, x, y, source);
          alpha_seen |= c == 3 && want != 255;
          fail_unless_equals_float (v[(y * 7 + x) * 4 + c], want * channel_factor[c]);
        }
    /* the frame's alpha was not 255 everywhere where it has one */
    fail_unless_equals_int (alpha_seen, strchr (cases[i].format, 'A') != NULL);
    g_free (v);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
    gst_harness_teardown (h);
    g_free (properties);
  }

  /* float NCHW with alpha: four values of mean, one per channel */
  GstVideoInfo info;
  GstHarness *h = harness_new ("rgba.onnx", "scale=1.0 mean=\"<1,2,3,4>\"", "RGBA", 10, 6,
      &info);
  GstBuffer *in = random_frame (&info, 20, 0);
  GstBuffer *out = infer_one (h, gst_buffer_ref (in));
  const gsize planar[] = { 1, 4, 6, 10 };
  gfloat *v = tensor_values (out, "scaled", 4, planar);
  for (guint c = 0; c < 4; c++)
    for (guint y = 0; y < 6; y++)
      for (guint x = 0; x < 10; x++)
        fail_unless_equals_float (v[c * 60 + y * 10 + x],
            (pixel (in, &info, x, y, c) - (c + 1.0f)) * channel_factor[c]);
  g_free (v);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* ---- inputs beside the image --------------------------------------------- */

/* The mean of the preprocessed item, as the models' ReduceMean computes it. */
static gfloat
item_mean (GstBuffer * buffer, GstVideoInfo * info, const GstTrtPreprocessConfig * config)
{
  gfloat *item = g_malloc (gst_trt_preprocess_item_bytes (config));
  gsize count = (gsize) config->channels * config->width * config->height;
  GstVideoFrame frame;
  gdouble sum = 0.0;

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  fail_unless (gst_trt_preprocess_frame (config, &frame, item, NULL));
  gst_video_frame_unmap (&frame);
  for (gsize i = 0; i < count; i++)
    sum += item[i];
  g_free (item);
  return (gfloat) (sum / count);
}

static void
check_close (gfloat got, gfloat want, const gchar * what)
{
  fail_unless (fabsf (got - want) <= 1e-4f * (1.0f + fabsf (want)), "%s: %g, want %g", what,
      got, want);
}

/* PaddleDetection's image, im_shape and scale_factor: the last two filled
 * per frame without any property, in every slot of a batch. */
GST_START_TEST (test_detector_inputs)
{
  const struct {
    const gchar *properties;
    guint width, height;
    gfloat sizes[4];            /* im_shape (h, w), scale_factor (y, x) */
  } cases[] = {
    /* 16x8 letterboxed into 8x8: resized 8x4, scale 0.5 */
    {"batch-size=2 keep-aspect-ratio=1", 16, 8, {4, 8, 0.5f, 0.5f}},
    /* 32x8 stretched to 8x8 */
    {"batch-size=2", 32, 8, {8, 8, 1.0f, 0.25f}},
    /* 6x10 with a fixed im_shape from input-values */
    {"batch-size=2 input-values=\"values, im_shape=<100.0,200.0>\"", 6, 10,
        {100, 200, 0.8f, 8.0f / 6.0f}},
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstVideoInfo info;
    GstHarness *h = harness_new ("detector_inputs.onnx", cases[i].properties, "RGB",
        cases[i].width, cases[i].height, &info);
    GstTrtPreprocessConfig config;
    gst_trt_preprocess_config_init (&config);
    config.width = config.height = 8;
    config.keep_aspect_ratio = strstr (cases[i].properties, "keep-aspect") != NULL;

    GstBuffer *in[3];
    for (guint f = 0; f < 3; f++) {
      in[f] = random_frame (&info, 30 + f, f * 40 * GST_MSECOND);
      fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in[f])), GST_FLOW_OK);
    }
    /* two in a full batch, the third alone at EOS */
    fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
    for (guint f = 0; f < 3; f++) {
      GstBuffer *out = gst_harness_pull (h);
      const gsize sizes_dims[] = { 1, 4 }, pair_dims[] = { 1, 2 }, one[] = { 1 };
      gfloat *sizes = tensor_values (out, "sizes", 2, sizes_dims);
      gfloat *source = tensor_values (out, "source_size", 2, pair_dims);
      gfloat *brightness = tensor_values (out, "brightness", 1, one);
      for (guint k = 0; k < 4; k++)
        check_close (sizes[k], cases[i].sizes[k], "sizes");
      check_close (source[0], cases[i].sizes[0] / cases[i].sizes[2], "source height");
      check_close (source[1], cases[i].sizes[1] / cases[i].sizes[3], "source width");
      check_close (brightness[0], item_mean (in[f], &info, &config), "brightness");
      g_free (sizes);
      g_free (source);
      g_free (brightness);
      gst_buffer_unref (out);
      gst_buffer_unref (in[f]);
    }
    gst_harness_teardown (h);
  }
}
GST_END_TEST;

/* Inputs with names of their own, typed int64, float32 without a batch
 * dimension and int32, filled from input-values. */
GST_START_TEST (test_named_inputs)
{
  GstVideoInfo info;
  GstHarness *h = harness_new ("named_inputs.onnx", "batch-size=2 keep-aspect-ratio=1 "
      "input-values=\"values, size=image-size, bias=2.5, ids=<7,8,9>\"", "I420", 8, 4, &info);
  GstTrtPreprocessConfig config;
  gst_trt_preprocess_config_init (&config);
  config.width = config.height = 8;
  config.keep_aspect_ratio = TRUE;

  GstBuffer *in[2];
  for (guint f = 0; f < 2; f++) {
    in[f] = random_frame (&info, 40 + f, f * 40 * GST_MSECOND);
    fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in[f])), GST_FLOW_OK);
  }
  for (guint f = 0; f < 2; f++) {
    GstBuffer *out = gst_harness_pull (h);
    const gsize pair[] = { 1, 2 }, one[] = { 1 }, three[] = { 1, 3 };
    gfloat *size = tensor_values (out, "size_f", 2, pair);
    gfloat *biased = tensor_values (out, "biased", 1, one);
    gfloat *ids = tensor_values (out, "ids_f", 2, three);
    /* 8x4 letterboxed into 8x8: (height, width) 4, 8 */
    fail_unless_equals_float (size[0], 4.0f);
    fail_unless_equals_float (size[1], 8.0f);
    check_close (biased[0], item_mean (in[f], &info, &config) + 2.5f, "biased");
    fail_unless_equals_float (ids[0], 7.0f);
    fail_unless_equals_float (ids[1], 8.0f);
    fail_unless_equals_float (ids[2], 9.0f);
    g_free (size);
    g_free (biased);
    g_free (ids);
    gst_buffer_unref (out);
    gst_buffer_unref (in[f]);
  }
  gst_harness_teardown (h);

  /* the two-input model with input-name: the other input from input-values
   * (192 ones: 3x8x8) */
  GString *properties = g_string_new ("input-name=right scale=1.0 "
      "input-values=\"values, left=<1.0");
  for (guint i = 1; i < 192; i++)
    g_string_append (properties, ",1.0");
  g_string_append (properties, ">\"");
  h = harness_new ("two_images.onnx", properties->str, "RGB", 8, 8, &info);
  g_string_free (properties, TRUE);
  GstBuffer *frame = random_frame (&info, 50, 0);
  GstBuffer *out = infer_one (h, gst_buffer_ref (frame));
  const gsize dims[] = { 1, 3, 8, 8 };
  gfloat *sum = tensor_values (out, "sum", 4, dims);
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 8; y++)
      for (guint x = 0; x < 8; x++)
        fail_unless_equals_float (sum[c * 64 + y * 8 + x], pixel (frame, &info, x, y, c) + 1.0f);
  g_free (sum);
  gst_buffer_unref (out);
  gst_buffer_unref (frame);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* An engine loaded from its plan alone (no model-file) finds its inputs the
 * same way; the layout is part of the engine's cache key. */
GST_START_TEST (test_inputs_from_plan)
{
  gchar *dir = g_dir_make_tmp ("trtinfer-inputs-XXXXXX", NULL);
  gchar *plan = g_build_filename (dir, "detector.plan", NULL);
  gchar *model = data_path ("detector_inputs.onnx");
  GstVideoInfo info;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 8);
  for (guint round = 0; round < 2; round++) {
    gchar *launch = g_strdup_printf ("trtinfer backend=cpu %s%s%s engine-file=\"%s\"",
        round == 0 ? "model-file=\"" : "", round == 0 ? model : "", round == 0 ? "\"" : "",
        plan);
    GstHarness *h = gst_harness_new_parse (launch);
    gst_harness_set_src_caps_str (h, "video/x-raw,format=RGB,width=16,height=8");
    GstBuffer *out = infer_one (h, random_frame (&info, 60, 0));
    const gsize pair[] = { 1, 2 };
    gfloat *source = tensor_values (out, "source_size", 2, pair);
    check_close (source[0], 8.0f, "source height");
    check_close (source[1], 16.0f, "source width");
    g_free (source);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (launch);
  }
  g_unlink (plan);

  /* ambiguous.onnx built for auto (NCHW) is not loaded for nhwc */
  gchar *ambiguous = data_path ("ambiguous.onnx");
  const gchar *layouts[] = { "auto", "nhwc", "nhwc" };
  const gboolean expect_build[] = { TRUE, TRUE, FALSE };
  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++) {
    GstElement *element = gst_element_factory_make ("trtinfer", NULL);
    GstBus *bus = gst_bus_new ();
    GstMessage *message;
    gboolean built = FALSE;
    g_object_set (element, "model-file", ambiguous, "engine-file", plan, NULL);
    gst_util_set_object_arg (G_OBJECT (element), "backend", "cpu");
    gst_util_set_object_arg (G_OBJECT (element), "input-layout", layouts[i]);
    gst_element_set_bus (element, bus);
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_READY),
        GST_STATE_CHANGE_SUCCESS);
    while ((message = gst_bus_pop (bus))) {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_PROGRESS) {
        GstProgressType type;
        gst_message_parse_progress (message, &type, NULL, NULL);
        built |= type == GST_PROGRESS_TYPE_START;
      }
      gst_message_unref (message);
    }
    fail_unless_equals_int (built, expect_build[i]);
    gst_element_set_state (element, GST_STATE_NULL);
    gst_element_set_bus (element, NULL);
    gst_object_unref (bus);
    gst_object_unref (element);
  }
  g_unlink (plan);
  g_rmdir (dir);
  g_free (ambiguous);
  g_free (model);
  g_free (plan);
  g_free (dir);
}
GST_END_TEST;

/* ---- errors ------------------------------------------------------------------ */

/* Takes trtinfer with @properties on @model to @state; it must fail with an
 * error whose message holds every string of @expected and whose domain is
 * @domain. */
static void
expect_error (const gchar * model, const gchar * properties, GstState state,
    GQuark domain, const gchar * const *expected)
{
  gchar *path = data_path (model);
  gchar *launch = g_strdup_printf ("trtinfer backend=cpu model-file=\"%s\" %s", path,
      properties ? properties : "");
  GError *error = NULL;
  GstElement *element = gst_parse_launch (launch, &error);
  fail_unless (element != NULL, "%s: %s", launch, error ? error->message : "?");
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (element, bus);
  fail_unless_equals_int (gst_element_set_state (element, state), GST_STATE_CHANGE_FAILURE);
  GstMessage *message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (message != NULL, "%s: no error message", launch);
  gst_message_parse_error (message, &error, NULL);
  for (const gchar * const *want = expected; *want; want++)
    fail_unless (strstr (error->message, *want) != NULL, "'%s' does not say '%s'",
        error->message, *want);
  fail_unless (error->domain == domain, "'%s' is in domain %s", error->message,
      g_quark_to_string (error->domain));
  g_error_free (error);
  gst_message_unref (message);
  gst_element_set_state (element, GST_STATE_NULL);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
  g_free (launch);
  g_free (path);
}

#define SAYS(...) ((const gchar * const[]) { __VA_ARGS__, NULL })

GST_START_TEST (test_input_errors)
{
  const GQuark settings = GST_RESOURCE_ERROR, format = GST_STREAM_ERROR;

  /* models trtinfer cannot feed as they are */
  expect_error ("five_d.onnx", NULL, GST_STATE_READY, format,
      SAYS ("Input 'image' (float32 ?x3x2x8x8)", "has 5 dimensions", "4-D NCHW or NHWC"));
  expect_error ("float16.onnx", NULL, GST_STATE_READY, format,
      SAYS ("Input 'image' (float16 ?x3x8x8)", "feeds float32 and uint8 images",
          "export the model with float32 inputs"));
  expect_error ("classifier.onnx", "input-layout=nhwc", GST_STATE_READY, format,
      SAYS ("input-layout=nhwc", "channels (dim 3) must be 1, 3 or 4"));

  /* two images: which one takes the frames is the user's to say */
  expect_error ("two_images.onnx", NULL, GST_STATE_READY, settings,
      SAYS ("2 inputs that could take the frames", "'left' (float32 ?x3x8x8)",
          "'right' (float32 ?x3x8x8)", "set input-name"));
  expect_error ("two_images.onnx", "input-name=left", GST_STATE_READY, settings,
      SAYS ("Input 'right'", "trtinfer cannot fill it", "input-values"));
  expect_error ("two_images.onnx", "input-name=left input-values=\"v, right=<1.0>\"",
      GST_STATE_READY, settings,
      SAYS ("input-values gives 1 value for input 'right'", "which takes 192 per frame"));
  expect_error ("classifier.onnx", "input-name=nope", GST_STATE_READY, settings,
      SAYS ("no input named 'nope'", "its inputs are 'image' (float32 ?x3x8x8)"));

  /* inputs beside the image that nothing fills, or fills wrongly */
  expect_error ("unknown_input.onnx", NULL, GST_STATE_READY, settings,
      SAYS ("Input 'mystery' (float32 ?x3)", "trtinfer cannot fill it",
          "input-values=\"values, mystery=<0.0,0.0,0.0>\"", "image-size or scale-factor"));
  expect_error ("named_inputs.onnx", "input-values=\"v, size=image-size, bias=2.5\"",
      GST_STATE_READY, settings, SAYS ("Input 'ids' (int32 ?x3)", "cannot fill it",
          "ids=<0,0,0>"));
  expect_error ("named_inputs.onnx",
      "input-values=\"v, size=image-size, bias=2.5, ids=<7,8,9>, idz=1\"", GST_STATE_READY,
      settings, SAYS ("input-values: model", "has no input named 'idz'"));
  expect_error ("named_inputs.onnx",
      "input-values=\"v, size=image-size, bias=2.5, ids=<7,8.5,9>\"", GST_STATE_READY,
      settings, SAYS ("8.5 (value 1 for input 'ids' (int32 ?x3)) does not fit its type"));
  expect_error ("named_inputs.onnx",
      "input-values=\"v, size=scale-factor, bias=2.5, ids=<7,8,9>\"", GST_STATE_READY,
      format, SAYS ("Input 'size' (int64 ?x2)", "takes the scale factor",
          "float32 or float64"));
  expect_error ("named_inputs.onnx",
      "input-values=\"v, size=image-size, bias=lots, ids=<7,8,9>\"", GST_STATE_READY,
      settings, SAYS ("input-values: bias=lots: give numbers"));
  expect_error ("named_inputs.onnx",
      "input-values=\"v, size=image-size, bias=<1.0,2.0>, ids=<7,8,9>\"", GST_STATE_READY,
      settings, SAYS ("gives 2 values for input 'bias' (float32 1)", "takes 1 per frame"));
  expect_error ("detector_inputs.onnx", "input-values=\"v, image=<1.0>\"", GST_STATE_READY,
      settings, SAYS ("input-values names 'image', the input that takes the frames"));

  /* uint8 images take raw pixels: normalization is refused, not ignored */
  expect_error ("uint8.onnx", "mean=\"<0.5>\" scale=1.0", GST_STATE_PAUSED, settings,
      SAYS ("Input 'image' is uint8", "raw pixel values 0..255", "unset mean, scale"));
  expect_error ("rgba.onnx", "channel-order=gray", GST_STATE_PAUSED, settings,
      SAYS ("channel-order=gray needs a network input with 1 channel; this one has 4"));
  expect_error ("rgba.onnx", "mean=\"<1,2,3>\"", GST_STATE_PAUSED, settings,
      SAYS ("mean has 3 values", "(4)"));
}
GST_END_TEST;

static Suite *
inputs_suite (void)
{
  Suite *s = suite_create ("trtinfer-inputs");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_nhwc_float);
  tcase_add_test (tc, test_ambiguous_layout);
  tcase_add_test (tc, test_uint8_input);
  tcase_add_test (tc, test_four_channels);
  tcase_add_test (tc, test_detector_inputs);
  tcase_add_test (tc, test_named_inputs);
  tcase_add_test (tc, test_inputs_from_plan);
  tcase_add_test (tc, test_input_errors);
  return s;
}

GST_CHECK_MAIN (inputs);
