/* The backends this build has, one line each. */
#include "backend.h"

#include "trt_config.h"

static const trt_backend_ops_t *const backends[] = {
    [TRT_BACKEND_CPU] = &trt_cpu_backend,
#ifdef HAVE_CUDA
    [TRT_BACKEND_CUDA] = &trt_cuda_backend,
#endif
};

const trt_backend_ops_t *trt_backend_ops(trt_backend_t id) {
  if ((int)id < 0 || (size_t)id >= sizeof(backends) / sizeof(backends[0]))
    return NULL;
  return backends[id];
}

/* As messages name them. */
static const char *display_name(trt_backend_t id) {
  return id == TRT_BACKEND_CUDA ? "CUDA" : id == TRT_BACKEND_CPU ? "CPU" : trt_backend_name(id);
}

trt_status_t trt_backend_check(trt_backend_t id, int device) {
  const trt_backend_ops_t *ops = trt_backend_ops(id);
  if (!ops)
    return trt_error(TRT_STATUS_NO_DEVICE, "the %s backend was asked for, but this build of "
                     "trtinfer does not have it", display_name(id));
  if (ops->check_device(device) != TRT_STATUS_OK)
    return trt_error_prefix(TRT_STATUS_NO_DEVICE, "the %s backend was asked for, but ",
                            display_name(id));
  return TRT_STATUS_OK;
}
