/* Classification (see trtclassification.h). */
#include "trtclassification.h"

#include <math.h>
#include <string.h>

#define MAX_LABEL_BYTES (1 << 20)
#define MAX_LABELS 100000

gboolean
gst_trt_scores_are_probabilities (const gdouble *scores, gsize count)
{
  gdouble sum = 0.0;
  for (gsize i = 0; i < count; i++) {
    if (!(scores[i] >= 0.0 && scores[i] <= 1.0))
      return FALSE;
    sum += scores[i];
  }
  return count > 0 && fabs (sum - 1.0) <= 1e-3;
}

/* In place, shifted by the largest score so that exp never overflows. */
static void
softmax (gdouble *scores, gsize count)
{
  gdouble largest = -INFINITY, sum = 0.0;
  for (gsize i = 0; i < count; i++)
    largest = MAX (largest, scores[i]);
  for (gsize i = 0; i < count; i++)
    sum += scores[i] = exp (scores[i] - largest);
  for (gsize i = 0; i < count; i++)
    scores[i] /= sum;
}

guint
gst_trt_top_classes (gdouble *scores, gsize count, GstTrtSoftmax mode,
    guint top_k, gdouble threshold, GstTrtClass *out)
{
  guint found = 0;

  if (count == 0 || top_k == 0)
    return 0;
  if (mode == GST_TRT_SOFTMAX_ON
      || (mode == GST_TRT_SOFTMAX_AUTO
          && !gst_trt_scores_are_probabilities (scores, count)))
    softmax (scores, count);
  /* insertion into the k best so far: k is small, count may not be */
  for (gsize i = 0; i < count; i++) {
    gdouble score = scores[i];
    if (!(score >= threshold))
      continue;
    guint at = found;
    while (at > 0 && out[at - 1].score < score)
      at--;
    if (at >= top_k)
      continue;
    guint last = MIN (found, top_k - 1);
    memmove (&out[at + 1], &out[at], (last - at) * sizeof (GstTrtClass));
    out[at] = (GstTrtClass){.index = (guint) i, .score = score};
    found = MIN (found + 1, top_k);
  }
  return found;
}

gchar *
gst_trt_label_of (gchar **labels, guint index)
{
  if (labels && index < g_strv_length (labels))
    return g_strdup (labels[index]);
  return g_strdup_printf ("%u", index);
}

gchar **
gst_trt_labels_load (const gchar *path, GError **error)
{
  gchar *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > MAX_LABEL_BYTES || memchr (contents, '\0', length)
      || !g_utf8_validate (contents, (gssize) length, NULL)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "label file '%s' is not UTF-8 text of at most %d bytes", path,
        MAX_LABEL_BYTES);
    g_free (contents);
    return NULL;
  }
  gchar **lines = g_strsplit (contents, "\n", -1);
  g_free (contents);
  guint n = g_strv_length (lines);
  if (n > 0 && lines[n - 1][0] == '\0') {
    g_free (lines[n - 1]);
    lines[--n] = NULL;
  }
  for (guint i = 0; i < n; i++)
    if (g_str_has_suffix (lines[i], "\r"))
      lines[i][strlen (lines[i]) - 1] = '\0';
  if (n == 0 || n > MAX_LABELS) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "label file '%s' has %u lines (1 to %d)", path, n, MAX_LABELS);
    g_strfreev (lines);
    return NULL;
  }
  return lines;
}
