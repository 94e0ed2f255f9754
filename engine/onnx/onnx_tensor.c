/* ONNX TensorProto -> engine type, dims and data; reading files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_util.h"
#include "onnx/onnx_internal.h"

static const char *const onnx_type_names[] = {
    "UNDEFINED", "FLOAT",  "UINT8",     "INT8",       "UINT16",   "INT16",
    "INT32",     "INT64",  "STRING",    "BOOL",       "FLOAT16",  "DOUBLE",
    "UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
};

const char *trt_onnx_type_name(int32_t onnx_type) {
  static _Thread_local char unknown[32];
  if (onnx_type >= 0 && onnx_type < (int32_t)(sizeof(onnx_type_names) / sizeof(onnx_type_names[0])))
    return onnx_type_names[onnx_type];
  snprintf(unknown, sizeof(unknown), "type %d", (int)onnx_type);
  return unknown;
}

trt_status_t trt_onnx_convert_type(int32_t onnx_type, const char *what, trt_data_type_t *type) {
  switch (onnx_type) {
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: *type = TRT_DATA_TYPE_FLOAT32; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: *type = TRT_DATA_TYPE_FLOAT16; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: *type = TRT_DATA_TYPE_FLOAT64; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: *type = TRT_DATA_TYPE_INT8; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: *type = TRT_DATA_TYPE_UINT8; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: *type = TRT_DATA_TYPE_INT32; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: *type = TRT_DATA_TYPE_INT64; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: *type = TRT_DATA_TYPE_BOOL; return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__UNDEFINED:
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s has no data type", what);
  default:
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s has data type %s, which is not supported", what,
                     trt_onnx_type_name(onnx_type));
  }
}

static bool host_is_little_endian(void) {
  const uint16_t probe = 1;
  return *(const uint8_t *)&probe == 1;
}

/* Checks that `count` typed values were given for a tensor of `volume`. */
static trt_status_t check_count(const char *what, const char *field, size_t count, int64_t volume) {
  if ((int64_t)count != volume)
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s has %zu values in %s, expected %lld", what, count,
                     field, (long long)volume);
  return TRT_STATUS_OK;
}

/* The typed field that ONNX uses for `onnx_type`: its name and how many
 * values it holds (checked against the volume before anything is
 * allocated, so declared dims cannot make the parser allocate memory that
 * the file does not back). */
static bool typed_field(const Onnx__TensorProto *tensor, int32_t onnx_type, const char **field,
                        size_t *count) {
  switch (onnx_type) {
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    *field = "float_data";
    *count = tensor->n_float_data;
    return true;
  case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    *field = "double_data";
    *count = tensor->n_double_data;
    return true;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    *field = "int64_data";
    *count = tensor->n_int64_data;
    return true;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
  case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
  case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
    *field = "int32_data";
    *count = tensor->n_int32_data;
    return true;
  default:
    return false;
  }
}

/* Copies the typed field that ONNX uses for `type` into `out`. */
static trt_status_t decode_typed_fields(const Onnx__TensorProto *tensor, const char *what,
                                        int32_t onnx_type, int64_t volume, void *out) {
  trt_status_t status;
  switch (onnx_type) {
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    if ((status = check_count(what, "float_data", tensor->n_float_data, volume)) != TRT_STATUS_OK)
      return status;
    memcpy(out, tensor->float_data, (size_t)volume * sizeof(float));
    return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    if ((status = check_count(what, "double_data", tensor->n_double_data, volume)) != TRT_STATUS_OK)
      return status;
    memcpy(out, tensor->double_data, (size_t)volume * sizeof(double));
    return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    if ((status = check_count(what, "int64_data", tensor->n_int64_data, volume)) != TRT_STATUS_OK)
      return status;
    memcpy(out, tensor->int64_data, (size_t)volume * sizeof(int64_t));
    return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    if ((status = check_count(what, "int32_data", tensor->n_int32_data, volume)) != TRT_STATUS_OK)
      return status;
    memcpy(out, tensor->int32_data, (size_t)volume * sizeof(int32_t));
    return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16:
    /* int32_data carries the 16-bit patterns, one per value. */
    if ((status = check_count(what, "int32_data", tensor->n_int32_data, volume)) != TRT_STATUS_OK)
      return status;
    for (int64_t i = 0; i < volume; i++)
      ((uint16_t *)out)[i] = (uint16_t)tensor->int32_data[i];
    return TRT_STATUS_OK;
  case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
  case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
  case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
    if ((status = check_count(what, "int32_data", tensor->n_int32_data, volume)) != TRT_STATUS_OK)
      return status;
    for (int64_t i = 0; i < volume; i++) {
      int32_t value = tensor->int32_data[i];
      ((uint8_t *)out)[i] =
          onnx_type == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL ? value != 0 : (uint8_t)value;
    }
    return TRT_STATUS_OK;
  default:
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "%s: no typed field for %s", what,
                     trt_onnx_type_name(onnx_type));
  }
}

trt_status_t trt_onnx_tensor_decode(const Onnx__TensorProto *tensor, const char *what,
                                    trt_data_type_t *type, trt_dims_t *dims, const void **data,
                                    void **owned) {
  *data = NULL;
  *owned = NULL;
  if ((tensor->has_data_location &&
       tensor->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) ||
      tensor->n_external_data > 0)
    return trt_error(TRT_STATUS_UNSUPPORTED,
                     "%s: external data unsupported (store the weights inside the model)", what);
  if (tensor->segment)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: segmented tensors are not supported", what);

  int32_t onnx_type = tensor->has_data_type ? tensor->data_type : 0;
  trt_status_t status = trt_onnx_convert_type(onnx_type, what, type);
  if (status != TRT_STATUS_OK)
    return status;

  if (tensor->n_dims > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s has %zu dimensions, at most %d are supported",
                     what, tensor->n_dims, TRT_MAX_DIMS);
  dims->nb_dims = (int32_t)tensor->n_dims;
  int64_t volume = 1;
  size_t element_size = trt_data_type_size(*type);
  for (size_t i = 0; i < tensor->n_dims; i++) {
    int64_t d = tensor->dims[i];
    if (d < 0)
      return trt_error(TRT_STATUS_PARSE_ERROR, "%s has negative dimension %lld", what,
                       (long long)d);
    if (d > 0 && volume > (INT64_MAX / (int64_t)element_size) / d)
      return trt_error(TRT_STATUS_PARSE_ERROR, "%s is too large", what);
    dims->d[i] = d;
    volume *= d;
  }
  size_t bytes = (size_t)volume * element_size;

  if (volume == 0) {
    /* An empty tensor still gets a valid pointer. */
    *data = *owned = malloc(1);
    return *owned ? TRT_STATUS_OK : trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory", what);
  }
  if (tensor->has_raw_data && tensor->raw_data.len > 0) {
    if (tensor->raw_data.len != bytes)
      return trt_error(TRT_STATUS_PARSE_ERROR, "%s has %zu bytes of raw_data, expected %zu", what,
                       tensor->raw_data.len, bytes);
    if (host_is_little_endian() || element_size == 1) {
      *data = tensor->raw_data.data;
      return TRT_STATUS_OK;
    }
    uint8_t *swapped = malloc(bytes ? bytes : 1);
    if (!swapped)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory", what);
    for (size_t i = 0; i < bytes; i += element_size)
      for (size_t b = 0; b < element_size; b++)
        swapped[i + b] = tensor->raw_data.data[i + element_size - 1 - b];
    *data = *owned = swapped;
    return TRT_STATUS_OK;
  }

  const char *field;
  size_t count;
  if (typed_field(tensor, onnx_type, &field, &count) &&
      (status = check_count(what, field, count, volume)) != TRT_STATUS_OK)
    return status;
  void *values = malloc(bytes ? bytes : 1);
  if (!values)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory (%zu bytes)", what, bytes);
  status = decode_typed_fields(tensor, what, onnx_type, volume, values);
  if (status != TRT_STATUS_OK) {
    free(values);
    return status;
  }
  *data = *owned = values;
  return TRT_STATUS_OK;
}

trt_status_t trt_onnx_read_tensor(const char *path, char **name, trt_data_type_t *type,
                                  trt_dims_t *dims, void **data) {
  if (!path || !name || !type || !dims || !data)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_onnx_read_tensor: NULL argument");
  *name = NULL;
  *data = NULL;
  void *bytes;
  size_t size;
  trt_status_t status = trt_file_read_all(path, &bytes, &size);
  if (status != TRT_STATUS_OK)
    return status;
  Onnx__TensorProto *tensor = onnx__tensor_proto__unpack(NULL, size, bytes);
  free(bytes);
  if (!tensor)
    return trt_error(TRT_STATUS_PARSE_ERROR, "%s: not a valid serialized TensorProto", path);

  const void *values;
  void *owned;
  char what[512];
  snprintf(what, sizeof(what), "tensor '%s'", tensor->name ? tensor->name : "");
  status = trt_onnx_tensor_decode(tensor, what, type, dims, &values, &owned);
  if (status != TRT_STATUS_OK) {
    onnx__tensor_proto__free_unpacked(tensor, NULL);
    return trt_error_prefix(status, "%s: ", path);
  }
  size_t bytes_out = (size_t)trt_dims_volume(dims) * trt_data_type_size(*type);
  if (!owned) {
    owned = malloc(bytes_out ? bytes_out : 1);
    if (owned)
      memcpy(owned, values, bytes_out);
  }
  *name = strdup(tensor->name ? tensor->name : "");
  onnx__tensor_proto__free_unpacked(tensor, NULL);
  if (!owned || !*name) {
    free(owned);
    free(*name);
    *name = NULL;
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory", path);
  }
  *data = owned;
  return TRT_STATUS_OK;
}
