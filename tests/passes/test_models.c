/* Every pass on real models: outputs with all passes on must equal outputs
 * with all passes off (relative L2 <= 1e-5); prints the layer counts before
 * and after. Models: arguments (.onnx, or Caffe .prototxt with random
 * weights). On GoogLeNet every Concat must be eliminated and the inception
 * 1x1 convolutions merged; on ResNets no BatchNorm, ReLU or Add may remain.
 * A Caffe model the importer cannot read is reported and skipped.
 *
 * Two refinements keep the comparison meaningful: a Softmax output's input
 * (the logits) is compared too, since with random weights the softmax often
 * saturates to exact 0/1; and a model whose output moves by more than 1e-5
 * when its input moves by one rounding step (PP-OCR det on random input) is
 * held to 3x that measured sensitivity instead, since any reordering of
 * float arithmetic, BatchNorm folding included, moves it that much. A model
 * given with a real input (MODEL:INPUT.bin:DIMS, e.g. PP-OCR det on the
 * rendered text page) is held to 1e-5 on that input, strictly. */
#include <libgen.h>

#include "pass_test_util.h"
#include "trt/caffe_parser.h"
#include "trt/onnx_parser.h"

static bool ends_with(const char *text, const char *suffix) {
  size_t a = strlen(text), b = strlen(suffix);
  return a >= b && strcmp(text + a - b, suffix) == 0;
}

/* Dynamic dims: batch 1, spatial 320 (PP-OCR's det/rec/cls take that). */
static void fix_dynamic_inputs(trt_network_t *net) {
  for (int i = 0; i < trt_network_num_inputs(net); i++) {
    int t = trt_network_input(net, i);
    trt_dims_t dims = trt_network_tensor_dims(net, t);
    for (int d = 0; d < dims.nb_dims; d++)
      if (dims.d[d] < 0)
        dims.d[d] = d == 0 ? 1 : 320;
    trt_network_set_input_dims(net, trt_network_tensor_name(net, t), &dims);
  }
}

/* Also compares the logits under a Softmax output. */
static void mark_softmax_inputs(trt_network_t *net) {
  int outputs = trt_network_num_outputs(net);
  for (int i = 0; i < outputs; i++) {
    int tensor = trt_network_output(net, i);
    for (int l = 0; l < net->nb_layers; l++)
      if (net->layers[l].type == TRT_LAYER_SOFTMAX && net->layers[l].outputs[0] == tensor &&
          !net->tensors[net->layers[l].inputs[0]].is_input)
        trt_network_mark_output(net, net->layers[l].inputs[0]);
  }
}

/* Relative L2 change of the outputs (passes off) when every input value
 * moves by about one rounding step (6e-8 relative, alternating sign). */
static double input_sensitivity(const trt_network_t *net) {
  trt_engine_t *engine = build_with(net, 0);
  if (!engine)
    return INFINITY;
  float **base = run_engine(engine, 99), **moved = run_engine(engine, 99);
  int count = trt_engine_num_bindings(engine);
  for (int b = 0; b < count; b++) {
    if (!trt_engine_binding_is_input(engine, b))
      continue;
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    for (int64_t i = 0; i < trt_dims_volume(&dims); i++)
      moved[b][i] *= 1.0f + (i % 2 ? 6e-8f : -6e-8f);
  }
  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  if (context)
    CHECK_OK(trt_context_execute(context, 1, (void *const *)moved));
  trt_context_destroy(context);
  double worst = 0;
  for (int b = 0; b < count; b++) {
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    double change = trt_engine_binding_is_input(engine, b)
                        ? 0
                        : test_relative_l2(moved[b], base[b], trt_dims_volume(&dims));
    if (!(change <= worst))
      worst = change;
    free(base[b]);
    free(moved[b]);
  }
  free(base);
  free(moved);
  trt_engine_destroy(engine);
  return worst;
}

static void count_kinds(const trt_network_t *o, int *merged, int *concats, int *in_place,
                        int *relus, int *adds) {
  *merged = *concats = *in_place = *relus = *adds = 0;
  for (int l = 0; l < o->nb_layers; l++) {
    const trt_layer_t *layer = &o->layers[l];
    *merged += layer->type == TRT_LAYER_CONVOLUTION && layer->nb_outputs > 1;
    if (layer->type == TRT_LAYER_CONCAT) {
      (*concats)++;
      *in_place += ((const trt_concat_params_t *)layer->params)->in_place;
    }
    *relus += layer->type == TRT_LAYER_UNARY &&
              ((const trt_unary_params_t *)layer->params)->op.kind == TRT_ACTIVATION_RELU;
    *adds += layer->type == TRT_LAYER_ELEMENTWISE &&
             ((const trt_elementwise_params_t *)layer->params)->kind == TRT_ELEMENTWISE_ADD;
  }
}

/* Reads a raw float32 file of exactly `count` values; NULL otherwise. */
static float *read_floats(const char *path, int64_t count) {
  FILE *file = fopen(path, "rb");
  float *data = malloc((size_t)count * sizeof(float));
  bool ok = file && data && fread(data, sizeof(float), (size_t)count, file) == (size_t)count &&
            fgetc(file) == EOF;
  if (file)
    fclose(file);
  if (!ok) {
    free(data);
    return NULL;
  }
  return data;
}

static void test_model(const char *argument) {
  char path[1024], input_path[1024] = "", dims_text[64] = "";
  snprintf(path, sizeof(path), "%s", argument);
  char *separator = strchr(path, ':');
  if (separator) {
    *separator = '\0';
    sscanf(separator + 1, "%1023[^:]:%63s", input_path, dims_text);
  }
  trt_network_t *net = trt_network_create();
  bool caffe = ends_with(path, ".prototxt");
  trt_status_t status = caffe ? trt_caffe_parse(net, path, NULL, NULL) : trt_onnx_parse(net, path);
  if (status != TRT_STATUS_OK) {
    printf("%s: not imported (%s)%s\n", path, trt_last_error(), caffe ? "; skipped" : "");
    if (!caffe)
      test_failures++;
    trt_network_destroy(net);
    return;
  }
  trt_dims_t input_dims;
  float *input = NULL;
  if (input_path[0]) {
    CHECK_OK(trt_dims_parse(dims_text, &input_dims));
    input = read_floats(input_path, trt_dims_volume(&input_dims));
    CHECK(input != NULL);
    CHECK_OK(trt_network_set_input_dims(
        net, trt_network_tensor_name(net, trt_network_input(net, 0)), &input_dims));
    given_input = input;
    given_input_count = trt_dims_volume(&input_dims);
  }
  fix_dynamic_inputs(net);
  mark_softmax_inputs(net);
  trt_set_log_level(TRT_SEVERITY_VERBOSE);
  trt_engine_t *optimized_engine = build_with(net, ALL_PASSES);
  trt_set_log_level(TRT_SEVERITY_WARNING);
  trt_engine_t *plain = build_with(net, 0);
  if (optimized_engine && plain) {
    const trt_network_t *o = optimized(optimized_engine);
    int merged, concats, in_place, relus, adds;
    count_kinds(o, &merged, &concats, &in_place, &relus, &adds);
    printf("%s: %d layers imported, %d with passes off, %d with passes on "
           "(BatchNorm %d, ReLU %d, Add %d, Concat %d of which in place %d, merged convs %d)\n",
           path, trt_network_num_layers(net), trt_engine_num_layers(plain), o->nb_layers,
           count_layers(o, TRT_LAYER_BATCH_NORM), relus, adds, concats, in_place, merged);
    double error = compare_with_reference(net, ALL_PASSES);
    if (input) {
      printf("  relative L2, passes on vs off, on %s: %g (bound 1e-5)\n", input_path, error);
      CHECK_BELOW(error, 1e-5);
    } else {
      double sensitivity = input_sensitivity(net);
      double bound = 3 * sensitivity > 1e-5 ? 3 * sensitivity : 1e-5;
      printf("  relative L2, passes on vs off: %g (bound %g; a one-ulp input change moves the "
             "outputs by %g)\n",
             error, bound, sensitivity);
      CHECK_BELOW(error, bound);
    }
    char copy[1024];
    snprintf(copy, sizeof(copy), "%s", path);
    const char *name = basename(copy);
    if (strstr(name, "googlenet")) {
      CHECK(concats > 0 && in_place == concats);
      CHECK(merged >= 9); /* one per inception module */
    }
    if (strstr(name, "resnet")) {
      CHECK(count_layers(o, TRT_LAYER_BATCH_NORM) == 0);
      CHECK(relus == 0 && adds == 0);
      CHECK(count_layers(o, TRT_LAYER_ELEMENTWISE) == 0);
    }
  }
  trt_engine_destroy(optimized_engine);
  trt_engine_destroy(plain);
  trt_network_destroy(net);
  given_input = NULL;
  free(input);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    printf("no models given: skipped\n");
    return 77;
  }
  for (int i = 1; i < argc; i++)
    test_model(argv[i]);
  return test_finish("passes/models");
}
