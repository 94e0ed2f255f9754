/* FP16 lowering (engine/precision.c) on optimized networks: which layers
 * run FP16, casts where precisions meet, weights converted, network inputs
 * and outputs keeping float32, view groups (concat elimination) of one
 * type, shapes still consistent and memory still plannable; and the CPU
 * backend refusing float16 compute and FP16 builds with a message. Then
 * memory formats on the lowered network (engine/formats.c): channels-last
 * groups, reformats where a linear-only layer meets one, KRSC weights,
 * views of channels-last parents, bindings kept linear. */
#include "formats.h"
#include "memory_plan.h"
#include "numerics/half.h"
#include "pass_test_util.h"
#include "precision.h"

typedef struct {
  const char *refused; /* a layer name the "backend" cannot run in FP16 */
} backend_t;

static bool can_run_fp16(const trt_network_t *network, const trt_layer_t *layer, void *user_data) {
  (void)network;
  const backend_t *backend = user_data;
  return !backend->refused || strcmp(layer->name, backend->refused) != 0;
}

static trt_data_type_t type_of(const trt_network_t *net, const char *name) {
  int t = trt_network_find_tensor(net, name);
  CHECK(t >= 0);
  return t >= 0 ? net->tensors[t].type : TRT_DATA_TYPE_FLOAT32;
}

/* The layer named `name`, or fused into one whose name starts with it
 * ("conv1 + relu1"). */
static const trt_layer_t *layer_named(const trt_network_t *net, const char *name) {
  size_t length = strlen(name);
  for (int l = 0; l < net->nb_layers; l++) {
    const char *n = net->layers[l].name;
    if (strncmp(n, name, length) == 0 && (n[length] == '\0' || n[length] == ' '))
      return &net->layers[l];
  }
  return NULL;
}

static const trt_tensor_t *input_of(const trt_network_t *net, const char *layer, int i) {
  const trt_layer_t *found = layer_named(net, layer);
  CHECK(found != NULL);
  return found ? trt_layer_input(net, found, i) : NULL;
}

/* Whether `tensor` is made by a Cast to `type`. */
static bool cast_made(const trt_network_t *net, const trt_tensor_t *tensor, trt_data_type_t type) {
  if (!tensor || tensor->producer < 0)
    return false;
  const trt_layer_t *producer = &net->layers[tensor->producer];
  return producer->type == TRT_LAYER_CAST &&
         ((const trt_cast_params_t *)producer->params)->to == type && tensor->type == type;
}

/*   x -> conv1 (+relu) -> conv2a ---\
 *                      \-> conv2b ---> cat (in place) -> pool -> softmax -> prob
 *                      \-> conv3 -> network output "feat"
 * Optimized: "conv1 + relu1", "conv2a + conv3" (merged: one output a view
 * of cat, the other the network output), conv2b, cat in place, pool,
 * softmax. */
static trt_network_t *make_network(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 6, 6);
  int c1 = add_unary(net, "relu1", add_conv(net, "conv1", x, 3, 4, 3, 1, 1, 1),
                     TRT_ACTIVATION_RELU, 0, 0);
  int a = add_conv(net, "conv2a", c1, 4, 4, 1, 1, 0, 1);
  int b = add_conv(net, "conv2b", c1, 4, 2, 3, 1, 1, 1);
  int parts[] = {a, b};
  int cat = add_concat(net, "cat", parts, 2, 1);
  int pooled = add_max_pool(net, "pool", cat);
  trt_softmax_params_t softmax = {.axis = 1};
  int prob = layer_output(net, trt_network_add_layer(net, TRT_LAYER_SOFTMAX, "softmax", &pooled,
                                                     1, NULL, 1, &softmax));
  CHECK_OK(trt_network_rename_tensor(net, prob, "prob"));
  int feat = add_conv(net, "conv3", c1, 4, 2, 1, 1, 0, 1);
  CHECK_OK(trt_network_rename_tensor(net, feat, "feat"));
  trt_network_mark_output(net, prob);
  trt_network_mark_output(net, feat);
  return net;
}

/* The optimized network of a CPU build (passes run, concat in place). */
static trt_network_t *optimized_copy(trt_engine_t **engine) {
  trt_network_t *net = make_network();
  *engine = build_with(net, ALL_PASSES);
  trt_network_destroy(net);
  return *engine ? trt_network_clone(optimized(*engine)) : NULL;
}

static void still_consistent(trt_network_t *net) {
  CHECK_OK(trt_network_infer_shapes(net));
  trt_memory_plan_t plan = {0};
  CHECK_OK(trt_memory_plan_build(net, &plan));
  trt_memory_plan_release(&plan);
}

static void everything_allowed(void) {
  trt_engine_t *engine = NULL;
  trt_network_t *net = optimized_copy(&engine);
  if (!net)
    return;
  const trt_layer_t *cat = layer_named(net, "cat");
  CHECK(cat && ((const trt_concat_params_t *)cat->params)->in_place);
  const int w_index = input_of(net, "conv1", 1) - net->tensors;
  const float first_weight = ((const float *)net->tensors[w_index].data)[0];
  backend_t backend = {NULL};
  trt_precision_report_t report = {0};
  CHECK_OK(trt_network_lower_to_fp16(net, can_run_fp16, &backend, NULL, true, &report));
  /* the convolutions, the in-place concat and the pooling run FP16 */
  CHECK(type_of(net, "cat:0") == TRT_DATA_TYPE_FLOAT16);
  CHECK(type_of(net, "pool:0") == TRT_DATA_TYPE_FLOAT16);
  CHECK(type_of(net, "feat/fp16") == TRT_DATA_TYPE_FLOAT16);
  for (int t = 0; t < net->nb_tensors; t++)
    if (net->tensors[t].view_parent >= 0)
      CHECK(net->tensors[t].type == net->tensors[net->tensors[t].view_parent].type);
  /* the network input is cast once, the weights converted in place of it */
  CHECK(type_of(net, "x") == TRT_DATA_TYPE_FLOAT32);
  CHECK(cast_made(net, input_of(net, "conv1", 0), TRT_DATA_TYPE_FLOAT16));
  const trt_tensor_t *w = input_of(net, "conv1", 1);
  CHECK(w && w->data && w->type == TRT_DATA_TYPE_FLOAT16);
  if (w && w->data)
    CHECK(((const uint16_t *)w->data)[0] == trt_half_from_float(first_weight));
  CHECK(input_of(net, "conv1", 2)->type == TRT_DATA_TYPE_FLOAT16);
  /* softmax stays FP32 behind a cast; outputs keep float32 */
  CHECK(cast_made(net, input_of(net, "softmax", 0), TRT_DATA_TYPE_FLOAT32));
  CHECK(type_of(net, "prob") == TRT_DATA_TYPE_FLOAT32);
  int feat = trt_network_find_tensor(net, "feat");
  CHECK(feat >= 0 && net->tensors[feat].is_output &&
        cast_made(net, &net->tensors[feat], TRT_DATA_TYPE_FLOAT32));
  CHECK(!net->tensors[trt_network_find_tensor(net, "feat/fp16")].is_output);
  CHECK(report.casts == 3); /* x, softmax's input, feat */
  for (int l = 0; l < net->nb_layers; l++)
    if (net->layers[l].type == TRT_LAYER_CONVOLUTION)
      CHECK(trt_layer_output(net, &net->layers[l], 0)->type == TRT_DATA_TYPE_FLOAT16);
  CHECK(report.fp16_layers >= 4 && report.constants_converted > 0);
  still_consistent(net);
  trt_network_destroy(net);
  trt_engine_destroy(engine);
}

/* A writer of the concat group that cannot run FP16 keeps the whole group
 * (its other writers and the concat) in FP32; readers convert. */
static void view_group_follows_its_fp32_writer(void) {
  trt_engine_t *engine = NULL;
  trt_network_t *net = optimized_copy(&engine);
  if (!net)
    return;
  backend_t backend = {"conv2b"};
  CHECK_OK(trt_network_lower_to_fp16(net, can_run_fp16, &backend, NULL, false, NULL));
  CHECK(type_of(net, "cat:0") == TRT_DATA_TYPE_FLOAT32);
  /* the merged conv2a + conv3 writes into the group: FP32, feat with it */
  CHECK(type_of(net, "feat") == TRT_DATA_TYPE_FLOAT32);
  CHECK(trt_network_find_tensor(net, "feat/fp16") < 0);
  CHECK(type_of(net, "relu1:0") == TRT_DATA_TYPE_FLOAT16);
  CHECK(cast_made(net, input_of(net, "conv2a", 0), TRT_DATA_TYPE_FLOAT32));
  CHECK(input_of(net, "conv2a", 0) == input_of(net, "conv2b", 0)); /* one cast, two readers */
  CHECK(cast_made(net, input_of(net, "pool", 0), TRT_DATA_TYPE_FLOAT16));
  still_consistent(net);
  trt_network_destroy(net);
  trt_engine_destroy(engine);
}

/* A layer named by the build stays FP32, also inside the layer a fusion
 * made of it ("conv1 + relu1" for "relu1"); its readers convert. */
static void layer_kept_fp32_by_name(void) {
  trt_engine_t *engine = NULL;
  trt_network_t *net = optimized_copy(&engine);
  if (!net)
    return;
  backend_t backend = {NULL};
  CHECK_OK(trt_network_lower_to_fp16(net, can_run_fp16, &backend, "nothing,relu1", true, NULL));
  CHECK(type_of(net, "relu1:0") == TRT_DATA_TYPE_FLOAT32);
  CHECK(input_of(net, "conv1", 1)->type == TRT_DATA_TYPE_FLOAT32);
  CHECK(cast_made(net, input_of(net, "conv2b", 0), TRT_DATA_TYPE_FLOAT16));
  CHECK(type_of(net, "cat:0") == TRT_DATA_TYPE_FLOAT16);
  still_consistent(net);
  trt_network_destroy(net);
  trt_engine_destroy(engine);
}

/* x16 (float16 input) -> conv16 (1x1, float16 weights) -> network output. */
static trt_network_t *make_fp16_conv(void) {
  trt_network_t *net = trt_network_create();
  trt_dims_t dims = dims4(1, 2, 4, 4);
  int x = trt_network_add_input(net, "x16", TRT_DATA_TYPE_FLOAT16, &dims);
  uint16_t weights[2 * 2] = {0x3c00, 0x3c00, 0x3c00, 0x3c00};
  trt_dims_t w_dims = dims4(2, 2, 1, 1);
  int w = trt_network_add_constant(net, "w16", TRT_DATA_TYPE_FLOAT16, &w_dims, weights);
  trt_convolution_params_t params = {.nb_spatial = 2, .group = 1,
                                     .kernel = {1, 1}, .stride = {1, 1}, .dilation = {1, 1}};
  int inputs[] = {x, w};
  int y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_CONVOLUTION, "conv16", inputs, 2,
                                                  NULL, 1, &params));
  trt_network_mark_output(net, y);
  return net;
}

/* The CPU backend computes in float32: a float16 convolution is refused
 * when building, with the tensor named, and so is an FP16 build. */
static void cpu_backend(void) {
  trt_network_t *net = make_fp16_conv();
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  CHECK(trt_engine_build(net, &config, &engine) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "layer 'conv16' (Convolution)") != NULL);
  CHECK(strstr(trt_last_error(), "'x16' is float16") != NULL);
  trt_network_destroy(net);

  /* layers as the engine runs them, with their precision */
  net = make_network();
  CHECK_OK(trt_engine_build(net, &config, &engine));
  if (engine) {
    const int first = 0, last = trt_engine_num_layers(engine) - 1;
    CHECK(strcmp(trt_engine_layer_type(engine, first), "Convolution") == 0);
    CHECK(strncmp(trt_engine_layer_name(engine, first), "conv1 + relu1", 13) == 0);
    CHECK(strcmp(trt_engine_layer_precision(engine, first), "fp32") == 0);
    CHECK(strcmp(trt_engine_layer_format(engine, first), "linear") == 0);
    CHECK(strcmp(trt_engine_layer_type(engine, last), "Softmax") == 0);
    CHECK(trt_engine_layer_name(engine, last + 1) == NULL &&
          trt_engine_layer_precision(engine, -1) == NULL);
    trt_engine_destroy(engine);
    engine = NULL;
  }
  trt_network_destroy(net);

  net = make_network();
  config.precision = TRT_PRECISION_FP16;
  CHECK(trt_engine_build(net, &config, &engine) == TRT_STATUS_UNSUPPORTED);
  CHECK(strstr(trt_last_error(), "FP16 precision needs a backend with FP16 layers (CUDA): the "
                                 "cpu backend computes in FP32") != NULL);
  trt_network_destroy(net);
}

/* ---- memory formats ------------------------------------------------------ */

/* A backend that runs formats as the CUDA one does, with one layer
 * (`linear_only`) restricted to linear tensors. */
typedef struct {
  const char *linear_only;
} format_backend_t;

static trt_layer_formats_t formats_of(const trt_network_t *network, const trt_layer_t *layer,
                                      void *user_data) {
  const format_backend_t *backend = user_data;
  if (backend->linear_only && strncmp(layer->name, backend->linear_only,
                                      strlen(backend->linear_only)) == 0)
    return TRT_LAYER_FORMATS_LINEAR;
  switch (layer->type) {
  case TRT_LAYER_CONVOLUTION:
  case TRT_LAYER_POOLING:
  case TRT_LAYER_UNARY:
    return trt_layer_input(network, layer, 0)->dims.nb_dims == 4 ? TRT_LAYER_FORMATS_SAME
                                                                : TRT_LAYER_FORMATS_LINEAR;
  case TRT_LAYER_CONCAT:
    return ((const trt_concat_params_t *)layer->params)->in_place ? TRT_LAYER_FORMATS_SAME
                                                                  : TRT_LAYER_FORMATS_LINEAR;
  case TRT_LAYER_CAST:
    return TRT_LAYER_FORMATS_CONVERTS;
  default:
    return TRT_LAYER_FORMATS_LINEAR;
  }
}

static trt_tensor_format_t format_of(const trt_network_t *net, const char *name) {
  int t = trt_network_find_tensor(net, name);
  CHECK(t >= 0);
  return t >= 0 ? net->tensors[t].format : TRT_FORMAT_COUNT;
}

/* The lowered network with formats chosen; NULL when the build failed. */
static trt_network_t *with_formats(trt_engine_t **engine, const char *linear_only,
                                   trt_format_report_t *report) {
  trt_network_t *net = optimized_copy(engine);
  if (!net)
    return NULL;
  backend_t fp16_everywhere = {NULL};
  CHECK_OK(trt_network_lower_to_fp16(net, can_run_fp16, &fp16_everywhere, NULL, false, NULL));
  format_backend_t backend = {linear_only};
  CHECK_OK(trt_network_choose_formats(net, formats_of, &backend, true, report));
  return net;
}

/* Every activation between the input cast and the output casts is one group
 * around the convolutions: channels-last, no reformat layer needed (the
 * casts reformat as they convert), weights reordered to KRSC; the
 * convolutions that wrote into the concat write tensors of their own, which
 * the concat copies. */
static void channels_last_group(void) {
  trt_engine_t *engine = NULL;
  trt_format_report_t report = {0};
  trt_network_t *net = with_formats(&engine, NULL, &report);
  if (!net)
    return;
  CHECK(format_of(net, "x") == TRT_FORMAT_LINEAR);
  CHECK(input_of(net, "conv1", 0)->format == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "relu1:0") == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "cat:0") == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "pool:0") == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "feat/fp16") == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "feat") == TRT_FORMAT_LINEAR && format_of(net, "prob") == TRT_FORMAT_LINEAR);
  CHECK(report.reformats == 0 && report.groups == 1);
  CHECK(report.weights == count_layers(net, TRT_LAYER_CONVOLUTION));
  const trt_tensor_t *b = &net->tensors[layer_named(net, "conv2b")->outputs[0]];
  CHECK(b->view_parent < 0 && b->format == TRT_FORMAT_CHANNELS_LAST);
  CHECK(!((const trt_concat_params_t *)layer_named(net, "cat")->params)->in_place);
  CHECK(report.detached_views == 2); /* conv2a's and conv2b's outputs */
  /* KRSC: element (k, c, r, s) of the original at ((k * R + r) * S + s) * C + c */
  const trt_tensor_t *w = input_of(net, "conv1", 1);
  CHECK(w->format == TRT_FORMAT_CHANNELS_LAST);
  const int original = trt_network_find_tensor(net, "conv1.w/fp16");
  if (original >= 0) {
    const uint16_t *from = net->tensors[original].data, *to = w->data;
    for (int k = 0; k < 4; k++)
      for (int c = 0; c < 3; c++)
        for (int tap = 0; tap < 9; tap++)
          CHECK(to[(k * 9 + tap) * 3 + c] == from[(k * 3 + c) * 9 + tap]);
  }
  still_consistent(net);
  trt_network_destroy(net);
  trt_engine_destroy(engine);
}

/* A view of a channels-last parent (as pooling and pointwise layers write
 * them): channels [4, 6) of (2, 6, 3, 3) are 2 elements at every pixel. */
static void channels_last_view_layout(void) {
  trt_network_t *net = trt_network_create();
  trt_dims_t parent_dims = dims4(2, 6, 3, 3), view_dims = dims4(2, 2, 3, 3);
  int parent = trt_network_add_tensor(net, "parent", TRT_DATA_TYPE_FLOAT16, &parent_dims);
  int view = trt_network_add_tensor(net, "view", TRT_DATA_TYPE_FLOAT16, &view_dims);
  CHECK(parent >= 0 && view >= 0);
  if (parent < 0 || view < 0)
    return;
  net->tensors[parent].format = net->tensors[view].format = TRT_FORMAT_CHANNELS_LAST;
  net->tensors[view].view_parent = parent;
  net->tensors[view].view_axis = 1;
  net->tensors[view].view_offset = 4;
  trt_view_layout_t layout = trt_tensor_view_layout(net, &net->tensors[view]);
  CHECK(layout.outer == 2 * 3 * 3 && layout.inner == 2 && layout.stride == 6 && layout.offset == 4);
  int64_t strides[TRT_MAX_DIMS];
  trt_tensor_strides(net, &net->tensors[view], strides);
  CHECK(strides[0] == 3 * 3 * 6 && strides[1] == 1 && strides[2] == 3 * 6 && strides[3] == 6);
  trt_network_destroy(net);
}

/* A group's root (its smallest tensor index) can change after the
 * convolution in it was seen: tensor "gate" is made first but written last,
 * so the relu's union moves the root of the convolution's group to it. The
 * group still counts as one with a convolution. */
static void group_root_changes_after_the_convolution(void) {
  trt_network_t *net = trt_network_create();
  trt_dims_t dims = dims4(1, 8, 4, 4), w_dims = dims4(8, 8, 1, 1);
  int x = trt_network_add_input(net, "x16", TRT_DATA_TYPE_FLOAT16, &dims);
  int gate = trt_network_add_tensor(net, "gate", TRT_DATA_TYPE_FLOAT16, NULL);
  int copy = trt_network_add_tensor(net, "copy", TRT_DATA_TYPE_FLOAT16, NULL);
  int conv = trt_network_add_tensor(net, "conv", TRT_DATA_TYPE_FLOAT16, NULL);
  int y = trt_network_add_tensor(net, "y", TRT_DATA_TYPE_FLOAT16, NULL);
  uint16_t weights[64];
  for (int i = 0; i < 64; i++)
    weights[i] = i % 9 == 0 ? 0x3c00 : 0;
  int w = trt_network_add_constant(net, "w16", TRT_DATA_TYPE_FLOAT16, &w_dims, weights);
  trt_cast_params_t same = {.to = TRT_DATA_TYPE_FLOAT16};
  trt_convolution_params_t params = {.nb_spatial = 2, .group = 1,
                                     .kernel = {1, 1}, .stride = {1, 1}, .dilation = {1, 1}};
  trt_unary_params_t relu = {.op = {.kind = TRT_ACTIVATION_RELU}};
  int conv_inputs[] = {copy, w};
  CHECK(trt_network_append_layer(net, TRT_LAYER_CAST, "in", &x, 1, &copy, 1, &same) >= 0);
  CHECK(trt_network_append_layer(net, TRT_LAYER_CONVOLUTION, "conv", conv_inputs, 2, &conv, 1,
                                 &params) >= 0);
  CHECK(trt_network_append_layer(net, TRT_LAYER_UNARY, "relu", &conv, 1, &gate, 1, &relu) >= 0);
  CHECK(trt_network_append_layer(net, TRT_LAYER_CAST, "out", &gate, 1, &y, 1, &same) >= 0);
  CHECK_OK(trt_network_mark_output(net, y));
  CHECK_OK(trt_network_infer_shapes(net));
  format_backend_t backend = {NULL};
  trt_format_report_t report = {0};
  CHECK_OK(trt_network_choose_formats(net, formats_of, &backend, false, &report));
  CHECK(report.groups == 1);
  CHECK(format_of(net, "gate") == TRT_FORMAT_CHANNELS_LAST &&
        format_of(net, "conv") == TRT_FORMAT_CHANNELS_LAST &&
        format_of(net, "copy") == TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "x16") == TRT_FORMAT_LINEAR && format_of(net, "y") == TRT_FORMAT_LINEAR);
  trt_network_destroy(net);
}

/* A layer that reads only linear tensors in the middle of the group reads a
 * linear copy made by one reformat. */
static void reformat_before_linear_layer(void) {
  trt_engine_t *engine = NULL;
  trt_format_report_t report = {0};
  trt_network_t *net = with_formats(&engine, "pool", &report);
  if (!net)
    return;
  CHECK(format_of(net, "cat:0") == TRT_FORMAT_CHANNELS_LAST);
  const trt_tensor_t *pool_in = input_of(net, "pool", 0);
  CHECK(pool_in->format == TRT_FORMAT_LINEAR && cast_made(net, pool_in, TRT_DATA_TYPE_FLOAT16));
  CHECK(pool_in->producer >= 0 &&
        trt_layer_input(net, &net->layers[pool_in->producer], 0)->format ==
            TRT_FORMAT_CHANNELS_LAST);
  CHECK(format_of(net, "pool:0") == TRT_FORMAT_LINEAR);
  CHECK(report.reformats == 1);
  still_consistent(net);
  trt_network_destroy(net);
  trt_engine_destroy(engine);
}

/* A convolution between a float16 network input and output: bindings keep
 * their layout, so the group stays linear and its weights as they are. */
static void bindings_stay_linear(void) {
  trt_network_t *net = make_fp16_conv();
  CHECK_OK(trt_network_infer_shapes(net));
  format_backend_t backend = {NULL};
  trt_format_report_t report = {0};
  CHECK_OK(trt_network_choose_formats(net, formats_of, &backend, true, &report));
  for (int t = 0; t < net->nb_tensors; t++)
    CHECK(net->tensors[t].format == TRT_FORMAT_LINEAR);
  CHECK(report.groups == 0 && report.weights == 0 && report.reformats == 0);
  trt_network_destroy(net);
}

int main(void) {
  everything_allowed();
  channels_last_group();
  channels_last_view_layout();
  group_root_changes_after_the_convolution();
  reformat_before_linear_layer();
  bindings_stay_linear();
  view_group_follows_its_fp32_writer();
  layer_kept_fp32_by_name();
  cpu_backend();
  return test_finish("test_precision");
}
