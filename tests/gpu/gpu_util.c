/* GPU test helpers (gpu_util.h). */
#include "gpu_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/element.h"

static bool is_float_type(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16 ||
         type == TRT_DATA_TYPE_FLOAT64;
}

void gpu_require(void) {
  int count = 0;
  if (trt_cuda_device_count(&count) != TRT_STATUS_OK) {
    printf("no GPU: %s\n", trt_last_error());
    exit(GPU_EXIT_SKIPPED);
  }
  char text[512];
  if (trt_cuda_device_describe(0, text, sizeof(text)) == TRT_STATUS_OK)
    printf("GPU: %s\n", text);
}

static size_t binding_bytes(const trt_engine_t *engine, int b, int batch) {
  trt_dims_t dims = trt_engine_binding_dims(engine, b);
  if (trt_engine_binding_has_batch(engine, b) && dims.nb_dims > 0)
    dims.d[0] = batch;
  return (size_t)trt_dims_volume(&dims) * trt_data_type_size(trt_engine_binding_type(engine, b));
}

trt_status_t gpu_bindings_alloc(const trt_engine_t *engine, gpu_bindings_t *bindings) {
  memset(bindings, 0, sizeof(*bindings));
  int count = trt_engine_num_bindings(engine);
  bindings->host = calloc((size_t)count + 1, sizeof(void *));
  bindings->max_bytes = calloc((size_t)count + 1, sizeof(size_t));
  if (!bindings->host || !bindings->max_bytes)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  bindings->nb_bindings = count;
  for (int b = 0; b < count; b++) {
    bindings->max_bytes[b] = binding_bytes(engine, b, trt_engine_max_batch(engine));
    bindings->host[b] = calloc(1, bindings->max_bytes[b] + 1);
    if (!bindings->host[b])
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  return TRT_STATUS_OK;
}

void gpu_bindings_free(gpu_bindings_t *bindings) {
  for (int b = 0; bindings->host && b < bindings->nb_bindings; b++)
    free(bindings->host[b]);
  free(bindings->host);
  free(bindings->max_bytes);
  memset(bindings, 0, sizeof(*bindings));
}

static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void gpu_bindings_fill_inputs(const trt_engine_t *engine, gpu_bindings_t *bindings, uint64_t seed) {
  uint64_t state = seed;
  for (int b = 0; b < bindings->nb_bindings; b++) {
    if (!trt_engine_binding_is_input(engine, b))
      continue;
    trt_data_type_t type = trt_engine_binding_type(engine, b);
    size_t count = bindings->max_bytes[b] / trt_data_type_size(type);
    for (size_t i = 0; i < count; i++) {
      uint64_t r = next_random(&state);
      if (is_float_type(type))
        trt_element_store_double(bindings->host[b], type, (int64_t)i,
                                 (double)(r >> 11) / 9007199254740992.0 * 2 - 1);
      else if (type == TRT_DATA_TYPE_BOOL)
        ((uint8_t *)bindings->host[b])[i] = (uint8_t)(r & 1);
    }
  }
}

void gpu_bindings_copy_inputs(const trt_engine_t *engine, gpu_bindings_t *to,
                              const gpu_bindings_t *from) {
  for (int b = 0; b < to->nb_bindings; b++)
    if (trt_engine_binding_is_input(engine, b))
      memcpy(to->host[b], from->host[b], to->max_bytes[b]);
}

trt_status_t gpu_run_host(const trt_engine_t *engine, trt_context_t *context, int batch,
                          gpu_bindings_t *bindings) {
  if (trt_engine_backend(engine) != TRT_BACKEND_CUDA)
    return trt_context_execute(context, batch, bindings->host);
  int count = bindings->nb_bindings;
  void **device = calloc((size_t)count + 1, sizeof(void *));
  if (!device)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  trt_status_t status = TRT_STATUS_OK;
  for (int b = 0; b < count && status == TRT_STATUS_OK; b++) {
    status = trt_device_malloc(&device[b], bindings->max_bytes[b]);
    if (status == TRT_STATUS_OK)
      status = trt_memset_device(device[b], 0xff, bindings->max_bytes[b], NULL); /* NaN */
    if (status == TRT_STATUS_OK && trt_engine_binding_is_input(engine, b))
      status = trt_memcpy_host_to_device(device[b], bindings->host[b],
                                         binding_bytes(engine, b, batch), NULL);
  }
  if (status == TRT_STATUS_OK)
    status = trt_context_execute(context, batch, device);
  for (int b = 0; b < count && status == TRT_STATUS_OK; b++)
    if (!trt_engine_binding_is_input(engine, b))
      status = trt_memcpy_device_to_host(bindings->host[b], device[b],
                                         binding_bytes(engine, b, batch), NULL);
  for (int b = 0; b < count; b++)
    trt_device_free(device[b]);
  free(device);
  return status;
}

bool gpu_run_once(const trt_engine_t *engine, int batch, gpu_bindings_t *bindings) {
  trt_context_t *context = NULL;
  bool ok = trt_context_create(engine, &context) == TRT_STATUS_OK &&
            gpu_run_host(engine, context, batch, bindings) == TRT_STATUS_OK;
  trt_context_destroy(context);
  return ok;
}

/* Relative L2 error of output binding `b` (INFINITY when integers or bools
 * differ) and the largest absolute difference. */
static double output_error(const trt_engine_t *engine, int batch, const gpu_bindings_t *actual,
                           const gpu_bindings_t *expected, int b, double *max_abs) {
  trt_data_type_t type = trt_engine_binding_type(engine, b);
  bool is_float = is_float_type(type);
  size_t count = binding_bytes(engine, b, batch) / trt_data_type_size(type);
  double diff = 0, norm = 0, largest = 0;
  for (size_t i = 0; i < count; i++) {
    double a = trt_element_as_double(actual->host[b], type, (int64_t)i),
           e = trt_element_as_double(expected->host[b], type, (int64_t)i);
    if (isnan(a) && isnan(e))
      continue;
    if (isinf(a) && isinf(e) && (a > 0) == (e > 0))
      continue;
    if (!is_float && a != e) {
      diff = INFINITY;
      break;
    }
    diff += (a - e) * (a - e);
    norm += e * e;
    if (!(fabs(a - e) <= largest))
      largest = fabs(a - e);
  }
  if (max_abs)
    *max_abs = largest;
  double error = diff == 0 ? 0 : (isnan(diff) ? INFINITY : sqrt(diff / (norm > 0 ? norm : 1)));
  return isnan(error) ? INFINITY : error;
}

double gpu_compare_outputs(const trt_engine_t *engine, int batch, const gpu_bindings_t *actual,
                           const gpu_bindings_t *expected, char *worst, size_t worst_size) {
  double worst_error = 0;
  snprintf(worst, worst_size, "-");
  for (int b = 0; b < actual->nb_bindings; b++) {
    if (trt_engine_binding_is_input(engine, b))
      continue;
    double error = output_error(engine, batch, actual, expected, b, NULL);
    if (error >= worst_error) {
      worst_error = error;
      snprintf(worst, worst_size, "%s", trt_engine_binding_name(engine, b));
    }
  }
  return worst_error;
}

static int binding_named(const trt_engine_t *engine, const char *name) {
  for (int b = 0; name && b < trt_engine_num_bindings(engine); b++)
    if (strcmp(trt_engine_binding_name(engine, b), name) == 0)
      return b;
  return -1;
}

/* A float output whose reference is all zeros compares equal to anything
 * that is also zero: the model carries no signal and the check means
 * nothing, so it fails. */
static bool reference_is_zero(const trt_engine_t *engine, int batch, const gpu_bindings_t *expected,
                              int b) {
  trt_data_type_t type = trt_engine_binding_type(engine, b);
  if (!is_float_type(type))
    return false;
  size_t count = binding_bytes(engine, b, batch) / trt_data_type_size(type);
  for (size_t i = 0; i < count; i++)
    if (trt_element_as_double(expected->host[b], type, (int64_t)i) != 0)
      return false;
  return count > 0;
}

/* Greedy CTC decoding of item n of a (N, steps, classes) float32 output:
 * the classes written to `out` (at most `size`), their count returned. */
static size_t ctc_decode(const float *scores, int64_t steps, int64_t classes, int *out,
                         size_t size) {
  size_t count = 0;
  int previous = 0;
  for (int64_t t = 0; t < steps; t++) {
    const float *row = scores + t * classes;
    int best = 0;
    for (int64_t c = 1; c < classes; c++)
      if (row[c] > row[best])
        best = (int)c;
    if (best != 0 && best != previous && count < size)
      out[count++] = best;
    previous = best;
  }
  return count;
}

/* Whether every item of rank-3 float32 output `b` decodes to the same CTC
 * sequence on both sides; `detail` says where they part. */
static bool ctc_sequences_equal(const trt_engine_t *engine, int batch, const gpu_bindings_t *actual,
                                const gpu_bindings_t *expected, int b, char *detail, size_t size) {
  trt_dims_t dims = trt_engine_binding_dims(engine, b);
  if (dims.nb_dims != 3 || trt_engine_binding_type(engine, b) != TRT_DATA_TYPE_FLOAT32 ||
      dims.d[2] < 2)
    return true;
  enum { MAX_DECODED = 1024 };
  int got[MAX_DECODED], wanted[MAX_DECODED];
  const int64_t items = trt_engine_binding_has_batch(engine, b) ? batch : dims.d[0];
  for (int64_t n = 0; n < items; n++) {
    const int64_t offset = n * dims.d[1] * dims.d[2];
    size_t a =
        ctc_decode((const float *)actual->host[b] + offset, dims.d[1], dims.d[2], got, MAX_DECODED);
    size_t e = ctc_decode((const float *)expected->host[b] + offset, dims.d[1], dims.d[2], wanted,
                          MAX_DECODED);
    size_t same = 0;
    while (same < a && same < e && got[same] == wanted[same])
      same++;
    if (a != e || same < a) {
      snprintf(detail, size, "; CTC sequences of %s item %lld differ at %zu (%zu vs %zu classes)",
               trt_engine_binding_name(engine, b), (long long)n, same, a, e);
      return false;
    }
  }
  return true;
}

/* Judges every output: returns true when all pass; `message` gets the
 * worst output's error, relative to its own limit. */
static bool judge_outputs(const trt_engine_t *engine, int batch, const gpu_bindings_t *actual,
                          const gpu_bindings_t *expected, double tolerance,
                          const gpu_compare_options_t *options, char *message, size_t size) {
  double worst_ratio = -1;
  bool pass = true;
  snprintf(message, size, "no outputs");
  for (int b = 0; b < actual->nb_bindings; b++) {
    if (trt_engine_binding_is_input(engine, b))
      continue;
    double error = output_error(engine, batch, actual, expected, b, NULL);
    double limit = tolerance;
    char why[160] = "";
    for (int k = 0; options && k < options->nb_softmax; k++) {
      int logits = binding_named(engine, options->softmax_logits[k]);
      if (logits < 0 || strcmp(trt_engine_binding_name(engine, b), options->softmax_output[k]))
        continue;
      double max_abs = 0;
      double logits_error = output_error(engine, batch, actual, expected, logits, &max_abs);
      if (logits_error <= tolerance) {
        limit = tolerance + 2 * max_abs;
        snprintf(why, sizeof(why), " (softmax: + 2 x max |logit diff| %.3g; logits rel L2 %.3g)",
                 max_abs, logits_error);
      }
    }
    bool ok = error <= limit;
    char ctc[200] = "";
    if (options && options->ctc_sequences &&
        !ctc_sequences_equal(engine, batch, actual, expected, b, ctc, sizeof ctc)) {
      ok = false;
      error = INFINITY; /* reported first, whatever the other outputs' errors */
      snprintf(why, sizeof(why), "%s", ctc);
    }
    if (reference_is_zero(engine, batch, expected, b)) {
      ok = false;
      snprintf(why, sizeof(why), " (the CPU reference is all zeros: no signal to compare)");
      error = INFINITY;
    }
    pass = pass && ok;
    double ratio = limit > 0 ? error / limit : error;
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      snprintf(message, size, "rel L2 %.3g (limit %.3g, worst output %s)%s", error, limit,
               trt_engine_binding_name(engine, b), why);
    }
  }
  return pass;
}

static trt_status_t read_input_file(const trt_engine_t *engine, gpu_bindings_t *bindings, int batch,
                                    const char *path) {
  int b = 0;
  while (b < bindings->nb_bindings && !trt_engine_binding_is_input(engine, b))
    b++;
  if (b == bindings->nb_bindings || trt_engine_binding_type(engine, b) != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: the first input is not float32", path);
  size_t bytes = binding_bytes(engine, b, batch);
  FILE *file = fopen(path, "rb");
  if (!file)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: cannot open", path);
  size_t got = fread(bindings->host[b], 1, bytes, file);
  int extra = fgetc(file);
  fclose(file);
  if (got != bytes || extra != EOF)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expected %zu bytes for input '%s'", path,
                     bytes, trt_engine_binding_name(engine, b));
  return TRT_STATUS_OK;
}

static trt_status_t build(const trt_network_t *network, trt_backend_t backend,
                          trt_precision_t precision, int max_batch, trt_engine_t **engine,
                          trt_context_t **context) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = backend;
  config.precision = precision;
  config.max_batch = max_batch;
  config.allow_tf32 = false;
  trt_status_t status = trt_engine_build(network, &config, engine);
  if (status == TRT_STATUS_OK)
    status = trt_context_create(*engine, context);
  return status;
}

bool gpu_compare_backends(const char *name, const trt_network_t *network, int max_batch, int batch,
                          double tolerance) {
  return gpu_compare_backends_ex(name, network, max_batch, batch, tolerance, NULL);
}

bool gpu_compare_backends_ex(const char *name, const trt_network_t *network, int max_batch,
                             int batch, double tolerance, const gpu_compare_options_t *options) {
  trt_engine_t *cpu = NULL, *cuda = NULL;
  trt_context_t *cpu_context = NULL, *cuda_context = NULL;
  gpu_bindings_t expected = {0}, actual = {0};
  char message[1024] = "";
  bool pass = false;
  trt_status_t status =
      build(network, TRT_BACKEND_CPU, TRT_PRECISION_FP32, max_batch, &cpu, &cpu_context);
  if (status != TRT_STATUS_OK)
    snprintf(message, sizeof(message), "CPU build: %s", trt_last_error());
  if (status == TRT_STATUS_OK) {
    status =
        build(network, TRT_BACKEND_CUDA, options ? options->cuda_precision : TRT_PRECISION_FP32,
              max_batch, &cuda, &cuda_context);
    if (status != TRT_STATUS_OK)
      snprintf(message, sizeof(message), "CUDA build: %s", trt_last_error());
  }
  if (status == TRT_STATUS_OK) {
    status = gpu_bindings_alloc(cpu, &expected);
    if (status == TRT_STATUS_OK)
      status = gpu_bindings_alloc(cuda, &actual);
    if (status == TRT_STATUS_OK && expected.nb_bindings != actual.nb_bindings)
      status = trt_error(TRT_STATUS_INTERNAL_ERROR, "binding counts differ");
    if (status != TRT_STATUS_OK)
      snprintf(message, sizeof(message), "bindings: %s", trt_last_error());
  }
  if (status == TRT_STATUS_OK) {
    gpu_bindings_fill_inputs(cpu, &expected, 12345);
    if (options && options->input_file) {
      status = read_input_file(cpu, &expected, batch, options->input_file);
      if (status != TRT_STATUS_OK)
        snprintf(message, sizeof(message), "input: %s", trt_last_error());
    }
  }
  if (status == TRT_STATUS_OK) {
    gpu_bindings_copy_inputs(cpu, &actual, &expected);
    status = gpu_run_host(cpu, cpu_context, batch, &expected);
    if (status != TRT_STATUS_OK)
      snprintf(message, sizeof(message), "CPU run: %s", trt_last_error());
  }
  if (status == TRT_STATUS_OK) {
    status = gpu_run_host(cuda, cuda_context, batch, &actual);
    if (status != TRT_STATUS_OK)
      snprintf(message, sizeof(message), "CUDA run: %s", trt_last_error());
  }
  if (status == TRT_STATUS_OK)
    pass = judge_outputs(cuda, batch, &actual, &expected, tolerance, options, message,
                         sizeof(message));
  printf("%-4s %-40s %s\n", pass ? "ok" : "FAIL", name, message);
  fflush(stdout);
  gpu_bindings_free(&expected);
  gpu_bindings_free(&actual);
  trt_context_destroy(cpu_context);
  trt_context_destroy(cuda_context);
  trt_engine_destroy(cpu);
  trt_engine_destroy(cuda);
  return pass;
}
