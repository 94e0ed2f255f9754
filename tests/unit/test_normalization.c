/* Normalization layers (batch norm, instance norm, layer norm, LRN) against
 * naive double-precision references on odd shapes, and shape errors.
 * Tolerance: relative L2 <= 1e-5 (statistics are reductions; the engine
 * accumulates in double but rounds the normalized result to FP32). */
#include <string.h>

#include "test_util.h"

#define DIMS(...) trt_dims_make(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t), \
                                (int64_t[]){__VA_ARGS__})

/* x (input) plus constant operands -> one layer -> outputs. Operands with
 * NULL data are left out (-1). */
typedef struct {
  const char *name;
  trt_dims_t dims;
  const float *data;
} operand_t;

static trt_network_t *make_layer(trt_layer_type_t type, const void *params, const trt_dims_t *x,
                                 trt_data_type_t x_type, const operand_t *operands,
                                 int nb_operands, int nb_outputs) {
  trt_network_t *network = trt_network_create();
  int inputs[8];
  inputs[0] = trt_network_add_input(network, "x", x_type, x);
  for (int i = 0; i < nb_operands; i++)
    inputs[i + 1] = operands[i].data
                        ? trt_network_add_constant(network, operands[i].name,
                                                   TRT_DATA_TYPE_FLOAT32, &operands[i].dims,
                                                   operands[i].data)
                        : -1;
  int layer = trt_network_add_layer(network, type, "norm", inputs, nb_operands + 1, NULL,
                                    nb_outputs, params);
  CHECK(layer == 0);
  for (int o = 0; o < nb_outputs; o++)
    CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, o)));
  return network;
}

static void test_batch_norm(const trt_dims_t *dims, int threads, uint64_t seed) {
  int64_t count = trt_dims_volume(dims), channels = dims->d[1];
  int64_t plane = count / (dims->d[0] * channels);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -4.0f, 4.0f);
  float *scale = test_random_floats(&rng, channels, -2.0f, 2.0f);
  float *bias = test_random_floats(&rng, channels, -1.0f, 1.0f);
  float *mean = test_random_floats(&rng, channels, -1.0f, 1.0f);
  float *var = test_random_floats(&rng, channels, 0.1f, 3.0f);
  trt_norm_params_t params = {.epsilon = 1e-3f};
  trt_dims_t c = DIMS(channels);
  operand_t operands[] = {{"scale", c, scale}, {"bias", c, bias}, {"mean", c, mean},
                          {"var", c, var}};
  trt_network_t *network =
      make_layer(TRT_LAYER_BATCH_NORM, &params, dims, TRT_DATA_TYPE_FLOAT32, operands, 4, 1);
  CHECK_OK(trt_network_infer_shapes(network));
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  for (int64_t i = 0; i < count; i++) {
    int64_t ch = (i / plane) % channels;
    expected[i] = (float)((x[i] - mean[ch]) / sqrt(var[ch] + 1e-3) * scale[ch] + bias[ch]);
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[8]){x}, (void *[]){y}, threads));
  CHECK_BELOW(test_relative_l2(y, expected, count), 1e-5);
  trt_network_destroy(network);
  free(x), free(scale), free(bias), free(mean), free(var), free(y), free(expected);
}

static void test_instance_norm(const trt_dims_t *dims, int threads, uint64_t seed) {
  int64_t count = trt_dims_volume(dims), channels = dims->d[1];
  int64_t plane = count / (dims->d[0] * channels);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -4.0f, 6.0f);
  float *scale = test_random_floats(&rng, channels, -2.0f, 2.0f);
  float *bias = test_random_floats(&rng, channels, -1.0f, 1.0f);
  trt_norm_params_t params = {.epsilon = 1e-5f};
  trt_dims_t c = DIMS(channels);
  operand_t operands[] = {{"scale", c, scale}, {"bias", c, bias}};
  trt_network_t *network =
      make_layer(TRT_LAYER_INSTANCE_NORM, &params, dims, TRT_DATA_TYPE_FLOAT32, operands, 2, 1);
  CHECK_OK(trt_network_infer_shapes(network));
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  for (int64_t p = 0; p < count / plane; p++) {
    const float *xp = x + p * plane;
    double sum = 0, squares = 0;
    for (int64_t i = 0; i < plane; i++)
      sum += xp[i];
    double mean = sum / plane;
    for (int64_t i = 0; i < plane; i++)
      squares += (xp[i] - mean) * (xp[i] - mean);
    double inv_std = 1 / sqrt(squares / plane + 1e-5);
    int64_t ch = p % channels;
    for (int64_t i = 0; i < plane; i++)
      expected[p * plane + i] = (float)((xp[i] - mean) * inv_std * scale[ch] + bias[ch]);
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[8]){x}, (void *[]){y}, threads));
  CHECK_BELOW(test_relative_l2(y, expected, count), 1e-5);
  trt_network_destroy(network);
  free(x), free(scale), free(bias), free(y), free(expected);
}

/* Layer norm over x.dims[axis:], scale/bias of `operand_dims` broadcast to
 * them; also checks the Mean and InvStdDev outputs. */
static void test_layer_norm(const trt_dims_t *dims, int axis, const trt_dims_t *operand_dims,
                            bool with_bias, int threads, uint64_t seed) {
  int rank = dims->nb_dims;
  int first = axis < 0 ? axis + rank : axis;
  int64_t count = trt_dims_volume(dims), row = 1;
  for (int i = first; i < rank; i++)
    row *= dims->d[i];
  int64_t rows = count / row, operand_count = trt_dims_volume(operand_dims);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -3.0f, 5.0f);
  float *scale = test_random_floats(&rng, operand_count, 0.5f, 2.0f);
  float *bias = test_random_floats(&rng, operand_count, -1.0f, 1.0f);
  trt_norm_params_t params = {.epsilon = 1e-4f, .axis = axis};
  operand_t operands[] = {{"scale", *operand_dims, scale},
                          {"bias", *operand_dims, with_bias ? bias : NULL}};
  trt_network_t *network =
      make_layer(TRT_LAYER_LAYER_NORM, &params, dims, TRT_DATA_TYPE_FLOAT32, operands, 2, 3);
  CHECK_OK(trt_network_infer_shapes(network));
  trt_dims_t mean_dims = trt_network_tensor_dims(network, trt_network_output(network, 1));
  CHECK(mean_dims.nb_dims == rank && trt_dims_volume(&mean_dims) == rows);
  CHECK(mean_dims.d[rank - 1] == 1);

  /* The operand's element for normalized position j (numpy broadcasting). */
  trt_dims_t normalized = trt_dims_make(rank - first, dims->d + first);
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  float *mean_out = malloc((size_t)rows * sizeof(float));
  float *inv_std_out = malloc((size_t)rows * sizeof(float));
  float *expected_mean = malloc((size_t)rows * sizeof(float));
  float *expected_inv_std = malloc((size_t)rows * sizeof(float));
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * row;
    double sum = 0, squares = 0;
    for (int64_t j = 0; j < row; j++)
      sum += xr[j];
    double mean = sum / row;
    for (int64_t j = 0; j < row; j++)
      squares += (xr[j] - mean) * (xr[j] - mean);
    double inv_std = 1 / sqrt(squares / row + 1e-4);
    expected_mean[r] = (float)mean;
    expected_inv_std[r] = (float)inv_std;
    for (int64_t j = 0; j < row; j++) {
      int64_t source = 0, stride = 1, rest = j;
      for (int i = normalized.nb_dims - 1, k = operand_dims->nb_dims - 1; i >= 0; i--, k--) {
        int64_t index = rest % normalized.d[i];
        rest /= normalized.d[i];
        if (k >= 0 && operand_dims->d[k] != 1)
          source += index * stride;
        if (k >= 0)
          stride *= operand_dims->d[k];
      }
      expected[r * row + j] =
          (float)((xr[j] - mean) * inv_std * scale[source] + (with_bias ? bias[source] : 0));
    }
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[8]){x},
                          (void *[]){y, mean_out, inv_std_out}, threads));
  CHECK_BELOW(test_relative_l2(y, expected, count), 1e-5);
  CHECK_BELOW(test_relative_l2(mean_out, expected_mean, rows), 1e-5);
  CHECK_BELOW(test_relative_l2(inv_std_out, expected_inv_std, rows), 1e-5);
  trt_network_destroy(network);
  free(x), free(scale), free(bias), free(y), free(expected);
  free(mean_out), free(inv_std_out), free(expected_mean), free(expected_inv_std);
}

static void test_lrn(const trt_dims_t *dims, int64_t size, int threads, uint64_t seed) {
  int64_t count = trt_dims_volume(dims), channels = dims->d[1];
  int64_t plane = count / (dims->d[0] * channels);
  test_rng_t rng = test_rng(seed);
  float *x = test_random_floats(&rng, count, -3.0f, 3.0f);
  trt_lrn_params_t params = {.size = size, .alpha = 0.4f, .beta = 0.75f, .bias = 1.5f};
  trt_network_t *network =
      make_layer(TRT_LAYER_LRN, &params, dims, TRT_DATA_TYPE_FLOAT32, NULL, 0, 1);
  CHECK_OK(trt_network_infer_shapes(network));
  float *y = malloc((size_t)count * sizeof(float));
  float *expected = malloc((size_t)count * sizeof(float));
  for (int64_t i = 0; i < count; i++) {
    int64_t c = (i / plane) % channels;
    double sum = 0;
    /* ONNX: channels c - floor((size-1)/2) .. c + ceil((size-1)/2). */
    for (int64_t k = c - (int64_t)floor((size - 1) / 2.0);
         k <= c + (int64_t)ceil((size - 1) / 2.0); k++)
      if (k >= 0 && k < channels) {
        double v = x[i + (k - c) * plane];
        sum += v * v;
      }
    expected[i] = (float)(x[i] / pow(1.5 + 0.4 / size * sum, 0.75));
  }
  CHECK_OK(test_run_layer(network, 0, (const void *[8]){x}, (void *[]){y}, threads));
  CHECK_BELOW(test_relative_l2(y, expected, count), 1e-5);
  trt_network_destroy(network);
  free(x), free(y), free(expected);
}

static void test_errors(void) {
  trt_dims_t x = DIMS(2, 5, 3, 3), four = DIMS(4), five = DIMS(5);
  float values[5] = {1, 1, 1, 1, 1};
  trt_norm_params_t params = {.epsilon = 1e-5f};
  operand_t operands[] = {{"scale", four, values}, {"bias", five, values},
                          {"mean", five, values}, {"var", five, values}};
  trt_network_t *network =
      make_layer(TRT_LAYER_BATCH_NORM, &params, &x, TRT_DATA_TYPE_FLOAT32, operands, 4, 1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "scale has dims 4, expected 5 channel values"));
  trt_network_destroy(network);

  params.axis = 4;
  operand_t scale_only[] = {{"scale", five, values}};
  network = make_layer(TRT_LAYER_LAYER_NORM, &params, &x, TRT_DATA_TYPE_FLOAT32, scale_only, 1, 1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "axis 4 is out of range for rank 4"));
  trt_network_destroy(network);

  params.axis = -1; /* normalized dims are [3]: scale [5] does not fit */
  network = make_layer(TRT_LAYER_LAYER_NORM, &params, &x, TRT_DATA_TYPE_FLOAT32, scale_only, 1, 1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "scale dims 5 do not broadcast to the normalized dims 3"));
  trt_network_destroy(network);

  operand_t instance_operands[] = {{"scale", five, values}, {"bias", five, values}};
  network = make_layer(TRT_LAYER_INSTANCE_NORM, &params, &x, TRT_DATA_TYPE_FLOAT64,
                       instance_operands, 2, 1);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "input type float64 is not supported"));
  trt_network_destroy(network);
}

int main(void) {
  trt_dims_t nchw = DIMS(2, 5, 7, 3), nc = DIMS(3, 7), big = DIMS(2, 6, 61, 67);
  test_batch_norm(&nchw, 1, 1);
  test_batch_norm(&nc, 1, 2);
  test_batch_norm(&big, 3, 3);
  test_instance_norm(&nchw, 1, 4);
  test_instance_norm(&big, 3, 5);

  trt_dims_t x4 = DIMS(2, 3, 5, 7), x3 = DIMS(3, 4, 129);
  trt_dims_t s57 = DIMS(5, 7), s7 = DIMS(7), s357 = DIMS(3, 5, 7), s51 = DIMS(5, 1);
  trt_dims_t s129 = DIMS(129), all4 = DIMS(2, 3, 5, 7);
  test_layer_norm(&x4, -2, &s57, true, 1, 6);
  test_layer_norm(&x4, -2, &s7, true, 1, 7);   /* scale broadcast along the rows */
  test_layer_norm(&x4, -2, &s51, false, 1, 8); /* ... and along the columns */
  test_layer_norm(&x4, 1, &s357, false, 2, 9);
  test_layer_norm(&x4, 0, &all4, true, 1, 10);
  test_layer_norm(&x3, -1, &s129, true, 2, 11);

  trt_dims_t lrn_dims = DIMS(2, 7, 5, 4);
  test_lrn(&lrn_dims, 3, 1, 12);
  test_lrn(&lrn_dims, 4, 2, 13); /* even size: window is asymmetric */
  test_lrn(&lrn_dims, 1, 1, 14);
  test_lrn(&lrn_dims, 11, 1, 15); /* wider than the channels */
  test_errors();
  return test_finish("test_normalization");
}
