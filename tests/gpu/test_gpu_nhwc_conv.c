/* Our channels-last float16 convolution kernels, depthwise
 * (kernels/depthwise.cuh) and 1x1 (kernels/conv1x1.cuh), against the CPU
 * reference in FP32: FP16 engines of one convolution each, built with
 * cuDNN's tactics left out (so our kernel is
 * the layer's only candidate, channels-last) and with them (the builder's
 * choice of tactic and formats: one lone convolution runs linear), over
 * 3x3, 5x5 and 7x7 kernels (stride-1 3x3 and 5x5 two outputs per thread:
 * odd widths, one output column), a non-square kernel (the generic path),
 * strides, dilation, a partial channel tile, bias,
 * activations and a fused residual; 1x1 expansions and projections (8 to
 * 256 input channels, a residual); at batch 3 and 1: relative L2 <= 1e-2.
 * Channels that are not a multiple of 8 stay linear, where only cuDNN runs
 * them: without it the build fails naming the disabled sources.
 *
 * Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

#define FP16_TOLERANCE 1e-2

typedef struct {
  const char *label;
  int64_t channels, height, width;
  int64_t out_channels; /* 0: depthwise (as many as the input, one group each) */
  int64_t kernel[2], stride[2], dilation[2], pad_begin[2], pad_end[2];
  bool bias, residual;
  trt_activation_t activation;
} conv_case_t;

/* clang-format off */
static const conv_case_t cases[] = {
    {"1x1 16 -> 96 relu6", 16, 13, 11, 96, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true, false,
     {TRT_ACTIVATION_CLIP, 0.0f, 6.0f}},
    {"1x1 256 -> 40 (5 packs a tile), no bias", 256, 7, 9, 40, {1, 1}, {1, 1}, {1, 1}, {0, 0},
     {0, 0}, false, false, {TRT_ACTIVATION_NONE, 0, 0}},
    {"1x1 24 -> 24 residual", 24, 10, 10, 24, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true, true,
     {TRT_ACTIVATION_NONE, 0, 0}},
    {"depthwise 3x3 relu6 bias", 64, 17, 15, 0, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true, false,
     {TRT_ACTIVATION_CLIP, 0.0f, 6.0f}},
    {"depthwise 3x3 stride 2 hard-swish, 72 channels", 72, 14, 13, 0, {3, 3}, {2, 2},
     {1, 1}, {1, 1}, {1, 1}, true, false, {TRT_ACTIVATION_HARD_SWISH, 0, 0}},
    {"depthwise 5x5 dilation 2, no bias", 16, 16, 16, 0, {5, 5}, {1, 1}, {2, 2}, {4, 4}, {4, 4}, false,
     false, {TRT_ACTIVATION_NONE, 0, 0}},
    {"depthwise 7x7 residual relu", 32, 9, 11, 0, {7, 7}, {1, 1}, {1, 1}, {3, 3}, {3, 3}, true, true,
     {TRT_ACTIVATION_RELU, 0, 0}},
    /* two outputs per thread: an odd width, pads of 1 and 2, a residual */
    {"depthwise 5x5 pad 2 residual, odd width", 24, 12, 13, 0, {5, 5}, {1, 1}, {1, 1}, {2, 2},
     {2, 2}, true, true, {TRT_ACTIVATION_NONE, 0, 0}},
    {"depthwise 3x3 residual, 1 column", 8, 6, 1, 0, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true,
     true, {TRT_ACTIVATION_RELU, 0, 0}},
    {"depthwise 3x3 no pad, 1 column", 8, 6, 3, 0, {3, 3}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true,
     false, {TRT_ACTIVATION_RELU, 0, 0}},
    {"depthwise 3x5 stride 1x2 (the generic path)", 24, 10, 21, 0, {3, 5}, {1, 2}, {1, 1}, {1, 2}, {1, 2},
     true, false, {TRT_ACTIVATION_SIGMOID, 0, 0}},
};
/* clang-format on */

static int failures;

static void expect(bool ok, const char *what) {
  printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", what, ok ? "" : ": ", ok ? "" : trt_last_error());
  failures += !ok;
}

static float next_weight(uint64_t *seed, double scale) {
  *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
  return (float)(((double)(*seed >> 11) / 9007199254740992.0 * 2 - 1) * scale);
}

/* input [N, C, H, W] -> convolution (+ input when residual) -> output */
static trt_network_t *make_network(const conv_case_t *c) {
  trt_network_t *net = trt_network_create();
  int64_t x_dims[] = {-1, c->channels, c->height, c->width};
  trt_dims_t xd = trt_dims_make(4, x_dims);
  int x = trt_network_add_input(net, "input", TRT_DATA_TYPE_FLOAT32, &xd);
  const int64_t taps = c->kernel[0] * c->kernel[1];
  const bool depthwise = c->out_channels == 0;
  const int64_t outputs = depthwise ? c->channels : c->out_channels;
  const int64_t fan_in = (depthwise ? 1 : c->channels) * taps;
  int64_t w_dims[] = {outputs, fan_in / taps, c->kernel[0], c->kernel[1]}, b_dims[] = {outputs};
  float *w = malloc((size_t)(outputs * fan_in) * sizeof(float));
  float *b = malloc((size_t)outputs * sizeof(float));
  uint64_t seed = (uint64_t)c->channels * 31 + (uint64_t)taps;
  for (int64_t i = 0; i < outputs * fan_in; i++)
    w[i] = next_weight(&seed, 1.7 / sqrt((double)fan_in));
  for (int64_t i = 0; i < outputs; i++)
    b[i] = next_weight(&seed, 0.1);
  trt_dims_t wd = trt_dims_make(4, w_dims), bd = trt_dims_make(1, b_dims);
  int inputs[3] = {x, trt_network_add_constant(net, "dw.w", TRT_DATA_TYPE_FLOAT32, &wd, w),
                   trt_network_add_constant(net, "dw.b", TRT_DATA_TYPE_FLOAT32, &bd, b)};
  free(w);
  free(b);
  trt_convolution_params_t params = {.nb_spatial = 2,
                                     .group = depthwise ? c->channels : 1,
                                     .activation =
                                         c->residual ? (trt_activation_t){0} : c->activation};
  for (int i = 0; i < 2; i++) {
    params.kernel[i] = c->kernel[i];
    params.stride[i] = c->stride[i];
    params.dilation[i] = c->dilation[i];
    params.pad_begin[i] = c->pad_begin[i];
    params.pad_end[i] = c->pad_end[i];
  }
  int layer = trt_network_add_layer(net, TRT_LAYER_CONVOLUTION, "dw", inputs, c->bias ? 3 : 2, NULL,
                                    1, &params);
  int y = trt_network_layer_output(net, layer, 0);
  if (c->residual) {
    /* the residual fusion pass folds the add and the activation into the
     * convolution */
    trt_elementwise_params_t add = {TRT_ELEMENTWISE_ADD};
    int operands[] = {y, x};
    y = trt_network_layer_output(
        net,
        trt_network_add_layer(net, TRT_LAYER_ELEMENTWISE, "residual", operands, 2, NULL, 1, &add),
        0);
    trt_unary_params_t act = {.op = c->activation};
    y = trt_network_layer_output(
        net, trt_network_add_layer(net, TRT_LAYER_UNARY, "act", &y, 1, NULL, 1, &act), 0);
  }
  trt_network_mark_output(net, y);
  return net;
}

static trt_engine_t *build(const trt_network_t *net, trt_backend_t backend,
                           trt_precision_t precision, const char *tactic_sources) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = backend;
  config.precision = precision;
  config.max_batch = 3;
  if (tactic_sources &&
      trt_builder_config_set_tactic_sources(&config, tactic_sources) != TRT_STATUS_OK)
    return NULL;
  trt_engine_t *engine = NULL;
  if (trt_engine_build(net, &config, &engine) != TRT_STATUS_OK)
    return NULL;
  return engine;
}

static const char *conv_format(const trt_engine_t *engine) {
  for (int l = 0; l < trt_engine_num_layers(engine); l++)
    if (strcmp(trt_engine_layer_type(engine, l), "Convolution") == 0)
      return trt_engine_layer_format(engine, l);
  return "none";
}

static void check_case(const conv_case_t *c, const char *tactic_sources) {
  trt_network_t *net = make_network(c);
  trt_engine_t *reference = build(net, TRT_BACKEND_CPU, TRT_PRECISION_FP32, NULL);
  trt_engine_t *fp16 = build(net, TRT_BACKEND_CUDA, TRT_PRECISION_FP16, tactic_sources);
  char what[256];
  snprintf(what, sizeof what, "%s [%s]: built, convolution %s", c->label,
           tactic_sources ? tactic_sources : "all sources", fp16 ? conv_format(fp16) : "-");
  expect(reference && fp16 && (!tactic_sources || strcmp(conv_format(fp16), "nhwc") == 0), what);
  for (int batch = 3; reference && fp16 && batch >= 1; batch -= 2) {
    gpu_bindings_t expected = {0}, actual = {0};
    gpu_bindings_alloc(reference, &expected);
    gpu_bindings_alloc(fp16, &actual);
    gpu_bindings_fill_inputs(reference, &expected, 11 + (uint64_t)batch);
    gpu_bindings_copy_inputs(fp16, &actual, &expected);
    bool ran = gpu_run_once(reference, batch, &expected) && gpu_run_once(fp16, batch, &actual);
    char worst[256] = "";
    double error =
        ran ? gpu_compare_outputs(fp16, batch, &actual, &expected, worst, sizeof worst) : NAN;
    snprintf(what, sizeof what, "%s [%s] batch %d: relative L2 %.3g (limit %.0e)", c->label,
             tactic_sources ? tactic_sources : "all sources", batch, error, FP16_TOLERANCE);
    expect(ran && error <= FP16_TOLERANCE, what);
    gpu_bindings_free(&expected);
    gpu_bindings_free(&actual);
  }
  trt_engine_destroy(reference);
  trt_engine_destroy(fp16);
  trt_network_destroy(net);
}

int main(void) {
  gpu_require();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    check_case(&cases[i], "-CUDNN");
    check_case(&cases[i], NULL);
  }
  /* 12 channels: linear formats, where only cuDNN runs a float16 depthwise
   * convolution. */
  conv_case_t unaligned = cases[3];
  unaligned.channels = 12;
  trt_network_t *net = make_network(&unaligned);
  trt_engine_t *refused = build(net, TRT_BACKEND_CUDA, TRT_PRECISION_FP16, "-CUDNN");
  expect(!refused && strstr(trt_last_error(), "disabled sources") != NULL,
         "12 channels without cuDNN: refused, naming the disabled sources");
  trt_engine_destroy(refused);
  trt_network_destroy(net);
  printf("%s\n", failures ? "channels-last convolution tests FAILED"
                          : "channels-last convolution tests passed");
  return failures ? 1 : 0;
}
