/* The Caffe importer's driver: declared inputs, then each TEST-phase layer
 * through the import table, then outputs. Caffe blobs may be rewritten in
 * place (top == bottom); each write becomes a new tensor (SSA). The last
 * version of a blob carries its plain name, so outputs and --output use the
 * names users know; earlier versions are called "<blob>@<layer>". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_internal.h"
#include "layer_registry.h"

void trt_caffe_options_init(trt_caffe_options_t *options) {
  *options = (trt_caffe_options_t){.seed = 1};
}

trt_status_t caffe_layer_error(const caffe_importer_t *importer, trt_status_t status,
                               const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  const caffe_layer_t *layer = importer->layer;
  if (!layer)
    return trt_error(status, "%s: %s", importer->deploy_name, message);
  if (layer->line > 0)
    return trt_error(status, "%s:%d:%d: layer '%s' (%s): %s", importer->deploy_name, layer->line,
                     layer->column, layer->name, layer->type, message);
  return trt_error(status, "%s: layer '%s' (%s): %s", importer->deploy_name, layer->name,
                   layer->type, message);
}

/* Re-reports the engine's last error with the layer's location. */
static trt_status_t layer_failure(caffe_importer_t *importer, trt_status_t status) {
  char message[512];
  importer->failure = status;
  snprintf(message, sizeof(message), "%s", trt_last_error());
  return caffe_layer_error(importer, status, "%s", message);
}

/* ---- blobs (name -> current tensor) ------------------------------------- */

static caffe_blob_t *find_blob(caffe_importer_t *importer, const char *name) {
  for (size_t i = 0; i < importer->nb_blobs; i++)
    if (strcmp(importer->blobs[i].name, name) == 0)
      return &importer->blobs[i];
  return NULL;
}

static caffe_blob_t *add_blob(caffe_importer_t *importer, const char *name) {
  caffe_blob_t *blob = find_blob(importer, name);
  if (blob)
    return blob;
  if (importer->nb_blobs == importer->blob_capacity) {
    size_t capacity = importer->blob_capacity ? 2 * importer->blob_capacity : 64;
    caffe_blob_t *larger = realloc(importer->blobs, capacity * sizeof(*larger));
    if (!larger)
      return NULL;
    importer->blobs = larger;
    importer->blob_capacity = capacity;
  }
  blob = &importer->blobs[importer->nb_blobs];
  *blob = (caffe_blob_t){.name = strdup(name), .tensor = -1};
  if (!blob->name)
    return NULL;
  importer->nb_blobs++;
  return blob;
}

static bool mark_consumed(caffe_importer_t *importer, int tensor) {
  if (tensor >= importer->consumed_capacity) {
    int capacity = importer->consumed_capacity ? importer->consumed_capacity : 256;
    while (capacity <= tensor)
      capacity *= 2;
    bool *larger = realloc(importer->consumed, (size_t)capacity * sizeof(bool));
    if (!larger)
      return false;
    memset(larger + importer->consumed_capacity, 0,
           (size_t)(capacity - importer->consumed_capacity) * sizeof(bool));
    importer->consumed = larger;
    importer->consumed_capacity = capacity;
  }
  importer->consumed[tensor] = true;
  return true;
}

static bool is_consumed(const caffe_importer_t *importer, int tensor) {
  return tensor < importer->consumed_capacity && importer->consumed[tensor];
}

/* ---- helpers for import functions --------------------------------------- */

const trt_dims_t *caffe_tensor_dims(const caffe_importer_t *importer, int tensor) {
  return &importer->network->tensors[tensor].dims;
}

/* A tensor name not yet used: `base`, else base#2, base#3, ... */
static void unique_name(const trt_network_t *network, const char *base, char *name, size_t size) {
  snprintf(name, size, "%s", base);
  /* A name too long to suffix stays as it is; adding it then fails clearly. */
  for (int k = 2; trt_network_find_tensor(network, name) >= 0; k++)
    if (snprintf(name, size, "%s#%d", base, k) >= (int)size)
      break;
}

/* The name of top `index`'s new version (see the file comment). */
static void top_name(caffe_importer_t *importer, int index, char *name, size_t size) {
  const char *blob_name = importer->layer->tops[index];
  caffe_blob_t *blob = find_blob(importer, blob_name);
  char base[512];
  if (blob && blob->writes_left > 1)
    snprintf(base, sizeof(base), "%s@%s", blob_name, importer->layer->name);
  else
    snprintf(base, sizeof(base), "%s", blob_name);
  unique_name(importer->network, base, name, size);
}

int caffe_emit(caffe_importer_t *importer, trt_layer_type_t type, const int *inputs,
               int nb_inputs, const void *params, int nb_outputs, int first_top) {
  trt_network_t *network = importer->network;
  char names[TRT_MAX_LAYER_OUTPUTS][512];
  const char *output_names[TRT_MAX_LAYER_OUTPUTS];
  char layer_name[512];
  const int serial = importer->emitted++;
  if (serial == 0)
    snprintf(layer_name, sizeof(layer_name), "%s", importer->layer->name);
  else
    snprintf(layer_name, sizeof(layer_name), "%s#%d", importer->layer->name, serial);
  for (int i = 0; i < nb_outputs; i++) {
    if (first_top >= 0) {
      top_name(importer, first_top + i, names[i], sizeof(names[i]));
    } else {
      char base[520];
      snprintf(base, sizeof(base), "%s#%d", importer->layer->name, serial);
      if (nb_outputs > 1)
        snprintf(base + strlen(base), sizeof(base) - strlen(base), ":%d", i);
      unique_name(network, base, names[i], sizeof(names[i]));
    }
    output_names[i] = names[i];
  }
  int layer = trt_network_add_layer(network, type, layer_name, inputs, nb_inputs, output_names,
                                    nb_outputs, params);
  if (layer < 0) {
    layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
    return -1;
  }
  trt_layer_t *added = &network->layers[layer];
  trt_status_t status = trt_layer_descriptor(type)->infer(network, added);
  if (status != TRT_STATUS_OK) {
    layer_failure(importer, status);
    return -1;
  }
  for (int i = 0; i < nb_inputs; i++)
    if (inputs[i] >= 0 && !mark_consumed(importer, inputs[i])) {
      importer->failure = caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
      return -1;
    }
  if (first_top >= 0)
    for (int i = 0; i < nb_outputs; i++)
      importer->tops[first_top + i] = added->outputs[i];
  return added->outputs[0];
}

static int add_constant(caffe_importer_t *importer, const char *role, trt_data_type_t type,
                        const trt_dims_t *dims, const void *data) {
  char base[512], name[512];
  snprintf(base, sizeof(base), "%s:%s", importer->layer->name, role);
  unique_name(importer->network, base, name, sizeof(name));
  int tensor = trt_network_add_constant(importer->network, name, type, dims, data);
  if (tensor < 0)
    layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
  return tensor;
}

int caffe_constant_float(caffe_importer_t *importer, const char *role, const trt_dims_t *dims,
                         const float *data) {
  return add_constant(importer, role, TRT_DATA_TYPE_FLOAT32, dims, data);
}

int caffe_constant_int64(caffe_importer_t *importer, const char *role, int count,
                         const int64_t *values) {
  int64_t extent = count;
  trt_dims_t dims = trt_dims_make(1, &extent);
  return add_constant(importer, role, TRT_DATA_TYPE_INT64, &dims, values);
}

int caffe_scalar(caffe_importer_t *importer, const char *role, float value) {
  int64_t one = 1;
  trt_dims_t dims = trt_dims_make(1, &one);
  return caffe_constant_float(importer, role, &dims, &value);
}

/* ---- the driver ----------------------------------------------------------- */

static trt_status_t add_input(caffe_importer_t *importer, const char *name, trt_dims_t dims) {
  if (importer->options.batch_size > 0 && dims.nb_dims > 0)
    dims.d[0] = importer->options.batch_size;
  for (int i = 0; i < dims.nb_dims; i++)
    if (dims.d[i] <= 0)
      return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                               "input '%s' has dimension %d of size %lld", name, i,
                               (long long)dims.d[i]);
  caffe_blob_t *blob = add_blob(importer, name);
  if (!blob)
    return caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  if (blob->tensor >= 0)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "input '%s' is declared twice",
                             name);
  int tensor = trt_network_add_input(importer->network, name, TRT_DATA_TYPE_FLOAT32, &dims);
  if (tensor < 0)
    return layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
  blob->tensor = tensor;
  return TRT_STATUS_OK;
}

static trt_status_t shape_to_dims(const caffe_importer_t *importer, const Caffe__BlobShape *shape,
                                  trt_dims_t *dims) {
  if (shape->n_dim > TRT_MAX_DIMS)
    return caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED, "shape has %zu dims, at most %d",
                             shape->n_dim, TRT_MAX_DIMS);
  *dims = trt_dims_make((int)shape->n_dim, shape->dim);
  return TRT_STATUS_OK;
}

/* Top-level `input:` with `input_shape {}` or four `input_dim:` each. */
static trt_status_t add_declared_inputs(caffe_importer_t *importer,
                                        const Caffe__NetParameter *net) {
  if (net->n_input == 0)
    return TRT_STATUS_OK;
  if (net->n_input_shape != net->n_input && net->n_input_dim != 4 * net->n_input)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                             "%zu inputs need %zu input_shape or %zu input_dim entries; "
                             "found %zu and %zu",
                             net->n_input, net->n_input, 4 * net->n_input, net->n_input_shape,
                             net->n_input_dim);
  for (size_t i = 0; i < net->n_input; i++) {
    trt_dims_t dims;
    if (net->n_input_shape == net->n_input) {
      trt_status_t status = shape_to_dims(importer, net->input_shape[i], &dims);
      if (status != TRT_STATUS_OK)
        return status;
    } else {
      dims.nb_dims = 4;
      for (int d = 0; d < 4; d++)
        dims.d[d] = net->input_dim[4 * i + (size_t)d];
    }
    trt_status_t status = add_input(importer, net->input[i], dims);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

static trt_status_t import_input_layer(caffe_importer_t *importer) {
  const caffe_layer_t *layer = importer->layer;
  const Caffe__InputParameter *param = layer->input;
  if (param->n_shape != 1 && param->n_shape != layer->nb_tops)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                             "%zu tops need 1 or %zu shapes, found %zu", layer->nb_tops,
                             layer->nb_tops, param->n_shape);
  for (size_t i = 0; i < layer->nb_tops; i++) {
    trt_dims_t dims;
    trt_status_t status = shape_to_dims(importer, param->shape[param->n_shape == 1 ? 0 : i], &dims);
    if (status == TRT_STATUS_OK)
      status = add_input(importer, layer->tops[i], dims);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return caffe_save_layer(importer, NULL, 0, NULL);
}

/* Counts, for every blob, how many layer tops write it. */
static trt_status_t count_writes(caffe_importer_t *importer, const Caffe__NetParameter *net) {
  for (size_t l = 0; l < caffe_net_num_layers(net); l++) {
    if (!caffe_net_layer_in_test_phase(net, l))
      continue;
    caffe_layer_t layer = caffe_net_layer(net, l, NULL);
    if (strcmp(layer.type, "Input") == 0)
      continue;
    for (size_t t = 0; t < layer.nb_tops; t++) {
      caffe_blob_t *blob = add_blob(importer, layer.tops[t]);
      if (!blob)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
      blob->writes_left++;
    }
  }
  return TRT_STATUS_OK;
}

/* "1", "1 to 2" or "1 or more" (max -1). */
static const char *count_range(int min, int max, char *text, size_t size) {
  if (max == min)
    snprintf(text, size, "%d", min);
  else if (max < 0)
    snprintf(text, size, "%d or more", min);
  else
    snprintf(text, size, "%d to %d", min, max);
  return text;
}

static trt_status_t import_layer(caffe_importer_t *importer, const caffe_layer_t *layer) {
  importer->layer = layer;
  importer->emitted = 0;
  if (strcmp(layer->type, "Input") == 0)
    return import_input_layer(importer);
  const caffe_layer_importer_t *entry = caffe_find_importer(layer->type);
  if (!entry)
    return caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                             "layer type '%s' is not supported", layer->type);
  const int bottoms = (int)layer->nb_bottoms, tops = (int)layer->nb_tops;
  char wanted[48];
  if (bottoms < entry->min_bottoms || (entry->max_bottoms >= 0 && bottoms > entry->max_bottoms) ||
      bottoms > TRT_MAX_LAYER_OUTPUTS)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "has %d bottoms, expected %s",
                             bottoms, count_range(entry->min_bottoms, entry->max_bottoms, wanted,
                                                  sizeof(wanted)));
  if (tops < entry->min_tops || (entry->max_tops >= 0 && tops > entry->max_tops) ||
      tops > TRT_MAX_LAYER_OUTPUTS)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "has %d tops, expected %s", tops,
                             count_range(entry->min_tops, entry->max_tops, wanted,
                                         sizeof(wanted)));
  for (int i = 0; i < bottoms; i++) {
    caffe_blob_t *blob = find_blob(importer, layer->bottoms[i]);
    if (!blob || blob->tensor < 0)
      return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                               "bottom '%s' is not produced by any earlier layer or input",
                               layer->bottoms[i]);
    importer->bottoms[i] = blob->tensor;
  }
  for (int i = 0; i < tops; i++)
    importer->tops[i] = -1;
  const size_t saved_before = importer->nb_saved;
  trt_status_t status = entry->import(importer);
  /* Layers without blobs are kept too, so the caffemodel mirrors the net. */
  if (status == TRT_STATUS_OK && importer->nb_saved == saved_before)
    status = caffe_save_layer(importer, NULL, 0, NULL);
  if (status != TRT_STATUS_OK)
    return status;
  /* Every bottom counts as read, even one used for its shape only (Crop). */
  for (int i = 0; i < bottoms; i++)
    if (!mark_consumed(importer, importer->bottoms[i]))
      return caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  /* Bind the tops only now: an in-place layer's bottom is the old version. */
  for (int i = 0; i < tops; i++) {
    if (importer->tops[i] < 0)
      return caffe_layer_error(importer, TRT_STATUS_INTERNAL_ERROR, "top %d was not produced", i);
    caffe_blob_t *blob = find_blob(importer, layer->tops[i]);
    blob->tensor = importer->tops[i];
    blob->writes_left--;
  }
  return TRT_STATUS_OK;
}

static trt_status_t mark_outputs(caffe_importer_t *importer) {
  trt_network_t *network = importer->network;
  const trt_caffe_options_t *options = &importer->options;
  importer->layer = NULL;
  if (options->outputs && options->nb_outputs > 0) {
    for (int i = 0; i < options->nb_outputs; i++) {
      caffe_blob_t *blob = find_blob(importer, options->outputs[i]);
      if (!blob || blob->tensor < 0)
        return caffe_layer_error(importer, TRT_STATUS_INVALID_ARGUMENT,
                                 "output '%s' is not a blob of the network", options->outputs[i]);
      trt_status_t status = trt_network_mark_output(network, blob->tensor);
      if (status != TRT_STATUS_OK)
        return status;
    }
    return trt_network_prune(network);
  }
  /* Caffe's own rule: blobs that no layer reads are the outputs. */
  int marked = 0;
  for (size_t i = 0; i < importer->nb_blobs; i++) {
    int tensor = importer->blobs[i].tensor;
    if (tensor >= 0 && !is_consumed(importer, tensor) && !network->tensors[tensor].is_input) {
      trt_status_t status = trt_network_mark_output(network, tensor);
      if (status != TRT_STATUS_OK)
        return status;
      marked++;
    }
  }
  if (marked == 0)
    return caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "the network has no output blob");
  return TRT_STATUS_OK;
}

static void importer_free(caffe_importer_t *importer) {
  for (size_t i = 0; i < importer->nb_blobs; i++)
    free(importer->blobs[i].name);
  free(importer->blobs);
  free(importer->consumed);
  caffe_saved_layers_free(importer->saved, importer->nb_saved);
  free(importer->saved);
}

/* Imports and, when `save_path` is set, writes the weights used. */
static trt_status_t import_net(trt_network_t *network, const char *deploy_text, size_t deploy_size,
                               const char *deploy_name, const void *weights, size_t weights_size,
                               const char *weights_name, const trt_caffe_options_t *options,
                               const char *save_path) {
  if (!network || !deploy_text || !deploy_name)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_caffe_parse: NULL argument");
  caffe_importer_t importer = {.network = network, .deploy_name = deploy_name,
                               .weights_name = weights_name};
  if (options)
    importer.options = *options;
  else
    trt_caffe_options_init(&importer.options);
  Caffe__NetParameter *net = NULL, *trained = NULL;
  caffe_text_positions_t positions = {0};
  trt_status_t status =
      caffe_net_parse_text(deploy_text, deploy_size, deploy_name, &net, &positions);
  if (status == TRT_STATUS_OK && weights)
    status = caffe_net_parse_binary(weights, weights_size, weights_name, &trained);
  importer.weights = trained;
  if (status == TRT_STATUS_OK && net->n_layer && net->n_layers)
    status = trt_error(TRT_STATUS_PARSE_ERROR, "%s: mixes 'layer' and legacy 'layers' entries",
                       deploy_name);
  if (status == TRT_STATUS_OK)
    status = count_writes(&importer, net);
  if (status == TRT_STATUS_OK)
    status = add_declared_inputs(&importer, net);
  for (size_t l = 0; status == TRT_STATUS_OK && l < caffe_net_num_layers(net); l++) {
    if (!caffe_net_layer_in_test_phase(net, l))
      continue;
    caffe_layer_t layer = caffe_net_layer(net, l, &positions);
    status = import_layer(&importer, &layer);
  }
  if (status == TRT_STATUS_OK)
    status = mark_outputs(&importer);
  if (status == TRT_STATUS_OK && save_path)
    status = caffe_write_weights(save_path, net->name ? net->name : "", importer.saved,
                                 importer.nb_saved);
  importer_free(&importer);
  caffe_text_positions_free(&positions);
  if (net)
    caffe__net_parameter__free_unpacked(net, NULL);
  if (trained)
    caffe__net_parameter__free_unpacked(trained, NULL);
  return status;
}

trt_status_t trt_caffe_parse_memory(trt_network_t *network, const char *deploy_text,
                                    size_t deploy_size, const void *weights, size_t weights_size,
                                    const trt_caffe_options_t *options,
                                    const char *deploy_name_for_errors) {
  return import_net(network, deploy_text, deploy_size,
                    deploy_name_for_errors ? deploy_name_for_errors : "deploy.prototxt", weights,
                    weights_size, "caffemodel", options, NULL);
}

static trt_status_t parse_files(trt_network_t *network, const char *deploy_path,
                                const char *weights_path, const trt_caffe_options_t *options,
                                const char *save_path) {
  if (!deploy_path)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_caffe_parse: no deploy file given");
  char *deploy = NULL, *weights = NULL;
  size_t deploy_size = 0, weights_size = 0;
  trt_status_t status = caffe_read_file(deploy_path, &deploy, &deploy_size);
  if (status == TRT_STATUS_OK && weights_path)
    status = caffe_read_file(weights_path, &weights, &weights_size);
  if (status == TRT_STATUS_OK)
    status = import_net(network, deploy, deploy_size, deploy_path, weights, weights_size,
                        weights_path, options, save_path);
  free(deploy);
  free(weights);
  return status;
}

trt_status_t trt_caffe_parse(trt_network_t *network, const char *deploy_path,
                             const char *weights_path, const trt_caffe_options_t *options) {
  return parse_files(network, deploy_path, weights_path, options, NULL);
}

trt_status_t trt_caffe_save_weights(const char *deploy_path, const char *weights_path,
                                    const trt_caffe_options_t *options, const char *output_path) {
  if (!output_path)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_caffe_save_weights: no output path");
  trt_network_t *scratch = trt_network_create();
  if (!scratch)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  trt_status_t status = parse_files(scratch, deploy_path, weights_path, options, output_path);
  trt_network_destroy(scratch);
  return status;
}
