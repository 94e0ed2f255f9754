/* Results as a structure (see trtmessage.h). */
#include "trtmessage.h"

#include "numerics/half.h"

/* Element @i of @data (of @type) as a double; 0 for the packed 4-bit
 * types, which trtinfer never emits. */
static gdouble
element_value (const guint8 * data, GstTrtTensorDataType type, gsize i)
{
  switch (type) {
    case GST_TRT_TENSOR_DATA_TYPE_INT8:
      return ((const gint8 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_INT16:
      return ((const gint16 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_INT32:
      return ((const gint32 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_INT64:
      return (gdouble) ((const gint64 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_UINT8:
    case GST_TRT_TENSOR_DATA_TYPE_BOOL:
      return data[i];
    case GST_TRT_TENSOR_DATA_TYPE_UINT16:
      return ((const guint16 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_UINT32:
      return ((const guint32 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_UINT64:
      return (gdouble) ((const guint64 *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT16:
      return trt_half_to_float (((const guint16 *) data)[i]);
    case GST_TRT_TENSOR_DATA_TYPE_BFLOAT16:{
      union { guint32 bits; gfloat value; } widened = {
        .bits = (guint32) ((const guint16 *) data)[i] << 16 };
      return widened.value;
    }
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT32:
      return ((const gfloat *) data)[i];
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT64:
      return ((const gdouble *) data)[i];
    default:
      return 0.0;
  }
}

static GstStructure *
tensor_structure (const GstTrtTensor * tensor, guint max_values)
{
  GValue dims = G_VALUE_INIT, values = G_VALUE_INIT, item = G_VALUE_INIT;
  GstStructure *s = gst_structure_new ("tensor",
      "name", G_TYPE_STRING, g_quark_to_string (tensor->id),
      "type", G_TYPE_STRING, gst_trt_tensor_data_type_name (tensor->data_type), NULL);

  gst_value_array_init (&dims, tensor->num_dims);
  g_value_init (&item, G_TYPE_UINT64);
  for (gsize d = 0; d < tensor->num_dims; d++) {
    g_value_set_uint64 (&item, tensor->dims[d]);
    gst_value_array_append_value (&dims, &item);
  }
  g_value_unset (&item);
  gst_structure_take_value (s, "dims", &dims);

  gsize count = MIN (gst_trt_tensor_num_elements (tensor), (gsize) max_values);
  gsize element = gst_trt_tensor_data_type_size (tensor->data_type);
  GstMapInfo map;
  gst_value_array_init (&values, count);
  g_value_init (&item, G_TYPE_DOUBLE);
  if (count > 0 && element > 0 && tensor->data
      && gst_buffer_map (tensor->data, &map, GST_MAP_READ)) {
    count = MIN (count, map.size / element);
    for (gsize i = 0; i < count; i++) {
      g_value_set_double (&item, element_value (map.data, tensor->data_type, i));
      gst_value_array_append_value (&values, &item);
    }
    gst_buffer_unmap (tensor->data, &map);
  }
  g_value_unset (&item);
  gst_structure_take_value (s, "values", &values);
  return s;
}

GstStructure *
gst_trt_results_structure (GstBuffer * buffer, const GstTrtTensorMeta * meta,
    const GstSegment * segment, guint max_values)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  gboolean timed = segment && segment->format == GST_FORMAT_TIME;
  GstStructure *s = gst_structure_new (GST_TRT_MESSAGE_NAME,
      "unique-id", G_TYPE_UINT, meta->unique_id,
      "timestamp", G_TYPE_UINT64, pts,
      "stream-time", G_TYPE_UINT64,
      timed ? gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts) : GST_CLOCK_TIME_NONE,
      "running-time", G_TYPE_UINT64,
      timed ? gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts) : GST_CLOCK_TIME_NONE,
      "duration", G_TYPE_UINT64, GST_BUFFER_DURATION (buffer),
      "batch-index", G_TYPE_UINT, meta->batch_index, NULL);
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
