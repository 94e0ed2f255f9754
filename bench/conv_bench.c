/* Micro benchmark of the CPU dense layers (not built by meson; see the
 * build line below).
 *
 *   conv_bench                      SGEMM GFLOP/s, 512^3, 1 and 2 threads
 *   conv_bench MODEL.onnx INPUT:DIMS [THREADS]
 *                                   per-layer-type CPU time of a model
 *
 * Build from the repository root, after `ninja -C BUILD`:
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iengine -Iengine/include -IBUILD bench/conv_bench.c \
 *      BUILD/engine/libtrtengine.a -lprotobuf-c -lm -lpthread -o conv_bench */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/gemm.h"
#include "network_internal.h"
#include "trt/onnx_parser.h"
#include "trt/runtime.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static void bench_sgemm(int64_t size, int threads) {
  float *a = malloc((size_t)(size * size) * sizeof(float));
  float *b = malloc((size_t)(size * size) * sizeof(float));
  float *c = malloc((size_t)(size * size) * sizeof(float));
  for (int64_t i = 0; i < size * size; i++) {
    a[i] = (float)(i % 7) - 3.0f;
    b[i] = (float)(i % 5) - 2.0f;
  }
  trt_cpu_context_t *cpu = trt_cpu_context_create(threads);
  trt_sgemm_t gemm = {.m = size,
                      .n = size,
                      .k = size,
                      .a = a,
                      .lda = size,
                      .b = b,
                      .ldb = size,
                      .c = c,
                      .ldc = size,
                      .alpha = 1.0f};
  double times[31];
  for (int run = 0; run < 31; run++) {
    const double start = now_ms();
    trt_sgemm(&gemm, cpu);
    times[run] = now_ms() - start;
  }
  /* median */
  for (int i = 0; i < 31; i++)
    for (int j = i + 1; j < 31; j++)
      if (times[j] < times[i]) {
        const double t = times[i];
        times[i] = times[j];
        times[j] = t;
      }
  printf("sgemm %lld^3, %d thread(s): median %.3f ms, %.1f GFLOP/s (%s)\n", (long long)size,
         threads, times[15], 2.0 * size * size * size / (times[15] * 1e6),
         trt_sgemm_uses_avx2() ? "AVX2+FMA" : "portable C");
  trt_cpu_context_destroy(cpu);
  free(a);
  free(b);
  free(c);
}

typedef struct {
  const trt_network_t *network;
  double per_type[TRT_LAYER_COUNT];
  double *per_layer;
} profile_t;

static void on_layer(const char *name, float milliseconds, void *user_data) {
  profile_t *profile = user_data;
  for (int i = 0; i < trt_network_num_layers(profile->network); i++)
    if (strcmp(trt_network_layer_name(profile->network, i), name) == 0) {
      profile->per_type[trt_network_layer_type(profile->network, i)] += milliseconds;
      profile->per_layer[i] += milliseconds;
      return;
    }
}

static int profile_model(const char *path, const char *shape, int threads) {
  trt_network_t *network = trt_network_create();
  char name[128];
  trt_dims_t dims;
  const char *colon = strrchr(shape, ':');
  if (!colon || (size_t)(colon - shape) >= sizeof name ||
      trt_dims_parse(colon + 1, &dims) != TRT_STATUS_OK) {
    fprintf(stderr, "conv_bench: bad input shape '%s' (want name:1x3x640x640)\n", shape);
    return 2;
  }
  memcpy(name, shape, (size_t)(colon - shape));
  name[colon - shape] = '\0';
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.cpu_threads = threads;
  trt_engine_t *engine = NULL;
  trt_context_t *context = NULL;
  if (trt_onnx_parse(network, path) != TRT_STATUS_OK ||
      trt_network_set_input_dims(network, name, &dims) != TRT_STATUS_OK ||
      trt_network_infer_shapes(network) != TRT_STATUS_OK ||
      trt_engine_build(network, &config, &engine) != TRT_STATUS_OK ||
      trt_context_create(engine, &context) != TRT_STATUS_OK) {
    fprintf(stderr, "conv_bench: %s\n", trt_last_error());
    return 1;
  }
  const int bindings = trt_engine_num_bindings(engine);
  void **buffers = calloc((size_t)bindings, sizeof(void *));
  for (int i = 0; i < bindings; i++) {
    trt_dims_t binding_dims = trt_engine_binding_dims(engine, i);
    const int64_t count = trt_dims_volume(&binding_dims);
    buffers[i] = calloc((size_t)(count > 0 ? count : 1), sizeof(float));
    if (trt_engine_binding_is_input(engine, i))
      for (int64_t j = 0; j < count; j++)
        ((float *)buffers[i])[j] = (float)((j * 7919) % 1000) / 1000.0f - 0.5f;
  }
  const int layers = trt_network_num_layers(network);
  profile_t profile = {.network = network, .per_layer = calloc((size_t)layers, sizeof(double))};
  trt_context_execute(context, 1, buffers); /* warm-up */
  trt_context_set_profiler(context, on_layer, &profile);
  const int runs = 10;
  for (int run = 0; run < runs; run++)
    trt_context_execute(context, 1, buffers);
  double total = 0;
  for (int t = 0; t < TRT_LAYER_COUNT; t++)
    total += profile.per_type[t];
  printf("%s, %d thread(s): %.1f ms per run (sum of layers)\n", path, threads, total / runs);
  for (int t = 0; t < TRT_LAYER_COUNT; t++)
    if (profile.per_type[t] > 0)
      printf("  %-16s %8.2f ms\n", trt_layer_type_name((trt_layer_type_t)t),
             profile.per_type[t] / runs);
  printf("slowest convolutions (weights -> output):\n");
  for (int shown = 0; shown < 12; shown++) {
    int worst = -1;
    for (int i = 0; i < layers; i++)
      if (trt_network_layer_type(network, i) == TRT_LAYER_CONVOLUTION && profile.per_layer[i] > 0 &&
          (worst < 0 || profile.per_layer[i] > profile.per_layer[worst]))
        worst = i;
    if (worst < 0)
      break;
    const trt_convolution_params_t *params = trt_network_layer_params(network, worst);
    trt_dims_t w = trt_network_tensor_dims(network, trt_network_layer_input(network, worst, 1));
    trt_dims_t y = trt_network_tensor_dims(network, trt_network_layer_output(network, worst, 0));
    char w_text[64], y_text[64];
    printf("  %7.2f ms  w %-14s stride %lld group %-4lld -> %s\n", profile.per_layer[worst] / runs,
           trt_dims_format(&w, w_text, sizeof w_text), (long long)params->stride[0],
           (long long)params->group, trt_dims_format(&y, y_text, sizeof y_text));
    profile.per_layer[worst] = 0;
  }
  free(profile.per_layer);
  for (int i = 0; i < bindings; i++)
    free(buffers[i]);
  free(buffers);
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  trt_network_destroy(network);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3)
    return profile_model(argv[1], argv[2], argc > 3 ? atoi(argv[3]) : 2);
  bench_sgemm(512, 1);
  bench_sgemm(512, 2);
  return 0;
}
