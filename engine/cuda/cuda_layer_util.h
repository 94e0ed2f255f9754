/* Small helpers that the CUDA layer family files share: listing tactics,
 * checking which tensors are strided views, describing an output view to
 * the kernels. Header-only. */
#ifndef TRT_CUDA_LAYER_UTIL_H
#define TRT_CUDA_LAYER_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "cuda/cuda_layers.h"
#include "kernels/kernel_common.cuh"

/* Appends a tactic when there is room; returns the new count. */
static inline int trt_cuda_tactic_add(trt_cuda_tactic_t *tactics, int max_tactics, int count,
                                      int32_t id, const char *name) {
  if (count >= max_tactics)
    return count;
  tactics[count].id = id;
  snprintf(tactics[count].name, sizeof(tactics[count].name), "%s", name);
  return count + 1;
}

/* Whether the CUDA implementation of `type` can write its output as a
 * strided view (outer blocks at a stride, made by concat elimination): the
 * output kernels take the view's layout from trt_tensor_view_layout(). The
 * other types (convolution's own support aside) reject strided outputs in
 * list_tactics; contiguous views (outer dims 1) work with every type. */
static inline bool trt_cuda_writes_strided_views(trt_layer_type_t type) {
  switch (type) {
  case TRT_LAYER_POOLING:
  case TRT_LAYER_UNARY:
  case TRT_LAYER_ELEMENTWISE:
  case TRT_LAYER_BATCH_NORM:
  case TRT_LAYER_RESIZE:
  case TRT_LAYER_RESHAPE:
  case TRT_LAYER_IDENTITY:
    return true;
  default:
    return false;
  }
}

/* Whether a tensor's elements are not one contiguous run (a view with
 * several blocks at a stride larger than the block). */
static inline bool trt_cuda_tensor_strided(const trt_network_t *network,
                                           const trt_tensor_t *tensor) {
  if (tensor->view_parent < 0)
    return false;
  trt_view_layout_t layout = trt_tensor_view_layout(network, tensor);
  return layout.outer > 1 && layout.stride != layout.inner;
}

/* The kernels' description of where an output's elements go. */
static inline trt_kview_t trt_cuda_output_view(const trt_network_t *network,
                                               const trt_tensor_t *tensor) {
  trt_kview_t view = {1, 1};
  if (trt_cuda_tensor_strided(network, tensor)) {
    trt_view_layout_t layout = trt_tensor_view_layout(network, tensor);
    view.inner = layout.inner;
    view.stride = layout.stride;
  }
  return view;
}

/* Fails (message set) when an input, or with `outputs_too` an output, is a
 * strided view: the layer's kernels read and write contiguous tensors. */
static inline trt_status_t trt_cuda_require_contiguous(const trt_network_t *network,
                                                       const trt_layer_t *layer,
                                                       bool outputs_too) {
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *tensor = trt_layer_input(network, layer, i);
    if (tensor && trt_cuda_tensor_strided(network, tensor))
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "%s: input '%s' is a strided view; the CUDA kernel reads contiguous "
                       "tensors only",
                       trt_layer_type_name(layer->type), tensor->name);
  }
  for (int i = 0; outputs_too && i < layer->nb_outputs; i++) {
    const trt_tensor_t *tensor = trt_layer_output(network, layer, i);
    if (trt_cuda_tensor_strided(network, tensor))
      return trt_error(TRT_STATUS_UNSUPPORTED,
                       "%s: output '%s' is a strided view; only pooling, unary, elementwise, "
                       "batch norm, resize, reshape and identity layers write views",
                       trt_layer_type_name(layer->type), tensor->name);
  }
  return TRT_STATUS_OK;
}

/* Whether every listed type is one of `allowed` (a bit per trt_data_type_t). */
static inline bool trt_cuda_type_in(trt_data_type_t type, unsigned allowed) {
  return (int)type >= 0 && type < TRT_DATA_TYPE_COUNT && (allowed >> type) & 1u;
}

/* Copies the contiguous `src` (output's dims and type) to `dst`, the
 * output's place, which may be a strided view; nothing when src == dst.
 * Asynchronous on `stream` (engine/cuda/shuffle.c). */
trt_status_t trt_cuda_copy_to_output(const trt_network_t *network, const trt_tensor_t *output,
                                     const void *src, void *dst, cudaStream_t stream);

#define TRT_CUDA_TYPE_BIT(type) (1u << (type))

#endif
