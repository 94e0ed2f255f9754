/* Greedy CTC decoding (see trtctc.h). */
#include "trtctc.h"

/* The text class @k names, or NULL. */
static const gchar *
class_name (guint k, gchar **dictionary, guint entries, gboolean space,
    guint blank)
{
  if (k == blank)
    return NULL;
  guint index = k > blank ? k - 1 : k; /* the dictionary has no blank */
  if (index < entries)
    return dictionary[index];
  return space && index == entries ? " " : NULL;
}

gchar *
gst_trt_ctc_greedy (const gdouble *scores, gsize steps, gsize classes,
    gchar **dictionary, gboolean space, guint blank, gdouble *confidence)
{
  GString *text = g_string_new (NULL);
  guint entries = dictionary ? g_strv_length (dictionary) : 0;
  gdouble sum = 0.0;
  guint kept = 0, previous = G_MAXUINT;

  for (gsize t = 0; t < steps && classes > 0; t++) {
    const gdouble *row = scores + t * classes;
    guint best = 0;
    for (gsize c = 1; c < classes; c++)
      if (row[c] > row[best])
        best = (guint) c;
    if (best != previous && best != blank) {
      const gchar *name = class_name (best, dictionary, entries, space, blank);
      if (name) {
        g_string_append (text, name);
        sum += row[best];
        kept++;
      }
    }
    previous = best;
  }
  if (confidence)
    *confidence = kept ? sum / kept : 1.0;
  return g_string_free (text, FALSE);
}
