/* libFuzzer harness: a plan file from memory (trt_engine_deserialize), then
 * one CPU execution (fuzz_common.h). The checksum at the end only catches
 * accidents, so the harness recomputes it over the mutated bytes as an
 * attacker would; without that every mutation stops at the checksum. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "plan_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_silence_logger();
  uint8_t *plan = malloc(size ? size : 1);
  if (!plan)
    return 0;
  memcpy(plan, data, size);
  if (size >= sizeof(uint64_t)) {
    uint64_t checksum = trt_plan_checksum(plan, size - sizeof(uint64_t));
    memcpy(plan + size - sizeof(uint64_t), &checksum, sizeof(checksum));
  }
  trt_builder_config_t config;
  fuzz_builder_config(&config);
  trt_engine_t *engine = NULL;
  if (trt_engine_deserialize(plan, size, NULL, &config, &engine) == TRT_STATUS_OK) {
    fuzz_run_engine(engine);
    trt_engine_destroy(engine);
  }
  free(plan);
  return 0;
}
