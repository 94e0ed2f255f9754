/* The kernels of trt_yolo_nms (engine/nms.c checked the arguments). */
#include "cuda/cuda_check.h"
#include "engine_internal.h"
#include "kernels/yolo_nms.cuh"

trt_status_t trt_cuda_yolo_nms(const float *tensor, const trt_kyolo_t *yolo, void *workspace,
                               trt_detection_t *out, int32_t *count, void *stream) {
  const trt_kyolo_layout_t layout = trt_kyolo_layout(yolo->candidates, yolo->max_detections);
  const char *base = workspace;
  cudaStream_t s = (cudaStream_t)stream;
  TRT_LAUNCH_CHECK(trt_launch_yolo_nms(tensor, yolo, workspace, s));
  int32_t kept = 0;
  TRT_CUDA_CHECK(
      cudaMemcpyAsync(&kept, base + layout.kept_count, sizeof kept, cudaMemcpyDeviceToHost, s));
  TRT_CUDA_CHECK(cudaStreamSynchronize(s));
  if (kept < 0 || kept > yolo->max_detections)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "trt_yolo_nms: %d rows kept of at most %d",
                     (int)kept, (int)yolo->max_detections);
  if (kept > 0) {
    TRT_CUDA_CHECK(cudaMemcpyAsync(out, base + layout.kept, (size_t)kept * sizeof *out,
                                   cudaMemcpyDeviceToHost, s));
    TRT_CUDA_CHECK(cudaStreamSynchronize(s));
  }
  *count = kept;
  return TRT_STATUS_OK;
}
