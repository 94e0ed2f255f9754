/* CPU reference implementation of every layer type, referenced by the
 * registry table. Plain, readable FP32 C; the oracle for every GPU test. */
#ifndef TRT_CPU_LAYERS_H
#define TRT_CPU_LAYERS_H

#include <string.h>

#include "cpu/cpu_context.h"
#include "network_internal.h"

trt_status_t trt_cpu_convolution(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_deconvolution(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_matmul(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_gemm(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_pooling(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_unary(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_elementwise(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_batch_norm(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_instance_norm(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_layer_norm(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_lrn(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_softmax(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_reduce(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_reshape(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_transpose(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_concat(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_split(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_slice(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_pad(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_resize(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_gather(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_cast(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_shape(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_constant_of_shape(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_identity(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);

/* logic.c: helpers shared with indexing.c. Element strides of `in`
 * walked along `out`'s dims (right-aligned), 0 where `in` is broadcast; the
 * offset those strides give output element `index`. (One element of any
 * type as int64 or double: numerics/element.h.) */
void trt_cpu_broadcast_strides(const trt_dims_t *in, const trt_dims_t *out, int64_t *strides);
int64_t trt_cpu_broadcast_offset(const trt_dims_t *out, const int64_t *strides, int64_t index);
trt_status_t trt_cpu_compare(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_logic(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_where(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
/* indexing.c */
trt_status_t trt_cpu_arg_reduce(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_gather_elements(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_tile(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_expand(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_trilu(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
trt_status_t trt_cpu_prior_box(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);
/* plugin.c */
trt_status_t trt_cpu_plugin(const trt_network_t *network, const trt_layer_t *layer,
                            const void *const *inputs, void *const *outputs,
                            trt_cpu_context_t *cpu);
trt_status_t trt_cpu_detection_output(const trt_network_t *network, const trt_layer_t *layer,
                          const void *const *inputs, void *const *outputs, trt_cpu_context_t *cpu);

/* Copies one element of `size` bytes; the fixed sizes compile to single
 * loads and stores in the data-movement layers' inner loops. */
static inline void trt_cpu_copy_element(uint8_t *dst, const uint8_t *src, size_t size) {
  switch (size) {
  case 1: *dst = *src; break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  case 8: memcpy(dst, src, 8); break;
  default: memcpy(dst, src, size); break;
  }
}

/* Row-major element strides of `dims`. */
static inline void trt_cpu_contiguous_strides(const trt_dims_t *dims, int64_t *strides) {
  int64_t stride = 1;
  for (int i = dims->nb_dims - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= dims->d[i];
  }
}

#endif
