/* CUDA concat family: Concat and Split as strided device-to-device copies
 * (a concat in one launch of kernels/concat.cuh when its rows are whole
 * 16-byte words, else one cudaMemcpy2DAsync per input or output), any data
 * type, as engine/cpu/concat.c; a concat of channels-last tensors along the
 * channels copies each input's channels at every pixel. A concat marked
 * in_place does nothing (its
 * producers wrote into it), and an input that is already a view into the
 * output is skipped. One tactic each. */
#include "kernels/concat.cuh"
#include "cuda/cuda_layer_util.h"

/* Slabs before `axis` and bytes of one slab after it. */
static void outer_and_inner(const trt_tensor_t *tensor, int axis, int64_t *outer,
                            size_t *inner_bytes) {
  int64_t inner;
  trt_cuda_axis_extent(&tensor->dims, axis, outer, &inner);
  *inner_bytes = (size_t)inner * trt_data_type_size(tensor->type);
}

/* ---- concat --------------------------------------------------------------- */

static int concat_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                               const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                               int max_tactics) {
  (void)env;
  const trt_concat_params_t *params = layer->params;
  if (!params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Concat: missing parameters");
    return 0;
  }
  if (params->in_place)
    return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "concat_in_place");
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *x = trt_layer_input(network, layer, i);
    if (x && x->view_parent != layer->outputs[0] && trt_cuda_tensor_strided(network, x)) {
      trt_error(TRT_STATUS_UNSUPPORTED, "Concat: input '%s' is a strided view of another tensor",
                x->name);
      return 0;
    }
  }
  if (trt_cuda_tensor_strided(network, y)) {
    trt_error(TRT_STATUS_UNSUPPORTED, "Concat: output '%s' is a strided view", y->name);
    return 0;
  }
  return trt_cuda_tactic_add(tactics, max_tactics, 0, 0, "concat_copy");
}

static trt_status_t concat_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_concat_params_t *params = layer->params;
  if (params->in_place)
    return TRT_STATUS_OK;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int axis = trt_normalize_axis(params->axis, output->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Concat: axis %d is out of range", params->axis);
  int64_t outer;
  size_t inner_bytes;
  outer_and_inner(output, axis, &outer, &inner_bytes);
  if (output->format == TRT_FORMAT_CHANNELS_LAST) {
    /* along the channels (concat_formats): one run of each input's channels
     * per pixel */
    outer = output->dims.d[1] > 0 ? trt_dims_volume(&output->dims) / output->dims.d[1] : 0;
    inner_bytes = trt_data_type_size(output->type);
  }
  size_t out_chunk = (size_t)output->dims.d[axis] * inner_bytes;
  uint8_t *dst = outputs[0];
  if (outer > 0 && layer->nb_inputs <= TRT_KCONCAT_MAX_INPUTS) {
    trt_kconcat_t rows = {.nb_inputs = layer->nb_inputs,
                          .out_row_bytes = (int64_t)out_chunk,
                          .rows = outer,
                          .output = dst};
    int64_t offset = 0;
    for (int i = 0; i < layer->nb_inputs; i++) {
      const trt_tensor_t *input = trt_layer_input(network, layer, i);
      const bool placed =
          input->view_parent == layer->outputs[0] || inputs[i] == (const void *)(dst + offset);
      rows.inputs[i] = placed ? NULL : inputs[i];
      rows.row_bytes[i] = input->dims.d[axis] * (int64_t)inner_bytes;
      rows.out_offset[i] = offset;
      offset += rows.row_bytes[i];
    }
    if (trt_concat_rows_supported(&rows)) {
      TRT_LAUNCH_CHECK(trt_launch_concat_rows(&rows, env->stream));
      return TRT_STATUS_OK;
    }
  }
  /* rows that are not whole 16-byte words: one strided copy per input */
  size_t offset = 0;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    size_t chunk = (size_t)input->dims.d[axis] * inner_bytes;
    bool placed = input->view_parent == layer->outputs[0];
    if (chunk && outer > 0 && !placed && inputs[i] != dst + offset)
      TRT_CUDA_CHECK(cudaMemcpy2DAsync(dst + offset, out_chunk, inputs[i], chunk, chunk,
                                       (size_t)outer, cudaMemcpyDeviceToDevice, env->stream));
    offset += chunk;
  }
  return TRT_STATUS_OK;
}

/* In place (every input a view written by its producer) it does nothing, in
 * any layout; a copying concat along the channels of rank-4 tensors copies
 * channels-last ones too (each input's channels at every pixel). */
static trt_layer_formats_t concat_formats(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_concat_params_t *params = layer->params;
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (!params || !y)
    return TRT_LAYER_FORMATS_LINEAR;
  const bool channel_axis = y->dims.nb_dims == 4 && trt_normalize_axis(params->axis, 4) == 1;
  return params->in_place || channel_axis ? TRT_LAYER_FORMATS_SAME : TRT_LAYER_FORMATS_LINEAR;
}

const trt_cuda_layer_ops_t trt_cuda_concat_ops = {
    .list_tactics = concat_list_tactics,
    .create = trt_cuda_create_stateless,
    .enqueue = concat_enqueue,
    .destroy = trt_cuda_destroy_stateless,
    .runs_fp16 = trt_cuda_runs_fp16_always,
    .formats = concat_formats,
};

/* ---- split ---------------------------------------------------------------- */

static int split_list_tactics(const trt_network_t *network, const trt_layer_t *layer,
                              const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics,
                              int max_tactics) {
  (void)env;
  if (!layer->params || !trt_layer_input(network, layer, 0)) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "Split: missing input or parameters");
    return 0;
  }
  return trt_cuda_list_single(network, layer, true, tactics, max_tactics, "split_copy");
}

static trt_status_t split_enqueue(void *state, const trt_network_t *network,
                                  const trt_layer_t *layer, int32_t tactic,
                                  const void *const *inputs, void *const *outputs,
                                  trt_cuda_env_t *env) {
  (void)state, (void)tactic;
  const trt_split_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  int axis = trt_normalize_axis(params->axis, input->dims.nb_dims);
  if (axis < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Split: axis %d is out of range", params->axis);
  int64_t outer;
  size_t inner_bytes;
  outer_and_inner(input, axis, &outer, &inner_bytes);
  size_t in_chunk = (size_t)input->dims.d[axis] * inner_bytes;
  const uint8_t *src = inputs[0];
  size_t offset = 0;
  for (int i = 0; i < layer->nb_outputs; i++) {
    const trt_tensor_t *output = trt_layer_output(network, layer, i);
    size_t chunk = (size_t)output->dims.d[axis] * inner_bytes;
    if (chunk && outer > 0 && outputs[i])
      TRT_CUDA_CHECK(cudaMemcpy2DAsync(outputs[i], chunk, src + offset, in_chunk, chunk,
                                       (size_t)outer, cudaMemcpyDeviceToDevice, env->stream));
    offset += chunk;
  }
  return TRT_STATUS_OK;
}

const trt_cuda_layer_ops_t trt_cuda_split_ops =
    TRT_CUDA_STATELESS_MOVE_OPS(split_list_tactics, split_enqueue);
