/* Device memory: the engine's constants, where tensors live during a run,
 * and the public helpers (trt/runtime.h) for programs that feed CUDA
 * engines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_core.h"

/* ---- the engine's constants ---------------------------------------------- */

static size_t align_up(size_t value) {
  return (value + TRT_CUDA_ALIGNMENT - 1) / TRT_CUDA_ALIGNMENT * TRT_CUDA_ALIGNMENT;
}

trt_status_t trt_cuda_engine_alloc(trt_engine_t *engine, int device) {
  trt_cuda_engine_t *cuda = calloc(1, sizeof(*cuda));
  if (!cuda)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the CUDA engine");
  engine->impl = cuda;
  const trt_network_t *network = engine->full.network;
  cuda->device = device;
  cuda->nb_layers = network->nb_layers;
  size_t layers = (size_t)(network->nb_layers ? network->nb_layers : 1);
  cuda->tactics = calloc(layers, sizeof(int32_t));
  cuda->layer_workspace = calloc(layers, sizeof(size_t));
  cuda->constant_addresses =
      calloc((size_t)(network->nb_tensors ? network->nb_tensors : 1), sizeof(void *));
  if (!cuda->tactics || !cuda->layer_workspace || !cuda->constant_addresses)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the CUDA engine");
  return trt_cuda_device_identity(device, cuda->device_name, sizeof(cuda->device_name),
                                  &cuda->cc_major, &cuda->cc_minor);
}

void trt_cuda_engine_destroy(trt_engine_t *engine) {
  trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  engine->impl = NULL;
  if (!cuda)
    return;
  if (cuda->constants) {
    (void)cudaSetDevice(cuda->device);
    (void)trt_cuda_free(cuda->constants);
  }
  free(cuda->tactics);
  free(cuda->layer_workspace);
  free(cuda->constant_addresses);
  free(cuda);
}

/* Constants a layer reads, or that are network outputs. */
static bool *constants_needed(const trt_network_t *network) {
  bool *needed = calloc((size_t)(network->nb_tensors ? network->nb_tensors : 1), sizeof(bool));
  if (!needed)
    return NULL;
  for (int l = 0; l < network->nb_layers; l++)
    for (int i = 0; i < network->layers[l].nb_inputs; i++)
      if (network->layers[l].inputs[i] >= 0)
        needed[network->layers[l].inputs[i]] = true;
  for (int o = 0; o < network->nb_outputs; o++)
    needed[network->outputs[o]] = true;
  for (int t = 0; t < network->nb_tensors; t++)
    needed[t] = needed[t] && network->tensors[t].data != NULL;
  return needed;
}

trt_status_t trt_cuda_upload_constants(trt_engine_t *engine) {
  trt_cuda_engine_t *cuda = trt_cuda_engine_of(engine);
  const trt_network_t *network = engine->full.network;
  bool *needed = constants_needed(network);
  if (!needed)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory uploading constants");
  size_t total = 0;
  for (int t = 0; t < network->nb_tensors; t++) {
    size_t bytes = trt_tensor_bytes(&network->tensors[t]);
    if (needed[t])
      total += align_up(bytes ? bytes : 1);
  }
  trt_status_t status = TRT_STATUS_OK;
  cudaError_t error = cudaSetDevice(cuda->device);
  if (error == cudaSuccess && total)
    error = cudaMalloc(&cuda->constants, total);
  if (error != cudaSuccess) {
    cuda->constants = NULL;
    status = trt_error(error == cudaErrorMemoryAllocation ? TRT_STATUS_OUT_OF_MEMORY
                                                           : TRT_STATUS_CUDA_ERROR,
                       "uploading %zu bytes of weights: %s", total, cudaGetErrorString(error));
  }
  cuda->constants_bytes = total;
  size_t offset = 0;
  for (int t = 0; status == TRT_STATUS_OK && t < network->nb_tensors; t++) {
    if (!needed[t])
      continue;
    const trt_tensor_t *tensor = &network->tensors[t];
    size_t bytes = trt_tensor_bytes(tensor);
    cuda->constant_addresses[t] = (char *)cuda->constants + offset;
    offset += align_up(bytes ? bytes : 1);
    if (bytes) {
      error = cudaMemcpy(cuda->constant_addresses[t], tensor->data, bytes, cudaMemcpyHostToDevice);
      if (error != cudaSuccess)
        status = trt_error(TRT_STATUS_CUDA_ERROR, "uploading constant '%s': %s", tensor->name,
                           cudaGetErrorString(error));
    }
  }
  free(needed);
  return status;
}

/* ---- where tensors live -------------------------------------------------- */

static trt_status_t resolve_one(const trt_network_t *network, const trt_memory_plan_t *plan,
                                void *const *constant_addresses, void *arena, void **addresses,
                                int t, int depth) {
  if (addresses[t])
    return TRT_STATUS_OK;
  const trt_tensor_t *tensor = &network->tensors[t];
  if (depth > network->nb_tensors)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "tensor '%s': views form a cycle", tensor->name);
  if (tensor->view_parent >= 0) {
    trt_status_t status = resolve_one(network, plan, constant_addresses, arena, addresses,
                                      tensor->view_parent, depth + 1);
    if (status != TRT_STATUS_OK)
      return status;
    trt_view_layout_t layout = trt_tensor_view_layout(network, tensor);
    addresses[t] = (char *)addresses[tensor->view_parent] +
                   (size_t)layout.offset * trt_data_type_size(tensor->type);
    return TRT_STATUS_OK;
  }
  if (tensor->data) {
    addresses[t] = constant_addresses[t];
    if (!addresses[t])
      return trt_error(TRT_STATUS_INTERNAL_ERROR, "constant '%s' is not on the device",
                       tensor->name);
    return TRT_STATUS_OK;
  }
  if (!plan->offsets || plan->offsets[t] == SIZE_MAX)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "tensor '%s' has no memory", tensor->name);
  addresses[t] = (char *)arena + plan->offsets[t];
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_resolve_addresses(const trt_network_t *network,
                                        const trt_memory_plan_t *plan,
                                        void *const *constant_addresses, void *arena,
                                        void **addresses) {
  /* Only tensors that layers touch need an address. */
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs + layer->nb_outputs; i++) {
      int t = i < layer->nb_inputs ? layer->inputs[i] : layer->outputs[i - layer->nb_inputs];
      if (t < 0)
        continue;
      trt_status_t status =
          resolve_one(network, plan, constant_addresses, arena, addresses, t, 0);
      if (status != TRT_STATUS_OK)
        return status;
    }
  }
  return TRT_STATUS_OK;
}

/* ---- public helpers ------------------------------------------------------ */

static trt_status_t cuda_failure(cudaError_t error, const char *what) {
  return trt_error(error == cudaErrorMemoryAllocation ? TRT_STATUS_OUT_OF_MEMORY
                   : (error == cudaErrorNoDevice || error == cudaErrorInsufficientDriver)
                       ? TRT_STATUS_NO_DEVICE
                       : TRT_STATUS_CUDA_ERROR,
                   "%s: %s", what, cudaGetErrorString(error));
}

#define PUBLIC_CHECK(call, what)                                                             \
  do {                                                                                       \
    cudaError_t public_error_ = (call);                                                      \
    if (public_error_ != cudaSuccess)                                                        \
      return cuda_failure(public_error_, what);                                              \
  } while (0)

trt_status_t trt_set_device(int device) {
  PUBLIC_CHECK(cudaSetDevice(device), "trt_set_device");
  return TRT_STATUS_OK;
}

trt_status_t trt_device_malloc(void **pointer, size_t bytes) {
  if (!pointer)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_device_malloc: NULL argument");
  *pointer = NULL;
  cudaError_t error = cudaMalloc(pointer, bytes ? bytes : 1);
  if (error != cudaSuccess) {
    *pointer = NULL;
    return cuda_failure(error, "trt_device_malloc");
  }
  return TRT_STATUS_OK;
}

void trt_device_free(void *pointer) {
  if (pointer)
    (void)trt_cuda_free(pointer);
}

trt_status_t trt_host_malloc_pinned(void **pointer, size_t bytes) {
  if (!pointer)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_host_malloc_pinned: NULL argument");
  *pointer = NULL;
  cudaError_t error = cudaMallocHost(pointer, bytes ? bytes : 1);
  if (error != cudaSuccess) {
    *pointer = NULL;
    return cuda_failure(error, "trt_host_malloc_pinned");
  }
  return TRT_STATUS_OK;
}

void trt_host_free_pinned(void *pointer) {
  if (pointer)
    (void)trt_cuda_free_host(pointer);
}

trt_status_t trt_host_register(void *pointer, size_t bytes) {
  if (!pointer || !bytes)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_host_register: no memory");
  cudaError_t error = cudaHostRegister(pointer, bytes, cudaHostRegisterPortable);
  if (error != cudaSuccess) {
    (void)cudaGetLastError(); /* not sticky: later launch checks must not see it */
    return cuda_failure(error, "trt_host_register");
  }
  return TRT_STATUS_OK;
}

void trt_host_unregister(void *pointer) {
  if (pointer && cudaHostUnregister(pointer) != cudaSuccess)
    (void)cudaGetLastError(); /* not registered: nothing to undo */
}

static trt_status_t copy(void *to, const void *from, size_t bytes, enum cudaMemcpyKind kind,
                         void *stream, const char *what) {
  if (!bytes)
    return TRT_STATUS_OK;
  if (!to || !from)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: NULL pointer", what);
  if (stream)
    PUBLIC_CHECK(cudaMemcpyAsync(to, from, bytes, kind, (cudaStream_t)stream), what);
  else
    PUBLIC_CHECK(cudaMemcpy(to, from, bytes, kind), what);
  return TRT_STATUS_OK;
}

trt_status_t trt_memcpy_host_to_device(void *device, const void *host, size_t bytes,
                                       void *stream) {
  return copy(device, host, bytes, cudaMemcpyHostToDevice, stream, "trt_memcpy_host_to_device");
}

trt_status_t trt_memcpy_device_to_host(void *host, const void *device, size_t bytes,
                                       void *stream) {
  return copy(host, device, bytes, cudaMemcpyDeviceToHost, stream, "trt_memcpy_device_to_host");
}

trt_status_t trt_memcpy_device_to_device(void *to, const void *from, size_t bytes,
                                         void *stream) {
  return copy(to, from, bytes, cudaMemcpyDeviceToDevice, stream, "trt_memcpy_device_to_device");
}

trt_status_t trt_memset_device(void *device, int value, size_t bytes, void *stream) {
  if (!bytes)
    return TRT_STATUS_OK;
  if (stream)
    PUBLIC_CHECK(cudaMemsetAsync(device, value, bytes, (cudaStream_t)stream), "trt_memset_device");
  else
    PUBLIC_CHECK(cudaMemset(device, value, bytes), "trt_memset_device");
  return TRT_STATUS_OK;
}

trt_status_t trt_stream_create(void **stream) {
  if (!stream)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_stream_create: NULL argument");
  *stream = NULL;
  cudaStream_t created = NULL;
  PUBLIC_CHECK(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking), "trt_stream_create");
  *stream = created;
  return TRT_STATUS_OK;
}

void trt_stream_destroy(void *stream) {
  if (stream)
    (void)cudaStreamDestroy((cudaStream_t)stream);
}

trt_status_t trt_stream_synchronize(void *stream) {
  PUBLIC_CHECK(cudaStreamSynchronize((cudaStream_t)stream), "trt_stream_synchronize");
  return TRT_STATUS_OK;
}

trt_status_t trt_event_create(void **event) {
  if (!event)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_event_create: NULL argument");
  *event = NULL;
  cudaEvent_t created = NULL;
  PUBLIC_CHECK(cudaEventCreate(&created), "trt_event_create");
  *event = created;
  return TRT_STATUS_OK;
}

void trt_event_destroy(void *event) {
  if (event)
    (void)cudaEventDestroy((cudaEvent_t)event);
}

trt_status_t trt_event_record(void *event, void *stream) {
  PUBLIC_CHECK(cudaEventRecord((cudaEvent_t)event, (cudaStream_t)stream), "trt_event_record");
  return TRT_STATUS_OK;
}

trt_status_t trt_event_synchronize(void *event) {
  PUBLIC_CHECK(cudaEventSynchronize((cudaEvent_t)event), "trt_event_synchronize");
  return TRT_STATUS_OK;
}

trt_status_t trt_event_elapsed_ms(void *start, void *end, float *milliseconds) {
  if (!milliseconds)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_event_elapsed_ms: NULL argument");
  PUBLIC_CHECK(cudaEventElapsedTime(milliseconds, (cudaEvent_t)start, (cudaEvent_t)end),
               "trt_event_elapsed_ms");
  return TRT_STATUS_OK;
}
