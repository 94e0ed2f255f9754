#include "fuzz_common.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The value that a dynamic dimension other than the batch gets. */
#define FUZZ_DYNAMIC_DIM 3

static void drop_message(trt_severity_t severity, const char *message, void *user_data) {
  (void)severity;
  (void)message;
  (void)user_data;
}

void fuzz_silence_logger(void) {
  static bool silenced = false;
  if (!silenced) {
    trt_set_logger(drop_message, NULL);
    silenced = true;
  }
}

void fuzz_builder_config(trt_builder_config_t *config) {
  trt_builder_config_init(config);
  config->backend = TRT_BACKEND_CPU;
  config->cpu_threads = 1;
  config->max_batch = 1;
  config->workspace = (size_t)1 << 20;
  config->verbose = false;
}

/* The bytes of `dims` elements of `type`, or false when unknown, negative or
 * over `limit` (checked here, so that the harness itself never wraps). */
static bool tensor_bytes(trt_data_type_t type, const trt_dims_t *dims, size_t limit,
                         size_t *bytes) {
  size_t element = trt_data_type_size(type);
  if (element == 0 || dims->nb_dims < 0 || dims->nb_dims > TRT_MAX_DIMS)
    return false;
  size_t total = element;
  for (int d = 0; d < dims->nb_dims; d++) {
    if (dims->d[d] < 0)
      return false;
    if (dims->d[d] != 0 && total > limit / (size_t)dims->d[d])
      return false;
    total *= (size_t)dims->d[d];
  }
  *bytes = total;
  return total <= limit;
}

/* Small values of every type: floats in [-1, 1), integers 0 (valid as
 * indices), booleans alternating. */
static void fill_input(void *data, trt_data_type_t type, size_t bytes) {
  size_t element = trt_data_type_size(type);
  size_t count = bytes / element;
  memset(data, 0, bytes);
  for (size_t i = 0; i < count; i++) {
    float value = (float)((int)(i * 37u % 64u) - 32) / 32.0f;
    switch (type) {
    case TRT_DATA_TYPE_FLOAT32: ((float *)data)[i] = value; break;
    case TRT_DATA_TYPE_FLOAT64: ((double *)data)[i] = value; break;
    case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = (uint8_t)(i & 1u); break;
    default: break;
    }
  }
}

void fuzz_run_engine(const trt_engine_t *engine) {
  if (trt_engine_activation_bytes(engine) > FUZZ_MAX_RUN_BYTES)
    return;
  int nb_bindings = trt_engine_num_bindings(engine);
  if (nb_bindings <= 0)
    return;
  void **bindings = calloc((size_t)nb_bindings, sizeof(*bindings));
  if (!bindings)
    return;
  bool runnable = true;
  for (int b = 0; b < nb_bindings && runnable; b++) {
    trt_dims_t dims = trt_engine_binding_dims(engine, b);
    trt_data_type_t type = trt_engine_binding_type(engine, b);
    size_t bytes = 0;
    runnable = tensor_bytes(type, &dims, FUZZ_MAX_RUN_BYTES, &bytes);
    if (!runnable)
      break;
    /* At least one element's room, so that an empty tensor has an address. */
    bindings[b] = malloc(bytes > 16 ? bytes : 16);
    runnable = bindings[b] != NULL;
    if (runnable && trt_engine_binding_is_input(engine, b))
      fill_input(bindings[b], type, bytes);
  }
  trt_context_t *context = NULL;
  if (runnable && trt_context_create(engine, &context) == TRT_STATUS_OK) {
    (void)trt_context_execute(context, trt_engine_max_batch(engine), bindings);
    trt_context_destroy(context);
  }
  for (int b = 0; b < nb_bindings; b++)
    free(bindings[b]);
  free(bindings);
}

/* The bytes of the network's constants, saturating at SIZE_MAX. */
static size_t constant_bytes(const trt_network_t *network) {
  size_t total = 0;
  for (int t = 0; t < trt_network_num_tensors(network); t++) {
    if (!trt_network_tensor_data(network, t))
      continue;
    trt_dims_t dims = trt_network_tensor_dims(network, t);
    size_t bytes = 0;
    if (!tensor_bytes(trt_network_tensor_type(network, t), &dims, SIZE_MAX, &bytes) ||
        bytes > SIZE_MAX - total)
      return SIZE_MAX;
    total += bytes;
  }
  return total;
}

void fuzz_build_and_run(trt_network_t *network) {
  if (constant_bytes(network) > FUZZ_MAX_CONSTANT_BYTES)
    return;
  for (int i = 0; i < trt_network_num_inputs(network); i++) {
    int tensor = trt_network_input(network, i);
    trt_dims_t dims = trt_network_tensor_dims(network, tensor);
    bool changed = false;
    /* The first dimension stays: the builder gives a dynamic one the batch. */
    for (int d = 1; d < dims.nb_dims && d < TRT_MAX_DIMS; d++) {
      if (dims.d[d] < 0) {
        dims.d[d] = FUZZ_DYNAMIC_DIM;
        changed = true;
      }
    }
    if (changed && trt_network_set_input_dims(network, trt_network_tensor_name(network, tensor),
                                              &dims) != TRT_STATUS_OK)
      return;
  }
  trt_builder_config_t config;
  fuzz_builder_config(&config);
  trt_engine_t *engine = NULL;
  if (trt_engine_build(network, &config, &engine) != TRT_STATUS_OK)
    return;
  fuzz_run_engine(engine);
  trt_engine_destroy(engine);
}
