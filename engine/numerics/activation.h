/* The activation kinds of trt_activation_kind_t (trt/network.h), computed
 * once for every backend: the CPU reference (layers/unary.c's
 * trt_activation_apply, cpu/unary.c, the GEMM and convolution epilogues in
 * cpu/gemm.c) and the CUDA kernels (kernels/pointwise.cu,
 * kernels/conv_epilogue.cu).
 *
 * One function per kind that takes a parameter or is more than a libm call,
 * so that a loop specialized for one kind inlines it and vectorizes, then
 * trt_activation_eval() over every kind. All in float, each result rounded
 * to float. The comparisons are written so that a NaN input stays NaN, as
 * in numpy. Integer tensors know Relu, Abs and Neg, computed through the
 * unsigned type so that the most negative value wraps (overflow would be
 * undefined in C). */
#ifndef TRT_NUMERICS_ACTIVATION_H
#define TRT_NUMERICS_ACTIVATION_H

#include <math.h>
#include <stdint.h>

#include "numerics.h"
#include "trt/network.h"

static inline TRT_HOST_DEVICE float trt_activation_relu(float x) {
  return x < 0.0f ? 0.0f : x;
}

static inline TRT_HOST_DEVICE float trt_activation_leaky_relu(float x, float alpha) {
  return x < 0.0f ? alpha * x : x;
}

static inline TRT_HOST_DEVICE float trt_activation_elu(float x, float alpha) {
  return x < 0.0f ? alpha * expm1f(x) : x;
}

static inline TRT_HOST_DEVICE float trt_activation_sigmoid(float x) {
  return 1.0f / (1.0f + expf(-x));
}

/* min(max(x, low), high); low > high gives high, as numpy.clip does. */
static inline TRT_HOST_DEVICE float trt_activation_clip(float x, float low, float high) {
  const float y = x < low ? low : x;
  return y > high ? high : y;
}

/* max(0, min(1, alpha * x + beta)). */
static inline TRT_HOST_DEVICE float trt_activation_hard_sigmoid(float x, float alpha, float beta) {
  float y = alpha * x + beta;
  y = y < 0.0f ? 0.0f : y;
  return y > 1.0f ? 1.0f : y;
}

/* ONNX: x * max(0, min(1, x / 6 + 1 / 2)). */
static inline TRT_HOST_DEVICE float trt_activation_hard_swish(float x) {
  float gate = x * (1.0f / 6.0f) + 0.5f;
  gate = gate < 0.0f ? 0.0f : gate;
  gate = gate > 1.0f ? 1.0f : gate;
  return x * gate;
}

/* log(1 + e^x) without overflow for large x. */
static inline TRT_HOST_DEVICE float trt_activation_softplus(float x) {
  return x > 0.0f ? x + log1pf(expf(-x)) : log1pf(expf(x));
}

/* alpha * x + beta. The optimizer sets alpha = +-1 or beta = -0, so that
 * even a fused multiply-add (nvcc contracts) rounds exactly as the one Mul,
 * Add or Sub it replaces. */
static inline TRT_HOST_DEVICE float trt_activation_scale_shift(float x, float alpha, float beta) {
  return alpha * x + beta;
}

/* Activation `kind` with its parameters (see trt_activation_kind_t) at x;
 * NaN for a value that is not a kind. */
static inline TRT_HOST_DEVICE float trt_activation_eval(trt_activation_kind_t kind, float x,
                                                        float alpha, float beta) {
  switch (kind) {
  case TRT_ACTIVATION_NONE: return x;
  case TRT_ACTIVATION_RELU: return trt_activation_relu(x);
  case TRT_ACTIVATION_LEAKY_RELU: return trt_activation_leaky_relu(x, alpha);
  case TRT_ACTIVATION_ELU: return trt_activation_elu(x, alpha);
  case TRT_ACTIVATION_SIGMOID: return trt_activation_sigmoid(x);
  case TRT_ACTIVATION_TANH: return tanhf(x);
  case TRT_ACTIVATION_CLIP: return trt_activation_clip(x, alpha, beta);
  case TRT_ACTIVATION_HARD_SIGMOID: return trt_activation_hard_sigmoid(x, alpha, beta);
  case TRT_ACTIVATION_HARD_SWISH: return trt_activation_hard_swish(x);
  case TRT_ACTIVATION_ERF: return erff(x);
  case TRT_ACTIVATION_SQRT: return sqrtf(x);
  case TRT_ACTIVATION_EXP: return expf(x);
  case TRT_ACTIVATION_LOG: return logf(x);
  case TRT_ACTIVATION_ABS: return fabsf(x);
  case TRT_ACTIVATION_NEG: return -x;
  case TRT_ACTIVATION_RECIPROCAL: return 1.0f / x;
  case TRT_ACTIVATION_SOFTPLUS: return trt_activation_softplus(x);
  case TRT_ACTIVATION_SCALE_SHIFT: return trt_activation_scale_shift(x, alpha, beta);
  case TRT_ACTIVATION_POWER: return powf(x, alpha);
  case TRT_ACTIVATION_COUNT: break;
  }
  return NAN;
}

/* ---- integers: Relu, Abs and Neg; every other kind passes x through ---- */

static inline TRT_HOST_DEVICE int32_t trt_activation_relu_int32(int32_t x) {
  return x < 0 ? 0 : x;
}
static inline TRT_HOST_DEVICE int32_t trt_activation_abs_int32(int32_t x) {
  return x < 0 ? (int32_t)(0u - (uint32_t)x) : x;
}
static inline TRT_HOST_DEVICE int32_t trt_activation_neg_int32(int32_t x) {
  return (int32_t)(0u - (uint32_t)x);
}

static inline TRT_HOST_DEVICE int64_t trt_activation_relu_int64(int64_t x) {
  return x < 0 ? 0 : x;
}
static inline TRT_HOST_DEVICE int64_t trt_activation_abs_int64(int64_t x) {
  return x < 0 ? (int64_t)(0u - (uint64_t)x) : x;
}
static inline TRT_HOST_DEVICE int64_t trt_activation_neg_int64(int64_t x) {
  return (int64_t)(0u - (uint64_t)x);
}

static inline TRT_HOST_DEVICE int32_t trt_activation_eval_int32(trt_activation_kind_t kind,
                                                                int32_t x) {
  switch (kind) {
  case TRT_ACTIVATION_RELU: return trt_activation_relu_int32(x);
  case TRT_ACTIVATION_ABS: return trt_activation_abs_int32(x);
  case TRT_ACTIVATION_NEG: return trt_activation_neg_int32(x);
  default: return x;
  }
}

static inline TRT_HOST_DEVICE int64_t trt_activation_eval_int64(trt_activation_kind_t kind,
                                                                int64_t x) {
  switch (kind) {
  case TRT_ACTIVATION_RELU: return trt_activation_relu_int64(x);
  case TRT_ACTIVATION_ABS: return trt_activation_abs_int64(x);
  case TRT_ACTIVATION_NEG: return trt_activation_neg_int64(x);
  default: return x;
  }
}

#endif
