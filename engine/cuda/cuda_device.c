/* CUDA device discovery and library versions, for choosing a backend and
 * for the plan-file header. Built only when the CUDA backend is enabled. */
#include <stdio.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "kernels/pointwise.cuh"
#include "trt/runtime.h"

/* The kernels number activations the way the engine does. */
_Static_assert(TRT_ACTIVATION_SOFTPLUS == 16, "kernels/pointwise.cu numbers activations too");

trt_status_t trt_cuda_device_count(int *count) {
  *count = 0;
  cudaError_t error = cudaGetDeviceCount(count);
  if (error != cudaSuccess) {
    *count = 0;
    return trt_error(TRT_STATUS_NO_DEVICE, "no usable CUDA device: %s", cudaGetErrorString(error));
  }
  if (*count == 0)
    return trt_error(TRT_STATUS_NO_DEVICE, "no CUDA device present");
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_device_describe(int device, char *text, size_t size) {
  struct cudaDeviceProp properties;
  cudaError_t error = cudaGetDeviceProperties(&properties, device);
  if (error != cudaSuccess)
    return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: %s", device, cudaGetErrorString(error));
  int runtime_version = 0;
  cudaRuntimeGetVersion(&runtime_version);
  snprintf(text, size, "%s (compute capability %d.%d, %d SMs, %.1f GiB), CUDA runtime %d.%d, "
           "cuDNN %zu, cuBLAS %d",
           properties.name, properties.major, properties.minor, properties.multiProcessorCount,
           properties.totalGlobalMem / 1073741824.0, runtime_version / 1000,
           (runtime_version % 1000) / 10, cudnnGetVersion(), CUBLAS_VERSION);
  return TRT_STATUS_OK;
}
