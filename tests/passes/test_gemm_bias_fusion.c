/* MatMul / Gemm + bias fusion into Gemm (then + activation). */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_GEMM_BIAS_FUSION);

static int add_matmul(trt_network_t *net, const char *name, int a, int b) {
  int inputs[] = {a, b};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_MATMUL, name, inputs, 2, NULL, 1,
                                                 NULL));
}

static void fuses_fully_connected(void) {
  trt_network_t *net = trt_network_create();
  int64_t ad[] = {3, 8}, wd[] = {8, 5}, bd[] = {1, 5};
  trt_dims_t a_dims = trt_dims_make(2, ad);
  int a = trt_network_add_input(net, "a", TRT_DATA_TYPE_FLOAT32, &a_dims);
  int y = add_matmul(net, "fc", a, add_random_constant(net, "w", trt_dims_make(2, wd), -1, 1));
  y = add_binary(net, "bias", TRT_ELEMENTWISE_ADD,
                 add_random_constant(net, "b", trt_dims_make(2, bd), -1, 1), y);
  y = add_unary(net, "relu", y, TRT_ACTIVATION_RELU, 0, 0);
  trt_network_mark_output(net, y);
  trt_engine_t *engine =
      optimize_and_check(net, pass | PASS_BIT(TRT_PASS_ACTIVATION_FUSION));
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 1);
    CHECK(find_layer(o, "fc + bias + relu") && count_layers(o, TRT_LAYER_GEMM) == 1);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not: a batched (3-D) MatMul, a full-matrix addend, a product that is
 * also a network output. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int64_t ad[] = {2, 3, 8}, wd[] = {8, 5}, bd[] = {5}, md[] = {3, 5}, a2d[] = {3, 8};
  trt_dims_t a_dims = trt_dims_make(3, ad), a2_dims = trt_dims_make(2, a2d);
  int a = trt_network_add_input(net, "a", TRT_DATA_TYPE_FLOAT32, &a_dims);
  int a2 = trt_network_add_input(net, "a2", TRT_DATA_TYPE_FLOAT32, &a2_dims);
  int w = add_random_constant(net, "w", trt_dims_make(2, wd), -1, 1);
  int bias = add_random_constant(net, "b", trt_dims_make(1, bd), -1, 1);
  int batched = add_binary(net, "bias_batched", TRT_ELEMENTWISE_ADD, add_matmul(net, "mm3", a, w),
                           bias);
  int full = add_binary(net, "bias_full", TRT_ELEMENTWISE_ADD, add_matmul(net, "mm_full", a2, w),
                        add_random_constant(net, "m", trt_dims_make(2, md), -1, 1));
  int exposed = add_matmul(net, "mm_exposed", a2, w);
  int after = add_binary(net, "bias_exposed", TRT_ELEMENTWISE_ADD, exposed, bias);
  int outputs[] = {batched, full, exposed, after};
  for (int i = 0; i < 4; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    CHECK(count_layers(optimized(engine), TRT_LAYER_GEMM) == 0);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  fuses_fully_connected();
  refuses();
  return test_finish("passes/gemm_bias_fusion");
}
