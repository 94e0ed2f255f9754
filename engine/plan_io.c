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

uint64_t trt_plan_checksum(const void *data, size_t size) {
  const unsigned char *bytes = data;
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; i++)
    hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  return hash;
}
