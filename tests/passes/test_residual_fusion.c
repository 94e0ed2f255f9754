/* Convolution + residual Add (+ activation, with activation fusion). */
#include "pass_test_util.h"

static const uint32_t residual = PASS_BIT(TRT_PASS_RESIDUAL_FUSION);
static const uint32_t activation = PASS_BIT(TRT_PASS_ACTIVATION_FUSION);

/* ResNet's block: relu(bn(conv(relu(bn(conv(x))))) + x) and a downsampling
 * block whose shortcut is itself a convolution. */
static void fuses_resnet_blocks(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 4, 6, 6);
  int y = add_conv(net, "conv1", x, 4, 4, 3, 1, 1, 1);
  y = add_batch_norm(net, "bn1", y, 4);
  y = add_unary(net, "relu1", y, TRT_ACTIVATION_RELU, 0, 0);
  y = add_conv(net, "conv2", y, 4, 4, 3, 1, 1, 1);
  y = add_batch_norm(net, "bn2", y, 4);
  y = add_binary(net, "add1", TRT_ELEMENTWISE_ADD, y, x);
  int block = add_unary(net, "relu2", y, TRT_ACTIVATION_RELU, 0, 0);
  int main_path = add_conv(net, "conv3", block, 4, 8, 3, 2, 1, 1);
  int shortcut = add_conv(net, "down", block, 4, 8, 1, 2, 0, 1);
  y = add_binary(net, "add2", TRT_ELEMENTWISE_ADD, shortcut, main_path);
  y = add_unary(net, "relu3", y, TRT_ACTIVATION_RELU, 0, 0);
  trt_network_mark_output(net, y);
  uint32_t passes = residual | activation | PASS_BIT(TRT_PASS_BATCHNORM_FOLDING);
  trt_engine_t *engine = optimize_and_check(net, passes);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 4);
    CHECK(count_layers(o, TRT_LAYER_ELEMENTWISE) == 0);
    CHECK(count_layers(o, TRT_LAYER_UNARY) == 0);
    const trt_layer_t *fused = find_layer(o, "conv2 + bn2 + add1 + relu2");
    CHECK(fused && fused->nb_inputs == 4);
    CHECK(find_layer(o, "down + add2 + relu3") != NULL);
    trt_engine_destroy(engine);
  }
  CHECK_BELOW(compare_with_reference(net, residual), 1e-5);
  trt_network_destroy(net);
}

/* Must not fuse: a broadcast operand, a conv output read twice, an
 * activation between conv and add, a sum that is x + x. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 5, 5);
  int per_channel = add_random_constant(net, "pc", dims4(1, 3, 1, 1), -1, 1);
  int a = add_conv(net, "conv_a", x, 3, 3, 3, 1, 1, 1);
  int broadcast = add_binary(net, "add_broadcast", TRT_ELEMENTWISE_ADD, a, per_channel);
  int b = add_conv(net, "conv_b", x, 3, 3, 3, 1, 1, 1);
  int twice = add_binary(net, "add_shared", TRT_ELEMENTWISE_ADD, b, x);
  int other = add_unary(net, "reads_b", b, TRT_ACTIVATION_SIGMOID, 0, 0);
  int c = add_conv(net, "conv_c", x, 3, 3, 3, 1, 1, 1);
  c = add_unary(net, "relu_c", c, TRT_ACTIVATION_RELU, 0, 0);
  int after_act = add_binary(net, "add_after_act", TRT_ELEMENTWISE_ADD, c, x);
  int d = add_conv(net, "conv_d", x, 3, 3, 3, 1, 1, 1);
  int self = add_binary(net, "add_self", TRT_ELEMENTWISE_ADD, d, d);
  int outputs[] = {broadcast, twice, other, after_act, self};
  for (int i = 0; i < 5; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, residual);
  if (engine) {
    CHECK(count_layers(optimized(engine), TRT_LAYER_ELEMENTWISE) == 4);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  fuses_resnet_blocks();
  refuses();
  return test_finish("passes/residual_fusion");
}
