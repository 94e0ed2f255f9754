/* Error messages (thread-local) and the process-wide logger. */
#include <stdio.h>
#include <string.h>

#include "trt/trt.h"
#include "trt_config.h"

#define TRT_ERROR_MESSAGE_SIZE 1024

static _Thread_local char last_error[TRT_ERROR_MESSAGE_SIZE];

static const char *const status_names[] = {
    [TRT_STATUS_OK] = "ok",
    [TRT_STATUS_INVALID_ARGUMENT] = "invalid argument",
    [TRT_STATUS_PARSE_ERROR] = "parse error",
    [TRT_STATUS_UNSUPPORTED] = "unsupported",
    [TRT_STATUS_SHAPE_ERROR] = "shape error",
    [TRT_STATUS_IO_ERROR] = "I/O error",
    [TRT_STATUS_OUT_OF_MEMORY] = "out of memory",
    [TRT_STATUS_CUDA_ERROR] = "CUDA error",
    [TRT_STATUS_NO_DEVICE] = "no device",
    [TRT_STATUS_INTERNAL_ERROR] = "internal error",
};
_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == TRT_STATUS_COUNT,
               "every status needs a name");

const char *trt_status_name(trt_status_t status) {
  if ((int)status < 0 || status >= TRT_STATUS_COUNT)
    return "(invalid status)";
  return status_names[status];
}

const char *trt_last_error(void) { return last_error; }

void trt_error_clear(void) {
  last_error[0] = '\0';
}

trt_status_t trt_error(trt_status_t status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof(last_error), format, args);
  va_end(args);
  return status;
}

trt_status_t trt_error_prefix(trt_status_t status, const char *format, ...) {
  char prefix[TRT_ERROR_MESSAGE_SIZE];
  char previous[TRT_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, format);
  vsnprintf(prefix, sizeof(prefix), format, args);
  va_end(args);
  memcpy(previous, last_error, sizeof(previous));
  size_t prefix_length = strnlen(prefix, sizeof(last_error) - 1);
  size_t previous_length = strnlen(previous, sizeof(last_error) - 1 - prefix_length);
  memcpy(last_error, prefix, prefix_length);
  memcpy(last_error + prefix_length, previous, previous_length);
  last_error[prefix_length + previous_length] = '\0';
  return status;
}

const char *trt_version_string(void) { return TRT_VERSION; }

/* ---- logging ------------------------------------------------------------ */

static trt_log_fn log_fn;
static void *log_user_data;
static _Thread_local trt_log_fn thread_log_fn;
static _Thread_local void *thread_log_user_data;
static trt_severity_t log_level = TRT_SEVERITY_WARNING;

void trt_set_logger(trt_log_fn fn, void *user_data) {
  log_fn = fn;
  log_user_data = user_data;
}

void trt_set_log_level(trt_severity_t max_severity) { log_level = max_severity; }

void trt_set_thread_logger(trt_log_fn fn, void *user_data, trt_log_fn *previous_fn,
                           void **previous_data) {
  if (previous_fn)
    *previous_fn = thread_log_fn;
  if (previous_data)
    *previous_data = thread_log_user_data;
  thread_log_fn = fn;
  thread_log_user_data = user_data;
}

static const char *severity_tag(trt_severity_t severity) {
  switch (severity) {
  case TRT_SEVERITY_ERROR: return "E";
  case TRT_SEVERITY_WARNING: return "W";
  case TRT_SEVERITY_INFO: return "I";
  case TRT_SEVERITY_VERBOSE: return "V";
  }
  return "?";
}

void trt_log(trt_severity_t severity, const char *format, ...) {
  if (!thread_log_fn && !log_fn && severity > log_level)
    return;
  char message[TRT_ERROR_MESSAGE_SIZE];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  if (thread_log_fn)
    thread_log_fn(severity, message, thread_log_user_data);
  else if (log_fn)
    log_fn(severity, message, log_user_data);
  else
    fprintf(stderr, "[trt] %s: %s\n", severity_tag(severity), message);
}
