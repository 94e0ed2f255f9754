/* CPU MatMul (numpy semantics) and Gemm (ONNX), both on the blocked SGEMM. */
#include <stdlib.h>

#include "cpu/cpu_layers.h"
#include "cpu/gemm.h"

static trt_status_t check_float_inputs(const char *op, const trt_network_t *network,
                                       const trt_layer_t *layer) {
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *tensor = trt_layer_input(network, layer, i);
    if (tensor && tensor->type != TRT_DATA_TYPE_FLOAT32)
      return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input type %s is not supported", op,
                       trt_data_type_name(tensor->type));
  }
  return TRT_STATUS_OK;
}

/* ---- MatMul ------------------------------------------------------------- */

typedef struct {
  int nb_batch_dims;
  int64_t batch_dims[TRT_MAX_DIMS];
  int64_t a_strides[TRT_MAX_DIMS], b_strides[TRT_MAX_DIMS]; /* 0 where broadcast */
  int64_t batches;
  trt_sgemm_t gemm; /* a, b, c set per batch */
  const float *a, *b;
  float *c;
  char *workspace; /* batch-parallel mode: one single-thread workspace per thread */
  size_t workspace_bytes;
} matmul_plan_t;

/* Strides of an operand's batch dims as seen from the output's batch dims. */
static void batch_strides(const trt_dims_t *dims, int matrix_rank, int64_t matrix_size,
                          const matmul_plan_t *plan, int64_t *strides) {
  const int own = dims->nb_dims - matrix_rank;
  int64_t stride = matrix_size;
  for (int i = plan->nb_batch_dims - 1; i >= 0; i--) {
    const int axis = i - (plan->nb_batch_dims - own);
    const int64_t size = axis >= 0 ? dims->d[axis] : 1;
    strides[i] = size == 1 ? 0 : stride;
    stride *= size;
  }
}

static void matmul_batch(const matmul_plan_t *plan, int64_t batch, void *workspace,
                         trt_cpu_context_t *cpu) {
  int64_t a_offset = 0, b_offset = 0, rest = batch;
  for (int i = plan->nb_batch_dims - 1; i >= 0; i--) {
    const int64_t index = rest % plan->batch_dims[i];
    rest /= plan->batch_dims[i];
    a_offset += index * plan->a_strides[i];
    b_offset += index * plan->b_strides[i];
  }
  trt_sgemm_t gemm = plan->gemm;
  gemm.a = plan->a + a_offset;
  gemm.b = plan->b + b_offset;
  gemm.c = plan->c + batch * gemm.m * gemm.n;
  trt_sgemm_run(&gemm, workspace, cpu);
}

static void matmul_batches_task(void *arg, int64_t begin, int64_t end, int thread) {
  const matmul_plan_t *plan = arg;
  void *workspace = plan->workspace + (size_t)thread * plan->workspace_bytes;
  for (int64_t batch = begin; batch < end; batch++)
    matmul_batch(plan, batch, workspace, NULL);
}

trt_status_t trt_cpu_matmul(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  trt_status_t status = check_float_inputs("MatMul", network, layer);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_dims_t *a = &trt_layer_input(network, layer, 0)->dims;
  const trt_dims_t *b = &trt_layer_input(network, layer, 1)->dims;
  const trt_dims_t *y = &trt_layer_output(network, layer, 0)->dims;
  matmul_plan_t plan = {.a = inputs[0], .b = inputs[1], .c = outputs[0]};
  const int64_t m = a->nb_dims > 1 ? a->d[a->nb_dims - 2] : 1, k = a->d[a->nb_dims - 1];
  const int64_t n = b->nb_dims > 1 ? b->d[b->nb_dims - 1] : 1;
  plan.gemm = (trt_sgemm_t){
      .m = m, .n = n, .k = k, .lda = k, .ldb = n, .ldc = n, .alpha = 1.0f, .beta = 0.0f};
  plan.nb_batch_dims = y->nb_dims - (a->nb_dims > 1) - (b->nb_dims > 1);
  plan.batches = 1;
  for (int i = 0; i < plan.nb_batch_dims; i++) {
    plan.batch_dims[i] = y->d[i];
    plan.batches *= y->d[i];
  }
  if (plan.batches == 0 || m == 0 || n == 0)
    return TRT_STATUS_OK;
  batch_strides(a, a->nb_dims > 1 ? 2 : 1, m * k, &plan, plan.a_strides);
  batch_strides(b, b->nb_dims > 1 ? 2 : 1, k * n, &plan, plan.b_strides);

  /* Many small products: one per task. Otherwise each product is threaded. */
  const int threads = cpu ? trt_cpu_context_threads(cpu) : 1;
  const bool batch_parallel = threads > 1 && plan.batches >= 2 * threads &&
                              (double)m * (double)n * (double)k < 64.0 * 64.0 * 64.0 * 8.0;
  plan.workspace_bytes = trt_sgemm_workspace_size(&plan.gemm, batch_parallel ? 1 : threads);
  plan.workspace_bytes = (plan.workspace_bytes + 63) & ~(size_t)63;
  const size_t bytes = plan.workspace_bytes * (size_t)(batch_parallel ? threads : 1);
  char *workspace = cpu ? trt_cpu_scratch(cpu, bytes) : aligned_alloc(64, bytes);
  if (!workspace)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "MatMul: cannot allocate %zu bytes", bytes);
  plan.workspace = workspace;
  if (batch_parallel)
    trt_cpu_parallel_for(cpu, plan.batches, 1, matmul_batches_task, &plan);
  else
    for (int64_t batch = 0; batch < plan.batches; batch++)
      matmul_batch(&plan, batch, workspace, cpu);
  if (!cpu)
    free(workspace);
  return TRT_STATUS_OK;
}

/* ---- Gemm --------------------------------------------------------------- */

/* Y = C broadcast to M x N (row and column strides are 0 where C has 1). */
static void broadcast_c(const trt_dims_t *c_dims, const float *c, int64_t m, int64_t n, float *y) {
  int64_t row_stride = 0, column_stride = 0;
  if (c_dims->nb_dims >= 1 && c_dims->d[c_dims->nb_dims - 1] == n && n > 1)
    column_stride = 1;
  if (c_dims->nb_dims == 2 && c_dims->d[0] == m && m > 1)
    row_stride = c_dims->d[1];
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++)
      y[i * n + j] = c[i * row_stride + j * column_stride];
}

trt_status_t trt_cpu_gemm(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu) {
  trt_status_t status = check_float_inputs("Gemm", network, layer);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_gemm_params_t *params = layer->params;
  const trt_dims_t *a = &trt_layer_input(network, layer, 0)->dims;
  const trt_dims_t *y = &trt_layer_output(network, layer, 0)->dims;
  const trt_tensor_t *c_tensor = trt_layer_input(network, layer, 2);
  const float *c = layer->nb_inputs > 2 ? inputs[2] : NULL;
  const int64_t m = y->d[0], n = y->d[1];
  const int64_t k = params->transpose_a ? a->d[0] : a->d[1];
  trt_sgemm_t gemm = {
      .m = m,
      .n = n,
      .k = k,
      .a = inputs[0],
      .lda = a->d[1],
      .transpose_a = params->transpose_a,
      .b = inputs[1],
      .ldb = params->transpose_b ? k : n,
      .transpose_b = params->transpose_b,
      .c = outputs[0],
      .ldc = n,
      .alpha = params->alpha,
      .beta = 0.0f,
      .activation = params->activation,
  };
  if (c && c_tensor && params->beta != 0.0f) {
    const trt_dims_t *c_dims = &c_tensor->dims;
    const bool row_vector =
        c_dims->nb_dims >= 1 && c_dims->d[c_dims->nb_dims - 1] == n && trt_dims_volume(c_dims) == n;
    if (params->beta == 1.0f && row_vector) {
      gemm.bias = c; /* a row vector: the epilogue adds it */
      gemm.bias_per_column = true;
    } else {
      broadcast_c(&c_tensor->dims, c, m, n, outputs[0]);
      gemm.beta = params->beta;
    }
  }
  return trt_sgemm(&gemm, cpu);
}
