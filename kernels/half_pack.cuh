/* Eight float16 channels moved as one 16-byte word, for the channels-last
 * kernels that own their epilogue (depthwise.cu, conv1x1.cu): unpacking to
 * float, the fused bias + residual + activation, the packed store, and the
 * channel tile those kernels split a block's 256 threads by. */
#ifndef TRT_KERNELS_HALF_PACK_CUH
#define TRT_KERNELS_HALF_PACK_CUH

#include <cuda_fp16.h>
#include <stdint.h>

#include "numerics/activation.h"

namespace trtk {

constexpr int kHalfPack = 8;     /* float16 channels per 16-byte access */
constexpr int kMaxTilePacks = 8; /* packs per block: up to 64 channels */
constexpr int kPackBlockThreads = 256;

union HalfPack {
  uint4 word;
  __half2 pairs[kHalfPack / 2];
};

__device__ __forceinline__ void unpack_halves(const HalfPack &pack, float *out) {
#pragma unroll
  for (int k = 0; k < kHalfPack / 2; k++) {
    const float2 f = __half22float2(pack.pairs[k]);
    out[2 * k] = f.x;
    out[2 * k + 1] = f.y;
  }
}

/* From global memory, through the read-only cache. */
__device__ __forceinline__ void load_halves(const __half *p, float *out) {
  HalfPack pack;
  pack.word = __ldg(reinterpret_cast<const uint4 *>(p));
  unpack_halves(pack, out);
}

/* y[at..at+8) = act(sum + bias[channel..] + residual[at..]), bias and
 * residual optional: the convolution epilogue of conv_epilogue.cuh on one
 * pack, in the same order. */
__device__ __forceinline__ void finish_halves(float *sum, const void *bias, const void *residual,
                                              void *y, int64_t at, int64_t channel, int activation,
                                              float alpha, float beta) {
  float extra[kHalfPack];
  if (bias) {
    load_halves(static_cast<const __half *>(bias) + channel, extra);
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum[k] += extra[k];
  }
  if (residual) {
    load_halves(static_cast<const __half *>(residual) + at, extra);
#pragma unroll
    for (int k = 0; k < kHalfPack; k++)
      sum[k] += extra[k];
  }
  const trt_activation_kind_t kind = (trt_activation_kind_t)activation;
  HalfPack result;
#pragma unroll
  for (int k = 0; k < kHalfPack / 2; k++)
    result.pairs[k] = __floats2half2_rn(trt_activation_eval(kind, sum[2 * k], alpha, beta),
                                        trt_activation_eval(kind, sum[2 * k + 1], alpha, beta));
  *reinterpret_cast<uint4 *>(static_cast<__half *>(y) + at) = result.word;
}

/* The largest pack count up to kMaxTilePacks that divides `channels`' packs
 * (no thread idles on a partial tile). */
inline int32_t tile_packs_for(int64_t channels) {
  const int32_t packs = (int32_t)(channels / kHalfPack);
  int32_t tile_packs = kMaxTilePacks;
  while (tile_packs > 1 && packs % tile_packs != 0)
    tile_packs--;
  return tile_packs;
}

inline bool aligned16(const void *p) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

} // namespace trtk

#endif
