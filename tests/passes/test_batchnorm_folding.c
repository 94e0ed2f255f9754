/* BatchNorm / Scale folding into a preceding convolution. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_BATCHNORM_FOLDING);

/* conv -> BN -> Mul(per-channel) -> Add(per-channel): one convolution. */
static void folds_batch_norm_and_scale(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 7, 6);
  int y = add_conv(net, "conv1", x, 3, 4, 3, 1, 1, 1);
  y = add_batch_norm(net, "bn1", y, 4);
  int scale = add_random_constant(net, "s", dims4(1, 4, 1, 1), 0.5f, 2.0f);
  int64_t cd[] = {4, 1, 1};
  int shift = add_random_constant(net, "t", trt_dims_make(3, cd), -1.0f, 1.0f);
  y = add_binary(net, "scale1", TRT_ELEMENTWISE_MUL, y, scale);
  y = add_binary(net, "bias1", TRT_ELEMENTWISE_ADD, shift, y);
  trt_network_mark_output(net, y);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    CHECK(optimized(engine)->nb_layers == 1);
    CHECK(find_layer(optimized(engine), "conv1 + bn1 + scale1 + bias1") != NULL);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Deconvolution weights are [C_in, C_out/group, k, k]: the scale runs
 * along dim 1 within each group. Grouped (C_out/group != C_in/group) and
 * plain, with and without a bias. */
static void folds_into_deconvolution(void) {
  const int64_t groups[] = {1, 2};
  for (int g = 0; g < 2; g++) {
    int64_t group = groups[g], c_in = 4, c_out = 6;
    trt_network_t *net = trt_network_create();
    int x = add_input4(net, "x", 2, c_in, 5, 4);
    int w = add_random_constant(net, "deconv.w", dims4(c_in, c_out / group, 3, 3), -0.5f, 0.5f);
    int64_t cd[] = {c_out};
    int b = add_random_constant(net, "deconv.b", trt_dims_make(1, cd), -0.5f, 0.5f);
    trt_convolution_params_t params = {.nb_spatial = 2, .group = group};
    for (int i = 0; i < 2; i++) {
      params.kernel[i] = 3;
      params.stride[i] = 2;
      params.dilation[i] = 1;
      params.pad_begin[i] = params.pad_end[i] = 1;
      params.output_padding[i] = 1;
    }
    int inputs[] = {x, w, b};
    int y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_DECONVOLUTION, "deconv",
                                                    inputs, g == 0 ? 2 : 3, NULL, 1, &params));
    y = add_batch_norm(net, "bn", y, c_out);
    int scale = add_random_constant(net, "s", dims4(1, c_out, 1, 1), 0.5f, 2.0f);
    y = add_binary(net, "scale", TRT_ELEMENTWISE_MUL, y, scale);
    trt_network_mark_output(net, y);
    trt_engine_t *engine = optimize_and_check(net, pass);
    if (engine) {
      CHECK(optimized(engine)->nb_layers == 1);
      const trt_layer_t *deconv = find_layer(optimized(engine), "deconv + bn + scale");
      CHECK(deconv && deconv->type == TRT_LAYER_DECONVOLUTION && deconv->nb_inputs == 3);
      trt_engine_destroy(engine);
    }
    trt_network_destroy(net);
  }
}

/* Shared weights stay intact for the other reader. */
static void keeps_shared_weights(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 2, 5, 5);
  int a = add_conv(net, "conv_a", x, 2, 2, 1, 1, 0, 1);
  int w = trt_network_layer_input(net, 0, 1);
  int b_inputs[] = {x, w};
  trt_convolution_params_t params =
      *(const trt_convolution_params_t *)trt_network_layer_params(net, 0);
  int b = layer_output(net, trt_network_add_layer(net, TRT_LAYER_CONVOLUTION, "conv_b", b_inputs,
                                                  2, NULL, 1, &params));
  a = add_batch_norm(net, "bn_a", a, 2);
  trt_network_mark_output(net, a);
  trt_network_mark_output(net, b);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    CHECK(count_layers(optimized(engine), TRT_LAYER_BATCH_NORM) == 0);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not fold: the conv output is also read elsewhere or is a network
 * output; a Mul whose constant runs along the width, not the channels. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 4, 4);
  int shared = add_conv(net, "conv_shared", x, 3, 3, 1, 1, 0, 1);
  int bn = add_batch_norm(net, "bn_shared", shared, 3);
  int relu = add_unary(net, "relu_other", shared, TRT_ACTIVATION_RELU, 0, 0);
  int out = add_conv(net, "conv_out", x, 3, 3, 1, 1, 0, 1);
  int bn_out = add_batch_norm(net, "bn_after_output", out, 3);
  int64_t wd[] = {4};
  int along_width = add_random_constant(net, "w4", trt_dims_make(1, wd), 0.5f, 2.0f);
  int wide = add_conv(net, "conv_width", x, 3, 3, 1, 1, 0, 1);
  int mul = add_binary(net, "mul_width", TRT_ELEMENTWISE_MUL, wide, along_width);
  int outputs[] = {bn, relu, out, bn_out, mul};
  for (int i = 0; i < 5; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    CHECK(count_layers(optimized(engine), TRT_LAYER_BATCH_NORM) == 2);
    CHECK(count_layers(optimized(engine), TRT_LAYER_ELEMENTWISE) == 1);
    CHECK(optimized(engine)->nb_layers == 7);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  folds_batch_norm_and_scale();
  folds_into_deconvolution();
  keeps_shared_weights();
  refuses();
  return test_finish("passes/batchnorm_folding");
}
