/* libFuzzer harness: a Caffe deploy prototxt from memory
 * (trt_caffe_parse_memory, random weights), then build and one CPU
 * execution (fuzz_common.h). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_silence_logger();
  trt_network_t *network = trt_network_create();
  if (!network)
    return 0;
  trt_caffe_options_t options;
  trt_caffe_options_init(&options);
  options.seed = 1;
  if (trt_caffe_parse_memory(network, (const char *)data, size, NULL, 0, &options,
                             "fuzz.prototxt") == TRT_STATUS_OK)
    fuzz_build_and_run(network);
  trt_network_destroy(network);
  return 0;
}
