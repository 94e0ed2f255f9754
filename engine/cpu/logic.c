/* CPU reference for the comparison and logic family. Every output element
 * finds its input elements through broadcast strides (0 along broadcast
 * dims); integers and bools compare as int64, floats as double. */
#include <math.h>
#include <string.h>

#include "cpu/cpu_layers.h"
#include "numerics/element.h"

#define LOGIC_GRAIN 16384

void trt_cpu_broadcast_strides(const trt_dims_t *in, const trt_dims_t *out, int64_t *strides) {
  int64_t stride = 1;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    int j = i - (out->nb_dims - in->nb_dims);
    int64_t d = j >= 0 ? in->d[j] : 1;
    strides[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
}

int64_t trt_cpu_broadcast_offset(const trt_dims_t *out, const int64_t *strides, int64_t index) {
  int64_t offset = 0;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    offset += (index % out->d[i]) * strides[i];
    index /= out->d[i];
  }
  return offset;
}

static bool is_float(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT64;
}

/* What every job of this file needs: the output's dims and the inputs'
 * broadcast strides against them. */
typedef struct {
  const trt_network_t *network;
  const trt_layer_t *layer;
  const void *const *inputs;
  void *output;
  trt_dims_t out_dims;
  int64_t strides[3][TRT_MAX_DIMS];
} broadcast_job_t;

static void broadcast_job_init(broadcast_job_t *job, const trt_network_t *network,
                               const trt_layer_t *layer, const void *const *inputs, void *output) {
  job->network = network;
  job->layer = layer;
  job->inputs = inputs;
  job->output = output;
  job->out_dims = trt_layer_output(network, layer, 0)->dims;
  for (int i = 0; i < layer->nb_inputs && i < 3; i++)
    trt_cpu_broadcast_strides(&trt_layer_input(network, layer, i)->dims, &job->out_dims,
                              job->strides[i]);
}

static trt_data_type_t input_type(const broadcast_job_t *job, int index) {
  return trt_layer_input(job->network, job->layer, index)->type;
}

static bool compare(trt_compare_kind_t kind, int order) {
  switch (kind) {
  case TRT_COMPARE_EQUAL: return order == 0;
  case TRT_COMPARE_LESS: return order < 0;
  case TRT_COMPARE_LESS_OR_EQUAL: return order <= 0;
  case TRT_COMPARE_GREATER: return order > 0;
  case TRT_COMPARE_GREATER_OR_EQUAL: return order >= 0;
  default: return false;
  }
}

static void compare_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const broadcast_job_t *job = arg;
  const trt_compare_params_t *params = job->layer->params;
  trt_data_type_t type = input_type(job, 0);
  uint8_t *out = job->output;
  for (int64_t i = begin; i < end; i++) {
    int64_t ia = trt_cpu_broadcast_offset(&job->out_dims, job->strides[0], i);
    int64_t ib = trt_cpu_broadcast_offset(&job->out_dims, job->strides[1], i);
    int order;
    if (is_float(type)) {
      double a = trt_element_as_double(job->inputs[0], type, ia);
      double b = trt_element_as_double(job->inputs[1], type, ib);
      /* NaN is unordered: every comparison with it is false. */
      if (isnan(a) || isnan(b)) {
        out[i] = 0;
        continue;
      }
      order = (a > b) - (a < b);
    } else {
      int64_t a = trt_element_as_int64(job->inputs[0], type, ia);
      int64_t b = trt_element_as_int64(job->inputs[1], type, ib);
      order = (a > b) - (a < b);
    }
    out[i] = compare(params->kind, order);
  }
}

trt_status_t trt_cpu_compare(const trt_network_t *network, const trt_layer_t *layer,
                             const void *const *inputs, void *const *outputs,
                             trt_cpu_context_t *cpu) {
  broadcast_job_t job;
  broadcast_job_init(&job, network, layer, inputs, outputs[0]);
  trt_cpu_parallel_for(cpu, trt_dims_volume(&job.out_dims), LOGIC_GRAIN, compare_range, &job);
  return TRT_STATUS_OK;
}

static void logic_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const broadcast_job_t *job = arg;
  const trt_logic_params_t *params = job->layer->params;
  /* Not has one input: there is no inputs[1] to read. */
  const uint8_t *a = job->inputs[0];
  const uint8_t *b = params->kind == TRT_LOGIC_NOT ? NULL : job->inputs[1];
  uint8_t *out = job->output;
  for (int64_t i = begin; i < end; i++) {
    bool x = a[trt_cpu_broadcast_offset(&job->out_dims, job->strides[0], i)] != 0;
    if (params->kind == TRT_LOGIC_NOT) {
      out[i] = !x;
      continue;
    }
    bool y = b[trt_cpu_broadcast_offset(&job->out_dims, job->strides[1], i)] != 0;
    switch (params->kind) {
    case TRT_LOGIC_AND: out[i] = x && y; break;
    case TRT_LOGIC_OR: out[i] = x || y; break;
    default: out[i] = x != y; break;
    }
  }
}

trt_status_t trt_cpu_logic(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  broadcast_job_t job;
  broadcast_job_init(&job, network, layer, inputs, outputs[0]);
  trt_cpu_parallel_for(cpu, trt_dims_volume(&job.out_dims), LOGIC_GRAIN, logic_range, &job);
  return TRT_STATUS_OK;
}

static void where_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const broadcast_job_t *job = arg;
  size_t size = trt_data_type_size(input_type(job, 1));
  const uint8_t *condition = job->inputs[0];
  char *out = job->output;
  for (int64_t i = begin; i < end; i++) {
    bool take_x = condition[trt_cpu_broadcast_offset(&job->out_dims, job->strides[0], i)] != 0;
    int source = take_x ? 1 : 2;
    int64_t offset = trt_cpu_broadcast_offset(&job->out_dims, job->strides[source], i);
    memcpy(out + (size_t)i * size, (const char *)job->inputs[source] + (size_t)offset * size,
           size);
  }
}

trt_status_t trt_cpu_where(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  broadcast_job_t job;
  broadcast_job_init(&job, network, layer, inputs, outputs[0]);
  trt_cpu_parallel_for(cpu, trt_dims_volume(&job.out_dims), LOGIC_GRAIN, where_range, &job);
  return TRT_STATUS_OK;
}
