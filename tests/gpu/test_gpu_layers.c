/* Every layer type (and the fused forms the optimizer makes) on the GPU
 * against the CPU reference: one-layer networks on odd shapes, FP32 with
 * TF32 off, relative L2 error <= 1e-5.
 *
 *   test_gpu_layers [--filter=substring]
 *
 * Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

#define TOLERANCE 1e-5

static const char *filter;
static int nb_failed, nb_run;

static trt_dims_t dims_of(int n, const int64_t *d) { return trt_dims_make(n, d); }
#define DIMS(...) dims_of((int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), \
                          (int64_t[]){__VA_ARGS__})

static int add_input(trt_network_t *network, const char *name, trt_dims_t dims) {
  return trt_network_add_input(network, name, TRT_DATA_TYPE_FLOAT32, &dims);
}

static int add_typed_input(trt_network_t *network, const char *name, trt_data_type_t type,
                           trt_dims_t dims) {
  return trt_network_add_input(network, name, type, &dims);
}

/* Random floats in [low, high), deterministic per name. */
static int add_weights(trt_network_t *network, const char *name, trt_dims_t dims, float low,
                       float high) {
  int64_t count = trt_dims_volume(&dims);
  float *data = malloc((size_t)(count ? count : 1) * sizeof(float));
  uint32_t state = 2166136261u;
  for (const char *c = name; *c; c++)
    state = (state ^ (uint8_t)*c) * 16777619u;
  for (int64_t i = 0; i < count; i++) {
    state = state * 1664525u + 1013904223u;
    data[i] = low + (high - low) * (float)(state >> 8) / 16777216.0f;
  }
  int tensor = trt_network_add_constant(network, name, TRT_DATA_TYPE_FLOAT32, &dims, data);
  free(data);
  return tensor;
}

static int add_int64(trt_network_t *network, const char *name, int count, const int64_t *values) {
  trt_dims_t dims = DIMS(count);
  return trt_network_add_constant(network, name, TRT_DATA_TYPE_INT64, &dims, values);
}

/* Adds the layer, marks its outputs and returns output 0's tensor. */
static int add_layer(trt_network_t *network, trt_layer_type_t type, const int *inputs,
                     int nb_inputs, int nb_outputs, const void *params) {
  int layer = trt_network_add_layer(network, type, "layer", inputs, nb_inputs, NULL, nb_outputs,
                                    params);
  if (layer < 0)
    return -1;
  for (int o = 0; o < nb_outputs; o++)
    trt_network_mark_output(network, trt_network_layer_output(network, layer, o));
  return trt_network_layer_output(network, layer, 0);
}

static bool selected(const char *name) { return !filter || strstr(name, filter); }

/* Compares and frees. */
static void check(const char *name, trt_network_t *network, int max_batch, int batch) {
  nb_run++;
  if (!gpu_compare_backends(name, network, max_batch, batch, TOLERANCE))
    nb_failed++;
  trt_network_destroy(network);
}

/* ---- convolutions -------------------------------------------------------- */

typedef struct {
  const char *name;
  int64_t n, c, h, w, k, kernel, stride, dilation, pad, group;
  trt_activation_kind_t activation;
  bool bias, residual, dynamic_batch;
} conv_case_t;

static void conv_cases(void) {
  static const conv_case_t cases[] = {
      {"conv 3x3", 2, 5, 13, 11, 7, 3, 1, 1, 1, 1, TRT_ACTIVATION_NONE, true, false, false},
      {"conv 3x3 s2 d2", 1, 3, 17, 19, 4, 3, 2, 2, 2, 1, TRT_ACTIVATION_NONE, false, false, false},
      {"conv grouped", 1, 6, 9, 9, 6, 3, 1, 1, 1, 3, TRT_ACTIVATION_NONE, true, false, false},
      {"conv depthwise", 2, 8, 15, 13, 8, 3, 1, 1, 1, 8, TRT_ACTIVATION_RELU, true, false, false},
      {"conv 1x1 leaky", 3, 17, 7, 5, 9, 1, 1, 1, 0, 1, TRT_ACTIVATION_LEAKY_RELU, true, false,
       false},
      {"conv 7x7 s2 large", 2, 3, 61, 59, 16, 7, 2, 1, 3, 1, TRT_ACTIVATION_NONE, true, false,
       false},
      {"conv fused bias relu residual", 2, 6, 11, 13, 6, 3, 1, 1, 1, 1, TRT_ACTIVATION_RELU, true,
       true, false},
      {"conv fused sigmoid", 1, 4, 9, 7, 5, 3, 1, 1, 1, 1, TRT_ACTIVATION_SIGMOID, true, false,
       false},
      {"conv dynamic batch 2 of 3", -1, 5, 13, 11, 7, 3, 1, 1, 1, 1, TRT_ACTIVATION_RELU, true,
       false, true},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const conv_case_t *c = &cases[i];
    if (!selected(c->name))
      continue;
    trt_network_t *network = trt_network_create();
    int inputs[4];
    inputs[0] = add_input(network, "x", DIMS(c->n, c->c, c->h, c->w));
    inputs[1] = add_weights(network, "w", DIMS(c->k, c->c / c->group, c->kernel, c->kernel), -0.5f,
                            0.5f);
    inputs[2] = c->bias ? add_weights(network, "b", DIMS(c->k), -1, 1) : -1;
    trt_convolution_params_t p = {0};
    p.nb_spatial = 2;
    p.group = c->group;
    for (int d = 0; d < 2; d++) {
      p.kernel[d] = c->kernel;
      p.stride[d] = c->stride;
      p.dilation[d] = c->dilation;
      p.pad_begin[d] = c->pad;
      p.pad_end[d] = c->pad;
    }
    p.activation.kind = c->activation;
    p.activation.alpha = 0.1f;
    int nb_inputs = 3;
    if (c->residual) {
      int64_t oh = (c->h + 2 * c->pad - c->dilation * (c->kernel - 1) - 1) / c->stride + 1;
      int64_t ow = (c->w + 2 * c->pad - c->dilation * (c->kernel - 1) - 1) / c->stride + 1;
      inputs[3] = add_input(network, "residual", DIMS(c->n, c->k, oh, ow));
      nb_inputs = 4;
    }
    add_layer(network, TRT_LAYER_CONVOLUTION, inputs, nb_inputs, 1, &p);
    check(c->name, network, c->dynamic_batch ? 3 : 1, c->dynamic_batch ? 2 : 1);
  }
  if (selected("conv1d")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_input(network, "x", DIMS(2, 4, 29)),
                     add_weights(network, "w", DIMS(5, 4, 3), -0.5f, 0.5f),
                     add_weights(network, "b", DIMS(5), -1, 1)};
    trt_convolution_params_t p = {.nb_spatial = 1, .group = 1};
    p.kernel[0] = 3, p.stride[0] = 2, p.dilation[0] = 1, p.pad_begin[0] = 1, p.pad_end[0] = 0;
    add_layer(network, TRT_LAYER_CONVOLUTION, inputs, 3, 1, &p);
    check("conv1d", network, 1, 1);
  }
  if (selected("deconvolution")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_input(network, "x", DIMS(1, 4, 7, 9)),
                     add_weights(network, "w", DIMS(4, 3, 3, 3), -0.5f, 0.5f),
                     add_weights(network, "b", DIMS(3), -1, 1)};
    trt_convolution_params_t p = {.nb_spatial = 2, .group = 1};
    for (int d = 0; d < 2; d++)
      p.kernel[d] = 3, p.stride[d] = 2, p.dilation[d] = 1, p.pad_begin[d] = 1, p.pad_end[d] = 1,
      p.output_padding[d] = 1;
    add_layer(network, TRT_LAYER_DECONVOLUTION, inputs, 3, 1, &p);
    check("deconvolution s2", network, 1, 1);
  }
}

/* ---- pooling, pointwise, elementwise ---------------------------------------- */

static void pooling_cases(void) {
  static const struct {
    const char *name;
    trt_pooling_kind_t kind;
    bool global, ceil, include_pad;
    int64_t kernel, stride, pad;
  } cases[] = {
      {"pool max 3x3 s2", TRT_POOLING_MAX, false, false, false, 3, 2, 1},
      {"pool max ceil", TRT_POOLING_MAX, false, true, false, 3, 2, 0},
      {"pool avg exclude pad", TRT_POOLING_AVERAGE, false, false, false, 3, 2, 1},
      {"pool avg include pad", TRT_POOLING_AVERAGE, false, false, true, 5, 1, 2},
      {"pool global avg", TRT_POOLING_AVERAGE, true, false, false, 1, 1, 0},
      {"pool global max", TRT_POOLING_MAX, true, false, false, 1, 1, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    if (!selected(cases[i].name))
      continue;
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 5, 13, 11));
    trt_pooling_params_t p = {.kind = cases[i].kind, .global = cases[i].global, .nb_spatial = 2,
                              .ceil_mode = cases[i].ceil,
                              .count_include_pad = cases[i].include_pad};
    for (int d = 0; d < 2; d++)
      p.kernel[d] = cases[i].kernel, p.stride[d] = cases[i].stride, p.dilation[d] = 1,
      p.pad_begin[d] = cases[i].pad, p.pad_end[d] = cases[i].pad;
    add_layer(network, TRT_LAYER_POOLING, &x, 1, 1, &p);
    check(cases[i].name, network, 1, 1);
  }
}

static void unary_cases(void) {
  for (int kind = TRT_ACTIVATION_RELU; kind < TRT_ACTIVATION_COUNT; kind++) {
    char name[64];
    snprintf(name, sizeof(name), "unary %s", trt_activation_name((trt_activation_kind_t)kind));
    if (!selected(name))
      continue;
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(3, 7, 11));
    trt_unary_params_t p = {.op = {(trt_activation_kind_t)kind, 0.2f, 0.5f}};
    if (kind == TRT_ACTIVATION_CLIP)
      p.op.alpha = -0.3f, p.op.beta = 0.4f;
    add_layer(network, TRT_LAYER_UNARY, &x, 1, 1, &p);
    check(name, network, 1, 1);
  }
}

static void elementwise_cases(void) {
  static const char *const names[] = {"add", "sub", "mul", "div", "pow",
                                      "min", "max", "prelu", "mod", "fmod"};
  for (int kind = 0; kind < TRT_ELEMENTWISE_COUNT; kind++) {
    char name[64];
    snprintf(name, sizeof(name), "elementwise %s broadcast", names[kind]);
    if (!selected(name))
      continue;
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "a", DIMS(2, 3, 5, 7)),
                     kind == TRT_ELEMENTWISE_PRELU ? add_weights(network, "b", DIMS(3, 1, 1), 0, 1)
                                                   : add_input(network, "b", DIMS(3, 1, 7))};
    trt_elementwise_params_t p = {.kind = (trt_elementwise_kind_t)kind};
    add_layer(network, TRT_LAYER_ELEMENTWISE, inputs, 2, 1, &p);
    check(name, network, 1, 1);
  }
  if (selected("elementwise same shape")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "a", DIMS(4, 33, 17)), add_input(network, "b", DIMS(4, 33, 17))};
    trt_elementwise_params_t p = {.kind = TRT_ELEMENTWISE_ADD};
    add_layer(network, TRT_LAYER_ELEMENTWISE, inputs, 2, 1, &p);
    check("elementwise same shape", network, 1, 1);
  }
}

/* ---- matrix products ----------------------------------------------------------- */

static void matmul_cases(void) {
  if (selected("matmul batched x weights")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "a", DIMS(2, 3, 13, 17)),
                     add_weights(network, "b", DIMS(17, 11), -1, 1)};
    add_layer(network, TRT_LAYER_MATMUL, inputs, 2, 1, NULL);
    check("matmul batched x weights", network, 1, 1);
  }
  if (selected("matmul batched x batched")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "a", DIMS(3, 5, 7)), add_input(network, "b", DIMS(3, 7, 9))};
    add_layer(network, TRT_LAYER_MATMUL, inputs, 2, 1, NULL);
    check("matmul batched x batched", network, 1, 1);
  }
  for (int variant = 0; variant < 4; variant++) {
    char name[64];
    bool ta = variant & 1, tb = variant & 2;
    snprintf(name, sizeof(name), "gemm ta=%d tb=%d bias relu", ta, tb ? 1 : 0);
    if (!selected(name))
      continue;
    trt_network_t *network = trt_network_create();
    int inputs[3] = {ta ? add_input(network, "a", DIMS(17, 13)) : add_input(network, "a", DIMS(13, 17)),
                     tb ? add_weights(network, "b", DIMS(11, 17), -1, 1)
                        : add_weights(network, "b", DIMS(17, 11), -1, 1),
                     add_weights(network, "c", DIMS(11), -1, 1)};
    trt_gemm_params_t p = {.alpha = 0.7f, .beta = 1.3f, .transpose_a = ta, .transpose_b = tb,
                           .activation = {variant == 3 ? TRT_ACTIVATION_RELU : TRT_ACTIVATION_NONE,
                                          0, 0}};
    add_layer(network, TRT_LAYER_GEMM, inputs, 3, 1, &p);
    check(name, network, 1, 1);
  }
}

/* ---- normalizations and softmax -------------------------------------------------- */

static void normalization_cases(void) {
  if (selected("batch norm")) {
    trt_network_t *network = trt_network_create();
    int inputs[5] = {add_input(network, "x", DIMS(2, 5, 7, 9)),
                     add_weights(network, "scale", DIMS(5), 0.5f, 1.5f),
                     add_weights(network, "bias", DIMS(5), -1, 1),
                     add_weights(network, "mean", DIMS(5), -0.5f, 0.5f),
                     add_weights(network, "var", DIMS(5), 0.5f, 2)};
    trt_norm_params_t p = {.epsilon = 1e-5f};
    add_layer(network, TRT_LAYER_BATCH_NORM, inputs, 5, 1, &p);
    check("batch norm", network, 1, 1);
  }
  if (selected("instance norm")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_input(network, "x", DIMS(2, 5, 7, 9)),
                     add_weights(network, "scale", DIMS(5), 0.5f, 1.5f),
                     add_weights(network, "bias", DIMS(5), -1, 1)};
    trt_norm_params_t p = {.epsilon = 1e-5f};
    add_layer(network, TRT_LAYER_INSTANCE_NORM, inputs, 3, 1, &p);
    check("instance norm", network, 1, 1);
  }
  if (selected("layer norm")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_input(network, "x", DIMS(3, 7, 19)),
                     add_weights(network, "scale", DIMS(19), 0.5f, 1.5f),
                     add_weights(network, "bias", DIMS(19), -1, 1)};
    trt_norm_params_t p = {.epsilon = 1e-5f, .axis = -1};
    add_layer(network, TRT_LAYER_LAYER_NORM, inputs, 3, 1, &p);
    check("layer norm", network, 1, 1);
  }
  if (selected("lrn")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 7, 9, 11));
    trt_lrn_params_t p = {.size = 5, .alpha = 1e-4f, .beta = 0.75f, .bias = 1};
    add_layer(network, TRT_LAYER_LRN, &x, 1, 1, &p);
    check("lrn", network, 1, 1);
  }
  for (int variant = 0; variant < 3; variant++) {
    static const char *const names[] = {"softmax axis 1", "log softmax axis -1",
                                        "softmax coerce 2d"};
    if (!selected(names[variant]))
      continue;
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(3, 17, 5));
    trt_softmax_params_t p = {.axis = variant == 1 ? -1 : 1, .log = variant == 1,
                              .coerce_2d = variant == 2};
    add_layer(network, TRT_LAYER_SOFTMAX, &x, 1, 1, &p);
    check(names[variant], network, 1, 1);
  }
}

static void reduce_cases(void) {
  static const char *const names[] = {"mean", "sum", "max", "min", "prod"};
  for (int kind = 0; kind <= TRT_REDUCE_PROD; kind++) {
    for (int keep = 0; keep < 2; keep++) {
      char name[64];
      snprintf(name, sizeof(name), "reduce %s axes 1,3 keep=%d", names[kind], keep);
      if (!selected(name))
        continue;
      trt_network_t *network = trt_network_create();
      int x = add_input(network, "x", DIMS(2, 5, 7, 9));
      trt_reduce_params_t p = {.kind = (trt_reduce_kind_t)kind, .nb_axes = 2, .axes = {1, 3},
                               .keep_dims = keep};
      add_layer(network, TRT_LAYER_REDUCE, &x, 1, 1, &p);
      check(name, network, 1, 1);
    }
  }
}

/* ---- data movement ------------------------------------------------------------------ */

static void shuffle_cases(void) {
  if (selected("reshape flatten")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 5, 7, 9));
    trt_reshape_params_t p = {.mode = TRT_RESHAPE_FLATTEN, .axis = 1};
    add_layer(network, TRT_LAYER_RESHAPE, &x, 1, 1, &p);
    check("reshape flatten", network, 1, 1);
  }
  if (selected("transpose 0231")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 5, 7, 9));
    trt_transpose_params_t p = {.nb_perm = 4, .perm = {0, 2, 3, 1}};
    add_layer(network, TRT_LAYER_TRANSPOSE, &x, 1, 1, &p);
    check("transpose 0231", network, 1, 1);
  }
  if (selected("concat axis 1")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_input(network, "a", DIMS(2, 3, 5, 7)),
                     add_input(network, "b", DIMS(2, 1, 5, 7)),
                     add_weights(network, "c", DIMS(2, 4, 5, 7), -1, 1)};
    trt_concat_params_t p = {.axis = 1};
    add_layer(network, TRT_LAYER_CONCAT, inputs, 3, 1, &p);
    check("concat axis 1", network, 1, 1);
  }
  if (selected("split axis 2")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 3, 13, 5));
    trt_split_params_t p = {.axis = 2, .nb_outputs = 3, .nb_sizes = 3, .sizes = {3, 4, 6}};
    add_layer(network, TRT_LAYER_SPLIT, &x, 1, 3, &p);
    check("split axis 2", network, 1, 1);
  }
  if (selected("slice steps")) {
    trt_network_t *network = trt_network_create();
    int inputs[5] = {add_input(network, "x", DIMS(3, 11, 13)),
                     add_int64(network, "starts", 2, (int64_t[]){1, -2}),
                     add_int64(network, "ends", 2, (int64_t[]){10, 0}),
                     add_int64(network, "axes", 2, (int64_t[]){1, 2}),
                     add_int64(network, "steps", 2, (int64_t[]){2, -3})};
    add_layer(network, TRT_LAYER_SLICE, inputs, 5, 1, NULL);
    check("slice steps", network, 1, 1);
  }
  static const char *const pad_names[] = {"pad constant", "pad reflect", "pad edge"};
  for (int mode = 0; mode < 3; mode++) {
    if (!selected(pad_names[mode]))
      continue;
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(2, 3, 7, 9));
    trt_pad_params_t p = {.mode = (trt_pad_mode_t)mode, .value = 0.5f, .nb_pads = 8,
                          .pads = {0, 0, 1, 2, 0, 0, 3, 1}};
    add_layer(network, TRT_LAYER_PAD, &x, 1, 1, &p);
    check(pad_names[mode], network, 1, 1);
  }
  static const char *const resize_names[] = {"resize nearest x2", "resize linear x2",
                                             "resize cubic x2"};
  for (int mode = 0; mode < 3; mode++) {
    if (!selected(resize_names[mode]))
      continue;
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(1, 3, 7, 9));
    trt_resize_params_t p = {.mode = (trt_resize_mode_t)mode, .cubic_coeff_a = -0.75f,
                             .nb_scales = 4, .scales = {1, 1, 2, 2}};
    p.coord = mode == 0 ? TRT_RESIZE_COORD_ASYMMETRIC : TRT_RESIZE_COORD_HALF_PIXEL;
    add_layer(network, TRT_LAYER_RESIZE, &x, 1, 1, &p);
    check(resize_names[mode], network, 1, 1);
  }
}

static void indexing_cases(void) {
  if (selected("gather axis 1")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "x", DIMS(3, 7, 5)),
                     add_int64(network, "indices", 4, (int64_t[]){6, 0, -1, 3})};
    trt_gather_params_t p = {.axis = 1};
    add_layer(network, TRT_LAYER_GATHER, inputs, 2, 1, &p);
    check("gather axis 1", network, 1, 1);
  }
  if (selected("cast float to int32")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(3, 7, 5));
    trt_cast_params_t p = {.to = TRT_DATA_TYPE_INT32};
    add_layer(network, TRT_LAYER_CAST, &x, 1, 1, &p);
    check("cast float to int32", network, 1, 1);
  }
  if (selected("identity")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(3, 7, 5));
    trt_unary_params_t p = {.op = {TRT_ACTIVATION_RELU, 0, 0}};
    int y = add_layer(network, TRT_LAYER_UNARY, &x, 1, 1, &p);
    trt_network_unmark_output(network, y);
    /* Not add_layer: its layers are all named "layer", and a second one
     * would name its output "layer:0" again, which the network refuses
     * (the identity then had no output and the network none). */
    int identity = trt_network_add_layer(network, TRT_LAYER_IDENTITY, "identity", &y, 1, NULL, 1,
                                         NULL);
    if (identity >= 0)
      trt_network_mark_output(network, trt_network_layer_output(network, identity, 0));
    check("identity", network, 1, 1);
  }
  if (selected("compare less")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "a", DIMS(3, 7, 5)), add_input(network, "b", DIMS(7, 1))};
    trt_compare_params_t p = {.kind = TRT_COMPARE_LESS};
    add_layer(network, TRT_LAYER_COMPARE, inputs, 2, 1, &p);
    check("compare less", network, 1, 1);
  }
  if (selected("logic xor")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_typed_input(network, "a", TRT_DATA_TYPE_BOOL, DIMS(3, 7, 5)),
                     add_typed_input(network, "b", TRT_DATA_TYPE_BOOL, DIMS(1, 5))};
    trt_logic_params_t p = {.kind = TRT_LOGIC_XOR};
    add_layer(network, TRT_LAYER_LOGIC, inputs, 2, 1, &p);
    check("logic xor", network, 1, 1);
  }
  if (selected("where")) {
    trt_network_t *network = trt_network_create();
    int inputs[3] = {add_typed_input(network, "c", TRT_DATA_TYPE_BOOL, DIMS(3, 7, 5)),
                     add_input(network, "x", DIMS(7, 5)), add_input(network, "y", DIMS(3, 1, 5))};
    add_layer(network, TRT_LAYER_WHERE, inputs, 3, 1, NULL);
    check("where", network, 1, 1);
  }
  if (selected("argmax axis 1")) {
    trt_network_t *network = trt_network_create();
    int x = add_input(network, "x", DIMS(3, 7, 5));
    trt_arg_reduce_params_t p = {.max = true, .axis = 1, .keep_dims = true};
    add_layer(network, TRT_LAYER_ARG_REDUCE, &x, 1, 1, &p);
    check("argmax axis 1", network, 1, 1);
  }
  if (selected("gather elements axis 1")) {
    trt_network_t *network = trt_network_create();
    int64_t indices[3 * 2 * 5];
    for (int i = 0; i < 30; i++)
      indices[i] = (i * 7) % 7 - (i % 3 == 0 ? 1 : 0) + 1;
    trt_dims_t dims = DIMS(3, 2, 5);
    int inputs[2] = {add_input(network, "x", DIMS(3, 7, 5)),
                     trt_network_add_constant(network, "indices", TRT_DATA_TYPE_INT64, &dims,
                                              indices)};
    trt_gather_params_t p = {.axis = 1};
    add_layer(network, TRT_LAYER_GATHER_ELEMENTS, inputs, 2, 1, &p);
    check("gather elements axis 1", network, 1, 1);
  }
  if (selected("tile")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "x", DIMS(2, 3, 5)),
                     add_int64(network, "repeats", 3, (int64_t[]){1, 3, 2})};
    add_layer(network, TRT_LAYER_TILE, inputs, 2, 1, NULL);
    check("tile", network, 1, 1);
  }
  if (selected("expand")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "x", DIMS(3, 1)),
                     add_int64(network, "shape", 3, (int64_t[]){2, 3, 7})};
    add_layer(network, TRT_LAYER_EXPAND, inputs, 2, 1, NULL);
    check("expand", network, 1, 1);
  }
  if (selected("trilu upper k=1")) {
    trt_network_t *network = trt_network_create();
    int inputs[2] = {add_input(network, "x", DIMS(2, 7, 9)), add_int64(network, "k", 1, (int64_t[]){1})};
    trt_trilu_params_t p = {.upper = true};
    add_layer(network, TRT_LAYER_TRILU, inputs, 2, 1, &p);
    check("trilu upper k=1", network, 1, 1);
  }
}

/* A conv -> relu -> conv -> add chain: the optimizer fuses it, so this is
 * the fused forms as the passes make them. */
static void fused_cases(void) {
  if (!selected("fused chain"))
    return;
  trt_network_t *network = trt_network_create();
  int x = add_input(network, "x", DIMS(2, 8, 15, 13));
  trt_convolution_params_t p = {.nb_spatial = 2, .group = 1};
  for (int d = 0; d < 2; d++)
    p.kernel[d] = 3, p.stride[d] = 1, p.dilation[d] = 1, p.pad_begin[d] = 1, p.pad_end[d] = 1;
  int c1[3] = {x, add_weights(network, "w1", DIMS(8, 8, 3, 3), -0.3f, 0.3f),
               add_weights(network, "b1", DIMS(8), -1, 1)};
  int l1 = trt_network_add_layer(network, TRT_LAYER_CONVOLUTION, "conv1", c1, 3, NULL, 1, &p);
  int y1 = trt_network_layer_output(network, l1, 0);
  trt_unary_params_t relu = {.op = {TRT_ACTIVATION_RELU, 0, 0}};
  int l2 = trt_network_add_layer(network, TRT_LAYER_UNARY, "relu1", &y1, 1, NULL, 1, &relu);
  int y2 = trt_network_layer_output(network, l2, 0);
  int c2[3] = {y2, add_weights(network, "w2", DIMS(8, 8, 3, 3), -0.3f, 0.3f),
               add_weights(network, "b2", DIMS(8), -1, 1)};
  int l3 = trt_network_add_layer(network, TRT_LAYER_CONVOLUTION, "conv2", c2, 3, NULL, 1, &p);
  int sum_inputs[2] = {trt_network_layer_output(network, l3, 0), x};
  trt_elementwise_params_t add = {.kind = TRT_ELEMENTWISE_ADD};
  int l4 = trt_network_add_layer(network, TRT_LAYER_ELEMENTWISE, "add", sum_inputs, 2, NULL, 1,
                                 &add);
  int y4 = trt_network_layer_output(network, l4, 0);
  int l5 = trt_network_add_layer(network, TRT_LAYER_UNARY, "relu2", &y4, 1, NULL, 1, &relu);
  trt_network_mark_output(network, trt_network_layer_output(network, l5, 0));
  check("fused chain conv+relu, conv+add+relu", network, 1, 1);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], "--filter=", 9) == 0)
      filter = argv[i] + 9;
  gpu_require();
  trt_set_log_level(TRT_SEVERITY_WARNING);
  conv_cases();
  pooling_cases();
  unary_cases();
  elementwise_cases();
  matmul_cases();
  normalization_cases();
  reduce_cases();
  shuffle_cases();
  indexing_cases();
  fused_cases();
  printf("%d of %d layer cases passed\n", nb_run - nb_failed, nb_run);
  return nb_failed ? 1 : 0;
}
