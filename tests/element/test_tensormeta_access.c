/* The tensor meta library's accessors for bindings (GstTrt-1.0, issue 15):
 * a tensor's name, type and dims, its elements as GBytes that outlive the
 * tensor (from host memory, and from device memory through its host copy),
 * GstTrtTensor as a boxed type, a meta's tensors by index, and the lists of
 * a buffer's tensor metas, regions and a region's structures, in the order
 * they were added. pipelines/trtinfer_results.py reads the same from Python
 * (test_results_py.py). */
#include <string.h>

#include <gst/check/gstcheck.h>

#include "gsttrtregions.h"
#include "gsttrttensormeta.h"

/* A float32 tensor of dims n0 x n1 holding 0, 1, 2, ... */
static GstTrtTensor *
counting_tensor (const gchar *name, gsize n0, gsize n1)
{
  const gsize dims[2] = {n0, n1};
  GstBuffer *data = gst_buffer_new_and_alloc (n0 * n1 * sizeof (gfloat));
  GstMapInfo map;

  fail_unless (gst_buffer_map (data, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < n0 * n1; i++)
    ((gfloat *) map.data)[i] = (gfloat) i;
  gst_buffer_unmap (data, &map);
  return gst_trt_tensor_new (g_quark_from_string (name),
      GST_TRT_TENSOR_DATA_TYPE_FLOAT32, data, 2, dims);
}

GST_START_TEST (test_tensor_accessors)
{
  GstTrtTensor *tensor = counting_tensor ("probs", 2, 3);
  gsize num_dims = 0, size = 0;
  const gsize *dims = gst_trt_tensor_get_dims (tensor, &num_dims);

  fail_unless_equals_int (num_dims, 2);
  fail_unless (dims[0] == 2 && dims[1] == 3);
  fail_unless_equals_string (gst_trt_tensor_get_name (tensor), "probs");
  fail_unless_equals_int (gst_trt_tensor_get_data_type (tensor),
      GST_TRT_TENSOR_DATA_TYPE_FLOAT32);

  GBytes *bytes = gst_trt_tensor_get_data_bytes (tensor);
  const gfloat *values = g_bytes_get_data (bytes, &size);
  fail_unless_equals_int (size, 6 * sizeof (gfloat));
  /* the bytes keep the data mapped after the tensor is gone */
  gst_trt_tensor_free (tensor);
  fail_unless (values[0] == 0.0f && values[5] == 5.0f);
  g_bytes_unref (bytes);

  /* boxed: g_boxed_copy shares the data, both free */
  fail_unless (G_TYPE_IS_BOXED (GST_TRT_TYPE_TENSOR));
  tensor = counting_tensor ("features", 1, 4);
  GstTrtTensor *copy = g_boxed_copy (GST_TRT_TYPE_TENSOR, tensor);
  fail_unless (copy != tensor && copy->data == tensor->data);
  dims = gst_trt_tensor_get_dims (copy, &num_dims);
  fail_unless (num_dims == 2 && dims[0] == 1 && dims[1] == 4);
  g_boxed_free (GST_TRT_TYPE_TENSOR, tensor);
  g_boxed_free (GST_TRT_TYPE_TENSOR, copy);

  /* no data: no bytes */
  tensor = gst_trt_tensor_new (g_quark_from_string ("empty"),
      GST_TRT_TENSOR_DATA_TYPE_UINT8, NULL, 0, NULL);
  fail_unless (gst_trt_tensor_get_data_bytes (tensor) == NULL);
  gst_trt_tensor_get_dims (tensor, &num_dims);
  fail_unless_equals_int (num_dims, 0);
  gst_trt_tensor_free (tensor);
}
GST_END_TEST;

static gboolean
copy_to_host (gpointer host, gconstpointer device, gsize size,
    gpointer user_data)
{
  (void) user_data;
  memcpy (host, device, size);
  return TRUE;
}

/* Device memory (host memory standing in for it): the bytes are the host
 * copy. */
GST_START_TEST (test_device_bytes)
{
  gfloat *device = g_new (gfloat, 4);
  const gsize dims[1] = {4};

  for (guint i = 0; i < 4; i++)
    device[i] = 0.5f * i;
  GstBuffer *data = gst_buffer_new ();
  gst_buffer_append_memory (data,
      gst_trt_device_memory_new_wrapped (device, 4 * sizeof (gfloat), 0,
          copy_to_host, device, g_free));
  GstTrtTensor *tensor = gst_trt_tensor_new (g_quark_from_string ("out"),
      GST_TRT_TENSOR_DATA_TYPE_FLOAT32, data, 1, dims);
  GBytes *bytes = gst_trt_tensor_get_data_bytes (tensor);
  gsize size = 0;
  const gfloat *values = g_bytes_get_data (bytes, &size);

  fail_unless_equals_int (size, 4 * sizeof (gfloat));
  fail_unless (values != (const gfloat *) device && values[3] == 1.5f);
  gst_trt_tensor_free (tensor);
  g_bytes_unref (bytes);
}
GST_END_TEST;

GST_START_TEST (test_buffer_lists)
{
  GstBuffer *buffer = gst_buffer_new ();

  fail_unless (gst_trt_buffer_get_tensor_metas (buffer) == NULL);
  fail_unless (gst_trt_buffer_get_regions (buffer) == NULL);

  GstTrtTensorMeta *frame = gst_trt_tensor_meta_add (buffer);
  GstTrtTensorMeta *region = gst_trt_tensor_meta_add (buffer);
  frame->unique_id = 1;
  region->unique_id = 2;
  region->roi_id = 7;
  gst_trt_tensor_meta_append (frame, counting_tensor ("x", 1, 2));
  gst_trt_tensor_meta_append (frame, counting_tensor ("y", 1, 3));

  GList *metas = gst_trt_buffer_get_tensor_metas (buffer);
  fail_unless_equals_int (g_list_length (metas), 2);
  fail_unless (metas->data == frame && metas->next->data == region);
  g_list_free (metas);
  fail_unless_equals_int (gst_trt_tensor_meta_get_num_tensors (frame), 2);
  fail_unless_equals_string (gst_trt_tensor_get_name (
                                 gst_trt_tensor_meta_get_tensor (frame, 1)),
      "y");
  fail_unless (gst_trt_tensor_meta_get_tensor (frame, 2) == NULL);
  fail_unless (gst_trt_tensor_meta_get_tensor (region, 0) == NULL);
  fail_unless (gst_trt_tensor_meta_get_for_region (buffer, 2, 7) == region);
  fail_unless (gst_trt_tensor_meta_get_for_region (buffer, 1, -1) == frame);

  GstVideoRegionOfInterestMeta *car =
      gst_buffer_add_video_region_of_interest_meta (buffer, "car", 1, 2, 3, 4);
  GstVideoRegionOfInterestMeta *text =
      gst_buffer_add_video_region_of_interest_meta (buffer, "text", 5, 6, 7, 8);
  gst_video_region_of_interest_meta_add_param (car,
      gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.9, NULL));
  gst_video_region_of_interest_meta_add_param (car,
      gst_structure_new_empty ("classification"));
  GList *regions = gst_trt_buffer_get_regions (buffer);
  fail_unless_equals_int (g_list_length (regions), 2);
  fail_unless (regions->data == car && regions->next->data == text);
  g_list_free (regions);

  GList *params = gst_trt_region_get_params (car);
  fail_unless_equals_int (g_list_length (params), 2);
  fail_unless (gst_structure_has_name (params->data, "detection"));
  fail_unless (gst_trt_region_get_params (text) == NULL);
  gst_buffer_unref (buffer);
}
GST_END_TEST;

static Suite *
tensormeta_access_suite (void)
{
  Suite *s = suite_create ("tensormeta-access");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_tensor_accessors);
  tcase_add_test (tc, test_device_bytes);
  tcase_add_test (tc, test_buffer_lists);
  return s;
}

GST_CHECK_MAIN (tensormeta_access);
