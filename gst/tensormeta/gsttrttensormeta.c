/* trtinfer tensor meta: registration, transform on copy, accessors and a
 * debug dump. See gsttrttensormeta.h for the layout. */
#include "gsttrttensormeta.h"

#include <string.h>

#include <gst/video/video.h>

#include "gsttrtmetalist.h"

GST_DEBUG_CATEGORY_STATIC (gst_trt_tensor_meta_debug);
#define GST_CAT_DEFAULT gst_trt_tensor_meta_debug

/* ---- tensors ------------------------------------------------------------ */

/**
 * gst_trt_tensor_new:
 * @id: the output's name as a #GQuark
 * @data_type: element type
 * @data: (transfer full) (nullable): the elements, row-major
 * @num_dims: number of dimensions
 * @dims: (array length=num_dims): the dimensions
 *
 * Returns: (transfer full): a new tensor, owning @data
 */
GstTrtTensor *
gst_trt_tensor_new (GQuark id, GstTrtTensorDataType data_type, GstBuffer * data,
    gsize num_dims, const gsize * dims)
{
  GstTrtTensor *tensor = g_malloc0 (sizeof (GstTrtTensor) + num_dims * sizeof (gsize));

  tensor->id = id;
  tensor->layout = GST_TRT_TENSOR_LAYOUT_CONTIGUOUS;
  tensor->data_type = data_type;
  tensor->data = data;
  tensor->dims_order = GST_TRT_TENSOR_DIM_ORDER_ROW_MAJOR;
  tensor->num_dims = num_dims;
  if (num_dims > 0)
    memcpy (tensor->dims, dims, num_dims * sizeof (gsize));
  return tensor;
}

/**
 * gst_trt_tensor_copy:
 * @tensor: a tensor
 *
 * Returns: (transfer full): a copy sharing @tensor's data buffer by reference
 */
GstTrtTensor *
gst_trt_tensor_copy (const GstTrtTensor * tensor)
{
  GstTrtTensor *copy = gst_trt_tensor_new (tensor->id, tensor->data_type,
      tensor->data ? gst_buffer_ref (tensor->data) : NULL, tensor->num_dims,
      tensor->dims);

  copy->layout = tensor->layout;
  copy->dims_order = tensor->dims_order;
  return copy;
}

/**
 * gst_trt_tensor_free: (skip)
 * @tensor: (transfer full) (nullable): a tensor
 *
 * Frees @tensor and releases its data buffer.
 */
void
gst_trt_tensor_free (GstTrtTensor * tensor)
{
  if (!tensor)
    return;
  gst_clear_buffer (&tensor->data);
  g_free (tensor);
}

/**
 * gst_trt_tensor_num_elements:
 * @tensor: a tensor
 *
 * Returns: the number of elements, the product of the dims
 */
gsize
gst_trt_tensor_num_elements (const GstTrtTensor * tensor)
{
  gsize count = 1;

  for (gsize i = 0; i < tensor->num_dims; i++)
    count *= tensor->dims[i];
  return count;
}

/**
 * gst_trt_tensor_data_type_size:
 * @data_type: an element type
 *
 * Returns: bytes per element; 0 for the packed 4-bit types
 */
gsize
gst_trt_tensor_data_type_size (GstTrtTensorDataType data_type)
{
  switch (data_type) {
    case GST_TRT_TENSOR_DATA_TYPE_INT8:
    case GST_TRT_TENSOR_DATA_TYPE_UINT8:
    case GST_TRT_TENSOR_DATA_TYPE_BOOL:
      return 1;
    case GST_TRT_TENSOR_DATA_TYPE_INT16:
    case GST_TRT_TENSOR_DATA_TYPE_UINT16:
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT16:
    case GST_TRT_TENSOR_DATA_TYPE_BFLOAT16:
      return 2;
    case GST_TRT_TENSOR_DATA_TYPE_INT32:
    case GST_TRT_TENSOR_DATA_TYPE_UINT32:
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT32:
      return 4;
    case GST_TRT_TENSOR_DATA_TYPE_INT64:
    case GST_TRT_TENSOR_DATA_TYPE_UINT64:
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT64:
      return 8;
    case GST_TRT_TENSOR_DATA_TYPE_INT4:
    case GST_TRT_TENSOR_DATA_TYPE_UINT4:
      break;
  }
  return 0;
}

/**
 * gst_trt_tensor_data_type_name:
 * @data_type: an element type
 *
 * Returns: (transfer none): the type's name, as numpy spells it ("float32",
 *   "uint8", "bool", ...; "bfloat16" and the 4-bit types have no numpy dtype)
 */
const gchar *
gst_trt_tensor_data_type_name (GstTrtTensorDataType data_type)
{
  switch (data_type) {
    case GST_TRT_TENSOR_DATA_TYPE_INT4: return "int4";
    case GST_TRT_TENSOR_DATA_TYPE_INT8: return "int8";
    case GST_TRT_TENSOR_DATA_TYPE_INT16: return "int16";
    case GST_TRT_TENSOR_DATA_TYPE_INT32: return "int32";
    case GST_TRT_TENSOR_DATA_TYPE_INT64: return "int64";
    case GST_TRT_TENSOR_DATA_TYPE_UINT4: return "uint4";
    case GST_TRT_TENSOR_DATA_TYPE_UINT8: return "uint8";
    case GST_TRT_TENSOR_DATA_TYPE_UINT16: return "uint16";
    case GST_TRT_TENSOR_DATA_TYPE_UINT32: return "uint32";
    case GST_TRT_TENSOR_DATA_TYPE_UINT64: return "uint64";
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT16: return "float16";
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT32: return "float32";
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT64: return "float64";
    case GST_TRT_TENSOR_DATA_TYPE_BFLOAT16: return "bfloat16";
    case GST_TRT_TENSOR_DATA_TYPE_BOOL: return "bool";
  }
  return "unknown";
}

/* ---- the meta ----------------------------------------------------------- */

static void
tensor_meta_clear (GstTrtTensorMeta * meta)
{
  for (gsize i = 0; i < meta->num_tensors; i++)
    gst_trt_tensor_free (meta->tensors[i]);
  g_clear_pointer (&meta->tensors, g_free);
  meta->num_tensors = 0;
}

static gboolean
tensor_meta_init (GstMeta * base, gpointer params, GstBuffer * buffer)
{
  GstTrtTensorMeta *meta = (GstTrtTensorMeta *) base;

  (void) params;
  (void) buffer;
  meta->num_tensors = 0;
  meta->tensors = NULL;
  meta->network_width = meta->network_height = 0;
  meta->source_width = meta->source_height = 0;
  meta->scale_x = meta->scale_y = 1.0;
  meta->pad_x = meta->pad_y = 0.0;
  meta->batch_size = 1;
  meta->batch_index = 0;
  meta->unique_id = 0;
  meta->roi_id = -1;
  meta->source_x = meta->source_y = 0.0;
  return TRUE;
}

static void
tensor_meta_free (GstMeta * base, GstBuffer * buffer)
{
  (void) buffer;
  tensor_meta_clear ((GstTrtTensorMeta *) base);
}

static void
copy_geometry (GstTrtTensorMeta * dest, const GstTrtTensorMeta * src)
{
  dest->network_width = src->network_width;
  dest->network_height = src->network_height;
  dest->source_width = src->source_width;
  dest->source_height = src->source_height;
  dest->scale_x = src->scale_x;
  dest->scale_y = src->scale_y;
  dest->pad_x = src->pad_x;
  dest->pad_y = src->pad_y;
  dest->batch_size = src->batch_size;
  dest->batch_index = src->batch_index;
  dest->unique_id = src->unique_id;
  dest->roi_id = src->roi_id;
  dest->source_x = src->source_x;
  dest->source_y = src->source_y;
}

static GstTrtTensorMeta *
copy_meta (GstBuffer * dest, const GstTrtTensorMeta * src)
{
  GstTrtTensorMeta *copy = gst_trt_tensor_meta_add (dest);

  if (!copy)
    return NULL;
  copy->num_tensors = src->num_tensors;
  copy->tensors = g_new0 (GstTrtTensor *, MAX (src->num_tensors, 1));
  for (gsize i = 0; i < src->num_tensors; i++)
    copy->tensors[i] = gst_trt_tensor_copy (src->tensors[i]);
  copy_geometry (copy, src);
  return copy;
}

/* The meta describes where the tensors' coordinates lie in the frame, so it
 * is tagged "video", "size" and "orientation" (see the API type below):
 * elements that change none of those copy it, and the others ask this
 * function.
 *  - a copy of the whole buffer keeps it (the tensors' data is shared by
 *    reference); a copy of a region does not;
 *  - a scale (videoscale, videoconvertscale) keeps it with the geometry
 *    mapped to the new frame size: the frame's points move by out/in, so
 *    the network-pixels-per-frame-pixel scale by in/out;
 *  - any other transform (crops, flips, rotations, boxes) drops it, since
 *    the geometry could only describe the old frame. */
static gboolean
tensor_meta_transform (GstBuffer * dest, GstMeta * base, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  GstTrtTensorMeta *src = (GstTrtTensorMeta *) base;

  (void) buffer;
  if (GST_META_TRANSFORM_IS_COPY (type)) {
    if (((GstMetaTransformCopy *) data)->region)
      return FALSE;
    return copy_meta (dest, src) != NULL;
  }
  if (GST_VIDEO_META_TRANSFORM_IS_SCALE (type)) {
    const GstVideoMetaTransform *scale = data;
    const gint in_width = GST_VIDEO_INFO_WIDTH (scale->in_info);
    const gint in_height = GST_VIDEO_INFO_HEIGHT (scale->in_info);
    const gint out_width = GST_VIDEO_INFO_WIDTH (scale->out_info);
    const gint out_height = GST_VIDEO_INFO_HEIGHT (scale->out_info);
    GstTrtTensorMeta *copy;

    if (in_width <= 0 || in_height <= 0 || out_width <= 0 || out_height <= 0)
      return FALSE;
    copy = copy_meta (dest, src);
    if (!copy)
      return FALSE;
    /* a region's corner and size move with the frame's points */
    copy->source_width = (guint) ((gdouble) src->source_width * out_width / in_width + 0.5);
    copy->source_height = (guint) ((gdouble) src->source_height * out_height / in_height + 0.5);
    copy->source_x = src->source_x * out_width / in_width;
    copy->source_y = src->source_y * out_height / in_height;
    copy->scale_x = src->scale_x * in_width / out_width;
    copy->scale_y = src->scale_y * in_height / out_height;
    GST_LOG ("geometry follows a scale from %dx%d to %dx%d", in_width, in_height,
        out_width, out_height);
    return TRUE;
  }
  GST_LOG ("dropped by a %s transform", g_quark_to_string (type));
  return FALSE;
}

/**
 * gst_trt_tensor_meta_api_get_type:
 *
 * Returns: the API type of #GstTrtTensorMeta, for gst_buffer_get_meta()
 */
GType
gst_trt_tensor_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { GST_META_TAG_VIDEO_STR, GST_META_TAG_VIDEO_SIZE_STR,
    GST_META_TAG_VIDEO_ORIENTATION_STR, NULL
  };

  if (g_once_init_enter (&type)) {
    GType registered = gst_meta_api_type_register ("GstTrtTensorMetaAPI", tags);
    GST_DEBUG_CATEGORY_INIT (gst_trt_tensor_meta_debug, "trttensormeta", 0,
        "trtinfer tensor meta");
    g_once_init_leave (&type, registered);
  }
  return type;
}

/**
 * gst_trt_tensor_meta_get_info:
 *
 * Returns: (transfer none): the meta's registration
 */
const GstMetaInfo *
gst_trt_tensor_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *registered =
        gst_meta_register (GST_TRT_TENSOR_META_API_TYPE, "GstTrtTensorMeta",
        sizeof (GstTrtTensorMeta), tensor_meta_init, tensor_meta_free,
        tensor_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) registered);
  }
  return info;
}

/**
 * gst_trt_tensor_meta_add:
 * @buffer: a writable #GstBuffer
 *
 * Adds an empty meta (no tensors, geometry zero) to @buffer.
 *
 * Returns: (transfer none) (nullable): the meta, owned by @buffer
 */
GstTrtTensorMeta *
gst_trt_tensor_meta_add (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return (GstTrtTensorMeta *) gst_buffer_add_meta (buffer, GST_TRT_TENSOR_META_INFO,
      NULL);
}

/**
 * gst_trt_tensor_meta_get:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): @buffer's tensor meta (the first,
 *   where several elements attached one), or %NULL
 */
GstTrtTensorMeta *
gst_trt_tensor_meta_get (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return (GstTrtTensorMeta *) gst_buffer_get_meta (buffer, GST_TRT_TENSOR_META_API_TYPE);
}

/**
 * gst_trt_tensor_meta_get_by_producer:
 * @buffer: a #GstBuffer
 * @unique_id: the producing element's unique-id
 *
 * Returns: (transfer none) (nullable): the tensor meta that the element whose
 *   unique-id is @unique_id attached, or %NULL
 */
GstTrtTensorMeta *
gst_trt_tensor_meta_get_by_producer (GstBuffer * buffer, guint unique_id)
{
  gpointer state = NULL;
  GstMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_TRT_TENSOR_META_API_TYPE)))
    if (((GstTrtTensorMeta *) meta)->unique_id == unique_id)
      return (GstTrtTensorMeta *) meta;
  return NULL;
}

/**
 * gst_trt_tensor_meta_get_for_region:
 * @buffer: a #GstBuffer
 * @unique_id: the producing element's unique-id
 * @roi_id: the id of a #GstVideoRegionOfInterestMeta of @buffer, or -1 for
 *   the whole frame
 *
 * Returns: (transfer none) (nullable): the tensor meta that the element whose
 *   unique-id is @unique_id attached for that region, or %NULL
 */
GstTrtTensorMeta *
gst_trt_tensor_meta_get_for_region (GstBuffer * buffer, guint unique_id, gint roi_id)
{
  gpointer state = NULL;
  GstMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_TRT_TENSOR_META_API_TYPE))) {
    GstTrtTensorMeta *tensors = (GstTrtTensorMeta *) meta;
    if (tensors->unique_id == unique_id && tensors->roi_id == roi_id)
      return tensors;
  }
  return NULL;
}

/**
 * gst_trt_tensor_meta_append:
 * @meta: a tensor meta
 * @tensor: (transfer full): a tensor
 *
 * Appends @tensor, taking ownership of it and its data buffer.
 */
void
gst_trt_tensor_meta_append (GstTrtTensorMeta * meta, GstTrtTensor * tensor)
{
  g_return_if_fail (meta != NULL && tensor != NULL);
  meta->tensors = g_renew (GstTrtTensor *, meta->tensors, meta->num_tensors + 1);
  meta->tensors[meta->num_tensors++] = tensor;
}

/**
 * gst_trt_tensor_meta_get_by_id:
 * @meta: a tensor meta
 * @id: a tensor name as a #GQuark
 *
 * Returns: (transfer none) (nullable): the tensor whose id is @id, or %NULL
 */
const GstTrtTensor *
gst_trt_tensor_meta_get_by_id (const GstTrtTensorMeta * meta, GQuark id)
{
  g_return_val_if_fail (meta != NULL, NULL);
  for (gsize i = 0; i < meta->num_tensors; i++)
    if (meta->tensors[i]->id == id)
      return meta->tensors[i];
  return NULL;
}

/**
 * gst_trt_tensor_meta_get_by_name:
 * @meta: a tensor meta
 * @name: a tensor name
 *
 * Returns: (transfer none) (nullable): the tensor named @name, or %NULL
 */
const GstTrtTensor *
gst_trt_tensor_meta_get_by_name (const GstTrtTensorMeta * meta, const gchar * name)
{
  GQuark id = g_quark_try_string (name);

  return id ? gst_trt_tensor_meta_get_by_id (meta, id) : NULL;
}

static void
append_value (GString * out, GstTrtTensorDataType type, const guint8 * p)
{
  switch (type) {
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT32:{
      gfloat v;
      memcpy (&v, p, sizeof v);
      g_string_append_printf (out, "%g", v);
      break;
    }
    case GST_TRT_TENSOR_DATA_TYPE_FLOAT64:{
      gdouble v;
      memcpy (&v, p, sizeof v);
      g_string_append_printf (out, "%g", v);
      break;
    }
    case GST_TRT_TENSOR_DATA_TYPE_INT32:{
      gint32 v;
      memcpy (&v, p, sizeof v);
      g_string_append_printf (out, "%d", v);
      break;
    }
    case GST_TRT_TENSOR_DATA_TYPE_INT64:{
      gint64 v;
      memcpy (&v, p, sizeof v);
      g_string_append_printf (out, "%" G_GINT64_FORMAT, v);
      break;
    }
    case GST_TRT_TENSOR_DATA_TYPE_INT8:
      g_string_append_printf (out, "%d", (gint8) * p);
      break;
    case GST_TRT_TENSOR_DATA_TYPE_UINT8:
    case GST_TRT_TENSOR_DATA_TYPE_BOOL:
      g_string_append_printf (out, "%u", *p);
      break;
    default:
      g_string_append (out, "?");
      break;
  }
}

/**
 * gst_trt_tensor_meta_to_string:
 * @meta: a tensor meta
 * @max_values: how many values of each tensor to show
 *
 * A human-readable dump: the geometry, and per tensor its name, type, dims
 * and first @max_values values.
 *
 * Returns: (transfer full): the dump; free with g_free()
 */
gchar *
gst_trt_tensor_meta_to_string (const GstTrtTensorMeta * meta, guint max_values)
{
  GString *out;

  g_return_val_if_fail (meta != NULL, NULL);
  out = g_string_new (NULL);
  g_string_append_printf (out,
      "%" G_GSIZE_FORMAT " tensors, network %ux%u, source %ux%u, scale %.4gx%.4g, "
      "pad %.4g,%.4g, batch %u/%u, from unique-id %u", meta->num_tensors,
      meta->network_width, meta->network_height, meta->source_width, meta->source_height,
      meta->scale_x, meta->scale_y, meta->pad_x, meta->pad_y, meta->batch_index + 1,
      meta->batch_size, meta->unique_id);
  if (meta->roi_id >= 0)
    g_string_append_printf (out, ", region %d at %.4g,%.4g", meta->roi_id, meta->source_x,
        meta->source_y);
  for (gsize i = 0; i < meta->num_tensors; i++) {
    const GstTrtTensor *tensor = meta->tensors[i];
    gsize elem = gst_trt_tensor_data_type_size (tensor->data_type);
    gsize count = gst_trt_tensor_num_elements (tensor);
    GstMapInfo map;

    g_string_append_printf (out, "\n  %s: %s ", g_quark_to_string (tensor->id),
        gst_trt_tensor_data_type_name (tensor->data_type));
    for (gsize d = 0; d < tensor->num_dims; d++)
      g_string_append_printf (out, "%s%" G_GSIZE_FORMAT, d ? "x" : "", tensor->dims[d]);
    if (!tensor->data || elem == 0
        || !gst_buffer_map (tensor->data, &map, GST_MAP_READ))
      continue;
    g_string_append (out, ":");
    for (gsize v = 0; v < count && v < max_values && (v + 1) * elem <= map.size; v++) {
      g_string_append_c (out, ' ');
      append_value (out, tensor->data_type, map.data + v * elem);
    }
    if (count > max_values)
      g_string_append (out, " ...");
    gst_buffer_unmap (tensor->data, &map);
  }
  return g_string_free (out, FALSE);
}

/* ---- introspection ------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (GstTrtTensor, gst_trt_tensor, gst_trt_tensor_copy,
    gst_trt_tensor_free);

/**
 * gst_trt_tensor_get_name:
 * @tensor: a tensor
 *
 * Returns: (transfer none): the tensor's name (the network output's)
 */
const gchar *
gst_trt_tensor_get_name (const GstTrtTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, NULL);
  return g_quark_to_string (tensor->id);
}

/**
 * gst_trt_tensor_get_data_type:
 * @tensor: a tensor
 *
 * Returns: the element type
 */
GstTrtTensorDataType
gst_trt_tensor_get_data_type (const GstTrtTensor *tensor)
{
  g_return_val_if_fail (tensor != NULL, GST_TRT_TENSOR_DATA_TYPE_FLOAT32);
  return tensor->data_type;
}

/**
 * gst_trt_tensor_get_dims:
 * @tensor: a tensor
 * @num_dims: (out): number of dimensions
 *
 * Returns: (transfer none) (array length=num_dims): the dimensions,
 *   outermost first
 */
const gsize *
gst_trt_tensor_get_dims (const GstTrtTensor *tensor, gsize *num_dims)
{
  g_return_val_if_fail (tensor != NULL && num_dims != NULL, NULL);
  *num_dims = tensor->num_dims;
  return tensor->dims;
}

typedef struct
{
  GstBuffer *buffer;
  GstMapInfo map;
} MappedData;

static void
mapped_data_free (gpointer data)
{
  MappedData *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

/**
 * gst_trt_tensor_get_data_bytes:
 * @tensor: a tensor
 *
 * The elements, row-major, without a copy for host memory: the bytes keep
 * the data buffer mapped for reading until they are freed. Device memory
 * (output-memory=device) is copied to the host once, at the first map.
 *
 * Returns: (transfer full) (nullable): the elements, or %NULL when the tensor
 *   has no data or it cannot be mapped
 */
GBytes *
gst_trt_tensor_get_data_bytes (const GstTrtTensor *tensor)
{
  MappedData *mapped;

  g_return_val_if_fail (tensor != NULL, NULL);
  if (!tensor->data)
    return NULL;
  mapped = g_new0 (MappedData, 1);
  mapped->buffer = gst_buffer_ref (tensor->data);
  if (!gst_buffer_map (mapped->buffer, &mapped->map, GST_MAP_READ)) {
    GST_WARNING ("cannot map the data of tensor %s",
        g_quark_to_string (tensor->id));
    gst_buffer_unref (mapped->buffer);
    g_free (mapped);
    return NULL;
  }
  return g_bytes_new_with_free_func (mapped->map.data, mapped->map.size,
      mapped_data_free, mapped);
}

/**
 * gst_trt_tensor_meta_get_num_tensors:
 * @meta: a tensor meta
 *
 * Returns: the number of tensors
 */
gsize
gst_trt_tensor_meta_get_num_tensors (const GstTrtTensorMeta *meta)
{
  g_return_val_if_fail (meta != NULL, 0);
  return meta->num_tensors;
}

/**
 * gst_trt_tensor_meta_get_tensor:
 * @meta: a tensor meta
 * @index: a tensor's place, below gst_trt_tensor_meta_get_num_tensors()
 *
 * Returns: (transfer none) (nullable): the tensor at @index, or %NULL when
 *   there is none
 */
const GstTrtTensor *
gst_trt_tensor_meta_get_tensor (const GstTrtTensorMeta *meta, gsize index)
{
  g_return_val_if_fail (meta != NULL, NULL);
  return index < meta->num_tensors ? meta->tensors[index] : NULL;
}

/**
 * gst_trt_buffer_get_tensor_metas:
 * @buffer: a #GstBuffer
 *
 * Every tensor meta of @buffer, in the order they were added: one per
 * trtinfer element, or per region with process-mode=roi.
 *
 * Returns: (transfer container) (element-type GstTrtTensorMeta): the metas,
 *   which belong to @buffer; free the list with g_list_free()
 */
GList *
gst_trt_buffer_get_tensor_metas (GstBuffer *buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  return gst_trt_buffer_metas_of (buffer, GST_TRT_TENSOR_META_API_TYPE);
}
