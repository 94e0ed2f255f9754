/* Every pass on real models: outputs with all passes on must equal outputs
 * with all passes off (relative L2 <= 1e-5); prints the layer counts before
 * and after. Models: arguments (.onnx, or Caffe .prototxt with random
 * weights). On GoogLeNet every Concat must be eliminated and the inception
 * 1x1 convolutions merged; on ResNets no BatchNorm, ReLU or Add may remain.
 * A Caffe model the importer cannot read is reported and skipped. */
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

static void test_model(const char *path) {
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
  fix_dynamic_inputs(net);
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
    const char *mask = getenv("PASSES");
    double error = compare_with_reference(net, mask ? (uint32_t)atoi(mask) : ALL_PASSES);
    printf("  relative L2, passes on vs off: %g\n", error);
    CHECK_BELOW(error, 1e-5);
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
