/* How one element converts between two trt_data_type_t types: the rules of
 * the CPU Cast (engine/cpu/shape_ops.c) and of the CUDA cast kernel
 * (kernels/cast.cu), written once so that both give the same bits.
 * Integers and bools convert to integers and bools through int64 (narrower
 * types wrap, as numpy's astype does), everything else through double with
 * the rules of trt_element_store_double (element.h): float to integer
 * truncates toward zero with NaN giving 0 and values beyond int64
 * saturating; float16 rounds to nearest even directly from the double. */
#ifndef TRT_NUMERICS_CAST_RULES_H
#define TRT_NUMERICS_CAST_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "element.h"
#include "numerics.h"
#include "trt/network.h"

static inline TRT_HOST_DEVICE bool trt_cast_is_float(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT64 ||
         type == TRT_DATA_TYPE_FLOAT16;
}

/* Whether a cast goes through int64 (integers and bool on both sides), so
 * that large values stay exact; else through double. */
static inline TRT_HOST_DEVICE bool trt_cast_through_int(trt_data_type_t from, trt_data_type_t to) {
  return !trt_cast_is_float(from) && !trt_cast_is_float(to);
}

/* Element i of `x` (type `from`) converted into element i of `y` (type
 * `to`); `through_int` is trt_cast_through_int(from, to). */
static inline TRT_HOST_DEVICE void trt_cast_element(const void *x, trt_data_type_t from, void *y,
                                                    trt_data_type_t to, int64_t i,
                                                    bool through_int) {
  if (through_int)
    trt_element_store_int64(y, to, i, trt_element_as_int64(x, from, i));
  else
    trt_element_store_double(y, to, i, trt_element_as_double(x, from, i));
}

#endif
