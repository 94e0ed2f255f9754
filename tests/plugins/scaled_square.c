/* A plugin library for the tests (trt/plugin.h): one custom op,
 * ScaledSquare of ONNX domain 'test.plugins' (and Caffe type
 * "ScaledSquare"), y = alpha * x * x over float32 tensors of any shape,
 * alpha a FLOAT attribute (default 1; Caffe layers get the default).
 *
 * Parameters: 8 bytes, the magic "SQR1" then alpha (float32, host order);
 * create checks both, as plan files are data from outside. The layer asks
 * for 64 bytes of workspace, which the CPU implementation checks it gets,
 * so that the engine's workspace path is tested. With CUDA
 * (TEST_PLUGIN_CUDA) enqueue_cuda launches scaled_square_kernel.cu.
 *
 * The library links nothing of the engine's: errors go through the host
 * table given to trt_plugin_library_init. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trt/plugin.h"

#define MAGIC           "SQR1"
#define WORKSPACE_BYTES 64

#ifdef TEST_PLUGIN_CUDA
/* scaled_square_kernel.cu: 0 on success, else a cudaError_t. */
int scaled_square_launch(const float *x, float *y, int64_t count, float alpha, void *stream);
const char *scaled_square_error_string(int error);
#endif

static const trt_plugin_host_t *host;

typedef struct {
  float alpha;
} state_t;

static trt_status_t parse(const trt_plugin_field_t *fields, int nb_fields, void *params,
                          size_t capacity, size_t *size) {
  float alpha = 1.0f;
  for (int i = 0; i < nb_fields; i++) {
    if (strcmp(fields[i].name, "alpha") != 0)
      return host->error(TRT_STATUS_PARSE_ERROR, "unknown attribute '%s'", fields[i].name);
    if (fields[i].type != TRT_PLUGIN_FIELD_FLOAT || fields[i].count != 1)
      return host->error(TRT_STATUS_PARSE_ERROR, "attribute 'alpha' must be one FLOAT");
    alpha = fields[i].floats[0];
  }
  if (!isfinite(alpha))
    return host->error(TRT_STATUS_PARSE_ERROR, "alpha is not finite");
  if (capacity < 8)
    return host->error(TRT_STATUS_INTERNAL_ERROR, "no room for the parameters");
  memcpy(params, MAGIC, 4);
  memcpy((char *)params + 4, &alpha, 4);
  *size = 8;
  return TRT_STATUS_OK;
}

static trt_status_t create(const void *params, size_t size, void **state) {
  float alpha;
  if (size != 8 || memcmp(params, MAGIC, 4) != 0)
    return host->error(TRT_STATUS_PARSE_ERROR, "parameters: %zu bytes, expected 8 starting %s",
                       size, MAGIC);
  memcpy(&alpha, (const char *)params + 4, 4);
  if (!isfinite(alpha))
    return host->error(TRT_STATUS_PARSE_ERROR, "parameters: alpha is not finite");
  state_t *made = malloc(sizeof(*made));
  if (!made)
    return host->error(TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  made->alpha = alpha;
  *state = made;
  return TRT_STATUS_OK;
}

static void destroy(void *state) {
  free(state);
}

static trt_status_t get_outputs(const void *state, const trt_plugin_tensor_t *inputs, int nb_inputs,
                                trt_plugin_tensor_t *outputs, int nb_outputs) {
  (void)state;
  if (nb_inputs != 1 || nb_outputs != 1)
    return host->error(TRT_STATUS_INVALID_ARGUMENT, "%d inputs and %d outputs, expected 1 and 1",
                       nb_inputs, nb_outputs);
  if (inputs[0].type != TRT_DATA_TYPE_FLOAT32)
    return host->error(TRT_STATUS_UNSUPPORTED, "the input must be float32");
  outputs[0] = inputs[0];
  return TRT_STATUS_OK;
}

static size_t workspace_size(const void *state, const trt_plugin_tensor_t *inputs, int nb_inputs,
                             const trt_plugin_tensor_t *outputs, int nb_outputs) {
  (void)state, (void)inputs, (void)nb_inputs, (void)outputs, (void)nb_outputs;
  return WORKSPACE_BYTES;
}

static int64_t volume(const trt_dims_t *dims) {
  int64_t count = 1;
  for (int d = 0; d < dims->nb_dims; d++)
    count *= dims->d[d];
  return count;
}

static trt_status_t execute_cpu(void *state, const trt_plugin_tensor_t *inputs,
                                const void *const *input_data, int nb_inputs,
                                const trt_plugin_tensor_t *outputs, void *const *output_data,
                                int nb_outputs, void *workspace) {
  (void)nb_inputs, (void)outputs, (void)nb_outputs;
  if (!workspace)
    return host->error(TRT_STATUS_INTERNAL_ERROR, "no workspace");
  memset(workspace, 0xA5, WORKSPACE_BYTES); /* it must be ours to write */
  const float alpha = ((const state_t *)state)->alpha;
  const float *x = input_data[0];
  float *y = output_data[0];
  const int64_t count = volume(&inputs[0].dims);
  for (int64_t i = 0; i < count; i++)
    y[i] = alpha * x[i] * x[i];
  return TRT_STATUS_OK;
}

#ifdef TEST_PLUGIN_CUDA
static trt_status_t enqueue_cuda(void *state, const trt_plugin_tensor_t *inputs,
                                 const void *const *input_data, int nb_inputs,
                                 const trt_plugin_tensor_t *outputs, void *const *output_data,
                                 int nb_outputs, void *workspace, void *stream) {
  (void)nb_inputs, (void)outputs, (void)nb_outputs;
  if (!workspace)
    return host->error(TRT_STATUS_INTERNAL_ERROR, "no workspace");
  int error = scaled_square_launch(input_data[0], output_data[0], volume(&inputs[0].dims),
                                   ((const state_t *)state)->alpha, stream);
  if (error)
    return host->error(TRT_STATUS_CUDA_ERROR, "kernel launch: %s",
                       scaled_square_error_string(error));
  return TRT_STATUS_OK;
}
#endif

static const trt_plugin_t scaled_square = {
    .abi_version = TRT_PLUGIN_ABI_VERSION,
    .name = "ScaledSquare",
    .domain = "test.plugins",
    .caffe_type = "ScaledSquare",
    .parse = parse,
    .create = create,
    .destroy = destroy,
    .get_outputs = get_outputs,
    .workspace_size = workspace_size,
    .execute_cpu = execute_cpu,
#ifdef TEST_PLUGIN_CUDA
    .enqueue_cuda = enqueue_cuda,
#endif
};

__attribute__((visibility("default"))) trt_status_t
trt_plugin_library_init(const trt_plugin_host_t *given) {
  if (!given || given->abi_version != TRT_PLUGIN_ABI_VERSION)
    return TRT_STATUS_UNSUPPORTED;
  host = given;
  return host->register_plugin(&scaled_square);
}
