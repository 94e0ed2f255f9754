/* FP16 engines on the CUDA backend against the CPU reference in FP32: the
 * layers whose families run float16 are lowered (engine/precision.c),
 * casts convert at the network's edges and before FP32-only layers, and
 * the outputs stay within FP16's tolerance (relative L2 <= 1e-2). Between
 * the casts the convolutions, pooling (windowed and global), pointwise
 * layers and the residual run channels-last (engine/formats.c), the casts
 * reformatting. A plan of the FP16 engine loads and gives the same outputs
 * bit for bit.
 *
 *   test_gpu_precision [PLAN_PATH]
 *
 * Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"
#include "gpu_util.h"

#define FP16_TOLERANCE 1e-2

static int failures;

static void expect(bool ok, const char *what) {
  printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", what, ok ? "" : ": ", ok ? "" : trt_last_error());
  failures += !ok;
}

static int add_pool(trt_network_t *net, const char *name, int x, trt_pooling_kind_t kind,
                    int64_t kernel, int64_t stride, int64_t pad, bool global) {
  trt_pooling_params_t params = {.kind = kind, .nb_spatial = 2, .global = global,
                                 .count_include_pad = true};
  for (int i = 0; !global && i < 2; i++) {
    params.kernel[i] = kernel;
    params.stride[i] = stride;
    params.dilation[i] = 1;
    params.pad_begin[i] = params.pad_end[i] = pad;
  }
  int layer = trt_network_add_layer(net, TRT_LAYER_POOLING, name, &x, 1, NULL, 1, &params);
  return trt_network_layer_output(net, layer, 0);
}

static int add_conv(trt_network_t *net, const char *name, int x, int64_t c_in, int64_t c_out,
                    int64_t kernel, int64_t pad, trt_activation_kind_t activation,
                    uint64_t *seed) {
  int64_t w_dims[] = {c_out, c_in, kernel, kernel}, b_dims[] = {c_out};
  const int64_t count = c_out * c_in * kernel * kernel;
  float *w = malloc((size_t)count * sizeof(float)), b[64];
  for (int64_t i = 0; i < count; i++) {
    *seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
    /* scaled so that activations keep their size through the layers */
    w[i] = (float)(((double)(*seed >> 11) / 9007199254740992.0 * 2 - 1) * 1.7 /
                   sqrt((double)(c_in * kernel * kernel)));
  }
  for (int64_t i = 0; i < c_out && i < 64; i++)
    b[i] = 0.01f * (float)(i % 7) - 0.03f;
  char w_name[64], b_name[64];
  snprintf(w_name, sizeof w_name, "%s.w", name);
  snprintf(b_name, sizeof b_name, "%s.b", name);
  trt_dims_t wd = trt_dims_make(4, w_dims), bd = trt_dims_make(1, b_dims);
  int inputs[] = {x, trt_network_add_constant(net, w_name, TRT_DATA_TYPE_FLOAT32, &wd, w),
                  trt_network_add_constant(net, b_name, TRT_DATA_TYPE_FLOAT32, &bd, b)};
  free(w);
  trt_convolution_params_t params = {.nb_spatial = 2, .group = 1,
                                     .activation = {.kind = activation}};
  for (int i = 0; i < 2; i++) {
    params.kernel[i] = kernel;
    params.stride[i] = params.dilation[i] = 1;
    params.pad_begin[i] = params.pad_end[i] = pad;
  }
  int layer = trt_network_add_layer(net, TRT_LAYER_CONVOLUTION, name, inputs, 3, NULL, 1, &params);
  return trt_network_layer_output(net, layer, 0);
}

static int add_add(trt_network_t *net, const char *name, int a, int b) {
  trt_elementwise_params_t params = {TRT_ELEMENTWISE_ADD};
  int inputs[] = {a, b};
  return trt_network_layer_output(
      net, trt_network_add_layer(net, TRT_LAYER_ELEMENTWISE, name, inputs, 2, NULL, 1, &params),
      0);
}

/* x -> conv 3x3 + relu -> conv 3x3 (+ x: a residual the optimizer fuses)
 *   -> conv 1x1 + hard-swish (our epilogue) -> max 3x3/2 -> * sigmoid(itself)
 *   (unary and elementwise layers) -> avg 2x2/1 (padded)
 *   -> global avg -> "pooled"; max's output is also the output "peaks";
 *   flatten + softmax -> "prob" (softmax stays FP32: a cast before it). */
static trt_network_t *make_network(void) {
  trt_network_t *net = trt_network_create();
  int64_t d[] = {-1, 8, 17, 19};
  trt_dims_t dims = trt_dims_make(4, d);
  int x = trt_network_add_input(net, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  uint64_t seed = 42;
  int c1 = add_conv(net, "conv1", x, 8, 8, 3, 1, TRT_ACTIVATION_RELU, &seed);
  int c2 = add_add(net, "residual", add_conv(net, "conv2", c1, 8, 8, 3, 1, TRT_ACTIVATION_NONE,
                                             &seed), x);
  int c3 = add_conv(net, "conv3", c2, 8, 8, 1, 0, TRT_ACTIVATION_HARD_SWISH, &seed);
  int peaks = add_pool(net, "max", c3, TRT_POOLING_MAX, 3, 2, 1, false);
  trt_unary_params_t sigmoid = {.op = {.kind = TRT_ACTIVATION_SIGMOID}};
  int gate = trt_network_layer_output(
      net, trt_network_add_layer(net, TRT_LAYER_UNARY, "gate", &peaks, 1, NULL, 1, &sigmoid), 0);
  trt_elementwise_params_t mul = {TRT_ELEMENTWISE_MUL};
  int gate_inputs[] = {peaks, gate};
  int gated = trt_network_layer_output(
      net, trt_network_add_layer(net, TRT_LAYER_ELEMENTWISE, "gated", gate_inputs, 2, NULL, 1, &mul),
      0);
  int smooth = add_pool(net, "avg", gated, TRT_POOLING_AVERAGE, 2, 1, 1, false);
  int pooled = add_pool(net, "global", smooth, TRT_POOLING_AVERAGE, 0, 0, 0, true);
  trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FLATTEN, .axis = 1};
  int flat = trt_network_layer_output(
      net, trt_network_add_layer(net, TRT_LAYER_RESHAPE, "flat", &pooled, 1, NULL, 1, &reshape),
      0);
  trt_softmax_params_t softmax = {.axis = 1};
  int prob = trt_network_layer_output(
      net, trt_network_add_layer(net, TRT_LAYER_SOFTMAX, "softmax", &flat, 1, NULL, 1, &softmax),
      0);
  trt_network_mark_output(net, peaks);
  trt_network_mark_output(net, pooled);
  trt_network_mark_output(net, prob);
  return net;
}

static int count_type(const trt_network_t *net, trt_data_type_t type) {
  int count = 0;
  for (int t = 0; t < net->nb_tensors; t++)
    count += net->tensors[t].type == type;
  return count;
}

static trt_engine_t *build(const trt_network_t *net, trt_backend_t backend, trt_precision_t precision) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = backend;
  config.precision = precision;
  config.max_batch = 3;
  config.allow_tf32 = false;
  /* the layouts under test, not the end-to-end timing that may prefer linear
   * formats for a network this small */
  config.keep_channels_last = true;
  trt_engine_t *engine = NULL;
  if (trt_engine_build(net, &config, &engine) != TRT_STATUS_OK)
    return NULL;
  return engine;
}

int main(int argc, char **argv) {
  gpu_require();
  const char *plan_path = argc > 1 ? argv[1] : "fp16-test.plan";
  trt_set_log_level(TRT_SEVERITY_VERBOSE);
  trt_network_t *net = make_network();
  trt_engine_t *reference = build(net, TRT_BACKEND_CPU, TRT_PRECISION_FP32);
  trt_engine_t *fp16 = build(net, TRT_BACKEND_CUDA, TRT_PRECISION_FP16);
  expect(reference && fp16, "CPU FP32 and CUDA FP16 engines built");
  if (!reference || !fp16)
    return 1;
  const trt_network_t *lowered = fp16->full.network;
  char what[160];
  snprintf(what, sizeof what, "the FP16 engine holds float16 tensors (%d) and casts",
           count_type(lowered, TRT_DATA_TYPE_FLOAT16));
  expect(count_type(lowered, TRT_DATA_TYPE_FLOAT16) >= 3, what);
  int nhwc = 0, reformats = 0;
  for (int l = 0; l < trt_engine_num_layers(fp16); l++) {
    const char *format = trt_engine_layer_format(fp16, l);
    printf("     layer %d %s (%s): %s %s\n", l, trt_engine_layer_name(fp16, l),
           trt_engine_layer_type(fp16, l), trt_engine_layer_precision(fp16, l), format);
    nhwc += strcmp(format, "nhwc") == 0;
    reformats += strchr(format, '>') != NULL;
  }
  snprintf(what, sizeof what, "%d layers run channels-last, %d casts reformat", nhwc, reformats);
  expect(nhwc >= 7 && reformats >= 2, what);

  for (int batch = 3; batch >= 1; batch -= 2) {
    gpu_bindings_t expected = {0}, actual = {0}, loaded_out = {0};
    gpu_bindings_alloc(reference, &expected);
    gpu_bindings_alloc(fp16, &actual);
    gpu_bindings_fill_inputs(reference, &expected, 7 + (uint64_t)batch);
    gpu_bindings_copy_inputs(fp16, &actual, &expected);
    expect(gpu_run_once(reference, batch, &expected) && gpu_run_once(fp16, batch, &actual),
           "both ran");
    char worst[256] = "";
    double error = gpu_compare_outputs(fp16, batch, &actual, &expected, worst, sizeof worst);
    snprintf(what, sizeof what, "batch %d: FP16 within %.0e of FP32 (worst %.3g, %s)", batch,
             FP16_TOLERANCE, error, worst);
    expect(error <= FP16_TOLERANCE, what);

    if (batch == 3) {
      trt_engine_t *loaded = NULL;
      expect(trt_engine_save(fp16, plan_path, NULL) == TRT_STATUS_OK &&
                 trt_engine_load(plan_path, NULL, NULL, &loaded) == TRT_STATUS_OK,
             "FP16 plan saved and loaded");
      if (loaded) {
        gpu_bindings_alloc(loaded, &loaded_out);
        gpu_bindings_copy_inputs(loaded, &loaded_out, &expected);
        expect(gpu_run_once(loaded, batch, &loaded_out) &&
                   gpu_compare_outputs(loaded, batch, &loaded_out, &actual, worst, sizeof worst) ==
                       0.0,
               "the loaded plan gives the same outputs bit for bit");
        gpu_bindings_free(&loaded_out);
        trt_engine_destroy(loaded);
      }
      remove(plan_path);
    }
    gpu_bindings_free(&expected);
    gpu_bindings_free(&actual);
  }
  trt_engine_destroy(reference);
  trt_engine_destroy(fp16);
  trt_network_destroy(net);
  printf("%s\n", failures ? "FP16 tests FAILED" : "FP16 tests passed");
  return failures ? 1 : 0;
}
