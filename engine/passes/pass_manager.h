/* The optimizer: passes that rewrite a network whose shapes are inferred,
 * run in a fixed order between shape inference and memory planning.
 *
 * A pass is `trt_status_t pass(trt_network_t *, trt_pass_stats_t *)`: it
 * rewrites the network in place, keeps the graph valid (the manager sorts
 * and compacts after it) and reports each rewrite through trt_pass_note().
 * Passes never fuse across a tensor that is a network output or that
 * another layer reads. */
#ifndef TRT_PASS_MANAGER_H
#define TRT_PASS_MANAGER_H

#include <stdint.h>

#include "network_internal.h"

/* The default pipeline, in order; the value is the bit in
 * trt_builder_config_t.disabled_passes. */
typedef enum {
  TRT_PASS_DEAD_LAYERS = 0,    /* layers nothing reads */
  TRT_PASS_CONSTANT_FOLDING,   /* layers whose inputs are all constant */
  TRT_PASS_NOOP_REMOVAL,       /* Identity/Dropout, same-type Cast, cancelling reshape pairs */
  TRT_PASS_BATCHNORM_FOLDING,  /* BatchNorm and per-channel Mul/Add (Scale) into the convolution */
  TRT_PASS_GEMM_BIAS_FUSION,   /* 2-D MatMul + bias Add into Gemm */
  TRT_PASS_RESIDUAL_FUSION,    /* convolution + Add of a same-shaped tensor */
  TRT_PASS_ACTIVATION_FUSION,  /* convolution / Gemm + activation */
  TRT_PASS_POINTWISE_FUSION,   /* chains of Unary / scalar Elementwise into one Unary */
  TRT_PASS_CONV_MERGING,       /* convolutions reading one tensor into one wide convolution */
  TRT_PASS_CONCAT_ELIMINATION, /* producers write into their slice of the Concat output */
  TRT_PASS_COUNT
} trt_pass_id_t;

typedef struct {
  const char *pass_name;
  int rewrites;  /* what the pass changed, one per fusion/removal */
  bool log;      /* log each rewrite at TRT_SEVERITY_VERBOSE */
} trt_pass_stats_t;

typedef trt_status_t (*trt_pass_fn)(trt_network_t *network, trt_pass_stats_t *stats);

typedef struct {
  trt_pass_id_t id;
  const char *name; /* as given to --noFusion */
  trt_pass_fn run;
} trt_pass_t;

/* The pipeline in order; TRT_PASS_COUNT entries. */
const trt_pass_t *trt_pass_pipeline(void);

/* Parses "name,name" (or "all") into a mask of TRT_PASS_* bits. */
trt_status_t trt_pass_parse_names(const char *names, uint32_t *mask);

/* Called before each pass runs: `index` of `count` (TRT_PASS_COUNT). */
typedef void (*trt_pass_progress_fn)(int index, int count, const char *pass_name, void *user_data);

/* Runs every pass whose bit is clear in `disabled`; with `log`, logs per pass
 * what it changed and the layer counts before and after; `progress` (may be
 * NULL) hears of each pass. */
trt_status_t trt_passes_run(trt_network_t *network, uint32_t disabled, bool log,
                            trt_pass_progress_fn progress, void *progress_data);

/* The passes, one file each. */
trt_status_t trt_pass_dead_layers(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_constant_folding(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_noop_removal(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_batchnorm_folding(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_gemm_bias_fusion(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_residual_fusion(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_activation_fusion(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_pointwise_fusion(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_conv_merging(trt_network_t *network, trt_pass_stats_t *stats);
trt_status_t trt_pass_concat_elimination(trt_network_t *network, trt_pass_stats_t *stats);

#endif
