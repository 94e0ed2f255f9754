/* Convolution and deconvolution layers against naive direct loops (double
 * accumulation) on odd shapes: 1-D/2-D/3-D, strides, dilations, asymmetric
 * pads, auto_pad, groups, depthwise, pointwise, bias absent, fused
 * activations, 1 and 2 threads; plus the errors shape inference reports.
 * Tolerance: relative L2 <= 1e-5 (FP32 sums of up to ~400 products). */
#include <string.h>

#include "test_util.h"

typedef struct {
  bool deconvolution;
  int nb_spatial;
  int64_t batch, in_channels, out_channels, group;
  int64_t in[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3], output_padding[3];
  int auto_pad;
  bool bias;
  trt_activation_kind_t activation;
} conv_case_t;

/* Spatial arrays padded to 3-D at the front (size 1, stride 1, no pad). */
typedef struct {
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad[3];
} geometry3_t;

static geometry3_t to_3d(int nb_spatial, const trt_convolution_params_t *p, const int64_t *in,
                         const int64_t *out) {
  geometry3_t g;
  for (int i = 0; i < 3; i++) {
    const int axis = i - (3 - nb_spatial);
    g.in[i] = axis >= 0 ? in[axis] : 1;
    g.out[i] = axis >= 0 ? out[axis] : 1;
    g.kernel[i] = axis >= 0 ? p->kernel[axis] : 1;
    g.stride[i] = axis >= 0 ? p->stride[axis] : 1;
    g.dilation[i] = axis >= 0 ? p->dilation[axis] : 1;
    g.pad[i] = axis >= 0 ? p->pad_begin[axis] : 0;
  }
  return g;
}

static int64_t vol3(const int64_t *d) {
  return d[0] * d[1] * d[2];
}

/* The fused activation of a case, with parameters that leave it non-trivial. */
static trt_activation_t case_activation(trt_activation_kind_t kind) {
  if (kind == TRT_ACTIVATION_CLIP)
    return (trt_activation_t){kind, -2.0f, 3.0f};
  return (trt_activation_t){kind, 0.1f, 0.0f};
}

/* y[n, co, o] = b[co] + sum over ci in group, taps: x[n, ci, o * s - p + t * d] w[co, ci, t] */
static void reference_convolution(const conv_case_t *c, const geometry3_t *g, const float *x,
                                  const float *w, const float *b, float *y) {
  const int64_t gi = c->in_channels / c->group, go = c->out_channels / c->group;
  const trt_activation_t act = case_activation(c->activation);
  for (int64_t n = 0; n < c->batch; n++)
    for (int64_t co = 0; co < c->out_channels; co++)
      for (int64_t o = 0; o < vol3(g->out); o++) {
        const int64_t od = o / (g->out[1] * g->out[2]), oh = (o / g->out[2]) % g->out[1];
        const int64_t ow = o % g->out[2];
        double sum = b ? b[co] : 0.0;
        for (int64_t ci = 0; ci < gi; ci++)
          for (int64_t kd = 0; kd < g->kernel[0]; kd++)
            for (int64_t kh = 0; kh < g->kernel[1]; kh++)
              for (int64_t kw = 0; kw < g->kernel[2]; kw++) {
                const int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
                const int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dilation[1];
                const int64_t iw = ow * g->stride[2] - g->pad[2] + kw * g->dilation[2];
                if (id < 0 || id >= g->in[0] || ih < 0 || ih >= g->in[1] || iw < 0 ||
                    iw >= g->in[2])
                  continue;
                const int64_t channel = (co / go) * gi + ci;
                const float xv =
                    x[((n * c->in_channels + channel) * g->in[0] + id) * g->in[1] * g->in[2] +
                      ih * g->in[2] + iw];
                const float wv =
                    w[((co * gi + ci) * g->kernel[0] + kd) * g->kernel[1] * g->kernel[2] +
                      kh * g->kernel[2] + kw];
                sum += (double)xv * wv;
              }
        y[(n * c->out_channels + co) * vol3(g->out) + o] = trt_activation_apply(&act, (float)sum);
      }
}

/* Every input pixel spreads x * w over its window of the output. */
static void reference_deconvolution(const conv_case_t *c, const geometry3_t *g, const float *x,
                                    const float *w, const float *b, float *y) {
  const int64_t gi = c->in_channels / c->group, go = c->out_channels / c->group;
  const int64_t out_plane = vol3(g->out);
  double *sum = calloc((size_t)(c->batch * c->out_channels * out_plane), sizeof(double));
  for (int64_t n = 0; n < c->batch; n++)
    for (int64_t ci = 0; ci < c->in_channels; ci++)
      for (int64_t i = 0; i < vol3(g->in); i++) {
        const int64_t id = i / (g->in[1] * g->in[2]), ih = (i / g->in[2]) % g->in[1];
        const int64_t iw = i % g->in[2];
        const float xv = x[(n * c->in_channels + ci) * vol3(g->in) + i];
        for (int64_t cog = 0; cog < go; cog++)
          for (int64_t t = 0; t < vol3(g->kernel); t++) {
            const int64_t kd = t / (g->kernel[1] * g->kernel[2]);
            const int64_t kh = (t / g->kernel[2]) % g->kernel[1], kw = t % g->kernel[2];
            const int64_t od = id * g->stride[0] - g->pad[0] + kd * g->dilation[0];
            const int64_t oh = ih * g->stride[1] - g->pad[1] + kh * g->dilation[1];
            const int64_t ow = iw * g->stride[2] - g->pad[2] + kw * g->dilation[2];
            if (od < 0 || od >= g->out[0] || oh < 0 || oh >= g->out[1] || ow < 0 || ow >= g->out[2])
              continue;
            const int64_t co = (ci / gi) * go + cog;
            const float wv = w[(ci * go + cog) * vol3(g->kernel) + t];
            sum[(n * c->out_channels + co) * out_plane + (od * g->out[1] + oh) * g->out[2] + ow] +=
                (double)xv * wv;
          }
      }
  const trt_activation_t act = case_activation(c->activation);
  for (int64_t n = 0; n < c->batch; n++)
    for (int64_t co = 0; co < c->out_channels; co++)
      for (int64_t o = 0; o < out_plane; o++) {
        const int64_t index = (n * c->out_channels + co) * out_plane + o;
        y[index] = trt_activation_apply(&act, (float)(sum[index] + (b ? b[co] : 0.0)));
      }
  free(sum);
}

/* Builds x, w, [b] -> layer and infers shapes. Returns the network. */
static trt_network_t *build(const conv_case_t *c, trt_data_type_t x_type, const float *w,
                            const float *b) {
  trt_network_t *network = trt_network_create();
  trt_dims_t x_dims = {c->nb_spatial + 2, {c->batch, c->in_channels}};
  trt_dims_t w_dims = {c->nb_spatial + 2, {0}};
  w_dims.d[0] = c->deconvolution ? c->in_channels : c->out_channels;
  w_dims.d[1] = c->deconvolution ? c->out_channels / c->group : c->in_channels / c->group;
  trt_convolution_params_t params = {.nb_spatial = c->nb_spatial,
                                     .group = c->group,
                                     .auto_pad = c->auto_pad,
                                     .activation = case_activation(c->activation)};
  for (int i = 0; i < c->nb_spatial; i++) {
    x_dims.d[2 + i] = c->in[i];
    w_dims.d[2 + i] = c->kernel[i];
    params.kernel[i] = c->kernel[i];
    params.stride[i] = c->stride[i] ? c->stride[i] : 1;
    params.dilation[i] = c->dilation[i] ? c->dilation[i] : 1;
    params.pad_begin[i] = c->pad_begin[i];
    params.pad_end[i] = c->pad_end[i];
    params.output_padding[i] = c->output_padding[i];
  }
  int inputs[3];
  inputs[0] = trt_network_add_input(network, "x", x_type, &x_dims);
  inputs[1] = trt_network_add_constant(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims, w);
  trt_dims_t b_dims = {1, {c->out_channels}};
  inputs[2] =
      c->bias ? trt_network_add_constant(network, "b", TRT_DATA_TYPE_FLOAT32, &b_dims, b) : -1;
  const char *name = "y";
  int layer = trt_network_add_layer(
      network, c->deconvolution ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION, "conv", inputs,
      c->bias ? 3 : 2, &name, 1, &params);
  CHECK(layer >= 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  return network;
}

static int64_t weight_count(const conv_case_t *c) {
  int64_t count = c->deconvolution ? c->in_channels * (c->out_channels / c->group)
                                   : c->out_channels * (c->in_channels / c->group);
  for (int i = 0; i < c->nb_spatial; i++)
    count *= c->kernel[i];
  return count;
}

/* Runs one case with 1 and 2 threads; returns the output dims (for auto_pad checks). */
static trt_dims_t run_case(const char *what, const conv_case_t *c, uint64_t seed) {
  test_rng_t rng = test_rng(seed);
  int64_t x_count = c->batch * c->in_channels;
  for (int i = 0; i < c->nb_spatial; i++)
    x_count *= c->in[i];
  float *x = test_random_floats(&rng, x_count, -1.0f, 1.0f);
  float *w = test_random_floats(&rng, weight_count(c), -1.0f, 1.0f);
  float *b = test_random_floats(&rng, c->out_channels, -1.0f, 1.0f);
  trt_network_t *network = build(c, TRT_DATA_TYPE_FLOAT32, w, b);
  trt_dims_t y_dims = {0};
  trt_status_t status = trt_network_infer_shapes(network);
  CHECK_OK(status);
  if (status == TRT_STATUS_OK) {
    const int y_tensor = trt_network_layer_output(network, 0, 0);
    y_dims = trt_network_tensor_dims(network, y_tensor);
    const trt_convolution_params_t *params = trt_network_layer_params(network, 0);
    const geometry3_t g = to_3d(c->nb_spatial, params, c->in, y_dims.d + 2);
    const int64_t y_count = trt_dims_volume(&y_dims);
    float *expected = malloc((size_t)y_count * sizeof(float));
    float *y = malloc((size_t)y_count * sizeof(float));
    if (c->deconvolution)
      reference_deconvolution(c, &g, x, w, c->bias ? b : NULL, expected);
    else
      reference_convolution(c, &g, x, w, c->bias ? b : NULL, expected);
    for (int threads = 1; threads <= 2; threads++) {
      for (int64_t i = 0; i < y_count; i++)
        y[i] = NAN;
      const void *inputs[] = {x, NULL, NULL};
      void *outputs[] = {y};
      CHECK_OK(test_run_layer(network, 0, inputs, outputs, threads));
      const double error = test_relative_l2(y, expected, y_count);
      if (!(error <= 1e-5))
        fprintf(stderr, "case '%s' with %d thread(s):\n", what, threads);
      CHECK_BELOW(error, 1e-5);
    }
    free(expected);
    free(y);
  }
  trt_network_destroy(network);
  free(x);
  free(w);
  free(b);
  return y_dims;
}

static void test_convolutions(void) {
  const struct {
    const char *what;
    conv_case_t c;
  } cases[] = {
      {"3x3 pad 1 bias",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 5,
        .out_channels = 7,
        .group = 1,
        .in = {11, 13},
        .kernel = {3, 3},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .bias = true}},
      {"stride 2 dilation 2 asymmetric pads",
       {.nb_spatial = 2,
        .batch = 2,
        .in_channels = 3,
        .out_channels = 5,
        .group = 1,
        .in = {17, 14},
        .kernel = {3, 2},
        .stride = {2, 3},
        .dilation = {2, 2},
        .pad_begin = {0, 2},
        .pad_end = {1, 1}}},
      {"pointwise + hardswish",
       {.nb_spatial = 2,
        .batch = 2,
        .in_channels = 17,
        .out_channels = 33,
        .group = 1,
        .in = {9, 7},
        .kernel = {1, 1},
        .bias = true,
        .activation = TRT_ACTIVATION_HARD_SWISH}},
      {"pointwise stride 2",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 8,
        .out_channels = 6,
        .group = 1,
        .in = {9, 10},
        .kernel = {1, 1},
        .stride = {2, 2},
        .bias = true}},
      {"depthwise 3x3 + relu",
       {.nb_spatial = 2,
        .batch = 2,
        .in_channels = 12,
        .out_channels = 12,
        .group = 12,
        .in = {15, 17},
        .kernel = {3, 3},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .bias = true,
        .activation = TRT_ACTIVATION_RELU}},
      {"depthwise 5x5 stride 2",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 9,
        .out_channels = 9,
        .group = 9,
        .in = {20, 23},
        .kernel = {5, 5},
        .stride = {2, 2},
        .pad_begin = {2, 2},
        .pad_end = {2, 1}}},
      {"depthwise dilated asymmetric",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 4,
        .out_channels = 4,
        .group = 4,
        .in = {13, 31},
        .kernel = {3, 3},
        .dilation = {2, 3},
        .pad_begin = {0, 4},
        .pad_end = {3, 1},
        .bias = true}},
      {"channel multiplier 2",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 3,
        .out_channels = 6,
        .group = 3,
        .in = {8, 9},
        .kernel = {3, 3},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .bias = true}},
      {"grouped 3 groups",
       {.nb_spatial = 2,
        .batch = 2,
        .in_channels = 6,
        .out_channels = 9,
        .group = 3,
        .in = {10, 7},
        .kernel = {3, 2},
        .stride = {1, 2},
        .pad_begin = {1, 0},
        .pad_end = {2, 1},
        .bias = true}},
      {"wide rows (contiguous panels)",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 8,
        .out_channels = 10,
        .group = 1,
        .in = {10, 40},
        .kernel = {3, 3},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .bias = true}},
      {"several K blocks and N tiles",
       {.nb_spatial = 2,
        .batch = 1,
        .in_channels = 40,
        .out_channels = 19,
        .group = 1,
        .in = {23, 29},
        .kernel = {3, 3},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .bias = true,
        .activation = TRT_ACTIVATION_CLIP}},
      {"1-D",
       {.nb_spatial = 1,
        .batch = 2,
        .in_channels = 4,
        .out_channels = 3,
        .group = 1,
        .in = {29},
        .kernel = {5},
        .stride = {3},
        .pad_begin = {2},
        .pad_end = {1},
        .bias = true}},
      {"3-D",
       {.nb_spatial = 3,
        .batch = 1,
        .in_channels = 3,
        .out_channels = 4,
        .group = 1,
        .in = {5, 6, 7},
        .kernel = {3, 2, 3},
        .stride = {1, 2, 1},
        .pad_begin = {1, 0, 1},
        .pad_end = {1, 1, 0},
        .bias = true}},
      {"3-D depthwise",
       {.nb_spatial = 3,
        .batch = 1,
        .in_channels = 3,
        .out_channels = 3,
        .group = 3,
        .in = {4, 5, 6},
        .kernel = {2, 3, 3},
        .pad_begin = {0, 1, 1},
        .pad_end = {1, 1, 1}}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    run_case(cases[i].what, &cases[i].c, 10 + i);
}

static void test_auto_pad(void) {
  conv_case_t c = {.nb_spatial = 2,
                   .batch = 1,
                   .in_channels = 3,
                   .out_channels = 4,
                   .group = 1,
                   .in = {9, 10},
                   .kernel = {4, 3},
                   .stride = {2, 3},
                   .bias = true};
  /* SAME: out = ceil(in / stride); total pad = (out - 1) * s + k - in = 3 and 2. */
  c.auto_pad = TRT_AUTO_PAD_SAME_UPPER;
  trt_dims_t y = run_case("SAME_UPPER", &c, 40);
  CHECK(y.d[2] == 5 && y.d[3] == 4);
  c.auto_pad = TRT_AUTO_PAD_SAME_LOWER;
  y = run_case("SAME_LOWER", &c, 41);
  CHECK(y.d[2] == 5 && y.d[3] == 4);
  c.auto_pad = TRT_AUTO_PAD_VALID;
  c.pad_begin[0] = 5; /* ignored with VALID */
  y = run_case("VALID", &c, 42);
  CHECK(y.d[2] == 3 && y.d[3] == 3);

  /* The pads SAME_UPPER and SAME_LOWER resolve to (odd pixel at the end / start). */
  test_rng_t rng = test_rng(43);
  float *w = test_random_floats(&rng, 4 * 3 * 4 * 3, -1, 1),
        *b = test_random_floats(&rng, 4, -1, 1);
  c.pad_begin[0] = 0;
  c.auto_pad = TRT_AUTO_PAD_SAME_UPPER;
  trt_network_t *network = build(&c, TRT_DATA_TYPE_FLOAT32, w, b);
  CHECK_OK(trt_network_infer_shapes(network));
  const trt_convolution_params_t *p = trt_network_layer_params(network, 0);
  CHECK(p->pad_begin[0] == 1 && p->pad_end[0] == 2 && p->pad_begin[1] == 1 && p->pad_end[1] == 1);
  trt_network_destroy(network);
  c.auto_pad = TRT_AUTO_PAD_SAME_LOWER;
  network = build(&c, TRT_DATA_TYPE_FLOAT32, w, b);
  CHECK_OK(trt_network_infer_shapes(network));
  p = trt_network_layer_params(network, 0);
  CHECK(p->pad_begin[0] == 2 && p->pad_end[0] == 1);
  trt_network_destroy(network);
  free(w);
  free(b);
}

static void test_deconvolutions(void) {
  const struct {
    const char *what;
    conv_case_t c;
  } cases[] = {
      {"3x3 stride 2 pad 1 output_padding 1",
       {.deconvolution = true,
        .nb_spatial = 2,
        .batch = 1,
        .in_channels = 4,
        .out_channels = 3,
        .group = 1,
        .in = {5, 6},
        .kernel = {3, 3},
        .stride = {2, 2},
        .pad_begin = {1, 1},
        .pad_end = {1, 1},
        .output_padding = {1, 1},
        .bias = true}},
      {"2x2 stride 2 (DB head) + relu",
       {.deconvolution = true,
        .nb_spatial = 2,
        .batch = 2,
        .in_channels = 8,
        .out_channels = 4,
        .group = 1,
        .in = {7, 9},
        .kernel = {2, 2},
        .stride = {2, 2},
        .bias = true,
        .activation = TRT_ACTIVATION_RELU}},
      {"grouped dilated asymmetric pads",
       {.deconvolution = true,
        .nb_spatial = 2,
        .batch = 1,
        .in_channels = 6,
        .out_channels = 4,
        .group = 2,
        .in = {6, 5},
        .kernel = {3, 2},
        .dilation = {2, 1},
        .stride = {1, 2},
        .pad_begin = {1, 0},
        .pad_end = {2, 1}}},
      {"1-D",
       {.deconvolution = true,
        .nb_spatial = 1,
        .batch = 2,
        .in_channels = 3,
        .out_channels = 5,
        .group = 1,
        .in = {11},
        .kernel = {4},
        .stride = {3},
        .pad_begin = {1},
        .pad_end = {2},
        .output_padding = {2},
        .bias = true}},
      {"3-D",
       {.deconvolution = true,
        .nb_spatial = 3,
        .batch = 1,
        .in_channels = 2,
        .out_channels = 3,
        .group = 1,
        .in = {3, 4, 5},
        .kernel = {2, 3, 2},
        .stride = {2, 1, 2},
        .pad_begin = {0, 1, 0},
        .pad_end = {1, 1, 0},
        .bias = true}},
      {"many channels",
       {.deconvolution = true,
        .nb_spatial = 2,
        .batch = 1,
        .in_channels = 70,
        .out_channels = 9,
        .group = 1,
        .in = {12, 11},
        .kernel = {3, 3},
        .stride = {2, 2},
        .pad_begin = {1, 1},
        .pad_end = {0, 1},
        .bias = true}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    run_case(cases[i].what, &cases[i].c, 60 + i);

  /* SAME_UPPER: output = input * stride. */
  conv_case_t c = {.deconvolution = true,
                   .nb_spatial = 2,
                   .batch = 1,
                   .in_channels = 3,
                   .out_channels = 2,
                   .group = 1,
                   .in = {5, 4},
                   .kernel = {3, 4},
                   .stride = {2, 2},
                   .auto_pad = TRT_AUTO_PAD_SAME_UPPER,
                   .bias = true};
  trt_dims_t y = run_case("deconvolution SAME_UPPER", &c, 70);
  CHECK(y.d[2] == 10 && y.d[3] == 8);
}

static void test_errors(void) {
  conv_case_t c = {.nb_spatial = 2,
                   .batch = 1,
                   .in_channels = 4,
                   .out_channels = 6,
                   .group = 1,
                   .in = {5, 5},
                   .kernel = {3, 3}};
  float w[6 * 4 * 9] = {0};
  /* Input with 4 channels, weights for 2. */
  trt_network_t *network = trt_network_create();
  const trt_dims_t x_dims = {4, {1, 4, 5, 5}}, w_dims = {4, {6, 2, 3, 3}};
  int inputs[2] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims),
                   trt_network_add_constant(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims, w)};
  trt_convolution_params_t params = {.nb_spatial = 2, .group = 1};
  CHECK(trt_network_add_layer(network, TRT_LAYER_CONVOLUTION, "conv", inputs, 2, NULL, 1,
                              &params) == 0);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "has 4 channels but weights 6x2x3x3 with group 1 expect 2"));
  trt_network_destroy(network);

  network = build(&c, TRT_DATA_TYPE_INT32, w, NULL);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "Convolution: input type int32 is not supported"));
  trt_network_destroy(network);

  /* Kernel larger than the input. */
  conv_case_t small = c;
  small.in[0] = 2;
  network = build(&small, TRT_DATA_TYPE_FLOAT32, w, NULL);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "smaller than the dilated kernel"));
  trt_network_destroy(network);

  /* Groups that do not divide the output channels. */
  conv_case_t grouped = c;
  grouped.group = 4;
  grouped.out_channels = 6;
  grouped.in_channels = 4;
  network = build(&grouped, TRT_DATA_TYPE_FLOAT32, w, NULL);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "not divisible by group 4"));
  trt_network_destroy(network);
}

int main(void) {
  test_convolutions();
  test_auto_pad();
  test_deconvolutions();
  test_errors();
  return test_finish("test_convolution");
}
