/* Resource limits of a build (size_limits.h). */
#include "size_limits.h"

#include <inttypes.h>
#include <unistd.h>

static size_t physical_memory(void) {
  long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0 || (uint64_t)pages > SIZE_MAX / (uint64_t)page_size)
    return 0;
  return (size_t)pages * (size_t)page_size;
}

static size_t smaller_of_ceiling_and_share(size_t ceiling, size_t divisor) {
  size_t memory = physical_memory();
  if (memory == 0)
    return ceiling;
  size_t share = memory / divisor;
  return share < ceiling ? share : ceiling;
}

size_t trt_limit_default_tensor_bytes(void) {
  return smaller_of_ceiling_and_share(TRT_LIMIT_TENSOR_CEILING, 4);
}

size_t trt_limit_default_engine_bytes(void) {
  return smaller_of_ceiling_and_share(TRT_LIMIT_ENGINE_CEILING, 2);
}

size_t trt_limit_tensor_bytes(size_t configured) {
  return configured ? configured : trt_limit_default_tensor_bytes();
}

size_t trt_limit_engine_bytes(size_t configured) {
  return configured ? configured : trt_limit_default_engine_bytes();
}

trt_status_t trt_limit_check_tensor(const trt_tensor_t *tensor, size_t limit) {
  size_t bytes;
  trt_status_t status = trt_tensor_bytes_checked(tensor, &bytes);
  if (status != TRT_STATUS_OK)
    return status;
  limit = trt_limit_tensor_bytes(limit);
  if (bytes > limit) {
    char dims[160];
    return trt_error(TRT_STATUS_OUT_OF_MEMORY,
                     "tensor '%s' (%s %s) needs %zu bytes (%.1f GiB), more than the limit of "
                     "%zu bytes (%.1f GiB) per tensor; raise trt_builder_config_t."
                     "max_tensor_bytes if this is intended",
                     tensor->name, trt_data_type_name(tensor->type),
                     trt_dims_format(&tensor->dims, dims, sizeof(dims)), bytes,
                     bytes / 1073741824.0, limit, limit / 1073741824.0);
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_limit_check_engine(size_t bytes, size_t limit) {
  limit = trt_limit_engine_bytes(limit);
  if (bytes > limit)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY,
                     "the engine needs %zu bytes (%.1f GiB: activations, constants and bindings), "
                     "more than the limit of %zu bytes (%.1f GiB); raise trt_builder_config_t."
                     "max_engine_bytes if this is intended",
                     bytes, bytes / 1073741824.0, limit, limit / 1073741824.0);
  return TRT_STATUS_OK;
}
