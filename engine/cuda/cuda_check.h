/* Checking every CUDA, cuDNN and cuBLAS call: on failure the enclosing
 * function returns a TRT_STATUS_CUDA_ERROR whose message names the call, its
 * error and where it was made. */
#ifndef TRT_CUDA_CHECK_H
#define TRT_CUDA_CHECK_H

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "trt/status.h"

#define TRT_CUDA_CHECK(call)                                                                 \
  do {                                                                                       \
    cudaError_t cuda_check_error_ = (call);                                                  \
    if (cuda_check_error_ != cudaSuccess)                                                    \
      return trt_error(TRT_STATUS_CUDA_ERROR, "%s:%d: %s: %s", __FILE__, __LINE__, #call,    \
                       cudaGetErrorString(cuda_check_error_));                               \
  } while (0)

#define TRT_CUDNN_CHECK(call)                                                                \
  do {                                                                                       \
    cudnnStatus_t cudnn_check_status_ = (call);                                              \
    if (cudnn_check_status_ != CUDNN_STATUS_SUCCESS)                                         \
      return trt_error(TRT_STATUS_CUDA_ERROR, "%s:%d: %s: %s", __FILE__, __LINE__, #call,    \
                       cudnnGetErrorString(cudnn_check_status_));                            \
  } while (0)

#define TRT_CUBLAS_CHECK(call)                                                               \
  do {                                                                                       \
    cublasStatus_t cublas_check_status_ = (call);                                            \
    if (cublas_check_status_ != CUBLAS_STATUS_SUCCESS)                                       \
      return trt_error(TRT_STATUS_CUDA_ERROR, "%s:%d: %s: %s", __FILE__, __LINE__, #call,    \
                       cublasGetStatusString(cublas_check_status_));                         \
  } while (0)

/* After a kernel launch (launchers return cudaGetLastError()). */
#define TRT_LAUNCH_CHECK(launch) TRT_CUDA_CHECK(launch)

#endif
