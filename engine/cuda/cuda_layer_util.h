/* Small helpers that the CUDA layer family files share: listing tactics,
 * the create/destroy of layers without run-time state, checking which
 * tensors are strided views, describing an output view and dims to the
 * kernels. The functions that are not one-liners are in cuda_layer_util.c. */
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

/* The enqueue of the layers that only copy: input 0 into output 0's place
 * through trt_cuda_copy_to_output (Reshape, Identity). */
trt_status_t trt_cuda_copy_enqueue(void *state, const trt_network_t *network,
                                   const trt_layer_t *layer, int32_t tactic,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cuda_env_t *env);

#define TRT_CUDA_TYPE_BIT(type) (1u << (type))

/* Lists the family's only tactic (id 0, `name`) unless an input, or with
 * `outputs_too` an output, is a strided view (then 0, message set, as
 * trt_cuda_require_contiguous). */
int trt_cuda_list_single(const trt_network_t *network, const trt_layer_t *layer, bool outputs_too,
                         trt_cuda_tactic_t *tactics, int max_tactics, const char *name);

/* `create` and `destroy` of the families whose layers keep no run-time
 * state and need no workspace: the state stays NULL. The first accepts
 * tactic 0 only, the second the pointwise pair below. */
trt_status_t trt_cuda_create_stateless(const trt_network_t *network, const trt_layer_t *layer,
                                       int32_t tactic, trt_cuda_env_t *env, void **state,
                                       size_t *workspace_bytes);
trt_status_t trt_cuda_create_scalar_or_vec4(const trt_network_t *network, const trt_layer_t *layer,
                                            int32_t tactic, trt_cuda_env_t *env, void **state,
                                            size_t *workspace_bytes);
void trt_cuda_destroy_stateless(void *state);

/* The ops table of a family with a single stateless tactic. */
#define TRT_CUDA_STATELESS_OPS(list_tactics_fn, enqueue_fn)                                        \
  {                                                                                                \
    .list_tactics = (list_tactics_fn), .create = trt_cuda_create_stateless,                        \
    .enqueue = (enqueue_fn), .destroy = trt_cuda_destroy_stateless                                 \
  }

/* runs_fp16 of the families that take float16 for every layer they run:
 * those that move elements without computing on them (reshape, transpose,
 * concat, split, slice: float16 moves like any 2-byte type) and the
 * pointwise ones (unary, elementwise: computed in float, stored as half). */
bool trt_cuda_runs_fp16_always(const trt_network_t *network, const trt_layer_t *layer);

/* TRT_CUDA_STATELESS_OPS for such a family. */
#define TRT_CUDA_STATELESS_MOVE_OPS(list_tactics_fn, enqueue_fn)                                   \
  {                                                                                                \
    .list_tactics = (list_tactics_fn), .create = trt_cuda_create_stateless,                        \
    .enqueue = (enqueue_fn), .destroy = trt_cuda_destroy_stateless,                                \
    .runs_fp16 = trt_cuda_runs_fp16_always                                                           \
  }

/* formats of families that map each element of the input to the same
 * element of the output (unary, identity): any layout, kept. */
trt_layer_formats_t trt_cuda_formats_pointwise(const trt_network_t *network,
                                              const trt_layer_t *layer);

/* Tactics of the pointwise families (unary, elementwise): one element per
 * thread, or float4 loads and stores. */
enum { TRT_CUDA_TACTIC_SCALAR = 0, TRT_CUDA_TACTIC_VEC4 = 1 };

/* Whether the kernels that move raw elements (1, 2, 4 or 8 bytes) take
 * `type`. */
static inline bool trt_cuda_element_size_ok(trt_data_type_t type) {
  size_t size = trt_data_type_size(type);
  return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Elements before `axis` (outer, the product of the dims before it) and
 * after it (inner) of `dims`. */
static inline void trt_cuda_axis_extent(const trt_dims_t *dims, int axis, int64_t *outer,
                                        int64_t *inner) {
  *outer = *inner = 1;
  for (int d = 0; d < axis; d++)
    *outer *= dims->d[d];
  for (int d = axis + 1; d < dims->nb_dims; d++)
    *inner *= dims->d[d];
}

/* Element strides of a contiguous tensor of `dims`. */
static inline void trt_cuda_contiguous_strides(const trt_dims_t *dims, int64_t *strides) {
  int64_t stride = 1;
  for (int d = dims->nb_dims - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= dims->d[d];
  }
}

/* Element strides of the operand `in` along `out`'s dims (numpy
 * broadcasting: right-aligned), 0 where broadcast. */
static inline void trt_cuda_broadcast_strides(const trt_dims_t *in, const trt_dims_t *out,
                                              int64_t *strides) {
  int64_t stride = 1;
  for (int i = out->nb_dims - 1; i >= 0; i--) {
    int j = i - (out->nb_dims - in->nb_dims);
    int64_t d = j >= 0 ? in->d[j] : 1;
    strides[i] = d == 1 ? 0 : stride;
    stride *= d;
  }
}

#endif
