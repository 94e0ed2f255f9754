/* The registry: one entry per layer type (name, parameters, shape inference).
 * Backends keep their own tables: cpu/cpu_registry.c, cuda/cuda_registry.c. */
#include "layer_registry.h"

#include <assert.h>
#include <stddef.h>

#include "layers/layers.h"

/* The bool fields of a parameter struct, by name. */
#define BOOL_AT(T, field) offsetof(T, field)
#define BOOLS(T, ...) BOOLS_N(T, __VA_ARGS__, 3, 2, 1)
#define BOOLS_N(T, a, b, c, n, ...) BOOLS_##n(T, a, b, c)
#define BOOLS_1(T, a, b, c) {1, {BOOL_AT(T, a)}}
#define BOOLS_2(T, a, b, c) {2, {BOOL_AT(T, a), BOOL_AT(T, b)}}
#define BOOLS_3(T, a, b, c) {3, {BOOL_AT(T, a), BOOL_AT(T, b), BOOL_AT(T, c)}}

static const trt_layer_descriptor_t layer_descriptors[] = {
    [TRT_LAYER_CONVOLUTION] = {TRT_LAYER_CONVOLUTION, "Convolution", sizeof(trt_convolution_params_t), trt_convolution_infer},
    [TRT_LAYER_DECONVOLUTION] = {TRT_LAYER_DECONVOLUTION, "Deconvolution", sizeof(trt_convolution_params_t), trt_deconvolution_infer},
    [TRT_LAYER_MATMUL] = {TRT_LAYER_MATMUL, "MatMul", 0, trt_matmul_infer},
    [TRT_LAYER_GEMM] = {TRT_LAYER_GEMM, "Gemm", sizeof(trt_gemm_params_t), trt_gemm_infer, BOOLS(trt_gemm_params_t, transpose_a, transpose_b)},
    [TRT_LAYER_POOLING] = {TRT_LAYER_POOLING, "Pooling", sizeof(trt_pooling_params_t), trt_pooling_infer, BOOLS(trt_pooling_params_t, global, ceil_mode, count_include_pad)},
    [TRT_LAYER_UNARY] = {TRT_LAYER_UNARY, "Unary", sizeof(trt_unary_params_t), trt_unary_infer},
    [TRT_LAYER_ELEMENTWISE] = {TRT_LAYER_ELEMENTWISE, "Elementwise", sizeof(trt_elementwise_params_t), trt_elementwise_infer},
    [TRT_LAYER_BATCH_NORM] = {TRT_LAYER_BATCH_NORM, "BatchNorm", sizeof(trt_norm_params_t), trt_batch_norm_infer},
    [TRT_LAYER_INSTANCE_NORM] = {TRT_LAYER_INSTANCE_NORM, "InstanceNorm", sizeof(trt_norm_params_t), trt_instance_norm_infer},
    [TRT_LAYER_LAYER_NORM] = {TRT_LAYER_LAYER_NORM, "LayerNorm", sizeof(trt_norm_params_t), trt_layer_norm_infer},
    [TRT_LAYER_LRN] = {TRT_LAYER_LRN, "LRN", sizeof(trt_lrn_params_t), trt_lrn_infer},
    [TRT_LAYER_SOFTMAX] = {TRT_LAYER_SOFTMAX, "Softmax", sizeof(trt_softmax_params_t), trt_softmax_infer, BOOLS(trt_softmax_params_t, log, coerce_2d)},
    [TRT_LAYER_REDUCE] = {TRT_LAYER_REDUCE, "Reduce", sizeof(trt_reduce_params_t), trt_reduce_infer, BOOLS(trt_reduce_params_t, keep_dims, noop_with_empty_axes)},
    [TRT_LAYER_RESHAPE] = {TRT_LAYER_RESHAPE, "Reshape", sizeof(trt_reshape_params_t), trt_reshape_infer, BOOLS(trt_reshape_params_t, allow_zero)},
    [TRT_LAYER_TRANSPOSE] = {TRT_LAYER_TRANSPOSE, "Transpose", sizeof(trt_transpose_params_t), trt_transpose_infer},
    [TRT_LAYER_CONCAT] = {TRT_LAYER_CONCAT, "Concat", sizeof(trt_concat_params_t), trt_concat_infer, BOOLS(trt_concat_params_t, in_place)},
    [TRT_LAYER_SPLIT] = {TRT_LAYER_SPLIT, "Split", sizeof(trt_split_params_t), trt_split_infer},
    [TRT_LAYER_SLICE] = {TRT_LAYER_SLICE, "Slice", 0, trt_slice_infer},
    [TRT_LAYER_PAD] = {TRT_LAYER_PAD, "Pad", sizeof(trt_pad_params_t), trt_pad_infer},
    [TRT_LAYER_RESIZE] = {TRT_LAYER_RESIZE, "Resize", sizeof(trt_resize_params_t), trt_resize_infer, BOOLS(trt_resize_params_t, exclude_outside)},
    [TRT_LAYER_GATHER] = {TRT_LAYER_GATHER, "Gather", sizeof(trt_gather_params_t), trt_gather_infer},
    [TRT_LAYER_CAST] = {TRT_LAYER_CAST, "Cast", sizeof(trt_cast_params_t), trt_cast_infer},
    [TRT_LAYER_SHAPE] = {TRT_LAYER_SHAPE, "Shape", sizeof(trt_shape_params_t), trt_shape_infer},
    [TRT_LAYER_CONSTANT_OF_SHAPE] = {TRT_LAYER_CONSTANT_OF_SHAPE, "ConstantOfShape", sizeof(trt_constant_of_shape_params_t), trt_constant_of_shape_infer},
    [TRT_LAYER_IDENTITY] = {TRT_LAYER_IDENTITY, "Identity", 0, trt_identity_infer},
    [TRT_LAYER_COMPARE] = {TRT_LAYER_COMPARE, "Compare", sizeof(trt_compare_params_t), trt_compare_infer},
    [TRT_LAYER_LOGIC] = {TRT_LAYER_LOGIC, "Logic", sizeof(trt_logic_params_t), trt_logic_infer},
    [TRT_LAYER_WHERE] = {TRT_LAYER_WHERE, "Where", 0, trt_where_infer},
    [TRT_LAYER_ARG_REDUCE] = {TRT_LAYER_ARG_REDUCE, "ArgReduce", sizeof(trt_arg_reduce_params_t), trt_arg_reduce_infer, BOOLS(trt_arg_reduce_params_t, max, keep_dims, select_last_index)},
    [TRT_LAYER_GATHER_ELEMENTS] = {TRT_LAYER_GATHER_ELEMENTS, "GatherElements", sizeof(trt_gather_params_t), trt_gather_elements_infer},
    [TRT_LAYER_TILE] = {TRT_LAYER_TILE, "Tile", 0, trt_tile_infer},
    [TRT_LAYER_EXPAND] = {TRT_LAYER_EXPAND, "Expand", 0, trt_expand_infer},
    [TRT_LAYER_TRILU] = {TRT_LAYER_TRILU, "Trilu", sizeof(trt_trilu_params_t), trt_trilu_infer, BOOLS(trt_trilu_params_t, upper)},
    [TRT_LAYER_PRIOR_BOX] = {TRT_LAYER_PRIOR_BOX, "PriorBox", sizeof(trt_prior_box_params_t), trt_prior_box_infer, BOOLS(trt_prior_box_params_t, clip), .shape_only = true},
    [TRT_LAYER_DETECTION_OUTPUT] = {TRT_LAYER_DETECTION_OUTPUT, "DetectionOutput", sizeof(trt_detection_output_params_t), trt_detection_output_infer, BOOLS(trt_detection_output_params_t, share_location, variance_encoded_in_target)},
    [TRT_LAYER_PLUGIN] = {TRT_LAYER_PLUGIN, "Plugin", sizeof(trt_plugin_params_t), trt_plugin_layer_infer},
};

static_assert(sizeof(layer_descriptors) / sizeof(layer_descriptors[0]) == TRT_LAYER_COUNT,
              "every layer type needs a registry entry");

const trt_layer_descriptor_t *trt_layer_descriptor(trt_layer_type_t type) {
  if ((int)type < 0 || type >= TRT_LAYER_COUNT)
    return NULL;
  return &layer_descriptors[type];
}

const char *trt_layer_type_name(trt_layer_type_t type) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(type);
  return descriptor ? descriptor->name : "(invalid layer type)";
}

bool trt_layer_params_bools_valid(trt_layer_type_t type, const void *params) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(type);
  for (int i = 0; descriptor && params && i < descriptor->bools.count; i++) {
    unsigned char byte = ((const unsigned char *)params)[descriptor->bools.offsets[i]];
    if (byte > 1)
      return false;
  }
  return descriptor != NULL;
}
