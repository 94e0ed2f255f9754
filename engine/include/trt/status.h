/* Status codes, error messages and logging shared by every engine API. */
#ifndef TRT_STATUS_H
#define TRT_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TRT_STATUS_OK = 0,
  TRT_STATUS_INVALID_ARGUMENT,
  TRT_STATUS_PARSE_ERROR,
  TRT_STATUS_UNSUPPORTED,
  TRT_STATUS_SHAPE_ERROR,
  TRT_STATUS_IO_ERROR,
  TRT_STATUS_OUT_OF_MEMORY,
  TRT_STATUS_CUDA_ERROR,
  TRT_STATUS_NO_DEVICE,
  TRT_STATUS_INTERNAL_ERROR,
  TRT_STATUS_COUNT
} trt_status_t;

/* Short name of a status ("unsupported"). */
const char *trt_status_name(trt_status_t status);

/* The message of the last failure on this thread; "" when none. Every
 * fallible call sets it before returning a status other than OK; a call
 * that succeeds may leave an earlier message in place, so read it only
 * right after a call that failed. */
const char *trt_last_error(void);
/* Forgets the last failure's message (trt_last_error() gives ""). */
void trt_error_clear(void);

/* Records a failure for trt_last_error() and returns `status`, so that
 * library code can write `return trt_error(TRT_STATUS_PARSE_ERROR, ...)`. */
trt_status_t trt_error(trt_status_t status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefixes the current message with context ("model.onnx: " + message). */
trt_status_t trt_error_prefix(trt_status_t status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

typedef enum {
  TRT_SEVERITY_ERROR = 0,
  TRT_SEVERITY_WARNING,
  TRT_SEVERITY_INFO,
  TRT_SEVERITY_VERBOSE,
} trt_severity_t;

typedef void (*trt_log_fn)(trt_severity_t severity, const char *message, void *user_data);

/* Installs a process-wide logger; NULL restores the default, which prints
 * errors and warnings to stderr. `max_severity` filters the default logger. */
void trt_set_logger(trt_log_fn fn, void *user_data);
void trt_set_log_level(trt_severity_t max_severity);
/* Installs a logger for the calling thread only, ahead of the process-wide
 * one: every message logged on this thread, of any severity, goes to it
 * (NULL: back to the process-wide logger). The previous thread logger is
 * returned through `previous_fn` and `previous_data` (either may be NULL)
 * so that a caller can restore it: the Lite API (trt/lite.h) sets one
 * around its calls so that each Lite engine's logger hears its own build.
 * Messages logged on other threads (the CPU pool's) are not seen. */
void trt_set_thread_logger(trt_log_fn fn, void *user_data, trt_log_fn *previous_fn,
                           void **previous_data);
void trt_log(trt_severity_t severity, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
