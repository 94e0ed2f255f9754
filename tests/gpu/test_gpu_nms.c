/* trt_yolo_nms (YOLO candidates and NMS on the GPU) against the host's
 * greedy NMS written out here: random YOLOv5 and YOLOv8 tensors with a few
 * confident, overlapping candidates among many weak ones; the same rows
 * in the same order, corners and scores within float rounding. Also the
 * argument checks. Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"
#include "trt/nms.h"

static int failures;

#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                 \
      fprintf(stderr, __VA_ARGS__);                                                        \
      fprintf(stderr, "\n");                                                               \
      failures++;                                                                          \
    }                                                                                      \
  } while (0)

static uint64_t state = 88172645463325252ull;
static float uniform(void) { /* [0, 1) */
  state ^= state << 13, state ^= state >> 7, state ^= state << 17;
  return (float)(state >> 40) / (float)(1u << 24);
}

typedef struct {
  int v8;
  int64_t candidates, fields, cols;
} shape_t;

static float at(const float *t, const shape_t *s, int64_t i, int64_t f) {
  return s->v8 ? t[f * s->cols + i] : t[i * s->cols + f];
}

static float iou(const trt_detection_t *a, const trt_detection_t *b) {
  if (b->x1 > a->x2 || b->x2 < a->x1 || b->y1 > a->y2 || b->y2 < a->y1)
    return 0.0f;
  const float w = fminf(a->x2, b->x2) - fmaxf(a->x1, b->x1);
  const float h = fminf(a->y2, b->y2) - fmaxf(a->y1, b->y1);
  if (!(w > 0 && h > 0))
    return 0.0f;
  const float inter = w * h;
  const float area_a = (a->x2 - a->x1) * (a->y2 - a->y1), area_b = (b->x2 - b->x1) * (b->y2 - b->y1);
  return inter / (area_a + area_b - inter);
}

static int by_score(const void *pa, const void *pb) {
  const trt_detection_t *a = pa, *b = pb;
  return a->score > b->score ? -1 : a->score < b->score ? 1 : 0;
}

/* The host's answer (qsort: scores are distinct here, no ties to order). */
static int reference(const float *t, const shape_t *s, float threshold, float iou_threshold,
                     int max, int agnostic, trt_detection_t *out) {
  trt_detection_t *all = calloc((size_t)s->candidates, sizeof *all);
  int n = 0, kept = 0;
  const int first = s->v8 ? 4 : 5;
  for (int64_t i = 0; i < s->candidates; i++) {
    if (!s->v8 && !(at(t, s, i, 4) >= threshold))
      continue;
    float best = -INFINITY;
    int label = 0;
    for (int64_t c = first; c < s->fields; c++)
      if (at(t, s, i, c) > best)
        best = at(t, s, i, c), label = (int)(c - first);
    const float score = s->v8 ? best : at(t, s, i, 4) * best;
    if (!(score >= threshold))
      continue;
    const float cx = at(t, s, i, 0), cy = at(t, s, i, 1);
    const float hw = at(t, s, i, 2) / 2, hh = at(t, s, i, 3) / 2;
    all[n++] = (trt_detection_t){cx - hw, cy - hh, cx + hw, cy + hh, score, label};
  }
  qsort(all, (size_t)n, sizeof *all, by_score);
  for (int i = 0; i < n && kept < max; i++) {
    int keep = 1;
    for (int k = 0; k < kept && keep; k++)
      keep = !((agnostic || out[k].label == all[i].label) && iou(&out[k], &all[i]) > iou_threshold);
    if (keep)
      out[kept++] = all[i];
  }
  free(all);
  return kept;
}

static void check_case(int v8, int64_t candidates, int classes, int agnostic, int max) {
  shape_t s = {v8, candidates, (v8 ? 4 : 5) + classes, 0};
  const int64_t rows = v8 ? s.fields : candidates, cols = v8 ? candidates : s.fields;
  s.cols = cols;
  float *t = malloc((size_t)(rows * cols) * sizeof *t);
  for (int64_t i = 0; i < candidates; i++) {
    /* clusters of boxes around a few centres, so that NMS has work */
    const float cx = 64.0f * (float)(i % 7) + 10 * uniform(), cy = 48.0f * (float)(i % 5) + 10 * uniform();
    const float values[4] = {cx, cy, 20 + 30 * uniform(), 20 + 30 * uniform()};
    for (int f = 0; f < 4; f++)
      t[v8 ? f * cols + i : i * cols + f] = values[f];
    const int confident = uniform() < 0.05f;
    if (!v8)
      t[i * cols + 4] = confident ? 0.5f + 0.5f * uniform() : 0.3f * uniform();
    for (int c = 0; c < classes; c++) {
      const int64_t f = (v8 ? 4 : 5) + c;
      t[v8 ? f * cols + i : i * cols + f] = (confident ? 0.6f : 0.2f) * uniform();
    }
  }
  const float threshold = v8 ? 0.25f : 0.1f, iou_threshold = 0.45f;
  trt_detection_t *want = calloc((size_t)max, sizeof *want), *got = calloc((size_t)max, sizeof *got);
  const int expected = reference(t, &s, threshold, iou_threshold, max, agnostic, want);

  const trt_yolo_layout_t layout = v8 ? TRT_YOLO_V8 : TRT_YOLO_V5;
  const size_t bytes = trt_yolo_nms_workspace(layout, rows, cols, max);
  void *device = NULL, *workspace = NULL;
  int32_t count = -1;
  CHECK(bytes > 0, "workspace size 0");
  CHECK(trt_device_malloc(&device, (size_t)(rows * cols) * sizeof *t) == TRT_STATUS_OK, "%s",
        trt_last_error());
  CHECK(trt_device_malloc(&workspace, bytes) == TRT_STATUS_OK, "%s", trt_last_error());
  CHECK(trt_memcpy_host_to_device(device, t, (size_t)(rows * cols) * sizeof *t, NULL) ==
            TRT_STATUS_OK,
        "%s", trt_last_error());
  CHECK(trt_yolo_nms(device, layout, rows, cols, threshold, iou_threshold, max, agnostic,
                     workspace, bytes, got, &count, NULL) == TRT_STATUS_OK,
        "%s", trt_last_error());
  printf("YOLOv%d %lld candidates, %d classes%s, max %d: %d kept (host %d)\n", v8 ? 8 : 5,
         (long long)candidates, classes, agnostic ? ", class-agnostic" : "", max, count,
         expected);
  CHECK(count == expected && expected > 3, "kept %d, host %d", count, expected);
  for (int i = 0; i < count && i < expected; i++) {
    const trt_detection_t *a = &got[i], *b = &want[i];
    CHECK(a->label == b->label && fabsf(a->score - b->score) <= 1e-6f &&
              fabsf(a->x1 - b->x1) <= 1e-4f && fabsf(a->y1 - b->y1) <= 1e-4f &&
              fabsf(a->x2 - b->x2) <= 1e-4f && fabsf(a->y2 - b->y2) <= 1e-4f,
          "row %d: GPU %g,%g %g,%g %g #%d, host %g,%g %g,%g %g #%d", i, a->x1, a->y1, a->x2,
          a->y2, a->score, a->label, b->x1, b->y1, b->x2, b->y2, b->score, b->label);
  }
  /* too small a workspace and shapes that cannot be the layout's */
  CHECK(trt_yolo_nms(device, layout, rows, cols, threshold, iou_threshold, max, agnostic,
                     workspace, bytes - 1, got, &count, NULL) == TRT_STATUS_INVALID_ARGUMENT,
        "a short workspace accepted");
  CHECK(trt_yolo_nms_workspace(layout, v8 ? 4 : candidates, v8 ? candidates : 5, max) == 0,
        "a tensor without classes accepted");
  trt_device_free(device);
  trt_device_free(workspace);
  free(t);
  free(want);
  free(got);
}

int main(void) {
  gpu_require();
  check_case(1, 8400, 80, 0, 100);
  check_case(1, 8400, 80, 1, 300);
  check_case(0, 25200, 80, 0, 100);
  check_case(0, 1000, 3, 0, 10);
  if (failures) {
    fprintf(stderr, "test_gpu_nms: %d failures\n", failures);
    return 1;
  }
  printf("test_gpu_nms: all checks passed\n");
  return 0;
}
