/* libFuzzer harness: caffemodel bytes (a binary NetParameter with learned
 * blobs) read with the fixed deploy of caffemodel_deploy.prototxt, then
 * build and one CPU execution (fuzz_common.h). The deploy is read once from
 * the source tree (FUZZ_CAFFEMODEL_DEPLOY, set by meson); the seeds are that
 * deploy's weights as giexec --saveWeights writes them. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

#ifndef FUZZ_CAFFEMODEL_DEPLOY
#error "meson sets FUZZ_CAFFEMODEL_DEPLOY to tests/fuzz/caffemodel_deploy.prototxt"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *deploy_text;
static size_t deploy_size;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  FILE *file = fopen(FUZZ_CAFFEMODEL_DEPLOY, "rb");
  if (!file) {
    fprintf(stderr, "fuzz_caffemodel: cannot open %s\n", FUZZ_CAFFEMODEL_DEPLOY);
    exit(1);
  }
  deploy_text = malloc(1 << 16);
  deploy_size = deploy_text ? fread(deploy_text, 1, 1 << 16, file) : 0;
  fclose(file);
  if (deploy_size == 0 || deploy_size == 1 << 16) {
    fprintf(stderr, "fuzz_caffemodel: %s is empty or too large\n", FUZZ_CAFFEMODEL_DEPLOY);
    exit(1);
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_silence_logger();
  trt_network_t *network = trt_network_create();
  if (!network)
    return 0;
  trt_caffe_options_t options;
  trt_caffe_options_init(&options);
  options.seed = 1;
  if (trt_caffe_parse_memory(network, deploy_text, deploy_size, data, size, &options,
                             "caffemodel_deploy.prototxt") == TRT_STATUS_OK)
    fuzz_build_and_run(network);
  trt_network_destroy(network);
  return 0;
}
