/* The network definition: the one intermediate representation shared by the
 * parsers, the optimizer passes, the builder and the CPU reference backend.
 *
 * A network is a list of tensors and a list of layers. Tensors are network
 * inputs, constants (weights, folded shape values; they carry data) or the
 * outputs of layers. Layers read tensors by index and carry typed parameters:
 * one struct per layer type, defined below. Operands that ONNX passes as
 * tensors (Reshape's shape, Slice's starts, Resize's scales, ...) stay layer
 * inputs and must be constant once input shapes are fixed; shape inference
 * folds the sub-graphs that compute them. */
#ifndef TRT_NETWORK_H
#define TRT_NETWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRT_MAX_DIMS 8
#define TRT_MAX_LAYER_OUTPUTS 64

typedef enum {
  TRT_DATA_TYPE_FLOAT32 = 0,
  TRT_DATA_TYPE_FLOAT16,
  TRT_DATA_TYPE_FLOAT64,
  TRT_DATA_TYPE_INT8,
  TRT_DATA_TYPE_UINT8,
  TRT_DATA_TYPE_INT32,
  TRT_DATA_TYPE_INT64,
  TRT_DATA_TYPE_BOOL,
  TRT_DATA_TYPE_COUNT
} trt_data_type_t;

const char *trt_data_type_name(trt_data_type_t type);
size_t trt_data_type_size(trt_data_type_t type);

/* Dimensions; -1 marks a dimension not known until build time. */
typedef struct {
  int32_t nb_dims;
  int64_t d[TRT_MAX_DIMS];
} trt_dims_t;

trt_dims_t trt_dims_make(int nb_dims, const int64_t *d);
/* Number of elements; -1 when a dimension is unknown (negative),
 * TRT_DIMS_VOLUME_OVERFLOW when the product does not fit in int64_t. It
 * never wraps: callers treat any negative value as "no usable size". */
#define TRT_DIMS_VOLUME_OVERFLOW (-2)
int64_t trt_dims_volume(const trt_dims_t *dims);
/* The volume as a status: TRT_STATUS_SHAPE_ERROR naming `what` (a tensor's
 * name, or a phrase such as "input 'x'") when a dimension is unknown or the
 * element count or its bytes at `element_size` (0: elements only) exceed
 * int64_t. Sets *volume on success. */
trt_status_t trt_dims_volume_checked(const trt_dims_t *dims, size_t element_size, const char *what,
                                     int64_t *volume);
bool trt_dims_equal(const trt_dims_t *a, const trt_dims_t *b);
/* "1x3x640x640" (scalars print as "scalar"). Returns `buffer`. */
char *trt_dims_format(const trt_dims_t *dims, char *buffer, size_t size);
/* Parses "1x3x640x640". */
trt_status_t trt_dims_parse(const char *text, trt_dims_t *dims);

/* ---- layer types and their parameters ---------------------------------- */

typedef enum {
  TRT_LAYER_CONVOLUTION = 0, /* x, w, [b]              trt_convolution_params_t */
  TRT_LAYER_DECONVOLUTION,   /* x, w, [b]              trt_convolution_params_t */
  TRT_LAYER_POOLING,         /* x                      trt_pooling_params_t */
  TRT_LAYER_UNARY,           /* x                      trt_unary_params_t */
  TRT_LAYER_ELEMENTWISE,     /* a, b (broadcast)       trt_elementwise_params_t */
  TRT_LAYER_MATMUL,          /* a, b (numpy matmul)    no parameters */
  TRT_LAYER_GEMM,            /* a, b, [c]              trt_gemm_params_t */
  TRT_LAYER_BATCH_NORM,      /* x, scale, bias, mean, var   trt_norm_params_t */
  TRT_LAYER_INSTANCE_NORM,   /* x, scale, bias         trt_norm_params_t */
  TRT_LAYER_LAYER_NORM,      /* x, scale, [bias]       trt_norm_params_t */
  TRT_LAYER_LRN,             /* x                      trt_lrn_params_t */
  TRT_LAYER_SOFTMAX,         /* x                      trt_softmax_params_t */
  TRT_LAYER_REDUCE,          /* x, [axes]              trt_reduce_params_t */
  TRT_LAYER_RESHAPE,         /* x, [shape]             trt_reshape_params_t */
  TRT_LAYER_TRANSPOSE,       /* x                      trt_transpose_params_t */
  TRT_LAYER_CONCAT,          /* x0, x1, ...            trt_concat_params_t */
  TRT_LAYER_SPLIT,           /* x, [split] -> n outs   trt_split_params_t */
  TRT_LAYER_SLICE,           /* x, starts, ends, [axes], [steps]   no parameters */
  TRT_LAYER_PAD,             /* x, [pads], [value]     trt_pad_params_t */
  TRT_LAYER_RESIZE,          /* x, [roi], [scales], [sizes]   trt_resize_params_t */
  TRT_LAYER_GATHER,          /* data, indices          trt_gather_params_t */
  TRT_LAYER_CAST,            /* x                      trt_cast_params_t */
  TRT_LAYER_SHAPE,           /* x -> int64 dims        trt_shape_params_t */
  TRT_LAYER_CONSTANT_OF_SHAPE, /* shape                trt_constant_of_shape_params_t */
  TRT_LAYER_IDENTITY,        /* x (Identity, Dropout)  no parameters */
  TRT_LAYER_COMPARE,         /* a, b (broadcast) -> bool   trt_compare_params_t */
  TRT_LAYER_LOGIC,           /* a, [b] bool (broadcast) -> bool   trt_logic_params_t */
  TRT_LAYER_WHERE,           /* condition, x, y (broadcast)   no parameters */
  TRT_LAYER_ARG_REDUCE,      /* x -> int64 indices     trt_arg_reduce_params_t */
  TRT_LAYER_GATHER_ELEMENTS, /* data, indices          trt_gather_params_t */
  TRT_LAYER_TILE,            /* x, repeats             no parameters */
  TRT_LAYER_EXPAND,          /* x, shape               no parameters */
  TRT_LAYER_TRILU,           /* x, [k]                 trt_trilu_params_t */
  TRT_LAYER_PRIOR_BOX,       /* feature, image (dims only)   trt_prior_box_params_t */
  TRT_LAYER_DETECTION_OUTPUT, /* loc, conf, priors      trt_detection_output_params_t */
  TRT_LAYER_PLUGIN,          /* x0, x1, ... -> n outs  trt_plugin_params_t (trt/plugin.h) */
  TRT_LAYER_COUNT
} trt_layer_type_t;

/* Activations that a producing layer may apply to its result; the unary
 * layer uses the same kinds plus the pure math functions after them. */
typedef enum {
  TRT_ACTIVATION_NONE = 0,
  TRT_ACTIVATION_RELU,
  TRT_ACTIVATION_LEAKY_RELU,   /* alpha */
  TRT_ACTIVATION_ELU,          /* alpha */
  TRT_ACTIVATION_SIGMOID,
  TRT_ACTIVATION_TANH,
  TRT_ACTIVATION_CLIP,         /* alpha = min, beta = max */
  TRT_ACTIVATION_HARD_SIGMOID, /* alpha, beta */
  TRT_ACTIVATION_HARD_SWISH,
  TRT_ACTIVATION_ERF,
  TRT_ACTIVATION_SQRT,
  TRT_ACTIVATION_EXP,
  TRT_ACTIVATION_LOG,
  TRT_ACTIVATION_ABS,
  TRT_ACTIVATION_NEG,
  TRT_ACTIVATION_RECIPROCAL,
  TRT_ACTIVATION_SOFTPLUS,
  TRT_ACTIVATION_SCALE_SHIFT,  /* alpha * x + beta (pointwise fusion of x*c, x+c, c-x, ...) */
  TRT_ACTIVATION_POWER,        /* powf(x, alpha), as Elementwise Pow with a scalar exponent */
  TRT_ACTIVATION_COUNT
} trt_activation_kind_t;

typedef struct {
  trt_activation_kind_t kind;
  float alpha;
  float beta;
} trt_activation_t;

const char *trt_activation_name(trt_activation_kind_t kind);
/* Scalar definition used by every backend's reference and by tests. */
float trt_activation_apply(const trt_activation_t *activation, float x);

/* Convolution and deconvolution over 1, 2 or 3 spatial dimensions (NCHW).
 * Weights: [C_out, C_in/group, k...] for convolution,
 *          [C_in, C_out/group, k...] for deconvolution.
 * Fused forms made by the optimizer: y = activation(conv(x) + b + residual)
 * where the optional input 3 is a residual tensor shaped like y; and a
 * merged convolution with several outputs, output k taking the next
 * dims[1] channels of the result (convolutions that read the same tensor,
 * concatenated along C_out). */
typedef struct {
  int32_t nb_spatial;
  int64_t kernel[3];
  int64_t stride[3];
  int64_t dilation[3];
  int64_t pad_begin[3];
  int64_t pad_end[3];
  int64_t output_padding[3]; /* deconvolution only */
  int64_t group;
  /* Set by importers when ONNX auto_pad is SAME_UPPER/SAME_LOWER: pads are
   * computed by shape inference. */
  enum { TRT_AUTO_PAD_NOTSET = 0, TRT_AUTO_PAD_SAME_UPPER, TRT_AUTO_PAD_SAME_LOWER, TRT_AUTO_PAD_VALID } auto_pad;
  trt_activation_t activation; /* applied after bias; NONE unless fused */
} trt_convolution_params_t;

typedef enum { TRT_POOLING_MAX = 0, TRT_POOLING_AVERAGE } trt_pooling_kind_t;

typedef struct {
  trt_pooling_kind_t kind;
  bool global;
  int32_t nb_spatial;
  int64_t kernel[3];
  int64_t stride[3];
  int64_t dilation[3];
  int64_t pad_begin[3];
  int64_t pad_end[3];
  bool ceil_mode;
  bool count_include_pad; /* average only */
  int auto_pad;           /* as trt_convolution_params_t.auto_pad */
} trt_pooling_params_t;

#define TRT_MAX_UNARY_CHAIN 8

/* y = then[nb_then-1](... then[0](op(x))): one op as imported; the
 * pointwise fusion pass appends up to TRT_MAX_UNARY_CHAIN - 1 further steps
 * (float32 only), each rounded to float as the unfused layers were. */
typedef struct {
  trt_activation_t op;
  int32_t nb_then;
  trt_activation_t then[TRT_MAX_UNARY_CHAIN - 1];
} trt_unary_params_t;

typedef enum {
  TRT_ELEMENTWISE_ADD = 0,
  TRT_ELEMENTWISE_SUB,
  TRT_ELEMENTWISE_MUL,
  TRT_ELEMENTWISE_DIV,
  TRT_ELEMENTWISE_POW,
  TRT_ELEMENTWISE_MIN,
  TRT_ELEMENTWISE_MAX,
  TRT_ELEMENTWISE_PRELU, /* a < 0 ? a * b : a */
  TRT_ELEMENTWISE_MOD,   /* remainder with the divisor's sign (ONNX Mod, fmod 0) */
  TRT_ELEMENTWISE_FMOD,  /* remainder with the dividend's sign (ONNX Mod, fmod 1) */
  TRT_ELEMENTWISE_COUNT
} trt_elementwise_kind_t;

typedef struct {
  trt_elementwise_kind_t kind;
} trt_elementwise_params_t;

/* Y = alpha * op(A) * op(B) + beta * C, A and B 2-D, C broadcast to Y. */
typedef struct {
  float alpha;
  float beta;
  bool transpose_a;
  bool transpose_b;
  trt_activation_t activation;
} trt_gemm_params_t;

typedef struct {
  float epsilon;
  int32_t axis; /* layer norm: first normalized axis (may be negative) */
} trt_norm_params_t;

typedef struct {
  int64_t size;
  float alpha;
  float beta;
  float bias; /* ONNX "bias", Caffe "k" */
} trt_lrn_params_t;

typedef struct {
  int32_t axis;
  bool log;
  /* ONNX opset < 13 flattens to 2-D at `axis`; 13+ normalizes along `axis`. */
  bool coerce_2d;
} trt_softmax_params_t;

typedef enum { TRT_REDUCE_MEAN = 0, TRT_REDUCE_SUM, TRT_REDUCE_MAX, TRT_REDUCE_MIN, TRT_REDUCE_PROD } trt_reduce_kind_t;

typedef struct {
  trt_reduce_kind_t kind;
  int32_t nb_axes; /* 0 and no axes input: all axes, unless noop_with_empty_axes */
  int32_t axes[TRT_MAX_DIMS];
  bool keep_dims;
  bool noop_with_empty_axes;
} trt_reduce_params_t;

typedef enum {
  TRT_RESHAPE_FROM_TENSOR = 0, /* ONNX Reshape: second input holds the shape */
  TRT_RESHAPE_FLATTEN,         /* 2-D around `axis` */
  TRT_RESHAPE_SQUEEZE,         /* remove `axes` (all size-1 dims when none) */
  TRT_RESHAPE_UNSQUEEZE,       /* insert `axes` */
} trt_reshape_mode_t;

typedef struct {
  trt_reshape_mode_t mode;
  bool allow_zero;
  int32_t axis;
  int32_t nb_axes; /* squeeze/unsqueeze axes; may also come from input 1 */
  int32_t axes[TRT_MAX_DIMS];
} trt_reshape_params_t;

typedef struct {
  int32_t nb_perm; /* 0: reverse the dimensions */
  int32_t perm[TRT_MAX_DIMS];
} trt_transpose_params_t;

typedef struct {
  int32_t axis;
  /* Set by the optimizer when every input is a view into the output, so
   * producers already wrote the result and the layer does nothing. */
  bool in_place;
} trt_concat_params_t;

typedef struct {
  int32_t axis;
  int32_t nb_outputs;
  /* Sizes; when nb_sizes is 0 and there is no split input, equal parts. */
  int32_t nb_sizes;
  int64_t sizes[TRT_MAX_LAYER_OUTPUTS];
} trt_split_params_t;

typedef enum { TRT_PAD_CONSTANT = 0, TRT_PAD_REFLECT, TRT_PAD_EDGE } trt_pad_mode_t;

typedef struct {
  trt_pad_mode_t mode;
  float value;
  /* Pads from attributes (opset < 11): begin for every axis, then end. */
  int32_t nb_pads;
  int64_t pads[2 * TRT_MAX_DIMS];
} trt_pad_params_t;

typedef enum { TRT_RESIZE_NEAREST = 0, TRT_RESIZE_LINEAR, TRT_RESIZE_CUBIC } trt_resize_mode_t;

typedef enum {
  TRT_RESIZE_COORD_HALF_PIXEL = 0,
  TRT_RESIZE_COORD_ASYMMETRIC,
  TRT_RESIZE_COORD_ALIGN_CORNERS,
  TRT_RESIZE_COORD_PYTORCH_HALF_PIXEL,
  TRT_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN,
  TRT_RESIZE_COORD_TF_CROP_AND_RESIZE,
} trt_resize_coord_t;

typedef enum {
  TRT_RESIZE_ROUND_PREFER_FLOOR = 0,
  TRT_RESIZE_ROUND_PREFER_CEIL,
  TRT_RESIZE_FLOOR,
  TRT_RESIZE_CEIL,
} trt_resize_nearest_t;

typedef struct {
  trt_resize_mode_t mode;
  trt_resize_coord_t coord;
  trt_resize_nearest_t nearest;
  float cubic_coeff_a;
  bool exclude_outside;
  float extrapolation_value;
  /* Upsample (opset < 10) and Resize-10 give scales as attributes or in
   * input 1; otherwise scales are input 2 and sizes input 3. */
  int32_t nb_scales;
  float scales[TRT_MAX_DIMS];
} trt_resize_params_t;

typedef struct {
  int32_t axis;
} trt_gather_params_t;

typedef struct {
  trt_data_type_t to;
} trt_cast_params_t;

typedef struct {
  int64_t start; /* opset 15 start/end; end == INT64_MAX means the end */
  int64_t end;
} trt_shape_params_t;

typedef struct {
  trt_data_type_t type;
  double value;
} trt_constant_of_shape_params_t;

typedef enum {
  TRT_COMPARE_EQUAL = 0,
  TRT_COMPARE_LESS,
  TRT_COMPARE_LESS_OR_EQUAL,
  TRT_COMPARE_GREATER,
  TRT_COMPARE_GREATER_OR_EQUAL,
  TRT_COMPARE_COUNT
} trt_compare_kind_t;

/* Inputs of one numeric type (or bool); integers compare exactly. */
typedef struct {
  trt_compare_kind_t kind;
} trt_compare_params_t;

typedef enum {
  TRT_LOGIC_AND = 0,
  TRT_LOGIC_OR,
  TRT_LOGIC_XOR,
  TRT_LOGIC_NOT, /* one input */
  TRT_LOGIC_COUNT
} trt_logic_kind_t;

typedef struct {
  trt_logic_kind_t kind;
} trt_logic_params_t;

/* ArgMax/ArgMin along `axis`: the first extreme index, or the last with
 * select_last_index; NaN counts as the extreme (numpy's rule). */
typedef struct {
  bool max; /* false: ArgMin */
  int32_t axis;
  bool keep_dims;
  bool select_last_index;
} trt_arg_reduce_params_t;

/* Keeps the upper (or lower) triangle of the last two dims from diagonal
 * `k` (input 1 when given, else 0) and zeroes the rest. */
typedef struct {
  bool upper;
} trt_trilu_params_t;

/* ---- SSD detection (Caffe's PriorBox and DetectionOutput) ---------------- */

#define TRT_PRIOR_BOX_MAX_SIZES         16
#define TRT_PRIOR_BOX_MAX_ASPECT_RATIOS 32

/* SSD's prior (default) boxes of one feature map, as Caffe's PriorBox. The
 * inputs, a feature map [N, C, H, W] and the image [N, C, IH, IW], are read
 * for their dims only, so the output is a constant once shapes are known
 * (the constant-folding pass folds it). Output [1, 2, H * W * P * 4]: channel
 * 0 holds, per cell (row-major) and prior, the box's corners xmin, ymin,
 * xmax, ymax normalized by the image size; channel 1 the four variances of
 * each box. Per cell the priors are, for each min size s: the square of side
 * s, then (with max sizes) the square of side sqrt(s * max), then for each
 * aspect ratio r the box s*sqrt(r) wide and s/sqrt(r) high; so P =
 * nb_min_sizes * (1 + nb_aspect_ratios) + nb_max_sizes. As in Caffe the
 * sizes are truncated to integers, the centre of cell (h, w) is
 * ((w + offset) * step_width, (h + offset) * step_height), and with `clip`
 * every coordinate is clamped to [0, 1]. */
typedef struct {
  int32_t nb_min_sizes; /* 1 .. TRT_PRIOR_BOX_MAX_SIZES */
  float min_sizes[TRT_PRIOR_BOX_MAX_SIZES];
  int32_t nb_max_sizes; /* 0 or nb_min_sizes; each max > its min */
  float max_sizes[TRT_PRIOR_BOX_MAX_SIZES];
  /* The ratios other than 1, in Caffe's order: each given ratio not already
   * listed, followed by its inverse when Caffe's `flip` is set
   * (trt_prior_box_set_aspect_ratios builds the list). */
  int32_t nb_aspect_ratios;
  float aspect_ratios[TRT_PRIOR_BOX_MAX_ASPECT_RATIOS];
  float variances[4]; /* one given value is repeated 4 times */
  bool clip;
  int32_t image_width, image_height; /* 0 (both): the image input's W and H */
  float step_width, step_height;     /* 0 (either): image size / feature size */
  float offset;
} trt_prior_box_params_t;

/* How DetectionOutput's location predictions encode a box relative to its
 * prior (Caffe's PriorBoxParameter.CodeType, same values). */
typedef enum {
  TRT_BOX_CODE_CORNER = 1,      /* corner offsets */
  TRT_BOX_CODE_CENTER_SIZE = 2, /* centre offsets in prior sizes, log of size ratios */
  TRT_BOX_CODE_CORNER_SIZE = 3, /* corner offsets in prior sizes */
} trt_box_code_t;

/* SSD's detection output, as Caffe's DetectionOutput: inputs loc [N, ...]
 * holding P * L * 4 values per item (L = 1 with share_location, else
 * num_classes), conf [N, ...] holding P * num_classes scores per item, and
 * priors [1, 2, P * 4] (PriorBox's layout). Boxes are decoded from their
 * priors; for every class but the background, the scores above
 * confidence_threshold are sorted (descending, ties by prior index), the
 * first top_k kept and greedy non-maximum suppression applied (IoU above
 * nms_threshold suppresses; eta < 1 lowers the threshold after each kept box
 * while it is above 0.5); then per item the keep_top_k best of all classes
 * (ties by class, then NMS order) are kept.
 *
 * Output [N, 1, K, 7], K = keep_top_k (or, when keep_top_k is -1, the most
 * that can be kept: classes other than the background times top_k or P):
 * the rows of item n, [n, label, confidence, xmin, ymin, xmax, ymax], by
 * label, then in NMS order within a label, as Caffe and OpenCV order them;
 * at batch 1 the shape is Caffe's 1x1xKx7. Caffe and OpenCV return only the
 * kept rows; a fixed-size output pads the rest: every row after an item's
 * last detection holds -1 in all seven fields (image_id -1 marks the end, as
 * Caffe's own "no detection" rows use -1, and the confidence -1 is below any
 * threshold a reader applies). */
typedef struct {
  int32_t num_classes;
  bool share_location;
  int32_t background_label_id; /* -1: none */
  trt_box_code_t code_type;
  bool variance_encoded_in_target;
  float confidence_threshold; /* -FLT_MAX: every score */
  float nms_threshold;
  float eta;          /* (0, 1] */
  int32_t top_k;      /* candidates per class before NMS; -1: all */
  int32_t keep_top_k; /* detections per item; -1: all */
} trt_detection_output_params_t;

/* ---- plugins (trt/plugin.h) ---------------------------------------------- */

#define TRT_PLUGIN_MAX_NAME   64
#define TRT_PLUGIN_MAX_PARAMS 768

/* A layer run by a registered plugin, found by (domain, name) when shapes
 * are inferred and when the layer is built or loaded; `params` are the
 * bytes its `parse` made (size of them used), which plan files store. */
typedef struct {
  char domain[TRT_PLUGIN_MAX_NAME]; /* "": the default ONNX domain */
  char name[TRT_PLUGIN_MAX_NAME];
  uint32_t size;
  unsigned char params[TRT_PLUGIN_MAX_PARAMS];
} trt_plugin_params_t;

/* Fills params->aspect_ratios from Caffe's aspect_ratio list and flip flag
 * as Caffe's PriorBox does: ratios within 1e-6 of 1 or of one already
 * listed are skipped. INVALID_ARGUMENT when a ratio is not positive or the
 * list exceeds TRT_PRIOR_BOX_MAX_ASPECT_RATIOS. */
trt_status_t trt_prior_box_set_aspect_ratios(trt_prior_box_params_t *params, const float *ratios,
                                             int count, bool flip);

/* ---- the network ------------------------------------------------------- */

typedef struct trt_network trt_network_t;

trt_network_t *trt_network_create(void);
void trt_network_destroy(trt_network_t *network);
/* A deep copy (constants included). NULL when out of memory. */
trt_network_t *trt_network_clone(const trt_network_t *network);

/* Each add returns the new tensor's or layer's index, or -1 with
 * trt_last_error() set (duplicate name, bad index, ...). */
int trt_network_add_input(trt_network_t *network, const char *name, trt_data_type_t type,
                          const trt_dims_t *dims);
/* Copies `data` (volume(dims) elements of `type`). */
int trt_network_add_constant(trt_network_t *network, const char *name, trt_data_type_t type,
                             const trt_dims_t *dims, const void *data);
/* Adds a layer reading `inputs` (tensor indices, -1 for an omitted optional
 * input) and producing `nb_outputs` new tensors named `output_names` (or
 * "<layer name>:<i>" when NULL). `params` points to the struct of `type`
 * (NULL for types without parameters); it is copied. */
int trt_network_add_layer(trt_network_t *network, trt_layer_type_t type, const char *name,
                          const int *inputs, int nb_inputs, const char *const *output_names,
                          int nb_outputs, const void *params);

trt_status_t trt_network_mark_output(trt_network_t *network, int tensor);
trt_status_t trt_network_unmark_output(trt_network_t *network, int tensor);
/* Fixes the dims of an input (dynamic dims of a parsed model). */
trt_status_t trt_network_set_input_dims(trt_network_t *network, const char *name,
                                        const trt_dims_t *dims);

int trt_network_num_tensors(const trt_network_t *network);
int trt_network_num_layers(const trt_network_t *network);
int trt_network_num_inputs(const trt_network_t *network);
int trt_network_num_outputs(const trt_network_t *network);
int trt_network_input(const trt_network_t *network, int index);  /* tensor index */
int trt_network_output(const trt_network_t *network, int index); /* tensor index */
int trt_network_find_tensor(const trt_network_t *network, const char *name);

const char *trt_network_tensor_name(const trt_network_t *network, int tensor);
trt_data_type_t trt_network_tensor_type(const trt_network_t *network, int tensor);
trt_dims_t trt_network_tensor_dims(const trt_network_t *network, int tensor);
/* Constant data, or NULL for a non-constant tensor. */
const void *trt_network_tensor_data(const trt_network_t *network, int tensor);

trt_layer_type_t trt_network_layer_type(const trt_network_t *network, int layer);
const char *trt_network_layer_name(const trt_network_t *network, int layer);
int trt_network_layer_num_inputs(const trt_network_t *network, int layer);
int trt_network_layer_input(const trt_network_t *network, int layer, int index);
int trt_network_layer_num_outputs(const trt_network_t *network, int layer);
int trt_network_layer_output(const trt_network_t *network, int layer, int index);
const void *trt_network_layer_params(const trt_network_t *network, int layer);
const char *trt_layer_type_name(trt_layer_type_t type);

/* Checks the graph (indices, types, acyclic) and infers every tensor's type
 * and dims from the inputs' dims, evaluating layers whose inputs are all
 * constant (shape sub-graphs) so that shape operands become constants.
 * Fails with a message naming the layer when dims are inconsistent or an
 * input still has an unknown dimension. */
trt_status_t trt_network_infer_shapes(trt_network_t *network);

#ifdef __cplusplus
}
#endif

#endif
