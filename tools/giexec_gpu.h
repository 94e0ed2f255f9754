/* giexec on the GPU: device bindings, timed runs with CUDA events, the
 * trtexec-like summary, per-layer profiles and exported times. */
#ifndef GIEXEC_GPU_H
#define GIEXEC_GPU_H

#include <stdbool.h>

#include "trt/trt.h"

typedef struct {
  int batch;
  int iterations;
  int avg_runs;
  int warmup_ms;      /* warm-up duration before timing */
  bool host_time;     /* the Timing: line reports host latency instead of GPU compute */
  bool use_graph;     /* capture and replay a CUDA graph */
  bool dump_profile;  /* per-layer times after the timed runs */
  const char *export_times_path; /* per-run times as JSON, or NULL */
} giexec_gpu_options_t;

/* Runs `context` on device copies of `host_bindings` (pinned host memory,
 * each binding's size at the maximum batch in `binding_bytes`): warm-up,
 * then iterations x avgRuns timed runs of H2D copies, enqueue and D2H
 * copies; prints the summary and the machine-parsable Timing: line, and
 * leaves the outputs in `host_bindings`. Returns giexec's exit status. */
int giexec_gpu_run(trt_engine_t *engine, trt_context_t *context, void *const *host_bindings,
                   const size_t *run_bytes, const giexec_gpu_options_t *options);

/* Per-layer times over `runs` synchronous runs on `bindings` (host memory
 * for CPU engines, device memory for CUDA ones), printed as a table with
 * each layer's type and precision. */
int giexec_dump_profile(const trt_engine_t *engine, trt_context_t *context, int batch,
                        void *const *bindings, int runs);

#endif
