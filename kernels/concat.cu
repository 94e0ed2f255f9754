/* One-launch concatenation of rows (concat.cuh). Each thread moves one
 * 16-byte word of the output row it walks to, finding its input among the
 * few the row is made of. */
#include "concat.cuh"
#include "kernel_common.cuh"

namespace {

/* Index: int32 when the word count fits (cheaper division). */
template <typename Index>
__global__ void concat_rows_kernel(const trt_kconcat_t a, Index words_per_row, Index total) {
  for (Index i = (Index)trtk::global_thread(); i < total; i += (Index)trtk::grid_threads()) {
    const int64_t row = i / words_per_row;
    const int64_t at = (int64_t)(i % words_per_row) * 16;
    int k = 0;
    while (k + 1 < a.nb_inputs && a.out_offset[k + 1] <= at)
      k++;
    const int64_t column = at - a.out_offset[k];
    if (!a.inputs[k] || column >= a.row_bytes[k])
      continue;
    const char *from = static_cast<const char *>(a.inputs[k]) + row * a.row_bytes[k] + column;
    char *to = static_cast<char *>(a.output) + row * a.out_row_bytes + at;
    *reinterpret_cast<uint4 *>(to) = __ldg(reinterpret_cast<const uint4 *>(from));
  }
}

bool aligned16(const void *p) {
  return reinterpret_cast<uintptr_t>(p) % 16 == 0;
}

} // namespace

extern "C" int trt_concat_rows_supported(const trt_kconcat_t *a) {
  if (a->nb_inputs < 1 || a->nb_inputs > TRT_KCONCAT_MAX_INPUTS || a->rows < 0 ||
      a->out_row_bytes <= 0 || a->out_row_bytes % 16 != 0 || !aligned16(a->output))
    return 0;
  int64_t next = 0;
  for (int k = 0; k < a->nb_inputs; k++) {
    if (a->row_bytes[k] < 0 || a->row_bytes[k] % 16 != 0 || a->out_offset[k] != next ||
        (a->inputs[k] && !aligned16(a->inputs[k])))
      return 0;
    next += a->row_bytes[k];
  }
  return next == a->out_row_bytes;
}

extern "C" cudaError_t trt_launch_concat_rows(const trt_kconcat_t *a, cudaStream_t stream) {
  if (!trt_concat_rows_supported(a))
    return cudaErrorInvalidValue;
  const int64_t words_per_row = a->out_row_bytes / 16;
  const int64_t total = a->rows * words_per_row;
  if (total <= 0)
    return cudaSuccess;
  if (total < INT32_MAX / 2)
    concat_rows_kernel<int32_t><<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(
        *a, (int32_t)words_per_row, (int32_t)total);
  else
    concat_rows_kernel<int64_t>
        <<<trtk::grid_for(total), trtk::kThreads, 0, stream>>>(*a, words_per_row, total);
  return cudaGetLastError();
}
