/* CUDA MatMul (numpy semantics) and Gemm (ONNX) through cuBLAS: FP32, and
 * MatMul also FP16 (FP16 engines: float16 operands and output on tensor
 * cores, accumulated in float32).
 *
 * Row-major products on a column-major library: Y = op(A) op(B) is computed
 * as Y^T = op(B)^T op(A)^T, i.e. cuBLAS sees B as its first operand and A as
 * its second, with n and m swapped, and every leading dimension is the
 * row-major one (views included: a view's strides are its parent's).
 *
 * Tactics (both layer types):
 *   0      cuBLAS: cublasSgemmStridedBatched (cublasSgemm for one product);
 *   1..8   cuBLASLt: cublasLtMatmul with heuristic result id - 1 for the
 *          layer's shape (the order is fixed for a given GPU and cuBLAS
 *          version, which plan files record).
 * MatMul batches: the output's batch dims are merged where every operand's
 * strides allow (broadcast operands have stride 0); the last merged dim is
 * the strided batch, any others are a host loop of launches. When B is
 * broadcast over a batch that A and Y store densely, the batch folds into M
 * (one larger product).
 * Gemm's C: a row vector with beta 1 is the cuBLASLt bias epilogue
 * (RELU_BIAS when the activation is RELU); any other C is broadcast into Y
 * by our epilogue kernel first and the product accumulates with beta. The
 * activation is cuBLASLt's RELU epilogue when it can be, else our epilogue
 * kernel in place. TF32 only when env->allow_tf32 (cuBLAS math mode,
 * cuBLASLt compute type). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_layer_util.h"
#include "cuda/cuda_layers.h"
#include "kernels/conv_epilogue.cuh"

enum {
  TACTIC_CUBLAS = 0,
  TACTIC_LT_FIRST = 1,
  LT_HEURISTICS = 8,
};

/* Workspace cuBLASLt heuristics may plan for; the builder still drops a
 * tactic whose workspace exceeds its own limit. */
#define LT_MAX_WORKSPACE ((uint64_t)32 << 20)
#define MAX_LOOPS TRT_MAX_DIMS

typedef struct {
  const char *op;
  const char *name;
  bool gemm;
  /* Y[m, n] = alpha op(A)[m, k] op(B)[k, n] + beta Y, row-major. */
  int64_t m, n, k;
  bool trans_a, trans_b;
  int64_t lda, ldb, ldc;
  int64_t count, stride_a, stride_b, stride_c; /* the strided batch */
  int nb_loops;                                /* the host loop over the other batch dims */
  int64_t loop_size[MAX_LOOPS], loop_a[MAX_LOOPS], loop_b[MAX_LOOPS], loop_c[MAX_LOOPS];
  float alpha;
  bool empty; /* nothing to compute */
  /* Gemm */
  bool has_c;     /* beta * C is added */
  bool c_is_bias; /* ... as a row vector with beta 1 */
  float beta;
  int64_t c_row_stride, c_col_stride;
  trt_activation_t activation;
  /* Alignment (bytes, at most 16) of every matrix A, B and Y starts at. */
  uint32_t align_a, align_b, align_c;
  bool half;              /* float16 A, B and Y (MatMul in FP16 engines) */
  uint32_t element_bytes; /* 4, or 2 when half */
} mm_geometry_t;

static int64_t max64(int64_t a, int64_t b) {
  return a > b ? a : b;
}

/* The largest power of two (at most 16) dividing `elements` elements'
 * bytes. */
static uint32_t alignment_of(int64_t elements, uint32_t element_bytes) {
  const uint64_t bytes = (uint64_t)elements * element_bytes;
  if (bytes == 0)
    return 16;
  uint32_t align = element_bytes;
  while (align < 16 && bytes % (align * 2) == 0)
    align *= 2;
  return align;
}

static uint32_t min_align(const mm_geometry_t *g, uint32_t a, int64_t elements) {
  const uint32_t b = alignment_of(elements, g->element_bytes);
  return a < b ? a : b;
}

/* Where a view starts inside its parent, in elements. */
static int64_t view_offset(const trt_network_t *network, const trt_tensor_t *tensor) {
  if (tensor->view_parent < 0)
    return 0;
  return trt_tensor_view_layout(network, tensor).offset;
}

static trt_status_t check_float(const trt_tensor_t *tensor) {
  if (tensor && tensor->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "the CUDA backend runs FP32 only (got %s)",
                     trt_data_type_name(tensor->type));
  return TRT_STATUS_OK;
}

/* Merges the batch dims and sets the strided batch and host loop. */
static void plan_batches(mm_geometry_t *g, int nb, const int64_t *size, const int64_t *sa,
                         const int64_t *sb, const int64_t *sc) {
  int64_t msize[TRT_MAX_DIMS], ma[TRT_MAX_DIMS], mb[TRT_MAX_DIMS], mc[TRT_MAX_DIMS];
  int count = 0;
  for (int i = 0; i < nb; i++) {
    if (size[i] == 1)
      continue;
    if (count > 0) {
      const int j = count - 1;
      /* dim j (outer) and dim i (inner) merge when the outer step is the
       * inner step times the inner size, for every operand. */
      if (ma[j] == sa[i] * size[i] && mb[j] == sb[i] * size[i] && mc[j] == sc[i] * size[i]) {
        msize[j] *= size[i];
        ma[j] = sa[i];
        mb[j] = sb[i];
        mc[j] = sc[i];
        continue;
      }
    }
    msize[count] = size[i];
    ma[count] = sa[i];
    mb[count] = sb[i];
    mc[count] = sc[i];
    count++;
  }
  g->count = 1;
  g->stride_a = g->stride_b = g->stride_c = 0;
  g->nb_loops = 0;
  if (count == 0)
    return;
  g->count = msize[count - 1];
  g->stride_a = ma[count - 1];
  g->stride_b = mb[count - 1];
  g->stride_c = mc[count - 1];
  for (int j = 0; j < count - 1; j++) {
    g->loop_size[j] = msize[j];
    g->loop_a[j] = ma[j];
    g->loop_b[j] = mb[j];
    g->loop_c[j] = mc[j];
  }
  g->nb_loops = count - 1;
  /* B shared by every product, A and Y dense: one product of count * m rows. */
  if (g->nb_loops == 0 && g->stride_b == 0 && !g->trans_a && g->stride_a == g->m * g->lda &&
      g->stride_c == g->m * g->ldc) {
    g->m *= g->count;
    g->count = 1;
    g->stride_a = g->stride_c = 0;
  }
}

static trt_status_t analyze_matmul(const trt_network_t *network, const trt_layer_t *layer,
                                   mm_geometry_t *g) {
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  if (!a || !b || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "expects inputs a, b, one output");
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  g->half = a->type == TRT_DATA_TYPE_FLOAT16 && b->type == TRT_DATA_TYPE_FLOAT16 &&
            y->type == TRT_DATA_TYPE_FLOAT16;
  g->element_bytes = g->half ? 2 : 4;
  trt_status_t status = g->half ? TRT_STATUS_OK : check_float(a);
  if (status == TRT_STATUS_OK && !g->half)
    status = check_float(b);
  if (status != TRT_STATUS_OK)
    return status;
  const int ra = a->dims.nb_dims, rb = b->dims.nb_dims, ry = y->dims.nb_dims;
  if (ra < 1 || rb < 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "operands must have rank >= 1");
  int64_t as[TRT_MAX_DIMS], bs[TRT_MAX_DIMS], ys[TRT_MAX_DIMS];
  trt_tensor_strides(network, a, as);
  trt_tensor_strides(network, b, bs);
  trt_tensor_strides(network, y, ys);
  g->m = ra > 1 ? a->dims.d[ra - 2] : 1;
  g->k = a->dims.d[ra - 1];
  g->n = rb > 1 ? b->dims.d[rb - 1] : 1;
  const int64_t b_k = rb > 1 ? b->dims.d[rb - 2] : b->dims.d[0];
  const int nb = ry - (ra > 1) - (rb > 1);
  if (b_k != g->k || nb < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "inner dims %lld and %lld differ", (long long)g->k,
                     (long long)b_k);
  g->alpha = 1.0f;
  g->lda = ra > 1 ? as[ra - 2] : max64(g->k, 1);
  g->ldb = rb > 1 ? bs[rb - 2] : 1;
  g->ldc = ra > 1 && rb > 1 ? ys[ry - 2] : (ra > 1 ? 1 : max64(g->n, 1));
  int64_t size[TRT_MAX_DIMS], sa[TRT_MAX_DIMS], sb[TRT_MAX_DIMS], sc[TRT_MAX_DIMS];
  const int nba = ra - (ra > 1 ? 2 : 1), nbb = rb - (rb > 1 ? 2 : 1);
  int64_t batches = 1;
  for (int i = 0; i < nb; i++) {
    const int axis_a = i - (nb - nba), axis_b = i - (nb - nbb);
    size[i] = y->dims.d[i];
    batches *= size[i];
    sa[i] = axis_a >= 0 && a->dims.d[axis_a] != 1 ? as[axis_a] : 0;
    sb[i] = axis_b >= 0 && b->dims.d[axis_b] != 1 ? bs[axis_b] : 0;
    sc[i] = ys[i];
  }
  g->empty = batches == 0 || g->m == 0 || g->n == 0;
  plan_batches(g, nb, size, sa, sb, sc);
  g->align_a = min_align(g, 16, view_offset(network, a));
  g->align_b = min_align(g, 16, view_offset(network, b));
  g->align_c = min_align(g, 16, view_offset(network, y));
  return TRT_STATUS_OK;
}

static trt_status_t analyze_gemm(const trt_network_t *network, const trt_layer_t *layer,
                                 mm_geometry_t *g) {
  const trt_gemm_params_t *params = layer->params;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *c = trt_layer_input(network, layer, 2);
  if (!params || !a || !b || layer->nb_outputs != 1 || layer->nb_inputs > 3)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "expects inputs a, b, [c], one output");
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  g->element_bytes = 4;
  trt_status_t status = check_float(a);
  if (status == TRT_STATUS_OK)
    status = check_float(b);
  if (status == TRT_STATUS_OK)
    status = check_float(c);
  if (status != TRT_STATUS_OK)
    return status;
  if (a->dims.nb_dims != 2 || b->dims.nb_dims != 2 || y->dims.nb_dims != 2)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "A, B and Y must be 2-D");
  if ((int)params->activation.kind < 0 || params->activation.kind >= TRT_ACTIVATION_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "bad activation %d",
                     (int)params->activation.kind);
  int64_t as[TRT_MAX_DIMS], bs[TRT_MAX_DIMS], ys[TRT_MAX_DIMS];
  trt_tensor_strides(network, a, as);
  trt_tensor_strides(network, b, bs);
  trt_tensor_strides(network, y, ys);
  g->m = y->dims.d[0];
  g->n = y->dims.d[1];
  g->trans_a = params->transpose_a;
  g->trans_b = params->transpose_b;
  g->k = g->trans_a ? a->dims.d[0] : a->dims.d[1];
  const int64_t b_k = g->trans_b ? b->dims.d[1] : b->dims.d[0];
  if (b_k != g->k)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "inner dims %lld and %lld differ", (long long)g->k,
                     (long long)b_k);
  g->lda = as[0];
  g->ldb = bs[0];
  g->ldc = ys[0];
  g->alpha = params->alpha;
  g->beta = params->beta;
  g->activation = params->activation;
  g->count = 1;
  g->empty = g->m == 0 || g->n == 0;
  if (c && params->beta != 0.0f) {
    /* As the CPU reference broadcasts C (cpu/matmul.c). */
    const trt_dims_t *cd = &c->dims;
    int64_t cs[TRT_MAX_DIMS];
    trt_tensor_strides(network, c, cs);
    g->has_c = true;
    g->c_is_bias = params->beta == 1.0f && cd->nb_dims >= 1 && cd->d[cd->nb_dims - 1] == g->n &&
                   trt_dims_volume(cd) == g->n;
    g->c_col_stride = cd->nb_dims >= 1 && cd->d[cd->nb_dims - 1] == g->n && g->n > 1 ? 1 : 0;
    g->c_row_stride = cd->nb_dims == 2 && cd->d[0] == g->m && g->m > 1 ? cs[0] : 0;
    if (cd->nb_dims > 2 || (cd->nb_dims >= 1 && cd->d[cd->nb_dims - 1] != g->n &&
                            cd->d[cd->nb_dims - 1] != 1))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "C does not broadcast to %lldx%lld", (long long)g->m,
                       (long long)g->n);
  }
  g->align_a = min_align(g, 16, view_offset(network, a));
  g->align_b = min_align(g, 16, view_offset(network, b));
  g->align_c = min_align(g, 16, view_offset(network, y));
  return TRT_STATUS_OK;
}

static trt_status_t analyze(const trt_network_t *network, const trt_layer_t *layer, bool gemm,
                            mm_geometry_t *g) {
  memset(g, 0, sizeof *g);
  g->gemm = gemm;
  g->op = gemm ? "Gemm" : "MatMul";
  g->name = layer->name ? layer->name : "";
  trt_status_t status =
      gemm ? analyze_gemm(network, layer, g) : analyze_matmul(network, layer, g);
  if (status != TRT_STATUS_OK)
    return status;
  if (g->empty)
    return TRT_STATUS_OK;
  if (g->k == 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "an inner dimension of 0 is not supported");
  /* Later matrices of a batch start at multiples of the strides. */
  g->align_a = min_align(g, g->align_a, g->stride_a);
  g->align_b = min_align(g, g->align_b, g->stride_b);
  g->align_c = min_align(g, g->align_c, g->stride_c);
  for (int j = 0; j < g->nb_loops; j++) {
    g->align_a = min_align(g, g->align_a, g->loop_a[j]);
    g->align_b = min_align(g, g->align_b, g->loop_b[j]);
    g->align_c = min_align(g, g->align_c, g->loop_c[j]);
  }
  const int64_t values[] = {g->m, g->n, g->k, g->lda, g->ldb, g->ldc, g->count};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
    if (values[i] > INT_MAX)
      return trt_error(TRT_STATUS_UNSUPPORTED, "a dimension exceeds cuBLAS's int range");
  return TRT_STATUS_OK;
}

/* Whether our epilogue runs after the product (activation not fused). */
static bool needs_activation_pass(const mm_geometry_t *g, bool lt) {
  if (g->activation.kind == TRT_ACTIVATION_NONE)
    return false;
  return !(lt && g->activation.kind == TRT_ACTIVATION_RELU);
}

/* ---- cuBLASLt ----------------------------------------------------------- */

typedef struct {
  mm_geometry_t g;
  int32_t tactic;
  cublasLtMatmulDesc_t desc;
  cublasLtMatrixLayout_t layout_a, layout_b, layout_c; /* Lt's A (our B), B (our A), C = D */
  cublasLtMatmulPreference_t preference;
  cublasLtMatmulAlgo_t algo;
  size_t workspace;
  bool lt_bias; /* C goes through the bias epilogue */
} mm_state_t;

static void lt_release(mm_state_t *s) {
  if (s->preference)
    cublasLtMatmulPreferenceDestroy(s->preference);
  if (s->layout_a)
    cublasLtMatrixLayoutDestroy(s->layout_a);
  if (s->layout_b)
    cublasLtMatrixLayoutDestroy(s->layout_b);
  if (s->layout_c)
    cublasLtMatrixLayoutDestroy(s->layout_c);
  if (s->desc)
    cublasLtMatmulDescDestroy(s->desc);
  s->preference = NULL;
  s->layout_a = s->layout_b = s->layout_c = NULL;
  s->desc = NULL;
}

static trt_status_t make_layout(cublasLtMatrixLayout_t *layout, cudaDataType_t type, int64_t rows,
                                int64_t cols, int64_t ld, int64_t count, int64_t stride) {
  TRT_CUBLAS_CHECK(cublasLtMatrixLayoutCreate(layout, type, (uint64_t)rows, (uint64_t)cols, ld));
  if (count > 1) {
    const int32_t batch = (int32_t)count;
    TRT_CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(*layout, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT,
                                                      &batch, sizeof batch));
    TRT_CUBLAS_CHECK(cublasLtMatrixLayoutSetAttribute(
        *layout, CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, &stride, sizeof stride));
  }
  return TRT_STATUS_OK;
}

/* Makes the descriptors and runs the heuristic; `results` gets up to
 * LT_HEURISTICS answers. */
static trt_status_t lt_prepare(mm_state_t *s, const trt_cuda_env_t *env,
                               cublasLtMatmulHeuristicResult_t *results, int *returned) {
  const mm_geometry_t *g = &s->g;
  *returned = 0;
  /* float16 products accumulate in float32, as PyTorch's do */
  const cublasComputeType_t compute =
      env->allow_tf32 && !g->half ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  const cudaDataType_t type = g->half ? CUDA_R_16F : CUDA_R_32F;
  TRT_CUBLAS_CHECK(cublasLtMatmulDescCreate(&s->desc, compute, CUDA_R_32F));
  const cublasOperation_t op_b = g->trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_a = g->trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  TRT_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(s->desc, CUBLASLT_MATMUL_DESC_TRANSA, &op_b, sizeof op_b));
  TRT_CUBLAS_CHECK(
      cublasLtMatmulDescSetAttribute(s->desc, CUBLASLT_MATMUL_DESC_TRANSB, &op_a, sizeof op_a));
  s->lt_bias = g->has_c && g->c_is_bias;
  const bool relu = g->activation.kind == TRT_ACTIVATION_RELU;
  cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_DEFAULT;
  if (s->lt_bias)
    epilogue = relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS;
  else if (relu)
    epilogue = CUBLASLT_EPILOGUE_RELU;
  TRT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(s->desc, CUBLASLT_MATMUL_DESC_EPILOGUE,
                                                  &epilogue, sizeof epilogue));
  if (s->lt_bias) {
    const cudaDataType_t bias_type = CUDA_R_32F;
    TRT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(s->desc, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE,
                                                    &bias_type, sizeof bias_type));
  }
  trt_status_t status = make_layout(&s->layout_a, type, g->trans_b ? g->k : g->n,
                                    g->trans_b ? g->n : g->k, g->ldb, g->count, g->stride_b);
  if (status == TRT_STATUS_OK)
    status = make_layout(&s->layout_b, type, g->trans_a ? g->m : g->k, g->trans_a ? g->k : g->m,
                         g->lda, g->count, g->stride_a);
  if (status == TRT_STATUS_OK)
    status = make_layout(&s->layout_c, type, g->n, g->m, g->ldc, g->count, g->stride_c);
  if (status != TRT_STATUS_OK)
    return status;
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&s->preference));
  const uint64_t max_workspace = LT_MAX_WORKSPACE;
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
      s->preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &max_workspace,
      sizeof max_workspace));
  /* Lt's A is our B, its B our A. */
  const uint32_t align_lt_a = g->align_b, align_lt_b = g->align_a, align_c = g->align_c;
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
      s->preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, &align_lt_a, sizeof align_lt_a));
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
      s->preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, &align_lt_b, sizeof align_lt_b));
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
      s->preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, &align_c, sizeof align_c));
  TRT_CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(
      s->preference, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, &align_c, sizeof align_c));
  cublasStatus_t heuristic = cublasLtMatmulAlgoGetHeuristic(
      env->cublas_lt, s->desc, s->layout_a, s->layout_b, s->layout_c, s->layout_c, s->preference,
      LT_HEURISTICS, results, returned);
  if (heuristic != CUBLAS_STATUS_SUCCESS)
    *returned = 0; /* NOT_SUPPORTED: no algorithm for this shape */
  return TRT_STATUS_OK;
}

static void state_free(mm_state_t *s) {
  if (!s)
    return;
  lt_release(s);
  free(s);
}

/* ---- list_tactics / create / destroy ------------------------------------ */

static int list_common(const trt_network_t *network, const trt_layer_t *layer,
                       const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics, int max_tactics,
                       bool gemm) {
  mm_state_t *s = calloc(1, sizeof *s);
  if (!s) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "matmul: out of memory");
    return 0;
  }
  int count = 0;
  if (analyze(network, layer, gemm, &s->g) != TRT_STATUS_OK) {
    state_free(s);
    return 0;
  }
  if (count < max_tactics) {
    tactics[count].id = TACTIC_CUBLAS;
    tactics[count].source = TRT_TACTIC_SOURCE_CUBLAS;
    snprintf(tactics[count].name, sizeof tactics[count].name,
             s->g.half ? "cublas_gemm_fp16" : "cublas_sgemm");
    count++;
  }
  cublasLtMatmulHeuristicResult_t results[LT_HEURISTICS];
  int returned = 0;
  if (!s->g.empty && lt_prepare(s, env, results, &returned) != TRT_STATUS_OK) {
    trt_log(TRT_SEVERITY_VERBOSE, "%s '%s': no cuBLASLt tactic: %s", s->g.op, s->g.name,
            trt_last_error());
    returned = 0;
  }
  for (int i = 0; i < returned && count < max_tactics; i++) {
    if (results[i].state != CUBLAS_STATUS_SUCCESS)
      continue;
    tactics[count].id = TACTIC_LT_FIRST + i;
    tactics[count].source = TRT_TACTIC_SOURCE_CUBLAS_LT;
    snprintf(tactics[count].name, sizeof tactics[count].name, "cublaslt_heuristic_%d", i);
    count++;
  }
  state_free(s);
  return count;
}

static int matmul_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  return list_common(network, layer, env, tactics, max_tactics, false);
}

static int gemm_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                             const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                             int max_tactics) {
  return list_common(network, layer, env, tactics, max_tactics, true);
}

static trt_status_t configure(mm_state_t *s, const trt_network_t *network,
                              const trt_layer_t *layer, const trt_cuda_env_t *env) {
  lt_release(s);
  s->workspace = 0;
  trt_status_t status = analyze(network, layer, s->g.gemm, &s->g);
  if (status != TRT_STATUS_OK)
    return status;
  if (s->tactic == TACTIC_CUBLAS || s->g.empty)
    return TRT_STATUS_OK;
  if (s->tactic < TACTIC_LT_FIRST || s->tactic >= TACTIC_LT_FIRST + LT_HEURISTICS)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unknown tactic %d", s->tactic);
  cublasLtMatmulHeuristicResult_t results[LT_HEURISTICS];
  int returned = 0;
  status = lt_prepare(s, env, results, &returned);
  if (status != TRT_STATUS_OK)
    return status;
  const int index = s->tactic - TACTIC_LT_FIRST;
  if (index >= returned || results[index].state != CUBLAS_STATUS_SUCCESS)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "cuBLASLt gives %d heuristic results here, tactic %d needs #%d", returned,
                     s->tactic, index);
  s->algo = results[index].algo;
  s->workspace = results[index].workspaceSize;
  return TRT_STATUS_OK;
}

static trt_status_t create_common(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes, bool gemm) {
  *state = NULL;
  *workspace_bytes = 0;
  mm_state_t *s = calloc(1, sizeof *s);
  if (!s)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "matmul: out of memory");
  s->g.gemm = gemm;
  s->tactic = tactic;
  trt_status_t status = configure(s, network, layer, env);
  if (status != TRT_STATUS_OK) {
    state_free(s);
    return status;
  }
  *workspace_bytes = s->workspace;
  *state = s;
  return TRT_STATUS_OK;
}

static trt_status_t matmul_create(const trt_network_t *network, const trt_layer_t *layer,
                                  int32_t tactic, trt_cuda_env_t *env, void **state,
                                  size_t *workspace_bytes) {
  return create_common(network, layer, tactic, env, state, workspace_bytes, false);
}

static trt_status_t gemm_create(const trt_network_t *network, const trt_layer_t *layer,
                                int32_t tactic, trt_cuda_env_t *env, void **state,
                                size_t *workspace_bytes) {
  return create_common(network, layer, tactic, env, state, workspace_bytes, true);
}

static void mm_destroy(void *state) {
  state_free(state);
}

/* ---- enqueue ------------------------------------------------------------ */

/* Runs the epilogue kernel over Y (m x n at ldc): dst = act(scale * src). */
static trt_status_t y_pass(const mm_geometry_t *g, const float *src, int64_t src_row,
                           int64_t src_col, float *y, const trt_activation_t *activation,
                           cudaStream_t stream) {
  trt_conv_epilogue_t e = {
      .dims = {1, 1, 1, g->m, g->n},
      .src = src,
      .src_strides = {0, 0, 0, src_row, src_col},
      .src_scale = 1.0f,
      .bias_axis = 1,
      .dst = y,
      .dst_strides = {0, 0, 0, g->ldc, 1},
      .activation = activation ? (int)activation->kind : 0,
      .alpha = activation ? activation->alpha : 0.0f,
      .beta = activation ? activation->beta : 0.0f,
  };
  TRT_LAUNCH_CHECK(trt_launch_conv_epilogue(&e, stream));
  return TRT_STATUS_OK;
}

static trt_status_t run_product(mm_state_t *s, trt_cuda_env_t *env, const void *a, const void *b,
                                void *y, const float *bias, float beta) {
  const mm_geometry_t *g = &s->g;
  const float alpha = g->alpha;
  if (s->tactic == TACTIC_CUBLAS && g->half) {
    const cublasOperation_t op_b = g->trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t op_a = g->trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (g->count == 1)
      TRT_CUBLAS_CHECK(cublasGemmEx(env->cublas, op_b, op_a, (int)g->n, (int)g->m, (int)g->k,
                                    &alpha, b, CUDA_R_16F, (int)g->ldb, a, CUDA_R_16F, (int)g->lda,
                                    &beta, y, CUDA_R_16F, (int)g->ldc, CUBLAS_COMPUTE_32F,
                                    CUBLAS_GEMM_DEFAULT));
    else
      TRT_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
          env->cublas, op_b, op_a, (int)g->n, (int)g->m, (int)g->k, &alpha, b, CUDA_R_16F,
          (int)g->ldb, g->stride_b, a, CUDA_R_16F, (int)g->lda, g->stride_a, &beta, y, CUDA_R_16F,
          (int)g->ldc, g->stride_c, (int)g->count, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    return TRT_STATUS_OK;
  }
  if (s->tactic == TACTIC_CUBLAS) {
    const cublasOperation_t op_b = g->trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
    const cublasOperation_t op_a = g->trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (g->count == 1)
      TRT_CUBLAS_CHECK(cublasSgemm(env->cublas, op_b, op_a, (int)g->n, (int)g->m, (int)g->k,
                                   &alpha, b, (int)g->ldb, a, (int)g->lda, &beta, y,
                                   (int)g->ldc));
    else
      TRT_CUBLAS_CHECK(cublasSgemmStridedBatched(
          env->cublas, op_b, op_a, (int)g->n, (int)g->m, (int)g->k, &alpha, b, (int)g->ldb,
          g->stride_b, a, (int)g->lda, g->stride_a, &beta, y, (int)g->ldc, g->stride_c,
          (int)g->count));
    return TRT_STATUS_OK;
  }
  if (s->lt_bias)
    TRT_CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(s->desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER,
                                                    &bias, sizeof bias));
  TRT_CUBLAS_CHECK(cublasLtMatmul(env->cublas_lt, s->desc, &alpha, b, s->layout_a, a,
                                  s->layout_b, &beta, y, s->layout_c, y, s->layout_c, &s->algo,
                                  s->workspace ? env->workspace : NULL, s->workspace,
                                  env->stream));
  return TRT_STATUS_OK;
}

static bool aligned(const void *pointer, uint32_t align) {
  return ((uintptr_t)pointer % align) == 0;
}

static trt_status_t mm_enqueue(void *state, const trt_network_t *network, const trt_layer_t *layer,
                               int32_t tactic, const void *const *inputs, void *const *outputs,
                               trt_cuda_env_t *env) {
  mm_state_t *s = state;
  if (!s || s->tactic != tactic)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "enqueue without matching create");
  /* Dims other than at create (a smaller batch): plan again. */
  mm_geometry_t now;
  trt_status_t status = analyze(network, layer, s->g.gemm, &now);
  if (status != TRT_STATUS_OK)
    return status;
  now.op = s->g.op; /* the network may be another copy: compare numbers only */
  now.name = s->g.name;
  if (memcmp(&now, &s->g, sizeof now) != 0) {
    status = configure(s, network, layer, env);
    if (status != TRT_STATUS_OK)
      return status;
  }
  const mm_geometry_t *g = &s->g;
  if (g->empty)
    return TRT_STATUS_OK;
  const bool lt = tactic != TACTIC_CUBLAS;
  const char *a = inputs[0], *b = inputs[1]; /* bytes: float or float16 elements */
  const float *c = layer->nb_inputs > 2 ? inputs[2] : NULL;
  char *y = outputs[0];
  if (!a || !b || !y || (g->has_c && !c))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing input or output data");
  if (s->workspace > env->workspace_bytes || (s->workspace && !env->workspace))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "needs %zu bytes of workspace, the context has %zu", s->workspace,
                     env->workspace ? env->workspace_bytes : 0);
  if (lt && (!aligned(a, g->align_a) || !aligned(b, g->align_b) || !aligned(y, g->align_c)))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "operands are less aligned than cuBLASLt was promised");
  TRT_CUBLAS_CHECK(cublasSetStream(env->cublas, env->stream));
  TRT_CUBLAS_CHECK(cublasSetMathMode(env->cublas, env->allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                                                  : CUBLAS_DEFAULT_MATH));
  float beta = 0.0f;
  if (g->has_c && !(lt && s->lt_bias)) {
    /* Y = C broadcast, then the product accumulates onto beta * Y. */
    status = y_pass(g, c, g->c_row_stride, g->c_col_stride, (float *)y, NULL, env->stream);
    if (status != TRT_STATUS_OK)
      return status;
    beta = g->beta;
  }
  const float *bias = lt && s->lt_bias ? c : NULL;
  int64_t index[MAX_LOOPS] = {0};
  for (;;) {
    int64_t off_a = 0, off_b = 0, off_c = 0;
    for (int j = 0; j < g->nb_loops; j++) {
      off_a += index[j] * g->loop_a[j];
      off_b += index[j] * g->loop_b[j];
      off_c += index[j] * g->loop_c[j];
    }
    const int64_t e = g->element_bytes;
    status = run_product(s, env, a + off_a * e, b + off_b * e, y + off_c * e, bias, beta);
    if (status != TRT_STATUS_OK)
      return status;
    int j = g->nb_loops - 1;
    while (j >= 0 && ++index[j] == g->loop_size[j])
      index[j--] = 0;
    if (j < 0)
      break;
  }
  if (g->gemm && needs_activation_pass(g, lt))
    return y_pass(g, (const float *)y, g->ldc, 1, (float *)y, &g->activation, env->stream);
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_matmul_ops = {
    .list_tactics = matmul_list_tactics,
    .format_weights = NULL,
    .create = matmul_create,
    .enqueue = mm_enqueue,
    .destroy = mm_destroy,
    .runs_fp16 = trt_cuda_runs_fp16_always, /* tensor cores, float32 accumulation */
};

const trt_cuda_layer_ops_t trt_cuda_gemm_ops = {
    .list_tactics = gemm_list_tactics,
    .format_weights = NULL,
    .create = gemm_create,
    .enqueue = mm_enqueue,
    .destroy = mm_destroy,
};
