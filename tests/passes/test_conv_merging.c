/* Horizontal merging of convolutions that read the same tensor. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_CONV_MERGING);

/* An inception-like block: three 1x1 convolutions (with ReLU) read x and
 * merge; one with another stride, one with another activation and a grouped
 * one stay apart. */
static void merges_matching_convolutions(int64_t batch) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", batch, 6, 5, 5);
  const char *names[] = {"b1", "b2", "b3"};
  int64_t widths[] = {4, 3, 5};
  int merged[3];
  for (int i = 0; i < 3; i++) {
    char relu[16];
    snprintf(relu, sizeof(relu), "%s_relu", names[i]);
    merged[i] = add_unary(net, relu, add_conv(net, names[i], x, 6, widths[i], 1, 1, 0, 1),
                          TRT_ACTIVATION_RELU, 0, 0);
  }
  int strided = add_conv(net, "strided", x, 6, 2, 1, 2, 0, 1);
  int tanh = add_unary(net, "tanh", add_conv(net, "other_act", x, 6, 2, 1, 1, 0, 1),
                       TRT_ACTIVATION_TANH, 0, 0);
  int grouped = add_conv(net, "grouped", x, 6, 6, 1, 1, 0, 2);
  int next = add_conv(net, "after", merged[1], 3, 2, 3, 1, 1, 1);
  int outputs[] = {merged[0], merged[2], next, strided, tanh, grouped};
  for (int i = 0; i < 6; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass | PASS_BIT(TRT_PASS_ACTIVATION_FUSION));
  if (engine) {
    const trt_network_t *o = optimized(engine);
    const trt_layer_t *wide = find_layer(o, "b1 + b1_relu + b2 + b2_relu + b3 + b3_relu");
    CHECK(wide && wide->nb_outputs == 3);
    if (wide)
      CHECK(trt_network_tensor_dims(o, wide->inputs[1]).d[0] == 12);
    CHECK(count_layers(o, TRT_LAYER_CONVOLUTION) == 5);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  merges_matching_convolutions(1);
  merges_matching_convolutions(3);
  return test_finish("passes/conv_merging");
}
