/* Plan files: a built engine serialized with everything needed to refuse it
 * where it does not belong.
 *
 *   magic "TRTPLAN\0" | u32 format version | str library version
 *   u32 backend | str device | u32 precision | u32 flags (1 tf32, 2 lossy) | u32 max batch
 *   u64 workspace | u32 disabled passes | str cache key | network
 *   u64 FNV-1a checksum of all before
 *
 * The network is the source network as given to the builder; loading
 * specializes it again, which on the CPU backend is shape inference,
 * folding and the optimizer passes the builder ran. Numbers are stored in
 * the machine's byte order: plans are made for the machine that builds
 * them, like TensorRT's.
 *
 * The CUDA backend has a format of its own: the device is the GPU's name,
 * and the network part is `u64 size | backend section | optimized network`,
 * the section (cuda/cuda_plan.c) holding the compute capability, library
 * versions, bindings, the tactic per layer and the memory plan, the network
 * being the specialized one with weights already formatted for their
 * tactics; loading checks the section against this GPU and libraries and
 * runs no build step.
 *
 * Formats 3 (CPU) and 4 (CUDA) replace 1 and 2: the header gained the
 * optimizer passes the builder had switched off, so that a CPU plan, which
 * runs the passes again on load, builds the same network; and unary
 * parameters gained their fused chain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_internal.h"
#include "layer_registry.h"
#include "plan_io.h"
#include "trt/trt.h"

#define PLAN_MAGIC "TRTPLAN"
#define PLAN_FORMAT_VERSION 3u      /* CPU plans */
#define PLAN_FORMAT_VERSION_CUDA 4u /* CUDA plans: a backend section, the optimized network */
#define PLAN_CPU_DEVICE "cpu"

/* ---- writing ------------------------------------------------------------- */

static void put_network(trt_plan_writer_t *w, const trt_network_t *network) {
  trt_plan_put_u32(w, (uint32_t)network->nb_tensors);
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    trt_plan_put_string(w, tensor->name);
    trt_plan_put_u32(w, (uint32_t)tensor->type);
    trt_plan_put_u32(w, (uint32_t)tensor->dims.nb_dims);
    for (int d = 0; d < tensor->dims.nb_dims; d++)
      trt_plan_put_u64(w, (uint64_t)tensor->dims.d[d]);
    trt_plan_put_u32(w, (uint32_t)tensor->view_parent);
    trt_plan_put_u32(w, (uint32_t)tensor->view_axis);
    trt_plan_put_u64(w, (uint64_t)tensor->view_offset);
    trt_plan_put_u32(w, tensor->data ? 1u : 0u);
    if (tensor->data) {
      trt_plan_put_u64(w, trt_tensor_bytes(tensor));
      trt_plan_put(w, tensor->data, trt_tensor_bytes(tensor));
    }
  }
  trt_plan_put_u32(w, (uint32_t)network->nb_layers);
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    size_t params_size = trt_layer_descriptor(layer->type)->params_size;
    trt_plan_put_u32(w, (uint32_t)layer->type);
    trt_plan_put_string(w, layer->name);
    trt_plan_put_u32(w, (uint32_t)layer->nb_inputs);
    trt_plan_put(w, layer->inputs, (size_t)layer->nb_inputs * sizeof(int));
    trt_plan_put_u32(w, (uint32_t)layer->nb_outputs);
    trt_plan_put(w, layer->outputs, (size_t)layer->nb_outputs * sizeof(int));
    trt_plan_put_u64(w, params_size);
    trt_plan_put(w, layer->params, params_size);
  }
  trt_plan_put_u32(w, (uint32_t)network->nb_inputs);
  trt_plan_put(w, network->inputs, (size_t)network->nb_inputs * sizeof(int));
  trt_plan_put_u32(w, (uint32_t)network->nb_outputs);
  trt_plan_put(w, network->outputs, (size_t)network->nb_outputs * sizeof(int));
}

trt_status_t trt_engine_serialize(const trt_engine_t *engine, const char *cache_key, void **data,
                                  size_t *size) {
  if (!engine || !data || !size)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_serialize: NULL argument");
  bool cuda = engine->backend == TRT_BACKEND_CUDA;
  char device[256] = PLAN_CPU_DEVICE;
  void *section = NULL;
  size_t section_size = 0;
  if (cuda) {
    trt_status_t status = trt_cuda_plan_device_name(engine, device, sizeof(device));
    if (status == TRT_STATUS_OK)
      status = trt_cuda_plan_section(engine, &section, &section_size);
    if (status != TRT_STATUS_OK)
      return status;
  }
  trt_plan_writer_t w = {0};
  trt_plan_put(&w, PLAN_MAGIC, sizeof(PLAN_MAGIC));
  trt_plan_put_u32(&w, cuda ? PLAN_FORMAT_VERSION_CUDA : PLAN_FORMAT_VERSION);
  trt_plan_put_string(&w, trt_version_string());
  trt_plan_put_u32(&w, (uint32_t)engine->backend);
  trt_plan_put_string(&w, device);
  trt_plan_put_u32(&w, (uint32_t)engine->config.precision);
  /* Precision flags: bit 0 TF32, bit 1 lossy tactics (plans from before
   * bit 1 existed read as lossy tactics off, which is what they had). */
  trt_plan_put_u32(&w, (engine->config.allow_tf32 ? 1u : 0u) |
                           (engine->config.allow_lossy_tactics ? 2u : 0u));
  trt_plan_put_u32(&w, (uint32_t)engine->max_batch);
  trt_plan_put_u64(&w, engine->config.workspace);
  trt_plan_put_u32(&w, engine->config.disabled_passes);
  trt_plan_put_string(&w, cache_key);
  if (cuda) {
    trt_plan_put_u64(&w, section_size);
    trt_plan_put(&w, section, section_size);
    free(section);
    put_network(&w, engine->full.network);
  } else {
    put_network(&w, engine->source);
  }
  uint64_t checksum = w.failed ? 0 : trt_plan_checksum(w.data, w.size);
  trt_plan_put_u64(&w, checksum);
  if (w.failed) {
    free(w.data);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory serializing the engine");
  }
  *data = w.data;
  *size = w.size;
  return TRT_STATUS_OK;
}

trt_status_t trt_engine_save(const trt_engine_t *engine, const char *path, const char *cache_key) {
  void *data = NULL;
  size_t size = 0;
  trt_status_t status = trt_engine_serialize(engine, cache_key, &data, &size);
  if (status != TRT_STATUS_OK)
    return status;
  size_t temporary_length = strlen(path) + 32;
  char *temporary = malloc(temporary_length);
  if (!temporary) {
    free(data);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory saving '%s'", path);
  }
  snprintf(temporary, temporary_length, "%s.tmp.%ld", path, (long)getpid());
  FILE *file = fopen(temporary, "wb");
  bool written = file && fwrite(data, 1, size, file) == size;
  if (file && fclose(file) != 0)
    written = false;
  if (written && rename(temporary, path) == 0) {
    status = TRT_STATUS_OK;
  } else {
    status = trt_error(TRT_STATUS_IO_ERROR, "cannot write plan '%s': %s", path, strerror(errno));
    remove(temporary);
  }
  free(temporary);
  free(data);
  return status;
}

/* ---- reading ------------------------------------------------------------- */

static trt_status_t damaged(const char *what) {
  return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: %s", what);
}

static trt_status_t take_tensors(trt_plan_reader_t *r, trt_network_t *network) {
  uint32_t count = trt_plan_take_u32(r);
  for (uint32_t t = 0; t < count && !r->truncated; t++) {
    char *name = trt_plan_take_string(r);
    trt_dims_t dims = {0};
    uint32_t type = trt_plan_take_u32(r);
    dims.nb_dims = (int32_t)trt_plan_take_u32(r);
    if (!name || dims.nb_dims < -1 || dims.nb_dims > TRT_MAX_DIMS || type >= TRT_DATA_TYPE_COUNT) {
      free(name);
      return damaged("bad tensor record");
    }
    for (int d = 0; d < dims.nb_dims; d++)
      dims.d[d] = (int64_t)trt_plan_take_u64(r);
    int32_t view_parent = (int32_t)trt_plan_take_u32(r);
    int32_t view_axis = (int32_t)trt_plan_take_u32(r);
    int64_t view_offset = (int64_t)trt_plan_take_u64(r);
    if (view_parent < -1 || view_parent >= (int32_t)count || view_axis < 0 ||
        view_axis >= TRT_MAX_DIMS) {
      free(name);
      return damaged("bad view record");
    }
    int index;
    if (trt_plan_take_u32(r)) {
      uint64_t bytes = trt_plan_take_u64(r);
      if (r->truncated || bytes > r->size - r->offset) {
        free(name);
        return damaged("constant data runs past the end");
      }
      /* Constant sizes follow from their dims; a mismatch means damage. */
      int64_t volume = trt_dims_volume(&dims);
      if (volume < 0 || (uint64_t)volume * trt_data_type_size(type) != bytes) {
        free(name);
        return damaged("constant size does not match its dims");
      }
      index = trt_network_add_constant(network, name, type, &dims, r->data + r->offset);
      r->offset += bytes;
    } else {
      /* Inputs and layer outputs; their roles are restored below. */
      index = trt_network_add_tensor(network, name, type, dims.nb_dims < 0 ? NULL : &dims);
    }
    free(name);
    if (index < 0)
      return TRT_STATUS_PARSE_ERROR;
    network->tensors[index].view_parent = view_parent;
    network->tensors[index].view_axis = view_axis;
    network->tensors[index].view_offset = view_offset;
  }
  return r->truncated ? damaged("truncated in the tensor list") : TRT_STATUS_OK;
}

static bool valid_indices(const int *indices, uint32_t count, int nb_tensors, bool allow_absent) {
  for (uint32_t i = 0; i < count; i++)
    if (indices[i] >= nb_tensors || indices[i] < (allow_absent ? -1 : 0))
      return false;
  return true;
}

static trt_status_t take_layers(trt_plan_reader_t *r, trt_network_t *network) {
  uint32_t count = trt_plan_take_u32(r);
  for (uint32_t l = 0; l < count && !r->truncated; l++) {
    uint32_t type = trt_plan_take_u32(r);
    char *name = trt_plan_take_string(r);
    const trt_layer_descriptor_t *descriptor = trt_layer_descriptor((trt_layer_type_t)type);
    uint32_t nb_inputs = trt_plan_take_u32(r);
    if (!name || !descriptor || nb_inputs > 4096) {
      free(name);
      return damaged("bad layer record");
    }
    int inputs[4096];
    int outputs[TRT_MAX_LAYER_OUTPUTS];
    trt_plan_take(r, inputs, nb_inputs * sizeof(int));
    uint32_t nb_outputs = trt_plan_take_u32(r);
    if (nb_outputs < 1 || nb_outputs > TRT_MAX_LAYER_OUTPUTS) {
      free(name);
      return damaged("bad layer output count");
    }
    trt_plan_take(r, outputs, nb_outputs * sizeof(int));
    uint64_t params_size = trt_plan_take_u64(r);
    unsigned char params[1024];
    bool params_fit = params_size == descriptor->params_size && params_size <= sizeof(params);
    if (params_fit)
      trt_plan_take(r, params, params_size);
    if (r->truncated || !params_fit ||
        !valid_indices(inputs, nb_inputs, network->nb_tensors, true) ||
        !valid_indices(outputs, nb_outputs, network->nb_tensors, false)) {
      free(name);
      return damaged(r->truncated ? "truncated in the layer list" : "bad layer record");
    }
    int layer = trt_network_append_layer(network, (trt_layer_type_t)type, name, inputs,
                                         (int)nb_inputs, outputs, (int)nb_outputs,
                                         params_size ? params : NULL);
    free(name);
    if (layer < 0)
      return TRT_STATUS_PARSE_ERROR;
  }
  return r->truncated ? damaged("truncated in the layer list") : TRT_STATUS_OK;
}

static trt_status_t take_index_list(trt_plan_reader_t *r, trt_network_t *network, bool inputs) {
  uint32_t count = trt_plan_take_u32(r);
  if (r->truncated || count > (uint32_t)network->nb_tensors)
    return damaged("bad binding list");
  for (uint32_t i = 0; i < count; i++) {
    int32_t tensor = (int32_t)trt_plan_take_u32(r);
    if (r->truncated || tensor < 0 || tensor >= network->nb_tensors)
      return damaged("bad binding index");
    if (inputs) {
      int *larger = realloc(network->inputs, (size_t)(network->nb_inputs + 1) * sizeof(int));
      if (!larger)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
      network->inputs = larger;
      network->inputs[network->nb_inputs++] = tensor;
      network->tensors[tensor].is_input = true;
    } else {
      trt_status_t status = trt_network_mark_output(network, tensor);
      if (status != TRT_STATUS_OK)
        return status;
    }
  }
  return TRT_STATUS_OK;
}

static trt_status_t check_header(trt_plan_reader_t *r, const char *expected_key,
                                 const trt_builder_config_t *config, trt_builder_config_t *built) {
  char magic[sizeof(PLAN_MAGIC)];
  if (!trt_plan_take(r, magic, sizeof(magic)) || memcmp(magic, PLAN_MAGIC, sizeof(magic)) != 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "not a trtinfer plan (bad magic)");
  uint32_t format = trt_plan_take_u32(r);
  if (format != PLAN_FORMAT_VERSION && format != PLAN_FORMAT_VERSION_CUDA)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "plan format version %u, this library reads %u and %u", format,
                     PLAN_FORMAT_VERSION, PLAN_FORMAT_VERSION_CUDA);
  char *version = trt_plan_take_string(r);
  trt_status_t status = TRT_STATUS_OK;
  if (!version)
    status = damaged("truncated header");
  else if (strcmp(version, trt_version_string()) != 0)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plan built by trtinfer %s, this is trtinfer %s: rebuild it", version,
                       trt_version_string());
  free(version);
  if (status != TRT_STATUS_OK)
    return status;
  trt_builder_config_init(built);
  built->backend = (trt_backend_t)trt_plan_take_u32(r);
  char *device = trt_plan_take_string(r);
  built->precision = (trt_precision_t)trt_plan_take_u32(r);
  uint32_t precision_flags = trt_plan_take_u32(r);
  built->allow_tf32 = (precision_flags & 1u) != 0;
  built->allow_lossy_tactics = (precision_flags & 2u) != 0;
  built->max_batch = (int)trt_plan_take_u32(r);
  built->workspace = trt_plan_take_u64(r);
  built->disabled_passes = trt_plan_take_u32(r);
  char *key = trt_plan_take_string(r);
  if (!device || !key)
    status = damaged("truncated header");
  else if (built->backend !=
           (format == PLAN_FORMAT_VERSION_CUDA ? TRT_BACKEND_CUDA : TRT_BACKEND_CPU))
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plan is for the %s backend, which this "
                       "library cannot load from a format %u plan",
                       trt_backend_name(built->backend), format);
  else if (config && config->backend != TRT_BACKEND_AUTO && config->backend != built->backend)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plan is for the %s backend, %s was asked for",
                       trt_backend_name(built->backend), trt_backend_name(config->backend));
  else if (expected_key && strcmp(key, expected_key) != 0)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plan was built for another model or options (cache key %s, expected %s)",
                       key, expected_key);
  free(device);
  free(key);
  return status;
}

trt_status_t trt_engine_deserialize(const void *data, size_t size, const char *expected_key,
                                    const trt_builder_config_t *config, trt_engine_t **engine) {
  if (!data || !engine)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_deserialize: NULL argument");
  *engine = NULL;
  if (size < sizeof(PLAN_MAGIC) + sizeof(uint64_t))
    return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: only %zu bytes", size);
  trt_plan_reader_t r = {data, size - sizeof(uint64_t), 0, false};
  trt_builder_config_t built;
  trt_status_t status = check_header(&r, expected_key, config, &built);
  if (status != TRT_STATUS_OK)
    return status;
  uint64_t stored_checksum;
  memcpy(&stored_checksum, (const unsigned char *)data + size - sizeof(uint64_t),
         sizeof(stored_checksum));
  if (stored_checksum != trt_plan_checksum(data, size - sizeof(uint64_t)))
    return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: checksum mismatch "
                     "(truncated or modified file)");
  const void *section = NULL;
  uint64_t section_size = 0;
  if (built.backend == TRT_BACKEND_CUDA) {
    section_size = trt_plan_take_u64(&r);
    if (r.truncated || section_size > r.size - r.offset)
      return damaged("the backend section runs past the end");
    section = r.data + r.offset;
    r.offset += section_size;
  }
  trt_network_t *network = trt_network_create();
  if (!network)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  status = take_tensors(&r, network);
  if (status == TRT_STATUS_OK)
    status = take_layers(&r, network);
  if (status == TRT_STATUS_OK)
    status = take_index_list(&r, network, true);
  if (status == TRT_STATUS_OK)
    status = take_index_list(&r, network, false);
  if (status == TRT_STATUS_OK && r.offset != r.size)
    status = damaged("trailing bytes after the network");
  if (status == TRT_STATUS_OK) {
    /* Run-time options come from the caller; build options from the plan. */
    if (config)
      built.cpu_threads = config->cpu_threads, built.verbose = config->verbose;
    if (config)
      built.device = config->device;
    if (built.backend == TRT_BACKEND_CUDA) /* takes the network */
      return trt_cuda_engine_from_plan(network, &built, section, (size_t)section_size, engine);
    status = trt_engine_build(network, &built, engine);
  }
  trt_network_destroy(network);
  return status;
}

trt_status_t trt_engine_load(const char *path, const char *expected_key,
                             const trt_builder_config_t *config, trt_engine_t **engine) {
  if (!path || !engine)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_load: NULL argument");
  FILE *file = fopen(path, "rb");
  if (!file)
    return trt_error(TRT_STATUS_IO_ERROR, "cannot open plan '%s': %s", path, strerror(errno));
  unsigned char *data = NULL;
  size_t size = 0, capacity = 0;
  trt_status_t status = TRT_STATUS_OK;
  for (;;) {
    if (size == capacity) {
      capacity = capacity ? capacity * 2 : 1 << 20;
      unsigned char *larger = realloc(data, capacity);
      if (!larger) {
        status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading plan '%s'", path);
        break;
      }
      data = larger;
    }
    size_t got = fread(data + size, 1, capacity - size, file);
    size += got;
    if (got == 0)
      break;
  }
  if (status == TRT_STATUS_OK && ferror(file))
    status = trt_error(TRT_STATUS_IO_ERROR, "cannot read plan '%s'", path);
  fclose(file);
  if (status == TRT_STATUS_OK) {
    status = trt_engine_deserialize(data, size, expected_key, config, engine);
    if (status != TRT_STATUS_OK)
      trt_error_prefix(status, "%s: ", path);
  }
  free(data);
  return status;
}
