/* Max and average pooling against naive loops: 1-D/2-D/3-D, strides,
 * dilations, asymmetric pads, ceil_mode (incl. ONNX's rule that the last
 * window starts inside the input or left padding), count_include_pad,
 * auto_pad, global pooling, 1 and 2 threads; plus shape-inference errors.
 * Tolerance: relative L2 <= 1e-6 (max is exact; averages of <= 27 values). */
#include <math.h>
#include <string.h>

#include "test_util.h"

typedef struct {
  int nb_spatial;
  int64_t batch, channels, in[3];
  trt_pooling_params_t params;
} pool_case_t;

/* Reference on the 3-D view (leading size-1 axes); params already resolved. */
static void reference_pool(const pool_case_t *c, const trt_pooling_params_t *p,
                           const int64_t *out_dims, const float *x, float *y) {
  int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
  for (int i = 0; i < 3; i++) {
    const int axis = i - (3 - c->nb_spatial);
    const bool present = axis >= 0;
    in[i] = present ? c->in[axis] : 1;
    out[i] = present ? out_dims[axis] : 1;
    k[i] = present ? p->kernel[axis] : 1;
    s[i] = present ? p->stride[axis] : 1;
    d[i] = present ? p->dilation[axis] : 1;
    pb[i] = present ? p->pad_begin[axis] : 0;
    pe[i] = present ? p->pad_end[axis] : 0;
  }
  const int64_t in_plane = in[0] * in[1] * in[2];
  for (int64_t plane = 0; plane < c->batch * c->channels; plane++)
    for (int64_t od = 0; od < out[0]; od++)
      for (int64_t oh = 0; oh < out[1]; oh++)
        for (int64_t ow = 0; ow < out[2]; ow++) {
          double sum = 0, max = -INFINITY;
          int64_t inside = 0, padded = 0;
          for (int64_t a = 0; a < k[0]; a++)
            for (int64_t b = 0; b < k[1]; b++)
              for (int64_t e = 0; e < k[2]; e++) {
                const int64_t pos[3] = {od * s[0] - pb[0] + a * d[0], oh * s[1] - pb[1] + b * d[1],
                                        ow * s[2] - pb[2] + e * d[2]};
                bool in_input = true, in_padded = true;
                for (int i = 0; i < 3; i++) {
                  in_input &= pos[i] >= 0 && pos[i] < in[i];
                  in_padded &= pos[i] >= -pb[i] && pos[i] < in[i] + pe[i];
                }
                padded += in_padded;
                if (!in_input)
                  continue;
                const float v = x[plane * in_plane + (pos[0] * in[1] + pos[1]) * in[2] + pos[2]];
                sum += v;
                max = v > max ? v : max;
                inside++;
              }
          const double divisor = p->count_include_pad ? (double)padded : (double)inside;
          *y++ = (float)(p->kind == TRT_POOLING_MAX ? max : sum / divisor);
        }
}

static trt_network_t *build(const pool_case_t *c, trt_data_type_t type) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = {c->nb_spatial + 2, {c->batch, c->channels}};
  for (int i = 0; i < c->nb_spatial; i++)
    dims.d[2 + i] = c->in[i];
  int x = trt_network_add_input(network, "x", type, &dims);
  CHECK(trt_network_add_layer(network, TRT_LAYER_POOLING, "pool", &x, 1, NULL, 1, &c->params) == 0);
  return network;
}

/* Runs the case with 1 and 2 threads and returns the output dims. */
static trt_dims_t run_case(const char *what, const pool_case_t *c, uint64_t seed) {
  trt_network_t *network = build(c, TRT_DATA_TYPE_FLOAT32);
  trt_dims_t y_dims = {0};
  trt_status_t status = trt_network_infer_shapes(network);
  CHECK_OK(status);
  if (status == TRT_STATUS_OK) {
    y_dims = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
    const trt_pooling_params_t *resolved = trt_network_layer_params(network, 0);
    test_rng_t rng = test_rng(seed);
    int64_t x_count = c->batch * c->channels;
    for (int i = 0; i < c->nb_spatial; i++)
      x_count *= c->in[i];
    float *x = test_random_floats(&rng, x_count, -2.0f, 2.0f);
    const int64_t y_count = trt_dims_volume(&y_dims);
    float *expected = malloc((size_t)y_count * sizeof(float));
    float *y = malloc((size_t)y_count * sizeof(float));
    reference_pool(c, resolved, y_dims.d + 2, x, expected);
    for (int threads = 1; threads <= 2; threads++) {
      const void *inputs[] = {x};
      void *outputs[] = {y};
      CHECK_OK(test_run_layer(network, 0, inputs, outputs, threads));
      const double error = test_relative_l2(y, expected, y_count);
      if (!(error <= 1e-6))
        fprintf(stderr, "case '%s' with %d thread(s):\n", what, threads);
      CHECK_BELOW(error, 1e-6);
    }
    free(x);
    free(expected);
    free(y);
  }
  trt_network_destroy(network);
  return y_dims;
}

#define MAX TRT_POOLING_MAX
#define AVG TRT_POOLING_AVERAGE

static void test_pooling(void) {
  const struct {
    const char *what;
    pool_case_t c;
    int64_t out[3];
  } cases[] = {
      {"max 3x3 s2 p1",
       {2,
        2,
        3,
        {11, 12},
        {.kind = MAX, .kernel = {3, 3}, .stride = {2, 2}, .pad_begin = {1, 1}, .pad_end = {1, 1}}},
       {6, 6}},
      {"avg exclude pad",
       {2,
        1,
        4,
        {9, 10},
        {.kind = AVG, .kernel = {3, 2}, .stride = {2, 1}, .pad_begin = {1, 0}, .pad_end = {2, 1}}},
       {5, 10}},
      {"avg include pad",
       {2,
        1,
        4,
        {9, 10},
        {.kind = AVG,
         .kernel = {3, 2},
         .stride = {2, 1},
         .pad_begin = {1, 0},
         .pad_end = {2, 1},
         .count_include_pad = true}},
       {5, 10}},
      /* ceil: (5 + 2 - 2) / 2 rounds up to 3, + 1 = 4 windows, but the 4th would start at 6,
       * past the input and left padding (5 + 1): 3 windows. */
      {"max ceil_mode last-window rule",
       {2,
        1,
        2,
        {5, 8},
        {.kind = MAX,
         .kernel = {2, 3},
         .stride = {2, 2},
         .pad_begin = {1, 0},
         .pad_end = {1, 0},
         .ceil_mode = true}},
       {3, 4}},
      {"avg ceil_mode include pad",
       {2,
        1,
        3,
        {8, 7},
        {.kind = AVG,
         .kernel = {3, 3},
         .stride = {2, 2},
         .pad_begin = {1, 1},
         .pad_end = {1, 0},
         .ceil_mode = true,
         .count_include_pad = true}},
       {5, 4}},
      {"avg ceil_mode exclude pad",
       {2, 1, 3, {8, 7}, {.kind = AVG, .kernel = {3, 3}, .stride = {2, 2}, .ceil_mode = true}},
       {4, 3}},
      {"max dilation",
       {2,
        1,
        2,
        {12, 11},
        {.kind = MAX,
         .kernel = {3, 2},
         .stride = {1, 2},
         .dilation = {2, 3},
         .pad_begin = {2, 0},
         .pad_end = {0, 1}}},
       {10, 5}},
      {"1-D max",
       {1,
        2,
        3,
        {17},
        {.kind = MAX, .kernel = {4}, .stride = {3}, .pad_begin = {2}, .pad_end = {1}}},
       {6}},
      {"3-D avg",
       {3,
        1,
        2,
        {5, 6, 7},
        {.kind = AVG,
         .kernel = {2, 3, 3},
         .stride = {2, 2, 2},
         .pad_begin = {0, 1, 1},
         .pad_end = {1, 1, 0}}},
       {3, 3, 3}},
      {"global avg", {2, 2, 5, {7, 9}, {.kind = AVG, .global = true}}, {1, 1}},
      {"global max 3-D", {3, 1, 3, {3, 4, 5}, {.kind = MAX, .global = true}}, {1, 1, 1}},
      {"SAME_UPPER max",
       {2,
        1,
        2,
        {9, 10},
        {.kind = MAX, .kernel = {3, 4}, .stride = {2, 3}, .auto_pad = TRT_AUTO_PAD_SAME_UPPER}},
       {5, 4}},
      {"SAME_LOWER avg",
       {2,
        1,
        2,
        {9, 10},
        {.kind = AVG, .kernel = {3, 4}, .stride = {2, 3}, .auto_pad = TRT_AUTO_PAD_SAME_LOWER}},
       {5, 4}},
      {"VALID avg",
       {2,
        1,
        2,
        {9, 10},
        {.kind = AVG,
         .kernel = {3, 4},
         .stride = {2, 3},
         .pad_begin = {1, 1},
         .auto_pad = TRT_AUTO_PAD_VALID}},
       {4, 3}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const trt_dims_t y = run_case(cases[i].what, &cases[i].c, 20 + i);
    bool dims_ok = y.nb_dims == cases[i].c.nb_spatial + 2;
    for (int a = 0; dims_ok && a < cases[i].c.nb_spatial; a++)
      dims_ok = y.d[2 + a] == cases[i].out[a];
    if (!dims_ok) {
      char text[64];
      fprintf(stderr, "case '%s': output %s\n", cases[i].what,
              trt_dims_format(&y, text, sizeof text));
    }
    CHECK(dims_ok);
  }
}

static void test_errors(void) {
  pool_case_t c = {2, 1, 2, {4, 4}, {.kind = MAX, .kernel = {5, 2}}};
  trt_network_t *network = build(&c, TRT_DATA_TYPE_FLOAT32);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "MaxPool: input 1x2x4x4 is smaller than the kernel (5)"));
  trt_network_destroy(network);

  c.params.kernel[0] = 2;
  network = build(&c, TRT_DATA_TYPE_UINT8);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "MaxPool: input type uint8 is not supported"));
  trt_network_destroy(network);

  c.nb_spatial = 1; /* a 1-D input for a 2-D kernel */
  c.params.nb_spatial = 2;
  network = build(&c, TRT_DATA_TYPE_FLOAT32);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "kernel has 2 spatial dims but input is 1x2x4"));
  trt_network_destroy(network);
}

/* Runs one case on a given input with one thread; returns the output dims. */
static trt_dims_t run_on(const pool_case_t *c, const float *x, float *y) {
  trt_network_t *network = build(c, TRT_DATA_TYPE_FLOAT32);
  trt_dims_t dims = {0};
  CHECK_OK(trt_network_infer_shapes(network));
  dims = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  const void *inputs[] = {x};
  void *outputs[] = {y};
  CHECK_OK(test_run_layer(network, 0, inputs, outputs, 1));
  trt_network_destroy(network);
  return dims;
}

/* A kernel, pad and stride of 2^40 over a 4x4 input: pooling visits only the
 * taps inside the input (such a kernel in a plan or model once made pooling
 * loop for hours). Along H the two windows cover rows 0-1 and 2-3, so the
 * result is that of a 2-row kernel of stride 2, except that counting the
 * padding divides the average by 2^39 more. */
static void test_huge_kernel(void) {
  const int64_t huge = (int64_t)1 << 40;
  test_rng_t rng = test_rng(11);
  float *x = test_random_floats(&rng, 2 * 16, -2.0f, 2.0f);
  for (int kind = 0; kind < 2; kind++) {
    const trt_pooling_kind_t pooling = kind ? AVG : MAX;
    pool_case_t wide = {2,
                        1,
                        2,
                        {4, 4},
                        {.kind = pooling,
                         .count_include_pad = true,
                         .kernel = {huge, 3},
                         .stride = {huge, 1},
                         .pad_begin = {huge - 2, 1},
                         .pad_end = {huge - 2, 1}}};
    pool_case_t small = {2,
                         1,
                         2,
                         {4, 4},
                         {.kind = pooling,
                          .count_include_pad = true,
                          .kernel = {2, 3},
                          .stride = {2, 1},
                          .pad_begin = {0, 1},
                          .pad_end = {0, 1}}};
    float got[16], expected[16];
    const trt_dims_t y = run_on(&wide, x, got);
    CHECK(y.nb_dims == 4 && y.d[2] == 2 && y.d[3] == 4);
    run_on(&small, x, expected);
    for (int i = 0; i < 16; i++)
      expected[i] = kind ? ldexpf(expected[i], -39) : expected[i];
    CHECK(memcmp(got, expected, sizeof got) == 0);
  }
  free(x);
}

int main(void) {
  test_pooling();
  test_errors();
  test_huge_kernel();
  return test_finish("test_pooling");
}
