/* Whole-file reading and atomic writing (file_util.h), on plain POSIX
 * descriptors so that interrupted calls are retried rather than reported. */
#include "file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* First buffer for a file whose size is not known in advance (a pipe). */
#define TRT_FILE_FIRST_CAPACITY ((size_t)1 << 16)

trt_status_t trt_file_read_all(const char *path, void **data, size_t *size) {
  if (!data || !size)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_read_all: NULL argument");
  *data = NULL;
  *size = 0;
  if (!path)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_read_all: NULL path");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return trt_error(TRT_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  /* A regular file is read into one buffer of its size (plus the NUL and a
   * byte to see the end); anything else grows by doubling. */
  struct stat info;
  size_t capacity = TRT_FILE_FIRST_CAPACITY;
  if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0 &&
      (uintmax_t)info.st_size < SIZE_MAX - 2)
    capacity = (size_t)info.st_size + 2;
  char *buffer = malloc(capacity);
  if (!buffer) {
    (void)close(fd);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory reading the file", path);
  }
  size_t length = 0;
  trt_status_t status = TRT_STATUS_OK;
  for (;;) {
    if (capacity - length < 2) {
      char *larger = capacity <= SIZE_MAX / 2 ? realloc(buffer, capacity * 2) : NULL;
      if (!larger) {
        status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory reading the file", path);
        break;
      }
      buffer = larger;
      capacity *= 2;
    }
    /* One byte stays free for the NUL. */
    ssize_t got = read(fd, buffer + length, capacity - length - 1);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      status = trt_error(TRT_STATUS_IO_ERROR, "%s: read error: %s", path, strerror(errno));
      break;
    }
    if (got == 0)
      break;
    length += (size_t)got;
  }
  (void)close(fd);
  if (status != TRT_STATUS_OK) {
    free(buffer);
    return status;
  }
  buffer[length] = '\0';
  *data = buffer;
  *size = length;
  return TRT_STATUS_OK;
}

/* Writes all of `data` to `fd`, retrying short and interrupted writes. */
static bool write_fully(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t put = write(fd, data, size);
    if (put < 0 && errno == EINTR)
      continue;
    if (put <= 0)
      return false;
    data += put;
    size -= (size_t)put;
  }
  return true;
}

trt_status_t trt_file_write_atomic(const char *path, const void *data, size_t size) {
  if (!path || (!data && size > 0))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_write_atomic: NULL argument");
  /* Unique per process and call: two threads saving the same path never
   * share a temporary file, and O_EXCL never reuses someone else's. */
  static _Atomic unsigned serial;
  size_t temporary_size = strlen(path) + 64;
  char *temporary = malloc(temporary_size);
  if (!temporary)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory saving the file", path);
  int fd = -1;
  for (int attempt = 0; fd < 0 && attempt < 100; attempt++) {
    snprintf(temporary, temporary_size, "%s.tmp.%ld.%u", path, (long)getpid(),
             atomic_fetch_add(&serial, 1u));
    fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST && errno != EINTR)
      break;
  }
  if (fd < 0) {
    trt_status_t status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot create '%s': %s", path,
                                    temporary, strerror(errno));
    free(temporary);
    return status;
  }
  /* Flushed before the rename, so that after a crash the target holds the
   * old or the new contents, not an empty file. */
  errno = 0;
  bool written = write_fully(fd, data, size) && fsync(fd) == 0;
  int saved_errno = errno;
  if (close(fd) != 0 && written) {
    written = false;
    saved_errno = errno;
  }
  trt_status_t status = TRT_STATUS_OK;
  if (!written) {
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot write: %s", path,
                       saved_errno ? strerror(saved_errno) : "short write");
  } else if (rename(temporary, path) != 0) {
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot rename '%s' into place: %s", path,
                       temporary, strerror(errno));
  }
  if (status != TRT_STATUS_OK)
    (void)unlink(temporary);
  free(temporary);
  return status;
}

trt_status_t trt_file_map(const char *path, void **data, size_t *size) {
  *data = NULL;
  *size = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return trt_error(TRT_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  struct stat info;
  trt_status_t status = TRT_STATUS_OK;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size <= 0 ||
      (uintmax_t)info.st_size > SIZE_MAX) {
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: not a regular, non-empty file", path);
  } else {
    /* MAP_POPULATE maps every page in one call rather than one fault at a
     * time, which is most of the cost of a load; read-only, so the pages
     * are the page cache's own, not copies. */
    void *mapped = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (mapped == MAP_FAILED) {
      status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot map: %s", path, strerror(errno));
    } else {
      *data = mapped;
      *size = (size_t)info.st_size;
    }
  }
  (void)close(fd);
  return status;
}

void trt_file_unmap(void *data, size_t size) {
  if (data)
    (void)munmap(data, size);
}
