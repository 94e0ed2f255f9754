/* Shape inference for pooling (ONNX MaxPool, AveragePool, GlobalMaxPool,
 * GlobalAveragePool): fills defaulted strides and dilations, resolves
 * auto_pad into explicit pads, and applies ONNX's ceil_mode rule that the
 * last window must start inside the input or the left padding. */
#include "layers/layers.h"

static const char *pooling_name(const trt_pooling_params_t *params) {
  return params->kind == TRT_POOLING_MAX ? "MaxPool" : "AveragePool";
}

/* Output size of one axis (pads resolved, all values non-negative, stride
 * positive); -1 when a sum overflows. */
static int64_t pooled_size(int64_t in, int64_t pad_begin, int64_t pad_end, int64_t dilated_kernel,
                           int64_t stride, bool ceil_mode) {
  int64_t padded, span;
  if (!trt_int64_add_checked(in, pad_begin, &padded) ||
      !trt_int64_add_checked(padded - dilated_kernel, pad_end, &span))
    return -1;
  if (span < 0)
    return 0;
  int64_t out = (ceil_mode ? span / stride + (span % stride != 0) : span / stride) + 1;
  /* The last window must start inside the input or the left padding:
   * (out - 1) * stride >= in + pad_begin, written without the product. */
  if (ceil_mode && out - 1 >= padded / stride + (padded % stride != 0))
    out--;
  return out;
}

trt_status_t trt_pooling_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_pooling_params_t *params = layer->params;
  const char *op = pooling_name(params);
  if (layer->nb_inputs != 1 || layer->nb_outputs != 1 || !trt_layer_input(network, layer, 0))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expects one input and one output", op);
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  trt_status_t status = trt_float_operand_check(op, "input", x, NULL);
  if (status != TRT_STATUS_OK)
    return status;
  char x_dims[96];
  trt_dims_format(&x->dims, x_dims, sizeof x_dims);
  const int nb_spatial = x->dims.nb_dims - 2;
  if (nb_spatial < 1 || nb_spatial > 3)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: input must be N x C x 1 to 3 spatial dims, got %s", op, x_dims);
  if (!params->global && params->nb_spatial != 0 && params->nb_spatial != nb_spatial)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: kernel has %d spatial dims but input is %s", op,
                     params->nb_spatial, x_dims);
  params->nb_spatial = nb_spatial;

  trt_dims_t out = x->dims;
  for (int i = 0; i < nb_spatial; i++) {
    const int64_t in = x->dims.d[2 + i];
    if (params->global) {
      params->kernel[i] = in;
      params->stride[i] = params->dilation[i] = 1;
      params->pad_begin[i] = params->pad_end[i] = 0;
      out.d[2 + i] = in < 0 ? -1 : 1;
      continue;
    }
    if (params->kernel[i] <= 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: kernel size %lld on spatial axis %d", op,
                       (long long)params->kernel[i], i);
    /* 0 is "not set" (zero-initialized parameters): 1. Importers reject
     * an explicit 0; a negative value is an error here. */
    if (params->stride[i] == 0)
      params->stride[i] = 1;
    if (params->dilation[i] == 0)
      params->dilation[i] = 1;
    if (params->stride[i] < 0 || params->dilation[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: stride %lld and dilation %lld on spatial axis %d must be positive", op,
                       (long long)params->stride[i], (long long)params->dilation[i], i);
    const int64_t stride = params->stride[i];
    int64_t dilated;
    if (!trt_int64_mul_checked(params->kernel[i] - 1, params->dilation[i], &dilated) ||
        !trt_int64_add_checked(dilated, 1, &dilated))
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: kernel %lld with dilation %lld on spatial axis %d is too large", op,
                       (long long)params->kernel[i], (long long)params->dilation[i], i);
    bool ceil_mode = params->ceil_mode;
    if (in < 0) {
      out.d[2 + i] = -1;
      continue;
    }
    if (params->auto_pad == TRT_AUTO_PAD_VALID) {
      params->pad_begin[i] = params->pad_end[i] = 0;
      ceil_mode = false;
    } else if (params->auto_pad == TRT_AUTO_PAD_SAME_UPPER ||
               params->auto_pad == TRT_AUTO_PAD_SAME_LOWER) {
      const int64_t wanted = in / stride + (in % stride != 0);
      int64_t total;
      if (!trt_int64_mul_checked(wanted - 1, stride, &total) ||
          !trt_int64_add_checked(total, dilated - in, &total))
        return trt_error(TRT_STATUS_SHAPE_ERROR,
                         "%s: the padding of spatial axis %d (input %s) overflows", op, i, x_dims);
      total = total > 0 ? total : 0;
      /* SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning. */
      const int64_t small = total / 2, large = total - small;
      params->pad_begin[i] = params->auto_pad == TRT_AUTO_PAD_SAME_UPPER ? small : large;
      params->pad_end[i] = params->auto_pad == TRT_AUTO_PAD_SAME_UPPER ? large : small;
      ceil_mode = false;
    }
    if (params->pad_begin[i] < 0 || params->pad_end[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: negative padding on spatial axis %d", op, i);
    if (params->pad_begin[i] >= dilated || params->pad_end[i] >= dilated)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: padding (%lld, %lld) on spatial axis %d must be smaller than the "
                       "kernel (%lld)",
                       op, (long long)params->pad_begin[i], (long long)params->pad_end[i], i,
                       (long long)dilated);
    out.d[2 + i] =
        pooled_size(in, params->pad_begin[i], params->pad_end[i], dilated, stride, ceil_mode);
    if (out.d[2 + i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: the output size on spatial axis %d (input %s) overflows", op, i,
                       x_dims);
    if (out.d[2 + i] < 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: input %s is smaller than the kernel (%lld) on spatial axis %d", op,
                       x_dims, (long long)dilated, i);
  }
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = x->type;
  y->dims = out;
  return TRT_STATUS_OK;
}

bool trt_pooling_geometry(const trt_network_t *network, const trt_layer_t *layer,
                          trt_pooling_geometry_t *geometry) {
  const trt_pooling_params_t *params = layer->params;
  const trt_dims_t *x = &trt_layer_input(network, layer, 0)->dims;
  const trt_dims_t *y = &trt_layer_output(network, layer, 0)->dims;
  trt_pooling_geometry_t g = {.planes = x->d[0] * x->d[1]};
  const int nb_spatial = x->nb_dims - 2, first = 3 - nb_spatial;
  for (int i = 0; i < 3; i++) {
    const int axis = i - first;
    const bool present = axis >= 0;
    g.in[i] = present ? x->d[2 + axis] : 1;
    g.out[i] = present ? y->d[2 + axis] : 1;
    g.kernel[i] = present ? params->kernel[axis] : 1;
    g.stride[i] = present ? params->stride[axis] : 1;
    g.dilation[i] = present ? params->dilation[axis] : 1;
    g.pad_begin[i] = present ? params->pad_begin[axis] : 0;
    g.pad_end[i] = present ? params->pad_end[axis] : 0;
  }
  *geometry = g;
  bool whole = g.out[0] * g.out[1] * g.out[2] == 1;
  for (int i = 0; i < 3; i++)
    whole = whole && g.kernel[i] == g.in[i] && !g.pad_begin[i] && !g.pad_end[i];
  return params->global || whole;
}
