/* YOLO detections on the GPU: the candidates of a YOLO output tensor in
 * device memory (anchor-based v5: per candidate cx, cy, w, h, objectness,
 * class scores; anchor-free v8: the same without objectness, candidates
 * along the last axis), each scored by its best class (times objectness),
 * those at or above a threshold sorted by descending score (ties by
 * candidate index) and suppressed greedily (a candidate overlapping a kept
 * box of the same label, or of any label when class-agnostic, by more than
 * the IoU threshold is dropped), at most a given number kept. What the
 * element's trtdetect computes on the host (gst/trtdetection.c), without
 * bringing the whole tensor to the host: only the kept rows come back. */
#ifndef TRT_NMS_H
#define TRT_NMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TRT_YOLO_V5, /* [candidates, 5 + classes] */
  TRT_YOLO_V8, /* [4 + classes, candidates] */
} trt_yolo_layout_t;

/* A kept detection: corners in the tensor's units (network pixels). */
typedef struct {
  float x1, y1, x2, y2;
  float score;
  int32_t label;
} trt_detection_t;

/* The most candidates a tensor may hold (the sort runs in one block). */
#define TRT_YOLO_MAX_CANDIDATES 65536

/* Device workspace bytes for a tensor of `rows` x `cols` (as stored, the
 * batch dimension of 1 left out) and up to `max_detections` kept; 0 for
 * shapes that cannot be `layout`'s or hold too many candidates. */
size_t trt_yolo_nms_workspace(trt_yolo_layout_t layout, int64_t rows, int64_t cols,
                              int32_t max_detections);

/* Runs on `stream` (cudaStream_t, NULL: the default) and waits for it:
 * `tensor` (float32, device memory of the current device) to at most
 * `max_detections` rows in host memory `out`, their number in `*count`.
 * TRT_STATUS_INVALID_ARGUMENT for a shape that cannot be the layout's or a
 * workspace smaller than trt_yolo_nms_workspace(); TRT_STATUS_NO_DEVICE
 * without CUDA. */
trt_status_t trt_yolo_nms(const float *tensor, trt_yolo_layout_t layout, int64_t rows,
                          int64_t cols, float threshold, float iou_threshold,
                          int32_t max_detections, bool class_agnostic, void *workspace,
                          size_t workspace_bytes, trt_detection_t *out, int32_t *count,
                          void *stream);

#ifdef __cplusplus
}
#endif

#endif
