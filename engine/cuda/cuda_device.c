/* CUDA device discovery and library versions, for choosing a backend and
 * for the plan-file header. Built only when the CUDA backend is enabled. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "cuda/cuda_core.h"
#include "kernels/pointwise.cuh"
#include "trt/runtime.h"

_Static_assert(TRT_MAX_UNARY_CHAIN == TRT_KMAX_UNARY_CHAIN,
               "kernels/pointwise.cuh sizes unary chains as the engine does");

/* ---- capture lock (cuda_backend.h) ---------------------------------------- */

/* Recursive: context creation and destruction hold it around steps that
 * take it again (frees, library handles). */
static pthread_mutex_t capture_mutex;
static pthread_once_t capture_mutex_once = PTHREAD_ONCE_INIT;

static void capture_mutex_init(void) {
  pthread_mutexattr_t attributes;
  (void)pthread_mutexattr_init(&attributes);
  (void)pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  (void)pthread_mutex_init(&capture_mutex, &attributes);
  (void)pthread_mutexattr_destroy(&attributes);
}

void trt_cuda_capture_lock(void) {
  (void)pthread_once(&capture_mutex_once, capture_mutex_init);
  (void)pthread_mutex_lock(&capture_mutex);
}

void trt_cuda_capture_unlock(void) { (void)pthread_mutex_unlock(&capture_mutex); }

cudaError_t trt_cuda_free(void *pointer) {
  if (!pointer)
    return cudaSuccess;
  trt_cuda_capture_lock();
  cudaError_t error = cudaFree(pointer);
  trt_cuda_capture_unlock();
  return error;
}

cudaError_t trt_cuda_free_host(void *pointer) {
  if (!pointer)
    return cudaSuccess;
  trt_cuda_capture_lock();
  cudaError_t error = cudaFreeHost(pointer);
  trt_cuda_capture_unlock();
  return error;
}

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

trt_status_t trt_cuda_device_name(int device, char *name, size_t size) {
  int major = 0, minor = 0;
  return trt_cuda_device_identity(device, name, size, &major, &minor);
}

/* ---- backend internals ---------------------------------------------------- */


trt_status_t trt_cuda_check_device(int device) {
  int count = 0;
  trt_status_t status = trt_cuda_device_count(&count);
  if (status != TRT_STATUS_OK)
    return status;
  if (device < 0 || device >= count)
    return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d does not exist (%d present)", device,
                     count);
  return TRT_STATUS_OK;
}

trt_status_t trt_cuda_device_identity(int device, char *name, size_t size, int *major,
                                      int *minor) {
  struct cudaDeviceProp properties;
  cudaError_t error = cudaGetDeviceProperties(&properties, device);
  if (error != cudaSuccess)
    return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: %s", device, cudaGetErrorString(error));
  snprintf(name, size, "%s", properties.name);
  *major = properties.major;
  *minor = properties.minor;
  return TRT_STATUS_OK;
}

int trt_cuda_compare_floats(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

trt_status_t trt_cuda_versions(trt_cuda_versions_t *versions) {
  memset(versions, 0, sizeof(*versions));
  TRT_CUDA_CHECK(cudaRuntimeGetVersion(&versions->cuda_runtime));
  versions->cudnn = (uint64_t)cudnnGetVersion();
  int major = 0, minor = 0, patch = 0;
  TRT_CUBLAS_CHECK(cublasGetProperty(MAJOR_VERSION, &major));
  TRT_CUBLAS_CHECK(cublasGetProperty(MINOR_VERSION, &minor));
  TRT_CUBLAS_CHECK(cublasGetProperty(PATCH_LEVEL, &patch));
  versions->cublas = major * 10000 + minor * 100 + patch;
  return TRT_STATUS_OK;
}

static trt_status_t env_create(trt_cuda_env_t *env) {
  TRT_CUDA_CHECK(cudaSetDevice(env->device));
  TRT_CUDA_CHECK(cudaStreamCreateWithFlags(&env->stream, cudaStreamNonBlocking));
  TRT_CUDNN_CHECK(cudnnCreate(&env->cudnn));
  TRT_CUDNN_CHECK(cudnnSetStream(env->cudnn, env->stream));
  TRT_CUBLAS_CHECK(cublasCreate(&env->cublas));
  TRT_CUBLAS_CHECK(cublasSetStream(env->cublas, env->stream));
  TRT_CUBLAS_CHECK(cublasSetMathMode(env->cublas, env->allow_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH
                                                                  : CUBLAS_DEFAULT_MATH));
  TRT_CUBLAS_CHECK(cublasLtCreate(&env->cublas_lt));
  return TRT_STATUS_OK;
}

/* Under the capture lock (cuda_backend.h): creating and destroying cuDNN
 * and cuBLAS handles allocates and frees device memory inside the
 * libraries, where the engine's own frees cannot take the lock. */
trt_status_t trt_cuda_env_init(trt_cuda_env_t *env, int device, bool allow_tf32) {
  memset(env, 0, sizeof(*env));
  env->device = device;
  env->allow_tf32 = allow_tf32;
  trt_cuda_capture_lock();
  trt_status_t status = env_create(env);
  if (status != TRT_STATUS_OK)
    trt_cuda_env_release(env);
  trt_cuda_capture_unlock();
  return status;
}

/* Releases what env_create made, in reverse; a failure here has nothing
 * left to report to, so results are ignored. */
void trt_cuda_env_release(trt_cuda_env_t *env) {
  if (env->stream)
    (void)cudaStreamSynchronize(env->stream);
  trt_cuda_capture_lock();
  if (env->cublas_lt)
    (void)cublasLtDestroy(env->cublas_lt);
  if (env->cublas)
    (void)cublasDestroy(env->cublas);
  if (env->cudnn)
    (void)cudnnDestroy(env->cudnn);
  if (env->stream)
    (void)cudaStreamDestroy(env->stream);
  if (env->workspace)
    (void)trt_cuda_free(env->workspace);
  trt_cuda_capture_unlock();
  memset(env, 0, sizeof(*env));
}

trt_status_t trt_cuda_env_reserve_workspace(trt_cuda_env_t *env, size_t bytes) {
  if (bytes <= env->workspace_bytes)
    return TRT_STATUS_OK;
  /* Launches still queued may use the old workspace. */
  if (env->workspace) {
    TRT_CUDA_CHECK(cudaStreamSynchronize(env->stream));
    TRT_CUDA_CHECK(trt_cuda_free(env->workspace));
  }
  env->workspace = NULL;
  env->workspace_bytes = 0;
  TRT_CUDA_CHECK(cudaMalloc(&env->workspace, bytes));
  env->workspace_bytes = bytes;
  return TRT_STATUS_OK;
}
