/* Shape inference for the convolution family (ONNX Conv and ConvTranspose).
 *
 * Validates x [N, C, spatial...], w and the optional bias, fills defaulted
 * parameters (kernel from the weights, stride and dilation 1, group 1), turns
 * auto_pad into explicit pad_begin/pad_end, and sets the output dims. */
#include "layers/layers.h"

trt_status_t trt_float_operand_check(const char *op, const char *what, const trt_tensor_t *tensor,
                                     const trt_tensor_t *like) {
  if (!trt_is_float_compute_type(tensor->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: %s type %s is not supported", op, what,
                     trt_data_type_name(tensor->type));
  if (like && tensor->type != like->type)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: %s is %s but '%s' is %s", op, what,
                     trt_data_type_name(tensor->type), like->name,
                     trt_data_type_name(like->type));
  return TRT_STATUS_OK;
}

/* Fills defaults and checks the parameters against the weights' kernel dims. */
static trt_status_t normalize_params(const char *op, trt_convolution_params_t *params,
                                     const trt_tensor_t *x, const trt_tensor_t *w) {
  char dims[96], x_dims[96];
  const int nb_spatial = x->dims.nb_dims - 2;
  if (nb_spatial < 1 || nb_spatial > 3)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: input must be N x C x 1 to 3 spatial dims, got %s", op,
                     trt_dims_format(&x->dims, dims, sizeof dims));
  if (params->nb_spatial != 0 && params->nb_spatial != nb_spatial)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: parameters have %d spatial dims but input is %s",
                     op, params->nb_spatial, trt_dims_format(&x->dims, dims, sizeof dims));
  if (w->dims.nb_dims != x->dims.nb_dims)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: weights %s must have rank %d like the input %s",
                     op, trt_dims_format(&w->dims, dims, sizeof dims), x->dims.nb_dims,
                     trt_dims_format(&x->dims, x_dims, sizeof x_dims));
  params->nb_spatial = nb_spatial;
  if (params->group <= 0)
    params->group = 1;
  for (int i = 0; i < nb_spatial; i++) {
    const int64_t from_weights = w->dims.d[2 + i];
    if (params->kernel[i] <= 0)
      params->kernel[i] = from_weights;
    if (params->kernel[i] != from_weights)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: kernel_shape[%d] = %lld but the weights %s have %lld", op, i,
                       (long long)params->kernel[i], trt_dims_format(&w->dims, dims, sizeof dims),
                       (long long)from_weights);
    /* 0 is "not set" (zero-initialized parameters): 1. Importers reject
     * an explicit 0; a negative value is an error here. */
    if (params->stride[i] == 0)
      params->stride[i] = 1;
    if (params->dilation[i] == 0)
      params->dilation[i] = 1;
    if (params->kernel[i] <= 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: kernel size %lld on axis %d", op,
                       (long long)params->kernel[i], i);
    if (params->stride[i] < 0 || params->dilation[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: stride %lld and dilation %lld on spatial axis %d must be positive", op,
                       (long long)params->stride[i], (long long)params->dilation[i], i);
  }
  return TRT_STATUS_OK;
}

/* (kernel - 1) * dilation + 1 without overflow. */
static trt_status_t dilated_kernel(const char *op, const trt_convolution_params_t *params, int i,
                                   int64_t *dilated) {
  if (!trt_int64_mul_checked(params->kernel[i] - 1, params->dilation[i], dilated) ||
      !trt_int64_add_checked(*dilated, 1, dilated))
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: kernel %lld with dilation %lld on spatial axis %d is too large", op,
                     (long long)params->kernel[i], (long long)params->dilation[i], i);
  return TRT_STATUS_OK;
}

static trt_status_t too_large(const char *op, const char *x_dims, int axis) {
  return trt_error(TRT_STATUS_SHAPE_ERROR,
                   "%s: the output size on spatial axis %d (input %s) overflows: kernel, stride, "
                   "dilation or pads are too large",
                   op, axis, x_dims);
}

static trt_status_t check_bias(const char *op, const trt_tensor_t *b, const trt_tensor_t *x,
                               int64_t out_channels) {
  if (!b)
    return TRT_STATUS_OK;
  trt_status_t status = trt_float_operand_check(op, "bias", b, x);
  if (status != TRT_STATUS_OK)
    return status;
  if (b->dims.nb_dims != 1 || b->dims.d[0] != out_channels) {
    char dims[96];
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: bias is %s, expected %lld values", op,
                     trt_dims_format(&b->dims, dims, sizeof dims), (long long)out_channels);
  }
  return TRT_STATUS_OK;
}

/* Common checks; returns x and w through the pointers. `fused_forms`: the
 * optimizer's residual input 3 and several outputs are allowed. */
static trt_status_t check_inputs(const char *op, const trt_network_t *network,
                                 const trt_layer_t *layer, bool fused_forms, trt_tensor_t **x,
                                 trt_tensor_t **w) {
  if (layer->nb_inputs < 2 || layer->nb_inputs > (fused_forms ? 4 : 3) ||
      !trt_layer_input(network, layer, 0) || !trt_layer_input(network, layer, 1))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expects inputs x, w and optional bias%s",
                     op, fused_forms ? " and residual" : "");
  if (layer->nb_outputs != 1 && !fused_forms)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: expects 1 output, got %d", op,
                     layer->nb_outputs);
  *x = trt_layer_input(network, layer, 0);
  *w = trt_layer_input(network, layer, 1);
  trt_status_t status = trt_float_operand_check(op, "input", *x, NULL);
  if (status == TRT_STATUS_OK)
    status = trt_float_operand_check(op, "weights", *w, *x);
  return status;
}

/* Output size of a strided window sweep; -1 when the input size is unknown;
 * false on overflow. */
static bool convolution_out_size(int64_t in, int64_t pad_begin, int64_t pad_end,
                                 int64_t dilated_kernel, int64_t stride, int64_t *out) {
  if (in < 0) {
    *out = -1;
    return true;
  }
  int64_t span;
  if (!trt_int64_add_checked(in, pad_begin, &span) || !trt_int64_add_checked(span, pad_end, &span))
    return false;
  *out = (span - dilated_kernel) / stride + 1; /* both terms non-negative: no overflow */
  return true;
}

static void resolve_same_pads(int auto_pad, int64_t total, int64_t *begin, int64_t *end) {
  /* SAME_UPPER puts the odd pixel at the end, SAME_LOWER at the beginning. */
  const int64_t small = total / 2, large = total - total / 2;
  *begin = auto_pad == TRT_AUTO_PAD_SAME_UPPER ? small : large;
  *end = auto_pad == TRT_AUTO_PAD_SAME_UPPER ? large : small;
}

/* Sets the outputs' dims from the full result `out`. A merged convolution
 * (several outputs) keeps each output's channel count, which must be known
 * and add up; a residual must be shaped like the (single) output. */
static trt_status_t set_outputs(const char *op, trt_network_t *network, trt_layer_t *layer,
                                const trt_dims_t *out) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  int64_t channels = 0;
  for (int o = 0; layer->nb_outputs > 1 && o < layer->nb_outputs; o++) {
    const trt_tensor_t *y = trt_layer_output(network, layer, o);
    if (y->dims.nb_dims != out->nb_dims || y->dims.d[1] < 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: merged output '%s' has no channel count", op,
                       y->name);
    channels += y->dims.d[1];
  }
  if (layer->nb_outputs > 1 && channels != out->d[1])
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: merged outputs have %lld channels, weights %lld",
                     op, (long long)channels, (long long)out->d[1]);
  const trt_tensor_t *residual = trt_layer_input(network, layer, 3);
  if (residual && (layer->nb_outputs != 1 || !trt_dims_equal(&residual->dims, out) ||
                   residual->type != x->type)) {
    char dims[96], out_dims[96];
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: residual '%s' is %s, the output %s", op,
                     residual->name, trt_dims_format(&residual->dims, dims, sizeof dims),
                     trt_dims_format(out, out_dims, sizeof out_dims));
  }
  for (int o = 0; o < layer->nb_outputs; o++) {
    trt_tensor_t *y = trt_layer_output(network, layer, o);
    int64_t own_channels = layer->nb_outputs > 1 ? y->dims.d[1] : out->d[1];
    y->type = x->type;
    y->dims = *out;
    y->dims.d[1] = own_channels;
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_convolution_infer(trt_network_t *network, trt_layer_t *layer) {
  const char *op = "Convolution";
  trt_convolution_params_t *params = layer->params;
  trt_tensor_t *x = NULL, *w = NULL;
  trt_status_t status = check_inputs(op, network, layer, true, &x, &w);
  if (status == TRT_STATUS_OK)
    status = normalize_params(op, params, x, w);
  if (status != TRT_STATUS_OK)
    return status;
  char x_dims[96], w_dims[96];
  trt_dims_format(&x->dims, x_dims, sizeof x_dims);
  trt_dims_format(&w->dims, w_dims, sizeof w_dims);
  const int64_t in_channels = x->dims.d[1], out_channels = w->dims.d[0];
  if (out_channels % params->group != 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: %lld output channels (weights %s) are not divisible by group %lld", op,
                     (long long)out_channels, w_dims, (long long)params->group);
  int64_t grouped_channels;
  if (!trt_int64_mul_checked(w->dims.d[1], params->group, &grouped_channels))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: group %lld is too large", op,
                     (long long)params->group);
  if (in_channels >= 0 && in_channels != grouped_channels)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: input %s has %lld channels but weights %s with group %lld expect %lld",
                     op, x_dims, (long long)in_channels, w_dims, (long long)params->group,
                     (long long)grouped_channels);
  status = check_bias(op, trt_layer_input(network, layer, 2), x, out_channels);
  if (status != TRT_STATUS_OK)
    return status;

  trt_dims_t out = x->dims;
  out.d[1] = out_channels;
  for (int i = 0; i < params->nb_spatial; i++) {
    const int64_t in = x->dims.d[2 + i], stride = params->stride[i];
    int64_t dilated;
    if ((status = dilated_kernel(op, params, i, &dilated)) != TRT_STATUS_OK)
      return status;
    if (params->auto_pad == TRT_AUTO_PAD_VALID) {
      params->pad_begin[i] = params->pad_end[i] = 0;
    } else if (params->auto_pad != TRT_AUTO_PAD_NOTSET && in >= 0) {
      /* wanted = ceil(in / stride); total = (wanted - 1) * stride + dilated - in */
      const int64_t wanted = in / stride + (in % stride != 0);
      int64_t total;
      if (!trt_int64_mul_checked(wanted - 1, stride, &total) ||
          !trt_int64_add_checked(total, dilated - in, &total))
        return too_large(op, x_dims, i);
      resolve_same_pads(params->auto_pad, total > 0 ? total : 0, &params->pad_begin[i],
                        &params->pad_end[i]);
    }
    if (params->pad_begin[i] < 0 || params->pad_end[i] < 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: negative padding on spatial axis %d", op, i);
    if (!convolution_out_size(in, params->pad_begin[i], params->pad_end[i], dilated, stride,
                              &out.d[2 + i]))
      return too_large(op, x_dims, i);
    if (in >= 0 && out.d[2 + i] < 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: input %s is smaller than the dilated kernel (%lld) on spatial axis %d",
                       op, x_dims, (long long)dilated, i);
  }
  return set_outputs(op, network, layer, &out);
}

trt_status_t trt_deconvolution_infer(trt_network_t *network, trt_layer_t *layer) {
  const char *op = "Deconvolution";
  trt_convolution_params_t *params = layer->params;
  trt_tensor_t *x = NULL, *w = NULL;
  trt_status_t status = check_inputs(op, network, layer, false, &x, &w);
  if (status == TRT_STATUS_OK)
    status = normalize_params(op, params, x, w);
  if (status != TRT_STATUS_OK)
    return status;
  char x_dims[96], w_dims[96];
  trt_dims_format(&x->dims, x_dims, sizeof x_dims);
  trt_dims_format(&w->dims, w_dims, sizeof w_dims);
  const int64_t in_channels = x->dims.d[1];
  int64_t out_channels;
  if (!trt_int64_mul_checked(w->dims.d[1], params->group, &out_channels))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: group %lld is too large", op,
                     (long long)params->group);
  if (in_channels >= 0 && in_channels != w->dims.d[0])
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: input %s has %lld channels but weights %s expect %lld", op, x_dims,
                     (long long)in_channels, w_dims, (long long)w->dims.d[0]);
  if (w->dims.d[0] % params->group != 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: %lld input channels are not divisible by group %lld", op,
                     (long long)w->dims.d[0], (long long)params->group);
  status = check_bias(op, trt_layer_input(network, layer, 2), x, out_channels);
  if (status != TRT_STATUS_OK)
    return status;

  trt_dims_t out = x->dims;
  out.d[1] = out_channels;
  for (int i = 0; i < params->nb_spatial; i++) {
    const int64_t in = x->dims.d[2 + i], stride = params->stride[i];
    int64_t dilated;
    if ((status = dilated_kernel(op, params, i, &dilated)) != TRT_STATUS_OK)
      return status;
    if (params->output_padding[i] < 0 ||
        (params->output_padding[i] >= stride && params->output_padding[i] >= params->dilation[i]))
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: output_padding %lld on spatial axis %d must be smaller than the "
                       "stride or the dilation",
                       op, (long long)params->output_padding[i], i);
    /* full = stride * (in - 1) + output_padding + dilated */
    int64_t full = -1;
    if (in >= 0 && (!trt_int64_mul_checked(stride, in - 1, &full) ||
                    !trt_int64_add_checked(full, params->output_padding[i], &full) ||
                    !trt_int64_add_checked(full, dilated, &full)))
      return too_large(op, x_dims, i);
    if (params->auto_pad == TRT_AUTO_PAD_VALID) {
      params->pad_begin[i] = params->pad_end[i] = 0;
    } else if (params->auto_pad != TRT_AUTO_PAD_NOTSET && in >= 0) {
      /* ONNX: the output is input * stride; the padding is what is left over. */
      int64_t total;
      if (!trt_int64_mul_checked(in, stride, &total) || !trt_int64_sub_checked(full, total, &total))
        return too_large(op, x_dims, i);
      resolve_same_pads(params->auto_pad, total, &params->pad_begin[i], &params->pad_end[i]);
    }
    out.d[2 + i] = -1;
    if (in >= 0 && (!trt_int64_sub_checked(full, params->pad_begin[i], &out.d[2 + i]) ||
                    !trt_int64_sub_checked(out.d[2 + i], params->pad_end[i], &out.d[2 + i])))
      return too_large(op, x_dims, i);
    if (in >= 0 && out.d[2 + i] < 1)
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "%s: the pads leave no output on spatial axis %d (input %s)", op, i, x_dims);
  }
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = x->type;
  y->dims = out;
  return TRT_STATUS_OK;
}
