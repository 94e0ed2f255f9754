/* CPU reference for the elementwise family (two inputs, numpy broadcasting).
 *
 * The broadcast is first reduced to its simplest form: output dims of size 1
 * are dropped and neighbouring dims merged wherever both inputs walk them
 * alike, so equal shapes become one flat run, [C,1,1] against [N,C,H,W]
 * becomes N*C runs of H*W against one scalar each, and so on. The innermost
 * run is then one of three vectorizable loops (vector-vector, vector-scalar,
 * scalar-vector); the outer dims are walked with their strides. */
#include <math.h>
#include <string.h>

#include "cpu/cpu_layers.h"
#include "numerics/element.h"
#include "numerics/remainder.h"

#define ELEMENTWISE_GRAIN 16384

typedef struct {
  int nb_outer;                     /* merged dims above the innermost run */
  int64_t outer[TRT_MAX_DIMS];
  int64_t a_stride[TRT_MAX_DIMS];   /* in elements; 0 where broadcast */
  int64_t b_stride[TRT_MAX_DIMS];
  int64_t inner;                    /* length of the innermost run */
  bool a_step, b_step;              /* innermost: true contiguous, false broadcast */
} broadcast_plan_t;

/* Element strides of `in` walked along `out`'s dims (right-aligned), 0 where
 * `in` is broadcast. */
static void broadcast_strides(const trt_dims_t *in, const trt_dims_t *out, int64_t *strides) {
  int64_t stride = 1;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    int j = i - (out->nb_dims - in->nb_dims);
    int64_t d = j >= 0 ? in->d[j] : 1;
    strides[i] = (d == 1) ? 0 : stride;
    stride *= d;
  }
}

static void broadcast_plan_make(const trt_dims_t *a, const trt_dims_t *b, const trt_dims_t *out,
                                broadcast_plan_t *plan) {
  int64_t sa[TRT_MAX_DIMS], sb[TRT_MAX_DIMS], dims[TRT_MAX_DIMS];
  broadcast_strides(a, out, sa);
  broadcast_strides(b, out, sb);

  /* Drop size-1 dims, merge a dim into the previous one when, for both
   * inputs, stepping the outer dim equals stepping the inner one dims times
   * (always true for two broadcast strides of 0). */
  int n = 0;
  for (int i = 0; i < out->nb_dims; i++) {
    if (out->d[i] == 1)
      continue;
    if (n > 0 && sa[n - 1] == sa[i] * out->d[i] && sb[n - 1] == sb[i] * out->d[i]) {
      dims[n - 1] *= out->d[i];
      sa[n - 1] = sa[i];
      sb[n - 1] = sb[i];
      continue;
    }
    dims[n] = out->d[i];
    sa[n] = sa[i];
    sb[n] = sb[i];
    n++;
  }

  if (n == 0) { /* everything is a single element */
    plan->nb_outer = 0;
    plan->inner = 1;
    plan->a_step = plan->b_step = false;
    return;
  }
  plan->nb_outer = n - 1;
  for (int i = 0; i < n - 1; i++) {
    plan->outer[i] = dims[i];
    plan->a_stride[i] = sa[i];
    plan->b_stride[i] = sb[i];
  }
  plan->inner = dims[n - 1];
  plan->a_step = sa[n - 1] != 0;
  plan->b_step = sb[n - 1] != 0;
}

/* The three shapes of the innermost loop, for an expression of `a` and `b`
 * of type T. */
#define ELEMENTWISE_LOOPS(T, EXPR)                                                         \
  do {                                                                                     \
    if (a_step && b_step) {                                                                \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T a = pa[i], b = pb[i];                                                            \
        y[i] = (EXPR);                                                                     \
      }                                                                                    \
    } else if (a_step) {                                                                   \
      const T b = pb[0];                                                                   \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T a = pa[i];                                                                       \
        y[i] = (EXPR);                                                                     \
      }                                                                                    \
    } else if (b_step) {                                                                   \
      const T a = pa[0];                                                                   \
      for (int64_t i = 0; i < n; i++) {                                                    \
        T b = pb[i];                                                                       \
        y[i] = (EXPR);                                                                     \
      }                                                                                    \
    } else {                                                                               \
      const T a = pa[0], b = pb[0];                                                        \
      const T value = (EXPR);                                                              \
      for (int64_t i = 0; i < n; i++)                                                      \
        y[i] = value;                                                                      \
    }                                                                                      \
  } while (0)

static void elementwise_float_run(trt_elementwise_kind_t kind, const float *pa, bool a_step,
                                  const float *pb, bool b_step, float *y, int64_t n) {
  switch (kind) {
  case TRT_ELEMENTWISE_ADD: ELEMENTWISE_LOOPS(float, a + b); break;
  case TRT_ELEMENTWISE_SUB: ELEMENTWISE_LOOPS(float, a - b); break;
  case TRT_ELEMENTWISE_MUL: ELEMENTWISE_LOOPS(float, a * b); break;
  case TRT_ELEMENTWISE_DIV: ELEMENTWISE_LOOPS(float, a / b); break;
  case TRT_ELEMENTWISE_POW: ELEMENTWISE_LOOPS(float, powf(a, b)); break;
  case TRT_ELEMENTWISE_MIN: ELEMENTWISE_LOOPS(float, b < a ? b : a); break;
  case TRT_ELEMENTWISE_MAX: ELEMENTWISE_LOOPS(float, b > a ? b : a); break;
  case TRT_ELEMENTWISE_PRELU: ELEMENTWISE_LOOPS(float, a < 0.0f ? a * b : a); break;
  case TRT_ELEMENTWISE_MOD: ELEMENTWISE_LOOPS(float, trt_remainder_f32(a, b, true)); break;
  case TRT_ELEMENTWISE_FMOD: ELEMENTWISE_LOOPS(float, trt_remainder_f32(a, b, false)); break;
  default: break;
  }
}

/* Integer arithmetic wraps (through the unsigned type) instead of invoking
 * undefined behaviour; division truncates like C and gives 0 for a zero
 * divisor instead of trapping. */
#define DEFINE_INT_HELPERS(T, U, suffix)                                                   \
  static inline T int_div_##suffix(T a, T b) {                                             \
    if (b == 0)                                                                            \
      return 0;                                                                            \
    if (b == -1)                                                                           \
      return (T)(0u - (U)a);                                                               \
    return a / b;                                                                          \
  }                                                                                        \
  static inline T int_pow_##suffix(T base, T exponent) {                                   \
    if (exponent < 0) /* |base| > 1 gives a fraction, truncated to 0 */                   \
      return base == 1 ? 1 : base == -1 ? ((exponent & 1) ? -1 : 1) : 0;                   \
    U result = 1, factor = (U)base;                                                        \
    for (T e = exponent; e > 0; e >>= 1) {                                                 \
      if (e & 1)                                                                           \
        result *= factor;                                                                  \
      factor *= factor;                                                                    \
    }                                                                                      \
    return (T)result;                                                                      \
  }

DEFINE_INT_HELPERS(int32_t, uint32_t, i32)
DEFINE_INT_HELPERS(int64_t, uint64_t, i64)

#define DEFINE_INT_RUN(name, T, U, suffix)                                                  \
  static void name(trt_elementwise_kind_t kind, const T *pa, bool a_step, const T *pb,      \
                   bool b_step, T *y, int64_t n) {                                          \
    switch (kind) {                                                                         \
    case TRT_ELEMENTWISE_ADD: ELEMENTWISE_LOOPS(T, (T)((U)a + (U)b)); break;                \
    case TRT_ELEMENTWISE_SUB: ELEMENTWISE_LOOPS(T, (T)((U)a - (U)b)); break;                \
    case TRT_ELEMENTWISE_MUL: ELEMENTWISE_LOOPS(T, (T)((U)a * (U)b)); break;                \
    case TRT_ELEMENTWISE_DIV: ELEMENTWISE_LOOPS(T, int_div_##suffix(a, b)); break;          \
    case TRT_ELEMENTWISE_POW: ELEMENTWISE_LOOPS(T, int_pow_##suffix(a, b)); break;          \
    case TRT_ELEMENTWISE_MIN: ELEMENTWISE_LOOPS(T, b < a ? b : a); break;                   \
    case TRT_ELEMENTWISE_MAX: ELEMENTWISE_LOOPS(T, b > a ? b : a); break;                   \
    case TRT_ELEMENTWISE_PRELU: ELEMENTWISE_LOOPS(T, a < 0 ? (T)((U)a * (U)b) : a); break;  \
    case TRT_ELEMENTWISE_MOD: ELEMENTWISE_LOOPS(T, trt_remainder_##suffix(a, b, true)); break; \
    case TRT_ELEMENTWISE_FMOD: ELEMENTWISE_LOOPS(T, trt_remainder_##suffix(a, b, false)); break; \
    default: break;                                                                         \
    }                                                                                       \
  }

DEFINE_INT_RUN(elementwise_int32_run, int32_t, uint32_t, i32)
DEFINE_INT_RUN(elementwise_int64_run, int64_t, uint64_t, i64)

/* An integer result of a mixed-type Pow, before truncation: a value within
 * 1e-12 (relative) of an integer is taken as that integer. ONNX's reference
 * (numpy: power in double, then astype) truncates, and truncation turns a
 * last-ulp difference below an exact integer (pow(4, 0.5) = 1.9999...)
 * into a whole unit. glibc's pow is correctly rounded, CUDA's double pow
 * is within 2 ulp: the snap makes both backends give the exact integer
 * whenever the true result is one, and changes nothing else that a double
 * can tell apart from an integer at this size. kernels/elementwise.cu does
 * the same. */
static double pow_snap_integral(double value) {
  double nearest = nearbyint(value);
  return fabs(value - nearest) <= 1e-12 * fmax(1.0, fabs(nearest)) ? nearest : value;
}

/* Pow whose exponent type differs from the base's: computed in double and
 * stored as the base type (integers snapped as above, then truncated, as
 * numpy's astype does). */
static void pow_mixed_run(trt_data_type_t a_type, const void *pa, bool a_step,
                          trt_data_type_t b_type, const void *pb, bool b_step,
                          void *y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double value = pow(trt_element_as_double(pa, a_type, a_step ? i : 0),
                       trt_element_as_double(pb, b_type, b_step ? i : 0));
    if (a_type == TRT_DATA_TYPE_FLOAT32) {
      ((float *)y)[i] = (float)value;
      continue;
    }
    value = pow_snap_integral(value);
    /* Out-of-range or NaN conversions to an integer are undefined: clamp. */
    int64_t truncated = isnan(value) ? 0 : value >= 9.2e18 ? INT64_MAX
                                         : value <= -9.2e18 ? INT64_MIN : (int64_t)value;
    if (a_type == TRT_DATA_TYPE_INT32)
      ((int32_t *)y)[i] = (int32_t)(truncated > INT32_MAX ? INT32_MAX
                                    : truncated < INT32_MIN ? INT32_MIN : truncated);
    else
      ((int64_t *)y)[i] = truncated;
  }
}

typedef struct {
  trt_elementwise_kind_t kind;
  trt_data_type_t a_type, b_type;
  size_t a_size, b_size, y_size;
  const char *a, *b;
  char *y;
  broadcast_plan_t plan;
} elementwise_job_t;

static void elementwise_run(const elementwise_job_t *job, int64_t a_offset, int64_t b_offset,
                            int64_t y_offset, int64_t n) {
  const void *pa = job->a + a_offset * (int64_t)job->a_size;
  const void *pb = job->b + b_offset * (int64_t)job->b_size;
  void *y = job->y + y_offset * (int64_t)job->y_size;
  bool a_step = job->plan.a_step, b_step = job->plan.b_step;
  if (job->a_type != job->b_type)
    pow_mixed_run(job->a_type, pa, a_step, job->b_type, pb, b_step, y, n);
  else if (job->a_type == TRT_DATA_TYPE_INT32)
    elementwise_int32_run(job->kind, pa, a_step, pb, b_step, y, n);
  else if (job->a_type == TRT_DATA_TYPE_INT64)
    elementwise_int64_run(job->kind, pa, a_step, pb, b_step, y, n);
  else
    elementwise_float_run(job->kind, pa, a_step, pb, b_step, y, n);
}

/* Processes output elements [begin, end): pieces of innermost runs. */
static void elementwise_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const elementwise_job_t *job = arg;
  const broadcast_plan_t *plan = &job->plan;
  int64_t position = begin;
  while (position < end) {
    int64_t row = position / plan->inner, column = position % plan->inner;
    int64_t n = plan->inner - column;
    if (n > end - position)
      n = end - position;
    int64_t a_offset = 0, b_offset = 0, rest = row;
    for (int i = plan->nb_outer - 1; i >= 0; i--) {
      int64_t index = rest % plan->outer[i];
      rest /= plan->outer[i];
      a_offset += index * plan->a_stride[i];
      b_offset += index * plan->b_stride[i];
    }
    if (plan->a_step)
      a_offset += column;
    if (plan->b_step)
      b_offset += column;
    elementwise_run(job, a_offset, b_offset, position, n);
    position += n;
  }
}

trt_status_t trt_cpu_elementwise(const trt_network_t *network, const trt_layer_t *layer,
                                 const void *const *inputs, void *const *outputs,
                                 trt_cpu_context_t *cpu) {
  const trt_elementwise_params_t *params = layer->params;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  const trt_tensor_t *out = trt_layer_output(network, layer, 0);
  if (!params || !a || !b || !inputs[0] || !inputs[1] || !outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "elementwise layer without its inputs");
  if (a->type != b->type && params->kind != TRT_ELEMENTWISE_POW)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "inputs have different types: %s and %s",
                     trt_data_type_name(a->type), trt_data_type_name(b->type));
  const trt_tensor_t *operands[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    trt_data_type_t type = operands[i]->type;
    if (type != TRT_DATA_TYPE_FLOAT32 && type != TRT_DATA_TYPE_INT32 &&
        type != TRT_DATA_TYPE_INT64)
      return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                       trt_data_type_name(type));
  }
  int64_t count = trt_dims_volume(&out->dims);
  if (count < 0 || trt_dims_volume(&a->dims) < 0 || trt_dims_volume(&b->dims) < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "dims are not known");
  if (count == 0)
    return TRT_STATUS_OK;

  elementwise_job_t job = {
      .kind = params->kind,
      .a_type = a->type,
      .b_type = b->type,
      .a_size = trt_data_type_size(a->type),
      .b_size = trt_data_type_size(b->type),
      .y_size = trt_data_type_size(a->type),
      .a = inputs[0],
      .b = inputs[1],
      .y = outputs[0],
  };
  broadcast_plan_make(&a->dims, &b->dims, &out->dims, &job.plan);
  trt_cpu_parallel_for(cpu, count, ELEMENTWISE_GRAIN, elementwise_chunk, &job);
  return TRT_STATUS_OK;
}
