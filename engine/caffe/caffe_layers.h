/* The Caffe layer table (caffe_layers.c) and the import functions it
 * lists, grouped by defining file, as onnx_import.h is for ONNX. Import
 * functions use caffe_layer_util.h (and caffe_weights.h for learned blobs);
 * the driver (caffe_import.c) looks types up here. */
#ifndef TRT_CAFFE_LAYERS_H
#define TRT_CAFFE_LAYERS_H

#include "caffe/caffe_layer_util.h"

/* Imports importer->layer: emits its engine layers and binds its tops. */
typedef trt_status_t (*trt_caffe_import_fn)(trt_caffe_importer_t *importer);

typedef struct {
  const char *type;
  int min_bottoms, max_bottoms; /* -1: any number */
  int min_tops, max_tops;
  trt_caffe_import_fn import;
} trt_caffe_layer_importer_t;

/* The table entry of Caffe type `type`; NULL when not supported. */
const trt_caffe_layer_importer_t *trt_caffe_find_importer(const char *type);

/* ---- caffe_vision.c: window geometry and weights ---- */
trt_status_t trt_caffe_import_convolution(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_deconvolution(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_pooling(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_inner_product(trt_caffe_importer_t *importer);

/* ---- caffe_norm.c: normalization and per-channel layers (Normalize too) ---- */
trt_status_t trt_caffe_import_lrn(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_batch_norm(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_scale(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_bias(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_prelu(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_normalize(trt_caffe_importer_t *importer);

/* ---- caffe_detection.c: SSD's prior boxes and detection output ---- */
trt_status_t trt_caffe_import_prior_box(trt_caffe_importer_t *importer);
trt_status_t trt_caffe_import_detection_output(trt_caffe_importer_t *importer);

/* ---- caffe_plugin.c: a layer type no importer knows, run by a registered
 * plugin (trt/plugin.h); the plugin's parse gets no fields ---- */
trt_status_t trt_caffe_import_plugin(trt_caffe_importer_t *importer);

#endif
