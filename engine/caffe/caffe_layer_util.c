/* Helpers of the Caffe importer's import functions and driver: errors
 * located at the layer being imported, the blob table (name -> current
 * tensor), and emitting engine layers and constants with unique names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_layer_util.h"
#include "layer_registry.h"

/* ---- errors --------------------------------------------------------------- */

trt_status_t trt_caffe_layer_error(const trt_caffe_importer_t *importer, trt_status_t status,
                                   const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  const trt_caffe_layer_t *layer = importer->layer;
  if (!layer)
    return trt_error(status, "%s: %s", importer->deploy_name, message);
  if (layer->line > 0)
    return trt_error(status, "%s:%d:%d: layer '%s' (%s): %s", importer->deploy_name, layer->line,
                     layer->column, layer->name, layer->type, message);
  return trt_error(status, "%s: layer '%s' (%s): %s", importer->deploy_name, layer->name,
                   layer->type, message);
}

trt_status_t trt_caffe_layer_failure(trt_caffe_importer_t *importer, trt_status_t status) {
  char message[512];
  importer->failure = status;
  snprintf(message, sizeof(message), "%s", trt_last_error());
  return trt_caffe_layer_error(importer, status, "%s", message);
}

/* ---- blobs (name -> current tensor) ------------------------------------- */

trt_caffe_blob_t *trt_caffe_find_blob(trt_caffe_importer_t *importer, const char *name) {
  for (size_t i = 0; i < importer->nb_blobs; i++)
    if (strcmp(importer->blobs[i].name, name) == 0)
      return &importer->blobs[i];
  return NULL;
}

bool trt_caffe_mark_consumed(trt_caffe_importer_t *importer, int tensor) {
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

/* ---- layers and constants ------------------------------------------------ */

const trt_dims_t *trt_caffe_tensor_dims(const trt_caffe_importer_t *importer, int tensor) {
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

/* The name of top `index`'s new version: "<blob>@<layer>" while later tops
 * still write the blob, its plain name for the last (see caffe_import.c). */
static void top_name(trt_caffe_importer_t *importer, int index, char *name, size_t size) {
  const char *blob_name = importer->layer->tops[index];
  trt_caffe_blob_t *blob = trt_caffe_find_blob(importer, blob_name);
  char base[512];
  if (blob && blob->writes_left > 1)
    snprintf(base, sizeof(base), "%s@%s", blob_name, importer->layer->name);
  else
    snprintf(base, sizeof(base), "%s", blob_name);
  unique_name(importer->network, base, name, size);
}

int trt_caffe_emit(trt_caffe_importer_t *importer, trt_layer_type_t type, const int *inputs,
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
    trt_caffe_layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
    return -1;
  }
  trt_layer_t *added = &network->layers[layer];
  trt_status_t status = trt_layer_descriptor(type)->infer(network, added);
  if (status != TRT_STATUS_OK) {
    trt_caffe_layer_failure(importer, status);
    return -1;
  }
  for (int i = 0; i < nb_inputs; i++)
    if (inputs[i] >= 0 && !trt_caffe_mark_consumed(importer, inputs[i])) {
      importer->failure =
          trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
      return -1;
    }
  if (first_top >= 0)
    for (int i = 0; i < nb_outputs; i++)
      importer->tops[first_top + i] = added->outputs[i];
  return added->outputs[0];
}

static int add_constant(trt_caffe_importer_t *importer, const char *role, trt_data_type_t type,
                        const trt_dims_t *dims, const void *data) {
  char base[512], name[512];
  snprintf(base, sizeof(base), "%s:%s", importer->layer->name, role);
  unique_name(importer->network, base, name, sizeof(name));
  int tensor = trt_network_add_constant(importer->network, name, type, dims, data);
  if (tensor < 0)
    trt_caffe_layer_failure(importer, TRT_STATUS_INVALID_ARGUMENT);
  return tensor;
}

int trt_caffe_constant_float(trt_caffe_importer_t *importer, const char *role,
                             const trt_dims_t *dims, const float *data) {
  return add_constant(importer, role, TRT_DATA_TYPE_FLOAT32, dims, data);
}

int trt_caffe_constant_int64(trt_caffe_importer_t *importer, const char *role, int count,
                             const int64_t *values) {
  int64_t extent = count;
  trt_dims_t dims = trt_dims_make(1, &extent);
  return add_constant(importer, role, TRT_DATA_TYPE_INT64, &dims, values);
}

int trt_caffe_scalar(trt_caffe_importer_t *importer, const char *role, float value) {
  int64_t one = 1;
  trt_dims_t dims = trt_dims_make(1, &one);
  return trt_caffe_constant_float(importer, role, &dims, &value);
}
