/* CPU reference for SSD's PriorBox and DetectionOutput (trt/network.h),
 * following Caffe's SSD layers step by step; the arithmetic of a prior, a
 * decoded box and an overlap is numerics/detection.h's, which the CUDA
 * kernels share.
 *
 * DetectionOutput, per item: decode every prior's box (per class without
 * share_location), then for each class but the background take the scores
 * above the threshold, sort them (descending, ties by prior index, as
 * Caffe's stable sort), keep top_k, and run greedy NMS; then keep the
 * keep_top_k best of all classes (ties by class, then NMS order) and write
 * them by class, in NMS order within a class; pad with rows of -1. */
#include <stdlib.h>

#include "cpu/cpu_layers.h"
#include "layers/layers.h"

trt_status_t trt_cpu_prior_box(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs,
                               trt_cpu_context_t *cpu) {
  (void)inputs, (void)cpu; /* the inputs' dims only */
  const trt_prior_box_params_t *params = layer->params;
  trt_prior_box_geometry_t geometry;
  trt_status_t status = trt_prior_box_geometry(network, layer, &geometry);
  if (status != TRT_STATUS_OK)
    return status;
  float *boxes = outputs[0];
  const int64_t per_cell = (int64_t)geometry.priors * 4;
  const int64_t count = geometry.height * geometry.width * per_cell;
  float *variances = boxes + count;
  for (int64_t h = 0; h < geometry.height; h++)
    for (int64_t w = 0; w < geometry.width; w++)
      trt_prior_box_cell(params, &geometry, h, w, boxes + (h * geometry.width + w) * per_cell);
  for (int64_t i = 0; i < count; i++)
    variances[i] = params->variances[i % 4];
  return TRT_STATUS_OK;
}

/* A candidate of one class: its score and prior. */
typedef struct {
  float score;
  int32_t prior;
} candidate_t;

/* Descending score, then ascending prior: Caffe's stable sort of the
 * candidates, which it collects in prior order. */
static int compare_candidates(const void *a, const void *b) {
  const candidate_t *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return (x->prior > y->prior) - (x->prior < y->prior);
}

/* A kept detection while the classes are merged: its score, class and rank
 * in its class's NMS order. */
typedef struct {
  float score;
  int32_t label;
  int32_t rank;
} kept_t;

/* Descending score, then class, then NMS order (the order Caffe lists them
 * in before its keep_top_k sort). */
static int compare_kept(const void *a, const void *b) {
  const kept_t *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  if (x->label != y->label)
    return x->label < y->label ? -1 : 1;
  return (x->rank > y->rank) - (x->rank < y->rank);
}

/* Scratch of one item, reused for the next. */
typedef struct {
  trt_box_t *boxes;        /* [loc_classes][priors] */
  candidate_t *candidates; /* [priors] */
  int32_t *kept;           /* [classes][candidates]: priors in NMS order */
  int64_t *kept_count;     /* [classes] */
  kept_t *merged;          /* [classes * candidates] */
  bool *selected;          /* [classes][candidates] */
} scratch_t;

/* Greedy NMS over sorted candidates; writes the kept priors, returns their
 * count. */
static int64_t suppress(const trt_detection_output_params_t *params, const trt_box_t *boxes,
                        const candidate_t *candidates, int64_t count, int32_t *kept) {
  float threshold = params->nms_threshold;
  int64_t nb_kept = 0;
  for (int64_t i = 0; i < count; i++) {
    const trt_box_t box = boxes[candidates[i].prior];
    bool keep = true;
    for (int64_t k = 0; k < nb_kept && keep; k++)
      keep = !trt_box_suppressed(trt_box_iou(box, boxes[kept[k]]), threshold);
    if (!keep)
      continue;
    kept[nb_kept++] = candidates[i].prior;
    if (params->eta < 1.0f && threshold > 0.5f)
      threshold *= params->eta;
  }
  return nb_kept;
}

static void detect_item(const trt_detection_output_params_t *params,
                        const trt_detection_output_shape_t *shape, int64_t n, const float *loc,
                        const float *conf, const float *priors, float *rows, scratch_t *scratch) {
  const int64_t P = shape->priors, C = shape->classes, L = shape->loc_classes;
  const int64_t M = shape->candidates;
  const float *variances = priors + P * 4;
  loc += n * P * L * 4;
  conf += n * P * C;
  for (int64_t p = 0; p < P; p++)
    for (int64_t l = 0; l < L; l++)
      scratch->boxes[l * P + p] =
          trt_box_decode(params->code_type, params->variance_encoded_in_target, priors + p * 4,
                         variances + p * 4, loc + (p * L + l) * 4);
  int64_t total = 0;
  for (int64_t c = 0; c < C; c++) {
    scratch->kept_count[c] = 0;
    if (c == params->background_label_id)
      continue;
    int64_t count = 0;
    for (int64_t p = 0; p < P; p++) {
      const float score = conf[p * C + c];
      if (score > params->confidence_threshold)
        scratch->candidates[count++] = (candidate_t){score, (int32_t)p};
    }
    qsort(scratch->candidates, (size_t)count, sizeof(candidate_t), compare_candidates);
    if (count > M)
      count = M;
    const trt_box_t *boxes = scratch->boxes + (params->share_location ? 0 : c) * P;
    scratch->kept_count[c] =
        suppress(params, boxes, scratch->candidates, count, scratch->kept + c * M);
    total += scratch->kept_count[c];
  }
  /* Which detections stay: all, or the keep_top_k best. */
  for (int64_t c = 0; c < C; c++)
    for (int64_t r = 0; r < scratch->kept_count[c]; r++)
      scratch->selected[c * M + r] = true;
  if (params->keep_top_k >= 0 && total > params->keep_top_k) {
    int64_t count = 0;
    for (int64_t c = 0; c < C; c++)
      for (int64_t r = 0; r < scratch->kept_count[c]; r++) {
        const int32_t prior = scratch->kept[c * M + r];
        scratch->merged[count++] = (kept_t){conf[prior * C + c], (int32_t)c, (int32_t)r};
        scratch->selected[c * M + r] = false;
      }
    qsort(scratch->merged, (size_t)count, sizeof(kept_t), compare_kept);
    for (int64_t i = 0; i < params->keep_top_k; i++)
      scratch->selected[scratch->merged[i].label * M + scratch->merged[i].rank] = true;
  }
  int64_t row = 0;
  for (int64_t c = 0; c < C; c++) {
    const trt_box_t *boxes = scratch->boxes + (params->share_location ? 0 : c) * P;
    for (int64_t r = 0; r < scratch->kept_count[c]; r++) {
      if (!scratch->selected[c * M + r])
        continue;
      const int32_t prior = scratch->kept[c * M + r];
      const trt_box_t box = boxes[prior];
      float *out = rows + row++ * 7;
      out[0] = (float)n;
      out[1] = (float)c;
      out[2] = conf[prior * C + c];
      out[3] = box.xmin;
      out[4] = box.ymin;
      out[5] = box.xmax;
      out[6] = box.ymax;
    }
  }
  for (; row < shape->rows; row++)
    for (int k = 0; k < 7; k++)
      rows[row * 7 + k] = -1.0f;
}

trt_status_t trt_cpu_detection_output(const trt_network_t *network, const trt_layer_t *layer,
                                      const void *const *inputs, void *const *outputs,
                                      trt_cpu_context_t *cpu) {
  const trt_detection_output_params_t *params = layer->params;
  trt_detection_output_shape_t shape;
  trt_status_t status = trt_detection_output_shape(network, layer, &shape);
  if (status != TRT_STATUS_OK)
    return status;
  if (!inputs[0] || !inputs[1] || !inputs[2] || !outputs[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "detection output without its tensors");
  const int64_t P = shape.priors, C = shape.classes, M = shape.candidates;
  /* Every count below is within an input's element count (M <= P, and
   * C * P is conf's per item), so no product overflows. */
  const size_t counts = (size_t)C * sizeof(int64_t);
  const size_t boxes = (size_t)(shape.loc_classes * P) * sizeof(trt_box_t);
  const size_t candidates = (size_t)P * sizeof(candidate_t);
  const size_t kept = (size_t)(C * M) * sizeof(int32_t);
  const size_t merged = (size_t)(C * M) * sizeof(kept_t);
  const size_t selected = (size_t)(C * M) * sizeof(bool);
  unsigned char *memory =
      trt_cpu_scratch(cpu, counts + boxes + candidates + kept + merged + selected);
  if (!memory)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the detection scratch");
  scratch_t scratch;
  scratch.kept_count = (int64_t *)memory; /* first: the scratch is 64-byte aligned */
  scratch.boxes = (trt_box_t *)(memory + counts);
  scratch.candidates = (candidate_t *)(memory + counts + boxes);
  scratch.kept = (int32_t *)(memory + counts + boxes + candidates);
  scratch.merged = (kept_t *)(memory + counts + boxes + candidates + kept);
  scratch.selected = (bool *)(memory + counts + boxes + candidates + kept + merged);
  for (int64_t n = 0; n < shape.batch; n++)
    detect_item(params, &shape, n, inputs[0], inputs[1], inputs[2],
                (float *)outputs[0] + n * shape.rows * 7, &scratch);
  return TRT_STATUS_OK;
}
