/* Compare, Logic and Where: every kind on odd broadcast shapes against a
 * naive reference (exact: outputs are bools or copied values), integer
 * comparisons beyond float precision, NaN, and shape/type errors. */
#include <string.h>

#include "test_util.h"

/* Flat index into a tensor of `dims` broadcast to `out` (right-aligned). */
static int64_t naive_offset(const trt_dims_t *dims, const trt_dims_t *out, int64_t index) {
  int64_t offset = 0, stride = 1;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    int64_t coordinate = index % out->d[i];
    index /= out->d[i];
    int j = i - (out->nb_dims - dims->nb_dims);
    if (j >= 0) {
      if (dims->d[j] != 1)
        offset += coordinate * stride;
      stride *= dims->d[j];
    }
  }
  return offset;
}

/* A network of one layer over inputs "a", "b" (and "c"), shapes inferred. */
static trt_network_t *one_layer(trt_layer_type_t type, const void *params, int nb_inputs,
                                const trt_data_type_t *types, const trt_dims_t *dims) {
  trt_network_t *network = trt_network_create();
  static const char *const names[] = {"a", "b", "c"};
  int inputs[3];
  for (int i = 0; i < nb_inputs; i++)
    inputs[i] = trt_network_add_input(network, names[i], types[i], &dims[i]);
  int layer = trt_network_add_layer(network, type, "layer", inputs, nb_inputs, NULL, 1, params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  return network;
}

static void check_compare_float(trt_compare_kind_t kind, trt_dims_t a_dims, trt_dims_t b_dims) {
  trt_compare_params_t params = {kind};
  trt_dims_t dims[2] = {a_dims, b_dims};
  trt_data_type_t types[2] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_FLOAT32};
  trt_network_t *network = one_layer(TRT_LAYER_COMPARE, &params, 2, types, dims);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
  CHECK(trt_network_tensor_type(network, trt_network_output(network, 0)) == TRT_DATA_TYPE_BOOL);
  test_rng_t rng = test_rng(11);
  int64_t na = trt_dims_volume(&a_dims), nb = trt_dims_volume(&b_dims), n = trt_dims_volume(&out);
  float *a = malloc(na * sizeof(float)), *b = malloc(nb * sizeof(float));
  /* Small integers make ties frequent. */
  for (int64_t i = 0; i < na; i++)
    a[i] = floorf(test_uniform(&rng, -3, 3));
  for (int64_t i = 0; i < nb; i++)
    b[i] = floorf(test_uniform(&rng, -3, 3));
  a[0] = NAN;
  uint8_t *y = malloc(n);
  CHECK_OK(test_run_layer(network, 0, (const void *[]){a, b}, (void *[]){y}, 3));
  int64_t bad = 0;
  for (int64_t i = 0; i < n; i++) {
    float x = a[naive_offset(&a_dims, &out, i)], z = b[naive_offset(&b_dims, &out, i)];
    bool expected = kind == TRT_COMPARE_EQUAL              ? x == z
                    : kind == TRT_COMPARE_LESS             ? x < z
                    : kind == TRT_COMPARE_LESS_OR_EQUAL    ? x <= z
                    : kind == TRT_COMPARE_GREATER          ? x > z
                                                           : x >= z;
    bad += y[i] != expected;
  }
  CHECK(bad == 0);
  free(a);
  free(b);
  free(y);
  trt_network_destroy(network);
}

static void test_compare(void) {
  int64_t d357[] = {3, 5, 7}, d17[] = {1, 7}, d31[] = {3, 1, 1}, d5[] = {5, 1};
  for (int kind = 0; kind < TRT_COMPARE_COUNT; kind++) {
    check_compare_float(kind, trt_dims_make(3, d357), trt_dims_make(3, d357));
    check_compare_float(kind, trt_dims_make(3, d357), trt_dims_make(2, d17));
    check_compare_float(kind, trt_dims_make(3, d31), trt_dims_make(2, d5));
    check_compare_float(kind, trt_dims_make(0, NULL), trt_dims_make(3, d357));
  }

  /* int64 values that float would round together compare exactly. */
  int64_t two[] = {2};
  trt_dims_t dims[2] = {trt_dims_make(1, two), trt_dims_make(1, two)};
  trt_data_type_t types[2] = {TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_INT64};
  trt_compare_params_t less = {TRT_COMPARE_LESS};
  trt_network_t *network = one_layer(TRT_LAYER_COMPARE, &less, 2, types, dims);
  CHECK_OK(trt_network_infer_shapes(network));
  int64_t a[] = {(int64_t)1 << 60, -5}, b[] = {((int64_t)1 << 60) + 1, -5};
  uint8_t y[2];
  CHECK_OK(test_run_layer(network, 0, (const void *[]){a, b}, (void *[]){y}, 1));
  CHECK(y[0] == 1 && y[1] == 0);
  trt_network_destroy(network);

  /* Mismatched types and shapes are shape errors; float16 is unsupported. */
  types[1] = TRT_DATA_TYPE_INT32;
  network = one_layer(TRT_LAYER_COMPARE, &less, 2, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
  int64_t three[] = {3};
  dims[1] = trt_dims_make(1, three);
  types[1] = TRT_DATA_TYPE_INT64;
  network = one_layer(TRT_LAYER_COMPARE, &less, 2, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
  types[0] = types[1] = TRT_DATA_TYPE_FLOAT16;
  dims[1] = dims[0];
  network = one_layer(TRT_LAYER_COMPARE, &less, 2, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  trt_network_destroy(network);
}

static void test_logic(void) {
  int64_t d235[] = {2, 3, 5}, d31[] = {3, 1};
  trt_dims_t dims[2] = {trt_dims_make(3, d235), trt_dims_make(2, d31)};
  trt_data_type_t types[2] = {TRT_DATA_TYPE_BOOL, TRT_DATA_TYPE_BOOL};
  uint8_t a[30], b[3], y[30];
  for (int i = 0; i < 30; i++)
    a[i] = (uint8_t)((i * 7 % 5) < 2 ? 0 : 1 + i % 3); /* any nonzero byte is true */
  b[0] = 0, b[1] = 1, b[2] = 2;
  for (int kind = 0; kind < TRT_LOGIC_COUNT; kind++) {
    trt_logic_params_t params = {kind};
    int nb_inputs = kind == TRT_LOGIC_NOT ? 1 : 2;
    trt_network_t *network = one_layer(TRT_LAYER_LOGIC, &params, nb_inputs, types, dims);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
    CHECK(trt_dims_equal(&out, &dims[0]));
    CHECK_OK(test_run_layer(network, 0, (const void *[]){a, b}, (void *[]){y}, 2));
    int bad = 0;
    for (int64_t i = 0; i < 30; i++) {
      bool x = a[i] != 0, z = b[naive_offset(&dims[1], &out, i)] != 0;
      bool expected = kind == TRT_LOGIC_AND ? x && z
                      : kind == TRT_LOGIC_OR ? x || z
                      : kind == TRT_LOGIC_XOR ? x != z
                                              : !x;
      bad += y[i] != expected;
    }
    CHECK(bad == 0);
    trt_network_destroy(network);
  }
  /* Non-bool input: shape error. */
  trt_logic_params_t and_params = {TRT_LOGIC_AND};
  types[1] = TRT_DATA_TYPE_FLOAT32;
  trt_network_t *network = one_layer(TRT_LAYER_LOGIC, &and_params, 2, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
}

static void test_where(void) {
  /* condition [4,1,3], x [5,1], y [1]: three-way broadcast to [4,5,3]. */
  int64_t dc[] = {4, 1, 3}, dx[] = {5, 1}, dy[] = {1};
  trt_dims_t dims[3] = {trt_dims_make(3, dc), trt_dims_make(2, dx), trt_dims_make(1, dy)};
  trt_data_type_t types[3] = {TRT_DATA_TYPE_BOOL, TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_INT64};
  trt_network_t *network = one_layer(TRT_LAYER_WHERE, NULL, 3, types, dims);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_output(network, 0));
  int64_t d453[] = {4, 5, 3};
  trt_dims_t want = trt_dims_make(3, d453);
  CHECK(trt_dims_equal(&out, &want));
  CHECK(trt_network_tensor_type(network, trt_network_output(network, 0)) == TRT_DATA_TYPE_INT64);
  uint8_t condition[12];
  int64_t x[5], y[1] = {-1}, result[60];
  for (int i = 0; i < 12; i++)
    condition[i] = (uint8_t)(i % 3 != 1);
  for (int i = 0; i < 5; i++)
    x[i] = 100 + i;
  CHECK_OK(test_run_layer(network, 0, (const void *[]){condition, x, y}, (void *[]){result}, 2));
  int bad = 0;
  for (int64_t i = 0; i < 60; i++) {
    bool take_x = condition[naive_offset(&dims[0], &out, i)] != 0;
    int64_t expected = take_x ? x[naive_offset(&dims[1], &out, i)] : y[0];
    bad += result[i] != expected;
  }
  CHECK(bad == 0);
  trt_network_destroy(network);

  /* x and y of different types; a float condition. */
  types[2] = TRT_DATA_TYPE_FLOAT32;
  network = one_layer(TRT_LAYER_WHERE, NULL, 3, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
  types[0] = TRT_DATA_TYPE_FLOAT32;
  types[2] = TRT_DATA_TYPE_INT64;
  network = one_layer(TRT_LAYER_WHERE, NULL, 3, types, dims);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
}

int main(void) {
  test_compare();
  test_logic();
  test_where();
  return test_finish("logic");
}
