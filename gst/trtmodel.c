/* Model loading for trtinfer; see trtmodel.h. */
#include "trtmodel.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* ---- model formats -------------------------------------------------------
 * One row per format, chosen by the model file's extension; a new format is
 * one parse function and one row. */

typedef trt_status_t (*ParseFunc) (trt_network_t * network,
    const GstTrtModelOptions * options);

typedef struct {
  const gchar *name;
  const gchar *extension;
  gboolean takes_weights;
  ParseFunc parse;
} ModelFormat;

static trt_status_t
parse_onnx (trt_network_t * network, const GstTrtModelOptions * options)
{
  return trt_onnx_parse (network, options->model_file);
}

/* Caffe deploy files fix the batch: it becomes batch-size. Without a
 * weights-file the parser makes deterministic random weights. */
static trt_status_t
parse_caffe (trt_network_t * network, const GstTrtModelOptions * options)
{
  trt_caffe_options_t caffe;

  trt_caffe_options_init (&caffe);
  caffe.batch_size = (int) MAX (options->batch_size, 1);
  if (options->output_names) {
    caffe.outputs = (const char *const *) options->output_names;
    caffe.nb_outputs = (int) g_strv_length (options->output_names);
  }
  return trt_caffe_parse (network, options->model_file, options->weights_file, &caffe);
}

static const ModelFormat model_formats[] = {
  {"ONNX", ".onnx", FALSE, parse_onnx},
  {"Caffe", ".prototxt", TRUE, parse_caffe},
};

static const ModelFormat *
find_format (const gchar * path)
{
  gchar *lower = g_ascii_strdown (path, -1);
  const ModelFormat *found = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (model_formats) && !found; i++)
    if (g_str_has_suffix (lower, model_formats[i].extension))
      found = &model_formats[i];
  g_free (lower);
  return found;
}

gchar *
gst_trt_model_known_extensions (void)
{
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (model_formats); i++)
    g_string_append_printf (text, "%s%s (%s)", i ? ", " : "", model_formats[i].extension,
        model_formats[i].name);
  return g_string_free (text, FALSE);
}

/* ---- options, info -------------------------------------------------------- */

void
gst_trt_model_options_clear (GstTrtModelOptions * options)
{
  g_clear_pointer (&options->model_file, g_free);
  g_clear_pointer (&options->weights_file, g_free);
  g_clear_pointer (&options->engine_file, g_free);
  g_clear_pointer (&options->calibration_cache, g_free);
  g_clear_pointer (&options->input_name, g_free);
  g_clear_pointer (&options->output_names, g_strfreev);
  g_clear_pointer (&options->input_values, gst_structure_free);
}

void
gst_trt_model_info_clear (GstTrtModelInfo * info)
{
  g_free (info->output_bindings);
  g_free (info->cache_key);
  gst_trt_input_plan_clear (&info->inputs);
  g_free (info->engine_path);
  g_free (info->engine_reason);
  g_free (info->target);
  memset (info, 0, sizeof (*info));
  info->input_binding = -1;
  info->inputs.image_id = -1;
}

void
gst_trt_model_info_copy (GstTrtModelInfo * dest, const GstTrtModelInfo * src)
{
  *dest = *src;
  dest->output_bindings = src->num_outputs
      ? g_memdup2 (src->output_bindings, src->num_outputs * sizeof (gint)) : NULL;
  gst_trt_input_plan_copy (&dest->inputs, &src->inputs);
  dest->cache_key = g_strdup (src->cache_key);
  dest->engine_path = g_strdup (src->engine_path);
  dest->engine_reason = g_strdup (src->engine_reason);
  dest->target = g_strdup (src->target);
}

typedef struct {
  const GstTrtModelCallbacks *callbacks;
  gpointer user_data;
} ProgressRelay;

static void
relay_build_progress (int percent, const char *step, void *data)
{
  const ProgressRelay *relay = data;

  if (relay->callbacks && relay->callbacks->build_progress)
    relay->callbacks->build_progress (percent, step, relay->user_data);
}

static void
builder_config (const GstTrtModelOptions * options, const GstTrtTarget * target,
    const ProgressRelay * relay, trt_builder_config_t * config)
{
  trt_builder_config_init (config);
  config->backend = target->backend;
  config->device = target->device;
  config->max_batch = (int) MAX (options->batch_size, 1);
  config->precision = options->precision;
  config->calibration_cache_path = options->calibration_cache;
  config->progress = relay_build_progress;
  config->progress_data = (void *) relay;
  config->cpu_threads = (int) options->threads;
}

/* ---- files ---------------------------------------------------------------- */

/* The largest model, weights or calibration file read: the cap of the
 * engine's own readers (which also refuse larger plans). */
#define MAX_FILE_SIZE (G_GUINT64_CONSTANT (4) << 30)

static const gchar *
file_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

/* Opens the file a property names to read it whole: a regular file of at
 * most MAX_FILE_SIZE (a FIFO or /dev/zero would block or never end).
 * O_NONBLOCK: opening a FIFO does not wait for a writer. Returns the
 * descriptor and the size, or -1 with @error set. */
static gint
open_input (const gchar * label, const gchar * path, guint64 * size, GError ** error)
{
  gint fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  GStatBuf info;

  if (fd < 0 && errno == ENOENT) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "%s '%s' does not exist", label, path);
    return -1;
  }
  if (fd < 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        "Could not open %s '%s': %s", label, path, g_strerror (errno));
    return -1;
  }
  if (fstat (fd, &info) != 0) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        "Could not examine %s '%s': %s", label, path, g_strerror (errno));
  } else if (!S_ISREG (info.st_mode)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        "%s '%s' is %s, not a regular file", label, path, file_kind (info.st_mode));
  } else if ((guint64) info.st_size > MAX_FILE_SIZE) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
        "%s '%s' is %" G_GUINT64_FORMAT " bytes, larger than the %" G_GUINT64_FORMAT
        " MiB trtinfer reads from one file", label, path, (guint64) info.st_size,
        MAX_FILE_SIZE >> 20);
  } else {
    *size = (guint64) info.st_size;
    return fd;
  }
  g_close (fd, NULL);
  return -1;
}

static gboolean
check_input (const gchar * label, const gchar * path, GError ** error)
{
  guint64 size;
  gint fd = open_input (label, path, &size, error);

  if (fd < 0)
    return FALSE;
  g_close (fd, NULL);
  return TRUE;
}

/* engine-file is read and replaced (atomically: a new file renamed over
 * it), so it must be a regular file or not exist yet, and none of the
 * files the engine is built from: a plan saved over the model would
 * destroy it, and renaming over /dev/zero would replace the device.
 * Sets @exists when there is a file to load. */
static gboolean
check_engine_file (const GstTrtModelOptions * options, const gchar * path, gboolean * exists,
    GError ** error)
{
  GStatBuf info;
  gboolean link = FALSE;

  *exists = FALSE;
  if (g_lstat (path, &info) != 0)
    return TRUE;                /* not there yet: built and written */
  if (S_ISLNK (info.st_mode)) {
    link = TRUE;
    if (g_stat (path, &info) != 0)
      return TRUE;              /* a dangling link: replaced by the plan */
  }
  if (!S_ISREG (info.st_mode)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "engine-file '%s' is %s%s, not a regular file: trtinfer neither reads an engine "
        "from it nor writes one over it", path, link ? "a symbolic link to " : "",
        file_kind (info.st_mode));
    return FALSE;
  }
  const gchar *labels[] = { "model-file", "weights-file", "calibration-cache" };
  const gchar *inputs[] = { options->model_file, options->weights_file,
    options->calibration_cache
  };
  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++) {
    GStatBuf input;
    if (inputs[i] && g_stat (inputs[i], &input) == 0 && input.st_dev == info.st_dev
        && input.st_ino == info.st_ino) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "engine-file '%s' is the %s '%s': saving the engine would replace it; give "
          "engine-file a path of its own", path, labels[i], inputs[i]);
      return FALSE;
    }
  }
  *exists = TRUE;
  return TRUE;
}

/* ---- cache key ------------------------------------------------------------ */

/* The file is read here, in chunks: the element uses the engine's public
 * headers only, and the engine's reader (trt_file_read_all) is internal. */
static gboolean
hash_file (GChecksum * checksum, const gchar * label, const gchar * path, GError ** error)
{
  guint64 size = 0;
  gint fd;
  gboolean ok;

  if (!path) {
    g_checksum_update (checksum, (const guchar *) label, strlen (label) + 1);
    return TRUE;
  }
  fd = open_input (label, path, &size, error);
  if (fd < 0)
    return FALSE;
  ok = gst_trt_cache_digest_fd (checksum, label, path, fd, size, error);
  g_close (fd, NULL);
  return ok;
}

gchar *
gst_trt_model_cache_key (const GstTrtModelOptions * options, const GstTrtTarget * target,
    GError ** error)
{
  GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gchar *text;

  if (!hash_file (checksum, "model-file", options->model_file, error)
      || !hash_file (checksum, "weights-file", options->weights_file, error)) {
    g_checksum_free (checksum);
    return NULL;
  }
  /* A calibration cache changes an INT8 engine only. */
  if (options->precision == TRT_PRECISION_INT8 && options->calibration_cache
      && g_file_test (options->calibration_cache, G_FILE_TEST_EXISTS)
      && !hash_file (checksum, "calibration-cache", options->calibration_cache, error)) {
    g_checksum_free (checksum);
    return NULL;
  }
  /* The target as resolved: an engine for `auto` on a machine with a GPU
   * is a CUDA engine for that GPU, never the CPU plan an earlier start on
   * another machine left. */
  gchar *outputs = options->output_names ? g_strjoinv (",", options->output_names) : NULL;
  text = g_strdup_printf ("engine %s; precision %s; batch-size %u; size %ux%u; "
      "backend %s; device %s; input-name %s; output-names %s", trt_version_string (),
      trt_precision_name (target->precision), options->batch_size, options->width,
      options->height, trt_backend_name (target->backend), target->identity,
      options->input_name ? options->input_name : "", outputs ? outputs : "");
  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_free (outputs);
  g_free (text);
  /* The layout decides which dims width and height fix. */
  text = g_strdup_printf ("; input-layout %s",
      gst_trt_input_layout_name (options->input_layout));
  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_free (text);
  text = g_strdup (g_checksum_get_string (checksum));
  g_checksum_free (checksum);
  return text;
}

gchar *
gst_trt_model_sharing_key (const GstTrtModelOptions * options, gchar ** cache_key)
{
  GstTrtTarget target = { 0 };
  gchar *identity = NULL;
  GStatBuf st;

  *cache_key = NULL;
  if (!gst_trt_target_resolve (&target, options->backend, options->device_id,
          options->precision, NULL))
    return NULL;
  if (options->model_file) {
    identity = gst_trt_model_cache_key (options, &target, NULL);
    *cache_key = g_strdup (identity);
  } else if (options->engine_file && g_stat (options->engine_file, &st) == 0) {
    identity = g_strdup_printf ("plan %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
        options->engine_file, (gint64) st.st_size, (gint64) st.st_mtime, target.identity);
  }
  /* Identical cards share a plan (the cache key), never an engine. */
  const gint device = target.device;
  gst_trt_target_clear (&target);
  if (!identity)
    return NULL;
  gchar *outputs = options->output_names ? g_strjoinv (",", options->output_names) : NULL;
  gchar *values = options->input_values ? gst_structure_to_string (options->input_values) : NULL;
  gchar *text = g_strdup_printf ("%s; device %d; engine-file %s; input-name %s; "
      "input-layout %s; output-names %s; batch-size %u; size %ux%u; input-values %s; "
      "threads %u", identity, device,
      options->engine_file ? options->engine_file : "",
      options->input_name ? options->input_name : "",
      gst_trt_input_layout_name (options->input_layout), outputs ? outputs : "",
      options->batch_size, options->width, options->height, values ? values : "",
      options->threads);
  gchar *key = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_free (text);
  g_free (values);
  g_free (outputs);
  g_free (identity);
  return key;
}

/* ---- network preparation -------------------------------------------------- */

static gchar *
tensor_list (const trt_network_t * network, gboolean inputs)
{
  GString *text = g_string_new (NULL);
  int count = inputs ? trt_network_num_inputs (network) : trt_network_num_outputs (network);

  for (int i = 0; i < count; i++) {
    int tensor = inputs ? trt_network_input (network, i) : trt_network_output (network, i);
    g_string_append_printf (text, "%s'%s'", i ? ", " : "",
        trt_network_tensor_name (network, tensor));
  }
  return g_string_free (text, FALSE);
}

/* output-names replaces the model's outputs: each named tensor (an output
 * or an intermediate one) becomes an output, the others stop being ones. */
static gboolean
select_outputs (trt_network_t * network, gchar ** names, const gchar * model, GError ** error)
{
  if (!names || !names[0])
    return TRUE;
  for (gchar ** name = names; *name; name++) {
    if (trt_network_find_tensor (network, *name) < 0) {
      gchar *outputs = tensor_list (network, FALSE);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "output-names: model '%s' has no tensor named '%s' (its outputs are %s)", model,
          *name, outputs);
      g_free (outputs);
      return FALSE;
    }
  }
  while (trt_network_num_outputs (network) > 0)
    trt_network_unmark_output (network, trt_network_output (network, 0));
  for (gchar ** name = names; *name; name++)
    trt_network_mark_output (network, trt_network_find_tensor (network, *name));
  return TRUE;
}

static void
input_options (const GstTrtModelOptions * options, GstTrtInputOptions * input)
{
  input->input_name = options->input_name;
  input->layout = options->input_layout;
  input->input_values = options->input_values;
}

/* Finds the image input (and checks the others) before anything is built,
 * then fixes the image's height and width when the model leaves them
 * dynamic (the batch dimension stays dynamic: the builder sets it). */
static gboolean
fix_input_size (trt_network_t * network, const GstTrtModelOptions * options,
    const gchar * model, GError ** error)
{
  guint num_inputs = (guint) MAX (trt_network_num_inputs (network), 0);
  GstTrtInputDesc *inputs = g_new0 (GstTrtInputDesc, MAX (num_inputs, 1));
  GstTrtInputOptions input_opts;
  GstTrtInputPlan plan;

  for (guint i = 0; i < num_inputs; i++) {
    int tensor = trt_network_input (network, (int) i);
    inputs[i].id = tensor;
    inputs[i].name = trt_network_tensor_name (network, tensor);
    inputs[i].type = trt_network_tensor_type (network, tensor);
    inputs[i].dims = trt_network_tensor_dims (network, tensor);
    inputs[i].batched = inputs[i].dims.nb_dims > 0 && inputs[i].dims.d[0] < 0;
  }
  input_options (options, &input_opts);
  gboolean resolved = gst_trt_inputs_resolve (inputs, num_inputs, &input_opts, model,
      &plan, error);
  g_free (inputs);
  if (!resolved)
    return FALSE;

  int tensor = plan.image_id;
  gboolean nchw = plan.layout == GST_TRT_INPUT_LAYOUT_NCHW;
  gst_trt_input_plan_clear (&plan);
  trt_dims_t dims = trt_network_tensor_dims (network, tensor);
  gboolean changed = FALSE;
  const gchar *what[2] = { "height", "width" };
  guint wanted[2] = { options->height, options->width };
  for (int i = 0; i < 2; i++) {
    int64_t *d = &dims.d[(nchw ? 2 : 1) + i];
    if (*d < 0 && wanted[i] == 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "Model '%s' leaves the %s of input '%s' dynamic: set the %s property", model,
          what[i], trt_network_tensor_name (network, tensor), what[i]);
      return FALSE;
    }
    if (wanted[i] != 0 && *d >= 0 && *d != (int64_t) wanted[i]) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "Model '%s' fixes the %s of input '%s' to %" G_GINT64_FORMAT ": the %s property "
          "asks for %u (leave it at 0)", model, what[i],
          trt_network_tensor_name (network, tensor), (gint64) * d, what[i], wanted[i]);
      return FALSE;
    }
    if (*d < 0) {
      *d = wanted[i];
      changed = TRUE;
    }
  }
  if (changed && trt_network_set_input_dims (network,
          trt_network_tensor_name (network, tensor), &dims) != TRT_STATUS_OK) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Could not set the input size of model '%s': %s", model, trt_last_error ());
    return FALSE;
  }
  return TRUE;
}

static void
progress (const GstTrtModelCallbacks * callbacks, gpointer user_data,
    GstTrtModelStage stage, const gchar * text)
{
  if (callbacks && callbacks->progress)
    callbacks->progress (stage, text, user_data);
}

/* ---- sizes that break the network ------------------------------------------
 * A network that downsamples and then joins paths again (Concat or Add after
 * an upsampling, as detectors and segmenters do) builds only at sizes that
 * are multiples of its total stride. When a size from the width or height
 * property fails on shapes, sizes rounded to powers of two are tried on
 * shape inference alone; the smallest multiple with which two successive
 * sizes work is the one reported. Trying sizes needs no knowledge of the
 * layers, so it holds for any op that constrains sizes. */

#define MAX_SIZE_MULTIPLE 256

/* Gives every input's dynamic first dimension 1, as the builder gives it
 * the batch size. */
static gboolean
set_batch_one (trt_network_t * network)
{
  for (int i = 0; i < trt_network_num_inputs (network); i++) {
    int tensor = trt_network_input (network, i);
    trt_dims_t dims = trt_network_tensor_dims (network, tensor);
    if (dims.nb_dims > 0 && dims.d[0] < 0) {
      dims.d[0] = 1;
      if (trt_network_set_input_dims (network, trt_network_tensor_name (network, tensor),
              &dims) != TRT_STATUS_OK)
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean fix_input_size (trt_network_t * network, const GstTrtModelOptions * options,
    const gchar * model, GError ** error);

static gboolean
size_works (const trt_network_t * unsized, const GstTrtModelOptions * options, guint height,
    guint width)
{
  GstTrtModelOptions probe = *options;
  trt_network_t *copy = trt_network_clone (unsized);
  gboolean works;

  probe.height = height;
  probe.width = width;
  works = copy && fix_input_size (copy, &probe, options->model_file, NULL)
      && set_batch_one (copy) && trt_network_infer_shapes (copy) == TRT_STATUS_OK;
  trt_network_destroy (copy);
  return works;
}

static guint
round_up (guint value, guint multiple)
{
  return (value + multiple - 1) / multiple * multiple;
}

/* "width 100: the model needs a multiple of 32 (96 or 128 would do); ",
 * or NULL when no power of two up to MAX_SIZE_MULTIPLE makes it work. */
static gchar *
size_hint (const trt_network_t * unsized, const GstTrtModelOptions * options)
{
  guint height = options->height, width = options->width;

  for (guint m = 2; m <= MAX_SIZE_MULTIPLE; m *= 2) {
    guint h = height ? round_up (height, m) : 0, w = width ? round_up (width, m) : 0;
    if (h == height && w == width)
      continue;                 /* the size that failed is a multiple already */
    if (!size_works (unsized, options, h, w)
        || !size_works (unsized, options, height ? h + m : 0, width ? w + m : 0))
      continue;
    GString *hint = g_string_new (NULL);
    const gchar *names[2] = { "height", "width" };
    guint asked[2] = { height, width };
    for (guint i = 0; i < 2; i++) {
      if (asked[i] == 0 || asked[i] % m == 0)
        continue;
      guint below = asked[i] / m * m;
      g_string_append_printf (hint, "%s %u: the model needs a multiple of %u (", names[i],
          asked[i], m);
      if (below > 0)
        g_string_append_printf (hint, "%u or ", below);
      g_string_append_printf (hint, "%u would do); ", round_up (asked[i], m));
    }
    return g_string_free (hint, FALSE);
  }
  return NULL;
}

static trt_engine_t *
build (const GstTrtModelOptions * options, const trt_builder_config_t * config,
    const GstTrtModelCallbacks * callbacks, gpointer user_data, GError ** error)
{
  const gchar *model = options->model_file;
  const ModelFormat *format = find_format (model);
  trt_network_t *network = NULL, *unsized = NULL;
  trt_engine_t *engine = NULL;
  gchar *text;

  if (!format) {
    gchar *known = gst_trt_model_known_extensions ();
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "model-file '%s': unknown model format; known extensions: %s", model, known);
    g_free (known);
    return NULL;
  }
  if (options->weights_file && !format->takes_weights) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "weights-file is for Caffe models; %s model '%s' holds its weights", format->name,
        model);
    return NULL;
  }

  text = g_strdup_printf ("Building an engine for %s model '%s'", format->name, model);
  progress (callbacks, user_data, GST_TRT_MODEL_STAGE_BUILD_START, text);
  g_free (text);

  network = trt_network_create ();
  if (!network) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
        "Out of memory creating a network");
    goto failed;
  }
  if (format->parse (network, options) != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "Could not load model '%s': %s", model, trt_last_error ());
    goto failed;
  }
  text = g_strdup_printf ("Parsed %d layers", trt_network_num_layers (network));
  progress (callbacks, user_data, GST_TRT_MODEL_STAGE_BUILD_PARSED, text);
  g_free (text);

  if (!select_outputs (network, options->output_names, model, error))
    goto failed;
  /* The model as it leaves its size, to try other sizes should this one
   * not build (size_hint). */
  if (options->width || options->height)
    unsized = trt_network_clone (network);
  if (!fix_input_size (network, options, model, error))
    goto failed;

  trt_status_t status = trt_engine_build (network, config, &engine);
  if (status != TRT_STATUS_OK) {
    /* Read the engine's message now: trying sizes makes calls of its own. */
    gchar *detail = g_strdup (trt_last_error ());
    gchar *hint = status == TRT_STATUS_SHAPE_ERROR && unsized
        ? size_hint (unsized, options) : NULL;
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "Could not build an engine for model '%s' (backend %s): %s%s", model,
        trt_backend_name (config->backend), hint ? hint : "", detail);
    g_free (hint);
    g_free (detail);
    goto failed;
  }
  trt_network_destroy (unsized);
  trt_network_destroy (network);
  progress (callbacks, user_data, GST_TRT_MODEL_STAGE_BUILD_DONE, "Engine built");
  return engine;

failed:
  trt_network_destroy (unsized);
  trt_network_destroy (network);
  progress (callbacks, user_data, GST_TRT_MODEL_STAGE_BUILD_FAILED, "Engine build failed");
  return NULL;
}

/* ---- the engine as the element sees it ------------------------------------ */

static gchar *
binding_list (const trt_engine_t * engine, gboolean inputs)
{
  GString *text = g_string_new (NULL);

  for (int b = 0; b < trt_engine_num_bindings (engine); b++)
    if (trt_engine_binding_is_input (engine, b) == inputs)
      g_string_append_printf (text, "%s'%s'", text->len ? ", " : "",
          trt_engine_binding_name (engine, b));
  return g_string_free (text, FALSE);
}

static gboolean
describe (const trt_engine_t * engine, const GstTrtModelOptions * options,
    GstTrtModelInfo * info, GError ** error)
{
  const gchar *what = options->model_file ? options->model_file : options->engine_file;
  int num_inputs = 0;

  for (int b = 0; b < trt_engine_num_bindings (engine); b++)
    num_inputs += trt_engine_binding_is_input (engine, b);

  /* the image input and the others; inputs are the first bindings */
  GstTrtInputDesc *inputs = g_new0 (GstTrtInputDesc, MAX (num_inputs, 1));
  GstTrtInputOptions input_opts;
  for (int b = 0; b < num_inputs; b++) {
    inputs[b].id = b;
    inputs[b].name = trt_engine_binding_name (engine, b);
    inputs[b].type = trt_engine_binding_type (engine, b);
    inputs[b].dims = trt_engine_binding_dims (engine, b);
    inputs[b].batched = trt_engine_binding_has_batch (engine, b);
  }
  input_options (options, &input_opts);
  gboolean resolved = gst_trt_inputs_resolve (inputs, (guint) num_inputs, &input_opts,
      what, &info->inputs, error);
  g_free (inputs);
  if (!resolved)
    return FALSE;

  /* A dynamic batch is built for batch-size; a fixed one (Caffe) is a
   * batch of that many frames. */
  info->input_binding = info->inputs.image_id;
  info->channels = (guint) info->inputs.channels;
  info->height = (guint) info->inputs.height;
  info->width = (guint) info->inputs.width;
  info->capacity = (guint) MAX (info->inputs.capacity, 1);

  /* the outputs, in output-names order */
  if (options->output_names && options->output_names[0]) {
    info->num_outputs = g_strv_length (options->output_names);
    info->output_bindings = g_new (gint, info->num_outputs);
    for (guint i = 0; i < info->num_outputs; i++) {
      int b = trt_engine_find_binding (engine, options->output_names[i]);
      if (b < 0 || trt_engine_binding_is_input (engine, b)) {
        gchar *outputs = binding_list (engine, FALSE);
        g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
            "output-names: '%s' has no output named '%s' (its outputs are %s)", what,
            options->output_names[i], outputs);
        g_free (outputs);
        return FALSE;
      }
      info->output_bindings[i] = b;
    }
  } else {
    info->num_outputs = (guint) (trt_engine_num_bindings (engine) - num_inputs);
    info->output_bindings = g_new (gint, MAX (info->num_outputs, 1));
    for (guint i = 0; i < info->num_outputs; i++)
      info->output_bindings[i] = num_inputs + (gint) i;
  }
  return TRUE;
}

/* ---- load or build -------------------------------------------------------- */

static void
warn (const GstTrtModelCallbacks * callbacks, gpointer user_data, const gchar * text,
    const gchar * debug)
{
  if (callbacks && callbacks->warning)
    callbacks->warning (text, debug, user_data);
}

/* Loads @path when it holds an engine for @key (NULL: any). On failure
 * returns NULL and, in @reason, the engine's message. */
static trt_engine_t *
load_plan (const gchar * path, const gchar * key, const trt_builder_config_t * config,
    gchar ** reason)
{
  trt_engine_t *engine = NULL;

  if (trt_engine_load (path, key, config, &engine) != TRT_STATUS_OK) {
    *reason = g_strdup (trt_last_error ());
    return NULL;
  }
  return engine;
}

/* What refusing @config (trt_builder_config_check) says, naming the
 * property that asked for it. */
static void
refuse_config (const GstTrtModelOptions * options, GError ** error)
{
  if (options->precision != TRT_PRECISION_FP32)
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "precision=%s: %s", trt_precision_name (options->precision), trt_last_error ());
  else
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "calibration-cache '%s': %s", options->calibration_cache, trt_last_error ());
}

/* engine-file without model-file: the plan is taken as it is, for any
 * backend but one other than asked for. */
static trt_engine_t *
load_plan_alone (const GstTrtModelOptions * options, const GstTrtTarget * target,
    const trt_builder_config_t * built_config, const GstTrtModelCallbacks * callbacks,
    gpointer user_data, GstTrtModelInfo * info, GError ** error)
{
  trt_builder_config_t config = *built_config;
  gchar *reason = NULL;
  trt_engine_t *engine;

  config.backend = options->backend;
  engine = load_plan (options->engine_file, NULL, &config, &reason);
  if (!engine) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Could not load engine-file '%s': %s (set model-file to rebuild it)",
        options->engine_file, reason);
    g_free (reason);
    return NULL;
  }
  /* backend=auto: a CPU plan where a GPU could run it is said aloud. */
  if (trt_engine_backend (engine) != target->backend) {
    gchar *text = g_strdup_printf ("engine-file '%s' holds a %s engine, but backend=auto "
        "chose %s here: set model-file to build one for it, or backend=%s", options->engine_file,
        trt_backend_name (trt_engine_backend (engine)), trt_backend_name (target->backend),
        trt_backend_name (trt_engine_backend (engine)));
    warn (callbacks, user_data, text, NULL);
    g_free (text);
  }
  info->engine_source = GST_TRT_MODEL_ENGINE_LOADED;
  info->engine_path = g_strdup (options->engine_file);
  return engine;
}

/* With a model: engine-file when it holds this key's engine; else, when it
 * holds anything, the derived file beside it (loaded when it holds this
 * key's engine, else built and written); else a build written to
 * engine-file. A file the user named is only ever created, never replaced. */
static trt_engine_t *
load_or_build (const GstTrtModelOptions * options, const GstTrtTarget * target,
    const trt_builder_config_t * config, const gchar * key, gboolean engine_exists,
    const GstTrtModelCallbacks * callbacks, gpointer user_data, GstTrtModelInfo * info,
    GError ** error)
{
  trt_engine_t *engine = NULL;
  gchar *reason = NULL, *derived = NULL, *save_to = NULL;

  if (engine_exists) {
    engine = load_plan (options->engine_file, key, config, &reason);
    if (engine) {
      info->engine_source = GST_TRT_MODEL_ENGINE_LOADED;
      info->engine_path = g_strdup (options->engine_file);
      return engine;
    }
    derived = gst_trt_cache_derived_path (options->engine_file, options->batch_size, target,
        key);
    gboolean derived_exists = FALSE;
    GError *unusable = NULL;
    if (!check_engine_file (options, derived, &derived_exists, &unusable)) {
      warn (callbacks, user_data, unusable->message, NULL);
      g_clear_error (&unusable);
    } else if (derived_exists) {
      gchar *derived_reason = NULL;
      engine = load_plan (derived, key, config, &derived_reason);
      if (engine) {
        info->engine_source = GST_TRT_MODEL_ENGINE_LOADED;
        info->engine_path = derived;
        info->engine_reason = reason;
        return engine;
      }
      GST_DEBUG ("'%s' does not hold this engine either: %s", derived, derived_reason);
      g_free (derived_reason);
      save_to = g_strdup (derived);     /* ours to replace: its name is the key's */
    } else {
      save_to = g_strdup (derived);
    }
    if (save_to && g_strcmp0 (save_to, options->engine_file) == 0)
      g_clear_pointer (&save_to, g_free);
    gchar *text = save_to
        ? g_strdup_printf ("engine-file '%s' does not hold an engine for this model and "
        "these options: building one into '%s' and leaving '%s' as it is",
        options->engine_file, save_to, options->engine_file)
        : g_strdup_printf ("engine-file '%s' does not hold an engine for this model and "
        "these options: building one that will not be kept, leaving '%s' as it is",
        options->engine_file, options->engine_file);
    warn (callbacks, user_data, text, reason);
    g_free (text);
  } else if (options->engine_file) {
    save_to = g_strdup (options->engine_file);
  }

  engine = build (options, config, callbacks, user_data, error);
  if (!engine)
    goto out;
  info->engine_source = GST_TRT_MODEL_ENGINE_BUILT;
  if (save_to) {
    if (trt_engine_save (engine, save_to, key) == TRT_STATUS_OK) {
      info->engine_source = GST_TRT_MODEL_ENGINE_BUILT_SAVED;
    } else {
      gchar *text = g_strcmp0 (save_to, options->engine_file) == 0
          ? g_strdup_printf ("Could not write engine-file '%s': the engine will be built "
          "again next time", save_to)
          : g_strdup_printf ("Could not write '%s' beside engine-file: the engine will be "
          "built again next time", save_to);
      warn (callbacks, user_data, text, trt_last_error ());
      g_free (text);
      info->engine_source = GST_TRT_MODEL_ENGINE_BUILT_NOT_SAVED;
    }
    info->engine_path = g_steal_pointer (&save_to);
    if (engine_exists)
      info->engine_reason = g_steal_pointer (&reason);
  }

out:
  g_free (save_to);
  g_free (derived);
  g_free (reason);
  return engine;
}

trt_engine_t *
gst_trt_model_load (const GstTrtModelOptions * options, const gchar * cache_key,
    const GstTrtModelCallbacks * callbacks, gpointer user_data,
    GstTrtModelInfo * info, GError ** error)
{
  trt_engine_t *engine = NULL;
  trt_builder_config_t config;
  GstTrtTarget target = { 0 };
  ProgressRelay relay = { callbacks, user_data };
  gchar *key = NULL;

  gst_trt_model_info_clear (info);
  if (!options->model_file && !options->engine_file) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "No model: set model-file (and engine-file to keep the built engine)");
    return NULL;
  }
  if ((options->model_file && !check_input ("model-file", options->model_file, error))
      || (options->weights_file && !check_input ("weights-file", options->weights_file,
              error)))
    return NULL;
  gboolean engine_exists = FALSE;
  if (options->engine_file
      && !check_engine_file (options, options->engine_file, &engine_exists, error))
    return NULL;
  if (!options->model_file && !engine_exists) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "engine-file '%s' does not exist and no model-file is set to build it from",
        options->engine_file);
    return NULL;
  }

  if (!gst_trt_target_resolve (&target, options->backend, options->device_id,
          options->precision, error))
    return NULL;
  builder_config (options, &target, &relay, &config);
  if (trt_builder_config_check (&config) != TRT_STATUS_OK) {
    refuse_config (options, error);
    goto out;
  }

  if (!options->model_file) {
    engine = load_plan_alone (options, &target, &config, callbacks, user_data, info, error);
  } else {
    key = cache_key ? g_strdup (cache_key) : gst_trt_model_cache_key (options, &target, error);
    if (key)
      engine = load_or_build (options, &target, &config, key, engine_exists, callbacks,
          user_data, info, error);
  }
  if (!engine)
    goto out;
  info->loaded_from_plan = info->engine_source == GST_TRT_MODEL_ENGINE_LOADED;
  info->backend = trt_engine_backend (engine);
  info->device = target.device;
  info->target = info->backend == target.backend ? g_strdup (target.description)
      : g_strdup_printf ("%s %s", trt_backend_name (info->backend),
      trt_precision_name (options->precision));
  if (!describe (engine, options, info, error)) {
    g_clear_pointer (&engine, trt_engine_destroy);
    gst_trt_model_info_clear (info);
    goto out;
  }
  info->cache_key = g_steal_pointer (&key);

out:
  gst_trt_target_clear (&target);
  g_free (key);
  return engine;
}
