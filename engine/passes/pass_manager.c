/* The fixed pipeline and its driver.
 *
 * Order, and why:
 *   dead-layers, constant-folding  shrink the graph first (shape inference
 *                                  already folds; this catches what is left);
 *   noop-removal                   exposes producer -> consumer pairs;
 *   batchnorm-folding              before any fusion reads the conv's output;
 *   gemm-bias-fusion               makes the Gemm that activation fusion needs;
 *   residual-fusion                before activation fusion: ResNet's
 *                                  relu(bn(conv) + shortcut) needs the Add
 *                                  absorbed first, then the ReLU on top;
 *   activation-fusion              conv/Gemm + activation (one, its slot);
 *   pointwise-fusion               after it, so that conv -> relu -> mul
 *                                  keeps the relu in the conv and only what
 *                                  is left becomes a Unary chain;
 *   conv-merging                   compares finished (fused) convolutions;
 *   concat-elimination             last: views pin memory layout. */
#include "passes/pass_manager.h"

#include <string.h>

#include "list_util.h"
#include "passes/pass_util.h"

static const trt_pass_t pipeline[] = {
    {TRT_PASS_DEAD_LAYERS, "dead-layers", trt_pass_dead_layers},
    {TRT_PASS_CONSTANT_FOLDING, "constant-folding", trt_pass_constant_folding},
    {TRT_PASS_NOOP_REMOVAL, "noop-removal", trt_pass_noop_removal},
    {TRT_PASS_BATCHNORM_FOLDING, "batchnorm-folding", trt_pass_batchnorm_folding},
    {TRT_PASS_GEMM_BIAS_FUSION, "gemm-bias-fusion", trt_pass_gemm_bias_fusion},
    {TRT_PASS_RESIDUAL_FUSION, "residual-fusion", trt_pass_residual_fusion},
    {TRT_PASS_ACTIVATION_FUSION, "activation-fusion", trt_pass_activation_fusion},
    {TRT_PASS_POINTWISE_FUSION, "pointwise-fusion", trt_pass_pointwise_fusion},
    {TRT_PASS_CONV_MERGING, "conv-merging", trt_pass_conv_merging},
    {TRT_PASS_CONCAT_ELIMINATION, "concat-elimination", trt_pass_concat_elimination},
};

_Static_assert(sizeof(pipeline) / sizeof(pipeline[0]) == TRT_PASS_COUNT,
               "every pass needs a pipeline entry");

const trt_pass_t *trt_pass_pipeline(void) { return pipeline; }

trt_status_t trt_pass_parse_names(const char *names, uint32_t *mask) {
  uint32_t parsed = 0;
  const char *item;
  size_t length;
  for (const char *cursor = names; trt_list_next(&cursor, &item, &length);) {
    bool known = false;
    if (length == 3 && strncmp(item, "all", 3) == 0) {
      parsed = (1u << TRT_PASS_COUNT) - 1;
      known = true;
    }
    for (int p = 0; !known && p < TRT_PASS_COUNT; p++) {
      if (strlen(pipeline[p].name) == length && strncmp(item, pipeline[p].name, length) == 0) {
        parsed |= 1u << pipeline[p].id;
        known = true;
      }
    }
    if (!known && length > 0) {
      char list[512] = "";
      for (int p = 0; p < TRT_PASS_COUNT; p++) {
        strncat(list, pipeline[p].name, sizeof(list) - strlen(list) - 1);
        strncat(list, ", ", sizeof(list) - strlen(list) - 1);
      }
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unknown pass '%.*s' (known: %sall)",
                       (int)length, item, list);
    }
  }
  *mask = parsed;
  return TRT_STATUS_OK;
}

trt_status_t trt_passes_run(trt_network_t *network, uint32_t disabled, bool log,
                            trt_pass_progress_fn progress, void *progress_data) {
  int first_count = network->nb_layers;
  for (int p = 0; p < TRT_PASS_COUNT; p++) {
    const trt_pass_t *pass = &pipeline[p];
    if (progress)
      progress(p, TRT_PASS_COUNT, pass->name, progress_data);
    if (disabled & (1u << pass->id)) {
      if (log)
        trt_log(TRT_SEVERITY_VERBOSE, "pass %s: disabled", pass->name);
      continue;
    }
    trt_pass_stats_t stats = {.pass_name = pass->name, .log = log};
    int before = network->nb_layers;
    trt_status_t status = trt_pass_index_begin(network);
    if (status == TRT_STATUS_OK)
      status = pass->run(network, &stats);
    trt_status_t index_status = trt_pass_index_end();
    if (status == TRT_STATUS_OK)
      status = index_status;
    if (status == TRT_STATUS_OK)
      status = trt_pass_compact(network);
    if (status == TRT_STATUS_OK)
      status = trt_network_sort(network);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "pass %s: ", pass->name);
    if (log)
      trt_log(TRT_SEVERITY_VERBOSE, "pass %s: %d rewrite(s), layers %d -> %d", pass->name,
              stats.rewrites, before, network->nb_layers);
  }
  if (log)
    trt_log(TRT_SEVERITY_VERBOSE, "optimizer: layers %d -> %d", first_count, network->nb_layers);
  return TRT_STATUS_OK;
}
