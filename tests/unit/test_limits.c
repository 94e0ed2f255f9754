/* Sizes that come from outside cannot be tricked: overflowing dims give a
 * clear error naming the tensor (never a wrapped size), importers count
 * before they allocate, builds respect the per-tensor and per-engine byte
 * limits, GatherElements checks its indices' shape, strides must be
 * positive, a 0-sized input builds and runs, and tensor lookup by name is
 * fast enough for a 40,000-layer chain. */
#include <string.h>
#include <time.h>

#include "onnx.pb-c.h"
#include "size_limits.h"
#include "test_util.h"
#include "trt/caffe_parser.h"
#include "trt/onnx_parser.h"

#define HUGE_DIM ((int64_t)1 << 62)

/* Checks that the last error mentions `text`. */
#define CHECK_ERROR_MENTIONS(text)                                                         \
  do {                                                                                     \
    if (!strstr(trt_last_error(), (text))) {                                               \
      fprintf(stderr, "%s:%d: error '%s' does not mention '%s'\n", __FILE__, __LINE__,     \
              trt_last_error(), (text));                                                   \
      test_failures++;                                                                     \
    }                                                                                      \
  } while (0)

static double seconds_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

/* ---- the volume helpers --------------------------------------------------- */

static void test_volume(void) {
  trt_dims_t over = trt_dims_make(2, (int64_t[]){HUGE_DIM + 1, 4});
  CHECK(trt_dims_volume(&over) == TRT_DIMS_VOLUME_OVERFLOW);
  trt_dims_t wraps_to_zero = trt_dims_make(3, (int64_t[]){(int64_t)1 << 32, (int64_t)1 << 32, 4});
  CHECK(trt_dims_volume(&wraps_to_zero) == TRT_DIMS_VOLUME_OVERFLOW);
  trt_dims_t unknown = trt_dims_make(3, (int64_t[]){HUGE_DIM, 4, -1});
  CHECK(trt_dims_volume(&unknown) == -1);
  trt_dims_t empty = trt_dims_make(3, (int64_t[]){HUGE_DIM, 4, 0});
  CHECK(trt_dims_volume(&empty) == 0);
  trt_dims_t fine = trt_dims_make(2, (int64_t[]){HUGE_DIM, 1});
  CHECK(trt_dims_volume(&fine) == HUGE_DIM);

  int64_t volume = 0;
  CHECK(trt_dims_volume_checked(&over, 4, "tensor 'big'", &volume) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("'big'");
  /* 2^62 elements fit, 2^64 bytes of them do not. */
  CHECK(trt_dims_volume_checked(&fine, 4, "tensor 'bytes'", &volume) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("'bytes'");
  CHECK_OK(trt_dims_volume_checked(&fine, 0, "elements only", &volume));
  CHECK(volume == HUGE_DIM);

  int64_t result;
  CHECK(!trt_int64_mul_checked(INT64_MAX, 2, &result));
  CHECK(!trt_int64_add_checked(INT64_MAX, 1, &result));
  CHECK(trt_int64_mul_checked(-3, 5, &result) && result == -15);
}

/* ---- dims through the API ------------------------------------------------- */

static void test_api_dims(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t over = trt_dims_make(2, (int64_t[]){HUGE_DIM + 1, 4});
  CHECK(trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &over) < 0);
  CHECK_ERROR_MENTIONS("'x'");
  CHECK(trt_network_add_constant(network, "c", TRT_DATA_TYPE_FLOAT32, &over, NULL) < 0);
  CHECK_ERROR_MENTIONS("'c'");
  CHECK(trt_network_num_tensors(network) == 0);

  /* A dynamic input set to overflowing dims later. */
  trt_dims_t dynamic = trt_dims_make(2, (int64_t[]){-1, 4});
  CHECK(trt_network_add_input(network, "y", TRT_DATA_TYPE_FLOAT32, &dynamic) >= 0);
  CHECK(trt_network_set_input_dims(network, "y", &over) != TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("'y'");
  trt_network_destroy(network);
}

/* Builds `network` on the CPU with `config` (NULL: defaults); the status. */
static trt_status_t build(trt_network_t *network, const trt_builder_config_t *config) {
  trt_builder_config_t defaults;
  if (!config) {
    trt_builder_config_init(&defaults);
    config = &defaults;
  }
  trt_builder_config_t cpu = *config;
  cpu.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  trt_status_t status = trt_engine_build(network, &cpu, &engine);
  trt_engine_destroy(engine);
  return status;
}

static int add_relu(trt_network_t *network, const char *name, int input) {
  trt_unary_params_t relu = {.op = {.kind = TRT_ACTIVATION_RELU}};
  int layer = trt_network_add_layer(network, TRT_LAYER_UNARY, name, &input, 1, NULL, 1, &relu);
  return layer < 0 ? -1 : trt_network_layer_output(network, layer, 0);
}

/* A dynamic batch times huge dims overflows once the batch is set. */
static void test_batch_overflow(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(2, (int64_t[]){-1, HUGE_DIM});
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  CHECK(x >= 0);
  CHECK_OK(trt_network_mark_output(network, add_relu(network, "relu", x)));
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.max_batch = 8;
  CHECK(build(network, &config) != TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("'x'");
  trt_network_destroy(network);
}

/* ---- ONNX models made in memory ------------------------------------------ */

typedef struct {
  const char *name;
  int32_t type; /* 0: FLOAT */
  int nb_dims;
  int64_t dims[4];
} graph_input_t;

typedef struct {
  graph_input_t inputs[2];
  Onnx__NodeProto *nodes[4];
  Onnx__TensorProto *initializers[4];
} model_t;

static Onnx__AttributeProto ints_attribute(const char *name, int64_t *values, size_t count) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
  attribute.ints = values;
  attribute.n_ints = count;
  return attribute;
}

static Onnx__NodeProto make_node(const char *op_type, char **inputs, size_t nb_inputs,
                                 Onnx__AttributeProto **attributes, size_t nb_attributes) {
  static char *output[] = {"y"};
  Onnx__NodeProto node = ONNX__NODE_PROTO__INIT;
  node.op_type = (char *)op_type;
  node.name = (char *)op_type;
  node.input = inputs;
  node.n_input = nb_inputs;
  node.output = output;
  node.n_output = 1;
  node.attribute = attributes;
  node.n_attribute = nb_attributes;
  return node;
}

/* An int64 initializer of `count` values and the given dims (no data when
 * values is NULL). */
static Onnx__TensorProto int64_tensor(const char *name, int64_t *values, size_t count,
                                      int64_t *dims, size_t nb_dims) {
  Onnx__TensorProto tensor = ONNX__TENSOR_PROTO__INIT;
  tensor.name = (char *)name;
  tensor.has_data_type = 1;
  tensor.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
  tensor.dims = dims;
  tensor.n_dims = nb_dims;
  tensor.int64_data = values;
  tensor.n_int64_data = values ? count : 0;
  return tensor;
}

/* Packs `model` (graph output "y", opset 13) and imports it into `network`. */
static trt_status_t import_model(const model_t *model, trt_network_t *network) {
  Onnx__TensorShapeProto__Dimension dims[2][4];
  Onnx__TensorShapeProto__Dimension *dim_pointers[2][4];
  Onnx__TensorShapeProto shapes[2];
  Onnx__TypeProto__Tensor tensor_types[2];
  Onnx__TypeProto types[2];
  Onnx__ValueInfoProto inputs[2];
  Onnx__ValueInfoProto *input_pointers[2];
  Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
  for (int i = 0; i < 2 && model->inputs[i].name; i++) {
    const graph_input_t *given = &model->inputs[i];
    for (int d = 0; d < given->nb_dims; d++) {
      Onnx__TensorShapeProto__Dimension dim = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
      dim.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      dim.dim_value = given->dims[d];
      dims[i][d] = dim;
      dim_pointers[i][d] = &dims[i][d];
    }
    Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
    shape.dim = dim_pointers[i];
    shape.n_dim = (size_t)given->nb_dims;
    shapes[i] = shape;
    Onnx__TypeProto__Tensor tensor_type = ONNX__TYPE_PROTO__TENSOR__INIT;
    tensor_type.has_elem_type = 1;
    tensor_type.elem_type = given->type ? given->type : ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tensor_type.shape = &shapes[i];
    tensor_types[i] = tensor_type;
    Onnx__TypeProto type = ONNX__TYPE_PROTO__INIT;
    type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type.tensor_type = &tensor_types[i];
    types[i] = type;
    Onnx__ValueInfoProto input = ONNX__VALUE_INFO_PROTO__INIT;
    input.name = (char *)given->name;
    input.type = &types[i];
    inputs[i] = input;
    input_pointers[i] = &inputs[i];
    graph.n_input++;
  }
  Onnx__NodeProto *nodes[4];
  Onnx__TensorProto *initializers[4];
  while (graph.n_node < 4 && model->nodes[graph.n_node]) {
    nodes[graph.n_node] = model->nodes[graph.n_node];
    graph.n_node++;
  }
  while (graph.n_initializer < 4 && model->initializers[graph.n_initializer]) {
    initializers[graph.n_initializer] = model->initializers[graph.n_initializer];
    graph.n_initializer++;
  }
  graph.node = nodes;
  graph.initializer = initializers;
  graph.input = input_pointers;
  Onnx__ValueInfoProto output = ONNX__VALUE_INFO_PROTO__INIT;
  output.name = "y";
  Onnx__ValueInfoProto *outputs[] = {&output};
  graph.output = outputs;
  graph.n_output = 1;

  Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  opset.domain = "";
  opset.has_version = 1;
  opset.version = 13;
  Onnx__OperatorSetIdProto *opsets[] = {&opset};
  Onnx__ModelProto proto = ONNX__MODEL_PROTO__INIT;
  proto.has_ir_version = 1;
  proto.ir_version = 8;
  proto.opset_import = opsets;
  proto.n_opset_import = 1;
  proto.graph = &graph;

  size_t size = onnx__model_proto__get_packed_size(&proto);
  uint8_t *bytes = malloc(size);
  onnx__model_proto__pack(&proto, bytes);
  trt_status_t status = trt_onnx_parse_memory(network, bytes, size, "mem.onnx");
  free(bytes);
  return status;
}

/* Imports and (when the import succeeds) builds `model`: the first failing
 * status, and whether the import itself failed. */
static trt_status_t import_and_build(const model_t *model, bool *import_failed) {
  trt_network_t *network = trt_network_create();
  trt_status_t status = import_model(model, network);
  *import_failed = status != TRT_STATUS_OK;
  if (status == TRT_STATUS_OK)
    status = build(network, NULL);
  trt_network_destroy(network);
  return status;
}

static const graph_input_t small_x = {"x", 0, 4, {1, 1, 8, 8}};

static void test_onnx_graph_input(void) {
  char *in[] = {"x"};
  Onnx__NodeProto relu = make_node("Relu", in, 1, NULL, 0);
  model_t model = {{{"x", 0, 2, {HUGE_DIM + 1, 4}}}, {&relu}, {NULL}};
  bool import_failed;
  CHECK(import_and_build(&model, &import_failed) != TRT_STATUS_OK);
  CHECK(import_failed);
  CHECK_ERROR_MENTIONS("'x'");
  /* Elements fit, bytes do not. */
  model.inputs[0] = (graph_input_t){"x", 0, 2, {HUGE_DIM, 4}};
  CHECK(import_and_build(&model, &import_failed) != TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("'x'");
  /* Countable but beyond the default per-tensor limit: the build says so. */
  model.inputs[0] = (graph_input_t){"x", 0, 2, {(int64_t)1 << 40, 4}};
  CHECK(import_and_build(&model, &import_failed) != TRT_STATUS_OK);
  CHECK(!import_failed);
  CHECK_ERROR_MENTIONS("max_tensor_bytes");
}

static void test_onnx_initializer_without_data(void) {
  int64_t dims[] = {(int64_t)1 << 40};
  Onnx__TensorProto weights = int64_tensor("w", NULL, 0, dims, 1);
  char *in[] = {"x", "w"};
  Onnx__NodeProto add = make_node("Add", in, 2, NULL, 0);
  model_t model = {{small_x}, {&add}, {&weights}};
  double start = seconds_now();
  bool import_failed;
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_PARSE_ERROR);
  CHECK(import_failed);
  CHECK_ERROR_MENTIONS("'w'");
  CHECK_ERROR_MENTIONS("int64_data");
  CHECK_BELOW(seconds_now() - start, 1.0); /* refused, not allocated and filled */

  /* Dims whose byte count overflows. */
  int64_t over[] = {HUGE_DIM, 4};
  weights = int64_tensor("w", NULL, 0, over, 2);
  CHECK(import_and_build(&model, &import_failed) != TRT_STATUS_OK);
  CHECK(import_failed);
}

static void test_onnx_conv(void) {
  const graph_input_t w = {"w", 0, 4, {1, 1, 3, 3}};
  char *in[] = {"x", "w"};
  bool import_failed;

  /* A dilation that overflows the dilated kernel. */
  int64_t dilations[] = {HUGE_DIM, HUGE_DIM};
  Onnx__AttributeProto dilation = ints_attribute("dilations", dilations, 2);
  Onnx__NodeProto conv = make_node("Conv", in, 2, (Onnx__AttributeProto *[]){&dilation}, 1);
  model_t model = {{small_x, w}, {&conv}, {NULL}};
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK(!import_failed);
  CHECK_ERROR_MENTIONS("too large");

  /* Pads that overflow the padded size. */
  int64_t pads[] = {INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX};
  Onnx__AttributeProto pad = ints_attribute("pads", pads, 4);
  conv = make_node("Conv", in, 2, (Onnx__AttributeProto *[]){&pad}, 1);
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("overflows");

  /* A huge kernel: the weights declare it (as a graph input, no data). */
  model.inputs[1] = (graph_input_t){"w", 0, 4, {1, 1, HUGE_DIM, 1}};
  conv = make_node("Conv", in, 2, NULL, 0);
  CHECK(import_and_build(&model, &import_failed) != TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("'w'");
  model.inputs[1] = w;

  /* Strides of 0 are refused, not taken as 1. */
  int64_t zero[] = {0, 1};
  Onnx__AttributeProto stride = ints_attribute("strides", zero, 2);
  conv = make_node("Conv", in, 2, (Onnx__AttributeProto *[]){&stride}, 1);
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_PARSE_ERROR);
  CHECK(import_failed);
  CHECK_ERROR_MENTIONS("strides");

  /* Pooling: a huge kernel with a huge dilation. */
  int64_t kernel[] = {3, 3};
  Onnx__AttributeProto kernel_shape = ints_attribute("kernel_shape", kernel, 2);
  char *x_only[] = {"x"};
  Onnx__NodeProto pool = make_node(
      "MaxPool", x_only, 1, (Onnx__AttributeProto *[]){&kernel_shape, &dilation}, 2);
  model_t pool_model = {{small_x}, {&pool}, {NULL}};
  CHECK(import_and_build(&pool_model, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("too large");
  int64_t negative[] = {-1, 1};
  stride = ints_attribute("strides", negative, 2);
  pool = make_node("MaxPool", x_only, 1, (Onnx__AttributeProto *[]){&kernel_shape, &stride}, 2);
  CHECK(import_and_build(&pool_model, &import_failed) == TRT_STATUS_PARSE_ERROR);
  CHECK_ERROR_MENTIONS("strides");
}

/* A node `op_type`(x, operand) whose int64 operand holds `values`. */
static trt_status_t run_shape_op(const char *op_type, int64_t *values, size_t count,
                                 bool *import_failed) {
  int64_t dims[] = {(int64_t)count};
  Onnx__TensorProto operand = int64_tensor("operand", values, count, dims, 1);
  char *in[] = {"x", "operand"};
  Onnx__NodeProto node = make_node(op_type, in, 2, NULL, 0);
  model_t model = {{small_x}, {&node}, {&operand}};
  return import_and_build(&model, import_failed);
}

static void test_onnx_shape_ops(void) {
  bool import_failed;
  int64_t reshape[] = {HUGE_DIM, HUGE_DIM, -1};
  CHECK(run_shape_op("Reshape", reshape, 3, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("operand");

  int64_t expand[] = {HUGE_DIM, 4, 8, 8};
  CHECK(run_shape_op("Expand", expand, 4, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("'y'");

  int64_t tile[] = {1, 1, INT64_MAX, 1};
  CHECK(run_shape_op("Tile", tile, 4, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("overflows");

  int64_t pads[] = {0, 0, INT64_MAX, 0, 0, 0, INT64_MAX, 0};
  CHECK(run_shape_op("Pad", pads, 8, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("overflow");

  /* A countable result beyond the limit: refused before anything is
   * allocated for it (ConstantOfShape would be folded into 4 TiB). */
  int64_t shape[] = {(int64_t)1 << 40, 4};
  Onnx__TensorProto operand = int64_tensor("shape", shape, 2, (int64_t[]){2}, 1);
  char *in[] = {"shape"};
  Onnx__NodeProto node = make_node("ConstantOfShape", in, 1, NULL, 0);
  model_t model = {{small_x}, {&node}, {&operand}};
  double start = seconds_now();
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_OUT_OF_MEMORY);
  CHECK_ERROR_MENTIONS("max_tensor_bytes");
  CHECK_BELOW(seconds_now() - start, 1.0);

  /* Resize: scales whose product does not fit. */
  Onnx__TensorProto roi = ONNX__TENSOR_PROTO__INIT;
  roi.name = "roi";
  roi.has_data_type = 1;
  roi.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  roi.dims = (int64_t[]){0};
  roi.n_dims = 1;
  float scale_values[] = {1.0f, 1.0f, 1e30f, 1.0f};
  Onnx__TensorProto scales = ONNX__TENSOR_PROTO__INIT;
  scales.name = "scales";
  scales.has_data_type = 1;
  scales.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  scales.dims = (int64_t[]){4};
  scales.n_dims = 1;
  scales.float_data = scale_values;
  scales.n_float_data = 4;
  char *resize_in[] = {"x", "roi", "scales"};
  node = make_node("Resize", resize_in, 3, NULL, 0);
  model = (model_t){{small_x}, {&node}, {&roi, &scales}};
  CHECK(import_and_build(&model, &import_failed) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("too large");
}

/* ---- Caffe ----------------------------------------------------------------- */

static trt_status_t parse_caffe(const char *text) {
  trt_network_t *network = trt_network_create();
  trt_status_t status =
      trt_caffe_parse_memory(network, text, strlen(text), NULL, 0, NULL, "mem.prototxt");
  if (status == TRT_STATUS_OK)
    status = build(network, NULL);
  trt_network_destroy(network);
  return status;
}

static void test_caffe(void) {
  CHECK(parse_caffe("name: 'n'\n"
                    "input: 'data'\n"
                    "input_shape { dim: 4611686018427387905 dim: 4 }\n"
                    "layer { name: 'relu' type: 'ReLU' bottom: 'data' top: 'out' }\n") !=
        TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("'data'");
  /* Random weights for a convolution with a huge kernel: counted first. */
  double start = seconds_now();
  CHECK(parse_caffe("name: 'n'\n"
                    "input: 'data'\n"
                    "input_shape { dim: 1 dim: 1 dim: 8 dim: 8 }\n"
                    "layer { name: 'conv' type: 'Convolution' bottom: 'data' top: 'out'\n"
                    "  convolution_param { num_output: 1000000 kernel_size: 100000 } }\n") !=
        TRT_STATUS_OK);
  CHECK_ERROR_MENTIONS("conv");
  CHECK_BELOW(seconds_now() - start, 1.0);
}

/* ---- GatherElements, strides, 0-sized inputs ----------------------------- */

static void test_gather_elements(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t data_dims = trt_dims_make(2, (int64_t[]){2, 3});
  int data = trt_network_add_input(network, "data", TRT_DATA_TYPE_FLOAT32, &data_dims);
  int64_t index_values[8] = {0};
  trt_dims_t index_dims = trt_dims_make(2, (int64_t[]){2, 4});
  int indices = trt_network_add_constant(network, "indices", TRT_DATA_TYPE_INT64, &index_dims,
                                         index_values);
  trt_gather_params_t params = {.axis = 0};
  int layer = trt_network_add_layer(network, TRT_LAYER_GATHER_ELEMENTS, "gather",
                                    (int[]){data, indices}, 2, NULL, 1, &params);
  CHECK(layer >= 0);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("axis 1");
  trt_network_destroy(network);

  /* Smaller off the axis, larger along it: fine. */
  network = trt_network_create();
  data = trt_network_add_input(network, "data", TRT_DATA_TYPE_FLOAT32, &data_dims);
  index_dims = trt_dims_make(2, (int64_t[]){4, 2});
  indices = trt_network_add_constant(network, "indices", TRT_DATA_TYPE_INT64, &index_dims,
                                     index_values);
  layer = trt_network_add_layer(network, TRT_LAYER_GATHER_ELEMENTS, "gather",
                                (int[]){data, indices}, 2, NULL, 1, &params);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  CHECK_OK(trt_network_infer_shapes(network));
  trt_network_destroy(network);
}

static void test_negative_stride(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(4, (int64_t[]){1, 1, 8, 8});
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  trt_pooling_params_t params = {.kind = TRT_POOLING_MAX, .nb_spatial = 2, .kernel = {2, 2},
                                 .stride = {-1, 2}};
  int layer = trt_network_add_layer(network, TRT_LAYER_POOLING, "pool", &x, 1, NULL, 1, &params);
  CHECK_OK(trt_network_mark_output(network, trt_network_layer_output(network, layer, 0)));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK_ERROR_MENTIONS("stride");
  trt_network_destroy(network);
}

static void test_empty_input(void) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(2, (int64_t[]){0, 3});
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  int y = add_relu(network, "relu1", add_relu(network, "relu0", x));
  CHECK_OK(trt_network_mark_output(network, y));
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_build(network, &config, &engine));
  if (engine) {
    trt_context_t *context = NULL;
    CHECK_OK(trt_context_create(engine, &context));
    float in[1], out[1];
    void *bindings[] = {in, out};
    if (context)
      CHECK_OK(trt_context_execute(context, 1, bindings));
    trt_context_destroy(context);
  }
  trt_engine_destroy(engine);
  trt_network_destroy(network);
}

/* ---- the limits --------------------------------------------------------------- */

static void test_limits(void) {
  size_t tensor = trt_limit_default_tensor_bytes(), engine = trt_limit_default_engine_bytes();
  printf("default limits: %zu bytes per tensor, %zu per engine\n", tensor, engine);
  CHECK(tensor > 0 && tensor <= TRT_LIMIT_TENSOR_CEILING);
  CHECK(engine > 0 && engine <= TRT_LIMIT_ENGINE_CEILING);
  CHECK(trt_limit_tensor_bytes(0) == tensor && trt_limit_tensor_bytes(7) == 7);

  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(2, (int64_t[]){1, 1024});
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  CHECK_OK(trt_network_mark_output(network, add_relu(network, "relu", x)));
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  CHECK(config.max_tensor_bytes == 0 && config.max_engine_bytes == 0);
  CHECK_OK(build(network, &config));
  config.max_tensor_bytes = 4095;
  CHECK(build(network, &config) == TRT_STATUS_OUT_OF_MEMORY);
  CHECK_ERROR_MENTIONS("'x'");
  CHECK_ERROR_MENTIONS("max_tensor_bytes");
  CHECK_ERROR_MENTIONS("4095");
  config.max_tensor_bytes = 4096;
  CHECK_OK(build(network, &config));
  config.max_engine_bytes = 8191; /* input and output: 8192 */
  CHECK(build(network, &config) == TRT_STATUS_OUT_OF_MEMORY);
  CHECK_ERROR_MENTIONS("max_engine_bytes");
  config.max_engine_bytes = 8192;
  CHECK_OK(build(network, &config));
  trt_network_destroy(network);
}

/* ---- lookup by name -------------------------------------------------------- */

static void test_long_chain(void) {
  enum { LAYERS = 40000 };
  double start = seconds_now();
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(2, (int64_t[]){1, 4});
  int tensor = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims);
  char name[32];
  for (int l = 0; l < LAYERS && tensor >= 0; l++) {
    snprintf(name, sizeof(name), "relu%d", l);
    tensor = add_relu(network, name, tensor);
  }
  CHECK(tensor >= 0);
  CHECK_OK(trt_network_mark_output(network, tensor));
  double built = seconds_now();
  /* Every name found, a duplicate refused, an unknown one missed. */
  for (int l = 0; l < LAYERS; l += 997) {
    snprintf(name, sizeof(name), "relu%d:0", l);
    CHECK(trt_network_find_tensor(network, name) == l + 1);
  }
  CHECK(trt_network_add_input(network, "relu5:0", TRT_DATA_TYPE_FLOAT32, &dims) < 0);
  CHECK(trt_network_find_tensor(network, "relu40000:0") < 0);
  trt_network_t *copy = trt_network_clone(network);
  CHECK(copy && trt_network_find_tensor(copy, "relu123:0") == 124);
  trt_network_destroy(copy);
  double looked_up = seconds_now();
  /* The engine too: the optimizer's queries were scans, quadratic in layers. */
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_build(network, &config, &engine));
  double engine_built = seconds_now();
  printf("40000-layer chain: network %.3f s, lookups and clone %.3f s, engine %.3f s (%d layers "
         "after fusion)\n",
         built - start, looked_up - built, engine_built - looked_up,
         engine ? trt_engine_num_layers(engine) : -1);
  /* The target is under 2 s for each; the bounds are loose so that a loaded
   * machine (or a sanitizer build, which also checks every optimizer query
   * against a scan) does not fail the test. */
  CHECK_BELOW(built - start, 10.0);
  trt_engine_destroy(engine);
  trt_network_destroy(network);
}

int main(void) {
  test_volume();
  test_api_dims();
  test_batch_overflow();
  test_onnx_graph_input();
  test_onnx_initializer_without_data();
  test_onnx_conv();
  test_onnx_shape_ops();
  test_caffe();
  test_gather_elements();
  test_negative_stride();
  test_empty_input();
  test_limits();
  test_long_chain();
  return test_finish("test_limits");
}
