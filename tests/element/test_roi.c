/* trtinfer in process-mode=roi (the CPU backend): regions cropped and
 * batched across frames, one meta per region, the infer-on-id and roi-types
 * filters, and the decoders writing into the regions they were given
 * (trtclassify with flip-class, trtctc). Models of data/ (make_models.py). */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"
#include "element_test_util.h"

#define FRAME_WIDTH 64
#define FRAME_HEIGHT 48

/* A frame of 4 solid 32x24 quadrants whose colour is (q*40+10, q*40+20,
 * q*40+30) in RGB for quadrant q (0: top-left, 1: top-right, 2: bottom-left,
 * 3: bottom-right). */
static GstBuffer *
quadrant_frame (GstClockTime pts)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, FRAME_WIDTH,
      FRAME_HEIGHT);
  GstBuffer *buffer =
      gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (guint y = 0; y < FRAME_HEIGHT; y++) {
    for (guint x = 0; x < FRAME_WIDTH; x++) {
      guint q = (y >= FRAME_HEIGHT / 2) * 2 + (x >= FRAME_WIDTH / 2);
      guint8 *p = map.data + y * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) + x * 3;
      for (guint c = 0; c < 3; c++)
        p[c] = (guint8) (q * 40 + 10 * (c + 1));
    }
  }
  gst_buffer_unmap (buffer, &map);
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = 40 * GST_MSECOND;
  return buffer;
}

/* A region of quadrant @q, inset so that every sample lies inside it, made
 * by "producer" @producer (0: no structure). */
static GstVideoRegionOfInterestMeta *
add_quadrant_region (GstBuffer *buffer, const gchar *type, guint q,
    guint producer)
{
  guint x = (q % 2) * (FRAME_WIDTH / 2) + 4,
        y = (q / 2) * (FRAME_HEIGHT / 2) + 4;
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_add_video_region_of_interest_meta (buffer, type, x, y, 20, 12);
  if (producer)
    gst_video_region_of_interest_meta_add_param (roi,
        gst_structure_new ("detection", "producer-id", G_TYPE_UINT, producer,
            NULL));
  return roi;
}

/* uint8.onnx: [N,3,6,10] raw pixels times 1, 10, 100 per channel. */
static void
check_region_values (const GstTrtTensorMeta *meta, guint q)
{
  fail_unless_equals_int (meta->num_tensors, 1);
  GstMapInfo map;
  fail_unless (gst_buffer_map (meta->tensors[0]->data, &map, GST_MAP_READ));
  const gfloat *v = (const gfloat *) map.data;
  fail_unless_equals_uint64 (map.size, 3 * 6 * 10 * sizeof (gfloat));
  for (guint c = 0; c < 3; c++) {
    gfloat want = (gfloat) ((q * 40 + 10 * (c + 1)) * pow (10, c));
    for (guint i = 0; i < 60; i++)
      fail_unless (v[c * 60 + i] == want,
          "quadrant %u channel %u value %u: %g, want %g", q, c, i,
          v[c * 60 + i], want);
  }
  gst_buffer_unmap (meta->tensors[0]->data, &map);
}

static GstHarness *
roi_harness (const gchar *model, const gchar *properties)
{
  gchar *path = data_path (model);
  gchar *launch =
      g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=3 "
                       "process-mode=roi %s",
          path, properties);
  GstHarness *h = gst_harness_new_parse (launch);

  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=RGB,width=64,height=48,"
      "framerate=25/1");
  g_free (launch);
  g_free (path);
  return h;
}

/* The @nth region of type @type on @buffer (regions keep their ids
 * through the pipeline, not necessarily their order). */
static GstVideoRegionOfInterestMeta *
find_region (GstBuffer *buffer, const gchar *type, guint nth)
{
  gpointer state = NULL;
  GstMeta *meta;
  guint left = nth;
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    if (roi->roi_type == g_quark_from_string (type) && left-- == 0)
      return roi;
  }
  fail ("no region %s #%u", type, nth);
  return NULL;
}

static guint
quadrant_of (const GstVideoRegionOfInterestMeta *roi)
{
  return (roi->y >= FRAME_HEIGHT / 2) * 2 + (roi->x >= FRAME_WIDTH / 2);
}

static guint
count_metas (GstBuffer *buffer)
{
  gpointer state = NULL;
  guint n = 0;
  while (gst_buffer_iterate_meta_filtered (buffer, &state,
      GST_TRT_TENSOR_META_API_TYPE))
    n++;
  return n;
}

GST_START_TEST (test_regions_batched_across_frames)
{
  /* 3 regions per frame in batches of 2: frames span batches */
  GstHarness *h = roi_harness ("uint8.onnx", "batch-size=2");
  const guint quadrants[3] = {3, 0, 2};

  /* the regions' ids are left 0, as GStreamer makes them: the element
   * gives them ids of their own */
  for (guint f = 0; f < 4; f++) {
    GstBuffer *in = quadrant_frame (f * 40 * GST_MSECOND);
    for (guint r = 0; r < 3; r++)
      add_quadrant_region (in, "car", quadrants[r], 0);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  }
  /* 12 regions = 6 full batches: every frame has left */
  for (guint f = 0; f < 4; f++) {
    GstBuffer *out = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), f * 40 * GST_MSECOND);
    fail_unless_equals_int (count_metas (out), 3);
    fail_unless (gst_trt_tensor_meta_get_for_region (out, 3, -1) == NULL);
    guint seen = 0;
    for (guint r = 0; r < 3; r++) {
      GstVideoRegionOfInterestMeta *roi = find_region (out, "car", r);
      GstTrtTensorMeta *meta =
          gst_trt_tensor_meta_get_for_region (out, 3, roi->id);
      fail_unless (meta != NULL, "frame %u region %d has no meta", f, roi->id);
      guint q = quadrant_of (roi);
      seen |= 1u << q;
      check_region_values (meta, q);
      fail_unless_equals_int (meta->source_width, 20);
      fail_unless_equals_int (meta->source_height, 12);
      fail_unless (meta->source_x == (q % 2) * 32 + 4
              && meta->source_y == (q / 2) * 24 + 4,
          "region at %g,%g", meta->source_x, meta->source_y);
      fail_unless_equals_int (meta->batch_size, 2);
    }
    fail_unless_equals_int (seen, (1u << 3) | (1u << 0) | (1u << 2));
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}
GST_END_TEST;

GST_START_TEST (test_region_filters_and_frames_without_regions)
{
  GstHarness *h = roi_harness ("uint8.onnx",
      "batch-size=4 infer-on-id=7 roi-types=car,bus");

  /* frame 0: a matching car, a bus of another producer, a person of 7 */
  GstBuffer *in = quadrant_frame (0);
  add_quadrant_region (in, "car", 1, 7);
  add_quadrant_region (in, "bus", 2, 8);
  add_quadrant_region (in, "person", 3, 7);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  /* frame 1: no region at all; frame 2: a bus of 7, partly outside */
  fail_unless_equals_int (gst_harness_push (h,
                              quadrant_frame (40 * GST_MSECOND)),
      GST_FLOW_OK);
  in = quadrant_frame (80 * GST_MSECOND);
  GstVideoRegionOfInterestMeta *bus =
      gst_buffer_add_video_region_of_interest_meta (in, "bus", 36, 28, 100,
          100);
  gst_video_region_of_interest_meta_add_param (bus,
      gst_structure_new ("detection", "producer-id", G_TYPE_UINT, 7, NULL));
  /* and one wholly outside the frame: skipped */
  GstVideoRegionOfInterestMeta *outside =
      gst_buffer_add_video_region_of_interest_meta (in, "car", 500, 500, 10,
          10);
  gst_video_region_of_interest_meta_add_param (outside,
      gst_structure_new ("detection", "producer-id", G_TYPE_UINT, 7, NULL));
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  gst_harness_push_event (h, gst_event_new_eos ());

  GstBuffer *out = gst_harness_pull (h);
  fail_unless_equals_int (count_metas (out), 1);
  check_region_values (gst_trt_tensor_meta_get_for_region (out, 3,
                           find_region (out, "car", 0)->id),
      1);
  gst_buffer_unref (out);
  out = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 40 * GST_MSECOND);
  fail_unless_equals_int (count_metas (out), 0);
  gst_buffer_unref (out);
  out = gst_harness_pull (h);
  fail_unless_equals_int (count_metas (out), 1);
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_get_for_region (out, 3,
      find_region (out, "bus", 0)->id);
  fail_unless (meta != NULL);
  /* clipped to the frame: 28x20 of quadrant 3 */
  check_region_values (meta, 3);
  fail_unless_equals_int (meta->source_width, 28);
  fail_unless_equals_int (meta->source_height, 20);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* A text region over quadrant @q with corners starting at @first (0:
 * upright, 2: upside down). */
static GstVideoRegionOfInterestMeta *
add_text_region (GstBuffer *buffer, guint q, guint first)
{
  GstVideoRegionOfInterestMeta *roi =
      add_quadrant_region (buffer, "text", q, 0);
  const gdouble x0 = roi->x, y0 = roi->y, x1 = roi->x + roi->w,
                y1 = roi->y + roi->h;
  const gdouble corners[4][2] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;

  gst_value_array_init (&array, 8);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (guint c = 0; c < 4; c++)
    for (guint k = 0; k < 2; k++) {
      g_value_set_double (&item, corners[(c + first) % 4][k]);
      gst_value_array_append_value (&array, &item);
    }
  g_value_unset (&item);
  GstStructure *s =
      gst_structure_new ("text-region", "producer-id", G_TYPE_UINT, 1, NULL);
  gst_structure_take_value (s, "corners", &array);
  gst_video_region_of_interest_meta_add_param (roi, s);
  return roi;
}

static gdouble
corner_x (GstVideoRegionOfInterestMeta *roi, guint index)
{
  GstStructure *s =
      gst_video_region_of_interest_meta_get_param (roi, "text-region");
  fail_unless (s != NULL);
  const GValue *corners = gst_structure_get_value (s, "corners");
  fail_unless (corners && gst_value_array_get_size (corners) == 8);
  return g_value_get_double (gst_value_array_get_value (corners, index * 2));
}

GST_START_TEST (test_decoders_write_into_regions)
{
  /* ctc.onnx gives "ab " whatever the input; classifier.onnx has 4 classes */
  gchar *ctc = data_path ("ctc.onnx");
  gchar *classifier = data_path ("classifier.onnx");
  gchar *dir = g_dir_make_tmp ("trtroi-XXXXXX", NULL);
  gchar *labels = g_build_filename (dir, "dictionary.txt", NULL);
  fail_unless (g_file_set_contents (labels, "a\nb\n", -1, NULL));
  gchar *launch =
      g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=4 "
                       "process-mode=roi batch-size=3 ! trtctc infer-id=4 "
                       "labels=\"%s\" ! "
                       "trtinfer model-file=\"%s\" backend=cpu unique-id=5 "
                       "process-mode=roi roi-types=text ! "
                       "trtclassify infer-id=5 flip-class=%s",
          ctc, labels, classifier, "%u");
  /* the first pass finds the text region's best class (flip-class none),
   * the second flips on that class */
  guint best_of_first = 0;
  for (guint pass = 0; pass < 2; pass++) {
    gchar *with_flip =
        g_strdup_printf (launch, pass == 0 ? 999u : best_of_first);
    GstHarness *h = gst_harness_new_parse (with_flip);
    gst_harness_set_src_caps_str (h,
        "video/x-raw,format=RGB,width=64,height=48,"
        "framerate=25/1");
    GstBuffer *in = quadrant_frame (0);
    add_text_region (in, 0, 0);
    add_quadrant_region (in, "car", 3, 0);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    gst_harness_push_event (h, gst_event_new_eos ());
    GstBuffer *out = gst_harness_pull (h);

    GstVideoRegionOfInterestMeta *text = find_region (out, "text", 0);
    GstVideoRegionOfInterestMeta *car = find_region (out, "car", 0);
    fail_unless (text->id != car->id);
    /* no new regions: results went into the two */
    gpointer state = NULL;
    guint regions = 0;
    while (gst_buffer_iterate_meta_filtered (out, &state,
        GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
      regions++;
    fail_unless_equals_int (regions, 2);
    for (guint k = 0; k < 2; k++) {
      GstStructure *s =
          gst_video_region_of_interest_meta_get_param (k ? car : text, "text");
      fail_unless (s != NULL);
      fail_unless_equals_string (gst_structure_get_string (s, "text"), "ab ");
    }
    GstStructure *c =
        gst_video_region_of_interest_meta_get_param (text, "classification");
    fail_unless (c != NULL);
    fail_unless (gst_video_region_of_interest_meta_get_param (car,
                     "classification")
            == NULL,
        "roi-types=text: the car is not classified");
    guint best;
    fail_unless (gst_structure_get_uint (c, "label-id", &best));
    gboolean flipped = FALSE;
    GstStructure *t =
        gst_video_region_of_interest_meta_get_param (text, "text-region");
    gst_structure_get_boolean (t, "flipped", &flipped);
    if (pass == 0) {
      fail_if (flipped);
      fail_unless_equals_float (corner_x (text, 0), 4.0);
      best_of_first = best;
    } else {
      fail_unless_equals_int (best, best_of_first);
      fail_unless (flipped);
      /* corner 0 is now the bottom-right */
      fail_unless_equals_float (corner_x (text, 0), 24.0);
      fail_unless_equals_float (corner_x (text, 2), 4.0);
    }
    gst_buffer_unref (out);
    gst_harness_teardown (h);
    g_free (with_flip);
  }
  g_unlink (labels);
  g_rmdir (dir);
  g_free (labels);
  g_free (dir);
  g_free (launch);
  g_free (ctc);
  g_free (classifier);
}
GST_END_TEST;

GST_START_TEST (test_upside_down_text_region_crops_turned)
{
  /* nearest sampling: the crop of corners starting from the third is the
   * upright crop turned by 180 degrees, value for value */
  GstHarness *h = roi_harness ("uint8.onnx", "interpolation=nearest");
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, FRAME_WIDTH,
      FRAME_HEIGHT);
  GstBuffer *in = random_frame (&info, 5, 0);
  add_text_region (in, 0, 0);
  add_text_region (in, 0, 2);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  GstVideoRegionOfInterestMeta *first = find_region (out, "text", 0);
  GstVideoRegionOfInterestMeta *second = find_region (out, "text", 1);
  gboolean first_upright = corner_x (first, 0) == 4.0;
  GstTrtTensorMeta *a = gst_trt_tensor_meta_get_for_region (out, 3,
      (first_upright ? first : second)->id);
  GstTrtTensorMeta *b = gst_trt_tensor_meta_get_for_region (out, 3,
      (first_upright ? second : first)->id);
  fail_unless (a && b && a != b);
  GstMapInfo ma, mb;
  fail_unless (gst_buffer_map (a->tensors[0]->data, &ma, GST_MAP_READ));
  fail_unless (gst_buffer_map (b->tensors[0]->data, &mb, GST_MAP_READ));
  const gfloat *va = (const gfloat *) ma.data, *vb = (const gfloat *) mb.data;
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 6; y++)
      for (guint x = 0; x < 10; x++)
        fail_unless (va[(c * 6 + y) * 10 + x]
                == vb[(c * 6 + 5 - y) * 10 + 9 - x],
            "channel %u pixel %u,%u", c, x, y);
  gst_buffer_unmap (a->tensors[0]->data, &ma);
  gst_buffer_unmap (b->tensors[0]->data, &mb);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* A "text-region" whose corners are not 8 finite numbers (@count values,
 * or 8 with one NaN when @count is 0): the region is cropped as its
 * rectangle. */
static void
add_bad_corners (GstVideoRegionOfInterestMeta *roi, guint count)
{
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;
  gst_value_array_init (&array, 8);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (guint i = 0; i < (count ? count : 8); i++) {
    g_value_set_double (&item, count == 0 && i == 3 ? NAN : 10.0 + i);
    gst_value_array_append_value (&array, &item);
  }
  g_value_unset (&item);
  GstStructure *s = gst_structure_new_empty ("text-region");
  gst_structure_take_value (s, "corners", &array);
  gst_video_region_of_interest_meta_add_param (roi, s);
}

GST_START_TEST (test_malformed_corners_crop_the_rectangle)
{
  GstHarness *h = roi_harness ("uint8.onnx", "");
  GstBuffer *in = quadrant_frame (0);
  add_bad_corners (add_quadrant_region (in, "text", 1, 0), 6);
  add_bad_corners (add_quadrant_region (in, "text", 2, 0), 0);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);
  for (guint r = 0; r < 2; r++) {
    GstVideoRegionOfInterestMeta *roi = find_region (out, "text", r);
    GstTrtTensorMeta *meta =
        gst_trt_tensor_meta_get_for_region (out, 3, roi->id);
    fail_unless (meta != NULL);
    check_region_values (meta, quadrant_of (roi));
    fail_unless_equals_int (meta->source_width, 20);
  }
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
GST_END_TEST;

/* 16x16 RGB, four 8x8 quadrants coloured as quadrant_frame's. */
static GstBuffer *
small_quadrant_frame (void)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_RGB, 16, 16);
  GstBuffer *buffer =
      gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  GstMapInfo map;
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (guint y = 0; y < 16; y++)
    for (guint x = 0; x < 16; x++)
      for (guint c = 0; c < 3; c++)
        map.data[y * GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) + x * 3 + c] =
            (guint8) (((y >= 8) * 2 + (x >= 8)) * 40 + 10 * (c + 1));
  gst_buffer_unmap (buffer, &map);
  return buffer;
}

GST_START_TEST (test_detector_then_classifier)
{
  /* yolov8.onnx always finds a "person" at 2,2 4x4 (quadrant 0) and a
   * "car" at 10,8 4x8 (quadrant 3) in a 16x16 frame; the second trtinfer
   * reads each of those regions (uint8.onnx: its pixels times 1, 10, 100) */
  gchar *detector = data_path ("yolov8.onnx");
  gchar *reader = data_path ("uint8.onnx");
  gchar *launch =
      g_strdup_printf ("trtinfer model-file=\"%s\" backend=cpu unique-id=4 ! "
                       "trtdetect infer-id=4 ! trtinfer model-file=\"%s\" "
                       "backend=cpu unique-id=5 "
                       "process-mode=roi infer-on-id=4 interpolation=nearest",
          detector, reader);
  GstHarness *h = gst_harness_new_parse (launch);
  gst_harness_set_src_caps_str (h,
      "video/x-raw,format=RGB,width=16,height=16,framerate=25/1");
  fail_unless_equals_int (gst_harness_push (h, small_quadrant_frame ()),
      GST_FLOW_OK);
  GstBuffer *out = gst_harness_pull (h);

  /* one meta of the detector for the frame, one of the reader per region */
  fail_unless (gst_trt_tensor_meta_get_for_region (out, 4, -1) != NULL);
  const struct
  {
    const gchar *type;
    guint quadrant, x, y, w, h;
  } want[] = {
      {"0", 0, 2, 2, 4, 4},
      {"1", 3, 10, 8, 4, 8},
  };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++) {
    GstVideoRegionOfInterestMeta *roi = find_region (out, want[i].type, 0);
    fail_unless (roi->x == want[i].x && roi->y == want[i].y
            && roi->w == want[i].w && roi->h == want[i].h,
        "region %s at %u,%u %ux%u", want[i].type, roi->x, roi->y, roi->w,
        roi->h);
    GstTrtTensorMeta *meta =
        gst_trt_tensor_meta_get_for_region (out, 5, roi->id);
    fail_unless (meta != NULL, "region %s has no meta of the second trtinfer",
        want[i].type);
    check_region_values (meta, want[i].quadrant);
    fail_unless_equals_int (meta->source_x, want[i].x);
    fail_unless_equals_int (meta->source_y, want[i].y);
  }
  fail_unless_equals_int (count_metas (out), 3);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_free (launch);
  g_free (detector);
  g_free (reader);
}
GST_END_TEST;

static Suite *
roi_suite (void)
{
  Suite *s = suite_create ("trtinfer-roi");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_regions_batched_across_frames);
  tcase_add_test (tc, test_region_filters_and_frames_without_regions);
  tcase_add_test (tc, test_decoders_write_into_regions);
  tcase_add_test (tc, test_upside_down_text_region_crops_turned);
  tcase_add_test (tc, test_detector_then_classifier);
  tcase_add_test (tc, test_malformed_corners_crop_the_rectangle);
  return s;
}

GST_CHECK_MAIN (roi);
