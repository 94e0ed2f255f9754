/* Classification results from a tensor of class scores: softmax where the
 * scores are not probabilities yet, the k best classes at or above a
 * threshold, and their names from a label file. Shared by the trtclassify
 * element and its tests. */
#ifndef GST_TRT_CLASSIFICATION_H
#define GST_TRT_CLASSIFICATION_H

#include <gst/gst.h>

#include "trttensorvalues.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRT_SOFTMAX_AUTO, /* unless the scores already form a distribution */
  GST_TRT_SOFTMAX_ON,
  GST_TRT_SOFTMAX_OFF,
} GstTrtSoftmax;

typedef struct
{
  guint index;
  gdouble score;
} GstTrtClass;

/* Whether @scores (@count of them) form a probability distribution: each
 * in [0, 1], summing to 1 within 1e-3. */
gboolean gst_trt_scores_are_probabilities (const gdouble *scores, gsize count);

/* The @top_k best classes of @scores (softmax applied in place per
 * @softmax) whose score is at least @threshold, best first (ties: lower
 * index first), into @out; returns how many. */
guint gst_trt_top_classes (gdouble *scores, gsize count, GstTrtSoftmax softmax,
    guint top_k, gdouble threshold, GstTrtClass *out);

/* Labels, one per line of @path (UTF-8; "\r\n" line ends too; a last empty
 * line dropped); at most 1 MiB and 100000 lines. NULL with @error. */
gchar **gst_trt_labels_load (const gchar *path, GError **error);

/* The label of class @index: line @index of @labels, else the number
 * itself (newly allocated). */
gchar *gst_trt_label_of (gchar **labels, guint index);

G_END_DECLS

#endif
