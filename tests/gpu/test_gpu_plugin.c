/* A plugin layer (trt/plugin.h) on the CUDA backend against the CPU:
 *
 *   test_gpu_plugin LIBRARY MODEL   (libtrt_test_plugins.so, scaled_square.onnx)
 *
 * 1. The model (ScaledSquare of domain 'test.plugins', then Add) built for
 *    both backends: the plugin's enqueue_cuda against its execute_cpu,
 *    relative L2 error within 1e-6 (the same float products).
 * 2. The same model once the plugin is registered again without
 *    enqueue_cuda: the CUDA build is refused naming the plugin.
 * Exits 77 without a GPU. */
#include <stdio.h>
#include <string.h>

#include "gpu_util.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_gpu_plugin LIBRARY MODEL\n");
    return 2;
  }
  gpu_require();
  int failures = 0;
  if (trt_plugin_load_library(argv[1]) != TRT_STATUS_OK) {
    printf("FAIL loading %s: %s\n", argv[1], trt_last_error());
    return 1;
  }
  trt_network_t *network = trt_network_create();
  if (trt_onnx_parse(network, argv[2]) != TRT_STATUS_OK) {
    printf("FAIL importing %s: %s\n", argv[2], trt_last_error());
    return 1;
  }
  if (!gpu_compare_backends("plugin ScaledSquare", network, 2, 2, 1e-6))
    failures++;

  trt_plugin_t cpu_only = *trt_plugin_find("test.plugins", "ScaledSquare");
  cpu_only.enqueue_cuda = NULL;
  if (trt_plugin_deregister("test.plugins", "ScaledSquare") != TRT_STATUS_OK ||
      trt_plugin_register(&cpu_only) != TRT_STATUS_OK) {
    printf("FAIL re-registering: %s\n", trt_last_error());
    failures++;
  }
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CUDA;
  trt_engine_t *engine = NULL;
  trt_status_t status = trt_engine_build(network, &config, &engine);
  if (status == TRT_STATUS_OK || engine ||
      !strstr(trt_last_error(), "plugin 'ScaledSquare' has no CUDA implementation")) {
    printf("FAIL a plugin without enqueue_cuda: status %s, '%s'\n", trt_status_name(status),
           status == TRT_STATUS_OK ? "" : trt_last_error());
    failures++;
  } else {
    printf("ok   refused without enqueue_cuda: %s\n", trt_last_error());
  }
  trt_engine_destroy(engine);
  trt_network_destroy(network);
  printf("%s\n", failures ? "FAILED" : "all passed");
  return failures ? 1 : 0;
}
