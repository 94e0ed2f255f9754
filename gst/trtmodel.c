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
}

void
gst_trt_model_info_clear (GstTrtModelInfo * info)
{
  g_free (info->output_bindings);
  g_free (info->cache_key);
  memset (info, 0, sizeof (*info));
  info->input_binding = -1;
}

static void
builder_config (const GstTrtModelOptions * options, trt_builder_config_t * config)
{
  trt_builder_config_init (config);
  config->backend = options->backend;
  config->device = MAX (options->device_id, 0);
  config->max_batch = (int) MAX (options->batch_size, 1);
  config->precision = options->precision;
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
check_engine_file (const GstTrtModelOptions * options, gboolean * exists, GError ** error)
{
  const gchar *path = options->engine_file;
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
 * headers only, and the engine's reader (trt_file_read_all) is internal.
 * Plans are written atomically by trt_engine_save. */
static gboolean
hash_file (GChecksum * checksum, const gchar * label, const gchar * path, GError ** error)
{
  guint64 size = 0, total = 0;
  gint fd;
  gboolean ok = TRUE;

  g_checksum_update (checksum, (const guchar *) label, strlen (label) + 1);
  if (!path)
    return TRUE;
  fd = open_input (label, path, &size, error);
  if (fd < 0)
    return FALSE;
  g_checksum_update (checksum, (const guchar *) &size, sizeof (size));
  guchar *chunk = g_malloc (1 << 16);
  for (;;) {
    gssize got = read (fd, chunk, 1 << 16);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "Could not read %s '%s': %s", label, path, g_strerror (errno));
      ok = FALSE;
      break;
    }
    total += (guint64) got;
    if (got == 0 || total > size)
      break;
    g_checksum_update (checksum, chunk, (gsize) got);
  }
  if (ok && total != size) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
        "Could not read %s '%s': it changed while it was read", label, path);
    ok = FALSE;
  }
  g_free (chunk);
  g_close (fd, NULL);
  return ok;
}

gchar *
gst_trt_model_cache_key (const GstTrtModelOptions * options, GError ** error)
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
  gchar *outputs = options->output_names ? g_strjoinv (",", options->output_names) : NULL;
  text = g_strdup_printf ("engine %s; precision %d; batch-size %u; size %ux%u; "
      "backend %s; device-id %d; input-name %s; output-names %s", trt_version_string (),
      (int) options->precision, options->batch_size, options->width, options->height,
      trt_backend_name (options->backend), options->device_id,
      options->input_name ? options->input_name : "", outputs ? outputs : "");
  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_free (outputs);
  g_free (text);
  text = g_strdup (g_checksum_get_string (checksum));
  g_checksum_free (checksum);
  return text;
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

/* Fixes the input's height and width when the model leaves them dynamic
 * (the batch dimension stays dynamic: the builder sets it). */
static gboolean
fix_input_size (trt_network_t * network, const GstTrtModelOptions * options,
    const gchar * model, GError ** error)
{
  int tensor = -1;

  if (options->input_name) {
    tensor = trt_network_find_tensor (network, options->input_name);
    gboolean is_input = FALSE;
    for (int i = 0; i < trt_network_num_inputs (network); i++)
      is_input |= trt_network_input (network, i) == tensor;
    if (!is_input) {
      gchar *inputs = tensor_list (network, TRUE);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-name: model '%s' has no input named '%s' (its inputs are %s)", model,
          options->input_name, inputs);
      g_free (inputs);
      return FALSE;
    }
  } else if (trt_network_num_inputs (network) == 1) {
    tensor = trt_network_input (network, 0);
  } else {
    return TRUE;                /* reported with the binding checks */
  }

  trt_dims_t dims = trt_network_tensor_dims (network, tensor);
  if (dims.nb_dims != 4)
    return TRUE;                /* reported with the binding checks */
  gboolean changed = FALSE;
  const gchar *what[2] = { "height", "width" };
  guint wanted[2] = { options->height, options->width };
  for (int i = 0; i < 2; i++) {
    int64_t *d = &dims.d[2 + i];
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

static trt_engine_t *
build (const GstTrtModelOptions * options, const GstTrtModelCallbacks * callbacks,
    gpointer user_data, GError ** error)
{
  const gchar *model = options->model_file;
  const ModelFormat *format = find_format (model);
  trt_network_t *network = NULL;
  trt_engine_t *engine = NULL;
  trt_builder_config_t config;
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

  if (!select_outputs (network, options->output_names, model, error)
      || !fix_input_size (network, options, model, error))
    goto failed;

  builder_config (options, &config);
  if (trt_engine_build (network, &config, &engine) != TRT_STATUS_OK) {
    g_set_error (error, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_INIT,
        "Could not build an engine for model '%s' (backend %s): %s", model,
        trt_backend_name (options->backend), trt_last_error ());
    goto failed;
  }
  trt_network_destroy (network);
  progress (callbacks, user_data, GST_TRT_MODEL_STAGE_BUILD_DONE, "Engine built");
  return engine;

failed:
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

  /* the image input */
  if (options->input_name) {
    info->input_binding = trt_engine_find_binding (engine, options->input_name);
    if (info->input_binding < 0 || !trt_engine_binding_is_input (engine, info->input_binding)) {
      gchar *inputs = binding_list (engine, TRUE);
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "input-name: '%s' has no input named '%s' (its inputs are %s)", what,
          options->input_name, inputs);
      g_free (inputs);
      return FALSE;
    }
  } else {
    info->input_binding = 0;
  }
  if (num_inputs != 1) {
    gchar *inputs = binding_list (engine, TRUE);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "'%s' has %d inputs (%s); trtinfer feeds one image input", what, num_inputs, inputs);
    g_free (inputs);
    return FALSE;
  }

  trt_dims_t dims = trt_engine_binding_dims (engine, info->input_binding);
  char dims_text[128];
  trt_dims_format (&dims, dims_text, sizeof (dims_text));
  const gchar *input = trt_engine_binding_name (engine, info->input_binding);
  if (trt_engine_binding_type (engine, info->input_binding) != TRT_DATA_TYPE_FLOAT32) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Input '%s' of '%s' is %s; trtinfer feeds float32 images", input, what,
        trt_data_type_name (trt_engine_binding_type (engine, info->input_binding)));
    return FALSE;
  }
  if (dims.nb_dims != 4 || (dims.d[1] != 1 && dims.d[1] != 3)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "Input '%s' of '%s' is %s; trtinfer feeds images as NCHW with 1 or 3 channels",
        input, what, dims_text);
    return FALSE;
  }
  /* A dynamic batch is built for batch-size; a fixed one (Caffe) is a
   * batch of that many frames. */
  info->channels = (guint) dims.d[1];
  info->height = (guint) dims.d[2];
  info->width = (guint) dims.d[3];
  info->capacity = (guint) MAX (dims.d[0], 1);

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

trt_engine_t *
gst_trt_model_load (const GstTrtModelOptions * options,
    const GstTrtModelCallbacks * callbacks, gpointer user_data,
    GstTrtModelInfo * info, GError ** error)
{
  trt_engine_t *engine = NULL;
  trt_builder_config_t config;
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
  if (options->engine_file && !check_engine_file (options, &engine_exists, error))
    return NULL;

  builder_config (options, &config);
  if (options->model_file) {
    key = gst_trt_model_cache_key (options, error);
    if (!key)
      return NULL;
  }

  if (engine_exists) {
    if (trt_engine_load (options->engine_file, key, &config, &engine) == TRT_STATUS_OK) {
      info->loaded_from_plan = TRUE;
    } else if (options->model_file) {
      gchar *text = g_strdup_printf ("engine-file '%s' does not hold an engine for this "
          "model and these options: rebuilding it", options->engine_file);
      warn (callbacks, user_data, text, trt_last_error ());
      g_free (text);
    } else {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
          "Could not load engine-file '%s': %s (set model-file to rebuild it)",
          options->engine_file, trt_last_error ());
      return NULL;
    }
  } else if (!options->model_file) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "engine-file '%s' does not exist and no model-file is set to build it from",
        options->engine_file);
    return NULL;
  }

  if (!engine) {
    engine = build (options, callbacks, user_data, error);
    if (!engine) {
      g_free (key);
      return NULL;
    }
    if (options->engine_file
        && trt_engine_save (engine, options->engine_file, key) != TRT_STATUS_OK) {
      gchar *text = g_strdup_printf ("Could not write engine-file '%s': the engine will be "
          "built again next time", options->engine_file);
      warn (callbacks, user_data, text, trt_last_error ());
      g_free (text);
    }
  }

  if (!describe (engine, options, info, error)) {
    trt_engine_destroy (engine);
    gst_trt_model_info_clear (info);
    g_free (key);
    return NULL;
  }
  info->cache_key = key;
  return engine;
}
