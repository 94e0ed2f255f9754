/* Softmax and log-softmax in both ONNX modes (opset >= 13: along one axis;
 * opset < 13: over the flattened trailing block) against a naive double
 * reference, large inputs (stability), and shape errors.
 * Tolerance: relative L2 <= 1e-5 (an exponential and a reduction per
 * element). */
#include <string.h>

#include "test_util.h"

#define DIMS(...) trt_dims_make(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), \
                                (int64_t[]){__VA_ARGS__})

static trt_network_t *make_softmax(const trt_dims_t *dims, trt_data_type_t type, int axis,
                                   bool log_softmax, bool coerce_2d) {
  trt_network_t *network = trt_network_create();
  int x = trt_network_add_input(network, "x", type, dims);
  trt_softmax_params_t params = {.axis = axis, .log = log_softmax, .coerce_2d = coerce_2d};
  int layer = trt_network_add_layer(network, TRT_LAYER_SOFTMAX, "softmax", &x, 1, NULL, 1,
                                    &params);
  CHECK(layer == 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  return network;
}

static void reference(const float *x, float *y, const trt_dims_t *dims, int axis,
                      bool log_softmax, bool coerce_2d) {
  int rank = dims->nb_dims;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, n = 1, inner = 1;
  for (int i = 0; i < rank; i++) {
    if (i < axis)
      outer *= dims->d[i];
    else if (i == axis || coerce_2d)
      n *= dims->d[i];
    else
      inner *= dims->d[i];
  }
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < inner; j++) {
      const float *xs = x + o * n * inner + j;
      float *ys = y + o * n * inner + j;
      double max = -INFINITY, sum = 0;
      for (int64_t k = 0; k < n; k++)
        max = fmax(max, xs[k * inner]);
      for (int64_t k = 0; k < n; k++)
        sum += exp(xs[k * inner] - max);
      for (int64_t k = 0; k < n; k++)
        ys[k * inner] = (float)(log_softmax ? xs[k * inner] - max - log(sum)
                                    : exp(xs[k * inner] - max) / sum);
    }
}

static void test_case(const trt_dims_t *dims, int axis, bool log_softmax, bool coerce_2d,
                      float range, int threads, uint64_t seed) {
  int64_t count = trt_dims_volume(dims);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -range, range);
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  reference(x, expected, dims, axis, log_softmax, coerce_2d);
  trt_network_t *network = make_softmax(dims, TRT_DATA_TYPE_FLOAT32, axis, log_softmax, coerce_2d);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x}, (void *[]){y}, threads));
  double error = test_relative_l2(y, expected, count);
  if (error > 1e-5)
    fprintf(stderr, "axis %d log %d coerce_2d %d:\n", axis, log_softmax, coerce_2d);
  CHECK_BELOW(error, 1e-5);
  trt_network_destroy(network);
  free(x), free(y), free(expected);
}

static void test_in_place(void) {
  /* The runtime may give a layer the same buffer for input and output. */
  trt_dims_t dims = DIMS(3, 70, 5);
  int64_t count = trt_dims_volume(&dims);
  for (int log_softmax = 0; log_softmax <= 1; log_softmax++)
    for (int axis = 1; axis <= 2; axis++) {
      test_rng_t rng = test_rng(40 + axis);
      float *x = test_random_floats(&rng, count, -4, 4);
      float *expected = malloc((size_t)count * sizeof(float));
      reference(x, expected, &dims, axis, log_softmax, false);
      trt_network_t *network = make_softmax(&dims, TRT_DATA_TYPE_FLOAT32, axis, log_softmax, false);
      CHECK_OK(trt_network_infer_shapes(network));
      CHECK_OK(test_run_layer(network, 0, (const void *[]){x}, (void *[]){x}, 1));
      CHECK_BELOW(test_relative_l2(x, expected, count), 1e-5);
      trt_network_destroy(network);
      free(x), free(expected);
    }
}

static void test_errors(void) {
  trt_dims_t dims = DIMS(2, 3, 4);
  trt_network_t *network = make_softmax(&dims, TRT_DATA_TYPE_FLOAT32, 3, false, false);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis 3 is out of range for rank 3"));
  trt_network_destroy(network);
  network = make_softmax(&dims, TRT_DATA_TYPE_FLOAT32, -4, true, true);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis -4 is out of range for rank 3"));
  trt_network_destroy(network);
  network = make_softmax(&dims, TRT_DATA_TYPE_INT32, 1, false, false);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type int32 is not supported"));
  trt_network_destroy(network);
}

int main(void) {
  trt_dims_t small = DIMS(3, 4, 5);
  uint64_t seed = 1;
  for (int log_softmax = 0; log_softmax <= 1; log_softmax++)
    for (int coerce = 0; coerce <= 1; coerce++)
      for (int axis = -3; axis <= 2; axis++)
        test_case(&small, axis, log_softmax, coerce, 3.0f, 1, seed++);
  /* opset < 13 allows axis == rank: every block is one element. */
  test_case(&small, 3, false, true, 3.0f, 1, seed++);
  /* Stability: large values would overflow exp without the max shift. */
  test_case(&small, -1, false, false, 1000.0f, 1, seed++);
  test_case(&small, 1, true, false, 1000.0f, 1, seed++);
  /* Segmentation-style channel softmax (strided columns) and long rows,
   * split between threads. */
  trt_dims_t channels = DIMS(2, 19, 67, 71), rows = DIMS(37, 4099);
  test_case(&channels, 1, false, false, 5.0f, 3, seed++);
  test_case(&channels, 1, true, false, 5.0f, 3, seed++);
  test_case(&channels, 1, false, true, 5.0f, 2, seed++);
  test_case(&rows, 1, true, false, 5.0f, 3, seed++);
  test_case(&rows, -1, false, false, 5.0f, 2, seed++);
  test_in_place();
  test_errors();
  return test_finish("test_softmax");
}
