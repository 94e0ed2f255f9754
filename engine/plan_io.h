/* The byte writer and reader of plan files (plan.c) and of the CUDA
 * backend's section in them (cuda/cuda_plan.c): numbers in the machine's
 * byte order, strings as u32 length then bytes (no NUL), and the 64-bit
 * checksum that ends a plan. */
#ifndef TRT_PLAN_IO_H
#define TRT_PLAN_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trt/status.h"

/* A growing buffer; `failed` once out of memory (later puts do nothing). */
typedef struct {
  unsigned char *data;
  size_t size, capacity;
  bool failed;
} trt_plan_writer_t;

void trt_plan_put(trt_plan_writer_t *w, const void *bytes, size_t count);
void trt_plan_put_u32(trt_plan_writer_t *w, uint32_t value);
void trt_plan_put_u64(trt_plan_writer_t *w, uint64_t value);
/* Hands the written bytes to the caller (free() them), or frees them and
 * reports OUT_OF_MEMORY naming `what` when a put failed. */
trt_status_t trt_plan_writer_finish(trt_plan_writer_t *w, const char *what, void **data,
                                    size_t *size);
/* Zero bytes up to the next multiple of `alignment` from the start. */
void trt_plan_put_align(trt_plan_writer_t *w, size_t alignment);
/* NULL writes the empty string. */
void trt_plan_put_string(trt_plan_writer_t *w, const char *text);

/* Reads `data[offset..size)`; once a read runs past the end `truncated` is
 * set and every later read yields zeros (NULL, false). */
typedef struct {
  const unsigned char *data;
  size_t size, offset;
  bool truncated;
} trt_plan_reader_t;

/* Copies `count` bytes to `out` (which may be NULL: skips them); false when
 * truncated. */
bool trt_plan_take(trt_plan_reader_t *r, void *out, size_t count);
/* Skips what trt_plan_put_align() wrote; false when truncated. */
bool trt_plan_take_align(trt_plan_reader_t *r, size_t alignment);
uint32_t trt_plan_take_u32(trt_plan_reader_t *r);
uint64_t trt_plan_take_u64(trt_plan_reader_t *r);
/* A malloc'd, NUL-terminated copy; NULL when truncated or out of memory. */
char *trt_plan_take_string(trt_plan_reader_t *r);
/* Copies a string into `text`; false (and truncated set) when it runs past
 * the end or does not fit `size` with its NUL. */
bool trt_plan_take_string_to(trt_plan_reader_t *r, char *text, size_t size);

/* A 64-bit checksum of word lanes (catches accidents, not intent). */
uint64_t trt_plan_checksum(const void *data, size_t size);

#endif
