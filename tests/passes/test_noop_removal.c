/* No-op removal: Identity, same-type Cast, cancelling Reshape and
 * Transpose pairs. */
#include "pass_test_util.h"

static const uint32_t pass = PASS_BIT(TRT_PASS_NOOP_REMOVAL);

static int add_transpose(trt_network_t *net, const char *name, int x, const int32_t *perm) {
  trt_transpose_params_t params = {.nb_perm = 4};
  memcpy(params.perm, perm, 4 * sizeof(int32_t));
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_TRANSPOSE, name, &x, 1, NULL, 1,
                                                 &params));
}

static int add_reshape(trt_network_t *net, const char *name, int x, int nb_dims,
                       const int64_t *shape) {
  int64_t count = nb_dims;
  trt_dims_t shape_dims = trt_dims_make(1, &count);
  char shape_name[64];
  snprintf(shape_name, sizeof(shape_name), "%s.shape", name);
  int inputs[] = {x, trt_network_add_constant(net, shape_name, TRT_DATA_TYPE_INT64, &shape_dims,
                                              shape)};
  trt_reshape_params_t params = {.mode = TRT_RESHAPE_FROM_TENSOR};
  return layer_output(net, trt_network_add_layer(net, TRT_LAYER_RESHAPE, name, inputs, 2, NULL, 1,
                                                 &params));
}

static void removes_noops(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 4, 5);
  int y = add_unary(net, "relu", x, TRT_ACTIVATION_RELU, 0, 0);
  y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_IDENTITY, "dropout", &y, 1, NULL, 1,
                                              NULL));
  trt_cast_params_t cast = {TRT_DATA_TYPE_FLOAT32};
  y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_CAST, "cast", &y, 1, NULL, 1, &cast));
  int64_t flat[] = {2, 60}, back[] = {2, 3, 4, 5};
  y = add_reshape(net, "flatten", y, 2, flat);
  y = add_reshape(net, "unflatten", y, 4, back);
  int32_t nhwc[] = {0, 2, 3, 1}, nchw[] = {0, 3, 1, 2};
  y = add_transpose(net, "to_nhwc", y, nhwc);
  y = add_transpose(net, "to_nchw", y, nchw);
  y = add_unary(net, "tanh", y, TRT_ACTIVATION_TANH, 0, 0);
  /* The last layer's output is the network output: the Identity goes and
   * tanh writes the output directly. */
  const char *name = "out";
  y = layer_output(net, trt_network_add_layer(net, TRT_LAYER_IDENTITY, "final", &y, 1, &name, 1,
                                              NULL));
  trt_network_mark_output(net, y);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    const trt_network_t *o = optimized(engine);
    CHECK(o->nb_layers == 2);
    CHECK(count_layers(o, TRT_LAYER_UNARY) == 2);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

/* Must not: an Identity from input to output (both are bindings), a
 * transpose pair that does not cancel, a cast that converts, a reshape pair
 * whose middle tensor is read by another layer. */
static void keeps_real_work(void) {
  trt_network_t *net = trt_network_create();
  int x = add_input4(net, "x", 2, 3, 4, 5);
  const char *name = "copy";
  int copy = layer_output(net, trt_network_add_layer(net, TRT_LAYER_IDENTITY, "identity", &x, 1,
                                                     &name, 1, NULL));
  int32_t p1[] = {0, 2, 3, 1}, p2[] = {0, 2, 3, 1};
  int t = add_transpose(net, "t1", x, p1);
  t = add_transpose(net, "t2", t, p2);
  trt_cast_params_t to_int = {TRT_DATA_TYPE_INT32};
  int cast = layer_output(net, trt_network_add_layer(net, TRT_LAYER_CAST, "to_int", &x, 1, NULL, 1,
                                                     &to_int));
  trt_cast_params_t to_float = {TRT_DATA_TYPE_FLOAT32};
  cast = layer_output(net, trt_network_add_layer(net, TRT_LAYER_CAST, "to_float", &cast, 1, NULL,
                                                 1, &to_float));
  int64_t flat[] = {2, 60}, back[] = {2, 3, 4, 5};
  int middle = add_reshape(net, "flatten", x, 2, flat);
  int r = add_reshape(net, "unflatten", middle, 4, back);
  int outputs[] = {copy, t, cast, middle, r};
  for (int i = 0; i < 5; i++)
    trt_network_mark_output(net, outputs[i]);
  trt_engine_t *engine = optimize_and_check(net, pass);
  if (engine) {
    CHECK(optimized(engine)->nb_layers == 7);
    trt_engine_destroy(engine);
  }
  trt_network_destroy(net);
}

int main(void) {
  removes_noops();
  keeps_real_work();
  return test_finish("passes/noop_removal");
}
