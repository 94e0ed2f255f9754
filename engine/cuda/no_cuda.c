/* Builds without the CUDA backend: device queries say so, the backend's
 * entry points refuse with TRT_STATUS_NO_DEVICE, and the public device
 * helpers do the same. */
#include "engine_internal.h"

static trt_status_t no_cuda(const char *what) {
  return trt_error(TRT_STATUS_NO_DEVICE, "%s: this build of trtinfer has no CUDA backend", what);
}

trt_status_t trt_cuda_device_count(int *count) {
  *count = 0;
  return trt_error(TRT_STATUS_NO_DEVICE, "this build of trtinfer has no CUDA backend");
}

trt_status_t trt_cuda_device_describe(int device, char *text, size_t size) {
  (void)text;
  (void)size;
  return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: built without CUDA", device);
}

/* ---- the backend's entry points (engine_internal.h) ----------------------- */

trt_status_t trt_cuda_check_device(int device) {
  return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: this build of trtinfer has no CUDA "
                   "backend", device);
}

trt_status_t trt_cuda_engine_build(trt_engine_t *engine) {
  (void)engine;
  return no_cuda("building a CUDA engine");
}

void trt_cuda_engine_destroy(trt_cuda_engine_t *cuda) { (void)cuda; }

trt_status_t trt_cuda_context_create(trt_context_t *context) {
  (void)context;
  return no_cuda("creating a CUDA context");
}

void trt_cuda_context_destroy(trt_cuda_context_t *cuda) { (void)cuda; }

trt_status_t trt_cuda_context_enqueue(trt_context_t *context, int batch, void *const *bindings,
                                      void *stream) {
  (void)context, (void)batch, (void)bindings, (void)stream;
  return no_cuda("trt_context_enqueue");
}

trt_status_t trt_cuda_context_synchronize(trt_context_t *context) {
  (void)context;
  return no_cuda("trt_context_synchronize");
}

trt_status_t trt_cuda_plan_device_name(const trt_engine_t *engine, char *name, size_t size) {
  (void)engine, (void)name, (void)size;
  return no_cuda("saving a CUDA plan");
}

trt_status_t trt_cuda_plan_section(const trt_engine_t *engine, void **data, size_t *size) {
  (void)engine, (void)data, (void)size;
  return no_cuda("saving a CUDA plan");
}

trt_status_t trt_cuda_engine_from_plan(trt_network_t *network, const trt_builder_config_t *built,
                                       const void *section, size_t size, trt_engine_t **engine) {
  (void)built, (void)section, (void)size;
  *engine = NULL;
  trt_network_destroy(network);
  return no_cuda("loading a CUDA plan");
}

void trt_context_set_use_graph(trt_context_t *context, bool use_graph) {
  (void)context, (void)use_graph;
}

/* ---- public device helpers (trt/runtime.h) -------------------------------- */

trt_status_t trt_set_device(int device) {
  (void)device;
  return no_cuda("trt_set_device");
}

trt_status_t trt_device_malloc(void **pointer, size_t bytes) {
  (void)bytes;
  if (pointer)
    *pointer = NULL;
  return no_cuda("trt_device_malloc");
}

void trt_device_free(void *pointer) { (void)pointer; }

trt_status_t trt_host_malloc_pinned(void **pointer, size_t bytes) {
  (void)bytes;
  if (pointer)
    *pointer = NULL;
  return no_cuda("trt_host_malloc_pinned");
}

void trt_host_free_pinned(void *pointer) { (void)pointer; }

trt_status_t trt_memcpy_host_to_device(void *device, const void *host, size_t bytes,
                                       void *stream) {
  (void)device, (void)host, (void)bytes, (void)stream;
  return no_cuda("trt_memcpy_host_to_device");
}

trt_status_t trt_memcpy_device_to_host(void *host, const void *device, size_t bytes,
                                       void *stream) {
  (void)device, (void)host, (void)bytes, (void)stream;
  return no_cuda("trt_memcpy_device_to_host");
}

trt_status_t trt_memcpy_device_to_device(void *to, const void *from, size_t bytes,
                                         void *stream) {
  (void)to, (void)from, (void)bytes, (void)stream;
  return no_cuda("trt_memcpy_device_to_device");
}

trt_status_t trt_memset_device(void *device, int value, size_t bytes, void *stream) {
  (void)device, (void)value, (void)bytes, (void)stream;
  return no_cuda("trt_memset_device");
}

trt_status_t trt_stream_create(void **stream) {
  if (stream)
    *stream = NULL;
  return no_cuda("trt_stream_create");
}

void trt_stream_destroy(void *stream) { (void)stream; }

trt_status_t trt_stream_synchronize(void *stream) {
  (void)stream;
  return no_cuda("trt_stream_synchronize");
}

trt_status_t trt_event_create(void **event) {
  if (event)
    *event = NULL;
  return no_cuda("trt_event_create");
}

void trt_event_destroy(void *event) { (void)event; }

trt_status_t trt_event_record(void *event, void *stream) {
  (void)event, (void)stream;
  return no_cuda("trt_event_record");
}

trt_status_t trt_event_synchronize(void *event) {
  (void)event;
  return no_cuda("trt_event_synchronize");
}

trt_status_t trt_event_elapsed_ms(void *start, void *end, float *milliseconds) {
  (void)start, (void)end;
  if (milliseconds)
    *milliseconds = 0;
  return no_cuda("trt_event_elapsed_ms");
}
