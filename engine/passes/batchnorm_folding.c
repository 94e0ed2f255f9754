/* BatchNorm and Scale folding: a convolution or deconvolution followed by
 * BatchNorm, or by a multiply / add / subtract / divide with a per-channel
 * (or scalar) constant (Caffe's Scale and Bias layers import as those),
 * becomes one layer with rescaled weights and a shifted bias:
 *   W'[o] = W[o] * s[o],  b'[o] = b[o] * s[o] + t[o].
 * Output channel o indexes dim 0 of a convolution's weights [C_out, ...];
 * a deconvolution's are [C_in, C_out/group, k...], so there o is the group
 * of the input channel times C_out/group plus the index along dim 1.
 * New weight constants are made, since weights may be shared. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes/pass_util.h"

/* The affine map y -> y * scale[c] + shift[c] that `layer` applies to the
 * convolution output `conv_out` with `channels` channels; false when it is
 * not one. */
static bool affine_of(const trt_network_t *network, const trt_layer_t *layer, int conv_out,
                      int64_t channels, double *scale, double *shift) {
  const trt_tensor_t *y = &network->tensors[conv_out];
  if (layer->nb_outputs != 1 ||
      !trt_dims_equal(&trt_layer_output(network, layer, 0)->dims, &y->dims))
    return false;
  if (layer->type == TRT_LAYER_BATCH_NORM) {
    const trt_tensor_t *p[4];
    for (int i = 0; i < 4; i++) {
      p[i] = trt_layer_input(network, layer, i + 1);
      if (!p[i] || !p[i]->data || p[i]->type != TRT_DATA_TYPE_FLOAT32 ||
          trt_dims_volume(&p[i]->dims) != channels)
        return false;
    }
    float epsilon = ((const trt_norm_params_t *)layer->params)->epsilon;
    for (int64_t c = 0; c < channels; c++) {
      double gamma = ((const float *)p[0]->data)[c], beta = ((const float *)p[1]->data)[c];
      double mean = ((const float *)p[2]->data)[c], var = ((const float *)p[3]->data)[c];
      scale[c] = gamma / sqrt(var + epsilon);
      shift[c] = beta - mean * scale[c];
    }
    return true;
  }
  if (layer->type != TRT_LAYER_ELEMENTWISE || layer->nb_inputs != 2)
    return false;
  trt_elementwise_kind_t kind = ((const trt_elementwise_params_t *)layer->params)->kind;
  bool conv_first = layer->inputs[0] == conv_out;
  const trt_tensor_t *operand = trt_layer_input(network, layer, conv_first ? 1 : 0);
  if (!operand || !operand->data || operand->type != TRT_DATA_TYPE_FLOAT32 ||
      !trt_pass_per_channel(&operand->dims, y->dims.nb_dims, channels))
    return false;
  if (!conv_first && kind != TRT_ELEMENTWISE_ADD && kind != TRT_ELEMENTWISE_MUL)
    return false;
  bool scalar = trt_dims_volume(&operand->dims) == 1;
  for (int64_t c = 0; c < channels; c++) {
    double value = ((const float *)operand->data)[scalar ? 0 : c];
    scale[c] = 1.0;
    shift[c] = 0.0;
    switch (kind) {
    case TRT_ELEMENTWISE_ADD: shift[c] = value; break;
    case TRT_ELEMENTWISE_SUB: shift[c] = -value; break;
    case TRT_ELEMENTWISE_MUL: scale[c] = value; break;
    case TRT_ELEMENTWISE_DIV:
      if (value == 0.0)
        return false;
      scale[c] = 1.0 / value;
      break;
    default: return false;
    }
  }
  return true;
}

/* A plain (de)convolution whose weights and bias are constants. */
static bool foldable_conv(const trt_network_t *network, const trt_layer_t *layer) {
  if ((layer->type != TRT_LAYER_CONVOLUTION && layer->type != TRT_LAYER_DECONVOLUTION) ||
      layer->nb_outputs != 1 || layer->nb_inputs > 3)
    return false;
  const trt_convolution_params_t *params = layer->params;
  const trt_tensor_t *w = trt_layer_input(network, layer, 1);
  const trt_tensor_t *b = trt_layer_input(network, layer, 2);
  return params->activation.kind == TRT_ACTIVATION_NONE && w && w->data &&
         w->type == TRT_DATA_TYPE_FLOAT32 && w->dims.nb_dims >= 2 &&
         (!b || (b->data && b->type == TRT_DATA_TYPE_FLOAT32));
}

/* The output channel weight element i scales with; `channels` is C_out. */
static int64_t weight_channel(const trt_layer_t *layer, const trt_dims_t *w_dims,
                              int64_t channels, int64_t i) {
  int64_t inner = 1; /* elements per index of dim 1 */
  for (int d = 2; d < w_dims->nb_dims; d++)
    inner *= w_dims->d[d];
  if (layer->type == TRT_LAYER_CONVOLUTION)
    return i / (inner * w_dims->d[1]);
  const trt_convolution_params_t *params = layer->params;
  int64_t group = params->group > 0 ? params->group : 1;
  int64_t in_per_group = w_dims->d[0] / group, out_per_group = channels / group;
  int64_t in_channel = i / (inner * w_dims->d[1]), out_in_group = i / inner % w_dims->d[1];
  return in_channel / in_per_group * out_per_group + out_in_group;
}

/* Replaces the conv's weights and bias with folded copies. */
static trt_status_t rescale(trt_network_t *network, int conv, const double *scale,
                            const double *shift) {
  trt_layer_t *layer = &network->layers[conv];
  const trt_tensor_t *w = trt_layer_input(network, layer, 1);
  const trt_tensor_t *b = trt_layer_input(network, layer, 2);
  int64_t channels = trt_layer_output(network, layer, 0)->dims.d[1];
  int64_t volume = trt_dims_volume(&w->dims);
  float *weights = malloc((size_t)volume * sizeof(float));
  float *bias = malloc((size_t)channels * sizeof(float));
  if (!weights || !bias) {
    free(weights);
    free(bias);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding into '%s'", layer->name);
  }
  for (int64_t i = 0; i < volume; i++)
    weights[i] = (float)(((const float *)w->data)[i] *
                         scale[weight_channel(layer, &w->dims, channels, i)]);
  for (int64_t c = 0; c < channels; c++) {
    double old_bias = b ? ((const float *)b->data)[c] : 0.0;
    bias[c] = (float)(old_bias * scale[c] + shift[c]);
  }
  trt_dims_t w_dims = w->dims, b_dims = trt_dims_make(1, &channels);
  char w_name[512], b_name[512];
  snprintf(w_name, sizeof(w_name), "%s:folded_weights", layer->name);
  snprintf(b_name, sizeof(b_name), "%s:folded_bias", layer->name);
  int new_w = trt_pass_add_float_constant(network, w_name, &w_dims, weights);
  int new_b = new_w < 0 ? -1 : trt_pass_add_float_constant(network, b_name, &b_dims, bias);
  free(weights);
  free(bias);
  if (new_b < 0)
    return TRT_STATUS_OUT_OF_MEMORY; /* the message is set */
  layer = &network->layers[conv];
  int inputs[4] = {layer->inputs[0], new_w, new_b, layer->nb_inputs > 3 ? layer->inputs[3] : -1};
  return trt_pass_set_inputs(network, conv, inputs, layer->nb_inputs > 3 ? 4 : 3);
}

trt_status_t trt_pass_batchnorm_folding(trt_network_t *network, trt_pass_stats_t *stats) {
  trt_status_t status = TRT_STATUS_OK;
  for (int l = 0; l < network->nb_layers && status == TRT_STATUS_OK; l++) {
    while (status == TRT_STATUS_OK && !trt_pass_dropped(&network->layers[l]) &&
           foldable_conv(network, &network->layers[l])) {
      int conv_out = network->layers[l].outputs[0];
      int reader = trt_pass_fusible_reader(network, conv_out);
      int64_t channels = network->tensors[conv_out].dims.d[1];
      double *scale = malloc((size_t)channels * 2 * sizeof(double));
      if (!scale)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory folding");
      bool folds = reader >= 0 &&
                   affine_of(network, &network->layers[reader], conv_out, channels, scale,
                             scale + channels);
      if (folds)
        status = rescale(network, l, scale, scale + channels);
      free(scale);
      if (!folds)
        break;
      if (status == TRT_STATUS_OK)
        status = trt_pass_append_name(&network->layers[l], network->layers[reader].name);
      if (status != TRT_STATUS_OK)
        break;
      trt_pass_note(stats, "%s", network->layers[l].name);
      trt_pass_set_output(network, l, 0, network->layers[reader].outputs[0]);
      trt_pass_drop_layer(network, reader);
    }
  }
  return status;
}
