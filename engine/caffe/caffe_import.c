/* The Caffe importer's driver: declared inputs, then each TEST-phase layer
 * through the import table, then outputs. Caffe blobs may be rewritten in
 * place (top == bottom); each write becomes a new tensor (SSA). The last
 * version of a blob carries its plain name, so outputs and --output use the
 * names users know; earlier versions are called "<blob>@<layer>". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_layer_util.h"
#include "caffe/caffe_layers.h"
#include "caffe/caffe_model.h"
#include "caffe/caffe_weights.h"
#include "caffe/caffe_writer.h"
#include "file_util.h"
#include "trt/plugin.h"

void trt_caffe_options_init(trt_caffe_options_t *options) {
  *options = (trt_caffe_options_t){.seed = 1};
}

/* ---- blobs (name -> current tensor) ------------------------------------- */

static trt_caffe_blob_t *add_blob(trt_caffe_importer_t *importer, const char *name) {
  trt_caffe_blob_t *blob = trt_caffe_find_blob(importer, name);
  if (blob)
    return blob;
  if (importer->nb_blobs == importer->blob_capacity) {
    size_t capacity = importer->blob_capacity ? 2 * importer->blob_capacity : 64;
    trt_caffe_blob_t *larger = realloc(importer->blobs, capacity * sizeof(*larger));
    if (!larger)
      return NULL;
    importer->blobs = larger;
    importer->blob_capacity = capacity;
  }
  blob = &importer->blobs[importer->nb_blobs];
  *blob = (trt_caffe_blob_t){.name = strdup(name), .tensor = -1};
  if (!blob->name)
    return NULL;
  importer->nb_blobs++;
  return blob;
}

static bool is_consumed(const trt_caffe_importer_t *importer, int tensor) {
  return tensor < importer->consumed_capacity && importer->consumed[tensor];
}

/* ---- the driver ----------------------------------------------------------- */

static trt_status_t add_input(trt_caffe_importer_t *importer, const char *name, trt_dims_t dims) {
  if (importer->options.batch_size > 0 && dims.nb_dims > 0)
    dims.d[0] = importer->options.batch_size;
  for (int i = 0; i < dims.nb_dims; i++)
    if (dims.d[i] <= 0)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "input '%s' has dimension %d of size %lld", name, i,
                                   (long long)dims.d[i]);
  trt_caffe_blob_t *blob = add_blob(importer, name);
  if (!blob)
    return trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  if (blob->tensor >= 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "input '%s' is declared twice",
                                 name);
  int tensor = trt_network_add_input(importer->network, name, TRT_DATA_TYPE_FLOAT32, &dims);
  if (tensor < 0)
    return trt_caffe_layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
  blob->tensor = tensor;
  return TRT_STATUS_OK;
}

static trt_status_t shape_to_dims(const trt_caffe_importer_t *importer,
                                  const Caffe__BlobShape *shape, trt_dims_t *dims) {
  if (shape->n_dim > TRT_MAX_DIMS)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED, "shape has %zu dims, at most %d",
                                 shape->n_dim, TRT_MAX_DIMS);
  *dims = trt_dims_make((int)shape->n_dim, shape->dim);
  return TRT_STATUS_OK;
}

/* Top-level `input:` with `input_shape {}` or four `input_dim:` each. */
static trt_status_t add_declared_inputs(trt_caffe_importer_t *importer,
                                        const Caffe__NetParameter *net) {
  if (net->n_input == 0)
    return TRT_STATUS_OK;
  if (net->n_input_shape != net->n_input && net->n_input_dim != 4 * net->n_input)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
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

static trt_status_t import_input_layer(trt_caffe_importer_t *importer) {
  const trt_caffe_layer_t *layer = importer->layer;
  const Caffe__InputParameter *param = layer->input;
  if (param->n_shape != 1 && param->n_shape != layer->nb_tops)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
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
  return trt_caffe_save_layer(importer, NULL, 0, NULL);
}

/* Counts, for every blob, how many layer tops write it. */
static trt_status_t count_writes(trt_caffe_importer_t *importer, const Caffe__NetParameter *net) {
  for (size_t l = 0; l < trt_caffe_net_num_layers(net); l++) {
    if (!trt_caffe_net_layer_in_test_phase(net, l))
      continue;
    trt_caffe_layer_t layer = trt_caffe_net_layer(net, l, NULL);
    if (strcmp(layer.type, "Input") == 0)
      continue;
    for (size_t t = 0; t < layer.nb_tops; t++) {
      trt_caffe_blob_t *blob = add_blob(importer, layer.tops[t]);
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

static trt_status_t import_layer(trt_caffe_importer_t *importer, const trt_caffe_layer_t *layer) {
  importer->layer = layer;
  importer->emitted = 0;
  if (strcmp(layer->type, "Input") == 0)
    return import_input_layer(importer);
  const trt_caffe_layer_importer_t *entry = trt_caffe_find_importer(layer->type);
  /* A type no importer knows may be a registered plugin's (trt/plugin.h). */
  static const trt_caffe_layer_importer_t plugin_entry = {"(plugin)", 0, -1, 1, -1,
                                                          trt_caffe_import_plugin};
  if (!entry && trt_plugin_find_caffe(layer->type))
    entry = &plugin_entry;
  if (!entry)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "layer type '%s' is not supported (no plugin registered for it)",
                                 layer->type);
  const int bottoms = (int)layer->nb_bottoms, tops = (int)layer->nb_tops;
  char wanted[48];
  if (bottoms < entry->min_bottoms || (entry->max_bottoms >= 0 && bottoms > entry->max_bottoms) ||
      bottoms > TRT_MAX_LAYER_OUTPUTS)
    return trt_caffe_layer_error(
        importer, TRT_STATUS_PARSE_ERROR, "has %d bottoms, expected %s", bottoms,
        count_range(entry->min_bottoms, entry->max_bottoms, wanted, sizeof(wanted)));
  if (tops < entry->min_tops || (entry->max_tops >= 0 && tops > entry->max_tops) ||
      tops > TRT_MAX_LAYER_OUTPUTS)
    return trt_caffe_layer_error(
        importer, TRT_STATUS_PARSE_ERROR, "has %d tops, expected %s", tops,
        count_range(entry->min_tops, entry->max_tops, wanted, sizeof(wanted)));
  for (int i = 0; i < bottoms; i++) {
    trt_caffe_blob_t *blob = trt_caffe_find_blob(importer, layer->bottoms[i]);
    if (!blob || blob->tensor < 0)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
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
    status = trt_caffe_save_layer(importer, NULL, 0, NULL);
  if (status != TRT_STATUS_OK)
    return status;
  /* Every bottom counts as read, even one used for its shape only (Crop). */
  for (int i = 0; i < bottoms; i++)
    if (!trt_caffe_mark_consumed(importer, importer->bottoms[i]))
      return trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  /* Bind the tops only now: an in-place layer's bottom is the old version. */
  for (int i = 0; i < tops; i++) {
    if (importer->tops[i] < 0)
      return trt_caffe_layer_error(importer, TRT_STATUS_INTERNAL_ERROR, "top %d was not produced",
                                   i);
    trt_caffe_blob_t *blob = trt_caffe_find_blob(importer, layer->tops[i]);
    blob->tensor = importer->tops[i];
    blob->writes_left--;
  }
  return TRT_STATUS_OK;
}

static trt_status_t mark_outputs(trt_caffe_importer_t *importer) {
  trt_network_t *network = importer->network;
  const trt_caffe_options_t *options = &importer->options;
  importer->layer = NULL;
  if (options->outputs && options->nb_outputs > 0) {
    for (int i = 0; i < options->nb_outputs; i++) {
      trt_caffe_blob_t *blob = trt_caffe_find_blob(importer, options->outputs[i]);
      if (!blob || blob->tensor < 0)
        return trt_caffe_layer_error(importer, TRT_STATUS_INVALID_ARGUMENT,
                                     "output '%s' is not a blob of the network",
                                     options->outputs[i]);
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
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "the network has no output blob");
  return TRT_STATUS_OK;
}

static void importer_free(trt_caffe_importer_t *importer) {
  for (size_t i = 0; i < importer->nb_blobs; i++)
    free(importer->blobs[i].name);
  free(importer->blobs);
  free(importer->consumed);
  trt_caffe_saved_layers_free(importer->saved, importer->nb_saved);
  free(importer->saved);
}

/* Imports and, when `save_path` is set, writes the weights used. */
static trt_status_t import_net(trt_network_t *network, const char *deploy_text, size_t deploy_size,
                               const char *deploy_name, const void *weights, size_t weights_size,
                               const char *weights_name, const trt_caffe_options_t *options,
                               const char *save_path) {
  if (!network || !deploy_text || !deploy_name)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_caffe_parse: NULL argument");
  trt_caffe_importer_t importer = {
      .network = network, .deploy_name = deploy_name, .weights_name = weights_name};
  if (options)
    importer.options = *options;
  else
    trt_caffe_options_init(&importer.options);
  Caffe__NetParameter *net = NULL, *trained = NULL;
  trt_caffe_text_positions_t positions = {0};
  trt_status_t status =
      trt_caffe_net_parse_text(deploy_text, deploy_size, deploy_name, &net, &positions);
  if (status == TRT_STATUS_OK && weights)
    status = trt_caffe_net_parse_binary(weights, weights_size, weights_name, &trained);
  importer.weights = trained;
  if (status == TRT_STATUS_OK && net->n_layer && net->n_layers)
    status = trt_error(TRT_STATUS_PARSE_ERROR, "%s: mixes 'layer' and legacy 'layers' entries",
                       deploy_name);
  if (status == TRT_STATUS_OK)
    status = count_writes(&importer, net);
  if (status == TRT_STATUS_OK)
    status = add_declared_inputs(&importer, net);
  for (size_t l = 0; status == TRT_STATUS_OK && l < trt_caffe_net_num_layers(net); l++) {
    if (!trt_caffe_net_layer_in_test_phase(net, l))
      continue;
    trt_caffe_layer_t layer = trt_caffe_net_layer(net, l, &positions);
    status = import_layer(&importer, &layer);
  }
  if (status == TRT_STATUS_OK)
    status = mark_outputs(&importer);
  if (status == TRT_STATUS_OK && save_path)
    status = trt_caffe_write_weights(save_path, net->name ? net->name : "", importer.saved,
                                     importer.nb_saved);
  importer_free(&importer);
  trt_caffe_text_positions_free(&positions);
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
  void *deploy = NULL, *weights = NULL; /* the deploy text NUL-terminated */
  size_t deploy_size = 0, weights_size = 0;
  trt_status_t status = trt_file_read_all(deploy_path, &deploy, &deploy_size);
  if (status == TRT_STATUS_OK && weights_path)
    status = trt_file_read_all(weights_path, &weights, &weights_size);
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
