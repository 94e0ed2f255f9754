/* Helpers for the pass tests: building small graphs, building engines with
 * chosen passes, inspecting the optimized network and comparing outputs
 * with all passes off. */
#ifndef TRT_PASS_TEST_UTIL_H
#define TRT_PASS_TEST_UTIL_H

#include <string.h>

#include "engine_internal.h"
#include "passes/pass_manager.h"
#include "test_util.h"

#define ALL_PASSES ((1u << TRT_PASS_COUNT) - 1)
#define PASS_BIT(id) (1u << (id))

static test_rng_t pass_rng = {0x1234567ull};

static inline trt_dims_t dims4(int64_t n, int64_t c, int64_t h, int64_t w) {
  int64_t d[] = {n, c, h, w};
  return trt_dims_make(4, d);
}

static inline int add_input4(trt_network_t *net, const char *name, int64_t n, int64_t c, int64_t h,
                             int64_t w) {
  trt_dims_t dims = dims4(n, c, h, w);
  return trt_network_add_input(net, name, TRT_DATA_TYPE_FLOAT32, &dims);
}

static inline int add_random_constant(trt_network_t *net, const char *name, trt_dims_t dims,
                                      float lo, float hi) {
  float *data = test_random_floats(&pass_rng, trt_dims_volume(&dims), lo, hi);
  int t = trt_network_add_constant(net, name, TRT_DATA_TYPE_FLOAT32, &dims, data);
  free(data);
  return t;
}

static inline int layer_output(trt_network_t *net, int layer) {
  return trt_network_layer_output(net, layer, 0);
}

/* A convolution with random weights and bias; returns its output tensor. */
static inline int add_conv(trt_network_t *net, const char *name, int x, int64_t c_in,
                           int64_t c_out, int64_t kernel, int64_t stride, int64_t pad,
                           int64_t group) {
  char wname[128], bname[128];
  snprintf(wname, sizeof(wname), "%s.w", name);
  snprintf(bname, sizeof(bname), "%s.b", name);
  int w = add_random_constant(net, wname, dims4(c_out, c_in / group, kernel, kernel), -0.5f, 0.5f);
  int64_t cd[] = {c_out};
  int b = add_random_constant(net, bname, trt_dims_make(1, cd), -0.5f, 0.5f);
  trt_convolution_params_t params = {.nb_spatial = 2, .group = group};
  for (int i = 0; i < 2; i++) {
    params.kernel[i] = kernel;
    params.stride[i] = stride;
    params.dilation[i] = 1;
    params.pad_begin[i] = params.pad_end[i] = pad;
  }
  int inputs[] = {x, w, b};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_CONVOLUTION, name, inputs, 3, NULL,
                                                 1, &params));
}

static inline int add_unary(trt_network_t *net, const char *name, int x,
                            trt_activation_kind_t kind, float alpha, float beta) {
  trt_unary_params_t params = {.op = {kind, alpha, beta}};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_UNARY, name, &x, 1, NULL, 1,
                                                 &params));
}

static inline int add_binary(trt_network_t *net, const char *name, trt_elementwise_kind_t kind,
                             int a, int b) {
  trt_elementwise_params_t params = {kind};
  int inputs[] = {a, b};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_ELEMENTWISE, name, inputs, 2,
                                                 NULL, 1, &params));
}

/* BatchNorm with non-trivial statistics. */
static inline int add_batch_norm(trt_network_t *net, const char *name, int x, int64_t channels) {
  int64_t cd[] = {channels};
  trt_dims_t d = trt_dims_make(1, cd);
  char n[4][128];
  const char *roles[] = {"scale", "bias", "mean", "var"};
  int inputs[5] = {x};
  for (int i = 0; i < 4; i++) {
    snprintf(n[i], sizeof(n[i]), "%s.%s", name, roles[i]);
    inputs[i + 1] = add_random_constant(net, n[i], d, i == 3 ? 0.5f : -1.0f, 1.5f);
  }
  trt_norm_params_t params = {.epsilon = 1e-5f};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_BATCH_NORM, name, inputs, 5, NULL,
                                                 1, &params));
}

static inline int add_concat(trt_network_t *net, const char *name, const int *inputs, int count,
                             int axis) {
  trt_concat_params_t params = {.axis = axis};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_CONCAT, name, inputs, count, NULL,
                                                 1, &params));
}

static inline int add_max_pool(trt_network_t *net, const char *name, int x) {
  trt_pooling_params_t params = {.kind = TRT_POOLING_MAX, .nb_spatial = 2};
  for (int i = 0; i < 2; i++) {
    params.kernel[i] = 3;
    params.stride[i] = 1;
    params.dilation[i] = 1;
    params.pad_begin[i] = params.pad_end[i] = 1;
  }
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_POOLING, name, &x, 1, NULL, 1,
                                                 &params));
}

/* Builds `net` on the CPU with only the passes in `enabled`. */
static inline trt_engine_t *build_with(const trt_network_t *net, uint32_t enabled) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.cpu_threads = 2;
  config.disabled_passes = ALL_PASSES & ~enabled;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_build(net, &config, &engine));
  return engine;
}

static inline const trt_network_t *optimized(const trt_engine_t *engine) {
  return engine->full.network;
}

static inline int count_layers(const trt_network_t *net, trt_layer_type_t type) {
  int count = 0;
  for (int l = 0; l < net->nb_layers; l++)
    count += net->layers[l].type == type;
  return count;
}

static inline const trt_layer_t *find_layer(const trt_network_t *net, const char *name) {
  for (int l = 0; l < net->nb_layers; l++)
    if (strcmp(net->layers[l].name, name) == 0)
      return &net->layers[l];
  return NULL;
}

/* A real input for the first binding (a rendered image), used instead of
 * random numbers when set and its size matches. */
static const float *given_input;
static int64_t given_input_count;

/* Runs `engine` on inputs from a fixed seed (or the given input); returns
 * the output buffers. */
static inline float **run_engine(const trt_engine_t *engine, uint64_t seed) {
  int count = trt_engine_num_bindings(engine);
  void **bindings = calloc((size_t)count, sizeof(void *));
  test_rng_t rng = test_rng(seed);
  for (int b = 0; b < count; b++) {
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    int64_t volume = trt_dims_volume(&dims);
    bindings[b] = trt_engine_binding_is_input(engine, b)
                      ? (void *)test_random_floats(&rng, volume, -1.0f, 1.0f)
                      : calloc((size_t)(volume ? volume : 1), sizeof(float));
    if (b == 0 && given_input && given_input_count == volume)
      memcpy(bindings[b], given_input, (size_t)volume * sizeof(float));
  }
  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  if (context)
    CHECK_OK(trt_context_execute(context, trt_engine_max_batch(engine), bindings));
  trt_context_destroy(context);
  return (float **)bindings;
}

/* Relative L2 between the outputs of `net` built with `enabled` passes and
 * with none; the worst over the outputs. Frees what it builds. */
static inline double compare_with_reference(const trt_network_t *net, uint32_t enabled) {
  trt_engine_t *reference = build_with(net, 0), *candidate = build_with(net, enabled);
  if (!reference || !candidate) {
    trt_engine_destroy(reference);
    trt_engine_destroy(candidate);
    return INFINITY;
  }
  float **expected = run_engine(reference, 99), **actual = run_engine(candidate, 99);
  double worst = 0;
  int count = trt_engine_num_bindings(reference);
  for (int b = 0; b < count; b++) {
    if (!trt_engine_binding_is_input(reference, b)) {
      trt_dims_t dims = trt_engine_binding_dims(reference, b);
      double error = test_relative_l2(actual[b], expected[b], trt_dims_volume(&dims));
      if (!(error <= worst))
        worst = error;
    }
    free(expected[b]);
    free(actual[b]);
  }
  free(expected);
  free(actual);
  trt_engine_destroy(reference);
  trt_engine_destroy(candidate);
  return worst;
}

/* Builds with `enabled`, checks outputs against all passes off and returns
 * the engine for structural checks (the caller destroys it). */
static inline trt_engine_t *optimize_and_check(const trt_network_t *net, uint32_t enabled) {
  CHECK_BELOW(compare_with_reference(net, enabled), 1e-5);
  return build_with(net, enabled);
}

#endif
