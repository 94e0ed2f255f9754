/* ONNX import of Conv, ConvTranspose, pools, normalizations, LRN, Softmax, Resize, Upsample. */
#include <stdio.h>
#include <string.h>

#include "network_internal.h"
#include "onnx/onnx_import.h"
#include "onnx/onnx_internal.h"

/* ---- convolution and pooling ------------------------------------------- */

static const char *const auto_pad_names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", NULL};

/* The sliding-window attributes shared by Conv, ConvTranspose and pools. */
typedef struct {
  int32_t nb_spatial;
  int64_t kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3];
  int auto_pad;
} window_t;

/* Sets the window fields of convolution or pooling parameters (the same
 * names in both) from a parsed window_t. */
#define COPY_WINDOW(params, window)                                                                \
  do {                                                                                             \
    (params)->nb_spatial = (window)->nb_spatial;                                                   \
    memcpy((params)->kernel, (window)->kernel, sizeof((params)->kernel));                          \
    memcpy((params)->stride, (window)->stride, sizeof((params)->stride));                          \
    memcpy((params)->dilation, (window)->dilation, sizeof((params)->dilation));                    \
    memcpy((params)->pad_begin, (window)->pad_begin, sizeof((params)->pad_begin));                 \
    memcpy((params)->pad_end, (window)->pad_end, sizeof((params)->pad_end));                       \
    (params)->auto_pad = (window)->auto_pad;                                                       \
  } while (0)

/* Spatial kernel size from constant weights (kernel_shape is optional for
 * Conv), or 0 dims when the weights' shape is not known yet. */
static int kernel_from_weights(const trt_onnx_importer_t *importer, int weights, int64_t *kernel) {
  if (weights < 0)
    return 0;
  const trt_tensor_t *tensor = &importer->network->tensors[weights];
  if (tensor->producer >= 0 || tensor->dims.nb_dims < 3 || tensor->dims.nb_dims > 5)
    return 0;
  for (int i = 2; i < tensor->dims.nb_dims; i++) {
    if (tensor->dims.d[i] <= 0)
      return 0;
    kernel[i - 2] = tensor->dims.d[i];
  }
  return tensor->dims.nb_dims - 2;
}

static trt_status_t spatial_attr(const Onnx__NodeProto *node, const char *name, int nb_spatial,
                                 int64_t fallback, int64_t *values) {
  int64_t given[6];
  int count;
  trt_status_t status = trt_onnx_attr_ints(node, name, given, 6, &count);
  if (status != TRT_STATUS_OK)
    return status;
  if (count != 0 && count != nb_spatial)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has %d values, expected %d", name,
                     count, nb_spatial);
  for (int i = 0; i < nb_spatial; i++)
    values[i] = count ? given[i] : fallback;
  return TRT_STATUS_OK;
}

static trt_status_t parse_window(const trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                 int weights, window_t *window) {
  memset(window, 0, sizeof(*window));
  int count;
  trt_status_t status = trt_onnx_attr_ints(node, "kernel_shape", window->kernel, 3, &count);
  if (status != TRT_STATUS_OK)
    return status;
  if (count == 0) {
    count = kernel_from_weights(importer, weights, window->kernel);
    if (count == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, weights < 0
                                                   ? "attribute 'kernel_shape' is required"
                                                   : "attribute 'kernel_shape' is missing and "
                                                     "the weights' shape is not known");
  }
  window->nb_spatial = count;
  for (int i = 0; i < count; i++)
    if (window->kernel[i] <= 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'kernel_shape' has value %lld",
                       (long long)window->kernel[i]);
  if ((status = spatial_attr(node, "strides", count, 1, window->stride)) != TRT_STATUS_OK ||
      (status = spatial_attr(node, "dilations", count, 1, window->dilation)) != TRT_STATUS_OK)
    return status;
  for (int i = 0; i < count; i++)
    if (window->stride[i] <= 0 || window->dilation[i] <= 0)
      return trt_error(TRT_STATUS_PARSE_ERROR,
                       "attribute '%s' has value %lld on axis %d, expected at least 1",
                       window->stride[i] <= 0 ? "strides" : "dilations",
                       (long long)(window->stride[i] <= 0 ? window->stride[i] : window->dilation[i]),
                       i);

  int64_t pads[6];
  int nb_pads;
  if ((status = trt_onnx_attr_ints(node, "pads", pads, 6, &nb_pads)) != TRT_STATUS_OK)
    return status;
  if (nb_pads != 0 && nb_pads != 2 * count)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'pads' has %d values, expected %d", nb_pads,
                     2 * count);
  for (int i = 0; i < count && nb_pads; i++) {
    window->pad_begin[i] = pads[i];
    window->pad_end[i] = pads[count + i];
  }
  /* auto_pad_names is in the order of TRT_AUTO_PAD_*. */
  status = trt_onnx_attr_choice(node, "auto_pad", auto_pad_names, TRT_AUTO_PAD_NOTSET,
                                &window->auto_pad);
  if (status != TRT_STATUS_OK)
    return status;
  if (window->auto_pad != TRT_AUTO_PAD_NOTSET) {
    memset(window->pad_begin, 0, sizeof(window->pad_begin));
    memset(window->pad_end, 0, sizeof(window->pad_end));
  }
  return TRT_STATUS_OK;
}

/* ConvTranspose's output_shape decides the pads by ONNX's total_padding
 * rule, which needs the input's spatial dims: known here only for graph
 * inputs and constants. A negative total becomes extra output_padding. */
static trt_status_t apply_output_shape(const trt_onnx_importer_t *importer,
                                       const Onnx__NodeProto *node, int input,
                                       trt_convolution_params_t *params) {
  int64_t output_shape[5];
  int count;
  trt_status_t status = trt_onnx_attr_ints(node, "output_shape", output_shape, 5, &count);
  if (status != TRT_STATUS_OK || count == 0)
    return status;
  int nb_spatial = params->nb_spatial;
  if (count != nb_spatial && count != nb_spatial + 2)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'output_shape' has %d values, expected %d",
                     count, nb_spatial);
  const trt_tensor_t *x = &importer->network->tensors[input];
  bool known = x->producer < 0 && x->dims.nb_dims == nb_spatial + 2;
  for (int i = 0; known && i < nb_spatial; i++)
    known = x->dims.d[2 + i] > 0;
  if (!known)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "attribute 'output_shape' needs the input's spatial size at import time "
                     "(give pads instead)");
  for (int i = 0; i < nb_spatial; i++) {
    int64_t wanted = output_shape[count - nb_spatial + i];
    int64_t total = params->stride[i] * (x->dims.d[2 + i] - 1) + params->output_padding[i] +
                    (params->kernel[i] - 1) * params->dilation[i] + 1 - wanted;
    if (total < 0) {
      params->pad_begin[i] = params->pad_end[i] = 0;
      params->output_padding[i] -= total;
    } else if (params->auto_pad == TRT_AUTO_PAD_SAME_UPPER) {
      params->pad_begin[i] = total / 2;
      params->pad_end[i] = total - total / 2;
    } else {
      params->pad_begin[i] = total - total / 2;
      params->pad_end[i] = total / 2;
    }
  }
  params->auto_pad = TRT_AUTO_PAD_NOTSET;
  return TRT_STATUS_OK;
}

static trt_status_t import_convolution(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       bool transposed) {
  int inputs[3];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 3, inputs, 3)) != TRT_STATUS_OK)
    return status;
  window_t window;
  if ((status = parse_window(importer, node, inputs[1], &window)) != TRT_STATUS_OK)
    return status;

  trt_convolution_params_t params = {0};
  COPY_WINDOW(&params, &window);
  params.activation.kind = TRT_ACTIVATION_NONE;
  if ((status = trt_onnx_attr_int(node, "group", 1, &params.group)) != TRT_STATUS_OK)
    return status;
  if (params.group < 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'group' has value %lld",
                     (long long)params.group);
  if (transposed) {
    if ((status = spatial_attr(node, "output_padding", window.nb_spatial, 0,
                               params.output_padding)) != TRT_STATUS_OK ||
        (status = apply_output_shape(importer, node, inputs[0], &params)) != TRT_STATUS_OK)
      return status;
  }
  return trt_onnx_add_node_layer(importer, node,
                                 transposed ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION,
                                 inputs, trt_onnx_trim_inputs(inputs, 3), &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_conv, import_convolution, false)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_conv_transpose, import_convolution, true)

static trt_status_t import_pool(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                trt_pooling_kind_t kind) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK ||
      (status = trt_onnx_reject_used_outputs(importer, node, 1, "Indices")) != TRT_STATUS_OK)
    return status;
  window_t window;
  if ((status = parse_window(importer, node, -1, &window)) != TRT_STATUS_OK)
    return status;
  trt_pooling_params_t params = {0};
  params.kind = kind;
  COPY_WINDOW(&params, &window);
  int64_t ceil_mode, count_include_pad;
  if ((status = trt_onnx_attr_int(node, "ceil_mode", 0, &ceil_mode)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "count_include_pad", 0, &count_include_pad)) !=
          TRT_STATUS_OK)
    return status;
  params.ceil_mode = ceil_mode != 0;
  params.count_include_pad = kind == TRT_POOLING_AVERAGE && count_include_pad != 0;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_POOLING, &input, 1, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_max_pool, import_pool, TRT_POOLING_MAX)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_average_pool, import_pool, TRT_POOLING_AVERAGE)

/* Global pools leave nb_spatial 0: the window is the input's spatial size. */
static trt_status_t import_global_pool(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                       trt_pooling_kind_t kind) {
  trt_pooling_params_t params = {0};
  params.kind = kind;
  params.global = true;
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_POOLING, 1, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_global_average_pool, import_global_pool, TRT_POOLING_AVERAGE)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_global_max_pool, import_global_pool, TRT_POOLING_MAX)

/* ---- normalization ------------------------------------------------------ */

trt_status_t trt_onnx_import_batch_norm(trt_onnx_importer_t *importer,
                                        const Onnx__NodeProto *node) {
  int inputs[5];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 5, 5, inputs, 5)) != TRT_STATUS_OK ||
      (status = trt_onnx_reject_used_outputs(importer, node, 1, "training statistics")) !=
          TRT_STATUS_OK ||
      (status = trt_onnx_reject_training_mode(importer, node)) != TRT_STATUS_OK)
    return status;
  trt_norm_params_t params = {0};
  int64_t spatial, training_mode;
  if ((status = trt_onnx_attr_float(node, "epsilon", 1e-5f, &params.epsilon)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "spatial", 1, &spatial)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "training_mode", 0, &training_mode)) != TRT_STATUS_OK)
    return status;
  if (spatial != 1)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute 'spatial' = %lld is not supported",
                     (long long)spatial);
  if (training_mode != 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute 'training_mode' = 1 is not supported");
  params.axis = 1;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_BATCH_NORM, inputs, 5, &params);
}

trt_status_t trt_onnx_import_instance_norm(trt_onnx_importer_t *importer,
                                           const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 3, 3, inputs, 3)) != TRT_STATUS_OK)
    return status;
  trt_norm_params_t params = {0};
  if ((status = trt_onnx_attr_float(node, "epsilon", 1e-5f, &params.epsilon)) != TRT_STATUS_OK)
    return status;
  params.axis = 1;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_INSTANCE_NORM, inputs, 3, &params);
}

/* LayerNormalization: Y, and the optional Mean and InvStdDev (dims of X up
 * to `axis`, then ones), computed in FP32 whatever stash_type says. */
trt_status_t trt_onnx_import_layer_norm(trt_onnx_importer_t *importer,
                                        const Onnx__NodeProto *node) {
  int inputs[3];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 3, inputs, 3)) != TRT_STATUS_OK)
    return status;
  if (node->n_output > 3)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected at most 3 outputs, got %zu", node->n_output);
  trt_norm_params_t params = {0};
  int64_t stash_type;
  if ((status = trt_onnx_attr_float(node, "epsilon", 1e-5f, &params.epsilon)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int32(node, "axis", -1, &params.axis)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "stash_type", 1, &stash_type)) != TRT_STATUS_OK)
    return status;
  if (stash_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "attribute 'stash_type' = %lld is not supported (only FLOAT)",
                     (long long)stash_type);
  int nb_outputs = (int)node->n_output;
  while (nb_outputs > 1 && !trt_onnx_value_is_used(importer, node->output[nb_outputs - 1]))
    nb_outputs--;
  const char *names[3];
  char generated[3][64];
  trt_onnx_name_outputs(node, nb_outputs, names, generated);
  return trt_onnx_add_layer(importer, TRT_LAYER_LAYER_NORM, trt_onnx_node_name(node), inputs,
                            trt_onnx_trim_inputs(inputs, 3), names, nb_outputs, &params, NULL);
}

trt_status_t trt_onnx_import_lrn(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_lrn_params_t params = {0};
  if ((status = trt_onnx_attr_required_int(node, "size", &params.size)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "alpha", 1e-4f, &params.alpha)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "beta", 0.75f, &params.beta)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "bias", 1.0f, &params.bias)) != TRT_STATUS_OK)
    return status;
  if (params.size < 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'size' has value %lld",
                     (long long)params.size);
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_LRN, &input, 1, &params);
}

/* Before opset 13 (Log)Softmax flattens to 2-D at `axis` (default 1). */
static trt_status_t import_softmax_common(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, bool log) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_softmax_params_t params = {0};
  params.log = log;
  params.coerce_2d = importer->opset < 13;
  if ((status = trt_onnx_attr_int32(node, "axis", params.coerce_2d ? 1 : -1, &params.axis)) !=
      TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_SOFTMAX, &input, 1, &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_softmax, import_softmax_common, false)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_log_softmax, import_softmax_common, true)

/* ---- resize ------------------------------------------------------------- */

static const char *const resize_mode_names[] = {"nearest", "linear", "cubic", NULL};

/* Upsample and Resize-10 parameters: asymmetric coordinates, floor rounding. */
static trt_resize_params_t legacy_resize_params(trt_resize_mode_t mode) {
  return (trt_resize_params_t){.mode = mode,
                               .coord = TRT_RESIZE_COORD_ASYMMETRIC,
                               .nearest = TRT_RESIZE_FLOOR,
                               .cubic_coeff_a = -0.75f};
}

/* Upsample (opset 7-9) and Resize-10: nearest/linear with asymmetric
 * coordinates and floor rounding; scales from the attribute (Upsample 7-8)
 * or input 1, passed on as input 2 like later Resize versions. */
static trt_status_t import_upsample_like(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                         bool scales_attribute) {
  static const char *const legacy_modes[] = {"nearest", "linear", NULL};
  int mode;
  trt_status_t status = trt_onnx_attr_choice(node, "mode", legacy_modes, TRT_RESIZE_NEAREST, &mode);
  if (status != TRT_STATUS_OK)
    return status;
  trt_resize_params_t params = legacy_resize_params((trt_resize_mode_t)mode);
  int inputs[3] = {-1, -1, -1};
  if (scales_attribute) {
    if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &inputs[0], 1)) != TRT_STATUS_OK ||
        (status = trt_onnx_attr_floats(node, "scales", params.scales, TRT_MAX_DIMS,
                                       &params.nb_scales)) != TRT_STATUS_OK)
      return status;
    if (params.nb_scales == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'scales' is required");
    return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs, 1, &params);
  }
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, &inputs[0], 1)) != TRT_STATUS_OK ||
      (status = trt_onnx_get_input(importer, node, 1, &inputs[2])) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs, 3, &params);
}

/* Upsample-1 (experimental): height_scale and width_scale of a 4-D input,
 * mode "nearest" or "bilinear"; otherwise as Upsample-7. */
static trt_status_t import_upsample_1(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  static const char *const modes[] = {"nearest", "bilinear", NULL};
  int mode, input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_choice(node, "mode", modes, 0, &mode)) != TRT_STATUS_OK)
    return status;
  if (!trt_onnx_find_attribute(node, "height_scale") ||
      !trt_onnx_find_attribute(node, "width_scale"))
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "attributes 'height_scale' and 'width_scale' are required");
  trt_resize_params_t params =
      legacy_resize_params(mode == 0 ? TRT_RESIZE_NEAREST : TRT_RESIZE_LINEAR);
  params.nb_scales = 4;
  params.scales[0] = params.scales[1] = 1.0f;
  if ((status = trt_onnx_attr_float(node, "height_scale", 1.0f, &params.scales[2])) !=
          TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "width_scale", 1.0f, &params.scales[3])) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESIZE, &input, 1, &params);
}

trt_status_t trt_onnx_import_upsample(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 7)
    return import_upsample_1(importer, node);
  return import_upsample_like(importer, node, importer->opset < 9);
}

trt_status_t trt_onnx_import_resize(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 11)
    return import_upsample_like(importer, node, false);

  static const char *const coord_names[] = {"half_pixel",
                                            "asymmetric",
                                            "align_corners",
                                            "pytorch_half_pixel",
                                            "tf_half_pixel_for_nn",
                                            "tf_crop_and_resize",
                                            NULL};
  static const char *const nearest_names[] = {"round_prefer_floor", "round_prefer_ceil", "floor",
                                              "ceil", NULL};
  trt_resize_params_t params = {0};
  int mode, coord, nearest;
  int64_t exclude_outside;
  int inputs[4];
  trt_status_t status;
  /* The name lists follow the order of the trt_resize_* enums. */
  if ((status = trt_onnx_attr_choice(node, "mode", resize_mode_names, TRT_RESIZE_NEAREST, &mode)) !=
          TRT_STATUS_OK ||
      (status = trt_onnx_attr_choice(node, "coordinate_transformation_mode", coord_names,
                                     TRT_RESIZE_COORD_HALF_PIXEL, &coord)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_choice(node, "nearest_mode", nearest_names,
                                     TRT_RESIZE_ROUND_PREFER_FLOOR, &nearest)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "cubic_coeff_a", -0.75f, &params.cubic_coeff_a)) !=
          TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "exclude_outside", 0, &exclude_outside)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "extrapolation_value", 0.0f,
                                    &params.extrapolation_value)) != TRT_STATUS_OK)
    return status;
  params.mode = (trt_resize_mode_t)mode;
  params.coord = (trt_resize_coord_t)coord;
  params.nearest = (trt_resize_nearest_t)nearest;
  params.exclude_outside = exclude_outside != 0;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 4, inputs, 4)) != TRT_STATUS_OK)
    return status;
  if (inputs[2] < 0 && inputs[3] < 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "one of the inputs 'scales' and 'sizes' is required");
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESIZE, inputs,
                                 trt_onnx_trim_inputs(inputs, 4), &params);
}
