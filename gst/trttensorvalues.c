/* Tensor elements as doubles (see trttensorvalues.h). */
#include "trttensorvalues.h"

#include "numerics/half.h"

static gdouble
element_value (const guint8 *data, GstTrtTensorDataType type, gsize i)
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
    case GST_TRT_TENSOR_DATA_TYPE_BFLOAT16: {
      union
      {
        guint32 bits;
        gfloat value;
      } widened = {.bits = (guint32) ((const guint16 *) data)[i] << 16};
      return widened.value;
    }
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT32:
      return ((const gfloat *) data)[i];
    default: /* FLOAT64: the 4-bit types have no size */
      return ((const gdouble *) data)[i];
  }
}

gdouble *
gst_trt_tensor_read_values (const GstTrtTensor *tensor, gsize max, gsize *count,
    GError **error)
{
  gsize element = gst_trt_tensor_data_type_size (tensor->data_type);
  GstMapInfo map;

  if (element == 0 || !tensor->data
      || !gst_buffer_map (tensor->data, &map, GST_MAP_READ)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_DECODE,
        "tensor '%s' (%s) cannot be read", g_quark_to_string (tensor->id),
        gst_trt_tensor_data_type_name (tensor->data_type));
    return NULL;
  }
  *count =
      MIN (MIN (gst_trt_tensor_num_elements (tensor), max), map.size / element);
  gdouble *values = g_new (gdouble, MAX (*count, 1));
  for (gsize i = 0; i < *count; i++)
    values[i] = element_value (map.data, tensor->data_type, i);
  gst_buffer_unmap (tensor->data, &map);
  return values;
}
