/* GstTrtDecoder: the base of the decoder elements (trtclassify, trtdetect,
 * trtctc). Decoders are elements of their own rather than a trtinfer
 * property: one trtinfer feeds whichever decoder its model needs, each
 * decoder has its model's parameters as properties that gst-inspect
 * documents, and a pipeline can decode the same tensors twice. They find
 * their tensors by the producing trtinfer's unique-id (infer-id) and write
 * standard GstVideoRegionOfInterestMeta with their parameters in the
 * region's structures (as DL Streamer does on GStreamer 1.22), which any
 * downstream code reads.
 *
 * The base class holds infer-id, tensor and labels (a file of one name per
 * line, read when the element starts), passes frames without that
 * producer's meta (interval) untouched and calls the subclass's decode()
 * on the others, in place: once per meta of that producer, so once per
 * region when the trtinfer ran in process-mode=roi (the results then go to
 * that region: classes and text into its structures, detections as new
 * regions whose parent is that region). */
#ifndef GST_TRT_DECODER_H
#define GST_TRT_DECODER_H

#include <gst/base/gstbasetransform.h>
#include <gst/video/video.h>

#include "gsttrttensormeta.h"

G_BEGIN_DECLS

#define GST_TYPE_TRT_DECODER (gst_trt_decoder_get_type ())
G_DECLARE_DERIVABLE_TYPE (GstTrtDecoder, gst_trt_decoder, GST, TRT_DECODER,
    GstBaseTransform)

struct _GstTrtDecoderClass
{
  GstBaseTransformClass parent_class;

  /* Adds the regions that @meta's tensors give to @buffer; FALSE with
   * @error when they cannot be decoded. @region: the region the tensors
   * were computed from (a trtinfer in process-mode=roi), NULL for the
   * whole frame. */
  gboolean (*decode) (GstTrtDecoder *decoder, GstBuffer *buffer,
      const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
      GError **error);
};

/* Where a result about the whole input goes: @region itself, or (NULL) a
 * new region of @roi_type covering the frame. */
GstVideoRegionOfInterestMeta *gst_trt_decoder_result_region (GstBuffer *buffer,
    const GstTrtTensorMeta *meta, GstVideoRegionOfInterestMeta *region,
    const gchar *roi_type);

/* The labels read at start; NULL when no file was given. */
gchar **gst_trt_decoder_get_labels (GstTrtDecoder *decoder);
/* infer-id, under the object lock. */
guint gst_trt_decoder_get_infer_id (GstTrtDecoder *decoder);

/* The tensor of @meta named @name (NULL: its tensor @index), or NULL. */
const GstTrtTensor *gst_trt_decoder_find_tensor (const GstTrtTensorMeta *meta,
    const gchar *name, guint index);

/* The tensor named by the tensor property, else @meta's tensor @index;
 * NULL (warned once) when there is none. */
const GstTrtTensor *gst_trt_decoder_main_tensor (GstTrtDecoder *decoder,
    const GstTrtTensorMeta *meta, guint index);

G_END_DECLS

#endif
