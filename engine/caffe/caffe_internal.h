/* Caffe import, shared by its files: the NetParameter model (prototxt and
 * caffemodel read into one protobuf-c type), the importer's state, the
 * helpers layer import functions use, and the weights writer. */
#ifndef TRT_CAFFE_INTERNAL_H
#define TRT_CAFFE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "caffe.pb-c.h"
#include "caffe/caffe_text_format.h"
#include "network_internal.h"
#include "trt/caffe_parser.h"

/* ---- the model: one layer, whichever format (layer {} or V1 layers {}) ---- */

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
  const Caffe__EltwiseParameter *eltwise;
  const Caffe__ELUParameter *elu;
  const Caffe__FlattenParameter *flatten;
  const Caffe__InnerProductParameter *inner_product;
  const Caffe__InputParameter *input;
  const Caffe__LRNParameter *lrn;
  const Caffe__PermuteParameter *permute;
  const Caffe__PoolingParameter *pooling;
  const Caffe__PowerParameter *power;
  const Caffe__PReLUParameter *prelu;
  const Caffe__ReLUParameter *relu;
  const Caffe__ReshapeParameter *reshape;
  const Caffe__ScaleParameter *scale;
  const Caffe__SoftmaxParameter *softmax;
  const Caffe__SliceParameter *slice;
  bool has_concat_axis; /* axis given explicitly (else concat_dim may apply) */
  bool has_slice_axis;
} caffe_layer_t;

/* Reads a whole file (NUL-terminated for convenience). */
trt_status_t caffe_read_file(const char *path, char **data, size_t *size);
/* Parses a deploy description; positions locate its layers. */
trt_status_t caffe_net_parse_text(const char *text, size_t size, const char *name_for_errors,
                                  Caffe__NetParameter **net, caffe_text_positions_t *positions);
/* Decodes a binary caffemodel. */
trt_status_t caffe_net_parse_binary(const void *data, size_t size, const char *name_for_errors,
                                    Caffe__NetParameter **net);
/* Number of layers in either format (a net uses one of them). */
size_t caffe_net_num_layers(const Caffe__NetParameter *net);
/* The view of layer `index`; positions may be NULL. */
caffe_layer_t caffe_net_layer(const Caffe__NetParameter *net, size_t index,
                              const caffe_text_positions_t *positions);
/* Whether a layer takes part in the TEST phase (include/exclude rules). */
bool caffe_net_layer_in_test_phase(const Caffe__NetParameter *net, size_t index);

/* ---- blobs ---------------------------------------------------------------- */

/* How to fill a blob when there is no caffemodel. */
typedef enum {
  CAFFE_FILL_WEIGHTS = 0, /* He-uniform by fan-in: keeps activations O(1) through ReLUs */
  CAFFE_FILL_BIAS,        /* small, centred */
  CAFFE_FILL_SCALE,       /* around one (Scale's gamma, BatchNorm's factor neighbours) */
  CAFFE_FILL_MEAN,        /* small, centred */
  CAFFE_FILL_VARIANCE,    /* positive, around one */
  CAFFE_FILL_SLOPE,       /* PReLU slopes, in (0, 0.3) */
  CAFFE_FILL_ONE,         /* BatchNorm's moving-average factor */
} caffe_fill_t;

typedef struct {
  const char *role; /* "weights", "bias", ... for messages */
  trt_dims_t dims;
  caffe_fill_t fill;
  int64_t fan_in;
} caffe_blob_spec_t;

/* A layer's blobs as the import used them, kept for the caffemodel writer. */
typedef struct {
  char *name;
  char *type;
  size_t nb_bottoms, nb_tops;
  char **bottoms, **tops;
  size_t nb_blobs;
  trt_dims_t *dims;
  float **data;
} caffe_saved_layer_t;

/* ---- the importer ------------------------------------------------------- */

typedef struct {
  char *name;
  int tensor;        /* the blob's current version */
  int writes_left;   /* tops still to write it; the last one gets the plain name */
} caffe_blob_t;

typedef struct {
  trt_network_t *network;
  const char *deploy_name;
  const char *weights_name;
  trt_caffe_options_t options;
  const Caffe__NetParameter *weights; /* NULL: random weights */
  caffe_blob_t *blobs;
  size_t nb_blobs, blob_capacity;
  bool *consumed; /* per tensor: read by some layer */
  int consumed_capacity;
  caffe_saved_layer_t *saved;
  size_t nb_saved, saved_capacity;
  /* The layer being imported. */
  const caffe_layer_t *layer;
  int bottoms[TRT_MAX_LAYER_OUTPUTS];
  int tops[TRT_MAX_LAYER_OUTPUTS];
  int emitted; /* layers emitted for it so far, for unique names */
  trt_status_t failure; /* status of the last helper that returned -1 */
} caffe_importer_t;

/* "deploy:line:col: layer 'name' (Type): message". */
trt_status_t caffe_layer_error(const caffe_importer_t *importer, trt_status_t status,
                               const char *format, ...) __attribute__((format(printf, 3, 4)));

/* Adds a layer and infers its output shapes at once, so that later layers
 * can check their operands. `first_top` >= 0 makes its outputs the Caffe
 * layer's tops first_top.. (and records them); -1 gives internal names.
 * Returns the first output tensor, or -1 with the error set. */
int caffe_emit(caffe_importer_t *importer, trt_layer_type_t type, const int *inputs,
               int nb_inputs, const void *params, int nb_outputs, int first_top);
int caffe_constant_float(caffe_importer_t *importer, const char *role, const trt_dims_t *dims,
                         const float *data);
int caffe_constant_int64(caffe_importer_t *importer, const char *role, int count,
                         const int64_t *values);
int caffe_scalar(caffe_importer_t *importer, const char *role, float value);
const trt_dims_t *caffe_tensor_dims(const caffe_importer_t *importer, int tensor);

/* The layer's blobs: from the caffemodel (checked against `specs`: count,
 * shapes, data size) or random. `data[i]` stays valid until the import ends. */
trt_status_t caffe_layer_blobs(caffe_importer_t *importer, const caffe_blob_spec_t *specs,
                               int count, float **data);
/* Records a layer without blobs for the writer. */
trt_status_t caffe_save_layer(caffe_importer_t *importer, const caffe_blob_spec_t *specs,
                              int count, float **data);
/* Frees what the records own, not the array. */
void caffe_saved_layers_free(caffe_saved_layer_t *saved, size_t count);

/* The import function table. */
typedef trt_status_t (*caffe_import_fn)(caffe_importer_t *importer);
typedef struct {
  const char *type;
  int min_bottoms, max_bottoms; /* -1: any number */
  int min_tops, max_tops;
  caffe_import_fn import;
} caffe_layer_importer_t;
const caffe_layer_importer_t *caffe_find_importer(const char *type);

/* Import functions of the layers with weights or geometry (caffe_vision.c,
 * caffe_norm.c); the others live in caffe_layers.c next to the table. */
trt_status_t caffe_import_convolution(caffe_importer_t *importer);
trt_status_t caffe_import_deconvolution(caffe_importer_t *importer);
trt_status_t caffe_import_pooling(caffe_importer_t *importer);
trt_status_t caffe_import_inner_product(caffe_importer_t *importer);
trt_status_t caffe_import_lrn(caffe_importer_t *importer);
trt_status_t caffe_import_batch_norm(caffe_importer_t *importer);
trt_status_t caffe_import_scale(caffe_importer_t *importer);
trt_status_t caffe_import_bias(caffe_importer_t *importer);
trt_status_t caffe_import_prelu(caffe_importer_t *importer);

/* Writes `saved` as a binary NetParameter named `net_name`, atomically. */
trt_status_t caffe_write_weights(const char *path, const char *net_name,
                                 const caffe_saved_layer_t *saved, size_t count);

#endif
