/* Whole files in and out, for everything the engine reads or writes in one
 * piece: models (ONNX, Caffe deploy and weights), plans, timing caches and
 * the caffemodels the Caffe importer saves. Internal: users go through the
 * parsers and trt_engine_save()/trt_engine_load(). */
#ifndef TRT_FILE_UTIL_H
#define TRT_FILE_UTIL_H

#include <stddef.h>

#include "trt/status.h"

/* Reads the whole file at `path` into a malloc'd buffer (free() it) with a
 * NUL after the last byte, not counted in `*size`, so that text can be
 * parsed in place. IO_ERROR naming the path when it cannot be opened or
 * read; on failure `*data` is NULL and `*size` 0. */
trt_status_t trt_file_read_all(const char *path, void **data, size_t *size);

/* Maps the whole regular file at `path` into memory, read-only, its pages
 * mapped at once. Free it with trt_file_unmap(). IO_ERROR naming the path
 * when it cannot be opened or mapped (not a regular file, empty, out of
 * address space). */
trt_status_t trt_file_map(const char *path, void **data, size_t *size);
void trt_file_unmap(void *data, size_t size);

/* Writes `size` bytes to `path` atomically: into a new temporary file in
 * the same directory, flushed to disk, then renamed over `path`. Readers
 * see the old file or the complete new one, never a part; on failure the
 * old file is untouched and the temporary file is removed. */
trt_status_t trt_file_write_atomic(const char *path, const void *data, size_t size);

#endif
