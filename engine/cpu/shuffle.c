/* CPU reference for the shuffle family: Reshape (a copy; the runtime may
 * alias the buffers instead) and Transpose. */
#include <string.h>

#include "cpu/cpu_layers.h"
#include "layers/layers.h"

trt_status_t trt_cpu_reshape(const trt_network_t *network, const trt_layer_t *layer,
                             const void *const *inputs, void *const *outputs,
                             trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  size_t bytes = trt_tensor_bytes(output);
  if (bytes && outputs[0] != inputs[0])
    memcpy(outputs[0], inputs[0], bytes);
  return TRT_STATUS_OK;
}

/* Transpose works on the problem trt_transpose_simplify leaves. */
typedef struct {
  int rank;
  int64_t out_dims[TRT_MAX_DIMS];
  int64_t in_strides[TRT_MAX_DIMS]; /* in elements, for each output axis */
  size_t element_size;
  int64_t row_length; /* output elements per row (the last output axis) */
  const uint8_t *input;
  uint8_t *output;
} transpose_plan_t;

/* Writes output rows [begin, end). */
static void transpose_rows(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const transpose_plan_t *plan = arg;
  int last = plan->rank - 1;
  size_t element_size = plan->element_size;
  int64_t last_stride = plan->in_strides[last];
  for (int64_t row = begin; row < end; row++) {
    /* Input offset of the row's first element from its output coordinates. */
    int64_t offset = 0, rest = row;
    for (int axis = last - 1; axis >= 0; axis--) {
      offset += (rest % plan->out_dims[axis]) * plan->in_strides[axis];
      rest /= plan->out_dims[axis];
    }
    uint8_t *dst = plan->output + (size_t)(row * plan->row_length) * element_size;
    const uint8_t *src = plan->input + (size_t)offset * element_size;
    if (last_stride == 1) {
      memcpy(dst, src, (size_t)plan->row_length * element_size);
      continue;
    }
    for (int64_t i = 0; i < plan->row_length; i++)
      trt_cpu_copy_element(dst + (size_t)i * element_size,
                           src + (size_t)(i * last_stride) * element_size, element_size);
  }
}

trt_status_t trt_cpu_transpose(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs,
                               trt_cpu_context_t *cpu) {
  const trt_transpose_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  int64_t volume = trt_dims_volume(&input->dims);
  if (volume == 0)
    return TRT_STATUS_OK;
  transpose_plan_t plan = {.element_size = trt_data_type_size(input->type),
                           .input = inputs[0],
                           .output = outputs[0]};
  plan.rank = trt_transpose_simplify(&input->dims, params, plan.out_dims, plan.in_strides);
  plan.row_length = plan.out_dims[plan.rank - 1];
  int64_t rows = volume / plan.row_length;
  int64_t grain = plan.row_length >= 4096 ? 1 : 4096 / plan.row_length;
  trt_cpu_parallel_for(cpu, rows, grain, transpose_rows, &plan);
  return TRT_STATUS_OK;
}
