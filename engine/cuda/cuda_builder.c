/* Tactic selection: for every layer of the specialized network, its family's
 * candidate tactics are timed on dummy data on the target GPU and the
 * fastest that fits the workspace limit is kept; its weights are then
 * formatted for it in the engine's network. Each candidate runs on a copy of
 * the layer alone (a one-layer network with copies of its tensors), so that
 * formatting weights for a candidate never touches the engine's network.
 * The timing cache (timing_cache.h) skips timing for layers seen before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_core.h"
#include "cuda/cuda_layers.h"
#include "cuda/timing_cache.h"
#include "layer_registry.h"

#define TIMING_WARMUP_RUNS 2
#define TIMING_RUNS 7
/* Launches per timing sample: the layer's graph replayed this many times
 * back to back, so that one launch's latency does not dominate short layers. */
#define TIMING_LAUNCHES 10
#define NOISE_COUNT (1 << 20)

typedef struct {
  trt_engine_t *engine;
  trt_cuda_env_t env; /* env.workspace grows to what the largest candidate asked */
  float *noise;       /* NOISE_COUNT values in [-1, 1] on the device */
  cudaEvent_t start, stop;
  trt_timing_cache_t *cache;
  char platform[384]; /* the timing cache's scope: GPU and library versions */
  int nb_timed, nb_cached, nb_single;
} builder_t;

static size_t align_up(size_t value) {
  return (value + TRT_CUDA_ALIGNMENT - 1) / TRT_CUDA_ALIGNMENT * TRT_CUDA_ALIGNMENT;
}

static const char *layer_type_name(const trt_layer_t *layer) {
  return trt_layer_type_name(layer->type);
}

/* ---- the builder's own environment -------------------------------------- */

static trt_status_t make_noise(builder_t *b) {
  float *host = malloc(NOISE_COUNT * sizeof(float));
  if (!host)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for timing data");
  uint64_t state = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < NOISE_COUNT; i++) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    host[i] = (float)((double)(state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
  }
  cudaError_t error = cudaMalloc((void **)&b->noise, NOISE_COUNT * sizeof(float));
  if (error == cudaSuccess)
    error = cudaMemcpy(b->noise, host, NOISE_COUNT * sizeof(float), cudaMemcpyHostToDevice);
  free(host);
  TRT_CUDA_CHECK(error);
  return TRT_STATUS_OK;
}

static void builder_release(builder_t *b) {
  if (b->start)
    (void)cudaEventDestroy(b->start);
  if (b->stop)
    (void)cudaEventDestroy(b->stop);
  if (b->noise)
    (void)trt_cuda_free(b->noise);
  trt_cuda_env_release(&b->env);
  /* the next build of the same trt_engine_build takes the cache over */
  if (b->engine && b->engine->timing_cache)
    *b->engine->timing_cache = b->cache;
  else
    trt_timing_cache_destroy(b->cache);
  memset(b, 0, sizeof(*b));
}

static trt_status_t builder_init(builder_t *b, trt_engine_t *engine) {
  memset(b, 0, sizeof(*b));
  b->engine = engine;
  trt_status_t status =
      trt_cuda_env_init(&b->env, trt_cuda_engine_of(engine)->device, engine->config.allow_tf32);
  if (status != TRT_STATUS_OK)
    return status;
  b->env.allow_lossy_tactics = engine->config.allow_lossy_tactics;
  status = make_noise(b);
  if (status != TRT_STATUS_OK)
    return status;
  TRT_CUDA_CHECK(cudaEventCreate(&b->start));
  TRT_CUDA_CHECK(cudaEventCreate(&b->stop));
  /* A tactic's timing holds for one GPU model and one build of the libraries
   * that run it: a new cuDNN brings other kernels. */
  trt_cuda_versions_t versions;
  status = trt_cuda_versions(&versions);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  snprintf(b->platform, sizeof b->platform, "%s sm%d%d cudart%d cudnn%llu cublas%d",
           cuda->device_name, cuda->cc_major, cuda->cc_minor, versions.cuda_runtime,
           (unsigned long long)versions.cudnn, versions.cublas);
  if (engine->timing_cache && *engine->timing_cache) {
    b->cache = *engine->timing_cache; /* a previous build's of the same call */
    *engine->timing_cache = NULL;
    return TRT_STATUS_OK;
  }
  return trt_timing_cache_load(engine->config.timing_cache_path, &b->cache);
}

void trt_cuda_timing_cache_free(void *cache) {
  trt_timing_cache_destroy(cache);
}

/* ---- one layer alone ------------------------------------------------------ */

typedef struct {
  trt_network_t *network;
  trt_layer_t *layer;  /* its only layer */
  void **addresses;    /* per tensor */
  void **allocations;  /* per tensor, what to cudaFree */
} layer_copy_t;

static void layer_copy_release(layer_copy_t *copy) {
  if (copy->network)
    for (int t = 0; t < copy->network->nb_tensors; t++)
      if (copy->allocations[t])
        (void)trt_cuda_free(copy->allocations[t]);
  free(copy->addresses);
  free(copy->allocations);
  trt_network_destroy(copy->network);
  memset(copy, 0, sizeof(*copy));
}

/* Adds tensor `t` of `network` (and the parents it is a view of) to `copy`. */
static trt_status_t copy_tensor(const trt_network_t *network, int t, trt_network_t *copy,
                                int *map) {
  if (t < 0 || map[t] >= 0)
    return TRT_STATUS_OK;
  const trt_tensor_t *tensor = &network->tensors[t];
  if (tensor->view_parent >= 0) {
    trt_status_t status = copy_tensor(network, tensor->view_parent, copy, map);
    if (status != TRT_STATUS_OK)
      return status;
  }
  int index = tensor->data ? trt_network_add_constant(copy, tensor->name, tensor->type,
                                                      &tensor->dims, tensor->data)
                           : trt_network_add_tensor(copy, tensor->name, tensor->type,
                                                    &tensor->dims);
  if (index < 0)
    return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "copying a layer for timing: ");
  map[t] = index;
  trt_tensor_t *copied = &copy->tensors[index];
  copied->format = tensor->format;
  copied->view_parent = tensor->view_parent >= 0 ? map[tensor->view_parent] : -1;
  copied->view_axis = tensor->view_axis;
  copied->view_offset = tensor->view_offset;
  return TRT_STATUS_OK;
}

static trt_status_t make_layer_copy(const trt_network_t *network, const trt_layer_t *layer,
                                    layer_copy_t *copy) {
  memset(copy, 0, sizeof(*copy));
  int *map = malloc((size_t)network->nb_tensors * sizeof(int));
  int *inputs = malloc((size_t)(layer->nb_inputs + 1) * sizeof(int));
  int outputs[TRT_MAX_LAYER_OUTPUTS];
  copy->network = trt_network_create();
  trt_status_t status = TRT_STATUS_OK;
  if (!map || !inputs || !copy->network)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory copying a layer for timing");
  for (int t = 0; status == TRT_STATUS_OK && t < network->nb_tensors; t++)
    map[t] = -1;
  for (int i = 0; status == TRT_STATUS_OK && i < layer->nb_inputs; i++)
    status = copy_tensor(network, layer->inputs[i], copy->network, map);
  for (int o = 0; status == TRT_STATUS_OK && o < layer->nb_outputs; o++)
    status = copy_tensor(network, layer->outputs[o], copy->network, map);
  if (status == TRT_STATUS_OK) {
    for (int i = 0; i < layer->nb_inputs; i++)
      inputs[i] = layer->inputs[i] < 0 ? -1 : map[layer->inputs[i]];
    for (int o = 0; o < layer->nb_outputs; o++)
      outputs[o] = map[layer->outputs[o]];
    if (trt_network_append_layer(copy->network, layer->type, layer->name, inputs,
                                 layer->nb_inputs, outputs, layer->nb_outputs,
                                 layer->params) < 0)
      status = TRT_STATUS_INTERNAL_ERROR;
  }
  if (status == TRT_STATUS_OK) {
    copy->layer = &copy->network->layers[0];
    size_t count = (size_t)copy->network->nb_tensors;
    copy->addresses = calloc(count, sizeof(void *));
    copy->allocations = calloc(count, sizeof(void *));
    if (!copy->addresses || !copy->allocations)
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory copying a layer for timing");
  }
  free(map);
  free(inputs);
  if (status != TRT_STATUS_OK)
    layer_copy_release(copy);
  return status;
}

/* Device memory for the copy: constants uploaded (after formatting), float
 * tensors filled with noise, others with zeros (valid indices), views
 * inside their parents. */
static trt_status_t layer_copy_upload(builder_t *b, layer_copy_t *copy) {
  trt_network_t *network = copy->network;
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    if (tensor->view_parent >= 0)
      continue;
    size_t bytes = trt_tensor_bytes(tensor);
    TRT_CUDA_CHECK(cudaMalloc(&copy->allocations[t], align_up(bytes ? bytes : 1)));
    copy->addresses[t] = copy->allocations[t];
    if (tensor->data) {
      TRT_CUDA_CHECK(cudaMemcpy(copy->addresses[t], tensor->data, bytes, cudaMemcpyHostToDevice));
    } else if (tensor->type == TRT_DATA_TYPE_FLOAT32) {
      size_t count = bytes / sizeof(float);
      for (size_t done = 0; done < count; done += NOISE_COUNT) {
        size_t chunk = count - done < NOISE_COUNT ? count - done : NOISE_COUNT;
        TRT_CUDA_CHECK(cudaMemcpyAsync((float *)copy->addresses[t] + done, b->noise,
                                       chunk * sizeof(float), cudaMemcpyDeviceToDevice,
                                       b->env.stream));
      }
    } else if (bytes) {
      TRT_CUDA_CHECK(cudaMemsetAsync(copy->addresses[t], 0, bytes, b->env.stream));
    }
  }
  /* Views follow their parents, which were added first. */
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    if (tensor->view_parent < 0)
      continue;
    trt_view_layout_t layout = trt_tensor_view_layout(network, tensor);
    copy->addresses[t] = (char *)copy->addresses[tensor->view_parent] +
                         (size_t)layout.offset * trt_data_type_size(tensor->type);
  }
  TRT_CUDA_CHECK(cudaStreamSynchronize(b->env.stream));
  return TRT_STATUS_OK;
}

/* The layer's launches captured in a CUDA graph, as contexts replay whole
 * engines by default; NULL when the family's enqueue cannot be captured
 * (the layer is then timed eagerly). Warm-up runs come first: libraries
 * allocate lazily, which a capture must not see. */
static cudaGraphExec_t capture_layer(builder_t *b, const trt_cuda_layer_ops_t *ops, void *state,
                                     const layer_copy_t *copy, int32_t tactic,
                                     const void **inputs, void **outputs) {
  cudaGraphExec_t exec = NULL;
  cudaGraph_t graph = NULL;
  trt_cuda_capture_lock();
  if (cudaStreamBeginCapture(b->env.stream, cudaStreamCaptureModeThreadLocal) == cudaSuccess) {
    trt_status_t status =
        ops->enqueue(state, copy->network, copy->layer, tactic, inputs, outputs, &b->env);
    if (cudaStreamEndCapture(b->env.stream, &graph) == cudaSuccess && graph &&
        status == TRT_STATUS_OK && cudaGraphInstantiate(&exec, graph, 0) != cudaSuccess)
      exec = NULL;
  }
  trt_cuda_capture_unlock();
  if (graph)
    (void)cudaGraphDestroy(graph);
  /* a failed capture leaves errors that are not the layer's */
  (void)cudaGetLastError();
  trt_error_clear();
  return exec;
}

/* Runs the copied layer with `tactic` and measures it: the median of
 * TIMING_RUNS samples after TIMING_WARMUP_RUNS, each sample the mean of
 * TIMING_LAUNCHES back-to-back launches of the layer's CUDA graph (GPU time
 * as engines replay it, not the host's launch cost; eager launches when
 * the layer cannot be captured). UNSUPPORTED when the tactic needs more
 * workspace than the limit. */
static trt_status_t time_tactic(builder_t *b, const trt_network_t *network,
                                const trt_layer_t *layer, const trt_cuda_layer_ops_t *ops,
                                int32_t tactic, float *milliseconds, size_t *workspace) {
  layer_copy_t copy;
  trt_status_t status = make_layer_copy(network, layer, &copy);
  if (status != TRT_STATUS_OK)
    return status;
  if (ops->format_weights)
    status = ops->format_weights(copy.network, copy.layer, tactic);
  if (status == TRT_STATUS_OK)
    status = layer_copy_upload(b, &copy);
  void *state = NULL;
  bool created = false;
  *workspace = 0;
  if (status == TRT_STATUS_OK) {
    status = ops->create(copy.network, copy.layer, tactic, &b->env, &state, workspace);
    created = status == TRT_STATUS_OK;
  }
  if (status == TRT_STATUS_OK && *workspace > b->engine->config.workspace)
    status = trt_error(TRT_STATUS_UNSUPPORTED, "needs %.1f MiB of workspace, above the limit",
                       *workspace / 1048576.0);
  if (status == TRT_STATUS_OK)
    status = trt_cuda_env_reserve_workspace(&b->env, *workspace);
  const void **inputs = NULL;
  void *outputs[TRT_MAX_LAYER_OUTPUTS];
  if (status == TRT_STATUS_OK) {
    inputs = calloc((size_t)copy.layer->nb_inputs + 1, sizeof(void *));
    if (!inputs)
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory timing a layer");
  }
  if (status == TRT_STATUS_OK) {
    for (int i = 0; i < copy.layer->nb_inputs; i++)
      inputs[i] = copy.layer->inputs[i] < 0 ? NULL : copy.addresses[copy.layer->inputs[i]];
    for (int o = 0; o < copy.layer->nb_outputs; o++)
      outputs[o] = copy.addresses[copy.layer->outputs[o]];
  }
  for (int run = 0; status == TRT_STATUS_OK && run < TIMING_WARMUP_RUNS; run++)
    status = ops->enqueue(state, copy.network, copy.layer, tactic, inputs, outputs, &b->env);
  if (status == TRT_STATUS_OK) {
    cudaError_t error = cudaStreamSynchronize(b->env.stream);
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "timing run: %s", cudaGetErrorString(error));
  }
  cudaGraphExec_t graph =
      status == TRT_STATUS_OK ? capture_layer(b, ops, state, &copy, tactic, inputs, outputs) : NULL;
  float samples[TIMING_RUNS];
  for (int run = 0; status == TRT_STATUS_OK && run < TIMING_RUNS; run++) {
    cudaError_t error = cudaEventRecord(b->start, b->env.stream);
    for (int launch = 0; error == cudaSuccess && status == TRT_STATUS_OK && launch < TIMING_LAUNCHES;
         launch++) {
      if (graph)
        error = cudaGraphLaunch(graph, b->env.stream);
      else
        status = ops->enqueue(state, copy.network, copy.layer, tactic, inputs, outputs, &b->env);
    }
    if (status != TRT_STATUS_OK)
      break;
    if (error == cudaSuccess)
      error = cudaEventRecord(b->stop, b->env.stream);
    if (error == cudaSuccess)
      error = cudaEventSynchronize(b->stop);
    if (error == cudaSuccess)
      error = cudaEventElapsedTime(&samples[run], b->start, b->stop);
    if (error == cudaSuccess)
      samples[run] /= TIMING_LAUNCHES;
    if (error != cudaSuccess)
      status = trt_error(TRT_STATUS_CUDA_ERROR, "timing run: %s", cudaGetErrorString(error));
  }
  if (graph) {
    trt_cuda_capture_lock(); /* may free memory: never during another capture */
    (void)cudaGraphExecDestroy(graph);
    trt_cuda_capture_unlock();
  }
  if (status == TRT_STATUS_OK) {
    qsort(samples, TIMING_RUNS, sizeof(float), trt_cuda_compare_floats);
    *milliseconds = samples[TIMING_RUNS / 2];
  }
  /* A failed launch may leave work queued: wait before freeing its memory. */
  (void)cudaStreamSynchronize(b->env.stream);
  if (created && ops->destroy)
    ops->destroy(state);
  free(inputs);
  layer_copy_release(&copy);
  return status;
}

/* ---- one layer of the engine --------------------------------------------- */

/* Gives layer `l` its own copies of constants that other layers also read
 * (or that are outputs), so formatting them for its tactic harms no one. */
static trt_status_t privatize_constants(trt_network_t *network, int l) {
  for (int i = 0; i < network->layers[l].nb_inputs; i++) {
    int t = network->layers[l].inputs[i];
    if (t < 0 || !network->tensors[t].data)
      continue;
    int readers = network->tensors[t].is_output ? 1 : 0;
    for (int k = 0; k < network->nb_layers; k++)
      for (int j = 0; j < network->layers[k].nb_inputs; j++)
        readers += network->layers[k].inputs[j] == t;
    if (readers <= 1)
      continue;
    char name[512];
    int index = -1;
    for (int attempt = 0; index < 0 && attempt < 100; attempt++) {
      snprintf(name, sizeof(name), "%s/%s%.0d", network->tensors[t].name,
               network->layers[l].name, attempt);
      if (trt_network_find_tensor(network, name) >= 0)
        continue;
      trt_tensor_t *tensor = &network->tensors[t];
      trt_dims_t dims = tensor->dims;
      index = trt_network_add_constant(network, name, tensor->type, &dims, tensor->data);
      if (index < 0)
        return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "copying shared weights: ");
    }
    if (index < 0)
      return trt_error(TRT_STATUS_INTERNAL_ERROR, "no free name for a copy of '%s'",
                       network->tensors[t].name);
    network->layers[l].inputs[i] = index;
  }
  return TRT_STATUS_OK;
}

static bool tactic_listed(const trt_cuda_tactic_t *tactics, int count, int32_t id) {
  for (int i = 0; i < count; i++)
    if (tactics[i].id == id)
      return true;
  return false;
}

/* Formats the engine's weights for `tactic` and asks what workspace it
 * needs on the engine's own network. */
static trt_status_t commit_tactic(builder_t *b, int l, const trt_cuda_layer_ops_t *ops,
                                  int32_t tactic) {
  trt_network_t *network = b->engine->full.network;
  trt_status_t status = TRT_STATUS_OK;
  if (ops->format_weights) {
    status = privatize_constants(network, l);
    if (status == TRT_STATUS_OK)
      status = ops->format_weights(network, &network->layers[l], tactic);
  }
  void *state = NULL;
  size_t workspace = 0;
  if (status == TRT_STATUS_OK)
    status = ops->create(network, &network->layers[l], tactic, &b->env, &state, &workspace);
  if (status == TRT_STATUS_OK && ops->destroy)
    ops->destroy(state);
  if (status == TRT_STATUS_OK && workspace > b->engine->config.workspace)
    status = trt_error(TRT_STATUS_UNSUPPORTED, "tactic %d needs %.1f MiB of workspace, above the "
                       "limit of %.1f MiB", tactic, workspace / 1048576.0,
                       b->engine->config.workspace / 1048576.0);
  trt_cuda_engine_t *cuda = trt_cuda_engine_of(b->engine);
  cuda->tactics[l] = tactic;
  cuda->layer_workspace[l] = workspace;
  return status;
}

static const char *tactic_name(const trt_cuda_tactic_t *tactics, int count, int32_t id) {
  for (int i = 0; i < count; i++)
    if (tactics[i].id == id)
      return tactics[i].name;
  return "?";
}

/* Times every candidate; `log` collects "name 0.123 ms, ..." for the
 * verbose line. */
static trt_status_t time_candidates(builder_t *b, int l, const trt_cuda_layer_ops_t *ops,
                                    const trt_cuda_tactic_t *tactics, int count, int32_t *best,
                                    float *best_ms, char *log, size_t log_size) {
  const trt_network_t *network = b->engine->full.network;
  const trt_layer_t *layer = &network->layers[l];
  *best = -1;
  *best_ms = 0;
  size_t used = 0;
  char reason[256] = "";
  for (int i = 0; i < count; i++) {
    float ms = 0;
    size_t workspace = 0;
    trt_status_t status = time_tactic(b, network, layer, ops, tactics[i].id, &ms, &workspace);
    if (status == TRT_STATUS_OK && (*best < 0 || ms < *best_ms)) {
      *best = tactics[i].id;
      *best_ms = ms;
    }
    if (status != TRT_STATUS_OK)
      snprintf(reason, sizeof(reason), "%s: %s", tactics[i].name, trt_last_error());
    if (used < log_size) {
      used += (size_t)(status == TRT_STATUS_OK
                           ? snprintf(log + used, log_size - used, "%s%s %.4f ms", i ? ", " : "",
                                      tactics[i].name, (double)ms)
                           : snprintf(log + used, log_size - used, "%s%s skipped (%s)",
                                      i ? ", " : "", tactics[i].name, trt_last_error()));
    }
  }
  if (*best < 0)
    return trt_error(TRT_STATUS_UNSUPPORTED, "no tactic could run (workspace limit %.1f MiB); "
                     "last failure: %s", b->engine->config.workspace / 1048576.0, reason);
  return TRT_STATUS_OK;
}

/* The verbose line of a layer's choice; `times` lists the candidates'
 * timings when they were timed (else ""). */
static void log_choice(const builder_t *b, int l, const char *tactic, int32_t id, const char *how,
                       const char *times) {
  const trt_layer_t *layer = &b->engine->full.network->layers[l];
  trt_log(TRT_SEVERITY_VERBOSE, "  [%d] %s (%s, %s %s): tactic %s (%d, %s%s%s), workspace %.2f MiB",
          l, layer->name, layer_type_name(layer), trt_engine_layer_precision(b->engine, l),
          trt_engine_layer_format(b->engine, l), tactic, (int)id, how, times[0] ? "; " : "",
          times, trt_cuda_engine_of(b->engine)->layer_workspace[l] / 1048576.0);
}

/* Keeps the tactics whose source is not disabled, in order; their count. */
static int drop_disabled_sources(trt_cuda_tactic_t *tactics, int count, uint32_t disabled) {
  int kept = 0;
  for (int k = 0; k < count; k++)
    if (!(tactics[k].source & disabled))
      tactics[kept++] = tactics[k];
  return kept;
}

static trt_status_t choose_tactic(builder_t *b, int l) {
  trt_network_t *network = b->engine->full.network;
  const trt_layer_t *layer = &network->layers[l];
  const trt_cuda_layer_ops_t *ops = trt_cuda_layer_ops(layer->type);
  if (!ops || !ops->list_tactics || !ops->create || !ops->enqueue)
    return trt_error(TRT_STATUS_UNSUPPORTED, "no CUDA implementation for this layer type");
  char key[TRT_TIMING_KEY_SIZE];
  trt_timing_cache_key(network, layer, b->platform, b->engine->config.allow_tf32,
                       b->engine->config.allow_lossy_tactics, key, sizeof(key));
  /* A layer seen before runs its cached tactic without asking the family
   * for candidates (cuDNN's heuristics queries are most of a warm rebuild);
   * an entry the family no longer accepts is listed and timed again.
   * Families that format weights per tactic are listed first (a refused
   * commit would leave the weights formatted). */
  int32_t cached = -1;
  bool cache_hit = trt_timing_cache_lookup(b->cache, key, &cached);
  const uint32_t disabled = b->engine->config.disabled_tactic_sources;
  if (cache_hit && !ops->format_weights && !disabled) {
    if (commit_tactic(b, l, ops, cached) == TRT_STATUS_OK) {
      b->nb_cached++;
      log_choice(b, l, "cached", cached, "from the timing cache", "");
      return TRT_STATUS_OK;
    }
    trt_error_clear();
    cache_hit = false;
  }
  trt_cuda_tactic_t tactics[TRT_CUDA_MAX_TACTICS];
  memset(tactics, 0, sizeof tactics);
  int count = ops->list_tactics(network, layer, &b->env, tactics, TRT_CUDA_MAX_TACTICS);
  if (count <= 0)
    return trt_error_prefix(TRT_STATUS_UNSUPPORTED, "no CUDA tactic supports it: ");
  if (count > TRT_CUDA_MAX_TACTICS)
    count = TRT_CUDA_MAX_TACTICS;
  const int listed = count;
  count = drop_disabled_sources(tactics, count, disabled);
  if (count == 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "no CUDA tactic supports it: its %d tactic%s come from disabled sources",
                     listed, listed == 1 ? "" : "s");
  int32_t chosen = -1;
  const char *how = "";
  char log[2048];
  log[0] = '\0';
  float ms = 0;
  if (count == 1) {
    chosen = tactics[0].id;
    how = "only candidate";
    b->nb_single++;
  } else if (cache_hit && tactic_listed(tactics, count, cached)) {
    chosen = cached;
    how = "from the timing cache";
    b->nb_cached++;
  } else {
    trt_status_t status =
        time_candidates(b, l, ops, tactics, count, &chosen, &ms, log, sizeof(log));
    if (status != TRT_STATUS_OK)
      return status;
    how = "fastest";
    b->nb_timed++;
    /* A choice among fewer sources is not the layer's best: not cached. */
    status = disabled ? TRT_STATUS_OK : trt_timing_cache_insert(b->cache, key, chosen, ms);
    if (status != TRT_STATUS_OK)
      return status;
  }
  trt_status_t status = commit_tactic(b, l, ops, chosen);
  if (status != TRT_STATUS_OK)
    return status;
  log_choice(b, l, tactic_name(tactics, count, chosen), chosen, how, log);
  return TRT_STATUS_OK;
}

/* ---- the engine ------------------------------------------------------------ */

static void log_totals(const trt_engine_t *engine, const builder_t *b) {
  const trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  trt_log(TRT_SEVERITY_INFO,
          "CUDA engine for %s (sm_%d%d): %d layers; tactics: %d timed, %d from the timing cache, "
          "%d single; activations %.2f MiB (peak of the arena), workspace %.2f MiB (limit %.2f), "
          "weights %.2f MiB on the device",
          cuda->device_name, cuda->cc_major, cuda->cc_minor, cuda->nb_layers, b->nb_timed,
          b->nb_cached, b->nb_single, engine->full.plan.arena_bytes / 1048576.0,
          cuda->workspace_bytes / 1048576.0, engine->config.workspace / 1048576.0,
          cuda->constants_bytes / 1048576.0);
}

trt_status_t trt_cuda_engine_build(trt_engine_t *engine) {
  trt_status_t status = trt_cuda_check_device(engine->config.device);
  if (status == TRT_STATUS_OK)
    status = trt_cuda_engine_alloc(engine, engine->config.device);
  if (status != TRT_STATUS_OK)
    return status;
  trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  builder_t b;
  status = builder_init(&b, engine);
  if (status == TRT_STATUS_OK)
    trt_log(TRT_SEVERITY_VERBOSE, "choosing CUDA tactics on %s, workspace limit %.1f MiB",
            cuda->device_name, engine->config.workspace / 1048576.0);
  trt_network_t *network = engine->full.network;
  for (int l = 0; status == TRT_STATUS_OK && l < network->nb_layers; l++) {
    /* Timing tactics is what makes a CUDA build long: say how far it is. */
    trt_build_report(engine, TRT_BUILD_PERCENT_SPECIALIZED, 99, l, network->nb_layers,
                     "tactics for layer '%s'", network->layers[l].name);
    status = choose_tactic(&b, l);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "layer '%s' (%s): ", network->layers[l].name,
                       layer_type_name(&network->layers[l]));
    else if (cuda->layer_workspace[l] > cuda->workspace_bytes)
      cuda->workspace_bytes = cuda->layer_workspace[l];
  }
  if (status == TRT_STATUS_OK)
    status = trt_cuda_upload_constants(engine);
  if (status == TRT_STATUS_OK && engine->config.timing_cache_path) {
    trt_status_t saved = trt_timing_cache_save(b.cache, engine->config.timing_cache_path);
    if (saved != TRT_STATUS_OK)
      trt_log(TRT_SEVERITY_WARNING, "%s", trt_last_error());
  }
  if (status == TRT_STATUS_OK)
    log_totals(engine, &b);
  builder_release(&b);
  return status;
}
