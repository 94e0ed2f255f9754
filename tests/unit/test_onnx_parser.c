/* ONNX import: the committed models in tests/data/onnx (made by
 * tests/data/make_onnx_models.py) and small models built here with the
 * generated protobuf-c structs to reach opset variants and error paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "onnx/onnx_internal.h" /* trt_onnx_read_tensor */
#include "test_util.h"

#define CHECK_ERROR(status, expected_status, text)                                                 \
  do {                                                                                             \
    CHECK((status) == (expected_status));                                                          \
    if (!strstr(trt_last_error(), (text))) {                                                       \
      fprintf(stderr, "%s:%d: error '%s' lacks '%s'\n", __FILE__, __LINE__, trt_last_error(),      \
              (text));                                                                             \
      test_failures++;                                                                             \
    }                                                                                              \
  } while (0)

static char *data_path(const char *name) {
  const char *root = getenv("TRT_TEST_DATA");
  static char path[4096];
  snprintf(path, sizeof(path), "%s/onnx/%s", root ? root : "tests/data", name);
  return path;
}

static trt_network_t *parse_file(const char *name, trt_status_t *status) {
  trt_network_t *network = trt_network_create();
  *status = trt_onnx_parse(network, data_path(name));
  return network;
}

static int find_layer(const trt_network_t *network, const char *name) {
  for (int i = 0; i < trt_network_num_layers(network); i++)
    if (strcmp(trt_network_layer_name(network, i), name) == 0)
      return i;
  return -1;
}

static const char *layer_input_name(const trt_network_t *network, int layer, int index) {
  int tensor = trt_network_layer_input(network, layer, index);
  return tensor < 0 ? "" : trt_network_tensor_name(network, tensor);
}

static bool dims_are(const trt_dims_t dims, int nb_dims, const int64_t *expected) {
  trt_dims_t want = trt_dims_make(nb_dims, expected);
  return trt_dims_equal(&dims, &want);
}

/* ---- committed models ---------------------------------------------------- */

static void test_conv_relu_pool(void) {
  trt_status_t status;
  trt_network_t *network = parse_file("conv_relu_pool.onnx", &status);
  CHECK_OK(status);
  CHECK(trt_network_num_inputs(network) == 1);
  CHECK(trt_network_num_outputs(network) == 1);
  CHECK(trt_network_num_layers(network) == 3);
  int input = trt_network_find_tensor(network, "input");
  CHECK(input >= 0 && trt_network_input(network, 0) == input);
  CHECK(trt_network_tensor_type(network, input) == TRT_DATA_TYPE_FLOAT32);
  CHECK(dims_are(trt_network_tensor_dims(network, input), 4, (int64_t[]){-1, 3, 8, 8}));

  int weight = trt_network_find_tensor(network, "conv1.weight");
  int bias = trt_network_find_tensor(network, "conv1.bias");
  CHECK(weight >= 0 && trt_network_tensor_data(network, weight) != NULL);
  CHECK(dims_are(trt_network_tensor_dims(network, weight), 4, (int64_t[]){4, 3, 3, 3}));
  const float *bias_data = trt_network_tensor_data(network, bias);
  CHECK(bias_data && bias_data[0] == 0.0f && bias_data[3] == 0.75f);

  int conv = find_layer(network, "conv1");
  CHECK(conv == 0);
  CHECK(trt_network_layer_type(network, conv) == TRT_LAYER_CONVOLUTION);
  CHECK(trt_network_layer_num_inputs(network, conv) == 3);
  CHECK(trt_network_layer_input(network, conv, 0) == input);
  CHECK(trt_network_layer_input(network, conv, 1) == weight);
  CHECK(trt_network_layer_input(network, conv, 2) == bias);
  const trt_convolution_params_t *cp = trt_network_layer_params(network, conv);
  CHECK(cp->nb_spatial == 2 && cp->kernel[0] == 3 && cp->kernel[1] == 3);
  CHECK(cp->stride[0] == 1 && cp->dilation[1] == 1 && cp->group == 1);
  CHECK(cp->pad_begin[0] == 1 && cp->pad_end[1] == 1 && cp->auto_pad == TRT_AUTO_PAD_NOTSET);
  CHECK(cp->activation.kind == TRT_ACTIVATION_NONE);

  int relu = find_layer(network, "relu1");
  CHECK(trt_network_layer_type(network, relu) == TRT_LAYER_UNARY);
  CHECK(((const trt_unary_params_t *)trt_network_layer_params(network, relu))->op.kind ==
        TRT_ACTIVATION_RELU);
  CHECK(strcmp(layer_input_name(network, relu, 0), "conv1_out") == 0);

  int pool = find_layer(network, "pool1");
  const trt_pooling_params_t *pp = trt_network_layer_params(network, pool);
  CHECK(trt_network_layer_type(network, pool) == TRT_LAYER_POOLING);
  CHECK(pp->kind == TRT_POOLING_MAX && !pp->global && pp->nb_spatial == 2);
  CHECK(pp->kernel[0] == 2 && pp->stride[1] == 2 && pp->pad_begin[0] == 0 && !pp->ceil_mode);
  int output = trt_network_output(network, 0);
  CHECK(strcmp(trt_network_tensor_name(network, output), "output") == 0);
  CHECK(trt_network_layer_output(network, pool, 0) == output);
  trt_network_destroy(network);
}

static void test_shape_subgraph(void) {
  trt_status_t status;
  trt_network_t *network = parse_file("shape_subgraph.onnx", &status);
  CHECK_OK(status);
  CHECK(trt_network_num_layers(network) == 5);
  static const trt_layer_type_t expected[] = {TRT_LAYER_SHAPE, TRT_LAYER_GATHER, TRT_LAYER_RESHAPE,
                                              TRT_LAYER_CONCAT, TRT_LAYER_RESHAPE};
  for (int i = 0; i < 5 && i < trt_network_num_layers(network); i++)
    CHECK(trt_network_layer_type(network, i) == expected[i]);

  const trt_shape_params_t *shape = trt_network_layer_params(network, find_layer(network, "shape"));
  CHECK(shape->start == 0 && shape->end == INT64_MAX);

  /* The Constant node became a scalar int64 constant named after its output. */
  int index0 = trt_network_find_tensor(network, "index0");
  CHECK(trt_network_tensor_dims(network, index0).nb_dims == 0);
  CHECK(trt_network_tensor_type(network, index0) == TRT_DATA_TYPE_INT64);
  const int64_t *index_data = trt_network_tensor_data(network, index0);
  CHECK(index_data && index_data[0] == 0);

  int unsqueeze = find_layer(network, "unsqueeze");
  const trt_reshape_params_t *up = trt_network_layer_params(network, unsqueeze);
  CHECK(up->mode == TRT_RESHAPE_UNSQUEEZE && up->nb_axes == 0);
  CHECK(trt_network_layer_num_inputs(network, unsqueeze) == 2);
  CHECK(strcmp(layer_input_name(network, unsqueeze, 1), "unsqueeze_axes") == 0);

  int concat = find_layer(network, "concat");
  CHECK(((const trt_concat_params_t *)trt_network_layer_params(network, concat))->axis == 0);

  /* The shape operand stays an input for shape inference to fold. */
  int reshape = find_layer(network, "reshape");
  const trt_reshape_params_t *rp = trt_network_layer_params(network, reshape);
  CHECK(rp->mode == TRT_RESHAPE_FROM_TENSOR && !rp->allow_zero);
  CHECK(strcmp(layer_input_name(network, reshape, 1), "new_shape") == 0);
  CHECK(trt_network_tensor_data(network, trt_network_layer_input(network, reshape, 1)) == NULL);
  trt_network_destroy(network);
}

static void test_constants(void) {
  trt_status_t status;
  trt_network_t *network = parse_file("constants.onnx", &status);
  CHECK_OK(status);
  const float *raw = trt_network_tensor_data(network, trt_network_find_tensor(network, "w_raw"));
  const float *typed =
      trt_network_tensor_data(network, trt_network_find_tensor(network, "w_float"));
  CHECK(raw && raw[0] == 0.0f && raw[5] == 2.5f);
  CHECK(typed && typed[0] == 1.0f && typed[5] == -3.0f);

  int c_tensor = trt_network_find_tensor(network, "c_tensor");
  const float *c_data = trt_network_tensor_data(network, c_tensor);
  CHECK(dims_are(trt_network_tensor_dims(network, c_tensor), 1, (int64_t[]){3}));
  CHECK(c_data && c_data[0] == 1.0f && c_data[2] == 3.0f);
  int c_float = trt_network_find_tensor(network, "c_float");
  CHECK(trt_network_tensor_dims(network, c_float).nb_dims == 0);
  CHECK(*(const float *)trt_network_tensor_data(network, c_float) == 0.5f);
  int c_ints = trt_network_find_tensor(network, "c_ints");
  const int64_t *ints = trt_network_tensor_data(network, c_ints);
  CHECK(trt_network_tensor_type(network, c_ints) == TRT_DATA_TYPE_INT64);
  CHECK(ints && ints[0] == 1 && ints[1] == 2);

  int i64 = trt_network_find_tensor(network, "i64");
  const int64_t *wide = trt_network_tensor_data(network, i64);
  CHECK(wide && wide[0] == -1 && wide[2] == (int64_t)1 << 40);
  int h16 = trt_network_find_tensor(network, "h16");
  const uint16_t *halves = trt_network_tensor_data(network, h16);
  CHECK(trt_network_tensor_type(network, h16) == TRT_DATA_TYPE_FLOAT16);
  CHECK(halves && halves[0] == 0x3C00 && halves[1] == 0xC000);
  int clip_max = trt_network_find_tensor(network, "clip_max");
  CHECK(trt_network_tensor_type(network, clip_max) == TRT_DATA_TYPE_FLOAT64);

  /* Clip 11+: constant min/max inputs become the activation's bounds. */
  int clip = find_layer(network, "clip");
  const trt_unary_params_t *up = trt_network_layer_params(network, clip);
  CHECK(up->op.kind == TRT_ACTIVATION_CLIP && up->op.alpha == -4.0f && up->op.beta == 6.0f);
  CHECK(trt_network_layer_num_inputs(network, clip) == 1);
  int mul = find_layer(network, "mul_float");
  CHECK(((const trt_elementwise_params_t *)trt_network_layer_params(network, mul))->kind ==
        TRT_ELEMENTWISE_MUL);
  CHECK(trt_network_layer_input(network, mul, 1) == trt_network_find_tensor(network, "w_float"));
  trt_network_destroy(network);
}

static void test_bad_files(void) {
  trt_status_t status;
  trt_network_t *network = parse_file("unsupported_op.onnx", &status);
  CHECK_ERROR(status, TRT_STATUS_UNSUPPORTED,
              "unsupported_op.onnx: node 'nz' (NonZero): unsupported operator");
  trt_network_destroy(network);

  network = parse_file("truncated.onnx", &status);
  CHECK_ERROR(status, TRT_STATUS_PARSE_ERROR, "truncated.onnx: not a valid ONNX model");
  trt_network_destroy(network);

  network = parse_file("no_such_model.onnx", &status);
  CHECK_ERROR(status, TRT_STATUS_IO_ERROR, "no_such_model.onnx");
  trt_network_destroy(network);

  network = trt_network_create();
  CHECK_ERROR(trt_onnx_parse_memory(network, "", 0, "empty.onnx"), TRT_STATUS_PARSE_ERROR,
              "empty.onnx: the model has no graph");
  CHECK(trt_onnx_parse(NULL, "x.onnx") == TRT_STATUS_INVALID_ARGUMENT);
  trt_network_destroy(network);
}

/* ---- models built in memory ---------------------------------------------- */

#define STRINGS(...) (char *[]){__VA_ARGS__}, sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)
#define ATTRIBUTES(...)                                                                            \
  (Onnx__AttributeProto *[]){__VA_ARGS__},                                                         \
      sizeof((Onnx__AttributeProto *[]){__VA_ARGS__}) / sizeof(Onnx__AttributeProto *)
#define NO_ATTRIBUTES NULL, 0

static Onnx__NodeProto make_node(const char *op_type, const char *name, char **inputs,
                                 size_t nb_inputs, char **outputs, size_t nb_outputs,
                                 Onnx__AttributeProto **attributes, size_t nb_attributes) {
  Onnx__NodeProto node = ONNX__NODE_PROTO__INIT;
  node.op_type = (char *)op_type;
  node.name = (char *)name;
  node.input = inputs;
  node.n_input = nb_inputs;
  node.output = outputs;
  node.n_output = nb_outputs;
  node.attribute = attributes;
  node.n_attribute = nb_attributes;
  return node;
}

static Onnx__AttributeProto int_attribute(const char *name, int64_t value) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
  attribute.has_i = 1;
  attribute.i = value;
  return attribute;
}

static Onnx__AttributeProto float_attribute(const char *name, float value) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
  attribute.has_f = 1;
  attribute.f = value;
  return attribute;
}

static Onnx__AttributeProto ints_attribute(const char *name, int64_t *values, size_t count) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
  attribute.ints = values;
  attribute.n_ints = count;
  return attribute;
}

static Onnx__AttributeProto floats_attribute(const char *name, float *values, size_t count) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
  attribute.floats = values;
  attribute.n_floats = count;
  return attribute;
}

static Onnx__AttributeProto string_attribute(const char *name, const char *value) {
  Onnx__AttributeProto attribute = ONNX__ATTRIBUTE_PROTO__INIT;
  attribute.name = (char *)name;
  attribute.has_type = 1;
  attribute.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
  attribute.has_s = 1;
  attribute.s.data = (uint8_t *)value;
  attribute.s.len = strlen(value);
  return attribute;
}

/* A 1-D int64 initializer (int64_data). */
static Onnx__TensorProto int64_tensor(const char *name, int64_t *values, size_t count,
                                      int64_t *dims) {
  Onnx__TensorProto tensor = ONNX__TENSOR_PROTO__INIT;
  tensor.name = (char *)name;
  tensor.has_data_type = 1;
  tensor.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
  dims[0] = (int64_t)count;
  tensor.dims = dims;
  tensor.n_dims = 1;
  tensor.int64_data = values;
  tensor.n_int64_data = count;
  return tensor;
}

typedef struct {
  int64_t opset;
  Onnx__NodeProto *nodes[4];
  Onnx__TensorProto *initializers[4];
  int32_t input_type; /* of graph input "x" [1, 2, 4, 4]; 0 means FLOAT */
  const char *output; /* graph output; the last node's first output when NULL */
} model_t;

/* Packs `model` and imports it as "mem.onnx" into a new network. */
static trt_network_t *import_model(const model_t *model, trt_status_t *status) {
  Onnx__TensorShapeProto__Dimension dims[4];
  Onnx__TensorShapeProto__Dimension *dim_pointers[4];
  for (int i = 0; i < 4; i++) {
    Onnx__TensorShapeProto__Dimension dim = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
    dim.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    dim.dim_value = i == 0 ? 1 : i == 1 ? 2 : 4;
    dims[i] = dim;
    dim_pointers[i] = &dims[i];
  }
  Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  shape.dim = dim_pointers;
  shape.n_dim = 4;
  Onnx__TypeProto__Tensor tensor_type = ONNX__TYPE_PROTO__TENSOR__INIT;
  tensor_type.has_elem_type = 1;
  tensor_type.elem_type =
      model->input_type ? model->input_type : ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tensor_type.shape = &shape;
  Onnx__TypeProto type = ONNX__TYPE_PROTO__INIT;
  type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type.tensor_type = &tensor_type;
  Onnx__ValueInfoProto input = ONNX__VALUE_INFO_PROTO__INIT;
  input.name = "x";
  input.type = &type;
  Onnx__ValueInfoProto *inputs[] = {&input};

  Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
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
  graph.input = inputs;
  graph.n_input = 1;
  Onnx__ValueInfoProto output = ONNX__VALUE_INFO_PROTO__INIT;
  output.name = (char *)(model->output ? model->output : nodes[graph.n_node - 1]->output[0]);
  Onnx__ValueInfoProto *outputs[] = {&output};
  graph.output = outputs;
  graph.n_output = 1;

  Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  opset.domain = "";
  opset.has_version = 1;
  opset.version = model->opset;
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
  trt_network_t *network = trt_network_create();
  *status = trt_onnx_parse_memory(network, bytes, size, "mem.onnx");
  free(bytes);
  return network;
}

/* Imports `model`, expecting failure with `expected` and `text`. */
#define CHECK_IMPORT_FAILS(model, expected, text)                                                  \
  do {                                                                                             \
    trt_status_t import_status_;                                                                   \
    trt_network_t *failed_ = import_model((model), &import_status_);                               \
    CHECK_ERROR(import_status_, (expected), (text));                                               \
    trt_network_destroy(failed_);                                                                  \
  } while (0)

static void test_errors(void) {
  /* An unnamed node is named by its first output. */
  Onnx__NodeProto unknown =
      make_node("Frobnicate", "", STRINGS("x"), STRINGS("frob_out"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&unknown}}), TRT_STATUS_UNSUPPORTED,
                     "mem.onnx: node 'frob_out' (Frobnicate): unsupported operator");

  Onnx__NodeProto relu = make_node("Relu", "r", STRINGS("x"), STRINGS("y"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 0, .nodes = {&relu}}), TRT_STATUS_UNSUPPORTED,
                     "mem.onnx: the model imports no version of the default ONNX domain "
                     "(opsets 1 to 17 are supported)");
  CHECK_IMPORT_FAILS(&((model_t){.opset = 18, .nodes = {&relu}}), TRT_STATUS_UNSUPPORTED,
                     "opset 18");
  CHECK_IMPORT_FAILS(
      &((model_t){
          .opset = 13, .nodes = {&relu}, .input_type = ONNX__TENSOR_PROTO__DATA_TYPE__STRING}),
      TRT_STATUS_UNSUPPORTED, "mem.onnx: input 'x' has data type STRING, which is not supported");
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&relu}, .output = "nowhere"}),
                     TRT_STATUS_PARSE_ERROR, "graph output 'nowhere' is not produced by any node");

  Onnx__NodeProto missing = make_node("Relu", "r", STRINGS("nope"), STRINGS("y"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&missing}}), TRT_STATUS_PARSE_ERROR,
                     "mem.onnx: node 'r' (Relu): input 'nope' is not a graph input");

  Onnx__AttributeProto float_axis = float_attribute("axis", 1.0f);
  Onnx__NodeProto softmax =
      make_node("Softmax", "sm", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&float_axis));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&softmax}}), TRT_STATUS_PARSE_ERROR,
                     "node 'sm' (Softmax): attribute 'axis' has type FLOAT, expected INT");

  Onnx__AttributeProto fmod_two = int_attribute("fmod", 2);
  Onnx__NodeProto mod =
      make_node("Mod", "mod", STRINGS("x", "x"), STRINGS("y"), ATTRIBUTES(&fmod_two));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&mod}}), TRT_STATUS_PARSE_ERROR,
                     "node 'mod' (Mod): Mod: fmod is 2, not 0 or 1");

  Onnx__NodeProto add = make_node("Add", "add", STRINGS("x"), STRINGS("y"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&add}}), TRT_STATUS_PARSE_ERROR,
                     "node 'add' (Add): expected 2 input(s), got 1");

  Onnx__AttributeProto bogus = string_attribute("mode", "bogus");
  int64_t size_dims[1];
  Onnx__TensorProto sizes = int64_tensor("sizes", (int64_t[]){1, 2, 8, 8}, 4, size_dims);
  Onnx__NodeProto resize =
      make_node("Resize", "rs", STRINGS("x", "", "", "sizes"), STRINGS("y"), ATTRIBUTES(&bogus));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&resize}, .initializers = {&sizes}}),
                     TRT_STATUS_UNSUPPORTED,
                     "node 'rs' (Resize): attribute 'mode' has unsupported value 'bogus'");

  Onnx__NodeProto dropout =
      make_node("Dropout", "drop", STRINGS("x"), STRINGS("y", "mask"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&dropout}, .output = "mask"}),
                     TRT_STATUS_UNSUPPORTED,
                     "node 'drop' (Dropout): output 1 ('mask', mask) is not supported");

  Onnx__AttributeProto kernel = ints_attribute("kernel_shape", (int64_t[]){2, 2}, 2);
  Onnx__NodeProto pool =
      make_node("MaxPool", "mp", STRINGS("x"), STRINGS("y", "indices"), ATTRIBUTES(&kernel));
  Onnx__NodeProto consumer =
      make_node("Identity", "id", STRINGS("indices"), STRINGS("z"), NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 12, .nodes = {&pool, &consumer}}), TRT_STATUS_UNSUPPORTED,
                     "node 'mp' (MaxPool): output 1 ('indices', Indices) is not supported");
  Onnx__AttributeProto three_pads = ints_attribute("pads", (int64_t[]){1, 1, 1}, 3);
  Onnx__NodeProto bad_pads =
      make_node("AveragePool", "ap", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&kernel, &three_pads));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 12, .nodes = {&bad_pads}}), TRT_STATUS_PARSE_ERROR,
                     "node 'ap' (AveragePool): attribute 'pads' has 3 values, expected 4");

  /* Clip 11+ bounds that are not constants (here min is the graph input)
   * become a Max layer; constant ones stay in the unary layer. */
  Onnx__NodeProto clip = make_node("Clip", "clip", STRINGS("x", "x"), STRINGS("y"), NO_ATTRIBUTES);
  trt_status_t clip_status;
  trt_network_t *clip_network = import_model(&((model_t){.opset = 11, .nodes = {&clip}}),
                                             &clip_status);
  CHECK_OK(clip_status);
  CHECK(trt_network_layer_type(clip_network, 0) == TRT_LAYER_ELEMENTWISE);
  CHECK(((const trt_elementwise_params_t *)trt_network_layer_params(clip_network, 0))->kind ==
        TRT_ELEMENTWISE_MAX);
  trt_network_destroy(clip_network);

  Onnx__NodeProto custom = make_node("Relu", "custom", STRINGS("x"), STRINGS("y"), NO_ATTRIBUTES);
  custom.domain = "com.example";
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&custom}}), TRT_STATUS_UNSUPPORTED,
                     "node 'custom' (Relu): unsupported operator (domain 'com.example')");

  /* Weights stored outside the model are not read. */
  Onnx__StringStringEntryProto location = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
  location.key = "location";
  location.value = "weights.bin";
  Onnx__StringStringEntryProto *entries[] = {&location};
  Onnx__TensorProto external = ONNX__TENSOR_PROTO__INIT;
  external.name = "w";
  external.has_data_type = 1;
  external.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  external.has_data_location = 1;
  external.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  external.external_data = entries;
  external.n_external_data = 1;
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&relu}, .initializers = {&external}}),
                     TRT_STATUS_UNSUPPORTED,
                     "mem.onnx: initializer 'w': external data unsupported");

  Onnx__TensorProto short_raw = ONNX__TENSOR_PROTO__INIT;
  short_raw.name = "w";
  short_raw.has_data_type = 1;
  short_raw.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  short_raw.dims = (int64_t[]){3};
  short_raw.n_dims = 1;
  short_raw.has_raw_data = 1;
  short_raw.raw_data.data = (uint8_t *)"12345678";
  short_raw.raw_data.len = 8;
  CHECK_IMPORT_FAILS(&((model_t){.opset = 13, .nodes = {&relu}, .initializers = {&short_raw}}),
                     TRT_STATUS_PARSE_ERROR,
                     "initializer 'w' has 8 bytes of raw_data, expected 12");
}

/* The same op in different opsets: attributes before, inputs after. */
static void test_opset_variants(void) {
  trt_status_t status;
  trt_network_t *network;

  Onnx__NodeProto softmax = make_node("Softmax", "sm", STRINGS("x"), STRINGS("y"), NO_ATTRIBUTES);
  network = import_model(&((model_t){.opset = 11, .nodes = {&softmax}}), &status);
  CHECK_OK(status);
  const trt_softmax_params_t *sp = trt_network_layer_params(network, 0);
  CHECK(sp->coerce_2d && sp->axis == 1 && !sp->log);
  trt_network_destroy(network);
  network = import_model(&((model_t){.opset = 13, .nodes = {&softmax}}), &status);
  sp = trt_network_layer_params(network, 0);
  CHECK(status == TRT_STATUS_OK && !sp->coerce_2d && sp->axis == -1);
  trt_network_destroy(network);

  /* Slice-9 attributes become int64 constant inputs. */
  Onnx__AttributeProto starts = ints_attribute("starts", (int64_t[]){1}, 1);
  Onnx__AttributeProto ends = ints_attribute("ends", (int64_t[]){3}, 1);
  Onnx__AttributeProto axes = ints_attribute("axes", (int64_t[]){2}, 1);
  Onnx__NodeProto slice =
      make_node("Slice", "sl", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&starts, &ends, &axes));
  network = import_model(&((model_t){.opset = 9, .nodes = {&slice}}), &status);
  CHECK_OK(status);
  CHECK(trt_network_layer_type(network, 0) == TRT_LAYER_SLICE);
  CHECK(trt_network_layer_num_inputs(network, 0) == 4);
  const int64_t *starts_data =
      trt_network_tensor_data(network, trt_network_layer_input(network, 0, 1));
  const int64_t *axes_data =
      trt_network_tensor_data(network, trt_network_layer_input(network, 0, 3));
  CHECK(starts_data && starts_data[0] == 1 && axes_data && axes_data[0] == 2);
  CHECK(strcmp(layer_input_name(network, 0, 2), "sl/ends") == 0);
  trt_network_destroy(network);

  /* Split: sizes attribute before 13, input since. */
  Onnx__AttributeProto split_sizes = ints_attribute("split", (int64_t[]){1, 1}, 2);
  Onnx__AttributeProto axis1 = int_attribute("axis", 1);
  Onnx__NodeProto split11 =
      make_node("Split", "sp", STRINGS("x"), STRINGS("a", "b"), ATTRIBUTES(&split_sizes, &axis1));
  network = import_model(&((model_t){.opset = 11, .nodes = {&split11}, .output = "b"}), &status);
  CHECK_OK(status);
  const trt_split_params_t *splitp = trt_network_layer_params(network, 0);
  CHECK(splitp->axis == 1 && splitp->nb_outputs == 2 && splitp->nb_sizes == 2);
  CHECK(splitp->sizes[0] == 1 && trt_network_layer_num_outputs(network, 0) == 2);
  CHECK(strcmp(trt_network_tensor_name(network, trt_network_layer_output(network, 0, 1)), "b") ==
        0);
  trt_network_destroy(network);
  int64_t split_dims[1];
  Onnx__TensorProto split_tensor = int64_tensor("split", (int64_t[]){1, 1}, 2, split_dims);
  Onnx__NodeProto split13 =
      make_node("Split", "sp", STRINGS("x", "split"), STRINGS("a", "b"), ATTRIBUTES(&axis1));
  network = import_model(
      &((model_t){
          .opset = 13, .nodes = {&split13}, .initializers = {&split_tensor}, .output = "a"}),
      &status);
  CHECK_OK(status);
  splitp = trt_network_layer_params(network, 0);
  CHECK(splitp->nb_sizes == 0 && trt_network_layer_num_inputs(network, 0) == 2);
  trt_network_destroy(network);

  /* Pad-2 attributes land in the params. */
  Onnx__AttributeProto pads = ints_attribute("pads", (int64_t[]){0, 0, 1, 1, 0, 0, 1, 1}, 8);
  Onnx__AttributeProto reflect = string_attribute("mode", "reflect");
  Onnx__NodeProto pad =
      make_node("Pad", "pad", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&pads, &reflect));
  network = import_model(&((model_t){.opset = 10, .nodes = {&pad}}), &status);
  CHECK_OK(status);
  const trt_pad_params_t *padp = trt_network_layer_params(network, 0);
  CHECK(padp->mode == TRT_PAD_REFLECT && padp->nb_pads == 8 && padp->pads[2] == 1);
  CHECK(trt_network_layer_num_inputs(network, 0) == 1);
  trt_network_destroy(network);

  /* Upsample-7: scales attribute; Upsample-9: scales input, passed as input 2. */
  Onnx__AttributeProto scales = floats_attribute("scales", (float[]){1, 1, 2, 2}, 4);
  Onnx__NodeProto upsample7 =
      make_node("Upsample", "up", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&scales));
  network = import_model(&((model_t){.opset = 7, .nodes = {&upsample7}}), &status);
  CHECK_OK(status);
  const trt_resize_params_t *rp = trt_network_layer_params(network, 0);
  CHECK(rp->nb_scales == 4 && rp->scales[3] == 2.0f && rp->mode == TRT_RESIZE_NEAREST);
  CHECK(rp->coord == TRT_RESIZE_COORD_ASYMMETRIC && rp->nearest == TRT_RESIZE_FLOOR);
  trt_network_destroy(network);
  Onnx__AttributeProto linear = string_attribute("mode", "linear");
  Onnx__NodeProto upsample9 =
      make_node("Upsample", "up", STRINGS("x", "x"), STRINGS("y"), ATTRIBUTES(&linear));
  network = import_model(&((model_t){.opset = 9, .nodes = {&upsample9}}), &status);
  CHECK_OK(status);
  rp = trt_network_layer_params(network, 0);
  CHECK(rp->mode == TRT_RESIZE_LINEAR && rp->nb_scales == 0);
  CHECK(trt_network_layer_num_inputs(network, 0) == 3);
  CHECK(trt_network_layer_input(network, 0, 1) == -1);
  trt_network_destroy(network);

  /* Resize-13 attributes. */
  Onnx__AttributeProto cubic = string_attribute("mode", "cubic");
  Onnx__AttributeProto align = string_attribute("coordinate_transformation_mode", "align_corners");
  Onnx__AttributeProto coeff = float_attribute("cubic_coeff_a", -0.5f);
  int64_t sizes_dims[1];
  Onnx__TensorProto sizes = int64_tensor("sizes", (int64_t[]){1, 2, 8, 8}, 4, sizes_dims);
  Onnx__NodeProto resize = make_node("Resize", "rs", STRINGS("x", "", "", "sizes"), STRINGS("y"),
                                     ATTRIBUTES(&cubic, &align, &coeff));
  network = import_model(&((model_t){.opset = 13, .nodes = {&resize}, .initializers = {&sizes}}),
                         &status);
  CHECK_OK(status);
  rp = trt_network_layer_params(network, 0);
  CHECK(rp->mode == TRT_RESIZE_CUBIC && rp->coord == TRT_RESIZE_COORD_ALIGN_CORNERS);
  CHECK(rp->cubic_coeff_a == -0.5f && rp->nearest == TRT_RESIZE_ROUND_PREFER_FLOOR);
  CHECK(trt_network_layer_num_inputs(network, 0) == 4);
  trt_network_destroy(network);

  /* Clip before 11: attributes; missing bounds are infinite. */
  Onnx__AttributeProto clip_min = float_attribute("min", 0.0f);
  Onnx__NodeProto clip6 =
      make_node("Clip", "clip", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&clip_min));
  network = import_model(&((model_t){.opset = 7, .nodes = {&clip6}}), &status);
  CHECK_OK(status);
  const trt_unary_params_t *up = trt_network_layer_params(network, 0);
  CHECK(up->op.kind == TRT_ACTIVATION_CLIP && up->op.alpha == 0.0f && isinf(up->op.beta));
  trt_network_destroy(network);

  /* Squeeze-11 axes attribute vs ReduceSum-13 axes input. */
  Onnx__AttributeProto squeeze_axes = ints_attribute("axes", (int64_t[]){0}, 1);
  Onnx__NodeProto squeeze =
      make_node("Squeeze", "sq", STRINGS("x"), STRINGS("y"), ATTRIBUTES(&squeeze_axes));
  network = import_model(&((model_t){.opset = 11, .nodes = {&squeeze}}), &status);
  CHECK_OK(status);
  const trt_reshape_params_t *shp = trt_network_layer_params(network, 0);
  CHECK(shp->mode == TRT_RESHAPE_SQUEEZE && shp->nb_axes == 1 && shp->axes[0] == 0);
  trt_network_destroy(network);
  int64_t reduce_dims[1];
  Onnx__TensorProto reduce_axes = int64_tensor("axes", (int64_t[]){2, 3}, 2, reduce_dims);
  Onnx__AttributeProto keep = int_attribute("keepdims", 0);
  Onnx__NodeProto reduce =
      make_node("ReduceSum", "rsum", STRINGS("x", "axes"), STRINGS("y"), ATTRIBUTES(&keep));
  network = import_model(
      &((model_t){.opset = 13, .nodes = {&reduce}, .initializers = {&reduce_axes}}), &status);
  CHECK_OK(status);
  const trt_reduce_params_t *redp = trt_network_layer_params(network, 0);
  CHECK(redp->kind == TRT_REDUCE_SUM && !redp->keep_dims && redp->nb_axes == 0);
  CHECK(trt_network_layer_num_inputs(network, 0) == 2);
  trt_network_destroy(network);
}

static void test_composite_ops(void) {
  trt_status_t status;
  /* Sum of three inputs: two Add layers, the last named after the node. */
  Onnx__NodeProto sum =
      make_node("Sum", "total", STRINGS("x", "x", "x"), STRINGS("s"), NO_ATTRIBUTES);
  trt_network_t *network = import_model(&((model_t){.opset = 13, .nodes = {&sum}}), &status);
  CHECK_OK(status);
  CHECK(trt_network_num_layers(network) == 2);
  CHECK(strcmp(trt_network_layer_name(network, 1), "total") == 0);
  CHECK(trt_network_layer_input(network, 1, 0) == trt_network_layer_output(network, 0, 0));
  CHECK(strcmp(trt_network_tensor_name(network, trt_network_layer_output(network, 1, 0)), "s") ==
        0);
  trt_network_destroy(network);

  Onnx__NodeProto mean = make_node("Mean", "avg", STRINGS("x", "x"), STRINGS("m"), NO_ATTRIBUTES);
  network = import_model(&((model_t){.opset = 13, .nodes = {&mean}}), &status);
  CHECK_OK(status);
  CHECK(trt_network_num_layers(network) == 2);
  const float *divisor = trt_network_tensor_data(network, trt_network_layer_input(network, 1, 1));
  CHECK(divisor && *divisor == 2.0f);
  trt_network_destroy(network);

  /* auto_pad and ConvTranspose: kernel from the weights' shape. */
  Onnx__TensorProto weights = ONNX__TENSOR_PROTO__INIT;
  weights.name = "w";
  weights.has_data_type = 1;
  weights.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  weights.dims = (int64_t[]){2, 3, 3, 3};
  weights.n_dims = 4;
  float values[54] = {0};
  weights.float_data = values;
  weights.n_float_data = 54;
  Onnx__AttributeProto same = string_attribute("auto_pad", "SAME_UPPER");
  Onnx__AttributeProto stride = ints_attribute("strides", (int64_t[]){2, 2}, 2);
  Onnx__NodeProto deconv =
      make_node("ConvTranspose", "up", STRINGS("x", "w"), STRINGS("y"), ATTRIBUTES(&same, &stride));
  network = import_model(&((model_t){.opset = 11, .nodes = {&deconv}, .initializers = {&weights}}),
                         &status);
  CHECK_OK(status);
  const trt_convolution_params_t *cp = trt_network_layer_params(network, 0);
  CHECK(trt_network_layer_type(network, 0) == TRT_LAYER_DECONVOLUTION);
  CHECK(cp->nb_spatial == 2 && cp->kernel[0] == 3 && cp->stride[1] == 2);
  CHECK(cp->auto_pad == TRT_AUTO_PAD_SAME_UPPER && trt_network_layer_num_inputs(network, 0) == 2);
  trt_network_destroy(network);

  /* output_shape with the input's size known: pads follow ONNX's rule. */
  Onnx__AttributeProto output_shape = ints_attribute("output_shape", (int64_t[]){9, 10}, 2);
  Onnx__NodeProto sized = make_node("ConvTranspose", "up", STRINGS("x", "w"), STRINGS("y"),
                                    ATTRIBUTES(&output_shape, &stride));
  network = import_model(&((model_t){.opset = 11, .nodes = {&sized}, .initializers = {&weights}}),
                         &status);
  CHECK_OK(status);
  cp = trt_network_layer_params(network, 0);
  /* in 4, stride 2, kernel 3: natural size 9; 10 needs one more row of output padding. */
  CHECK(cp->pad_begin[0] == 0 && cp->pad_end[0] == 0 && cp->output_padding[0] == 0);
  CHECK(cp->pad_begin[1] == 0 && cp->output_padding[1] == 1);
  trt_network_destroy(network);
  Onnx__NodeProto relu = make_node("Relu", "r", STRINGS("x"), STRINGS("r_out"), NO_ATTRIBUTES);
  Onnx__NodeProto sized_later = make_node("ConvTranspose", "up", STRINGS("r_out", "w"),
                                          STRINGS("y"), ATTRIBUTES(&output_shape));
  CHECK_IMPORT_FAILS(
      &((model_t){.opset = 11, .nodes = {&relu, &sized_later}, .initializers = {&weights}}),
      TRT_STATUS_UNSUPPORTED, "attribute 'output_shape' needs the input's spatial size");
}

/* A float initializer of `count` values with `nb_dims` dims. */
static Onnx__TensorProto float_tensor(const char *name, float *values, size_t count,
                                      int64_t *dims, size_t nb_dims) {
  Onnx__TensorProto tensor = ONNX__TENSOR_PROTO__INIT;
  tensor.name = (char *)name;
  tensor.has_data_type = 1;
  tensor.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tensor.dims = dims;
  tensor.n_dims = nb_dims;
  tensor.float_data = values;
  tensor.n_float_data = count;
  return tensor;
}

static trt_dims_t tensor_dims_by_name(const trt_network_t *network, const char *name) {
  return trt_network_tensor_dims(network, trt_network_find_tensor(network, name));
}

static void test_legacy_opsets(void) {
  trt_status_t status;
  trt_network_t *network;
  int64_t two[] = {2}, four[] = {4};
  float b_values[] = {1.5f, -2.0f}, b4_values[] = {1, 2, 3, 4};
  Onnx__TensorProto b = float_tensor("b", b_values, 2, two, 1);
  Onnx__TensorProto b4 = float_tensor("b4", b4_values, 4, four, 1);
  Onnx__AttributeProto broadcast = int_attribute("broadcast", 1);
  Onnx__AttributeProto axis1 = int_attribute("axis", 1), axis3 = int_attribute("axis", 3);

  /* Add-6 with axis: B [2] lines up with dim 1 of x [1,2,4,4], so it
   * becomes a constant [2,1,1] that numpy broadcasting reads alike. */
  Onnx__NodeProto add = make_node("Add", "add", STRINGS("x", "b"), STRINGS("y"),
                                  ATTRIBUTES(&broadcast, &axis1));
  network = import_model(&((model_t){.opset = 6, .nodes = {&add}, .initializers = {&b}}), &status);
  CHECK_OK(status);
  CHECK(strcmp(layer_input_name(network, 0, 1), "add/aligned") == 0);
  CHECK(dims_are(tensor_dims_by_name(network, "add/aligned"), 3, (int64_t[]){2, 1, 1}));
  trt_network_destroy(network);
  /* From opset 7 the same node broadcasts like numpy: B is left alone. */
  network = import_model(&((model_t){.opset = 7, .nodes = {&add}, .initializers = {&b}}), &status);
  CHECK(status == TRT_STATUS_OK && strcmp(layer_input_name(network, 0, 1), "b") == 0);
  trt_network_destroy(network);

  /* A's rank unknown at import (a Relu's output): a shape sub-graph that
   * shape inference folds into B's aligned dims, with trailing ones ... */
  Onnx__NodeProto relu = make_node("Relu", "relu", STRINGS("x"), STRINGS("r"), NO_ATTRIBUTES);
  Onnx__NodeProto add_later = make_node("Add", "add", STRINGS("r", "b"), STRINGS("y"),
                                        ATTRIBUTES(&broadcast, &axis1));
  network = import_model(
      &((model_t){.opset = 6, .nodes = {&relu, &add_later}, .initializers = {&b}}), &status);
  CHECK_OK(status);
  CHECK_OK(trt_network_infer_shapes(network));
  int add_layer = find_layer(network, "add");
  int aligned = trt_network_layer_input(network, add_layer, 1);
  trt_dims_t aligned_dims = trt_network_tensor_dims(network, aligned);
  CHECK(dims_are(aligned_dims, 3, (int64_t[]){2, 1, 1}));
  CHECK(dims_are(tensor_dims_by_name(network, "y"), 4, (int64_t[]){1, 2, 4, 4}));
  trt_network_destroy(network);
  /* ... and none when B already ends at A's last dim. */
  Onnx__NodeProto add_last = make_node("Add", "add", STRINGS("r", "b4"), STRINGS("y"),
                                       ATTRIBUTES(&broadcast, &axis3));
  network = import_model(
      &((model_t){.opset = 6, .nodes = {&relu, &add_last}, .initializers = {&b4}}), &status);
  CHECK_OK(status);
  CHECK_OK(trt_network_infer_shapes(network));
  aligned = trt_network_layer_input(network, find_layer(network, "add"), 1);
  CHECK(dims_are(trt_network_tensor_dims(network, aligned), 1, (int64_t[]){4}));
  trt_network_destroy(network);
  /* B longer than A has room for at `axis`. */
  Onnx__AttributeProto axis4 = int_attribute("axis", 4);
  Onnx__NodeProto add_overflow = make_node("Add", "add", STRINGS("x", "b4"), STRINGS("y"),
                                           ATTRIBUTES(&broadcast, &axis4));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 6, .nodes = {&add_overflow}, .initializers = {&b4}}),
                     TRT_STATUS_PARSE_ERROR, "does not fit input 'x' (rank 4) at axis 4");

  /* PRelu-6: a slope of C values applies along the channels. */
  Onnx__NodeProto prelu = make_node("PRelu", "prelu", STRINGS("x", "b"), STRINGS("y"),
                                    NO_ATTRIBUTES);
  network = import_model(&((model_t){.opset = 6, .nodes = {&prelu}, .initializers = {&b}}),
                         &status);
  CHECK_OK(status);
  CHECK(dims_are(tensor_dims_by_name(network, "prelu/aligned"), 3, (int64_t[]){2, 1, 1}));
  trt_network_destroy(network);

  /* Reshape-1's shape attribute becomes the constant input 1. */
  Onnx__AttributeProto shape = ints_attribute("shape", (int64_t[]){0, -1}, 2);
  Onnx__NodeProto reshape = make_node("Reshape", "rs", STRINGS("x"), STRINGS("y"),
                                      ATTRIBUTES(&shape));
  network = import_model(&((model_t){.opset = 1, .nodes = {&reshape}}), &status);
  CHECK_OK(status);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK(dims_are(tensor_dims_by_name(network, "y"), 2, (int64_t[]){1, 32}));
  trt_network_destroy(network);

  /* Cast-1 names the type; Concat-1 defaults axis to 1. */
  Onnx__AttributeProto to_name = string_attribute("to", "INT32");
  Onnx__NodeProto cast = make_node("Cast", "cast", STRINGS("x"), STRINGS("y"),
                                   ATTRIBUTES(&to_name));
  network = import_model(&((model_t){.opset = 5, .nodes = {&cast}}), &status);
  CHECK_OK(status);
  CHECK(((const trt_cast_params_t *)trt_network_layer_params(network, 0))->to ==
        TRT_DATA_TYPE_INT32);
  trt_network_destroy(network);
  Onnx__NodeProto concat = make_node("Concat", "cat", STRINGS("x", "x"), STRINGS("y"),
                                     NO_ATTRIBUTES);
  network = import_model(&((model_t){.opset = 3, .nodes = {&concat}}), &status);
  CHECK_OK(status);
  CHECK(((const trt_concat_params_t *)trt_network_layer_params(network, 0))->axis == 1);
  trt_network_destroy(network);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 4, .nodes = {&concat}}), TRT_STATUS_PARSE_ERROR,
                     "attribute 'axis' is required");

  /* Training-mode BatchNormalization-6 cannot run at inference. */
  Onnx__AttributeProto training = int_attribute("is_test", 0);
  Onnx__NodeProto batch_norm = make_node("BatchNormalization", "bn",
                                         STRINGS("x", "b", "b", "b", "b"), STRINGS("y"),
                                         ATTRIBUTES(&training));
  CHECK_IMPORT_FAILS(&((model_t){.opset = 6, .nodes = {&batch_norm}, .initializers = {&b}}),
                     TRT_STATUS_UNSUPPORTED, "'is_test' = 0 (training mode)");
}

static void test_new_forms(void) {
  trt_status_t status;
  trt_network_t *network;
  /* LayerNormalization with Mean read: a layer of two outputs. */
  int64_t four[] = {4};
  float ones[] = {1, 1, 1, 1};
  Onnx__TensorProto scale = float_tensor("scale", ones, 4, four, 1);
  Onnx__NodeProto layer_norm = make_node("LayerNormalization", "ln", STRINGS("x", "scale"),
                                         STRINGS("y", "mean", "inv_std"), NO_ATTRIBUTES);
  network = import_model(
      &((model_t){
          .opset = 17, .nodes = {&layer_norm}, .initializers = {&scale}, .output = "mean"}),
      &status);
  CHECK_OK(status);
  CHECK(trt_network_layer_num_outputs(network, 0) == 2);
  CHECK_OK(trt_network_infer_shapes(network));
  CHECK(dims_are(tensor_dims_by_name(network, "mean"), 4, (int64_t[]){1, 2, 4, 1}));
  trt_network_destroy(network);

  /* Clip-13 with a computed min: Max then Min layers, the last the node's. */
  float limit_value = 0.5f;
  Onnx__TensorProto limit = float_tensor("limit", &limit_value, 1, NULL, 0);
  Onnx__NodeProto negate = make_node("Neg", "neg", STRINGS("limit"), STRINGS("low"),
                                     NO_ATTRIBUTES);
  Onnx__NodeProto clip = make_node("Clip", "clip", STRINGS("x", "low", "limit"), STRINGS("y"),
                                   NO_ATTRIBUTES);
  network = import_model(
      &((model_t){.opset = 13, .nodes = {&negate, &clip}, .initializers = {&limit}}), &status);
  CHECK_OK(status);
  CHECK(trt_network_num_layers(network) == 3);
  const trt_elementwise_params_t *ep = trt_network_layer_params(network, 1);
  CHECK(ep->kind == TRT_ELEMENTWISE_MAX);
  ep = trt_network_layer_params(network, 2);
  CHECK(ep->kind == TRT_ELEMENTWISE_MIN && strcmp(trt_network_layer_name(network, 2), "clip") == 0);
  trt_network_destroy(network);

  /* Tile-1's form is refused precisely. */
  Onnx__NodeProto tile = make_node("Tile", "tile", STRINGS("x", "x", "x"), STRINGS("y"),
                                   NO_ATTRIBUTES);
  CHECK_IMPORT_FAILS(&((model_t){.opset = 1, .nodes = {&tile}}), TRT_STATUS_UNSUPPORTED,
                     "Tile-1 (inputs 'tiles' and 'axis') is not supported");
}

static void test_read_tensor(void) {
  Onnx__TensorProto tensor = ONNX__TENSOR_PROTO__INIT;
  tensor.name = "input_0";
  tensor.has_data_type = 1;
  tensor.data_type = ONNX__TENSOR_PROTO__DATA_TYPE__INT32;
  tensor.dims = (int64_t[]){2, 2};
  tensor.n_dims = 2;
  int32_t values[] = {1, -2, 3, -4};
  tensor.has_raw_data = 1;
  tensor.raw_data.data = (uint8_t *)values; /* little-endian host */
  tensor.raw_data.len = sizeof(values);
  size_t size = onnx__tensor_proto__get_packed_size(&tensor);
  uint8_t *bytes = malloc(size);
  onnx__tensor_proto__pack(&tensor, bytes);
  const char *path = "test_onnx_parser_tensor.pb"; /* in the test's working directory */
  FILE *file = fopen(path, "wb");
  CHECK(file != NULL);
  if (!file) {
    free(bytes);
    return;
  }
  fwrite(bytes, 1, size, file);
  fclose(file);
  free(bytes);

  char *name = NULL;
  trt_data_type_t type;
  trt_dims_t dims;
  void *data = NULL;
  CHECK_OK(trt_onnx_read_tensor(path, &name, &type, &dims, &data));
  CHECK(name && strcmp(name, "input_0") == 0);
  CHECK(type == TRT_DATA_TYPE_INT32 && dims_are(dims, 2, (int64_t[]){2, 2}));
  CHECK(data && ((int32_t *)data)[3] == -4);
  free(name);
  free(data);
  remove(path);
  CHECK(trt_onnx_read_tensor(path, &name, &type, &dims, &data) == TRT_STATUS_IO_ERROR);
}

int main(void) {
  test_conv_relu_pool();
  test_shape_subgraph();
  test_constants();
  test_bad_files();
  test_errors();
  test_opset_variants();
  test_composite_ops();
  test_legacy_opsets();
  test_new_forms();
  test_read_tensor();
  return test_finish("test_onnx_parser");
}
