/* Dead-layer elimination, run directly on a network, and the one routine
 * that removes layers (trt_network_remove_layers: under pruning, the pass
 * manager's compaction and shape inference's removal of folded layers). */
#include "pass_test_util.h"
#include "passes/pass_util.h"

static bool odd_index(const trt_network_t *network, const trt_layer_t *layer, int index,
                      void *asked) {
  (void)network;
  (void)layer;
  (*(int *)asked)++;
  return index % 2 == 1;
}

static void test_remove_layers(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 3, 3);
  int outputs[5];
  const char *names[] = {"l0", "l1", "l2", "l3", "l4"};
  for (int l = 0; l < 5; l++)
    outputs[l] = add_unary(net, names[l], x, TRT_ACTIVATION_RELU, 0, 0);
  int tensors = net->nb_tensors, asked = 0;
  trt_network_remove_layers(net, odd_index, &asked);
  CHECK(asked == 5);
  CHECK(net->nb_layers == 3 && net->nb_tensors == tensors);
  for (int l = 0; l < net->nb_layers; l++)
    CHECK(strcmp(net->layers[l].name, names[2 * l]) == 0);
  for (int l = 0; l < 5; l++)
    CHECK(net->tensors[outputs[l]].producer == (l % 2 ? -1 : l / 2));
  CHECK(net->tensors[x].producer == -1);

  /* Dropped layers go at compaction, with what only they produced. */
  trt_pass_drop_layer(net, 1);
  trt_network_mark_output(net, outputs[0]);
  trt_network_mark_output(net, outputs[4]);
  CHECK_OK(trt_pass_compact(net));
  CHECK(net->nb_layers == 2 && strcmp(net->layers[0].name, "l0") == 0 &&
        strcmp(net->layers[1].name, "l4") == 0);
  CHECK(trt_network_find_tensor(net, "l2:0") < 0 && trt_network_find_tensor(net, "l1:0") < 0);
  int l0 = trt_network_find_tensor(net, "l0:0"), l4 = trt_network_find_tensor(net, "l4:0");
  CHECK(l0 >= 0 && net->tensors[l0].producer == 0);
  CHECK(l4 >= 0 && net->tensors[l4].producer == 1);
  trt_network_destroy(net);
}

int main(void) {
  test_remove_layers();
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
