/* CUDA execution contexts: each owns a stream, library handles, a
 * workspace, the activation arena and every layer's state, and launches the
 * engine's layers on its stream.
 *
 * Streams: the context always runs on its own stream (the library handles
 * are bound to it). When the caller passes another stream, the context's
 * work waits for what was enqueued there before (an event), and the
 * caller's stream waits for the context's work (another event): to the
 * caller the engine runs on its stream.
 *
 * Batches below the maximum run at the maximum on staging buffers owned by
 * the context: the first `batch` items of each batched input are copied in,
 * the rest of the buffer holds zeros (set once) or earlier items, which
 * only occupy the unused batch slots, and the first `batch` items of each
 * batched output are copied out. Correct for networks whose batch items are
 * independent, which is what a batch dimension means here.
 *
 * CUDA graphs (trt_context_set_use_graph): the graph holds the network's
 * launches only, and runs on buffers the context owns: in graph mode every
 * binding goes through a staging buffer (at the maximum batch), the
 * caller's inputs are copied in before the replay and the outputs copied
 * out after it, outside the graph. The graph therefore depends on nothing
 * the caller passes, neither the bindings nor the batch (the network always
 * runs at the maximum), and is captured once per context, not whenever the
 * caller's buffers move (which, with buffers allocated per frame, would be
 * every run). The cost is one device-to-device copy per binding, small
 * next to the network.
 *
 * Capture is fragile, so it is made rare and never on the path of a
 * result:
 *  - the first graph-mode enqueue runs the network eagerly on the staging
 *    buffers (the warm-up: cuDNN and cuBLAS pick kernels, load modules
 *    lazily and make their internal allocations outside any capture), then
 *    captures the same launches; the capture executes nothing, so this
 *    enqueue's outputs come from the eager run whatever becomes of it;
 *  - enqueue itself never allocates, frees or synchronizes: staging buffers
 *    are allocated and zeroed (asynchronously, on the context's stream)
 *    before the first capture, and every launch goes to the context's
 *    non-blocking stream;
 *  - a capture can still be invalidated by another thread of the process
 *    that synchronizes the whole device meanwhile (cudaDeviceSynchronize,
 *    and cudaFree/cudaFreeHost, which synchronize implicitly: CUDA forbids
 *    that while any stream is capturing, whatever the capture mode). The
 *    capture holds the process-wide lock of cuda_backend.h, which every
 *    free the engine makes (trt_device_free and trt_host_free_pinned
 *    included) also takes, so the engine's own frees and other contexts'
 *    captures cannot interleave with it; an application's own cudaFree on
 *    another thread still can;
 *  - when a capture fails anyway, a warning is logged, the enqueue (which
 *    already ran eagerly) succeeds, the next enqueue runs eagerly and
 *    captures again, and after GRAPH_MAX_FAILURES failed captures the
 *    context stays eager for good (another warning). Inference never fails
 *    because of a graph.
 * The capture mode stays cudaStreamCaptureModeThreadLocal: the capturing
 * thread makes no unsafe call of its own (checked by the mode, a violation
 * fails the capture and falls back as above), and other threads' unrelated
 * calls are not its business. Relaxed would only hide such violations. */
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_core.h"

struct trt_cuda_context {
  const trt_engine_t *engine;
  trt_cuda_env_t env;
  void *arena;
  void **states;   /* per layer */
  bool *created;   /* per layer: destroy its state */
  void **addresses; /* per tensor, for the current run */
  const void **inputs;
  int max_inputs;
  void **staging;      /* per binding: device buffer at the maximum batch, or NULL */
  void **run_bindings; /* per binding: what the network reads and writes this run */
  cudaEvent_t entry, exit; /* following a caller's stream */
  cudaEvent_t *layer_events; /* nb_layers + 1, made when a profiler is first used */
  bool use_graph;
  cudaGraphExec_t graph; /* the network's launches on the staging buffers */
  int graph_failures;    /* failed captures since graphs were switched on */
};

/* Failed captures after which a context stops trying (and stays eager). */
#define GRAPH_MAX_FAILURES 3

static const trt_tensor_t *binding_tensor(const trt_engine_t *engine, int b) {
  return &engine->full.network->tensors[engine->full.binding_tensors[b]];
}


/* ---- creation ------------------------------------------------------------ */

static trt_status_t create_layers(trt_cuda_context_t *cc) {
  const trt_engine_t *engine = cc->engine;
  const trt_network_t *network = engine->full.network;
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(layer->type);
    if (!ops)
      return trt_error(TRT_STATUS_UNSUPPORTED, "layer '%s' (%s): no CUDA implementation",
                       layer->name, trt_layer_type_name(layer->type));
    size_t workspace = 0;
    trt_status_t status = ops->create(network, layer, trt_cuda_engine_of(engine)->tactics[l], &cc->env,
                                      &cc->states[l], &workspace);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(status, "layer '%s' (%s): ", layer->name,
                              trt_layer_type_name(layer->type));
    cc->created[l] = true;
    status = trt_cuda_env_reserve_workspace(&cc->env, workspace);
    if (status != TRT_STATUS_OK)
      return status;
    if (layer->nb_inputs > cc->max_inputs)
      cc->max_inputs = layer->nb_inputs;
  }
  cc->inputs = calloc((size_t)cc->max_inputs + 1, sizeof(void *));
  if (!cc->inputs)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a context");
  return TRT_STATUS_OK;
}

static trt_status_t context_setup(trt_cuda_context_t *cc) {
  const trt_engine_t *engine = cc->engine;
  const trt_network_t *network = engine->full.network;
  size_t layers = (size_t)(network->nb_layers ? network->nb_layers : 1);
  size_t bindings = (size_t)engine->nb_bindings + 1;
  cc->states = calloc(layers, sizeof(void *));
  cc->created = calloc(layers, sizeof(bool));
  cc->addresses = calloc((size_t)network->nb_tensors + 1, sizeof(void *));
  cc->staging = calloc(bindings, sizeof(void *));
  cc->run_bindings = calloc(bindings, sizeof(void *));
  if (!cc->states || !cc->created || !cc->addresses || !cc->staging || !cc->run_bindings)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a context");
  trt_status_t status =
      trt_cuda_env_init(&cc->env, trt_cuda_engine_of(engine)->device, engine->config.allow_tf32);
  if (status != TRT_STATUS_OK)
    return status;
  TRT_CUDA_CHECK(cudaEventCreateWithFlags(&cc->entry, cudaEventDisableTiming));
  TRT_CUDA_CHECK(cudaEventCreateWithFlags(&cc->exit, cudaEventDisableTiming));
  size_t arena_bytes = engine->full.plan.arena_bytes;
  if (arena_bytes) {
    cudaError_t error = cudaMalloc(&cc->arena, arena_bytes);
    if (error != cudaSuccess) {
      cc->arena = NULL;
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%.1f MiB of activations on the device: %s",
                       arena_bytes / 1048576.0, cudaGetErrorString(error));
    }
  }
  status = trt_cuda_env_reserve_workspace(&cc->env, trt_cuda_engine_of(engine)->workspace_bytes);
  if (status != TRT_STATUS_OK)
    return status;
  /* Layer states allocate (and cuDNN may free) device memory: not while
   * another context captures (cuda_backend.h). */
  trt_cuda_capture_lock();
  status = create_layers(cc);
  trt_cuda_capture_unlock();
  return status;
}

static trt_status_t context_create(trt_context_t *context) {
  if (!trt_cuda_engine_of(context->engine))
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "a CUDA engine without its CUDA part");
  trt_cuda_context_t *cc = calloc(1, sizeof(*cc));
  if (!cc)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a context");
  cc->engine = context->engine;
  context->impl = cc;
  return context_setup(cc);
}

static void drop_graph(trt_cuda_context_t *cc) {
  if (cc->graph)
    (void)cudaGraphExecDestroy(cc->graph);
  cc->graph = NULL;
}

static void context_destroy(trt_context_t *context) {
  trt_cuda_context_t *cc = trt_cuda_context_of(context);
  context->impl = NULL;
  if (!cc)
    return;
  const trt_engine_t *engine = cc->engine;
  (void)cudaSetDevice(trt_cuda_engine_of(engine)->device);
  if (cc->env.stream)
    (void)cudaStreamSynchronize(cc->env.stream);
  drop_graph(cc);
  const trt_network_t *network = engine->full.network;
  trt_cuda_capture_lock(); /* cuda_backend.h: frees inside the libraries */
  for (int l = 0; cc->created && l < network->nb_layers; l++) {
    const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(network->layers[l].type);
    if (cc->created[l] && ops && ops->destroy)
      ops->destroy(cc->states[l]);
  }
  if (cc->layer_events)
    for (int e = 0; e <= network->nb_layers; e++)
      if (cc->layer_events[e])
        (void)cudaEventDestroy(cc->layer_events[e]);
  for (int b = 0; cc->staging && b < engine->nb_bindings; b++)
    if (cc->staging[b])
      (void)trt_cuda_free(cc->staging[b]);
  if (cc->entry)
    (void)cudaEventDestroy(cc->entry);
  if (cc->exit)
    (void)cudaEventDestroy(cc->exit);
  if (cc->arena)
    (void)trt_cuda_free(cc->arena);
  trt_cuda_capture_unlock();
  trt_cuda_env_release(&cc->env);
  free(cc->layer_events);
  free(cc->states);
  free(cc->created);
  free(cc->addresses);
  free(cc->inputs);
  free(cc->staging);
  free(cc->run_bindings);
  free(cc);
}

static void set_use_graph(trt_context_t *context, bool use_graph) {
  trt_cuda_context_t *cc = trt_cuda_context_of(context);
  if (cc->use_graph != use_graph) {
    drop_graph(cc);
    cc->graph_failures = 0;
  }
  cc->use_graph = use_graph;
}

/* ---- one run --------------------------------------------------------------- */


/* Chooses the buffers the network runs on: the caller's, or staging buffers
 * for a smaller batch, or for every binding when `stage_all` (graph mode).
 * A staging buffer is allocated once, and zeroed on the context's stream
 * (asynchronously: nothing here synchronizes), before any capture. */
static trt_status_t prepare_bindings(trt_cuda_context_t *cc, int batch, void *const *bindings,
                                     bool stage_all) {
  const trt_engine_t *engine = cc->engine;
  for (int b = 0; b < engine->nb_bindings; b++) {
    cc->run_bindings[b] = bindings[b];
    if (!stage_all && (batch == engine->max_batch || !engine->binding_has_batch[b]))
      continue;
    if (!cc->staging[b]) {
      size_t bytes = trt_tensor_bytes(binding_tensor(engine, b));
      TRT_CUDA_CHECK(cudaMalloc(&cc->staging[b], bytes ? bytes : 1));
      TRT_CUDA_CHECK(cudaMemsetAsync(cc->staging[b], 0, bytes ? bytes : 1, cc->env.stream));
    }
    cc->run_bindings[b] = cc->staging[b];
  }
  return TRT_STATUS_OK;
}

static trt_status_t stage_inputs(trt_cuda_context_t *cc, int batch, void *const *bindings) {
  const trt_engine_t *engine = cc->engine;
  for (int b = 0; b < engine->nb_bindings; b++)
    if (engine->binding_is_input[b] && cc->run_bindings[b] != bindings[b])
      TRT_CUDA_CHECK(cudaMemcpyAsync(cc->run_bindings[b], bindings[b], trt_engine_binding_bytes(engine, b, batch),
                                     cudaMemcpyDeviceToDevice, cc->env.stream));
  return TRT_STATUS_OK;
}

/* Outputs no layer writes (constants, inputs passed through), on the
 * buffers the network runs on: part of the graph. */
static trt_status_t fill_unwritten_outputs(trt_cuda_context_t *cc) {
  const trt_engine_t *engine = cc->engine;
  const trt_network_t *network = engine->full.network;
  for (int b = 0; b < engine->nb_bindings; b++) {
    int t = engine->full.binding_tensors[b];
    if (engine->binding_is_input[b] || network->tensors[t].producer >= 0)
      continue;
    const void *source = trt_cuda_engine_of(engine)->constant_addresses[t];
    for (int i = 0; !source && i < engine->nb_bindings; i++)
      if (engine->binding_is_input[i] && engine->full.binding_tensors[i] == t)
        source = cc->run_bindings[i];
    if (source && source != cc->run_bindings[b])
      TRT_CUDA_CHECK(cudaMemcpyAsync(cc->run_bindings[b], source,
                                     trt_tensor_bytes(&network->tensors[t]),
                                     cudaMemcpyDeviceToDevice, cc->env.stream));
  }
  return TRT_STATUS_OK;
}

/* The staged outputs back to the caller: never part of the graph. */
static trt_status_t unstage_outputs(trt_cuda_context_t *cc, int batch, void *const *bindings) {
  const trt_engine_t *engine = cc->engine;
  for (int b = 0; b < engine->nb_bindings; b++)
    if (!engine->binding_is_input[b] && cc->run_bindings[b] != bindings[b])
      TRT_CUDA_CHECK(cudaMemcpyAsync(bindings[b], cc->run_bindings[b], trt_engine_binding_bytes(engine, b, batch),
                                     cudaMemcpyDeviceToDevice, cc->env.stream));
  return TRT_STATUS_OK;
}

static trt_status_t launch_layers(trt_cuda_context_t *cc, bool profile) {
  const trt_engine_t *engine = cc->engine;
  const trt_network_t *network = engine->full.network;
  memset(cc->addresses, 0, (size_t)network->nb_tensors * sizeof(void *));
  for (int b = 0; b < engine->nb_bindings; b++) {
    int t = engine->full.binding_tensors[b];
    if (engine->binding_is_input[b] || network->tensors[t].producer >= 0)
      cc->addresses[t] = cc->run_bindings[b];
  }
  trt_status_t status = trt_cuda_resolve_addresses(network, &engine->full.plan,
                                                   trt_cuda_engine_of(engine)->constant_addresses, cc->arena,
                                                   cc->addresses);
  /* Inside a capture the profiler's records must be external to become
   * nodes of the graph; outside one they are plain records. */
  unsigned record_flags = cudaEventRecordDefault;
  if (profile) {
    enum cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
    TRT_CUDA_CHECK(cudaStreamIsCapturing(cc->env.stream, &capture));
    if (capture == cudaStreamCaptureStatusActive)
      record_flags = cudaEventRecordExternal;
  }
  void *outputs[TRT_MAX_LAYER_OUTPUTS];
  for (int l = 0; status == TRT_STATUS_OK && l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      cc->inputs[i] = layer->inputs[i] < 0 ? NULL : cc->addresses[layer->inputs[i]];
    for (int o = 0; o < layer->nb_outputs; o++)
      outputs[o] = cc->addresses[layer->outputs[o]];
    if (profile)
      TRT_CUDA_CHECK(cudaEventRecordWithFlags(cc->layer_events[l], cc->env.stream, record_flags));
    status = trt_cuda_layer_ops(layer->type)
                 ->enqueue(cc->states[l], network, layer, trt_cuda_engine_of(engine)->tactics[l], cc->inputs,
                           outputs, &cc->env);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "layer '%s' (%s): ", layer->name, trt_layer_type_name(layer->type));
  }
  if (status == TRT_STATUS_OK && profile)
    TRT_CUDA_CHECK(cudaEventRecordWithFlags(cc->layer_events[network->nb_layers], cc->env.stream,
                                            record_flags));
  return status;
}

/* What the graph holds: the network on cc->run_bindings. */
static trt_status_t launch_network(trt_cuda_context_t *cc, bool profile) {
  trt_status_t status = launch_layers(cc, profile);
  if (status == TRT_STATUS_OK)
    status = fill_unwritten_outputs(cc);
  return status;
}

/* Captures launch_network (on the staging buffers, with the profiler's
 * events when `profile`) into *exec. Holds the process-wide capture lock
 * throughout (cuda_backend.h). On failure *exec is NULL, the stream has
 * left capture mode and the error the failure left for cudaGetLastError is
 * cleared; trt_last_error() says what failed. Nothing captured is executed,
 * so a failure loses no work. */
static trt_status_t capture_network(trt_cuda_context_t *cc, bool profile, cudaGraphExec_t *exec) {
  *exec = NULL;
  trt_cuda_capture_lock();
  cudaError_t error = cudaStreamBeginCapture(cc->env.stream, cudaStreamCaptureModeThreadLocal);
  trt_status_t status = TRT_STATUS_OK;
  cudaGraph_t graph = NULL;
  if (error != cudaSuccess) {
    status = trt_error(TRT_STATUS_CUDA_ERROR, "beginning a CUDA graph capture: %s",
                       cudaGetErrorString(error));
  } else {
    status = launch_network(cc, profile);
    error = cudaStreamEndCapture(cc->env.stream, &graph);
    if (status == TRT_STATUS_OK && error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "capturing a CUDA graph: %s",
                         cudaGetErrorString(error));
  }
  trt_cuda_capture_unlock();
  if (status == TRT_STATUS_OK && !graph)
    status = trt_error(TRT_STATUS_CUDA_ERROR, "capturing a CUDA graph: no graph came back");
  if (status == TRT_STATUS_OK) {
    error = cudaGraphInstantiate(exec, graph, 0);
    if (error != cudaSuccess) {
      *exec = NULL;
      status = trt_error(TRT_STATUS_CUDA_ERROR, "instantiating a CUDA graph: %s",
                         cudaGetErrorString(error));
    }
  }
  if (graph)
    (void)cudaGraphDestroy(graph);
  if (status != TRT_STATUS_OK) {
    /* A failed capture's errors are not sticky; leave none behind for the
     * next check on this thread to misreport. */
    (void)cudaGetLastError();
    *exec = NULL;
  }
  return status;
}

static trt_status_t capture_graph(trt_cuda_context_t *cc) {
  drop_graph(cc);
  return capture_network(cc, false, &cc->graph);
}

/* Profiling: the layers and the events between them run as one graph, so
 * that each layer's time is its GPU time rather than the host's launch
 * time (eager launches starve the GPU and the events would measure the
 * host). Runs eagerly with the events when no graph can be captured. */
static trt_status_t run_profiled(trt_cuda_context_t *cc) {
  cudaGraphExec_t exec = NULL;
  if (capture_network(cc, true, &exec) != TRT_STATUS_OK) {
    trt_log(TRT_SEVERITY_WARNING,
            "CUDA graph capture failed (%s); the profile times eager launches, host included",
            trt_last_error());
    return launch_network(cc, true);
  }
  cudaError_t error = cudaGraphLaunch(exec, cc->env.stream);
  (void)cudaGraphExecDestroy(exec); /* freed once the launch completes */
  if (error != cudaSuccess)
    return trt_error(TRT_STATUS_CUDA_ERROR, "launching the profiled graph: %s",
                     cudaGetErrorString(error));
  return TRT_STATUS_OK;
}

/* Graph mode, after the inputs are staged: replay, or run eagerly and then
 * try to capture (see the top of the file). Fails only when the eager run
 * or a replay does, never because a capture did. */
static trt_status_t run_graph_mode(trt_cuda_context_t *cc) {
  if (cc->graph) {
    TRT_CUDA_CHECK(cudaGraphLaunch(cc->graph, cc->env.stream));
    return TRT_STATUS_OK;
  }
  trt_status_t status = launch_network(cc, false); /* this run's results; the warm-up */
  if (status != TRT_STATUS_OK || cc->graph_failures >= GRAPH_MAX_FAILURES)
    return status;
  if (capture_graph(cc) != TRT_STATUS_OK) {
    cc->graph_failures++;
    bool giving_up = cc->graph_failures >= GRAPH_MAX_FAILURES;
    trt_log(TRT_SEVERITY_WARNING,
            "CUDA graph capture failed (%s); this context runs without a graph %s",
            trt_last_error(), giving_up ? "from now on" : "until the next attempt");
  }
  return TRT_STATUS_OK;
}

static trt_status_t ensure_layer_events(trt_cuda_context_t *cc) {
  if (cc->layer_events)
    return TRT_STATUS_OK;
  int count = cc->engine->full.network->nb_layers + 1;
  cc->layer_events = calloc((size_t)count, sizeof(cudaEvent_t));
  if (!cc->layer_events)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for profiler events");
  for (int e = 0; e < count; e++)
    TRT_CUDA_CHECK(cudaEventCreate(&cc->layer_events[e]));
  return TRT_STATUS_OK;
}

/* Waits for the run and reports each layer's time (events around it). */
static trt_status_t report_profile(trt_context_t *context) {
  trt_cuda_context_t *cc = trt_cuda_context_of(context);
  const trt_network_t *network = cc->engine->full.network;
  TRT_CUDA_CHECK(cudaStreamSynchronize(cc->env.stream));
  for (int l = 0; l < network->nb_layers; l++) {
    float ms = 0;
    TRT_CUDA_CHECK(cudaEventElapsedTime(&ms, cc->layer_events[l], cc->layer_events[l + 1]));
    context->profiler(network->layers[l].name, ms, context->profiler_data);
  }
  return TRT_STATUS_OK;
}

static trt_status_t run(trt_context_t *context, int batch, void *const *bindings) {
  trt_cuda_context_t *cc = trt_cuda_context_of(context);
  bool profile = context->profiler != NULL;
  bool graph_mode = cc->use_graph && !profile;
  trt_status_t status = prepare_bindings(cc, batch, bindings, graph_mode);
  if (status == TRT_STATUS_OK && profile)
    status = ensure_layer_events(cc);
  if (status == TRT_STATUS_OK)
    status = stage_inputs(cc, batch, bindings);
  if (status == TRT_STATUS_OK)
    status = graph_mode ? run_graph_mode(cc)
             : profile  ? run_profiled(cc)
                        : launch_network(cc, false);
  if (status == TRT_STATUS_OK)
    status = unstage_outputs(cc, batch, bindings);
  return status;
}

static trt_status_t enqueue(trt_context_t *context, int batch, void *const *bindings,
                            void *stream) {
  trt_cuda_context_t *cc = trt_cuda_context_of(context);
  const trt_engine_t *engine = cc->engine;
  TRT_CUDA_CHECK(cudaSetDevice(trt_cuda_engine_of(engine)->device));
  cudaStream_t caller = (cudaStream_t)stream;
  bool follow = caller && caller != cc->env.stream;
  if (follow) {
    TRT_CUDA_CHECK(cudaEventRecord(cc->entry, caller));
    TRT_CUDA_CHECK(cudaStreamWaitEvent(cc->env.stream, cc->entry, 0));
  }
  trt_status_t status = run(context, batch, bindings);
  if (follow) {
    /* Even after a failure: the caller's later work must not race ours. */
    cudaError_t error = cudaEventRecord(cc->exit, cc->env.stream);
    if (error == cudaSuccess)
      error = cudaStreamWaitEvent(caller, cc->exit, 0);
    if (status == TRT_STATUS_OK && error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "joining the caller's stream: %s",
                         cudaGetErrorString(error));
  }
  if (status == TRT_STATUS_OK && context->profiler)
    status = report_profile(context);
  return status;
}

static trt_status_t synchronize(trt_context_t *context) {
  TRT_CUDA_CHECK(cudaStreamSynchronize(trt_cuda_context_of(context)->env.stream));
  return TRT_STATUS_OK;
}

/* ---- the backend's table (backend.h) --------------------------------------- */

/* Smaller batches run at the maximum on staging buffers (see the top of
 * this file), so the batch-1 network is not needed. */
static trt_status_t build(trt_engine_t *engine, const trt_network_t *single) {
  (void)single;
  return trt_cuda_engine_build(engine);
}

static bool layer_runs_fp16(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(layer->type);
  return ops && ops->runs_fp16 && ops->runs_fp16(network, layer);
}

/* One run of the engine at its maximum batch on zeroed device bindings, with
 * a CUDA graph as contexts run by default: the median of `runs` event
 * timings after a warm-up run (which captures the graph). */
static trt_status_t time_engine(const trt_engine_t *engine, int runs, double *milliseconds) {
  const int count = trt_engine_num_bindings(engine), batch = trt_engine_max_batch(engine);
  void **bindings = calloc((size_t)(count > 0 ? count : 1), sizeof(void *));
  float *samples = calloc((size_t)(runs > 0 ? runs : 1), sizeof(float));
  cudaEvent_t start = NULL, stop = NULL;
  trt_context_t *context = NULL;
  trt_status_t status = bindings && samples && runs > 0
                            ? TRT_STATUS_OK
                            : trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory timing an engine");
  for (int b = 0; status == TRT_STATUS_OK && b < count; b++) {
    const size_t bytes = trt_engine_binding_bytes(engine, b, batch);
    cudaError_t error = cudaMalloc(&bindings[b], bytes ? bytes : 1);
    if (error == cudaSuccess)
      error = cudaMemset(bindings[b], 0, bytes);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "timing an engine: %s", cudaGetErrorString(error));
  }
  if (status == TRT_STATUS_OK)
    status = trt_context_create(engine, &context);
  if (status == TRT_STATUS_OK) {
    trt_context_set_use_graph(context, true);
    cudaError_t error = cudaEventCreate(&start);
    if (error == cudaSuccess)
      error = cudaEventCreate(&stop);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "timing an engine: %s", cudaGetErrorString(error));
  }
  cudaStream_t stream = context ? trt_cuda_context_of(context)->env.stream : NULL;
  if (status == TRT_STATUS_OK)
    status = trt_context_enqueue(context, batch, bindings, NULL);
  for (int r = 0; status == TRT_STATUS_OK && r < runs; r++) {
    cudaError_t error = cudaEventRecord(start, stream);
    if (error == cudaSuccess)
      status = trt_context_enqueue(context, batch, bindings, NULL);
    if (status == TRT_STATUS_OK && error == cudaSuccess)
      error = cudaEventRecord(stop, stream);
    if (status == TRT_STATUS_OK && error == cudaSuccess)
      error = cudaEventSynchronize(stop);
    if (status == TRT_STATUS_OK && error == cudaSuccess)
      error = cudaEventElapsedTime(&samples[r], start, stop);
    if (status == TRT_STATUS_OK && error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "timing an engine: %s", cudaGetErrorString(error));
  }
  if (status == TRT_STATUS_OK) {
    qsort(samples, (size_t)runs, sizeof(float), trt_cuda_compare_floats);
    *milliseconds = samples[runs / 2];
  }
  if (start)
    (void)cudaEventDestroy(start);
  if (stop)
    (void)cudaEventDestroy(stop);
  trt_context_destroy(context);
  for (int b = 0; bindings && b < count; b++)
    if (bindings[b])
      (void)trt_cuda_free(bindings[b]);
  free(bindings);
  free(samples);
  return status;
}

static trt_layer_formats_t layer_formats(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(layer->type);
  return ops && ops->formats ? ops->formats(network, layer) : TRT_LAYER_FORMATS_LINEAR;
}

const trt_backend_ops_t trt_cuda_backend = {
    .id = TRT_BACKEND_CUDA,
    .check_device = trt_cuda_check_device,
    .layer_runs_fp16 = layer_runs_fp16,
    .layer_formats = layer_formats,
    .time_engine = time_engine,
    .build = build,
    .destroy = trt_cuda_engine_destroy,
    .plan_device = trt_cuda_plan_device_name,
    .plan_section = trt_cuda_plan_section,
    .load = trt_cuda_engine_load,
    .context_create = context_create,
    .context_destroy = context_destroy,
    .enqueue = enqueue,
    .synchronize = synchronize,
    .set_use_graph = set_use_graph,
};
