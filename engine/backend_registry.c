/* The backends this build has, one line each, their names, and the order
 * in which `auto` tries them. */
#include "backend.h"

#include <string.h>

#include "trt_config.h"

static const trt_backend_ops_t *const backends[] = {
    [TRT_BACKEND_CPU] = &trt_cpu_backend,
#ifdef HAVE_CUDA
    [TRT_BACKEND_CUDA] = &trt_cuda_backend,
#endif
};

static const char *const names[] = {
    [TRT_BACKEND_AUTO] = "auto", [TRT_BACKEND_CPU] = "cpu", [TRT_BACKEND_CUDA] = "cuda"};
#define NB_NAMES (int)(sizeof(names) / sizeof(names[0]))

/* `auto` takes the first usable one. */
static const trt_backend_t auto_order[] = {TRT_BACKEND_CUDA, TRT_BACKEND_CPU};

const char *trt_backend_name(trt_backend_t backend) {
  return ((int)backend >= 0 && (int)backend < NB_NAMES) ? names[backend] : "?";
}

trt_status_t trt_backend_parse(const char *text, trt_backend_t *backend) {
  for (int b = 0; b < NB_NAMES; b++) {
    if (text && strcmp(text, names[b]) == 0) {
      *backend = (trt_backend_t)b;
      return TRT_STATUS_OK;
    }
  }
  return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unknown backend '%s' (expected auto, cpu or cuda)",
                   text ? text : "");
}

const trt_backend_ops_t *trt_backend_ops(trt_backend_t id) {
  if ((int)id < 0 || (size_t)id >= sizeof(backends) / sizeof(backends[0]))
    return NULL;
  return backends[id];
}

trt_backend_t trt_backend_choose(int device) {
  size_t count = sizeof(auto_order) / sizeof(auto_order[0]);
  for (size_t i = 0; i + 1 < count; i++) {
    const trt_backend_ops_t *ops = trt_backend_ops(auto_order[i]);
    if (ops && ops->check_device(device) == TRT_STATUS_OK)
      return auto_order[i];
    trt_log(TRT_SEVERITY_INFO, "auto backend: %s; trying %s",
            ops ? trt_last_error() : "not in this build", trt_backend_name(auto_order[i + 1]));
    /* Falling back is no failure: a caller reading trt_last_error() after
     * a later, unrelated failure must not find this reason there. */
    trt_error_clear();
  }
  return auto_order[count - 1]; /* the CPU, which always runs */
}

trt_status_t trt_backend_resolve(trt_backend_t requested, int device, trt_backend_t *resolved) {
  if (!resolved)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_backend_resolve: NULL argument");
  *resolved = requested == TRT_BACKEND_AUTO ? trt_backend_choose(device) : requested;
  return trt_backend_check(*resolved, device);
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
