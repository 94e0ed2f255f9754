/* Shape (with opset 15 start/end, from dims alone), the folding of a whole
 * shape sub-graph, Cast between every supported type, ConstantOfShape and
 * Identity. */
#include <string.h>

#include "test_util.h"

static const int64_t *shape_of(trt_network_t *network, int64_t start, int64_t end,
                               trt_dims_t *out_dims) {
  int64_t d[] = {2, 3, 5, 7};
  trt_dims_t dims = trt_dims_make(4, d);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_shape_params_t params = {.start = start, .end = end};
  const char *name = "shape";
  trt_network_add_layer(network, TRT_LAYER_SHAPE, "shape", &x, 1, &name, 1, &params);
  trt_network_mark_output(network, trt_network_find_tensor(network, "shape"));
  CHECK_OK(trt_network_infer_shapes(network));
  int shape = trt_network_find_tensor(network, "shape");
  *out_dims = trt_network_tensor_dims(network, shape);
  CHECK(trt_network_tensor_type(network, shape) == TRT_DATA_TYPE_INT64);
  return trt_network_tensor_data(network, shape);
}

static void check_shape(int64_t start, int64_t end, int count, const int64_t *want) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims;
  const int64_t *values = shape_of(network, start, end, &dims);
  CHECK(dims.nb_dims == 1 && dims.d[0] == count);
  CHECK(values && (count == 0 || memcmp(values, want, count * sizeof(int64_t)) == 0));
  trt_network_destroy(network);
}

static void test_shape(void) {
  const int64_t max = INT64_MAX;
  check_shape(0, max, 4, (int64_t[]){2, 3, 5, 7});
  check_shape(1, max, 3, (int64_t[]){3, 5, 7});     /* test_shape_start_1 */
  check_shape(0, 1, 1, (int64_t[]){2});             /* test_shape_end_1 */
  check_shape(0, -1, 3, (int64_t[]){2, 3, 5});      /* test_shape_end_negative_1 */
  check_shape(-1, max, 1, (int64_t[]){7});          /* test_shape_start_negative_1 */
  check_shape(1, -1, 2, (int64_t[]){3, 5});
  check_shape(-10, 10, 4, (int64_t[]){2, 3, 5, 7}); /* test_shape_clip_* */
  check_shape(3, 1, 0, NULL);

  /* The CPU layer works from dims alone: no input data. */
  trt_network_t *network = trt_network_create();
  int64_t d[] = {4, 1, 9};
  trt_dims_t dims = trt_dims_make(3, d);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_UINT8, &dims);
  trt_shape_params_t params = {.start = 1, .end = INT64_MAX};
  trt_network_add_layer(network, TRT_LAYER_SHAPE, "shape", &x, 1, NULL, 1, &params);
  CHECK_OK(trt_layer_descriptor(TRT_LAYER_SHAPE)->infer(network, &network->layers[0]));
  int64_t out[2] = {0, 0};
  CHECK_OK(test_run_layer(network, 0, (const void *[]){NULL}, (void *[]){out}, 1));
  CHECK(out[0] == 1 && out[1] == 9);
  trt_network_destroy(network);
}

static void add_layer_named(trt_network_t *network, trt_layer_type_t type, const char *name,
                            const int *inputs, int nb_inputs, const void *params) {
  trt_network_add_layer(network, type, name, inputs, nb_inputs, &name, 1, params);
}

/* Shape -> Gather -> Unsqueeze -> Concat -> Reshape, like an exported
 * flatten: everything but the Reshape folds away. */
static void test_shape_subgraph(void) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {2, 3, 4, 5}, one[] = {1};
  trt_dims_t dims = trt_dims_make(4, d), vector1 = trt_dims_make(1, one), scalar = {0};
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_shape_params_t shape_params = {.start = 0, .end = INT64_MAX};
  add_layer_named(network, TRT_LAYER_SHAPE, "shape", &x, 1, &shape_params);
  int64_t zero = 0, minus_one = -1;
  int gather_inputs[] = {trt_network_find_tensor(network, "shape"),
                         trt_network_add_constant(network, "i0", TRT_DATA_TYPE_INT64, &scalar,
                                                  &zero)};
  trt_gather_params_t gather = {.axis = 0};
  add_layer_named(network, TRT_LAYER_GATHER, "batch", gather_inputs, 2, &gather);
  int batch = trt_network_find_tensor(network, "batch");
  trt_reshape_params_t unsqueeze = {.mode = TRT_RESHAPE_UNSQUEEZE, .nb_axes = 1, .axes = {0}};
  add_layer_named(network, TRT_LAYER_RESHAPE, "batch_1d", &batch, 1, &unsqueeze);
  int concat_inputs[] = {trt_network_find_tensor(network, "batch_1d"),
                         trt_network_add_constant(network, "rest", TRT_DATA_TYPE_INT64, &vector1,
                                                  &minus_one)};
  trt_concat_params_t concat = {.axis = 0};
  add_layer_named(network, TRT_LAYER_CONCAT, "new_shape", concat_inputs, 2, &concat);
  int reshape_inputs[] = {x, trt_network_find_tensor(network, "new_shape")};
  trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FROM_TENSOR};
  add_layer_named(network, TRT_LAYER_RESHAPE, "y", reshape_inputs, 2, &reshape);
  trt_network_mark_output(network, trt_network_find_tensor(network, "y"));
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t y = trt_network_tensor_dims(network, trt_network_find_tensor(network, "y"));
  CHECK(y.nb_dims == 2 && y.d[0] == 2 && y.d[1] == 60);
  CHECK(trt_network_num_layers(network) == 1);
  trt_network_destroy(network);
}

/* Casts `count` values given as bytes of `from` and compares the bytes. */
static void check_cast(trt_data_type_t from, const void *in, trt_data_type_t to,
                       const void *want, int64_t count) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {count};
  trt_dims_t dims = trt_dims_make(1, d);
  int x = trt_network_add_input(network, "x", from, &dims);
  trt_cast_params_t params = {.to = to};
  int layer = trt_network_add_layer(network, TRT_LAYER_CAST, "cast", &x, 1, NULL, 1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK(trt_network_tensor_type(network, trt_network_layer_output(network, 0, 0)) == to);
  uint8_t out[256];
  CHECK_OK(test_run_layer(network, 0, (const void *[]){in}, (void *[]){out}, 1));
  size_t bytes = (size_t)count * trt_data_type_size(to);
  if (memcmp(out, want, bytes) != 0) {
    fprintf(stderr, "  cast %s -> %s differs\n", trt_data_type_name(from), trt_data_type_name(to));
    CHECK(memcmp(out, want, bytes) == 0);
  }
  trt_network_destroy(network);
}

static void test_cast(void) {
  const float floats[] = {-2.7f, -0.5f, 0.0f, 1.5f, 2.9f, 300.25f};
  check_cast(TRT_DATA_TYPE_FLOAT32, floats, TRT_DATA_TYPE_INT32,
             (int32_t[]){-2, 0, 0, 1, 2, 300}, 6);
  check_cast(TRT_DATA_TYPE_FLOAT32, floats, TRT_DATA_TYPE_INT64,
             (int64_t[]){-2, 0, 0, 1, 2, 300}, 6);
  check_cast(TRT_DATA_TYPE_FLOAT32, floats, TRT_DATA_TYPE_INT8, (int8_t[]){-2, 0, 0, 1, 2, 44}, 6);
  check_cast(TRT_DATA_TYPE_FLOAT32, floats, TRT_DATA_TYPE_BOOL, (uint8_t[]){1, 1, 0, 1, 1, 1}, 6);
  check_cast(TRT_DATA_TYPE_FLOAT32, floats, TRT_DATA_TYPE_FLOAT64,
             (double[]){-2.7f, -0.5, 0, 1.5, 2.9f, 300.25}, 6);
  check_cast(TRT_DATA_TYPE_FLOAT64, (double[]){0.1, -1e300, 3.0000001}, TRT_DATA_TYPE_FLOAT32,
             (float[]){0.1f, -INFINITY, 3.0000001f}, 3);
  const int64_t big[] = {INT64_C(1) << 40, -1, 255, 256, -129};
  check_cast(TRT_DATA_TYPE_INT64, big, TRT_DATA_TYPE_INT32, (int32_t[]){0, -1, 255, 256, -129},
             5);
  check_cast(TRT_DATA_TYPE_INT64, big, TRT_DATA_TYPE_UINT8, (uint8_t[]){0, 255, 255, 0, 127}, 5);
  check_cast(TRT_DATA_TYPE_INT64, big, TRT_DATA_TYPE_FLOAT32,
             (float[]){1099511627776.0f, -1, 255, 256, -129}, 5);
  check_cast(TRT_DATA_TYPE_INT32, (int32_t[]){-5, 0, 7}, TRT_DATA_TYPE_INT64,
             (int64_t[]){-5, 0, 7}, 3);
  check_cast(TRT_DATA_TYPE_UINT8, (uint8_t[]){0, 200, 255}, TRT_DATA_TYPE_FLOAT32,
             (float[]){0, 200, 255}, 3);
  check_cast(TRT_DATA_TYPE_BOOL, (uint8_t[]){1, 0, 1}, TRT_DATA_TYPE_FLOAT32,
             (float[]){1, 0, 1}, 3);
  check_cast(TRT_DATA_TYPE_INT8, (int8_t[]){-128, 5}, TRT_DATA_TYPE_BOOL, (uint8_t[]){1, 1}, 2);
  check_cast(TRT_DATA_TYPE_INT64, big, TRT_DATA_TYPE_INT64, big, 5); /* same type: a copy */

  /* float16: rounding to nearest even, overflow, subnormals, NaN. */
  const float to_half[] = {1.0f,   -2.0f,     65504.0f, 65520.0f, 0.1f,   5.9604645e-8f,
                           1e-8f,  1.0009766f, 1.0004883f, 1.0014648f, NAN, -0.0f};
  const uint16_t half_bits[] = {0x3C00, 0xC000, 0x7BFF, 0x7C00, 0x2E66, 0x0001,
                                0x0000, 0x3C01, 0x3C00,     0x3C02,     0x7E00, 0x8000};
  check_cast(TRT_DATA_TYPE_FLOAT32, to_half, TRT_DATA_TYPE_FLOAT16, half_bits, 12);
  const uint16_t from_half[] = {0x3555, 0x7BFF, 0x0001, 0xFC00, 0x0400};
  check_cast(TRT_DATA_TYPE_FLOAT16, from_half, TRT_DATA_TYPE_FLOAT32,
             (float[]){0.333251953125f, 65504.0f, 5.9604645e-8f, -INFINITY, 6.1035156e-5f}, 5);
  check_cast(TRT_DATA_TYPE_FLOAT16, from_half, TRT_DATA_TYPE_FLOAT64,
             (double[]){0.333251953125, 65504.0, 0x1p-24, -INFINITY, 0x1p-14}, 5);
  /* Double to half rounds once: 1 + 2^-11 + 2^-40 rounds up, via float it would tie down. */
  check_cast(TRT_DATA_TYPE_FLOAT64, (double[]){1.0 + 0x1p-11 + 0x1p-40}, TRT_DATA_TYPE_FLOAT16,
             (uint16_t[]){0x3C01}, 1);
}

static void test_constant_of_shape(void) {
  struct {
    int count;
    int64_t shape[3];
    trt_data_type_t type;
    double value;
  } cases[] = {{2, {4, 3}, TRT_DATA_TYPE_FLOAT32, 1.0},  /* test_constantofshape_float_ones */
               {3, {2, 3, 4}, TRT_DATA_TYPE_INT32, 0.0}, /* ..._int_zeros */
               {1, {0}, TRT_DATA_TYPE_INT32, 0.0},       /* ..._int_shape_zero */
               {2, {2, 2}, TRT_DATA_TYPE_INT64, -7.0},
               {0, {0}, TRT_DATA_TYPE_FLOAT64, 2.5}};   /* empty shape: a scalar */
  for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
    trt_network_t *network = trt_network_create();
    int64_t count[] = {cases[c].count};
    trt_dims_t vector = trt_dims_make(1, count);
    int shape = trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64, &vector,
                                         cases[c].shape);
    trt_constant_of_shape_params_t params = {.type = cases[c].type, .value = cases[c].value};
    add_layer_named(network, TRT_LAYER_CONSTANT_OF_SHAPE, "filled", &shape, 1, &params);
    int filled = trt_network_find_tensor(network, "filled");
    trt_network_mark_output(network, filled);
    CHECK_OK(trt_network_infer_shapes(network));
    filled = trt_network_find_tensor(network, "filled");
    trt_dims_t dims = trt_network_tensor_dims(network, filled);
    trt_dims_t want = trt_dims_make(cases[c].count, cases[c].shape);
    CHECK(trt_dims_equal(&dims, &want));
    CHECK(trt_network_tensor_type(network, filled) == cases[c].type);
    const void *data = trt_network_tensor_data(network, filled);
    int64_t volume = trt_dims_volume(&dims), bad = 0;
    for (int64_t i = 0; data && i < volume; i++) {
      double v = cases[c].type == TRT_DATA_TYPE_FLOAT32 ? ((const float *)data)[i]
                 : cases[c].type == TRT_DATA_TYPE_INT32 ? ((const int32_t *)data)[i]
                 : cases[c].type == TRT_DATA_TYPE_INT64 ? (double)((const int64_t *)data)[i]
                                                        : ((const double *)data)[i];
      bad += v != cases[c].value;
    }
    CHECK(data && bad == 0);
    trt_network_destroy(network);
  }
  /* Errors: a negative dim, a shape that is not constant. */
  trt_network_t *network = trt_network_create();
  int64_t two[] = {2}, negative[] = {3, -1};
  trt_dims_t vector = trt_dims_make(1, two);
  int shape = trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64, &vector, negative);
  trt_constant_of_shape_params_t params = {.type = TRT_DATA_TYPE_FLOAT32};
  add_layer_named(network, TRT_LAYER_CONSTANT_OF_SHAPE, "filled", &shape, 1, &params);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "dim 1 of 'shape' is negative") != NULL);
  trt_network_destroy(network);
  network = trt_network_create();
  shape = trt_network_add_input(network, "runtime_shape", TRT_DATA_TYPE_INT64, &vector);
  add_layer_named(network, TRT_LAYER_CONSTANT_OF_SHAPE, "filled", &shape, 1, &params);
  trt_network_mark_output(network, trt_network_find_tensor(network, "filled"));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'runtime_shape' is not constant") != NULL);
  trt_network_destroy(network);
}

static void test_identity(void) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {3, 1, 2};
  trt_dims_t dims = trt_dims_make(3, d);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_INT64, &dims);
  int layer = trt_network_add_layer(network, TRT_LAYER_IDENTITY, "id", &x, 1, NULL, 1, NULL);
  int y = trt_network_layer_output(network, layer, 0);
  trt_network_mark_output(network, y);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, y);
  CHECK(trt_dims_equal(&out, &dims));
  CHECK(trt_network_tensor_type(network, y) == TRT_DATA_TYPE_INT64);
  int64_t in[] = {1, -2, INT64_MAX, 4, 5, INT64_MIN}, result[6];
  CHECK_OK(test_run_layer(network, 0, (const void *[]){in}, (void *[]){result}, 1));
  CHECK(memcmp(in, result, sizeof(in)) == 0);
  trt_network_destroy(network);
}

int main(void) {
  test_shape();
  test_shape_subgraph();
  test_cast();
  test_constant_of_shape();
  test_identity();
  return test_finish("test_shape_ops");
}
