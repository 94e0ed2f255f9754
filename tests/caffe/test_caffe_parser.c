/* Caffe import unit test: clear errors for bad inputs (syntax with
 * file:line:column, unknown layer, truncated caffemodel, wrong blob count or
 * shape), text-format details, in-place naming, output selection, seeded
 * weights, documented shapes of the shared networks, and numerics of the
 * mappings OpenCV cannot check (InnerProduct transpose, LRN k, Bias, Scale
 * with a second bottom, SSD's Normalize, PriorBox where OpenCV departs from
 * Caffe, DetectionOutput's defaults). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_model.h"
#include "file_util.h"
#include "trt/trt.h"

static int failures = 0;

#define CHECK(condition, ...)                                                                      \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #condition);               \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fprintf(stderr, "\n");                                                                       \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static trt_status_t parse_text(trt_network_t *network, const char *text, const void *weights,
                               size_t weights_size, const trt_caffe_options_t *options) {
  return trt_caffe_parse_memory(network, text, strlen(text), weights, weights_size, options,
                                "test.prototxt");
}

/* Parses, expects `status`, and that the message contains `needle`. */
static void expect_error(const char *text, const void *weights, size_t size, trt_status_t status,
                         const char *needle) {
  trt_network_t *network = trt_network_create();
  trt_status_t got = parse_text(network, text, weights, size, NULL);
  CHECK(got == status, "status %s, expected %s (%s)", trt_status_name(got),
        trt_status_name(status), trt_last_error());
  CHECK(strstr(trt_last_error(), needle), "message '%s' lacks '%s'", trt_last_error(), needle);
  trt_network_destroy(network);
}

static const char *small_net =
    "name: \"small\"\n"
    "input: \"data\" input_dim: 1 input_dim: 2 input_dim: 5 input_dim: 5\n"
    "layer { name: \"conv\" type: \"Convolution\" bottom: \"data\" top: \"conv\"\n"
    "  convolution_param { num_output: 3 kernel_size: 3 } }\n"
    "layer { name: \"relu\" type: \"ReLU\" bottom: \"conv\" top: \"conv\" }\n"
    "layer { name: \"ip\" type: \"InnerProduct\" bottom: \"conv\" top: \"ip\"\n"
    "  inner_product_param { num_output: 4 } }\n"
    "layer { name: \"prob\" type: \"Softmax\" bottom: \"ip\" top: \"prob\" }\n";

static void test_syntax_errors(void) {
  expect_error("name: \"x\"\nlayer {\n  type: = \"ReLU\"\n}\n", NULL, 0, TRT_STATUS_PARSE_ERROR,
               "test.prototxt:3:9:");
  expect_error("layer {\n  name: \"a\"\n", NULL, 0, TRT_STATUS_PARSE_ERROR, "expected '}'");
  expect_error("layer { name: \"unterminated }\n", NULL, 0, TRT_STATUS_PARSE_ERROR,
               "test.prototxt:1:15: unterminated string");
  expect_error("input: \"d\"\ninput_dim: 1 input_dim: 2 input_dim: x input_dim: 3\n", NULL, 0,
               TRT_STATUS_PARSE_ERROR, "test.prototxt:2:38:");
  expect_error("layer { name: \"p\" type: \"Pooling\" pooling_param { pool: MEDIAN } }", NULL, 0,
               TRT_STATUS_PARSE_ERROR, "'MEDIAN' is not a value of PoolMethod");
}

static void test_layer_errors(void) {
  expect_error("input: \"data\" input_shape { dim: 1 dim: 3 }\n"
               "layer { name: \"mystery\" type: \"Frobnicate\" bottom: \"data\" top: \"y\" }\n",
               NULL, 0, TRT_STATUS_UNSUPPORTED,
               "test.prototxt:2:1: layer 'mystery' (Frobnicate): layer type 'Frobnicate' is not "
               "supported");
  expect_error("input: \"data\" input_shape { dim: 1 dim: 3 }\n"
               "layer { name: \"r\" type: \"ReLU\" bottom: \"nothing\" top: \"y\" }\n",
               NULL, 0, TRT_STATUS_PARSE_ERROR, "bottom 'nothing' is not produced");
  expect_error("input: \"data\" input_shape { dim: 1 dim: 3 }\n"
               "layer { name: \"r\" type: \"ReLU\" top: \"y\" }\n",
               NULL, 0, TRT_STATUS_PARSE_ERROR, "layer 'r' (ReLU): has 0 bottoms, expected 1");
  expect_error("input: \"data\" input_shape { dim: 1 dim: 3 dim: 4 dim: 4 }\n"
               "layer { name: \"c\" type: \"Convolution\" bottom: \"data\" top: \"y\"\n"
               "  convolution_param { kernel_size: 3 } }\n",
               NULL, 0, TRT_STATUS_PARSE_ERROR, "layer 'c' (Convolution): num_output is missing");
}

/* `text` with the first `from` replaced by `to` (malloc'd). */
static char *replaced(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  char *result = malloc(strlen(text) + strlen(to) + 1);
  if (!at || !result) {
    free(result);
    return strdup(text);
  }
  size_t head = (size_t)(at - text);
  memcpy(result, text, head);
  strcpy(result + head, to);
  strcat(result, at + strlen(from));
  return result;
}

static bool read_whole(const char *path, char **data, size_t *size) {
  void *bytes = NULL;
  bool ok = trt_file_read_all(path, &bytes, size) == TRT_STATUS_OK;
  *data = bytes;
  return ok;
}

static void test_caffemodel_errors(const char *tmp) {
  char deploy[1024], model[1024];
  snprintf(deploy, sizeof(deploy), "%s/small.prototxt", tmp);
  snprintf(model, sizeof(model), "%s/small.caffemodel", tmp);
  FILE *file = fopen(deploy, "w");
  CHECK(file, "cannot write %s", deploy);
  if (!file)
    return;
  fputs(small_net, file);
  fclose(file);
  trt_status_t status = trt_caffe_save_weights(deploy, NULL, NULL, model);
  CHECK(status == TRT_STATUS_OK, "save: %s", trt_last_error());
  char *bytes = NULL;
  size_t size = 0;
  if (!read_whole(model, &bytes, &size))
    return;
  /* The whole file reads back. */
  trt_network_t *network = trt_network_create();
  status = parse_text(network, small_net, bytes, size, NULL);
  CHECK(status == TRT_STATUS_OK, "reading our caffemodel: %s", trt_last_error());
  trt_network_destroy(network);
  /* Cut inside the packed weights: protobuf cannot decode it. */
  expect_error(small_net, bytes, size / 2, TRT_STATUS_PARSE_ERROR, "truncated");
  /* The caffemodel has weights and bias for conv; this description wants no bias. */
  char *no_bias = replaced(small_net, "kernel_size: 3 }", "kernel_size: 3 bias_term: false }");
  expect_error(no_bias, bytes, size, TRT_STATUS_PARSE_ERROR,
               "layer 'conv' (Convolution): caffemodel has 2 blobs for this layer, expected 1 "
               "(weights 3x2x3x3)");
  free(no_bias);
  /* Four outputs in the file, five wanted: both shapes are named. */
  char *wider = replaced(small_net, "num_output: 4", "num_output: 5");
  expect_error(wider, bytes, size, TRT_STATUS_PARSE_ERROR,
               "layer 'ip' (InnerProduct): caffemodel: blob 0 (weights) has shape 4x27, "
               "expected 5x27");
  free(wider);
  free(bytes);
}

static void test_text_format_and_naming(void) {
  /* Comments, escapes, adjacent strings, lists, <> messages, enum numbers,
   * a TRAIN-only layer and an in-place chain. */
  const char *text =
      "# a comment\n"
      "name: 'we\\'ird' \"net\"\n"
      "layer { name: \"data\" type: \"Input\" top: \"data\"\n"
      "  input_param < shape: { dim: [1, 4, 3, 3] } > }\n"
      "layer { name: \"train\" type: \"Dropout\" bottom: \"data\" top: \"data\"\n"
      "  include { phase: TRAIN } }\n"
      "layer { name: \"pool\" type: \"Pooling\" bottom: \"data\" top: \"pool\";\n"
      "  pooling_param { pool: 1 kernel_size: 2 stride: 1 unknown_field: { a: 1 } } }\n"
      "layer { name: \"act\" type: \"ReLU\" bottom: \"pool\" top: \"pool\" }\n"
      "layer { name: \"act2\" type: \"TanH\" bottom: \"pool\" top: \"pool\" }\n";
  trt_network_t *network = trt_network_create();
  trt_set_log_level(TRT_SEVERITY_ERROR); /* the unknown field warns */
  trt_status_t status = parse_text(network, text, NULL, 0, NULL);
  trt_set_log_level(TRT_SEVERITY_WARNING);
  CHECK(status == TRT_STATUS_OK, "%s", trt_last_error());
  if (status == TRT_STATUS_OK) {
    CHECK(trt_network_num_layers(network) == 3, "%d layers", trt_network_num_layers(network));
    CHECK(trt_network_num_outputs(network) == 1, "%d outputs", trt_network_num_outputs(network));
    const char *out = trt_network_tensor_name(network, trt_network_output(network, 0));
    CHECK(strcmp(out, "pool") == 0, "the last version keeps the blob name, got '%s'", out);
    CHECK(trt_network_find_tensor(network, "pool@pool") >= 0, "first version renamed");
    const trt_pooling_params_t *pool = trt_network_layer_params(network, 0);
    CHECK(pool->kind == TRT_POOLING_AVERAGE, "enum by number");
  }
  trt_network_destroy(network);
}

static void test_outputs_and_seed(void) {
  trt_caffe_options_t options;
  trt_caffe_options_init(&options);
  const char *wanted[] = {"ip"};
  options.outputs = wanted;
  options.nb_outputs = 1;
  trt_network_t *a = trt_network_create(), *b = trt_network_create(), *c = trt_network_create();
  CHECK(parse_text(a, small_net, NULL, 0, &options) == TRT_STATUS_OK, "%s", trt_last_error());
  CHECK(trt_network_num_outputs(a) == 1 && trt_network_num_layers(a) == 4,
        "outputs %d layers %d (softmax pruned)", trt_network_num_outputs(a),
        trt_network_num_layers(a));
  options.outputs = NULL;
  options.nb_outputs = 0;
  CHECK(parse_text(b, small_net, NULL, 0, &options) == TRT_STATUS_OK, "%s", trt_last_error());
  options.seed = 99;
  CHECK(parse_text(c, small_net, NULL, 0, &options) == TRT_STATUS_OK, "%s", trt_last_error());
  int wa = trt_network_find_tensor(a, "conv:weights");
  int wb = trt_network_find_tensor(b, "conv:weights");
  int wc = trt_network_find_tensor(c, "conv:weights");
  CHECK(wa >= 0 && wb >= 0 && wc >= 0, "weights constants");
  if (wa >= 0 && wb >= 0 && wc >= 0) {
    CHECK(memcmp(trt_network_tensor_data(a, wa), trt_network_tensor_data(b, wb),
                 54 * sizeof(float)) == 0, "same seed, same weights");
    CHECK(memcmp(trt_network_tensor_data(a, wa), trt_network_tensor_data(c, wc),
                 54 * sizeof(float)) != 0, "another seed, other weights");
  }
  options.outputs = (const char *[]){"missing"};
  options.nb_outputs = 1;
  trt_network_t *d = trt_network_create();
  CHECK(parse_text(d, small_net, NULL, 0, &options) == TRT_STATUS_INVALID_ARGUMENT &&
            strstr(trt_last_error(), "'missing'"), "%s", trt_last_error());
  trt_network_destroy(a);
  trt_network_destroy(b);
  trt_network_destroy(c);
  trt_network_destroy(d);
}

/* ---- numerics with hand-made caffemodels ---------------------------------- */

typedef struct {
  const char *layer;
  int nb_blobs;
  const float *data[3];
  int64_t dims[3][4];
  int ranks[3];
} model_layer_t;

/* Packs a caffemodel with the given layers' blobs (malloc'd, to free). */
static uint8_t *make_caffemodel(const model_layer_t *layers, int count, size_t *size) {
  Caffe__NetParameter net = CAFFE__NET_PARAMETER__INIT;
  Caffe__LayerParameter layer_messages[4], *layer_pointers[4];
  Caffe__BlobProto blobs[4][3], *blob_pointers[4][3];
  Caffe__BlobShape shapes[4][3];
  for (int l = 0; l < count; l++) {
    caffe__layer_parameter__init(&layer_messages[l]);
    layer_messages[l].name = (char *)layers[l].layer;
    layer_messages[l].n_blobs = (size_t)layers[l].nb_blobs;
    layer_messages[l].blobs = blob_pointers[l];
    for (int b = 0; b < layers[l].nb_blobs; b++) {
      caffe__blob_proto__init(&blobs[l][b]);
      caffe__blob_shape__init(&shapes[l][b]);
      shapes[l][b].n_dim = (size_t)layers[l].ranks[b];
      shapes[l][b].dim = (int64_t *)layers[l].dims[b];
      int64_t volume = 1;
      for (int d = 0; d < layers[l].ranks[b]; d++)
        volume *= layers[l].dims[b][d];
      blobs[l][b].shape = &shapes[l][b];
      blobs[l][b].n_data = (size_t)volume;
      blobs[l][b].data = (float *)layers[l].data[b];
      blob_pointers[l][b] = &blobs[l][b];
    }
    layer_pointers[l] = &layer_messages[l];
  }
  net.n_layer = (size_t)count;
  net.layer = layer_pointers;
  *size = caffe__net_parameter__get_packed_size(&net);
  uint8_t *bytes = malloc(*size);
  caffe__net_parameter__pack(&net, bytes);
  return bytes;
}

/* Runs a one-output network on the CPU with the given inputs. */
static bool run_cpu(const char *text, const uint8_t *weights, size_t size, float *const *inputs,
                    int nb_inputs, float *output, size_t output_count) {
  trt_network_t *network = trt_network_create();
  trt_engine_t *engine = NULL;
  trt_context_t *context = NULL;
  bool ok = parse_text(network, text, weights, size, NULL) == TRT_STATUS_OK;
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  ok = ok && trt_engine_build(network, &config, &engine) == TRT_STATUS_OK;
  ok = ok && trt_context_create(engine, &context) == TRT_STATUS_OK;
  if (ok) {
    void *bindings[8];
    for (int i = 0; i < nb_inputs; i++)
      bindings[i] = inputs[i];
    bindings[nb_inputs] = output;
    trt_dims_t dims = trt_engine_binding_dims(engine, nb_inputs);
    ok = trt_dims_volume(&dims) == (int64_t)output_count &&
         trt_context_execute(context, 1, bindings) == TRT_STATUS_OK;
  }
  if (!ok)
    fprintf(stderr, "run failed: %s\n", trt_last_error());
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  trt_network_destroy(network);
  return ok;
}

static void test_numerics(void) {
  /* InnerProduct with transpose: weights stored [K, N], y = x W. */
  {
    const float w[6] = {1, 2, 3, 4, 5, 6}, bias[2] = {0.5f, -1};
    model_layer_t layer = {"ip", 2, {w, bias}, {{3, 2}, {2}}, {2, 1}};
    size_t size;
    uint8_t *model = make_caffemodel(&layer, 1, &size);
    float x[3] = {1, -1, 2}, y[2];
    float *inputs[1] = {x};
    bool ok = run_cpu("input: 'x' input_shape { dim: 1 dim: 3 }\n"
                      "layer { name: 'ip' type: 'InnerProduct' bottom: 'x' top: 'y'\n"
                      "  inner_product_param { num_output: 2 transpose: true } }",
                      model, size, inputs, 1, y, 2);
    CHECK(ok && y[0] == 1 - 3 + 10 + 0.5f && y[1] == 2 - 4 + 12 - 1, "got %g %g", y[0], y[1]);
    free(model);
  }
  /* LRN across channels with k = 2. */
  {
    float x[3] = {1, 2, 3}, y[3];
    float *inputs[1] = {x};
    bool ok = run_cpu("input: 'x' input_shape { dim: 1 dim: 3 dim: 1 dim: 1 }\n"
                      "layer { name: 'n' type: 'LRN' bottom: 'x' top: 'y'\n"
                      "  lrn_param { local_size: 3 alpha: 0.3 beta: 0.75 k: 2 } }",
                      NULL, 0, inputs, 1, y, 3);
    const float sums[3] = {1 + 4, 1 + 4 + 9, 4 + 9};
    for (int c = 0; ok && c < 3; c++) {
      float want = x[c] / powf(2.0f + 0.1f * sums[c], 0.75f);
      CHECK(fabsf(y[c] - want) < 1e-6f, "channel %d: %g, want %g", c, y[c], want);
    }
    CHECK(ok, "LRN run");
  }
  /* Scale by a second bottom along axis 1, then a learned Bias over two axes. */
  {
    const float b[6] = {10, 20, 30, 40, 50, 60};
    model_layer_t layer = {"b", 1, {b}, {{2, 3}}, {2}};
    size_t size;
    uint8_t *model = make_caffemodel(&layer, 1, &size);
    float x[12], s[2] = {2, -1}, y[12];
    for (int i = 0; i < 12; i++)
      x[i] = (float)i;
    float *inputs[2] = {x, s};
    bool ok = run_cpu("input: 'x' input_shape { dim: 1 dim: 2 dim: 3 dim: 2 }\n"
                      "input: 's' input_shape { dim: 2 }\n"
                      "layer { name: 'sc' type: 'Scale' bottom: 'x' bottom: 's' top: 'z'\n"
                      "  scale_param { axis: 1 } }\n"
                      "layer { name: 'b' type: 'Bias' bottom: 'z' top: 'y'\n"
                      "  bias_param { axis: 1 num_axes: 2 } }",
                      model, size, inputs, 2, y, 12);
    for (int i = 0; ok && i < 12; i++) {
      int channel = i / 6, row = (i / 2) % 3;
      float want = x[i] * s[channel] + b[channel * 3 + row];
      CHECK(y[i] == want, "element %d: %g, want %g", i, y[i], want);
    }
    CHECK(ok, "Scale/Bias run");
    free(model);
  }
  /* BatchNorm divides its statistics by the third blob; two blobs are an error. */
  {
    const float mean[2] = {2, 4}, variance[2] = {8, 18}, factor[1] = {2};
    model_layer_t layer = {"bn", 3, {mean, variance, factor}, {{2}, {2}, {1}}, {1, 1, 1}};
    size_t size;
    uint8_t *model = make_caffemodel(&layer, 1, &size);
    const char *text = "input: 'x' input_shape { dim: 1 dim: 2 }\n"
                       "layer { name: 'bn' type: 'BatchNorm' bottom: 'x' top: 'y'\n"
                       "  batch_norm_param { eps: 0.5 } }";
    float x[2] = {3, 1}, y[2];
    float *inputs[1] = {x};
    bool ok = run_cpu(text, model, size, inputs, 1, y, 2);
    for (int c = 0; ok && c < 2; c++) {
      float want = (x[c] - mean[c] / 2) / sqrtf(variance[c] / 2 + 0.5f);
      CHECK(fabsf(y[c] - want) < 1e-6f, "channel %d: %g, want %g", c, y[c], want);
    }
    CHECK(ok, "BatchNorm run");
    free(model);
    layer.nb_blobs = 2;
    model = make_caffemodel(&layer, 1, &size);
    expect_error(text, model, size, TRT_STATUS_PARSE_ERROR,
                 "has 2 blobs for this layer, expected 3");
    free(model);
  }
}

/* SSD's layers: Normalize's numerics (per position with a per-channel
 * scale; across positions with a shared scale stored as Caffe does, a blob
 * of no axes), PriorBox's parameter spellings and rules, and
 * DetectionOutput's defaults and required num_classes. */
static void test_ssd_layers(void) {
  {
    const float scale[2] = {2, 3};
    model_layer_t layer = {"norm", 1, {scale}, {{2}}, {1}};
    size_t size;
    uint8_t *model = make_caffemodel(&layer, 1, &size);
    float x[4] = {3, -1, 4, 2}, y[4]; /* [1, 2, 1, 2]: positions (3, 4) and (-1, 2) */
    float *inputs[1] = {x};
    bool ok = run_cpu("input: 'x' input_shape { dim: 1 dim: 2 dim: 1 dim: 2 }\n"
                      "layer { name: 'norm' type: 'Normalize' bottom: 'x' top: 'y'\n"
                      "  norm_param { across_spatial: false channel_shared: false eps: 0.5 } }",
                      model, size, inputs, 1, y, 4);
    const float norms[2] = {5.0f + 0.5f, sqrtf(5.0f) + 0.5f}; /* sqrt(sum) + eps */
    for (int i = 0; ok && i < 4; i++) {
      float want = x[i] / norms[i % 2] * scale[i / 2];
      CHECK(fabsf(y[i] - want) < 1e-6f, "per position %d: %g, want %g", i, y[i], want);
    }
    CHECK(ok, "Normalize per position run");
    free(model);
  }
  {
    const float scale[1] = {10};
    model_layer_t layer = {"norm", 1, {scale}, {{0}}, {0}}; /* no axes: one value */
    size_t size;
    uint8_t *model = make_caffemodel(&layer, 1, &size);
    float x[4] = {3, -1, 4, 2}, y[4];
    float *inputs[1] = {x};
    bool ok = run_cpu("input: 'x' input_shape { dim: 1 dim: 2 dim: 1 dim: 2 }\n"
                      "layer { name: 'norm' type: 'Normalize' bottom: 'x' top: 'y'\n"
                      "  norm_param { eps: 6 } }",
                      model, size, inputs, 1, y, 4);
    for (int i = 0; ok && i < 4; i++) { /* sqrt(30 + eps) = 6 */
      float want = x[i] / 6.0f * 10.0f;
      CHECK(fabsf(y[i] - want) < 1e-5f, "across %d: %g, want %g", i, y[i], want);
    }
    CHECK(ok, "Normalize across positions run");
    free(model);
  }
  /* PriorBox: one variance for all four, flip off, img_h/img_w (x divided
   * by the width, y by the height), step_h/step_w. */
  {
    float feature[4] = {0}, image[2 * 40] = {0}, y[2 * 2 * 2 * 2 * 4];
    float *inputs[2] = {feature, image};
    bool ok = run_cpu("input: 'f' input_shape { dim: 1 dim: 1 dim: 2 dim: 2 }\n"
                      "input: 'img' input_shape { dim: 1 dim: 1 dim: 2 dim: 40 }\n"
                      "layer { name: 'pb' type: 'PriorBox' bottom: 'f' bottom: 'img' top: 'y'\n"
                      "  prior_box_param { min_size: 4 aspect_ratio: 4 flip: false\n"
                      "    variance: 0.3 img_h: 20 img_w: 40 step_h: 10 step_w: 20 } }",
                      NULL, 0, inputs, 2, y, 64);
    /* 2 priors per cell; cell (0, 1): centre (30, 5); min box 4x4, ratio 4:
     * 8 wide, 2 high */
    const float want[8] = {28 / 40.0f, 3 / 20.0f, 32 / 40.0f, 7 / 20.0f,
                           26 / 40.0f, 4 / 20.0f, 34 / 40.0f, 6 / 20.0f};
    for (int i = 0; ok && i < 8; i++)
      CHECK(fabsf(y[8 + i] - want[i]) < 1e-6f, "prior value %d: %g, want %g", i, y[8 + i], want[i]);
    for (int i = 32; ok && i < 64; i++)
      CHECK(y[i] == 0.3f, "variance %d: %g", i, y[i]);
    CHECK(ok, "PriorBox run");
  }
  const char *pb = "input: 'f' input_shape { dim: 1 dim: 1 dim: 2 dim: 2 }\n"
                   "layer { name: 'pb' type: 'PriorBox' bottom: 'f' bottom: 'f' top: 'y'\n"
                   "  prior_box_param { %s } }";
  const struct {
    const char *params, *needle;
  } bad[] = {
      {"min_size: 4 img_size: 10 img_h: 10 img_w: 10", "not both"},
      {"min_size: 4 step: 10 step_w: 10", "not both"},
      {"min_size: 4 variance: 0.1 variance: 0.2", "expected 1 or 4"},
      {"min_size: 4 min_size: 8 max_size: 9", "one each, or none"},
      {"max_size: 9", "0 min_size values"},
      {"min_size: 4 max_size: 3", "not above its min_size"},
      {"min_size: 4 aspect_ratio: -2", "aspect ratio"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char text[512];
    snprintf(text, sizeof(text), pb, bad[i].params);
    expect_error(text, NULL, 0, TRT_STATUS_PARSE_ERROR, bad[i].needle);
  }
  const char *detect =
      "input: 'loc' input_shape { dim: 1 dim: 8 }\n"
      "input: 'conf' input_shape { dim: 1 dim: 6 }\n"
      "input: 'pri' input_shape { dim: 1 dim: 2 dim: 8 }\n"
      "layer { name: 'det' type: 'DetectionOutput' bottom: 'loc' bottom: 'conf' bottom: 'pri'\n"
      "  top: 'y' detection_output_param { %s } }";
  char text[1024];
  snprintf(text, sizeof(text), detect, "share_location: true");
  expect_error(text, NULL, 0, TRT_STATUS_PARSE_ERROR, "num_classes must be given");
  snprintf(text, sizeof(text), detect, "num_classes: 3 nms_param { top_k: 1 } code_type: CORNER");
  trt_network_t *network = trt_network_create();
  CHECK(parse_text(network, text, NULL, 0, NULL) == TRT_STATUS_OK &&
            trt_network_infer_shapes(network) == TRT_STATUS_OK,
        "%s", trt_last_error());
  if (trt_network_num_outputs(network) == 1) {
    /* keep_top_k -1: (3 classes - background) x top_k 1 rows */
    trt_dims_t dims = trt_network_tensor_dims(network, trt_network_output(network, 0));
    CHECK(dims.nb_dims == 4 && dims.d[0] == 1 && dims.d[2] == 2 && dims.d[3] == 7, "dims %lld rows",
          (long long)dims.d[2]);
    const trt_detection_output_params_t *params =
        trt_network_layer_params(network, trt_network_num_layers(network) - 1);
    CHECK(params->background_label_id == 0 && params->share_location &&
              params->code_type == TRT_BOX_CODE_CORNER && params->nms_threshold == 0.3f &&
              params->eta == 1.0f && params->keep_top_k == -1 && params->top_k == 1 &&
              params->confidence_threshold == -FLT_MAX,
          "Caffe's defaults");
  }
  trt_network_destroy(network);
}

/* The shared networks infer their documented output shapes. */
static void test_shared_shapes(const char *models) {
  static const struct {
    const char *file;
    const char *dims;
  } cases[] = {
      {"lenet.prototxt", "64x10"},           {"cifar10_quick.prototxt", "1x10"},
      {"bvlc_alexnet.prototxt", "10x1000"},  {"bvlc_googlenet.prototxt", "10x1000"},
      {"resnet50.prototxt", "1x1000"},       {"mobilenet_v1.prototxt", "1x1000x1x1"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", models, cases[i].file);
    FILE *probe = fopen(path, "r");
    if (!probe) {
      printf("skipping %s: not found\n", path);
      continue;
    }
    fclose(probe);
    trt_network_t *network = trt_network_create();
    trt_status_t status = trt_caffe_parse(network, path, NULL, NULL);
    if (status == TRT_STATUS_OK)
      status = trt_network_infer_shapes(network);
    CHECK(status == TRT_STATUS_OK, "%s: %s", cases[i].file, trt_last_error());
    if (status == TRT_STATUS_OK) {
      int prob = trt_network_find_tensor(network, "prob");
      CHECK(prob >= 0 && trt_network_num_outputs(network) == 1 &&
                trt_network_output(network, 0) == prob, "%s: prob is the output", cases[i].file);
      char text[64] = "";
      trt_dims_t dims = trt_network_tensor_dims(network, prob);
      trt_dims_format(&dims, text, sizeof(text));
      CHECK(strcmp(text, cases[i].dims) == 0, "%s: prob is %s, expected %s", cases[i].file, text,
            cases[i].dims);
    }
    trt_network_destroy(network);
  }
}

int main(void) {
  const char *tmp = getenv("TRT_TEST_TMP");
  const char *models = getenv("TRT_CAFFE_MODELS");
  test_syntax_errors();
  test_layer_errors();
  test_caffemodel_errors(tmp ? tmp : ".");
  test_text_format_and_naming();
  test_outputs_and_seed();
  test_numerics();
  test_ssd_layers();
  test_shared_shapes(models ? models : "../shared/models/caffe");
  if (failures)
    fprintf(stderr, "%d checks failed\n", failures);
  else
    printf("all Caffe parser checks passed\n");
  return failures ? 1 : 0;
}
