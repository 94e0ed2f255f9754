/* ONNX import of tensor ops: reshapes, Concat/Split/Slice/Pad, Gather, Cast, constants, Tile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network_internal.h"
#include "numerics/element.h"
#include "onnx/onnx_import.h"
#include "onnx/onnx_internal.h"

/* ---- shuffles ----------------------------------------------------------- */

trt_status_t trt_onnx_import_flatten(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_reshape_params_t params = {0};
  params.mode = TRT_RESHAPE_FLATTEN;
  if ((status = trt_onnx_attr_int32(node, "axis", 1, &params.axis)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESHAPE, &input, 1, &params);
}

/* Reshape: the shape is an attribute before opset 5, input 1 since. */
trt_status_t trt_onnx_import_reshape(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if (importer->opset < 5) {
    int64_t shape[TRT_MAX_DIMS];
    int count;
    if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &inputs[0], 1)) != TRT_STATUS_OK ||
        (status = trt_onnx_attr_ints(node, "shape", shape, TRT_MAX_DIMS, &count)) != TRT_STATUS_OK)
      return status;
    if (!trt_onnx_find_attribute(node, "shape"))
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'shape' is required");
    trt_dims_t dims = {1, {count}};
    if ((status = trt_onnx_add_helper_constant(importer, node, "shape", TRT_DATA_TYPE_INT64, &dims,
                                               shape, &inputs[1])) != TRT_STATUS_OK)
      return status;
  } else if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK) {
    return status;
  }
  trt_reshape_params_t params = {0};
  params.mode = TRT_RESHAPE_FROM_TENSOR;
  int64_t allow_zero;
  if ((status = trt_onnx_attr_int(node, "allowzero", 0, &allow_zero)) != TRT_STATUS_OK)
    return status;
  params.allow_zero = allow_zero != 0;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESHAPE, inputs, 2, &params);
}

/* Squeeze/Unsqueeze: axes attribute before opset 13, input 1 since. */
static trt_status_t import_squeeze_common(trt_onnx_importer_t *importer,
                                          const Onnx__NodeProto *node, trt_reshape_mode_t mode) {
  bool unsqueeze = mode == TRT_RESHAPE_UNSQUEEZE;
  bool axes_input = importer->opset >= 13;
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, axes_input && unsqueeze ? 2 : 1,
                                     axes_input ? 2 : 1, inputs, 2)) != TRT_STATUS_OK)
    return status;
  trt_reshape_params_t params = {0};
  params.mode = mode;
  if (!axes_input) {
    if ((status = trt_onnx_attr_ints32(node, "axes", params.axes, TRT_MAX_DIMS, &params.nb_axes)) !=
        TRT_STATUS_OK)
      return status;
    if (unsqueeze && params.nb_axes == 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'axes' is required");
  }
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_RESHAPE, inputs,
                                 trt_onnx_trim_inputs(inputs, 2), &params);
}

TRT_ONNX_IMPORT_VIA(trt_onnx_import_squeeze, import_squeeze_common, TRT_RESHAPE_SQUEEZE)
TRT_ONNX_IMPORT_VIA(trt_onnx_import_unsqueeze, import_squeeze_common, TRT_RESHAPE_UNSQUEEZE)

trt_status_t trt_onnx_import_transpose(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_transpose_params_t params = {0};
  if ((status = trt_onnx_attr_ints32(node, "perm", params.perm, TRT_MAX_DIMS, &params.nb_perm)) !=
      TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_TRANSPOSE, &input, 1, &params);
}

trt_status_t trt_onnx_import_concat(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_status_t status = trt_onnx_check_input_count(node, 1, -1);
  if (status != TRT_STATUS_OK)
    return status;
  int count = (int)node->n_input;
  int *inputs = malloc((size_t)count * sizeof(int));
  if (!inputs)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  trt_concat_params_t params = {0};
  /* Concat-1 defaults axis to 1; it is required since opset 4. */
  if (!trt_onnx_find_attribute(node, "axis") && importer->opset >= 4)
    status = trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'axis' is required");
  if (status == TRT_STATUS_OK &&
      (status = trt_onnx_get_inputs(importer, node, inputs, count)) == TRT_STATUS_OK &&
      (status = trt_onnx_attr_int32(node, "axis", 1, &params.axis)) == TRT_STATUS_OK) {
    for (int i = 0; i < count && status == TRT_STATUS_OK; i++)
      if (inputs[i] < 0)
        status = trt_error(TRT_STATUS_PARSE_ERROR, "input %d is empty", i);
    if (status == TRT_STATUS_OK)
      status = trt_onnx_add_node_layer(importer, node, TRT_LAYER_CONCAT, inputs, count, &params);
  }
  free(inputs);
  return status;
}

/* Split: sizes in the `split` attribute in opsets 2 to 12, in input 1 since
 * 13; Split-1 took either (attribute or optional input 1). */
trt_status_t trt_onnx_import_split(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  bool split_input = importer->opset >= 13 || (importer->opset < 2 && node->n_input > 1);
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, split_input ? 2 : 1, inputs, 2)) !=
      TRT_STATUS_OK)
    return status;
  int nb_outputs = (int)node->n_output;
  if (nb_outputs > TRT_MAX_LAYER_OUTPUTS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%d outputs, at most %d are supported", nb_outputs,
                     TRT_MAX_LAYER_OUTPUTS);
  trt_split_params_t params = {0};
  params.nb_outputs = nb_outputs;
  if ((status = trt_onnx_attr_int32(node, "axis", 0, &params.axis)) != TRT_STATUS_OK)
    return status;
  if (!split_input) {
    int count;
    if ((status = trt_onnx_attr_ints(node, "split", params.sizes, TRT_MAX_LAYER_OUTPUTS, &count)) !=
        TRT_STATUS_OK)
      return status;
    if (count != 0 && count != nb_outputs)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'split' has %d values for %d outputs",
                       count, nb_outputs);
    params.nb_sizes = count;
  }
  const char *names[TRT_MAX_LAYER_OUTPUTS];
  char generated[TRT_MAX_LAYER_OUTPUTS][64];
  trt_onnx_name_outputs(node, nb_outputs, names, generated);
  return trt_onnx_add_layer(importer, TRT_LAYER_SPLIT, trt_onnx_node_name(node), inputs,
                            trt_onnx_trim_inputs(inputs, 2), names, nb_outputs, &params, NULL);
}

/* Slice: starts/ends/axes attributes before opset 10 become int64 constant
 * inputs, so the layer always sees the opset 10+ form. */
trt_status_t trt_onnx_import_slice(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[5] = {-1, -1, -1, -1, -1};
  trt_status_t status;
  if (importer->opset >= 10) {
    if ((status = trt_onnx_node_inputs(importer, node, 3, 5, inputs, 5)) != TRT_STATUS_OK)
      return status;
    return trt_onnx_add_node_layer(importer, node, TRT_LAYER_SLICE, inputs,
                                   trt_onnx_trim_inputs(inputs, 5), NULL);
  }
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &inputs[0], 1)) != TRT_STATUS_OK)
    return status;
  static const char *const names[] = {"starts", "ends", "axes"};
  int64_t values[3][TRT_MAX_DIMS];
  int counts[3];
  for (int i = 0; i < 3; i++)
    if ((status = trt_onnx_attr_ints(node, names[i], values[i], TRT_MAX_DIMS, &counts[i])) !=
        TRT_STATUS_OK)
      return status;
  if (!trt_onnx_find_attribute(node, "starts") || !trt_onnx_find_attribute(node, "ends"))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attributes 'starts' and 'ends' are required");
  if (counts[1] != counts[0] || (trt_onnx_find_attribute(node, "axes") && counts[2] != counts[0]))
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "attributes 'starts', 'ends' and 'axes' must have the same length");
  for (int i = 0; i < 3; i++) {
    if (i == 2 && !trt_onnx_find_attribute(node, "axes"))
      break;
    trt_dims_t dims = {1, {counts[i]}};
    if ((status = trt_onnx_add_helper_constant(importer, node, names[i], TRT_DATA_TYPE_INT64, &dims,
                                               values[i], &inputs[i + 1])) != TRT_STATUS_OK)
      return status;
  }
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_SLICE, inputs,
                                 trt_onnx_trim_inputs(inputs, 4), NULL);
}

/* Pad: pads/value attributes before opset 11, inputs since. */
trt_status_t trt_onnx_import_pad(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  static const char *const mode_names[] = {"constant", "reflect", "edge", NULL};
  trt_pad_params_t params = {0};
  int mode;
  trt_status_t status = trt_onnx_attr_choice(node, "mode", mode_names, TRT_PAD_CONSTANT, &mode);
  if (status != TRT_STATUS_OK)
    return status;
  params.mode = (trt_pad_mode_t)mode;
  int inputs[3];
  if (importer->opset >= 11) {
    if ((status = trt_onnx_node_inputs(importer, node, 2, 3, inputs, 3)) != TRT_STATUS_OK)
      return status;
    return trt_onnx_add_node_layer(importer, node, TRT_LAYER_PAD, inputs,
                                   trt_onnx_trim_inputs(inputs, 3), &params);
  }
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &inputs[0], 1)) != TRT_STATUS_OK)
    return status;
  /* Pad-1 called the attribute `paddings`. */
  const char *pads_name = importer->opset < 2 ? "paddings" : "pads";
  if (!trt_onnx_find_attribute(node, pads_name))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' is required", pads_name);
  if ((status = trt_onnx_attr_ints(node, pads_name, params.pads, 2 * TRT_MAX_DIMS,
                                   &params.nb_pads)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_float(node, "value", 0.0f, &params.value)) != TRT_STATUS_OK)
    return status;
  if (params.nb_pads % 2)
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute '%s' has an odd number of values (%d)",
                     pads_name, params.nb_pads);
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_PAD, inputs, 1, &params);
}

/* ---- data movement, shapes and constants ------------------------------- */

trt_status_t trt_onnx_import_gather(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK)
    return status;
  trt_gather_params_t params = {0};
  if ((status = trt_onnx_attr_int32(node, "axis", 0, &params.axis)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_GATHER, inputs, 2, &params);
}

/* Cast-1 names the target type with a string ("FLOAT"); from opset 6 it is
 * the TensorProto.DataType number. */
static trt_status_t cast_target_from_name(const Onnx__NodeProto *node, int64_t *to) {
  static const char *const type_names[] = {"UNDEFINED",  "FLOAT",  "UINT8",  "INT8",   "UINT16",
                                           "INT16",      "INT32",  "INT64",  "STRING", "BOOL",
                                           "FLOAT16",    "DOUBLE", "UINT32", "UINT64", "COMPLEX64",
                                           "COMPLEX128", NULL};
  if (!trt_onnx_find_attribute(node, "to"))
    return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'to' is required");
  int index;
  trt_status_t status = trt_onnx_attr_choice(node, "to", type_names, 0, &index);
  *to = index;
  return status;
}

trt_status_t trt_onnx_import_cast(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  int64_t to = 0;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK ||
      (status = importer->opset < 6 ? cast_target_from_name(node, &to)
                                    : trt_onnx_attr_required_int(node, "to", &to)) != TRT_STATUS_OK)
    return status;
  trt_cast_params_t params;
  if ((status = trt_onnx_convert_type((int32_t)to, "attribute 'to'", &params.to)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_CAST, &input, 1, &params);
}

trt_status_t trt_onnx_import_shape(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_shape_params_t params;
  if ((status = trt_onnx_attr_int(node, "start", 0, &params.start)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "end", INT64_MAX, &params.end)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_SHAPE, &input, 1, &params);
}

trt_status_t trt_onnx_import_identity(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_IDENTITY, 1, NULL);
}

/* Dropout at inference is the identity; its mask cannot be produced. */
trt_status_t trt_onnx_import_dropout(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int input;
  double training_mode;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, importer->opset >= 12 ? 3 : 1, &input,
                                     1)) != TRT_STATUS_OK ||
      (status = trt_onnx_reject_used_outputs(importer, node, 1, "mask")) != TRT_STATUS_OK ||
      (status = trt_onnx_reject_training_mode(importer, node)) != TRT_STATUS_OK ||
      (status = trt_onnx_constant_scalar_input(importer, node, 2, 0.0, &training_mode)) !=
          TRT_STATUS_OK)
    return status;
  if (training_mode != 0.0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "training_mode = true is not supported");
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_IDENTITY, &input, 1, NULL);
}

/* Adds a constant named after the node's output from a decoded tensor. */
static trt_status_t add_output_constant(trt_onnx_importer_t *importer, const Onnx__NodeProto *node,
                                        trt_data_type_t type, const trt_dims_t *dims,
                                        const void *data) {
  int tensor = trt_network_add_constant(importer->network, node->output[0], type, dims, data);
  return tensor < 0 ? TRT_STATUS_PARSE_ERROR : TRT_STATUS_OK;
}

trt_status_t trt_onnx_import_constant(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  trt_status_t status = trt_onnx_check_input_count(node, 0, 0);
  if (status != TRT_STATUS_OK)
    return status;
  if (node->n_attribute != 1)
    return trt_error(TRT_STATUS_PARSE_ERROR, "expected exactly one value attribute, got %zu",
                     node->n_attribute);
  const Onnx__AttributeProto *attribute = node->attribute[0];
  const char *name = attribute->name ? attribute->name : "";
  trt_dims_t dims = {0};
  if (strcmp(name, "value") == 0) {
    if ((status = trt_onnx_expect_attribute_type(
             attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)) != TRT_STATUS_OK)
      return status;
    trt_data_type_t type;
    const void *data;
    void *owned;
    char what[TRT_ONNX_NAME_SIZE];
    snprintf(what, sizeof(what), "tensor '%s'", node->output[0]);
    if ((status = trt_onnx_tensor_decode(attribute->t, what, &type, &dims, &data, &owned)) !=
        TRT_STATUS_OK)
      return status;
    status = add_output_constant(importer, node, type, &dims, data);
    free(owned);
    return status;
  }
  if (strcmp(name, "value_float") == 0) {
    if ((status = trt_onnx_expect_attribute_type(
             attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)) != TRT_STATUS_OK)
      return status;
    return add_output_constant(importer, node, TRT_DATA_TYPE_FLOAT32, &dims, &attribute->f);
  }
  if (strcmp(name, "value_int") == 0) {
    if ((status = trt_onnx_expect_attribute_type(
             attribute, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)) != TRT_STATUS_OK)
      return status;
    return add_output_constant(importer, node, TRT_DATA_TYPE_INT64, &dims, &attribute->i);
  }
  if (strcmp(name, "value_floats") == 0 || strcmp(name, "value_ints") == 0) {
    bool floats = name[6] == 'f';
    if ((status = trt_onnx_expect_attribute_type(
             attribute, floats ? ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS
                               : ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS)) != TRT_STATUS_OK)
      return status;
    dims.nb_dims = 1;
    dims.d[0] = (int64_t)(floats ? attribute->n_floats : attribute->n_ints);
    static const float no_floats[1];
    static const int64_t no_ints[1];
    if (floats)
      return add_output_constant(importer, node, TRT_DATA_TYPE_FLOAT32, &dims,
                                 attribute->n_floats ? attribute->floats : no_floats);
    return add_output_constant(importer, node, TRT_DATA_TYPE_INT64, &dims,
                               attribute->n_ints ? attribute->ints : no_ints);
  }
  if (strcmp(name, "sparse_value") == 0 || strcmp(name, "value_string") == 0 ||
      strcmp(name, "value_strings") == 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "attribute '%s' is not supported", name);
  return trt_error(TRT_STATUS_PARSE_ERROR, "unknown attribute '%s'", name);
}

trt_status_t trt_onnx_import_constant_of_shape(trt_onnx_importer_t *importer,
                                               const Onnx__NodeProto *node) {
  int input;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 1, &input, 1)) != TRT_STATUS_OK)
    return status;
  trt_constant_of_shape_params_t params = {TRT_DATA_TYPE_FLOAT32, 0.0};
  const Onnx__AttributeProto *value = trt_onnx_find_attribute(node, "value");
  if (value) {
    if ((status = trt_onnx_expect_attribute_type(
             value, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR)) != TRT_STATUS_OK)
      return status;
    trt_dims_t dims;
    const void *data;
    void *owned;
    if ((status = trt_onnx_tensor_decode(value->t, "attribute 'value'", &params.type, &dims, &data,
                                         &owned)) != TRT_STATUS_OK)
      return status;
    int64_t volume = trt_dims_volume(&dims);
    if (volume == 1)
      params.value = trt_element_as_double(data, params.type, 0);
    free(owned);
    if (volume != 1)
      return trt_error(TRT_STATUS_PARSE_ERROR, "attribute 'value' must hold one value, has %lld",
                       (long long)volume);
  }
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_CONSTANT_OF_SHAPE, &input, 1, &params);
}

/* ---- indexing, tiling and masks ----------------------------------------- */

trt_status_t trt_onnx_import_gather_elements(trt_onnx_importer_t *importer,
                                             const Onnx__NodeProto *node) {
  int inputs[2];
  trt_gather_params_t params = {0};
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 2, 2, inputs, 2)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int32(node, "axis", 0, &params.axis)) != TRT_STATUS_OK)
    return status;
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_GATHER_ELEMENTS, inputs, 2, &params);
}

/* Tile-6+: input and repeats. Tile-1 repeated one axis given as a tensor
 * input, a form no exporter of today writes. */
trt_status_t trt_onnx_import_tile(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  if (importer->opset < 6)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "Tile-1 (inputs 'tiles' and 'axis') is not supported; use opset 6 or later");
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_TILE, 2, NULL);
}

trt_status_t trt_onnx_import_expand(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  return trt_onnx_add_plain_node(importer, node, TRT_LAYER_EXPAND, 2, NULL);
}

trt_status_t trt_onnx_import_trilu(trt_onnx_importer_t *importer, const Onnx__NodeProto *node) {
  int inputs[2];
  int64_t upper;
  trt_status_t status;
  if ((status = trt_onnx_node_inputs(importer, node, 1, 2, inputs, 2)) != TRT_STATUS_OK ||
      (status = trt_onnx_attr_int(node, "upper", 1, &upper)) != TRT_STATUS_OK)
    return status;
  trt_trilu_params_t params = {upper != 0};
  return trt_onnx_add_node_layer(importer, node, TRT_LAYER_TRILU, inputs,
                                 trt_onnx_trim_inputs(inputs, 2), &params);
}
