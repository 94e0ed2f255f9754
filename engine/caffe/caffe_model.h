/* The Caffe model as the importer reads it: deploy text and caffemodel bytes
 * parsed into the same protobuf-c NetParameter (caffe_model.c), and a
 * uniform view of one layer in either the current (`layer {}`) or the legacy
 * V1 (`layers {}`) format. Includes nothing else of the importer's. */
#ifndef TRT_CAFFE_MODEL_H
#define TRT_CAFFE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "caffe.pb-c.h"
#include "caffe/caffe_text_format.h"
#include "trt/status.h"

/* One layer, whichever format (layer {} or V1 layers {}). */
typedef struct {
  const char *name;
  const char *type; /* "Convolution"; V1 enums are translated */
  size_t nb_bottoms;
  char **bottoms;
  size_t nb_tops;
  char **tops;
  size_t nb_blobs;
  Caffe__BlobProto **blobs;
  int line, column; /* in the deploy file; 0 when unknown */
  /* Type parameters; never NULL: absent ones point to defaults. */
  const Caffe__BatchNormParameter *batch_norm;
  const Caffe__BiasParameter *bias;
  const Caffe__ConcatParameter *concat;
  const Caffe__ConvolutionParameter *convolution;
  const Caffe__CropParameter *crop;
  const Caffe__DetectionOutputParameter *detection_output;
  const Caffe__EltwiseParameter *eltwise;
  const Caffe__ELUParameter *elu;
  const Caffe__FlattenParameter *flatten;
  const Caffe__InnerProductParameter *inner_product;
  const Caffe__InputParameter *input;
  const Caffe__LRNParameter *lrn;
  const Caffe__NormalizeParameter *normalize;
  const Caffe__PermuteParameter *permute;
  const Caffe__PoolingParameter *pooling;
  const Caffe__PowerParameter *power;
  const Caffe__PReLUParameter *prelu;
  const Caffe__PriorBoxParameter *prior_box;
  const Caffe__ReLUParameter *relu;
  const Caffe__ReshapeParameter *reshape;
  const Caffe__ScaleParameter *scale;
  const Caffe__SoftmaxParameter *softmax;
  const Caffe__SliceParameter *slice;
  bool has_concat_axis; /* axis given explicitly (else concat_dim may apply) */
  bool has_slice_axis;
} trt_caffe_layer_t;

/* Parses a deploy description; positions locate its layers. */
trt_status_t trt_caffe_net_parse_text(const char *text, size_t size, const char *name_for_errors,
                                      Caffe__NetParameter **net,
                                      trt_caffe_text_positions_t *positions);
/* Decodes a binary caffemodel. */
trt_status_t trt_caffe_net_parse_binary(const void *data, size_t size, const char *name_for_errors,
                                        Caffe__NetParameter **net);
/* Number of layers in either format (a net uses one of them). */
size_t trt_caffe_net_num_layers(const Caffe__NetParameter *net);
/* The view of layer `index`; positions may be NULL. */
trt_caffe_layer_t trt_caffe_net_layer(const Caffe__NetParameter *net, size_t index,
                                      const trt_caffe_text_positions_t *positions);
/* Whether a layer takes part in the TEST phase (include/exclude rules). */
bool trt_caffe_net_layer_in_test_phase(const Caffe__NetParameter *net, size_t index);

#endif
