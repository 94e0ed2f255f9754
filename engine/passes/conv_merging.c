/* Horizontal convolution merging: convolutions that read the same tensor
 * with the same kernel, stride, padding, dilation and activation (group 1,
 * no residual, constant weights) become one convolution whose weights and
 * biases are concatenated along C_out and which has one output per original
 * convolution, output k taking the next dims[1] channels (GoogLeNet's
 * inception 1x1 branches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass_util.h"

static bool candidate(const trt_network_t *network, const trt_layer_t *layer) {
  if (trt_pass_dropped(layer) || layer->type != TRT_LAYER_CONVOLUTION || layer->nb_outputs != 1 ||
      layer->nb_inputs > 3 || layer->inputs[0] < 0)
    return false;
  const trt_convolution_params_t *params = layer->params;
  const trt_tensor_t *w = trt_layer_input(network, layer, 1);
  const trt_tensor_t *b = trt_layer_input(network, layer, 2);
  return params->group == 1 && w && w->data && w->type == TRT_DATA_TYPE_FLOAT32 &&
         (!b || (b->data && b->type == TRT_DATA_TYPE_FLOAT32)) &&
         trt_layer_output(network, layer, 0)->view_parent < 0;
}

static bool same_geometry(const trt_convolution_params_t *a, const trt_convolution_params_t *b) {
  if (a->nb_spatial != b->nb_spatial || a->group != b->group ||
      a->activation.kind != b->activation.kind || a->activation.alpha != b->activation.alpha ||
      a->activation.beta != b->activation.beta)
    return false;
  for (int i = 0; i < a->nb_spatial; i++)
    if (a->kernel[i] != b->kernel[i] || a->stride[i] != b->stride[i] ||
        a->dilation[i] != b->dilation[i] || a->pad_begin[i] != b->pad_begin[i] ||
        a->pad_end[i] != b->pad_end[i])
      return false;
  return true;
}

/* Concatenates the members' weights and biases into new constants. */
static trt_status_t merged_constants(trt_network_t *network, const int *members, int count,
                                     int *weights_out, int *bias_out) {
  const trt_layer_t *first = &network->layers[members[0]];
  const trt_tensor_t *w0 = trt_layer_input(network, first, 1);
  int64_t per_channel = trt_dims_volume(&w0->dims) / w0->dims.d[0], channels = 0;
  for (int m = 0; m < count; m++)
    channels += trt_layer_input(network, &network->layers[members[m]], 1)->dims.d[0];
  float *weights = malloc((size_t)(channels * per_channel) * sizeof(float));
  float *bias = calloc((size_t)channels, sizeof(float));
  if (!weights || !bias) {
    free(weights);
    free(bias);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory merging convolutions");
  }
  int64_t next = 0;
  for (int m = 0; m < count; m++) {
    const trt_layer_t *layer = &network->layers[members[m]];
    const trt_tensor_t *w = trt_layer_input(network, layer, 1);
    const trt_tensor_t *b = trt_layer_input(network, layer, 2);
    memcpy(weights + next * per_channel, w->data,
           (size_t)(w->dims.d[0] * per_channel) * sizeof(float));
    if (b)
      memcpy(bias + next, b->data, (size_t)w->dims.d[0] * sizeof(float));
    next += w->dims.d[0];
  }
  trt_dims_t w_dims = w0->dims, b_dims = trt_dims_make(1, &channels);
  w_dims.d[0] = channels;
  char name[512];
  snprintf(name, sizeof(name), "%s:merged_weights", first->name);
  *weights_out = trt_pass_add_float_constant(network, name, &w_dims, weights);
  snprintf(name, sizeof(name), "%s:merged_bias", first->name);
  *bias_out = *weights_out < 0 ? -1 : trt_pass_add_float_constant(network, name, &b_dims, bias);
  free(weights);
  free(bias);
  return *bias_out < 0 ? TRT_STATUS_OUT_OF_MEMORY : TRT_STATUS_OK;
}

static trt_status_t merge(trt_network_t *network, const int *members, int count) {
  int weights, bias;
  trt_status_t status = merged_constants(network, members, count, &weights, &bias);
  if (status != TRT_STATUS_OK)
    return status;
  trt_layer_t *first = &network->layers[members[0]];
  int *outputs = malloc((size_t)count * sizeof(int));
  if (!outputs)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory merging convolutions");
  const int inputs[3] = {first->inputs[0], weights, bias};
  for (int m = 0; m < count; m++)
    outputs[m] = network->layers[members[m]].outputs[0];
  for (int m = 1; m < count && status == TRT_STATUS_OK; m++)
    status = trt_pass_append_name(first, network->layers[members[m]].name);
  for (int m = 1; m < count; m++)
    trt_pass_drop_layer(network, members[m]);
  if (status == TRT_STATUS_OK)
    status = trt_pass_set_inputs(network, members[0], inputs, 3);
  if (status != TRT_STATUS_OK) {
    free(outputs);
    return status;
  }
  free(first->outputs);
  first->outputs = outputs;
  first->nb_outputs = count;
  for (int m = 0; m < count; m++)
    network->tensors[outputs[m]].producer = members[0];
  return status;
}

trt_status_t trt_pass_conv_merging(trt_network_t *network, trt_pass_stats_t *stats) {
  int *members = malloc((size_t)(network->nb_layers ? network->nb_layers : 1) * sizeof(int));
  if (!members)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory merging convolutions");
  trt_status_t status = TRT_STATUS_OK;
  for (int l = 0; l < network->nb_layers && status == TRT_STATUS_OK; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (!candidate(network, layer))
      continue;
    int count = 0;
    members[count++] = l;
    for (int k = l + 1; k < network->nb_layers && count < TRT_MAX_LAYER_OUTPUTS; k++) {
      const trt_layer_t *other = &network->layers[k];
      if (candidate(network, other) && other->inputs[0] == layer->inputs[0] &&
          same_geometry(layer->params, other->params))
        members[count++] = k;
    }
    if (count < 2)
      continue;
    status = merge(network, members, count);
    if (status == TRT_STATUS_OK)
      trt_pass_note(stats, "%s (%d convolutions reading '%s')", network->layers[l].name, count,
                    network->tensors[network->layers[l].inputs[0]].name);
  }
  free(members);
  return status;
}
