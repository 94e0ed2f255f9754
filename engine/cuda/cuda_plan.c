/* The CUDA backend's section of a plan file (format 2, see plan.c):
 *
 *   u32 tag "CUDA" | str GPU name | u32 cc major | u32 cc minor
 *   i32 CUDA runtime | u64 cuDNN | i32 cuBLAS   (versions of the build)
 *   u32 batch dynamic | u32 bindings, each: str name | u32 is input | u32 has batch
 *   u32 layers, each: i32 tactic | u64 workspace bytes | u64 largest workspace
 *   u64 arena bytes | u64 naive bytes | u32 tensors, each: u64 arena offset
 *
 * Loading checks GPU, compute capability and library versions first and
 * names the one that differs; it then rebuilds the engine from the stored
 * optimized network as it is: no timing, no weight formatting, no planning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_engine.h"
#include "plan_io.h"

#define SECTION_TAG 0x41445543u /* "CUDA" */

/* ---- writing ------------------------------------------------------------- */

trt_status_t trt_cuda_plan_device_name(const trt_engine_t *engine, char *name, size_t size) {
  if (!engine->cuda)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "a CUDA engine without its CUDA part");
  snprintf(name, size, "%s", engine->cuda->device_name);
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_plan_section(const trt_engine_t *engine, void **data, size_t *size) {
  const trt_cuda_engine_t *cuda = engine->cuda;
  const trt_specialization_t *full = &engine->full;
  if (!cuda)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "a CUDA engine without its CUDA part");
  trt_cuda_versions_t versions;
  trt_status_t status = trt_cuda_versions(&versions);
  if (status != TRT_STATUS_OK)
    return status;
  trt_plan_writer_t w = {0};
  trt_plan_put_u32(&w, SECTION_TAG);
  trt_plan_put_string(&w, cuda->device_name);
  trt_plan_put_u32(&w, (uint32_t)cuda->cc_major);
  trt_plan_put_u32(&w, (uint32_t)cuda->cc_minor);
  trt_plan_put_u32(&w, (uint32_t)versions.cuda_runtime);
  trt_plan_put_u64(&w, versions.cudnn);
  trt_plan_put_u32(&w, (uint32_t)versions.cublas);
  trt_plan_put_u32(&w, engine->batch_dynamic ? 1u : 0u);
  trt_plan_put_u32(&w, (uint32_t)engine->nb_bindings);
  for (int b = 0; b < engine->nb_bindings; b++) {
    trt_plan_put_string(&w, engine->binding_names[b]);
    trt_plan_put_u32(&w, engine->binding_is_input[b] ? 1u : 0u);
    trt_plan_put_u32(&w, engine->binding_has_batch[b] ? 1u : 0u);
  }
  trt_plan_put_u32(&w, (uint32_t)cuda->nb_layers);
  for (int l = 0; l < cuda->nb_layers; l++) {
    trt_plan_put_u32(&w, (uint32_t)cuda->tactics[l]);
    trt_plan_put_u64(&w, cuda->layer_workspace[l]);
  }
  trt_plan_put_u64(&w, cuda->workspace_bytes);
  trt_plan_put_u64(&w, full->plan.arena_bytes);
  trt_plan_put_u64(&w, full->plan.naive_bytes);
  trt_plan_put_u32(&w, (uint32_t)full->network->nb_tensors);
  for (int t = 0; t < full->network->nb_tensors; t++)
    trt_plan_put_u64(&w, full->plan.offsets ? full->plan.offsets[t] : SIZE_MAX);
  if (w.failed) {
    free(w.data);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory serializing the CUDA engine");
  }
  *data = w.data;
  *size = w.size;
  return TRT_STATUS_OK;
}

/* ---- reading ------------------------------------------------------------- */

static trt_status_t damaged(const char *what) {
  return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: CUDA section: %s", what);
}

static void format_version(uint64_t version, char *text, size_t size) {
  snprintf(text, size, "%llu.%llu.%llu", (unsigned long long)(version / 10000),
           (unsigned long long)(version / 100 % 100), (unsigned long long)(version % 100));
}

/* The GPU and the libraries: each check says what differs. */
static trt_status_t check_target(trt_plan_reader_t *r, int device) {
  char name[256], here[256];
  if (trt_plan_take_u32(r) != SECTION_TAG || !trt_plan_take_string_to(r, name, sizeof(name)))
    return damaged("bad tag");
  int major = (int)trt_plan_take_u32(r), minor = (int)trt_plan_take_u32(r);
  int cuda_runtime = (int)trt_plan_take_u32(r);
  uint64_t cudnn = trt_plan_take_u64(r);
  int cublas = (int)trt_plan_take_u32(r);
  if (r->truncated)
    return damaged("truncated");
  trt_status_t status = trt_cuda_check_device(device);
  if (status != TRT_STATUS_OK)
    return trt_error_prefix(status, "cannot load a CUDA plan: ");
  int here_major = 0, here_minor = 0;
  status = trt_cuda_device_identity(device, here, sizeof(here), &here_major, &here_minor);
  if (status != TRT_STATUS_OK)
    return status;
  if (major != here_major || minor != here_minor)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "GPU check failed: the plan was built for "
                     "compute capability %d.%d (%s), device %d is %d.%d (%s): rebuild it",
                     major, minor, name, device, here_major, here_minor, here);
  if (strcmp(name, here) != 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "GPU check failed: the plan was built on '%s', "
                     "device %d is '%s': rebuild it", name, device, here);
  trt_cuda_versions_t versions;
  status = trt_cuda_versions(&versions);
  if (status != TRT_STATUS_OK)
    return status;
  char built_text[32], here_text[32];
  if (cuda_runtime != versions.cuda_runtime)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "CUDA runtime check failed: the plan was built "
                     "with CUDA %d.%d, this is %d.%d: rebuild it", cuda_runtime / 1000,
                     cuda_runtime % 1000 / 10, versions.cuda_runtime / 1000,
                     versions.cuda_runtime % 1000 / 10);
  if (cudnn != versions.cudnn) {
    format_version(cudnn, built_text, sizeof(built_text));
    format_version(versions.cudnn, here_text, sizeof(here_text));
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "cuDNN version check failed: the plan was built "
                     "with cuDNN %s, the library loaded is %s: rebuild it", built_text, here_text);
  }
  if (cublas != versions.cublas) {
    format_version((uint64_t)cublas, built_text, sizeof(built_text));
    format_version((uint64_t)versions.cublas, here_text, sizeof(here_text));
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "cuBLAS version check failed: the plan was "
                     "built with cuBLAS %s, the library loaded is %s: rebuild it", built_text,
                     here_text);
  }
  return TRT_STATUS_OK;
}

static trt_status_t take_bindings(trt_plan_reader_t *r, trt_engine_t *engine) {
  const trt_network_t *network = engine->full.network;
  engine->batch_dynamic = trt_plan_take_u32(r) != 0;
  uint32_t count = trt_plan_take_u32(r);
  if (r->truncated || count != (uint32_t)(network->nb_inputs + network->nb_outputs))
    return damaged("binding count does not match the network");
  engine->binding_names = calloc(count + 1, sizeof(char *));
  engine->binding_is_input = calloc(count + 1, sizeof(bool));
  engine->binding_has_batch = calloc(count + 1, sizeof(bool));
  engine->full.binding_tensors = calloc(count + 1, sizeof(int));
  if (!engine->binding_names || !engine->binding_is_input || !engine->binding_has_batch ||
      !engine->full.binding_tensors)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  engine->nb_bindings = (int)count;
  for (uint32_t b = 0; b < count; b++) {
    char name[4096];
    if (!trt_plan_take_string_to(r, name, sizeof(name)))
      return damaged("bad binding name");
    engine->binding_names[b] = strdup(name);
    if (!engine->binding_names[b])
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
    engine->binding_is_input[b] = trt_plan_take_u32(r) != 0;
    engine->binding_has_batch[b] = trt_plan_take_u32(r) != 0;
    int t = trt_network_find_tensor(network, name);
    if (r->truncated || t < 0)
      return damaged("a binding names no tensor of the network");
    engine->full.binding_tensors[b] = t;
  }
  return TRT_STATUS_OK;
}

static trt_status_t take_tactics(trt_plan_reader_t *r, trt_engine_t *engine) {
  trt_cuda_engine_t *cuda = engine->cuda;
  const trt_network_t *network = engine->full.network;
  if (trt_plan_take_u32(r) != (uint32_t)network->nb_layers || r->truncated)
    return damaged("layer count does not match the network");
  for (int l = 0; l < network->nb_layers; l++) {
    cuda->tactics[l] = (int32_t)trt_plan_take_u32(r);
    cuda->layer_workspace[l] = trt_plan_take_u64(r);
    const trt_layer_t *layer = &network->layers[l];
    if (!trt_cuda_layer_ops(layer->type))
      return trt_error(TRT_STATUS_UNSUPPORTED, "layer '%s' (%s): no CUDA implementation in this "
                       "library", layer->name, trt_layer_type_name(layer->type));
  }
  cuda->workspace_bytes = trt_plan_take_u64(r);
  return r->truncated ? damaged("truncated in the tactics") : TRT_STATUS_OK;
}

static trt_status_t take_memory_plan(trt_plan_reader_t *r, trt_engine_t *engine) {
  trt_specialization_t *full = &engine->full;
  full->plan.arena_bytes = trt_plan_take_u64(r);
  full->plan.naive_bytes = trt_plan_take_u64(r);
  uint32_t count = trt_plan_take_u32(r);
  if (r->truncated || count != (uint32_t)full->network->nb_tensors)
    return damaged("tensor count of the memory plan does not match the network");
  full->plan.offsets = malloc(((size_t)count + 1) * sizeof(size_t));
  if (!full->plan.offsets)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  for (uint32_t t = 0; t < count; t++) {
    uint64_t offset = trt_plan_take_u64(r);
    const trt_tensor_t *tensor = &full->network->tensors[t];
    size_t bytes = trt_tensor_bytes(tensor);
    if (offset != (uint64_t)SIZE_MAX &&
        (offset > full->plan.arena_bytes || bytes > full->plan.arena_bytes - offset))
      return damaged("a tensor lies outside the activation arena");
    full->plan.offsets[t] = (size_t)offset;
  }
  if (r->truncated || r->offset != r->size)
    return damaged(r->truncated ? "truncated in the memory plan" : "trailing bytes");
  return TRT_STATUS_OK;
}

static trt_status_t fill_engine(trt_plan_reader_t *r, trt_engine_t *engine) {
  trt_status_t status = take_bindings(r, engine);
  if (status == TRT_STATUS_OK)
    status = trt_cuda_engine_alloc(engine, engine->config.device);
  if (status == TRT_STATUS_OK)
    status = take_tactics(r, engine);
  if (status == TRT_STATUS_OK)
    status = take_memory_plan(r, engine);
  if (status == TRT_STATUS_OK)
    status = trt_cuda_upload_constants(engine);
  return status;
}

trt_status_t trt_cuda_engine_from_plan(trt_network_t *network, const trt_builder_config_t *built,
                                       const void *section, size_t size, trt_engine_t **engine_out) {
  *engine_out = NULL;
  trt_plan_reader_t r = {section, size, 0, false};
  trt_status_t status = check_target(&r, built->device);
  if (status != TRT_STATUS_OK) {
    trt_network_destroy(network);
    return status;
  }
  trt_engine_t *engine = calloc(1, sizeof(*engine));
  if (!engine) {
    trt_network_destroy(network);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  }
  engine->config = *built;
  engine->config.timing_cache_path = NULL;
  engine->backend = TRT_BACKEND_CUDA;
  engine->max_batch = built->max_batch > 0 ? built->max_batch : 1;
  engine->full.batch = engine->max_batch;
  engine->full.network = network;
  status = fill_engine(&r, engine);
  if (status != TRT_STATUS_OK) {
    trt_engine_destroy(engine);
    return status;
  }
  trt_log(TRT_SEVERITY_INFO, "loaded CUDA engine for %s: %d layers, activations %.2f MiB, "
          "workspace %.2f MiB, weights %.2f MiB", engine->cuda->device_name,
          network->nb_layers, engine->full.plan.arena_bytes / 1048576.0,
          engine->cuda->workspace_bytes / 1048576.0, engine->cuda->constants_bytes / 1048576.0);
  *engine_out = engine;
  return TRT_STATUS_OK;
}
