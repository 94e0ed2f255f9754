/* Whole files in and out, for everything the engine reads or writes in one
 * piece: models (ONNX, Caffe deploy and weights), plans, timing caches and
 * the caffemodels the Caffe importer saves. Internal: users go through the
 * parsers and trt_engine_save()/trt_engine_load(). */
#ifndef TRT_FILE_UTIL_H
#define TRT_FILE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "trt/status.h"

/* The largest file read or mapped whole: 4 GiB, above any model, weights
 * or plan this engine is for (ONNX files stop at 2 GiB), and an early,
 * clear error rather than memory running out on something endless. */
#define TRT_FILE_MAX_SIZE ((uint64_t)4 << 30)

/* Reads the whole regular file at `path` into a malloc'd buffer (free() it)
 * with a NUL after the last byte, not counted in `*size`, so that text can
 * be parsed in place. IO_ERROR naming the path when it cannot be opened or
 * read, is not a regular file (a FIFO is refused without waiting for a
 * writer, a device without reading it) or is larger than
 * TRT_FILE_MAX_SIZE; on failure `*data` is NULL and `*size` 0. */
trt_status_t trt_file_read_all(const char *path, void **data, size_t *size);

/* Maps the whole regular file at `path` into memory, read-only, its pages
 * mapped at once. Free it with trt_file_unmap(). IO_ERROR naming the path
 * when it cannot be opened or mapped (not a regular file, empty, larger
 * than TRT_FILE_MAX_SIZE, out of address space). */
trt_status_t trt_file_map(const char *path, void **data, size_t *size);
void trt_file_unmap(void *data, size_t size);

/* Writes `size` bytes to `path` atomically: into a new temporary file in
 * the same directory (named uniquely per process and call), flushed to
 * disk, then renamed over `path`. Readers see the old file or the complete
 * new one, never a part; on failure the old file is untouched and the
 * temporary file is removed. Only a regular file is replaced, or a
 * symbolic link leading to one or to nothing (the link itself is replaced):
 * a device, FIFO, directory, socket or a link to one is an IO_ERROR saying
 * what it is, and nothing is created beside it. */
trt_status_t trt_file_write_atomic(const char *path, const void *data, size_t size);

/* "a FIFO", "a character device", ... for a stat() st_mode, for messages. */
const char *trt_file_kind(unsigned mode);

#endif
