/* The CPU reference backend: runs the engine's optimized network layer by
 * layer with the reference implementations (cpu_registry.c), on threads
 * of the process-wide pool (cpu_pool.c), with activations in one arena laid
 * out by the engine's memory plan. It is the oracle of every GPU test and
 * what runs where there is no GPU.
 *
 * Smaller batches. An engine has one network, at the maximum batch; a batch
 * below it never builds anything. The builder hands over the same network
 * optimized at batch 1, and when the two differ only in the first
 * dimension of some tensors (d[0] = maximum x its batch-1 value) and in
 * integer constants whose values follow the batch the same way (folded
 * shape arithmetic: a Reshape's target, a Shape output), every layer and
 * parameter being equal, the engine is "batch scalable": batch b runs the
 * maximum-batch network with those dimensions and values set to b x their
 * batch-1 value, which costs b items' work. The memory plan stays valid
 * (every tensor only shrinks). Otherwise (a constant expanded to the batch,
 * say) batch b runs at the maximum on staging buffers, as the CUDA backend
 * does, which is correct because batch items are independent. Either way
 * it is decided once at build time and stored in the plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "cpu/cpu_registry.h"
#include "layer_registry.h"
#include "plan_io.h"

#define SECTION_TAG 0x00555043u /* "CPU\0" */

/* How a tensor of a batch-scalable engine follows the batch size. */
enum { FOLLOWS_IN_DIMS = 1, FOLLOWS_IN_VALUES = 2 };

typedef struct {
  bool batch_scalable;
  unsigned char *follows; /* per tensor of engine->full.network: FOLLOWS_* bits */
  void **values_at_one;   /* per tensor: its values at batch 1 when FOLLOWS_IN_VALUES */
} cpu_engine_t;

typedef struct {
  trt_cpu_context_t *pool;
  void *arena;
  void **bound;   /* per tensor: the binding it lives in this run, or NULL */
  void **staging; /* per binding: a buffer at the maximum batch, or NULL */
  void **values;  /* per tensor following in values: its values at `batch` */
  /* engine->full.network with the dims of batch `batch` (0: none yet); it
   * shares everything with it but the tensor array. */
  trt_network_t at_batch;
  int batch;
  const void **inputs; /* scratch for one layer's input addresses */
} cpu_context_t;

static cpu_engine_t *cpu_engine_of(const trt_engine_t *engine) {
  return (cpu_engine_t *)engine->impl;
}

static cpu_context_t *cpu_context_of(const trt_context_t *context) {
  return (cpu_context_t *)context->impl;
}

/* ---- the engine ------------------------------------------------------------ */

static trt_status_t check_device(int device) {
  (void)device;
  return TRT_STATUS_OK;
}

static void destroy(trt_engine_t *engine) {
  cpu_engine_t *cpu = cpu_engine_of(engine);
  engine->impl = NULL;
  if (!cpu)
    return;
  for (int t = 0; cpu->values_at_one && t < engine->full.network->nb_tensors; t++)
    free(cpu->values_at_one[t]);
  free(cpu->values_at_one);
  free(cpu->follows);
  free(cpu);
}

static trt_status_t engine_alloc(trt_engine_t *engine) {
  size_t count = (size_t)engine->full.network->nb_tensors + 1;
  cpu_engine_t *cpu = calloc(1, sizeof(*cpu));
  if (cpu) {
    cpu->follows = calloc(count, 1);
    cpu->values_at_one = calloc(count, sizeof(void *));
  }
  engine->impl = cpu;
  if (!cpu || !cpu->follows || !cpu->values_at_one)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the CPU engine");
  return TRT_STATUS_OK;
}

static bool same_layer(const trt_layer_t *a, const trt_layer_t *b) {
  size_t params = trt_layer_descriptor(a->type)->params_size;
  return a->type == b->type && a->nb_inputs == b->nb_inputs && a->nb_outputs == b->nb_outputs &&
         memcmp(a->inputs, b->inputs, (size_t)a->nb_inputs * sizeof(int)) == 0 &&
         memcmp(a->outputs, b->outputs, (size_t)a->nb_outputs * sizeof(int)) == 0 &&
         (params == 0 || memcmp(a->params, b->params, params) == 0);
}

static int64_t int_value(const trt_tensor_t *tensor, int64_t i) {
  return tensor->type == TRT_DATA_TYPE_INT64 ? ((const int64_t *)tensor->data)[i]
                                             : ((const int32_t *)tensor->data)[i];
}

/* Whether integer constant `a` (at `max_batch`) holds b's values (at 1),
 * some of them times the batch. */
static bool values_follow(const trt_tensor_t *a, const trt_tensor_t *b, int max_batch) {
  if (a->type != TRT_DATA_TYPE_INT64 && a->type != TRT_DATA_TYPE_INT32)
    return false;
  int64_t count = trt_dims_volume(&a->dims);
  for (int64_t i = 0; i < count; i++) {
    int64_t at_max = int_value(a, i), at_one = int_value(b, i);
    if (at_max != at_one && at_max != at_one * max_batch)
      return false;
  }
  return true;
}

/* Whether tensor t of `full` (at `max_batch`) and of `single` (at 1) differ
 * only as the batch size makes them; sets the tensor's FOLLOWS_* bits. */
static trt_status_t compare_tensor(cpu_engine_t *cpu, const trt_network_t *full,
                                   const trt_network_t *single, int t, int max_batch, bool *same) {
  const trt_tensor_t *a = &full->tensors[t], *b = &single->tensors[t];
  *same = false;
  if (a->type != b->type || a->dims.nb_dims != b->dims.nb_dims || a->is_input != b->is_input ||
      a->is_output != b->is_output || a->view_parent != b->view_parent ||
      a->view_axis != b->view_axis || a->view_offset != b->view_offset ||
      (a->data == NULL) != (b->data == NULL))
    return TRT_STATUS_OK;
  for (int d = 1; d < a->dims.nb_dims; d++)
    if (a->dims.d[d] != b->dims.d[d])
      return TRT_STATUS_OK;
  if (a->dims.nb_dims > 0 && a->dims.d[0] != b->dims.d[0]) {
    if (a->dims.d[0] != b->dims.d[0] * max_batch || a->data)
      return TRT_STATUS_OK; /* a constant as large as the batch */
    cpu->follows[t] |= FOLLOWS_IN_DIMS;
  }
  size_t bytes = trt_tensor_bytes(a);
  if (a->data && memcmp(a->data, b->data, bytes) != 0) {
    if (!values_follow(a, b, max_batch))
      return TRT_STATUS_OK;
    cpu->follows[t] |= FOLLOWS_IN_VALUES;
    if (!(cpu->values_at_one[t] = malloc(bytes)))
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the CPU engine");
    memcpy(cpu->values_at_one[t], b->data, bytes);
  }
  *same = true;
  return TRT_STATUS_OK;
}

/* Decides batch scalability (see the top of this file). */
static trt_status_t analyze_batch(trt_engine_t *engine, const trt_network_t *single) {
  cpu_engine_t *cpu = cpu_engine_of(engine);
  const trt_network_t *full = engine->full.network;
  cpu->batch_scalable = false;
  if (!single || single->nb_tensors != full->nb_tensors || single->nb_layers != full->nb_layers)
    return TRT_STATUS_OK;
  for (int l = 0; l < full->nb_layers; l++)
    if (!same_layer(&full->layers[l], &single->layers[l]))
      return TRT_STATUS_OK;
  for (int t = 0; t < full->nb_tensors; t++) {
    bool same = false;
    trt_status_t status = compare_tensor(cpu, full, single, t, engine->max_batch, &same);
    if (status != TRT_STATUS_OK || !same)
      return status;
  }
  /* A view into a batched parent along the batch axis would move with it. */
  for (int t = 0; t < full->nb_tensors; t++) {
    const trt_tensor_t *tensor = &full->tensors[t];
    if (tensor->view_parent >= 0 && tensor->view_axis == 0 &&
        (cpu->follows[tensor->view_parent] & FOLLOWS_IN_DIMS))
      return TRT_STATUS_OK;
  }
  cpu->batch_scalable = true;
  return TRT_STATUS_OK;
}

/* Every layer runnable with its types, said at build and load time rather
 * than at the first inference. */
static trt_status_t check_layers(const trt_network_t *network) {
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    trt_status_t status = trt_cpu_layer_supported(network, layer);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "layer '%s' (%s): ", layer->name,
                              trt_layer_type_name(layer->type));
  }
  return TRT_STATUS_OK;
}

static trt_status_t build(trt_engine_t *engine, const trt_network_t *single) {
  trt_status_t status = check_layers(engine->full.network);
  if (status == TRT_STATUS_OK)
    status = engine_alloc(engine);
  if (status != TRT_STATUS_OK)
    return status;
  status = analyze_batch(engine, single);
  if (status != TRT_STATUS_OK)
    return status;
  if (engine->batch_dynamic && engine->max_batch > 1)
    trt_log(TRT_SEVERITY_VERBOSE, "CPU engine: smaller batches run %s",
            cpu_engine_of(engine)->batch_scalable ? "at their own size"
                                                  : "at the maximum batch (padded)");
  return TRT_STATUS_OK;
}

/* ---- plan section --------------------------------------------------------
 *
 *   u32 tag "CPU" | u32 batch scalable | u32 tensors | per tensor: u8 FOLLOWS_* bits,
 *   then, for a tensor following in values, its values at batch 1 (its size)
 */

static trt_status_t plan_device(const trt_engine_t *engine, char *name, size_t size) {
  (void)engine;
  snprintf(name, size, "cpu");
  return TRT_STATUS_OK;
}

static trt_status_t plan_section(const trt_engine_t *engine, void **data, size_t *size) {
  const cpu_engine_t *cpu = cpu_engine_of(engine);
  const trt_network_t *network = engine->full.network;
  trt_plan_writer_t w = {0};
  trt_plan_put_u32(&w, SECTION_TAG);
  trt_plan_put_u32(&w, cpu->batch_scalable ? 1u : 0u);
  trt_plan_put_u32(&w, (uint32_t)network->nb_tensors);
  for (int t = 0; t < network->nb_tensors; t++) {
    unsigned char follows = cpu->batch_scalable ? cpu->follows[t] : 0;
    trt_plan_put(&w, &follows, 1);
    if (follows & FOLLOWS_IN_VALUES)
      trt_plan_put(&w, cpu->values_at_one[t], trt_tensor_bytes(&network->tensors[t]));
  }
  return trt_plan_writer_finish(&w, "the CPU engine", data, size);
}

static trt_status_t damaged(const char *what) {
  return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: CPU section: %s", what);
}

/* One tensor's record; its bits must make sense for the tensor. */
static trt_status_t take_follows(trt_plan_reader_t *r, trt_engine_t *engine, int t) {
  cpu_engine_t *cpu = cpu_engine_of(engine);
  const trt_tensor_t *tensor = &engine->full.network->tensors[t];
  unsigned char follows = 0;
  if (!trt_plan_take(r, &follows, 1))
    return damaged("truncated");
  if (follows & ~(FOLLOWS_IN_DIMS | FOLLOWS_IN_VALUES))
    return damaged("bad batch record");
  if ((follows & FOLLOWS_IN_DIMS) &&
      (tensor->data || tensor->dims.nb_dims < 1 || tensor->dims.d[0] % engine->max_batch != 0))
    return damaged("a batched tensor's first dimension is not a multiple of the batch");
  if (follows & FOLLOWS_IN_VALUES) {
    size_t bytes = trt_tensor_bytes(tensor);
    if (!tensor->data ||
        (tensor->type != TRT_DATA_TYPE_INT64 && tensor->type != TRT_DATA_TYPE_INT32))
      return damaged("batch-dependent values on a tensor that is no integer constant");
    if (!(cpu->values_at_one[t] = malloc(bytes ? bytes : 1)))
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
    if (!trt_plan_take(r, cpu->values_at_one[t], bytes))
      return damaged("truncated");
  }
  cpu->follows[t] = follows;
  return TRT_STATUS_OK;
}

static trt_status_t load(trt_engine_t *engine, const void *section, size_t size) {
  trt_status_t status = check_layers(engine->full.network);
  if (status == TRT_STATUS_OK)
    status = engine_alloc(engine);
  if (status != TRT_STATUS_OK)
    return status;
  cpu_engine_t *cpu = cpu_engine_of(engine);
  const trt_network_t *network = engine->full.network;
  trt_plan_reader_t r = {section, size, 0, false};
  if (trt_plan_take_u32(&r) != SECTION_TAG)
    return damaged("bad tag");
  uint32_t scalable = trt_plan_take_u32(&r);
  uint32_t count = trt_plan_take_u32(&r);
  if (r.truncated || scalable > 1 || count != (uint32_t)network->nb_tensors)
    return damaged("tensor count does not match the network");
  cpu->batch_scalable = scalable == 1;
  for (int t = 0; t < network->nb_tensors && status == TRT_STATUS_OK; t++)
    status = take_follows(&r, engine, t);
  if (status == TRT_STATUS_OK && r.offset != r.size)
    status = damaged("trailing bytes");
  if (status != TRT_STATUS_OK)
    return status;
  trt_log(TRT_SEVERITY_INFO, "loaded CPU engine: %d layers, activations %.2f MiB, max batch %d",
          network->nb_layers, engine->full.plan.arena_bytes / 1048576.0, engine->max_batch);
  return TRT_STATUS_OK;
}

/* ---- contexts -------------------------------------------------------------- */

static void context_destroy(trt_context_t *context) {
  cpu_context_t *cc = cpu_context_of(context);
  context->impl = NULL;
  if (!cc)
    return;
  trt_cpu_context_destroy(cc->pool);
  for (int b = 0; cc->staging && b < context->engine->nb_bindings; b++)
    free(cc->staging[b]);
  free(cc->staging);
  for (int t = 0; cc->values && t < context->engine->full.network->nb_tensors; t++)
    free(cc->values[t]);
  free(cc->values);
  free(cc->bound);
  free(cc->at_batch.tensors);
  free(cc->inputs);
  free(cc->arena);
  free(cc);
}

static int most_layer_inputs(const trt_network_t *network) {
  int most = 1;
  for (int l = 0; l < network->nb_layers; l++)
    if (network->layers[l].nb_inputs > most)
      most = network->layers[l].nb_inputs;
  return most;
}

static trt_status_t context_create(trt_context_t *context) {
  const trt_engine_t *engine = context->engine;
  const trt_network_t *network = engine->full.network;
  cpu_context_t *cc = calloc(1, sizeof(*cc));
  context->impl = cc;
  if (!cc)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a context");
  size_t arena_bytes = engine->full.plan.arena_bytes;
  cc->pool = trt_cpu_context_create(engine->config.cpu_threads);
  cc->bound = calloc((size_t)network->nb_tensors + 1, sizeof(void *));
  cc->staging = calloc((size_t)engine->nb_bindings + 1, sizeof(void *));
  cc->values = calloc((size_t)network->nb_tensors + 1, sizeof(void *));
  cc->inputs = calloc((size_t)most_layer_inputs(network), sizeof(void *));
  if (arena_bytes && posix_memalign(&cc->arena, TRT_ACTIVATION_ALIGNMENT, arena_bytes) != 0)
    cc->arena = NULL;
  if (!cc->pool || !cc->bound || !cc->staging || !cc->values || !cc->inputs ||
      (arena_bytes && !cc->arena))
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for %zu bytes of activations",
                     arena_bytes);
  return TRT_STATUS_OK;
}

/* Tensor t's values at `batch`: at batch 1 times the batch where they
 * differ from the maximum's. */
static trt_status_t values_at(cpu_context_t *cc, const trt_engine_t *engine, int t, int batch) {
  const trt_tensor_t *tensor = &engine->full.network->tensors[t];
  const void *at_one = cpu_engine_of(engine)->values_at_one[t];
  int64_t count = trt_dims_volume(&tensor->dims);
  if (!cc->values[t] && !(cc->values[t] = malloc(trt_tensor_bytes(tensor) + 1)))
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for batch %d", batch);
  for (int64_t i = 0; i < count; i++) {
    if (tensor->type == TRT_DATA_TYPE_INT64) {
      int64_t one = ((const int64_t *)at_one)[i], max = ((const int64_t *)tensor->data)[i];
      ((int64_t *)cc->values[t])[i] = one == max ? one : one * batch;
    } else {
      int32_t one = ((const int32_t *)at_one)[i], max = ((const int32_t *)tensor->data)[i];
      ((int32_t *)cc->values[t])[i] = one == max ? one : one * batch;
    }
  }
  return TRT_STATUS_OK;
}

/* The network for `batch` items: the engine's own at the maximum, else its
 * copy with what follows the batch scaled (made once per batch size). */
static trt_status_t network_at(cpu_context_t *cc, const trt_engine_t *engine, int batch,
                               const trt_network_t **out) {
  const trt_network_t *full = engine->full.network;
  if (batch == engine->max_batch) {
    *out = full;
    return TRT_STATUS_OK;
  }
  if (cc->batch != batch) {
    if (!cc->at_batch.tensors) {
      cc->at_batch.tensors = malloc((size_t)full->nb_tensors * sizeof(trt_tensor_t) + 1);
      if (!cc->at_batch.tensors)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for batch %d", batch);
    }
    trt_tensor_t *tensors = cc->at_batch.tensors;
    cc->at_batch = *full;
    cc->at_batch.tensors = tensors;
    memcpy(tensors, full->tensors, (size_t)full->nb_tensors * sizeof(trt_tensor_t));
    cc->batch = 0; /* until complete */
    const unsigned char *follows = cpu_engine_of(engine)->follows;
    for (int t = 0; t < full->nb_tensors; t++) {
      if (follows[t] & FOLLOWS_IN_DIMS)
        tensors[t].dims.d[0] = tensors[t].dims.d[0] / engine->max_batch * batch;
      if (follows[t] & FOLLOWS_IN_VALUES) {
        trt_status_t status = values_at(cc, engine, t, batch);
        if (status != TRT_STATUS_OK)
          return status;
        tensors[t].data = cc->values[t];
      }
    }
    cc->batch = batch;
  }
  *out = &cc->at_batch;
  return TRT_STATUS_OK;
}

/* Where tensor `t` lives during this run: a view lives inside its parent,
 * at view_offset steps of the parent's stride along view_axis. */
static void *tensor_address(const cpu_context_t *cc, const trt_engine_t *engine,
                            const trt_network_t *network, int t) {
  const trt_tensor_t *tensor = &network->tensors[t];
  if (tensor->view_parent >= 0) {
    const trt_tensor_t *parent = &network->tensors[tensor->view_parent];
    size_t stride = trt_data_type_size(parent->type);
    for (int d = tensor->view_axis + 1; d < parent->dims.nb_dims; d++)
      stride *= (size_t)parent->dims.d[d];
    char *base = tensor_address(cc, engine, network, tensor->view_parent);
    return base + (size_t)tensor->view_offset * stride;
  }
  if (cc->bound[t])
    return cc->bound[t];
  if (tensor->data)
    return tensor->data;
  return (char *)cc->arena + engine->full.plan.offsets[t];
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static trt_status_t run_layers(trt_context_t *context, const trt_network_t *network) {
  cpu_context_t *cc = cpu_context_of(context);
  const trt_engine_t *engine = context->engine;
  void *outputs[TRT_MAX_LAYER_OUTPUTS];
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      cc->inputs[i] =
          layer->inputs[i] < 0 ? NULL : tensor_address(cc, engine, network, layer->inputs[i]);
    for (int o = 0; o < layer->nb_outputs; o++)
      outputs[o] = tensor_address(cc, engine, network, layer->outputs[o]);
    double start = context->profiler ? now_ms() : 0;
    trt_status_t status = trt_cpu_layer_run(network, layer, cc->inputs, outputs, cc->pool);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "layer '%s' (%s): ", layer->name,
                              trt_layer_type_name(layer->type));
    if (context->profiler)
      context->profiler(layer->name, (float)(now_ms() - start), context->profiler_data);
  }
  return TRT_STATUS_OK;
}

/* Runs `network` on `bindings`: outputs are written straight into their
 * bindings; an output that is a constant or an input is copied there at
 * the end. */
static trt_status_t run(trt_context_t *context, const trt_network_t *network,
                        void *const *bindings) {
  cpu_context_t *cc = cpu_context_of(context);
  const trt_engine_t *engine = context->engine;
  const int *binding_tensors = engine->full.binding_tensors;
  memset(cc->bound, 0, (size_t)network->nb_tensors * sizeof(void *));
  for (int b = 0; b < engine->nb_bindings; b++) {
    int t = binding_tensors[b];
    if (engine->binding_is_input[b] || network->tensors[t].producer >= 0)
      cc->bound[t] = bindings[b];
  }
  trt_status_t status = run_layers(context, network);
  for (int b = 0; status == TRT_STATUS_OK && b < engine->nb_bindings; b++) {
    int t = binding_tensors[b];
    const trt_tensor_t *tensor = &network->tensors[t];
    if (engine->binding_is_input[b] || tensor->producer >= 0)
      continue;
    const void *source = tensor->data;
    for (int i = 0; !source && i < engine->nb_bindings; i++)
      if (engine->binding_is_input[i] && binding_tensors[i] == t)
        source = bindings[i];
    if (source && source != bindings[b])
      memcpy(bindings[b], source, trt_tensor_bytes(tensor));
  }
  return status;
}

/* A smaller batch of an engine that is not batch scalable: the first
 * `batch` items of each batched binding go through staging buffers at the
 * maximum (zeroed once; later unused slots hold earlier items). */
static trt_status_t run_padded(trt_context_t *context, int batch, void *const *bindings) {
  cpu_context_t *cc = cpu_context_of(context);
  const trt_engine_t *engine = context->engine;
  void **padded = calloc((size_t)engine->nb_bindings + 1, sizeof(void *));
  if (!padded)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory running batch %d", batch);
  trt_status_t status = TRT_STATUS_OK;
  for (int b = 0; b < engine->nb_bindings && status == TRT_STATUS_OK; b++) {
    padded[b] = bindings[b];
    if (!engine->binding_has_batch[b])
      continue;
    if (!cc->staging[b]) {
      size_t bytes = trt_engine_binding_bytes(engine, b, engine->max_batch);
      cc->staging[b] = calloc(1, bytes ? bytes : 1);
      if (!cc->staging[b]) {
        status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory running batch %d", batch);
        break;
      }
    }
    padded[b] = cc->staging[b];
    if (engine->binding_is_input[b])
      memcpy(padded[b], bindings[b], trt_engine_binding_bytes(engine, b, batch));
  }
  if (status == TRT_STATUS_OK)
    status = run(context, engine->full.network, padded);
  for (int b = 0; status == TRT_STATUS_OK && b < engine->nb_bindings; b++)
    if (!engine->binding_is_input[b] && padded[b] != bindings[b])
      memcpy(bindings[b], padded[b], trt_engine_binding_bytes(engine, b, batch));
  free(padded);
  return status;
}

static trt_status_t enqueue(trt_context_t *context, int batch, void *const *bindings,
                            void *stream) {
  (void)stream; /* the CPU runs before returning */
  const trt_engine_t *engine = context->engine;
  if (batch != engine->max_batch && !cpu_engine_of(engine)->batch_scalable)
    return run_padded(context, batch, bindings);
  const trt_network_t *network = NULL;
  trt_status_t status = network_at(cpu_context_of(context), engine, batch, &network);
  return status == TRT_STATUS_OK ? run(context, network, bindings) : status;
}

static trt_status_t synchronize(trt_context_t *context) {
  (void)context;
  return TRT_STATUS_OK;
}

static int context_threads(const trt_context_t *context) {
  return trt_cpu_context_threads(cpu_context_of(context)->pool);
}

const trt_backend_ops_t trt_cpu_backend = {
    .id = TRT_BACKEND_CPU,
    .check_device = check_device,
    .build = build,
    .destroy = destroy,
    .plan_device = plan_device,
    .plan_section = plan_section,
    .load = load,
    .context_create = context_create,
    .context_destroy = context_destroy,
    .enqueue = enqueue,
    .synchronize = synchronize,
    .context_threads = context_threads,
};
