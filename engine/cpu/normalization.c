/* CPU reference for the normalization family. Statistics (means, variances)
 * are accumulated in double, two-pass, so that they do not drift on large
 * planes. */
#include <math.h>
#include <stdlib.h>

#include "cpu/cpu_layers.h"

/* Elements per parallel task, roughly. */
#define NORM_GRAIN_ELEMENTS 16384

static int64_t plane_grain(int64_t plane) {
  return plane >= NORM_GRAIN_ELEMENTS ? 1 : NORM_GRAIN_ELEMENTS / (plane > 0 ? plane : 1);
}

static trt_status_t check_data(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs, int nb_required,
                               const trt_tensor_t **x) {
  for (int i = 0; i < nb_required; i++)
    if (!inputs[i])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "input %d has no data", i);
  if (!outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "output has no buffer");
  *x = trt_layer_input(network, layer, 0);
  if (!*x || (*x)->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "only float32 input is supported");
  if (trt_dims_volume(&(*x)->dims) < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input dims are not known");
  return TRT_STATUS_OK;
}

/* Channels and the size of one [n, c] plane of an [N, C, ...] tensor. */
static void channel_layout(const trt_dims_t *dims, int64_t *batch, int64_t *channels,
                           int64_t *plane) {
  *batch = dims->d[0];
  *channels = dims->d[1];
  *plane = 1;
  for (int i = 2; i < dims->nb_dims; i++)
    *plane *= dims->d[i];
}

/* ---- batch norm --------------------------------------------------------- */

typedef struct {
  const float *x, *scale, *bias, *mean, *var;
  float *y;
  float epsilon;
  int64_t channels, plane;
} batch_norm_job_t;

static void batch_norm_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const batch_norm_job_t *job = arg;
  for (int64_t p = begin; p < end; p++) {
    int64_t c = p % job->channels;
    double inv_std = 1.0 / sqrt((double)job->var[c] + (double)job->epsilon);
    float multiplier = (float)(job->scale[c] * inv_std);
    float shift = (float)(job->bias[c] - job->mean[c] * job->scale[c] * inv_std);
    const float *x = job->x + p * job->plane;
    float *y = job->y + p * job->plane;
    for (int64_t i = 0; i < job->plane; i++)
      y[i] = x[i] * multiplier + shift;
  }
}

trt_status_t trt_cpu_batch_norm(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *inputs, void *const *outputs,
                                trt_cpu_context_t *cpu) {
  const trt_norm_params_t *params = layer->params;
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_data(network, layer, inputs, outputs, 5, &x);
  if (status != TRT_STATUS_OK)
    return status;
  batch_norm_job_t job = {inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], outputs[0],
                          params ? params->epsilon : 1e-5f, 0, 0};
  int64_t batch;
  channel_layout(&x->dims, &batch, &job.channels, &job.plane);
  trt_cpu_parallel_for(cpu, batch * job.channels, plane_grain(job.plane), batch_norm_chunk,
                       &job);
  return TRT_STATUS_OK;
}

/* ---- instance norm and layer norm: normalize contiguous rows ------------- */

/* Mean and biased variance of n floats. */
static void row_moments(const float *x, int64_t n, double *mean, double *variance) {
  double sum = 0;
  for (int64_t i = 0; i < n; i++)
    sum += x[i];
  double m = n > 0 ? sum / (double)n : 0.0;
  double squares = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = x[i] - m;
    squares += d * d;
  }
  *mean = m;
  *variance = n > 0 ? squares / (double)n : 0.0;
}

typedef struct {
  const float *x, *scale, *bias;
  float *y;
  float epsilon;
  int64_t channels, plane;
} instance_norm_job_t;

static void instance_norm_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const instance_norm_job_t *job = arg;
  for (int64_t p = begin; p < end; p++) {
    int64_t c = p % job->channels;
    const float *x = job->x + p * job->plane;
    float *y = job->y + p * job->plane;
    double mean, variance;
    row_moments(x, job->plane, &mean, &variance);
    double multiplier = job->scale[c] / sqrt(variance + job->epsilon);
    float m = (float)multiplier, shift = (float)(job->bias[c] - mean * multiplier);
    for (int64_t i = 0; i < job->plane; i++)
      y[i] = x[i] * m + shift;
  }
}

trt_status_t trt_cpu_instance_norm(const trt_network_t *network, const trt_layer_t *layer,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cpu_context_t *cpu) {
  const trt_norm_params_t *params = layer->params;
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_data(network, layer, inputs, outputs, 3, &x);
  if (status != TRT_STATUS_OK)
    return status;
  instance_norm_job_t job = {inputs[0], inputs[1], inputs[2], outputs[0],
                             params ? params->epsilon : 1e-5f, 0, 0};
  int64_t batch;
  channel_layout(&x->dims, &batch, &job.channels, &job.plane);
  trt_cpu_parallel_for(cpu, batch * job.channels, plane_grain(job.plane), instance_norm_chunk,
                       &job);
  return TRT_STATUS_OK;
}

typedef struct {
  const float *x, *scale, *bias; /* scale and bias: `row` values (bias may be NULL) */
  float *y, *mean_out, *inv_std_out; /* the statistics outputs may be NULL */
  float epsilon;
  int64_t row;
} layer_norm_job_t;

static void layer_norm_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const layer_norm_job_t *job = arg;
  for (int64_t r = begin; r < end; r++) {
    const float *x = job->x + r * job->row;
    float *y = job->y + r * job->row;
    double mean, variance;
    row_moments(x, job->row, &mean, &variance);
    double inv_std = 1.0 / sqrt(variance + job->epsilon);
    float m = (float)mean, s = (float)inv_std;
    if (job->bias)
      for (int64_t i = 0; i < job->row; i++)
        y[i] = (x[i] - m) * s * job->scale[i] + job->bias[i];
    else
      for (int64_t i = 0; i < job->row; i++)
        y[i] = (x[i] - m) * s * job->scale[i];
    if (job->mean_out)
      job->mean_out[r] = m;
    if (job->inv_std_out)
      job->inv_std_out[r] = s;
  }
}

/* Writes `operand` broadcast to the normalized dims into `expanded`. */
static void expand_to_normalized(const trt_tensor_t *operand, const float *data,
                                 const trt_dims_t *x_dims, int axis, float *expanded) {
  int rank = x_dims->nb_dims;
  int64_t count = 1;
  for (int i = axis; i < rank; i++)
    count *= x_dims->d[i];
  for (int64_t flat = 0; flat < count; flat++) {
    int64_t rest = flat, source = 0, stride = 1;
    for (int i = rank - 1, j = operand->dims.nb_dims - 1; i >= axis; i--, j--) {
      int64_t index = rest % x_dims->d[i];
      rest /= x_dims->d[i];
      if (j >= 0 && operand->dims.d[j] != 1) {
        source += index * stride;
        stride *= operand->dims.d[j];
      }
    }
    expanded[flat] = data[source];
  }
}

trt_status_t trt_cpu_layer_norm(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *inputs, void *const *outputs,
                                trt_cpu_context_t *cpu) {
  const trt_norm_params_t *params = layer->params;
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_data(network, layer, inputs, outputs, 2, &x);
  if (status != TRT_STATUS_OK)
    return status;
  int rank = x->dims.nb_dims;
  int axis = trt_normalize_axis(params ? params->axis : -1, rank);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "axis is out of range for rank %d", rank);
  int64_t rows = 1, row = 1;
  for (int i = 0; i < axis; i++)
    rows *= x->dims.d[i];
  for (int i = axis; i < rank; i++)
    row *= x->dims.d[i];

  const trt_tensor_t *scale = trt_layer_input(network, layer, 1);
  const trt_tensor_t *bias = trt_layer_input(network, layer, 2);
  const float *scale_data = inputs[1];
  const float *bias_data = bias ? inputs[2] : NULL;
  if (bias && !bias_data)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "bias has no data");

  /* Scale or bias smaller than a row (broadcast) are expanded once. */
  float *expanded = NULL;
  bool expand_scale = trt_dims_volume(&scale->dims) != row;
  bool expand_bias = bias && trt_dims_volume(&bias->dims) != row;
  if (expand_scale || expand_bias) {
    expanded = malloc(2 * (size_t)(row > 0 ? row : 1) * sizeof(float));
    if (!expanded)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory expanding scale and bias");
    if (expand_scale) {
      expand_to_normalized(scale, scale_data, &x->dims, axis, expanded);
      scale_data = expanded;
    }
    if (expand_bias) {
      expand_to_normalized(bias, bias_data, &x->dims, axis, expanded + row);
      bias_data = expanded + row;
    }
  }

  layer_norm_job_t job = {
      .x = inputs[0],
      .scale = scale_data,
      .bias = bias_data,
      .y = outputs[0],
      .mean_out = layer->nb_outputs > 1 ? outputs[1] : NULL,
      .inv_std_out = layer->nb_outputs > 2 ? outputs[2] : NULL,
      .epsilon = params ? params->epsilon : 1e-5f,
      .row = row,
  };
  trt_cpu_parallel_for(cpu, rows, plane_grain(row), layer_norm_chunk, &job);
  free(expanded);
  return TRT_STATUS_OK;
}

/* ---- LRN ------------------------------------------------------------------ */

typedef struct {
  const float *x;
  float *y;
  trt_lrn_params_t params;
  int64_t channels, plane;
} lrn_job_t;

/* Each output channel c sums the squares of channels
 * c - floor((size-1)/2) .. c + ceil((size-1)/2), clipped to [0, C). */
static void lrn_chunk(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const lrn_job_t *job = arg;
  const int64_t size = job->params.size, channels = job->channels, plane = job->plane;
  const float alpha_over_size = job->params.alpha / (float)size;
  for (int64_t p = begin; p < end; p++) {
    int64_t n = p / channels, c = p % channels;
    int64_t first = c - (size - 1) / 2, last = c + size / 2; /* size/2 == ceil((size-1)/2) */
    if (first < 0)
      first = 0;
    if (last > channels - 1)
      last = channels - 1;
    const float *batch = job->x + n * channels * plane;
    const float *x = batch + c * plane;
    float *y = job->y + p * plane;
    for (int64_t i = 0; i < plane; i++) {
      float sum = 0.0f;
      for (int64_t k = first; k <= last; k++) {
        float v = batch[k * plane + i];
        sum += v * v;
      }
      y[i] = x[i] / powf(job->params.bias + alpha_over_size * sum, job->params.beta);
    }
  }
}

trt_status_t trt_cpu_lrn(const trt_network_t *network, const trt_layer_t *layer,
                         const void *const *inputs, void *const *outputs,
                         trt_cpu_context_t *cpu) {
  const trt_lrn_params_t *params = layer->params;
  const trt_tensor_t *x = NULL;
  trt_status_t status = check_data(network, layer, inputs, outputs, 1, &x);
  if (status != TRT_STATUS_OK)
    return status;
  if (!params || params->size < 1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "LRN size must be at least 1");
  lrn_job_t job = {inputs[0], outputs[0], *params, 0, 0};
  int64_t batch;
  channel_layout(&x->dims, &batch, &job.channels, &job.plane);
  /* The window never spans more than the channels, whatever `size` says. */
  int64_t window = params->size < job.channels ? params->size : job.channels;
  trt_cpu_parallel_for(cpu, batch * job.channels, plane_grain(job.plane * window), lrn_chunk,
                       &job);
  return TRT_STATUS_OK;
}
