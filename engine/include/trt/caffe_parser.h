/* Caffe import: a deploy description (prototxt) with optional trained
 * weights (caffemodel), translated into a trt_network_t. Without weights,
 * every learned blob gets deterministic random values for a seed, scaled by
 * fan-in so that activations stay finite through deep networks. The weights
 * used, read or random, can be written back as a caffemodel that Caffe and
 * OpenCV read. */
#ifndef TRT_CAFFE_PARSER_H
#define TRT_CAFFE_PARSER_H

#include <stdint.h>

#include "trt/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint64_t seed;  /* random weights; any value, 0 included, is a valid seed */
  int batch_size; /* > 0: replaces the first dimension of every input */
  /* Blobs to mark as outputs, by Caffe name. NULL: every blob that no layer
   * reads. With a list, what the outputs do not need is removed. */
  const char *const *outputs;
  int nb_outputs;
} trt_caffe_options_t;

void trt_caffe_options_init(trt_caffe_options_t *options);

/* Adds the network of `deploy_path` to `network` (normally empty): declared
 * inputs become network inputs, learned blobs constants, layers the engine's
 * layers. `weights_path` NULL means random weights. `options` NULL means
 * defaults. Errors name the file, line and column, and the layer. */
trt_status_t trt_caffe_parse(trt_network_t *network, const char *deploy_path,
                             const char *weights_path, const trt_caffe_options_t *options);
/* As trt_caffe_parse, from memory (`weights` NULL: random). */
trt_status_t trt_caffe_parse_memory(trt_network_t *network, const char *deploy_text,
                                    size_t deploy_size, const void *weights, size_t weights_size,
                                    const trt_caffe_options_t *options,
                                    const char *deploy_name_for_errors);

/* Imports like trt_caffe_parse and writes the weights it used (read from
 * `weights_path` or random) to `output_path` as a caffemodel: one layer per
 * Caffe layer, with its name, type, bottoms, tops and blobs. The file is
 * written to a temporary name and renamed, so it is never half-written. */
trt_status_t trt_caffe_save_weights(const char *deploy_path, const char *weights_path,
                                    const trt_caffe_options_t *options, const char *output_path);

#ifdef __cplusplus
}
#endif

#endif
