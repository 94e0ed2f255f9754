/* Shape inference for the comparison and logic family: Compare (Equal,
 * Less, Greater, ...) and Logic (And, Or, Xor, Not) give bool tensors;
 * Where picks from x or y by a bool condition. All broadcast like numpy. */
#include "layers/layers.h"

trt_status_t trt_broadcast_dims(const trt_dims_t *a, const trt_dims_t *b, trt_dims_t *out) {
  int rank = a->nb_dims > b->nb_dims ? a->nb_dims : b->nb_dims;
  out->nb_dims = rank;
  for (int i = 0; i < rank; i++) {
    int ia = i - (rank - a->nb_dims), ib = i - (rank - b->nb_dims);
    int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
    if (da == db || db == 1) {
      out->d[i] = da;
    } else if (da == 1) {
      out->d[i] = db;
    } else {
      char text_a[96], text_b[96];
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "cannot broadcast dims %s and %s: dimension %d is %lld vs %lld",
                       trt_dims_format(a, text_a, sizeof(text_a)),
                       trt_dims_format(b, text_b, sizeof(text_b)), i, (long long)da,
                       (long long)db);
    }
  }
  return TRT_STATUS_OK;
}

static bool is_numeric(trt_data_type_t type) {
  return type != TRT_DATA_TYPE_FLOAT16 && (int)type >= 0 && type < TRT_DATA_TYPE_COUNT;
}

/* Checks the inputs' count and presence; `*inputs` gets them. */
static trt_status_t get_inputs(const trt_network_t *network, const trt_layer_t *layer, int count,
                               const trt_tensor_t **inputs) {
  if (layer->nb_inputs != count || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected %d input(s) and 1 output, got %d and %d",
                     count, layer->nb_inputs, layer->nb_outputs);
  for (int i = 0; i < count; i++) {
    inputs[i] = trt_layer_input(network, layer, i);
    if (!inputs[i])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input %d is missing", i);
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_compare_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_compare_params_t *params = layer->params;
  if (!params || (int)params->kind < 0 || params->kind >= TRT_COMPARE_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing or invalid comparison kind");
  const trt_tensor_t *in[2] = {NULL, NULL};
  trt_status_t status = get_inputs(network, layer, 2, in);
  if (status != TRT_STATUS_OK)
    return status;
  if (!is_numeric(in[0]->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(in[0]->type));
  if (in[0]->type != in[1]->type)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "inputs have different types: %s and %s",
                     trt_data_type_name(in[0]->type), trt_data_type_name(in[1]->type));
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = TRT_DATA_TYPE_BOOL;
  return trt_broadcast_dims(&in[0]->dims, &in[1]->dims, &output->dims);
}

trt_status_t trt_logic_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_logic_params_t *params = layer->params;
  if (!params || (int)params->kind < 0 || params->kind >= TRT_LOGIC_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing or invalid logic kind");
  int count = params->kind == TRT_LOGIC_NOT ? 1 : 2;
  const trt_tensor_t *in[2] = {NULL, NULL};
  trt_status_t status = get_inputs(network, layer, count, in);
  if (status != TRT_STATUS_OK)
    return status;
  for (int i = 0; i < count; i++)
    if (in[i]->type != TRT_DATA_TYPE_BOOL)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "input %d is %s, expected bool", i,
                       trt_data_type_name(in[i]->type));
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = TRT_DATA_TYPE_BOOL;
  if (count == 1) {
    output->dims = in[0]->dims;
    return TRT_STATUS_OK;
  }
  return trt_broadcast_dims(&in[0]->dims, &in[1]->dims, &output->dims);
}

trt_status_t trt_where_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_tensor_t *in[3] = {NULL, NULL, NULL};
  trt_status_t status = get_inputs(network, layer, 3, in);
  if (status != TRT_STATUS_OK)
    return status;
  if (in[0]->type != TRT_DATA_TYPE_BOOL)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the condition is %s, expected bool",
                     trt_data_type_name(in[0]->type));
  if (in[1]->type != in[2]->type)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "x and y have different types: %s and %s",
                     trt_data_type_name(in[1]->type), trt_data_type_name(in[2]->type));
  trt_dims_t values;
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = in[1]->type;
  if ((status = trt_broadcast_dims(&in[1]->dims, &in[2]->dims, &values)) != TRT_STATUS_OK)
    return status;
  return trt_broadcast_dims(&in[0]->dims, &values, &output->dims);
}
