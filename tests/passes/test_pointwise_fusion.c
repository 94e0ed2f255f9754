/* Pointwise fusion: chains of Unary layers and Elementwise layers with a
 * scalar constant become one Unary; outputs stay bit for bit the same. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_POINTWISE_FUSION);

static int add_scalar(trt_network_t *net, const char *name, float value) {
  int64_t one[] = {1};
  trt_dims_t dims = trt_dims_make(1, one);
  return trt_network_add_constant(net, name, TRT_DATA_TYPE_FLOAT32, &dims, &value);
}

/* `name` = x op c (or c op x when `constant_first`). */
static int add_scalar_op(trt_network_t *net, const char *name, trt_elementwise_kind_t kind, int x,
                         float value, bool constant_first) {
  char constant_name[128];
  snprintf(constant_name, sizeof(constant_name), "%s.c", name);
  int c = add_scalar(net, constant_name, value);
  return constant_first ? add_binary(net, name, kind, c, x) : add_binary(net, name, kind, x, c);
}

/* Outputs with `enabled` equal those with no pass, bit for bit. */
static void check_exact(const trt_network_t *net, uint32_t enabled) {
  trt_engine_t *reference = build_with(net, 0), *candidate = build_with(net, enabled);
  if (!reference || !candidate) {
    trt_engine_destroy(reference);
    trt_engine_destroy(candidate);
    return;
  }
  float **expected = run_engine(reference, 7), **actual = run_engine(candidate, 7);
  int count = trt_engine_num_bindings(reference);
  for (int b = 0; b < count; b++) {
    trt_dims_t dims = trt_engine_binding_dims(reference, b);
    if (!trt_engine_binding_is_input(reference, b))
      CHECK(memcmp(expected[b], actual[b], (size_t)trt_dims_volume(&dims) * sizeof(float)) == 0);
    free(expected[b]);
    free(actual[b]);
  }
  free(expected);
  free(actual);
  trt_engine_destroy(reference);
  trt_engine_destroy(candidate);
}

static const trt_unary_params_t *unary_params(const trt_layer_t *layer) {
  return layer && layer->type == TRT_LAYER_UNARY ? layer->params : NULL;
}

/* Every exact scalar form, either operand order, and unary layers: one
 * Unary whose steps follow the layers' order. */
static void fuses_a_chain(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 5, 7);
  int y = add_scalar_op(net, "mul_1", TRT_ELEMENTWISE_MUL, x, 2.5f, false);
  y = add_scalar_op(net, "add_2", TRT_ELEMENTWISE_ADD, y, 0.75f, true);
  y = add_unary(net, "relu_3", y, TRT_ACTIVATION_RELU, 0, 0);
  y = add_scalar_op(net, "sub_4", TRT_ELEMENTWISE_SUB, y, 1.0f, true); /* 1 - y */
  y = add_scalar_op(net, "div_5", TRT_ELEMENTWISE_DIV, y, 4.0f, false);
  y = add_unary(net, "abs_6", y, TRT_ACTIVATION_ABS, 0, 0);
  y = add_scalar_op(net, "pow_7", TRT_ELEMENTWISE_POW, y, 0.5f, false);
  y = add_scalar_op(net, "sub_8", TRT_ELEMENTWISE_SUB, y, 0.125f, false); /* y - 0.125 */
  trt_network_mark_output(net, y);
  check_exact(net, pass);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 1);
    const trt_unary_params_t *p = unary_params(find_layer(
        o, "mul_1 + add_2 + relu_3 + sub_4 + div_5 + abs_6 + pow_7 + sub_8"));
    CHECK(p != NULL);
    if (p) {
      CHECK(p->nb_then == 7);
      CHECK(p->op.kind == TRT_ACTIVATION_SCALE_SHIFT && p->op.alpha == 2.5f);
      CHECK(p->then[0].kind == TRT_ACTIVATION_SCALE_SHIFT && p->then[0].beta == 0.75f);
      CHECK(p->then[1].kind == TRT_ACTIVATION_RELU);
      CHECK(p->then[2].alpha == -1.0f && p->then[2].beta == 1.0f);
      CHECK(p->then[3].alpha == 0.25f);
      CHECK(p->then[5].kind == TRT_ACTIVATION_POWER && p->then[5].alpha == 0.5f);
      CHECK(p->then[6].alpha == 1.0f && p->then[6].beta == -0.125f);
    }
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Ten unary layers: the first eight fill one chain, the last two another. */
static void splits_long_chains(void) {
  trt_network_t *net = trt_network_create();
  int y = add_input4(net, "x", 1, 2, 3, 3);
  for (int i = 0; i < 10; i++) {
    char name[32];
    snprintf(name, sizeof(name), "step%d", i);
    y = add_unary(net, name, y, i % 2 ? TRT_ACTIVATION_TANH : TRT_ACTIVATION_SIGMOID, 0, 0);
  }
  trt_network_mark_output(net, y);
  check_exact(net, pass);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 2);
    const trt_unary_params_t *first = unary_params(find_layer(
        o, "step0 + step1 + step2 + step3 + step4 + step5 + step6 + step7"));
    CHECK(first && first->nb_then == TRT_MAX_UNARY_CHAIN - 1);
    CHECK(find_layer(o, "step8 + step9") != NULL);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not fuse: an intermediate that is a network output or read twice,
 * x / 3 (x * (1/3) rounds differently), c / x, c ^ x, a per-channel
 * constant, integer tensors. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 4, 4);
  int a = add_unary(net, "relu_out", x, TRT_ACTIVATION_RELU, 0, 0);
  int a2 = add_unary(net, "tanh_after_output", a, TRT_ACTIVATION_TANH, 0, 0);
  int b = add_unary(net, "sigmoid_shared", x, TRT_ACTIVATION_SIGMOID, 0, 0);
  int b1 = add_scalar_op(net, "mul_b1", TRT_ELEMENTWISE_MUL, b, 2.0f, false);
  int b2 = add_scalar_op(net, "mul_b2", TRT_ELEMENTWISE_MUL, b, 3.0f, false);
  int c = add_unary(net, "abs_c", x, TRT_ACTIVATION_ABS, 0, 0);
  int c1 = add_scalar_op(net, "div_by_3", TRT_ELEMENTWISE_DIV, c, 3.0f, false);
  int d = add_unary(net, "exp_d", x, TRT_ACTIVATION_EXP, 0, 0);
  int d1 = add_scalar_op(net, "c_over_x", TRT_ELEMENTWISE_DIV, d, 2.0f, true);
  int e = add_unary(net, "neg_e", x, TRT_ACTIVATION_NEG, 0, 0);
  int e1 = add_scalar_op(net, "c_pow_x", TRT_ELEMENTWISE_POW, e, 2.0f, true);
  int f = add_unary(net, "relu_f", x, TRT_ACTIVATION_RELU, 0, 0);
  int per_channel = add_random_constant(net, "per_channel", dims4(1, 3, 1, 1), 0.5f, 2.0f);
  int f1 = add_binary(net, "mul_channels", TRT_ELEMENTWISE_MUL, f, per_channel);
  int64_t id[] = {5};
  trt_dims_t i_dims = trt_dims_make(1, id);
  int i = trt_network_add_input(net, "i", TRT_DATA_TYPE_INT32, &i_dims);
  int i1 = add_unary(net, "relu_int", i, TRT_ACTIVATION_RELU, 0, 0);
  int i2 = add_unary(net, "neg_int", i1, TRT_ACTIVATION_NEG, 0, 0);
  int outputs[] = {a, a2, b1, b2, c1, d1, e1, f1};
  for (int o = 0; o < 8; o++)
    trt_network_mark_output(net, outputs[o]);
  trt_network_mark_output(net, i2);
  trt_engine_t *engine = build_with(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 15);
    CHECK(count_layers(o, TRT_LAYER_ELEMENTWISE) == 6);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* With the other passes: conv -> relu -> mul -> add keeps the ReLU in the
 * convolution and fuses what follows; the Caffe-style Power layer
 * (scale, shift, power) becomes one Unary. */
static void works_with_activation_fusion(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 6, 6);
  int y = add_conv(net, "conv", x, 3, 4, 3, 1, 1, 1);
  y = add_unary(net, "relu", y, TRT_ACTIVATION_RELU, 0, 0);
  y = add_scalar_op(net, "mul", TRT_ELEMENTWISE_MUL, y, 0.5f, false);
  y = add_scalar_op(net, "add", TRT_ELEMENTWISE_ADD, y, 1.0f, false);
  y = add_scalar_op(net, "power", TRT_ELEMENTWISE_POW, y, 2.0f, false);
  trt_network_mark_output(net, y);
  uint32_t passes = pass | PASS_BIT(TRT_PASS_ACTIVATION_FUSION);
  check_exact(net, passes);
  trt_engine_t *engine = optimize_and_check(net, passes);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 2);
    CHECK(find_layer(o, "conv + relu") != NULL);
    const trt_unary_params_t *p = unary_params(find_layer(o, "mul + add + power"));
    CHECK(p && p->nb_then == 2);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  fuses_a_chain();
  splits_long_chains();
  refuses();
  works_with_activation_fusion();
  return test_finish("passes/pointwise_fusion");
}
