/* Greedy CTC decoding of a text recognizer's scores (PP-OCR rec, CRNN):
 * the best class per time step, repeats collapsed, blanks dropped, classes
 * named by a dictionary. */
#ifndef GST_TRT_CTC_H
#define GST_TRT_CTC_H

#include <gst/gst.h>

G_BEGIN_DECLS

/* The text of @scores ([@steps, @classes], probabilities or logits: only
 * their order per step matters for the text) with class @blank as the
 * blank; class k names dictionary[k - 1] where @blank is 0 (else
 * dictionary[k], k != blank, shifted past the blank), and with @space the
 * class after the dictionary is " " (PP-OCR's use_space_char). A class
 * with no name decodes to nothing. @confidence: the mean of the kept
 * steps' best scores (1 when nothing is kept). */
gchar *gst_trt_ctc_greedy (const gdouble *scores, gsize steps, gsize classes,
    gchar **dictionary, gboolean space, guint blank, gdouble *confidence);

G_END_DECLS

#endif
