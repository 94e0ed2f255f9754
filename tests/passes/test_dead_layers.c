/* Dead-layer elimination, run directly on a network. */
#include "pass_test_util.h"

int main(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 3, 3);
  int y = add_unary(net, "used", x, TRT_ACTIVATION_RELU, 0, 0);
  int unused = add_unary(net, "unused", x, TRT_ACTIVATION_TANH, 0, 0);
  add_unary(net, "unused_too", unused, TRT_ACTIVATION_ABS, 0, 0);
  trt_network_mark_output(net, y);
  CHECK_OK(trt_network_infer_shapes(net));
  trt_pass_stats_t stats = {.pass_name = "dead-layers"};
  CHECK_OK(trt_pass_dead_layers(net, &stats));
  CHECK(net->nb_layers == 1 && stats.rewrites == 2);
  CHECK(trt_network_find_tensor(net, "unused:0") < 0);
  CHECK(trt_network_find_tensor(net, "x") >= 0);
  trt_network_destroy(net);

  /* And the engine's outputs do not change. */
  net = trt_network_create();
  x = add_input4(net, "x", 1, 2, 3, 3);
  y = add_unary(net, "used", x, TRT_ACTIVATION_RELU, 0, 0);
  add_unary(net, "unused", x, TRT_ACTIVATION_TANH, 0, 0);
  trt_network_mark_output(net, y);
  CHECK_BELOW(compare_with_reference(net, PASS_BIT(TRT_PASS_DEAD_LAYERS)), 1e-5);
  trt_network_destroy(net);
  return test_finish("passes/dead_layers");
}
