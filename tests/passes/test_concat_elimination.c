/* Concat elimination: producers write into their slice of the output. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_CONCAT_ELIMINATION);

static const trt_concat_params_t *concat_params(const trt_network_t *net, const char *name) {
  const trt_layer_t *layer = find_layer(net, name);
  return layer ? layer->params : NULL;
}

static int views_of(const trt_network_t *net, const char *tensor) {
  int parent = trt_network_find_tensor(net, tensor), count = 0;
  for (int t = 0; parent >= 0 && t < net->nb_tensors; t++)
    count += net->tensors[t].view_parent == parent;
  return count;
}

/* Along the channels with batch 3 (strided slices): convolutions (plain,
 * merged, with a residual) write in place; a pooling output cannot. */
static void channel_axis_strided(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 3, 4, 5, 5);
  int a = add_unary(net, "a_relu", add_conv(net, "a", x, 4, 3, 1, 1, 0, 1),
                    TRT_ACTIVATION_RELU, 0, 0);
  int b = add_unary(net, "b_relu", add_conv(net, "b", x, 4, 2, 1, 1, 0, 1),
                    TRT_ACTIVATION_RELU, 0, 0);
  int c = add_conv(net, "c", b, 2, 4, 3, 1, 1, 1);
  c = add_binary(net, "c_add", TRT_ELEMENTWISE_ADD, c, x);
  int inputs[] = {a, c};
  int cat = add_concat(net, "cat", inputs, 2, 1);
  int pooled = add_max_pool(net, "pool", x);
  int d = add_conv(net, "d", x, 4, 2, 3, 1, 1, 1);
  int mixed_inputs[] = {pooled, d, cat};
  int mixed = add_concat(net, "mixed", mixed_inputs, 3, 1);
  trt_network_mark_output(net, mixed);
  uint32_t passes = ALL_PASSES;
  trt_engine_t *engine = optimize_and_check(net, passes);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(concat_params(o, "cat") && concat_params(o, "cat")->in_place);
    CHECK(views_of(o, "cat:0") == 2);
    /* pool cannot write strided; d can; cat is itself a view parent. */
    CHECK(concat_params(o, "mixed") && !concat_params(o, "mixed")->in_place);
    CHECK(views_of(o, "mixed:0") == 1);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Batch 1: outer dims are 1, every producer writes a contiguous slice, even
 * along the height and with other readers. */
static void contiguous_slices(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 1, 3, 4, 4);
  int pooled = add_max_pool(net, "pool", x);
  int a = add_conv(net, "a", x, 3, 3, 3, 1, 1, 1);
  int also = add_unary(net, "reads_a", a, TRT_ACTIVATION_SIGMOID, 0, 0);
  int inputs[] = {pooled, a};
  int cat = add_concat(net, "cat", inputs, 2, 1);
  int b = add_conv(net, "b", x, 3, 1, 3, 1, 1, 1); /* one channel: rows are contiguous */
  int c = add_conv(net, "c", x, 3, 1, 3, 1, 1, 1);
  int height_inputs[] = {b, c};
  int tall = add_concat(net, "tall", height_inputs, 2, 2);
  trt_network_mark_output(net, cat);
  trt_network_mark_output(net, also);
  trt_network_mark_output(net, tall);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(concat_params(o, "cat") && concat_params(o, "cat")->in_place);
    CHECK(concat_params(o, "tall") && concat_params(o, "tall")->in_place);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not: along the height with batch 2 (strided, not channels), an input
 * that is a network output or a network input, an input read elsewhere
 * with batch 2, the same tensor twice. */
static void refuses(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 4, 4);
  int a = add_conv(net, "a", x, 3, 3, 3, 1, 1, 1);
  int b = add_conv(net, "b", x, 3, 3, 3, 1, 1, 1);
  int height_inputs[] = {a, b};
  int tall = add_concat(net, "tall", height_inputs, 2, 2);
  int c = add_conv(net, "c", x, 3, 3, 3, 1, 1, 1);
  int d = add_conv(net, "d", x, 3, 3, 3, 1, 1, 1);
  int also = add_unary(net, "reads_d", d, TRT_ACTIVATION_SIGMOID, 0, 0);
  int e = add_conv(net, "e", x, 3, 3, 3, 1, 1, 1);
  int wide_inputs[] = {c, x, d, e, e};
  int wide = add_concat(net, "wide", wide_inputs, 5, 1);
  int outputs[] = {tall, c, also, wide};
  for (int i = 0; i < 4; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(views_of(o, "tall:0") == 0);
    CHECK(views_of(o, "wide:0") == 0);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  channel_axis_strided();
  contiguous_slices();
  refuses();
  return test_finish("passes/concat_elimination");
}
