/* Helpers of the Caffe importer's layer import functions (caffe_layers.c,
 * caffe_vision.c, caffe_norm.c), as onnx_node.c is for ONNX: the importer's
 * state, errors located at the layer being imported, the blob table, and
 * emitting engine layers and constants (caffe_layer_util.c). The driver
 * (caffe_import.c) uses them too; nothing here calls back into the driver,
 * the layer table or the weights. */
#ifndef TRT_CAFFE_LAYER_UTIL_H
#define TRT_CAFFE_LAYER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caffe/caffe_model.h"
#include "caffe/caffe_writer.h"
#include "network_internal.h"
#include "trt/caffe_parser.h"

/* A Caffe blob name and the tensor of its current version. */
typedef struct {
  char *name;
  int tensor;      /* the blob's current version */
  int writes_left; /* tops still to write it; the last one gets the plain name */
} trt_caffe_blob_t;

typedef struct {
  trt_network_t *network;
  const char *deploy_name;
  const char *weights_name;
  trt_caffe_options_t options;
  const Caffe__NetParameter *weights; /* NULL: random weights */
  trt_caffe_blob_t *blobs;
  size_t nb_blobs, blob_capacity;
  bool *consumed; /* per tensor: read by some layer */
  int consumed_capacity;
  trt_caffe_saved_layer_t *saved; /* for the caffemodel writer (caffe_weights.c) */
  size_t nb_saved, saved_capacity;
  /* The layer being imported. */
  const trt_caffe_layer_t *layer;
  int bottoms[TRT_MAX_LAYER_OUTPUTS];
  int tops[TRT_MAX_LAYER_OUTPUTS];
  int emitted;          /* layers emitted for it so far, for unique names */
  trt_status_t failure; /* status of the last helper that returned -1 */
} trt_caffe_importer_t;

/* "deploy:line:col: layer 'name' (Type): message". */
trt_status_t trt_caffe_layer_error(const trt_caffe_importer_t *importer, trt_status_t status,
                                   const char *format, ...) __attribute__((format(printf, 3, 4)));
/* Re-reports the engine's last error with the layer's location, and
 * records `status` as the importer's failure. */
trt_status_t trt_caffe_layer_failure(trt_caffe_importer_t *importer, trt_status_t status);

/* The blob called `name`; NULL when none yet. */
trt_caffe_blob_t *trt_caffe_find_blob(trt_caffe_importer_t *importer, const char *name);
/* Records that some layer reads `tensor`; false when out of memory. */
bool trt_caffe_mark_consumed(trt_caffe_importer_t *importer, int tensor);

/* Adds a layer and infers its output shapes at once, so that later layers
 * can check their operands. `first_top` >= 0 makes its outputs the Caffe
 * layer's tops first_top.. (and records them); -1 gives internal names.
 * Returns the first output tensor, or -1 with the error set. */
int trt_caffe_emit(trt_caffe_importer_t *importer, trt_layer_type_t type, const int *inputs,
                   int nb_inputs, const void *params, int nb_outputs, int first_top);
/* Constants named "<layer>:<role>"; the tensor, or -1 with the error set. */
int trt_caffe_constant_float(trt_caffe_importer_t *importer, const char *role,
                             const trt_dims_t *dims, const float *data);
int trt_caffe_constant_int64(trt_caffe_importer_t *importer, const char *role, int count,
                             const int64_t *values);
int trt_caffe_scalar(trt_caffe_importer_t *importer, const char *role, float value);
const trt_dims_t *trt_caffe_tensor_dims(const trt_caffe_importer_t *importer, int tensor);

#endif
