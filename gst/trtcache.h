/* The engine cache of trtinfer: what an engine is keyed by, and where an
 * engine goes when engine-file already holds another one.
 *
 * The key covers the model's and weights' bytes (a fast 128-bit digest of
 * each, read once per start), the options the engine depends on, the
 * engine library's version and the target: backend as resolved (auto is
 * never part of a key), the device's identity (CUDA: name, compute
 * capability and library versions) and the precision. */
#ifndef GST_TRT_CACHE_H
#define GST_TRT_CACHE_H

#include <gst/gst.h>
#include <trt/trt.h>

G_BEGIN_DECLS

/* What an engine is built for: the backend `auto` resolved to, the device,
 * the precision. */
typedef struct
{
  trt_backend_t backend; /* never TRT_BACKEND_AUTO */
  gint device;           /* CUDA ordinal; 0 on the CPU */
  trt_precision_t precision;
  gchar *identity;    /* "cpu", or the CUDA device's description */
  gchar *description; /* "cpu fp32", "cuda:0 fp32 (NVIDIA H200)" */
} GstTrtTarget;

/* Resolves @backend (auto: CUDA when a usable GPU is present, else the
 * CPU) on @device_id (-1: the default). FALSE with @error when a named
 * backend cannot run here. */
gboolean gst_trt_target_resolve (GstTrtTarget *target, trt_backend_t backend,
    gint device_id, trt_precision_t precision, GError **error);
void gst_trt_target_clear (GstTrtTarget *target);

/* Adds to @key @label, @size and a 128-bit digest of the @size bytes read
 * from @fd (the open file @path); FALSE with @error when they cannot be
 * read whole. The digest is not cryptographic: it tells a changed model
 * from the one an engine was built from at memory speed, where SHA-256
 * over a 100 MB model took longer than loading its plan. */
gboolean gst_trt_cache_digest_fd (GChecksum *key, const gchar *label,
    const gchar *path, gint fd, guint64 size, GError **error);

/* The file an engine for @key goes to when @engine_file holds another:
 * "det.plan" -> "det_b4_cpu_fp32_1a2b3c4d.plan" (batch, backend and CUDA
 * ordinal, precision, the key's first 8 digits), as nvinfer names its
 * "_b<N>_gpu<id>_<precision>" engines. */
gchar *gst_trt_cache_derived_path (const gchar *engine_file, guint batch_size,
    const GstTrtTarget *target, const gchar *key);

G_END_DECLS

#endif
