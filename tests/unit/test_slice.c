/* Slice (ONNX opset 10+ semantics: clamping, negative steps, INT64 limits)
 * and Pad (constant, reflect, edge, negative pads), with shape errors. */
#include <string.h>

#include "test_util.h"

static int add_ints(trt_network_t *network, const char *name, trt_data_type_t type, int count,
                    const int64_t *values) {
  int64_t d[] = {count};
  trt_dims_t dims = trt_dims_make(1, d);
  if (type == TRT_DATA_TYPE_INT64)
    return trt_network_add_constant(network, name, type, &dims, values);
  int32_t narrow[TRT_MAX_DIMS * 2];
  for (int i = 0; i < count; i++)
    narrow[i] = (int32_t)values[i];
  return trt_network_add_constant(network, name, type, &dims, narrow);
}

typedef struct {
  int count;
  int64_t starts[3], ends[3], axes[3], steps[3];
  bool has_axes, has_steps;
  trt_data_type_t operand_type; /* 0 means int64 */
  /* Expectation per axis of the 20x10x5 input. */
  int64_t out[3], first[3], step[3];
} slice_case_t;

/* Builds x -> Slice; returns the inference status; network in *out. */
static trt_status_t build_slice(const slice_case_t *c, trt_dims_t x_dims, trt_data_type_t x_type,
                                trt_network_t **out) {
  trt_network_t *network = trt_network_create();
  trt_data_type_t type = c->operand_type ? c->operand_type : TRT_DATA_TYPE_INT64;
  int inputs[5] = {trt_network_add_input(network, "x", x_type, &x_dims),
                   add_ints(network, "starts", type, c->count, c->starts),
                   add_ints(network, "ends", type, c->count, c->ends), -1, -1};
  int nb_inputs = 3;
  if (c->has_axes)
    inputs[3] = add_ints(network, "axes", type, c->count, c->axes), nb_inputs = 4;
  if (c->has_steps)
    inputs[4] = add_ints(network, "steps", type, c->count, c->steps), nb_inputs = 5;
  int layer =
      trt_network_add_layer(network, TRT_LAYER_SLICE, "slice", inputs, nb_inputs, NULL, 1, NULL);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  *out = network;
  return trt_network_infer_shapes(network);
}

static void check_slice(const slice_case_t *c, int line) {
  int64_t d[] = {20, 10, 5};
  trt_dims_t x_dims = trt_dims_make(3, d);
  trt_network_t *network;
  trt_status_t status = build_slice(c, x_dims, TRT_DATA_TYPE_FLOAT32, &network);
  if (status != TRT_STATUS_OK) {
    fprintf(stderr, "  slice case at line %d: %s\n", line, trt_last_error());
    CHECK(status == TRT_STATUS_OK);
    trt_network_destroy(network);
    return;
  }
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  bool dims_ok = out.nb_dims == 3 && out.d[0] == c->out[0] && out.d[1] == c->out[1] &&
                 out.d[2] == c->out[2];
  if (!dims_ok) {
    char text[64];
    fprintf(stderr, "  slice case at line %d: dims %s\n", line,
            trt_dims_format(&out, text, sizeof(text)));
    CHECK(dims_ok);
  }
  float x[1000], y[1000], want[1000];
  for (int i = 0; i < 1000; i++)
    x[i] = (float)i;
  int64_t n = 0;
  for (int64_t i = 0; i < c->out[0]; i++)
    for (int64_t j = 0; j < c->out[1]; j++)
      for (int64_t k = 0; k < c->out[2]; k++)
        want[n++] = x[((c->first[0] + i * c->step[0]) * 10 + c->first[1] + j * c->step[1]) * 5 +
                      c->first[2] + k * c->step[2]];
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL, NULL, NULL, NULL},
                          (void *[]){y}, 1));
  if (memcmp(y, want, n * sizeof(float)) != 0) {
    fprintf(stderr, "  slice case at line %d: wrong data\n", line);
    CHECK(memcmp(y, want, n * sizeof(float)) == 0);
  }
  trt_network_destroy(network);
}

static void test_slice(void) {
  const int64_t max = INT64_MAX, min = INT64_MIN;
  slice_case_t cases[] = {
      /* ONNX test_slice */
      {2, {0, 0}, {3, 10}, {0, 1}, {1, 1}, true, true, 0, {3, 10, 5}, {0, 0, 0}, {1, 1, 1}},
      /* test_slice_neg_steps */
      {3, {20, 10, 4}, {0, 0, 1}, {0, 1, 2}, {-1, -3, -2}, true, true, 0,
       {19, 3, 2}, {19, 9, 4}, {-1, -3, -2}},
      /* end and start out of bounds */
      {1, {1}, {1000}, {1}, {1}, true, true, 0, {20, 9, 5}, {0, 1, 0}, {1, 1, 1}},
      {1, {1000}, {1000}, {1}, {1}, true, true, 0, {20, 0, 5}, {0, 0, 0}, {1, 1, 1}},
      /* negative end, INT64_MAX end, INT64_MIN end with a negative step */
      {1, {0}, {-1}, {1}, {1}, true, false, 0, {20, 9, 5}, {0, 0, 0}, {1, 1, 1}},
      {1, {1}, {max}, {1}, {1}, true, true, 0, {20, 9, 5}, {0, 1, 0}, {1, 1, 1}},
      {1, {-1}, {min}, {2}, {-1}, true, true, 0, {20, 10, 5}, {0, 0, 4}, {1, 1, -1}},
      {1, {max}, {-100}, {0}, {-5}, true, true, 0, {4, 10, 5}, {19, 0, 0}, {-5, 1, 1}},
      /* negative axes; default axes and steps */
      {3, {0, 0, 3}, {20, 10, 4}, {0, -2, -1}, {0}, true, false, 0,
       {20, 10, 1}, {0, 0, 3}, {1, 1, 1}},
      {3, {0, 0, 3}, {20, 10, 4}, {0}, {0}, false, false, 0, {20, 10, 1}, {0, 0, 3}, {1, 1, 1}},
      /* int32 operands; a strided last axis; a negative start */
      {1, {2}, {-2}, {0}, {0}, false, false, TRT_DATA_TYPE_INT32,
       {16, 10, 5}, {2, 0, 0}, {1, 1, 1}},
      {1, {1}, {5}, {2}, {2}, true, true, 0, {20, 10, 2}, {0, 0, 1}, {1, 1, 2}},
      {2, {-3, 7}, {INT32_MAX, 2}, {0, 1}, {1, -2}, true, true, TRT_DATA_TYPE_INT32,
       {3, 3, 5}, {17, 7, 0}, {1, -2, 1}},
      /* reversed range with a positive step: empty */
      {1, {5}, {2}, {0}, {1}, true, true, 0, {0, 10, 5}, {0, 0, 0}, {1, 1, 1}},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    check_slice(&cases[i], (int)i);

  /* Errors. */
  struct {
    slice_case_t c;
    const char *message;
  } errors[] = {
      {{1, {0}, {3}, {0}, {0}, true, true, 0, {0}, {0}, {0}}, "step for axis 0 is 0"},
      {{2, {0, 0}, {3, 3}, {1, -2}, {1, 1}, true, true, 0, {0}, {0}, {0}}, "axis 1 is repeated"},
      {{1, {0}, {3}, {3}, {1}, true, true, 0, {0}, {0}, {0}}, "axis 3 is out of range"},
  };
  int64_t d[] = {20, 10, 5};
  trt_dims_t x_dims = trt_dims_make(3, d);
  for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
    trt_network_t *network;
    CHECK(build_slice(&errors[i].c, x_dims, TRT_DATA_TYPE_FLOAT32, &network) ==
          TRT_STATUS_SHAPE_ERROR);
    if (!strstr(trt_last_error(), errors[i].message)) {
      fprintf(stderr, "  error case %zu: '%s'\n", i, trt_last_error());
      CHECK(strstr(trt_last_error(), errors[i].message) != NULL);
    }
    trt_network_destroy(network);
  }
  /* Mismatched operand lengths, non-constant starts. */
  trt_network_t *network = trt_network_create();
  int64_t two[] = {2}, values[] = {0, 1};
  trt_dims_t two_dims = trt_dims_make(1, two);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims),
                  add_ints(network, "starts", TRT_DATA_TYPE_INT64, 2, values),
                  add_ints(network, "ends", TRT_DATA_TYPE_INT64, 1, values)};
  int layer = trt_network_add_layer(network, TRT_LAYER_SLICE, "slice", inputs, 3, NULL, 1, NULL);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "'ends' has 1 values but starts has 2") != NULL);
  trt_network_destroy(network);
  network = trt_network_create();
  inputs[0] = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims);
  inputs[1] = trt_network_add_input(network, "starts", TRT_DATA_TYPE_INT64, &two_dims);
  inputs[2] = add_ints(network, "ends", TRT_DATA_TYPE_INT64, 2, values);
  layer = trt_network_add_layer(network, TRT_LAYER_SLICE, "slice", inputs, 3, NULL, 1, NULL);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'starts' is not constant") != NULL);
  trt_network_destroy(network);

  /* Folding an int64 shape vector: [1, 3, 640, 480][2:4] = [640, 480]. */
  network = trt_network_create();
  int64_t shape_values[] = {1, 3, 640, 480}, start[] = {2}, end[] = {4}, four[] = {4};
  trt_dims_t shape_dims = trt_dims_make(1, four);
  int fold_inputs[] = {trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64,
                                                &shape_dims, shape_values),
                       add_ints(network, "starts", TRT_DATA_TYPE_INT64, 1, start),
                       add_ints(network, "ends", TRT_DATA_TYPE_INT64, 1, end)};
  const char *name = "hw";
  trt_network_add_layer(network, TRT_LAYER_SLICE, "slice", fold_inputs, 3, &name, 1, NULL);
  int hw = trt_network_find_tensor(network, "hw");
  trt_network_mark_output(network, hw);
  CHECK_OK(trt_network_infer_shapes(network));
  hw = trt_network_find_tensor(network, "hw");
  const int64_t *folded = trt_network_tensor_data(network, hw);
  CHECK(folded && folded[0] == 640 && folded[1] == 480);
  trt_network_destroy(network);
}

/* ---- Pad ---------------------------------------------------------------- */

/* Independent reference for one axis: walks outwards reflecting (or
 * clamping) step by step instead of using modular arithmetic. */
static int64_t reference_source(int64_t i, int64_t size, trt_pad_mode_t mode) {
  if (mode == TRT_PAD_CONSTANT)
    return (i >= 0 && i < size) ? i : -1;
  if (mode == TRT_PAD_EDGE)
    return i < 0 ? 0 : i >= size ? size - 1 : i;
  if (size == 1)
    return 0;
  while (i < 0 || i >= size)
    i = i < 0 ? -i : 2 * (size - 1) - i;
  return i;
}

/* Pads a float tensor of `dims` and compares with the reference. */
static void check_pad(trt_pad_mode_t mode, trt_dims_t dims, const int64_t *pads, bool pads_input,
                      float value, bool value_input, int threads) {
  trt_network_t *network = trt_network_create();
  int rank = dims.nb_dims;
  int inputs[3] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims), -1, -1};
  trt_pad_params_t params = {.mode = mode, .value = value_input ? 0.0f : value};
  if (pads_input) {
    inputs[1] = add_ints(network, "pads", TRT_DATA_TYPE_INT64, 2 * rank, pads);
  } else {
    params.nb_pads = 2 * rank;
    memcpy(params.pads, pads, 2 * rank * sizeof(int64_t));
  }
  if (value_input) {
    trt_dims_t scalar = {.nb_dims = 0};
    inputs[2] = trt_network_add_constant(network, "value", TRT_DATA_TYPE_FLOAT32, &scalar, &value);
  }
  int nb_inputs = value_input ? 3 : pads_input ? 2 : 1;
  int layer = trt_network_add_layer(network, TRT_LAYER_PAD, "pad", inputs, nb_inputs, NULL, 1,
                                    &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  for (int d = 0; d < rank; d++)
    CHECK(out.d[d] == dims.d[d] + pads[d] + pads[rank + d]);
  int64_t in_volume = trt_dims_volume(&dims), out_volume = trt_dims_volume(&out);
  test_rng_t rng = test_rng(7);
  float *x = test_random_floats(&rng, in_volume, -1, 1);
  float *y = malloc((out_volume + 1) * sizeof(float)), *want = malloc((out_volume + 1) * 4);
  for (int64_t i = 0; i < out_volume; i++) {
    int64_t rest = i, offset = 0, stride = 1;
    bool border = false;
    for (int d = rank - 1; d >= 0; d--) {
      int64_t source = reference_source(rest % out.d[d] - pads[d], dims.d[d], mode);
      rest /= out.d[d];
      border = border || source < 0;
      offset += source * stride;
      stride *= dims.d[d];
    }
    want[i] = border ? value : x[offset];
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL, NULL}, (void *[]){y}, threads));
  CHECK(memcmp(y, want, out_volume * sizeof(float)) == 0);
  free(x);
  free(y);
  free(want);
  trt_network_destroy(network);
}

static void test_pad(void) {
  int64_t d[] = {1, 3, 4, 5};
  trt_dims_t x = trt_dims_make(4, d);
  int64_t onnx_pads[] = {0, 0, 1, 3, 0, 0, 2, 4}; /* ONNX test_*_pad */
  check_pad(TRT_PAD_CONSTANT, x, onnx_pads, true, 1.2f, true, 1);
  check_pad(TRT_PAD_CONSTANT, x, onnx_pads, false, -0.5f, false, 2);
  check_pad(TRT_PAD_REFLECT, x, onnx_pads, true, 0, false, 1);
  check_pad(TRT_PAD_EDGE, x, onnx_pads, false, 0, false, 1);
  int64_t cropping[] = {0, -1, 2, -2, 1, 0, -1, 3};
  check_pad(TRT_PAD_CONSTANT, x, cropping, true, 2.0f, false, 1);
  check_pad(TRT_PAD_REFLECT, x, cropping, true, 0, false, 1);
  check_pad(TRT_PAD_EDGE, x, cropping, false, 0, false, 1);
  int64_t wide[] = {0, 2, 9, 11, 0, 5, 7, 13}; /* reflect beyond one period */
  check_pad(TRT_PAD_REFLECT, x, wide, true, 0, false, 1);
  check_pad(TRT_PAD_EDGE, x, wide, true, 0, false, 1);
  int64_t d1[] = {1, 7};
  int64_t one_pads[] = {3, 0, 2, 0};
  check_pad(TRT_PAD_REFLECT, trt_dims_make(2, d1), one_pads, true, 0, false, 1);
  int64_t d3[] = {3};
  int64_t vector_pads[] = {2, 4};
  check_pad(TRT_PAD_CONSTANT, trt_dims_make(1, d3), vector_pads, false, 7, false, 1);

  /* int64 data with edge mode: elements move as bytes. */
  trt_network_t *network = trt_network_create();
  int64_t two[] = {2, 2};
  trt_dims_t int_dims = trt_dims_make(2, two);
  int ins[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_INT64, &int_dims)};
  trt_pad_params_t edge = {.mode = TRT_PAD_EDGE, .nb_pads = 4, .pads = {1, 0, 0, 1}};
  int layer = trt_network_add_layer(network, TRT_LAYER_PAD, "pad", ins, 1, NULL, 1, &edge);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  int64_t big = INT64_C(1) << 60;
  int64_t in[] = {big + 1, 2, 3, big + 4}, out[9], want[] = {big + 1, 2, 2, big + 1, 2, 2,
                                                             3, big + 4, big + 4};
  CHECK_OK(test_run_layer(network, 0, (const void *[]){in}, (void *[]){out}, 1));
  CHECK(memcmp(out, want, sizeof(want)) == 0);
  trt_network_destroy(network);

  /* Errors. */
  struct {
    trt_pad_params_t params;
    int64_t d[2];
    const char *message;
  } errors[] = {
      {{.mode = TRT_PAD_CONSTANT, .nb_pads = 2, .pads = {1, 1}}, {2, 3}, "2 pads for rank 2"},
      {{.mode = TRT_PAD_CONSTANT, .nb_pads = 4, .pads = {0, -2, 0, -2}}, {2, 3}, "below zero"},
      {{.mode = TRT_PAD_REFLECT, .nb_pads = 4, .pads = {1, 0, 0, 0}}, {0, 3}, "empty axis 0"},
  };
  for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
    network = trt_network_create();
    trt_dims_t dims = trt_dims_make(2, errors[i].d);
    int input = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
    layer = trt_network_add_layer(network, TRT_LAYER_PAD, "pad", &input, 1, NULL, 1,
                                  &errors[i].params);
    trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
    CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
    if (!strstr(trt_last_error(), errors[i].message)) {
      fprintf(stderr, "  pad error case %zu: '%s'\n", i, trt_last_error());
      CHECK(strstr(trt_last_error(), errors[i].message) != NULL);
    }
    trt_network_destroy(network);
  }
  network = trt_network_create();
  int64_t four[] = {4};
  trt_dims_t pads_dims = trt_dims_make(1, four);
  int pad_inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &int_dims),
                      trt_network_add_input(network, "pads", TRT_DATA_TYPE_INT64, &pads_dims)};
  trt_pad_params_t constant = {.mode = TRT_PAD_CONSTANT};
  layer = trt_network_add_layer(network, TRT_LAYER_PAD, "pad", pad_inputs, 2, NULL, 1, &constant);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'pads' is not constant") != NULL);
  trt_network_destroy(network);
}

int main(void) {
  test_slice();
  test_pad();
  return test_finish("test_slice");
}
