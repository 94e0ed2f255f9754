/* Constant folding as a pass: a layer left with constant inputs after shape
 * inference (here added afterwards, as a rewrite might) is evaluated. */
#include "pass_test_util.h"
#include "passes/pass_util.h"

int main(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 2, 2);
  float values[] = {-1, 2, -3, 4, -5, 6, -7, 8};
  trt_dims_t dims = dims4(1, 2, 2, 2);
  int c = trt_network_add_constant(net, "c", TRT_DATA_TYPE_FLOAT32, &dims, values);
  int y = add_binary(net, "add", TRT_ELEMENTWISE_ADD, x, c);
  trt_network_mark_output(net, y);
  CHECK_OK(trt_network_infer_shapes(net));
  int relu_layer = net->nb_layers;
  int folded = add_unary(net, "relu_c", c, TRT_ACTIVATION_RELU, 0, 0);
  CHECK_OK(trt_layer_descriptor(TRT_LAYER_UNARY)->infer(net, &net->layers[relu_layer]));
  net->layers[0].inputs[1] = folded; /* add now reads relu(c) */
  CHECK_OK(trt_network_sort(net));
  trt_pass_stats_t stats = {.pass_name = "constant-folding"};
  CHECK_OK(trt_pass_constant_folding(net, &stats));
  CHECK_OK(trt_pass_compact(net));
  CHECK(stats.rewrites == 1 && net->nb_layers == 1);
  int t = trt_network_find_tensor(net, "relu_c:0");
  const float *data = t >= 0 ? trt_network_tensor_data(net, t) : NULL;
  CHECK(data && data[0] == 0 && data[1] == 2 && data[6] == 0 && data[7] == 8);
  trt_network_destroy(net);

  /* Must not: a layer reading a network input stays. */
  net = trt_network_create();
  x = add_input4(net, "x", 1, 2, 2, 2);
  trt_network_mark_output(net, add_unary(net, "relu", x, TRT_ACTIVATION_RELU, 0, 0));
  CHECK_OK(trt_network_infer_shapes(net));
  stats.rewrites = 0;
  CHECK_OK(trt_pass_constant_folding(net, &stats));
  CHECK(stats.rewrites == 0 && net->nb_layers == 1);
  trt_network_destroy(net);
  return test_finish("passes/constant_folding");
}
