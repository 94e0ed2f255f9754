/* Frames in CUDA memory (GStreamer's nvcodec elements: cudaupload, the
 * NVDEC decoders) read by the engine where they lie, without a copy.
 *
 * The element wraps its engine's CUDA context (the device's primary
 * context, which the CUDA runtime uses) as a GstCudaContext and gives it
 * to upstream elements through the context query, so that their memory is
 * allocated in the context whose kernels preprocess it. Memory of another
 * context (an element that made its own before asking, another device) is
 * not read by our kernels: those frames are mapped to system memory, which
 * GstCudaMemory downloads, and the element warns once.
 *
 * Built with libgstcuda (gstreamer-cuda-1.0, GStreamer 1.22's nvcodec
 * library) when the CUDA backend is; without it every function says no. */
#ifndef GST_TRT_CUDA_INPUT_H
#define GST_TRT_CUDA_INPUT_H

#include <gst/gst.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

#ifdef HAVE_GST_CUDA
/* Caps of the same formats in CUDA memory, then a separator. */
#define GST_TRT_CUDA_VIDEO_CAPS(formats)                                       \
  GST_VIDEO_CAPS_MAKE_WITH_FEATURES ("memory:CUDAMemory", formats) "; "
#else
#define GST_TRT_CUDA_VIDEO_CAPS(formats) ""
#endif

typedef struct _GstTrtCudaInput GstTrtCudaInput;

/* The engine's context on @device as a GstCudaContext; NULL with @error
 * where the CUDA driver or the device cannot be had (or without
 * libgstcuda). */
GstTrtCudaInput *gst_trt_cuda_input_new (gint device, GError **error);
void gst_trt_cuda_input_free (GstTrtCudaInput *input);

/* Answers a context query asking for a CUDA context; FALSE for any other. */
gboolean gst_trt_cuda_input_answer_query (GstTrtCudaInput *input,
    GstElement *element, GstQuery *query);

/* Whether @query asks for a CUDA context. */
gboolean gst_trt_is_cuda_context_query (GstQuery *query);

/* Whether @buffer's memory is CUDA memory. */
gboolean gst_trt_is_cuda_buffer (GstBuffer *buffer);

/* Whether @buffer's memory is CUDA memory of @input's context: mapped with
 * gst_trt_cuda_input_map_flags() its planes are device pointers that the
 * engine's kernels read. */
gboolean gst_trt_cuda_input_is_ours (GstTrtCudaInput *input, GstBuffer *buffer);

/* The map flags that give device pointers to CUDA memory. */
GstMapFlags gst_trt_cuda_map_flags (void);

G_END_DECLS

#endif
