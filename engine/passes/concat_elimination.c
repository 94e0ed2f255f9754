/* Concat elimination: each producer of a Concat input writes straight into
 * its slice of the output, the input becoming a view of the output
 * (view_parent/view_axis/view_offset); a Concat whose inputs are all views
 * is marked in_place and does nothing.
 *
 * An input may become a view when it is an internal tensor (produced by a
 * layer, not a network input, output or constant, not itself a view) and
 *   - the output's dims before the axis are all 1: the slice is contiguous,
 *     so any producer can write it and other readers can read it; or
 *   - the Concat is its only reader and its producer can write a strided
 *     slice along that axis (writes_strided below). */
#include "passes/pass_util.h"

/* The one place that lists which layers write an output laid out inside a
 * larger tensor along `axis` when outer dims are > 1: convolution along the
 * channels (its CPU reference steps images by the parent's channel count). */
static bool writes_strided(const trt_layer_t *producer, int axis) {
  return producer->type == TRT_LAYER_CONVOLUTION && axis == 1;
}

static bool outer_dims_one(const trt_dims_t *dims, int axis) {
  for (int d = 0; d < axis; d++)
    if (dims->d[d] != 1)
      return false;
  return true;
}

static bool appears_once(const trt_layer_t *layer, int tensor) {
  int count = 0;
  for (int i = 0; i < layer->nb_inputs; i++)
    count += layer->inputs[i] == tensor;
  return count == 1;
}

trt_status_t trt_pass_concat_elimination(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (trt_pass_dropped(layer) || layer->type != TRT_LAYER_CONCAT || layer->nb_outputs != 1)
      continue;
    trt_concat_params_t *params = layer->params;
    int output = layer->outputs[0];
    const trt_tensor_t *out = &network->tensors[output];
    int axis = trt_normalize_axis(params->axis, out->dims.nb_dims);
    if (params->in_place || axis < 0 || out->view_parent >= 0 || out->is_input || out->data)
      continue;
    bool contiguous = outer_dims_one(&out->dims, axis);
    int64_t offset = 0, views = 0;
    for (int i = 0; i < layer->nb_inputs; i++) {
      int input = layer->inputs[i];
      trt_tensor_t *tensor = &network->tensors[input];
      int64_t extent = tensor->dims.d[axis];
      bool eligible = appears_once(layer, input) && trt_pass_is_internal(network, input) &&
                      (contiguous ||
                       (trt_pass_only_reader(network, input) == l &&
                        writes_strided(&network->layers[tensor->producer], axis)));
      if (eligible) {
        trt_pass_make_view(network, input, output, axis, offset);
        views++;
        trt_pass_note(stats, "%s writes '%s' into '%s' at %lld on axis %d",
                      network->layers[tensor->producer].name, tensor->name, out->name,
                      (long long)offset, axis);
      }
      offset += extent;
    }
    if (views == layer->nb_inputs) {
      params->in_place = true;
      trt_pass_note(stats, "eliminated %s", layer->name);
    }
  }
  return TRT_STATUS_OK;
}
