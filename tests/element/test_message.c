/* The results structure of post-messages (gst/trtmessage.c) on tensors of
 * every element type the engine gives: values read as doubles, dims and
 * names as in the meta, at most the asked number of values. */
#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#include "trtmessage.h"
#include "expect.h"

static GstTrtTensor *
tensor (const gchar *name, GstTrtTensorDataType type, gconstpointer data,
    gsize bytes, gsize num_dims, const gsize *dims)
{
  GstBuffer *buffer = gst_buffer_new_memdup (data, bytes);
  return gst_trt_tensor_new (g_quark_from_string (name), type, buffer, num_dims,
      dims);
}

static const GstStructure *
nth_tensor (const GstStructure *s, guint n)
{
  const GValue *list = gst_structure_get_value (s, "tensors");
  return list && n < gst_value_list_get_size (list)
      ? gst_value_get_structure (gst_value_list_get_value (list, n))
      : NULL;
}

static void
expect_values (const GstStructure *t, const gdouble *want, guint count)
{
  const GValue *values = gst_structure_get_value (t, "values");
  EXPECT (values && gst_value_array_get_size (values) == count,
      "%s: %u values expected", gst_structure_get_string (t, "name"), count);
  for (guint i = 0;
       values && i < count && i < gst_value_array_get_size (values); i++) {
    gdouble got = g_value_get_double (gst_value_array_get_value (values, i));
    EXPECT (got == want[i], "%s[%u]: %g, expected %g",
        gst_structure_get_string (t, "name"), i, got, want[i]);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  GstBuffer *frame = gst_buffer_new ();
  GST_BUFFER_PTS (frame) = 2 * GST_SECOND;
  GST_BUFFER_DURATION (frame) = 40 * GST_MSECOND;
  GstTrtTensorMeta *meta = gst_trt_tensor_meta_add (frame);
  meta->unique_id = 5;
  meta->batch_index = 1;

  const gfloat scores[] = {0.25f, -1.5f, 3.0f, 7.0f, 9.0f};
  const guint16 halves[] = {0x3c00, 0xc000, 0x3800}; /* 1, -2, 0.5 */
  const gint64 labels[] = {-3, 1LL << 40};
  const guint8 mask[] = {0, 255, 7, 9};
  const gsize dims5[] = {1, 5}, dims3[] = {3}, dims2[] = {1, 2},
              dims4[] = {2, 2};
  gst_trt_tensor_meta_append (meta,
      tensor ("scores", GST_TRT_TENSOR_DATA_TYPE_FLOAT32, scores, sizeof scores,
          2, dims5));
  gst_trt_tensor_meta_append (meta,
      tensor ("halves", GST_TRT_TENSOR_DATA_TYPE_FLOAT16, halves, sizeof halves,
          1, dims3));
  gst_trt_tensor_meta_append (meta,
      tensor ("labels", GST_TRT_TENSOR_DATA_TYPE_INT64, labels, sizeof labels,
          2, dims2));
  gst_trt_tensor_meta_append (meta,
      tensor ("mask", GST_TRT_TENSOR_DATA_TYPE_UINT8, mask, sizeof mask, 2,
          dims4));

  GstSegment segment;
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = GST_SECOND;
  GstStructure *s = gst_trt_results_structure (frame, meta, &segment, 4);
  guint id = 0, index = 0;
  guint64 timestamp = 0, running = 0, duration = 0;
  EXPECT (gst_structure_has_name (s, GST_TRT_MESSAGE_NAME), "name %s",
      gst_structure_get_name (s));
  EXPECT (gst_structure_get_uint (s, "unique-id", &id) && id == 5,
      "unique-id %u", id);
  EXPECT (gst_structure_get_uint (s, "batch-index", &index) && index == 1,
      "batch-index %u", index);
  EXPECT (gst_structure_get_uint64 (s, "timestamp", &timestamp)
          && timestamp == 2 * GST_SECOND,
      "timestamp %" G_GUINT64_FORMAT, timestamp);
  EXPECT (gst_structure_get_uint64 (s, "running-time", &running)
          && running == GST_SECOND,
      "running-time %" G_GUINT64_FORMAT, running);
  EXPECT (gst_structure_get_uint64 (s, "duration", &duration)
          && duration == 40 * GST_MSECOND,
      "duration %" G_GUINT64_FORMAT, duration);
  EXPECT (gst_value_list_get_size (gst_structure_get_value (s, "tensors")) == 4,
      "four tensors");

  const gdouble want_scores[] = {0.25, -1.5, 3.0,
      7.0}; /* 4 of 5: message-values */
  const gdouble want_halves[] = {1.0, -2.0, 0.5};
  const gdouble want_labels[] = {-3.0, (gdouble) (1LL << 40)};
  const gdouble want_mask[] = {0.0, 255.0, 7.0, 9.0};
  const GstStructure *t = nth_tensor (s, 0);
  EXPECT (t && strcmp (gst_structure_get_string (t, "name"), "scores") == 0,
      "first: scores");
  EXPECT (t && strcmp (gst_structure_get_string (t, "type"), "float32") == 0,
      "float32");
  const GValue *dims = t ? gst_structure_get_value (t, "dims") : NULL;
  EXPECT (dims && gst_value_array_get_size (dims) == 2
          && g_value_get_uint64 (gst_value_array_get_value (dims, 1)) == 5,
      "dims 1x5");
  if (t)
    expect_values (t, want_scores, 4);
  if ((t = nth_tensor (s, 1)))
    expect_values (t, want_halves, 3);
  if ((t = nth_tensor (s, 2)))
    expect_values (t, want_labels, 2);
  if ((t = nth_tensor (s, 3)))
    expect_values (t, want_mask, 4);

  /* the whole structure serializes (what gst-launch-1.0 -m prints) */
  gchar *text = gst_structure_to_string (s);
  EXPECT (strstr (text, "scores") && strstr (text, "unique-id=(uint)5"), "%s",
      text);
  g_free (text);
  gst_structure_free (s);

  /* no values asked: names and dims only */
  s = gst_trt_results_structure (frame, meta, NULL, 0);
  t = nth_tensor (s, 0);
  EXPECT (t
          && gst_value_array_get_size (gst_structure_get_value (t, "values"))
              == 0,
      "message-values=0 gives no values");
  gst_structure_free (s);
  gst_buffer_unref (frame);

  printf ("%s\n", failures ? "message tests FAILED" : "message tests passed");
  return failures ? 1 : 0;
}
