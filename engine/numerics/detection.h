/* SSD detection arithmetic (trt_prior_box_params_t and
 * trt_detection_output_params_t in trt/network.h), one definition for the
 * CPU reference (engine/cpu/detection.c) and the CUDA kernels
 * (kernels/detection.cu): the prior boxes of one feature-map cell, decoding
 * a predicted box from its prior, the overlap NMS compares, and the order in
 * which candidates are ranked. The formulas are Caffe's (SSD fork); every
 * product and sum is rounded on its own (the _rn intrinsics on the device;
 * host code has no contraction), so both backends compute the same floats
 * except where a libm function (expf) differs in its last bits. */
#ifndef TRT_NUMERICS_DETECTION_H
#define TRT_NUMERICS_DETECTION_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "numerics.h"
#include "trt/network.h"

#ifdef __CUDA_ARCH__
#define TRT_DET_MUL(a, b)  __fmul_rn((a), (b))
#define TRT_DET_ADD(a, b)  __fadd_rn((a), (b))
#define TRT_DET_SUB(a, b)  __fsub_rn((a), (b))
#define TRT_DET_DSUB(a, b) __dsub_rn((a), (b))
#define TRT_DET_DADD(a, b) __dadd_rn((a), (b))
#define TRT_DET_DDIV(a, b) __ddiv_rn((a), (b))
#else
#define TRT_DET_MUL(a, b)  ((a) * (b))
#define TRT_DET_ADD(a, b)  ((a) + (b))
#define TRT_DET_SUB(a, b)  ((a) - (b))
#define TRT_DET_DSUB(a, b) ((a) - (b))
#define TRT_DET_DADD(a, b) ((a) + (b))
#define TRT_DET_DDIV(a, b) ((a) / (b))
#endif

/* A box by its corners, in the normalized image coordinates of SSD. */
typedef struct {
  float xmin, ymin, xmax, ymax;
} trt_box_t;

/* A PriorBox layer's geometry once its inputs' dims are known. */
typedef struct {
  int64_t height, width;             /* of the feature map */
  int32_t image_width, image_height; /* integers, as Caffe keeps them */
  float step_width, step_height;
  int32_t priors; /* per cell */
} trt_prior_box_geometry_t;

/* The priors a PriorBox cell has (see trt_prior_box_params_t). */
static inline TRT_HOST_DEVICE int32_t
trt_prior_box_priors_per_cell(const trt_prior_box_params_t *params) {
  return params->nb_min_sizes * (1 + params->nb_aspect_ratios) + params->nb_max_sizes;
}

/* One box's corners around (center_x, center_y), in double as Caffe divides
 * (its `/ 2.` literals), rounded to float. */
static inline TRT_HOST_DEVICE void trt_prior_box_corners(float center_x, float center_y,
                                                         float box_width, float box_height,
                                                         const trt_prior_box_geometry_t *geometry,
                                                         bool clip, float *out) {
  const double half_width = (double)box_width / 2.0, half_height = (double)box_height / 2.0;
  float corners[4] = {
      (float)TRT_DET_DDIV(TRT_DET_DSUB((double)center_x, half_width),
                          (double)geometry->image_width),
      (float)TRT_DET_DDIV(TRT_DET_DSUB((double)center_y, half_height),
                          (double)geometry->image_height),
      (float)TRT_DET_DDIV(TRT_DET_DADD((double)center_x, half_width),
                          (double)geometry->image_width),
      (float)TRT_DET_DDIV(TRT_DET_DADD((double)center_y, half_height),
                          (double)geometry->image_height),
  };
  for (int k = 0; k < 4; k++) {
    float value = corners[k];
    if (clip)
      value = value < 0.0f ? 0.0f : value > 1.0f ? 1.0f : value;
    out[k] = value;
  }
}

/* Writes the geometry->priors boxes of cell (h, w), 4 floats each, to `out`.
 * Caffe truncates the sizes to integers (its `int min_size_`), takes
 * sqrt(min * max) and sqrt(ratio) in double, and centres the cell at
 * (w + offset) * step in float. */
static inline TRT_HOST_DEVICE void trt_prior_box_cell(const trt_prior_box_params_t *params,
                                                      const trt_prior_box_geometry_t *geometry,
                                                      int64_t h, int64_t w, float *out) {
  const float center_x = TRT_DET_MUL(TRT_DET_ADD((float)w, params->offset), geometry->step_width);
  const float center_y = TRT_DET_MUL(TRT_DET_ADD((float)h, params->offset), geometry->step_height);
  int index = 0;
  for (int s = 0; s < params->nb_min_sizes; s++) {
    const int32_t min_size = (int32_t)params->min_sizes[s];
    float side = (float)min_size;
    trt_prior_box_corners(center_x, center_y, side, side, geometry, params->clip,
                          out + 4 * index++);
    if (params->nb_max_sizes > 0) {
      const int32_t max_size = (int32_t)params->max_sizes[s];
      side = (float)sqrt((double)min_size * (double)max_size);
      trt_prior_box_corners(center_x, center_y, side, side, geometry, params->clip,
                            out + 4 * index++);
    }
    for (int r = 0; r < params->nb_aspect_ratios; r++) {
      const double root = sqrt((double)params->aspect_ratios[r]);
      const float box_width = (float)((double)min_size * root);
      const float box_height = (float)((double)min_size / root);
      trt_prior_box_corners(center_x, center_y, box_width, box_height, geometry, params->clip,
                            out + 4 * index++);
    }
  }
}

/* Decodes location prediction `loc` (4 values) against `prior` and its
 * `variance`, as Caffe's DecodeBBox for normalized boxes (no clipping). */
static inline TRT_HOST_DEVICE trt_box_t trt_box_decode(trt_box_code_t code,
                                                       bool variance_encoded_in_target,
                                                       const float *prior, const float *variance,
                                                       const float *loc) {
  /* Scalars, not a pointer to either array: on the device an array chosen
   * at run time would live in local memory. */
  const float v0 = variance_encoded_in_target ? 1.0f : variance[0];
  const float v1 = variance_encoded_in_target ? 1.0f : variance[1];
  const float v2 = variance_encoded_in_target ? 1.0f : variance[2];
  const float v3 = variance_encoded_in_target ? 1.0f : variance[3];
  const float prior_width = TRT_DET_SUB(prior[2], prior[0]);
  const float prior_height = TRT_DET_SUB(prior[3], prior[1]);
  trt_box_t box;
  if (code == TRT_BOX_CODE_CORNER) {
    box.xmin = TRT_DET_ADD(prior[0], TRT_DET_MUL(v0, loc[0]));
    box.ymin = TRT_DET_ADD(prior[1], TRT_DET_MUL(v1, loc[1]));
    box.xmax = TRT_DET_ADD(prior[2], TRT_DET_MUL(v2, loc[2]));
    box.ymax = TRT_DET_ADD(prior[3], TRT_DET_MUL(v3, loc[3]));
  } else if (code == TRT_BOX_CODE_CORNER_SIZE) {
    box.xmin = TRT_DET_ADD(prior[0], TRT_DET_MUL(TRT_DET_MUL(v0, loc[0]), prior_width));
    box.ymin = TRT_DET_ADD(prior[1], TRT_DET_MUL(TRT_DET_MUL(v1, loc[1]), prior_height));
    box.xmax = TRT_DET_ADD(prior[2], TRT_DET_MUL(TRT_DET_MUL(v2, loc[2]), prior_width));
    box.ymax = TRT_DET_ADD(prior[3], TRT_DET_MUL(TRT_DET_MUL(v3, loc[3]), prior_height));
  } else { /* CENTER_SIZE */
    const float prior_center_x = TRT_DET_MUL(TRT_DET_ADD(prior[0], prior[2]), 0.5f);
    const float prior_center_y = TRT_DET_MUL(TRT_DET_ADD(prior[1], prior[3]), 0.5f);
    const float center_x =
        TRT_DET_ADD(TRT_DET_MUL(TRT_DET_MUL(v0, loc[0]), prior_width), prior_center_x);
    const float center_y =
        TRT_DET_ADD(TRT_DET_MUL(TRT_DET_MUL(v1, loc[1]), prior_height), prior_center_y);
    const float half_width =
        TRT_DET_MUL(TRT_DET_MUL(expf(TRT_DET_MUL(v2, loc[2])), prior_width), 0.5f);
    const float half_height =
        TRT_DET_MUL(TRT_DET_MUL(expf(TRT_DET_MUL(v3, loc[3])), prior_height), 0.5f);
    box.xmin = TRT_DET_SUB(center_x, half_width);
    box.ymin = TRT_DET_SUB(center_y, half_height);
    box.xmax = TRT_DET_ADD(center_x, half_width);
    box.ymax = TRT_DET_ADD(center_y, half_height);
  }
  return box;
}

/* A normalized box's area; 0 when it is inverted (Caffe's BBoxSize). */
static inline TRT_HOST_DEVICE float trt_box_area(trt_box_t box) {
  if (box.xmax < box.xmin || box.ymax < box.ymin)
    return 0.0f;
  return TRT_DET_MUL(TRT_DET_SUB(box.xmax, box.xmin), TRT_DET_SUB(box.ymax, box.ymin));
}

/* Intersection over union of normalized boxes (Caffe's JaccardOverlap). */
static inline TRT_HOST_DEVICE float trt_box_iou(trt_box_t a, trt_box_t b) {
  if (b.xmin > a.xmax || b.xmax < a.xmin || b.ymin > a.ymax || b.ymax < a.ymin)
    return 0.0f;
  const float width =
      TRT_DET_SUB(a.xmax < b.xmax ? a.xmax : b.xmax, a.xmin > b.xmin ? a.xmin : b.xmin);
  const float height =
      TRT_DET_SUB(a.ymax < b.ymax ? a.ymax : b.ymax, a.ymin > b.ymin ? a.ymin : b.ymin);
  if (!(width > 0.0f && height > 0.0f))
    return 0.0f;
  const float intersection = TRT_DET_MUL(width, height);
  return intersection / TRT_DET_SUB(TRT_DET_ADD(trt_box_area(a), trt_box_area(b)), intersection);
}

/* Whether a candidate overlapping a kept box by `iou` is suppressed at
 * `threshold` (Caffe keeps it only while overlap <= threshold, so a NaN
 * overlap suppresses). */
static inline TRT_HOST_DEVICE bool trt_box_suppressed(float iou, float threshold) {
  return !(iou <= threshold);
}

/* A 32-bit key that sorts scores in descending order when compared as
 * unsigned integers: equal scores (0 and -0 included) give equal keys, so
 * a key made of it and an index, (key << 32) | index, orders candidates as
 * a stable sort by descending score does. Scores are never NaN here (they
 * passed a `score > threshold` test). */
static inline TRT_HOST_DEVICE uint32_t trt_score_descending_key(float score) {
  const float normalized = score + 0.0f; /* -0 becomes +0 */
  uint32_t bits;
  memcpy(&bits, &normalized, sizeof(bits));
  const uint32_t ascending = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
  return ~ascending;
}

#endif
