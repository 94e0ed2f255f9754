/* The Caffe layer table: one entry per supported type name, with its bottom
 * and top counts and its import function. Layers without weights are here;
 * those with weights or window geometry are in caffe_vision.c and
 * caffe_norm.c, SSD's PriorBox and DetectionOutput in caffe_detection.c.
 * Every Caffe type maps onto engine layers (those two onto their own). */
#include <stdio.h>
#include <string.h>

#include "caffe/caffe_layers.h"

/* Emits one layer producing top `top`; returns its status. */
static trt_status_t emit_top(trt_caffe_importer_t *importer, trt_layer_type_t type,
                             const int *inputs, int nb_inputs, const void *params, int top) {
  return trt_caffe_emit(importer, type, inputs, nb_inputs, params, 1, top) < 0 ? importer->failure
                                                                               : TRT_STATUS_OK;
}

static trt_status_t emit_unary(trt_caffe_importer_t *importer, trt_activation_kind_t kind,
                               float alpha) {
  trt_unary_params_t params = {.op = {.kind = kind, .alpha = alpha}};
  return emit_top(importer, TRT_LAYER_UNARY, importer->bottoms, 1, &params, 0);
}

static trt_status_t import_relu(trt_caffe_importer_t *importer) {
  const float slope = importer->layer->relu->negative_slope;
  return slope == 0.0f ? emit_unary(importer, TRT_ACTIVATION_RELU, 0.0f)
                       : emit_unary(importer, TRT_ACTIVATION_LEAKY_RELU, slope);
}

static trt_status_t import_elu(trt_caffe_importer_t *importer) {
  return emit_unary(importer, TRT_ACTIVATION_ELU, importer->layer->elu->alpha);
}

static trt_status_t import_sigmoid(trt_caffe_importer_t *importer) {
  return emit_unary(importer, TRT_ACTIVATION_SIGMOID, 0.0f);
}

static trt_status_t import_tanh(trt_caffe_importer_t *importer) {
  return emit_unary(importer, TRT_ACTIVATION_TANH, 0.0f);
}

static trt_status_t import_absval(trt_caffe_importer_t *importer) {
  return emit_unary(importer, TRT_ACTIVATION_ABS, 0.0f);
}

/* BNLL is log(1 + e^x): softplus. */
static trt_status_t import_bnll(trt_caffe_importer_t *importer) {
  return emit_unary(importer, TRT_ACTIVATION_SOFTPLUS, 0.0f);
}

/* Dropout scales while training only, so at inference it is the identity. */
static trt_status_t import_identity(trt_caffe_importer_t *importer) {
  return emit_top(importer, TRT_LAYER_IDENTITY, importer->bottoms, 1, NULL, 0);
}

static trt_status_t import_split(trt_caffe_importer_t *importer) {
  for (size_t t = 0; t < importer->layer->nb_tops; t++) {
    trt_status_t status = emit_top(importer, TRT_LAYER_IDENTITY, importer->bottoms, 1, NULL,
                                   (int)t);
    if (status != TRT_STATUS_OK)
      return status;
  }
  return TRT_STATUS_OK;
}

/* x op scalar, as an internal layer (or top `top` when >= 0). */
static int emit_scalar_op(trt_caffe_importer_t *importer, int x, trt_elementwise_kind_t kind,
                          const char *role, float value, int top) {
  int scalar = trt_caffe_scalar(importer, role, value);
  if (scalar < 0)
    return -1;
  trt_elementwise_params_t params = {.kind = kind};
  int inputs[2] = {x, scalar};
  return trt_caffe_emit(importer, TRT_LAYER_ELEMENTWISE, inputs, 2, &params, 1, top);
}

/* y = (shift + scale * x) ^ power, skipping the trivial steps. */
static trt_status_t import_power(trt_caffe_importer_t *importer) {
  const Caffe__PowerParameter *param = importer->layer->power;
  const bool scale = param->scale != 1.0f, shift = param->shift != 0.0f,
             power = param->power != 1.0f;
  if (!scale && !shift && !power)
    return import_identity(importer);
  int x = importer->bottoms[0];
  if (scale && (x = emit_scalar_op(importer, x, TRT_ELEMENTWISE_MUL, "scale", param->scale,
                                   shift || power ? -1 : 0)) < 0)
    return importer->failure;
  if (shift && (x = emit_scalar_op(importer, x, TRT_ELEMENTWISE_ADD, "shift", param->shift,
                                   power ? -1 : 0)) < 0)
    return importer->failure;
  if (power && emit_scalar_op(importer, x, TRT_ELEMENTWISE_POW, "power", param->power, 0) < 0)
    return importer->failure;
  return TRT_STATUS_OK;
}

static trt_status_t import_softmax(trt_caffe_importer_t *importer) {
  trt_softmax_params_t params = {.axis = importer->layer->softmax->axis, .coerce_2d = false};
  return emit_top(importer, TRT_LAYER_SOFTMAX, importer->bottoms, 1, &params, 0);
}

static trt_status_t import_concat(trt_caffe_importer_t *importer) {
  const trt_caffe_layer_t *layer = importer->layer;
  trt_concat_params_t params = {.axis = layer->concat->axis};
  if (!layer->has_concat_axis && layer->concat->has_concat_dim)
    params.axis = (int32_t)layer->concat->concat_dim;
  if (layer->nb_bottoms == 1)
    return import_identity(importer);
  return emit_top(importer, TRT_LAYER_CONCAT, importer->bottoms, (int)layer->nb_bottoms, &params,
                  0);
}

/* SUM (with per-bottom coefficients), PROD or MAX over all bottoms. */
static trt_status_t import_eltwise(trt_caffe_importer_t *importer) {
  const trt_caffe_layer_t *layer = importer->layer;
  const Caffe__EltwiseParameter *param = layer->eltwise;
  const int count = (int)layer->nb_bottoms;
  const bool sum = param->operation == CAFFE__ELTWISE_PARAMETER__ELTWISE_OP__SUM;
  if (param->n_coeff && (!sum || param->n_coeff != layer->nb_bottoms))
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%zu coefficients for %d bottoms (only SUM takes one per bottom)",
                                 param->n_coeff, count);
  trt_elementwise_kind_t kind = sum ? TRT_ELEMENTWISE_ADD
                                : param->operation == CAFFE__ELTWISE_PARAMETER__ELTWISE_OP__PROD
                                    ? TRT_ELEMENTWISE_MUL
                                    : TRT_ELEMENTWISE_MAX;
  float coeff[TRT_MAX_LAYER_OUTPUTS] = {0};
  for (int i = 0; i < count; i++)
    coeff[i] = param->n_coeff ? param->coeff[i] : 1.0f;
  if (count == 1 && coeff[0] == 1.0f)
    return import_identity(importer);
  int accumulated = importer->bottoms[0];
  if (coeff[0] != 1.0f) {
    accumulated = emit_scalar_op(importer, accumulated, TRT_ELEMENTWISE_MUL, "coeff0", coeff[0],
                                 count == 1 ? 0 : -1);
    if (accumulated < 0)
      return importer->failure;
  }
  for (int i = 1; i < count; i++) {
    int term = importer->bottoms[i];
    trt_elementwise_params_t params = {.kind = kind};
    if (coeff[i] == -1.0f) {
      params.kind = TRT_ELEMENTWISE_SUB; /* the common a - b, without a multiply */
    } else if (coeff[i] != 1.0f) {
      char role[32];
      snprintf(role, sizeof(role), "coeff%d", i);
      if ((term = emit_scalar_op(importer, term, TRT_ELEMENTWISE_MUL, role, coeff[i], -1)) < 0)
        return importer->failure;
    }
    int inputs[2] = {accumulated, term};
    accumulated = trt_caffe_emit(importer, TRT_LAYER_ELEMENTWISE, inputs, 2, &params, 1,
                                 i == count - 1 ? 0 : -1);
    if (accumulated < 0)
      return importer->failure;
  }
  return TRT_STATUS_OK;
}

/* Reshapes bottom 0 to `dims` through a constant shape operand. */
static trt_status_t emit_reshape(trt_caffe_importer_t *importer, const trt_dims_t *dims) {
  int shape = trt_caffe_constant_int64(importer, "shape", dims->nb_dims, dims->d);
  if (shape < 0)
    return importer->failure;
  trt_reshape_params_t params = {.mode = TRT_RESHAPE_FROM_TENSOR, .allow_zero = true};
  int inputs[2] = {importer->bottoms[0], shape};
  return emit_top(importer, TRT_LAYER_RESHAPE, inputs, 2, &params, 0);
}

static trt_status_t import_flatten(trt_caffe_importer_t *importer) {
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  const Caffe__FlattenParameter *param = importer->layer->flatten;
  const int first = trt_normalize_axis(param->axis, in.nb_dims);
  const int last = trt_normalize_axis(param->end_axis, in.nb_dims);
  if (first < 0 || last < 0 || last < first)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "axes %d..%d do not fit an input of rank %d", param->axis,
                                 param->end_axis, in.nb_dims);
  trt_dims_t out = {0};
  for (int i = 0; i < first; i++)
    out.d[out.nb_dims++] = in.d[i];
  int64_t merged = 1;
  for (int i = first; i <= last; i++)
    merged *= in.d[i];
  out.d[out.nb_dims++] = merged;
  for (int i = last + 1; i < in.nb_dims; i++)
    out.d[out.nb_dims++] = in.d[i];
  return emit_reshape(importer, &out);
}

/* Caffe's Reshape replaces input axes [axis, axis + num_axes) by `shape`,
 * where 0 copies the input dim at that place and one -1 is inferred. The
 * whole output shape is computed here and given as a constant. */
static trt_status_t import_reshape(trt_caffe_importer_t *importer) {
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  const Caffe__ReshapeParameter *param = importer->layer->reshape;
  const size_t nb_shape = param->shape ? param->shape->n_dim : 0;
  const int64_t *shape = param->shape ? param->shape->dim : NULL;
  int start = param->axis < 0 ? param->axis + in.nb_dims + 1 : param->axis;
  int end = param->num_axes == -1 ? in.nb_dims : start + param->num_axes;
  if (start < 0 || start > in.nb_dims || param->num_axes < -1 || end > in.nb_dims)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "axis %d and num_axes %d do not fit an input of rank %d",
                                 param->axis, param->num_axes, in.nb_dims);
  const int rank = start + (int)nb_shape + (in.nb_dims - end);
  if (rank > TRT_MAX_DIMS)
    return trt_caffe_layer_error(importer, TRT_STATUS_UNSUPPORTED, "output rank %d exceeds %d",
                                 rank, TRT_MAX_DIMS);
  trt_dims_t out = {.nb_dims = rank};
  int inferred = -1;
  int64_t known = 1;
  for (int i = 0; i < rank; i++) {
    int64_t value;
    if (i < start) {
      value = in.d[i];
    } else if (i < start + (int)nb_shape) {
      value = shape[i - start];
      if (value == 0) {
        if (start + (i - start) >= in.nb_dims)
          return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                       "shape dim %d is 0 but the input has no axis %d", i - start,
                                       i);
        value = in.d[i];
      } else if (value == -1) {
        if (inferred >= 0)
          return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "shape has two -1 dims");
        inferred = i;
      } else if (value < 0) {
        return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "shape dim %lld",
                                     (long long)value);
      }
    } else {
      value = in.d[end + (i - start - (int)nb_shape)];
    }
    out.d[i] = value;
    if (i != inferred && !trt_int64_mul_checked(known, value, &known))
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                   "the shape has more elements than a 64-bit count can hold");
  }
  const int64_t volume = trt_dims_volume(&in);
  if (inferred >= 0) {
    if (known == 0 || volume % known != 0)
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                   "cannot infer the -1 dim: %lld values over %lld",
                                   (long long)volume, (long long)known);
    out.d[inferred] = volume / known;
  }
  return emit_reshape(importer, &out);
}

/* Slice: parts along an axis at slice_point, or equal parts. */
static trt_status_t import_slice(trt_caffe_importer_t *importer) {
  const trt_caffe_layer_t *layer = importer->layer;
  const Caffe__SliceParameter *param = layer->slice;
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  int64_t axis_value = param->axis;
  if (!layer->has_slice_axis && param->has_slice_dim)
    axis_value = param->slice_dim;
  const int axis = trt_normalize_axis(axis_value, in.nb_dims);
  if (axis < 0)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "axis %lld for rank %d",
                                 (long long)axis_value, in.nb_dims);
  const int parts = (int)layer->nb_tops;
  trt_split_params_t params = {.axis = axis, .nb_outputs = parts};
  if (param->n_slice_point) {
    if (param->n_slice_point != layer->nb_tops - 1)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "%zu slice points for %d tops, expected %d",
                                   param->n_slice_point, parts, parts - 1);
    int64_t previous = 0;
    for (int i = 0; i < parts; i++) {
      int64_t point = i < parts - 1 ? (int64_t)param->slice_point[i] : in.d[axis];
      if (point <= previous || point > in.d[axis])
        return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                     "slice points must increase within the axis size %lld",
                                     (long long)in.d[axis]);
      params.sizes[i] = point - previous;
      previous = point;
    }
    params.nb_sizes = parts;
  } else if (in.d[axis] % parts != 0) {
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "axis size %lld does not split into %d equal parts",
                                 (long long)in.d[axis], parts);
  }
  return trt_caffe_emit(importer, TRT_LAYER_SPLIT, importer->bottoms, 1, &params, parts, 0) < 0
             ? importer->failure
             : TRT_STATUS_OK;
}

/* Permute (SSD): axes not named keep their order after the named ones. */
static trt_status_t import_permute(trt_caffe_importer_t *importer) {
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  const Caffe__PermuteParameter *param = importer->layer->permute;
  trt_transpose_params_t params = {.nb_perm = in.nb_dims};
  bool used[TRT_MAX_DIMS] = {false};
  if (param->n_order > (size_t)in.nb_dims)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR, "%zu orders for rank %d",
                                 param->n_order, in.nb_dims);
  int count = 0;
  for (size_t i = 0; i < param->n_order; i++) {
    uint32_t axis = param->order[i];
    if (axis >= (uint32_t)in.nb_dims || used[axis])
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                   "order %u is repeated or out of range for rank %d", axis,
                                   in.nb_dims);
    used[axis] = true;
    params.perm[count++] = (int32_t)axis;
  }
  for (int axis = 0; axis < in.nb_dims; axis++)
    if (!used[axis])
      params.perm[count++] = axis;
  return emit_top(importer, TRT_LAYER_TRANSPOSE, importer->bottoms, 1, &params, 0);
}

/* Crop bottom 0 to bottom 1's dims from `axis` on, at `offset`. */
static trt_status_t import_crop(trt_caffe_importer_t *importer) {
  const Caffe__CropParameter *param = importer->layer->crop;
  const trt_dims_t in = *trt_caffe_tensor_dims(importer, importer->bottoms[0]);
  const trt_dims_t reference = *trt_caffe_tensor_dims(importer, importer->bottoms[1]);
  const int axis = trt_normalize_axis(param->axis, in.nb_dims);
  if (axis < 0 || reference.nb_dims != in.nb_dims)
    return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                 "axis %d with bottoms of rank %d and %d", param->axis, in.nb_dims,
                                 reference.nb_dims);
  const int count = in.nb_dims - axis;
  if (param->n_offset > 1 && param->n_offset != (size_t)count)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%zu offsets for %d cropped axes, expected 0, 1 or %d",
                                 param->n_offset, count, count);
  int64_t starts[TRT_MAX_DIMS], ends[TRT_MAX_DIMS], axes[TRT_MAX_DIMS];
  for (int i = 0; i < count; i++) {
    const int64_t offset = param->n_offset == 0   ? 0
                           : param->n_offset == 1 ? param->offset[0]
                                                  : param->offset[i];
    axes[i] = axis + i;
    starts[i] = offset;
    ends[i] = offset + reference.d[axis + i];
    if (ends[i] > in.d[axis + i])
      return trt_caffe_layer_error(importer, TRT_STATUS_SHAPE_ERROR,
                                   "crop of %lld at offset %lld exceeds axis %d of size %lld",
                                   (long long)reference.d[axis + i], (long long)offset, axis + i,
                                   (long long)in.d[axis + i]);
  }
  int inputs[4] = {importer->bottoms[0],
                   trt_caffe_constant_int64(importer, "starts", count, starts),
                   trt_caffe_constant_int64(importer, "ends", count, ends),
                   trt_caffe_constant_int64(importer, "axes", count, axes)};
  if (inputs[1] < 0 || inputs[2] < 0 || inputs[3] < 0)
    return importer->failure;
  return emit_top(importer, TRT_LAYER_SLICE, inputs, 4, NULL, 0);
}

/* The one table from Caffe type name to import function. */
static const trt_caffe_layer_importer_t importers[] = {
    /* type            bottoms  tops   import */
    {"AbsVal", 1, 1, 1, 1, import_absval},
    {"BatchNorm", 1, 1, 1, 1, trt_caffe_import_batch_norm},
    {"Bias", 1, 2, 1, 1, trt_caffe_import_bias},
    {"BNLL", 1, 1, 1, 1, import_bnll},
    {"Concat", 1, -1, 1, 1, import_concat},
    {"Convolution", 1, 1, 1, 1, trt_caffe_import_convolution},
    {"Crop", 2, 2, 1, 1, import_crop},
    {"Deconvolution", 1, 1, 1, 1, trt_caffe_import_deconvolution},
    {"DetectionOutput", 3, 3, 1, 1, trt_caffe_import_detection_output},
    {"Dropout", 1, 1, 1, 1, import_identity},
    {"Eltwise", 1, -1, 1, 1, import_eltwise},
    {"ELU", 1, 1, 1, 1, import_elu},
    {"Flatten", 1, 1, 1, 1, import_flatten},
    {"InnerProduct", 1, 1, 1, 1, trt_caffe_import_inner_product},
    {"LRN", 1, 1, 1, 1, trt_caffe_import_lrn},
    {"Normalize", 1, 1, 1, 1, trt_caffe_import_normalize},
    {"Permute", 1, 1, 1, 1, import_permute},
    {"Pooling", 1, 1, 1, 1, trt_caffe_import_pooling},
    {"Power", 1, 1, 1, 1, import_power},
    {"PReLU", 1, 1, 1, 1, trt_caffe_import_prelu},
    {"PriorBox", 2, 2, 1, 1, trt_caffe_import_prior_box},
    {"ReLU", 1, 1, 1, 1, import_relu},
    {"Reshape", 1, 1, 1, 1, import_reshape},
    {"Scale", 1, 2, 1, 1, trt_caffe_import_scale},
    {"Sigmoid", 1, 1, 1, 1, import_sigmoid},
    {"Slice", 1, 1, 1, -1, import_slice},
    {"Softmax", 1, 1, 1, 1, import_softmax},
    {"Split", 1, 1, 1, -1, import_split},
    {"TanH", 1, 1, 1, 1, import_tanh},
};

const trt_caffe_layer_importer_t *trt_caffe_find_importer(const char *type) {
  for (size_t i = 0; i < sizeof(importers) / sizeof(importers[0]); i++)
    if (strcmp(importers[i].type, type) == 0)
      return &importers[i];
  return NULL;
}
