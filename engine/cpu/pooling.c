/* CPU max and average pooling (FP32, NCHW, 1 to 3 spatial dims; handled as
 * 3-D with leading size-1 dims). One task per (image, channel) plane.
 *
 * Average pooling divides by the number of window taps inside the input, or
 * with count_include_pad inside the explicitly padded input (taps that
 * ceil_mode adds past the right padding never count). */
#include <math.h>

#include "cpu/cpu_layers.h"
#include "layers/layers.h"
#include "numerics/window.h"

typedef struct {
  const trt_pooling_geometry_t *geometry;
  const trt_pooling_params_t *params;
  const float *x;
  float *y;
} pool_job_t;

static int64_t volume3(const int64_t *d) {
  return d[0] * d[1] * d[2];
}

static float pool_window(const trt_pooling_geometry_t *g, const trt_pooling_params_t *params,
                         const float *x, int64_t od, int64_t oh, int64_t ow) {
  const int64_t start[3] = {od * g->stride[0] - g->pad_begin[0],
                            oh * g->stride[1] - g->pad_begin[1],
                            ow * g->stride[2] - g->pad_begin[2]};
  trt_tap_range_t taps[3];
  for (int i = 0; i < 3; i++)
    taps[i] = trt_window_taps(start[i], g->kernel[i], g->dilation[i], 0, g->in[i]);
  const bool is_max = params->kind == TRT_POOLING_MAX;
  float max = -INFINITY, sum = 0.0f;
  for (int64_t kd = taps[0].first; kd < taps[0].last; kd++) {
    const int64_t id = start[0] + kd * g->dilation[0];
    for (int64_t kh = taps[1].first; kh < taps[1].last; kh++) {
      const int64_t ih = start[1] + kh * g->dilation[1];
      const float *row = x + (id * g->in[1] + ih) * g->in[2];
      for (int64_t kw = taps[2].first; kw < taps[2].last; kw++) {
        const float value = row[start[2] + kw * g->dilation[2]];
        /* NaN propagates through max, as in ONNX Runtime. */
        max = (value > max || isnan(value)) ? value : max;
        sum += value;
      }
    }
  }
  if (is_max)
    return max;
  int64_t count = 1;
  for (int i = 0; i < 3; i++)
    count *= params->count_include_pad
                 ? trt_window_tap_count(start[i], g->kernel[i], g->dilation[i], -g->pad_begin[i],
                                        g->in[i] + g->pad_end[i])
                 : taps[i].last - taps[i].first;
  return count > 0 ? sum / (float)count : 0.0f;
}

static void pool_task(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const pool_job_t *job = arg;
  const trt_pooling_geometry_t *g = job->geometry;
  const int64_t in_plane = volume3(g->in), out_plane = volume3(g->out);
  for (int64_t plane = begin; plane < end; plane++) {
    const float *x = job->x + plane * in_plane;
    float *y = job->y + plane * out_plane;
    for (int64_t od = 0; od < g->out[0]; od++)
      for (int64_t oh = 0; oh < g->out[1]; oh++)
        for (int64_t ow = 0; ow < g->out[2]; ow++)
          *y++ = pool_window(g, job->params, x, od, oh, ow);
  }
}

/* Global pooling: one reduction per plane. */
static void global_pool_task(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const pool_job_t *job = arg;
  const int64_t size = volume3(job->geometry->in);
  const bool is_max = job->params->kind == TRT_POOLING_MAX;
  for (int64_t plane = begin; plane < end; plane++) {
    const float *x = job->x + plane * size;
    float max = -INFINITY, sum = 0.0f;
    if (is_max) {
      for (int64_t i = 0; i < size; i++)
        max = (x[i] > max || isnan(x[i])) ? x[i] : max;
      job->y[plane] = max;
    } else {
      for (int64_t i = 0; i < size; i++)
        sum += x[i];
      job->y[plane] = size > 0 ? sum / (float)size : 0.0f;
    }
  }
}

trt_status_t trt_cpu_pooling(const trt_network_t *network, const trt_layer_t *layer,
                             const void *const *inputs, void *const *outputs,
                             trt_cpu_context_t *cpu) {
  const trt_pooling_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const char *op = params->kind == TRT_POOLING_MAX ? "MaxPool" : "AveragePool";
  if (x->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input type %s is not supported", op,
                     trt_data_type_name(x->type));
  if (!inputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: missing input data", op);
  trt_pooling_geometry_t g;
  const bool global = trt_pooling_geometry(network, layer, &g);
  pool_job_t job = {&g, params, inputs[0], outputs[0]};
  const int64_t out_plane = volume3(g.out);
  const int64_t grain = out_plane > 4096 ? 1 : 16;
  trt_cpu_parallel_for(cpu, g.planes, grain, global ? global_pool_task : pool_task, &job);
  return TRT_STATUS_OK;
}
