/* Whole-file reading and atomic writing (engine/file_util.h): empty, large,
 * missing and unreadable files; special files (a FIFO, /dev/null and
 * /dev/zero, a directory, links to them) refused at once when read, mapped
 * or written over; the size cap; an atomic write leaves no temporary file,
 * keeps the old file when it fails (a directory in the way, a write cut off
 * by the file size limit), writers of one path never collide, and a reader
 * racing the writer only ever sees a whole old or a whole new file.
 *
 * Nothing under /dev is written to, not even as root: devices are written
 * over only through links or nodes made in the test's own directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "file_util.h"
#include "test_util.h"

static char directory[512];

static void path_in(char *path, size_t size, const char *name) {
  snprintf(path, size, "%s/%s", directory, name);
}

/* Writes `size` bytes with plain stdio (not the code under test). */
static void write_plain(const char *path, const void *data, size_t size) {
  FILE *file = fopen(path, "wb");
  CHECK(file != NULL);
  if (!file)
    return;
  CHECK(fwrite(data, 1, size, file) == size);
  CHECK(fclose(file) == 0);
}

/* Entries in the test directory (temporary files would show up here). */
static int count_entries(void) {
  DIR *dir = opendir(directory);
  if (!dir)
    return -1;
  int count = 0;
  for (struct dirent *entry; (entry = readdir(dir));)
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
      count++;
  closedir(dir);
  return count;
}

static bool file_equals(const char *path, const void *data, size_t size) {
  void *read = NULL;
  size_t got = 0;
  bool same = trt_file_read_all(path, &read, &got) == TRT_STATUS_OK && got == size &&
              memcmp(read, data, size) == 0;
  free(read);
  return same;
}

static char *pattern(size_t size, uint64_t seed) {
  char *data = malloc(size ? size : 1);
  test_rng_t rng = test_rng(seed);
  for (size_t i = 0; i < size; i++)
    data[i] = (char)(unsigned)(test_uniform(&rng, 0.0f, 1.0f) * 255.0f);
  return data;
}

static void test_read_empty(void) {
  char path[600];
  path_in(path, sizeof(path), "empty");
  write_plain(path, "", 0);
  void *data = NULL;
  size_t size = 123;
  CHECK_OK(trt_file_read_all(path, &data, &size));
  CHECK(size == 0);
  CHECK(data != NULL && ((char *)data)[0] == '\0');
  free(data);
  unlink(path);
}

static void test_read_large(void) {
  /* Not a power of two, larger than any first buffer. */
  const size_t size = 9 * 1024 * 1024 + 12345;
  char *expected = pattern(size, 7);
  char path[600];
  path_in(path, sizeof(path), "large");
  write_plain(path, expected, size);
  void *data = NULL;
  size_t got = 0;
  CHECK_OK(trt_file_read_all(path, &data, &got));
  CHECK(got == size);
  CHECK(data && memcmp(data, expected, size) == 0);
  CHECK(data && ((char *)data)[size] == '\0');
  free(data);
  free(expected);
  unlink(path);
}

static void test_read_text(void) {
  char path[600];
  path_in(path, sizeof(path), "text");
  write_plain(path, "name: \"net\"\n", 12);
  void *data = NULL;
  size_t size = 0;
  CHECK_OK(trt_file_read_all(path, &data, &size));
  CHECK(size == 12 && data && strcmp(data, "name: \"net\"\n") == 0);
  free(data);
  unlink(path);
}

/* A file whose size stat() does not know: read by growing the buffer. */
static void test_read_unsized(void) {
  void *data = NULL;
  size_t size = 0;
  CHECK_OK(trt_file_read_all("/proc/self/status", &data, &size));
  CHECK(size > 0 && data && strlen(data) == size && strstr(data, "Name:") != NULL);
  free(data);
}

static void test_read_missing(void) {
  char path[600];
  path_in(path, sizeof(path), "missing.onnx");
  void *data = (void *)path;
  size_t size = 99;
  CHECK(trt_file_read_all(path, &data, &size) == TRT_STATUS_IO_ERROR);
  CHECK(data == NULL && size == 0);
  CHECK(strstr(trt_last_error(), path) != NULL);
  CHECK(strstr(trt_last_error(), "cannot open") != NULL);
  /* A directory opens but does not read. */
  data = (void *)path;
  CHECK(trt_file_read_all(directory, &data, &size) == TRT_STATUS_IO_ERROR);
  CHECK(data == NULL && size == 0);
  CHECK(strstr(trt_last_error(), "a directory, not a regular file") != NULL);
  CHECK(trt_file_read_all(NULL, &data, &size) == TRT_STATUS_INVALID_ARGUMENT);
}

/* Reading and mapping `path` fail at once, saying `kind`. */
static void check_refused_read(const char *path, const char *kind) {
  char expected[600];
  snprintf(expected, sizeof(expected), "%s: %s, not a regular file", path, kind);
  void *data = (void *)path;
  size_t size = 99;
  CHECK(trt_file_read_all(path, &data, &size) == TRT_STATUS_IO_ERROR);
  CHECK(data == NULL && size == 0);
  CHECK(strstr(trt_last_error(), expected) != NULL);
  if (!strstr(trt_last_error(), expected))
    printf("read '%s': %s\n", path, trt_last_error());
  data = (void *)path;
  CHECK(trt_file_map(path, &data, &size) == TRT_STATUS_IO_ERROR);
  CHECK(data == NULL && size == 0);
  CHECK(strstr(trt_last_error(), expected) != NULL);
}

static bool is_character_device(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISCHR(info.st_mode);
}

/* A FIFO with no writer would block a plain open() forever, /dev/zero never
 * ends: both are refused before any byte is read. alarm() turns a hang
 * into a failure. */
static void test_read_special(void) {
  alarm(30);
  char fifo[600], link[600];
  path_in(fifo, sizeof(fifo), "plan.fifo");
  CHECK(mkfifo(fifo, 0600) == 0);
  check_refused_read(fifo, "a FIFO");
  check_refused_read("/dev/zero", "a character device");
  check_refused_read("/dev/null", "a character device");
  check_refused_read(directory, "a directory");
  path_in(link, sizeof(link), "zero.onnx");
  CHECK(symlink("/dev/zero", link) == 0);
  check_refused_read(link, "a character device");
  path_in(link, sizeof(link), "fifo.onnx");
  CHECK(symlink(fifo, link) == 0);
  check_refused_read(link, "a FIFO");
  unlink(link);
  path_in(link, sizeof(link), "zero.onnx");
  unlink(link);
  unlink(fifo);
  alarm(0);
  CHECK(is_character_device("/dev/zero") && is_character_device("/dev/null"));
}

/* A file larger than the cap is refused from its size, before reading or
 * mapping anything: a sparse file costs no disk. (A file that grows past
 * the cap while it is read is cut off the same way; not tested: that
 * needs 4 GiB of reading.) */
static void test_read_cap(void) {
  char path[600];
  path_in(path, sizeof(path), "huge.plan");
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0);
  if (fd < 0)
    return;
  bool sized = ftruncate(fd, (off_t)TRT_FILE_MAX_SIZE + 1) == 0;
  close(fd);
  if (sized) {
    void *data = (void *)path;
    size_t size = 99;
    CHECK(trt_file_read_all(path, &data, &size) == TRT_STATUS_IO_ERROR);
    CHECK(data == NULL && size == 0);
    CHECK(strstr(trt_last_error(), "4294967297 bytes, larger than the 4096 MiB") != NULL);
    CHECK(trt_file_map(path, &data, &size) == TRT_STATUS_IO_ERROR);
    CHECK(strstr(trt_last_error(), "larger than the 4096 MiB") != NULL);
  } else {
    printf("note: cannot make a sparse 4 GiB file (%s); the cap not tested\n", strerror(errno));
  }
  unlink(path);
}

static void test_write(void) {
  char path[600];
  path_in(path, sizeof(path), "plan.engine");
  CHECK(count_entries() == 0);
  char *first = pattern(100000, 1);
  CHECK_OK(trt_file_write_atomic(path, first, 100000));
  CHECK(file_equals(path, first, 100000));
  CHECK(count_entries() == 1); /* the target, no temporary file */
  /* Replacing it with something shorter leaves nothing of the old. */
  CHECK_OK(trt_file_write_atomic(path, "short", 5));
  CHECK(file_equals(path, "short", 5));
  CHECK_OK(trt_file_write_atomic(path, NULL, 0));
  CHECK(file_equals(path, "", 0));
  CHECK(count_entries() == 1);
  /* Created as fopen() would: 0666 less the umask. */
  mode_t mask = umask(0);
  umask(mask);
  struct stat info;
  CHECK(stat(path, &info) == 0 && (info.st_mode & 0777) == (0666 & ~mask));
  unlink(path);
  free(first);
}

static void test_write_failures(void) {
  char path[600];
  /* The directory does not exist: nothing is created. */
  path_in(path, sizeof(path), "no/such/dir/plan.engine");
  CHECK(trt_file_write_atomic(path, "x", 1) == TRT_STATUS_IO_ERROR);
  CHECK(strstr(trt_last_error(), "plan.engine") != NULL);
  CHECK(count_entries() == 0);
  /* A directory where the file should go: the rename fails, the directory
   * stays, the temporary file goes. */
  path_in(path, sizeof(path), "in_the_way");
  CHECK(mkdir(path, 0777) == 0);
  CHECK(trt_file_write_atomic(path, "data", 4) == TRT_STATUS_IO_ERROR);
  CHECK(strstr(trt_last_error(), "a directory, not a regular file: refusing to replace it"));
  struct stat info;
  CHECK(stat(path, &info) == 0 && S_ISDIR(info.st_mode));
  CHECK(count_entries() == 1);
  rmdir(path);
  CHECK(trt_file_write_atomic(NULL, "x", 1) == TRT_STATUS_INVALID_ARGUMENT);
}

/* Writing over `path` is refused with `expected` and creates nothing. */
static void check_refused_write(const char *path, const char *expected) {
  int entries = count_entries();
  CHECK(trt_file_write_atomic(path, "plan", 4) == TRT_STATUS_IO_ERROR);
  CHECK(strstr(trt_last_error(), expected) != NULL);
  if (!strstr(trt_last_error(), expected))
    printf("write '%s': %s\n", path, trt_last_error());
  CHECK(count_entries() == entries);
}

/* Only regular files (or links to one, or to nothing) are replaced: a FIFO,
 * a device or a link to them stays what it was, and no temporary file is
 * left beside it. */
static void test_write_special(void) {
  char fifo[600], link[600], expected[700];
  struct stat info;
  path_in(fifo, sizeof(fifo), "engine.fifo");
  CHECK(mkfifo(fifo, 0600) == 0);
  snprintf(expected, sizeof(expected), "%s: a FIFO, not a regular file: refusing to replace it",
           fifo);
  check_refused_write(fifo, expected);
  CHECK(lstat(fifo, &info) == 0 && S_ISFIFO(info.st_mode));

  path_in(link, sizeof(link), "null.plan");
  CHECK(symlink("/dev/null", link) == 0);
  snprintf(expected, sizeof(expected),
           "%s: a symbolic link to a character device, not a "
           "regular file: refusing to replace it",
           link);
  check_refused_write(link, expected);
  CHECK(lstat(link, &info) == 0 && S_ISLNK(info.st_mode));
  unlink(link);
  CHECK(symlink(fifo, link) == 0);
  check_refused_write(link, "a symbolic link to a FIFO");
  unlink(link);
  unlink(fifo);

  /* A device node itself, made here (root only): /dev is never touched. */
  path_in(link, sizeof(link), "null.node");
  if (mknod(link, S_IFCHR | 0600, makedev(1, 3)) == 0) {
    check_refused_write(link, "a character device, not a regular file: refusing to replace it");
    CHECK(lstat(link, &info) == 0 && S_ISCHR(info.st_mode));
    unlink(link);
  } else {
    printf("note: cannot make a device node (%s); tested through links only\n", strerror(errno));
  }

  /* A link to a regular file is replaced by the new file; its target
   * keeps its contents. A dangling link is replaced too. */
  char target[600];
  path_in(target, sizeof(target), "target.plan");
  write_plain(target, "old", 3);
  path_in(link, sizeof(link), "link.plan");
  CHECK(symlink(target, link) == 0);
  CHECK_OK(trt_file_write_atomic(link, "new", 3));
  CHECK(lstat(link, &info) == 0 && S_ISREG(info.st_mode));
  CHECK(file_equals(link, "new", 3) && file_equals(target, "old", 3));
  unlink(link);
  unlink(target);
  CHECK(symlink(target, link) == 0);
  CHECK_OK(trt_file_write_atomic(link, "new", 3));
  CHECK(lstat(link, &info) == 0 && S_ISREG(info.st_mode) && file_equals(link, "new", 3));
  unlink(link);
  CHECK(is_character_device("/dev/null"));
}

/* Writers of one path in one process have temporary files of their own:
 * every save succeeds and the file ends whole. */
typedef struct {
  const char *path;
  const char *data;
  size_t size;
  int failures;
} writer_t;

static void *concurrent_writer(void *arg) {
  writer_t *writer = arg;
  for (int i = 0; i < 50; i++)
    writer->failures +=
        trt_file_write_atomic(writer->path, writer->data, writer->size) != TRT_STATUS_OK;
  return NULL;
}

static void test_write_concurrent(void) {
  char path[600];
  path_in(path, sizeof(path), "shared.engine");
  char *a = pattern(200000, 8), *b = pattern(300001, 9);
  writer_t writers[2] = {{path, a, 200000, 0}, {path, b, 300001, 0}};
  pthread_t threads[2];
  for (int i = 0; i < 2; i++)
    CHECK(pthread_create(&threads[i], NULL, concurrent_writer, &writers[i]) == 0);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  CHECK(writers[0].failures == 0 && writers[1].failures == 0);
  CHECK(file_equals(path, a, 200000) || file_equals(path, b, 300001));
  CHECK(count_entries() == 1);
  unlink(path);
  free(a);
  free(b);
}

/* A write cut off part way (here by the file size limit, as a full disk
 * would) leaves the old file whole and no temporary file. */
static void test_write_cut_off(void) {
  char path[600];
  path_in(path, sizeof(path), "cut.engine");
  char *old = pattern(5000, 2);
  CHECK_OK(trt_file_write_atomic(path, old, 5000));
  struct rlimit saved;
  CHECK(getrlimit(RLIMIT_FSIZE, &saved) == 0);
  struct rlimit limit = saved;
  limit.rlim_cur = 64 * 1024;
  void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
  if (setrlimit(RLIMIT_FSIZE, &limit) == 0) {
    const size_t size = 1024 * 1024;
    char *big = pattern(size, 3);
    CHECK(trt_file_write_atomic(path, big, size) == TRT_STATUS_IO_ERROR);
    CHECK(setrlimit(RLIMIT_FSIZE, &saved) == 0);
    CHECK(file_equals(path, old, 5000));
    CHECK(count_entries() == 1);
    free(big);
  } else {
    printf("note: cannot lower RLIMIT_FSIZE (%s); cut-off write not tested\n", strerror(errno));
  }
  signal(SIGXFSZ, previous);
  unlink(path);
  free(old);
}

/* One thread replaces the file over and over with either of two contents
 * of different sizes; another reads it meanwhile and must always find one
 * of them whole. */
typedef struct {
  const char *path;
  const char *contents[2];
  size_t sizes[2];
  atomic_bool done;
  int torn;
  int reads;
} race_t;

static void *race_reader(void *arg) {
  race_t *race = arg;
  while (!atomic_load(&race->done)) {
    void *data = NULL;
    size_t size = 0;
    if (trt_file_read_all(race->path, &data, &size) != TRT_STATUS_OK) {
      race->torn++;
      continue;
    }
    bool whole = false;
    for (int k = 0; k < 2; k++)
      whole |= size == race->sizes[k] && memcmp(data, race->contents[k], size) == 0;
    race->torn += !whole;
    race->reads++;
    free(data);
  }
  return NULL;
}

static void test_write_race(void) {
  char path[600];
  path_in(path, sizeof(path), "raced.engine");
  race_t race = {.path = path, .sizes = {300000, 700001}};
  char *a = pattern(race.sizes[0], 4), *b = pattern(race.sizes[1], 5);
  race.contents[0] = a;
  race.contents[1] = b;
  CHECK_OK(trt_file_write_atomic(path, a, race.sizes[0]));
  atomic_init(&race.done, false);
  pthread_t reader;
  CHECK(pthread_create(&reader, NULL, race_reader, &race) == 0);
  for (int i = 0; i < 40; i++)
    CHECK_OK(trt_file_write_atomic(path, race.contents[i & 1], race.sizes[i & 1]));
  atomic_store(&race.done, true);
  pthread_join(reader, NULL);
  CHECK(race.torn == 0);
  CHECK(count_entries() == 1);
  printf("race: %d reads, %d torn\n", race.reads, race.torn);
  unlink(path);
  free(a);
  free(b);
}

int main(void) {
  const char *base = getenv("TMPDIR");
  snprintf(directory, sizeof(directory), "%s/trt_file_util_XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(directory)) {
    fprintf(stderr, "cannot create a temporary directory: %s\n", strerror(errno));
    return 1;
  }
  test_read_empty();
  test_read_large();
  test_read_text();
  test_read_unsized();
  test_read_missing();
  test_read_special();
  test_read_cap();
  test_write();
  test_write_failures();
  test_write_special();
  test_write_concurrent();
  test_write_cut_off();
  test_write_race();
  CHECK(count_entries() == 0);
  rmdir(directory);
  return test_finish("test_file_util");
}
