/* Frames to tensor items (engine/include/trt/image.h defines the values,
 * engine/numerics/image.h the arithmetic, shared with the CPU path): one
 * thread per output pixel, all its channels. The arguments are checked
 * before (engine/image.c). */
#ifndef TRT_KERNELS_IMAGE_CUH
#define TRT_KERNELS_IMAGE_CUH

#include <cuda_runtime.h>

#include "trt/image.h"

#ifdef __cplusplus
extern "C" {
#endif

cudaError_t trt_launch_image_to_tensor(const trt_image_t *image,
                                       const trt_image_transform_t *transform, void *out,
                                       cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
