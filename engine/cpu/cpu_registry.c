/* The CPU backend's table: one reference implementation per layer type. */
#include "cpu/cpu_registry.h"

#include <assert.h>

#include "cpu/cpu_layers.h"

static const trt_cpu_execute_fn cpu_layers[] = {
    [TRT_LAYER_CONVOLUTION] = trt_cpu_convolution,
    [TRT_LAYER_DECONVOLUTION] = trt_cpu_deconvolution,
    [TRT_LAYER_MATMUL] = trt_cpu_matmul,
    [TRT_LAYER_GEMM] = trt_cpu_gemm,
    [TRT_LAYER_POOLING] = trt_cpu_pooling,
    [TRT_LAYER_UNARY] = trt_cpu_unary,
    [TRT_LAYER_ELEMENTWISE] = trt_cpu_elementwise,
    [TRT_LAYER_BATCH_NORM] = trt_cpu_batch_norm,
    [TRT_LAYER_INSTANCE_NORM] = trt_cpu_instance_norm,
    [TRT_LAYER_LAYER_NORM] = trt_cpu_layer_norm,
    [TRT_LAYER_LRN] = trt_cpu_lrn,
    [TRT_LAYER_SOFTMAX] = trt_cpu_softmax,
    [TRT_LAYER_REDUCE] = trt_cpu_reduce,
    [TRT_LAYER_RESHAPE] = trt_cpu_reshape,
    [TRT_LAYER_TRANSPOSE] = trt_cpu_transpose,
    [TRT_LAYER_CONCAT] = trt_cpu_concat,
    [TRT_LAYER_SPLIT] = trt_cpu_split,
    [TRT_LAYER_SLICE] = trt_cpu_slice,
    [TRT_LAYER_PAD] = trt_cpu_pad,
    [TRT_LAYER_RESIZE] = trt_cpu_resize,
    [TRT_LAYER_GATHER] = trt_cpu_gather,
    [TRT_LAYER_CAST] = trt_cpu_cast,
    [TRT_LAYER_SHAPE] = trt_cpu_shape,
    [TRT_LAYER_CONSTANT_OF_SHAPE] = trt_cpu_constant_of_shape,
    [TRT_LAYER_IDENTITY] = trt_cpu_identity,
    [TRT_LAYER_COMPARE] = trt_cpu_compare,
    [TRT_LAYER_LOGIC] = trt_cpu_logic,
    [TRT_LAYER_WHERE] = trt_cpu_where,
    [TRT_LAYER_ARG_REDUCE] = trt_cpu_arg_reduce,
    [TRT_LAYER_GATHER_ELEMENTS] = trt_cpu_gather_elements,
    [TRT_LAYER_TILE] = trt_cpu_tile,
    [TRT_LAYER_EXPAND] = trt_cpu_expand,
    [TRT_LAYER_TRILU] = trt_cpu_trilu,
    [TRT_LAYER_PRIOR_BOX] = trt_cpu_prior_box,
    [TRT_LAYER_DETECTION_OUTPUT] = trt_cpu_detection_output,
    [TRT_LAYER_PLUGIN] = trt_cpu_plugin,
};

static_assert(sizeof(cpu_layers) / sizeof(cpu_layers[0]) == TRT_LAYER_COUNT,
              "the CPU backend runs every layer type");

trt_cpu_execute_fn trt_cpu_layer_execute(trt_layer_type_t type) {
  if ((int)type < 0 || type >= TRT_LAYER_COUNT)
    return NULL;
  return cpu_layers[type];
}

/* Families whose CPU code reads and writes float32 only (shape inference
 * also lets float16 through for them, for FP16 engines). Data movement
 * (reshape, concat, slice, ...) and Cast handle any element type. */
static const bool computes_in_float32[TRT_LAYER_COUNT] = {
    [TRT_LAYER_CONVOLUTION] = true, [TRT_LAYER_DECONVOLUTION] = true,
    [TRT_LAYER_MATMUL] = true,      [TRT_LAYER_GEMM] = true,
    [TRT_LAYER_POOLING] = true,     [TRT_LAYER_UNARY] = true,
    [TRT_LAYER_ELEMENTWISE] = true, [TRT_LAYER_RESIZE] = true,
};

trt_status_t trt_cpu_layer_supported(const trt_network_t *network, const trt_layer_t *layer) {
  if ((int)layer->type < 0 || layer->type >= TRT_LAYER_COUNT)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "layer type %d does not exist", (int)layer->type);
  for (int i = 0; i < layer->nb_inputs + layer->nb_outputs; i++) {
    const trt_tensor_t *tensor = i < layer->nb_inputs
                                     ? trt_layer_input(network, layer, i)
                                     : trt_layer_output(network, layer, i - layer->nb_inputs);
    if (tensor && trt_tensor_storage(network, tensor)->format != TRT_FORMAT_LINEAR)
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "the CPU backend reads linear tensors only, and '%s' is channels-last",
                       tensor->name);
    if (tensor && computes_in_float32[layer->type] && tensor->type == TRT_DATA_TYPE_FLOAT16)
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "the CPU backend computes in float32 only, and '%s' is float16 (FP16 "
                       "engines run on the CUDA backend)",
                       tensor->name);
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_layer_run(const trt_network_t *network, const trt_layer_t *layer,
                               const void *const *inputs, void *const *outputs,
                               trt_cpu_context_t *cpu) {
  trt_status_t status = trt_cpu_layer_supported(network, layer);
  if (status != TRT_STATUS_OK)
    return status;
  return cpu_layers[layer->type](network, layer, inputs, outputs, cpu);
}
