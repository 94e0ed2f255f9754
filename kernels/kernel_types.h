/* Element type codes the kernels know, in plain C so that host code built
 * without CUDA (engine/cpu) can share kernels/cast_rules.h. */
#ifndef TRT_KERNELS_KERNEL_TYPES_H
#define TRT_KERNELS_KERNEL_TYPES_H

/* The same values as trt_data_type_t. */
enum {
  TRT_KTYPE_FLOAT32 = 0,
  TRT_KTYPE_FLOAT16,
  TRT_KTYPE_FLOAT64,
  TRT_KTYPE_INT8,
  TRT_KTYPE_UINT8,
  TRT_KTYPE_INT32,
  TRT_KTYPE_INT64,
  TRT_KTYPE_BOOL
};

#endif
