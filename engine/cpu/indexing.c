/* CPU reference for the indexing family: ArgMax/ArgMin, GatherElements,
 * Tile, Expand and Trilu. Data is moved as raw elements of the tensor's
 * type, so every type works. */
#include <math.h>
#include <string.h>

#include "cpu/cpu_layers.h"
#include "numerics/element.h"

#define INDEXING_GRAIN 16384

/* ---- ArgMax / ArgMin ----------------------------------------------------- */

typedef struct {
  const trt_arg_reduce_params_t *params;
  trt_data_type_t type;
  const void *x;
  int64_t *y;
  int64_t length, inner; /* along the axis; below it */
} arg_reduce_job_t;

/* Whether `candidate` replaces `best`: strictly better, or equal when the
 * last index is wanted. NaN beats everything but an earlier NaN. */
static bool arg_better(const trt_arg_reduce_params_t *params, double candidate, double best) {
  if (isnan(best))
    return params->select_last_index && isnan(candidate);
  if (isnan(candidate))
    return true;
  if (candidate == best)
    return params->select_last_index;
  return params->max ? candidate > best : candidate < best;
}

static void arg_reduce_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const arg_reduce_job_t *job = arg;
  for (int64_t row = begin; row < end; row++) {
    int64_t outer = row / job->inner, inner = row % job->inner;
    int64_t base = outer * job->length * job->inner + inner;
    double best = trt_element_as_double(job->x, job->type, base);
    int64_t best_index = 0;
    for (int64_t i = 1; i < job->length; i++) {
      double value = trt_element_as_double(job->x, job->type, base + i * job->inner);
      if (arg_better(job->params, value, best)) {
        best = value;
        best_index = i;
      }
    }
    job->y[row] = best_index;
  }
}

trt_status_t trt_cpu_arg_reduce(const trt_network_t *network, const trt_layer_t *layer,
                                const void *const *inputs, void *const *outputs,
                                trt_cpu_context_t *cpu) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  arg_reduce_job_t job = {layer->params, x->type, inputs[0], outputs[0], 0, 1};
  int axis = trt_normalize_axis(job.params->axis, x->dims.nb_dims);
  job.length = x->dims.d[axis];
  for (int i = axis + 1; i < x->dims.nb_dims; i++)
    job.inner *= x->dims.d[i];
  int64_t rows = trt_dims_volume(&x->dims) / job.length;
  trt_cpu_parallel_for(cpu, rows, INDEXING_GRAIN / (job.length + 1) + 1, arg_reduce_range, &job);
  return TRT_STATUS_OK;
}

/* ---- GatherElements ------------------------------------------------------- */

trt_status_t trt_cpu_gather_elements(const trt_network_t *network, const trt_layer_t *layer,
                                     const void *const *inputs, void *const *outputs,
                                     trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_gather_params_t *params = layer->params;
  const trt_tensor_t *data = trt_layer_input(network, layer, 0);
  const trt_tensor_t *indices = trt_layer_input(network, layer, 1);
  int rank = data->dims.nb_dims;
  int axis = trt_normalize_axis(params->axis, rank);
  size_t size = trt_data_type_size(data->type);
  int64_t data_strides[TRT_MAX_DIMS];
  trt_cpu_contiguous_strides(&data->dims, data_strides);
  int64_t count = trt_dims_volume(&indices->dims), axis_size = data->dims.d[axis];
  for (int64_t i = 0; i < count; i++) {
    int64_t index = trt_element_as_int64(inputs[1], indices->type, i);
    if (index < -axis_size || index >= axis_size)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "index %lld at position %lld is out of range for axis %d of size %lld",
                       (long long)index, (long long)i, axis, (long long)axis_size);
    if (index < 0)
      index += axis_size;
    /* The data element: the output position's coordinates, with the
     * coordinate along the axis replaced by the index. */
    int64_t remaining = i, offset = 0;
    for (int d = rank - 1; d >= 0; d--) {
      int64_t coordinate = remaining % indices->dims.d[d];
      remaining /= indices->dims.d[d];
      offset += (d == axis ? index : coordinate) * data_strides[d];
    }
    memcpy((char *)outputs[0] + (size_t)i * size, (const char *)inputs[0] + (size_t)offset * size,
           size);
  }
  return TRT_STATUS_OK;
}

/* ---- Tile and Expand ------------------------------------------------------ */

/* Both read input element (coordinates mapped into the input) for every
 * output element: Tile wraps each coordinate modulo the input's dim, Expand
 * clamps it to 0 along broadcast dims. */
typedef struct {
  const void *x;
  void *y;
  size_t size;
  trt_dims_t in_dims, out_dims;
  int64_t in_strides[TRT_MAX_DIMS];
} replicate_job_t;

static void replicate_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const replicate_job_t *job = arg;
  int rank = job->out_dims.nb_dims, offset_rank = rank - job->in_dims.nb_dims;
  for (int64_t i = begin; i < end; i++) {
    int64_t remaining = i, offset = 0;
    for (int d = rank - 1; d >= offset_rank; d--) {
      int64_t coordinate = remaining % job->out_dims.d[d];
      remaining /= job->out_dims.d[d];
      offset += (coordinate % job->in_dims.d[d - offset_rank]) * job->in_strides[d - offset_rank];
    }
    memcpy((char *)job->y + (size_t)i * job->size,
           (const char *)job->x + (size_t)offset * job->size, job->size);
  }
}

/* Expand is Tile's coordinate wrap too: a broadcast dim has size 1, and any
 * coordinate modulo 1 is 0. */
static trt_status_t replicate(const trt_network_t *network, const trt_layer_t *layer,
                              const void *const *inputs, void *const *outputs,
                              trt_cpu_context_t *cpu) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  replicate_job_t job = {inputs[0], outputs[0], trt_data_type_size(x->type), x->dims,
                         trt_layer_output(network, layer, 0)->dims, {0}};
  trt_cpu_contiguous_strides(&job.in_dims, job.in_strides);
  trt_cpu_parallel_for(cpu, trt_dims_volume(&job.out_dims), INDEXING_GRAIN, replicate_range, &job);
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_tile(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs,
                          trt_cpu_context_t *cpu) {
  return replicate(network, layer, inputs, outputs, cpu);
}

trt_status_t trt_cpu_expand(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu) {
  return replicate(network, layer, inputs, outputs, cpu);
}

/* ---- Trilu ---------------------------------------------------------------- */

trt_status_t trt_cpu_trilu(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_trilu_params_t *params = layer->params;
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  const trt_tensor_t *k_tensor = trt_layer_input(network, layer, 1);
  int64_t k = k_tensor ? trt_element_as_int64(inputs[1], k_tensor->type, 0) : 0;
  int rank = x->dims.nb_dims;
  int64_t rows = x->dims.d[rank - 2], columns = x->dims.d[rank - 1];
  int64_t count = trt_dims_volume(&x->dims);
  size_t size = trt_data_type_size(x->type);
  for (int64_t i = 0; i < count; i++) {
    int64_t column = i % columns, row = (i / columns) % rows;
    /* Upper keeps column - row >= k; lower keeps column - row <= k. */
    bool keep = params->upper ? column - row >= k : column - row <= k;
    if (keep)
      memcpy((char *)outputs[0] + (size_t)i * size, (const char *)inputs[0] + (size_t)i * size,
             size);
    else
      memset((char *)outputs[0] + (size_t)i * size, 0, size);
  }
  return TRT_STATUS_OK;
}
