/* CPU reference for the shape_ops family: Cast, Shape, ConstantOfShape and
 * Identity. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_layers.h"

/* IEEE binary16 <-> double, rounding to nearest even. Going from double
 * directly (not via float) avoids double rounding. */
static double half_to_double(uint16_t bits) {
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  double magnitude;
  if (exponent == 0)
    magnitude = ldexp(mantissa, -24); /* zero and subnormals */
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = ldexp(mantissa + 1024, exponent - 25);
  return (bits & 0x8000) ? -magnitude : magnitude;
}

static uint16_t half_from_double(double value) {
  uint16_t sign = signbit(value) ? 0x8000 : 0;
  double magnitude = fabs(value);
  if (isnan(value))
    return sign | 0x7e00;
  if (magnitude >= 65520.0) /* halfway above the largest finite half, 65504 */
    return sign | 0x7c00;
  if (magnitude < 0x1p-14) /* subnormal: a multiple of 2^-24; 1024 units is the first normal */
    return sign | (uint16_t)nearbyint(magnitude * 0x1p24);
  int exponent;
  double fraction = frexp(magnitude, &exponent); /* magnitude = fraction * 2^exponent */
  int64_t significand = (int64_t)nearbyint(fraction * 2048.0); /* 1024..2048 */
  int biased = exponent + 14;
  if (significand == 2048) {
    significand = 1024;
    biased++;
  }
  if (biased >= 31)
    return sign | 0x7c00;
  return sign | (uint16_t)(biased << 10) | (uint16_t)(significand - 1024);
}

static bool is_float_type(trt_data_type_t type) {
  return type == TRT_DATA_TYPE_FLOAT32 || type == TRT_DATA_TYPE_FLOAT64 ||
         type == TRT_DATA_TYPE_FLOAT16;
}

static double load_double(const void *data, trt_data_type_t type, int64_t i) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: return ((const float *)data)[i];
  case TRT_DATA_TYPE_FLOAT16: return half_to_double(((const uint16_t *)data)[i]);
  case TRT_DATA_TYPE_FLOAT64: return ((const double *)data)[i];
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_DATA_TYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_DATA_TYPE_INT64: return (double)((const int64_t *)data)[i];
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

static int64_t load_int(const void *data, trt_data_type_t type, int64_t i) {
  switch (type) {
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)data)[i];
  case TRT_DATA_TYPE_UINT8: return ((const uint8_t *)data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)data)[i];
  case TRT_DATA_TYPE_INT64: return ((const int64_t *)data)[i];
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)data)[i] != 0;
  default: return 0;
  }
}

/* Narrower integer types wrap around, as numpy's astype does. */
static void store_int(void *data, trt_data_type_t type, int64_t i, int64_t value) {
  switch (type) {
  case TRT_DATA_TYPE_INT8: ((int8_t *)data)[i] = (int8_t)(uint8_t)value; break;
  case TRT_DATA_TYPE_UINT8: ((uint8_t *)data)[i] = (uint8_t)value; break;
  case TRT_DATA_TYPE_INT32: ((int32_t *)data)[i] = (int32_t)(uint32_t)value; break;
  case TRT_DATA_TYPE_INT64: ((int64_t *)data)[i] = value; break;
  case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break;
  default: break;
  }
}

/* Float to integer truncates toward zero; NaN and values beyond int64 (whose
 * conversion C leaves undefined) saturate. */
static void store_double(void *data, trt_data_type_t type, int64_t i, double value) {
  switch (type) {
  case TRT_DATA_TYPE_FLOAT32: ((float *)data)[i] = (float)value; break;
  case TRT_DATA_TYPE_FLOAT16: ((uint16_t *)data)[i] = half_from_double(value); break;
  case TRT_DATA_TYPE_FLOAT64: ((double *)data)[i] = value; break;
  case TRT_DATA_TYPE_BOOL: ((uint8_t *)data)[i] = value != 0; break; /* NaN is true */
  default: {
    int64_t integer = isnan(value)                 ? 0
                      : value >= 0x1p63            ? INT64_MAX
                      : value < -0x1p63            ? INT64_MIN
                                                   : (int64_t)value;
    store_int(data, type, i, integer);
    break;
  }
  }
}

trt_status_t trt_cpu_cast(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs,
                          trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t count = trt_dims_volume(&input->dims);
  trt_data_type_t from = input->type, to = output->type;
  if (from == to) {
    if (count && outputs[0] != inputs[0])
      memcpy(outputs[0], inputs[0], (size_t)count * trt_data_type_size(from));
    return TRT_STATUS_OK;
  }
  /* Integers convert through int64 so that large values stay exact. */
  bool through_int = !is_float_type(from) && !is_float_type(to);
  for (int64_t i = 0; i < count; i++) {
    if (through_int)
      store_int(outputs[0], to, i, load_int(inputs[0], from, i));
    else
      store_double(outputs[0], to, i, load_double(inputs[0], from, i));
  }
  return TRT_STATUS_OK;
}

/* Works from dims alone: the input's data may be NULL. */
trt_status_t trt_cpu_shape(const trt_network_t *network, const trt_layer_t *layer,
                           const void *const *inputs, void *const *outputs,
                           trt_cpu_context_t *cpu) {
  (void)inputs;
  (void)cpu;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  const trt_shape_params_t *params = layer->params;
  int rank = input->dims.nb_dims;
  int64_t start = params ? params->start : 0;
  start = start < 0 ? start + rank : start;
  start = start < 0 ? 0 : start > rank ? rank : start;
  int64_t *values = outputs[0];
  for (int64_t i = 0; i < output->dims.d[0]; i++)
    values[i] = input->dims.d[start + i];
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_constant_of_shape(const trt_network_t *network, const trt_layer_t *layer,
                                       const void *const *inputs, void *const *outputs,
                                       trt_cpu_context_t *cpu) {
  (void)inputs;
  (void)cpu;
  const trt_constant_of_shape_params_t *params = layer->params;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  int64_t count = trt_dims_volume(&output->dims);
  if (count == 0)
    return TRT_STATUS_OK;
  size_t element_size = trt_data_type_size(output->type);
  uint8_t *dst = outputs[0];
  store_double(dst, output->type, 0, params->value);
  for (int64_t i = 1; i < count; i++)
    memcpy(dst + (size_t)i * element_size, dst, element_size);
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_identity(const trt_network_t *network, const trt_layer_t *layer,
                              const void *const *inputs, void *const *outputs,
                              trt_cpu_context_t *cpu) {
  (void)cpu;
  const trt_tensor_t *output = trt_layer_output(network, layer, 0);
  size_t bytes = (size_t)trt_dims_volume(&output->dims) * trt_data_type_size(output->type);
  if (bytes && outputs[0] != inputs[0])
    memcpy(outputs[0], inputs[0], bytes);
  return TRT_STATUS_OK;
}
