/* Reformat: copies a rank-1..5 float32/float16 tensor between two layouts
 * given by element strides (linear <-> channels-last, views included),
 * converting the element type on the way (a Cast that also reformats). */
#ifndef TRT_KERNELS_REFORMAT_CUH
#define TRT_KERNELS_REFORMAT_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#define TRT_KREFORMAT_RANK 5

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int rank;
  int64_t dims[TRT_KREFORMAT_RANK];
  int64_t src_strides[TRT_KREFORMAT_RANK];
  int64_t dst_strides[TRT_KREFORMAT_RANK];
} trt_kreformat_t;

/* `src_type`, `dst_type`: TRT_KTYPE_FLOAT32 or TRT_KTYPE_FLOAT16. */
cudaError_t trt_launch_reformat(const void *src, int src_type, void *dst, int dst_type,
                                trt_kreformat_t reformat, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
