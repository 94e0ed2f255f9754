/* Small helpers shared by the C test programs: checks that report the
 * file and line, seeded random data, error measures, and running one layer
 * of a network on the CPU reference. */
#ifndef TRT_TEST_UTIL_H
#define TRT_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cpu/cpu_context.h"
#include "cpu/cpu_registry.h"
#include "layer_registry.h"
#include "network_internal.h"
#include "trt/trt.h"

static int test_failures;

#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);             \
      test_failures++;                                                                     \
    }                                                                                      \
  } while (0)

/* Checks that a trt_status_t expression is OK, printing the error otherwise. */
#define CHECK_OK(expr)                                                                     \
  do {                                                                                     \
    trt_status_t check_status_ = (expr);                                                   \
    if (check_status_ != TRT_STATUS_OK) {                                                  \
      fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, #expr,             \
              trt_status_name(check_status_), trt_last_error());                           \
      test_failures++;                                                                     \
    }                                                                                      \
  } while (0)

/* Checks that `value` is within `bound`, naming the measure on failure. */
#define CHECK_BELOW(value, bound)                                                          \
  do {                                                                                     \
    double check_value_ = (value);                                                         \
    if (!(check_value_ <= (bound))) {                                                      \
      fprintf(stderr, "%s:%d: %s = %g, expected <= %g\n", __FILE__, __LINE__, #value,      \
              check_value_, (double)(bound));                                              \
      test_failures++;                                                                     \
    }                                                                                      \
  } while (0)

/* Ends main(): prints the verdict and returns the exit status. */
static inline int test_finish(const char *name) {
  if (test_failures)
    fprintf(stderr, "%s: %d check(s) failed\n", name, test_failures);
  else
    printf("%s: all checks passed\n", name);
  return test_failures ? 1 : 0;
}

/* xorshift64*: deterministic across platforms for a given seed. */
typedef struct {
  uint64_t state;
} test_rng_t;

static inline test_rng_t test_rng(uint64_t seed) {
  test_rng_t rng = {seed * 0x9E3779B97F4A7C15ull + 1};
  return rng;
}

static inline float test_uniform(test_rng_t *rng, float lo, float hi) {
  rng->state ^= rng->state >> 12;
  rng->state ^= rng->state << 25;
  rng->state ^= rng->state >> 27;
  uint64_t bits = rng->state * 0x2545F4914F6CDD1Dull;
  return lo + (hi - lo) * (float)((bits >> 40) / 16777216.0);
}

static inline float *test_random_floats(test_rng_t *rng, int64_t count, float lo, float hi) {
  float *data = malloc((size_t)(count > 0 ? count : 1) * sizeof(float));
  for (int64_t i = 0; i < count; i++)
    data[i] = test_uniform(rng, lo, hi);
  return data;
}

/* ||a - b|| / ||b||, or ||a - b|| when b is all zeros. NaN anywhere gives +inf. */
static inline double test_relative_l2(const float *a, const float *b, int64_t count) {
  double diff = 0, ref = 0;
  for (int64_t i = 0; i < count; i++) {
    if (isnan(a[i]) != isnan(b[i]))
      return INFINITY;
    if (isnan(a[i]))
      continue;
    double d = (double)a[i] - (double)b[i];
    diff += d * d;
    ref += (double)b[i] * (double)b[i];
  }
  return ref > 0 ? sqrt(diff / ref) : sqrt(diff);
}

static inline double test_max_abs_diff(const float *a, const float *b, int64_t count) {
  double worst = 0;
  for (int64_t i = 0; i < count; i++) {
    double d = fabs((double)a[i] - (double)b[i]);
    if (!(d <= worst))
      worst = d;
  }
  return worst;
}

/* Runs layer `layer` of `network` (whose shapes are inferred) on the CPU
 * reference with a pool of `threads`. Inputs that are constants in the
 * network may be passed as NULL: their data is used. */
static inline trt_status_t test_run_layer(const trt_network_t *network, int layer,
                                          const void *const *inputs, void *const *outputs,
                                          int threads) {
  const trt_layer_t *l = &network->layers[layer];
  const void *resolved[64] = {0};
  for (int i = 0; i < l->nb_inputs && i < 64; i++) {
    const trt_tensor_t *t = trt_layer_input(network, l, i);
    resolved[i] = (inputs && inputs[i]) ? inputs[i] : (t ? t->data : NULL);
  }
  trt_cpu_context_t *cpu = trt_cpu_context_create(threads);
  if (!cpu)
    return TRT_STATUS_OUT_OF_MEMORY;
  trt_status_t status =
      trt_cpu_layer_execute(l->type)(network, l, resolved, outputs, cpu);
  trt_cpu_context_destroy(cpu);
  return status;
}

#endif
