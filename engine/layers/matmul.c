/* Shape inference for the matmul family: MatMul (numpy semantics: 1-D
 * operands are promoted and their dimension removed again; leading batch
 * dims broadcast) and Gemm (ONNX: 2-D operands, optional C broadcast to the
 * M x N result). */
#include "layers/layers.h"

/* Broadcasts two batch dims (1 stretches; -1 stays unknown). */
static bool broadcast_dim(int64_t a, int64_t b, int64_t *out) {
  if (a == b || b == 1)
    *out = a;
  else if (a == 1)
    *out = b;
  else if (a < 0 || b < 0)
    *out = a < 0 ? b : a;
  else
    return false;
  return true;
}

trt_status_t trt_matmul_infer(trt_network_t *network, trt_layer_t *layer) {
  const char *op = "MatMul";
  if (layer->nb_inputs != 2 || layer->nb_outputs != 1 || !trt_layer_input(network, layer, 0) ||
      !trt_layer_input(network, layer, 1))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expects inputs a, b and one output", op);
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  trt_status_t status = trt_float_operand_check(op, "input", a, NULL);
  if (status == TRT_STATUS_OK)
    status = trt_float_operand_check(op, "input", b, a);
  if (status != TRT_STATUS_OK)
    return status;
  char a_dims[96], b_dims[96];
  trt_dims_format(&a->dims, a_dims, sizeof a_dims);
  trt_dims_format(&b->dims, b_dims, sizeof b_dims);
  const int rank_a = a->dims.nb_dims, rank_b = b->dims.nb_dims;
  if (rank_a < 1 || rank_b < 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: operands must not be scalars (%s, %s)", op,
                     a_dims, b_dims);
  const int64_t k_a = a->dims.d[rank_a - 1];
  const int64_t k_b = rank_b == 1 ? b->dims.d[0] : b->dims.d[rank_b - 2];
  if (k_a >= 0 && k_b >= 0 && k_a != k_b)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: inner dimensions differ: %s x %s (%lld vs %lld)",
                     op, a_dims, b_dims, (long long)k_a, (long long)k_b);
  /* Batch dims: all but the last two (none for a 1-D operand), right-aligned. */
  const int batch_a = rank_a > 2 ? rank_a - 2 : 0, batch_b = rank_b > 2 ? rank_b - 2 : 0;
  const int batch = batch_a > batch_b ? batch_a : batch_b;
  trt_dims_t out = {0};
  for (int i = 0; i < batch; i++) {
    const int ia = i - (batch - batch_a), ib = i - (batch - batch_b);
    const int64_t da = ia >= 0 ? a->dims.d[ia] : 1, db = ib >= 0 ? b->dims.d[ib] : 1;
    if (!broadcast_dim(da, db, &out.d[i]))
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: batch dimensions of %s and %s do not broadcast",
                       op, a_dims, b_dims);
  }
  out.nb_dims = batch;
  if (rank_a > 1)
    out.d[out.nb_dims++] = a->dims.d[rank_a - 2];
  if (rank_b > 1)
    out.d[out.nb_dims++] = b->dims.d[rank_b - 1];
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = a->type;
  y->dims = out;
  return TRT_STATUS_OK;
}

trt_status_t trt_gemm_infer(trt_network_t *network, trt_layer_t *layer) {
  const char *op = "Gemm";
  const trt_gemm_params_t *params = layer->params;
  if (layer->nb_inputs < 2 || layer->nb_inputs > 3 || layer->nb_outputs != 1 ||
      !trt_layer_input(network, layer, 0) || !trt_layer_input(network, layer, 1))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expects inputs A, B, optional C", op);
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *c = trt_layer_input(network, layer, 2);
  trt_status_t status = trt_float_operand_check(op, "input", a, NULL);
  if (status == TRT_STATUS_OK)
    status = trt_float_operand_check(op, "input", b, a);
  if (status == TRT_STATUS_OK && c)
    status = trt_float_operand_check(op, "input C", c, a);
  if (status != TRT_STATUS_OK)
    return status;
  char a_dims[96], b_dims[96], c_dims[96];
  trt_dims_format(&a->dims, a_dims, sizeof a_dims);
  trt_dims_format(&b->dims, b_dims, sizeof b_dims);
  if (a->dims.nb_dims != 2 || b->dims.nb_dims != 2)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: A (%s) and B (%s) must be 2-D", op, a_dims,
                     b_dims);
  const int64_t m = params->transpose_a ? a->dims.d[1] : a->dims.d[0];
  const int64_t k_a = params->transpose_a ? a->dims.d[0] : a->dims.d[1];
  const int64_t k_b = params->transpose_b ? b->dims.d[1] : b->dims.d[0];
  const int64_t n = params->transpose_b ? b->dims.d[0] : b->dims.d[1];
  if (k_a >= 0 && k_b >= 0 && k_a != k_b)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: inner dimensions differ: A %s%s x B %s%s (%lld vs %lld)", op, a_dims,
                     params->transpose_a ? "^T" : "", b_dims, params->transpose_b ? "^T" : "",
                     (long long)k_a, (long long)k_b);
  if (c) {
    trt_dims_format(&c->dims, c_dims, sizeof c_dims);
    const int rank = c->dims.nb_dims;
    const int64_t want[2] = {m, n};
    bool ok = rank <= 2;
    for (int i = 0; ok && i < rank; i++) {
      const int64_t d = c->dims.d[i], w = want[2 - rank + i];
      ok = d == 1 || d == w || d < 0 || w < 0;
    }
    if (!ok)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: C (%s) does not broadcast to %lldx%lld", op,
                       c_dims, (long long)m, (long long)n);
  }
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = a->type;
  y->dims.nb_dims = 2;
  y->dims.d[0] = m;
  y->dims.d[1] = n;
  return TRT_STATUS_OK;
}
