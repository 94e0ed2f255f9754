/* The taps of a sliding window that land inside an interval, computed
 * rather than counted: a window of `kernel` taps starting at `start`, one
 * every `dilation` elements, meets [lo, hi) at taps first..last-1. Pooling
 * (CPU and CUDA) loops over that range only, so a kernel far larger than its
 * input costs what the input holds, not what the kernel declares.
 * Requires kernel >= 0 and dilation >= 1; start + (kernel-1) * dilation must
 * fit in int64 (the layer's shape check guarantees both). */
#ifndef TRT_NUMERICS_WINDOW_H
#define TRT_NUMERICS_WINDOW_H

#include <stdint.h>

#include "numerics.h"

typedef struct {
  int64_t first, last; /* taps first .. last-1; empty when last <= first */
} trt_tap_range_t;

/* floor(a / b) for b > 0 (C division truncates toward zero). */
static inline TRT_HOST_DEVICE int64_t trt_floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

static inline TRT_HOST_DEVICE trt_tap_range_t trt_window_taps(int64_t start, int64_t kernel,
                                                             int64_t dilation, int64_t lo,
                                                             int64_t hi) {
  trt_tap_range_t range = {0, 0};
  if (hi <= lo || kernel <= 0)
    return range;
  /* first: the least t >= 0 with start + t*dilation >= lo. last - 1: the
   * greatest t with start + t*dilation <= hi - 1. Without dilation no
   * division is needed (64-bit division is a long software routine on
   * GPUs, and pooling kernels compute this for every output element). */
  int64_t first, last;
  if (dilation == 1) {
    first = start >= lo ? 0 : lo - start;
    last = hi - 1 < start ? 0 : hi - start;
  } else {
    first = start >= lo ? 0 : -trt_floor_div(start - lo, dilation);
    last = hi - 1 < start ? 0 : trt_floor_div(hi - 1 - start, dilation) + 1;
  }
  if (last > kernel)
    last = kernel;
  range.first = first;
  range.last = last > first ? last : first;
  return range;
}

static inline TRT_HOST_DEVICE int64_t trt_window_tap_count(int64_t start, int64_t kernel,
                                                          int64_t dilation, int64_t lo,
                                                          int64_t hi) {
  const trt_tap_range_t range = trt_window_taps(start, kernel, dilation, lo, hi);
  return range.last - range.first;
}

#endif
