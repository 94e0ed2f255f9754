/* The CUDA convolution and deconvolution against the CPU reference, every
 * tactic of every case: odd sizes, strides, dilations, groups, depthwise
 * (with a channel multiplier too), asymmetric pads, 1-D and 3-D, batch > 1,
 * fused activations, residuals, merged outputs and outputs that are strided
 * views into a concat buffer. FP32 with TF32 off: relative L2 <= 1e-5.
 * Then both channels-last float16 1x1 kernels (kernels/conv1x1.cuh) on
 * their own against a float reference of the float16 operands, over
 * partial tiles and stages: relative L2 <= 2e-3 (the result's rounding to
 * float16). Exits 77 when there is no GPU. */
#include "gpu_layer_check.h"
#include "kernels/conv1x1.cuh"
#include "kernels/depthwise.cuh"
#include "numerics/half.h"

#define TOLERANCE 1e-5

typedef struct {
  const char *label;
  bool deconv;
  int nb_spatial;
  int64_t batch, in_channels, out_channels, group;
  int64_t in[3], kernel[3], stride[3], dilation[3], pad_begin[3], pad_end[3], output_padding[3];
  bool bias;
  trt_activation_kind_t activation;
  bool residual;
  int nb_outputs;         /* > 1: merged, channels split as in `split` */
  int64_t split[4];
  int view_output;        /* 1 + index of the output written into a concat buffer, 0: none */
} conv_case_t;

static trt_activation_t case_activation(trt_activation_kind_t kind) {
  if (kind == TRT_ACTIVATION_CLIP)
    return (trt_activation_t){kind, 0.0f, 0.5f};
  if (kind == TRT_ACTIVATION_HARD_SIGMOID)
    return (trt_activation_t){kind, 0.2f, 0.5f};
  return (trt_activation_t){kind, 0.1f, 0.0f};
}

static int64_t out_size(const conv_case_t *c, int i) {
  const int64_t stride = c->stride[i] ? c->stride[i] : 1;
  const int64_t dilation = c->dilation[i] ? c->dilation[i] : 1;
  const int64_t dilated = (c->kernel[i] - 1) * dilation + 1;
  if (c->deconv)
    return stride * (c->in[i] - 1) + c->output_padding[i] + dilated - c->pad_begin[i] -
           c->pad_end[i];
  return (c->in[i] + c->pad_begin[i] + c->pad_end[i] - dilated) / stride + 1;
}

/* x, w, [b], [residual] -> convolution (-> concat, for a view output).
 * Returns the network with shapes inferred, *layer the convolution. */
static trt_network_t *build(const conv_case_t *c, uint64_t seed, int *layer) {
  test_rng_t rng = test_rng(seed);
  trt_network_t *network = trt_network_create();
  const int rank = c->nb_spatial + 2;
  trt_dims_t x_dims = {rank, {c->batch, c->in_channels}};
  trt_dims_t w_dims = {rank, {0}};
  trt_dims_t y_dims = {rank, {c->batch, c->out_channels}};
  w_dims.d[0] = c->deconv ? c->in_channels : c->out_channels;
  w_dims.d[1] = c->deconv ? c->out_channels / c->group : c->in_channels / c->group;
  trt_convolution_params_t params = {.nb_spatial = c->nb_spatial,
                                     .group = c->group,
                                     .activation = case_activation(c->activation)};
  for (int i = 0; i < c->nb_spatial; i++) {
    x_dims.d[2 + i] = c->in[i];
    w_dims.d[2 + i] = c->kernel[i];
    y_dims.d[2 + i] = out_size(c, i);
    params.kernel[i] = c->kernel[i];
    params.stride[i] = c->stride[i] ? c->stride[i] : 1;
    params.dilation[i] = c->dilation[i] ? c->dilation[i] : 1;
    params.pad_begin[i] = c->pad_begin[i];
    params.pad_end[i] = c->pad_end[i];
    params.output_padding[i] = c->output_padding[i];
  }
  const int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &x_dims);
  float *w_data = test_random_floats(&rng, trt_dims_volume(&w_dims), -0.5f, 0.5f);
  const int w = trt_network_add_constant(network, "w", TRT_DATA_TYPE_FLOAT32, &w_dims, w_data);
  free(w_data);
  int inputs[4] = {x, w, -1, -1};
  int nb_inputs = 2;
  if (c->bias) {
    trt_dims_t b_dims = {1, {c->out_channels}};
    float *b_data = test_random_floats(&rng, c->out_channels, -0.5f, 0.5f);
    inputs[2] = trt_network_add_constant(network, "b", TRT_DATA_TYPE_FLOAT32, &b_dims, b_data);
    free(b_data);
    nb_inputs = 3;
  }
  if (c->residual) {
    inputs[3] = trt_network_add_input(network, "r", TRT_DATA_TYPE_FLOAT32, &y_dims);
    nb_inputs = 4;
  }
  const int nb_outputs = c->nb_outputs > 1 ? c->nb_outputs : 1;
  *layer = trt_network_add_layer(network,
                                 c->deconv ? TRT_LAYER_DECONVOLUTION : TRT_LAYER_CONVOLUTION,
                                 c->label, inputs, nb_inputs, NULL, nb_outputs, &params);
  if (*layer < 0) {
    fprintf(stderr, "%s: %s\n", c->label, trt_last_error());
    trt_network_destroy(network);
    return NULL;
  }
  for (int o = 0; o < nb_outputs; o++) {
    trt_tensor_t *y = trt_layer_output(network, &network->layers[*layer], o);
    y->dims = y_dims;
    if (nb_outputs > 1)
      y->dims.d[1] = c->split[o];
  }
  /* A concat [side, y_k] along C whose buffer y_k becomes a view of. */
  int view_tensor = -1, concat_out = -1;
  const int64_t side_channels = 3;
  if (c->view_output > 0) {
    view_tensor = network->layers[*layer].outputs[c->view_output - 1];
    trt_dims_t side_dims = network->tensors[view_tensor].dims;
    side_dims.d[1] = side_channels;
    const int side = trt_network_add_input(network, "side", TRT_DATA_TYPE_FLOAT32, &side_dims);
    trt_concat_params_t concat = {.axis = 1};
    const int concat_inputs[2] = {side, view_tensor};
    const int concat_layer = trt_network_add_layer(network, TRT_LAYER_CONCAT, "concat",
                                                   concat_inputs, 2, NULL, 1, &concat);
    concat_out = network->layers[concat_layer].outputs[0];
    trt_network_mark_output(network, concat_out);
  }
  for (int o = 0; o < nb_outputs; o++)
    trt_network_mark_output(network, network->layers[*layer].outputs[o]);
  if (trt_network_infer_shapes(network) != TRT_STATUS_OK) {
    fprintf(stderr, "%s: shape inference: %s\n", c->label, trt_last_error());
    trt_network_destroy(network);
    return NULL;
  }
  if (view_tensor >= 0) {
    trt_tensor_t *y = &network->tensors[view_tensor];
    y->view_parent = concat_out;
    y->view_axis = 1;
    y->view_offset = side_channels;
  }
  return network;
}

static const conv_case_t cases[] = {
    {"conv2d 3x3 pad1 bias relu b2", false, 2, 2, 5, 7, 1, {9, 11}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 0},
    {"conv2d 5x3 s2x1 d1x2 asym pads leaky", false, 2, 1, 4, 6, 1, {11, 13}, {5, 3}, {2, 1},
     {1, 2}, {1, 0}, {2, 1}, {0}, false, TRT_ACTIVATION_LEAKY_RELU, false, 1, {0}, 0},
    {"conv2d same_upper s2 (pad 0/1) bias", false, 2, 2, 3, 4, 1, {8, 10}, {3, 3}, {2, 2},
     {1, 1}, {0, 0}, {1, 1}, {0}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"conv2d 1x1 bias clip from 0", false, 2, 2, 8, 16, 1, {7, 9},
     {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, {0}, true, TRT_ACTIVATION_CLIP, false, 1, {0}, 0},
    {"conv2d group3 s2 sigmoid", false, 2, 2, 6, 9, 3, {10, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1},
     {1, 1}, {0}, true, TRT_ACTIVATION_SIGMOID, false, 1, {0}, 0},
    {"depthwise 3x3 pad1 clip b3", false, 2, 3, 8, 8, 8, {13, 12}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_CLIP, false, 1, {0}, 0},
    {"depthwise 3x3 s2 pad0/1 hard_swish", false, 2, 2, 6, 6, 6, {12, 11}, {3, 3}, {2, 2},
     {1, 1}, {0, 0}, {1, 1}, {0}, true, TRT_ACTIVATION_HARD_SWISH, false, 1, {0}, 0},
    {"depthwise 5x5 dilation2 pad4", false, 2, 1, 5, 5, 5, {15, 14}, {5, 5}, {1, 1}, {2, 2},
     {4, 4}, {4, 4}, {0}, false, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"depthwise multiplier2 3x3", false, 2, 2, 4, 8, 4, {9, 9}, {3, 3}, {1, 1}, {1, 1}, {1, 1},
     {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 0},
    {"depthwise 3x3 residual relu", false, 2, 2, 7, 7, 7, {10, 9}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, true, 1, {0}, 0},
    /* 2601 small planes: several share a block of the tiled kernel, the
     * last block holds fewer */
    {"depthwise 3x3 7x7 planes residual", false, 2, 3, 867, 867, 867, {7, 7}, {3, 3}, {1, 1},
     {1, 1}, {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, true, 1, {0}, 0},
    {"depthwise multiplier2 5x5 s2 6x5 planes", false, 2, 3, 700, 1400, 700, {6, 5}, {5, 5},
     {2, 2}, {1, 1}, {2, 2}, {2, 1}, {0}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"conv1d k5 s2 pad2/1 tanh", false, 1, 2, 3, 4, 1, {17}, {5}, {2}, {1}, {2}, {1}, {0}, true,
     TRT_ACTIVATION_TANH, false, 1, {0}, 0},
    {"conv1d depthwise k3 dilation3", false, 1, 2, 6, 6, 6, {20}, {3}, {1}, {3}, {3}, {3}, {0},
     true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"conv3d 3x3x3 s1x2x2 elu b2", false, 3, 2, 2, 3, 1, {5, 7, 6}, {3, 3, 3}, {1, 2, 2},
     {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0}, true, TRT_ACTIVATION_ELU, false, 1, {0}, 0},
    {"conv3d 2x1x3 asym pads", false, 3, 1, 3, 2, 1, {4, 5, 6}, {2, 1, 3}, {1, 1, 2}, {1, 1, 1},
     {1, 0, 0}, {0, 0, 1}, {0}, false, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"conv 1x1 residual relu b2", false, 2, 2, 16, 8, 1, {7, 9}, {1, 1}, {1, 1}, {1, 1}, {0, 0},
     {0, 0}, {0}, true, TRT_ACTIVATION_RELU, true, 1, {0}, 0},
    {"conv 3x3 residual no activation", false, 2, 2, 5, 6, 1, {8, 8}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_NONE, true, 1, {0}, 0},
    {"conv 3x3 residual no bias relu", false, 2, 1, 4, 4, 1, {6, 7}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, false, TRT_ACTIVATION_RELU, true, 1, {0}, 0},
    {"conv 3x3 residual hard_sigmoid", false, 2, 2, 3, 5, 1, {7, 6}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_HARD_SIGMOID, true, 1, {0}, 0},
    {"merged 1x1 4+6+3 relu b2", false, 2, 2, 12, 13, 1, {5, 6}, {1, 1}, {1, 1}, {1, 1},
     {0, 0}, {0, 0}, {0}, true, TRT_ACTIVATION_RELU, false, 3, {4, 6, 3}, 0},
    {"merged 3x3 5+3, output 1 a view", false, 2, 2, 4, 8, 1, {7, 8}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_NONE, false, 2, {5, 3}, 2},
    {"conv view output bias relu b3", false, 2, 3, 4, 5, 1, {6, 7}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 1},
    {"conv view output residual", false, 2, 2, 3, 4, 1, {6, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 1},
     {1, 1}, {0}, true, TRT_ACTIVATION_NONE, true, 1, {0}, 1},
    {"depthwise view output", false, 2, 2, 5, 5, 5, {8, 9}, {3, 3}, {2, 2}, {1, 1}, {1, 1},
     {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 1},
    {"conv 3x3 64->48 28x28 (all algos)", false, 2, 2, 64, 48, 1, {28, 28}, {3, 3}, {1, 1},
     {1, 1}, {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 0},
    {"conv 7x7 s2 3->16 33x31", false, 2, 1, 3, 16, 1, {33, 31}, {7, 7}, {2, 2}, {1, 1},
     {3, 3}, {3, 3}, {0}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    /* Deconvolutions. */
    {"deconv k4 s2 pad1 bias relu b2", true, 2, 2, 6, 4, 1, {5, 6}, {4, 4}, {2, 2}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 0},
    {"deconv k3 s2 pad1 output_padding1", true, 2, 1, 3, 5, 1, {4, 5}, {3, 3}, {2, 2}, {1, 1},
     {1, 1}, {1, 1}, {1, 1}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"deconv asym pads 0/1 (crop)", true, 2, 2, 4, 3, 1, {5, 4}, {3, 3}, {2, 2}, {1, 1},
     {0, 0}, {1, 1}, {0}, true, TRT_ACTIVATION_SIGMOID, false, 1, {0}, 0},
    {"deconv pads 2/0 s2 (crop)", true, 2, 1, 2, 3, 1, {4, 4}, {4, 4}, {2, 2}, {1, 1}, {2, 2},
     {0, 0}, {0}, false, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"deconv1d group2 dilation2", true, 1, 2, 4, 6, 2, {7}, {3}, {2}, {2}, {1}, {1}, {1}, true,
     TRT_ACTIVATION_TANH, false, 1, {0}, 0},
    {"deconv3d k2 s2", true, 3, 2, 3, 2, 1, {3, 4, 3}, {2, 2, 2}, {2, 2, 2}, {1, 1, 1},
     {0, 0, 0}, {0, 0, 0}, {0}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
    {"deconv 3x3 s1 pad1 leaky no bias", true, 2, 2, 3, 4, 1, {5, 5}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, false, TRT_ACTIVATION_LEAKY_RELU, false, 1, {0}, 0},
};

/* Run with TF32 allowed: the TF32 1x1 kernel among the tactics (pixels a
 * multiple of 4): partial stages and tiles, residual, merged outputs, an
 * output that is a concat view. One case per two lines, like `cases`. */
// clang-format off
static const conv_case_t tf32_cases[] = {
    {"tf32: conv2d 3x3 s1 pad1 bias", false, 2, 2, 3, 4, 1, {8, 9}, {3, 3}, {1, 1}, {1, 1},
     {1, 1}, {1, 1}, {0}, true, TRT_ACTIVATION_RELU, false, 1, {0}, 0},
    {"tf32: 1x1 40->72 residual clip b2", false, 2, 2, 40, 72, 1, {9, 12}, {1, 1}, {1, 1},
     {1, 1}, {0, 0}, {0, 0}, {0}, true, TRT_ACTIVATION_CLIP, true, 1, {0}, 0},
    {"tf32: merged 1x1 8+6+3 relu", false, 2, 2, 12, 17, 1, {8, 10}, {1, 1}, {1, 1}, {1, 1},
     {0, 0}, {0, 0}, {0}, true, TRT_ACTIVATION_RELU, false, 3, {8, 6, 3}, 0},
    {"tf32: 1x1 view output b3", false, 2, 3, 16, 24, 1, {4, 5}, {1, 1}, {1, 1}, {1, 1},
     {0, 0}, {0, 0}, {0}, true, TRT_ACTIVATION_NONE, false, 1, {0}, 1},
    {"tf32: 1x1 96->160 120 px no bias", false, 2, 1, 96, 160, 1, {10, 12}, {1, 1}, {1, 1},
     {1, 1}, {0, 0}, {0, 0}, {0}, false, TRT_ACTIVATION_NONE, false, 1, {0}, 0},
};
// clang-format on

/* Random float16 values (the host's float copy in *values). */
static uint16_t *random_halves(test_rng_t *rng, int64_t count, float range, float **values) {
  uint16_t *halves = malloc((size_t)count * sizeof *halves);
  *values = malloc((size_t)count * sizeof **values);
  for (int64_t i = 0; halves && *values && i < count; i++) {
    halves[i] = trt_half_from_float(test_uniform(rng, -range, range));
    (*values)[i] = trt_half_to_float(halves[i]);
  }
  return halves;
}

static void *device_copy(const void *host, size_t bytes) {
  void *device = NULL;
  if (cudaMalloc(&device, bytes) != cudaSuccess)
    return NULL;
  if (cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice) != cudaSuccess) {
    cudaFree(device);
    return NULL;
  }
  return device;
}

/* y = clip(x w^T + bias + residual, 0, 6) with both 1x1 kernels, x [pixels,
 * in], w [out, in]; the CUDA-core kernel only where it takes the shape. */
static void check_conv1x1(int64_t pixels, int64_t in, int64_t out, uint64_t seed) {
  test_rng_t rng = test_rng(seed);
  float *x, *w, *bias, *residual;
  uint16_t *hx = random_halves(&rng, pixels * in, 1.0f, &x);
  uint16_t *hw = random_halves(&rng, out * in, 1.0f / sqrtf((float)in), &w);
  uint16_t *hb = random_halves(&rng, out, 0.5f, &bias);
  uint16_t *hr = random_halves(&rng, pixels * out, 1.0f, &residual);
  float *expected = malloc((size_t)(pixels * out) * sizeof *expected);
  float *actual = malloc((size_t)(pixels * out) * sizeof *actual);
  uint16_t *hy = malloc((size_t)(pixels * out) * sizeof *hy);
  if (!hx || !hw || !hb || !hr || !expected || !actual || !hy) {
    test_failures++;
    return;
  }
  for (int64_t p = 0; p < pixels; p++)
    for (int64_t k = 0; k < out; k++) {
      float sum = 0.0f;
      for (int64_t c = 0; c < in; c++)
        sum += x[p * in + c] * w[k * in + c];
      sum += bias[k] + residual[p * out + k];
      expected[p * out + k] = sum < 0.0f ? 0.0f : sum > 6.0f ? 6.0f : sum;
    }
  trt_conv1x1_nhwc_t args = {.pixels = pixels,
                             .in_channels = in,
                             .out_channels = out,
                             .x = device_copy(hx, (size_t)(pixels * in) * 2),
                             .w = device_copy(hw, (size_t)(out * in) * 2),
                             .bias = device_copy(hb, (size_t)out * 2),
                             .residual = device_copy(hr, (size_t)(pixels * out) * 2),
                             .activation = TRT_ACTIVATION_CLIP,
                             .alpha = 0.0f,
                             .beta = 6.0f};
  void *y = NULL;
  const bool ready = args.x && args.w && args.bias && args.residual &&
                     cudaMalloc(&y, (size_t)(pixels * out) * 2) == cudaSuccess;
  args.y = y;
  for (int mma = 0; mma < 2; mma++) {
    if (mma ? !trt_conv1x1_nhwc_mma_supported(&args) : !trt_conv1x1_nhwc_supported(&args))
      continue;
    const cudaError_t launched = !ready ? cudaErrorMemoryAllocation
                                 : mma  ? trt_launch_conv1x1_nhwc_mma(&args, NULL)
                                        : trt_launch_conv1x1_nhwc(&args, NULL);
    const bool ran =
        launched == cudaSuccess && cudaDeviceSynchronize() == cudaSuccess &&
        cudaMemcpy(hy, y, (size_t)(pixels * out) * 2, cudaMemcpyDeviceToHost) == cudaSuccess;
    for (int64_t i = 0; ran && i < pixels * out; i++)
      actual[i] = trt_half_to_float(hy[i]);
    const double error = ran ? test_relative_l2(actual, expected, pixels * out) : INFINITY;
    printf("%s conv1x1 %lld px %lld -> %lld: relative L2 %.3g%s\n", error <= 2e-3 ? "ok  " : "FAIL",
           (long long)pixels, (long long)in, (long long)out, error, mma ? " (tensor cores)" : "");
    if (!(error <= 2e-3))
      test_failures++;
  }
  cudaFree((void *)args.x), cudaFree((void *)args.w), cudaFree((void *)args.bias);
  cudaFree((void *)args.residual), cudaFree(y);
  free(hx), free(hw), free(hb), free(hr), free(x), free(w), free(bias), free(residual);
  free(expected), free(actual), free(hy);
}

/* y = relu(depthwise(x) + bias + residual), stride 1, "same" padding, on
 * [batch, size, width, channels] with both kernel variants (one output per
 * thread, two neighbouring columns per thread). */
static void check_depthwise_nhwc(int64_t batch, int64_t size, int64_t width, int64_t channels,
                                 int kernel, uint64_t seed) {
  test_rng_t rng = test_rng(seed);
  const int64_t pixels = batch * size * width, taps = (int64_t)kernel * kernel;
  const int pad = kernel / 2;
  float *x, *w, *bias, *residual;
  uint16_t *hx = random_halves(&rng, pixels * channels, 1.0f, &x);
  uint16_t *hw = random_halves(&rng, channels * taps, 1.0f / (float)kernel, &w);
  uint16_t *hb = random_halves(&rng, channels, 0.5f, &bias);
  uint16_t *hr = random_halves(&rng, pixels * channels, 1.0f, &residual);
  float *expected = malloc((size_t)(pixels * channels) * sizeof *expected);
  float *actual = malloc((size_t)(pixels * channels) * sizeof *actual);
  uint16_t *hy = malloc((size_t)(pixels * channels) * sizeof *hy);
  if (!hx || !hw || !hb || !hr || !expected || !actual || !hy) {
    test_failures++;
    return;
  }
  for (int64_t n = 0; n < batch; n++)
    for (int64_t oh = 0; oh < size; oh++)
      for (int64_t ow = 0; ow < width; ow++)
        for (int64_t c = 0; c < channels; c++) {
          float sum = 0.0f;
          for (int kh = 0; kh < kernel; kh++)
            for (int kw = 0; kw < kernel; kw++) {
              const int64_t ih = oh + kh - pad, iw = ow + kw - pad;
              if (ih >= 0 && ih < size && iw >= 0 && iw < width)
                sum += x[((n * size + ih) * width + iw) * channels + c] *
                       w[c * taps + kh * kernel + kw];
            }
          const int64_t at = ((n * size + oh) * width + ow) * channels + c;
          sum += bias[c] + residual[at];
          expected[at] = sum < 0.0f ? 0.0f : sum;
        }
  trt_depthwise_nhwc_t args = {.batch = batch,
                               .channels = channels,
                               .in = {size, width},
                               .out = {size, width},
                               .kernel = {kernel, kernel},
                               .stride = {1, 1},
                               .dilation = {1, 1},
                               .pad = {pad, pad},
                               .x = device_copy(hx, (size_t)(pixels * channels) * 2),
                               .w = device_copy(hw, (size_t)(channels * taps) * 2),
                               .bias = device_copy(hb, (size_t)channels * 2),
                               .residual = device_copy(hr, (size_t)(pixels * channels) * 2),
                               .activation = TRT_ACTIVATION_RELU};
  void *y = NULL;
  const bool ready = args.x && args.w && args.bias && args.residual &&
                     cudaMalloc(&y, (size_t)(pixels * channels) * 2) == cudaSuccess;
  args.y = y;
  for (int outputs = 1; outputs <= 2; outputs++) {
    args.outputs_per_thread = outputs;
    const bool supported = trt_depthwise_nhwc_supported(&args);
    const bool ran =
        ready && supported && trt_launch_depthwise_nhwc(&args, NULL) == cudaSuccess &&
        cudaDeviceSynchronize() == cudaSuccess &&
        cudaMemcpy(hy, y, (size_t)(pixels * channels) * 2, cudaMemcpyDeviceToHost) == cudaSuccess;
    for (int64_t i = 0; ran && i < pixels * channels; i++)
      actual[i] = trt_half_to_float(hy[i]);
    const double error = ran ? test_relative_l2(actual, expected, pixels * channels) : INFINITY;
    printf("%s depthwise_nhwc %dx%d %lldx%lldx%lldx%lld, %d output%s per thread: relative L2 "
           "%.3g\n",
           error <= 2e-3 ? "ok  " : "FAIL", kernel, kernel, (long long)batch, (long long)size,
           (long long)width, (long long)channels, outputs, outputs > 1 ? "s" : "", error);
    if (!(error <= 2e-3))
      test_failures++;
  }
  cudaFree((void *)args.x), cudaFree((void *)args.w), cudaFree((void *)args.bias);
  cudaFree((void *)args.residual), cudaFree(y);
  free(hx), free(hw), free(hb), free(hr), free(x), free(w), free(bias), free(residual);
  free(expected), free(actual), free(hy);
}

int main(void) {
  gpu_harness_t gpu;
  const int skip = gpu_harness_open(&gpu);
  if (skip)
    return skip;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const conv_case_t *c = &cases[i];
    int layer = -1;
    trt_network_t *network = build(c, 1000 + i, &layer);
    if (!network) {
      test_failures++;
      continue;
    }
    const trt_cuda_layer_ops_t *ops =
        c->deconv ? &trt_cuda_deconvolution_ops : &trt_cuda_convolution_ops;
    gpu_check_layer(&gpu, ops, network, layer, c->label, TOLERANCE, 2000 + i);
    trt_network_destroy(network);
  }

  /* TF32 allowed: the tactics still run (looser bound). */
  gpu.env.allow_tf32 = true;
  for (size_t i = 0; i < sizeof tf32_cases / sizeof tf32_cases[0]; i++) {
    int layer = -1;
    trt_network_t *network = build(&tf32_cases[i], 7 + i, &layer);
    if (network && strstr(tf32_cases[i].label, "1x1")) { /* the kernel is among the tactics */
      trt_cuda_tactic_t tactics[TRT_CUDA_MAX_TACTICS];
      const int nb = trt_cuda_convolution_ops.list_tactics(network, &network->layers[layer],
                                                           &gpu.env, tactics, TRT_CUDA_MAX_TACTICS);
      bool listed = false;
      for (int k = 0; k < nb; k++)
        listed = listed || strcmp(tactics[k].name, "conv1x1_tf32") == 0;
      if (!listed) {
        fprintf(stderr, "%s: conv1x1_tf32 not listed\n", tf32_cases[i].label);
        test_failures++;
      }
    }
    if (network)
      gpu_check_layer(&gpu, &trt_cuda_convolution_ops, network, layer, tf32_cases[i].label, 5e-3,
                      8 + i);
    trt_network_destroy(network);
  }
  printf("%d tactic runs checked\n", gpu.checked);
  check_conv1x1(1000, 16, 96, 11); /* MobileNetV2's expansion; partial pixel tile */
  check_conv1x1(777, 40, 72, 12);  /* partial stage and channel tile */
  check_conv1x1(130, 264, 64, 13); /* more inputs than the CUDA-core kernel takes */
  check_conv1x1(64, 960, 160, 14); /* a long reduction */
  check_depthwise_nhwc(2, 9, 13, 24, 3, 15); /* odd width: a lone last column */
  check_depthwise_nhwc(1, 6, 1, 16, 5, 16);  /* one column, pads wider than the image */
  check_depthwise_nhwc(3, 7, 8, 64, 3, 17);  /* a full tile of channels */
  gpu_harness_close(&gpu);
  return test_finish("test_cuda_conv");
}
