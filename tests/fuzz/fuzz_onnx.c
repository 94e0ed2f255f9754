/* libFuzzer harness: an ONNX model from memory (trt_onnx_parse_memory),
 * then build and one CPU execution (fuzz_common.h). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_silence_logger();
  trt_network_t *network = trt_network_create();
  if (!network)
    return 0;
  if (trt_onnx_parse_memory(network, data, size, "fuzz.onnx") == TRT_STATUS_OK)
    fuzz_build_and_run(network);
  trt_network_destroy(network);
  return 0;
}
