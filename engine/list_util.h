/* Comma-separated lists ("a,b,c") as options spell them (tactic sources,
 * pass names, FP32 layers, giexec's --layerPrecisions): one way to walk
 * them, empty items included, for the library and its tools alike
 * (header-only). */
#ifndef TRT_LIST_UTIL_H
#define TRT_LIST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The next item of *cursor (item, length; possibly empty), moving *cursor
 * past it and its comma; false at the end of the list (or for NULL). */
static inline bool trt_list_next(const char **cursor, const char **item, size_t *length) {
  if (!*cursor || !**cursor)
    return false;
  *item = *cursor;
  *length = strcspn(*cursor, ",");
  *cursor += *length;
  if (**cursor == ',')
    (*cursor)++;
  return true;
}

#endif
