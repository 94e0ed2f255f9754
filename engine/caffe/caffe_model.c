/* The NetParameter model: deploy text and caffemodel bytes read into the
 * same protobuf-c type, and a uniform view of a layer in either the current
 * (`layer {}`) or the legacy V1 (`layers {}`) format. */
#include <stdlib.h>

#include "caffe/caffe_model.h"

trt_status_t trt_caffe_net_parse_text(const char *text, size_t size, const char *name_for_errors,
                                      Caffe__NetParameter **net,
                                      trt_caffe_text_positions_t *positions) {
  ProtobufCMessage *message = NULL;
  trt_status_t status = trt_caffe_text_parse(
      text, size, name_for_errors, &caffe__net_parameter__descriptor, &message, positions);
  *net = (Caffe__NetParameter *)message;
  return status;
}

trt_status_t trt_caffe_net_parse_binary(const void *data, size_t size, const char *name_for_errors,
                                        Caffe__NetParameter **net) {
  *net = caffe__net_parameter__unpack(NULL, size, data);
  if (!*net)
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "%s: not a valid caffemodel: the %zu bytes do not decode as a NetParameter "
                     "(truncated or corrupt file?)",
                     name_for_errors, size);
  return TRT_STATUS_OK;
}

size_t trt_caffe_net_num_layers(const Caffe__NetParameter *net) {
  return net->n_layer ? net->n_layer : net->n_layers;
}

/* Current names of the V1 enum types, as Caffe's upgrade code spells them. */
static const char *v1_type_name(Caffe__V1LayerParameter__LayerType type) {
  switch (type) {
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__ABSVAL: return "AbsVal";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__ACCURACY: return "Accuracy";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__ARGMAX: return "ArgMax";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__BNLL: return "BNLL";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__CONCAT: return "Concat";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__CONTRASTIVE_LOSS: return "ContrastiveLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__CONVOLUTION: return "Convolution";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__DATA: return "Data";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__DECONVOLUTION: return "Deconvolution";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__DROPOUT: return "Dropout";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__DUMMY_DATA: return "DummyData";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__EUCLIDEAN_LOSS: return "EuclideanLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__ELTWISE: return "Eltwise";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__EXP: return "Exp";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__FLATTEN: return "Flatten";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__HDF5_DATA: return "HDF5Data";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__HDF5_OUTPUT: return "HDF5Output";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__HINGE_LOSS: return "HingeLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__IM2COL: return "Im2col";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__IMAGE_DATA: return "ImageData";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__INFOGAIN_LOSS: return "InfogainLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__INNER_PRODUCT: return "InnerProduct";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__LRN: return "LRN";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__MEMORY_DATA: return "MemoryData";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__MULTINOMIAL_LOGISTIC_LOSS:
    return "MultinomialLogisticLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__MVN: return "MVN";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__POOLING: return "Pooling";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__POWER: return "Power";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__RELU: return "ReLU";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SIGMOID: return "Sigmoid";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SIGMOID_CROSS_ENTROPY_LOSS:
    return "SigmoidCrossEntropyLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SILENCE: return "Silence";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SOFTMAX: return "Softmax";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SOFTMAX_LOSS: return "SoftmaxWithLoss";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SPLIT: return "Split";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__SLICE: return "Slice";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__TANH: return "TanH";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__WINDOW_DATA: return "WindowData";
  case CAFFE__V1_LAYER_PARAMETER__LAYER_TYPE__THRESHOLD: return "Threshold";
  default: return "(none)";
  }
}

/* Defaults for absent parameter messages: the INIT macros carry the
 * defaults of caffe.proto. */
static const Caffe__BatchNormParameter default_batch_norm = CAFFE__BATCH_NORM_PARAMETER__INIT;
static const Caffe__BiasParameter default_bias = CAFFE__BIAS_PARAMETER__INIT;
static const Caffe__ConcatParameter default_concat = CAFFE__CONCAT_PARAMETER__INIT;
static const Caffe__ConvolutionParameter default_convolution = CAFFE__CONVOLUTION_PARAMETER__INIT;
static const Caffe__CropParameter default_crop = CAFFE__CROP_PARAMETER__INIT;
static const Caffe__DetectionOutputParameter default_detection_output =
    CAFFE__DETECTION_OUTPUT_PARAMETER__INIT;
static const Caffe__EltwiseParameter default_eltwise = CAFFE__ELTWISE_PARAMETER__INIT;
static const Caffe__ELUParameter default_elu = CAFFE__ELUPARAMETER__INIT;
static const Caffe__FlattenParameter default_flatten = CAFFE__FLATTEN_PARAMETER__INIT;
static const Caffe__InnerProductParameter default_inner_product =
    CAFFE__INNER_PRODUCT_PARAMETER__INIT;
static const Caffe__InputParameter default_input = CAFFE__INPUT_PARAMETER__INIT;
static const Caffe__LRNParameter default_lrn = CAFFE__LRNPARAMETER__INIT;
static const Caffe__NormalizeParameter default_normalize = CAFFE__NORMALIZE_PARAMETER__INIT;
static const Caffe__PermuteParameter default_permute = CAFFE__PERMUTE_PARAMETER__INIT;
static const Caffe__PoolingParameter default_pooling = CAFFE__POOLING_PARAMETER__INIT;
static const Caffe__PowerParameter default_power = CAFFE__POWER_PARAMETER__INIT;
static const Caffe__PReLUParameter default_prelu = CAFFE__PRE_LUPARAMETER__INIT;
static const Caffe__PriorBoxParameter default_prior_box = CAFFE__PRIOR_BOX_PARAMETER__INIT;
static const Caffe__ReLUParameter default_relu = CAFFE__RE_LUPARAMETER__INIT;
static const Caffe__ReshapeParameter default_reshape = CAFFE__RESHAPE_PARAMETER__INIT;
static const Caffe__ScaleParameter default_scale = CAFFE__SCALE_PARAMETER__INIT;
static const Caffe__SoftmaxParameter default_softmax = CAFFE__SOFTMAX_PARAMETER__INIT;
static const Caffe__SliceParameter default_slice = CAFFE__SLICE_PARAMETER__INIT;

#define PARAM_OR_DEFAULT(source, field, name) ((source)->field ? (source)->field : &default_##name)

trt_caffe_layer_t trt_caffe_net_layer(const Caffe__NetParameter *net, size_t index,
                                      const trt_caffe_text_positions_t *positions) {
  trt_caffe_layer_t view = {0};
  const void *message;
  if (net->n_layer) {
    const Caffe__LayerParameter *layer = net->layer[index];
    message = layer;
    view.name = layer->name ? layer->name : "";
    view.type = layer->type ? layer->type : "";
    view.nb_bottoms = layer->n_bottom;
    view.bottoms = layer->bottom;
    view.nb_tops = layer->n_top;
    view.tops = layer->top;
    view.nb_blobs = layer->n_blobs;
    view.blobs = layer->blobs;
    view.batch_norm = PARAM_OR_DEFAULT(layer, batch_norm_param, batch_norm);
    view.bias = PARAM_OR_DEFAULT(layer, bias_param, bias);
    view.crop = PARAM_OR_DEFAULT(layer, crop_param, crop);
    view.detection_output = PARAM_OR_DEFAULT(layer, detection_output_param, detection_output);
    view.normalize = PARAM_OR_DEFAULT(layer, norm_param, normalize);
    view.prior_box = PARAM_OR_DEFAULT(layer, prior_box_param, prior_box);
    view.elu = PARAM_OR_DEFAULT(layer, elu_param, elu);
    view.flatten = PARAM_OR_DEFAULT(layer, flatten_param, flatten);
    view.input = PARAM_OR_DEFAULT(layer, input_param, input);
    view.permute = PARAM_OR_DEFAULT(layer, permute_param, permute);
    view.prelu = PARAM_OR_DEFAULT(layer, prelu_param, prelu);
    view.reshape = PARAM_OR_DEFAULT(layer, reshape_param, reshape);
    view.scale = PARAM_OR_DEFAULT(layer, scale_param, scale);
    view.concat = PARAM_OR_DEFAULT(layer, concat_param, concat);
    view.convolution = PARAM_OR_DEFAULT(layer, convolution_param, convolution);
    view.eltwise = PARAM_OR_DEFAULT(layer, eltwise_param, eltwise);
    view.inner_product = PARAM_OR_DEFAULT(layer, inner_product_param, inner_product);
    view.lrn = PARAM_OR_DEFAULT(layer, lrn_param, lrn);
    view.pooling = PARAM_OR_DEFAULT(layer, pooling_param, pooling);
    view.power = PARAM_OR_DEFAULT(layer, power_param, power);
    view.relu = PARAM_OR_DEFAULT(layer, relu_param, relu);
    view.softmax = PARAM_OR_DEFAULT(layer, softmax_param, softmax);
    view.slice = PARAM_OR_DEFAULT(layer, slice_param, slice);
  } else {
    const Caffe__V1LayerParameter *layer = net->layers[index];
    message = layer;
    view.name = layer->name ? layer->name : "";
    view.type = v1_type_name(layer->type);
    view.nb_bottoms = layer->n_bottom;
    view.bottoms = layer->bottom;
    view.nb_tops = layer->n_top;
    view.tops = layer->top;
    view.nb_blobs = layer->n_blobs;
    view.blobs = layer->blobs;
    /* V1 had no field for the newer types' parameters: they take defaults. */
    view.batch_norm = &default_batch_norm;
    view.bias = &default_bias;
    view.crop = &default_crop;
    view.detection_output = &default_detection_output;
    view.normalize = &default_normalize;
    view.prior_box = &default_prior_box;
    view.elu = &default_elu;
    view.flatten = &default_flatten;
    view.input = &default_input;
    view.permute = &default_permute;
    view.prelu = &default_prelu;
    view.reshape = &default_reshape;
    view.scale = &default_scale;
    view.concat = PARAM_OR_DEFAULT(layer, concat_param, concat);
    view.convolution = PARAM_OR_DEFAULT(layer, convolution_param, convolution);
    view.eltwise = PARAM_OR_DEFAULT(layer, eltwise_param, eltwise);
    view.inner_product = PARAM_OR_DEFAULT(layer, inner_product_param, inner_product);
    view.lrn = PARAM_OR_DEFAULT(layer, lrn_param, lrn);
    view.pooling = PARAM_OR_DEFAULT(layer, pooling_param, pooling);
    view.power = PARAM_OR_DEFAULT(layer, power_param, power);
    view.relu = PARAM_OR_DEFAULT(layer, relu_param, relu);
    view.softmax = PARAM_OR_DEFAULT(layer, softmax_param, softmax);
    view.slice = PARAM_OR_DEFAULT(layer, slice_param, slice);
  }
  view.has_concat_axis = view.concat->has_axis;
  view.has_slice_axis = view.slice->has_axis;
  if (positions)
    trt_caffe_text_position_find(positions, message, &view.line, &view.column);
  return view;
}

/* Deploy networks run in the TEST phase; levels and stages are not used. */
static bool rule_matches_test(const Caffe__NetStateRule *rule) {
  return !rule->has_phase || rule->phase == CAFFE__PHASE__TEST;
}

bool trt_caffe_net_layer_in_test_phase(const Caffe__NetParameter *net, size_t index) {
  size_t n_include, n_exclude;
  Caffe__NetStateRule **include, **exclude;
  if (net->n_layer) {
    const Caffe__LayerParameter *layer = net->layer[index];
    if (layer->has_phase && layer->phase != CAFFE__PHASE__TEST)
      return false;
    n_include = layer->n_include, include = layer->include;
    n_exclude = layer->n_exclude, exclude = layer->exclude;
  } else {
    const Caffe__V1LayerParameter *layer = net->layers[index];
    n_include = layer->n_include, include = layer->include;
    n_exclude = layer->n_exclude, exclude = layer->exclude;
  }
  if (n_include) {
    for (size_t i = 0; i < n_include; i++)
      if (rule_matches_test(include[i]))
        return true;
    return false;
  }
  for (size_t i = 0; i < n_exclude; i++)
    if (rule_matches_test(exclude[i]))
      return false;
  return true;
}
