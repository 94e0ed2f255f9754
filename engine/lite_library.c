/* libtrtlite over a shared engine (-Dengine_library=shared): the Lite API
 * lives in libtrtengine, this library only depends on it, so that programs
 * that load "libtrtlite" (the Python module) find one name in either build.
 * A library needs at least one object of its own to link (nvcc, which links
 * CUDA builds, refuses an empty link line). */
#include "trt/lite.h"

/* The Lite options struct's size, as the engine reports it (a symbol of
 * this library's own). */
size_t trt_lite_library_options_size(void);

size_t trt_lite_library_options_size(void) {
  return trt_lite_options_size();
}
