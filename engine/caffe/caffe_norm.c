/* Caffe's normalization and per-channel layers: LRN (across and within
 * channels), BatchNorm, Scale, Bias, PReLU and SSD's Normalize. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_layers.h"
#include "caffe/caffe_weights.h"

static int emit_binary(trt_caffe_importer_t *importer, trt_elementwise_kind_t kind, int a, int b,
                       int top) {
  trt_elementwise_params_t params = {.kind = kind};
  int inputs[2] = {a, b};
  return trt_caffe_emit(importer, TRT_LAYER_ELEMENTWISE, inputs, 2, &params, 1, top);
}

/* WITHIN_CHANNEL, as Caffe builds it from other layers:
 * x * (1 + alpha * avgpool(x^2))^-beta, the pool size x size with padding
 * counted (so alpha is in effect divided by size^2) and k not used. */
static trt_status_t import_lrn_within_channel(trt_caffe_importer_t *importer) {
  const Caffe__LRNParameter *param = importer->layer->lrn;
  const int x = importer->bottoms[0];
  const int64_t size = param->local_size, pad = (size - 1) / 2;
  int square = emit_binary(importer, TRT_ELEMENTWISE_MUL, x, x, -1);
  if (square < 0)
    return importer->failure;
  trt_pooling_params_t pool = {.kind = TRT_POOLING_AVERAGE, .nb_spatial = 2,
                               .kernel = {size, size}, .stride = {1, 1}, .dilation = {1, 1},
                               .pad_begin = {pad, pad}, .pad_end = {pad, pad},
                               .ceil_mode = true, .count_include_pad = true};
  int pooled = trt_caffe_emit(importer, TRT_LAYER_POOLING, &square, 1, &pool, 1, -1);
  if (pooled < 0)
    return importer->failure;
  const int alpha = trt_caffe_scalar(importer, "alpha", param->alpha);
  const int one = trt_caffe_scalar(importer, "one", 1.0f);
  const int minus_beta = trt_caffe_scalar(importer, "minus_beta", -param->beta);
  if (alpha < 0 || one < 0 || minus_beta < 0)
    return importer->failure;
  int scaled = emit_binary(importer, TRT_ELEMENTWISE_MUL, pooled, alpha, -1);
  int shifted = scaled < 0 ? -1 : emit_binary(importer, TRT_ELEMENTWISE_ADD, scaled, one, -1);
  int factor = shifted < 0 ? -1 : emit_binary(importer, TRT_ELEMENTWISE_POW, shifted, minus_beta,
                                              -1);
  if (factor < 0 || emit_binary(importer, TRT_ELEMENTWISE_MUL, x, factor, 0) < 0)
    return importer->failure;
  return TRT_STATUS_OK;
}

trt_status_t trt_caffe_import_lrn(trt_caffe_importer_t *importer) {
  const Caffe__LRNParameter *param = importer->layer->lrn;
  const trt_dims_t *in = trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  if (in->nb_dims != 4)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED,
                                 "input of rank %d: Caffe's LRN takes 4-D blobs", in->nb_dims);
  if (param->local_size % 2 != 1)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "local_size %u: Caffe supports odd sizes only", param->local_size);
  if (param->norm_region == CAFFE__LRNPARAMETER__NORM_REGION__WITHIN_CHANNEL)
    return import_lrn_within_channel(importer);
  /* ACROSS_CHANNELS: k + alpha/size * sum of squares, as ONNX's LRN. */
  trt_lrn_params_t params = {.size = param->local_size, .alpha = param->alpha,
                             .beta = param->beta, .bias = param->k};
  return trt_caffe_emit(importer, TRT_LAYER_LRN, importer->bottoms, 1, &params, 1, 0) < 0
             ? importer->failure
             : TRT_STATUS_OK;
}

/* Blobs: mean, variance and the moving-average factor that both are to be
 * divided by (0 meaning zero statistics). */
trt_status_t trt_caffe_import_batch_norm(trt_caffe_importer_t *importer) {
  const Caffe__BatchNormParameter *param = importer->layer->batch_norm;
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  if (in.nb_dims < 2)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "input of rank %d", in.nb_dims);
  const int64_t channels = in.d[1], one = 1;
  trt_caffe_blob_spec_t specs[3] = {
      {.role = "mean", .dims = trt_dims_make(1, &channels), .fill = TRT_CAFFE_FILL_MEAN},
      {.role = "variance", .dims = trt_dims_make(1, &channels), .fill = TRT_CAFFE_FILL_VARIANCE},
      {.role = "moving average factor", .dims = trt_dims_make(1, &one), .fill = TRT_CAFFE_FILL_ONE},
  };
  float *data[3] = {NULL, NULL, NULL};
  trt_status_t status = trt_caffe_layer_blobs(importer, specs, 3, data);
  if (status != TRT_STATUS_OK)
    return status;
  const float factor = data[2][0] == 0.0f ? 0.0f : 1.0f / data[2][0];
  /* The blobs stay as read for the writer; the constants get the quotient. */
  float *mean = malloc((size_t)channels * sizeof(float));
  float *variance = malloc((size_t)channels * sizeof(float));
  float *ones = malloc((size_t)channels * sizeof(float));
  float *zeros = calloc((size_t)channels, sizeof(float));
  int inputs[5] = {x, -1, -1, -1, -1};
  if (mean && variance && ones && zeros) {
    for (int64_t c = 0; c < channels; c++) {
      mean[c] = data[0][c] * factor;
      variance[c] = data[1][c] * factor;
      ones[c] = 1.0f;
    }
    inputs[1] = trt_caffe_constant_float(importer, "scale", &specs[0].dims, ones);
    inputs[2] =
        inputs[1] < 0 ? -1 : trt_caffe_constant_float(importer, "bias", &specs[0].dims, zeros);
    inputs[3] =
        inputs[2] < 0 ? -1 : trt_caffe_constant_float(importer, "mean", &specs[0].dims, mean);
    inputs[4] = inputs[3] < 0
                    ? -1
                    : trt_caffe_constant_float(importer, "variance", &specs[0].dims, variance);
    status = inputs[4] < 0 ? importer->failure : TRT_STATUS_OK;
  } else {
    status = trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  free(mean);
  free(variance);
  free(ones);
  free(zeros);
  if (status != TRT_STATUS_OK)
    return status;
  trt_norm_params_t params = {.epsilon = param->eps};
  return trt_caffe_emit(importer, TRT_LAYER_BATCH_NORM, inputs, 5, &params, 1, 0) < 0
             ? importer->failure
             : TRT_STATUS_OK;
}

/* Dims `shape` padded with trailing ones so that it broadcasts against a
 * rank-`rank` tensor from `axis` on (Caffe's Scale/Bias alignment). */
static trt_dims_t broadcast_from_axis(const trt_dims_t *shape, int axis, int rank) {
  trt_dims_t dims = *shape;
  if (dims.nb_dims == 0)
    dims.d[dims.nb_dims++] = 1;
  while (axis + dims.nb_dims < rank)
    dims.d[dims.nb_dims++] = 1;
  return dims;
}

/* Scale (multiply) or Bias (add) along axes [axis, axis + n) of bottom 0,
 * by a learned blob or by bottom 1; Scale may add a learned bias after. */
static trt_status_t import_scale_or_bias(trt_caffe_importer_t *importer, bool is_scale) {
  const trt_caffe_layer_t *layer = importer->layer;
  const int32_t axis_param = is_scale ? layer->scale->axis : layer->bias->axis;
  const int32_t num_axes = is_scale ? layer->scale->num_axes : layer->bias->num_axes;
  const bool bias_term = is_scale && layer->scale->bias_term;
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  const int axis = trt_normalize_axis(axis_param, in.nb_dims);
  if (axis < 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "axis %d for an input of rank %d", axis_param, in.nb_dims);
  trt_dims_t operand_shape = {0};
  int operand = -1;
  if (layer->nb_bottoms == 2) {
    operand = importer->bottoms[1];
    operand_shape = *trt_caffe_tensor_dims(importer, operand);
  } else {
    const int count = num_axes == -1 ? in.nb_dims - axis : num_axes;
    if (count < 0 || axis + count > in.nb_dims)
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                   "num_axes %d from axis %d exceeds rank %d", num_axes, axis,
                                   in.nb_dims);
    operand_shape = trt_dims_make(count, in.d + axis);
  }
  for (int i = 0; i < operand_shape.nb_dims; i++)
    if (axis + i >= in.nb_dims || operand_shape.d[i] != in.d[axis + i]) {
      char a[96], b[96];
      return trt_caffe_layer_error(
          importer, TRT_STATUS_SHAPE_ERROR, "%s of shape %s does not match input %s from axis %d",
          is_scale ? "scale" : "bias", trt_dims_format(&operand_shape, a, sizeof(a)),
          trt_dims_format(&in, b, sizeof(b)), axis);
    }
  const trt_dims_t broadcast = broadcast_from_axis(&operand_shape, axis, in.nb_dims);
  trt_caffe_blob_spec_t specs[2];
  int nb_blobs = 0;
  if (operand < 0)
    specs[nb_blobs++] =
        (trt_caffe_blob_spec_t){.role = is_scale ? "scale" : "bias",
                                .dims = operand_shape,
                                .fill = is_scale ? TRT_CAFFE_FILL_SCALE : TRT_CAFFE_FILL_BIAS};
  if (bias_term)
    specs[nb_blobs++] =
        (trt_caffe_blob_spec_t){.role = "bias", .dims = operand_shape, .fill = TRT_CAFFE_FILL_BIAS};
  float *data[2] = {NULL, NULL};
  trt_status_t status = trt_caffe_layer_blobs(importer, specs, nb_blobs, data);
  if (status != TRT_STATUS_OK)
    return status;
  if (operand < 0) {
    operand = trt_caffe_constant_float(importer, specs[0].role, &broadcast, data[0]);
  } else if (operand_shape.nb_dims != broadcast.nb_dims) {
    /* A second bottom gets the trailing ones through a reshape. */
    int shape = trt_caffe_constant_int64(importer, "shape", broadcast.nb_dims, broadcast.d);
    trt_reshape_params_t reshape = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
    int inputs[2] = {operand, shape};
    operand =
        shape < 0 ? -1 : trt_caffe_emit(importer, TRT_LAYER_RESHAPE, inputs, 2, &reshape, 1, -1);
  }
  if (operand < 0)
    return importer->failure;
  int y = emit_binary(importer, is_scale ? TRT_ELEMENTWISE_MUL : TRT_ELEMENTWISE_ADD, x, operand,
                      bias_term ? -1 : 0);
  if (y < 0)
    return importer->failure;
  if (bias_term) {
    int bias = trt_caffe_constant_float(importer, "bias", &broadcast, data[nb_blobs - 1]);
    if (bias < 0 || emit_binary(importer, TRT_ELEMENTWISE_ADD, y, bias, 0) < 0)
      return importer->failure;
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_caffe_import_scale(trt_caffe_importer_t *importer) {
  return import_scale_or_bias(importer, true);
}

trt_status_t trt_caffe_import_bias(trt_caffe_importer_t *importer) {
  return import_scale_or_bias(importer, false);
}

/* Slopes per channel ([C], broadcast as [C, 1, 1]), or one shared slope
 * (a zero-axis blob in Caffe). */
trt_status_t trt_caffe_import_prelu(trt_caffe_importer_t *importer) {
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  if (in.nb_dims < 2)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "input of rank %d", in.nb_dims);
  const bool shared = importer->layer->prelu->channel_shared;
  trt_caffe_blob_spec_t spec = {.role = "slope", .fill = TRT_CAFFE_FILL_SLOPE};
  if (!shared)
    spec.dims = trt_dims_make(1, &in.d[1]);
  float *slope = NULL;
  trt_status_t status = trt_caffe_layer_blobs(importer, &spec, 1, &slope);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_dims_t broadcast = broadcast_from_axis(&spec.dims, shared ? in.nb_dims - 1 : 1,
                                                   in.nb_dims);
  int slope_tensor = trt_caffe_constant_float(importer, "slope", &broadcast, slope);
  if (slope_tensor < 0 || emit_binary(importer, TRT_ELEMENTWISE_PRELU, x, slope_tensor, 0) < 0)
    return importer->failure;
  return TRT_STATUS_OK;
}

/* SSD's Normalize: x / ||x|| * scale, the L2 norm over each position's
 * channels, or with across_spatial over each item's C x H x W values;
 * scale is one value (channel_shared) or one per channel. Built from
 * existing layers as Caffe's layer computes it: sqrt(sum + eps) across
 * positions, sqrt(sum) + eps per position. */
trt_status_t trt_caffe_import_normalize(trt_caffe_importer_t *importer) {
  const Caffe__NormalizeParameter *param = importer->layer->normalize;
  const int x = importer->bottoms[0];
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, x);
  if (in.nb_dims < 2)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "input of rank %d", in.nb_dims);
  const int64_t count = param->channel_shared ? 1 : in.d[1];
  trt_caffe_blob_spec_t spec = {
      .role = "scale", .dims = trt_dims_make(1, &count), .fill = TRT_CAFFE_FILL_SCALE};
  float *scale = NULL;
  trt_status_t status = trt_caffe_layer_blobs(importer, &spec, 1, &scale);
  if (status != TRT_STATUS_OK)
    return status;
  /* The scale broadcast along the channels: [1, C, 1, ...]. */
  trt_dims_t scale_dims = {.nb_dims = param->channel_shared ? 1 : in.nb_dims};
  for (int i = 0; i < scale_dims.nb_dims; i++)
    scale_dims.d[i] = i == 1 ? count : 1;
  trt_reduce_params_t sum = {.kind = TRT_REDUCE_SUM, .keep_dims = true};
  for (int axis = 1; axis < (param->across_spatial ? in.nb_dims : 2); axis++)
    sum.axes[sum.nb_axes++] = axis;
  int square = emit_binary(importer, TRT_ELEMENTWISE_MUL, x, x, -1);
  int total = square < 0 ? -1 : trt_caffe_emit(importer, TRT_LAYER_REDUCE, &square, 1, &sum, 1, -1);
  const int eps = total < 0 ? -1 : trt_caffe_scalar(importer, "eps", param->eps);
  const int scale_tensor =
      eps < 0 ? -1 : trt_caffe_constant_float(importer, "scale", &scale_dims, scale);
  if (scale_tensor < 0)
    return importer->failure;
  const trt_unary_params_t sqrt_params = {.op = {.kind = TRT_ACTIVATION_SQRT}};
  int norm;
  if (param->across_spatial) {
    const int shifted = emit_binary(importer, TRT_ELEMENTWISE_ADD, total, eps, -1);
    norm = shifted < 0
               ? -1
               : trt_caffe_emit(importer, TRT_LAYER_UNARY, &shifted, 1, &sqrt_params, 1, -1);
  } else {
    const int root = trt_caffe_emit(importer, TRT_LAYER_UNARY, &total, 1, &sqrt_params, 1, -1);
    norm = root < 0 ? -1 : emit_binary(importer, TRT_ELEMENTWISE_ADD, root, eps, -1);
  }
  const int normalized = norm < 0 ? -1 : emit_binary(importer, TRT_ELEMENTWISE_DIV, x, norm, -1);
  if (normalized < 0 || emit_binary(importer, TRT_ELEMENTWISE_MUL, normalized, scale_tensor, 0) < 0)
    return importer->failure;
  return TRT_STATUS_OK;
}
