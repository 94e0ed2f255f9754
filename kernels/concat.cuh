/* Concatenation of row-major slabs in one launch: output row r is input
 * 0's row r, then input 1's, ... (rows: everything before the axis; for a
 * channels-last concat along the channels, the pixels). cudaMemcpy2D per
 * input does the same with one launch each and moves small rows (a
 * branch's 64 float16 channels are 128 bytes) far below the memory's
 * speed; this kernel moves 16 bytes per access across every input at once.
 * Needs every row length a multiple of 16 bytes and 16-byte aligned
 * pointers (trt_concat_rows_supported). */
#ifndef TRT_KERNELS_CONCAT_CUH
#define TRT_KERNELS_CONCAT_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TRT_KCONCAT_MAX_INPUTS 16

typedef struct {
  int nb_inputs;
  const void *inputs[TRT_KCONCAT_MAX_INPUTS]; /* NULL: leave its columns alone */
  int64_t row_bytes[TRT_KCONCAT_MAX_INPUTS];  /* each input's row */
  int64_t out_offset[TRT_KCONCAT_MAX_INPUTS]; /* where it starts in the output row */
  int64_t out_row_bytes;
  int64_t rows;
  void *output;
} trt_kconcat_t;

int trt_concat_rows_supported(const trt_kconcat_t *args);
cudaError_t trt_launch_concat_rows(const trt_kconcat_t *args, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
