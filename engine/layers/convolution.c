/* Shape inference for the convolution family. */
#include "layers/layers.h"

trt_status_t trt_convolution_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}

trt_status_t trt_deconvolution_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}
