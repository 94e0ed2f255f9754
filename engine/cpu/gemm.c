/* Blocked, threaded SGEMM (see gemm.h).
 *
 * Layout: A is packed once per call, alpha folded in, into panels of MR rows
 * (for each K block, kc columns of MR floats). C is cut into tiles of at most
 * mc x nc; each tile is one task: per K block it packs its kc x nc slice of B
 * (which then stays in L2) and sweeps MR x NR micro-tiles, each an
 * accumulation over kc in registers. The epilogue (bias, activation) runs on
 * each MR-row strip of the tile right after its last K block, while hot. */
#include "cpu/gemm.h"

#include <stdlib.h>
#include <string.h>

#include "numerics/activation.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GEMM_HAVE_X86 1
#else
#define GEMM_HAVE_X86 0
#endif

#define MR        6
#define NR        TRT_SGEMM_NR
#define KC        256 /* a 6 x 256 A panel (6 KiB) stays in L1 */
#define NC_MAX    512 /* a 256 x 512 B block (512 KiB) stays in L2 */
#define NC_MIN    64
#define ALIGNMENT 64

static int64_t min64(int64_t a, int64_t b) {
  return a < b ? a : b;
}
static int64_t max64(int64_t a, int64_t b) {
  return a > b ? a : b;
}
static int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}
static int64_t round_up(int64_t a, int64_t b) {
  return ceil_div(a, b) * b;
}

bool trt_sgemm_uses_avx2(void) {
#if GEMM_HAVE_X86
  /* Checked once; -1 until then. Relaxed atomics: every thread computes the
   * same answer. */
  static int cached = -1;
  int answer = __atomic_load_n(&cached, __ATOMIC_RELAXED);
  if (answer < 0) {
    __builtin_cpu_init();
    answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    __atomic_store_n(&cached, answer, __ATOMIC_RELAXED);
  }
  return answer;
#else
  return false;
#endif
}

/* ---- activation over a span -------------------------------------------- */

/* Written so the compiler vectorizes the common kinds (one loop per kind
 * around numerics/activation.h's function for it); compiled twice below,
 * for the baseline ISA and for AVX2. */
static inline __attribute__((always_inline)) void
activation_span_body(const trt_activation_t *activation, float *data, int64_t n) {
  const float alpha = activation->alpha, beta = activation->beta;
  switch (activation->kind) {
  case TRT_ACTIVATION_NONE: break;
  case TRT_ACTIVATION_RELU:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_relu(data[i]);
    break;
  case TRT_ACTIVATION_LEAKY_RELU:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_leaky_relu(data[i], alpha);
    break;
  case TRT_ACTIVATION_CLIP:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_clip(data[i], alpha, beta);
    break;
  case TRT_ACTIVATION_HARD_SIGMOID:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_hard_sigmoid(data[i], alpha, beta);
    break;
  case TRT_ACTIVATION_HARD_SWISH:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_hard_swish(data[i]);
    break;
  case TRT_ACTIVATION_SCALE_SHIFT:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_scale_shift(data[i], alpha, beta);
    break;
  default:
    for (int64_t i = 0; i < n; i++)
      data[i] = trt_activation_eval(activation->kind, data[i], alpha, beta);
    break;
  }
}

static void activation_span_generic(const trt_activation_t *activation, float *data, int64_t n) {
  activation_span_body(activation, data, n);
}

#if GEMM_HAVE_X86
__attribute__((target("avx2,fma"))) static void
activation_span_avx2(const trt_activation_t *activation, float *data, int64_t n) {
  activation_span_body(activation, data, n);
}
#endif

void trt_activation_apply_span(const trt_activation_t *activation, float *data, int64_t n) {
  if (activation->kind == TRT_ACTIVATION_NONE)
    return;
#if GEMM_HAVE_X86
  if (trt_sgemm_uses_avx2()) {
    activation_span_avx2(activation, data, n);
    return;
  }
#endif
  activation_span_generic(activation, data, n);
}

/* ---- micro-kernels: C[MR x NR] (+)= packed A panel * packed B panel ------ */

typedef void (*micro_kernel_fn)(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                bool accumulate);

static void micro_kernel_generic(int64_t kc, const float *a, const float *b, float *c, int64_t ldc,
                                 bool accumulate) {
  float acc[MR][NR] = {{0}};
  for (int64_t k = 0; k < kc; k++, a += MR, b += NR)
    for (int i = 0; i < MR; i++)
      for (int j = 0; j < NR; j++)
        acc[i][j] += a[i] * b[j];
  for (int i = 0; i < MR; i++)
    for (int j = 0; j < NR; j++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#if GEMM_HAVE_X86
/* 6 x 16: twelve accumulators, two B vectors and one broadcast of A live in
 * the 16 ymm registers. */
__attribute__((target("avx2,fma"))) static void micro_kernel_avx2(int64_t kc, const float *a,
                                                                  const float *b, float *c,
                                                                  int64_t ldc, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#define GEMM_FMA_ROW(row)                                                                          \
  do {                                                                                             \
    __m256 a_broadcast = _mm256_broadcast_ss(a + row);                                             \
    c##row##0 = _mm256_fmadd_ps(a_broadcast, b0, c##row##0);                                       \
    c##row##1 = _mm256_fmadd_ps(a_broadcast, b1, c##row##1);                                       \
  } while (0)
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; k++) {
    __m256 b0 = _mm256_load_ps(b);
    __m256 b1 = _mm256_load_ps(b + 8);
    GEMM_FMA_ROW(0);
    GEMM_FMA_ROW(1);
    GEMM_FMA_ROW(2);
    GEMM_FMA_ROW(3);
    GEMM_FMA_ROW(4);
    GEMM_FMA_ROW(5);
    a += MR;
    b += NR;
  }
#undef GEMM_FMA_ROW
#define GEMM_STORE_ROW(row)                                                                        \
  do {                                                                                             \
    float *c_row = c + (row)*ldc;                                                                  \
    if (accumulate) {                                                                              \
      c##row##0 = _mm256_add_ps(_mm256_loadu_ps(c_row), c##row##0);                                \
      c##row##1 = _mm256_add_ps(_mm256_loadu_ps(c_row + 8), c##row##1);                            \
    }                                                                                              \
    _mm256_storeu_ps(c_row, c##row##0);                                                            \
    _mm256_storeu_ps(c_row + 8, c##row##1);                                                        \
  } while (0)
  GEMM_STORE_ROW(0);
  GEMM_STORE_ROW(1);
  GEMM_STORE_ROW(2);
  GEMM_STORE_ROW(3);
  GEMM_STORE_ROW(4);
  GEMM_STORE_ROW(5);
#undef GEMM_STORE_ROW
}
#endif

static micro_kernel_fn select_micro_kernel(void) {
#if GEMM_HAVE_X86
  if (trt_sgemm_uses_avx2())
    return micro_kernel_avx2;
#endif
  return micro_kernel_generic;
}

/* A partial micro-tile (M or N edge) goes through a local buffer. */
static void micro_tile(micro_kernel_fn kernel, int64_t kc, const float *a, const float *b, float *c,
                       int64_t ldc, int64_t rows, int64_t cols, bool accumulate) {
  if (rows == MR && cols == NR) {
    kernel(kc, a, b, c, ldc, accumulate);
    return;
  }
  float tile[MR * NR] __attribute__((aligned(ALIGNMENT)));
  kernel(kc, a, b, tile, NR, false);
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

/* ---- packing ------------------------------------------------------------ */

/* Rows i0..i0+MR of alpha * op(A), every K block, zero past row m. */
static void pack_a_panel(const trt_sgemm_t *gemm, int64_t i0, int64_t m_padded, float *packed) {
  const int64_t rows = min64(MR, gemm->m - i0);
  for (int64_t k0 = 0; k0 < gemm->k; k0 += KC) {
    const int64_t kc = min64(KC, gemm->k - k0);
    float *dest = packed + k0 * m_padded + i0 * kc;
    if (rows < MR)
      memset(dest, 0, (size_t)(kc * MR) * sizeof(float));
    for (int64_t i = 0; i < rows; i++) {
      if (gemm->transpose_a) {
        const float *src = gemm->a + k0 * gemm->lda + (i0 + i);
        for (int64_t k = 0; k < kc; k++)
          dest[k * MR + i] = gemm->alpha * src[k * gemm->lda];
      } else {
        const float *src = gemm->a + (i0 + i) * gemm->lda + k0;
        for (int64_t k = 0; k < kc; k++)
          dest[k * MR + i] = gemm->alpha * src[k];
      }
    }
  }
}

/* The default B packer: op(B) from a stored matrix. */
static void pack_b_matrix(const void *source, int64_t k0, int64_t kc, int64_t n0, int64_t nc,
                          float *packed) {
  const trt_sgemm_t *gemm = source;
  for (int64_t p = 0; p * NR < nc; p++) {
    const int64_t j0 = n0 + p * NR, cols = min64(NR, nc - p * NR);
    float *dest = packed + p * NR * kc;
    if (cols < NR)
      memset(dest, 0, (size_t)(kc * NR) * sizeof(float));
    if (gemm->transpose_b) {
      for (int64_t j = 0; j < cols; j++) {
        const float *src = gemm->b + (j0 + j) * gemm->ldb + k0;
        for (int64_t k = 0; k < kc; k++)
          dest[k * NR + j] = src[k];
      }
    } else {
      for (int64_t k = 0; k < kc; k++)
        memcpy(dest + k * NR, gemm->b + (k0 + k) * gemm->ldb + j0, (size_t)cols * sizeof(float));
    }
  }
}

/* ---- planning and tiles ------------------------------------------------- */

typedef struct {
  const trt_sgemm_t *gemm;
  micro_kernel_fn kernel;
  int64_t m_padded;
  int64_t mc, nc; /* tile size; mc a multiple of MR, nc of NR */
  int64_t m_tiles, n_tiles;
  float *packed_a;
  char *thread_space; /* one packed-B block per thread */
  size_t thread_bytes;
} gemm_plan_t;

static size_t align_bytes(size_t bytes) {
  return (bytes + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1);
}

/* Tiles: wide enough to amortize packing, and enough of them (about four per
 * thread) to keep every thread busy when there is parallelism to have. */
static void plan_tiles(const trt_sgemm_t *gemm, int threads, gemm_plan_t *plan) {
  const int64_t n_padded = round_up(max64(gemm->n, 1), NR);
  plan->m_padded = round_up(max64(gemm->m, 1), MR);
  const int64_t wanted_tasks = threads > 1 ? 4 * (int64_t)threads : 1;
  int64_t nc = round_up(ceil_div(n_padded, wanted_tasks), NR);
  nc = min64(NC_MAX, max64(nc, min64(NC_MIN, n_padded)));
  plan->nc = nc;
  plan->n_tiles = ceil_div(n_padded, nc);
  int64_t m_tiles = 1;
  if (plan->n_tiles < wanted_tasks)
    m_tiles = min64(ceil_div(wanted_tasks, plan->n_tiles), plan->m_padded / (4 * MR));
  m_tiles = max64(m_tiles, 1);
  plan->mc = round_up(ceil_div(plan->m_padded, m_tiles), MR);
  plan->m_tiles = ceil_div(plan->m_padded, plan->mc);
}

size_t trt_sgemm_workspace_size(const trt_sgemm_t *gemm, int threads) {
  gemm_plan_t plan;
  plan_tiles(gemm, threads > 0 ? threads : 1, &plan);
  const int64_t kc = min64(KC, max64(gemm->k, 1));
  const size_t packed_a = align_bytes((size_t)(plan.m_padded * gemm->k) * sizeof(float));
  const size_t packed_b = align_bytes((size_t)(kc * plan.nc) * sizeof(float));
  return packed_a + (size_t)(threads > 0 ? threads : 1) * packed_b;
}

static void scale_block(float *c, int64_t ldc, int64_t rows, int64_t cols, float beta) {
  for (int64_t i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    if (beta == 0.0f)
      memset(row, 0, (size_t)cols * sizeof(float));
    else
      for (int64_t j = 0; j < cols; j++)
        row[j] *= beta;
  }
}

static void apply_epilogue(const trt_sgemm_t *gemm, int64_t i0, int64_t i1, int64_t j0,
                           int64_t j1) {
  for (int64_t i = i0; i < i1; i++) {
    float *row = gemm->c + i * gemm->ldc + j0;
    if (gemm->bias && gemm->bias_per_column) {
      for (int64_t j = 0; j < j1 - j0; j++)
        row[j] += gemm->bias[j0 + j];
    } else if (gemm->bias) {
      const float value = gemm->bias[i];
      for (int64_t j = 0; j < j1 - j0; j++)
        row[j] += value;
    }
    trt_activation_apply_span(&gemm->activation, row, j1 - j0);
  }
}

static void run_tile(const gemm_plan_t *plan, int64_t tile, float *packed_b) {
  const trt_sgemm_t *gemm = plan->gemm;
  const int64_t m0 = (tile / plan->n_tiles) * plan->mc, n0 = (tile % plan->n_tiles) * plan->nc;
  const int64_t m1 = min64(m0 + plan->mc, gemm->m), n1 = min64(n0 + plan->nc, gemm->n);
  if (m0 >= m1 || n0 >= n1)
    return;
  float *c = gemm->c;
  const int64_t ldc = gemm->ldc;
  /* beta other than 0 and 1 is applied up front; the kernels then add. */
  if (gemm->k == 0 || (gemm->beta != 0.0f && gemm->beta != 1.0f))
    scale_block(c + m0 * ldc + n0, ldc, m1 - m0, n1 - n0, gemm->beta);
  trt_sgemm_pack_b_fn pack_b = gemm->pack_b ? gemm->pack_b : pack_b_matrix;
  const void *source = gemm->pack_b ? gemm->pack_b_source : (const void *)gemm;
  for (int64_t k0 = 0; k0 < gemm->k; k0 += KC) {
    const int64_t kc = min64(KC, gemm->k - k0);
    const bool accumulate = k0 > 0 || gemm->beta != 0.0f;
    pack_b(source, k0, kc, n0, n1 - n0, packed_b);
    for (int64_t i0 = m0; i0 < m1; i0 += MR) {
      const float *a_panel = plan->packed_a + k0 * plan->m_padded + i0 * kc;
      const int64_t rows = min64(MR, m1 - i0);
      for (int64_t j0 = n0; j0 < n1; j0 += NR)
        micro_tile(plan->kernel, kc, a_panel, packed_b + (j0 - n0) * kc, c + i0 * ldc + j0, ldc,
                   rows, min64(NR, n1 - j0), accumulate);
      if (k0 + kc >= gemm->k)
        apply_epilogue(gemm, i0, i0 + rows, n0, n1);
    }
  }
  if (gemm->k == 0)
    apply_epilogue(gemm, m0, m1, n0, n1);
}

static void pack_a_task(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const gemm_plan_t *plan = arg;
  for (int64_t panel = begin; panel < end; panel++)
    pack_a_panel(plan->gemm, panel * MR, plan->m_padded, plan->packed_a);
}

static void tile_task(void *arg, int64_t begin, int64_t end, int thread) {
  const gemm_plan_t *plan = arg;
  float *packed_b = (float *)(plan->thread_space + (size_t)thread * plan->thread_bytes);
  for (int64_t tile = begin; tile < end; tile++)
    run_tile(plan, tile, packed_b);
}

void trt_sgemm_run(const trt_sgemm_t *gemm, void *workspace, trt_cpu_context_t *cpu) {
  if (gemm->m <= 0 || gemm->n <= 0)
    return;
  const int threads = cpu ? trt_cpu_context_threads(cpu) : 1;
  gemm_plan_t plan = {.gemm = gemm, .kernel = select_micro_kernel()};
  plan_tiles(gemm, threads, &plan);
  const int64_t kc = min64(KC, max64(gemm->k, 1));
  plan.packed_a = workspace;
  plan.thread_space =
      (char *)workspace + align_bytes((size_t)(plan.m_padded * gemm->k) * sizeof(float));
  plan.thread_bytes = align_bytes((size_t)(kc * plan.nc) * sizeof(float));
  if (gemm->k > 0)
    trt_cpu_parallel_for(cpu, plan.m_padded / MR, 4, pack_a_task, &plan);
  trt_cpu_parallel_for(cpu, plan.m_tiles * plan.n_tiles, 1, tile_task, &plan);
}

trt_status_t trt_sgemm(const trt_sgemm_t *gemm, trt_cpu_context_t *cpu) {
  if (gemm->m <= 0 || gemm->n <= 0)
    return TRT_STATUS_OK;
  const int threads = cpu ? trt_cpu_context_threads(cpu) : 1;
  const size_t bytes = trt_sgemm_workspace_size(gemm, threads);
  if (cpu) {
    void *workspace = trt_cpu_scratch(cpu, bytes);
    if (!workspace)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "SGEMM: cannot allocate %zu bytes of workspace",
                       bytes);
    trt_sgemm_run(gemm, workspace, cpu);
    return TRT_STATUS_OK;
  }
  void *workspace = aligned_alloc(ALIGNMENT, align_bytes(bytes));
  if (!workspace)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "SGEMM: cannot allocate %zu bytes of workspace",
                     bytes);
  trt_sgemm_run(gemm, workspace, NULL);
  free(workspace);
  return TRT_STATUS_OK;
}
