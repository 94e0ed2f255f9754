/* Indexing kernels: ArgMax/ArgMin, GatherElements, Tile/Expand and Trilu. */
#ifndef TRT_KERNELS_INDEXING_CUH
#define TRT_KERNELS_INDEXING_CUH

#include <cuda_runtime.h>
#include <stdint.h>

#include "kernel_common.cuh"

#ifdef __cplusplus
extern "C" {
#endif

/* y[o, j] (int64) = index along the axis of the extreme of x[o, :, j];
 * `type` a TRT_KTYPE_ (not float16 or bool). */
cudaError_t trt_launch_arg_reduce(const void *x, int64_t *y, int type, int max,
                                  int select_last_index, int64_t outer, int64_t length,
                                  int64_t inner, cudaStream_t stream);

/* Output element with coordinates c (over `dims`, the indices' dims) reads
 * data at c with c[axis] replaced by indices[i] (negative counts from the
 * end); data_strides are the data's contiguous strides. An index out of
 * range writes zeros. */
typedef struct {
  int rank, axis;
  int64_t dims[TRT_KERNEL_MAX_DIMS];
  int64_t data_strides[TRT_KERNEL_MAX_DIMS];
  int64_t axis_size;
} trt_kgather_elements_t;

cudaError_t trt_launch_gather_elements(const void *data, const void *indices,
                                       int indices_are_int64, void *y, int element_size,
                                       trt_kgather_elements_t plan, cudaStream_t stream);

/* Output coordinates c read x at sum (c[d] % in_dims[d]) * in_strides[d]
 * (in_dims right-aligned, 1 and stride 0 where x has fewer dims): Tile and
 * Expand. */
typedef struct {
  int rank;
  int64_t out_dims[TRT_KERNEL_MAX_DIMS];
  int64_t in_dims[TRT_KERNEL_MAX_DIMS];
  int64_t in_strides[TRT_KERNEL_MAX_DIMS];
} trt_kreplicate_t;

cudaError_t trt_launch_replicate(const void *x, void *y, int element_size, trt_kreplicate_t plan,
                                 cudaStream_t stream);

/* Keeps the upper (column - row >= k) or lower (column - row <= k) triangle
 * of every [rows, columns] matrix, zeroing the rest. k is `k_value`, or
 * read on the device from `k_ptr` (int32 or int64) when that is not NULL. */
cudaError_t trt_launch_trilu(const void *x, void *y, int element_size, int64_t count,
                             int64_t rows, int64_t columns, int upper, const void *k_ptr,
                             int k_is_int64, int64_t k_value, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
