/* The CUDA backend's section of a plan file (see plan.c):
 *
 *   u32 tag "CUDA" | str GPU name | u32 cc major | u32 cc minor
 *   i32 CUDA runtime | u64 cuDNN | i32 cuBLAS   (versions of the build)
 *   u32 layers, each: i32 tactic | u64 workspace bytes | u64 largest workspace
 *
 * Loading checks GPU, compute capability and library versions first and
 * names the one that differs; it then makes the engine's CUDA part for the
 * stored optimized network as it is: no timing, no weight formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_core.h"
#include "plan_io.h"

#define SECTION_TAG 0x41445543u /* "CUDA" */

/* ---- writing ------------------------------------------------------------- */

trt_status_t trt_cuda_plan_device_name(const trt_engine_t *engine, char *name, size_t size) {
  if (!trt_cuda_engine_of(engine))
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "a CUDA engine without its CUDA part");
  snprintf(name, size, "%s", trt_cuda_engine_of(engine)->device_name);
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_plan_section(const trt_engine_t *engine, void **data, size_t *size) {
  const trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
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
  trt_plan_put_u32(&w, (uint32_t)cuda->nb_layers);
  for (int l = 0; l < cuda->nb_layers; l++) {
    trt_plan_put_u32(&w, (uint32_t)cuda->tactics[l]);
    trt_plan_put_u64(&w, cuda->layer_workspace[l]);
  }
  trt_plan_put_u64(&w, cuda->workspace_bytes);
  return trt_plan_writer_finish(&w, "the CUDA engine", data, size);
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

static trt_status_t take_tactics(trt_plan_reader_t *r, trt_engine_t *engine) {
  trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
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

trt_status_t trt_cuda_engine_load(trt_engine_t *engine, const void *section, size_t size) {
  trt_plan_reader_t r = {section, size, 0, false};
  trt_status_t status = check_target(&r, engine->config.device);
  if (status == TRT_STATUS_OK)
    status = trt_cuda_engine_alloc(engine, engine->config.device);
  if (status == TRT_STATUS_OK)
    status = take_tactics(&r, engine);
  if (status == TRT_STATUS_OK && r.offset != r.size)
    status = damaged("trailing bytes");
  if (status == TRT_STATUS_OK)
    status = trt_cuda_upload_constants(engine);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  trt_log(TRT_SEVERITY_INFO, "loaded CUDA engine for %s: %d layers, activations %.2f MiB, "
          "workspace %.2f MiB, weights %.2f MiB", cuda->device_name,
          engine->full.network->nb_layers, engine->full.plan.arena_bytes / 1048576.0,
          cuda->workspace_bytes / 1048576.0, cuda->constants_bytes / 1048576.0);
  return TRT_STATUS_OK;
}
