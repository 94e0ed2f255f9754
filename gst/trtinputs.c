/* Which input is the image, and how the others are filled; see trtinputs.h. */
#include "trtinputs.h"

#include <math.h>
#include <string.h>

/* FP16 engines keep the model's float32 inputs; a model declaring float16
 * inputs needs exporting with float32 ones. */
#define FLOAT16_NOTE "export the model with float32 inputs; precision=fp16 builds an FP16 engine " \
    "from it"

const gchar *
gst_trt_input_layout_name (GstTrtInputLayout layout)
{
  switch (layout) {
    case GST_TRT_INPUT_LAYOUT_NCHW:
      return "nchw";
    case GST_TRT_INPUT_LAYOUT_NHWC:
      return "nhwc";
    default:
      return "auto";
  }
}

void
gst_trt_input_plan_clear (GstTrtInputPlan *plan)
{
  for (guint i = 0; plan->aux && i < plan->num_aux; i++) {
    g_free (plan->aux[i].name);
    g_free (plan->aux[i].values);
  }
  g_free (plan->aux);
  memset (plan, 0, sizeof (*plan));
  plan->image_id = -1;
}

void
gst_trt_input_plan_copy (GstTrtInputPlan *dest, const GstTrtInputPlan *src)
{
  *dest = *src;
  dest->aux = src->num_aux ? g_new0 (GstTrtAuxInput, src->num_aux) : NULL;
  for (guint i = 0; i < src->num_aux; i++) {
    dest->aux[i] = src->aux[i];
    dest->aux[i].name = g_strdup (src->aux[i].name);
    dest->aux[i].values = src->aux[i].values
        ? g_memdup2 (src->aux[i].values, src->aux[i].count * sizeof (gdouble)) : NULL;
  }
}

/* ---- the image ------------------------------------------------------------
 */

static gboolean
is_channel_count (int64_t d)
{
  return d == 1 || d == 3 || d == 4;
}

/* The layout @requested gives 4-D @dims, or AUTO when they cannot be an
 * image that way. Automatic detection takes NCHW whenever dim 1 can be the
 * channels, so models read as they always did; NHWC only when dim 1 cannot
 * be and dim 3 can (a dynamic dim is no channel count). */
static GstTrtInputLayout
image_layout (const trt_dims_t *dims, GstTrtInputLayout requested)
{
  if (dims->nb_dims != 4)
    return GST_TRT_INPUT_LAYOUT_AUTO;
  gboolean nchw = is_channel_count (dims->d[1]),
           nhwc = is_channel_count (dims->d[3]);
  switch (requested) {
    case GST_TRT_INPUT_LAYOUT_NCHW:
      return nchw ? GST_TRT_INPUT_LAYOUT_NCHW : GST_TRT_INPUT_LAYOUT_AUTO;
    case GST_TRT_INPUT_LAYOUT_NHWC:
      return nhwc ? GST_TRT_INPUT_LAYOUT_NHWC : GST_TRT_INPUT_LAYOUT_AUTO;
    default:
      return nchw ? GST_TRT_INPUT_LAYOUT_NCHW
          : nhwc  ? GST_TRT_INPUT_LAYOUT_NHWC
                  : GST_TRT_INPUT_LAYOUT_AUTO;
  }
}

static gchar *
describe_input (const GstTrtInputDesc *input)
{
  char dims[128];

  trt_dims_format (&input->dims, dims, sizeof (dims));
  return g_strdup_printf ("'%s' (%s %s)", input->name,
      trt_data_type_name (input->type), dims);
}

static gchar *
input_list (const GstTrtInputDesc *inputs, guint num_inputs,
    gboolean image_like_only, GstTrtInputLayout layout)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < num_inputs; i++) {
    if (image_like_only
        && image_layout (&inputs[i].dims, layout) == GST_TRT_INPUT_LAYOUT_AUTO)
      continue;
    gchar *one = describe_input (&inputs[i]);
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", one);
    g_free (one);
  }
  return g_string_free (text, FALSE);
}

/* Why @input cannot be the image, or NULL when it can. */
static gchar *
image_problem (const GstTrtInputDesc *input, GstTrtInputLayout requested,
    const gchar *model)
{
  gchar *what = describe_input (input), *problem = NULL;

  if (input->dims.nb_dims != 4) {
    problem = g_strdup_printf ("Input %s of '%s' has %d dimensions; trtinfer "
                               "feeds images "
                               "as 4-D NCHW or NHWC tensors",
        what, model, input->dims.nb_dims);
  } else if (image_layout (&input->dims, requested)
      == GST_TRT_INPUT_LAYOUT_AUTO) {
    if (requested == GST_TRT_INPUT_LAYOUT_AUTO)
      problem = g_strdup_printf (
          "Input %s of '%s' is no image trtinfer can feed: neither "
          "dim 1 (NCHW) nor dim 3 (NHWC) is 1, 3 or 4 channels",
          what, model);
    else
      problem = g_strdup_printf (
          "Input %s of '%s' is no image trtinfer can feed with "
          "input-layout=%s: its channels (dim %d) must be 1, 3 or 4",
          what, model, gst_trt_input_layout_name (requested),
          requested == GST_TRT_INPUT_LAYOUT_NCHW ? 1 : 3);
  } else if (input->type == TRT_DATA_TYPE_FLOAT16) {
    problem = g_strdup_printf ("Input %s of '%s' is float16; trtinfer feeds "
                               "float32 and "
                               "uint8 images (" FLOAT16_NOTE ")",
        what, model);
  } else if (input->type != TRT_DATA_TYPE_FLOAT32
      && input->type != TRT_DATA_TYPE_UINT8) {
    problem = g_strdup_printf ("Input %s of '%s' is %s; trtinfer feeds float32 "
                               "and uint8 "
                               "images",
        what, model, trt_data_type_name (input->type));
  }
  g_free (what);
  return problem;
}

static gboolean
find_image (const GstTrtInputDesc *inputs, guint num_inputs,
    const GstTrtInputOptions *options, const gchar *model, guint *image,
    GError **error)
{
  gchar *problem;

  if (num_inputs == 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "'%s' has no inputs: trtinfer needs one that takes the frames", model);
    return FALSE;
  }
  if (options->input_name) {
    guint found = num_inputs;
    for (guint i = 0; i < num_inputs && found == num_inputs; i++)
      if (g_strcmp0 (inputs[i].name, options->input_name) == 0)
        found = i;
    if (found == num_inputs) {
      gchar *list = input_list (inputs, num_inputs, FALSE, options->layout);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-name: model '%s' has no input named '%s' (its inputs are %s)",
          model, options->input_name, list);
      g_free (list);
      return FALSE;
    }
    *image = found;
  } else {
    guint candidates = 0;
    for (guint i = 0; i < num_inputs; i++) {
      if (image_layout (&inputs[i].dims, options->layout)
          != GST_TRT_INPUT_LAYOUT_AUTO) {
        if (candidates++ == 0)
          *image = i;
      }
    }
    if (candidates > 1) {
      gchar *list = input_list (inputs, num_inputs, TRUE, options->layout);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "'%s' has %u inputs that could take the frames (%s): set input-name "
          "to the one "
          "that does",
          model, candidates, list);
      g_free (list);
      return FALSE;
    }
    if (candidates == 0 && num_inputs == 1) {
      *image = 0; /* its own problem says the most */
    } else if (candidates == 0) {
      gchar *list = input_list (inputs, num_inputs, FALSE, options->layout);
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "None of the inputs of '%s' (%s) is an image trtinfer can feed: a "
          "4-D NCHW or "
          "NHWC tensor with 1, 3 or 4 channels%s",
          model, list,
          options->layout == GST_TRT_INPUT_LAYOUT_AUTO
              ? ""
              : " in the input-layout set");
      g_free (list);
      return FALSE;
    }
  }
  problem = image_problem (&inputs[*image], options->layout, model);
  if (problem) {
    g_set_error_literal (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        problem);
    g_free (problem);
    return FALSE;
  }
  return TRUE;
}

/* ---- the other inputs -----------------------------------------------------
 */

static gboolean
is_integer_type (trt_data_type_t type)
{
  return type == TRT_DATA_TYPE_INT8 || type == TRT_DATA_TYPE_UINT8
      || type == TRT_DATA_TYPE_INT32 || type == TRT_DATA_TYPE_INT64;
}

/* Whether @value is exactly representable in @type (what a user who gives
 * 0.5 for an int64 input would otherwise lose silently). */
static gboolean
value_fits (trt_data_type_t type, gdouble value)
{
  switch (type) {
    case TRT_DATA_TYPE_FLOAT32:
      return !isfinite (value) || fabs (value) <= G_MAXFLOAT;
    case TRT_DATA_TYPE_FLOAT64:
      return TRUE;
    case TRT_DATA_TYPE_BOOL:
      return value == 0.0 || value == 1.0;
    case TRT_DATA_TYPE_INT8:
      return value == floor (value) && value >= G_MININT8 && value <= G_MAXINT8;
    case TRT_DATA_TYPE_UINT8:
      return value == floor (value) && value >= 0 && value <= G_MAXUINT8;
    case TRT_DATA_TYPE_INT32:
      return value == floor (value) && value >= G_MININT32
          && value <= G_MAXINT32;
    case TRT_DATA_TYPE_INT64:
      /* doubles hold integers exactly up to 2^53 */
      return value == floor (value) && fabs (value) <= 9007199254740992.0;
    default:
      return FALSE;
  }
}

static gboolean
number_of (const GValue *value, gdouble *out)
{
  GValue number = G_VALUE_INIT;

  if (G_VALUE_HOLDS_STRING (value))
    return FALSE;
  g_value_init (&number, G_TYPE_DOUBLE);
  gboolean ok = g_value_type_transformable (G_VALUE_TYPE (value), G_TYPE_DOUBLE)
      && g_value_transform (value, &number);
  if (ok)
    *out = g_value_get_double (&number);
  g_value_unset (&number);
  return ok;
}

/* The numbers of an input-values field: one number, or an array or list of
 * them. NULL when an item is not a number. */
static gdouble *
numbers_of (const GValue *value, guint *count)
{
  gdouble *numbers;

  if (GST_VALUE_HOLDS_ARRAY (value) || GST_VALUE_HOLDS_LIST (value)) {
    gboolean array = GST_VALUE_HOLDS_ARRAY (value);
    *count = array ? gst_value_array_get_size (value)
                   : gst_value_list_get_size (value);
    numbers = g_new0 (gdouble, MAX (*count, 1));
    for (guint i = 0; i < *count; i++) {
      const GValue *item = array ? gst_value_array_get_value (value, i)
                                 : gst_value_list_get_value (value, i);
      if (!number_of (item, &numbers[i])) {
        g_free (numbers);
        return NULL;
      }
    }
    return numbers;
  }
  numbers = g_new0 (gdouble, 1);
  *count = 1;
  if (!number_of (value, numbers)) {
    g_free (numbers);
    return NULL;
  }
  return numbers;
}

/* Values per frame of @input (per batch when it does not follow the
 * batch); 0 while a dim is dynamic. */
static gsize
values_per_frame (const GstTrtInputDesc *input, gboolean batched)
{
  gsize count = 1;

  for (gint d = batched ? 1 : 0; d < input->dims.nb_dims; d++) {
    if (input->dims.d[d] < 0)
      return 0;
    count *= (gsize) input->dims.d[d];
  }
  return count;
}

/* Zeros as input-values would take them for @count values of @type. */
static gchar *
example_values (gsize count, trt_data_type_t type)
{
  const gchar *zero =
      is_integer_type (type) || type == TRT_DATA_TYPE_BOOL ? "0" : "0.0";

  if (count == 1)
    return g_strdup (zero);
  if (count == 0 || count > 8)
    return g_strdup_printf ("<%s,...>", zero);
  GString *text = g_string_new ("<");
  for (gsize i = 0; i < count; i++)
    g_string_append_printf (text, "%s%s", i ? "," : "", zero);
  g_string_append_c (text, '>');
  return g_string_free (text, FALSE);
}

static gboolean
resolve_aux (const GstTrtInputDesc *input, const GstTrtInputOptions *options,
    gint capacity, const gchar *model, GstTrtAuxInput *aux, GError **error)
{
  const GValue *given = options->input_values
      ? gst_structure_get_value (options->input_values, input->name)
      : NULL;
  gchar *what = describe_input (input);
  guint num_values = 0;
  gboolean ok = FALSE;

  aux->id = input->id;
  aux->name = g_strdup (input->name);
  aux->type = input->type;
  /* As for outputs: a fixed first dim equal to the batch is the batch. */
  aux->batched = input->dims.nb_dims > 0
      && (input->batched || (capacity > 1 && input->dims.d[0] == capacity));
  aux->count = values_per_frame (input, aux->batched);

  if (given && G_VALUE_HOLDS_STRING (given)) {
    const gchar *source = g_value_get_string (given);
    if (g_strcmp0 (source, GST_TRT_AUX_IMAGE_SIZE_NAME) == 0) {
      aux->kind = GST_TRT_AUX_IMAGE_SIZE;
    } else if (g_strcmp0 (source, GST_TRT_AUX_SCALE_FACTOR_NAME) == 0) {
      aux->kind = GST_TRT_AUX_SCALE_FACTOR;
    } else {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-values: %s=%s: give numbers (e.g. "
          "<1.0,2.0>), " GST_TRT_AUX_IMAGE_SIZE_NAME
          " or " GST_TRT_AUX_SCALE_FACTOR_NAME,
          input->name, source ? source : "");
      goto done;
    }
  } else if (given) {
    aux->kind = GST_TRT_AUX_VALUES;
    aux->values = numbers_of (given, &num_values);
    if (!aux->values) {
      gchar *text = gst_value_serialize (given);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-values: %s=%s: give numbers (e.g. "
          "<1.0,2.0>), " GST_TRT_AUX_IMAGE_SIZE_NAME
          " or " GST_TRT_AUX_SCALE_FACTOR_NAME,
          input->name, text ? text : "?");
      g_free (text);
      goto done;
    }
  } else if (g_strcmp0 (input->name, "im_shape") == 0) {
    /* PaddleDetection's names, filled as its exported models expect. */
    aux->kind = GST_TRT_AUX_IMAGE_SIZE;
  } else if (g_strcmp0 (input->name, "scale_factor") == 0) {
    aux->kind = GST_TRT_AUX_SCALE_FACTOR;
  } else {
    gchar *example = example_values (aux->count, input->type);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Input %s of '%s' is not the image and trtinfer cannot fill it: give "
        "its values "
        "with input-values, e.g. input-values=\"values, %s=%s\" "
        "(or " GST_TRT_AUX_IMAGE_SIZE_NAME " or " GST_TRT_AUX_SCALE_FACTOR_NAME
        " for per-frame values)",
        what, model, input->name, example);
    g_free (example);
    goto done;
  }

  if (input->type == TRT_DATA_TYPE_FLOAT16) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Input %s of '%s' is float16; trtinfer fills float32, float64 and "
        "integer inputs (" FLOAT16_NOTE ")",
        what, model);
    goto done;
  }
  switch (aux->kind) {
    case GST_TRT_AUX_IMAGE_SIZE:
    case GST_TRT_AUX_SCALE_FACTOR: {
      gboolean size = aux->kind == GST_TRT_AUX_IMAGE_SIZE;
      gboolean type_ok = input->type == TRT_DATA_TYPE_FLOAT32
          || input->type == TRT_DATA_TYPE_FLOAT64
          || (size
              && (input->type == TRT_DATA_TYPE_INT32
                  || input->type == TRT_DATA_TYPE_INT64));
      if (!type_ok) {
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            "Input %s of '%s' takes the %s: trtinfer writes it as float32 or "
            "float64%s",
            what, model, size ? "image size" : "scale factor",
            size ? ", int32 or int64" : "");
        goto done;
      }
      if (aux->count != 0 && aux->count != 2) {
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            "Input %s of '%s' takes the %s, which is 2 values per frame (%s), "
            "not %" G_GSIZE_FORMAT,
            what, model, size ? "image size" : "scale factor",
            size ? "height, width" : "y, x", aux->count);
        goto done;
      }
      break;
    }
    case GST_TRT_AUX_VALUES:
      if (!is_integer_type (input->type) && input->type != TRT_DATA_TYPE_FLOAT32
          && input->type != TRT_DATA_TYPE_FLOAT64
          && input->type != TRT_DATA_TYPE_BOOL) {
        g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
            "Input %s of '%s' is %s, which trtinfer cannot fill", what, model,
            trt_data_type_name (input->type));
        goto done;
      }
      if (aux->count != 0 && num_values != aux->count) {
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "input-values gives %u value%s for input %s of '%s', which takes "
            "%" G_GSIZE_FORMAT " per frame",
            num_values, num_values == 1 ? "" : "s", what, model, aux->count);
        goto done;
      }
      for (guint i = 0; i < num_values; i++) {
        if (!value_fits (input->type, aux->values[i])) {
          g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
              "input-values: %g (value %u for input %s) does not fit its type",
              aux->values[i], i, what);
          goto done;
        }
      }
      break;
  }
  ok = TRUE;

done:
  g_free (what);
  return ok;
}

/* Every field of input-values names an input other than the image: a
 * misspelt name would otherwise be ignored. */
static gboolean
check_value_names (const GstTrtInputDesc *inputs, guint num_inputs, guint image,
    const GstTrtInputOptions *options, const gchar *model, GError **error)
{
  const GstStructure *values = options->input_values;

  for (gint f = 0; values && f < gst_structure_n_fields (values); f++) {
    const gchar *name = gst_structure_nth_field_name (values, (guint) f);
    guint found = num_inputs;
    for (guint i = 0; i < num_inputs && found == num_inputs; i++)
      if (g_strcmp0 (inputs[i].name, name) == 0)
        found = i;
    if (found == image) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-values names '%s', the input that takes the frames", name);
      return FALSE;
    }
    if (found == num_inputs) {
      gchar *list = input_list (inputs, num_inputs, FALSE, options->layout);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-values: model '%s' has no input named '%s' (its inputs are "
          "%s)",
          model, name, list);
      g_free (list);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
gst_trt_inputs_resolve (const GstTrtInputDesc *inputs, guint num_inputs,
    const GstTrtInputOptions *options, const gchar *model,
    GstTrtInputPlan *plan, GError **error)
{
  guint image = 0;

  memset (plan, 0, sizeof (*plan));
  plan->image_id = -1;
  if (!find_image (inputs, num_inputs, options, model, &image, error)
      || !check_value_names (inputs, num_inputs, image, options, model, error))
    return FALSE;

  const trt_dims_t *dims = &inputs[image].dims;
  plan->image_id = inputs[image].id;
  plan->capacity = (gint) MAX (dims->d[0], -1);
  plan->type = inputs[image].type;
  plan->layout = image_layout (dims, options->layout);
  gboolean nchw = plan->layout == GST_TRT_INPUT_LAYOUT_NCHW;
  plan->channels = (gint) dims->d[nchw ? 1 : 3];
  plan->height = (gint) MAX (dims->d[nchw ? 2 : 1], -1);
  plan->width = (gint) MAX (dims->d[nchw ? 3 : 2], -1);

  plan->aux = g_new0 (GstTrtAuxInput, MAX (num_inputs, 1));
  for (guint i = 0; i < num_inputs; i++) {
    if (i == image)
      continue;
    if (!resolve_aux (&inputs[i], options, plan->capacity, model,
            &plan->aux[plan->num_aux++], error)) {
      gst_trt_input_plan_clear (plan);
      return FALSE;
    }
  }
  return TRUE;
}

/* ---- writing --------------------------------------------------------------
 */

/* The element sees the engine's public headers only, so this small store
 * is its own; the values were checked to fit when they were resolved. */
static void
store (gpointer out, trt_data_type_t type, gsize i, gdouble value)
{
  switch (type) {
    case TRT_DATA_TYPE_FLOAT32:
      ((gfloat *) out)[i] = (gfloat) value;
      break;
    case TRT_DATA_TYPE_FLOAT64:
      ((gdouble *) out)[i] = value;
      break;
    case TRT_DATA_TYPE_INT8:
      ((gint8 *) out)[i] = (gint8) lround (value);
      break;
    case TRT_DATA_TYPE_UINT8:
    case TRT_DATA_TYPE_BOOL:
      ((guint8 *) out)[i] = (guint8) lround (value);
      break;
    case TRT_DATA_TYPE_INT32:
      ((gint32 *) out)[i] = (gint32) lround (value);
      break;
    case TRT_DATA_TYPE_INT64:
      ((gint64 *) out)[i] = (gint64) llround (value);
      break;
    default:
      break;
  }
}

void
gst_trt_aux_input_write (const GstTrtAuxInput *aux, guint resized_width,
    guint resized_height, gdouble scale_x, gdouble scale_y, gpointer out)
{
  gdouble pair[2];
  const gdouble *values = pair;

  switch (aux->kind) {
    case GST_TRT_AUX_IMAGE_SIZE:
      pair[0] = resized_height;
      pair[1] = resized_width;
      break;
    case GST_TRT_AUX_SCALE_FACTOR:
      pair[0] = scale_y;
      pair[1] = scale_x;
      break;
    case GST_TRT_AUX_VALUES:
      values = aux->values;
      break;
  }
  gsize count =
      aux->kind == GST_TRT_AUX_VALUES ? aux->count : MIN (aux->count, 2);
  for (gsize i = 0; i < count; i++)
    store (out, aux->type, i, values[i]);
}
