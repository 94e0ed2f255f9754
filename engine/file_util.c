/* Whole-file reading and atomic writing (file_util.h), on plain POSIX
 * descriptors so that interrupted calls are retried rather than reported. */
#include "file_util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* First buffer for a file whose size stat() does not know (/proc files). */
#define TRT_FILE_FIRST_CAPACITY ((size_t)1 << 16)

/* The cap in bytes: TRT_FILE_MAX_SIZE, or less where size_t is smaller. */
static uint64_t max_file_size(void) {
  return (uint64_t)SIZE_MAX - 2 < TRT_FILE_MAX_SIZE ? (uint64_t)SIZE_MAX - 2 : TRT_FILE_MAX_SIZE;
}

/* `size`: the file's size, or as much as was read of it when not `exact`. */
static trt_status_t too_large(const char *path, uint64_t size, bool exact) {
  return trt_error(TRT_STATUS_IO_ERROR,
                   "%s: %s%" PRIu64 " bytes, larger than the %" PRIu64
                   " MiB trtinfer reads from one file",
                   path, exact ? "" : "more than ", size, max_file_size() >> 20);
}

const char *trt_file_kind(unsigned mode) {
  switch (mode & S_IFMT) {
  case S_IFREG: return "a regular file";
  case S_IFDIR: return "a directory";
  case S_IFCHR: return "a character device";
  case S_IFBLK: return "a block device";
  case S_IFIFO: return "a FIFO";
  case S_IFSOCK: return "a socket";
  case S_IFLNK: return "a symbolic link";
  default: return "not a regular file";
  }
}

/* Opens `path` for reading and checks that it is a regular file of at most
 * the cap. O_NONBLOCK: opening a FIFO must not wait for a writer (and
 * changes nothing for a regular file); nothing else is opened further. */
static trt_status_t open_regular(const char *path, int *fd, struct stat *info) {
  *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (*fd < 0)
    return trt_error(TRT_STATUS_IO_ERROR, "%s: cannot open: %s", path, strerror(errno));
  trt_status_t status = TRT_STATUS_OK;
  if (fstat(*fd, info) != 0)
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot stat: %s", path, strerror(errno));
  else if (!S_ISREG(info->st_mode))
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: %s, not a regular file", path,
                       trt_file_kind((unsigned)info->st_mode));
  else if (info->st_size < 0 || (uint64_t)info->st_size > max_file_size())
    status = too_large(path, (uint64_t)info->st_size, true);
  if (status != TRT_STATUS_OK) {
    (void)close(*fd);
    *fd = -1;
  }
  return status;
}

trt_status_t trt_file_read_all(const char *path, void **data, size_t *size) {
  if (!data || !size)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_read_all: NULL argument");
  *data = NULL;
  *size = 0;
  if (!path)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_read_all: NULL path");
  int fd;
  struct stat info;
  trt_status_t opened = open_regular(path, &fd, &info);
  if (opened != TRT_STATUS_OK)
    return opened;
  /* Read into one buffer of the file's size (plus the NUL and a byte to see
   * the end); a file whose size stat() does not know, or that grows while
   * it is read, grows the buffer by doubling, up to the cap. */
  size_t capacity = TRT_FILE_FIRST_CAPACITY;
  if (info.st_size > 0)
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
      /* Never past the cap (and its two bytes): reading one more byte than
       * the cap is how a file too large is seen. */
      const size_t limit = (size_t)max_file_size() + 2;
      size_t larger_capacity = capacity <= limit / 2 ? capacity * 2 : limit;
      char *larger = realloc(buffer, larger_capacity);
      if (!larger) {
        status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory reading the file", path);
        break;
      }
      buffer = larger;
      capacity = larger_capacity;
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
    if (length > max_file_size()) {
      status = too_large(path, length, false);
      break;
    }
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

/* What may be replaced: nothing, a regular file, or a symbolic link that
 * leads to one or nowhere (the link is replaced, not what it points to).
 * Anything else (a device, a FIFO, a directory, a link to one) would be
 * renamed away and lost: /dev/zero would become a regular file. */
static trt_status_t check_replaceable(const char *path) {
  struct stat info;
  if (lstat(path, &info) != 0) {
    if (errno == ENOENT)
      return TRT_STATUS_OK;
    return trt_error(TRT_STATUS_IO_ERROR, "%s: cannot stat: %s", path, strerror(errno));
  }
  if (S_ISREG(info.st_mode))
    return TRT_STATUS_OK;
  if (S_ISLNK(info.st_mode)) {
    struct stat target;
    if (stat(path, &target) != 0)
      return errno == ENOENT
                 ? TRT_STATUS_OK
                 : trt_error(TRT_STATUS_IO_ERROR, "%s: cannot stat: %s", path, strerror(errno));
    if (S_ISREG(target.st_mode))
      return TRT_STATUS_OK;
    return trt_error(TRT_STATUS_IO_ERROR,
                     "%s: a symbolic link to %s, not a regular file: refusing to replace it", path,
                     trt_file_kind((unsigned)target.st_mode));
  }
  return trt_error(TRT_STATUS_IO_ERROR, "%s: %s, not a regular file: refusing to replace it", path,
                   trt_file_kind((unsigned)info.st_mode));
}

trt_status_t trt_file_write_atomic(const char *path, const void *data, size_t size) {
  if (!path || (!data && size > 0))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_write_atomic: NULL argument");
  /* Checked before anything is created beside it, and again before the
   * rename in case something took its place meanwhile. */
  trt_status_t replaceable = check_replaceable(path);
  if (replaceable != TRT_STATUS_OK)
    return replaceable;
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
  } else {
    status = check_replaceable(path);
  }
  if (status == TRT_STATUS_OK && rename(temporary, path) != 0) {
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: cannot rename '%s' into place: %s", path,
                       temporary, strerror(errno));
  }
  if (status != TRT_STATUS_OK)
    (void)unlink(temporary);
  free(temporary);
  return status;
}

trt_status_t trt_file_map(const char *path, void **data, size_t *size) {
  if (!path || !data || !size)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_file_map: NULL argument");
  *data = NULL;
  *size = 0;
  int fd;
  struct stat info;
  trt_status_t status = open_regular(path, &fd, &info);
  if (status != TRT_STATUS_OK)
    return status;
  if (info.st_size == 0) {
    status = trt_error(TRT_STATUS_IO_ERROR, "%s: empty file", path);
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
