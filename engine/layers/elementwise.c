/* Shape inference for the elementwise family: two inputs with multidirectional
 * (numpy) broadcasting. */
#include "layers/layers.h"

static const char *elementwise_kind_name(trt_elementwise_kind_t kind) {
  static const char *const names[] = {
      [TRT_ELEMENTWISE_ADD] = "Add", [TRT_ELEMENTWISE_SUB] = "Sub",
      [TRT_ELEMENTWISE_MUL] = "Mul", [TRT_ELEMENTWISE_DIV] = "Div",
      [TRT_ELEMENTWISE_POW] = "Pow", [TRT_ELEMENTWISE_MIN] = "Min",
      [TRT_ELEMENTWISE_MAX] = "Max", [TRT_ELEMENTWISE_PRELU] = "PRelu",
      [TRT_ELEMENTWISE_MOD] = "Mod", [TRT_ELEMENTWISE_FMOD] = "Fmod",
  };
  _Static_assert(sizeof(names) / sizeof(names[0]) == TRT_ELEMENTWISE_COUNT,
                 "every elementwise kind needs a name");
  return ((int)kind >= 0 && kind < TRT_ELEMENTWISE_COUNT) ? names[kind] : "(invalid)";
}

static bool elementwise_type_supported(trt_data_type_t type) {
  return trt_is_float_compute_type(type) || type == TRT_DATA_TYPE_INT32 ||
         type == TRT_DATA_TYPE_INT64;
}

/* Right-aligns the two shapes; each pair of dims must be equal or one of them
 * 1. A dimension still unknown (-1) broadcasts against 1 and takes the other
 * side's value otherwise. */
static trt_status_t broadcast_dims(const trt_dims_t *a, const trt_dims_t *b, trt_dims_t *out) {
  int rank = a->nb_dims > b->nb_dims ? a->nb_dims : b->nb_dims;
  out->nb_dims = rank;
  for (int i = 0; i < rank; i++) {
    int ia = i - (rank - a->nb_dims), ib = i - (rank - b->nb_dims);
    int64_t da = ia >= 0 ? a->d[ia] : 1, db = ib >= 0 ? b->d[ib] : 1;
    if (da == db || db == 1) {
      out->d[i] = da;
    } else if (da == 1) {
      out->d[i] = db;
    } else if (da < 0 || db < 0) {
      out->d[i] = da < 0 ? db : da;
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

trt_status_t trt_elementwise_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_elementwise_params_t *params = layer->params;
  if (!params || (int)params->kind < 0 || params->kind >= TRT_ELEMENTWISE_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing or invalid elementwise kind");
  if (layer->nb_inputs != 2 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 2 inputs and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  if (!a || !b)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s needs two inputs",
                     elementwise_kind_name(params->kind));
  if (!elementwise_type_supported(a->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(a->type));
  if (!elementwise_type_supported(b->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(b->type));
  /* Pow alone lets the exponent's type differ (ONNX Pow-12+: T and T1). */
  if (a->type != b->type && params->kind != TRT_ELEMENTWISE_POW)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s inputs have different types: %s and %s",
                     elementwise_kind_name(params->kind), trt_data_type_name(a->type),
                     trt_data_type_name(b->type));

  trt_dims_t dims;
  trt_status_t status = broadcast_dims(&a->dims, &b->dims, &dims);
  if (status != TRT_STATUS_OK)
    return status;
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = a->type;
  output->dims = dims;
  return TRT_STATUS_OK;
}
