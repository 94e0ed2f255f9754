/* Every CUDA layer type except convolution, deconvolution, MatMul and Gemm
 * (pooling, unary and fused unary chains, elementwise, the normalizations,
 * softmax, reduce, reshape, transpose, concat, split, slice, pad, resize,
 * gather, cast, identity, compare, logic, where, ArgMax/ArgMin,
 * GatherElements, tile, expand, trilu) against the CPU reference: one-layer
 * networks on odd shapes, several parameter combinations each, every
 * tactic. FP32 compute layers: relative L2 <= 1e-5; data movement, casts
 * and integer results: exact. Outputs that are views (concat elimination)
 * are checked for pooling, unary, elementwise, batch norm, resize, reshape
 * and identity.
 *
 * Float networks run through gpu_layer_check.h (which also catches writes
 * outside a view); networks with other data types through check_typed()
 * below, which uploads every input with its own element size. Exits 77
 * with "no GPU: <reason>" where there is no usable GPU. */
#include "gpu_layer_check.h"
#include "kernels/kernel_types.h"
#include "kernels/reformat.cuh"
#include "numerics/half.h"

#define EXACT (-1.0)
#define DIMS(...)                                                                          \
  dims_of((const int64_t[]){__VA_ARGS__}, sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

static gpu_harness_t gpu;
static uint64_t next_seed = 1;

static trt_dims_t dims_of(const int64_t *d, size_t n) {
  return trt_dims_make((int)n, d);
}

static int input(trt_network_t *n, const char *name, trt_data_type_t type, trt_dims_t dims) {
  return trt_network_add_input(n, name, type, &dims);
}

static int const_i64(trt_network_t *n, const char *name, int count, const int64_t *values) {
  trt_dims_t dims = {1, {count}};
  return trt_network_add_constant(n, name, TRT_DATA_TYPE_INT64, &dims, values);
}

static int const_f32(trt_network_t *n, const char *name, trt_dims_t dims, const float *values) {
  return trt_network_add_constant(n, name, TRT_DATA_TYPE_FLOAT32, &dims, values);
}

/* Random float32 constant of `dims`, values in [lo, hi]. */
static int const_random(trt_network_t *n, const char *name, trt_dims_t dims, float lo, float hi) {
  test_rng_t rng = test_rng(next_seed++ * 7919);
  float *values = test_random_floats(&rng, trt_dims_volume(&dims), lo, hi);
  int t = const_f32(n, name, dims, values);
  free(values);
  return t;
}

/* Adds the layer under test and infers shapes; false (failure counted) on
 * error. */
static bool add_layer(trt_network_t *n, const char *label, trt_layer_type_t type,
                      const void *params, const int *inputs, int nb_inputs, int nb_outputs) {
  if (trt_network_add_layer(n, type, "layer", inputs, nb_inputs, NULL, nb_outputs, params) < 0 ||
      trt_network_infer_shapes(n) != TRT_STATUS_OK) {
    fprintf(stderr, "%s: building the network failed: %s\n", label, trt_last_error());
    test_failures++;
    return false;
  }
  return true;
}

/* Makes output `o` of the layer a view into a new parent tensor whose dims
 * are the output's with `extent` along `axis`, starting at `offset`. */
static void make_view(trt_network_t *n, int o, int axis, int64_t extent, int64_t offset) {
  int y = n->layers[0].outputs[o];
  trt_dims_t parent_dims = n->tensors[y].dims;
  parent_dims.d[axis] = extent;
  int parent = trt_network_add_tensor(n, "parent", n->tensors[y].type, &parent_dims);
  n->tensors[y].view_parent = parent;
  n->tensors[y].view_axis = axis;
  n->tensors[y].view_offset = offset;
}

/* ---- typed checks: any data type, no views ---------------------------------- */

static void random_fill(test_rng_t *rng, trt_data_type_t type, void *data, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    float u = test_uniform(rng, 0.0f, 1.0f);
    switch (type) {
    case TRT_DATA_TYPE_FLOAT32: ((float *)data)[i] = 2 * u - 1; break;
    case TRT_DATA_TYPE_FLOAT64: ((double *)data)[i] = 600.0 * u - 300.0; break;
    case TRT_DATA_TYPE_FLOAT16: {
      uint16_t bits = (uint16_t)(u * 65535.0f);
      if ((bits & 0x7c00) == 0x7c00)
        bits &= 0xbfff; /* no infinities or NaNs */
      ((uint16_t *)data)[i] = bits;
      break;
    }
    case TRT_DATA_TYPE_INT8: ((int8_t *)data)[i] = (int8_t)(u * 255.0f - 128.0f); break;
    case TRT_DATA_TYPE_UINT8: ((uint8_t *)data)[i] = (uint8_t)(u * 255.0f); break;
    case TRT_DATA_TYPE_INT32: ((int32_t *)data)[i] = (int32_t)(u * 41.0f) - 20; break;
    case TRT_DATA_TYPE_INT64: ((int64_t *)data)[i] = (int64_t)(u * 41.0f) - 20; break;
    case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = u < 0.5f; break;
    default: break;
    }
  }
}

static void check_typed(const trt_cuda_layer_ops_t *ops, trt_network_t *n, const char *label,
                        double tolerance) {
  const trt_layer_t *layer = &n->layers[0];
  void *host_in[16] = {0}, *dev_in[16] = {0};
  const void *inputs[16] = {0};
  void *ref[TRT_MAX_LAYER_OUTPUTS] = {0}, *got[TRT_MAX_LAYER_OUTPUTS] = {0};
  void *dev_out[TRT_MAX_LAYER_OUTPUTS] = {0};
  size_t out_bytes[TRT_MAX_LAYER_OUTPUTS] = {0};
  trt_cuda_tactic_t tactics[TRT_CUDA_MAX_TACTICS];
  test_rng_t rng = test_rng(next_seed++);
  int nb_tactics = 0;
  for (int i = 0; i < layer->nb_inputs && i < 16; i++) {
    const trt_tensor_t *t = trt_layer_input(n, layer, i);
    if (!t)
      continue;
    size_t bytes = (size_t)trt_dims_volume(&t->dims) * trt_data_type_size(t->type);
    if (!t->data) {
      host_in[i] = malloc(bytes ? bytes : 1);
      random_fill(&rng, t->type, host_in[i], trt_dims_volume(&t->dims));
    }
    GPU_CHECK(cudaMalloc(&dev_in[i], bytes ? bytes : 1));
    GPU_CHECK(cudaMemcpy(dev_in[i], t->data ? t->data : host_in[i], bytes,
                         cudaMemcpyHostToDevice));
    inputs[i] = dev_in[i];
  }
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *t = trt_layer_output(n, layer, o);
    out_bytes[o] = (size_t)trt_dims_volume(&t->dims) * trt_data_type_size(t->type);
    ref[o] = malloc(out_bytes[o] ? out_bytes[o] : 1);
    got[o] = malloc(out_bytes[o] ? out_bytes[o] : 1);
    GPU_CHECK(cudaMalloc(&dev_out[o], out_bytes[o] ? out_bytes[o] : 1));
  }
  if (test_run_layer(n, 0, (const void *const *)host_in, ref, 1) != TRT_STATUS_OK) {
    fprintf(stderr, "%s: CPU reference failed: %s\n", label, trt_last_error());
    test_failures++;
    goto done;
  }
  nb_tactics = ops->list_tactics(n, layer, &gpu.env, tactics, TRT_CUDA_MAX_TACTICS);
  if (nb_tactics <= 0) {
    fprintf(stderr, "%s: no tactic: %s\n", label, trt_last_error());
    test_failures++;
  }
  for (int k = 0; k < nb_tactics; k++) {
    void *state = NULL;
    size_t workspace = 0;
    for (int o = 0; o < layer->nb_outputs; o++)
      GPU_CHECK(cudaMemset(dev_out[o], 0xA5, out_bytes[o] ? out_bytes[o] : 1));
    if (ops->create(n, layer, tactics[k].id, &gpu.env, &state, &workspace) != TRT_STATUS_OK ||
        !gpu_workspace(&gpu, workspace)) {
      fprintf(stderr, "%s [%s]: create failed: %s\n", label, tactics[k].name, trt_last_error());
      test_failures++;
      if (state)
        ops->destroy(state);
      continue;
    }
    trt_status_t status = ops->enqueue(state, n, layer, tactics[k].id, inputs, dev_out, &gpu.env);
    cudaError_t error = cudaStreamSynchronize(gpu.env.stream);
    ops->destroy(state);
    if (status != TRT_STATUS_OK || error != cudaSuccess) {
      fprintf(stderr, "%s [%s]: enqueue failed: %s\n", label, tactics[k].name,
              status != TRT_STATUS_OK ? trt_last_error() : cudaGetErrorString(error));
      test_failures++;
      continue;
    }
    for (int o = 0; o < layer->nb_outputs; o++) {
      const trt_tensor_t *t = trt_layer_output(n, layer, o);
      GPU_CHECK(cudaMemcpy(got[o], dev_out[o], out_bytes[o], cudaMemcpyDeviceToHost));
      if (tolerance >= 0 && t->type == TRT_DATA_TYPE_FLOAT32) {
        double e = test_relative_l2(got[o], ref[o], trt_dims_volume(&t->dims));
        if (!(e <= tolerance)) {
          fprintf(stderr, "%s [%s]: output %d: relative L2 error %g > %g\n", label,
                  tactics[k].name, o, e, tolerance);
          test_failures++;
        }
      } else if (memcmp(got[o], ref[o], out_bytes[o]) != 0) {
        size_t first = 0;
        while (((uint8_t *)got[o])[first] == ((uint8_t *)ref[o])[first])
          first++;
        fprintf(stderr, "%s [%s]: output %d differs from the CPU (first at byte %zu)\n", label,
                tactics[k].name, o, first);
        test_failures++;
      }
    }
    gpu.checked++;
    printf("  %-44s %s\n", label, tactics[k].name);
  }
done:
  for (int i = 0; i < 16; i++) {
    free(host_in[i]);
    if (dev_in[i])
      cudaFree(dev_in[i]);
  }
  for (int o = 0; o < TRT_MAX_LAYER_OUTPUTS; o++) {
    free(ref[o]);
    free(got[o]);
    if (dev_out[o])
      cudaFree(dev_out[o]);
  }
}

/* Checks layer 0 and destroys the network: float networks (every input,
 * constants included, and every output float32) through gpu_check_layer,
 * the others through check_typed. */
static void run(trt_network_t *n, const char *label, double tolerance) {
  const trt_layer_t *layer = &n->layers[0];
  const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(layer->type);
  bool all_float = true;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *t = trt_layer_input(n, layer, i);
    all_float = all_float && (!t || t->type == TRT_DATA_TYPE_FLOAT32);
  }
  for (int o = 0; o < layer->nb_outputs; o++)
    all_float = all_float && trt_layer_output(n, layer, o)->type == TRT_DATA_TYPE_FLOAT32;
  if (!ops) {
    fprintf(stderr, "%s: no CUDA implementation of %s\n", label,
            trt_layer_type_name(layer->type));
    test_failures++;
  } else if (all_float) {
    gpu_check_layer(&gpu, ops, n, 0, label, tolerance < 0 ? 0.0 : tolerance, next_seed++);
  } else {
    check_typed(ops, n, label, tolerance);
  }
  trt_network_destroy(n);
}

/* A network with one input x and a layer reading x (and `extra`). */
static trt_network_t *single(const char *label, trt_layer_type_t type, const void *params,
                             trt_data_type_t x_type, trt_dims_t x_dims) {
  trt_network_t *n = trt_network_create();
  int x = input(n, "x", x_type, x_dims);
  if (!add_layer(n, label, type, params, &x, 1, 1)) {
    trt_network_destroy(n);
    return NULL;
  }
  return n;
}

static void run_single(const char *label, trt_layer_type_t type, const void *params,
                       trt_data_type_t x_type, trt_dims_t x_dims, double tolerance) {
  trt_network_t *n = single(label, type, params, x_type, x_dims);
  if (n)
    run(n, label, tolerance);
}

/* The same with the output a view at `offset` of an axis-1 extent. */
static void run_single_view(const char *label, trt_layer_type_t type, const void *params,
                            trt_dims_t x_dims, int64_t extent, int64_t offset, double tolerance) {
  trt_network_t *n = single(label, type, params, TRT_DATA_TYPE_FLOAT32, x_dims);
  if (!n)
    return;
  make_view(n, 0, 1, extent, offset);
  run(n, label, tolerance);
}

/* ---- unary, elementwise ------------------------------------------------------ */

static void test_unary(void) {
  const float alphas[TRT_ACTIVATION_COUNT] = {[TRT_ACTIVATION_LEAKY_RELU] = 0.1f,
                                              [TRT_ACTIVATION_ELU] = 1.3f,
                                              [TRT_ACTIVATION_CLIP] = -0.3f,
                                              [TRT_ACTIVATION_HARD_SIGMOID] = 0.2f,
                                              [TRT_ACTIVATION_SCALE_SHIFT] = -1.0f,
                                              [TRT_ACTIVATION_POWER] = 2.0f};
  const float betas[TRT_ACTIVATION_COUNT] = {[TRT_ACTIVATION_CLIP] = 0.4f,
                                             [TRT_ACTIVATION_HARD_SIGMOID] = 0.5f,
                                             [TRT_ACTIVATION_SCALE_SHIFT] = 0.75f};
  char label[96];
  for (int kind = 0; kind < TRT_ACTIVATION_COUNT; kind++) {
    trt_unary_params_t p = {.op = {(trt_activation_kind_t)kind, alphas[kind], betas[kind]}};
    snprintf(label, sizeof label, "unary %s 2x3x5x7", trt_activation_name(p.op.kind));
    run_single(label, TRT_LAYER_UNARY, &p, TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 5, 7), 1e-5);
    snprintf(label, sizeof label, "unary %s 4x6x8", trt_activation_name(p.op.kind));
    run_single(label, TRT_LAYER_UNARY, &p, TRT_DATA_TYPE_FLOAT32, DIMS(4, 6, 8), 1e-5);
  }
  const trt_activation_kind_t int_kinds[] = {TRT_ACTIVATION_NONE, TRT_ACTIVATION_RELU,
                                             TRT_ACTIVATION_ABS, TRT_ACTIVATION_NEG};
  for (int i = 0; i < 4; i++) {
    trt_unary_params_t p = {.op = {int_kinds[i], 0, 0}};
    snprintf(label, sizeof label, "unary %s int32", trt_activation_name(int_kinds[i]));
    run_single(label, TRT_LAYER_UNARY, &p, TRT_DATA_TYPE_INT32, DIMS(3, 37), EXACT);
    snprintf(label, sizeof label, "unary %s int64", trt_activation_name(int_kinds[i]));
    run_single(label, TRT_LAYER_UNARY, &p, TRT_DATA_TYPE_INT64, DIMS(5, 11), EXACT);
  }
  trt_unary_params_t sigmoid = {.op = {TRT_ACTIVATION_SIGMOID, 0, 0}};
  run_single_view("unary sigmoid into a view", TRT_LAYER_UNARY, &sigmoid, DIMS(2, 3, 5), 7, 2,
                  1e-5);
  /* Chains made by pointwise fusion. */
  trt_unary_params_t chain = {.op = {TRT_ACTIVATION_SCALE_SHIFT, 2.0f, -0.0f},
                              .nb_then = 3,
                              .then = {{TRT_ACTIVATION_RELU, 0, 0},
                                       {TRT_ACTIVATION_SCALE_SHIFT, 1.0f, 0.5f},
                                       {TRT_ACTIVATION_TANH, 0, 0}}};
  run_single("unary chain of 4", TRT_LAYER_UNARY, &chain, TRT_DATA_TYPE_FLOAT32, DIMS(3, 7, 11),
             1e-5);
  run_single("unary chain of 4 (vec4 shape)", TRT_LAYER_UNARY, &chain, TRT_DATA_TYPE_FLOAT32,
             DIMS(2, 8, 8), 1e-5);
  trt_unary_params_t longest = {.op = {TRT_ACTIVATION_SIGMOID, 0, 0},
                                .nb_then = TRT_MAX_UNARY_CHAIN - 1};
  for (int s = 0; s < TRT_MAX_UNARY_CHAIN - 1; s++)
    longest.then[s] = (trt_activation_t){s % 2 ? TRT_ACTIVATION_EXP : TRT_ACTIVATION_HARD_SWISH,
                                         0, 0};
  run_single_view("unary longest chain into a view", TRT_LAYER_UNARY, &longest, DIMS(2, 3, 5), 6,
                  3, 1e-5);
}

static void run_elementwise(const char *label, trt_elementwise_kind_t kind, trt_data_type_t a_type,
                            trt_dims_t a_dims, trt_data_type_t b_type, trt_dims_t b_dims,
                            double tolerance, int view_extent) {
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "a", a_type, a_dims), input(n, "b", b_type, b_dims)};
  trt_elementwise_params_t p = {kind};
  if (!add_layer(n, label, TRT_LAYER_ELEMENTWISE, &p, inputs, 2, 1)) {
    trt_network_destroy(n);
    return;
  }
  if (view_extent)
    make_view(n, 0, 1, view_extent, view_extent - n->tensors[n->layers[0].outputs[0]].dims.d[1]);
  run(n, label, tolerance);
}

static void test_elementwise(void) {
  static const char *const names[] = {"add", "sub", "mul", "div", "pow",
                                      "min", "max", "prelu", "mod", "fmod"};
  const trt_dims_t shapes[][2] = {
      {DIMS(3, 5, 7), DIMS(3, 5, 7)},       {DIMS(2, 3, 5, 7), DIMS(3, 1, 1)},
      {DIMS(4, 6), DIMS(6)},                {DIMS(3, 5), DIMS(1)},
      {DIMS(2, 1, 5), DIMS(1, 3, 1)},       {DIMS(1, 3, 1, 1), DIMS(2, 3, 4, 4)},
      {DIMS(2, 3, 4, 4), DIMS(3, 1, 1)},    {DIMS(2, 8), DIMS(8)},
      {DIMS(4, 4), DIMS(4, 4)},             {DIMS(2, 3, 1, 5, 1, 7), DIMS(3, 4, 1, 6, 1)},
  };
  char label[96];
  for (int kind = 0; kind < TRT_ELEMENTWISE_COUNT; kind++)
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
      snprintf(label, sizeof label, "elementwise %s shapes #%zu", names[kind], s);
      run_elementwise(label, (trt_elementwise_kind_t)kind, TRT_DATA_TYPE_FLOAT32, shapes[s][0],
                      TRT_DATA_TYPE_FLOAT32, shapes[s][1], 1e-5, 0);
    }
  for (int kind = 0; kind < TRT_ELEMENTWISE_COUNT; kind++) {
    snprintf(label, sizeof label, "elementwise %s int32", names[kind]);
    run_elementwise(label, (trt_elementwise_kind_t)kind, TRT_DATA_TYPE_INT32, DIMS(3, 4, 5),
                    TRT_DATA_TYPE_INT32, DIMS(4, 1), EXACT, 0);
    snprintf(label, sizeof label, "elementwise %s int64", names[kind]);
    run_elementwise(label, (trt_elementwise_kind_t)kind, TRT_DATA_TYPE_INT64, DIMS(7, 9),
                    TRT_DATA_TYPE_INT64, DIMS(7, 9), EXACT, 0);
  }
  /* Mixed-type Pow: small constant exponents keep results finite and exact. */
  const int32_t exponents[] = {-2, -1, 0, 1, 3};
  const float fractions[] = {0.5f, 1.0f, 2.0f, 0.0f, 1.5f};
  const int64_t three = 3;
  trt_dims_t five = DIMS(5), one = DIMS(1);
  struct {
    const char *label;
    trt_data_type_t a_type, b_type;
    const void *b;
    trt_dims_t b_dims;
    double tolerance;
  } mixed[] = {
      {"pow float^int32", TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_INT32, exponents, five, 1e-5},
      {"pow int32^float", TRT_DATA_TYPE_INT32, TRT_DATA_TYPE_FLOAT32, fractions, five, EXACT},
      {"pow int64^int64", TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_INT64, &three, one, EXACT},
  };
  for (int i = 0; i < 3; i++) {
    trt_network_t *n = trt_network_create();
    int inputs[2] = {input(n, "a", mixed[i].a_type, DIMS(3, 5)),
                     trt_network_add_constant(n, "b", mixed[i].b_type, &mixed[i].b_dims,
                                              mixed[i].b)};
    trt_elementwise_params_t p = {TRT_ELEMENTWISE_POW};
    if (add_layer(n, mixed[i].label, TRT_LAYER_ELEMENTWISE, &p, inputs, 2, 1))
      run(n, mixed[i].label, mixed[i].tolerance);
    else
      trt_network_destroy(n);
  }
  run_elementwise("add into a view", TRT_ELEMENTWISE_ADD, TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 5),
                  TRT_DATA_TYPE_FLOAT32, DIMS(3, 1), 1e-5, 8);
  run_elementwise("mul per-channel into a view", TRT_ELEMENTWISE_MUL, TRT_DATA_TYPE_FLOAT32,
                  DIMS(2, 4, 4), TRT_DATA_TYPE_FLOAT32, DIMS(4, 1), 1e-5, 6);
}

/* ---- pooling ------------------------------------------------------------------- */

static void test_pooling(void) {
  struct {
    const char *label;
    trt_dims_t x;
    trt_pooling_params_t p;
  } cases[] = {
      {"maxpool 3x3/2 pads ceil", DIMS(2, 3, 17, 13),
       {TRT_POOLING_MAX, false, 2, {3, 3}, {2, 2}, {1, 1}, {1, 0}, {1, 1}, true, false, 0}},
      {"avgpool 3x3/2 pads ceil", DIMS(2, 3, 17, 13),
       {TRT_POOLING_AVERAGE, false, 2, {3, 3}, {2, 2}, {1, 1}, {1, 0}, {1, 1}, true, false, 0}},
      {"avgpool count_include_pad", DIMS(1, 5, 11, 9),
       {TRT_POOLING_AVERAGE, false, 2, {3, 2}, {2, 1}, {1, 1}, {1, 1}, {1, 0}, true, true, 0}},
      {"maxpool dilation 2", DIMS(2, 2, 15, 16),
       {TRT_POOLING_MAX, false, 2, {3, 3}, {1, 2}, {2, 2}, {0, 1}, {2, 0}, false, false, 0}},
      {"avgpool 1-D", DIMS(3, 4, 29),
       {TRT_POOLING_AVERAGE, false, 1, {4}, {3}, {1}, {1}, {2}, false, false, 0}},
      /* 2601 small planes: several share a block of the tiled kernel */
      {"maxpool 3x3/1 pad 1, 7x7 planes", DIMS(3, 867, 7, 7),
       {TRT_POOLING_MAX, false, 2, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, false, false, 0}},
      {"avgpool 3x3/2 ceil, 9x8 planes", DIMS(2, 1301, 9, 8),
       {TRT_POOLING_AVERAGE, false, 2, {3, 3}, {2, 2}, {1, 1}, {1, 0}, {1, 1}, true, false, 0}},
      {"maxpool 3-D", DIMS(1, 3, 7, 9, 8),
       {TRT_POOLING_MAX, false, 3, {2, 3, 2}, {2, 2, 1}, {1, 1, 1}, {0, 1, 0}, {1, 1, 1}, true,
        false, 0}},
      {"global avgpool 7x7", DIMS(4, 33, 7, 7), {.kind = TRT_POOLING_AVERAGE, .global = true}},
      {"global maxpool 9x11", DIMS(3, 5, 9, 11), {.kind = TRT_POOLING_MAX, .global = true}},
      {"global avgpool 100x100", DIMS(1, 3, 100, 100),
       {.kind = TRT_POOLING_AVERAGE, .global = true}},
      {"global maxpool 1-D", DIMS(2, 9, 300), {.kind = TRT_POOLING_MAX, .global = true}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    run_single(cases[i].label, TRT_LAYER_POOLING, &cases[i].p, TRT_DATA_TYPE_FLOAT32, cases[i].x,
               1e-5);
  trt_pooling_params_t max = {
      .kind = TRT_POOLING_MAX, .nb_spatial = 2, .kernel = {2, 2}, .stride = {2, 2}};
  run_single_view("maxpool into a view", TRT_LAYER_POOLING, &max, DIMS(2, 3, 9, 8), 10, 4, 1e-5);
  trt_pooling_params_t global = {.kind = TRT_POOLING_AVERAGE, .global = true};
  run_single_view("global avgpool into a view", TRT_LAYER_POOLING, &global, DIMS(3, 6, 5, 5), 9,
                  0, 1e-5);
}

/* ---- normalization --------------------------------------------------------- */

static void run_channel_norm(const char *label, trt_layer_type_t type, trt_dims_t x_dims,
                             int view_extent) {
  trt_network_t *n = trt_network_create();
  trt_norm_params_t p = {1e-5f, 1};
  int inputs[5] = {input(n, "x", TRT_DATA_TYPE_FLOAT32, x_dims)};
  trt_dims_t c = {1, {x_dims.d[1]}};
  int nb = type == TRT_LAYER_BATCH_NORM ? 5 : 3;
  inputs[1] = const_random(n, "scale", c, 0.5f, 1.5f);
  inputs[2] = const_random(n, "bias", c, -0.5f, 0.5f);
  if (nb == 5) {
    inputs[3] = const_random(n, "mean", c, -0.2f, 0.2f);
    inputs[4] = const_random(n, "var", c, 0.5f, 2.0f);
  }
  if (!add_layer(n, label, type, &p, inputs, nb, 1)) {
    trt_network_destroy(n);
    return;
  }
  if (view_extent)
    make_view(n, 0, 1, view_extent, 1);
  run(n, label, 1e-5);
}

static void run_layer_norm(const char *label, trt_dims_t x_dims, int axis, trt_dims_t scale_dims,
                           trt_dims_t bias_dims, int nb_outputs) {
  trt_network_t *n = trt_network_create();
  trt_norm_params_t p = {1e-5f, axis};
  int inputs[3] = {input(n, "x", TRT_DATA_TYPE_FLOAT32, x_dims),
                   const_random(n, "scale", scale_dims, 0.5f, 1.5f), -1};
  if (bias_dims.nb_dims > 0)
    inputs[2] = const_random(n, "bias", bias_dims, -0.5f, 0.5f);
  if (add_layer(n, label, TRT_LAYER_LAYER_NORM, &p, inputs, inputs[2] >= 0 ? 3 : 2, nb_outputs))
    run(n, label, 1e-5);
  else
    trt_network_destroy(n);
}

static void test_normalization(void) {
  run_channel_norm("batch norm 2x5x7x9", TRT_LAYER_BATCH_NORM, DIMS(2, 5, 7, 9), 0);
  run_channel_norm("batch norm 3x4 (rank 2)", TRT_LAYER_BATCH_NORM, DIMS(3, 4), 0);
  run_channel_norm("batch norm 2x3x31x33 (large planes)", TRT_LAYER_BATCH_NORM,
                   DIMS(2, 3, 31, 33), 0);
  run_channel_norm("batch norm into a view", TRT_LAYER_BATCH_NORM, DIMS(2, 3, 17, 19), 5);
  run_channel_norm("batch norm small planes into a view", TRT_LAYER_BATCH_NORM, DIMS(2, 3, 3),
                   4);
  run_channel_norm("instance norm 2x3x17x19", TRT_LAYER_INSTANCE_NORM, DIMS(2, 3, 17, 19), 0);
  run_channel_norm("instance norm 1x2x64x65 (block)", TRT_LAYER_INSTANCE_NORM,
                   DIMS(1, 2, 64, 65), 0);
  run_channel_norm("instance norm 3x4x5 (1-D)", TRT_LAYER_INSTANCE_NORM, DIMS(3, 4, 5), 0);
  trt_dims_t none = {0};
  run_layer_norm("layer norm axis -1", DIMS(3, 5, 37), -1, DIMS(37), DIMS(37), 1);
  run_layer_norm("layer norm axis 1, broadcast scale/bias", DIMS(2, 3, 4, 5), 1, DIMS(4, 5),
                 DIMS(5), 1);
  run_layer_norm("layer norm no bias, 3 outputs", DIMS(6, 19), 1, DIMS(19), none, 3);
  run_layer_norm("layer norm 2x3000 (block), 2 outputs", DIMS(2, 3000), -1, DIMS(3000),
                 DIMS(3000), 2);
  run_layer_norm("layer norm scale [1,5] broadcast", DIMS(4, 3, 5), -2, DIMS(1, 5), DIMS(3, 1),
                 1);
  trt_lrn_params_t lrn5 = {5, 1e-4f, 0.75f, 1.0f}, lrn2 = {2, 0.3f, 0.5f, 2.0f};
  run_single("lrn size 5", TRT_LAYER_LRN, &lrn5, TRT_DATA_TYPE_FLOAT32, DIMS(2, 7, 5, 6), 1e-5);
  run_single("lrn size 2", TRT_LAYER_LRN, &lrn2, TRT_DATA_TYPE_FLOAT32, DIMS(1, 4, 3, 3), 1e-5);
  run_single("lrn size 5 rank 3", TRT_LAYER_LRN, &lrn5, TRT_DATA_TYPE_FLOAT32, DIMS(2, 9, 11),
             1e-5);
}

/* ---- softmax, reduce ----------------------------------------------------------- */

static void test_softmax(void) {
  struct {
    const char *label;
    trt_dims_t x;
    trt_softmax_params_t p;
  } cases[] = {
      {"softmax axis -1 (warp rows)", DIMS(3, 7, 50), {-1, false, false}},
      {"softmax 2x1500 (block rows)", DIMS(2, 1500), {1, false, false}},
      {"softmax axis 1 (columns)", DIMS(2, 5, 3, 4), {1, false, false}},
      {"softmax axis 0", DIMS(6, 7), {0, false, false}},
      {"log-softmax axis -1", DIMS(4, 33), {-1, true, false}},
      {"log-softmax axis 1 (columns)", DIMS(3, 9, 5), {1, true, false}},
      {"log-softmax 1x4097 (block rows)", DIMS(1, 4097), {-1, true, false}},
      {"softmax coerce_2d axis 1", DIMS(2, 3, 4, 5), {1, false, true}},
      {"softmax coerce_2d axis == rank", DIMS(2, 3), {2, false, true}},
      {"log-softmax coerce_2d axis 2", DIMS(2, 3, 4, 5), {2, true, true}},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    run_single(cases[i].label, TRT_LAYER_SOFTMAX, &cases[i].p, TRT_DATA_TYPE_FLOAT32, cases[i].x,
               1e-5);
}

static void run_reduce(const char *label, trt_reduce_kind_t kind, trt_data_type_t type,
                       trt_dims_t x, int nb_axes, const int32_t *axes, bool keep,
                       bool axes_as_input, double tolerance) {
  trt_reduce_params_t p = {kind, axes_as_input ? 0 : nb_axes, {0}, keep, false};
  for (int i = 0; !axes_as_input && i < nb_axes; i++)
    p.axes[i] = axes[i];
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "x", type, x), -1};
  if (axes_as_input) {
    int64_t values[TRT_MAX_DIMS];
    for (int i = 0; i < nb_axes; i++)
      values[i] = axes[i];
    inputs[1] = const_i64(n, "axes", nb_axes, values);
  }
  if (add_layer(n, label, TRT_LAYER_REDUCE, &p, inputs, axes_as_input ? 2 : 1, 1))
    run(n, label, tolerance);
  else
    trt_network_destroy(n);
}

static void test_reduce(void) {
  static const char *const names[] = {"mean", "sum", "max", "min", "prod"};
  const int32_t last[] = {-1}, first[] = {0}, middle[] = {1, 2}, outer[] = {0, 2};
  char label[96];
  for (int kind = 0; kind <= TRT_REDUCE_PROD; kind++) {
    const trt_reduce_kind_t k = (trt_reduce_kind_t)kind;
    snprintf(label, sizeof label, "reduce %s last axis", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_FLOAT32, DIMS(3, 4, 5, 61), 1, last, false, false, 1e-5);
    snprintf(label, sizeof label, "reduce %s axis 0", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_FLOAT32, DIMS(7, 4, 5), 1, first, true, false, 1e-5);
    snprintf(label, sizeof label, "reduce %s axes 1,2 (input)", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_FLOAT32, DIMS(3, 4, 5, 6), 2, middle, true, true, 1e-5);
    snprintf(label, sizeof label, "reduce %s axes 0,2", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_FLOAT32, DIMS(3, 4, 5, 6), 2, outer, false, false, 1e-5);
    snprintf(label, sizeof label, "reduce %s all axes", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_FLOAT32, DIMS(3, 1, 7), 0, NULL, false, false, 1e-5);
    snprintf(label, sizeof label, "reduce %s int32 axis 1", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_INT32, DIMS(3, 5, 4), 1, middle, false, false, EXACT);
    snprintf(label, sizeof label, "reduce %s int64 last axis", names[kind]);
    run_reduce(label, k, TRT_DATA_TYPE_INT64, DIMS(6, 40), 1, last, true, false, EXACT);
  }
  run_reduce("reduce sum 2x10000 (block rows)", TRT_REDUCE_SUM, TRT_DATA_TYPE_FLOAT32,
             DIMS(2, 10000), 1, last, false, false, 1e-5);
  run_reduce("reduce mean 2000x33 (warp rows)", TRT_REDUCE_MEAN, TRT_DATA_TYPE_FLOAT32,
             DIMS(2000, 33), 1, last, false, false, 1e-5);
  trt_reduce_params_t noop = {TRT_REDUCE_SUM, 0, {0}, true, true};
  run_single("reduce noop_with_empty_axes", TRT_LAYER_REDUCE, &noop, TRT_DATA_TYPE_FLOAT32,
             DIMS(3, 5), EXACT);
}

/* ---- data movement ----------------------------------------------------------- */

static void test_shuffle(void) {
  const int64_t shape[] = {4, -1};
  trt_reshape_params_t reshape = {TRT_RESHAPE_FROM_TENSOR};
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "x", TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 4)),
                   const_i64(n, "shape", 2, shape)};
  if (add_layer(n, "reshape 2x3x4 -> 4x6", TRT_LAYER_RESHAPE, &reshape, inputs, 2, 1))
    run(n, "reshape 2x3x4 -> 4x6", EXACT);
  else
    trt_network_destroy(n);
  trt_reshape_params_t flatten = {.mode = TRT_RESHAPE_FLATTEN, .axis = 1};
  run_single("flatten int64", TRT_LAYER_RESHAPE, &flatten, TRT_DATA_TYPE_INT64, DIMS(3, 2, 5),
             EXACT);
  n = single("flatten into a view", TRT_LAYER_RESHAPE, &flatten, TRT_DATA_TYPE_FLOAT32,
             DIMS(3, 4, 5));
  if (n) {
    make_view(n, 0, 1, 30, 7);
    gpu_check_layer(&gpu, trt_cuda_layer_ops(TRT_LAYER_RESHAPE), n, 0, "flatten into a view", 0,
                    next_seed++);
    trt_network_destroy(n);
  }

  struct {
    const char *label;
    trt_dims_t x;
    trt_transpose_params_t p;
    trt_data_type_t type;
  } cases[] = {
      {"transpose NCHW->NHWC", DIMS(2, 3, 17, 19), {4, {0, 2, 3, 1}}, TRT_DATA_TYPE_FLOAT32},
      {"transpose NHWC->NCHW", DIMS(2, 17, 19, 3), {4, {0, 3, 1, 2}}, TRT_DATA_TYPE_FLOAT32},
      {"transpose 33x65 swap", DIMS(33, 65), {2, {1, 0}}, TRT_DATA_TYPE_FLOAT32},
      {"transpose reverse (default)", DIMS(2, 3, 4, 5), {0}, TRT_DATA_TYPE_FLOAT32},
      {"transpose last axis kept", DIMS(3, 4, 5, 6), {4, {2, 0, 1, 3}}, TRT_DATA_TYPE_FLOAT32},
      {"transpose 5-D", DIMS(2, 3, 1, 4, 5), {5, {4, 2, 0, 3, 1}}, TRT_DATA_TYPE_FLOAT32},
      {"transpose int8", DIMS(3, 37, 41), {3, {0, 2, 1}}, TRT_DATA_TYPE_INT8},
      {"transpose float16", DIMS(5, 33, 7), {3, {2, 1, 0}}, TRT_DATA_TYPE_FLOAT16},
      {"transpose int64", DIMS(4, 70, 3), {3, {1, 2, 0}}, TRT_DATA_TYPE_INT64},
      {"transpose identity", DIMS(4, 5), {2, {0, 1}}, TRT_DATA_TYPE_FLOAT32},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    run_single(cases[i].label, TRT_LAYER_TRANSPOSE, &cases[i].p, cases[i].type, cases[i].x,
               EXACT);
}

static void test_concat_split(void) {
  for (int axis = -3; axis < 3; axis += 2) {
    char label[64];
    snprintf(label, sizeof label, "concat 3 inputs axis %d", axis);
    trt_network_t *n = trt_network_create();
    trt_dims_t a = DIMS(2, 3, 4), b = a, c = a;
    int k = axis < 0 ? axis + 3 : axis;
    b.d[k] = 5;
    c.d[k] = 1;
    int inputs[3] = {input(n, "a", TRT_DATA_TYPE_FLOAT32, a),
                     input(n, "b", TRT_DATA_TYPE_FLOAT32, b),
                     input(n, "c", TRT_DATA_TYPE_FLOAT32, c)};
    trt_concat_params_t p = {axis, false};
    if (add_layer(n, label, TRT_LAYER_CONCAT, &p, inputs, 3, 1))
      run(n, label, EXACT);
    else
      trt_network_destroy(n);
  }
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "a", TRT_DATA_TYPE_INT64, DIMS(3, 2)),
                   input(n, "b", TRT_DATA_TYPE_INT64, DIMS(3, 5))};
  trt_concat_params_t p = {1, false};
  if (add_layer(n, "concat int64", TRT_LAYER_CONCAT, &p, inputs, 2, 1))
    run(n, "concat int64", EXACT);
  else
    trt_network_destroy(n);

  trt_split_params_t sizes = {1, 3, 3, {2, 3, 1}};
  n = trt_network_create();
  int x = input(n, "x", TRT_DATA_TYPE_FLOAT32, DIMS(2, 6, 5));
  if (add_layer(n, "split sizes 2,3,1", TRT_LAYER_SPLIT, &sizes, &x, 1, 3))
    run(n, "split sizes 2,3,1", EXACT);
  else
    trt_network_destroy(n);
  trt_split_params_t equal = {.axis = -1, .nb_outputs = 2};
  n = trt_network_create();
  x = input(n, "x", TRT_DATA_TYPE_UINT8, DIMS(3, 4, 7));
  if (add_layer(n, "split equal uint8 last axis", TRT_LAYER_SPLIT, &equal, &x, 1, 2))
    run(n, "split equal uint8 last axis", EXACT);
  else
    trt_network_destroy(n);
}

static void run_slice(const char *label, trt_data_type_t type, trt_dims_t x, int count,
                      const int64_t *starts, const int64_t *ends, const int64_t *axes,
                      const int64_t *steps) {
  trt_network_t *n = trt_network_create();
  int inputs[5] = {input(n, "x", type, x), const_i64(n, "starts", count, starts),
                   const_i64(n, "ends", count, ends), axes ? const_i64(n, "axes", count, axes) : -1,
                   steps ? const_i64(n, "steps", count, steps) : -1};
  if (add_layer(n, label, TRT_LAYER_SLICE, NULL, inputs, steps ? 5 : axes ? 4 : 3, 1))
    run(n, label, EXACT);
  else
    trt_network_destroy(n);
}

static void run_pad(const char *label, trt_data_type_t type, trt_dims_t x, trt_pad_mode_t mode,
                    const int64_t *pads, bool value_input) {
  trt_network_t *n = trt_network_create();
  trt_pad_params_t p = {.mode = mode, .value = 0.25f};
  int rank = x.nb_dims;
  int inputs[3] = {input(n, "x", type, x), const_i64(n, "pads", 2 * rank, pads), -1};
  if (value_input) {
    trt_dims_t scalar = {0};
    inputs[2] = input(n, "value", type, scalar);
  }
  if (add_layer(n, label, TRT_LAYER_PAD, &p, inputs, value_input ? 3 : 2, 1))
    run(n, label, EXACT);
  else
    trt_network_destroy(n);
}

static void test_slice_pad(void) {
  const int64_t s1[] = {1, 0, 2}, e1[] = {4, 7, 9}, st1[] = {1, 2, 3};
  run_slice("slice steps 1,2,3", TRT_DATA_TYPE_FLOAT32, DIMS(5, 7, 9), 3, s1, e1, NULL, st1);
  const int64_t s2[] = {-1, 6}, e2[] = {-100, 0}, a2[] = {2, 0}, st2[] = {-2, -1};
  run_slice("slice negative steps", TRT_DATA_TYPE_FLOAT32, DIMS(7, 3, 9), 2, s2, e2, a2, st2);
  const int64_t s3[] = {-3, 100}, e3[] = {1000, -1000}, a3[] = {-1, 0}, st3[] = {1, -3};
  run_slice("slice clamping", TRT_DATA_TYPE_INT64, DIMS(8, 5, 6), 2, s3, e3, a3, st3);
  const int64_t s4[] = {1}, e4[] = {3};
  run_slice("slice first axis int8", TRT_DATA_TYPE_INT8, DIMS(4, 3, 5), 1, s4, e4, NULL, NULL);

  const int64_t p1[] = {0, 1, 2, 0, 2, 1};
  run_pad("pad constant", TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 4), TRT_PAD_CONSTANT, p1, false);
  run_pad("pad reflect", TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 4), TRT_PAD_REFLECT, p1, false);
  run_pad("pad edge", TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 4), TRT_PAD_EDGE, p1, false);
  const int64_t p2[] = {-1, 3, 0, -2};
  run_pad("pad crop and pad", TRT_DATA_TYPE_FLOAT32, DIMS(5, 6), TRT_PAD_CONSTANT, p2, false);
  const int64_t p3[] = {2, 2, 2, 2};
  run_pad("pad int32 constant", TRT_DATA_TYPE_INT32, DIMS(3, 4), TRT_PAD_CONSTANT, p3, false);
  run_pad("pad value input int64", TRT_DATA_TYPE_INT64, DIMS(3, 4), TRT_PAD_CONSTANT, p3, true);
  run_pad("pad reflect wide int8", TRT_DATA_TYPE_INT8, DIMS(3, 4), TRT_PAD_REFLECT, p3, false);
}

/* ---- resize, gather, cast, identity ---------------------------------------- */

static void run_resize(const char *label, trt_data_type_t type, trt_dims_t x,
                       trt_resize_params_t p, const float *scales, const int64_t *sizes,
                       const float *roi, bool legacy, int view_extent) {
  trt_network_t *n = trt_network_create();
  int rank = x.nb_dims;
  trt_dims_t vector = {1, {rank}}, roi_dims = {1, {2 * rank}};
  int inputs[4] = {input(n, "x", type, x), -1, -1, -1};
  int nb_inputs;
  if (legacy) {
    inputs[1] = const_f32(n, "scales", vector, scales);
    nb_inputs = 2;
  } else {
    inputs[1] = roi ? const_f32(n, "roi", roi_dims, roi) : -1;
    inputs[2] = scales ? const_f32(n, "scales", vector, scales) : -1;
    inputs[3] = sizes ? const_i64(n, "sizes", rank, sizes) : -1;
    nb_inputs = sizes ? 4 : 3;
  }
  if (!add_layer(n, label, TRT_LAYER_RESIZE, &p, inputs, nb_inputs, 1)) {
    trt_network_destroy(n);
    return;
  }
  if (view_extent)
    make_view(n, 0, 1, view_extent, 0);
  if (view_extent) /* the scales constant is float: the float harness applies */
    gpu_check_layer(&gpu, trt_cuda_layer_ops(TRT_LAYER_RESIZE), n, 0, label, 1e-5, next_seed++);
  else
    run(n, label, type == TRT_DATA_TYPE_FLOAT32 ? 1e-5 : EXACT);
  if (view_extent)
    trt_network_destroy(n);
}

static void test_resize(void) {
  const float up2[] = {1, 1, 2, 2}, odd[] = {1, 1, 1.5f, 0.6f}, up3[] = {1, 1, 3};
  const int64_t sizes[] = {2, 3, 11, 4};
  const float roi[] = {0, 0, 0.1f, 0.2f, 1, 1, 0.9f, 1.3f};
  trt_resize_params_t nearest = {.mode = TRT_RESIZE_NEAREST,
                                 .coord = TRT_RESIZE_COORD_ASYMMETRIC,
                                 .nearest = TRT_RESIZE_FLOOR};
  trt_resize_params_t linear = {.mode = TRT_RESIZE_LINEAR, .coord = TRT_RESIZE_COORD_HALF_PIXEL};
  trt_resize_params_t cubic = {.mode = TRT_RESIZE_CUBIC, .coord = TRT_RESIZE_COORD_ALIGN_CORNERS,
                               .cubic_coeff_a = -0.5f};
  trt_dims_t x = DIMS(2, 3, 7, 9);
  run_resize("resize nearest 2x asymmetric floor", TRT_DATA_TYPE_FLOAT32, x, nearest, up2, NULL,
             NULL, false, 0);
  nearest.coord = TRT_RESIZE_COORD_HALF_PIXEL;
  nearest.nearest = TRT_RESIZE_ROUND_PREFER_FLOOR;
  run_resize("resize nearest half_pixel odd scales", TRT_DATA_TYPE_FLOAT32, x, nearest, odd,
             NULL, NULL, false, 0);
  nearest.nearest = TRT_RESIZE_ROUND_PREFER_CEIL;
  nearest.coord = TRT_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN;
  run_resize("resize nearest uint8 tf_half_pixel", TRT_DATA_TYPE_UINT8, x, nearest, odd, NULL,
             NULL, false, 0);
  nearest.nearest = TRT_RESIZE_CEIL;
  nearest.coord = TRT_RESIZE_COORD_ALIGN_CORNERS;
  run_resize("resize nearest int64 sizes", TRT_DATA_TYPE_INT64, x, nearest, NULL, sizes, NULL,
             false, 0);
  run_resize("resize linear half_pixel", TRT_DATA_TYPE_FLOAT32, x, linear, odd, NULL, NULL, false,
             0);
  linear.coord = TRT_RESIZE_COORD_PYTORCH_HALF_PIXEL;
  run_resize("resize linear pytorch_half_pixel sizes", TRT_DATA_TYPE_FLOAT32, x, linear, NULL,
             sizes, NULL, false, 0);
  linear.coord = TRT_RESIZE_COORD_ALIGN_CORNERS;
  run_resize("resize linear align_corners 1-D axis", TRT_DATA_TYPE_FLOAT32, DIMS(2, 3, 10),
             linear, up3, NULL, NULL, false, 0);
  run_resize("resize cubic align_corners", TRT_DATA_TYPE_FLOAT32, x, cubic, up2, NULL, NULL,
             false, 0);
  cubic.coord = TRT_RESIZE_COORD_HALF_PIXEL;
  cubic.exclude_outside = true;
  run_resize("resize cubic exclude_outside", TRT_DATA_TYPE_FLOAT32, x, cubic, odd, NULL, NULL,
             false, 0);
  linear.coord = TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  linear.extrapolation_value = -7.5f;
  run_resize("resize linear tf_crop_and_resize", TRT_DATA_TYPE_FLOAT32, x, linear, NULL, sizes,
             roi, false, 0);
  trt_resize_params_t upsample = {.mode = TRT_RESIZE_NEAREST,
                                  .coord = TRT_RESIZE_COORD_ASYMMETRIC,
                                  .nearest = TRT_RESIZE_FLOOR};
  run_resize("upsample legacy scales input", TRT_DATA_TYPE_FLOAT32, x, upsample, up2, NULL, NULL,
             true, 0);
  linear.coord = TRT_RESIZE_COORD_HALF_PIXEL;
  run_resize("resize linear into a view", TRT_DATA_TYPE_FLOAT32, x, linear, up2, NULL, NULL,
             false, 5);
  const float same[] = {1, 1, 1, 1};
  run_resize("resize identity scales", TRT_DATA_TYPE_FLOAT32, x, linear, same, NULL, NULL, false,
             0);
}

static void run_gather(const char *label, trt_data_type_t type, trt_dims_t x, int axis,
                       trt_dims_t idx_dims, const int64_t *indices, bool int32) {
  trt_network_t *n = trt_network_create();
  int32_t narrow[64];
  int64_t count = trt_dims_volume(&idx_dims);
  for (int64_t i = 0; i < count && i < 64; i++)
    narrow[i] = (int32_t)indices[i];
  int inputs[2] = {input(n, "data", type, x),
                   trt_network_add_constant(n, "indices",
                                            int32 ? TRT_DATA_TYPE_INT32 : TRT_DATA_TYPE_INT64,
                                            &idx_dims, int32 ? (const void *)narrow : indices)};
  trt_gather_params_t p = {axis};
  if (add_layer(n, label, TRT_LAYER_GATHER, &p, inputs, 2, 1))
    run(n, label, EXACT);
  else
    trt_network_destroy(n);
}

static void test_gather(void) {
  const int64_t rows[] = {2, 0, -1, 3, 3, -5};
  run_gather("gather axis 0 int64 indices", TRT_DATA_TYPE_FLOAT32, DIMS(5, 7), 0, DIMS(2, 3),
             rows, false);
  run_gather("gather axis 1 int32 indices", TRT_DATA_TYPE_FLOAT32, DIMS(2, 5, 3), 1, DIMS(4),
             rows, true);
  run_gather("gather last axis int64 data", TRT_DATA_TYPE_INT64, DIMS(3, 2, 6), -1, DIMS(5),
             rows, false);
  run_gather("gather scalar index", TRT_DATA_TYPE_FLOAT32, DIMS(4, 3), 0, (trt_dims_t){0}, rows,
             false);
}

static void test_cast_identity(void) {
  const trt_data_type_t types[] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_FLOAT16,
                                   TRT_DATA_TYPE_FLOAT64, TRT_DATA_TYPE_INT8,
                                   TRT_DATA_TYPE_UINT8,   TRT_DATA_TYPE_INT32,
                                   TRT_DATA_TYPE_INT64,   TRT_DATA_TYPE_BOOL};
  char label[96];
  for (size_t from = 0; from < 8; from++)
    for (size_t to = 0; to < 8; to++) {
      trt_cast_params_t p = {types[to]};
      snprintf(label, sizeof label, "cast %s -> %s", trt_data_type_name(types[from]),
               trt_data_type_name(types[to]));
      run_single(label, TRT_LAYER_CAST, &p, types[from], DIMS(3, 41), EXACT);
    }
  run_single("identity float", TRT_LAYER_IDENTITY, NULL, TRT_DATA_TYPE_FLOAT32, DIMS(3, 5, 7),
             EXACT);
  run_single("identity bool", TRT_LAYER_IDENTITY, NULL, TRT_DATA_TYPE_BOOL, DIMS(9, 2), EXACT);
  run_single_view("identity into a view", TRT_LAYER_IDENTITY, NULL, DIMS(2, 3, 5), 4, 1, EXACT);
}

/* ---- comparisons, logic, indexing ------------------------------------------ */

static void run_two(const char *label, trt_layer_type_t type, const void *params,
                    trt_data_type_t a_type, trt_dims_t a, trt_data_type_t b_type, trt_dims_t b) {
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "a", a_type, a), input(n, "b", b_type, b)};
  if (add_layer(n, label, type, params, inputs, 2, 1))
    run(n, label, EXACT);
  else
    trt_network_destroy(n);
}

/* A layer of data input x and one constant int64 vector. */
static void run_with_vector(const char *label, trt_layer_type_t type, const void *params,
                            trt_data_type_t x_type, trt_dims_t x, int count,
                            const int64_t *values) {
  trt_network_t *n = trt_network_create();
  int inputs[2] = {input(n, "x", x_type, x), const_i64(n, "vector", count, values)};
  if (add_layer(n, label, type, params, inputs, 2, 1))
    run(n, label, EXACT);
  else
    trt_network_destroy(n);
}

static void test_logic(void) {
  static const char *const compare_names[] = {"equal", "less", "less_or_equal", "greater",
                                              "greater_or_equal"};
  const trt_data_type_t types[] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_FLOAT64,
                                   TRT_DATA_TYPE_INT8,    TRT_DATA_TYPE_UINT8,
                                   TRT_DATA_TYPE_INT32,   TRT_DATA_TYPE_INT64,
                                   TRT_DATA_TYPE_BOOL};
  char label[96];
  for (int kind = 0; kind < TRT_COMPARE_COUNT; kind++)
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
      trt_compare_params_t p = {(trt_compare_kind_t)kind};
      snprintf(label, sizeof label, "compare %s %s", compare_names[kind],
               trt_data_type_name(types[t]));
      run_two(label, TRT_LAYER_COMPARE, &p, types[t], DIMS(3, 4, 5), types[t], DIMS(4, 1));
    }
  static const char *const logic_names[] = {"and", "or", "xor"};
  for (int kind = 0; kind < 3; kind++) {
    trt_logic_params_t p = {(trt_logic_kind_t)kind};
    snprintf(label, sizeof label, "logic %s", logic_names[kind]);
    run_two(label, TRT_LAYER_LOGIC, &p, TRT_DATA_TYPE_BOOL, DIMS(2, 3, 4), TRT_DATA_TYPE_BOOL,
            DIMS(3, 1));
  }
  trt_logic_params_t not_params = {TRT_LOGIC_NOT};
  run_single("logic not", TRT_LAYER_LOGIC, &not_params, TRT_DATA_TYPE_BOOL, DIMS(5, 7), EXACT);
  const trt_data_type_t where_types[] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_INT64,
                                         TRT_DATA_TYPE_FLOAT16, TRT_DATA_TYPE_UINT8};
  for (int t = 0; t < 4; t++) {
    trt_network_t *n = trt_network_create();
    int inputs[3] = {input(n, "condition", TRT_DATA_TYPE_BOOL, DIMS(3, 1, 5)),
                     input(n, "x", where_types[t], DIMS(1, 4, 5)),
                     input(n, "y", where_types[t], DIMS(3, 4, 1))};
    snprintf(label, sizeof label, "where %s", trt_data_type_name(where_types[t]));
    if (add_layer(n, label, TRT_LAYER_WHERE, NULL, inputs, 3, 1))
      run(n, label, EXACT);
    else
      trt_network_destroy(n);
  }
}

static void test_indexing(void) {
  trt_arg_reduce_params_t argmax = {true, 1, true, false}, argmin_last = {false, -1, false, true};
  trt_arg_reduce_params_t argmax_first = {true, 0, false, false};
  run_single("argmax axis 1 keep_dims", TRT_LAYER_ARG_REDUCE, &argmax, TRT_DATA_TYPE_FLOAT32,
             DIMS(3, 7, 5), EXACT);
  run_single("argmin last index int32", TRT_LAYER_ARG_REDUCE, &argmin_last, TRT_DATA_TYPE_INT32,
             DIMS(4, 3, 9), EXACT);
  run_single("argmax axis 0 uint8", TRT_LAYER_ARG_REDUCE, &argmax_first, TRT_DATA_TYPE_UINT8,
             DIMS(6, 10), EXACT);
  run_single("argmin last index int64", TRT_LAYER_ARG_REDUCE, &argmin_last, TRT_DATA_TYPE_INT64,
             DIMS(5, 40), EXACT);

  const int64_t picks[] = {3, 0, -1, 2, 1, -4, 0, 0, 3, 2, 1, -2, 3, 0, 1};
  for (int axis = 0; axis < 2; axis++) {
    trt_network_t *n = trt_network_create();
    trt_dims_t idx = DIMS(3, 5);
    int32_t narrow[15];
    for (int i = 0; i < 15; i++)
      narrow[i] = (int32_t)picks[i];
    int inputs[2] = {input(n, "data", axis ? TRT_DATA_TYPE_INT64 : TRT_DATA_TYPE_FLOAT32,
                           DIMS(4, 5)),
                     trt_network_add_constant(n, "indices",
                                              axis ? TRT_DATA_TYPE_INT32 : TRT_DATA_TYPE_INT64,
                                              &idx, axis ? (const void *)narrow : picks)};
    trt_gather_params_t p = {axis};
    const char *label = axis ? "gather_elements axis 1 int32" : "gather_elements axis 0";
    if (add_layer(n, label, TRT_LAYER_GATHER_ELEMENTS, &p, inputs, 2, 1))
      run(n, label, EXACT);
    else
      trt_network_destroy(n);
  }

  const int64_t repeats[] = {2, 3}, repeats3[] = {1, 4, 2};
  run_with_vector("tile 2x3", TRT_LAYER_TILE, NULL, TRT_DATA_TYPE_FLOAT32, DIMS(2, 3), 2, repeats);
  run_with_vector("tile int8 1,4,2", TRT_LAYER_TILE, NULL, TRT_DATA_TYPE_INT8, DIMS(2, 1, 3), 3,
                  repeats3);
  const int64_t shape[] = {2, 1, 4}, shape2[] = {3, 1};
  run_with_vector("expand 3x1 to 2x3x4", TRT_LAYER_EXPAND, NULL, TRT_DATA_TYPE_FLOAT32,
                  DIMS(3, 1), 3, shape);
  run_with_vector("expand float16 1x5 by 3x1", TRT_LAYER_EXPAND, NULL, TRT_DATA_TYPE_FLOAT16,
                  DIMS(1, 5), 2, shape2);

  trt_trilu_params_t upper = {true}, lower = {false};
  run_single("trilu upper", TRT_LAYER_TRILU, &upper, TRT_DATA_TYPE_FLOAT32, DIMS(2, 5, 7), EXACT);
  const int64_t k_minus1[] = {-1}, k_two[] = {2};
  run_with_vector("trilu lower k=-1", TRT_LAYER_TRILU, &lower, TRT_DATA_TYPE_FLOAT32,
                  DIMS(3, 6, 4), 1, k_minus1);
  run_with_vector("trilu upper k=2 int64", TRT_LAYER_TRILU, &upper, TRT_DATA_TYPE_INT64,
                  DIMS(2, 4, 6), 1, k_two);
}

/* The reformat kernel's path for an image input entering a channels-last
 * network (packed NCHW float32 to packed NHWC float16, few channels),
 * called directly: exact. */
static void test_reformat_planes_to_pixels(void) {
  const int64_t n = 2, c = 3, h = 5, w = 7, count = n * c * h * w;
  test_rng_t rng = test_rng(next_seed++);
  float *planes = test_random_floats(&rng, count, -3.0f, 3.0f);
  uint16_t *pixels = malloc((size_t)count * sizeof *pixels);
  void *src = NULL, *dst = NULL;
  trt_kreformat_t r = {.rank = 4,
                       .dims = {n, c, h, w},
                       .src_strides = {c * h * w, h * w, w, 1},
                       .dst_strides = {h * w * c, 1, w * c, c}};
  bool ok = planes && pixels && cudaMalloc(&src, (size_t)count * 4) == cudaSuccess &&
            cudaMalloc(&dst, (size_t)count * 2) == cudaSuccess &&
            cudaMemcpy(src, planes, (size_t)count * 4, cudaMemcpyHostToDevice) == cudaSuccess &&
            trt_launch_reformat(src, TRT_KTYPE_FLOAT32, dst, TRT_KTYPE_FLOAT16, r, NULL) ==
                cudaSuccess &&
            cudaMemcpy(pixels, dst, (size_t)count * 2, cudaMemcpyDeviceToHost) == cudaSuccess;
  int64_t wrong = 0;
  for (int64_t b = 0; ok && b < n; b++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t at = 0; at < h * w; at++)
        wrong += pixels[(b * h * w + at) * c + ch] !=
                 trt_half_from_float(planes[(b * c + ch) * h * w + at]);
  if (!ok || wrong) {
    fprintf(stderr, "reformat NCHW float32 -> NHWC float16, 3 channels: %s, %lld wrong\n",
            ok ? "ran" : "failed to run", (long long)wrong);
    test_failures++;
  }
  cudaFree(src);
  cudaFree(dst);
  free(planes);
  free(pixels);
}

int main(void) {
  int skip = gpu_harness_open(&gpu);
  if (skip)
    return skip;
  test_unary();
  test_elementwise();
  test_pooling();
  test_normalization();
  test_softmax();
  test_reduce();
  test_shuffle();
  test_concat_split();
  test_slice_pad();
  test_resize();
  test_gather();
  test_cast_identity();
  test_reformat_planes_to_pixels();
  test_logic();
  test_indexing();
  printf("%d tactic runs checked\n", gpu.checked);
  gpu_harness_close(&gpu);
  return test_finish("test_cuda_layers");
}
