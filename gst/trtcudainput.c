/* CUDA-memory input (see trtcudainput.h). */
#include "trtcudainput.h"

#include "trt/trt.h"

#ifdef HAVE_GST_CUDA
#include <gst/cuda/gstcudacontext.h>
#include <gst/cuda/gstcudaloader.h>
#include <gst/cuda/gstcudamemory.h>
#include <gst/cuda/gstcudautils.h>

struct _GstTrtCudaInput
{
  GstCudaContext *context;
};

/* The CUDA runtime's context on @device, which the engine uses: made
 * current by selecting the device and allocating (the runtime may create
 * its context lazily, at the first call that needs it), read by popping it
 * and pushing it back. */
static gboolean
runtime_context (gint device, CUcontext *context, CUdevice *handle,
    GError **error)
{
  void *probe = NULL;
  if (trt_set_device (device) != TRT_STATUS_OK
      || trt_device_malloc (&probe, 1) != TRT_STATUS_OK) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "CUDA device %d: %s", device, trt_last_error ());
    return FALSE;
  }
  trt_device_free (probe);
  CUresult result = CuCtxPopCurrent (context);
  if (result == CUDA_SUCCESS)
    result = CuCtxPushCurrent (*context);
  if (result == CUDA_SUCCESS)
    result = CuDeviceGet (handle, device);
  if (result != CUDA_SUCCESS) {
    const char *name = NULL;
    CuGetErrorName (result, &name);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "no CUDA context on device %d (%s)", device,
        name ? name : "unknown error");
    return FALSE;
  }
  return TRUE;
}

GstTrtCudaInput *
gst_trt_cuda_input_new (gint device, GError **error)
{
  CUcontext context;
  CUdevice handle;

  if (!gst_cuda_load_library ()) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "the CUDA driver library could not be loaded");
    return NULL;
  }
  gst_cuda_memory_init_once ();
  if (!runtime_context (device < 0 ? 0 : device, &context, &handle, error))
    return NULL;
  GstTrtCudaInput *input = g_new0 (GstTrtCudaInput, 1);
  input->context = gst_cuda_context_new_wrapped (context, handle);
  if (!input->context) {
    g_free (input);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "could not wrap the CUDA context of device %d", device);
    return NULL;
  }
  return input;
}

void
gst_trt_cuda_input_free (GstTrtCudaInput *input)
{
  if (!input)
    return;
  gst_object_unref (input->context);
  g_free (input);
}

gboolean
gst_trt_is_cuda_context_query (GstQuery *query)
{
  const gchar *type = NULL;
  return GST_QUERY_TYPE (query) == GST_QUERY_CONTEXT
      && gst_query_parse_context_type (query, &type) && type
      && g_strcmp0 (type, GST_CUDA_CONTEXT_TYPE) == 0;
}

gboolean
gst_trt_cuda_input_answer_query (GstTrtCudaInput *input, GstElement *element,
    GstQuery *query)
{
  return input && gst_trt_is_cuda_context_query (query)
      && gst_cuda_handle_context_query (element, query, input->context);
}

gboolean
gst_trt_is_cuda_buffer (GstBuffer *buffer)
{
  return gst_buffer_n_memory (buffer) > 0
      && gst_is_cuda_memory (gst_buffer_peek_memory (buffer, 0));
}

gboolean
gst_trt_cuda_input_is_ours (GstTrtCudaInput *input, GstBuffer *buffer)
{
  if (!input || gst_buffer_n_memory (buffer) == 0)
    return FALSE;
  for (guint i = 0; i < gst_buffer_n_memory (buffer); i++) {
    GstMemory *memory = gst_buffer_peek_memory (buffer, i);
    if (!gst_is_cuda_memory (memory))
      return FALSE;
    GstCudaContext *context = GST_CUDA_MEMORY_CAST (memory)->context;
    if (context != input->context
        && (!context
            || gst_cuda_context_get_handle (context)
                != gst_cuda_context_get_handle (input->context)))
      return FALSE;
  }
  return TRUE;
}

GstMapFlags
gst_trt_cuda_map_flags (void)
{
  return GST_MAP_READ | GST_MAP_CUDA;
}

#else /* no libgstcuda */

GstTrtCudaInput *
gst_trt_cuda_input_new (gint device, GError **error)
{
  g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NOT_IMPLEMENTED,
      "CUDA device %d: trtinfer was built without GStreamer's CUDA library",
      device);
  return NULL;
}

void
gst_trt_cuda_input_free (GstTrtCudaInput *input)
{
  (void) input;
}

gboolean
gst_trt_is_cuda_context_query (GstQuery *query)
{
  (void) query;
  return FALSE;
}

gboolean
gst_trt_cuda_input_answer_query (GstTrtCudaInput *input, GstElement *element,
    GstQuery *query)
{
  (void) input, (void) element, (void) query;
  return FALSE;
}

gboolean
gst_trt_is_cuda_buffer (GstBuffer *buffer)
{
  (void) buffer;
  return FALSE;
}

gboolean
gst_trt_cuda_input_is_ours (GstTrtCudaInput *input, GstBuffer *buffer)
{
  (void) input, (void) buffer;
  return FALSE;
}

GstMapFlags
gst_trt_cuda_map_flags (void)
{
  return GST_MAP_READ;
}

#endif
