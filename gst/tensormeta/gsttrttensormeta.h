/* trtinfer tensor meta: the outputs of an inference, attached to the frame
 * they were computed from.
 *
 * The layout follows upstream GStreamer's GstTensorMeta and GstTensor
 * (gst-libs/gst/analytics, GStreamer 1.26): the same fields, in the same
 * order, with the same meaning, so code written for one reads the other by
 * renaming the types. GStreamer 1.22 has no tensor meta, hence our own
 * prefixed copy. After the upstream fields, GstTrtTensorMeta carries what a
 * decoder needs to map results back to the frame: the network input size,
 * the scale and padding applied by preprocessing and the source frame size.
 *
 * A point (x, y) of the network input maps to the source frame as
 *   src_x = source_x + (x - pad_x) / scale_x,
 *   src_y = source_y + (y - pad_y) / scale_y
 * (source_x and source_y are 0 unless the tensors are a region's).
 *
 * The meta is tagged "video", "size" and "orientation": downstream elements
 * that change the frame's size (videoscale, videoconvertscale) map the
 * geometry to the new size, and those that crop, flip, rotate or box the
 * frame drop the meta, so a meta that reaches you always describes the frame
 * it is on.
 *
 * Link with pkg-config's gstreamer-trt-tensormeta-1.0. */
#ifndef GST_TRT_TENSOR_META_H
#define GST_TRT_TENSOR_META_H

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstTrtTensorDataType:
 *
 * The element type of a tensor; values as upstream's GstTensorDataType.
 */
typedef enum {
  GST_TRT_TENSOR_DATA_TYPE_INT4,
  GST_TRT_TENSOR_DATA_TYPE_INT8,
  GST_TRT_TENSOR_DATA_TYPE_INT16,
  GST_TRT_TENSOR_DATA_TYPE_INT32,
  GST_TRT_TENSOR_DATA_TYPE_INT64,
  GST_TRT_TENSOR_DATA_TYPE_UINT4,
  GST_TRT_TENSOR_DATA_TYPE_UINT8,
  GST_TRT_TENSOR_DATA_TYPE_UINT16,
  GST_TRT_TENSOR_DATA_TYPE_UINT32,
  GST_TRT_TENSOR_DATA_TYPE_UINT64,
  GST_TRT_TENSOR_DATA_TYPE_FLOAT16,
  GST_TRT_TENSOR_DATA_TYPE_FLOAT32,
  GST_TRT_TENSOR_DATA_TYPE_FLOAT64,
  GST_TRT_TENSOR_DATA_TYPE_BFLOAT16,
  /* Not in upstream's enum (it has no boolean type): one byte, 0 or 1. */
  GST_TRT_TENSOR_DATA_TYPE_BOOL = 64,
} GstTrtTensorDataType;

/**
 * GstTrtTensorDimOrder:
 *
 * How elements are laid out: trtinfer always writes row-major (C order).
 */
typedef enum {
  GST_TRT_TENSOR_DIM_ORDER_ROW_MAJOR,
  GST_TRT_TENSOR_DIM_ORDER_COL_MAJOR,
} GstTrtTensorDimOrder;

/**
 * GstTrtTensorLayout:
 *
 * How the tensor is stored: always densely.
 */
typedef enum {
  GST_TRT_TENSOR_LAYOUT_CONTIGUOUS,
} GstTrtTensorLayout;

/**
 * GstTrtTensor:
 * @id: the output's name as a #GQuark
 * @layout: storage, always contiguous
 * @data_type: element type
 * @data: the elements (num_dims products of dims, row-major) in a #GstBuffer
 * @dims_order: row-major
 * @num_dims: number of dimensions
 * @dims: (array length=num_dims): the dimensions; a batched output keeps its
 *   leading batch dimension, as 1
 */
typedef struct {
  GQuark id;
  GstTrtTensorLayout layout;
  GstTrtTensorDataType data_type;
  GstBuffer *data;
  GstTrtTensorDimOrder dims_order;
  gsize num_dims;
  gsize dims[];
} GstTrtTensor;

/**
 * GstTrtTensorMeta:
 * @meta: parent
 * @num_tensors: number of tensors
 * @tensors: (array length=num_tensors): one #GstTrtTensor per output
 * @network_width: width of the network input the frame was resized to
 * @network_height: height of the network input
 * @source_width: width of the frame the tensors were computed from
 * @source_height: height of that frame
 * @scale_x: network pixels per source pixel, horizontally
 * @scale_y: network pixels per source pixel, vertically
 * @pad_x: network pixels of padding left of the image (keep-aspect-ratio)
 * @pad_y: network pixels of padding above the image
 * @batch_size: number of frames inferred together with this one
 * @batch_index: this frame's place in that batch
 */
typedef struct {
  GstMeta meta;

  gsize num_tensors;
  GstTrtTensor **tensors;

  /* trtinfer's additions, after upstream's fields */
  guint network_width;
  guint network_height;
  guint source_width;
  guint source_height;
  gdouble scale_x;
  gdouble scale_y;
  gdouble pad_x;
  gdouble pad_y;
  guint batch_size;
  guint batch_index;
  /* the producing element's unique-id (several trtinfer elements may each
   * attach a meta to one buffer) */
  guint unique_id;
  /* process-mode=roi: the id of the GstVideoRegionOfInterestMeta the
   * tensors were computed from, and that region's top-left corner in the
   * frame (source_width/height are then the region's size); -1 and 0, 0
   * for a whole frame. An oriented (rotated) text region's corners are in
   * its "text-region" structure. */
  gint roi_id;
  gdouble source_x;
  gdouble source_y;
} GstTrtTensorMeta;

#define GST_TRT_TENSOR_META_API_TYPE (gst_trt_tensor_meta_api_get_type ())
#define GST_TRT_TENSOR_META_INFO (gst_trt_tensor_meta_get_info ())

GType gst_trt_tensor_meta_api_get_type (void);
const GstMetaInfo *gst_trt_tensor_meta_get_info (void);

/* Adds an empty meta (no tensors, geometry zero) to a writable buffer. */
GstTrtTensorMeta *gst_trt_tensor_meta_add (GstBuffer * buffer);
/* The buffer's tensor meta, or NULL (the first, where several elements
 * attached one). */
GstTrtTensorMeta *gst_trt_tensor_meta_get (GstBuffer * buffer);
/* The tensor meta that the element whose unique-id is @unique_id attached,
 * or NULL. */
GstTrtTensorMeta *gst_trt_tensor_meta_get_by_producer (GstBuffer * buffer, guint unique_id);
/* The tensor meta that the element whose unique-id is @unique_id attached
 * for the region whose GstVideoRegionOfInterestMeta id is @roi_id (-1: the
 * whole frame), or NULL. */
GstTrtTensorMeta *gst_trt_tensor_meta_get_for_region (GstBuffer * buffer, guint unique_id,
    gint roi_id);

/* Takes ownership of @tensor (and its data buffer) and appends it. */
void gst_trt_tensor_meta_append (GstTrtTensorMeta * meta, GstTrtTensor * tensor);
/* The tensor whose id is @id, or NULL. */
const GstTrtTensor *gst_trt_tensor_meta_get_by_id (const GstTrtTensorMeta * meta, GQuark id);
/* The tensor named @name, or NULL. */
const GstTrtTensor *gst_trt_tensor_meta_get_by_name (const GstTrtTensorMeta * meta,
    const gchar * name);

/* A human-readable dump: per tensor its name, type, dims and the first
 * @max_values values. Free with g_free(). Elements log it at GST_DEBUG. */
gchar *gst_trt_tensor_meta_to_string (const GstTrtTensorMeta * meta, guint max_values);

/* Tensors; the data buffer is owned by the tensor. */
GstTrtTensor *gst_trt_tensor_new (GQuark id, GstTrtTensorDataType data_type,
    GstBuffer * data, gsize num_dims, const gsize * dims);
GstTrtTensor *gst_trt_tensor_copy (const GstTrtTensor * tensor);
void gst_trt_tensor_free (GstTrtTensor * tensor);
/* Number of elements: product of the dims. */
gsize gst_trt_tensor_num_elements (const GstTrtTensor * tensor);
/* Bytes per element; 0 for the packed 4-bit types, which trtinfer never emits. */
gsize gst_trt_tensor_data_type_size (GstTrtTensorDataType data_type);
const gchar *gst_trt_tensor_data_type_name (GstTrtTensorDataType data_type);

/* ---- tensors in device memory ------------------------------------------
 * With output-memory=device, trtinfer leaves each tensor in GPU memory: its
 * data buffer holds one GstMemory of type GST_TRT_DEVICE_MEMORY_TYPE,
 * valid while the buffer lives. GPU consumers take its address with
 * gst_trt_tensor_get_device_data(); mapping it for reading on the host
 * copies the whole block to host memory once (the first map), so code that
 * reads tensors on the CPU keeps working, at the cost of that copy; it
 * cannot be mapped for writing. */
#define GST_TRT_DEVICE_MEMORY_TYPE "TrtDeviceMemory"

/* Copies @size bytes of device memory at @device to @host; FALSE on failure. */
typedef gboolean (*GstTrtDeviceCopyFunc) (gpointer host, gconstpointer device,
    gsize size, gpointer user_data);

/* Device memory of @size bytes at @device_data on CUDA device @device_id,
 * read on the host through @copy_to_host; @notify (with @user_data) is called
 * once, when the memory and every part shared from it are freed. */
GstMemory *gst_trt_device_memory_new_wrapped (gpointer device_data, gsize size,
    gint device_id, GstTrtDeviceCopyFunc copy_to_host, gpointer user_data,
    GDestroyNotify notify);
gboolean gst_trt_is_device_memory (GstMemory *memory);
/* The device address of @tensor's elements (and in @device_id its device),
 * or NULL when they are in host memory. */
gpointer gst_trt_tensor_get_device_data (const GstTrtTensor *tensor,
    gint *device_id);

/* ---- introspection (GstTrt-1.0) ------------------------------------------
 * What bindings cannot read from the structs above: a tensor's dims (a
 * flexible array), its name and its elements (as GBytes), a meta's tensors by
 * index and the list of a buffer's metas. C code may use them too. A buffer's
 * regions of interest are in gsttrtregions.h. */

/* GstTrtTensor as a boxed type (copy: gst_trt_tensor_copy, free:
 * gst_trt_tensor_free). */
#define GST_TRT_TYPE_TENSOR (gst_trt_tensor_get_type ())
GType gst_trt_tensor_get_type (void);

const gchar *gst_trt_tensor_get_name (const GstTrtTensor *tensor);
GstTrtTensorDataType gst_trt_tensor_get_data_type (const GstTrtTensor *tensor);
/* The dims (tensor->dims), their number in @num_dims. */
const gsize *gst_trt_tensor_get_dims (const GstTrtTensor *tensor,
    gsize *num_dims);
/* The elements, mapped for reading (a host copy for device memory), or NULL
 * when the tensor has no data or it cannot be mapped. Free with
 * g_bytes_unref(). */
GBytes *gst_trt_tensor_get_data_bytes (const GstTrtTensor *tensor);

gsize gst_trt_tensor_meta_get_num_tensors (const GstTrtTensorMeta *meta);
/* The tensor at @index, or NULL when @index is num_tensors or more. */
const GstTrtTensor *
gst_trt_tensor_meta_get_tensor (const GstTrtTensorMeta *meta, gsize index);
/* Every tensor meta of @buffer, in the order they were added (one per
 * trtinfer element, per region with process-mode=roi). Free the list with
 * g_list_free(); the metas belong to the buffer. */
GList *gst_trt_buffer_get_tensor_metas (GstBuffer *buffer);

G_END_DECLS

#endif
