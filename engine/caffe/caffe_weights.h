/* Learned blobs of the layer being imported (caffe_weights.c): read from
 * the caffemodel and checked, or generated; and the records of every
 * layer's blobs that the caffemodel writer takes. Uses the helpers of
 * caffe_layer_util.h, nothing of the driver or the layer table. */
#ifndef TRT_CAFFE_WEIGHTS_H
#define TRT_CAFFE_WEIGHTS_H

#include <stdint.h>

#include "caffe/caffe_layer_util.h"
#include "caffe/caffe_writer.h"

/* How to fill a blob when there is no caffemodel. */
typedef enum {
  TRT_CAFFE_FILL_WEIGHTS = 0, /* He-uniform by fan-in: keeps activations O(1) through ReLUs */
  TRT_CAFFE_FILL_BIAS,        /* small, centred */
  TRT_CAFFE_FILL_SCALE,       /* around one (Scale's gamma, BatchNorm's factor neighbours) */
  TRT_CAFFE_FILL_MEAN,        /* small, centred */
  TRT_CAFFE_FILL_VARIANCE,    /* positive, around one */
  TRT_CAFFE_FILL_SLOPE,       /* PReLU slopes, in (0, 0.3) */
  TRT_CAFFE_FILL_ONE,         /* BatchNorm's moving-average factor */
} trt_caffe_fill_t;

typedef struct {
  const char *role; /* "weights", "bias", ... for messages */
  trt_dims_t dims;
  trt_caffe_fill_t fill;
  int64_t fan_in;
} trt_caffe_blob_spec_t;

/* The layer's blobs: from the caffemodel (checked against `specs`: count,
 * shapes, data size) or random. `data[i]` stays valid until the import ends. */
trt_status_t trt_caffe_layer_blobs(trt_caffe_importer_t *importer,
                                   const trt_caffe_blob_spec_t *specs, int count, float **data);
/* Records the layer with `data[0..count)` (taken over) for the writer;
 * count 0 for a layer without blobs. */
trt_status_t trt_caffe_save_layer(trt_caffe_importer_t *importer,
                                  const trt_caffe_blob_spec_t *specs, int count, float **data);
/* Frees what the records own, not the array. */
void trt_caffe_saved_layers_free(trt_caffe_saved_layer_t *saved, size_t count);

#endif
