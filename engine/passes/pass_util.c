/* Graph helpers shared by the passes. */
#include "passes/pass_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trt_pass_note(trt_pass_stats_t *stats, const char *format, ...) {
  stats->rewrites++;
  if (!stats->log)
    return;
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  trt_log(TRT_SEVERITY_VERBOSE, "  %s: %s", stats->pass_name, message);
}

void trt_pass_drop_layer(trt_layer_t *layer) {
  layer->nb_inputs = 0;
  layer->nb_outputs = 0;
}

trt_status_t trt_pass_compact(trt_network_t *network) {
  int kept = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer)) {
      free(layer->name);
      free(layer->inputs);
      free(layer->outputs);
      free(layer->params);
      continue;
    }
    network->layers[kept++] = *layer;
  }
  network->nb_layers = kept;
  for (int t = 0; t < network->nb_tensors; t++)
    network->tensors[t].producer = -1;
  for (int l = 0; l < kept; l++)
    for (int o = 0; o < network->layers[l].nb_outputs; o++)
      network->tensors[network->layers[l].outputs[o]].producer = l;
  return trt_network_prune(network);
}

int trt_pass_read_count(const trt_network_t *network, int tensor) {
  int count = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      count += layer->inputs[i] == tensor;
  }
  return count;
}

int trt_pass_only_reader(const trt_network_t *network, int tensor) {
  int reader = -1, count = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++) {
      if (layer->inputs[i] == tensor) {
        reader = l;
        count++;
      }
    }
  }
  return count == 1 ? reader : -1;
}

static bool is_view_parent(const trt_network_t *network, int tensor) {
  for (int t = 0; t < network->nb_tensors; t++)
    if (network->tensors[t].view_parent == tensor)
      return true;
  return false;
}

bool trt_pass_is_internal(const trt_network_t *network, int tensor) {
  const trt_tensor_t *t = &network->tensors[tensor];
  return t->producer >= 0 && !t->is_output && !t->is_input && !t->data && t->view_parent < 0 &&
         !is_view_parent(network, tensor);
}

int trt_pass_fusible_reader(const trt_network_t *network, int tensor) {
  return trt_pass_is_internal(network, tensor) ? trt_pass_only_reader(network, tensor) : -1;
}

void trt_pass_replace_reads(trt_network_t *network, int from, int to) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      if (layer->inputs[i] == from)
        layer->inputs[i] = to;
  }
}

void trt_pass_set_output(trt_network_t *network, int layer, int index, int tensor) {
  int old = network->layers[layer].outputs[index];
  network->tensors[old].producer = -1;
  network->layers[layer].outputs[index] = tensor;
  network->tensors[tensor].producer = layer;
}

trt_status_t trt_pass_append_name(trt_layer_t *layer, const char *suffix) {
  size_t length = strlen(layer->name) + strlen(suffix) + 4;
  char *joined = malloc(length);
  if (!joined)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory naming a fused layer");
  snprintf(joined, length, "%s + %s", layer->name, suffix);
  free(layer->name);
  layer->name = joined;
  return TRT_STATUS_OK;
}

int trt_pass_add_float_constant(trt_network_t *network, const char *base, const trt_dims_t *dims,
                                const float *data) {
  char name[512];
  snprintf(name, sizeof(name), "%s", base);
  for (int suffix = 1; trt_network_find_tensor(network, name) >= 0; suffix++)
    snprintf(name, sizeof(name), "%s_%d", base, suffix);
  return trt_network_add_constant(network, name, TRT_DATA_TYPE_FLOAT32, dims, data);
}

bool trt_pass_per_channel(const trt_dims_t *dims, int rank, int64_t channels) {
  int64_t volume = trt_dims_volume(dims);
  if (volume == 1)
    return dims->nb_dims <= rank;
  if (volume != channels || dims->nb_dims > rank || rank < 2)
    return false;
  /* Right-aligned broadcasting: the channel count must sit on axis 1. */
  int channel_axis = dims->nb_dims - (rank - 1);
  return channel_axis >= 0 && dims->d[channel_axis] == channels;
}
