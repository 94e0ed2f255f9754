/* Shape inference of every layer type (one function per type, one file per
 * family), referenced by the registry table. */
#ifndef TRT_LAYERS_H
#define TRT_LAYERS_H

#include "network_internal.h"
#include "numerics/detection.h"
#include "trt/plugin.h"

trt_status_t trt_convolution_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_deconvolution_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_matmul_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gemm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_pooling_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_unary_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_elementwise_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_batch_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_instance_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_layer_norm_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_lrn_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_softmax_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_reduce_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_reshape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_transpose_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_concat_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_split_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_slice_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_pad_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_resize_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gather_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_cast_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_shape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_constant_of_shape_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_identity_infer(trt_network_t *network, trt_layer_t *layer);

/* Shape operands (Reshape's shape, Slice's starts, Pad's pads) must have
 * been folded to constants by the time a layer's shape is inferred; checks
 * that `operand` is such a constant, an int32/int64 tensor of rank <= 1.
 * In shuffle.c, shared with slice.c. */
trt_status_t trt_shape_operand_check(const trt_tensor_t *operand);

/* The value operands of layers that compute in floating point: float32, or
 * float16 once the builder lowered the layer to FP16 (engine/precision.c),
 * each of the same type as `like` (the layer's first operand; NULL for that
 * one). Their outputs take that type. In convolution.c. */
trt_status_t trt_float_operand_check(const char *op, const char *what, const trt_tensor_t *tensor,
                                     const trt_tensor_t *like);
static inline bool trt_is_float_compute_type(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT16;
}

/* Helpers that a family's shape inference shares with its CPU reference. */

/* Which of the input's `rank` dims a Reduce layer reduces (*noop: none). */
trt_status_t trt_reduce_resolve_axes(const trt_network_t *network, const trt_layer_t *layer,
                                     int rank, bool reduced[TRT_MAX_DIMS], bool *noop);

/* A Reduce layer's input as groups of merged dims, outermost first, each
 * kept or reduced, with its element stride: size-1 dims dropped, neighbours
 * both kept or both reduced merged. Output element o (an index over the kept
 * groups) reduces reduced_count elements. The CUDA kernel's trt_kreduce_t
 * has the same fields. */
typedef struct {
  int nb_kept, nb_reduced;
  int64_t kept_size[TRT_MAX_DIMS], kept_stride[TRT_MAX_DIMS];
  int64_t reduced_size[TRT_MAX_DIMS], reduced_stride[TRT_MAX_DIMS];
  int64_t reduced_count;
} trt_reduce_groups_t;

void trt_reduce_group_dims(const trt_dims_t *dims, const bool reduced[TRT_MAX_DIMS],
                           trt_reduce_groups_t *groups);

/* A pooling layer's window geometry once shapes are known, seen as 3-D
 * (leading size-1 dims for 1 or 2 spatial dims). The CUDA kernel's
 * trt_kpool_t starts with the same fields. */
typedef struct {
  int64_t planes; /* N * C */
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3];
} trt_pooling_geometry_t;

/* Fills `geometry`; returns whether the layer pools each whole plane into one
 * value (global pooling, or a window covering the unpadded input). */
bool trt_pooling_geometry(const trt_network_t *network, const trt_layer_t *layer,
                          trt_pooling_geometry_t *geometry);

/* A Transpose layer's problem simplified: size-1 axes dropped and runs of
 * input axes that stay adjacent in the output merged, so that NCHW -> NHWC
 * becomes [N, C, HW] -> [N, HW, C] and an identity 1-D. Fills the output's
 * dims and, for each output axis, its element stride in the input; returns
 * the simplified rank (at least 1). */
int trt_transpose_simplify(const trt_dims_t *in, const trt_transpose_params_t *params,
                           int64_t out_dims[TRT_MAX_DIMS], int64_t in_strides[TRT_MAX_DIMS]);

/* A Resize layer's tap tables: for every output index of every axis, which
 * input elements contribute ("taps") and with which weights, with ONNX's
 * coordinate transformations. An output element is the sum over all tap
 * combinations of the product of weights. */
typedef struct {
  int nb_taps;      /* 1 on an axis that maps every index onto itself */
  int64_t *offsets; /* [out_dim][nb_taps] input element offsets (index * stride) */
  double *weights;  /* [out_dim][nb_taps] */
  uint8_t *outside; /* [out_dim] 1 where tf_crop_and_resize extrapolates */
} trt_resize_axis_t;

typedef struct {
  int first; /* the first axis that is not an identity; rank when none is */
  int64_t in_strides[TRT_MAX_DIMS];
  trt_resize_axis_t axes[TRT_MAX_DIMS];
  uint8_t *memory; /* one allocation: all offsets, then weights, then flags */
  size_t bytes;
} trt_resize_tables_t;

/* Builds the tables (free them with trt_resize_tables_free). `operands` are
 * the layer's input buffers on the host; with NULL, or a NULL entry, the
 * operand's constant data is read. */
trt_status_t trt_resize_tables_build(const trt_network_t *network, const trt_layer_t *layer,
                                     const void *const *operands, trt_resize_tables_t *tables);
void trt_resize_tables_free(trt_resize_tables_t *tables);

/* logic.c: comparisons, logic, Where; numpy broadcasting of two shapes. */
trt_status_t trt_broadcast_dims(const trt_dims_t *a, const trt_dims_t *b, trt_dims_t *out);
trt_status_t trt_compare_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_logic_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_where_infer(trt_network_t *network, trt_layer_t *layer);
/* indexing.c */
trt_status_t trt_arg_reduce_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_gather_elements_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_tile_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_expand_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_trilu_infer(trt_network_t *network, trt_layer_t *layer);

/* detection.c: SSD's PriorBox and DetectionOutput (trt/network.h). */
trt_status_t trt_prior_box_infer(trt_network_t *network, trt_layer_t *layer);
trt_status_t trt_detection_output_infer(trt_network_t *network, trt_layer_t *layer);

/* A PriorBox layer's cells, image size and steps from its inputs' dims,
 * with its parameters checked. */
trt_status_t trt_prior_box_geometry(const trt_network_t *network, const trt_layer_t *layer,
                                    trt_prior_box_geometry_t *geometry);

/* A DetectionOutput layer's problem, its inputs and parameters checked. */
typedef struct {
  int64_t batch;       /* N */
  int64_t priors;      /* P */
  int32_t classes;     /* num_classes */
  int32_t loc_classes; /* 1 with share_location, else num_classes */
  int64_t candidates;  /* per class entering NMS at most: top_k capped at P, or P */
  int64_t rows;        /* K, the output rows per item */
} trt_detection_output_shape_t;

trt_status_t trt_detection_output_shape(const trt_network_t *network, const trt_layer_t *layer,
                                        trt_detection_output_shape_t *shape);

/* plugin.c: layers run by a registered plugin (trt/plugin.h). */
trt_status_t trt_plugin_layer_infer(trt_network_t *network, trt_layer_t *layer);

/* What a backend needs to run a plugin layer: the plugin (found by the
 * layer's domain and name, the parameters checked: "plugin 'NAME' is not
 * registered" when it is not), a state made from the parameters, and the
 * plugin's view of the layer's tensors (at most TRT_MAX_LAYER_OUTPUTS of
 * each; no omitted inputs). trt_plugin_layer_release destroys the state. */
typedef struct {
  const trt_plugin_t *plugin;
  void *state;
  int nb_inputs, nb_outputs;
  trt_plugin_tensor_t inputs[TRT_MAX_LAYER_OUTPUTS];
  trt_plugin_tensor_t outputs[TRT_MAX_LAYER_OUTPUTS];
  size_t workspace_bytes; /* the plugin's workspace_size at these shapes */
} trt_plugin_layer_t;

trt_status_t trt_plugin_layer_prepare(const trt_network_t *network, const trt_layer_t *layer,
                                      trt_plugin_layer_t *prepared);
void trt_plugin_layer_release(trt_plugin_layer_t *prepared);

#endif
