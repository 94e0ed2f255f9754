/* Reduce layer: mean, sum, max, min and prod over various axes (negative,
 * several, all, none with noop_with_empty_axes), with and without keep_dims,
 * axes from parameters or from a constant input, float32 and int64, against
 * a naive double reference; and shape inference errors.
 * Tolerance: relative L2 <= 1e-5 for FP32 (reductions); integers exact. */
#include <string.h>

#include "test_util.h"

#define DIMS(...) trt_dims_make(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), \
                                (int64_t[]){__VA_ARGS__})

static const char *const kind_names[] = {"mean", "sum", "max", "min", "prod"};

/* x -> reduce -> y, axes from `params` or (axes_count >= 0) from a
 * constant int64 input. */
static trt_network_t *make_reduce(const trt_dims_t *dims, trt_data_type_t type,
                                  const trt_reduce_params_t *params, const int64_t *axes,
                                  int axes_count) {
  trt_network_t *network = trt_network_create();
  int inputs[2] = {trt_network_add_input(network, "x", type, dims), -1};
  if (axes_count >= 0) {
    trt_dims_t axes_dims = DIMS(axes_count);
    inputs[1] = trt_network_add_constant(network, "axes", TRT_DATA_TYPE_INT64, &axes_dims, axes);
  }
  int layer = trt_network_add_layer(network, TRT_LAYER_REDUCE, "reduce", inputs,
                                    axes_count >= 0 ? 2 : 1, NULL, 1, params);
  CHECK(layer == 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  return network;
}

/* Accumulates every input element into its output element. */
static void reference(trt_reduce_kind_t kind, const double *x, const trt_dims_t *dims,
                      const bool *reduced, double *y, int64_t out_count) {
  int64_t count = trt_dims_volume(dims), *n = calloc((size_t)out_count, sizeof(int64_t));
  for (int64_t o = 0; o < out_count; o++)
    y[o] = kind == TRT_REDUCE_PROD ? 1 : kind == TRT_REDUCE_MAX ? -INFINITY
           : kind == TRT_REDUCE_MIN ? INFINITY : 0;
  for (int64_t i = 0; i < count; i++) {
    int64_t rest = i, o = 0, stride = 1;
    for (int d = dims->nb_dims - 1; d >= 0; d--) {
      int64_t index = rest % dims->d[d];
      rest /= dims->d[d];
      if (!reduced[d]) {
        o += index * stride;
        stride *= dims->d[d];
      }
    }
    n[o]++;
    switch (kind) {
    case TRT_REDUCE_MEAN:
    case TRT_REDUCE_SUM: y[o] += x[i]; break;
    case TRT_REDUCE_PROD: y[o] *= x[i]; break;
    case TRT_REDUCE_MAX: y[o] = fmax(y[o], x[i]); break;
    case TRT_REDUCE_MIN: y[o] = fmin(y[o], x[i]); break;
    }
  }
  if (kind == TRT_REDUCE_MEAN)
    for (int64_t o = 0; o < out_count; o++)
      y[o] /= (double)n[o];
  free(n);
}

/* Runs every kind over `axes` (nb_axes == 0: all) on random float32 data. */
static void test_float_case(const trt_dims_t *dims, const int32_t *axes, int nb_axes,
                            bool keep_dims, bool axes_as_input, int threads, uint64_t seed) {
  int rank = dims->nb_dims;
  bool reduced[TRT_MAX_DIMS];
  for (int d = 0; d < rank; d++)
    reduced[d] = nb_axes == 0;
  for (int a = 0; a < nb_axes; a++)
    reduced[axes[a] < 0 ? axes[a] + rank : axes[a]] = true;
  int64_t count = trt_dims_volume(dims), out_count = 1, expected_rank = 0;
  for (int d = 0; d < rank; d++) {
    out_count *= reduced[d] ? 1 : dims->d[d];
    expected_rank += keep_dims || !reduced[d];
  }

  for (int kind = 0; kind <= TRT_REDUCE_PROD; kind++) {
    test_rng_t rng = test_rng(seed + kind);
    bool prod = kind == TRT_REDUCE_PROD;
    float *x = test_random_floats(&rng, count, prod ? 0.9f : -3.0f, prod ? 1.1f : 3.0f);
    double *x64 = malloc((size_t)count * sizeof(double));
    for (int64_t i = 0; i < count; i++)
      x64[i] = x[i];
    double *expected64 = malloc((size_t)out_count * sizeof(double));
    float *expected = malloc((size_t)out_count * sizeof(float));
    float *y = malloc((size_t)out_count * sizeof(float));
    reference(kind, x64, dims, reduced, expected64, out_count);
    for (int64_t o = 0; o < out_count; o++)
      expected[o] = (float)expected64[o];

    trt_reduce_params_t params = {.kind = kind, .keep_dims = keep_dims};
    int64_t axes64[TRT_MAX_DIMS];
    for (int a = 0; a < nb_axes; a++)
      axes64[a] = axes[a];
    if (!axes_as_input) {
      params.nb_axes = nb_axes;
      for (int a = 0; a < nb_axes; a++)
        params.axes[a] = axes[a];
    }
    trt_network_t *network = make_reduce(dims, TRT_DATA_TYPE_FLOAT32, &params, axes64,
                                         axes_as_input ? nb_axes : -1);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
    CHECK(out.nb_dims == expected_rank && trt_dims_volume(&out) == out_count);
    CHECK_OK(test_run_layer(network, 0, (const void *[2]){x}, (void *[]){y}, threads));
    double error = test_relative_l2(y, expected, out_count);
    if (error > 1e-5)
      fprintf(stderr, "reduce %s over %d axes (first %d):\n", kind_names[kind], nb_axes,
              nb_axes ? axes[0] : 0);
    CHECK_BELOW(error, 1e-5);
    trt_network_destroy(network);
    free(x), free(x64), free(expected64), free(expected), free(y);
  }
}

static void test_float(void) {
  trt_dims_t dims = DIMS(3, 4, 5, 6);
  const int32_t one[] = {1}, last[] = {-1}, outer_inner[] = {0, 2}, negatives[] = {-3, -1};
  const int32_t trailing[] = {1, 2, 3}, first[] = {0}, unsorted[] = {3, 0, 1};
  uint64_t seed = 1;
  for (int keep = 0; keep <= 1; keep++) {
    test_float_case(&dims, one, 1, keep, false, 1, seed += 10);
    test_float_case(&dims, last, 1, keep, false, 1, seed += 10);
    test_float_case(&dims, outer_inner, 2, keep, false, 1, seed += 10);
    test_float_case(&dims, negatives, 2, keep, true, 1, seed += 10);
    test_float_case(&dims, trailing, 3, keep, true, 1, seed += 10);
    test_float_case(&dims, first, 1, keep, false, 1, seed += 10);
    test_float_case(&dims, unsorted, 3, keep, true, 1, seed += 10);
    test_float_case(&dims, NULL, 0, keep, false, 1, seed += 10); /* all axes */
  }
  /* Size-1 dims mixed in, and tensors big enough to split between threads:
   * global average pooling and a channel mean. */
  trt_dims_t ones = DIMS(1, 7, 1, 9), big = DIMS(2, 64, 55, 57);
  const int32_t spatial[] = {2, 3}, middle[] = {1, 2};
  test_float_case(&ones, middle, 2, true, false, 1, seed += 10);
  test_float_case(&big, spatial, 2, true, false, 3, seed += 10);
  test_float_case(&big, one, 1, false, true, 3, seed += 10);
  test_float_case(&big, NULL, 0, false, false, 2, seed += 10);
}

static void test_int64(void) {
  trt_dims_t dims = DIMS(2, 3, 4);
  int64_t x[24];
  double x64[24];
  for (int i = 0; i < 24; i++) {
    x[i] = (i * 7) % 11 - 5 + (i == 5 ? INT64_C(10000000000) : 0);
    x64[i] = (double)x[i];
  }
  bool reduced[3] = {false, true, false};
  for (int kind = 0; kind <= TRT_REDUCE_PROD; kind++) {
    trt_reduce_params_t params = {.kind = kind, .nb_axes = 1, .axes = {1}};
    trt_network_t *network = make_reduce(&dims, TRT_DATA_TYPE_INT64, &params, NULL, -1);
    CHECK_OK(trt_network_infer_shapes(network));
    CHECK(trt_network_tensor_type(network, trt_network_output(network, 0)) ==
          TRT_DATA_TYPE_INT64);
    int64_t y[8];
    double expected[8];
    CHECK_OK(test_run_layer(network, 0, (const void *[2]){x}, (void *[]){y}, 1));
    reference(kind, x64, &dims, reduced, expected, 8);
    for (int o = 0; o < 8; o++) {
      /* Integer mean truncates toward zero. */
      int64_t e = kind == TRT_REDUCE_MEAN ? (int64_t)trunc(expected[o]) : (int64_t)expected[o];
      if (y[o] != e)
        fprintf(stderr, "int64 %s [%d]: %lld, expected %lld\n", kind_names[kind], o,
                (long long)y[o], (long long)e);
      CHECK(y[o] == e);
    }
    trt_network_destroy(network);
  }
}

/* An empty axes input reduces everything, or nothing when
 * noop_with_empty_axes is set (then the output is the input). */
static void test_empty_axes(void) {
  trt_dims_t dims = DIMS(2, 3);
  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {0};
  for (int noop = 0; noop <= 1; noop++) {
    trt_reduce_params_t params = {.kind = TRT_REDUCE_SUM, .keep_dims = true,
                                  .noop_with_empty_axes = noop};
    trt_network_t *network = make_reduce(&dims, TRT_DATA_TYPE_FLOAT32, &params, NULL, 0);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
    CHECK(out.nb_dims == 2);
    CHECK(noop ? (out.d[0] == 2 && out.d[1] == 3) : (out.d[0] == 1 && out.d[1] == 1));
    CHECK_OK(test_run_layer(network, 0, (const void *[2]){x}, (void *[]){y}, 1));
    CHECK(noop ? memcmp(x, y, sizeof(x)) == 0 : y[0] == 21.0f);
    trt_network_destroy(network);
  }
}

static void test_errors(void) {
  trt_dims_t dims = DIMS(2, 3, 4);
  trt_reduce_params_t params = {.kind = TRT_REDUCE_MAX, .nb_axes = 2, .axes = {1, -2}};
  trt_network_t *network = make_reduce(&dims, TRT_DATA_TYPE_FLOAT32, &params, NULL, -1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis -2 is given twice"));
  trt_network_destroy(network);

  int64_t axes[] = {3};
  network = make_reduce(&dims, TRT_DATA_TYPE_FLOAT32, &params, axes, 1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis 3 is out of range for rank 3"));
  trt_network_destroy(network);

  /* Axes computed at run time are not supported. */
  network = trt_network_create();
  trt_dims_t one = DIMS(1);
  int inputs[2] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims),
                   trt_network_add_input(network, "axes", TRT_DATA_TYPE_INT64, &one)};
  int layer = trt_network_add_layer(network, TRT_LAYER_REDUCE, "reduce", inputs, 2, NULL, 1,
                                    &params);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "axes input 'axes' is not a constant"));
  trt_network_destroy(network);

  network = make_reduce(&dims, TRT_DATA_TYPE_FLOAT64, &params, NULL, -1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type float64 is not supported"));
  trt_network_destroy(network);
}

int main(void) {
  test_float();
  test_int64();
  test_empty_axes();
  test_errors();
  return test_finish("test_reduce");
}
