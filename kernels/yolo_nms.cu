/* YOLO candidates and NMS (see yolo_nms.cuh). The kept boxes live in the
 * workspace; a candidate is tested against all of them by the whole block
 * at once, one candidate after another in score order, as the host's
 * greedy NMS walks them. */
#include "block_sort.cuh"
#include "kernel_common.cuh"
#include "numerics/detection.h"
#include "yolo_nms.cuh"

namespace {

constexpr int kSortThreads = 1024;

/* Field f of candidate i. */
__device__ __forceinline__ float field(const float *t, const trt_kyolo_t &y, int64_t i,
                                       int64_t f) {
  return y.v8 ? t[f * y.cols + i] : t[i * y.cols + f];
}

/* Best class (the first of equal scores) and its score times objectness. */
__device__ __forceinline__ float score_of(const float *t, const trt_kyolo_t &y, int64_t i,
                                          int32_t *label) {
  const int64_t first_class = y.v8 ? 4 : 5;
  float best = -INFINITY;
  int32_t best_class = 0;
  for (int64_t c = first_class; c < y.fields; c++) {
    const float s = field(t, y, i, c);
    if (s > best) {
      best = s;
      best_class = (int32_t)(c - first_class);
    }
  }
  *label = best_class;
  return y.v8 ? best : field(t, y, i, 4) * best;
}

__device__ __forceinline__ trt_box_t box_of(const float *t, const trt_kyolo_t &y, int64_t i) {
  const float cx = field(t, y, i, 0), cy = field(t, y, i, 1);
  const float half_w = field(t, y, i, 2) / 2, half_h = field(t, y, i, 3) / 2;
  trt_box_t b;
  b.xmin = cx - half_w;
  b.ymin = cy - half_h;
  b.xmax = cx + half_w;
  b.ymax = cy + half_h;
  return b;
}

__global__ void gather_kernel(const float *tensor, const trt_kyolo_t y, int32_t *found,
                              uint64_t *keys) {
  for (int64_t i = trtk::global_thread(); i < y.candidates; i += trtk::grid_threads()) {
    /* v5: a candidate whose objectness is below the threshold cannot reach it */
    if (!y.v8 && !(field(tensor, y, i, 4) >= y.threshold))
      continue;
    int32_t label;
    const float score = score_of(tensor, y, i, &label);
    if (score >= y.threshold)
      keys[atomicAdd(found, 1)] =
          (uint64_t)trt_score_descending_key(score) << 32 | (uint32_t)i;
  }
}

__global__ void nms_kernel(const float *tensor, const trt_kyolo_t y, const int32_t *found,
                           uint64_t *keys, int64_t sort_size, trt_detection_t *kept,
                           int32_t *kept_count) {
  __shared__ int nb_kept;
  const int64_t count = *found < y.candidates ? *found : y.candidates;
  if (threadIdx.x == 0)
    nb_kept = 0;
  const int64_t size = trtk::next_pow2(count); /* <= sort_size: count <= candidates */
  (void)sort_size;
  trtk::pad_keys(keys, count, size);
  trtk::block_sort(keys, size);
  for (int64_t k = 0; k < count && nb_kept < y.max_detections; k++) {
    const int64_t i = (int64_t)(uint32_t)keys[k];
    int32_t label;
    const float score = score_of(tensor, y, i, &label);
    const trt_box_t box = box_of(tensor, y, i);
    const int kept_now = nb_kept;
    bool suppressed = false;
    for (int j = threadIdx.x; j < kept_now && !suppressed; j += blockDim.x) {
      if (!y.class_agnostic && kept[j].label != label)
        continue;
      trt_box_t other;
      other.xmin = kept[j].x1;
      other.ymin = kept[j].y1;
      other.xmax = kept[j].x2;
      other.ymax = kept[j].y2;
      suppressed = trt_box_iou(box, other) > y.iou_threshold;
    }
    if (__syncthreads_or(suppressed))
      continue;
    if (threadIdx.x == 0) {
      kept[kept_now] = trt_detection_t{box.xmin, box.ymin, box.xmax, box.ymax, score, label};
      nb_kept = kept_now + 1;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0)
    *kept_count = nb_kept;
}

} // namespace

extern "C" cudaError_t trt_launch_yolo_nms(const float *tensor, const trt_kyolo_t *yolo,
                                           void *workspace, cudaStream_t stream) {
  const trt_kyolo_layout_t l = trt_kyolo_layout(yolo->candidates, yolo->max_detections);
  char *base = static_cast<char *>(workspace);
  int32_t *found = reinterpret_cast<int32_t *>(base + l.found);
  uint64_t *keys = reinterpret_cast<uint64_t *>(base + l.keys);
  cudaError_t error = cudaMemsetAsync(found, 0, sizeof(int32_t), stream);
  if (error != cudaSuccess)
    return error;
  gather_kernel<<<trtk::grid_for(yolo->candidates), trtk::kThreads, 0, stream>>>(tensor, *yolo,
                                                                                 found, keys);
  nms_kernel<<<1, kSortThreads, 0, stream>>>(
      tensor, *yolo, found, keys, l.sort_size,
      reinterpret_cast<trt_detection_t *>(base + l.kept),
      reinterpret_cast<int32_t *>(base + l.kept_count));
  return cudaGetLastError();
}
