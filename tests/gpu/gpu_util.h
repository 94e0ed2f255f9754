/* Shared by the GPU test programs: skipping without a GPU, running engines
 * on host data whatever their backend, and comparing CUDA with the CPU. */
#ifndef TRT_GPU_UTIL_H
#define TRT_GPU_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "trt/trt.h"

#define GPU_EXIT_SKIPPED 77

/* Exits 77 with "no GPU: <reason>" when no CUDA device is usable. */
void gpu_require(void);

/* Host buffers for every binding of `engine` at its maximum batch. */
typedef struct {
  int nb_bindings;
  void **host;
  size_t *max_bytes;
} gpu_bindings_t;

trt_status_t gpu_bindings_alloc(const trt_engine_t *engine, gpu_bindings_t *bindings);
void gpu_bindings_free(gpu_bindings_t *bindings);
/* Fills inputs: floats uniform in [-1, 1] from `seed`, integers 0, bools 0/1. */
void gpu_bindings_fill_inputs(const trt_engine_t *engine, gpu_bindings_t *bindings,
                              uint64_t seed);
/* Copies inputs from `from` (same engine bindings layout). */
void gpu_bindings_copy_inputs(const trt_engine_t *engine, gpu_bindings_t *to,
                              const gpu_bindings_t *from);

/* Runs `context` on host bindings: directly on the CPU, staged through
 * device memory for CUDA. */
trt_status_t gpu_run_host(const trt_engine_t *engine, trt_context_t *context, int batch,
                          gpu_bindings_t *bindings);

/* gpu_run_host on a context of its own, made and destroyed around the run. */
bool gpu_run_once(const trt_engine_t *engine, int batch, gpu_bindings_t *bindings);

/* Worst relative L2 error over the outputs (integers and bools must match
 * exactly, else the result is INFINITY; NaN matches NaN). Elements at
 * `batch` only. */
double gpu_compare_outputs(const trt_engine_t *engine, int batch, const gpu_bindings_t *actual,
                           const gpu_bindings_t *expected, char *worst, size_t worst_size);

/* Builds `network` for the CPU and for CUDA (TF32 off), runs both at
 * `batch` (max `max_batch`) on the same inputs and checks the outputs'
 * relative L2 error against `tolerance`. Prints one line; returns true on a
 * pass. */
bool gpu_compare_backends(const char *name, const trt_network_t *network, int max_batch,
                          int batch, double tolerance);

#define GPU_MAX_SOFTMAX_PAIRS 8

/* What gpu_compare_backends_ex adds. */
typedef struct {
  /* Raw little-endian float32 data for the network's first input (its
   * whole size at `batch`), or NULL for random inputs. */
  const char *input_file;
  /* Softmax outputs whose input (the logits) is an output too. The logits
   * are held to the tolerance; the probabilities to the tolerance plus
   * what the logits' error explains: to first order a softmax moves each
   * probability p_i by p_i (dz_i - sum_j p_j dz_j), so its relative L2
   * error is at most 2 max|dz|, however small the logits' relative error
   * (large logits make a tiny relative error a visible one). */
  int nb_softmax;
  const char *softmax_output[GPU_MAX_SOFTMAX_PAIRS];
  const char *softmax_logits[GPU_MAX_SOFTMAX_PAIRS];
  /* The CUDA engine's precision (FP32 by default; the CPU is always FP32). */
  trt_precision_t cuda_precision;
  /* Outputs of rank 3 (N, steps, classes: a recognizer's per-step class
   * scores) must also decode to the same sequences: greedy CTC (each step's
   * best class, repeats merged, class 0 the blank), the strings an OCR
   * pipeline would print. */
  bool ctc_sequences;
} gpu_compare_options_t;

bool gpu_compare_backends_ex(const char *name, const trt_network_t *network, int max_batch,
                             int batch, double tolerance, const gpu_compare_options_t *options);

#endif
