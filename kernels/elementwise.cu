/* Elementwise kernels; the arithmetic matches engine/cpu/elementwise.c:
 * integers wrap, integer division truncates and gives 0 for a zero divisor,
 * integer Pow is exact, Pow with a differently typed exponent goes through
 * double; float16 (FP16 engines, both operands) computes in float. */
#include <type_traits>

#include "elementwise.cuh"
#include "numerics/remainder.h"
#include "trt/network.h"

namespace {

enum Kind { kAdd = 0, kSub, kMul, kDiv, kPow, kMin, kMax, kPrelu, kMod, kFmod };
static_assert(kFmod == (int)TRT_ELEMENTWISE_FMOD && kPrelu == (int)TRT_ELEMENTWISE_PRELU,
              "Kind and trt_elementwise_kind_t differ");

/* How the two operands are indexed from the output index i. */
enum Mode {
  kSame = 0,    /* both i */
  kAFullBChan,  /* a: i, b: (i / inner) % channels */
  kAChanBFull,  /* a: (i / inner) % channels, b: i */
  kGeneral      /* odometer over the plan's dims */
};

__device__ __forceinline__ float binary(int kind, float a, float b) {
  switch (kind) {
  case kAdd: return a + b;
  case kSub: return a - b;
  case kMul: return a * b;
  case kDiv: return a / b;
  case kPow: return powf(a, b);
  case kMin: return b < a ? b : a;
  case kMax: return b > a ? b : a;
  case kPrelu: return a < 0.0f ? a * b : a;
  case kMod: return trt_remainder_f32(a, b, true);
  case kFmod: return trt_remainder_f32(a, b, false);
  default: return 0.0f;
  }
}

template <typename T, typename U> __device__ __forceinline__ T int_div(T a, T b) {
  if (b == 0)
    return 0;
  if (b == -1)
    return (T)(U(0) - (U)a);
  return a / b;
}

template <typename T, typename U> __device__ __forceinline__ T int_pow(T base, T exponent) {
  if (exponent < 0)
    return base == 1 ? 1 : base == -1 ? ((exponent & 1) ? -1 : 1) : 0;
  U result = 1, factor = (U)base;
  for (T e = exponent; e > 0; e >>= 1) {
    if (e & 1)
      result *= factor;
    factor *= factor;
  }
  return (T)result;
}

template <typename T, typename U> __device__ __forceinline__ T int_binary(int kind, T a, T b) {
  switch (kind) {
  case kAdd: return (T)((U)a + (U)b);
  case kSub: return (T)((U)a - (U)b);
  case kMul: return (T)((U)a * (U)b);
  case kDiv: return int_div<T, U>(a, b);
  case kPow: return int_pow<T, U>(a, b);
  case kMin: return b < a ? b : a;
  case kMax: return b > a ? b : a;
  case kPrelu: return a < 0 ? (T)((U)a * (U)b) : a;
  case kMod: return (T)trt_remainder_i64(a, b, true);
  case kFmod: return (T)trt_remainder_i64(a, b, false);
  default: return 0;
  }
}

__device__ __forceinline__ __half binary(int kind, __half a, __half b) {
  return __float2half_rn(binary(kind, __half2float(a), __half2float(b)));
}

__device__ __forceinline__ int32_t binary(int kind, int32_t a, int32_t b) {
  return int_binary<int32_t, uint32_t>(kind, a, b);
}
__device__ __forceinline__ int64_t binary(int kind, int64_t a, int64_t b) {
  return int_binary<int64_t, uint64_t>(kind, a, b);
}

/* Pow with mixed types: computed in double, stored as the base's type. */
__device__ __forceinline__ void store_pow(float *y, double value) {
  *y = (float)value;
}
/* Integer results: snapped to an integer within 1e-12 relative, then
 * truncated, exactly as engine/cpu/elementwise.c does (CUDA's pow may land
 * an ulp below an exact integer result; see pow_snap_integral there). */
__device__ __forceinline__ int64_t truncate_double(double value) {
  if (!isnan(value) && !isinf(value)) {
    const double nearest = rint(value);
    if (fabs(value - nearest) <= 1e-12 * fmax(1.0, fabs(nearest)))
      value = nearest;
  }
  return isnan(value) ? 0 : value >= 9.2e18 ? INT64_MAX : value <= -9.2e18 ? INT64_MIN
                                                                          : (int64_t)value;
}
__device__ __forceinline__ void store_pow(int64_t *y, double value) {
  *y = truncate_double(value);
}
__device__ __forceinline__ void store_pow(int32_t *y, double value) {
  const int64_t t = truncate_double(value);
  *y = (int32_t)(t > INT32_MAX ? INT32_MAX : t < INT32_MIN ? INT32_MIN : t);
}

template <typename Ta, typename Tb>
__device__ __forceinline__ void compute(int kind, Ta a, Tb b, Ta *y) {
  if constexpr (std::is_same<Ta, Tb>::value)
    *y = binary(kind, a, b);
  else
    store_pow(y, pow((double)a, (double)b));
}

template <typename Ta, typename Tb, int kMode, bool kStrided, typename I>
__global__ void elementwise_kernel(const Ta *__restrict__ a, const Tb *__restrict__ b, Ta *y,
                                   I count, int kind, I inner, I channels, trt_kbroadcast_t plan,
                                   trt_kview_t view) {
  const I step = (I)gridDim.x * blockDim.x;
  for (I i = blockIdx.x * (I)blockDim.x + threadIdx.x; i < count; i += step) {
    I ia = i, ib = i;
    if (kMode == kAFullBChan) {
      ib = (i / inner) % channels;
    } else if (kMode == kAChanBFull) {
      ia = (i / inner) % channels;
    } else if (kMode == kGeneral) {
      I rest = i;
      ia = ib = 0;
      for (int d = plan.rank - 1; d >= 0; d--) {
        const I dim = (I)plan.dims[d];
        const I index = rest % dim;
        rest /= dim;
        ia += index * (I)plan.a_stride[d];
        ib += index * (I)plan.b_stride[d];
      }
    }
    Ta value;
    compute(kind, a[ia], b[ib], &value);
    y[kStrided ? trtk::view_index(view, (int64_t)i) : (int64_t)i] = value;
  }
}

/* float4 path: a is full; b is full (kSame), or one value per 4 outputs
 * (inner % 4 == 0), or a row of `channels` floats (inner == 1). */
template <int kMode>
__global__ void elementwise_vec4_kernel(const float4 *__restrict__ a, const float *__restrict__ b,
                                        float4 *y, int64_t count4, int kind, int64_t inner,
                                        int64_t channels, bool swap) {
  for (int64_t i = trtk::global_thread(); i < count4; i += trtk::grid_threads()) {
    const float4 va = a[i];
    float4 vb;
    if (kMode == kSame) {
      vb = reinterpret_cast<const float4 *>(b)[i];
    } else if (inner == 1) {
      vb = reinterpret_cast<const float4 *>(b)[i % (channels / 4)];
    } else {
      const float s = b[(i * 4 / inner) % channels];
      vb = make_float4(s, s, s, s);
    }
    float4 r;
    if (swap) { /* a was the broadcast operand: va holds b's role */
      r.x = binary(kind, vb.x, va.x);
      r.y = binary(kind, vb.y, va.y);
      r.z = binary(kind, vb.z, va.z);
      r.w = binary(kind, vb.w, va.w);
    } else {
      r.x = binary(kind, va.x, vb.x);
      r.y = binary(kind, va.y, vb.y);
      r.z = binary(kind, va.z, vb.z);
      r.w = binary(kind, va.w, vb.w);
    }
    y[i] = r;
  }
}

bool is_full(const trt_kbroadcast_t &plan, const int64_t *strides) {
  int64_t expected = 1;
  for (int d = plan.rank - 1; d >= 0; d--) {
    if (plan.dims[d] != 1 && strides[d] != expected)
      return false;
    expected *= plan.dims[d];
  }
  return true;
}

/* One operand read through a single dim of stride 1 (or none: a scalar). */
bool is_single_dim(const trt_kbroadcast_t &plan, const int64_t *strides, int64_t *inner,
                   int64_t *channels) {
  int axis = -1;
  for (int d = 0; d < plan.rank; d++) {
    if (strides[d] == 0 || plan.dims[d] == 1)
      continue;
    if (axis >= 0 || strides[d] != 1)
      return false;
    axis = d;
  }
  *inner = 1;
  *channels = 1;
  if (axis < 0)
    return true;
  *channels = plan.dims[axis];
  for (int d = axis + 1; d < plan.rank; d++)
    *inner *= plan.dims[d];
  return true;
}

template <typename Ta, typename Tb, int kMode, typename I>
void launch_mode(const void *a, const void *b, void *y, int64_t count, int kind, int64_t inner,
                 int64_t channels, const trt_kbroadcast_t &plan, trt_kview_t view,
                 cudaStream_t stream) {
  const unsigned blocks = trtk::grid_for(count);
  if (trtk::view_strided(view))
    elementwise_kernel<Ta, Tb, kMode, true, I><<<blocks, trtk::kThreads, 0, stream>>>(
        (const Ta *)a, (const Tb *)b, (Ta *)y, (I)count, kind, (I)inner, (I)channels, plan,
        view);
  else
    elementwise_kernel<Ta, Tb, kMode, false, I><<<blocks, trtk::kThreads, 0, stream>>>(
        (const Ta *)a, (const Tb *)b, (Ta *)y, (I)count, kind, (I)inner, (I)channels, plan,
        view);
}

template <typename Ta, typename Tb, typename I>
void launch_typed(const void *a, const void *b, void *y, int64_t count, int kind, int mode,
                  int64_t inner, int64_t channels, const trt_kbroadcast_t &plan,
                  trt_kview_t view, cudaStream_t stream) {
  if constexpr (std::is_same<Ta, Tb>::value) {
    switch (mode) {
    case kSame:
      return launch_mode<Ta, Tb, kSame, I>(a, b, y, count, kind, inner, channels, plan, view,
                                           stream);
    case kAFullBChan:
      return launch_mode<Ta, Tb, kAFullBChan, I>(a, b, y, count, kind, inner, channels, plan,
                                                 view, stream);
    case kAChanBFull:
      return launch_mode<Ta, Tb, kAChanBFull, I>(a, b, y, count, kind, inner, channels, plan,
                                                 view, stream);
    default: break;
    }
  }
  launch_mode<Ta, Tb, kGeneral, I>(a, b, y, count, kind, inner, channels, plan, view, stream);
}

template <typename Ta, typename Tb>
void launch_indexed(const void *a, const void *b, void *y, int64_t count, int kind, int mode,
                    int64_t inner, int64_t channels, const trt_kbroadcast_t &plan,
                    trt_kview_t view, cudaStream_t stream) {
  if (count < INT32_MAX)
    launch_typed<Ta, Tb, uint32_t>(a, b, y, count, kind, mode, inner, channels, plan, view,
                                   stream);
  else
    launch_typed<Ta, Tb, int64_t>(a, b, y, count, kind, mode, inner, channels, plan, view,
                                  stream);
}

template <typename Ta>
cudaError_t launch_base(const void *a, const void *b, int b_type, void *y, int64_t count, int kind,
                        int mode, int64_t inner, int64_t channels, const trt_kbroadcast_t &plan,
                        trt_kview_t view, cudaStream_t stream) {
  switch (b_type) {
  case TRT_KTYPE_FLOAT32:
    launch_indexed<Ta, float>(a, b, y, count, kind, mode, inner, channels, plan, view, stream);
    break;
  case TRT_KTYPE_INT32:
    launch_indexed<Ta, int32_t>(a, b, y, count, kind, mode, inner, channels, plan, view, stream);
    break;
  case TRT_KTYPE_INT64:
    launch_indexed<Ta, int64_t>(a, b, y, count, kind, mode, inner, channels, plan, view, stream);
    break;
  default:
    return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t trt_launch_elementwise(const void *a, int a_type, const void *b, int b_type,
                                              void *y, int64_t count, int kind,
                                              trt_kbroadcast_t plan, trt_kview_t view,
                                              int vectorized, cudaStream_t stream) {
  if (count <= 0)
    return cudaSuccess;
  if (plan.rank < 1 || plan.rank > TRT_KERNEL_MAX_DIMS)
    return cudaErrorInvalidValue;
  int mode = kGeneral;
  int64_t inner = 1, channels = 1;
  const bool a_full = is_full(plan, plan.a_stride), b_full = is_full(plan, plan.b_stride);
  if (a_full && b_full)
    mode = kSame;
  else if (a_full && is_single_dim(plan, plan.b_stride, &inner, &channels))
    mode = kAFullBChan;
  else if (b_full && is_single_dim(plan, plan.a_stride, &inner, &channels))
    mode = kAChanBFull;
  if (mode != kSame && mode != kGeneral && channels == 1)
    inner = count; /* a scalar: every output reads element 0 */

  if (vectorized && a_type == TRT_KTYPE_FLOAT32 && b_type == TRT_KTYPE_FLOAT32 &&
      !trtk::view_strided(view) && count % 4 == 0 && mode != kGeneral) {
    const bool swap = mode == kAChanBFull;
    const void *full = swap ? b : a, *other = swap ? a : b;
    const bool shape_ok = mode == kSame || inner % 4 == 0 || (inner == 1 && channels % 4 == 0);
    const bool aligned = ((uintptr_t)full | (uintptr_t)y) % 16 == 0 &&
                         (mode != kSame && inner != 1 ? true : (uintptr_t)other % 16 == 0);
    if (shape_ok && aligned) {
      const unsigned blocks = trtk::grid_for(count / 4);
      if (mode == kSame)
        elementwise_vec4_kernel<kSame><<<blocks, trtk::kThreads, 0, stream>>>(
            (const float4 *)a, (const float *)b, (float4 *)y, count / 4, kind, inner, channels,
            false);
      else
        elementwise_vec4_kernel<kAFullBChan><<<blocks, trtk::kThreads, 0, stream>>>(
            (const float4 *)full, (const float *)other, (float4 *)y, count / 4, kind, inner,
            channels, swap);
      return cudaGetLastError();
    }
  }

  switch (a_type) {
  case TRT_KTYPE_FLOAT32:
    return launch_base<float>(a, b, b_type, y, count, kind, mode, inner, channels, plan, view,
                              stream);
  case TRT_KTYPE_FLOAT16:
    if (b_type != TRT_KTYPE_FLOAT16)
      return cudaErrorInvalidValue;
    launch_indexed<__half, __half>(a, b, y, count, kind, mode, inner, channels, plan, view,
                                   stream);
    return cudaGetLastError();
  case TRT_KTYPE_INT32:
    return launch_base<int32_t>(a, b, b_type, y, count, kind, mode, inner, channels, plan, view,
                                stream);
  case TRT_KTYPE_INT64:
    return launch_base<int64_t>(a, b, b_type, y, count, kind, mode, inner, channels, plan, view,
                                stream);
  default:
    return cudaErrorInvalidValue;
  }
}
