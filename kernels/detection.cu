/* SSD detection kernels, computing what engine/cpu/detection.c does with
 * the arithmetic of engine/numerics/detection.h.
 *
 * PriorBox: one thread per feature-map cell.
 *
 * DetectionOutput, three launches:
 *   decode  one thread per (item, location class, prior) box;
 *   classes one block per (class, item): the scores above the threshold
 *           are gathered as 64-bit keys (descending-score key << 32 |
 *           prior), bitonic-sorted in the workspace (so ties go by prior
 *           index, as the CPU's sort), and the first `candidates` walked in
 *           order: each is tested against every box kept so far, the
 *           block's threads sharing the kept list, and appended when none
 *           suppresses it (the adaptive threshold follows, as on the CPU);
 *   merge   one block per item: the kept detections are keyed by score and
 *           (class * candidates + rank); when there are more than
 *           keep_top_k the keys are sorted and the best keep_top_k sorted
 *           again by class and rank; then rows are written, padding with -1.
 * The sorts run in global memory (the workspace) so that no prior count is
 * too large for shared memory; TRT_DETECTION_MAX_CANDIDATES bounds the
 * sequential NMS walk. */
#include "detection.cuh"
#include "block_sort.cuh"
#include "kernel_common.cuh"

namespace {

constexpr int kBlockThreads = 256;

__global__ void prior_box_kernel(const trt_prior_box_params_t params,
                                 const trt_prior_box_geometry_t geometry, float *out) {
  const int64_t cells = geometry.height * geometry.width;
  const int64_t per_cell = (int64_t)geometry.priors * 4;
  float *variances = out + cells * per_cell;
  for (int64_t cell = trtk::global_thread(); cell < cells; cell += trtk::grid_threads()) {
    trt_prior_box_cell(&params, &geometry, cell / geometry.width, cell % geometry.width,
                       out + cell * per_cell);
    for (int64_t i = 0; i < per_cell; i++)
      variances[cell * per_cell + i] = params.variances[i % 4];
  }
}

__global__ void decode_kernel(const float *loc, const float *priors, trt_box_t *boxes,
                              const trt_kdetection_t d) {
  const int64_t total = d.batch * d.loc_classes * d.priors;
  const float *variances = priors + d.priors * 4;
  for (int64_t i = trtk::global_thread(); i < total; i += trtk::grid_threads()) {
    const int64_t p = i % d.priors;
    const int64_t l = (i / d.priors) % d.loc_classes;
    const int64_t n = i / (d.priors * d.loc_classes);
    boxes[i] = trt_box_decode((trt_box_code_t)d.code_type, d.variance_encoded_in_target != 0,
                              priors + p * 4, variances + p * 4,
                              loc + ((n * d.priors + p) * d.loc_classes + l) * 4);
  }
}

using trtk::block_sort;
using trtk::next_pow2;
using trtk::pad_keys;

__global__ void class_kernel(const float *conf, const trt_box_t *boxes, uint64_t *all_keys,
                             int32_t *all_kept, int32_t *all_counts, const trt_kdetection_t d,
                             int64_t sort_size) {
  __shared__ int count;
  __shared__ int nb_kept;
  __shared__ float threshold;
  const int c = blockIdx.x;
  const int64_t n = blockIdx.y;
  const int64_t slot = n * d.classes + c;
  if (c == d.background) {
    if (threadIdx.x == 0)
      all_counts[slot] = 0;
    return;
  }
  uint64_t *keys = all_keys + slot * sort_size;
  int32_t *kept = all_kept + slot * d.candidates;
  const float *scores = conf + n * d.priors * d.classes + c;
  const trt_box_t *item_boxes =
      boxes + (n * d.loc_classes + (d.loc_classes == 1 ? 0 : c)) * d.priors;
  if (threadIdx.x == 0) {
    count = 0;
    nb_kept = 0;
    threshold = d.nms_threshold;
  }
  __syncthreads();
  for (int64_t p = threadIdx.x; p < d.priors; p += blockDim.x) {
    const float score = scores[p * d.classes];
    if (score > d.confidence_threshold)
      keys[atomicAdd(&count, 1)] = (uint64_t)trt_score_descending_key(score) << 32 | (uint32_t)p;
  }
  __syncthreads();
  const int64_t found = count, size = next_pow2(found);
  pad_keys(keys, found, size);
  block_sort(keys, size);
  const int64_t walk = found < d.candidates ? found : d.candidates;
  for (int64_t i = 0; i < walk; i++) {
    const uint32_t prior = (uint32_t)keys[i];
    const trt_box_t box = item_boxes[prior];
    const int kept_now = nb_kept;
    const float limit = threshold;
    bool suppressed = false;
    for (int k = threadIdx.x; k < kept_now && !suppressed; k += blockDim.x)
      suppressed = trt_box_suppressed(trt_box_iou(box, item_boxes[kept[k]]), limit);
    if (__syncthreads_or(suppressed))
      continue;
    if (threadIdx.x == 0) {
      kept[kept_now] = (int32_t)prior;
      nb_kept = kept_now + 1;
      if (d.eta < 1.0f && limit > 0.5f)
        threshold = __fmul_rn(limit, d.eta);
    }
    __syncthreads();
  }
  if (threadIdx.x == 0)
    all_counts[slot] = nb_kept;
}

__global__ void merge_kernel(const float *conf, const trt_box_t *boxes, uint64_t *all_keys,
                             const int32_t *all_kept, const int32_t *all_counts, float *out,
                             const trt_kdetection_t d, int64_t sort_size) {
  const int64_t n = blockIdx.x;
  const int64_t M = d.candidates;
  uint64_t *keys = all_keys + n * sort_size;
  const int32_t *counts = all_counts + n * d.classes;
  const int32_t *kept = all_kept + n * d.classes * M;
  const float *scores = conf + n * d.priors * d.classes;
  /* In (class, rank) order: the order rows are written in. */
  int64_t total = 0;
  for (int c = 0; c < d.classes; c++) {
    const int count = counts[c];
    for (int r = threadIdx.x; r < count; r += blockDim.x) {
      const int32_t prior = kept[c * M + r];
      keys[total + r] = (uint64_t)trt_score_descending_key(scores[prior * d.classes + c]) << 32 |
                        (uint32_t)(c * M + r);
    }
    total += count;
  }
  __syncthreads();
  int64_t selected = total;
  if (d.keep_top_k >= 0 && total > d.keep_top_k) {
    const int64_t size = next_pow2(total);
    pad_keys(keys, total, size);
    block_sort(keys, size);
    selected = d.keep_top_k;
    const int64_t again = next_pow2(selected);
    for (int64_t i = threadIdx.x; i < again; i += blockDim.x)
      keys[i] = i < selected ? (keys[i] & 0xffffffffu) : UINT64_MAX;
    __syncthreads();
    block_sort(keys, again);
  }
  float *rows = out + n * d.rows * 7;
  for (int64_t i = threadIdx.x; i < d.rows; i += blockDim.x) {
    float *row = rows + i * 7;
    if (i >= selected) {
      for (int k = 0; k < 7; k++)
        row[k] = -1.0f;
      continue;
    }
    const uint32_t entry = (uint32_t)keys[i];
    const int64_t c = entry / M, r = entry % M;
    const int32_t prior = kept[c * M + r];
    const trt_box_t box =
        boxes[(n * d.loc_classes + (d.loc_classes == 1 ? 0 : c)) * d.priors + prior];
    row[0] = (float)n;
    row[1] = (float)c;
    row[2] = scores[prior * d.classes + c];
    row[3] = box.xmin;
    row[4] = box.ymin;
    row[5] = box.xmax;
    row[6] = box.ymax;
  }
}

} // namespace

extern "C" cudaError_t trt_launch_prior_box(const trt_prior_box_params_t *params,
                                            const trt_prior_box_geometry_t *geometry, float *out,
                                            cudaStream_t stream) {
  const int64_t cells = geometry->height * geometry->width;
  if (cells <= 0)
    return cudaSuccess;
  prior_box_kernel<<<trtk::grid_for(cells), trtk::kThreads, 0, stream>>>(*params, *geometry, out);
  return cudaGetLastError();
}

extern "C" cudaError_t trt_launch_detection_output(const float *loc, const float *conf,
                                                   const float *priors, float *out, void *workspace,
                                                   const trt_kdetection_t *problem,
                                                   cudaStream_t stream) {
  const trt_kdetection_t d = *problem;
  trt_kdetection_layout_t layout;
  if (!trt_kdetection_plan(&d, &layout) || d.batch <= 0 || d.batch > 65535 || d.classes <= 0)
    return cudaErrorInvalidValue;
  unsigned char *base = static_cast<unsigned char *>(workspace);
  trt_box_t *boxes = reinterpret_cast<trt_box_t *>(base + layout.boxes);
  uint64_t *keys = reinterpret_cast<uint64_t *>(base + layout.keys);
  int32_t *kept = reinterpret_cast<int32_t *>(base + layout.kept);
  int32_t *counts = reinterpret_cast<int32_t *>(base + layout.kept_count);
  const int64_t total = d.batch * d.loc_classes * d.priors;
  decode_kernel<<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(loc, priors, boxes, d);
  class_kernel<<<dim3((unsigned)d.classes, (unsigned)d.batch), kBlockThreads, 0, stream>>>(
      conf, boxes, keys, kept, counts, d, layout.class_sort_size);
  merge_kernel<<<(unsigned)d.batch, kBlockThreads, 0, stream>>>(conf, boxes, keys, kept, counts,
                                                                out, d, layout.merge_sort_size);
  return cudaGetLastError();
}
