/* The execution phase: engine queries and execution contexts. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_internal.h"
#include "layer_registry.h"

/* ---- engine queries ------------------------------------------------------ */

trt_backend_t trt_engine_backend(const trt_engine_t *engine) { return engine->backend; }
int trt_engine_max_batch(const trt_engine_t *engine) { return engine->max_batch; }
size_t trt_engine_activation_bytes(const trt_engine_t *engine) {
  return engine->full.plan.arena_bytes;
}
int trt_engine_num_layers(const trt_engine_t *engine) { return engine->full.network->nb_layers; }
int trt_engine_num_bindings(const trt_engine_t *engine) { return engine->nb_bindings; }

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
  if (engine->backend == TRT_BACKEND_CUDA) {
    trt_status_t status = trt_cuda_context_create(context);
    if (status != TRT_STATUS_OK) {
      trt_context_destroy(context);
      return status;
    }
    *context_out = context;
    return TRT_STATUS_OK;
  }
  context->cpu = trt_cpu_context_create(engine->config.cpu_threads);
  context->arena_bytes = engine->full.plan.arena_bytes;
  if (context->arena_bytes && posix_memalign(&context->arena, TRT_ACTIVATION_ALIGNMENT,
                                             context->arena_bytes) != 0)
    context->arena = NULL;
  if (!context->cpu || (context->arena_bytes && !context->arena)) {
    trt_context_destroy(context);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for %zu bytes of activations",
                     engine->full.plan.arena_bytes);
  }
  *context_out = context;
  return TRT_STATUS_OK;
}

void trt_context_destroy(trt_context_t *context) {
  if (!context)
    return;
  trt_cuda_context_destroy(context->cuda);
  trt_specialization_release(&context->smaller);
  trt_cpu_context_destroy(context->cpu);
  free(context->arena);
  free(context);
}

void trt_context_set_profiler(trt_context_t *context, trt_profiler_fn fn, void *user_data) {
  context->profiler = fn;
  context->profiler_data = user_data;
}

/* The specialization for `batch`: the engine's own at the maximum, else one
 * the context builds and keeps until another batch size is asked for. */
static trt_status_t specialization_for(trt_context_t *context, int batch,
                                       const trt_specialization_t **out) {
  const trt_engine_t *engine = context->engine;
  if (!engine->batch_dynamic || batch == engine->max_batch) {
    *out = &engine->full;
    return TRT_STATUS_OK;
  }
  if (batch < 1 || batch > engine->max_batch)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "batch %d is outside 1..%d (the built maximum)",
                     batch, engine->max_batch);
  if (!context->smaller.network || context->smaller.batch != batch) {
    trt_specialization_release(&context->smaller);
    trt_status_t status = trt_specialize(engine, batch, &context->smaller);
    if (status != TRT_STATUS_OK)
      return status;
  }
  *out = &context->smaller;
  return TRT_STATUS_OK;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Where tensor `t` lives during this run: a view lives inside its parent,
 * at view_offset steps of the parent's stride along view_axis. */
static void *tensor_address(const trt_context_t *context, const trt_specialization_t *spec,
                            void *const *binding_of_tensor, int t) {
  const trt_tensor_t *tensor = &spec->network->tensors[t];
  if (tensor->view_parent >= 0) {
    const trt_tensor_t *parent = &spec->network->tensors[tensor->view_parent];
    size_t stride = trt_data_type_size(parent->type);
    for (int d = tensor->view_axis + 1; d < parent->dims.nb_dims; d++)
      stride *= (size_t)parent->dims.d[d];
    char *base = tensor_address(context, spec, binding_of_tensor, tensor->view_parent);
    return base + (size_t)tensor->view_offset * stride;
  }
  if (binding_of_tensor[t])
    return binding_of_tensor[t];
  if (tensor->data)
    return tensor->data;
  return (char *)context->arena + spec->plan.offsets[t];
}

static trt_status_t run_cpu(trt_context_t *context, const trt_specialization_t *spec,
                            void *const *bindings) {
  const trt_network_t *network = spec->network;
  const trt_engine_t *engine = context->engine;
  void **binding_of_tensor = calloc((size_t)network->nb_tensors, sizeof(void *));
  if (!binding_of_tensor)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory running the engine");
  /* Outputs are written straight into their bindings; an output that is a
   * constant or an input is copied there at the end. */
  for (int b = 0; b < engine->nb_bindings; b++) {
    int t = spec->binding_tensors[b];
    if (engine->binding_is_input[b] || network->tensors[t].producer >= 0)
      binding_of_tensor[t] = bindings[b];
  }
  trt_status_t status = TRT_STATUS_OK;
  const void *inputs[256];
  void *outputs[TRT_MAX_LAYER_OUTPUTS];
  for (int l = 0; l < network->nb_layers && status == TRT_STATUS_OK; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (layer->nb_inputs > 256) {
      status = trt_error(TRT_STATUS_UNSUPPORTED, "layer '%s' has too many inputs", layer->name);
      break;
    }
    for (int i = 0; i < layer->nb_inputs; i++)
      inputs[i] = layer->inputs[i] < 0
                      ? NULL
                      : tensor_address(context, spec, binding_of_tensor, layer->inputs[i]);
    for (int o = 0; o < layer->nb_outputs; o++)
      outputs[o] = tensor_address(context, spec, binding_of_tensor, layer->outputs[o]);
    double start = context->profiler ? now_ms() : 0;
    status = trt_layer_descriptor(layer->type)->cpu_execute(network, layer, inputs, outputs,
                                                            context->cpu);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "layer '%s' (%s): ", layer->name, trt_layer_type_name(layer->type));
    else if (context->profiler)
      context->profiler(layer->name, (float)(now_ms() - start), context->profiler_data);
  }
  for (int b = 0; status == TRT_STATUS_OK && b < engine->nb_bindings; b++) {
    int t = spec->binding_tensors[b];
    const trt_tensor_t *tensor = &network->tensors[t];
    if (engine->binding_is_input[b] || tensor->producer >= 0)
      continue;
    const void *source = tensor->data;
    for (int i = 0; !source && i < engine->nb_bindings; i++)
      if (engine->binding_is_input[i] && spec->binding_tensors[i] == t)
        source = bindings[i];
    if (source && source != bindings[b])
      memcpy(bindings[b], source, trt_tensor_bytes(tensor));
  }
  free(binding_of_tensor);
  return status;
}

trt_status_t trt_context_execute(trt_context_t *context, int batch, void *const *bindings) {
  if (!context || !bindings)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_context_execute: NULL argument");
  const trt_engine_t *engine = context->engine;
  for (int b = 0; b < engine->nb_bindings; b++)
    if (!bindings[b])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "binding %d ('%s') is NULL", b,
                       engine->binding_names[b]);
  if (context->cuda) {
    trt_status_t status = trt_cuda_context_enqueue(context, batch, bindings, NULL);
    return status == TRT_STATUS_OK ? trt_cuda_context_synchronize(context) : status;
  }
  const trt_specialization_t *spec = NULL;
  trt_status_t status = specialization_for(context, batch, &spec);
  if (status != TRT_STATUS_OK)
    return status;
  if (spec->plan.arena_bytes > context->arena_bytes)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "batch %d needs more activation memory than the "
                     "maximum batch", batch);
  return run_cpu(context, spec, bindings);
}

trt_status_t trt_context_enqueue(trt_context_t *context, int batch, void *const *bindings,
                                 void *stream) {
  if (!context || !context->cuda || !bindings)
    return trt_context_execute(context, batch, bindings); /* the CPU runs synchronously */
  for (int b = 0; b < context->engine->nb_bindings; b++)
    if (!bindings[b])
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "binding %d ('%s') is NULL", b,
                       context->engine->binding_names[b]);
  return trt_cuda_context_enqueue(context, batch, bindings, stream);
}

trt_status_t trt_context_synchronize(trt_context_t *context) {
  if (!context)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_context_synchronize: NULL argument");
  return context->cuda ? trt_cuda_context_synchronize(context) : TRT_STATUS_OK;
}
