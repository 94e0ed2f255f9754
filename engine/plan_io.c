/* The plan files' byte writer and reader (plan_io.h). */
#include "plan_io.h"

#include <stdlib.h>
#include <string.h>

void trt_plan_put(trt_plan_writer_t *w, const void *bytes, size_t count) {
  if (w->failed || !count)
    return;
  if (w->size + count > w->capacity) {
    size_t grown = w->capacity ? w->capacity * 2 : 4096;
    while (grown < w->size + count)
      grown *= 2;
    unsigned char *larger = realloc(w->data, grown);
    if (!larger) {
      w->failed = true;
      return;
    }
    w->data = larger;
    w->capacity = grown;
  }
  memcpy(w->data + w->size, bytes, count);
  w->size += count;
}

trt_status_t trt_plan_writer_finish(trt_plan_writer_t *w, const char *what, void **data,
                                    size_t *size) {
  if (w->failed) {
    free(w->data);
    *w = (trt_plan_writer_t){0};
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory serializing %s", what);
  }
  *data = w->data;
  *size = w->size;
  return TRT_STATUS_OK;
}

void trt_plan_put_align(trt_plan_writer_t *w, size_t alignment) {
  static const unsigned char zeros[64];
  size_t padding = (alignment - w->size % alignment) % alignment;
  while (padding > 0) {
    size_t step = padding < sizeof(zeros) ? padding : sizeof(zeros);
    trt_plan_put(w, zeros, step);
    padding -= step;
  }
}

void trt_plan_put_u32(trt_plan_writer_t *w, uint32_t value) {
  trt_plan_put(w, &value, sizeof(value));
}

void trt_plan_put_u64(trt_plan_writer_t *w, uint64_t value) {
  trt_plan_put(w, &value, sizeof(value));
}

void trt_plan_put_string(trt_plan_writer_t *w, const char *text) {
  uint32_t length = (uint32_t)strlen(text ? text : "");
  trt_plan_put_u32(w, length);
  trt_plan_put(w, text, length);
}

bool trt_plan_take(trt_plan_reader_t *r, void *out, size_t count) {
  if (r->truncated || count > r->size - r->offset) {
    r->truncated = true;
    if (out)
      memset(out, 0, count);
    return false;
  }
  if (out)
    memcpy(out, r->data + r->offset, count);
  r->offset += count;
  return true;
}

bool trt_plan_take_align(trt_plan_reader_t *r, size_t alignment) {
  return trt_plan_take(r, NULL, (alignment - r->offset % alignment) % alignment);
}

uint32_t trt_plan_take_u32(trt_plan_reader_t *r) {
  uint32_t value = 0;
  trt_plan_take(r, &value, sizeof(value));
  return value;
}

uint64_t trt_plan_take_u64(trt_plan_reader_t *r) {
  uint64_t value = 0;
  trt_plan_take(r, &value, sizeof(value));
  return value;
}

/* A string's length, checked against what remains and `limit`; false (and
 * truncated set) when it does not fit. */
static bool take_length(trt_plan_reader_t *r, uint64_t limit, uint32_t *length) {
  *length = trt_plan_take_u32(r);
  if (r->truncated || *length > r->size - r->offset || *length > limit) {
    r->truncated = true;
    return false;
  }
  return true;
}

char *trt_plan_take_string(trt_plan_reader_t *r) {
  uint32_t length;
  if (!take_length(r, UINT32_MAX, &length))
    return NULL;
  char *text = malloc((size_t)length + 1);
  if (!text)
    return NULL;
  trt_plan_take(r, text, length);
  text[length] = '\0';
  return text;
}

bool trt_plan_take_string_to(trt_plan_reader_t *r, char *text, size_t size) {
  uint32_t length;
  if (size == 0 || !take_length(r, size - 1, &length))
    return false;
  trt_plan_take(r, text, length);
  text[length] = '\0';
  return true;
}

static uint64_t rotate_left(uint64_t value, int bits) {
  return (value << bits) | (value >> (64 - bits));
}

/* Four independent multiply-rotate lanes over 8-byte words, folded with the
 * tail and the length at the end. Byte-serial FNV-1a, which this replaced,
 * is bound by one multiply's latency per byte and took longer than building
 * a CPU engine; four lanes of words run about 30 times faster. */
uint64_t trt_plan_checksum(const void *data, size_t size) {
  const uint64_t prime_1 = 0x9E3779B185EBCA87ull, prime_2 = 0xC2B2AE3D27D4EB4Full;
  const unsigned char *bytes = data;
  uint64_t lanes[4] = {prime_1, prime_2, prime_1 ^ prime_2, ~prime_1};
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    for (int k = 0; k < 4; k++) {
      uint64_t word;
      memcpy(&word, bytes + i + 8 * k, sizeof(word));
      lanes[k] = rotate_left(lanes[k] + word * prime_2, 31) * prime_1;
    }
  }
  uint64_t hash = rotate_left(lanes[0], 1) + rotate_left(lanes[1], 7) + rotate_left(lanes[2], 12) +
                  rotate_left(lanes[3], 18);
  for (; i < size; i++)
    hash = (hash ^ bytes[i]) * prime_1;
  hash ^= (uint64_t)size;
  hash ^= hash >> 33;
  hash *= prime_2;
  hash ^= hash >> 29;
  return hash;
}
