/* Protobuf text format, as Caffe writes its prototxt files, read into
 * protobuf-c messages through their descriptors: any message type works, and
 * the result is freed with protobuf_c_message_free_unpacked(message, NULL).
 *
 * Supported: nested messages (`name { }`, `name: { }`, `name < >`), repeated
 * fields (repeated entries or `[a, b]` lists), enums by name or number,
 * booleans, integers (decimal, hex), floats (with exponents, inf, nan),
 * quoted strings with escapes and adjacent-literal concatenation, `#`
 * comments and optional `,`/`;` separators. Unknown fields are skipped with a
 * warning, since our caffe.proto is a subset. Errors name file:line:column. */
#ifndef TRT_CAFFE_TEXT_FORMAT_H
#define TRT_CAFFE_TEXT_FORMAT_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

#include "trt/status.h"

/* Where each parsed message started, so that later checks can point at it. */
typedef struct {
  const void *message;
  int line;
  int column;
} trt_caffe_text_position_t;

typedef struct {
  trt_caffe_text_position_t *items;
  size_t count;
  size_t capacity;
} trt_caffe_text_positions_t;

/* Parses `size` bytes of `text` into a new message of type `descriptor`.
 * `positions` (may be NULL) receives the position of every message. */
trt_status_t trt_caffe_text_parse(const char *text, size_t size, const char *file_name,
                                  const ProtobufCMessageDescriptor *descriptor,
                                  ProtobufCMessage **message,
                                  trt_caffe_text_positions_t *positions);

/* Line and column where `message` started; false when it was not recorded. */
bool trt_caffe_text_position_find(const trt_caffe_text_positions_t *positions, const void *message,
                                  int *line, int *column);
void trt_caffe_text_positions_free(trt_caffe_text_positions_t *positions);

#endif
