/* What the YOLO NMS kernels (kernels/yolo_nms.cu) and their host side
 * (engine/nms.c) share: the tensor's geometry and where the workspace's
 * parts lie. Plain C, no CUDA headers. */
#ifndef TRT_NUMERICS_YOLO_NMS_H
#define TRT_NUMERICS_YOLO_NMS_H

#include <stddef.h>
#include <stdint.h>

#include "trt/nms.h"

/* A YOLO tensor's geometry (trt_yolo_layout_t). */
typedef struct {
  int32_t v8;          /* candidates along the last axis */
  int64_t candidates;  /* rows (v5) or cols (v8) */
  int64_t fields;      /* values per candidate: 4 (+ 1) + classes */
  int64_t cols;        /* the stored row length */
  float threshold, iou_threshold;
  int32_t max_detections, class_agnostic;
} trt_kyolo_t;

/* Workspace parts (bytes from its start, 256-aligned) and its size. */
typedef struct {
  int64_t sort_size; /* next power of two >= candidates */
  size_t found, keys, kept, kept_count, total;
} trt_kyolo_layout_t;

static inline trt_kyolo_layout_t trt_kyolo_layout(int64_t candidates, int32_t max_detections) {
  trt_kyolo_layout_t l;
  int64_t size = 1;
  while (size < candidates)
    size <<= 1;
  l.sort_size = size;
  l.found = 0;
  l.keys = 256;
  l.kept = l.keys + (((size_t)size * sizeof(uint64_t) + 255u) & ~(size_t)255u);
  l.kept_count = l.kept + (((size_t)max_detections * sizeof(trt_detection_t) + 255u) & ~(size_t)255u);
  l.total = l.kept_count + 256;
  return l;
}

#endif
