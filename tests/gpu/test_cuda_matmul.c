/* The CUDA MatMul and Gemm against the CPU reference, every tactic (cuBLAS
 * and each cuBLASLt heuristic) of every case: numpy batch broadcasting, 1-D
 * operands, batches folded into M, host-looped batch dims, odd sizes;
 * Gemm's transposes, alpha, beta, C as a row vector (bias epilogue), a
 * column, a scalar or a full matrix, fused activations; outputs that are
 * strided views into a concat buffer. FP32 with TF32 off: relative
 * L2 <= 1e-5. Exits 77 when there is no GPU. */
#include "gpu_layer_check.h"

#define TOLERANCE 1e-5

typedef struct {
  const char *label;
  bool gemm;
  trt_dims_t a, b, c; /* c.nb_dims 0: no C */
  bool transpose_a, transpose_b;
  float alpha, beta;
  trt_activation_kind_t activation;
  int view_axis; /* > 0: the output is concatenated with a 3-wide side tensor on this axis */
  bool b_constant;
} mm_case_t;

#define D1(x) {1, {x}}
#define D2(x, y) {2, {x, y}}
#define D3(x, y, z) {3, {x, y, z}}
#define D4(w, x, y, z) {4, {w, x, y, z}}
#define NONE_C {0, {0}}

static trt_network_t *build(const mm_case_t *c, uint64_t seed, int *layer) {
  test_rng_t rng = test_rng(seed);
  trt_network_t *network = trt_network_create();
  int inputs[3] = {-1, -1, -1};
  int nb_inputs = 2;
  inputs[0] = trt_network_add_input(network, "a", TRT_DATA_TYPE_FLOAT32, &c->a);
  if (c->b_constant) {
    float *data = test_random_floats(&rng, trt_dims_volume(&c->b), -1.0f, 1.0f);
    inputs[1] = trt_network_add_constant(network, "b", TRT_DATA_TYPE_FLOAT32, &c->b, data);
    free(data);
  } else {
    inputs[1] = trt_network_add_input(network, "b", TRT_DATA_TYPE_FLOAT32, &c->b);
  }
  if (c->c.nb_dims > 0) {
    float *data = test_random_floats(&rng, trt_dims_volume(&c->c), -1.0f, 1.0f);
    inputs[2] = trt_network_add_constant(network, "c", TRT_DATA_TYPE_FLOAT32, &c->c, data);
    free(data);
    nb_inputs = 3;
  }
  trt_gemm_params_t params = {.alpha = c->alpha,
                              .beta = c->beta,
                              .transpose_a = c->transpose_a,
                              .transpose_b = c->transpose_b,
                              .activation = {c->activation, 0.1f, 0.0f}};
  *layer = trt_network_add_layer(network, c->gemm ? TRT_LAYER_GEMM : TRT_LAYER_MATMUL, c->label,
                                 inputs, nb_inputs, NULL, 1, c->gemm ? &params : NULL);
  if (*layer < 0) {
    fprintf(stderr, "%s: %s\n", c->label, trt_last_error());
    trt_network_destroy(network);
    return NULL;
  }
  const int y = network->layers[*layer].outputs[0];
  trt_network_mark_output(network, y);
  int concat_out = -1;
  if (c->view_axis > 0) {
    /* Shapes first, to size the side input like y but 3 wide on the axis. */
    if (trt_network_infer_shapes(network) != TRT_STATUS_OK) {
      fprintf(stderr, "%s: shape inference: %s\n", c->label, trt_last_error());
      trt_network_destroy(network);
      return NULL;
    }
    trt_dims_t side_dims = network->tensors[y].dims;
    side_dims.d[c->view_axis] = 3;
    const int side = trt_network_add_input(network, "side", TRT_DATA_TYPE_FLOAT32, &side_dims);
    trt_concat_params_t concat = {.axis = c->view_axis};
    const int concat_inputs[2] = {y, side};
    const int concat_layer = trt_network_add_layer(network, TRT_LAYER_CONCAT, "concat",
                                                   concat_inputs, 2, NULL, 1, &concat);
    concat_out = network->layers[concat_layer].outputs[0];
    trt_network_mark_output(network, concat_out);
  }
  if (trt_network_infer_shapes(network) != TRT_STATUS_OK) {
    fprintf(stderr, "%s: shape inference: %s\n", c->label, trt_last_error());
    trt_network_destroy(network);
    return NULL;
  }
  if (concat_out >= 0) {
    network->tensors[y].view_parent = concat_out;
    network->tensors[y].view_axis = c->view_axis;
    network->tensors[y].view_offset = 0;
  }
  return network;
}

static const mm_case_t cases[] = {
    /* MatMul */
    {"matmul 5x7 * 7x3", false, D2(5, 7), D2(7, 3), NONE_C, false, false, 1, 0, 0, 0, true},
    {"matmul 2x5x7 * 7x3 (folded)", false, D3(2, 5, 7), D2(7, 3), NONE_C, false, false, 1, 0, 0,
     0, true},
    {"matmul 2x5x7 * 2x7x3", false, D3(2, 5, 7), D3(2, 7, 3), NONE_C, false, false, 1, 0, 0, 0,
     false},
    {"matmul 3x1x5x7 * 1x4x7x6 (loop)", false, D4(3, 1, 5, 7), D4(1, 4, 7, 6), NONE_C, false,
     false, 1, 0, 0, 0, false},
    {"matmul 2x1x5x7 * 4x7x6", false, D4(2, 1, 5, 7), D3(4, 7, 6), NONE_C, false, false, 1, 0, 0,
     0, false},
    {"matmul 1x5x7 * 3x7x2 (a broadcast)", false, D3(1, 5, 7), D3(3, 7, 2), NONE_C, false, false,
     1, 0, 0, 0, false},
    {"matmul 7 * 2x7x3 (1-D a)", false, D1(7), D3(2, 7, 3), NONE_C, false, false, 1, 0, 0, 0,
     false},
    {"matmul 2x5x7 * 7 (1-D b)", false, D3(2, 5, 7), D1(7), NONE_C, false, false, 1, 0, 0, 0,
     true},
    {"matmul 7 * 7 (both 1-D)", false, D1(7), D1(7), NONE_C, false, false, 1, 0, 0, 0, false},
    {"matmul 33x65 * 65x17", false, D2(33, 65), D2(65, 17), NONE_C, false, false, 1, 0, 0, 0,
     true},
    {"matmul 4x6x5 * 4x5x8, view on N", false, D3(4, 6, 5), D3(4, 5, 8), NONE_C, false, false, 1,
     0, 0, 2, false},
    {"matmul 3x4x5 * 5x2, view on M", false, D3(3, 4, 5), D2(5, 2), NONE_C, false, false, 1, 0, 0,
     1, true},
    /* Gemm */
    {"gemm 5x7 * 7x3 no C", true, D2(5, 7), D2(7, 3), NONE_C, false, false, 1, 0,
     TRT_ACTIVATION_NONE, 0, true},
    {"gemm bias row relu", true, D2(5, 7), D2(7, 3), D1(3), false, false, 1, 1,
     TRT_ACTIVATION_RELU, 0, true},
    {"gemm C 1x3 beta 0.5 transB sigmoid", true, D2(5, 7), D2(3, 7), D2(1, 3), false, true, 1,
     0.5f, TRT_ACTIVATION_SIGMOID, 0, true},
    {"gemm C 5x3 transA", true, D2(7, 5), D2(7, 3), D2(5, 3), true, false, 1, 1,
     TRT_ACTIVATION_NONE, 0, true},
    {"gemm C 5x1 alpha 0.7 beta 2 transA transB", true, D2(7, 5), D2(3, 7), D2(5, 1), true, true,
     0.7f, 2, TRT_ACTIVATION_NONE, 0, true},
    {"gemm C scalar", true, D2(5, 7), D2(7, 3), D1(1), false, false, 1, 1, TRT_ACTIVATION_TANH, 0,
     true},
    {"gemm 65x129 * 129x33 bias relu", true, D2(65, 129), D2(129, 33), D1(33), false, false, 1, 1,
     TRT_ACTIVATION_RELU, 0, true},
    {"gemm bias hard_swish transB", true, D2(6, 9), D2(11, 9), D1(11), false, true, 1, 1,
     TRT_ACTIVATION_HARD_SWISH, 0, true},
    {"gemm n=1 bias", true, D2(5, 7), D2(7, 1), D1(1), false, false, 1, 1, TRT_ACTIVATION_NONE, 0,
     true},
    {"gemm view output bias leaky", true, D2(4, 6), D2(6, 5), D1(5), false, false, 1, 1,
     TRT_ACTIVATION_LEAKY_RELU, 1, true},
    {"gemm batch 1 fc 1x512 * 512x10", true, D2(1, 512), D2(10, 512), D1(10), false, true, 1, 1,
     TRT_ACTIVATION_NONE, 0, true},
};

int main(void) {
  gpu_harness_t gpu;
  const int skip = gpu_harness_open(&gpu);
  if (skip)
    return skip;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const mm_case_t *c = &cases[i];
    int layer = -1;
    trt_network_t *network = build(c, 3000 + i, &layer);
    if (!network) {
      test_failures++;
      continue;
    }
    gpu_check_layer(&gpu, c->gemm ? &trt_cuda_gemm_ops : &trt_cuda_matmul_ops, network, layer,
                    c->label, TOLERANCE, 4000 + i);
    trt_network_destroy(network);
  }

  /* TF32 allowed: the tactics still run (looser bound). */
  gpu.env.allow_tf32 = true;
  {
    int layer = -1;
    trt_network_t *network = build(&cases[18], 9, &layer);
    if (network)
      gpu_check_layer(&gpu, &trt_cuda_gemm_ops, network, layer, "tf32: gemm 65x129", 5e-3, 10);
    trt_network_destroy(network);
  }
  printf("%d tactic runs checked\n", gpu.checked);
  gpu_harness_close(&gpu);
  return test_finish("test_cuda_matmul");
}
