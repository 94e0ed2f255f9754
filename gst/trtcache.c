/* The engine cache of trtinfer; see trtcache.h. */
#include "trtcache.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* ---- target ----------------------------------------------------------------
 */

gboolean
gst_trt_target_resolve (GstTrtTarget *target, trt_backend_t backend,
    gint device_id, trt_precision_t precision, GError **error)
{
  gint device = MAX (device_id, 0);

  memset (target, 0, sizeof (*target));
  if (trt_backend_resolve (backend, device, &target->backend)
      != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "backend=%s: %s", trt_backend_name (backend), trt_last_error ());
    return FALSE;
  }
  target->precision = precision;
  if (target->backend == TRT_BACKEND_CUDA) {
    gchar name[256], described[512];
    target->device = device;
    if (trt_cuda_device_name (device, name, sizeof (name)) != TRT_STATUS_OK
        || trt_cuda_device_describe (device, described, sizeof (described))
            != TRT_STATUS_OK) {
      g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
          "Could not identify CUDA device %d: %s", device, trt_last_error ());
      return FALSE;
    }
    target->identity = g_strdup (described);
    target->description = g_strdup_printf ("cuda:%d %s (%s)", device,
        trt_precision_name (precision), name);
  } else {
    target->identity = g_strdup (trt_backend_name (target->backend));
    target->description = g_strdup_printf ("%s %s",
        trt_backend_name (target->backend), trt_precision_name (precision));
  }
  return TRUE;
}

void
gst_trt_target_clear (GstTrtTarget *target)
{
  g_clear_pointer (&target->identity, g_free);
  g_clear_pointer (&target->description, g_free);
}

/* ---- content digest -------------------------------------------------------
 * Eight independent multiply-rotate lanes over the 64-bit words of 64-byte
 * blocks, the tail folded in byte by byte, then both halves of the result
 * mixed from every lane and the length. Eight lanes keep the multiplier
 * busy, so the digest runs near memory speed. */

#define DIGEST_LANES 8
#define DIGEST_BLOCK (DIGEST_LANES * sizeof (guint64))
#define DIGEST_CHUNK                                                           \
  (1u << 20) /* bytes read at a time; a multiple of the block */

static const guint64 prime_1 = G_GUINT64_CONSTANT (0x9E3779B185EBCA87);
static const guint64 prime_2 = G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F);

typedef struct
{
  guint64 lanes[DIGEST_LANES];
  guint64 length;
} Digest;

static inline guint64
rotate_left (guint64 value, guint bits)
{
  return (value << bits) | (value >> (64 - bits));
}

static guint64
avalanche (guint64 value)
{
  value ^= value >> 33;
  value *= prime_2;
  value ^= value >> 29;
  value *= prime_1;
  value ^= value >> 32;
  return value;
}

static void
digest_init (Digest *digest)
{
  for (guint k = 0; k < DIGEST_LANES; k++)
    digest->lanes[k] = prime_1 * (k + 1) ^ prime_2;
  digest->length = 0;
}

/* @size bytes; only the last call may pass a size that is not a multiple
 * of DIGEST_BLOCK. */
static void
digest_update (Digest *digest, const guchar *bytes, gsize size)
{
  gsize i = 0;

  for (; i + DIGEST_BLOCK <= size; i += DIGEST_BLOCK) {
    for (guint k = 0; k < DIGEST_LANES; k++) {
      guint64 word;
      memcpy (&word, bytes + i + k * sizeof (word), sizeof (word));
      digest->lanes[k] =
          rotate_left (digest->lanes[k] + word * prime_2, 31) * prime_1;
    }
  }
  for (; i < size; i++)
    digest->lanes[i % DIGEST_LANES] =
        (digest->lanes[i % DIGEST_LANES] ^ bytes[i]) * prime_1;
  digest->length += size;
}

static void
digest_finish (const Digest *digest, gchar hex[33])
{
  guint64 high = digest->length, low = ~digest->length;

  for (guint k = 0; k < DIGEST_LANES; k++) {
    high = (high ^ avalanche (digest->lanes[k])) * prime_1;
    low = rotate_left (low + digest->lanes[k] * prime_2, 27) * prime_1;
  }
  g_snprintf (hex, 33, "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
      avalanche (high), avalanche (low));
}

gboolean
gst_trt_cache_digest_fd (GChecksum *key, const gchar *label, const gchar *path,
    gint fd, guint64 size, GError **error)
{
  guchar *chunk = g_malloc (DIGEST_CHUNK);
  guint64 total = 0;
  gsize filled = 0;
  gboolean ok = TRUE;
  Digest digest;

  digest_init (&digest);
  for (;;) {
    /* Fill whole chunks, so that only the last update has a tail. */
    gssize got = read (fd, chunk + filled, DIGEST_CHUNK - filled);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "Could not read %s '%s': %s", label, path, g_strerror (errno));
      ok = FALSE;
      break;
    }
    total += (guint64) got;
    filled += (gsize) got;
    if (got == 0 || total > size || filled == DIGEST_CHUNK) {
      digest_update (&digest, chunk, filled);
      filled = 0;
    }
    if (got == 0 || total > size)
      break;
  }
  g_free (chunk);
  if (ok && total != size) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Could not read %s '%s': it changed while it was read", label, path);
    ok = FALSE;
  }
  if (ok) {
    gchar hex[33];
    digest_finish (&digest, hex);
    gchar *text =
        g_strdup_printf ("%s: %" G_GUINT64_FORMAT " bytes, digest %s;", label,
            size, hex);
    g_checksum_update (key, (const guchar *) text, strlen (text));
    g_free (text);
  }
  return ok;
}

/* ---- derived engine files
 * ---------------------------------------------------- */

gchar *
gst_trt_cache_derived_path (const gchar *engine_file, guint batch_size,
    const GstTrtTarget *target, const gchar *key)
{
  const gchar *slash = strrchr (engine_file, G_DIR_SEPARATOR);
  const gchar *base = slash ? slash + 1 : engine_file;
  const gchar *dot = strrchr (base, '.');
  /* "det.plan" keeps ".plan"; ".plan" or "engine" have no extension. */
  gsize stem =
      dot && dot != base ? (gsize) (dot - engine_file) : strlen (engine_file);
  gchar *device = target->backend == TRT_BACKEND_CUDA
      ? g_strdup_printf ("cuda%d", target->device)
      : g_strdup (trt_backend_name (target->backend));
  gchar *path = g_strdup_printf ("%.*s_b%u_%s_%s_%.8s%s", (int) stem,
      engine_file, MAX (batch_size, 1), device,
      trt_precision_name (target->precision), key, engine_file + stem);

  g_free (device);
  return path;
}
