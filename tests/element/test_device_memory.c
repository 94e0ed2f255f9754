/* Tensor data in device memory (gsttrttensormeta.h), checked with host
 * memory standing in for the device: the address a consumer gets for a
 * tensor shared from a batch's block, reading through the host copy
 * (made once), writing the memory refused (mapping the buffer for writing
 * gives it a host copy, as GStreamer does for any read-only memory), and
 * the block given back once, after the
 * last part of it is gone. */
#include <string.h>

#include <gst/check/gstcheck.h>

#include "gsttrttensormeta.h"

static guint copies, releases;

static gboolean
copy_to_host (gpointer host, gconstpointer device, gsize size,
    gpointer user_data)
{
  (void) user_data;
  memcpy (host, device, size);
  copies++;
  return TRUE;
}

static void
release (gpointer user_data)
{
  g_free (user_data);
  releases++;
}

GST_START_TEST (test_device_tensors)
{
  /* a batch of 3 frames, 4 floats each, in one "device" block */
  gfloat *block = g_new (gfloat, 12);
  for (gint i = 0; i < 12; i++)
    block[i] = (gfloat) i;
  copies = releases = 0;
  GstMemory *memory = gst_trt_device_memory_new_wrapped (block,
      sizeof (gfloat) * 12, 1, copy_to_host, block, release);
  fail_unless (gst_trt_is_device_memory (memory));
  GstBuffer *batch = gst_buffer_new ();
  gst_buffer_append_memory (batch, memory);

  /* frame 1's tensor, as the element cuts it from the batch */
  const gsize dims[2] = {1, 4};
  GstBuffer *part = gst_buffer_copy_region (batch, GST_BUFFER_COPY_MEMORY,
      4 * sizeof (gfloat), 4 * sizeof (gfloat));
  GstTrtTensor *tensor =
      gst_trt_tensor_new (g_quark_from_static_string ("scores"),
          GST_TRT_TENSOR_DATA_TYPE_FLOAT32, part, 2, dims);
  gst_buffer_unref (batch);

  gint device = -1;
  fail_unless (gst_trt_tensor_get_device_data (tensor, &device)
      == (gpointer) (block + 4));
  fail_unless_equals_int (device, 1);

  GstMapInfo map;
  fail_unless (gst_buffer_map (tensor->data, &map, GST_MAP_READ));
  fail_unless_equals_uint64 (map.size, 4 * sizeof (gfloat));
  fail_unless_equals_float (((gfloat *) map.data)[0], 4.0f);
  fail_unless_equals_float (((gfloat *) map.data)[3], 7.0f);
  gst_buffer_unmap (tensor->data, &map);
  fail_unless (gst_buffer_map (tensor->data, &map, GST_MAP_READ));
  gst_buffer_unmap (tensor->data, &map);
  fail_unless_equals_int (copies, 1);
  fail_if (gst_memory_map (gst_buffer_peek_memory (tensor->data, 0), &map,
      GST_MAP_WRITE));

  /* a tensor in host memory has no device address */
  GstTrtTensor *host = gst_trt_tensor_new (g_quark_from_static_string ("host"),
      GST_TRT_TENSOR_DATA_TYPE_FLOAT32,
      gst_buffer_new_allocate (NULL, 16, NULL), 2, dims);
  fail_unless (gst_trt_tensor_get_device_data (host, NULL) == NULL);
  gst_trt_tensor_free (host);

  /* the block outlives the batch buffer while a part of it lives */
  fail_unless_equals_int (releases, 0);
  GstTrtTensor *copy = gst_trt_tensor_copy (tensor);
  gst_trt_tensor_free (tensor);
  fail_unless_equals_int (releases, 0);
  gst_trt_tensor_free (copy);
  fail_unless_equals_int (releases, 1);
}
GST_END_TEST;

static Suite *
device_memory_suite (void)
{
  Suite *s = suite_create ("device-memory");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_device_tensors);
  return s;
}

GST_CHECK_MAIN (device_memory);
