/* Reduced precision as a rewrite of the specialized network (builder step,
 * before memory planning): layers that may run in FP16 get float16
 * activations and weights, and Cast layers ("reformats") convert where a
 * float16 tensor meets a layer that stays FP32. Network inputs and outputs
 * keep their types, so bindings do not change with the precision.
 *
 * Which layers: the backend says which it can run in FP16 (`can_run_fp16`),
 * and the table of precision.c says which inputs of a layer type carry
 * values (converted) rather than parameters (left as they are). Types not
 * in the table stay FP32 whatever the backend says: among them, on purpose,
 * the layers whose statistics need FP32's range and precision (softmax,
 * reductions, batch/instance/layer normalization, LRN), and layers the
 * build names (trt_builder_config_t.fp32_layers). Each decision is
 * logged at verbose level; a layer's precision is then its tensors' type,
 * which plan files record. */
#ifndef TRT_PRECISION_H
#define TRT_PRECISION_H

#include "network_internal.h"

typedef bool (*trt_fp16_capability_fn)(const trt_network_t *network, const trt_layer_t *layer,
                                       void *user_data);

typedef struct {
  int fp16_layers;    /* layers running in FP16 */
  int fp32_layers;    /* layers with float activations kept in FP32 */
  int casts;          /* Cast layers inserted */
  int64_t constants_converted; /* weights stored as float16 (elements) */
} trt_precision_report_t;

/* Rewrites `network` (shapes inferred, passes run) for FP16 where
 * `can_run_fp16` allows, except the layers `fp32_layers` names ("a,b,...":
 * a layer's name, or one of the names a fusion joined with " + "; NULL:
 * none); `report` may be NULL. The network stays
 * topologically sorted and shape-consistent. `log`: each layer's precision
 * at verbose level and a summary at info level. */
trt_status_t trt_network_lower_to_fp16(trt_network_t *network, trt_fp16_capability_fn can_run_fp16,
                                       void *user_data, const char *fp32_layers, bool log,
                                       trt_precision_report_t *report);

/* Whether input `input` of a layer of `type` carries values that follow
 * the layer's precision (false also for types that never run FP16). */
bool trt_precision_input_follows(trt_layer_type_t type, int input);

#endif
