/* The host-only geometry of the CUDA convolution (engine/cuda/conv_geometry.c)
 * on the CPU: dims and strides padded to N, C, D, H, W, the symmetric pad
 * given to cuDNN and the explicit padding that makes up asymmetric pads,
 * the deconvolution crop, depthwise and fused-tactic eligibility, merged
 * outputs, views and the workspace layout; then the layers it refuses.
 * Output dims are given by each case (worked out by hand), as shape
 * inference would have set them. Runs in every build, CUDA or not. */
#include <string.h>

#include "cuda/conv_geometry.h"
#include "test_util.h"

typedef struct {
  bool deconv;
  int nb_spatial;
  int64_t batch, in_channels, out_channels, group;
  int64_t in[3], out[3]; /* spatial, the first nb_spatial entries */
  int64_t kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3], output_padding[3];
  bool bias, residual;
  trt_activation_kind_t activation;
} geo_case_t;

static trt_dims_t spatial_dims(int64_t n, int64_t c, int nb_spatial, const int64_t *spatial) {
  trt_dims_t dims = {nb_spatial + 2, {n, c}};
  for (int i = 0; i < nb_spatial; i++)
    dims.d[2 + i] = spatial[i];
  return dims;
}

/* x, w, [b], [r] -> one layer -> y, with the case's dims as given. */
static trt_network_t *build(const geo_case_t *c) {
  trt_network_t *network = trt_network_create();
  const trt_dims_t x_dims = spatial_dims(c->batch, c->in_channels, c->nb_spatial, c->in);
  const trt_dims_t y_dims = spatial_dims(c->batch, c->out_channels, c->nb_spatial, c->out);
  trt_dims_t w_dims = spatial_dims(
      c->deconv ? c->in_channels : c->out_channels,
      c->deconv ? c->out_channels / c->group : c->in_channels / c->group, c->nb_spatial, c->kernel);
  const trt_dims_t b_dims = {1, {c->out_channels}};
  trt_convolution_params_t params = {
      .nb_spatial = c->nb_spatial, .group = c->group, .activation = {c->activation, 0.0f, 0.0f}};
  for (int i = 0; i < c->nb_spatial; i++) {
    params.kernel[i] = c->kernel[i];
    params.stride[i] = c->stride[i] ? c->stride[i] : 1;
    params.dilation[i] = c->dilation[i] ? c->dilation[i] : 1;
    params.pad_begin[i] = c->pad_begin[i];
    params.pad_end[i] = c->pad_end[i];
    params.output_padding[i] = c->output_padding[i];
  }
  int inputs[4] = {trt_network_add_tensor(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims),
                   trt_network_add_tensor(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims), -1, -1};
  if (c->bias)
    inputs[2] = trt_network_add_tensor(network, "b", TRT_DATA_TYPE_FLOAT32, &b_dims);
  if (c->residual)
    inputs[3] = trt_network_add_tensor(network, "r", TRT_DATA_TYPE_FLOAT32, &y_dims);
  const int y = trt_network_add_tensor(network, "y", TRT_DATA_TYPE_FLOAT32, &y_dims);
  const int nb_inputs = c->residual ? 4 : c->bias ? 3 : 2;
  CHECK(trt_network_append_layer(network,
                                 c->deconv ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION,
                                 "conv", inputs, nb_inputs, &y, 1, &params) == 0);
  return network;
}

static trt_status_t init(trt_conv_geometry_t *g, const trt_network_t *network, bool deconv) {
  return trt_conv_geometry_init(g, network, &network->layers[0], deconv);
}

/* Analyses a case that must be accepted. */
static bool analyse(const geo_case_t *c, trt_conv_geometry_t *g) {
  trt_network_t *network = build(c);
  trt_status_t status = init(g, network, c->deconv);
  CHECK_OK(status);
  trt_network_destroy(network);
  return status == TRT_STATUS_OK;
}

static bool same5(const int64_t *a, int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4) {
  return a[0] == a0 && a[1] == a1 && a[2] == a2 && a[3] == a3 && a[4] == a4;
}

static bool same3(const int64_t *a, int64_t a0, int64_t a1, int64_t a2) {
  return a[0] == a0 && a[1] == a1 && a[2] == a2;
}

static size_t aligned(size_t bytes) {
  return (bytes + TRT_CONV_WORKSPACE_ALIGN - 1) / TRT_CONV_WORKSPACE_ALIGN *
         TRT_CONV_WORKSPACE_ALIGN;
}

/* 3x3, stride 1, pad 1 on 8x8: the plain case, nothing extra. */
static void test_normal(void) {
  const geo_case_t c = {.nb_spatial = 2,
                        .batch = 2,
                        .in_channels = 3,
                        .out_channels = 4,
                        .group = 1,
                        .in = {8, 8},
                        .out = {8, 8},
                        .kernel = {3, 3},
                        .pad_begin = {1, 1},
                        .pad_end = {1, 1},
                        .bias = true,
                        .activation = TRT_ACTIVATION_RELU};
  trt_conv_geometry_t g;
  if (!analyse(&c, &g))
    return;
  CHECK(!g.deconv && g.nb_spatial == 2 && strcmp(g.op, "Convolution") == 0);
  CHECK(g.batch == 2 && g.in_channels == 3 && g.total_channels == 4 && g.group == 1);
  CHECK(same5(g.x_dims, 2, 3, 1, 8, 8));
  CHECK(same5(g.x_strides, 192, 64, 64, 8, 1));
  CHECK(same5(g.y_strides[0], 256, 64, 64, 8, 1));
  CHECK(same3(g.in, 1, 8, 8) && same3(g.out, 1, 8, 8));
  CHECK(same3(g.kernel, 1, 3, 3) && same3(g.stride, 1, 1, 1) && same3(g.dilation, 1, 1, 1));
  CHECK(same3(g.pad_begin, 0, 1, 1) && same3(g.pad_end, 0, 1, 1));
  CHECK(same3(g.cudnn_pad, 0, 1, 1) && !g.explicit_pad && !g.crop);
  CHECK(g.nb_outputs == 1 && g.channels[0] == 4 && g.channel_offset[0] == 0);
  CHECK(g.has_bias && !g.has_residual && g.activation.kind == TRT_ACTIVATION_RELU);
  CHECK(!trt_conv_geometry_is_depthwise(&g));
  CHECK(trt_conv_geometry_fused_possible(&g));
  CHECK(trt_conv_geometry_pad_bytes(&g) == 0 && trt_conv_geometry_crop_bytes(&g) == 0);
  CHECK(trt_conv_geometry_workspace_bytes(&g, 0) == 0);
  CHECK(trt_conv_geometry_workspace_bytes(&g, 1) == TRT_CONV_WORKSPACE_ALIGN);
  CHECK(trt_conv_geometry_workspace_bytes(&g, 1000) == aligned(1000));
}

/* Stride 2 on odd sizes, no pad: (9 - 3) / 2 + 1 = 4, (7 - 3) / 2 + 1 = 3. */
static void test_strided(void) {
  const geo_case_t c = {.nb_spatial = 2,
                        .batch = 1,
                        .in_channels = 2,
                        .out_channels = 5,
                        .group = 1,
                        .in = {9, 7},
                        .out = {4, 3},
                        .kernel = {3, 3},
                        .stride = {2, 2}};
  trt_conv_geometry_t g;
  if (!analyse(&c, &g))
    return;
  CHECK(same3(g.stride, 1, 2, 2) && same3(g.out, 1, 4, 3));
  CHECK(same3(g.cudnn_pad, 0, 0, 0) && !g.explicit_pad);
  CHECK(!g.has_bias && g.activation.kind == TRT_ACTIVATION_NONE);
  CHECK(trt_conv_geometry_fused_possible(&g));
}

/* Dilation 2 with pad 2 keeps 10x10; the 1-D form runs with D = H = 1. */
static void test_dilated_and_1d(void) {
  const geo_case_t c = {.nb_spatial = 2,
                        .batch = 1,
                        .in_channels = 2,
                        .out_channels = 2,
                        .group = 1,
                        .in = {10, 10},
                        .out = {10, 10},
                        .kernel = {3, 3},
                        .dilation = {2, 2},
                        .pad_begin = {2, 2},
                        .pad_end = {2, 2}};
  trt_conv_geometry_t g;
  if (analyse(&c, &g)) {
    CHECK(same3(g.dilation, 1, 2, 2) && same3(g.cudnn_pad, 0, 2, 2) && !g.explicit_pad);
  }
  const geo_case_t one = {.nb_spatial = 1,
                          .batch = 3,
                          .in_channels = 2,
                          .out_channels = 4,
                          .group = 1,
                          .in = {10},
                          .out = {3},
                          .kernel = {3},
                          .stride = {2},
                          .dilation = {2}};
  if (analyse(&one, &g)) {
    CHECK(g.nb_spatial == 1);
    CHECK(same5(g.x_dims, 3, 2, 1, 1, 10) && same5(g.x_strides, 20, 10, 10, 10, 1));
    CHECK(same3(g.in, 1, 1, 10) && same3(g.out, 1, 1, 3) && same3(g.kernel, 1, 1, 3));
    CHECK(!g.explicit_pad && same3(g.cudnn_pad, 0, 0, 0));
    CHECK(same3(g.stride, 1, 1, 2) && same3(g.dilation, 1, 1, 2));
  }
  const geo_case_t three = {.nb_spatial = 3,
                            .batch = 1,
                            .in_channels = 1,
                            .out_channels = 2,
                            .group = 1,
                            .in = {4, 5, 6},
                            .out = {2, 3, 4},
                            .kernel = {3, 3, 3}};
  if (analyse(&three, &g)) {
    CHECK(g.nb_spatial == 3 && same5(g.x_dims, 1, 1, 4, 5, 6));
    CHECK(same5(g.x_strides, 120, 120, 30, 6, 1) && same3(g.out, 2, 3, 4));
  }
}

/* Groups: 4 -> 6 channels in 2 groups; depthwise with multiplier 1 and 2. */
static void test_grouped_and_depthwise(void) {
  const geo_case_t grouped = {.nb_spatial = 2,
                              .batch = 1,
                              .in_channels = 4,
                              .out_channels = 6,
                              .group = 2,
                              .in = {5, 5},
                              .out = {3, 3},
                              .kernel = {3, 3}};
  trt_conv_geometry_t g;
  if (analyse(&grouped, &g)) {
    CHECK(g.group == 2 && g.total_channels == 6);
    CHECK(!trt_conv_geometry_is_depthwise(&g));
  }
  geo_case_t depthwise = {.nb_spatial = 2,
                          .batch = 1,
                          .in_channels = 4,
                          .out_channels = 4,
                          .group = 4,
                          .in = {6, 6},
                          .out = {6, 6},
                          .kernel = {3, 3},
                          .pad_begin = {1, 1},
                          .pad_end = {1, 1},
                          .bias = true,
                          .activation = TRT_ACTIVATION_CLIP};
  if (analyse(&depthwise, &g)) {
    CHECK(trt_conv_geometry_is_depthwise(&g));
    CHECK(!trt_conv_geometry_fused_possible(&g)); /* CLIP is not cuDNN's */
  }
  depthwise.out_channels = 8; /* channel multiplier 2 */
  if (analyse(&depthwise, &g))
    CHECK(trt_conv_geometry_is_depthwise(&g) && g.total_channels == 8);
  /* A group of one channel out of two is not depthwise. */
  const geo_case_t half = {.nb_spatial = 2,
                           .batch = 1,
                           .in_channels = 4,
                           .out_channels = 4,
                           .group = 2,
                           .in = {3, 3},
                           .out = {1, 1},
                           .kernel = {3, 3}};
  if (analyse(&half, &g))
    CHECK(!trt_conv_geometry_is_depthwise(&g));
}

/* Asymmetric pads: cuDNN gets the smaller one and the input is copied
 * into a buffer padded by the rest; unless the symmetric pad_begin gives
 * the same output size anyway. */
static void test_padding(void) {
  const geo_case_t asym = {.nb_spatial = 2,
                           .batch = 2,
                           .in_channels = 3,
                           .out_channels = 2,
                           .group = 1,
                           .in = {5, 5},
                           .out = {5, 5},
                           .kernel = {3, 3},
                           .pad_begin = {0, 2},
                           .pad_end = {2, 0}};
  trt_conv_geometry_t g;
  if (analyse(&asym, &g)) {
    CHECK(g.explicit_pad);
    CHECK(same3(g.cudnn_pad, 0, 0, 0));
    CHECK(same3(g.extra_begin, 0, 0, 2) && same3(g.extra_end, 0, 2, 0));
    int64_t dims[TRT_CONV_GEOMETRY_RANK];
    trt_conv_geometry_padded_dims(&g, dims);
    CHECK(same5(dims, 2, 3, 1, 7, 7));
    const size_t pad = aligned(2 * 3 * 7 * 7 * sizeof(float));
    CHECK(trt_conv_geometry_pad_bytes(&g) == pad && trt_conv_geometry_crop_bytes(&g) == 0);
    CHECK(trt_conv_geometry_workspace_bytes(&g, 100) == pad + aligned(100));
  }
  /* Pads 2/1 with a 3x3 kernel: cuDNN pads 1 and the copy adds 1 in front. */
  const geo_case_t mixed = {.nb_spatial = 2,
                            .batch = 1,
                            .in_channels = 1,
                            .out_channels = 1,
                            .group = 1,
                            .in = {4, 4},
                            .out = {5, 5},
                            .kernel = {3, 3},
                            .pad_begin = {2, 2},
                            .pad_end = {1, 1}};
  if (analyse(&mixed, &g)) {
    CHECK(g.explicit_pad && same3(g.cudnn_pad, 0, 1, 1));
    CHECK(same3(g.extra_begin, 0, 1, 1) && same3(g.extra_end, 0, 0, 0));
  }
  /* Stride 2 on 6 with pads 1/0: (6 + 1 - 3) / 2 + 1 = 3 = (6 + 2 - 3) / 2 + 1. */
  const geo_case_t floor_same = {.nb_spatial = 2,
                                 .batch = 1,
                                 .in_channels = 1,
                                 .out_channels = 1,
                                 .group = 1,
                                 .in = {6, 6},
                                 .out = {3, 3},
                                 .kernel = {3, 3},
                                 .stride = {2, 2},
                                 .pad_begin = {1, 1}};
  if (analyse(&floor_same, &g)) {
    CHECK(!g.explicit_pad && same3(g.cudnn_pad, 0, 1, 1));
    CHECK(trt_conv_geometry_pad_bytes(&g) == 0);
  }
}

/* Deconvolutions: padded forward geometry that cuDNN can express, and the
 * crop of the full result when it cannot. */
static void test_deconvolution(void) {
  /* 2 * (4 - 1) + 3 - 1 - 1 + 1 = 8 */
  const geo_case_t fits = {.deconv = true,
                           .nb_spatial = 2,
                           .batch = 1,
                           .in_channels = 4,
                           .out_channels = 2,
                           .group = 1,
                           .in = {4, 4},
                           .out = {8, 8},
                           .kernel = {3, 3},
                           .stride = {2, 2},
                           .pad_begin = {1, 1},
                           .pad_end = {1, 1},
                           .output_padding = {1, 1}};
  trt_conv_geometry_t g;
  if (analyse(&fits, &g)) {
    CHECK(g.deconv && strcmp(g.op, "Deconvolution") == 0);
    CHECK(!g.crop && same3(g.cudnn_pad, 0, 1, 1) && !g.explicit_pad);
    CHECK(same3(g.output_padding, 0, 1, 1));
    CHECK(!trt_conv_geometry_is_depthwise(&g) && !trt_conv_geometry_fused_possible(&g));
    CHECK(trt_conv_geometry_crop_bytes(&g) == 0);
  }
  /* Pads 0/1: full 2 * 3 + 3 = 9, the window [0, 8) of it. */
  const geo_case_t crop = {.deconv = true,
                           .nb_spatial = 2,
                           .batch = 2,
                           .in_channels = 3,
                           .out_channels = 4,
                           .group = 1,
                           .in = {4, 4},
                           .out = {8, 8},
                           .kernel = {3, 3},
                           .stride = {2, 2},
                           .pad_end = {1, 1}};
  if (analyse(&crop, &g)) {
    CHECK(g.crop && same3(g.cudnn_pad, 0, 0, 0));
    CHECK(same3(g.full, 1, 9, 9));
    int64_t dims[TRT_CONV_GEOMETRY_RANK];
    trt_conv_geometry_full_dims(&g, dims);
    CHECK(same5(dims, 2, 4, 1, 9, 9));
    const size_t full = aligned(2 * 4 * 9 * 9 * sizeof(float));
    CHECK(trt_conv_geometry_crop_bytes(&g) == full && trt_conv_geometry_pad_bytes(&g) == 0);
    CHECK(trt_conv_geometry_workspace_bytes(&g, 0) == full);
  }
  /* Pads 2/0: cuDNN's pad 2 on both sides would lose the last column; the
   * full 2 * 3 + 3 = 9 is cropped to [2, 9). */
  const geo_case_t shifted = {.deconv = true,
                              .nb_spatial = 1,
                              .batch = 1,
                              .in_channels = 1,
                              .out_channels = 1,
                              .group = 1,
                              .in = {4},
                              .out = {7},
                              .kernel = {3},
                              .stride = {2},
                              .pad_begin = {2}};
  if (analyse(&shifted, &g))
    CHECK(g.crop && same3(g.full, 1, 1, 9) && same3(g.cudnn_pad, 0, 0, 0));
  /* Grouped deconvolution: weights [C_in, C_out / group, k...]. */
  const geo_case_t grouped = {.deconv = true,
                              .nb_spatial = 1,
                              .batch = 1,
                              .in_channels = 4,
                              .out_channels = 6,
                              .group = 2,
                              .in = {5},
                              .out = {7},
                              .kernel = {3}};
  if (analyse(&grouped, &g))
    CHECK(g.group == 2 && g.total_channels == 6 && !g.crop);
}

/* A merged convolution (two outputs sharing the input) and views: a
 * strided input, a residual laid out unlike the output. */
static void test_merged_and_views(void) {
  trt_network_t *network = trt_network_create();
  const trt_dims_t x_dims = {4, {1, 2, 4, 4}}, w_dims = {4, {8, 2, 1, 1}};
  const trt_dims_t y0_dims = {4, {1, 3, 4, 4}}, y1_dims = {4, {1, 5, 4, 4}};
  const trt_dims_t b_dims = {1, {8}};
  trt_convolution_params_t params = {
      .nb_spatial = 2, .group = 1, .kernel = {1, 1}, .stride = {1, 1}, .dilation = {1, 1}};
  int inputs[3] = {trt_network_add_tensor(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims),
                   trt_network_add_tensor(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims),
                   trt_network_add_tensor(network, "b", TRT_DATA_TYPE_FLOAT32, &b_dims)};
  int outputs[2] = {trt_network_add_tensor(network, "y0", TRT_DATA_TYPE_FLOAT32, &y0_dims),
                    trt_network_add_tensor(network, "y1", TRT_DATA_TYPE_FLOAT32, &y1_dims)};
  CHECK(trt_network_append_layer(network, TRT_LAYER_CONVOLUTION, "merged", inputs, 3, outputs, 2,
                                 &params) == 0);
  trt_conv_geometry_t g;
  CHECK_OK(init(&g, network, false));
  CHECK(strcmp(g.name, "merged") == 0 && strcmp(g.op, "Convolution") == 0);
  CHECK(g.nb_outputs == 2 && g.total_channels == 8);
  CHECK(g.channels[0] == 3 && g.channels[1] == 5);
  CHECK(g.channel_offset[0] == 0 && g.channel_offset[1] == 3);
  CHECK(same5(g.y_strides[0], 48, 16, 16, 4, 1) && same5(g.y_strides[1], 80, 16, 16, 4, 1));
  CHECK(!trt_conv_geometry_is_depthwise(&g));
  /* The same outputs written into a concatenated [1, 8, 4, 4] buffer. */
  const trt_dims_t cat_dims = {4, {1, 8, 4, 4}};
  const int cat = trt_network_add_tensor(network, "cat", TRT_DATA_TYPE_FLOAT32, &cat_dims);
  for (int k = 0; k < 2; k++) {
    trt_tensor_t *y = &network->tensors[outputs[k]];
    y->view_parent = cat;
    y->view_axis = 1;
    y->view_offset = k ? 3 : 0;
  }
  CHECK_OK(init(&g, network, false));
  CHECK(same5(g.y_strides[0], 128, 16, 16, 4, 1) && same5(g.y_strides[1], 128, 16, 16, 4, 1));
  trt_network_destroy(network);

  /* Input read from a wider buffer; residual likewise: no fused tactic. */
  const geo_case_t c = {.nb_spatial = 2,
                        .batch = 2,
                        .in_channels = 2,
                        .out_channels = 2,
                        .group = 1,
                        .in = {3, 3},
                        .out = {3, 3},
                        .kernel = {1, 1},
                        .residual = true,
                        .activation = TRT_ACTIVATION_RELU};
  network = build(&c);
  CHECK_OK(init(&g, network, false));
  CHECK(g.has_residual && trt_conv_geometry_fused_possible(&g));
  CHECK(same5(g.residual_strides, 18, 9, 9, 3, 1));
  const trt_dims_t wide_dims = {4, {2, 6, 3, 3}};
  const int wide = trt_network_add_tensor(network, "wide", TRT_DATA_TYPE_FLOAT32, &wide_dims);
  for (int i = 0; i < network->layers[0].nb_inputs; i++) {
    if (network->layers[0].inputs[i] < 0)
      continue; /* no bias */
    trt_tensor_t *t = &network->tensors[network->layers[0].inputs[i]];
    if (strcmp(t->name, "x") == 0 || strcmp(t->name, "r") == 0) {
      t->view_parent = wide;
      t->view_axis = 1;
      t->view_offset = strcmp(t->name, "x") == 0 ? 0 : 4;
    }
  }
  CHECK_OK(init(&g, network, false));
  CHECK(same5(g.x_strides, 54, 9, 9, 3, 1) && same5(g.residual_strides, 54, 9, 9, 3, 1));
  CHECK(same5(g.y_strides[0], 18, 9, 9, 3, 1));
  CHECK(!trt_conv_geometry_fused_possible(&g));
  trt_network_destroy(network);
}

/* Expects `c` (after `edit` changed its built network, when given) to be
 * refused with `status`. */
static void expect_refused(const char *what, const geo_case_t *c,
                           void (*edit)(trt_network_t *network), trt_status_t status) {
  trt_network_t *network = build(c);
  if (edit)
    edit(network);
  trt_conv_geometry_t g;
  const trt_status_t got = init(&g, network, c->deconv);
  if (got != status) {
    fprintf(stderr, "%s: got %s (%s), expected %s\n", what, trt_status_name(got),
            got != TRT_STATUS_OK ? trt_last_error() : "", trt_status_name(status));
    test_failures++;
  } else if (strstr(trt_last_error(), "'conv'")) {
    /* The backend's driver names the layer; the geometry must not repeat it. */
    fprintf(stderr, "%s: message names the layer: %s\n", what, trt_last_error());
    test_failures++;
  }
  trt_network_destroy(network);
}

static void drop_weights(trt_network_t *network) {
  network->layers[0].nb_inputs = 1;
}

static void make_half(trt_network_t *network) {
  network->tensors[0].type = TRT_DATA_TYPE_FLOAT16;
}

static void zero_stride(trt_network_t *network) {
  ((trt_convolution_params_t *)network->layers[0].params)->stride[1] = 0;
}

static void bad_activation(trt_network_t *network) {
  ((trt_convolution_params_t *)network->layers[0].params)->activation.kind = TRT_ACTIVATION_COUNT;
}

static void wrong_kernel(trt_network_t *network) {
  ((trt_convolution_params_t *)network->layers[0].params)->kernel[0] = 5;
}

static void wrong_bias(trt_network_t *network) {
  network->tensors[network->layers[0].inputs[2]].dims.d[0] = 3;
}

static void wrong_residual(trt_network_t *network) {
  network->tensors[network->layers[0].inputs[3]].dims.d[3] = 2;
}

/* pad_end 0 with output_padding 1 at stride 1: the full result would need
 * a column cuDNN never computes. */
static void output_padding_beyond(trt_network_t *network) {
  trt_convolution_params_t *params = network->layers[0].params;
  params->pad_begin[0] = params->pad_begin[1] = 2;
  params->pad_end[0] = params->pad_end[1] = 0;
  params->output_padding[0] = params->output_padding[1] = 1;
}

static void test_refused(void) {
  const geo_case_t base = {.nb_spatial = 2,
                           .batch = 1,
                           .in_channels = 4,
                           .out_channels = 4,
                           .group = 1,
                           .in = {5, 5},
                           .out = {3, 3},
                           .kernel = {3, 3},
                           .bias = true};
  expect_refused("no weights", &base, drop_weights, TRT_STATUS_INVALID_ARGUMENT);
  expect_refused("FP16 input", &base, make_half, TRT_STATUS_UNSUPPORTED);
  expect_refused("stride 0", &base, zero_stride, TRT_STATUS_INVALID_ARGUMENT);
  expect_refused("bad activation", &base, bad_activation, TRT_STATUS_INVALID_ARGUMENT);
  expect_refused("kernel unlike the weights", &base, wrong_kernel, TRT_STATUS_SHAPE_ERROR);
  expect_refused("bias of 3 for 4 channels", &base, wrong_bias, TRT_STATUS_SHAPE_ERROR);

  geo_case_t c = base;
  c.nb_spatial = 0; /* rank 2 */
  expect_refused("no spatial dims", &c, NULL, TRT_STATUS_SHAPE_ERROR);
  c = base;
  c.group = 3; /* divides neither 4 nor 4 */
  expect_refused("group 3 of 4 channels", &c, NULL, TRT_STATUS_SHAPE_ERROR);
  c = base;
  c.residual = true;
  expect_refused("residual unlike the output", &c, wrong_residual, TRT_STATUS_SHAPE_ERROR);

  const geo_case_t deconv = {.deconv = true,
                             .nb_spatial = 2,
                             .batch = 1,
                             .in_channels = 2,
                             .out_channels = 2,
                             .group = 1,
                             .in = {4, 4},
                             .out = {6, 6},
                             .kernel = {3, 3}};
  expect_refused("output_padding a stride beyond pad_end", &deconv, output_padding_beyond,
                 TRT_STATUS_UNSUPPORTED);

  /* Several outputs: dims that disagree, and a grouped merge. */
  trt_network_t *network = trt_network_create();
  const trt_dims_t x_dims = {4, {1, 2, 4, 4}}, w_dims = {4, {4, 1, 1, 1}};
  const trt_dims_t y0_dims = {4, {1, 2, 4, 4}}, y1_dims = {4, {1, 2, 4, 3}};
  trt_convolution_params_t params = {
      .nb_spatial = 2, .group = 2, .kernel = {1, 1}, .stride = {1, 1}, .dilation = {1, 1}};
  int inputs[2] = {trt_network_add_tensor(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims),
                   trt_network_add_tensor(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims)};
  int outputs[2] = {trt_network_add_tensor(network, "y0", TRT_DATA_TYPE_FLOAT32, &y0_dims),
                    trt_network_add_tensor(network, "y1", TRT_DATA_TYPE_FLOAT32, &y1_dims)};
  CHECK(trt_network_append_layer(network, TRT_LAYER_CONVOLUTION, "conv", inputs, 2, outputs, 2,
                                 &params) == 0);
  trt_conv_geometry_t g;
  CHECK(init(&g, network, false) == TRT_STATUS_SHAPE_ERROR);
  network->tensors[outputs[1]].dims = y0_dims;
  CHECK(init(&g, network, false) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "group 1") != NULL);
  ((trt_convolution_params_t *)network->layers[0].params)->group = 1;
  network->tensors[inputs[1]].dims.d[1] = 2;
  CHECK_OK(init(&g, network, false));
  trt_network_destroy(network);
}

/* Analyses a case with every tensor float16 (or float32) in the given format. */
static bool analyse_as(const geo_case_t *c, trt_data_type_t type, trt_tensor_format_t format,
                       trt_conv_geometry_t *g) {
  trt_network_t *network = build(c);
  for (int t = 0; t < network->nb_tensors; t++) {
    network->tensors[t].type = type;
    if (network->tensors[t].dims.nb_dims == 4 && strcmp(network->tensors[t].name, "w") != 0)
      network->tensors[t].format = format;
  }
  trt_status_t status = init(g, network, c->deconv);
  CHECK_OK(status);
  trt_network_destroy(network);
  return status == TRT_STATUS_OK;
}

/* Which layers our channels-last float16 kernels take (kernels/depthwise.cuh,
 * kernels/conv1x1.cuh): packed NHWC float16 operands, channels in 8s. */
static void test_channels_last_kernels(void) {
  trt_conv_geometry_t g;
  const geo_case_t depthwise = {false,
                                2,
                                2,
                                16,
                                16,
                                16,
                                {9, 9},
                                {9, 9},
                                {3, 3},
                                {1, 1},
                                {1, 1},
                                {1, 1},
                                {1, 1},
                                {0},
                                true,
                                false,
                                TRT_ACTIVATION_CLIP};
  if (analyse_as(&depthwise, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(trt_conv_geometry_is_depthwise_nhwc(&g) && !trt_conv_geometry_is_1x1_nhwc(&g));
  if (analyse_as(&depthwise, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_LINEAR, &g))
    CHECK(!trt_conv_geometry_is_depthwise_nhwc(&g)); /* NCHW strides */
  if (analyse_as(&depthwise, TRT_DATA_TYPE_FLOAT32, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(!trt_conv_geometry_is_depthwise_nhwc(&g)); /* float32 */
  geo_case_t twelve = depthwise;
  twelve.in_channels = twelve.out_channels = twelve.group = 12;
  if (analyse_as(&twelve, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(!trt_conv_geometry_is_depthwise_nhwc(&g)); /* not a multiple of 8 */
  geo_case_t residual = depthwise;
  residual.residual = true;
  if (analyse_as(&residual, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(trt_conv_geometry_is_depthwise_nhwc(&g));

  const geo_case_t expansion = {false,
                                2,
                                2,
                                16,
                                96,
                                1,
                                {7, 5},
                                {7, 5},
                                {1, 1},
                                {1, 1},
                                {1, 1},
                                {0, 0},
                                {0, 0},
                                {0},
                                true,
                                false,
                                TRT_ACTIVATION_CLIP};
  if (analyse_as(&expansion, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(trt_conv_geometry_is_1x1_nhwc(&g) && !trt_conv_geometry_is_depthwise_nhwc(&g));
  geo_case_t strided = expansion;
  strided.stride[0] = strided.stride[1] = 2;
  strided.out[0] = 4;
  strided.out[1] = 3;
  if (analyse_as(&strided, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(!trt_conv_geometry_is_1x1_nhwc(&g)); /* stride 2: cuDNN's */
  geo_case_t odd = expansion;
  odd.out_channels = 60;
  if (analyse_as(&odd, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(!trt_conv_geometry_is_1x1_nhwc(&g)); /* 60 outputs */
  geo_case_t projection = expansion;
  projection.in_channels = 24;
  projection.out_channels = 16;
  projection.residual = true;
  if (analyse_as(&projection, TRT_DATA_TYPE_FLOAT16, TRT_FORMAT_CHANNELS_LAST, &g))
    CHECK(trt_conv_geometry_is_1x1_nhwc(&g));
}

int main(void) {
  test_channels_last_kernels();
  test_normal();
  test_strided();
  test_dilated_and_1d();
  test_grouped_and_depthwise();
  test_padding();
  test_deconvolution();
  test_merged_and_views();
  test_refused();
  return test_finish("test_conv_geometry");
}
