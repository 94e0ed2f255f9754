/* Shape inference for the reduce family. */
#include "layers/layers.h"

trt_status_t trt_reduce_infer(trt_network_t *network, trt_layer_t *layer) {
  (void)network;
  (void)layer;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}
