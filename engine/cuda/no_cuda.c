/* Device queries for builds without the CUDA backend. */
#include "trt/runtime.h"

trt_status_t trt_cuda_device_count(int *count) {
  *count = 0;
  return trt_error(TRT_STATUS_NO_DEVICE, "this build of trtinfer has no CUDA backend");
}

trt_status_t trt_cuda_device_describe(int device, char *text, size_t size) {
  (void)text;
  (void)size;
  return trt_error(TRT_STATUS_NO_DEVICE, "CUDA device %d: built without CUDA", device);
}
