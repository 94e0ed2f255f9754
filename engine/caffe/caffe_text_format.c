/* Protobuf text-format reader: a tokenizer and a recursive-descent parser
 * that fills protobuf-c messages field by field through their descriptors.
 * Memory comes from malloc, as protobuf_c_message_free_unpacked() expects. */
#include "caffe/caffe_text_format.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  TOKEN_END = 0,
  TOKEN_IDENTIFIER,
  TOKEN_NUMBER,
  TOKEN_STRING,
  TOKEN_PUNCTUATION,
} token_kind_t;

typedef struct {
  token_kind_t kind;
  const char *start;
  size_t length;
  int line;
  int column;
} token_t;

typedef struct {
  const char *text;
  size_t size;
  size_t position;
  int line;
  int column;
  const char *file_name;
  token_t token; /* the current, not yet consumed, token */
  trt_caffe_text_positions_t *positions;
  int depth;
} parser_t;

/* Nesting deeper than this is certainly not a Caffe file; the limit keeps a
 * hostile input from exhausting the stack. */
#define MAX_DEPTH 64

static trt_status_t syntax_error(const parser_t *parser, const token_t *at, const char *format,
                                 ...) __attribute__((format(printf, 3, 4)));

static trt_status_t syntax_error(const parser_t *parser, const token_t *at, const char *format,
                                 ...) {
  char message[384];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return trt_error(TRT_STATUS_PARSE_ERROR, "%s:%d:%d: %s", parser->file_name, at->line, at->column,
                   message);
}

static char peek_char(const parser_t *parser, size_t ahead) {
  size_t at = parser->position + ahead;
  return at < parser->size ? parser->text[at] : '\0';
}

static void advance_char(parser_t *parser) {
  if (parser->position >= parser->size)
    return;
  if (parser->text[parser->position] == '\n') {
    parser->line++;
    parser->column = 1;
  } else {
    parser->column++;
  }
  parser->position++;
}

static void skip_space_and_comments(parser_t *parser) {
  while (parser->position < parser->size) {
    char c = peek_char(parser, 0);
    if (c == '#') {
      while (parser->position < parser->size && peek_char(parser, 0) != '\n')
        advance_char(parser);
    } else if (isspace((unsigned char)c)) {
      advance_char(parser);
    } else {
      break;
    }
  }
}

static bool is_identifier_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Reads the next token into parser->token. */
static trt_status_t next_token(parser_t *parser) {
  skip_space_and_comments(parser);
  token_t *token = &parser->token;
  token->start = parser->text + parser->position;
  token->line = parser->line;
  token->column = parser->column;
  token->length = 0;
  if (parser->position >= parser->size) {
    token->kind = TOKEN_END;
    return TRT_STATUS_OK;
  }
  char c = peek_char(parser, 0);
  size_t begin = parser->position;
  if (isalpha((unsigned char)c) || c == '_') {
    token->kind = TOKEN_IDENTIFIER;
    while (is_identifier_char(peek_char(parser, 0)))
      advance_char(parser);
  } else if (isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.') {
    token->kind = TOKEN_NUMBER;
    advance_char(parser);
    for (;;) {
      char d = peek_char(parser, 0), previous = parser->text[parser->position - 1];
      bool exponent_sign = (d == '-' || d == '+') && (previous == 'e' || previous == 'E') &&
                           !(parser->position - begin >= 2 &&
                             (parser->text[begin + 1] == 'x' || parser->text[begin + 1] == 'X'));
      if (!is_identifier_char(d) && d != '.' && !exponent_sign)
        break;
      advance_char(parser);
    }
  } else if (c == '"' || c == '\'') {
    token->kind = TOKEN_STRING;
    advance_char(parser);
    while (peek_char(parser, 0) != c) {
      if (parser->position >= parser->size || peek_char(parser, 0) == '\n')
        return syntax_error(parser, token, "unterminated string");
      if (peek_char(parser, 0) == '\\')
        advance_char(parser);
      advance_char(parser);
    }
    advance_char(parser);
  } else if (strchr("{}<>[]:,;", c)) {
    token->kind = TOKEN_PUNCTUATION;
    advance_char(parser);
  } else {
    return syntax_error(parser, token, "unexpected character '%c'", c);
  }
  token->length = parser->position - begin;
  return TRT_STATUS_OK;
}

static bool token_is(const token_t *token, char punctuation) {
  return token->kind == TOKEN_PUNCTUATION && token->start[0] == punctuation;
}

static bool token_equals(const token_t *token, const char *text) {
  return token->length == strlen(text) && strncmp(token->start, text, token->length) == 0;
}

/* A printable, bounded copy of the token for messages. */
static const char *token_text(const token_t *token, char *buffer, size_t size) {
  if (token->kind == TOKEN_END)
    return "end of file";
  size_t length = token->length < size - 1 ? token->length : size - 1;
  memcpy(buffer, token->start, length);
  buffer[length] = '\0';
  return buffer;
}

static trt_status_t expect(parser_t *parser, char punctuation) {
  char text[64];
  if (!token_is(&parser->token, punctuation))
    return syntax_error(parser, &parser->token, "expected '%c' but found '%s'", punctuation,
                        token_text(&parser->token, text, sizeof(text)));
  return next_token(parser);
}

static trt_status_t record_position(parser_t *parser, const void *message, const token_t *at) {
  trt_caffe_text_positions_t *positions = parser->positions;
  if (!positions)
    return TRT_STATUS_OK;
  if (positions->count == positions->capacity) {
    size_t capacity = positions->capacity ? 2 * positions->capacity : 64;
    trt_caffe_text_position_t *items = realloc(positions->items, capacity * sizeof(*items));
    if (!items)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", parser->file_name);
    positions->items = items;
    positions->capacity = capacity;
  }
  positions->items[positions->count++] = (trt_caffe_text_position_t){message, at->line, at->column};
  return TRT_STATUS_OK;
}

/* ---- field storage ------------------------------------------------------ */

static size_t element_size(ProtobufCType type) {
  switch (type) {
  case PROTOBUF_C_TYPE_INT64:
  case PROTOBUF_C_TYPE_SINT64:
  case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64:
  case PROTOBUF_C_TYPE_FIXED64:
    return sizeof(int64_t);
  case PROTOBUF_C_TYPE_DOUBLE:
    return sizeof(double);
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING:
  case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(void *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  default: /* 32-bit integers, float, enum */
    return sizeof(int32_t);
  }
}

/* Where the next value of `field` goes: a new zeroed element of a repeated
 * field (arrays grow by doubling at powers of two, so no capacity needs
 * storing), or the field itself with its has_ flag set. */
static void *field_slot(ProtobufCMessage *message, const ProtobufCFieldDescriptor *field) {
  char *base = (char *)message;
  size_t size = element_size(field->type);
  if (field->label == PROTOBUF_C_LABEL_REPEATED) {
    size_t *count = (size_t *)(base + field->quantifier_offset);
    void **array = (void **)(base + field->offset);
    if (*count == 0 || (*count >= 4 && (*count & (*count - 1)) == 0)) {
      size_t capacity = *count == 0 ? 4 : 2 * *count;
      void *larger = realloc(*array, capacity * size);
      if (!larger)
        return NULL;
      *array = larger;
    }
    char *slot = (char *)*array + *count * size;
    memset(slot, 0, size);
    (*count)++;
    return slot;
  }
  if (field->type != PROTOBUF_C_TYPE_STRING && field->type != PROTOBUF_C_TYPE_MESSAGE)
    *(protobuf_c_boolean *)(base + field->quantifier_offset) = 1;
  return base + field->offset;
}

/* ---- scalar values ------------------------------------------------------ */

/* Decodes a string token's escapes and appends them to *buffer. */
static trt_status_t append_string(parser_t *parser, const token_t *token, char **buffer,
                                  size_t *length) {
  char *grown = realloc(*buffer, *length + token->length + 1);
  if (!grown)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", parser->file_name);
  *buffer = grown;
  const char *s = token->start + 1, *end = token->start + token->length - 1;
  while (s < end) {
    char c = *s++;
    if (c == '\\' && s < end) {
      char e = *s++;
      switch (e) {
      case 'n': c = '\n'; break;
      case 't': c = '\t'; break;
      case 'r': c = '\r'; break;
      case 'a': c = '\a'; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'v': c = '\v'; break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && s < end && isxdigit((unsigned char)*s)) {
          value = value * 16 + (isdigit((unsigned char)*s) ? *s - '0' : (tolower(*s) - 'a' + 10));
          s++, digits++;
        }
        c = (char)value;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int value = e - '0', digits = 1;
          while (digits < 3 && s < end && *s >= '0' && *s <= '7')
            value = value * 8 + (*s++ - '0'), digits++;
          c = (char)value;
        } else {
          c = e; /* \" \' \\ \? */
        }
      }
    }
    grown[(*length)++] = c;
  }
  grown[*length] = '\0';
  return TRT_STATUS_OK;
}

static trt_status_t parse_string(parser_t *parser, char **value, size_t *length) {
  char text[64];
  if (parser->token.kind != TOKEN_STRING)
    return syntax_error(parser, &parser->token, "expected a quoted string but found '%s'",
                        token_text(&parser->token, text, sizeof(text)));
  *value = NULL;
  *length = 0;
  /* Adjacent literals concatenate, as in C. */
  while (parser->token.kind == TOKEN_STRING) {
    trt_status_t status = append_string(parser, &parser->token, value, length);
    if (status == TRT_STATUS_OK)
      status = next_token(parser);
    if (status != TRT_STATUS_OK) {
      free(*value);
      *value = NULL;
      return status;
    }
  }
  return TRT_STATUS_OK;
}

static bool parse_integer_text(const token_t *token, bool is_signed, int64_t *value) {
  char text[72];
  if (token->kind != TOKEN_NUMBER || token->length >= sizeof(text))
    return false;
  memcpy(text, token->start, token->length);
  text[token->length] = '\0';
  char *end = NULL;
  errno = 0;
  if (is_signed) {
    long long parsed = strtoll(text, &end, 0);
    *value = parsed;
  } else {
    if (text[0] == '-')
      return false;
    unsigned long long parsed = strtoull(text, &end, 0);
    *value = (int64_t)parsed;
  }
  return errno == 0 && end && *end == '\0';
}

static bool parse_float_text(const token_t *token, double *value) {
  char text[72];
  if ((token->kind != TOKEN_NUMBER && token->kind != TOKEN_IDENTIFIER) ||
      token->length >= sizeof(text))
    return false;
  memcpy(text, token->start, token->length);
  text[token->length] = '\0';
  size_t length = token->length;
  /* C++-style float suffix ("1.5f"), but not the f of "inf". */
  if (length > 1 && (text[length - 1] == 'f' || text[length - 1] == 'F') &&
      (isdigit((unsigned char)text[length - 2]) || text[length - 2] == '.'))
    text[length - 1] = '\0';
  char *end = NULL;
  *value = strtod(text, &end);
  if (!end || *end != '\0')
    return false;
  /* Only the spelled-out words may produce inf/nan; "1e999" is an error. */
  bool word = isalpha((unsigned char)text[0]) || isalpha((unsigned char)text[text[0] == '-'
                                                                               || text[0] == '+']);
  return word || isfinite(*value);
}

static trt_status_t parse_scalar(parser_t *parser, ProtobufCMessage *message,
                                 const ProtobufCFieldDescriptor *field) {
  const token_t token = parser->token;
  char text[64];
  token_text(&token, text, sizeof(text));
  int64_t integer = 0;
  double real = 0.0;
  void *slot = NULL;
  switch (field->type) {
  case PROTOBUF_C_TYPE_STRING:
  case PROTOBUF_C_TYPE_BYTES: {
    char *value = NULL;
    size_t length = 0;
    trt_status_t status = parse_string(parser, &value, &length);
    if (status != TRT_STATUS_OK)
      return status;
    slot = field_slot(message, field);
    if (!slot) {
      free(value);
      break;
    }
    if (field->type == PROTOBUF_C_TYPE_STRING) {
      char **target = slot;
      if (field->label != PROTOBUF_C_LABEL_REPEATED && *target &&
          *target != (const char *)field->default_value)
        free(*target);
      *target = value;
    } else {
      ProtobufCBinaryData *target = slot;
      if (field->label != PROTOBUF_C_LABEL_REPEATED && target->data &&
          (!field->default_value ||
           target->data != ((const ProtobufCBinaryData *)field->default_value)->data))
        free(target->data);
      target->data = (uint8_t *)value;
      target->len = length;
    }
    return TRT_STATUS_OK;
  }
  case PROTOBUF_C_TYPE_BOOL: {
    bool value;
    if (token_equals(&token, "true") || token_equals(&token, "True") || token_equals(&token, "t") ||
        (token.kind == TOKEN_NUMBER && token_equals(&token, "1")))
      value = true;
    else if (token_equals(&token, "false") || token_equals(&token, "False") ||
             token_equals(&token, "f") || (token.kind == TOKEN_NUMBER && token_equals(&token, "0")))
      value = false;
    else
      return syntax_error(parser, &token, "field '%s' expects true or false, found '%s'",
                          field->name, text);
    slot = field_slot(message, field);
    if (slot)
      *(protobuf_c_boolean *)slot = value;
    break;
  }
  case PROTOBUF_C_TYPE_ENUM: {
    const ProtobufCEnumDescriptor *enum_descriptor = field->descriptor;
    const ProtobufCEnumValue *value = NULL;
    if (token.kind == TOKEN_IDENTIFIER && token.length < sizeof(text))
      value = protobuf_c_enum_descriptor_get_value_by_name(enum_descriptor, text);
    else if (parse_integer_text(&token, true, &integer) && integer >= INT_MIN &&
             integer <= INT_MAX)
      value = protobuf_c_enum_descriptor_get_value(enum_descriptor, (int)integer);
    if (!value)
      return syntax_error(parser, &token, "'%s' is not a value of %s (field '%s')", text,
                          enum_descriptor->short_name, field->name);
    slot = field_slot(message, field);
    if (slot)
      *(int32_t *)slot = value->value;
    break;
  }
  case PROTOBUF_C_TYPE_FLOAT:
  case PROTOBUF_C_TYPE_DOUBLE:
    if (!parse_float_text(&token, &real))
      return syntax_error(parser, &token, "field '%s' expects a number, found '%s'", field->name,
                          text);
    slot = field_slot(message, field);
    if (slot && field->type == PROTOBUF_C_TYPE_FLOAT)
      *(float *)slot = (float)real;
    else if (slot)
      *(double *)slot = real;
    break;
  default: {
    const bool is_signed = field->type == PROTOBUF_C_TYPE_INT32 ||
                           field->type == PROTOBUF_C_TYPE_SINT32 ||
                           field->type == PROTOBUF_C_TYPE_SFIXED32 ||
                           field->type == PROTOBUF_C_TYPE_INT64 ||
                           field->type == PROTOBUF_C_TYPE_SINT64 ||
                           field->type == PROTOBUF_C_TYPE_SFIXED64;
    const bool is_64 = element_size(field->type) == sizeof(int64_t);
    if (!parse_integer_text(&token, is_signed, &integer))
      return syntax_error(parser, &token, "field '%s' expects %s integer, found '%s'", field->name,
                          is_signed ? "an" : "a non-negative", text);
    if (!is_64 && (is_signed ? (integer < INT32_MIN || integer > INT32_MAX)
                             : (uint64_t)integer > UINT32_MAX))
      return syntax_error(parser, &token, "value %s of field '%s' does not fit in 32 bits", text,
                          field->name);
    slot = field_slot(message, field);
    if (slot && is_64)
      *(int64_t *)slot = integer;
    else if (slot && is_signed)
      *(int32_t *)slot = (int32_t)integer;
    else if (slot)
      *(uint32_t *)slot = (uint32_t)integer;
  }
  }
  if (!slot)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", parser->file_name);
  return next_token(parser);
}

/* ---- messages ----------------------------------------------------------- */

static trt_status_t parse_fields(parser_t *parser, ProtobufCMessage *message, char closing);

/* The sub-message value of `field`: `{ ... }` or `< ... >`. An optional
 * message given twice merges, as in protobuf. */
static trt_status_t parse_message_value(parser_t *parser, ProtobufCMessage *message,
                                        const ProtobufCFieldDescriptor *field,
                                        const token_t *name_token) {
  const token_t open = parser->token;
  if (!token_is(&open, '{') && !token_is(&open, '<')) {
    char text[64];
    return syntax_error(parser, &open, "field '%s' is a message: expected '{' but found '%s'",
                        field->name, token_text(&open, text, sizeof(text)));
  }
  ProtobufCMessage **slot = field_slot(message, field);
  if (!slot)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", parser->file_name);
  if (!*slot) {
    const ProtobufCMessageDescriptor *descriptor = field->descriptor;
    ProtobufCMessage *child = malloc(descriptor->sizeof_message);
    if (!child)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", parser->file_name);
    descriptor->message_init(child);
    *slot = child;
    trt_status_t status = record_position(parser, child, name_token);
    if (status != TRT_STATUS_OK)
      return status;
  }
  trt_status_t status = next_token(parser);
  if (status != TRT_STATUS_OK)
    return status;
  return parse_fields(parser, *slot, token_is(&open, '{') ? '}' : '>');
}

/* Skips the value of an unknown field: a message, a list or a scalar. */
static trt_status_t skip_value(parser_t *parser) {
  trt_status_t status = TRT_STATUS_OK;
  if (token_is(&parser->token, '{') || token_is(&parser->token, '<') ||
      token_is(&parser->token, '[')) {
    int depth = 0;
    do {
      if (parser->token.kind == TOKEN_END)
        return syntax_error(parser, &parser->token, "unbalanced brackets");
      if (token_is(&parser->token, '{') || token_is(&parser->token, '<') ||
          token_is(&parser->token, '['))
        depth++;
      else if (token_is(&parser->token, '}') || token_is(&parser->token, '>') ||
               token_is(&parser->token, ']'))
        depth--;
      status = next_token(parser);
    } while (status == TRT_STATUS_OK && depth > 0);
    return status;
  }
  if (parser->token.kind == TOKEN_END || parser->token.kind == TOKEN_PUNCTUATION)
    return syntax_error(parser, &parser->token, "expected a value");
  bool is_string = parser->token.kind == TOKEN_STRING;
  status = next_token(parser);
  while (status == TRT_STATUS_OK && is_string && parser->token.kind == TOKEN_STRING)
    status = next_token(parser);
  return status;
}

static trt_status_t parse_field(parser_t *parser, ProtobufCMessage *message) {
  const token_t name = parser->token;
  char text[128];
  if (name.kind != TOKEN_IDENTIFIER)
    return syntax_error(parser, &name, "expected a field name but found '%s'",
                        token_text(&name, text, sizeof(text)));
  token_text(&name, text, sizeof(text));
  const ProtobufCFieldDescriptor *field =
      protobuf_c_message_descriptor_get_field_by_name(message->descriptor, text);
  trt_status_t status = next_token(parser);
  if (status != TRT_STATUS_OK)
    return status;
  bool has_colon = token_is(&parser->token, ':');
  if (has_colon && (status = next_token(parser)) != TRT_STATUS_OK)
    return status;
  if (!field) {
    trt_log(TRT_SEVERITY_WARNING, "%s:%d:%d: ignoring field '%s', unknown in %s",
            parser->file_name, name.line, name.column, text, message->descriptor->name);
    return skip_value(parser);
  }
  const bool is_message = field->type == PROTOBUF_C_TYPE_MESSAGE;
  if (!is_message && !has_colon)
    return syntax_error(parser, &parser->token, "expected ':' after field name '%s'", text);
  if (token_is(&parser->token, '[')) {
    if (field->label != PROTOBUF_C_LABEL_REPEATED)
      return syntax_error(parser, &parser->token, "field '%s' is not repeated", text);
    if ((status = next_token(parser)) != TRT_STATUS_OK)
      return status;
    while (!token_is(&parser->token, ']')) {
      status = is_message ? parse_message_value(parser, message, field, &name)
                          : parse_scalar(parser, message, field);
      if (status != TRT_STATUS_OK)
        return status;
      if (token_is(&parser->token, ',')) {
        if ((status = next_token(parser)) != TRT_STATUS_OK)
          return status;
      } else if (!token_is(&parser->token, ']')) {
        return syntax_error(parser, &parser->token, "expected ',' or ']' in the list of '%s'",
                            text);
      }
    }
    return next_token(parser);
  }
  return is_message ? parse_message_value(parser, message, field, &name)
                    : parse_scalar(parser, message, field);
}

static trt_status_t parse_fields(parser_t *parser, ProtobufCMessage *message, char closing) {
  if (++parser->depth > MAX_DEPTH)
    return syntax_error(parser, &parser->token, "messages nested more than %d deep", MAX_DEPTH);
  trt_status_t status = TRT_STATUS_OK;
  for (;;) {
    if (closing && token_is(&parser->token, closing))
      break;
    if (parser->token.kind == TOKEN_END) {
      if (closing)
        return syntax_error(parser, &parser->token, "expected '%c' before the end of the file",
                            closing);
      break;
    }
    if ((status = parse_field(parser, message)) != TRT_STATUS_OK)
      return status;
    if (token_is(&parser->token, ',') || token_is(&parser->token, ';'))
      if ((status = next_token(parser)) != TRT_STATUS_OK)
        return status;
  }
  parser->depth--;
  return closing ? expect(parser, closing) : TRT_STATUS_OK;
}

trt_status_t trt_caffe_text_parse(const char *text, size_t size, const char *file_name,
                                  const ProtobufCMessageDescriptor *descriptor,
                                  ProtobufCMessage **message,
                                  trt_caffe_text_positions_t *positions) {
  *message = NULL;
  parser_t parser = {.text = text, .size = size, .line = 1, .column = 1,
                     .file_name = file_name, .positions = positions};
  ProtobufCMessage *root = malloc(descriptor->sizeof_message);
  if (!root)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reading %s", file_name);
  descriptor->message_init(root);
  token_t start = {.line = 1, .column = 1};
  trt_status_t status = record_position(&parser, root, &start);
  if (status == TRT_STATUS_OK)
    status = next_token(&parser);
  if (status == TRT_STATUS_OK)
    status = parse_fields(&parser, root, '\0');
  if (status == TRT_STATUS_OK && parser.token.kind != TOKEN_END)
    status = syntax_error(&parser, &parser.token, "unexpected '%c'", parser.token.start[0]);
  if (status != TRT_STATUS_OK) {
    protobuf_c_message_free_unpacked(root, NULL);
    if (positions)
      positions->count = 0;
    return status;
  }
  *message = root;
  return TRT_STATUS_OK;
}

bool trt_caffe_text_position_find(const trt_caffe_text_positions_t *positions, const void *message,
                                  int *line, int *column) {
  for (size_t i = 0; positions && i < positions->count; i++) {
    if (positions->items[i].message == message) {
      *line = positions->items[i].line;
      *column = positions->items[i].column;
      return true;
    }
  }
  return false;
}

void trt_caffe_text_positions_free(trt_caffe_text_positions_t *positions) {
  free(positions->items);
  *positions = (trt_caffe_text_positions_t){0};
}
