/* Convolution / Gemm + activation fusion. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_ACTIVATION_FUSION);

/* Every kind trt_activation_apply defines fuses into a convolution. */
static void fuses_every_kind(void) {
  for (int kind = TRT_ACTIVATION_RELU; kind < TRT_ACTIVATION_COUNT; kind++) {
    trt_network_t *net = trt_network_create();
    int x = add_input4(net, "x", 2, 3, 5, 4);
    int y = add_conv(net, "conv", x, 3, 4, 3, 1, 1, 1);
    float alpha = kind == TRT_ACTIVATION_CLIP ? 0.0f : 0.2f;
    float beta = kind == TRT_ACTIVATION_CLIP ? 0.5f : 0.5f;
    bool via_abs = kind == TRT_ACTIVATION_SQRT || kind == TRT_ACTIVATION_LOG ||
                   kind == TRT_ACTIVATION_POWER;
    if (via_abs) /* keep the domain valid */
      y = add_unary(net, "abs", y, TRT_ACTIVATION_ABS, 0, 0);
    y = add_unary(net, "act", y, (trt_activation_kind_t)kind, alpha, beta);
    trt_network_mark_output(net, y);
    trt_engine_t *engine = optimize_and_check(net, pass);
    if (engine) {
      const trt_network_t *o = optimized(engine);
      CHECK(o->nb_layers == (via_abs ? 2 : 1));
      const trt_layer_t *conv = find_layer(o, via_abs ? "conv + abs" : "conv + act");
      CHECK(conv && ((const trt_convolution_params_t *)conv->params)->activation.kind ==
                        (via_abs ? TRT_ACTIVATION_ABS : (trt_activation_kind_t)kind));
      trt_engine_destroy(engine);
    }
    trt_network_destroy(net);
  }
}

/* Gemm + ReLU6 (Clip), and a scalar PRelu as LeakyRelu on a convolution. */
static void fuses_gemm_and_prelu(void) {
  trt_network_t *net = trt_network_create();
  int64_t ad[] = {3, 5}, bd[] = {5, 4}, cd[] = {4};
  trt_dims_t a_dims = trt_dims_make(2, ad);
  int a = trt_network_add_input(net, "a", TRT_DATA_TYPE_FLOAT32, &a_dims);
  int inputs[] = {a, add_random_constant(net, "b", trt_dims_make(2, bd), -1, 1),
                  add_random_constant(net, "c", trt_dims_make(1, cd), -1, 1)};
  trt_gemm_params_t gemm = {.alpha = 1, .beta = 1};
  int y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_GEMM, "fc", inputs, 3, NULL, 1,
                                                  &gemm));
  y = add_unary(net, "relu6", y, TRT_ACTIVATION_CLIP, 0, 6);
  trt_network_mark_output(net, y);
  int x = add_input4(net, "x", 1, 2, 4, 4);
  int z = add_conv(net, "conv", x, 2, 2, 1, 1, 0, 1);
  float slope_value = 0.1f;
  int64_t one[] = {1};
  trt_dims_t one_dims = trt_dims_make(1, one);
  int slope = trt_network_add_constant(net, "slope", TRT_DATA_TYPE_FLOAT32, &one_dims,
                                       &slope_value);
  z = add_binary(net, "prelu", TRT_ELEMENTWISE_PRELU, z, slope);
  trt_network_mark_output(net, z);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 2);
    CHECK(find_layer(o, "fc + relu6") && find_layer(o, "conv + prelu"));
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* A Gemm followed by x * c takes it as ScaleShift; a fused Unary chain
 * (two steps) does not fit a convolution's one activation. */
static void fuses_scalar_ops_not_chains(void) {
  trt_network_t *net = trt_network_create();
  int64_t ad[] = {3, 5}, bd[] = {5, 4}, one[] = {1};
  trt_dims_t a_dims = trt_dims_make(2, ad);
  int a = trt_network_add_input(net, "a", TRT_DATA_TYPE_FLOAT32, &a_dims);
  int inputs[] = {a, add_random_constant(net, "b", trt_dims_make(2, bd), -1, 1)};
  trt_gemm_params_t gemm = {.alpha = 1, .beta = 1};
  int y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_GEMM, "fc", inputs, 2, NULL, 1,
                                                  &gemm));
  int half = add_random_constant(net, "half", trt_dims_make(1, one), 0.5f, 0.5f);
  y = add_binary(net, "scale", TRT_ELEMENTWISE_MUL, half, y);
  trt_network_mark_output(net, y);
  int x = add_input4(net, "x", 1, 2, 4, 4);
  int z = add_conv(net, "conv", x, 2, 2, 1, 1, 0, 1);
  trt_unary_params_t chain = {.op = {TRT_ACTIVATION_RELU, 0, 0},
                              .nb_then = 1,
                              .then = {{TRT_ACTIVATION_TANH, 0, 0}}};
  z = layer_output(net, trt_network_add_layer(net, TRT_LAYER_UNARY, "relu_tanh", &z, 1, NULL, 1,
                                              &chain));
  trt_network_mark_output(net, z);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 3);
    const trt_layer_t *fc = find_layer(o, "fc + scale");
    CHECK(fc && ((const trt_gemm_params_t *)fc->params)->activation.kind ==
                    TRT_ACTIVATION_SCALE_SHIFT);
    CHECK(find_layer(o, "relu_tanh") != NULL);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not fuse: the conv output is a network output, or read twice; a
 * per-channel PRelu; a second activation on an already fused conv. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 4, 4);
  int a = add_conv(net, "conv_output", x, 3, 3, 1, 1, 0, 1);
  int a_relu = add_unary(net, "relu_a", a, TRT_ACTIVATION_RELU, 0, 0);
  int b = add_conv(net, "conv_shared", x, 3, 3, 1, 1, 0, 1);
  int b_relu = add_unary(net, "relu_b", b, TRT_ACTIVATION_RELU, 0, 0);
  int b_tanh = add_unary(net, "tanh_b", b, TRT_ACTIVATION_TANH, 0, 0);
  int c = add_conv(net, "conv_prelu", x, 3, 3, 1, 1, 0, 1);
  int slopes = add_random_constant(net, "slopes", dims4(1, 3, 1, 1), 0, 0.3f);
  int c_prelu = add_binary(net, "prelu_c", TRT_ELEMENTWISE_PRELU, c, slopes);
  int d = add_conv(net, "conv_d", x, 3, 3, 1, 1, 0, 1);
  d = add_unary(net, "relu_d", d, TRT_ACTIVATION_RELU, 0, 0);
  d = add_unary(net, "sigmoid_d", d, TRT_ACTIVATION_SIGMOID, 0, 0);
  int outputs[] = {a, a_relu, b_relu, b_tanh, c_prelu, d};
  for (int i = 0; i < 6; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(count_layers(o, TRT_LAYER_UNARY) == 4);
    CHECK(count_layers(o, TRT_LAYER_ELEMENTWISE) == 1);
    CHECK(find_layer(o, "conv_d + relu_d") != NULL);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  fuses_every_kind();
  fuses_gemm_and_prelu();
  fuses_scalar_ops_not_chains();
  refuses();
  return test_finish("passes/activation_fusion");
}
