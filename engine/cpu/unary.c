/* CPU reference for the unary family.
 *
 * One plain loop per kind, with the kind switch outside the loop, so that gcc
 * vectorizes the arithmetic ones at -O3. Each loop applies the kind's
 * function from numerics/activation.h, as trt_activation_apply() does. A
 * fused chain (params.nb_then > 0) runs step by step over blocks small
 * enough to stay in L1, between two separate buffers so that no step's loop
 * reads what it writes. */
#include <math.h>

#include "cpu/cpu_layers.h"
#include "numerics/activation.h"

/* Below this many elements a chunk is not worth a thread. */
#define UNARY_GRAIN 16384
/* Elements per block of a chain: two 4 KiB buffers. */
#define UNARY_CHAIN_BLOCK 1024

typedef struct {
  const trt_unary_params_t *params;
  trt_activation_t op;
  trt_data_type_t type;
  const void *x;
  void *y;
} unary_job_t;

static void unary_float_range(const trt_activation_t *op, const float *x,
                              float *y, int64_t n) {
  const float alpha = op->alpha, beta = op->beta;
  switch (op->kind) {
  case TRT_ACTIVATION_NONE:
    for (int64_t i = 0; i < n; i++)
      y[i] = x[i];
    break;
  case TRT_ACTIVATION_RELU:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_relu(x[i]);
    break;
  case TRT_ACTIVATION_LEAKY_RELU:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_leaky_relu(x[i], alpha);
    break;
  case TRT_ACTIVATION_ABS:
    for (int64_t i = 0; i < n; i++)
      y[i] = fabsf(x[i]);
    break;
  case TRT_ACTIVATION_NEG:
    for (int64_t i = 0; i < n; i++)
      y[i] = -x[i];
    break;
  case TRT_ACTIVATION_RECIPROCAL:
    for (int64_t i = 0; i < n; i++)
      y[i] = 1.0f / x[i];
    break;
  case TRT_ACTIVATION_SQRT:
    for (int64_t i = 0; i < n; i++)
      y[i] = sqrtf(x[i]);
    break;
  case TRT_ACTIVATION_CLIP:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_clip(x[i], alpha, beta);
    break;
  case TRT_ACTIVATION_HARD_SIGMOID:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_hard_sigmoid(x[i], alpha, beta);
    break;
  case TRT_ACTIVATION_HARD_SWISH:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_hard_swish(x[i]);
    break;
  case TRT_ACTIVATION_SCALE_SHIFT:
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_scale_shift(x[i], alpha, beta);
    break;
  default:
    /* Transcendental kinds: libm per element. */
    for (int64_t i = 0; i < n; i++)
      y[i] = trt_activation_eval(op->kind, x[i], alpha, beta);
    break;
  }
}

/* Integer kinds (Relu, Abs, Neg), which wrap the most negative value
 * (numerics/activation.h). */
#define DEFINE_UNARY_INT_RANGE(name, type, suffix)                                         \
  static void name(trt_activation_kind_t kind, const type *x, type *y,   \
                   int64_t n) {                                                            \
    switch (kind) {                                                                        \
    case TRT_ACTIVATION_RELU:                                                              \
      for (int64_t i = 0; i < n; i++)                                                      \
        y[i] = trt_activation_relu_##suffix(x[i]);                                         \
      break;                                                                               \
    case TRT_ACTIVATION_ABS:                                                               \
      for (int64_t i = 0; i < n; i++)                                                      \
        y[i] = trt_activation_abs_##suffix(x[i]);                                          \
      break;                                                                               \
    case TRT_ACTIVATION_NEG:                                                               \
      for (int64_t i = 0; i < n; i++)                                                      \
        y[i] = trt_activation_neg_##suffix(x[i]);                                          \
      break;                                                                               \
    default:                                                                               \
      for (int64_t i = 0; i < n; i++)                                                      \
        y[i] = x[i];                                                                       \
      break;                                                                               \
    }                                                                                      \
  }

DEFINE_UNARY_INT_RANGE(unary_int32_range, int32_t, int32)
DEFINE_UNARY_INT_RANGE(unary_int64_range, int64_t, int64)

/* op, then every step of the chain, over x[0..n) into y. */
static void unary_float_chain(const trt_unary_params_t *params, const float *x, float *y,
                              int64_t n) {
  float buffers[2][UNARY_CHAIN_BLOCK];
  for (int64_t begin = 0; begin < n; begin += UNARY_CHAIN_BLOCK) {
    int64_t count = n - begin < UNARY_CHAIN_BLOCK ? n - begin : UNARY_CHAIN_BLOCK;
    const float *source = x + begin;
    for (int s = 0; s <= params->nb_then; s++) {
      const trt_activation_t *step = s == 0 ? &params->op : &params->then[s - 1];
      float *target = s == params->nb_then ? y + begin : buffers[s % 2];
      unary_float_range(step, source, target, count);
      source = target;
    }
  }
}

static void unary_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const unary_job_t *job = arg;
  switch (job->type) {
  case TRT_DATA_TYPE_INT32:
    unary_int32_range(job->op.kind, (const int32_t *)job->x + begin, (int32_t *)job->y + begin,
                      end - begin);
    break;
  case TRT_DATA_TYPE_INT64:
    unary_int64_range(job->op.kind, (const int64_t *)job->x + begin, (int64_t *)job->y + begin,
                      end - begin);
    break;
  default:
    if (job->params->nb_then > 0)
      unary_float_chain(job->params, (const float *)job->x + begin, (float *)job->y + begin,
                        end - begin);
    else
      unary_float_range(&job->op, (const float *)job->x + begin, (float *)job->y + begin,
                        end - begin);
    break;
  }
}

trt_status_t trt_cpu_unary(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  const trt_unary_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!params || !input || !inputs[0] || !outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unary layer without its input or output");
  if (input->type != TRT_DATA_TYPE_FLOAT32 && input->type != TRT_DATA_TYPE_INT32 &&
      input->type != TRT_DATA_TYPE_INT64)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(input->type));
  int64_t count = trt_dims_volume(&input->dims);
  if (count < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input dims are not known");

  if (params->nb_then < 0 || params->nb_then >= TRT_MAX_UNARY_CHAIN ||
      (params->nb_then > 0 && input->type != TRT_DATA_TYPE_FLOAT32))
    return trt_error(TRT_STATUS_UNSUPPORTED, "a unary chain of %d steps on %s",
                     (int)params->nb_then + 1, trt_data_type_name(input->type));
  unary_job_t job = {params, params->op, input->type, inputs[0], outputs[0]};
  trt_cpu_parallel_for(cpu, count, UNARY_GRAIN, unary_chunk, &job);
  return TRT_STATUS_OK;
}
