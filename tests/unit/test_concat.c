/* Concat and Split: shapes, data on odd shapes and several dtypes, errors. */
#include <string.h>

#include "test_util.h"

static void fill_pattern(void *data, size_t bytes, int seed) {
  for (size_t i = 0; i < bytes; i++)
    ((uint8_t *)data)[i] = (uint8_t)(i * 13 + seed * 101 + 1);
}

/* Concatenates inputs of `dims[i]` along `axis` and compares with a
 * reference built from the definition: output index -> (input, index). */
static void check_concat(trt_data_type_t type, int nb_inputs, const trt_dims_t *dims, int axis) {
  trt_network_t *network = trt_network_create();
  int inputs[8];
  for (int i = 0; i < nb_inputs; i++) {
    char name[16];
    snprintf(name, sizeof(name), "x%d", i);
    inputs[i] = trt_network_add_input(network, name, type, &dims[i]);
  }
  trt_concat_params_t params = {.axis = axis};
  int layer =
      trt_network_add_layer(network, TRT_LAYER_CONCAT, "concat", inputs, nb_inputs, NULL, 1,
                            &params);
  int y = trt_network_layer_output(network, layer, 0);
  trt_network_mark_output(network, y);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, y);
  int rank = dims[0].nb_dims;
  int a = axis < 0 ? axis + rank : axis;
  int64_t total = 0;
  for (int i = 0; i < nb_inputs; i++)
    total += dims[i].d[a];
  CHECK(out.nb_dims == rank && out.d[a] == total);
  CHECK(trt_network_tensor_type(network, y) == type);

  size_t size = trt_data_type_size(type);
  void *data[8];
  for (int i = 0; i < nb_inputs; i++) {
    size_t bytes = (size_t)trt_dims_volume(&dims[i]) * size;
    data[i] = malloc(bytes ? bytes : 1);
    fill_pattern(data[i], bytes, i);
  }
  int64_t volume = trt_dims_volume(&out);
  uint8_t *got = malloc(volume * size + 1), *want = malloc(volume * size + 1);
  int64_t inner = 1, outer = 1;
  for (int d = a + 1; d < rank; d++)
    inner *= out.d[d];
  for (int d = 0; d < a; d++)
    outer *= out.d[d];
  for (int64_t i = 0; i < volume; i++) {
    int64_t o = i / (total * inner), k = (i / inner) % total, r = i % inner;
    int which = 0;
    while (k >= dims[which].d[a])
      k -= dims[which++].d[a];
    int64_t source = (o * dims[which].d[a] + k) * inner + r;
    memcpy(want + i * size, (uint8_t *)data[which] + source * size, size);
  }
  CHECK_OK(test_run_layer(network, 0, (const void *const *)data, (void *[]){got}, 1));
  CHECK(memcmp(got, want, volume * size) == 0);
  for (int i = 0; i < nb_inputs; i++)
    free(data[i]);
  free(got);
  free(want);
  trt_network_destroy(network);
}

static trt_dims_t d3(int64_t a, int64_t b, int64_t c) {
  int64_t d[] = {a, b, c};
  return trt_dims_make(3, d);
}

static void test_concat(void) {
  trt_dims_t along0[] = {d3(1, 3, 5), d3(2, 3, 5), d3(3, 3, 5)};
  check_concat(TRT_DATA_TYPE_FLOAT32, 3, along0, 0);
  trt_dims_t along1[] = {d3(2, 1, 5), d3(2, 4, 5)};
  check_concat(TRT_DATA_TYPE_FLOAT32, 2, along1, 1);
  check_concat(TRT_DATA_TYPE_INT64, 2, along1, -2);
  trt_dims_t along2[] = {d3(2, 3, 1), d3(2, 3, 7), d3(2, 3, 2), d3(2, 3, 3)};
  check_concat(TRT_DATA_TYPE_UINT8, 4, along2, -1);
  check_concat(TRT_DATA_TYPE_FLOAT16, 4, along2, 2);
  trt_dims_t with_empty[] = {d3(2, 0, 3), d3(2, 2, 3)};
  check_concat(TRT_DATA_TYPE_INT32, 2, with_empty, 1);
  int64_t one[] = {3}, two[] = {4};
  trt_dims_t vectors[] = {trt_dims_make(1, one), trt_dims_make(1, two)};
  check_concat(TRT_DATA_TYPE_INT64, 2, vectors, 0);
  trt_dims_t single[] = {d3(2, 3, 4)};
  check_concat(TRT_DATA_TYPE_FLOAT32, 1, single, 1);

  /* Shape-vector folding: Concat of constants becomes a constant. */
  trt_network_t *network = trt_network_create();
  int64_t a_values[] = {1, 2}, b_values[] = {-1};
  int64_t two_d[] = {2}, one_d[] = {1};
  trt_dims_t a_dims = trt_dims_make(1, two_d), b_dims = trt_dims_make(1, one_d);
  int parts[] = {trt_network_add_constant(network, "a", TRT_DATA_TYPE_INT64, &a_dims, a_values),
                 trt_network_add_constant(network, "b", TRT_DATA_TYPE_INT64, &b_dims, b_values)};
  trt_concat_params_t params = {.axis = 0};
  const char *name = "shape";
  trt_network_add_layer(network, TRT_LAYER_CONCAT, "concat", parts, 2, &name, 1, &params);
  trt_network_mark_output(network, trt_network_find_tensor(network, "shape"));
  CHECK_OK(trt_network_infer_shapes(network));
  const int64_t *folded = trt_network_tensor_data(network, trt_network_find_tensor(network,
                                                                                    "shape"));
  CHECK(folded && folded[0] == 1 && folded[1] == 2 && folded[2] == -1);
  trt_network_destroy(network);

  /* Errors. */
  struct {
    trt_dims_t a, b;
    trt_data_type_t b_type;
    int axis;
    const char *message;
  } errors[] = {
      {d3(2, 3, 4), d3(2, 5, 5), TRT_DATA_TYPE_FLOAT32, 1, "does not match input 'x0'"},
      {d3(2, 3, 4), trt_dims_make(1, two), TRT_DATA_TYPE_FLOAT32, 0, "does not match"},
      {d3(2, 3, 4), d3(2, 3, 4), TRT_DATA_TYPE_INT32, 0, "is int32 but input 'x0' is float32"},
      {d3(2, 3, 4), d3(2, 3, 4), TRT_DATA_TYPE_FLOAT32, 3, "axis 3 is out of range for rank 3"},
      {d3(2, 3, 4), d3(2, 3, 4), TRT_DATA_TYPE_FLOAT32, -4, "out of range"},
  };
  for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
    network = trt_network_create();
    int ins[] = {trt_network_add_input(network, "x0", TRT_DATA_TYPE_FLOAT32, &errors[i].a),
                 trt_network_add_input(network, "x1", errors[i].b_type, &errors[i].b)};
    trt_concat_params_t p = {.axis = errors[i].axis};
    int layer = trt_network_add_layer(network, TRT_LAYER_CONCAT, "c", ins, 2, NULL, 1, &p);
    trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
    CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
    if (!strstr(trt_last_error(), errors[i].message)) {
      fprintf(stderr, "  case %zu: '%s'\n", i, trt_last_error());
      CHECK(strstr(trt_last_error(), errors[i].message) != NULL);
    }
    trt_network_destroy(network);
  }
}

/* Splits x (int32 values 0..n-1, `dims`) along `axis`; `sizes` NULL for
 * equal parts, `from_input` to pass them as a constant int64 tensor. */
static trt_status_t run_split(trt_dims_t dims, int axis, int nb_outputs, const int64_t *sizes,
                              bool from_input, const int64_t *want_sizes) {
  trt_network_t *network = trt_network_create();
  int inputs[2] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_INT32, &dims), -1};
  trt_split_params_t params = {.axis = axis, .nb_outputs = nb_outputs};
  if (sizes && from_input) {
    int64_t count[] = {nb_outputs};
    trt_dims_t sizes_dims = trt_dims_make(1, count);
    inputs[1] = trt_network_add_constant(network, "split", TRT_DATA_TYPE_INT64, &sizes_dims,
                                         sizes);
  } else if (sizes) {
    params.nb_sizes = nb_outputs;
    memcpy(params.sizes, sizes, nb_outputs * sizeof(int64_t));
  }
  int layer = trt_network_add_layer(network, TRT_LAYER_SPLIT, "split", inputs,
                                    inputs[1] >= 0 ? 2 : 1, NULL, nb_outputs, &params);
  for (int i = 0; i < nb_outputs; i++)
    trt_network_mark_output(network, trt_network_layer_output(network, layer, i));
  trt_status_t status = trt_network_infer_shapes(network);
  if (status != TRT_STATUS_OK) {
    trt_network_destroy(network);
    return status;
  }
  int rank = dims.nb_dims, a = axis < 0 ? axis + rank : axis;
  int64_t volume = trt_dims_volume(&dims), inner = 1;
  for (int d = a + 1; d < rank; d++)
    inner *= dims.d[d];
  int32_t *x = malloc(volume * sizeof(int32_t));
  for (int64_t i = 0; i < volume; i++)
    x[i] = (int32_t)i;
  void *outs[16];
  for (int i = 0; i < nb_outputs; i++) {
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, i));
    CHECK(out.d[a] == want_sizes[i]);
    outs[i] = malloc((trt_dims_volume(&out) + 1) * sizeof(int32_t));
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL}, outs, 1));
  /* Output i's element (o, k, r) is x's (o, offset_i + k, r). */
  int64_t offset = 0;
  for (int i = 0; i < nb_outputs; i++) {
    trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, i));
    int64_t count = trt_dims_volume(&out), bad = 0;
    for (int64_t e = 0; e < count; e++) {
      int64_t o = e / (out.d[a] * inner), k = (e / inner) % out.d[a], r = e % inner;
      bad += ((int32_t *)outs[i])[e] != x[(o * dims.d[a] + offset + k) * inner + r];
    }
    CHECK(bad == 0);
    offset += out.d[a];
    free(outs[i]);
  }
  free(x);
  trt_network_destroy(network);
  return TRT_STATUS_OK;
}

static void test_split(void) {
  trt_dims_t x = d3(3, 6, 5);
  int64_t equal3[] = {2, 2, 2};
  CHECK_OK(run_split(x, 1, 3, NULL, false, equal3));
  int64_t equal1[] = {1, 1, 1};
  CHECK_OK(run_split(x, 0, 3, NULL, false, equal1));
  int64_t uneven[] = {1, 4, 1};
  CHECK_OK(run_split(x, -2, 3, uneven, false, uneven));
  CHECK_OK(run_split(x, 1, 3, uneven, true, uneven));
  int64_t with_zero[] = {0, 5};
  CHECK_OK(run_split(x, 2, 2, with_zero, true, with_zero));
  int64_t last_smaller[] = {2, 2, 1}; /* opset 18: 5 in 3 parts */
  CHECK_OK(run_split(x, 2, 3, NULL, false, last_smaller));

  CHECK(run_split(x, 1, 3, (int64_t[]){1, 1, 1}, false, NULL) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "split sizes add up to 3, but axis 1 has 6") != NULL);
  CHECK(run_split(x, 1, 2, (int64_t[]){-1, 7}, true, NULL) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "negative") != NULL);
  /* Sizes whose sum overflows (a crafted plan found this). */
  CHECK(run_split(x, 1, 2, (int64_t[]){INT64_MAX, INT64_MAX}, true, NULL) ==
        TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "split sizes exceed axis 1's 6") != NULL);
  CHECK(run_split(x, 3, 2, NULL, false, NULL) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis 3 is out of range") != NULL);
  CHECK(run_split(d3(1, 5, 1), 1, 4, NULL, false, NULL) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "cannot be split in 4 parts") != NULL);

  /* A split operand that is not constant. */
  trt_network_t *network = trt_network_create();
  int64_t two[] = {2};
  trt_dims_t split_dims = trt_dims_make(1, two);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x),
                  trt_network_add_input(network, "sizes", TRT_DATA_TYPE_INT64, &split_dims)};
  trt_split_params_t params = {.axis = 1, .nb_outputs = 2};
  int layer = trt_network_add_layer(network, TRT_LAYER_SPLIT, "split", inputs, 2, NULL, 2,
                                    &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'sizes' is not constant") != NULL);
  trt_network_destroy(network);
}

int main(void) {
  test_concat();
  test_split();
  return test_finish("test_concat");
}
