/* The kernel of trt_image_to_tensor (engine/image.c checked the arguments). */
#include "cuda/cuda_check.h"
#include "engine_internal.h"
#include "kernels/image.cuh"

trt_status_t trt_cuda_image_to_tensor(const trt_image_t *image, const trt_image_transform_t *t,
                                      void *out, void *stream) {
  TRT_LAUNCH_CHECK(trt_launch_image_to_tensor(image, t, out, (cudaStream_t)stream));
  return TRT_STATUS_OK;
}
