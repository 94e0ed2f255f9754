/* Which model input is the image, how it is laid out, and how trtinfer
 * fills every other input.
 *
 * Models come with one image input (4-D: NCHW or NHWC, 1, 3 or 4 channels,
 * float32 or uint8) and possibly others: PaddleDetection's detectors take
 * `im_shape` and `scale_factor` beside `image`. Those the element fills
 * itself, per frame or with constants given by the input-values property.
 *
 * No engine or element here: the functions read a list of input
 * descriptions (from a parsed network before building, or from an engine's
 * bindings) so that both see the same rules and the same messages. */
#ifndef GST_TRT_INPUTS_H
#define GST_TRT_INPUTS_H

#include <gst/gst.h>
#include <trt/trt.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRT_INPUT_LAYOUT_AUTO, /* NHWC only when dim 1 cannot be channels */
  GST_TRT_INPUT_LAYOUT_NCHW,
  GST_TRT_INPUT_LAYOUT_NHWC,
} GstTrtInputLayout;

/* What an input other than the image receives. */
typedef enum
{
  GST_TRT_AUX_IMAGE_SIZE,   /* (height, width) of the resized frame */
  GST_TRT_AUX_SCALE_FACTOR, /* (resized / source) as (y, x) */
  GST_TRT_AUX_VALUES,       /* constants from input-values */
} GstTrtAuxKind;

/* Field values of input-values that ask for per-frame values. */
#define GST_TRT_AUX_IMAGE_SIZE_NAME "image-size"
#define GST_TRT_AUX_SCALE_FACTOR_NAME "scale-factor"

/* One input as the model declares it. */
typedef struct
{
  gint id; /* the caller's: binding or tensor index */
  const gchar *name;
  trt_data_type_t type;
  trt_dims_t dims;  /* -1: dynamic (before building) */
  gboolean batched; /* dim 0 follows the batch */
} GstTrtInputDesc;

typedef struct
{
  gint id;
  gchar *name;
  GstTrtAuxKind kind;
  trt_data_type_t type;
  gsize count; /* values per frame (or per batch, unbatched) */
  gboolean batched;
  gdouble *values; /* GST_TRT_AUX_VALUES: count of them */
} GstTrtAuxInput;

typedef struct
{
  gint image_id;
  gint capacity; /* the image's dim 0: frames per inference; -1: dynamic */
  GstTrtInputLayout layout;     /* NCHW or NHWC */
  trt_data_type_t type;         /* FLOAT32 or UINT8 */
  gint channels, height, width; /* -1 where still dynamic */
  guint num_aux;
  GstTrtAuxInput *aux;
} GstTrtInputPlan;

typedef struct
{
  const gchar *input_name; /* NULL: find the image */
  GstTrtInputLayout layout;
  const GstStructure *input_values; /* NULL: none */
} GstTrtInputOptions;

void gst_trt_input_plan_clear (GstTrtInputPlan *plan);
/* A deep copy of @src into @dest (cleared first by the caller). */
void gst_trt_input_plan_copy (GstTrtInputPlan *dest, const GstTrtInputPlan *src);

/* Resolves every input of @inputs for the model called @model in messages.
 * FALSE with @error (GST_RESOURCE_ERROR_SETTINGS for a property that names
 * something wrong, GST_STREAM_ERROR_FORMAT for a model trtinfer cannot
 * feed). Checks of sizes that are still dynamic wait for the built engine. */
gboolean gst_trt_inputs_resolve (const GstTrtInputDesc *inputs,
    guint num_inputs, const GstTrtInputOptions *options, const gchar *model,
    GstTrtInputPlan *plan, GError **error);

/* Writes @aux's values for a frame of this geometry to @out (count
 * elements of aux->type). */
void gst_trt_aux_input_write (const GstTrtAuxInput *aux, guint resized_width,
    guint resized_height, gdouble scale_x, gdouble scale_y, gpointer out);

const gchar *gst_trt_input_layout_name (GstTrtInputLayout layout);

G_END_DECLS

#endif
