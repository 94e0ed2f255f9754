/* Running one layer of a network on the GPU with every tactic its CUDA
 * implementation lists, and comparing each result with the CPU reference.
 *
 * The test owns the CUDA environment (stream, cuDNN, cuBLAS and cuBLASLt
 * handles, a workspace grown on demand), uploads the layer's inputs itself
 * (random data for non-constants, seeded; constants' own data) and fills
 * every output buffer with NaN bytes first, so an element a tactic leaves
 * unwritten fails the comparison. Outputs that are views are compared
 * through their parent: the view's elements against the CPU result (run on
 * a copy of the network without views, so contiguous), and every parent
 * element no output of the layer covers must still be NaN. */
#ifndef TRT_GPU_LAYER_CHECK_H
#define TRT_GPU_LAYER_CHECK_H

#include <string.h>

#include "../unit/test_util.h"
#include "cuda/cuda_backend.h"
#include "cuda/cuda_layers.h"

typedef struct {
  trt_cuda_env_t env;
  int checked; /* tactic runs compared */
} gpu_harness_t;

/* 0 when ready; 77 (the skip code) after printing "no GPU: <reason>". */
static int gpu_harness_open(gpu_harness_t *gpu) {
  /* Progress goes to stdout, failures to stderr: line-buffer stdout so a
   * log that takes both keeps each failure next to its case. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  memset(gpu, 0, sizeof *gpu);
  int count = 0;
  if (trt_cuda_device_count(&count) != TRT_STATUS_OK || count < 1) {
    printf("no GPU: %s\n", trt_last_error());
    return 77;
  }
  trt_cuda_env_t *env = &gpu->env;
  bool ok = cudaSetDevice(0) == cudaSuccess && cudaStreamCreate(&env->stream) == cudaSuccess &&
            cudnnCreate(&env->cudnn) == CUDNN_STATUS_SUCCESS &&
            cudnnSetStream(env->cudnn, env->stream) == CUDNN_STATUS_SUCCESS &&
            cublasCreate(&env->cublas) == CUBLAS_STATUS_SUCCESS &&
            cublasSetStream(env->cublas, env->stream) == CUBLAS_STATUS_SUCCESS &&
            cublasLtCreate(&env->cublas_lt) == CUBLAS_STATUS_SUCCESS;
  if (!ok) {
    printf("no GPU: cannot create the CUDA stream or library handles\n");
    return 77;
  }
  env->allow_tf32 = false;
  /* Every tactic is checked, the lossy ones (FFT, non-fused Winograd) too,
   * at each test's own tolerance. */
  env->allow_lossy_tactics = true;
  return 0;
}

static void gpu_harness_close(gpu_harness_t *gpu) {
  trt_cuda_env_t *env = &gpu->env;
  if (env->stream)
    cudaStreamSynchronize(env->stream);
  if (env->workspace)
    cudaFree(env->workspace);
  if (env->cublas_lt)
    cublasLtDestroy(env->cublas_lt);
  if (env->cublas)
    cublasDestroy(env->cublas);
  if (env->cudnn)
    cudnnDestroy(env->cudnn);
  if (env->stream)
    cudaStreamDestroy(env->stream);
  memset(gpu, 0, sizeof *gpu);
}

static bool gpu_workspace(gpu_harness_t *gpu, size_t bytes) {
  trt_cuda_env_t *env = &gpu->env;
  if (bytes <= env->workspace_bytes)
    return true;
  if (env->workspace)
    cudaFree(env->workspace);
  env->workspace = NULL;
  env->workspace_bytes = 0;
  if (cudaMalloc(&env->workspace, bytes) != cudaSuccess)
    return false;
  env->workspace_bytes = bytes;
  return true;
}

#define GPU_CHECK(call)                                                                    \
  do {                                                                                     \
    cudaError_t gpu_check_error_ = (call);                                                 \
    if (gpu_check_error_ != cudaSuccess) {                                                 \
      fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                        \
              cudaGetErrorString(gpu_check_error_));                                       \
      test_failures++;                                                                     \
      goto done;                                                                           \
    }                                                                                      \
  } while (0)

/* The buffer an output lives in: its parent when it is a view. */
static int gpu_storage_tensor(const trt_network_t *network, int tensor) {
  const trt_tensor_t *t = &network->tensors[tensor];
  return t->view_parent >= 0 ? t->view_parent : tensor;
}

/* Runs layer `l` with every tactic of `ops` and checks each against the CPU
 * reference (relative L2 <= tolerance per output). Returns the number of
 * tactics listed. */
static int gpu_check_layer(gpu_harness_t *gpu, const trt_cuda_layer_ops_t *ops,
                           const trt_network_t *network, int l, const char *label,
                           double tolerance, uint64_t seed) {
  const trt_layer_t *layer = &network->layers[l];
  const int nb_inputs = layer->nb_inputs, nb_outputs = layer->nb_outputs;
  float *host_in[16] = {0};
  void *dev_in[16] = {0};
  float *ref_out[TRT_MAX_LAYER_OUTPUTS] = {0};
  /* Storage buffers by output index (views share their parent's). */
  int storage[TRT_MAX_LAYER_OUTPUTS];
  float *dev_storage[TRT_MAX_LAYER_OUTPUTS] = {0}, *host_storage = NULL;
  int64_t storage_volume[TRT_MAX_LAYER_OUTPUTS] = {0};
  bool *covered = NULL;
  trt_network_t *plain = NULL;
  int nb_tactics = 0;
  trt_cuda_tactic_t tactics[TRT_CUDA_MAX_TACTICS];
  test_rng_t rng = test_rng(seed);
  if (nb_inputs > 16) {
    fprintf(stderr, "%s: too many inputs\n", label);
    test_failures++;
    return 0;
  }

  /* Inputs, on both sides. */
  for (int i = 0; i < nb_inputs; i++) {
    const trt_tensor_t *t = trt_layer_input(network, layer, i);
    if (!t)
      continue;
    const int64_t volume = trt_dims_volume(&t->dims);
    host_in[i] = t->data ? NULL : test_random_floats(&rng, volume, -1.0f, 1.0f);
    const void *data = t->data ? t->data : host_in[i];
    GPU_CHECK(cudaMalloc(&dev_in[i], (size_t)(volume > 0 ? volume : 1) * sizeof(float)));
    GPU_CHECK(cudaMemcpy(dev_in[i], data, (size_t)volume * sizeof(float), cudaMemcpyHostToDevice));
  }

  /* The CPU reference, contiguous outputs. */
  plain = trt_network_clone(network);
  if (!plain) {
    fprintf(stderr, "%s: cannot clone the network\n", label);
    test_failures++;
    goto done;
  }
  for (int t = 0; t < plain->nb_tensors; t++)
    plain->tensors[t].view_parent = -1;
  for (int o = 0; o < nb_outputs; o++) {
    const int64_t volume = trt_dims_volume(&trt_layer_output(network, layer, o)->dims);
    ref_out[o] = malloc((size_t)(volume > 0 ? volume : 1) * sizeof(float));
  }
  {
    trt_status_t status = test_run_layer(plain, l, (const void *const *)host_in,
                                          (void *const *)ref_out, 1);
    if (status != TRT_STATUS_OK) {
      fprintf(stderr, "%s: CPU reference failed: %s\n", label, trt_last_error());
      test_failures++;
      goto done;
    }
  }

  /* GPU output storage. */
  for (int o = 0; o < nb_outputs; o++) {
    storage[o] = gpu_storage_tensor(network, layer->outputs[o]);
    int first = o;
    for (int p = 0; p < o; p++)
      if (storage[p] == storage[o] && first == o)
        first = p;
    if (first != o) {
      dev_storage[o] = dev_storage[first];
      storage_volume[o] = storage_volume[first];
      continue;
    }
    storage_volume[o] = trt_dims_volume(&network->tensors[storage[o]].dims);
    GPU_CHECK(cudaMalloc((void **)&dev_storage[o], (size_t)storage_volume[o] * sizeof(float)));
  }

  nb_tactics = ops->list_tactics(network, layer, &gpu->env, tactics, TRT_CUDA_MAX_TACTICS);
  if (nb_tactics <= 0) {
    fprintf(stderr, "%s: no tactic: %s\n", label, trt_last_error());
    test_failures++;
    goto done;
  }
  for (int k = 0; k < nb_tactics; k++) {
    for (int o = 0; o < nb_outputs; o++)
      GPU_CHECK(cudaMemset(dev_storage[o], 0xFF, (size_t)storage_volume[o] * sizeof(float)));
    void *state = NULL;
    size_t workspace = 0;
    trt_status_t status = ops->create(network, layer, tactics[k].id, &gpu->env, &state, &workspace);
    if (status != TRT_STATUS_OK) {
      fprintf(stderr, "%s [%s]: create failed: %s\n", label, tactics[k].name, trt_last_error());
      test_failures++;
      continue;
    }
    if (!gpu_workspace(gpu, workspace)) {
      fprintf(stderr, "%s [%s]: no %zu bytes of workspace\n", label, tactics[k].name, workspace);
      test_failures++;
      if (ops->destroy)
        ops->destroy(state);
      continue;
    }
    const void *inputs[16];
    void *outputs[TRT_MAX_LAYER_OUTPUTS];
    for (int i = 0; i < nb_inputs; i++)
      inputs[i] = dev_in[i];
    for (int o = 0; o < nb_outputs; o++) {
      const trt_tensor_t *t = trt_layer_output(network, layer, o);
      const int64_t offset = t->view_parent >= 0 ? trt_tensor_view_layout(network, t).offset : 0;
      outputs[o] = dev_storage[o] + offset;
    }
    status = ops->enqueue(state, network, layer, tactics[k].id, inputs, outputs, &gpu->env);
    cudaError_t error = cudaStreamSynchronize(gpu->env.stream);
    if (ops->destroy)
      ops->destroy(state);
    if (status != TRT_STATUS_OK || error != cudaSuccess) {
      fprintf(stderr, "%s [%s]: enqueue failed: %s\n", label, tactics[k].name,
              status != TRT_STATUS_OK ? trt_last_error() : cudaGetErrorString(error));
      test_failures++;
      continue;
    }
    /* Compare every output through its storage. */
    for (int o = 0; o < nb_outputs; o++) {
      const trt_tensor_t *t = trt_layer_output(network, layer, o);
      const int64_t volume = trt_dims_volume(&t->dims);
      free(host_storage);
      free(covered);
      host_storage = malloc((size_t)storage_volume[o] * sizeof(float));
      covered = calloc((size_t)storage_volume[o], sizeof(bool));
      float *gathered = malloc((size_t)(volume > 0 ? volume : 1) * sizeof(float));
      if (!host_storage || !covered || !gathered) {
        free(gathered);
        fprintf(stderr, "%s: out of host memory\n", label);
        test_failures++;
        goto done;
      }
      GPU_CHECK(cudaMemcpy(host_storage, dev_storage[o], (size_t)storage_volume[o] * sizeof(float),
                           cudaMemcpyDeviceToHost));
      const trt_view_layout_t view = trt_tensor_view_layout(network, t);
      for (int64_t i = 0; i < volume; i++)
        gathered[i] = host_storage[view.offset + (i / view.inner) * view.stride + i % view.inner];
      const double error_l2 = test_relative_l2(gathered, ref_out[o], volume);
      free(gathered);
      if (!(error_l2 <= tolerance)) {
        fprintf(stderr, "%s [%s]: output %d: relative L2 error %g > %g\n", label, tactics[k].name,
                o, error_l2, tolerance);
        test_failures++;
      }
      /* Elements of the storage that no output of the layer covers stay NaN. */
      int64_t stray = 0;
      for (int p = 0; p < nb_outputs; p++) {
        if (storage[p] != storage[o])
          continue;
        const trt_tensor_t *u = trt_layer_output(network, layer, p);
        const trt_view_layout_t layout = trt_tensor_view_layout(network, u);
        const int64_t count = trt_dims_volume(&u->dims);
        for (int64_t i = 0; i < count; i++)
          covered[layout.offset + (i / layout.inner) * layout.stride + i % layout.inner] = true;
      }
      for (int64_t i = 0; i < storage_volume[o]; i++)
        stray += !covered[i] && !isnan(host_storage[i]);
      if (stray) {
        fprintf(stderr, "%s [%s]: output %d: %lld elements written outside the output\n", label,
                tactics[k].name, o, (long long)stray);
        test_failures++;
      }
    }
    gpu->checked++;
    printf("  %-44s %s\n", label, tactics[k].name);
  }

done:
  for (int i = 0; i < nb_inputs; i++) {
    free(host_in[i]);
    if (dev_in[i])
      cudaFree(dev_in[i]);
  }
  for (int o = 0; o < nb_outputs; o++) {
    free(ref_out[o]);
    bool shared = false;
    for (int p = 0; p < o; p++)
      shared = shared || dev_storage[p] == dev_storage[o];
    if (dev_storage[o] && !shared)
      cudaFree(dev_storage[o]);
  }
  free(host_storage);
  free(covered);
  trt_network_destroy(plain);
  return nb_tactics;
}

#endif
