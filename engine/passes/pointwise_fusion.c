/* Pointwise fusion: a chain of float32 pointwise layers (Unary layers and
 * Elementwise layers with one scalar constant operand, see
 * trt_pass_pointwise_steps) becomes one Unary layer that applies the steps
 * in order: mul_1 -> add_2 -> relu_3 is "mul_1 + add_2 + relu_3" with
 * op = ScaleShift(c1, -0), then = {ScaleShift(1, c2), Relu}. Each step
 * rounds to float as the layer it replaces did, so outputs do not change.
 * A chain ends at a tensor that is a network output or read by anything
 * else, or at TRT_MAX_UNARY_CHAIN steps. Runs after activation fusion,
 * which takes single activations into convolutions and Gemms first. */
#include <stdlib.h>

#include "passes/pass_util.h"

/* Turns `layer` into a Unary reading `input` that applies `steps`. */
static trt_status_t make_unary(trt_network_t *network, int l, int input,
                               const trt_activation_t *steps, int nb_steps) {
  trt_layer_t *layer = &network->layers[l];
  trt_unary_params_t *params = calloc(1, sizeof(*params));
  if (!params)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory fusing '%s'", layer->name);
  params->op = steps[0];
  params->nb_then = nb_steps - 1;
  for (int s = 1; s < nb_steps; s++)
    params->then[s - 1] = steps[s];
  trt_status_t status = trt_pass_set_inputs(network, l, &input, 1);
  if (status != TRT_STATUS_OK) {
    free(params);
    return status;
  }
  free(layer->params);
  layer->params = params;
  layer->type = TRT_LAYER_UNARY;
  return TRT_STATUS_OK;
}

trt_status_t trt_pass_pointwise_fusion(trt_network_t *network, trt_pass_stats_t *stats) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_activation_t steps[2 * TRT_MAX_UNARY_CHAIN];
    int input = -1;
    int nb_steps = trt_pass_pointwise_steps(network, &network->layers[l], &input, steps);
    if (nb_steps == 0 || nb_steps == TRT_MAX_UNARY_CHAIN)
      continue;
    int absorbed = 0, output = network->layers[l].outputs[0];
    for (;;) {
      int reader = trt_pass_fusible_reader(network, output);
      int reader_input = -1;
      int more = reader < 0 ? 0
                            : trt_pass_pointwise_steps(network, &network->layers[reader],
                                                       &reader_input, steps + nb_steps);
      if (more == 0 || reader_input != output || nb_steps + more > TRT_MAX_UNARY_CHAIN)
        break;
      nb_steps += more;
      trt_status_t status = trt_pass_append_name(&network->layers[l], network->layers[reader].name);
      if (status != TRT_STATUS_OK)
        return status;
      output = network->layers[reader].outputs[0];
      trt_pass_set_output(network, l, 0, output);
      trt_pass_drop_layer(network, reader);
      absorbed++;
    }
    if (absorbed == 0)
      continue;
    trt_status_t status = make_unary(network, l, input, steps, nb_steps);
    if (status != TRT_STATUS_OK)
      return status;
    trt_pass_note(stats, "%s (%d steps)", network->layers[l].name, nb_steps);
  }
  return TRT_STATUS_OK;
}
