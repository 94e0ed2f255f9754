/* CPU reference for the reduce family.
 *
 * Dims of size 1 are dropped and neighbouring dims that are both kept or both
 * reduced merged (trt_reduce_group_dims), so [N,C,H,W] reduced over H and W becomes N*C contiguous
 * rows of H*W. Each output element then walks its reduced elements: an
 * odometer over the outer reduced groups around one strided inner loop.
 * Floats accumulate in double, integers in int64 (wrapping). */
#include <math.h>
#include <string.h>

#include "cpu/cpu_layers.h"
#include "layers/layers.h"

#define REDUCE_GRAIN_ELEMENTS 16384

typedef struct {
  trt_reduce_kind_t kind;
  trt_data_type_t type;
  const void *x;
  void *y;
  trt_reduce_groups_t groups;
} reduce_job_t;

/* Folds `n` floats `stride` apart into `acc`. */
static double fold_floats(trt_reduce_kind_t kind, const float *x, int64_t n, int64_t stride,
                          double acc) {
  switch (kind) {
  case TRT_REDUCE_MEAN:
  case TRT_REDUCE_SUM:
    for (int64_t i = 0; i < n; i++)
      acc += x[i * stride];
    break;
  case TRT_REDUCE_PROD:
    for (int64_t i = 0; i < n; i++)
      acc *= x[i * stride];
    break;
  case TRT_REDUCE_MAX:
    for (int64_t i = 0; i < n; i++)
      acc = x[i * stride] > acc ? x[i * stride] : acc;
    break;
  case TRT_REDUCE_MIN:
    for (int64_t i = 0; i < n; i++)
      acc = x[i * stride] < acc ? x[i * stride] : acc;
    break;
  }
  return acc;
}

static int64_t load_int(trt_data_type_t type, const void *x, int64_t i) {
  return type == TRT_DATA_TYPE_INT32 ? ((const int32_t *)x)[i] : ((const int64_t *)x)[i];
}

static int64_t fold_ints(trt_reduce_kind_t kind, trt_data_type_t type, const void *x, int64_t n,
                         int64_t stride, int64_t acc) {
  for (int64_t i = 0; i < n; i++) {
    int64_t v = load_int(type, x, i * stride);
    switch (kind) {
    case TRT_REDUCE_MEAN:
    case TRT_REDUCE_SUM: acc = (int64_t)((uint64_t)acc + (uint64_t)v); break;
    case TRT_REDUCE_PROD: acc = (int64_t)((uint64_t)acc * (uint64_t)v); break;
    case TRT_REDUCE_MAX: acc = v > acc ? v : acc; break;
    case TRT_REDUCE_MIN: acc = v < acc ? v : acc; break;
    }
  }
  return acc;
}

static void reduce_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const reduce_job_t *job = arg;
  const trt_reduce_groups_t *groups = &job->groups;
  const size_t element = trt_data_type_size(job->type);
  const bool is_float = job->type == TRT_DATA_TYPE_FLOAT32;
  /* The innermost reduced group is the inner loop; the others an odometer. */
  const int nb_outer = groups->nb_reduced > 0 ? groups->nb_reduced - 1 : 0;
  const int64_t inner_n = groups->nb_reduced > 0 ? groups->reduced_size[nb_outer] : 1;
  const int64_t inner_stride = groups->nb_reduced > 0 ? groups->reduced_stride[nb_outer] : 1;
  const int64_t runs = inner_n > 0 ? groups->reduced_count / inner_n : 0;

  for (int64_t o = begin; o < end; o++) {
    int64_t base = 0, rest = o;
    for (int g = groups->nb_kept - 1; g >= 0; g--) {
      base += (rest % groups->kept_size[g]) * groups->kept_stride[g];
      rest /= groups->kept_size[g];
    }
    double float_acc = 0;
    int64_t int_acc = 0;
    switch (job->kind) {
    case TRT_REDUCE_MEAN:
    case TRT_REDUCE_SUM: break;
    case TRT_REDUCE_PROD: float_acc = 1, int_acc = 1; break;
    case TRT_REDUCE_MAX: float_acc = -INFINITY, int_acc = INT64_MIN; break;
    case TRT_REDUCE_MIN: float_acc = INFINITY, int_acc = INT64_MAX; break;
    }

    int64_t index[TRT_MAX_DIMS] = {0};
    for (int64_t run = 0; run < runs; run++) {
      int64_t offset = base;
      for (int g = 0; g < nb_outer; g++)
        offset += index[g] * groups->reduced_stride[g];
      const void *x = (const char *)job->x + offset * (int64_t)element;
      if (is_float)
        float_acc = fold_floats(job->kind, x, inner_n, inner_stride, float_acc);
      else
        int_acc = fold_ints(job->kind, job->type, x, inner_n, inner_stride, int_acc);
      for (int g = nb_outer - 1; g >= 0; g--) { /* advance the odometer */
        if (++index[g] < groups->reduced_size[g])
          break;
        index[g] = 0;
      }
    }

    if (job->kind == TRT_REDUCE_MEAN) {
      float_acc /= (double)groups->reduced_count; /* 0/0 = NaN for an empty set */
      int_acc = groups->reduced_count > 0 ? int_acc / groups->reduced_count : 0;
    }
    if (is_float)
      ((float *)job->y)[o] = (float)float_acc;
    else if (job->type == TRT_DATA_TYPE_INT32)
      ((int32_t *)job->y)[o] = (int32_t)int_acc;
    else
      ((int64_t *)job->y)[o] = int_acc;
  }
}

trt_status_t trt_cpu_reduce(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  const trt_reduce_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (!params || !x || !inputs[0] || !outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "reduce layer without its input or output");
  if (x->type != TRT_DATA_TYPE_FLOAT32 && x->type != TRT_DATA_TYPE_INT32 &&
      x->type != TRT_DATA_TYPE_INT64)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(x->type));
  int64_t input_count = trt_dims_volume(&x->dims);
  int64_t output_count = trt_dims_volume(&y->dims);
  if (input_count < 0 || output_count < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "dims are not known");

  bool reduced[TRT_MAX_DIMS];
  bool noop;
  trt_status_t status = trt_reduce_resolve_axes(network, layer, x->dims.nb_dims, reduced, &noop);
  if (status != TRT_STATUS_OK)
    return status;
  if (noop) {
    if (outputs[0] != inputs[0])
      memcpy(outputs[0], inputs[0], (size_t)input_count * trt_data_type_size(x->type));
    return TRT_STATUS_OK;
  }

  reduce_job_t job = {.kind = params->kind, .type = x->type, .x = inputs[0], .y = outputs[0]};
  trt_reduce_group_dims(&x->dims, reduced, &job.groups);
  int64_t reduced_count = job.groups.reduced_count;
  int64_t grain = reduced_count >= REDUCE_GRAIN_ELEMENTS
                      ? 1
                      : REDUCE_GRAIN_ELEMENTS / (reduced_count > 0 ? reduced_count : 1);
  trt_cpu_parallel_for(cpu, output_count, grain, reduce_chunk, &job);
  return TRT_STATUS_OK;
}
