/* One engine, 8 execution contexts on 8 threads, each running its own
 * inputs many times (half of them through a CUDA graph) and checking every
 * result against the CPU backend.
 *
 *   test_gpu_threads model.onnx [batch] [iterations]
 *
 * Exits 77 without a GPU. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

#define NB_THREADS 8
#define TOLERANCE 1e-4

typedef struct {
  int index;
  trt_engine_t *cuda, *cpu;
  int batch, iterations;
  double worst;
  char message[512];
} worker_t;

static void *work(void *arg) {
  worker_t *w = arg;
  trt_context_t *context = NULL, *cpu_context = NULL;
  gpu_bindings_t expected = {0}, actual = {0};
  w->worst = 0;
  if (trt_context_create(w->cuda, &context) != TRT_STATUS_OK ||
      trt_context_create(w->cpu, &cpu_context) != TRT_STATUS_OK ||
      gpu_bindings_alloc(w->cpu, &expected) != TRT_STATUS_OK ||
      gpu_bindings_alloc(w->cuda, &actual) != TRT_STATUS_OK) {
    snprintf(w->message, sizeof(w->message), "setup: %s", trt_last_error());
    w->worst = 1e30;
  }
  if (w->worst == 0) {
    gpu_bindings_fill_inputs(w->cpu, &expected, 1000 + (uint64_t)w->index);
    if (gpu_run_host(w->cpu, cpu_context, w->batch, &expected) != TRT_STATUS_OK) {
      snprintf(w->message, sizeof(w->message), "CPU run: %s", trt_last_error());
      w->worst = 1e30;
    }
  }
  trt_context_set_use_graph(context, w->index % 2 == 1);
  for (int i = 0; i < w->iterations && w->worst < 1e30; i++) {
    gpu_bindings_copy_inputs(w->cpu, &actual, &expected);
    if (gpu_run_host(w->cuda, context, w->batch, &actual) != TRT_STATUS_OK) {
      snprintf(w->message, sizeof(w->message), "CUDA run %d: %s", i, trt_last_error());
      w->worst = 1e30;
      break;
    }
    char worst[256];
    double error = gpu_compare_outputs(w->cuda, w->batch, &actual, &expected, worst, sizeof(worst));
    if (error > w->worst) {
      w->worst = error;
      snprintf(w->message, sizeof(w->message), "worst output %s", worst);
    }
  }
  gpu_bindings_free(&expected);
  gpu_bindings_free(&actual);
  trt_context_destroy(context);
  trt_context_destroy(cpu_context);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_gpu_threads model.onnx [batch] [iterations]\n");
    return 2;
  }
  gpu_require();
  int batch = argc > 2 ? atoi(argv[2]) : 2;
  int iterations = argc > 3 ? atoi(argv[3]) : 20;
  trt_network_t *network = trt_network_create();
  trt_engine_t *cuda = NULL, *cpu = NULL;
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.max_batch = batch;
  config.backend = TRT_BACKEND_CUDA;
  bool ok = trt_onnx_parse(network, argv[1]) == TRT_STATUS_OK &&
            trt_engine_build(network, &config, &cuda) == TRT_STATUS_OK;
  config.backend = TRT_BACKEND_CPU;
  ok = ok && trt_engine_build(network, &config, &cpu) == TRT_STATUS_OK;
  if (!ok) {
    printf("FAIL setup: %s\n", trt_last_error());
    return 1;
  }
  worker_t workers[NB_THREADS];
  pthread_t threads[NB_THREADS];
  for (int t = 0; t < NB_THREADS; t++) {
    workers[t] = (worker_t){.index = t, .cuda = cuda, .cpu = cpu, .batch = batch,
                            .iterations = iterations};
    pthread_create(&threads[t], NULL, work, &workers[t]);
  }
  int failed = 0;
  for (int t = 0; t < NB_THREADS; t++) {
    pthread_join(threads[t], NULL);
    bool pass = workers[t].worst <= TOLERANCE;
    failed += !pass;
    printf("%-4s thread %d: %d runs, worst rel L2 %.3g %s%s\n", pass ? "ok" : "FAIL", t,
           iterations, workers[t].worst, t % 2 ? "(CUDA graph) " : "", workers[t].message);
  }
  trt_engine_destroy(cuda);
  trt_engine_destroy(cpu);
  trt_network_destroy(network);
  printf("%d of %d threads correct\n", NB_THREADS - failed, NB_THREADS);
  return failed ? 1 : 0;
}
