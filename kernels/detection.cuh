/* SSD detection kernels (float32): PriorBox's boxes and DetectionOutput's
 * decode, per-class top-k and NMS, and per-item merge, computing what
 * engine/cpu/detection.c does with the arithmetic of
 * engine/numerics/detection.h. */
#ifndef TRT_KERNELS_DETECTION_CUH
#define TRT_KERNELS_DETECTION_CUH

#include <cuda_runtime.h>
#include <stddef.h>
#include <stdint.h>

#include "numerics/detection.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most candidates per class that enter NMS (top_k, or every prior when
 * top_k is -1): NMS walks them one after another, each against every box
 * kept so far, so the count bounds the layer's time and workspace. The
 * CUDA family refuses larger layers at build time. */
#define TRT_DETECTION_MAX_CANDIDATES 8192

/* One DetectionOutput problem (trt_detection_output_shape_t plus the
 * parameters the kernels read). */
typedef struct {
  int64_t batch, priors, rows;
  int32_t classes, loc_classes, background;
  int32_t candidates; /* M */
  int32_t keep_top_k; /* -1: all */
  int32_t code_type;  /* trt_box_code_t */
  int32_t variance_encoded_in_target;
  float confidence_threshold, nms_threshold, eta;
} trt_kdetection_t;

/* Where the workspace's parts begin (bytes from its start, 256-aligned)
 * and its size; false when a size does not fit in 64 bits. The per-class
 * sort keys and the per-item merge keys share one region (the merge runs
 * after every class is done). */
typedef struct {
  int64_t class_sort_size; /* next power of two >= priors */
  int64_t merge_sort_size; /* next power of two >= the detections an item can keep */
  size_t boxes, keys, kept, kept_count, total;
} trt_kdetection_layout_t;

static inline int64_t trt_kdetection_pow2(int64_t n) {
  int64_t p = 1;
  while (p < n)
    p <<= 1;
  return p;
}

static inline int trt_kdetection_add(size_t *offset, uint64_t count, uint64_t element,
                                     size_t *start) {
  const uint64_t aligned = (*offset + 255u) & ~(uint64_t)255u;
  if (count != 0 && element > (UINT64_MAX - aligned) / count)
    return 0;
  *start = (size_t)aligned;
  *offset = (size_t)(aligned + count * element);
  return 1;
}

static inline int trt_kdetection_plan(const trt_kdetection_t *d, trt_kdetection_layout_t *layout) {
  const int64_t scored = d->classes - (d->background >= 0 ? 1 : 0);
  layout->class_sort_size = trt_kdetection_pow2(d->priors);
  layout->merge_sort_size = trt_kdetection_pow2(scored * (int64_t)d->candidates);
  const uint64_t items = (uint64_t)d->batch;
  const uint64_t class_keys = items * (uint64_t)d->classes * (uint64_t)layout->class_sort_size;
  const uint64_t merge_keys = items * (uint64_t)layout->merge_sort_size;
  size_t offset = 0;
  if (!trt_kdetection_add(&offset, items * (uint64_t)d->loc_classes * (uint64_t)d->priors,
                          sizeof(trt_box_t), &layout->boxes) ||
      !trt_kdetection_add(&offset, class_keys > merge_keys ? class_keys : merge_keys,
                          sizeof(uint64_t), &layout->keys) ||
      !trt_kdetection_add(&offset, items * (uint64_t)d->classes * (uint64_t)d->candidates,
                          sizeof(int32_t), &layout->kept) ||
      !trt_kdetection_add(&offset, items * (uint64_t)d->classes, sizeof(int32_t),
                          &layout->kept_count))
    return 0;
  layout->total = offset;
  return 1;
}

/* PriorBox: `out` is [1, 2, cells * priors * 4]. */
cudaError_t trt_launch_prior_box(const trt_prior_box_params_t *params,
                                 const trt_prior_box_geometry_t *geometry, float *out,
                                 cudaStream_t stream);

/* DetectionOutput: loc, conf and priors as the layer reads them, `out`
 * [batch, 1, rows, 7]; `workspace` of trt_kdetection_plan's total bytes. */
cudaError_t trt_launch_detection_output(const float *loc, const float *conf, const float *priors,
                                        float *out, void *workspace,
                                        const trt_kdetection_t *problem, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
