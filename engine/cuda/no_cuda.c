/* Builds without the CUDA backend: the backend registry has no CUDA entry
 * (backend_registry.c); what is left are the public device queries and
 * helpers of trt/runtime.h, which say so with TRT_STATUS_NO_DEVICE. */
#include "engine_internal.h"
#include "trt/runtime.h"

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

trt_status_t trt_cuda_device_name(int device, char *name, size_t size) {
  (void)name;
  (void)size;
  return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: built without CUDA", device);
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

trt_status_t trt_host_register(void *pointer, size_t bytes) {
  (void)pointer, (void)bytes;
  return no_cuda("trt_host_register");
}

void trt_host_unregister(void *pointer) {
  (void)pointer;
}

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

trt_status_t trt_cuda_image_to_tensor(const trt_image_t *image,
                                      const trt_image_transform_t *transform, void *out,
                                      void *stream) {
  (void)image, (void)transform, (void)out, (void)stream;
  return no_cuda("trt_image_to_tensor");
}

void trt_cuda_timing_cache_free(void *cache) {
  (void)cache;
}

trt_status_t trt_cuda_yolo_nms(const float *tensor, const trt_kyolo_t *yolo, void *workspace,
                               trt_detection_t *out, int32_t *count, void *stream) {
  (void)tensor, (void)yolo, (void)workspace, (void)out, (void)count, (void)stream;
  return no_cuda("trt_yolo_nms");
}
