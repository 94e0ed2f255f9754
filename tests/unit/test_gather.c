/* Gather: ONNX's cases (axis 0/1, 2-D and negative indices), scalar
 * indices, int32/int64 indices, any data type, folding of shape vectors,
 * run-time index errors and shape errors. */
#include <string.h>

#include "test_util.h"

/* Gathers from float data 0..n-1 of `data_dims` along `axis` with int64
 * `indices` of `index_dims`; compares with the definition. */
static void check_gather(int data_rank, const int64_t *data_d, int axis, int index_rank,
                         const int64_t *index_d, const int64_t *indices,
                         trt_data_type_t index_type) {
  trt_network_t *network = trt_network_create();
  trt_dims_t data_dims = trt_dims_make(data_rank, data_d);
  trt_dims_t index_dims = trt_dims_make(index_rank, index_d);
  int64_t count = trt_dims_volume(&index_dims);
  int32_t narrow[64];
  for (int64_t i = 0; i < count; i++)
    narrow[i] = (int32_t)indices[i];
  const void *index_data = index_type == TRT_DATA_TYPE_INT32 ? (const void *)narrow : indices;
  int inputs[] = {trt_network_add_input(network, "data", TRT_DATA_TYPE_FLOAT32, &data_dims),
                  trt_network_add_constant(network, "indices", index_type, &index_dims,
                                           index_data)};
  trt_gather_params_t params = {.axis = axis};
  int layer = trt_network_add_layer(network, TRT_LAYER_GATHER, "gather", inputs, 2, NULL, 1,
                                    &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  int a = axis < 0 ? axis + data_rank : axis;
  CHECK(out.nb_dims == data_rank + index_rank - 1);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < a; d++)
    outer *= data_d[d];
  for (int d = a + 1; d < data_rank; d++)
    inner *= data_d[d];
  int64_t volume = trt_dims_volume(&data_dims), out_volume = trt_dims_volume(&out);
  CHECK(out_volume == outer * count * inner);
  float *x = malloc(volume * sizeof(float)), *y = malloc((out_volume + 1) * sizeof(float));
  for (int64_t i = 0; i < volume; i++)
    x[i] = (float)i;
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL}, (void *[]){y}, 1));
  int64_t bad = 0;
  for (int64_t o = 0; o < outer; o++)
    for (int64_t k = 0; k < count; k++)
      for (int64_t r = 0; r < inner; r++) {
        int64_t index = indices[k] < 0 ? indices[k] + data_d[a] : indices[k];
        bad += y[(o * count + k) * inner + r] != x[(o * data_d[a] + index) * inner + r];
      }
  CHECK(bad == 0);
  free(x);
  free(y);
  trt_network_destroy(network);
}

static void test_cases(void) {
  int64_t d5432[] = {5, 4, 3, 2}, three[] = {3}, idx013[] = {0, 1, 3};
  check_gather(4, d5432, 0, 1, three, idx013, TRT_DATA_TYPE_INT64); /* test_gather_0 */
  check_gather(4, d5432, 1, 1, three, idx013, TRT_DATA_TYPE_INT64); /* test_gather_1 */
  check_gather(4, d5432, -3, 1, three, idx013, TRT_DATA_TYPE_INT32);
  int64_t d33[] = {3, 3}, d12[] = {1, 2}, idx02[] = {0, 2};
  check_gather(2, d33, 1, 2, d12, idx02, TRT_DATA_TYPE_INT64); /* test_gather_2d_indices */
  int64_t d10[] = {10}, negative[] = {0, -9, -10};
  check_gather(1, d10, 0, 1, three, negative, TRT_DATA_TYPE_INT64);
  int64_t d23[] = {2, 3}, one[] = {1};
  check_gather(2, d23, 0, 0, NULL, one, TRT_DATA_TYPE_INT64);   /* scalar index: rank 1 */
  check_gather(2, d23, -1, 0, NULL, one, TRT_DATA_TYPE_INT32);
  int64_t d357[] = {3, 5, 7}, d22[] = {2, 2}, idx[] = {4, -1, 0, 2};
  check_gather(3, d357, 2, 2, d22, idx, TRT_DATA_TYPE_INT64);
  int64_t zero[] = {0};
  check_gather(3, d357, 1, 1, zero, NULL, TRT_DATA_TYPE_INT64); /* no indices: empty */
}

/* Shape vectors fold: Gather(constant [1, 3, 640, 480], 2) = 640. */
static void test_fold_and_dtypes(void) {
  trt_network_t *network = trt_network_create();
  int64_t four[] = {4}, shape[] = {1, 3, 640, 480}, index = 2;
  trt_dims_t vector = trt_dims_make(1, four), scalar = {.nb_dims = 0};
  int inputs[] = {trt_network_add_constant(network, "shape", TRT_DATA_TYPE_INT64, &vector, shape),
                  trt_network_add_constant(network, "index", TRT_DATA_TYPE_INT64, &scalar,
                                           &index)};
  trt_gather_params_t params = {.axis = 0};
  const char *name = "height";
  trt_network_add_layer(network, TRT_LAYER_GATHER, "gather", inputs, 2, &name, 1, &params);
  trt_network_mark_output(network, trt_network_find_tensor(network, "height"));
  CHECK_OK(trt_network_infer_shapes(network));
  int height = trt_network_find_tensor(network, "height");
  CHECK(trt_network_tensor_dims(network, height).nb_dims == 0);
  CHECK(trt_network_tensor_type(network, height) == TRT_DATA_TYPE_INT64);
  const int64_t *value = trt_network_tensor_data(network, height);
  CHECK(value && *value == 640);
  trt_network_destroy(network);

  /* uint8 data, indices from a network input (not constant). */
  network = trt_network_create();
  int64_t d24[] = {2, 4}, three[] = {3};
  trt_dims_t data_dims = trt_dims_make(2, d24), index_dims = trt_dims_make(1, three);
  int runtime_inputs[] = {
      trt_network_add_input(network, "data", TRT_DATA_TYPE_UINT8, &data_dims),
      trt_network_add_input(network, "indices", TRT_DATA_TYPE_INT32, &index_dims)};
  params.axis = 1;
  int layer = trt_network_add_layer(network, TRT_LAYER_GATHER, "gather", runtime_inputs, 2, NULL,
                                    1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK_OK(trt_network_infer_shapes(network));
  uint8_t data[] = {10, 11, 12, 13, 20, 21, 22, 23}, out[6];
  int32_t indices[] = {3, -4, 1};
  CHECK_OK(test_run_layer(network, 0, (const void *[]){data, indices}, (void *[]){out}, 1));
  uint8_t want[] = {13, 10, 11, 23, 20, 21};
  CHECK(memcmp(out, want, sizeof(want)) == 0);
  int32_t bad_indices[] = {0, 4, 1};
  CHECK(test_run_layer(network, 0, (const void *[]){data, bad_indices}, (void *[]){out}, 1) ==
        TRT_STATUS_INVALID_ARGUMENT);
  CHECK(strstr(trt_last_error(), "index 4 at position 1 is out of range for axis 1 of size 4"));
  trt_network_destroy(network);
}

static void check_gather_error(trt_data_type_t index_type, int axis, int64_t index,
                               const char *message) {
  trt_network_t *network = trt_network_create();
  int64_t d23[] = {2, 3}, one[] = {1};
  trt_dims_t data_dims = trt_dims_make(2, d23), index_dims = trt_dims_make(1, one);
  float float_index = (float)index;
  const void *index_data = index_type == TRT_DATA_TYPE_FLOAT32 ? (const void *)&float_index
                                                                : (const void *)&index;
  int inputs[] = {trt_network_add_input(network, "data", TRT_DATA_TYPE_FLOAT32, &data_dims),
                  trt_network_add_constant(network, "indices", index_type, &index_dims,
                                           index_data)};
  trt_gather_params_t params = {.axis = axis};
  int layer = trt_network_add_layer(network, TRT_LAYER_GATHER, "gather", inputs, 2, NULL, 1,
                                    &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  if (!strstr(trt_last_error(), message)) {
    fprintf(stderr, "  error '%s' does not mention '%s'\n", trt_last_error(), message);
    CHECK(strstr(trt_last_error(), message) != NULL);
  }
  trt_network_destroy(network);
}

static void test_errors(void) {
  check_gather_error(TRT_DATA_TYPE_INT64, 2, 0, "axis 2 is out of range for rank 2");
  check_gather_error(TRT_DATA_TYPE_FLOAT32, 0, 0, "indices 'indices' are float32");
  check_gather_error(TRT_DATA_TYPE_INT64, 1, 3, "index 3 is out of range for axis 1 of size 3");
  check_gather_error(TRT_DATA_TYPE_INT64, 0, -3, "index -3 is out of range");
}

int main(void) {
  test_cases();
  test_fold_and_dtypes();
  test_errors();
  return test_finish("test_gather");
}
