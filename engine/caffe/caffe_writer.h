/* The caffemodel writer (caffe_writer.c): the weights an import used, one
 * record per Caffe layer, written as a binary NetParameter. Includes nothing
 * of the importer's. */
#ifndef TRT_CAFFE_WRITER_H
#define TRT_CAFFE_WRITER_H

#include <stddef.h>

#include "trt/network.h"

/* A layer's blobs as the import used them. */
typedef struct {
  char *name;
  char *type;
  size_t nb_bottoms, nb_tops;
  char **bottoms, **tops;
  size_t nb_blobs;
  trt_dims_t *dims;
  float **data;
} trt_caffe_saved_layer_t;

/* Writes `saved` as a binary NetParameter named `net_name`, atomically. */
trt_status_t trt_caffe_write_weights(const char *path, const char *net_name,
                                     const trt_caffe_saved_layer_t *saved, size_t count);

#endif
