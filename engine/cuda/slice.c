/* CUDA slice family (kernels/slice.cu): Slice with any steps (negative
 * too) and Pad (constant, reflect, edge; negative pads crop), any element
 * type, as engine/cpu/slice.c. Their operands (starts, ends, axes, steps,
 * pads) must be constants: the plan is made once in `create`. Pad's value
 * may be a run-time tensor. One tactic each. */
#include <string.h>

#include "cuda/cuda_layer_util.h"
#include "kernels/slice.cuh"

/* Fails unless inputs first..last (those present) are constants. */
static trt_status_t require_constants(const trt_network_t *network, const trt_layer_t *layer,
                                      int first, int last) {
  for (int i = first; i <= last; i++) {
    const trt_tensor_t *tensor = trt_layer_input(network, layer, i);
    if (tensor && !tensor->data && trt_dims_volume(&tensor->dims) != 0)
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "%s: operand '%s' is not a constant; the CUDA kernel needs it at build "
                       "time", trt_layer_type_name(layer->type), tensor->name);
  }
  return TRT_STATUS_OK;
}

static void plan_destroy(void *state) {
  free(state);
}

/* ---- slice ---------------------------------------------------------------- */

static int slice_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !trt_layer_input(network, layer, 1)) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Slice: missing data or starts");
    return 0;
  }
  if (!trt_cuda_element_size_ok(x->type)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Slice: %s data is not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  if (require_constants(network, layer, 1, 4) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "slice_gather");
}

static trt_status_t slice_create(const trt_network_t *network, const trt_layer_t *layer,
                                 int32_t tactic, trt_cuda_env_t *env, void **state,
                                 size_t *workspace_bytes) {
  (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Slice: unknown tactic %d", (int)tactic);
  trt_status_t status = require_constants(network, layer, 1, 4);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  const trt_tensor_t *starts = trt_layer_input(network, layer, 1);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  const trt_tensor_t *steps = trt_layer_input(network, layer, 4);
  int rank = data->dims.nb_dims;
  int64_t first[TRT_MAX_DIMS], step[TRT_MAX_DIMS], in_strides[TRT_MAX_DIMS];
  for (int d = 0; d < rank; d++) {
    first[d] = 0;
    step[d] = 1;
  }
  int64_t count = trt_dims_volume(&starts->dims);
  for (int64_t i = 0; i < count; i++) {
    int axis = trt_normalize_axis(axes ? trt_tensor_get_int(axes, i) : i, rank);
    if (axis < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Slice: axis %lld is out of range", (long long)i);
    int64_t dim = data->dims.d[axis];
    int64_t start = trt_tensor_get_int(starts, i);
    step[axis] = steps ? trt_tensor_get_int(steps, i) : 1;
    start = start < 0 ? start + dim : start;
    int64_t last_valid = step[axis] > 0 ? dim : dim - 1;
    first[axis] = start < 0 ? 0 : start > last_valid ? last_valid : start;
  }
  trt_cuda_contiguous_strides(&data->dims, in_strides);
  trt_kslice_t *plan = calloc(1, sizeof(*plan));
  if (!plan)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Slice: out of memory");
  plan->rank = rank;
  for (int d = 0; d < rank; d++) {
    plan->dims[d] = output->dims.d[d];
    plan->strides[d] = step[d] * in_strides[d];
    plan->base += first[d] * in_strides[d];
  }
  *state = plan;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t slice_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)tactic;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_kslice_t *plan = state;
  TRT_LAUNCH_CHECK(trt_launch_slice(inputs[0], outputs[0], (int)trt_data_type_size(data->type),
                                    *plan, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_slice_ops = {
    .list_tactics = slice_list_tactics,
    .create = slice_create,
    .enqueue = slice_enqueue,
    .destroy = plan_destroy,
    .runs_fp16 = trt_cuda_runs_fp16_always,
};

/* ---- pad ------------------------------------------------------------------ */

/* The pad value as one element of `type`, as the CPU stores it. */
static uint64_t fill_bits(double value, trt_data_type_t type) {
  uint64_t bits = 0;
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: { float v = (float)value; memcpy(&bits, &v, sizeof v); break; }
  case TRT_DATA_TYPE_FLOAT64: memcpy(&bits, &value, sizeof value); break;
  case TRT_DATA_TYPE_INT8: { int8_t v = (int8_t)value; memcpy(&bits, &v, sizeof v); break; }
  case TRT_DATA_TYPE_UINT8: { uint8_t v = (uint8_t)value; memcpy(&bits, &v, sizeof v); break; }
  case TRT_DATA_TYPE_INT32: { int32_t v = (int32_t)value; memcpy(&bits, &v, sizeof v); break; }
  case TRT_DATA_TYPE_INT64: { int64_t v = (int64_t)value; memcpy(&bits, &v, sizeof v); break; }
  case TRT_DATA_TYPE_BOOL: bits = value != 0; break;
  default: break; /* float16: only 0 */
  }
  return bits;
}

typedef struct {
  trt_kpad_t plan;
  bool fill_from_input; /* the value is a run-time tensor: read it on the device */
} pad_state_t;

static int pad_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                            const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                            int max_tactics) {
  (void)env;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!x || !layer->params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Pad: missing data or parameters");
    return 0;
  }
  if (!trt_cuda_element_size_ok(x->type)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Pad: %s data is not supported",
              trt_data_type_name(x->type));
    return 0;
  }
  if (require_constants(network, layer, 1, 1) != TRT_STATUS_OK ||
      require_constants(network, layer, 3, 3) != TRT_STATUS_OK)
    return 0;
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "pad_gather");
}

static trt_status_t pad_create(const trt_network_t *network, const trt_layer_t *layer,
                               int32_t tactic, trt_cuda_env_t *env, void **state,
                               size_t *workspace_bytes) {
  (void)env;
  if (tactic != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "Pad: unknown tactic %d", (int)tactic);
  trt_status_t status = require_constants(network, layer, 1, 1);
  if (status == TRT_STATUS_OK)
    status = require_constants(network, layer, 3, 3);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_pad_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  const trt_tensor_t *pads = trt_layer_input(network, layer, 1);
  const trt_tensor_t *value = trt_layer_input(network, layer, 2);
  const trt_tensor_t *axes = trt_layer_input(network, layer, 3);
  pad_state_t *s = calloc(1, sizeof(*s));
  if (!s)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Pad: out of memory");
  int rank = data->dims.nb_dims;
  s->plan.rank = rank;
  s->plan.mode = params->mode == TRT_PAD_REFLECT ? TRT_KPAD_REFLECT
                 : params->mode == TRT_PAD_EDGE  ? TRT_KPAD_EDGE
                                                 : TRT_KPAD_CONSTANT;
  for (int d = 0; d < rank; d++) {
    s->plan.out_dims[d] = output->dims.d[d];
    s->plan.in_dims[d] = data->dims.d[d];
  }
  if (params->nb_pads > 0) {
    for (int d = 0; d < rank; d++)
      s->plan.begin[d] = params->pads[d];
  } else if (pads) {
    int64_t nb_axes = axes ? trt_dims_volume(&axes->dims) : rank;
    for (int64_t i = 0; i < nb_axes; i++) {
      int axis = trt_normalize_axis(axes ? trt_tensor_get_int(axes, i) : i, rank);
      if (axis >= 0)
        s->plan.begin[axis] = trt_tensor_get_int(pads, i);
    }
  }
  if (value && trt_dims_volume(&value->dims) == 1) {
    if (value->data)
      memcpy(&s->plan.fill_bits, value->data, trt_data_type_size(data->type));
    else
      s->fill_from_input = true;
  } else {
    s->plan.fill_bits = fill_bits(params->value, data->type);
  }
  *state = s;
  *workspace_bytes = 0;
  return TRT_STATUS_OK;
}

static trt_status_t pad_enqueue(void *state, const trt_network_t *network,
                                const trt_layer_t *layer, int32_t tactic,
                                const void *const *inputs, void *const *outputs,
                                trt_cuda_env_t *env) {
  (void)tactic;
  const pad_state_t *s = state;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const void *fill = s->fill_from_input ? inputs[2] : NULL;
  TRT_LAUNCH_CHECK(trt_launch_pad(inputs[0], outputs[0], fill,
                                  (int)trt_data_type_size(data->type), s->plan, env->stream));
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_pad_ops = {
    .list_tactics = pad_list_tactics,
    .create = pad_create,
    .enqueue = pad_enqueue,
    .destroy = plan_destroy,
};
