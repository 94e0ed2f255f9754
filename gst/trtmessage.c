/* Results as a structure (see trtmessage.h). */
#include "trtmessage.h"

#include "trttensorvalues.h"

static GstStructure *
tensor_structure (const GstTrtTensor *tensor, guint max_values)
{
  GValue dims = G_VALUE_INIT, values = G_VALUE_INIT, item = G_VALUE_INIT;
  GstStructure *s = gst_structure_new ("tensor", "name", G_TYPE_STRING,
      g_quark_to_string (tensor->id), "type", G_TYPE_STRING,
      gst_trt_tensor_data_type_name (tensor->data_type), NULL);

  gst_value_array_init (&dims, tensor->num_dims);
  g_value_init (&item, G_TYPE_UINT64);
  for (gsize d = 0; d < tensor->num_dims; d++) {
    g_value_set_uint64 (&item, tensor->dims[d]);
    gst_value_array_append_value (&dims, &item);
  }
  g_value_unset (&item);
  gst_structure_take_value (s, "dims", &dims);

  gsize count = 0;
  gdouble *read = max_values
      ? gst_trt_tensor_read_values (tensor, max_values, &count, NULL)
      : NULL;
  gst_value_array_init (&values, count);
  g_value_init (&item, G_TYPE_DOUBLE);
  for (gsize i = 0; read && i < count; i++) {
    g_value_set_double (&item, read[i]);
    gst_value_array_append_value (&values, &item);
  }
  g_free (read);
  g_value_unset (&item);
  gst_structure_take_value (s, "values", &values);
  return s;
}

GstStructure *
gst_trt_results_structure (GstBuffer *buffer, const GstTrtTensorMeta *meta,
    const GstSegment *segment, guint max_values)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  gboolean timed = segment && segment->format == GST_FORMAT_TIME;
  GstStructure *s = gst_structure_new (GST_TRT_MESSAGE_NAME, "unique-id",
      G_TYPE_UINT, meta->unique_id, "timestamp", G_TYPE_UINT64, pts,
      "stream-time", G_TYPE_UINT64,
      timed ? gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts)
            : GST_CLOCK_TIME_NONE,
      "running-time", G_TYPE_UINT64,
      timed ? gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts)
            : GST_CLOCK_TIME_NONE,
      "duration", G_TYPE_UINT64, GST_BUFFER_DURATION (buffer), "batch-index",
      G_TYPE_UINT, meta->batch_index, NULL);
  GValue tensors = G_VALUE_INIT, item = G_VALUE_INIT;

  g_value_init (&tensors, GST_TYPE_LIST);
  g_value_init (&item, GST_TYPE_STRUCTURE);
  for (gsize i = 0; i < meta->num_tensors; i++) {
    GstStructure *tensor = tensor_structure (meta->tensors[i], max_values);
    gst_value_set_structure (&item, tensor);
    gst_structure_free (tensor);
    gst_value_list_append_value (&tensors, &item);
  }
  g_value_unset (&item);
  gst_structure_take_value (s, "tensors", &tensors);
  return s;
}
