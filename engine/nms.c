/* YOLO detections on the GPU (trt/nms.h): the checks, in every build; the
 * kernels run in the CUDA backend (cuda/cuda_nms.c). */
#include "engine_internal.h"
#include "trt/nms.h"

/* The geometry of a `rows` x `cols` tensor as `layout`; false when it
 * cannot be that layout's (no class column) or is too large. */
static bool yolo_geometry(trt_yolo_layout_t layout, int64_t rows, int64_t cols,
                          trt_kyolo_t *y) {
  const bool v8 = layout == TRT_YOLO_V8;
  if ((layout != TRT_YOLO_V5 && layout != TRT_YOLO_V8) || rows <= 0 || cols <= 0)
    return false;
  y->v8 = v8;
  y->candidates = v8 ? cols : rows;
  y->fields = v8 ? rows : cols;
  y->cols = cols;
  return y->fields > (v8 ? 4 : 5) && y->candidates <= TRT_YOLO_MAX_CANDIDATES &&
         y->fields <= INT32_MAX;
}

size_t trt_yolo_nms_workspace(trt_yolo_layout_t layout, int64_t rows, int64_t cols,
                              int32_t max_detections) {
  trt_kyolo_t y;
  if (!yolo_geometry(layout, rows, cols, &y) || max_detections <= 0 ||
      max_detections > TRT_YOLO_MAX_CANDIDATES)
    return 0;
  return trt_kyolo_layout(y.candidates, max_detections).total;
}

trt_status_t trt_yolo_nms(const float *tensor, trt_yolo_layout_t layout, int64_t rows,
                          int64_t cols, float threshold, float iou_threshold,
                          int32_t max_detections, bool class_agnostic, void *workspace,
                          size_t workspace_bytes, trt_detection_t *out, int32_t *count,
                          void *stream) {
  trt_kyolo_t y = {0};
  if (!tensor || !workspace || !out || !count)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_yolo_nms: NULL argument");
  *count = 0;
  if (!yolo_geometry(layout, rows, cols, &y))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "trt_yolo_nms: a %lldx%lld tensor is no YOLOv%d output of at most %d "
                     "candidates",
                     (long long)rows, (long long)cols, layout == TRT_YOLO_V8 ? 8 : 5,
                     TRT_YOLO_MAX_CANDIDATES);
  const size_t needed = trt_yolo_nms_workspace(layout, rows, cols, max_detections);
  if (needed == 0 || workspace_bytes < needed)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "trt_yolo_nms: %zu bytes of workspace, %zu needed (max_detections %d)",
                     workspace_bytes, needed, (int)max_detections);
  y.threshold = threshold;
  y.iou_threshold = iou_threshold;
  y.max_detections = max_detections;
  y.class_agnostic = class_agnostic;
  return trt_cuda_yolo_nms(tensor, &y, workspace, out, count, stream);
}
