/* Caffe's vision layers with window geometry or weights: Convolution,
 * Deconvolution, Pooling and InnerProduct. */
#include <stdio.h>
#include <string.h>

#include "caffe/caffe_layers.h"
#include "caffe/caffe_weights.h"

/* One geometry value per spatial axis from Caffe's spellings: the _h/_w
 * pair (2-D only), else a repeated field with one value for every axis or
 * one per axis, else the default. */
static trt_status_t spatial_values(trt_caffe_importer_t *importer, const char *what, int nb_spatial,
                                   bool has_h, uint32_t h, bool has_w, uint32_t w, size_t count,
                                   const uint32_t *values, int64_t fallback, int64_t *out) {
  if (has_h || has_w) {
    if (!(has_h && has_w) || nb_spatial != 2)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "%s_h and %s_w go together and need a 2-D input", what, what);
    if (count)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "%s is given both as %s and as %s_h/%s_w", what, what, what,
                                   what);
    out[0] = h;
    out[1] = w;
    return TRT_STATUS_OK;
  }
  if (count != 0 && count != 1 && count != (size_t)nb_spatial)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%s has %zu values for %d spatial axes", what, count, nb_spatial);
  for (int i = 0; i < nb_spatial; i++)
    out[i] = count == 0 ? fallback : values[count == 1 ? 0 : i];
  return TRT_STATUS_OK;
}

/* Shared by convolution and deconvolution: geometry, channel checks, then
 * weights [a, b/group, k...] and an optional bias, as constants. */
static trt_status_t import_conv_like(trt_caffe_importer_t *importer, bool transposed) {
  const Caffe__ConvolutionParameter *param = importer->layer->convolution;
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  const int nb_spatial = in.nb_dims - 2;
  if (param->axis != 1)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "channel axis %d is not supported, only 1", param->axis);
  if (nb_spatial < 1 || nb_spatial > 3)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "input of rank %d: 1 to 3 spatial axes are supported", in.nb_dims);
  if (!param->has_num_output || param->num_output == 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "num_output is missing");
  trt_convolution_params_t params = {.nb_spatial = nb_spatial, .group = param->group};
  if (!param->n_kernel_size && !param->has_kernel_h && !param->has_kernel_w)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "kernel_size is missing");
  trt_status_t status = spatial_values(importer, "kernel", nb_spatial, param->has_kernel_h,
                                       param->kernel_h, param->has_kernel_w, param->kernel_w,
                                       param->n_kernel_size, param->kernel_size, 1, params.kernel);
  if (status == TRT_STATUS_OK)
    status = spatial_values(importer, "stride", nb_spatial, param->has_stride_h, param->stride_h,
                            param->has_stride_w, param->stride_w, param->n_stride, param->stride,
                            1, params.stride);
  if (status == TRT_STATUS_OK)
    status = spatial_values(importer, "pad", nb_spatial, param->has_pad_h, param->pad_h,
                            param->has_pad_w, param->pad_w, param->n_pad, param->pad, 0,
                            params.pad_begin);
  if (status == TRT_STATUS_OK)
    status = spatial_values(importer, "dilation", nb_spatial, false, 0, false, 0,
                            param->n_dilation, param->dilation, 1, params.dilation);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t kernel_volume = 1;
  for (int i = 0; i < nb_spatial; i++) {
    params.pad_end[i] = params.pad_begin[i];
    if (params.kernel[i] <= 0 || params.stride[i] <= 0 || params.dilation[i] <= 0)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "kernel, stride and dilation must be positive");
    if (!trt_int64_mul_checked(kernel_volume, params.kernel[i], &kernel_volume))
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "the kernel is too large");
  }
  const int64_t channels = in.d[1], outputs = param->num_output, group = param->group;
  if (group < 1 || channels % group != 0 || outputs % group != 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "group %lld must divide the %lld input and %lld output channels",
                                 (long long)group, (long long)channels, (long long)outputs);
  trt_caffe_blob_spec_t specs[2] = {
      {.role = "weights", .fill = TRT_CAFFE_FILL_WEIGHTS},
      {.role = "bias", .fill = TRT_CAFFE_FILL_BIAS},
  };
  trt_dims_t *w = &specs[0].dims;
  w->nb_dims = 2 + nb_spatial;
  w->d[0] = transposed ? channels : outputs;
  w->d[1] = transposed ? outputs / group : channels / group;
  for (int i = 0; i < nb_spatial; i++)
    w->d[2 + i] = params.kernel[i];
  specs[0].fan_in = channels / group * kernel_volume;
  if (transposed) {
    /* Each output of a strided deconvolution sees about k/stride taps per axis. */
    for (int i = 0; i < nb_spatial; i++)
      specs[0].fan_in /= params.stride[i] < params.kernel[i] ? params.stride[i] : 1;
  }
  specs[1].dims = trt_dims_make(1, &outputs);
  const int nb_blobs = param->bias_term ? 2 : 1;
  float *data[2] = {NULL, NULL};
  if ((status = trt_caffe_layer_blobs(importer, specs, nb_blobs, data)) != TRT_STATUS_OK)
    return status;
  int inputs[3] = {x, trt_caffe_constant_float(importer, "weights", &specs[0].dims, data[0]), -1};
  if (inputs[1] < 0)
    return importer->failure;
  if (param->bias_term &&
      (inputs[2] = trt_caffe_constant_float(importer, "bias", &specs[1].dims, data[1])) < 0)
    return importer->failure;
  const trt_layer_type_t type = transposed ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION;
  return trt_caffe_emit(importer, type, inputs, nb_blobs + 1, &params, 1, 0) < 0 ? importer->failure
                                                                                 : TRT_STATUS_OK;
}

trt_status_t trt_caffe_import_convolution(trt_caffe_importer_t *importer) {
  return import_conv_like(importer, false);
}

trt_status_t trt_caffe_import_deconvolution(trt_caffe_importer_t *importer) {
  return import_conv_like(importer, true);
}

/* Caffe's pooled size: ceil rounding, and with padding the last window
 * must start inside the image or its left padding. */
static int64_t caffe_pooled_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                                 bool ceil_mode) {
  const int64_t span = in + 2 * pad - kernel;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (pad > 0 && (out - 1) * stride >= in + pad)
    out--;
  return out;
}

trt_status_t trt_caffe_import_pooling(trt_caffe_importer_t *importer) {
  const Caffe__PoolingParameter *param = importer->layer->pooling;
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  if (in.nb_dims != 4)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "input of rank %d: Caffe pools 4-D blobs only", in.nb_dims);
  if (param->pool == CAFFE__POOLING_PARAMETER__POOL_METHOD__STOCHASTIC)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "STOCHASTIC pooling is not supported");
  trt_pooling_params_t params = {
      .kind = param->pool == CAFFE__POOLING_PARAMETER__POOL_METHOD__MAX ? TRT_POOLING_MAX
                                                                         : TRT_POOLING_AVERAGE,
      .global = param->global_pooling,
      .nb_spatial = 2,
      .ceil_mode = param->round_mode == CAFFE__POOLING_PARAMETER__ROUND_MODE__CEIL,
      /* Caffe divides by the window clipped to the padded input. */
      .count_include_pad = true,
      .dilation = {1, 1},
  };
  const uint32_t kernel_size = param->has_kernel_size ? param->kernel_size : 0;
  const uint32_t stride = param->stride, pad = param->pad;
  trt_status_t status = TRT_STATUS_OK;
  if (!params.global) {
    if (!param->has_kernel_size && !param->has_kernel_h)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "kernel_size is missing");
    status = spatial_values(importer, "kernel", 2, param->has_kernel_h, param->kernel_h,
                            param->has_kernel_w, param->kernel_w, param->has_kernel_size ? 1 : 0,
                            &kernel_size, 1, params.kernel);
  }
  if (status == TRT_STATUS_OK)
    status = spatial_values(importer, "stride", 2, param->has_stride_h, param->stride_h,
                            param->has_stride_w, param->stride_w, 1, &stride, 1, params.stride);
  if (status == TRT_STATUS_OK)
    status = spatial_values(importer, "pad", 2, param->has_pad_h, param->pad_h, param->has_pad_w,
                            param->pad_w, 1, &pad, 0, params.pad_begin);
  if (status != TRT_STATUS_OK)
    return status;
  for (int i = 0; i < 2; i++) {
    params.pad_end[i] = params.pad_begin[i];
    if (!params.global && (params.kernel[i] <= 0 || params.stride[i] <= 0))
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "kernel and stride must be positive");
  }
  if (params.global && (params.pad_begin[0] || params.pad_begin[1] || params.stride[0] != 1 ||
                        params.stride[1] != 1))
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "global pooling takes no padding and stride 1");
  const int y = trt_caffe_emit(importer, TRT_LAYER_POOLING, &x, 1, &params, 1, 0);
  if (y < 0)
    return importer->failure;
  /* The engine applies ONNX's rule, which also clips unpadded windows;
   * Caffe would keep a window that starts past the input there (kernel <
   * stride, no padding). Refuse rather than differ. */
  const trt_dims_t *out = trt_caffe_tensor_dims(importer, y);
  for (int i = 0; i < 2 && !params.global; i++) {
    int64_t expected = caffe_pooled_size(in.d[2 + i], params.kernel[i], params.stride[i],
                                         params.pad_begin[i], params.ceil_mode);
    if (out->d[2 + i] != expected)
      return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                   "Caffe pools axis %d to %lld but the engine's rule gives %lld "
                                   "(window starting past the input)",
                                   2 + i, (long long)expected, (long long)out->d[2 + i]);
  }
  return TRT_STATUS_OK;
}

/* Flatten from `axis` to 2-D, Gemm with W [N, K] (or [K, N] when
 * transposed) and the bias, and restore the leading axes when axis > 1. */
trt_status_t trt_caffe_import_inner_product(trt_caffe_importer_t *importer) {
  const Caffe__InnerProductParameter *param = importer->layer->inner_product;
  int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  const int axis = trt_normalize_axis(param->axis, in.nb_dims);
  if (axis < 0 || axis == 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "axis %d for an input of rank %d (1 .. rank-1 supported)",
                                 param->axis, in.nb_dims);
  if (!param->has_num_output || param->num_output == 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "num_output is missing");
  int64_t k = 1;
  for (int i = axis; i < in.nb_dims; i++)
    k *= in.d[i];
  const int64_t n = param->num_output;
  trt_caffe_blob_spec_t specs[2] = {
      {.role = "weights", .fill = TRT_CAFFE_FILL_WEIGHTS, .fan_in = k},
      {.role = "bias", .fill = TRT_CAFFE_FILL_BIAS},
  };
  const int64_t weight_dims[2] = {param->transpose ? k : n, param->transpose ? n : k};
  specs[0].dims = trt_dims_make(2, weight_dims);
  specs[1].dims = trt_dims_make(1, &n);
  const int nb_blobs = param->bias_term ? 2 : 1;
  float *data[2] = {NULL, NULL};
  trt_status_t status = trt_caffe_layer_blobs(importer, specs, nb_blobs, data);
  if (status != TRT_STATUS_OK)
    return status;
  if (in.nb_dims != 2) {
    trt_reshape_params_t flatten = {.mode = TRT_RESHAPE_FLATTEN, .axis = axis};
    if ((x = trt_caffe_emit(importer, TRT_LAYER_RESHAPE, &x, 1, &flatten, 1, -1)) < 0)
      return importer->failure;
  }
  int inputs[3] = {x, trt_caffe_constant_float(importer, "weights", &specs[0].dims, data[0]), -1};
  if (inputs[1] < 0)
    return importer->failure;
  if (param->bias_term &&
      (inputs[2] = trt_caffe_constant_float(importer, "bias", &specs[1].dims, data[1])) < 0)
    return importer->failure;
  trt_gemm_params_t gemm = {.alpha = 1.0f, .beta = 1.0f, .transpose_b = !param->transpose};
  const bool keeps_rank = axis == 1;
  int y =
      trt_caffe_emit(importer, TRT_LAYER_GEMM, inputs, nb_blobs + 1, &gemm, 1, keeps_rank ? 0 : -1);
  if (y < 0)
    return importer->failure;
  if (keeps_rank)
    return TRT_STATUS_OK;
  int64_t shape[TRT_MAX_DIMS];
  for (int i = 0; i < axis; i++)
    shape[i] = in.d[i];
  shape[axis] = n;
  int reshape_inputs[2] = {y, trt_caffe_constant_int64(importer, "shape", axis + 1, shape)};
  if (reshape_inputs[1] < 0)
    return importer->failure;
  trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
  return trt_caffe_emit(importer, TRT_LAYER_RESHAPE, reshape_inputs, 2, &reshape, 1, 0) < 0
             ? importer->failure
             : TRT_STATUS_OK;
}
