/* CPU reference for the shuffle family: Reshape (a copy; the runtime may
 * alias the buffers instead) and Transpose. */
#include <string.h>

#include "cpu/cpu_layers.h"

trt_status_t trt_cpu_reshape(const trt_network_t *network, const trt_layer_t *layer,
                             const void *const *inputs, void *const *outputs,
                             trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  size_t bytes = (size_t)trt_dims_volume(&output->dims) * trt_data_type_size(output->type);
  if (bytes && outputs[0] != inputs[0])
    memcpy(outputs[0], inputs[0], bytes);
  return TRT_STATUS_OK;
}

/* Transpose works on a simplified problem: size-1 axes dropped and runs of
 * input axes that stay adjacent in the output merged, so that e.g. NCHW ->
 * NHWC becomes a 3-D [N, C, HW] -> [N, HW, C] and an identity becomes 1-D. */
typedef struct {
  int rank;
  int64_t out_dims[TRT_MAX_DIMS];
  int64_t in_strides[TRT_MAX_DIMS]; /* in elements, for each output axis */
  size_t element_size;
  int64_t row_length; /* output elements per row (the last output axis) */
  const uint8_t *input;
  uint8_t *output;
} transpose_plan_t;

static void transpose_simplify(const trt_dims_t *in, const int *perm, transpose_plan_t *plan) {
  /* Merge: walk the output axes; an output axis whose source follows the
   * previous output axis's source in the input joins that group. */
  int64_t group_size[TRT_MAX_DIMS];
  int group_first_source[TRT_MAX_DIMS], group_of_source[TRT_MAX_DIMS];
  int nb_groups = 0, previous_source = -2;
  for (int i = 0; i < in->nb_dims; i++) {
    int source = perm[i];
    if (in->d[source] == 1) {
      group_of_source[source] = -1;
      continue;
    }
    if (source == previous_source + 1 && nb_groups > 0) {
      group_size[nb_groups - 1] *= in->d[source];
    } else {
      group_first_source[nb_groups] = source;
      group_size[nb_groups++] = in->d[source];
    }
    group_of_source[source] = nb_groups - 1;
    previous_source = source;
  }
  /* Input strides of each group: groups ordered by their first input axis. */
  int64_t stride = 1;
  for (int source = in->nb_dims - 1; source >= 0; source--) {
    int group = group_of_source[source];
    if (group < 0 || group_first_source[group] != source)
      continue;
    plan->in_strides[group] = stride;
    stride *= group_size[group];
  }
  plan->rank = nb_groups;
  for (int g = 0; g < nb_groups; g++)
    plan->out_dims[g] = group_size[g];
  if (nb_groups == 0) { /* all size-1 axes: one element */
    plan->rank = 1;
    plan->out_dims[0] = 1;
    plan->in_strides[0] = 1;
  }
  plan->row_length = plan->out_dims[plan->rank - 1];
}

static void copy_element(uint8_t *dst, const uint8_t *src, size_t size) {
  switch (size) {
  case 1: *dst = *src; break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  case 8: memcpy(dst, src, 8); break;
  default: memcpy(dst, src, size); break;
  }
}

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
      copy_element(dst + (size_t)i * element_size, src + (size_t)(i * last_stride) * element_size,
                   element_size);
  }
}

trt_status_t trt_cpu_transpose(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs,
                               trt_cpu_context_t *cpu) {
  const trt_transpose_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  int rank = input->dims.nb_dims;
  int perm[TRT_MAX_DIMS];
  for (int i = 0; i < rank; i++)
    perm[i] = params->nb_perm ? params->perm[i] : rank - 1 - i;
  int64_t volume = trt_dims_volume(&input->dims);
  if (volume == 0)
    return TRT_STATUS_OK;
  transpose_plan_t plan = {.element_size = trt_data_type_size(input->type),
                           .input = inputs[0],
                           .output = outputs[0]};
  transpose_simplify(&input->dims, perm, &plan);
  int64_t rows = volume / plan.row_length;
  int64_t grain = plan.row_length >= 4096 ? 1 : 4096 / plan.row_length;
  trt_cpu_parallel_for(cpu, rows, grain, transpose_rows, &plan);
  return TRT_STATUS_OK;
}
