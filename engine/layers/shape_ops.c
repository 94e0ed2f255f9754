/* Shape inference for the shape_ops family. */
#include "layers/layers.h"

trt_status_t trt_cast_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}

trt_status_t trt_shape_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}

trt_status_t trt_constant_of_shape_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}

trt_status_t trt_identity_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}
