/* Reshape (from tensor, flatten, squeeze, unsqueeze) and Transpose: shapes,
 * data, dtype independence and shape errors. */
#include <string.h>

#include "test_util.h"

static trt_dims_t dims_of(int nb_dims, const int64_t *d) { return trt_dims_make(nb_dims, d); }

static bool dims_are(trt_dims_t dims, int nb_dims, const int64_t *expected) {
  trt_dims_t want = trt_dims_make(nb_dims, expected);
  return trt_dims_equal(&dims, &want);
}

static int add_int64_constant(trt_network_t *network, const char *name, int count,
                              const int64_t *values) {
  int64_t d[] = {count};
  trt_dims_t dims = trt_dims_make(1, d);
  return trt_network_add_constant(network, name, TRT_DATA_TYPE_INT64, &dims, values);
}

/* Input x (float32, `dims`) -> Reshape(params, optional constant operand);
 * infers shapes and returns the status, the network in *out. */
static trt_status_t build_reshape(trt_dims_t dims, const trt_reshape_params_t *params,
                                  const int64_t *operand, int nb_operand, trt_network_t **out) {
  trt_network_t *network = trt_network_create();
  int inputs[2];
  inputs[0] = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  int nb_inputs = 1;
  if (operand)
    inputs[nb_inputs++] = add_int64_constant(network, "operand", nb_operand, operand);
  const char *name = "y";
  int layer = trt_network_add_layer(network, TRT_LAYER_RESHAPE, "reshape", inputs, nb_inputs,
                                    &name, 1, params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  *out = network;
  return trt_network_infer_shapes(network);
}

static trt_dims_t reshaped(trt_dims_t dims, trt_reshape_params_t params, const int64_t *operand,
                           int nb_operand) {
  trt_network_t *network;
  trt_dims_t result = {.nb_dims = -1};
  if (build_reshape(dims, &params, operand, nb_operand, &network) == TRT_STATUS_OK)
    result = trt_network_tensor_dims(network, trt_network_find_tensor(network, "y"));
  else
    fprintf(stderr, "  (reshape failed: %s)\n", trt_last_error());
  trt_network_destroy(network);
  return result;
}

/* Expects shape inference to fail with `message` in the error. */
static void check_reshape_error(trt_dims_t dims, trt_reshape_params_t params,
                                const int64_t *operand, int nb_operand, const char *message) {
  trt_network_t *network;
  trt_status_t status = build_reshape(dims, &params, operand, nb_operand, &network);
  CHECK(status == TRT_STATUS_SHAPE_ERROR || status == TRT_STATUS_UNSUPPORTED);
  if (!strstr(trt_last_error(), message)) {
    fprintf(stderr, "  error '%s' does not mention '%s'\n", trt_last_error(), message);
    CHECK(strstr(trt_last_error(), message) != NULL);
  }
  trt_network_destroy(network);
}

static void test_reshape_from_tensor(void) {
  int64_t d234[] = {2, 3, 4};
  trt_dims_t x = dims_of(3, d234);
  trt_reshape_params_t params = {.mode = TRT_RESHAPE_FROM_TENSOR};
  int64_t copy_and_infer[] = {0, -1}, want1[] = {2, 12};
  CHECK(dims_are(reshaped(x, params, copy_and_infer, 2), 2, want1));
  int64_t middle_zero[] = {4, 0, 2}, want2[] = {4, 3, 2};
  CHECK(dims_are(reshaped(x, params, middle_zero, 3), 3, want2));
  int64_t extend[] = {1, 2, 1, 3, 4, 1}, want3[] = {1, 2, 1, 3, 4, 1};
  CHECK(dims_are(reshaped(x, params, extend, 6), 6, want3));
  int64_t all[] = {-1}, want4[] = {24};
  CHECK(dims_are(reshaped(x, params, all, 1), 1, want4));
  /* allowzero: 0 is a real zero-sized dim. */
  int64_t d034[] = {0, 3, 4};
  trt_reshape_params_t allow = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
  int64_t zero_shape[] = {3, 4, 0}, want5[] = {3, 4, 0};
  CHECK(dims_are(reshaped(dims_of(3, d034), allow, zero_shape, 3), 3, want5));

  int64_t two_inferred[] = {-1, -1};
  check_reshape_error(x, params, two_inferred, 2, "more than one -1");
  int64_t wrong_volume[] = {5, 5};
  check_reshape_error(x, params, wrong_volume, 2, "cannot reshape 2x3x4");
  int64_t not_divisible[] = {5, -1};
  check_reshape_error(x, params, not_divisible, 2, "cannot reshape");
  int64_t zero_past_rank[] = {1, 1, 1, 0};
  check_reshape_error(x, params, zero_past_rank, 4, "input has rank 3");
  int64_t zero_and_infer[] = {0, -1};
  check_reshape_error(dims_of(3, d034), allow, zero_and_infer, 2, "both -1 and 0");
  check_reshape_error(x, params, NULL, 0, "needs a shape input");

  /* A shape that is a network input is not a constant. */
  trt_network_t *network = trt_network_create();
  int64_t two[] = {2};
  trt_dims_t shape_dims = dims_of(1, two);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x),
                  trt_network_add_input(network, "runtime_shape", TRT_DATA_TYPE_INT64,
                                        &shape_dims)};
  int layer = trt_network_add_layer(network, TRT_LAYER_RESHAPE, "reshape", inputs, 2, NULL, 1,
                                    &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'runtime_shape' is not constant") != NULL);
  trt_network_destroy(network);

  /* The data is copied unchanged. */
  CHECK(build_reshape(x, &params, copy_and_infer, 2, &network) == TRT_STATUS_OK);
  float in[24], out[24];
  for (int i = 0; i < 24; i++)
    in[i] = (float)i * 0.5f - 3;
  const void *run_in[] = {in, NULL};
  void *run_out[] = {out};
  CHECK_OK(test_run_layer(network, 0, run_in, run_out, 1));
  CHECK(memcmp(in, out, sizeof(in)) == 0);
  trt_network_destroy(network);
}

static void test_flatten(void) {
  int64_t d[] = {2, 3, 4, 5};
  trt_dims_t x = dims_of(4, d);
  struct { int axis; int64_t a, b; } cases[] = {
      {0, 1, 120}, {1, 2, 60}, {2, 6, 20}, {3, 24, 5}, {4, 120, 1}, {-1, 24, 5}, {-4, 1, 120}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    trt_reshape_params_t params = {.mode = TRT_RESHAPE_FLATTEN, .axis = cases[i].axis};
    int64_t want[] = {cases[i].a, cases[i].b};
    CHECK(dims_are(reshaped(x, params, NULL, 0), 2, want));
  }
  trt_reshape_params_t bad = {.mode = TRT_RESHAPE_FLATTEN, .axis = 5};
  check_reshape_error(x, bad, NULL, 0, "Flatten axis 5 is out of range");
  bad.axis = -5;
  check_reshape_error(x, bad, NULL, 0, "out of range");
}

static void test_squeeze_unsqueeze(void) {
  int64_t d[] = {1, 3, 1, 5};
  trt_dims_t x = dims_of(4, d);
  trt_reshape_params_t squeeze = {.mode = TRT_RESHAPE_SQUEEZE};
  int64_t all_ones[] = {3, 5};
  CHECK(dims_are(reshaped(x, squeeze, NULL, 0), 2, all_ones));
  squeeze.nb_axes = 1;
  squeeze.axes[0] = -2;
  int64_t without_2[] = {1, 3, 5};
  CHECK(dims_are(reshaped(x, squeeze, NULL, 0), 3, without_2));
  trt_reshape_params_t from_input = {.mode = TRT_RESHAPE_SQUEEZE};
  int64_t axes0[] = {0}, without_0[] = {3, 1, 5};
  CHECK(dims_are(reshaped(x, from_input, axes0, 1), 3, without_0));
  int64_t axes1[] = {1};
  check_reshape_error(x, from_input, axes1, 1, "cannot squeeze axis 1 of size 3");
  int64_t axes9[] = {9};
  check_reshape_error(x, from_input, axes9, 1, "Squeeze axis 9 is out of range");

  int64_t d34[] = {3, 4};
  trt_dims_t y = dims_of(2, d34);
  trt_reshape_params_t unsqueeze = {.mode = TRT_RESHAPE_UNSQUEEZE, .nb_axes = 2, .axes = {0, 3}};
  int64_t want1[] = {1, 3, 4, 1};
  CHECK(dims_are(reshaped(y, unsqueeze, NULL, 0), 4, want1));
  trt_reshape_params_t unsqueeze_input = {.mode = TRT_RESHAPE_UNSQUEEZE};
  int64_t negative[] = {-1}, want2[] = {3, 4, 1};
  CHECK(dims_are(reshaped(y, unsqueeze_input, negative, 1), 3, want2));
  int64_t unsorted[] = {4, 0, 2}, want3[] = {1, 3, 1, 4, 1};
  CHECK(dims_are(reshaped(y, unsqueeze_input, unsorted, 3), 5, want3));
  int64_t repeated[] = {1, 1};
  check_reshape_error(y, unsqueeze_input, repeated, 2, "repeated");
  int64_t too_far[] = {3};
  check_reshape_error(y, unsqueeze_input, too_far, 1, "out of range for rank 3");
  check_reshape_error(y, unsqueeze_input, NULL, 0, "needs axes");
  /* A scalar becomes a 1-element vector. */
  trt_dims_t scalar = {.nb_dims = 0};
  int64_t zero[] = {0}, one[] = {1};
  CHECK(dims_are(reshaped(scalar, unsqueeze_input, zero, 1), 1, one));
}

/* Naive transpose: output index -> input index, element by element. */
static void reference_transpose(const uint8_t *in, uint8_t *out, const trt_dims_t *dims,
                                const int *perm, size_t element_size) {
  int rank = dims->nb_dims;
  int64_t in_strides[TRT_MAX_DIMS], out_dims[TRT_MAX_DIMS], stride = 1;
  for (int d = rank - 1; d >= 0; d--) {
    in_strides[d] = stride;
    stride *= dims->d[d];
  }
  for (int d = 0; d < rank; d++)
    out_dims[d] = dims->d[perm[d]];
  for (int64_t i = 0; i < stride; i++) {
    int64_t rest = i, offset = 0;
    for (int d = rank - 1; d >= 0; d--) {
      offset += (rest % out_dims[d]) * in_strides[perm[d]];
      rest /= out_dims[d];
    }
    memcpy(out + i * element_size, in + offset * element_size, element_size);
  }
}

static void check_transpose(trt_data_type_t type, int rank, const int64_t *d, const int *perm,
                            int threads) {
  trt_dims_t dims = dims_of(rank, d);
  trt_network_t *network = trt_network_create();
  int x = trt_network_add_input(network, "x", type, &dims);
  trt_transpose_params_t params = {.nb_perm = perm ? rank : 0};
  int actual_perm[TRT_MAX_DIMS];
  for (int i = 0; i < rank; i++) {
    actual_perm[i] = perm ? perm[i] : rank - 1 - i;
    params.perm[i] = actual_perm[i];
  }
  int layer = trt_network_add_layer(network, TRT_LAYER_TRANSPOSE, "t", &x, 1, NULL, 1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out_dims = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  for (int i = 0; i < rank; i++)
    CHECK(out_dims.d[i] == d[actual_perm[i]]);
  CHECK(trt_network_tensor_type(network, trt_network_layer_output(network, 0, 0)) == type);
  size_t size = trt_data_type_size(type);
  int64_t volume = trt_dims_volume(&dims);
  uint8_t *in = malloc(volume * size), *out = malloc(volume * size), *want = malloc(volume * size);
  for (int64_t i = 0; i < volume * (int64_t)size; i++)
    in[i] = (uint8_t)(i * 7 + 3);
  reference_transpose(in, want, &dims, actual_perm, size);
  const void *run_in[] = {in};
  void *run_out[] = {out};
  CHECK_OK(test_run_layer(network, 0, run_in, run_out, threads));
  CHECK(memcmp(out, want, volume * size) == 0);
  free(in);
  free(out);
  free(want);
  trt_network_destroy(network);
}

static void test_transpose(void) {
  int64_t d4[] = {2, 3, 5, 7};
  int perm[4] = {0, 1, 2, 3};
  /* Every permutation of a 4-D odd shape (Heap's algorithm order is not
   * needed: enumerate with nested loops). */
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      for (int c = 0; c < 4; c++) {
        int e = 6 - a - b - c;
        if (a == b || a == c || b == c || e < 0 || e > 3 || e == a || e == b || e == c)
          continue;
        perm[0] = a, perm[1] = b, perm[2] = c, perm[3] = e;
        check_transpose(TRT_DATA_TYPE_FLOAT32, 4, d4, perm, (a + b) % 2 ? 3 : 1);
      }
  check_transpose(TRT_DATA_TYPE_FLOAT32, 4, d4, NULL, 2); /* default: reversed */
  int64_t d3[] = {3, 1, 4};
  int perm3[] = {2, 0, 1};
  check_transpose(TRT_DATA_TYPE_INT64, 3, d3, perm3, 1);
  check_transpose(TRT_DATA_TYPE_UINT8, 3, d3, perm3, 2);
  check_transpose(TRT_DATA_TYPE_FLOAT16, 3, d3, perm3, 1);
  int64_t d5[] = {2, 1, 3, 2, 5};
  int perm5[] = {3, 4, 0, 2, 1};
  check_transpose(TRT_DATA_TYPE_INT32, 5, d5, perm5, 2);
  int64_t d1[] = {1, 1};
  int perm11[] = {1, 0};
  check_transpose(TRT_DATA_TYPE_FLOAT64, 2, d1, perm11, 1);
  int64_t d_big[] = {1, 64, 33, 35};
  int nhwc[] = {0, 2, 3, 1};
  check_transpose(TRT_DATA_TYPE_FLOAT32, 4, d_big, nhwc, 4);

  /* Errors: wrong count, not a permutation. */
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = dims_of(4, d4);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_transpose_params_t wrong = {.nb_perm = 3, .perm = {0, 1, 2}};
  int layer = trt_network_add_layer(network, TRT_LAYER_TRANSPOSE, "t", &x, 1, NULL, 1, &wrong);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "perm has 3 values") != NULL);
  trt_transpose_params_t *params = network->layers[0].params;
  *params = (trt_transpose_params_t){.nb_perm = 4, .perm = {0, 1, 1, 3}};
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "not a permutation") != NULL);
  trt_network_destroy(network);
}

int main(void) {
  test_reshape_from_tensor();
  test_flatten();
  test_squeeze_unsqueeze();
  test_transpose();
  return test_finish("test_shuffle");
}
