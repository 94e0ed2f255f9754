/* The blocked SGEMM against a naive double-precision triple loop on odd
 * sizes (edges of the 6 x 16 micro-tile, several K blocks, several N and M
 * tiles), every transpose combination, alpha/beta, bias per row and per
 * column, a fused activation, and 1 and 2 threads.
 * Tolerance: relative L2 <= 1e-5 (FP32 sums of up to ~600 products). */
#include <string.h>

#include "cpu/gemm.h"
#include "test_util.h"

typedef struct {
  int64_t m, n, k;
  bool transpose_a, transpose_b;
  float alpha, beta;
  int bias; /* 0 none, 1 per row, 2 per column */
  trt_activation_kind_t activation;
} gemm_case_t;

static void reference_gemm(const gemm_case_t *t, const float *a, const float *b, const float *bias,
                           const trt_activation_t *activation, float *c) {
  for (int64_t i = 0; i < t->m; i++) {
    for (int64_t j = 0; j < t->n; j++) {
      double sum = 0;
      for (int64_t p = 0; p < t->k; p++) {
        const float av = t->transpose_a ? a[p * t->m + i] : a[i * t->k + p];
        const float bv = t->transpose_b ? b[j * t->k + p] : b[p * t->n + j];
        sum += (double)av * bv;
      }
      double value = t->alpha * sum + (t->beta != 0.0f ? t->beta * (double)c[i * t->n + j] : 0.0);
      if (t->bias == 1)
        value += bias[i];
      if (t->bias == 2)
        value += bias[j];
      c[i * t->n + j] = trt_activation_apply(activation, (float)value);
    }
  }
}

static void run_case(const gemm_case_t *t, int threads, uint64_t seed) {
  test_rng_t rng = test_rng(seed);
  float *a = test_random_floats(&rng, t->m * t->k, -1.0f, 1.0f);
  float *b = test_random_floats(&rng, t->k * t->n, -1.0f, 1.0f);
  float *bias = test_random_floats(&rng, t->m > t->n ? t->m : t->n, -1.0f, 1.0f);
  float *c = test_random_floats(&rng, t->m * t->n, -1.0f, 1.0f);
  float *expected = malloc((size_t)(t->m * t->n) * sizeof(float));
  memcpy(expected, c, (size_t)(t->m * t->n) * sizeof(float));
  if (t->beta == 0.0f) /* C must not be read: poison it */
    for (int64_t i = 0; i < t->m * t->n; i++)
      c[i] = NAN;
  const trt_activation_t activation = {t->activation, 0.1f, 0.0f};
  reference_gemm(t, a, b, bias, &activation, expected);

  trt_sgemm_t gemm = {
      .m = t->m,
      .n = t->n,
      .k = t->k,
      .a = a,
      .lda = t->transpose_a ? t->m : t->k,
      .transpose_a = t->transpose_a,
      .b = b,
      .ldb = t->transpose_b ? t->k : t->n,
      .transpose_b = t->transpose_b,
      .c = c,
      .ldc = t->n,
      .alpha = t->alpha,
      .beta = t->beta,
      .bias = t->bias ? bias : NULL,
      .bias_per_column = t->bias == 2,
      .activation = activation,
  };
  trt_cpu_context_t *cpu = trt_cpu_context_create(threads);
  CHECK(cpu != NULL);
  CHECK_OK(trt_sgemm(&gemm, cpu));
  trt_cpu_context_destroy(cpu);
  const double error = test_relative_l2(c, expected, t->m * t->n);
  if (!(error <= 1e-5))
    fprintf(stderr,
            "sgemm %lldx%lldx%lld ta %d tb %d alpha %g beta %g bias %d act %d, %d threads\n",
            (long long)t->m, (long long)t->n, (long long)t->k, t->transpose_a, t->transpose_b,
            t->alpha, t->beta, t->bias, t->activation, threads);
  CHECK_BELOW(error, 1e-5);
  free(a);
  free(b);
  free(bias);
  free(c);
  free(expected);
}

static void test_sizes_and_transposes(void) {
  const int64_t sizes[][3] = {{1, 1, 1},     {7, 13, 5},     {6, 16, 8},    {129, 257, 65},
                              {5, 700, 300}, {200, 33, 517}, {1, 1000, 27}, {97, 1, 40}};
  uint64_t seed = 1;
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
    for (int transposes = 0; transposes < 4; transposes++)
      for (int threads = 1; threads <= 2; threads++) {
        gemm_case_t t = {sizes[s][0], sizes[s][1], sizes[s][2], transposes & 1,     transposes >> 1,
                         1.0f,        0.0f,        0,           TRT_ACTIVATION_NONE};
        run_case(&t, threads, seed++);
      }
}

static void test_scaling_and_epilogue(void) {
  const gemm_case_t cases[] = {
      {31, 45, 19, false, false, 0.5f, 1.0f, 0, TRT_ACTIVATION_NONE},
      {31, 45, 19, true, false, -1.25f, 0.75f, 0, TRT_ACTIVATION_NONE},
      {31, 45, 19, false, true, 2.0f, 0.0f, 1, TRT_ACTIVATION_RELU},
      {64, 300, 270, false, false, 1.0f, 0.0f, 1, TRT_ACTIVATION_HARD_SWISH},
      {17, 50, 9, false, false, 1.0f, 1.0f, 2, TRT_ACTIVATION_LEAKY_RELU},
      {17, 50, 9, false, false, 1.0f, 0.0f, 2, TRT_ACTIVATION_SIGMOID},
      {12, 20, 0, false, false, 1.0f, 0.5f, 1, TRT_ACTIVATION_NONE}, /* K = 0: beta C + bias */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int threads = 1; threads <= 2; threads++)
      run_case(&cases[i], threads, 100 + i);
}

/* The vectorized span and trt_activation_apply agree. */
static void test_activation_span(void) {
  const trt_activation_t kinds[] = {
      {TRT_ACTIVATION_RELU, 0, 0},        {TRT_ACTIVATION_LEAKY_RELU, 0.2f, 0},
      {TRT_ACTIVATION_CLIP, -1.0f, 2.5f}, {TRT_ACTIVATION_HARD_SIGMOID, 0.2f, 0.5f},
      {TRT_ACTIVATION_HARD_SWISH, 0, 0},  {TRT_ACTIVATION_TANH, 0, 0},
  };
  test_rng_t rng = test_rng(7);
  float *x = test_random_floats(&rng, 301, -8.0f, 8.0f);
  float y[301];
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    memcpy(y, x, sizeof y);
    trt_activation_apply_span(&kinds[i], y, 301);
    double worst = 0;
    for (int j = 0; j < 301; j++) {
      const double d = fabs((double)y[j] - trt_activation_apply(&kinds[i], x[j]));
      worst = d > worst ? d : worst;
    }
    CHECK_BELOW(worst, 1e-6);
  }
  free(x);
}

int main(void) {
  printf("sgemm kernels: %s\n", trt_sgemm_uses_avx2() ? "AVX2+FMA" : "portable C");
  test_sizes_and_transposes();
  test_scaling_and_epilogue();
  test_activation_span();
  return test_finish("test_gemm");
}
