/* Dead-layer elimination: layers none of whose outputs reach a network
 * output go, with the tensors only they referred to. */
#include "passes/pass_util.h"

trt_status_t trt_pass_dead_layers(trt_network_t *network, trt_pass_stats_t *stats) {
  int before = network->nb_layers;
  trt_status_t status = trt_network_prune(network);
  int removed = before - network->nb_layers;
  if (status == TRT_STATUS_OK && removed > 0) {
    trt_pass_note(stats, "removed %d unused layer(s)", removed);
    stats->rewrites += removed - 1;
  }
  return status;
}
