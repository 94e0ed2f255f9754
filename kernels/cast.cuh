/* Cast kernel between every trt_data_type_t (float32, float16, float64,
 * int8, uint8, int32, int64, bool). */
#ifndef TRT_KERNELS_CAST_CUH
#define TRT_KERNELS_CAST_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* `from` and `to` are TRT_KTYPE_ values; they differ (a same-type cast is a
 * copy the caller makes). */
cudaError_t trt_launch_cast(const void *x, int from, void *y, int to, int64_t count,
                            cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
