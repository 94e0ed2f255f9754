/* MatMul (numpy semantics: 1-D operands, batch broadcasting) and Gemm
 * (transposes, alpha, beta, C broadcast, fused activation) against naive
 * loops with double accumulation, on odd shapes with 1 and 2 threads; plus
 * shape-inference errors.
 * Tolerance: relative L2 <= 1e-5 (FP32 sums of up to ~300 products). */
#include <string.h>

#include "test_util.h"

static trt_dims_t dims_of(int nb_dims, const int64_t *d) {
  return trt_dims_make(nb_dims, d);
}

/* Reference: promotes 1-D operands, broadcasts batch dims of the output. */
static void reference_matmul(const trt_dims_t *a, const float *av, const trt_dims_t *b,
                             const float *bv, const trt_dims_t *y, float *yv) {
  const int64_t m = a->nb_dims > 1 ? a->d[a->nb_dims - 2] : 1, k = a->d[a->nb_dims - 1];
  const int64_t n = b->nb_dims > 1 ? b->d[b->nb_dims - 1] : 1;
  const int batch_rank = y->nb_dims - (a->nb_dims > 1) - (b->nb_dims > 1);
  int64_t batches = 1;
  for (int i = 0; i < batch_rank; i++)
    batches *= y->d[i];
  for (int64_t batch = 0; batch < batches; batch++) {
    /* Offsets of the operands' matrices: walk the batch index right to left. */
    int64_t a_offset = 0, b_offset = 0, a_stride = m * k, b_stride = k * n, rest = batch;
    for (int i = batch_rank - 1; i >= 0; i--) {
      const int64_t index = rest % y->d[i];
      rest /= y->d[i];
      const int ia = i - (batch_rank - (a->nb_dims - 2)), ib = i - (batch_rank - (b->nb_dims - 2));
      const int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
      a_offset += (da == 1 ? 0 : index) * a_stride;
      b_offset += (db == 1 ? 0 : index) * b_stride;
      a_stride *= da;
      b_stride *= db;
    }
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        double sum = 0;
        for (int64_t p = 0; p < k; p++)
          sum += (double)av[a_offset + i * k + p] * bv[b_offset + p * n + j];
        yv[batch * m * n + i * n + j] = (float)sum;
      }
  }
}

static void matmul_case(int rank_a, const int64_t *a_d, int rank_b, const int64_t *b_d, int rank_y,
                        const int64_t *y_d, uint64_t seed) {
  const trt_dims_t a = dims_of(rank_a, a_d), b = dims_of(rank_b, b_d);
  const trt_dims_t want = dims_of(rank_y, y_d);
  test_rng_t rng = test_rng(seed);
  float *av = test_random_floats(&rng, trt_dims_volume(&a), -1, 1);
  float *bv = test_random_floats(&rng, trt_dims_volume(&b), -1, 1);
  trt_network_t *network = trt_network_create();
  int inputs[2] = {trt_network_add_input(network, "a", TRT_DATA_TYPE_FLOAT32, &a),
                   trt_network_add_input(network, "b", TRT_DATA_TYPE_FLOAT32, &b)};
  CHECK(trt_network_add_layer(network, TRT_LAYER_MATMUL, "matmul", inputs, 2, NULL, 1, NULL) == 0);
  CHECK_OK(trt_network_infer_shapes(network));
  const trt_dims_t y = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  char got[64], expected_dims[64];
  if (!trt_dims_equal(&y, &want))
    fprintf(stderr, "matmul dims %s, expected %s\n", trt_dims_format(&y, got, sizeof got),
            trt_dims_format(&want, expected_dims, sizeof expected_dims));
  CHECK(trt_dims_equal(&y, &want));
  if (trt_dims_equal(&y, &want)) {
    const int64_t count = trt_dims_volume(&y);
    float *expected = malloc((size_t)(count ? count : 1) * sizeof(float));
    float *out = malloc((size_t)(count ? count : 1) * sizeof(float));
    reference_matmul(&a, av, &b, bv, &y, expected);
    for (int threads = 1; threads <= 2; threads++) {
      const void *in[] = {av, bv};
      void *outs[] = {out};
      CHECK_OK(test_run_layer(network, 0, in, outs, threads));
      CHECK_BELOW(test_relative_l2(out, expected, count), 1e-5);
    }
    free(expected);
    free(out);
  }
  trt_network_destroy(network);
  free(av);
  free(bv);
}

static void test_matmul(void) {
  matmul_case(2, (int64_t[]){7, 13}, 2, (int64_t[]){13, 5}, 2, (int64_t[]){7, 5}, 1);
  matmul_case(1, (int64_t[]){13}, 2, (int64_t[]){13, 5}, 1, (int64_t[]){5}, 2);
  matmul_case(2, (int64_t[]){7, 13}, 1, (int64_t[]){13}, 1, (int64_t[]){7}, 3);
  matmul_case(1, (int64_t[]){13}, 1, (int64_t[]){13}, 0, (int64_t[]){0}, 4);
  matmul_case(3, (int64_t[]){3, 7, 13}, 2, (int64_t[]){13, 5}, 3, (int64_t[]){3, 7, 5}, 5);
  matmul_case(4, (int64_t[]){2, 1, 7, 9}, 3, (int64_t[]){3, 9, 4}, 4, (int64_t[]){2, 3, 7, 4}, 6);
  matmul_case(1, (int64_t[]){9}, 4, (int64_t[]){2, 3, 9, 4}, 3, (int64_t[]){2, 3, 4}, 7);
  matmul_case(4, (int64_t[]){2, 3, 5, 9}, 1, (int64_t[]){9}, 3, (int64_t[]){2, 3, 5}, 8);
  /* Many small products (batch-parallel path) and one large one. */
  matmul_case(3, (int64_t[]){40, 6, 17}, 3, (int64_t[]){40, 17, 11}, 3, (int64_t[]){40, 6, 11}, 9);
  matmul_case(2, (int64_t[]){129, 300}, 2, (int64_t[]){300, 257}, 2, (int64_t[]){129, 257}, 10);
}

static void reference_gemm(const trt_gemm_params_t *p, int64_t m, int64_t n, int64_t k,
                           const float *a, const float *b, const trt_dims_t *c_dims, const float *c,
                           float *y) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) {
      double sum = 0;
      for (int64_t q = 0; q < k; q++)
        sum += (double)(p->transpose_a ? a[q * m + i] : a[i * k + q]) *
               (p->transpose_b ? b[j * k + q] : b[q * n + j]);
      double value = p->alpha * sum;
      if (c) {
        /* Unidirectional broadcast of C (rank <= 2) to m x n. */
        const int rank = c_dims->nb_dims;
        const int64_t rows = rank == 2 ? c_dims->d[0] : 1,
                      cols = rank >= 1 ? c_dims->d[rank - 1] : 1;
        value += p->beta * (double)c[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
      }
      y[i * n + j] = trt_activation_apply(&p->activation, (float)value);
    }
}

static void gemm_case(bool transpose_a, bool transpose_b, float alpha, float beta, int c_rank,
                      const int64_t *c_d, trt_activation_kind_t activation, uint64_t seed) {
  const int64_t m = 19, n = 37, k = 23;
  const trt_dims_t a = transpose_a ? dims_of(2, (int64_t[]){k, m}) : dims_of(2, (int64_t[]){m, k});
  const trt_dims_t b = transpose_b ? dims_of(2, (int64_t[]){n, k}) : dims_of(2, (int64_t[]){k, n});
  const trt_dims_t c = c_rank >= 0 ? dims_of(c_rank, c_d) : (trt_dims_t){0};
  test_rng_t rng = test_rng(seed);
  float *av = test_random_floats(&rng, m * k, -1, 1), *bv = test_random_floats(&rng, k * n, -1, 1);
  float *cv = test_random_floats(&rng, m * n, -1, 1);
  trt_gemm_params_t params = {alpha, beta, transpose_a, transpose_b, {activation, 0.2f, 0.0f}};
  trt_network_t *network = trt_network_create();
  int inputs[3] = {
      trt_network_add_input(network, "a", TRT_DATA_TYPE_FLOAT32, &a),
      trt_network_add_constant(network, "b", TRT_DATA_TYPE_FLOAT32, &b, bv),
      c_rank >= 0 ? trt_network_add_constant(network, "c", TRT_DATA_TYPE_FLOAT32, &c, cv) : -1};
  CHECK(trt_network_add_layer(network, TRT_LAYER_GEMM, "gemm", inputs, c_rank >= 0 ? 3 : 2, NULL, 1,
                              &params) == 0);
  CHECK_OK(trt_network_infer_shapes(network));
  const trt_dims_t y = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  CHECK(y.nb_dims == 2 && y.d[0] == m && y.d[1] == n);
  float expected[19 * 37], out[19 * 37];
  reference_gemm(&params, m, n, k, av, bv, &c, c_rank >= 0 ? cv : NULL, expected);
  for (int threads = 1; threads <= 2; threads++) {
    const void *in[] = {av, NULL, NULL};
    void *outs[] = {out};
    CHECK_OK(test_run_layer(network, 0, in, outs, threads));
    const double error = test_relative_l2(out, expected, m * n);
    if (!(error <= 1e-5))
      fprintf(stderr, "gemm ta %d tb %d alpha %g beta %g c rank %d\n", transpose_a, transpose_b,
              alpha, beta, c_rank);
    CHECK_BELOW(error, 1e-5);
  }
  trt_network_destroy(network);
  free(av);
  free(bv);
  free(cv);
}

static void test_gemm_layer(void) {
  uint64_t seed = 100;
  for (int t = 0; t < 4; t++)
    gemm_case(t & 1, t >> 1, 1.0f, 1.0f, 2, (int64_t[]){19, 37}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(false, false, 0.5f, 2.0f, 1, (int64_t[]){37}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(false, true, 1.0f, 1.0f, 1, (int64_t[]){37}, TRT_ACTIVATION_RELU, seed++);
  gemm_case(false, false, 1.0f, 1.0f, 2, (int64_t[]){1, 37}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(false, false, 1.0f, -1.5f, 2, (int64_t[]){19, 1}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(true, false, 1.0f, 1.0f, 1, (int64_t[]){1}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(false, false, 1.0f, 3.0f, 0, NULL, TRT_ACTIVATION_NONE, seed++); /* scalar C */
  gemm_case(false, false, 2.0f, 0.0f, 2, (int64_t[]){19, 37}, TRT_ACTIVATION_NONE, seed++);
  gemm_case(true, true, -1.0f, 0.0f, -1, NULL, TRT_ACTIVATION_LEAKY_RELU, seed++); /* no C */
}

static void test_errors(void) {
  trt_network_t *network = trt_network_create();
  int inputs[2] = {
      trt_network_add_input(network, "a", TRT_DATA_TYPE_FLOAT32, &(trt_dims_t){2, {4, 6}}),
      trt_network_add_input(network, "b", TRT_DATA_TYPE_FLOAT32, &(trt_dims_t){2, {5, 3}})};
  CHECK(trt_network_add_layer(network, TRT_LAYER_MATMUL, "matmul", inputs, 2, NULL, 1, NULL) == 0);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "inner dimensions differ: 4x6 x 5x3 (6 vs 5)"));
  trt_network_destroy(network);

  network = trt_network_create();
  inputs[0] =
      trt_network_add_input(network, "a", TRT_DATA_TYPE_FLOAT32, &(trt_dims_t){3, {2, 4, 6}});
  inputs[1] =
      trt_network_add_input(network, "b", TRT_DATA_TYPE_FLOAT32, &(trt_dims_t){3, {3, 6, 3}});
  CHECK(trt_network_add_layer(network, TRT_LAYER_MATMUL, "matmul", inputs, 2, NULL, 1, NULL) == 0);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "do not broadcast"));
  trt_network_destroy(network);

  network = trt_network_create();
  inputs[0] = trt_network_add_input(network, "a", TRT_DATA_TYPE_INT64, &(trt_dims_t){2, {2, 4}});
  inputs[1] = trt_network_add_input(network, "b", TRT_DATA_TYPE_INT64, &(trt_dims_t){2, {4, 3}});
  trt_gemm_params_t params = {1.0f, 1.0f, false, false, {TRT_ACTIVATION_NONE, 0, 0}};
  CHECK(trt_network_add_layer(network, TRT_LAYER_GEMM, "gemm", inputs, 2, NULL, 1, &params) == 0);
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "Gemm: input type int64 is not supported"));
  trt_network_destroy(network);
}

int main(void) {
  test_matmul();
  test_gemm_layer();
  test_errors();
  return test_finish("test_matmul");
}
