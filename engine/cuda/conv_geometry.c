/* The host-only geometry of the CUDA convolution family (see
 * conv_geometry.h); convolution.c turns it into cuDNN descriptors and
 * launches. */
#include "cuda/conv_geometry.h"

#include <string.h>

#define RANK TRT_CONV_GEOMETRY_RANK

static int64_t min64(int64_t a, int64_t b) {
  return a < b ? a : b;
}
static int64_t max64(int64_t a, int64_t b) {
  return a > b ? a : b;
}

void trt_conv_packed_strides(const int64_t *dims, int64_t *strides) {
  int64_t stride = 1;
  for (int d = RANK - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= dims[d];
  }
}

/* A tensor's dims as N, C, D, H, W. */
static void dims5(const trt_tensor_t *tensor, int64_t *dims) {
  const int nb_spatial = tensor->dims.nb_dims - 2, first = 3 - nb_spatial;
  dims[0] = tensor->dims.d[0];
  dims[1] = tensor->dims.d[1];
  for (int i = 0; i < 3; i++)
    dims[2 + i] = i >= first ? tensor->dims.d[2 + i - first] : 1;
}

/* A tensor's element strides as N, C, D, H, W (trt_tensor_strides: its
 * storage's, row-major or channels last); missing leading spatial dims get
 * the stride of a size-1 dim. */
static void strides5(const trt_network_t *network, const trt_tensor_t *tensor, int64_t *strides) {
  int64_t own_strides[TRT_MAX_DIMS] = {0};
  trt_tensor_strides(network, tensor, own_strides);
  const int nb_spatial = tensor->dims.nb_dims - 2, first = 3 - nb_spatial;
  int64_t own[RANK];
  dims5(tensor, own);
  strides[0] = own_strides[0];
  strides[1] = own_strides[1];
  for (int i = 2; i >= 0; i--)
    strides[2 + i] = i >= first ? own_strides[2 + i - first] : strides[3 + i] * own[3 + i];
}

trt_status_t trt_conv_geometry_init(trt_conv_geometry_t *g, const trt_network_t *network,
                                    const trt_layer_t *layer, bool deconv) {
  memset(g, 0, sizeof *g);
  g->deconv = deconv;
  g->op = deconv ? "Deconvolution" : "Convolution";
  g->name = layer->name ? layer->name : "";
  const trt_convolution_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *w = trt_layer_input(network, layer, 1);
  const trt_tensor_t *b = trt_layer_input(network, layer, 2);
  const trt_tensor_t *r = trt_layer_input(network, layer, 3);
  if (!params || !x || !w || layer->nb_inputs > 4 || layer->nb_outputs < 1 ||
      layer->nb_outputs > TRT_MAX_LAYER_OUTPUTS)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "expects x, w, [bias], [residual] and 1 to %d outputs", TRT_MAX_LAYER_OUTPUTS);
  /* float32, or float16 throughout (a convolution lowered for FP16) */
  g->type = x->type;
  const bool type_ok = g->type == TRT_DATA_TYPE_FLOAT32 ||
                       (g->type == TRT_DATA_TYPE_FLOAT16 && !deconv);
  if (!type_ok || w->type != g->type || (b && b->type != g->type) || (r && r->type != g->type))
    return trt_error(TRT_STATUS_UNSUPPORTED, "the CUDA %s runs float32%s only (input %s)",
                     deconv ? "deconvolution" : "convolution", deconv ? "" : " or float16",
                     trt_data_type_name(x->type));
  const int nb_spatial = x->dims.nb_dims - 2;
  if (nb_spatial < 1 || nb_spatial > 3 || params->nb_spatial != nb_spatial ||
      w->dims.nb_dims != x->dims.nb_dims)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "needs 1 to 3 spatial dims (input rank %d)",
                     x->dims.nb_dims);
  g->nb_spatial = nb_spatial;
  g->group = params->group > 0 ? params->group : 1;
  g->activation = params->activation;
  if ((int)g->activation.kind < 0 || g->activation.kind >= TRT_ACTIVATION_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "bad activation %d", (int)g->activation.kind);
  dims5(x, g->x_dims);
  strides5(network, x, g->x_strides);
  g->batch = g->x_dims[0];
  g->in_channels = g->x_dims[1];
  const int first = 3 - nb_spatial;
  for (int i = 0; i < 3; i++) {
    const int axis = i - first;
    const bool present = axis >= 0;
    g->in[i] = g->x_dims[2 + i];
    g->kernel[i] = present ? params->kernel[axis] : 1;
    g->stride[i] = present ? params->stride[axis] : 1;
    g->dilation[i] = present ? params->dilation[axis] : 1;
    g->pad_begin[i] = present ? params->pad_begin[axis] : 0;
    g->pad_end[i] = present ? params->pad_end[axis] : 0;
    g->output_padding[i] = present && deconv ? params->output_padding[axis] : 0;
    if (g->kernel[i] < 1 || g->stride[i] < 1 || g->dilation[i] < 1 || g->pad_begin[i] < 0 ||
        g->pad_end[i] < 0)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "kernel, stride, dilation or pads not set (run shape inference)");
  }

  /* Outputs: same N and spatial dims, channels adding up to the weights'. */
  g->nb_outputs = layer->nb_outputs;
  const trt_tensor_t *y0 = trt_layer_output(network, layer, 0);
  int64_t y_dims[RANK];
  dims5(y0, y_dims);
  for (int i = 0; i < 3; i++)
    g->out[i] = y_dims[2 + i];
  int64_t channel = 0;
  for (int k = 0; k < g->nb_outputs; k++) {
    const trt_tensor_t *y = trt_layer_output(network, layer, k);
    int64_t dims[RANK];
    dims5(y, dims);
    if (y->type != g->type || y->dims.nb_dims != x->dims.nb_dims ||
        dims[0] != g->batch || dims[2] != g->out[0] || dims[3] != g->out[1] || dims[4] != g->out[2])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "output %d's dims do not match output 0", k);
    g->channels[k] = dims[1];
    g->channel_offset[k] = channel;
    channel += dims[1];
    strides5(network, y, g->y_strides[k]);
  }
  g->total_channels = channel;
  const int64_t weight_out = deconv ? w->dims.d[1] * g->group : w->dims.d[0];
  const int64_t weight_in = deconv ? w->dims.d[0] : w->dims.d[1] * g->group;
  if (weight_out != channel || weight_in != g->in_channels || g->in_channels % g->group != 0 ||
      channel % g->group != 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "weights, group %lld and %lld input / %lld output channels disagree",
                     (long long)g->group, (long long)g->in_channels, (long long)channel);
  for (int i = 0; i < nb_spatial; i++)
    if (w->dims.d[2 + i] != params->kernel[i])
      return trt_error(TRT_STATUS_SHAPE_ERROR, "weights do not match kernel_shape");
  if (g->nb_outputs > 1 && (deconv || g->group != 1))
    return trt_error(TRT_STATUS_UNSUPPORTED, "several outputs need a convolution with group 1");
  g->filter_channels_last = w->format == TRT_FORMAT_CHANNELS_LAST;
  g->has_bias = b != NULL;
  if (b && trt_dims_volume(&b->dims) != channel)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "bias has %lld values, expected %lld",
                     (long long)trt_dims_volume(&b->dims), (long long)channel);
  g->has_residual = r != NULL;
  if (r) {
    if (g->nb_outputs != 1 || !trt_dims_equal(&r->dims, &y0->dims))
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "the residual must be shaped like the single output");
    strides5(network, r, g->residual_strides);
  }

  /* How cuDNN runs it. */
  for (int i = 0; i < 3; i++) {
    const int64_t dilated = (g->kernel[i] - 1) * g->dilation[i] + 1;
    if (!deconv) {
      const int64_t symmetric = (g->in[i] + 2 * g->pad_begin[i] - dilated) / g->stride[i] + 1;
      if (g->in[i] + 2 * g->pad_begin[i] >= dilated && symmetric == g->out[i]) {
        g->cudnn_pad[i] = g->pad_begin[i];
      } else {
        g->cudnn_pad[i] = min64(g->pad_begin[i], g->pad_end[i]);
        g->extra_begin[i] = g->pad_begin[i] - g->cudnn_pad[i];
        g->extra_end[i] = g->pad_end[i] - g->cudnn_pad[i];
        g->explicit_pad = true;
      }
    } else {
      /* cuDNN pads dx by pad_begin on both sides: the forward geometry of
       * the output must give back the input size. */
      const int64_t excess = g->output_padding[i] + g->pad_begin[i] - g->pad_end[i];
      if (excess < 0 || excess >= g->stride[i])
        g->crop = true;
    }
  }
  if (deconv && g->crop) {
    for (int i = 0; i < 3; i++) {
      const int64_t dilated = (g->kernel[i] - 1) * g->dilation[i] + 1;
      const int64_t rest = max64(0, g->output_padding[i] - g->pad_end[i]);
      if (rest >= g->stride[i])
        return trt_error(TRT_STATUS_UNSUPPORTED,
                         "output_padding %lld beyond pad_end %lld by a stride or more is not "
                         "supported on the GPU",
                         (long long)g->output_padding[i], (long long)g->pad_end[i]);
      g->full[i] = g->stride[i] * (g->in[i] - 1) + dilated + rest;
    }
  }
  /* A cropped deconvolution computes the full result, unpadded. */
  if (deconv)
    for (int i = 0; i < 3; i++)
      g->cudnn_pad[i] = g->crop ? 0 : g->pad_begin[i];
  return TRT_STATUS_OK;
}

bool trt_conv_geometry_is_depthwise(const trt_conv_geometry_t *g) {
  return !g->deconv && g->type == TRT_DATA_TYPE_FLOAT32 && g->nb_outputs == 1 &&
         g->group == g->in_channels &&
         g->total_channels % g->in_channels == 0;
}

/* Packed N, H, W, C strides of C channels (rank-5 N, C, D, H, W order, D
 * of size 1). */
static bool packed_channels_last(int64_t c, const int64_t *strides, const int64_t *spatial) {
  return strides[1] == 1 && strides[4] == c && strides[3] == c * spatial[2] &&
         strides[0] == c * spatial[1] * spatial[2];
}

bool trt_conv_geometry_is_depthwise_nhwc(const trt_conv_geometry_t *g) {
  return !g->deconv && g->type == TRT_DATA_TYPE_FLOAT16 && g->nb_outputs == 1 &&
         g->nb_spatial == 2 && g->in[0] == 1 && g->group == g->in_channels &&
         g->total_channels == g->in_channels && g->in_channels % 8 == 0 &&
         packed_channels_last(g->in_channels, g->x_strides, g->in) &&
         packed_channels_last(g->in_channels, g->y_strides[0], g->out) &&
         (!g->has_residual || packed_channels_last(g->in_channels, g->residual_strides, g->out));
}

bool trt_conv_geometry_is_1x1_nhwc(const trt_conv_geometry_t *g) {
  bool ok =
      !g->deconv && g->type == TRT_DATA_TYPE_FLOAT16 && g->nb_spatial == 2 && g->in[0] == 1 &&
      g->group == 1 && !g->explicit_pad && g->in_channels % 8 == 0 &&
      packed_channels_last(g->in_channels, g->x_strides, g->in) &&
      (!g->has_residual || (g->nb_outputs == 1 &&
                            packed_channels_last(g->total_channels, g->residual_strides, g->out)));
  for (int d = 0; d < 3; d++)
    ok = ok && g->kernel[d] == 1 && g->stride[d] == 1 && g->pad_begin[d] == 0 && g->pad_end[d] == 0;
  for (int k = 0; k < g->nb_outputs; k++)
    ok = ok && g->channels[k] % 8 == 0 &&
         packed_channels_last(g->channels[k], g->y_strides[k], g->out);
  return ok;
}

/* Whether a tensor's pixels (D, H, W of `spatial`) are contiguous and each
 * channel's plane starts a whole plane or more after the previous one. */
static bool pixels_contiguous(const int64_t *strides, const int64_t *spatial) {
  const int64_t plane = spatial[0] * spatial[1] * spatial[2];
  return (spatial[2] == 1 || strides[4] == 1) && (spatial[1] == 1 || strides[3] == spatial[2]) &&
         (spatial[0] == 1 || strides[2] == spatial[1] * spatial[2]) && strides[1] >= plane;
}

bool trt_conv_geometry_is_1x1_linear(const trt_conv_geometry_t *g) {
  bool ok =
      !g->deconv && g->type == TRT_DATA_TYPE_FLOAT32 && g->group == 1 && !g->explicit_pad &&
      pixels_contiguous(g->x_strides, g->in) &&
      (!g->has_residual || (g->nb_outputs == 1 && pixels_contiguous(g->residual_strides, g->out)));
  for (int d = 0; d < 3; d++)
    ok = ok && g->kernel[d] == 1 && g->stride[d] == 1 && g->pad_begin[d] == 0 && g->pad_end[d] == 0;
  for (int k = 0; k < g->nb_outputs; k++)
    ok = ok && pixels_contiguous(g->y_strides[k], g->out);
  return ok;
}

bool trt_conv_geometry_fused_possible(const trt_conv_geometry_t *g) {
  /* cuDNN 9 refuses its clipped ReLU here (CUDNN_STATUS_NOT_SUPPORTED at
   * run time, on the H200): ReLU6 is not fused by cuDNN. */
  if (g->deconv ||
      (g->activation.kind != TRT_ACTIVATION_NONE && g->activation.kind != TRT_ACTIVATION_RELU))
    return false;
  /* z is described like y: a residual must be laid out like the output. */
  return !g->has_residual ||
         memcmp(g->residual_strides, g->y_strides[0], sizeof g->residual_strides) == 0;
}

void trt_conv_geometry_padded_dims(const trt_conv_geometry_t *g, int64_t *dims) {
  dims[0] = g->batch;
  dims[1] = g->in_channels;
  for (int i = 0; i < 3; i++)
    dims[2 + i] = g->in[i] + g->extra_begin[i] + g->extra_end[i];
}

void trt_conv_geometry_full_dims(const trt_conv_geometry_t *g, int64_t *dims) {
  dims[0] = g->batch;
  dims[1] = g->total_channels;
  for (int i = 0; i < 3; i++)
    dims[2 + i] = g->full[i];
}

size_t trt_conv_workspace_align(size_t bytes) {
  return (bytes + TRT_CONV_WORKSPACE_ALIGN - 1) & ~(size_t)(TRT_CONV_WORKSPACE_ALIGN - 1);
}

/* Buffers of the layer's element type (float32 or float16). */
static size_t element_buffer_bytes(const trt_conv_geometry_t *g, const int64_t *dims) {
  return trt_conv_workspace_align((size_t)(dims[0] * dims[1] * dims[2] * dims[3] * dims[4]) *
                                  trt_data_type_size(g->type));
}

size_t trt_conv_geometry_pad_bytes(const trt_conv_geometry_t *g) {
  if (!g->explicit_pad)
    return 0;
  int64_t dims[RANK];
  trt_conv_geometry_padded_dims(g, dims);
  return element_buffer_bytes(g, dims);
}

size_t trt_conv_geometry_crop_bytes(const trt_conv_geometry_t *g) {
  if (!g->crop)
    return 0;
  int64_t dims[RANK];
  trt_conv_geometry_full_dims(g, dims);
  return element_buffer_bytes(g, dims);
}

size_t trt_conv_geometry_workspace_bytes(const trt_conv_geometry_t *g, size_t algo_bytes) {
  return trt_conv_geometry_pad_bytes(g) + trt_conv_geometry_crop_bytes(g) +
         trt_conv_workspace_align(algo_bytes);
}
