/* CPU reference for the resize family. */
#include "cpu/cpu_layers.h"

trt_status_t trt_cpu_resize(const trt_network_t *network, const trt_layer_t *layer,
    const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu) {
  (void)network; (void)layer; (void)inputs; (void)outputs; (void)cpu;
  return trt_error(TRT_STATUS_UNSUPPORTED, "not implemented yet");
}
