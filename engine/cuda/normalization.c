/* CUDA normalization family (kernels/normalization.cu): batch norm
 * (inference), instance norm, layer norm (optional Mean and InvStdDev
 * outputs, scale and bias broadcast to the normalized dims) and LRN, as
 * engine/cpu/normalization.c. Batch norm's output may be a strided view.
 * In FP16 engines batch norm and layer norm (without the statistics
 * outputs) read and write float16 while their arithmetic stays float
 * (statistics in double), their parameters float32. One tactic each. */
#include "cuda/cuda_layer_util.h"
#include "kernels/normalization.cuh"

/* Batch norm, and layer norm without the statistics outputs (which would
 * turn float16 with the layer's other outputs). */
static bool norm_runs_fp16(const trt_network_t *network, const trt_layer_t *layer) {
  (void)network;
  return layer->type == TRT_LAYER_BATCH_NORM ||
         (layer->type == TRT_LAYER_LAYER_NORM && layer->nb_outputs == 1);
}

/* Whether x (and y) are float16: an FP16 engine's batch or layer norm. */
static bool io_half(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  return x && x->type == TRT_DATA_TYPE_FLOAT16;
}

static trt_status_t check_float_inputs(const trt_network_t *network, const trt_layer_t *layer,
                                       int nb_required) {
  const char *name = trt_layer_type_name(layer->type);
  if (!layer->params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: missing parameters", name);
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *tensor = trt_layer_input(network, layer, i);
    if (!tensor && i < nb_required)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: input %d is missing", name, i);
    if (i == 0 && tensor && tensor->type == TRT_DATA_TYPE_FLOAT16 &&
        norm_runs_fp16(network, layer)) {
      const trt_tensor_t *y = trt_layer_output(network, layer, 0);
      if (!y || y->type != TRT_DATA_TYPE_FLOAT16)
        return trt_error(TRT_STATUS_UNSUPPORTED, "%s: float16 input, %s output", name,
                         y ? trt_data_type_name(y->type) : "no");
      continue;
    }
    if (tensor && tensor->type != TRT_DATA_TYPE_FLOAT32)
      return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input '%s' is %s, only float32 is supported",
                       name, tensor->name, trt_data_type_name(tensor->type));
  }
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (x->dims.nb_dims < 2 && layer->type != TRT_LAYER_LAYER_NORM)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: input rank %d is below 2", name,
                     x->dims.nb_dims);
  return TRT_STATUS_OK;
}

static void channel_layout(const trt_dims_t *dims, int64_t *batch, int64_t *channels,
                           int64_t *plane) {
  *batch = dims->d[0];
  *channels = dims->d[1];
  *plane = 1;
  for (int i = 2; i < dims->nb_dims; i++)
    *plane *= dims->d[i];
}

static int list_one(const trt_network_t *network, const trt_layer_t *layer,
                    trt_cuda_tactic_t *tactics, int max_tactics, int nb_required,
                    bool output_views, const char *name) {
  if (check_float_inputs(network, layer, nb_required) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_list_single(network, layer, !output_views, tactics, max_tactics, name);
}

/* ---- batch norm and instance norm ---------------------------------------- */

static int batch_norm_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                   const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                   int max_tactics) {
  (void)env;
  return list_one(network, layer, tactics, max_tactics, 5, true, "batch_norm_direct");
}

static int instance_norm_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                      const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                      int max_tactics) {
  (void)env;
  return list_one(network, layer, tactics, max_tactics, 3, false, "instance_norm_direct");
}

/* The enqueue of the per-channel layers (batch norm, instance norm, LRN):
 * x is (batch, channels, plane). */
static trt_status_t channel_norm_enqueue(void *state, const trt_network_t *network,
                                         const trt_layer_t *layer, int32_t tactic,
                                         const void *const *inputs, void *const *outputs,
                                         trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_norm_params_t *norm = layer->params;
  const trt_lrn_params_t *lrn = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  int64_t batch, channels, plane;
  channel_layout(&x->dims, &batch, &channels, &plane);
  switch (layer->type) {
  case TRT_LAYER_BATCH_NORM:
    TRT_LAUNCH_CHECK(trt_launch_batch_norm(
        inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], outputs[0], batch, channels, plane,
        norm->epsilon, trt_cuda_output_view(network, trt_layer_output(network, layer, 0)),
        io_half(network, layer), env->stream));
    break;
  case TRT_LAYER_INSTANCE_NORM:
    TRT_LAUNCH_CHECK(trt_launch_instance_norm(inputs[0], inputs[1], inputs[2], outputs[0], batch,
                                              channels, plane, norm->epsilon, env->stream));
    break;
  default: /* TRT_LAYER_LRN */
    TRT_LAUNCH_CHECK(trt_launch_lrn(inputs[0], outputs[0], batch, channels, plane, lrn->size,
                                    lrn->alpha, lrn->beta, lrn->bias, env->stream));
    break;
  }
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_batch_norm_ops = {
    .list_tactics = batch_norm_list_tactics,
    .create = trt_cuda_create_stateless,
    .enqueue = channel_norm_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .runs_fp16 = norm_runs_fp16,
};

const trt_cuda_layer_ops_t trt_cuda_instance_norm_ops =
    TRT_CUDA_STATELESS_OPS(instance_norm_list_tactics, channel_norm_enqueue);

/* ---- layer norm ---------------------------------------------------------- */

/* How `operand` (right-aligned against x's dims from `axis` on) is indexed
 * by the position within a normalized row. */
static trt_krow_map_t row_map(const trt_tensor_t *operand, const trt_dims_t *x_dims, int axis) {
  trt_krow_map_t map = {0};
  int64_t row = 1;
  for (int i = axis; i < x_dims->nb_dims; i++)
    row *= x_dims->d[i];
  if (!operand || trt_dims_volume(&operand->dims) == row)
    return map; /* the whole row: identity */
  map.rank = x_dims->nb_dims - axis;
  int64_t stride = 1;
  for (int i = x_dims->nb_dims - 1, j = operand->dims.nb_dims - 1; i >= axis; i--, j--) {
    int k = i - axis;
    map.dims[k] = x_dims->d[i];
    bool broadcast = j < 0 || operand->dims.d[j] == 1;
    map.strides[k] = broadcast ? 0 : stride;
    if (!broadcast)
      stride *= operand->dims.d[j];
  }
  return map;
}

static int layer_norm_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                                   const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                                   int max_tactics) {
  (void)env;
  const trt_norm_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (params && x && trt_normalize_axis(params->axis, x->dims.nb_dims) < 0) {
    trt_error(TRT_STATUS_SHAPE_ERROR, "LayerNorm: axis %d is out of range for rank %d",
              (int)params->axis, x->dims.nb_dims);
    return 0;
  }
  return list_one(network, layer, tactics, max_tactics, 2, false, "layer_norm_direct");
}

static trt_status_t layer_norm_enqueue(void *state, const trt_network_t *network,
                                       const trt_layer_t *layer, int32_t tactic,
                                       const void *const *inputs, void *const *outputs,
                                       trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_norm_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *bias = trt_layer_input(network, layer, 2);
  int axis = trt_normalize_axis(params->axis, x->dims.nb_dims);
  int64_t rows = 1, row = 1;
  for (int i = 0; i < x->dims.nb_dims; i++)
    *(i < axis ? &rows : &row) *= x->dims.d[i];
  trt_krow_map_t scale_map = row_map(trt_layer_input(network, layer, 1), &x->dims, axis);
  trt_krow_map_t bias_map = row_map(bias, &x->dims, axis);
  TRT_LAUNCH_CHECK(trt_launch_layer_norm(
      inputs[0], inputs[1], scale_map, bias ? inputs[2] : NULL, bias_map, outputs[0],
      layer->nb_outputs > 1 ? outputs[1] : NULL, layer->nb_outputs > 2 ? outputs[2] : NULL, rows,
      row, params->epsilon, io_half(network, layer), env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_layer_norm_ops = {
    .list_tactics = layer_norm_list_tactics,
    .create = trt_cuda_create_stateless,
    .enqueue = layer_norm_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .runs_fp16 = norm_runs_fp16,
};

/* ---- LRN ------------------------------------------------------------------ */

static int lrn_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                            const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                            int max_tactics) {
  (void)env;
  const trt_lrn_params_t *params = layer->params;
  if (params && params->size < 1) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "LRN: size must be at least 1");
    return 0;
  }
  return list_one(network, layer, tactics, max_tactics, 1, false, "lrn_direct");
}

const trt_cuda_layer_ops_t trt_cuda_lrn_ops =
    TRT_CUDA_STATELESS_OPS(lrn_list_tactics, channel_norm_enqueue);
