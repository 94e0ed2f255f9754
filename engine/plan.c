/* Plan files: a built engine serialized with everything needed to run it
 * without building, and to refuse it where it does not belong.
 *
 *   magic "TRTPLAN\0" | u32 format version | str library version
 *   u32 backend | str device | u32 precision | u32 flags (1 tf32, 2 lossy, 4 linear formats
 *   only) | u32 max batch
 *   u64 workspace | u32 disabled passes | str cache key
 *   the optimized network at the maximum batch
 *   u32 batch dynamic | u32 bindings, each: str name | u32 is input | u32 has batch
 *   u64 arena bytes | u64 naive bytes | u32 tensors, each: u64 arena offset
 *   u64 size | the backend's section (backend.h: plan_section, load)
 *   u64 checksum of all before (plan_io.h)
 *
 * Every backend's plan means the same: the engine as built, which loading
 * takes as it is (no shape inference, folding, passes or planning; the
 * backend's section holds what the backend chose, CUDA's tactics or the
 * CPU's batch scaling, and is checked against this machine). Numbers are
 * stored in the machine's byte order: plans are made for the machine that
 * builds them, like TensorRT's.
 *
 * Format 5 replaced 3 (CPU plans held the source network and rebuilt it on
 * load) and 4 (CUDA plans kept bindings and memory plan in their section);
 * format 6 adds each tensor's memory format (formats.h) after its type. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "file_util.h"
#include "layer_registry.h"
#include "plan_io.h"
#include "trt/trt.h"

#define PLAN_MAGIC "TRTPLAN"
#define PLAN_FORMAT_VERSION 6u
/* Constant data starts at this multiple from the start of the plan, so a
 * mapped plan's constants can be used in place. */
#define PLAN_DATA_ALIGNMENT 64u

/* ---- writing ------------------------------------------------------------- */

static void put_network(trt_plan_writer_t *w, const trt_network_t *network) {
  trt_plan_put_u32(w, (uint32_t)network->nb_tensors);
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    trt_plan_put_string(w, tensor->name);
    trt_plan_put_u32(w, (uint32_t)tensor->type);
    trt_plan_put_u32(w, (uint32_t)tensor->format);
    trt_plan_put_u32(w, (uint32_t)tensor->dims.nb_dims);
    for (int d = 0; d < tensor->dims.nb_dims; d++)
      trt_plan_put_u64(w, (uint64_t)tensor->dims.d[d]);
    trt_plan_put_u32(w, (uint32_t)tensor->view_parent);
    trt_plan_put_u32(w, (uint32_t)tensor->view_axis);
    trt_plan_put_u64(w, (uint64_t)tensor->view_offset);
    trt_plan_put_u32(w, tensor->data ? 1u : 0u);
    if (tensor->data) {
      trt_plan_put_u64(w, trt_tensor_bytes(tensor));
      trt_plan_put_align(w, PLAN_DATA_ALIGNMENT);
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

/* Bindings and the memory plan: what the engine adds to its network. */
static void put_engine(trt_plan_writer_t *w, const trt_engine_t *engine) {
  const trt_specialization_t *full = &engine->full;
  trt_plan_put_u32(w, engine->batch_dynamic ? 1u : 0u);
  trt_plan_put_u32(w, (uint32_t)engine->nb_bindings);
  for (int b = 0; b < engine->nb_bindings; b++) {
    trt_plan_put_string(w, engine->binding_names[b]);
    trt_plan_put_u32(w, engine->binding_is_input[b] ? 1u : 0u);
    trt_plan_put_u32(w, engine->binding_has_batch[b] ? 1u : 0u);
  }
  trt_plan_put_u64(w, full->plan.arena_bytes);
  trt_plan_put_u64(w, full->plan.naive_bytes);
  trt_plan_put_u32(w, (uint32_t)full->network->nb_tensors);
  for (int t = 0; t < full->network->nb_tensors; t++)
    trt_plan_put_u64(w, full->plan.offsets ? full->plan.offsets[t] : SIZE_MAX);
}

trt_status_t trt_engine_serialize(const trt_engine_t *engine, const char *cache_key, void **data,
                                  size_t *size) {
  if (!engine || !data || !size)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_serialize: NULL argument");
  char device[256];
  void *section = NULL;
  size_t section_size = 0;
  trt_status_t status = engine->ops->plan_device(engine, device, sizeof(device));
  if (status == TRT_STATUS_OK)
    status = engine->ops->plan_section(engine, &section, &section_size);
  if (status != TRT_STATUS_OK)
    return status;
  trt_plan_writer_t w = {0};
  trt_plan_put(&w, PLAN_MAGIC, sizeof(PLAN_MAGIC));
  trt_plan_put_u32(&w, PLAN_FORMAT_VERSION);
  trt_plan_put_string(&w, trt_version_string());
  trt_plan_put_u32(&w, (uint32_t)engine->backend);
  trt_plan_put_string(&w, device);
  trt_plan_put_u32(&w, (uint32_t)engine->config.precision);
  /* Precision flags: bit 0 TF32, bit 1 lossy tactics, bit 2 linear formats only. */
  trt_plan_put_u32(&w, (engine->config.allow_tf32 ? 1u : 0u) |
                           (engine->config.allow_lossy_tactics ? 2u : 0u) |
                           (engine->config.linear_formats_only ? 4u : 0u));
  trt_plan_put_u32(&w, (uint32_t)engine->max_batch);
  trt_plan_put_u64(&w, engine->config.workspace);
  trt_plan_put_u32(&w, engine->config.disabled_passes);
  trt_plan_put_string(&w, cache_key);
  put_network(&w, engine->full.network);
  put_engine(&w, engine);
  trt_plan_put_u64(&w, section_size);
  trt_plan_put(&w, section, section_size);
  free(section);
  uint64_t checksum = w.failed ? 0 : trt_plan_checksum(w.data, w.size);
  trt_plan_put_u64(&w, checksum);
  return trt_plan_writer_finish(&w, "the engine", data, size);
}

trt_status_t trt_engine_save(const trt_engine_t *engine, const char *path, const char *cache_key) {
  void *data = NULL;
  size_t size = 0;
  trt_status_t status = trt_engine_serialize(engine, cache_key, &data, &size);
  if (status != TRT_STATUS_OK)
    return status;
  status = trt_file_write_atomic(path, data, size);
  free(data);
  return status;
}

/* ---- reading ------------------------------------------------------------- */

static trt_status_t damaged(const char *what) {
  return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: %s", what);
}

static trt_status_t damaged_layer(const char *layer, const char *what) {
  return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: layer '%s': %s", layer, what);
}

static trt_status_t take_tensors(trt_plan_reader_t *r, trt_network_t *network) {
  uint32_t count = trt_plan_take_u32(r);
  for (uint32_t t = 0; t < count && !r->truncated; t++) {
    char *name = trt_plan_take_string(r);
    trt_dims_t dims = {0};
    uint32_t type = trt_plan_take_u32(r);
    uint32_t format = trt_plan_take_u32(r);
    dims.nb_dims = (int32_t)trt_plan_take_u32(r);
    if (!name || dims.nb_dims < -1 || dims.nb_dims > TRT_MAX_DIMS || type >= TRT_DATA_TYPE_COUNT ||
        format >= TRT_FORMAT_COUNT ||
        (format == TRT_FORMAT_CHANNELS_LAST && (dims.nb_dims < 3 || dims.nb_dims > 5))) {
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
      trt_plan_take_align(r, PLAN_DATA_ALIGNMENT);
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
      /* A mapped plan's constants stay where they are (aligned there as in
       * memory); otherwise they are copied. */
      unsigned char *at = (unsigned char *)r->data + r->offset;
      bool stored = network->storage.base && (uintptr_t)at % PLAN_DATA_ALIGNMENT == 0;
      index = stored ? trt_network_add_stored_constant(network, name, type, &dims, at)
                     : trt_network_add_constant(network, name, type, &dims, at);
      r->offset += bytes;
    } else {
      /* Inputs and layer outputs; their roles are restored below. */
      index = trt_network_add_tensor(network, name, type, dims.nb_dims < 0 ? NULL : &dims);
    }
    free(name);
    if (index < 0)
      return TRT_STATUS_PARSE_ERROR;
    network->tensors[index].format = (trt_tensor_format_t)format;
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
    _Static_assert(sizeof(trt_plugin_params_t) <= sizeof(params), "the largest parameters fit");
    bool params_fit = params_size == descriptor->params_size && params_size <= sizeof(params);
    if (params_fit)
      trt_plan_take(r, params, params_size);
    if (params_fit && !r->truncated && !trt_layer_params_bools_valid(type, params)) {
      trt_status_t status = damaged_layer(name, "a bool parameter holds neither 0 nor 1");
      free(name);
      return status;
    }
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

/* ---- validation: a plan is data from outside -------------------------------
 *
 * What the builder guarantees of a network it made is checked again on
 * load, with the importers' own checks where they exist: views lie inside
 * their parents and do not loop, every layer reads only what is defined
 * before it and writes tensors nothing else writes, and each layer's
 * parameters pass its shape inference and give the dims stored. */

static trt_status_t check_view(const trt_network_t *network, int t) {
  const trt_tensor_t *view = &network->tensors[t];
  int steps = 0;
  for (int p = view->view_parent; p >= 0; p = network->tensors[p].view_parent)
    if (++steps > network->nb_tensors)
      return damaged("view parents form a cycle");
  const trt_tensor_t *parent = &network->tensors[view->view_parent];
  int axis = view->view_axis;
  /* channels-last views (formats.h): along the channels, of a tensor that
   * is no view itself */
  bool layout_ok = parent->format == TRT_FORMAT_LINEAR || (axis == 1 && parent->view_parent < 0);
  bool fits = layout_ok && !view->data && !view->is_input && view->type == parent->type &&
              view->format == parent->format &&
              view->dims.nb_dims == parent->dims.nb_dims && axis < view->dims.nb_dims &&
              view->view_offset >= 0 && view->view_offset <= parent->dims.d[axis] &&
              view->dims.d[axis] <= parent->dims.d[axis] - view->view_offset;
  for (int d = 0; fits && d < view->dims.nb_dims; d++)
    fits = d == axis || view->dims.d[d] == parent->dims.d[d];
  if (!fits)
    return trt_error(TRT_STATUS_PARSE_ERROR,
                     "the plan is damaged: view '%s' does not lie inside '%s'", view->name,
                     parent->name);
  return TRT_STATUS_OK;
}

/* Every input defined before its reader, every output written once. */
static trt_status_t check_layer_order(const trt_network_t *network) {
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++) {
      const trt_tensor_t *input = trt_layer_input(network, layer, i);
      if (input && !input->data && !input->is_input &&
          (input->producer < 0 || input->producer >= l))
        return damaged_layer(layer->name, "it reads a tensor nothing defines before it");
    }
    for (int o = 0; o < layer->nb_outputs; o++) {
      const trt_tensor_t *output = trt_layer_output(network, layer, o);
      if (output->producer != l || output->data || output->is_input)
        return damaged_layer(layer->name, "it writes a tensor that is an input, a constant, or "
                                          "another layer's output");
    }
  }
  return TRT_STATUS_OK;
}

/* Runs each layer's shape inference, which checks its inputs and
 * parameters as it did when the network was imported, and compares what
 * it finds with the output types and dims stored. */
static trt_status_t check_layer_shapes(trt_network_t *network) {
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    trt_data_type_t stored_types[TRT_MAX_LAYER_OUTPUTS];
    trt_dims_t stored_dims[TRT_MAX_LAYER_OUTPUTS];
    for (int o = 0; o < layer->nb_outputs; o++) {
      stored_types[o] = trt_layer_output(network, layer, o)->type;
      stored_dims[o] = trt_layer_output(network, layer, o)->dims;
    }
    trt_status_t status = trt_layer_descriptor(layer->type)->infer(network, layer);
    if (status != TRT_STATUS_OK)
      return trt_error_prefix(TRT_STATUS_PARSE_ERROR, "the plan is damaged: layer '%s' (%s): ",
                              layer->name, trt_layer_type_name(layer->type));
    for (int o = 0; o < layer->nb_outputs; o++) {
      const trt_tensor_t *output = trt_layer_output(network, layer, o);
      if (output->type != stored_types[o] || !trt_dims_equal(&output->dims, &stored_dims[o]))
        return damaged_layer(layer->name, "its parameters do not give the dims stored");
    }
  }
  return TRT_STATUS_OK;
}

static trt_status_t check_network(trt_network_t *network) {
  for (int t = 0; t < network->nb_tensors; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    if (tensor->dims.nb_dims < 0 || trt_dims_volume(&tensor->dims) < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "the plan is damaged: tensor '%s' has no size",
                       tensor->name);
    if (tensor->view_parent >= 0) {
      trt_status_t status = check_view(network, t);
      if (status != TRT_STATUS_OK)
        return status;
    }
  }
  trt_status_t status = check_layer_order(network);
  return status == TRT_STATUS_OK ? check_layer_shapes(network) : status;
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
    /* Bindings are the network's inputs, then its outputs, in order. */
    bool is_input = b < (uint32_t)network->nb_inputs;
    int expected = is_input ? network->inputs[b] : network->outputs[b - network->nb_inputs];
    if (engine->binding_is_input[b] != is_input || t != expected)
      return damaged("the bindings are not the network's inputs and outputs in order");
    engine->full.binding_tensors[b] = t;
  }
  return TRT_STATUS_OK;
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
    if (offset == (uint64_t)SIZE_MAX ? trt_memory_plan_in_arena(tensor)
                                     : (offset > full->plan.arena_bytes ||
                                        bytes > full->plan.arena_bytes - offset))
      return damaged("a tensor lies outside the activation arena");
    /* The planner aligns every tensor; kernels rely on it. */
    if (offset != (uint64_t)SIZE_MAX && offset % TRT_ACTIVATION_ALIGNMENT != 0)
      return damaged("a tensor is misaligned in the activation arena");
    full->plan.offsets[t] = (size_t)offset;
  }
  return r->truncated ? damaged("truncated in the memory plan") : TRT_STATUS_OK;
}

/* The stored memory plan must be the one the planner makes for this
 * network: offsets that let live tensors overlap would let one layer
 * overwrite another's input. Planning again takes a millisecond. */
static trt_status_t check_memory_plan(const trt_engine_t *engine) {
  const trt_specialization_t *full = &engine->full;
  trt_memory_plan_t fresh = {0};
  trt_status_t status = trt_memory_plan_build(full->network, &fresh);
  if (status != TRT_STATUS_OK)
    return status;
  bool same = fresh.arena_bytes == full->plan.arena_bytes;
  for (int t = 0; same && t < full->network->nb_tensors; t++)
    same = fresh.offsets[t] == full->plan.offsets[t];
  trt_memory_plan_release(&fresh);
  return same ? TRT_STATUS_OK : damaged("the memory plan is not the network's");
}

/* What the engine adds to its network: bindings and the memory plan. */
static trt_status_t take_engine(trt_plan_reader_t *r, trt_engine_t *engine) {
  trt_status_t status = take_bindings(r, engine);
  if (status == TRT_STATUS_OK)
    status = take_memory_plan(r, engine);
  return status == TRT_STATUS_OK ? check_memory_plan(engine) : status;
}

static trt_status_t check_header(trt_plan_reader_t *r, const char *expected_key,
                                 const trt_builder_config_t *config, trt_builder_config_t *built) {
  char magic[sizeof(PLAN_MAGIC)];
  if (!trt_plan_take(r, magic, sizeof(magic)) || memcmp(magic, PLAN_MAGIC, sizeof(magic)) != 0)
    return trt_error(TRT_STATUS_PARSE_ERROR, "not a trtinfer plan (bad magic)");
  uint32_t format = trt_plan_take_u32(r);
  if (format != PLAN_FORMAT_VERSION)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "plan format version %u, this library reads %u: rebuild it", format,
                     PLAN_FORMAT_VERSION);
  char *version = trt_plan_take_string(r);
  trt_status_t status = TRT_STATUS_OK;
  if (!version)
    status = damaged("truncated header");
  else if (strcmp(version, trt_version_string()) != 0) {
    /* The file's bytes, shown as printable ASCII ('?' for others), at most
     * 32 of them: a crafted plan must not write escapes to a terminal. */
    char shown[36];
    size_t n = 0;
    for (const char *c = version; *c && n < 32; c++)
      shown[n++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
    strcpy(shown + n, version[n] ? "..." : "");
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plan built by trtinfer %s, this is trtinfer %s: rebuild it", shown,
                       trt_version_string());
  }
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
  built->linear_formats_only = (precision_flags & 4u) != 0;
  built->max_batch = (int)trt_plan_take_u32(r);
  built->workspace = trt_plan_take_u64(r);
  built->disabled_passes = trt_plan_take_u32(r);
  char *key = trt_plan_take_string(r);
  if (!device || !key)
    status = damaged("truncated header");
  else if (built->max_batch < 1)
    status = damaged("bad maximum batch");
  else if (built->backend == TRT_BACKEND_AUTO || !trt_backend_ops(built->backend))
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plan is for the %s backend, which this "
                       "build of trtinfer does not have", trt_backend_name(built->backend));
  else if (config && config->backend != TRT_BACKEND_AUTO && config->backend != built->backend)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plan is for the %s backend, %s was asked for",
                       trt_backend_name(built->backend), trt_backend_name(config->backend));
  else if (config && config->precision != built->precision)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT, "plan is for %s, %s was asked for",
                       trt_precision_name(built->precision), trt_precision_name(config->precision));
  else if (expected_key && strcmp(key, expected_key) != 0)
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plan was built for another model or options (cache key %s, expected %s)",
                       key, expected_key);
  free(device);
  free(key);
  return status;
}

/* With `storage` (a mapped plan whose bytes are `data`), the network takes
 * it over (the caller clears `storage->base` when that happened) and its
 * constants point into it; without, everything is copied. */
static trt_status_t deserialize(const void *data, size_t size, const char *expected_key,
                                const trt_builder_config_t *config,
                                trt_network_storage_t *storage, trt_engine_t **engine) {
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
  trt_network_t *network = trt_network_create();
  if (!network)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  if (storage) {
    network->storage = *storage;
    storage->base = NULL;
  }
  status = take_tensors(&r, network);
  if (status == TRT_STATUS_OK)
    status = take_layers(&r, network);
  if (status == TRT_STATUS_OK)
    status = take_index_list(&r, network, true);
  if (status == TRT_STATUS_OK)
    status = take_index_list(&r, network, false);
  if (status == TRT_STATUS_OK)
    status = check_network(network);
  if (status != TRT_STATUS_OK) {
    trt_network_destroy(network);
    return status;
  }
  /* Run-time options come from the caller; build options from the plan. */
  if (config) {
    built.cpu_threads = config->cpu_threads;
    built.verbose = config->verbose;
    built.device = config->device;
  }
  built.timing_cache_path = NULL;
  trt_engine_t *loaded = calloc(1, sizeof(*loaded));
  if (!loaded) {
    trt_network_destroy(network);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading a plan");
  }
  loaded->config = built;
  loaded->backend = built.backend;
  loaded->ops = trt_backend_ops(built.backend);
  loaded->max_batch = built.max_batch;
  loaded->full.batch = built.max_batch;
  loaded->full.network = network;
  status = take_engine(&r, loaded);
  uint64_t section_size = trt_plan_take_u64(&r);
  if (status == TRT_STATUS_OK && (r.truncated || section_size != r.size - r.offset))
    status = damaged("the backend section does not end the plan");
  if (status == TRT_STATUS_OK)
    status = loaded->ops->load(loaded, r.data + r.offset, (size_t)section_size);
  if (status != TRT_STATUS_OK) {
    trt_engine_destroy(loaded);
    return status;
  }
  *engine = loaded;
  return TRT_STATUS_OK;
}

trt_status_t trt_engine_deserialize(const void *data, size_t size, const char *expected_key,
                                    const trt_builder_config_t *config, trt_engine_t **engine) {
  if (!data || !engine)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_deserialize: NULL argument");
  *engine = NULL;
  return deserialize(data, size, expected_key, config, NULL, engine);
}

static void unmap_plan(void *base, size_t size) { trt_file_unmap(base, size); }

/* The plan is mapped, not read: its constants are used where they lie. */
trt_status_t trt_engine_load(const char *path, const char *expected_key,
                             const trt_builder_config_t *config, trt_engine_t **engine) {
  if (!path || !engine)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_engine_load: NULL argument");
  *engine = NULL;
  trt_network_storage_t storage = {.release = unmap_plan};
  trt_status_t status;
  if (trt_file_map(path, &storage.base, &storage.size) == TRT_STATUS_OK) {
    status = deserialize(storage.base, storage.size, expected_key, config, &storage, engine);
    trt_file_unmap(storage.base, storage.size); /* unless the network took it */
  } else {
    /* Not a regular file, or empty: read it (and report that) as it is. */
    void *data = NULL;
    size_t size = 0;
    status = trt_file_read_all(path, &data, &size);
    if (status != TRT_STATUS_OK)
      return status;
    status = deserialize(data, size, expected_key, config, NULL, engine);
    free(data);
  }
  if (status != TRT_STATUS_OK)
    trt_error_prefix(status, "%s: ", path);
  return status;
}
