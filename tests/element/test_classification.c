/* Classification helpers (gst/trtclassification.c): softmax where the
 * scores are not probabilities, the k best at or above a threshold in
 * order, label files with their checks; greedy CTC decoding
 * (gst/trtctc.c). */
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "trtclassification.h"
#include "trtctc.h"
#include "expect.h"

static void
test_top_classes (void)
{
  GstTrtClass out[3];

  /* probabilities stay as they are; ties keep the lower index first */
  gdouble probs[] = {0.1, 0.3, 0.3, 0.2, 0.1};
  EXPECT (gst_trt_scores_are_probabilities (probs, 5), "a distribution");
  guint found =
      gst_trt_top_classes (probs, 5, GST_TRT_SOFTMAX_AUTO, 3, 0.0, out);
  EXPECT (found == 3 && out[0].index == 1 && out[1].index == 2
          && out[2].index == 3,
      "top 3 of probabilities: %u: %u %u %u", found, out[0].index, out[1].index,
      out[2].index);
  EXPECT (out[0].score == 0.3 && out[2].score == 0.2, "scores unchanged");

  /* logits go through a softmax (auto), then the threshold */
  gdouble logits[] = {2.0, -1.0, 0.5, 3.0};
  double sum = exp (2.0) + exp (-1.0) + exp (0.5) + exp (3.0);
  found = gst_trt_top_classes (logits, 4, GST_TRT_SOFTMAX_AUTO, 3, 0.2, out);
  EXPECT (found == 2 && out[0].index == 3 && out[1].index == 0,
      "logits above 0.2: %u", found);
  EXPECT (fabs (out[0].score - exp (3.0) / sum) < 1e-12, "softmax %g",
      out[0].score);

  /* off: scores as they are, even outside [0, 1]; NaN never listed */
  gdouble raw[] = {NAN, 5.0, -2.0};
  found = gst_trt_top_classes (raw, 3, GST_TRT_SOFTMAX_OFF, 3, -10.0, out);
  EXPECT (found == 2 && out[0].index == 1 && out[0].score == 5.0
          && out[1].index == 2,
      "softmax off: %u", found);

  /* on: a distribution goes through it too */
  gdouble flat[] = {0.5, 0.5};
  found = gst_trt_top_classes (flat, 2, GST_TRT_SOFTMAX_ON, 1, 0.0, out);
  EXPECT (found == 1 && out[0].index == 0 && fabs (out[0].score - 0.5) < 1e-12,
      "on");

  /* one class, many candidates: a large k, a long tensor */
  gdouble many[1000];
  for (int i = 0; i < 1000; i++)
    many[i] = (i * 37) % 1000;
  GstTrtClass best[5];
  found = gst_trt_top_classes (many, 1000, GST_TRT_SOFTMAX_OFF, 5, 0.0, best);
  EXPECT (found == 5 && best[0].score == 999.0 && best[4].score == 995.0,
      "top 5 of 1000");
  EXPECT (gst_trt_top_classes (many, 1000, GST_TRT_SOFTMAX_OFF, 0, 0.0, best)
          == 0,
      "k = 0");
  EXPECT (gst_trt_top_classes (many, 0, GST_TRT_SOFTMAX_AUTO, 3, 0.0, best)
          == 0,
      "none");
}

static gchar *
write_file (const gchar *dir, const gchar *name, const gchar *contents,
    gssize length)
{
  gchar *path = g_build_filename (dir, name, NULL);
  EXPECT (g_file_set_contents (path, contents, length, NULL), "writing %s",
      path);
  return path;
}

static void
test_labels (void)
{
  gchar *dir = g_dir_make_tmp ("trtlabels-XXXXXX", NULL);
  GError *error = NULL;

  gchar *path = write_file (dir, "crlf.txt", "cat\r\ndog\r\n\r\nbird\r\n", -1);
  gchar **labels = gst_trt_labels_load (path, &error);
  EXPECT (labels && g_strv_length (labels) == 4, "4 labels (one empty)");
  EXPECT (labels && strcmp (labels[0], "cat") == 0
          && strcmp (labels[2], "") == 0 && strcmp (labels[3], "bird") == 0,
      "CRLF trimmed, the empty label kept");
  g_strfreev (labels);
  g_unlink (path);
  g_free (path);

  path = write_file (dir, "last.txt", "a\nb", -1);
  labels = gst_trt_labels_load (path, NULL);
  EXPECT (labels && g_strv_length (labels) == 2, "no final newline");
  g_strfreev (labels);
  g_unlink (path);
  g_free (path);

  const struct
  {
    const gchar *name, *contents;
    gssize length;
    const gchar *says;
  } bad[] = {
      {"empty.txt", "", 0, "0 lines"},
      {"latin1.txt", "caf\xe9\n", -1, "UTF-8"},
      {"nul.txt", "a\0b\n", 4, "UTF-8"},
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    path = write_file (dir, bad[i].name, bad[i].contents, bad[i].length);
    labels = gst_trt_labels_load (path, &error);
    EXPECT (!labels && error && strstr (error->message, bad[i].says), "%s: %s",
        bad[i].name, error ? error->message : "accepted");
    g_clear_error (&error);
    g_unlink (path);
    g_free (path);
  }
  path = g_build_filename (dir, "missing.txt", NULL);
  EXPECT (!gst_trt_labels_load (path, &error) && error, "a missing file");
  g_clear_error (&error);
  g_free (path);
  g_rmdir (dir);
  g_free (dir);
}

static void
test_ctc (void)
{
  gchar *dictionary[] = {"a", "b", NULL};
  /* classes: blank, a, b, space; best per step: a a _ a b space space _ */
  const guint best[] = {1, 1, 0, 1, 2, 3, 3, 0};
  gdouble scores[8 * 4];
  for (guint t = 0; t < 8; t++)
    for (guint c = 0; c < 4; c++)
      scores[t * 4 + c] = c == best[t] ? 0.5 + 0.05 * t : 0.1;
  gdouble confidence = 0;
  gchar *text =
      gst_trt_ctc_greedy (scores, 8, 4, dictionary, TRUE, 0, &confidence);
  EXPECT (strcmp (text, "aab ") == 0, "\"%s\", expected \"aab \"", text);
  /* kept: steps 0, 3, 4, 5 */
  EXPECT (fabs (confidence - (0.5 + 0.05 * (0 + 3 + 4 + 5) / 4.0)) < 1e-12,
      "confidence %g", confidence);
  g_free (text);

  /* no space class: the fourth class names nothing */
  text = gst_trt_ctc_greedy (scores, 8, 4, dictionary, FALSE, 0, NULL);
  EXPECT (strcmp (text, "aab") == 0, "without space: \"%s\"", text);
  g_free (text);

  /* the blank last (CRNN's convention): classes 0 1 2 name x y z */
  gchar *xyz[] = {"x", "y", "z", NULL};
  text = gst_trt_ctc_greedy (scores, 8, 4, xyz, FALSE, 3, NULL);
  EXPECT (strcmp (text, "yxyzx") == 0, "blank 3: \"%s\"", text);
  g_free (text);

  /* nothing but blanks */
  text = gst_trt_ctc_greedy (scores, 0, 4, dictionary, TRUE, 0, &confidence);
  EXPECT (text[0] == '\0' && confidence == 1.0, "empty");
  g_free (text);
}

int
main (void)
{
  test_ctc ();
  test_top_classes ();
  test_labels ();
  printf ("%s\n",
      failures ? "classification tests FAILED" : "classification tests passed");
  return failures ? 1 : 0;
}
