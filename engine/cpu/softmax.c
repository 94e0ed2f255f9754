/* CPU reference for softmax and log-softmax, numerically stable (the maximum
 * is subtracted before exponentiating; sums are accumulated in double).
 *
 * The input is seen as [outer, n, inner] with the normalized elements n
 * apart by `inner`. Contiguous rows (inner == 1, and every coerce_2d case)
 * are processed one per task; otherwise a task takes a tile of neighbouring
 * columns and walks them together so that the loops stay contiguous. */
#include <math.h>

#include "cpu/cpu_layers.h"

#define SOFTMAX_GRAIN_ELEMENTS 16384
#define SOFTMAX_TILE 64

typedef struct {
  const float *x;
  float *y;
  bool log;
  int64_t outer, n, inner, tiles_per_outer;
} softmax_job_t;

static void softmax_rows(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const softmax_job_t *job = arg;
  const int64_t n = job->n;
  for (int64_t r = begin; r < end; r++) {
    const float *x = job->x + r * n;
    float *y = job->y + r * n;
    float max = -INFINITY;
    for (int64_t i = 0; i < n; i++)
      max = x[i] > max ? x[i] : max;
    double sum = 0;
    if (job->log) {
      for (int64_t i = 0; i < n; i++)
        sum += expf(x[i] - max);
      float shift = max + (float)log(sum);
      for (int64_t i = 0; i < n; i++)
        y[i] = x[i] - shift;
    } else {
      for (int64_t i = 0; i < n; i++) {
        y[i] = expf(x[i] - max);
        sum += y[i];
      }
      float inverse = (float)(1.0 / sum);
      for (int64_t i = 0; i < n; i++)
        y[i] *= inverse;
    }
  }
}

static void softmax_columns(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const softmax_job_t *job = arg;
  const int64_t n = job->n, inner = job->inner;
  float max[SOFTMAX_TILE];
  double sum[SOFTMAX_TILE];
  for (int64_t task = begin; task < end; task++) {
    int64_t o = task / job->tiles_per_outer;
    int64_t first = (task % job->tiles_per_outer) * SOFTMAX_TILE;
    int64_t width = inner - first < SOFTMAX_TILE ? inner - first : SOFTMAX_TILE;
    const float *x = job->x + o * n * inner + first;
    float *y = job->y + o * n * inner + first;
    for (int64_t j = 0; j < width; j++) {
      max[j] = -INFINITY;
      sum[j] = 0;
    }
    for (int64_t k = 0; k < n; k++)
      for (int64_t j = 0; j < width; j++)
        max[j] = x[k * inner + j] > max[j] ? x[k * inner + j] : max[j];
    /* Log-softmax reads x again at the end: it must not store the
     * exponentials in y, which may be x itself. */
    for (int64_t k = 0; k < n; k++)
      for (int64_t j = 0; j < width; j++) {
        float e = expf(x[k * inner + j] - max[j]);
        if (!job->log)
          y[k * inner + j] = e;
        sum[j] += e;
      }
    if (job->log) {
      for (int64_t j = 0; j < width; j++)
        max[j] += (float)log(sum[j]); /* now the shift */
      for (int64_t k = 0; k < n; k++)
        for (int64_t j = 0; j < width; j++)
          y[k * inner + j] = x[k * inner + j] - max[j];
    } else {
      for (int64_t j = 0; j < width; j++)
        max[j] = (float)(1.0 / sum[j]); /* now the inverse sum */
      for (int64_t k = 0; k < n; k++)
        for (int64_t j = 0; j < width; j++)
          y[k * inner + j] *= max[j];
    }
  }
}

trt_status_t trt_cpu_softmax(const trt_network_t *network, const trt_layer_t *layer,
                             const void *const *inputs, void *const *outputs,
                             trt_cpu_context_t *cpu) {
  const trt_softmax_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (!params || !x || !inputs[0] || !outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "softmax layer without its input or output");
  if (x->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "input type %s is not supported",
                     trt_data_type_name(x->type));
  const trt_dims_t *dims = &x->dims;
  int rank = dims->nb_dims;
  int axis;
  if (params->coerce_2d && params->axis == rank)
    axis = rank;
  else
    axis = trt_normalize_axis(params->axis, rank);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis %d is out of range for rank %d",
                     (int)params->axis, rank);

  softmax_job_t job = {inputs[0], outputs[0], params->log, 1, 1, 1, 1};
  for (int i = 0; i < axis; i++)
    job.outer *= dims->d[i];
  if (params->coerce_2d) {
    for (int i = axis; i < rank; i++)
      job.n *= dims->d[i];
  } else {
    job.n = dims->d[axis];
    for (int i = axis + 1; i < rank; i++)
      job.inner *= dims->d[i];
  }
  if (job.outer <= 0 || job.n <= 0 || job.inner <= 0)
    return TRT_STATUS_OK; /* nothing to normalize */

  if (job.inner == 1) {
    int64_t grain = job.n >= SOFTMAX_GRAIN_ELEMENTS ? 1 : SOFTMAX_GRAIN_ELEMENTS / job.n;
    trt_cpu_parallel_for(cpu, job.outer, grain, softmax_rows, &job);
  } else {
    job.tiles_per_outer = (job.inner + SOFTMAX_TILE - 1) / SOFTMAX_TILE;
    int64_t tile_elements = job.n * SOFTMAX_TILE;
    int64_t grain = tile_elements >= SOFTMAX_GRAIN_ELEMENTS
                        ? 1 : SOFTMAX_GRAIN_ELEMENTS / tile_elements;
    trt_cpu_parallel_for(cpu, job.outer * job.tiles_per_outer, grain, softmax_columns, &job);
  }
  return TRT_STATUS_OK;
}
