/* Single-precision matrix multiply for the CPU backend: packed panels, a
 * register-blocked micro-kernel (AVX2+FMA when the CPU has it, portable C
 * otherwise), cache blocking over K and N, and threads over blocks of C.
 *
 *   C = alpha * op(A) * op(B) + beta * C, then C += bias, then C = act(C)
 *
 * op(A) is m x k and op(B) is k x n, both row-major with leading dimensions
 * lda / ldb (of the stored matrix, before the transpose). Convolution feeds B
 * straight from its input image through a custom panel packer (implicit
 * im2col), so the packed-B layout is part of this interface. */
#ifndef TRT_CPU_GEMM_H
#define TRT_CPU_GEMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu_context.h"
#include "trt/network.h"

/* Columns per packed-B panel. A packer writes, for each panel of NR columns
 * starting at n0 + p * NR, kc rows of NR floats (row r holds op(B)[k0 + r][...]),
 * panels one after another; columns past the block's end are zero. */
#define TRT_SGEMM_NR 16

/* Packs the k0..k0+kc x n0..n0+nc block of op(B) in the layout above. */
typedef void (*trt_sgemm_pack_b_fn)(const void *source, int64_t k0, int64_t kc, int64_t n0,
                                    int64_t nc, float *packed);

typedef struct {
  int64_t m, n, k;
  const float *a;
  int64_t lda;
  bool transpose_a;
  /* Either a matrix (b, ldb, transpose_b) or a packer with its source. */
  const float *b;
  int64_t ldb;
  bool transpose_b;
  trt_sgemm_pack_b_fn pack_b;
  const void *pack_b_source;
  float *c;
  int64_t ldc;
  float alpha;
  float beta; /* 0: C is not read (may hold garbage or NaN) */
  /* Epilogue: bias (NULL for none), one value per row of C, or per column
   * when bias_per_column; then the activation (kind NONE for none). */
  const float *bias;
  bool bias_per_column;
  trt_activation_t activation;
} trt_sgemm_t;

/* Bytes of workspace trt_sgemm_run() needs with `threads` threads. */
size_t trt_sgemm_workspace_size(const trt_sgemm_t *gemm, int threads);

/* Runs the multiply on the pool's threads (inline when cpu is NULL).
 * `workspace`: trt_sgemm_workspace_size() bytes, 64-byte aligned. */
void trt_sgemm_run(const trt_sgemm_t *gemm, void *workspace, trt_cpu_context_t *cpu);

/* Same, taking its workspace from trt_cpu_scratch(cpu), or from malloc when
 * cpu is NULL. Fails only when out of memory. */
trt_status_t trt_sgemm(const trt_sgemm_t *gemm, trt_cpu_context_t *cpu);

/* Applies `activation` to n floats in place (numerics/activation.h),
 * vectorized for the common kinds. */
void trt_activation_apply_span(const trt_activation_t *activation, float *data, int64_t n);

/* True when the AVX2+FMA kernels run on this CPU (for benchmarks/tests). */
bool trt_sgemm_uses_avx2(void);

#endif
