/* ArgMax/ArgMin, GatherElements, Tile, Expand and Trilu against naive
 * references on odd shapes (exact: indices and copied values), ties with
 * select_last_index, negative indices, and shape/operand errors. */
#include <string.h>

#include "test_util.h"

static int add_single_layer(trt_network_t *network, trt_layer_type_t type, const int *inputs,
                            int nb_inputs, const void *params) {
  int layer = trt_network_add_layer(network, type, "layer", inputs, nb_inputs, NULL, 1, params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  return layer;
}

static trt_dims_t output_dims(const trt_network_t *network) {
  return trt_network_tensor_dims(network, trt_network_output(network, 0));
}

/* x [outer, length, inner] of small integers (many ties). */
static void check_arg_reduce(bool max, bool keep_dims, bool last, int64_t outer, int64_t length,
                             int64_t inner) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {outer, length, inner};
  trt_dims_t dims = trt_dims_make(3, d);
  int input = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_arg_reduce_params_t params = {max, -2, keep_dims, last};
  add_single_layer(network, TRT_LAYER_ARG_REDUCE, &input, 1, &params);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = output_dims(network);
  CHECK(out.nb_dims == (keep_dims ? 3 : 2) && out.d[out.nb_dims - 1] == inner);
  int64_t n = outer * length * inner;
  float *x = malloc(n * sizeof(float));
  int64_t *y = malloc(outer * inner * sizeof(int64_t));
  test_rng_t rng = test_rng(5);
  for (int64_t i = 0; i < n; i++)
    x[i] = floorf(test_uniform(&rng, 0, 4));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x}, (void *[]){y}, 3));
  int64_t bad = 0;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t r = 0; r < inner; r++) {
      int64_t best = 0;
      for (int64_t i = 1; i < length; i++) {
        float value = x[(o * length + i) * inner + r], current = x[(o * length + best) * inner + r];
        bool better = max ? value > current : value < current;
        if (better || (last && value == current))
          best = i;
      }
      bad += y[o * inner + r] != best;
    }
  CHECK(bad == 0);
  free(x);
  free(y);
  trt_network_destroy(network);
}

static void test_arg_reduce(void) {
  for (int mask = 0; mask < 8; mask++)
    check_arg_reduce(mask & 1, mask & 2, mask & 4, 3, 7, 5);
  check_arg_reduce(true, false, false, 1, 1, 1);
  check_arg_reduce(false, true, true, 2, 33, 1);

  /* Axis out of range. */
  trt_network_t *network = trt_network_create();
  int64_t d[] = {2, 3};
  trt_dims_t dims = trt_dims_make(2, d);
  int input = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_arg_reduce_params_t params = {true, 2, true, false};
  add_single_layer(network, TRT_LAYER_ARG_REDUCE, &input, 1, &params);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
}

static void test_gather_elements(void) {
  /* data [4,3,5], indices [2,3,4] along axis 0 and 2, negative ones too. */
  int64_t dd[] = {4, 3, 5}, di[] = {2, 3, 4};
  trt_dims_t data_dims = trt_dims_make(3, dd), index_dims = trt_dims_make(3, di);
  float data[60];
  for (int i = 0; i < 60; i++)
    data[i] = (float)i;
  for (int axis = 0; axis < 3; axis += 2) {
    int64_t indices[24];
    for (int i = 0; i < 24; i++)
      indices[i] = (i * 5 % 7) % dd[axis] - (i % 3 == 0 ? dd[axis] : 0);
    trt_network_t *network = trt_network_create();
    int inputs[] = {trt_network_add_input(network, "data", TRT_DATA_TYPE_FLOAT32, &data_dims),
                    trt_network_add_input(network, "indices", TRT_DATA_TYPE_INT64, &index_dims)};
    trt_gather_params_t params = {axis};
    add_single_layer(network, TRT_LAYER_GATHER_ELEMENTS, inputs, 2, &params);
    CHECK_OK(trt_network_infer_shapes(network));
    trt_dims_t out = output_dims(network);
    CHECK(trt_dims_equal(&out, &index_dims));
    float y[24];
    CHECK_OK(test_run_layer(network, 0, (const void *[]){data, indices}, (void *[]){y}, 1));
    int bad = 0;
    for (int i = 0; i < 2; i++)
      for (int j = 0; j < 3; j++)
        for (int k = 0; k < 4; k++) {
          int64_t index = indices[(i * 3 + j) * 4 + k];
          if (index < 0)
            index += dd[axis];
          int64_t a = axis == 0 ? index : i, c = axis == 2 ? index : k;
          bad += y[(i * 3 + j) * 4 + k] != data[(a * 3 + j) * 5 + c];
        }
    CHECK(bad == 0);
    /* An index out of range fails when the layer runs. */
    indices[7] = 9;
    CHECK(test_run_layer(network, 0, (const void *[]){data, indices}, (void *[]){y}, 1) ==
          TRT_STATUS_INVALID_ARGUMENT);
    trt_network_destroy(network);
  }
}

/* Tile [2,1,3] by repeats, or Expand it to `shape`; checks against the
 * coordinate definition (wrap for Tile, broadcast for Expand). */
static void check_replicate(trt_layer_type_t type, int count, const int64_t *operand,
                            int out_rank, const int64_t *expected_dims) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {2, 1, 3};
  trt_dims_t dims = trt_dims_make(3, d);
  int64_t operand_count = count;
  trt_dims_t operand_dims = trt_dims_make(1, &operand_count);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_INT32, &dims),
                  trt_network_add_constant(network, "operand", TRT_DATA_TYPE_INT64, &operand_dims,
                                           operand)};
  add_single_layer(network, type, inputs, 2, NULL);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = output_dims(network), want = trt_dims_make(out_rank, expected_dims);
  CHECK(trt_dims_equal(&out, &want));
  int32_t x[6] = {10, 11, 12, 20, 21, 22};
  int64_t n = trt_dims_volume(&out);
  int32_t *y = malloc(n * sizeof(int32_t));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL}, (void *[]){y}, 2));
  int64_t bad = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t c2 = i % out.d[out_rank - 1], c0 = (i / out.d[out_rank - 1] / out.d[out_rank - 2]) %
                                                out.d[out_rank - 3];
    bad += y[i] != x[(c0 % 2) * 3 + c2 % 3];
  }
  CHECK(bad == 0);
  free(y);
  trt_network_destroy(network);
}

static void test_tile_expand(void) {
  check_replicate(TRT_LAYER_TILE, 3, (int64_t[]){2, 3, 1}, 3, (int64_t[]){4, 3, 3});
  check_replicate(TRT_LAYER_TILE, 3, (int64_t[]){1, 1, 3}, 3, (int64_t[]){2, 1, 9});
  check_replicate(TRT_LAYER_EXPAND, 3, (int64_t[]){1, 4, 1}, 3, (int64_t[]){2, 4, 3});
  check_replicate(TRT_LAYER_EXPAND, 4, (int64_t[]){2, 1, 5, 3}, 4, (int64_t[]){2, 2, 5, 3});

  /* Tile needs one repeat per dim; Expand's shape must broadcast. */
  trt_network_t *network = trt_network_create();
  int64_t d[] = {2, 3}, two = 2;
  trt_dims_t dims = trt_dims_make(2, d), one_d = trt_dims_make(1, &two);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims),
                  trt_network_add_constant(network, "repeats", TRT_DATA_TYPE_INT64, &one_d,
                                           (int64_t[]){4, 5})};
  int64_t three = 3;
  trt_dims_t three_d = trt_dims_make(1, &three);
  int bad_repeats = trt_network_add_constant(network, "bad", TRT_DATA_TYPE_INT64, &three_d,
                                             (int64_t[]){1, 1, 1});
  int tile_inputs[] = {inputs[0], bad_repeats};
  add_single_layer(network, TRT_LAYER_TILE, tile_inputs, 2, NULL);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
  network = trt_network_create();
  inputs[0] = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  inputs[1] = trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64, &one_d,
                                       (int64_t[]){4, 5});
  add_single_layer(network, TRT_LAYER_EXPAND, inputs, 2, NULL);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  trt_network_destroy(network);
  /* A shape operand that is not constant. */
  network = trt_network_create();
  inputs[0] = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  inputs[1] = trt_network_add_input(network, "shape", TRT_DATA_TYPE_INT64, &one_d);
  add_single_layer(network, TRT_LAYER_EXPAND, inputs, 2, NULL);
  CHECK(trt_network_infer_shapes(network) != TRT_STATUS_OK);
  trt_network_destroy(network);
}

static void check_trilu(bool upper, const int64_t *k) {
  trt_network_t *network = trt_network_create();
  int64_t d[] = {2, 4, 5};
  trt_dims_t dims = trt_dims_make(3, d), scalar = trt_dims_make(0, NULL);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims),
                  k ? trt_network_add_constant(network, "k", TRT_DATA_TYPE_INT64, &scalar, k)
                    : -1};
  trt_trilu_params_t params = {upper};
  add_single_layer(network, TRT_LAYER_TRILU, inputs, k ? 2 : 1, &params);
  CHECK_OK(trt_network_infer_shapes(network));
  float x[40], y[40];
  for (int i = 0; i < 40; i++)
    x[i] = (float)(i + 1);
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL}, (void *[]){y}, 1));
  int64_t diagonal = k ? *k : 0;
  int bad = 0;
  for (int b = 0; b < 2; b++)
    for (int r = 0; r < 4; r++)
      for (int c = 0; c < 5; c++) {
        int i = (b * 4 + r) * 5 + c;
        bool keep = upper ? c - r >= diagonal : c - r <= diagonal;
        bad += y[i] != (keep ? x[i] : 0.0f);
      }
  CHECK(bad == 0);
  trt_network_destroy(network);
}

static void test_trilu(void) {
  int64_t ks[] = {-7, -1, 0, 2, 6};
  for (int upper = 0; upper < 2; upper++) {
    check_trilu(upper, NULL);
    for (int i = 0; i < 5; i++)
      check_trilu(upper, &ks[i]);
  }
}

int main(void) {
  test_arg_reduce();
  test_gather_elements();
  test_tile_expand();
  test_trilu();
  return test_finish("indexing");
}
