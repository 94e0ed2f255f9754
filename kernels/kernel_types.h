/* Element type codes the kernels know: the values of trt_data_type_t
 * (kernels/cast.cu checks), so that the kernels' launchers need no engine
 * header. */
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
