/* The execution phase as users see it: engine queries and execution
 * contexts. The work is the backend's (backend.h): this file checks
 * arguments and dispatches. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* ---- engine queries ------------------------------------------------------ */

trt_backend_t trt_engine_backend(const trt_engine_t *engine) { return engine->backend; }
int trt_engine_max_batch(const trt_engine_t *engine) { return engine->max_batch; }
size_t trt_engine_activation_bytes(const trt_engine_t *engine) {
  return engine->full.plan.arena_bytes;
}
int trt_engine_num_layers(const trt_engine_t *engine) { return engine->full.network->nb_layers; }
int trt_engine_num_bindings(const trt_engine_t *engine) { return engine->nb_bindings; }

static const trt_layer_t *engine_layer(const trt_engine_t *engine, int layer) {
  const trt_network_t *network = engine ? engine->full.network : NULL;
  return network && layer >= 0 && layer < network->nb_layers ? &network->layers[layer] : NULL;
}

const char *trt_engine_layer_name(const trt_engine_t *engine, int layer) {
  const trt_layer_t *found = engine_layer(engine, layer);
  return found ? found->name : NULL;
}

const char *trt_engine_layer_type(const trt_engine_t *engine, int layer) {
  const trt_layer_t *found = engine_layer(engine, layer);
  return found ? trt_layer_type_name(found->type) : NULL;
}

const char *trt_engine_layer_precision(const trt_engine_t *engine, int layer) {
  const trt_layer_t *found = engine_layer(engine, layer);
  if (!found || found->nb_outputs < 1)
    return NULL;
  const trt_data_type_t type = trt_layer_output(engine->full.network, found, 0)->type;
  return type == TRT_DATA_TYPE_FLOAT16   ? "fp16"
         : type == TRT_DATA_TYPE_FLOAT32 ? "fp32"
                                         : trt_data_type_name(type);
}

const char *trt_engine_layer_format(const trt_engine_t *engine, int layer) {
  const trt_layer_t *found = engine_layer(engine, layer);
  if (!found || found->nb_outputs < 1)
    return NULL;
  const trt_network_t *network = engine->full.network;
  const trt_tensor_t *y = trt_layer_output(network, found, 0), *x = NULL;
  for (int i = 0; i < found->nb_inputs && !x; i++) {
    const trt_tensor_t *input = trt_layer_input(network, found, i);
    if (input && !input->data)
      x = input;
  }
  /* a format-free tensor (formats.h) takes the other side's format */
  const bool x_free = !x || trt_tensor_format_free(x), y_free = trt_tensor_format_free(y);
  trt_tensor_format_t to = trt_tensor_storage(network, y)->format;
  const trt_tensor_format_t from = x_free ? to : trt_tensor_storage(network, x)->format;
  if (y_free)
    to = from;
  if (from == to)
    return trt_tensor_format_name(to);
  return to == TRT_FORMAT_CHANNELS_LAST ? "linear>nhwc" : "nhwc>linear";
}

static bool valid_binding(const trt_engine_t *engine, int binding) {
  return engine && binding >= 0 && binding < engine->nb_bindings;
}

static const trt_tensor_t *binding_tensor(const trt_engine_t *engine, int binding) {
  const trt_specialization_t *full = &engine->full;
  return &full->network->tensors[full->binding_tensors[binding]];
}

const char *trt_engine_binding_name(const trt_engine_t *engine, int binding) {
  return valid_binding(engine, binding) ? engine->binding_names[binding] : NULL;
}

bool trt_engine_binding_is_input(const trt_engine_t *engine, int binding) {
  return valid_binding(engine, binding) && engine->binding_is_input[binding];
}

trt_data_type_t trt_engine_binding_type(const trt_engine_t *engine, int binding) {
  return valid_binding(engine, binding) ? binding_tensor(engine, binding)->type
                                        : TRT_DATA_TYPE_COUNT;
}

trt_dims_t trt_engine_binding_dims(const trt_engine_t *engine, int binding) {
  trt_dims_t none = {.nb_dims = -1};
  return valid_binding(engine, binding) ? binding_tensor(engine, binding)->dims : none;
}

bool trt_engine_binding_has_batch(const trt_engine_t *engine, int binding) {
  return valid_binding(engine, binding) && engine->binding_has_batch[binding];
}

int trt_engine_find_binding(const trt_engine_t *engine, const char *name) {
  for (int b = 0; engine && name && b < engine->nb_bindings; b++)
    if (strcmp(engine->binding_names[b], name) == 0)
      return b;
  return -1;
}

/* ---- contexts ------------------------------------------------------------ */

trt_status_t trt_context_create(const trt_engine_t *engine, trt_context_t **context_out) {
  if (!engine || !context_out)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_context_create: NULL argument");
  *context_out = NULL;
  trt_context_t *context = calloc(1, sizeof(*context));
  if (!context)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a context");
  context->engine = engine;
  trt_status_t status = engine->ops->context_create(context);
  if (status != TRT_STATUS_OK) {
    trt_context_destroy(context);
    return status;
  }
  *context_out = context;
  return TRT_STATUS_OK;
}

void trt_context_destroy(trt_context_t *context) {
  if (!context)
    return;
  if (context->impl)
    context->engine->ops->context_destroy(context);
  free(context);
}

void trt_context_set_profiler(trt_context_t *context, trt_profiler_fn fn, void *user_data) {
  context->profiler = fn;
  context->profiler_data = user_data;
}

void trt_context_set_use_graph(trt_context_t *context, bool use_graph) {
  if (context && context->engine->ops->set_use_graph)
    context->engine->ops->set_use_graph(context, use_graph);
}

int trt_context_cpu_threads(const trt_context_t *context) {
  if (!context || !context->engine->ops->context_threads)
    return 0;
  return context->engine->ops->context_threads(context);
}

/* Checks a run's arguments and gives the batch the backend runs: a network
 * whose batch is fixed ignores the one asked for, as TensorRT's explicit
 * batch engines do. */
static trt_status_t check_run(const trt_context_t *context, int *batch, void *const *bindings) {
  if (!context || !bindings)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "running a context: NULL argument");
  const trt_engine_t *engine = context->engine;
  if (!engine->batch_dynamic)
    *batch = engine->max_batch;
  else if (*batch < 1 || *batch > engine->max_batch)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "batch %d is outside 1..%d (the built maximum)",
                     *batch, engine->max_batch);
  for (int b = 0; b < engine->nb_bindings; b++)
    if (!bindings[b])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "binding %d ('%s') is NULL", b,
                       engine->binding_names[b]);
  return TRT_STATUS_OK;
}

trt_status_t trt_context_enqueue(trt_context_t *context, int batch, void *const *bindings,
                                 void *stream) {
  trt_status_t status = check_run(context, &batch, bindings);
  return status == TRT_STATUS_OK
             ? context->engine->ops->enqueue(context, batch, bindings, stream)
             : status;
}

trt_status_t trt_context_execute(trt_context_t *context, int batch, void *const *bindings) {
  trt_status_t status = trt_context_enqueue(context, batch, bindings, NULL);
  return status == TRT_STATUS_OK ? trt_context_synchronize(context) : status;
}

trt_status_t trt_context_synchronize(trt_context_t *context) {
  if (!context)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_context_synchronize: NULL argument");
  return context->engine->ops->synchronize(context);
}
