/* giexec on the GPU (giexec_gpu.h). Each timed run is, on one stream:
 * event, host-to-device copies of the inputs, event, enqueue, event,
 * device-to-host copies of the outputs, event; then the host waits. The
 * events give H2D, GPU compute and D2H times and the latency (all three);
 * the host clock gives the enqueue call's time and the walltime. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "giexec_gpu.h"

enum { EXIT_RUNTIME_FAILURE = 1 };

typedef struct {
  double h2d, compute, d2h, latency, enqueue, host;
} run_times_t;

typedef struct {
  void *stream;
  void *events[4];
  void **device;
  int nb_bindings;
} gpu_session_t;

static double now_ms(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
}

static int failure(const char *what) {
  fprintf(stderr, "giexec: %s: %s\n", what, trt_last_error());
  return EXIT_RUNTIME_FAILURE;
}

static void gpu_session_release(gpu_session_t *session) {
  for (int b = 0; session->device && b < session->nb_bindings; b++)
    trt_device_free(session->device[b]);
  free(session->device);
  for (int e = 0; e < 4; e++)
    trt_event_destroy(session->events[e]);
  trt_stream_destroy(session->stream);
  memset(session, 0, sizeof(*session));
}

static size_t binding_max_bytes(const trt_engine_t *engine, int b) {
  trt_dims_t dims = trt_engine_binding_dims(engine, b);
  return (size_t)trt_dims_volume(&dims) * trt_data_type_size(trt_engine_binding_type(engine, b));
}

static int gpu_session_init(gpu_session_t *session, const trt_engine_t *engine) {
  memset(session, 0, sizeof(*session));
  session->nb_bindings = trt_engine_num_bindings(engine);
  session->device = calloc((size_t)session->nb_bindings + 1, sizeof(void *));
  if (!session->device) {
    fprintf(stderr, "giexec: out of memory\n");
    return EXIT_RUNTIME_FAILURE;
  }
  for (int b = 0; b < session->nb_bindings; b++) {
    size_t bytes = binding_max_bytes(engine, b);
    if (trt_device_malloc(&session->device[b], bytes) != TRT_STATUS_OK ||
        trt_memset_device(session->device[b], 0, bytes, NULL) != TRT_STATUS_OK)
      return failure("device memory for the bindings");
  }
  if (trt_stream_create(&session->stream) != TRT_STATUS_OK)
    return failure("creating a stream");
  for (int e = 0; e < 4; e++)
    if (trt_event_create(&session->events[e]) != TRT_STATUS_OK)
      return failure("creating events");
  return 0;
}

static int run_once(const gpu_session_t *session, trt_engine_t *engine, trt_context_t *context,
                    void *const *host, const size_t *run_bytes, int batch, run_times_t *times) {
  void *stream = session->stream;
  void *const *events = session->events;
  double start = now_ms();
  if (trt_event_record(events[0], stream) != TRT_STATUS_OK)
    return failure("recording an event");
  for (int b = 0; b < session->nb_bindings; b++)
    if (trt_engine_binding_is_input(engine, b) &&
        trt_memcpy_host_to_device(session->device[b], host[b], run_bytes[b], stream) !=
            TRT_STATUS_OK)
      return failure("copying inputs to the device");
  if (trt_event_record(events[1], stream) != TRT_STATUS_OK)
    return failure("recording an event");
  double enqueue_start = now_ms();
  if (trt_context_enqueue(context, batch, session->device, stream) != TRT_STATUS_OK)
    return failure("enqueueing the engine");
  double enqueue_end = now_ms();
  if (trt_event_record(events[2], stream) != TRT_STATUS_OK)
    return failure("recording an event");
  for (int b = 0; b < session->nb_bindings; b++)
    if (!trt_engine_binding_is_input(engine, b) &&
        trt_memcpy_device_to_host(host[b], session->device[b], run_bytes[b], stream) !=
            TRT_STATUS_OK)
      return failure("copying outputs to the host");
  if (trt_event_record(events[3], stream) != TRT_STATUS_OK ||
      trt_event_synchronize(events[3]) != TRT_STATUS_OK)
    return failure("waiting for the run");
  times->host = now_ms() - start;
  times->enqueue = enqueue_end - enqueue_start;
  float h2d = 0, compute = 0, d2h = 0;
  if (trt_event_elapsed_ms(events[0], events[1], &h2d) != TRT_STATUS_OK ||
      trt_event_elapsed_ms(events[1], events[2], &compute) != TRT_STATUS_OK ||
      trt_event_elapsed_ms(events[2], events[3], &d2h) != TRT_STATUS_OK)
    return failure("reading event times");
  times->h2d = h2d;
  times->compute = compute;
  times->d2h = d2h;
  times->latency = (double)h2d + compute + d2h;
  return 0;
}

/* ---- statistics ----------------------------------------------------------- */

typedef struct {
  double min, max, mean, median, p90, p95, p99;
} stats_t;

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double percentile(const double *sorted, int count, double fraction) {
  int index = (int)ceil(fraction * count) - 1;
  if (index < 0)
    index = 0;
  if (index >= count)
    index = count - 1;
  return sorted[index];
}

/* Statistics of field `offset` (a double in run_times_t) over `count` runs. */
static stats_t field_stats(const run_times_t *times, int count, size_t offset, double *scratch) {
  stats_t stats = {0};
  double sum = 0;
  for (int i = 0; i < count; i++) {
    scratch[i] = *(const double *)((const char *)&times[i] + offset);
    sum += scratch[i];
  }
  qsort(scratch, (size_t)count, sizeof(double), compare_doubles);
  stats.min = scratch[0];
  stats.max = scratch[count - 1];
  stats.mean = sum / count;
  stats.median =
      count % 2 ? scratch[count / 2] : 0.5 * (scratch[count / 2 - 1] + scratch[count / 2]);
  stats.p90 = percentile(scratch, count, 0.90);
  stats.p95 = percentile(scratch, count, 0.95);
  stats.p99 = percentile(scratch, count, 0.99);
  return stats;
}

static void print_stats(const char *label, stats_t s) {
  printf("%s: min = %.5f ms, max = %.5f ms, mean = %.5f ms, median = %.5f ms, "
         "percentile(90%%) = %.5f ms, percentile(95%%) = %.5f ms, percentile(99%%) = %.5f ms\n",
         label, s.min, s.max, s.mean, s.median, s.p90, s.p95, s.p99);
}

static void print_summary(const run_times_t *times, int count, double walltime_ms, int batch,
                          double *scratch) {
  double compute_total = 0;
  for (int i = 0; i < count; i++)
    compute_total += times[i].compute;
  printf("=== Performance summary ===\n");
  printf("Throughput: %.3f qps (%.1f inferences/s at batch %d)\n", count / (walltime_ms / 1e3),
         count * batch / (walltime_ms / 1e3), batch);
  print_stats("Latency", field_stats(times, count, offsetof(run_times_t, latency), scratch));
  print_stats("Enqueue Time", field_stats(times, count, offsetof(run_times_t, enqueue), scratch));
  print_stats("H2D Latency", field_stats(times, count, offsetof(run_times_t, h2d), scratch));
  print_stats("GPU Compute Time",
              field_stats(times, count, offsetof(run_times_t, compute), scratch));
  print_stats("D2H Latency", field_stats(times, count, offsetof(run_times_t, d2h), scratch));
  print_stats("Host Latency", field_stats(times, count, offsetof(run_times_t, host), scratch));
  printf("Total Host Walltime: %.5f s\nTotal GPU Compute Time: %.5f s\n", walltime_ms / 1e3,
         compute_total / 1e3);
  printf("Explanations: Latency = H2D + GPU Compute + D2H (CUDA events); Enqueue Time is the "
         "host time of trt_context_enqueue; Host Latency is the host clock around a whole run.\n");
}

static int export_times(const char *path, const run_times_t *times, int count) {
  FILE *file = fopen(path, "w");
  if (!file) {
    fprintf(stderr, "giexec: --exportTimes: cannot create '%s': %s\n", path, strerror(errno));
    return EXIT_RUNTIME_FAILURE;
  }
  fprintf(file, "[\n");
  for (int i = 0; i < count; i++)
    fprintf(file,
            "  {\"run\": %d, \"h2dMs\": %.6f, \"computeMs\": %.6f, \"d2hMs\": %.6f, "
            "\"latencyMs\": %.6f, \"enqueueMs\": %.6f, \"hostMs\": %.6f}%s\n",
            i, times[i].h2d, times[i].compute, times[i].d2h, times[i].latency, times[i].enqueue,
            times[i].host, i + 1 < count ? "," : "");
  fprintf(file, "]\n");
  if (fclose(file) != 0) {
    fprintf(stderr, "giexec: --exportTimes: writing '%s' failed\n", path);
    return EXIT_RUNTIME_FAILURE;
  }
  printf("Times of %d runs written to %s\n", count, path);
  return 0;
}

/* Per-iteration averages (as the original giexec printed them) and the
 * Timing: line over them. */
static void print_iterations(const trt_engine_t *engine, const run_times_t *times,
                             const giexec_gpu_options_t *options, double *scratch) {
  const char *clock = options->host_time ? "host walltime" : "GPU compute, CUDA events";
  int runs = options->avg_runs;
  double sum = 0;
  for (int it = 0; it < options->iterations; it++) {
    double total = 0;
    for (int r = 0; r < runs; r++) {
      const run_times_t *t = &times[it * runs + r];
      total += options->host_time ? t->host : t->compute;
    }
    scratch[it] = total / runs;
    sum += scratch[it];
    printf("Average over %d runs is %.4f ms (%s).\n", runs, scratch[it], clock);
  }
  int n = options->iterations;
  qsort(scratch, (size_t)n, sizeof(double), compare_doubles);
  double median = n % 2 ? scratch[n / 2] : 0.5 * (scratch[n / 2 - 1] + scratch[n / 2]);
  printf("Average over %d iterations is %.4f ms (median %.4f ms, min %.4f, max %.4f)\n", n,
         sum / n, median, scratch[0], scratch[n - 1]);
  printf("Timing: backend=%s batch=%d iterations=%d avgRuns=%d min=%.4f mean=%.4f median=%.4f "
         "max=%.4f (ms per run)\n",
         trt_backend_name(trt_engine_backend(engine)), options->batch, options->iterations,
         options->avg_runs, scratch[0], sum / n, median, scratch[n - 1]);
}

int giexec_gpu_run(trt_engine_t *engine, trt_context_t *context, void *const *host_bindings,
                   const size_t *run_bytes, const giexec_gpu_options_t *options) {
  gpu_session_t session;
  int status = gpu_session_init(&session, engine);
  int count = options->iterations * options->avg_runs;
  run_times_t *times = calloc((size_t)count + 1, sizeof(run_times_t));
  double *scratch = calloc((size_t)count + (size_t)options->iterations + 1, sizeof(double));
  if (status == 0 && (!times || !scratch)) {
    fprintf(stderr, "giexec: out of memory\n");
    status = EXIT_RUNTIME_FAILURE;
  }
  /* The host cost of launching every layer, which CUDA graphs remove:
   * measured on a few eager runs before any capture. */
  double eager[5];
  int eager_runs = 0;
  trt_context_set_use_graph(context, false);
  for (; status == 0 && eager_runs < 5; eager_runs++) {
    run_times_t t;
    status = run_once(&session, engine, context, host_bindings, run_bytes, options->batch, &t);
    eager[eager_runs] = t.enqueue;
  }
  if (status == 0) {
    qsort(eager, (size_t)eager_runs, sizeof(double), compare_doubles);
    const int layers = trt_engine_num_layers(engine);
    printf("Eager enqueue (no graph): median %.4f ms for %d layers, %.1f us per layer\n",
           eager[eager_runs / 2], layers, layers > 0 ? 1e3 * eager[eager_runs / 2] / layers : 0.0);
  }
  trt_context_set_use_graph(context, options->use_graph);
  run_times_t warm;
  int warm_runs = 0;
  double warm_start = now_ms();
  while (status == 0 && (warm_runs < 1 || now_ms() - warm_start < options->warmup_ms)) {
    status = run_once(&session, engine, context, host_bindings, run_bytes, options->batch, &warm);
    warm_runs++;
  }
  if (status == 0)
    printf("Warm-up: %d runs in %.1f ms%s\n", warm_runs, now_ms() - warm_start,
           options->use_graph ? " (CUDA graph captured on the first)" : "");
  double wall_start = now_ms();
  for (int i = 0; status == 0 && i < count; i++)
    status = run_once(&session, engine, context, host_bindings, run_bytes, options->batch,
                      &times[i]);
  double walltime = now_ms() - wall_start;
  if (status == 0) {
    print_iterations(engine, times, options, scratch);
    print_summary(times, count, walltime, options->batch, scratch);
  }
  if (status == 0 && options->export_times_path)
    status = export_times(options->export_times_path, times, count);
  if (status == 0 && options->dump_profile)
    status = giexec_dump_profile(engine, context, options->batch, session.device,
                                 options->avg_runs);
  trt_context_set_use_graph(context, false);
  free(times);
  free(scratch);
  gpu_session_release(&session);
  return status;
}

/* ---- per-layer profile ------------------------------------------------------ */

#define PROFILE_MAX_LAYERS 4096

typedef struct {
  char *names[PROFILE_MAX_LAYERS];
  double total_ms[PROFILE_MAX_LAYERS];
  int nb_layers;
  int next; /* layer index within the current run */
} profile_t;

static void profile_layer(const char *layer_name, float milliseconds, void *user_data) {
  profile_t *profile = user_data;
  int index = profile->next++;
  if (index >= PROFILE_MAX_LAYERS)
    return;
  if (index >= profile->nb_layers) {
    profile->names[index] = strdup(layer_name);
    profile->nb_layers = index + 1;
  }
  profile->total_ms[index] += milliseconds;
}

/* The engine's layer named `name`, -1 when none. */
static int layer_index(const trt_engine_t *engine, const char *name) {
  for (int l = 0; name && l < trt_engine_num_layers(engine); l++)
    if (strcmp(trt_engine_layer_name(engine, l), name) == 0)
      return l;
  return -1;
}

int giexec_dump_profile(const trt_engine_t *engine, trt_context_t *context, int batch,
                        void *const *bindings, int runs) {
  profile_t *profile = calloc(1, sizeof(*profile));
  if (!profile) {
    fprintf(stderr, "giexec: out of memory\n");
    return EXIT_RUNTIME_FAILURE;
  }
  trt_context_set_profiler(context, profile_layer, profile);
  int status = 0;
  for (int r = 0; r < runs && status == 0; r++) {
    profile->next = 0;
    if (trt_context_execute(context, batch, bindings) != TRT_STATUS_OK)
      status = failure("profiling the engine");
  }
  trt_context_set_profiler(context, NULL, NULL);
  if (status == 0) {
    double total = 0;
    for (int l = 0; l < profile->nb_layers; l++)
      total += profile->total_ms[l] / runs;
    printf("=== Profile (%d runs, CUDA events between layers) ===\n", runs);
    printf("%6s %12s %8s  %-9s %-11s %-14s %s\n", "layer", "avg ms", "%", "precision", "format",
           "type", "name");
    for (int l = 0; l < profile->nb_layers; l++) {
      double average = profile->total_ms[l] / runs;
      const int index = layer_index(engine, profile->names[l]);
      printf("%6d %12.5f %7.2f%%  %-9s %-11s %-14s %s\n", l, average,
             total > 0 ? 100.0 * average / total : 0.0,
             index >= 0 ? trt_engine_layer_precision(engine, index) : "?",
             index >= 0 ? trt_engine_layer_format(engine, index) : "?",
             index >= 0 ? trt_engine_layer_type(engine, index) : "?",
             profile->names[l] ? profile->names[l] : "?");
    }
    printf("%6s %12.5f %7.2f%%  (sum of layers)\n", "total", total, 100.0);
  }
  for (int l = 0; l < profile->nb_layers; l++)
    free(profile->names[l]);
  free(profile);
  return status;
}
