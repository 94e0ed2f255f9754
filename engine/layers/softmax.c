/* Shape inference for softmax and log-softmax. */
#include "layers/layers.h"

/* The normalized axis of a softmax over `rank` dims, or -1. With coerce_2d
 * (ONNX opset < 13) the axis only says where to split the dims in two, so
 * `rank` itself is allowed (every block then has one element). */
static int softmax_axis(const trt_softmax_params_t *params, int rank) {
  int64_t axis = params->axis;
  if (params->coerce_2d && axis == rank)
    return rank;
  return trt_normalize_axis(axis, rank);
}

trt_status_t trt_softmax_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_softmax_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing softmax parameters");
  if (layer->nb_inputs != 1 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 1 input and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the input is missing");
  if (x->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(x->type));
  if (softmax_axis(params, x->dims.nb_dims) < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                     (int)params->axis, x->dims.nb_dims);
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = x->dims;
  return TRT_STATUS_OK;
}
