/* YOLO candidates and NMS on the GPU (trt/nms.h says what is computed):
 * one kernel scores every candidate and gathers those at or above the
 * threshold as sort keys, one block sorts them and keeps boxes greedily. */
#ifndef TRT_KERNELS_YOLO_NMS_CUH
#define TRT_KERNELS_YOLO_NMS_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#include "numerics/yolo_nms.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Scores, gathers, sorts and suppresses on `stream`; the kept rows and
 * their count are left in the workspace (trt_kyolo_layout). */
cudaError_t trt_launch_yolo_nms(const float *tensor, const trt_kyolo_t *yolo, void *workspace,
                                cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
