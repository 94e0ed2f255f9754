/* The network's representation, for the engine's own code (parsers, layers,
 * passes, backends). Users go through trt/network.h. */
#ifndef TRT_NETWORK_INTERNAL_H
#define TRT_NETWORK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "trt/network.h"

/* How a tensor's elements lie in memory; its dims keep their meaning either
 * way. LINEAR: row-major in the dims. CHANNELS_LAST (rank 3 to 5, dims N, C,
 * spatial...): N, spatial..., C, as tensor-core convolutions read and write
 * it (NHWC). Only the CUDA backend's reduced-precision engines use it
 * (formats.c decides); a view has its parent's format. */
typedef enum {
  TRT_FORMAT_LINEAR = 0,
  TRT_FORMAT_CHANNELS_LAST = 1,
  TRT_FORMAT_COUNT
} trt_tensor_format_t;

typedef struct {
  char *name;
  trt_data_type_t type;
  trt_tensor_format_t format;
  trt_dims_t dims;
  void *data;    /* constants only: volume(dims) elements of `type` */
  int producer;  /* layer index, -1 for inputs and constants */
  bool is_input;
  bool is_output;
  /* A view: this tensor lives inside `view_parent` (-1: none), whose dims
   * are the same but along `view_axis`, starting at `view_offset` there.
   * Made by concat elimination; outer dims > 1 make it strided. */
  int view_parent;
  int view_axis;
  int64_t view_offset;
} trt_tensor_t;

typedef struct {
  trt_layer_type_t type;
  char *name;
  int nb_inputs;
  int *inputs; /* tensor indices, -1 for omitted optional inputs */
  int nb_outputs;
  int *outputs;
  void *params; /* the type's params struct, NULL for types without */
} trt_layer_t;

/* Bytes that constants of a loaded network point into instead of owning
 * their data (trt_engine_load maps the plan file); `release` runs when the
 * network is destroyed. */
typedef struct {
  void *base;
  size_t size;
  void (*release)(void *base, size_t size);
} trt_network_storage_t;

/* Tensor names to indices, open addressing with linear probing (no GLib in
 * the engine): `slots` holds index + 1 (0: empty), `capacity` is a power of
 * two kept at least twice the tensor count. NULL slots (never built, or an
 * allocation failed) make lookups fall back to a linear search, so the
 * index is an acceleration only and can never give a wrong answer. */
typedef struct {
  int *slots;
  int capacity;
} trt_name_index_t;

struct trt_network {
  trt_network_storage_t storage;
  int nb_tensors, tensor_capacity;
  trt_tensor_t *tensors;
  trt_name_index_t names;
  /* The most bytes shape inference lets one tensor have (0: the default of
   * size_limits.h); the builder sets it from its configuration. */
  size_t max_tensor_bytes;
  int nb_layers, layer_capacity;
  trt_layer_t *layers;
  int nb_inputs;
  int *inputs; /* in declaration order */
  int nb_outputs;
  int *outputs; /* in marking order */
};

/* ---- checked size arithmetic --------------------------------------------
 * Every size computed from dims that come from outside (models, plans, API
 * callers) goes through these: true and the result, or false on int64_t
 * overflow (the result then unspecified), never undefined behaviour. */
static inline bool trt_int64_mul_checked(int64_t a, int64_t b, int64_t *result) {
  return !__builtin_mul_overflow(a, b, result);
}

static inline bool trt_int64_add_checked(int64_t a, int64_t b, int64_t *result) {
  return !__builtin_add_overflow(a, b, result);
}

static inline bool trt_int64_sub_checked(int64_t a, int64_t b, int64_t *result) {
  return !__builtin_sub_overflow(a, b, result);
}

/* Bytes of a tensor's data: 0 while a dimension is unknown, SIZE_MAX when
 * the size does not fit (an allocation of it fails; shape inference and
 * add_tensor reject such tensors, so built networks have none). */
static inline size_t trt_tensor_bytes(const trt_tensor_t *tensor) {
  int64_t volume = trt_dims_volume(&tensor->dims);
  if (volume == TRT_DIMS_VOLUME_OVERFLOW)
    return SIZE_MAX;
  if (volume < 0)
    return 0;
  int64_t bytes;
  if (!trt_int64_mul_checked(volume, (int64_t)trt_data_type_size(tensor->type), &bytes) ||
      (uint64_t)bytes > SIZE_MAX)
    return SIZE_MAX;
  return (size_t)bytes;
}

/* trt_dims_volume_checked for a tensor's dims and type, the message naming
 * the tensor; sets *bytes. */
trt_status_t trt_tensor_bytes_checked(const trt_tensor_t *tensor, size_t *bytes);

static inline trt_tensor_t *trt_layer_input(const trt_network_t *network, const trt_layer_t *layer,
                                            int index) {
  if (index >= layer->nb_inputs || layer->inputs[index] < 0)
    return NULL;
  return &network->tensors[layer->inputs[index]];
}

static inline trt_tensor_t *trt_layer_output(const trt_network_t *network, const trt_layer_t *layer,
                                             int index) {
  return &network->tensors[layer->outputs[index]];
}

/* Whether the network owns `tensor`'s data (false for data in its storage). */
static inline bool trt_network_owns_data(const trt_network_t *network, const trt_tensor_t *tensor) {
  const char *data = tensor->data, *base = network->storage.base;
  return !base || data < base || data >= base + network->storage.size;
}

/* Adds a constant whose data lies in network->storage (no copy); -1 on
 * error. */
int trt_network_add_stored_constant(trt_network_t *network, const char *name, trt_data_type_t type,
                                    const trt_dims_t *dims, void *data);

/* Gives tensor `t` a new name, which must be free. */
trt_status_t trt_network_rename_tensor(trt_network_t *network, int t, const char *name);

/* Adds a tensor of unknown producer (dims NULL: unknown); -1 on error. */
int trt_network_add_tensor(trt_network_t *network, const char *name, trt_data_type_t type,
                           const trt_dims_t *dims);

/* A tensor name not yet in the network: base + suffix (+ a counter). */
void trt_network_unique_name(const trt_network_t *network, const char *base, const char *suffix,
                             char *name, size_t size);

/* A new activation with the dims of tensor `like`, of `type`, named after
 * it + suffix (made unique), for rewrites that insert a layer beside it
 * (casts, reformats); its index, or -1 on error. */
int trt_network_add_tensor_like(trt_network_t *network, int like, trt_data_type_t type,
                                const char *suffix);

/* Adds a layer whose outputs are existing tensors (passes and plan loading
 * rewire graphs this way); -1 on error. */
int trt_network_append_layer(trt_network_t *network, trt_layer_type_t type, const char *name,
                             const int *inputs, int nb_inputs, const int *outputs, int nb_outputs,
                             const void *params);

/* Where a view (tensor.view_parent >= 0) lies in its parent, in elements:
 * `outer` blocks of `inner` contiguous elements, block b starting at
 * offset + b * stride. A tensor that is no view is one block of its own.
 * In a channels-last parent (views along the channels only) a block is the
 * view's channels of one pixel: blocks follow in N, spatial order, which is
 * the order of the view's own channels-last elements. */
typedef struct {
  int64_t outer;
  int64_t inner;
  int64_t stride;
  int64_t offset;
} trt_view_layout_t;

static inline trt_view_layout_t trt_tensor_view_layout(const trt_network_t *network,
                                                       const trt_tensor_t *tensor) {
  int64_t volume = trt_dims_volume(&tensor->dims);
  trt_view_layout_t layout = {1, volume, volume, 0};
  if (tensor->view_parent < 0)
    return layout;
  const trt_tensor_t *parent_tensor = &network->tensors[tensor->view_parent];
  const trt_dims_t *parent = &parent_tensor->dims;
  if (parent_tensor->format == TRT_FORMAT_CHANNELS_LAST && parent->nb_dims >= 2 &&
      parent->d[1] > 0) {
    layout.outer = trt_dims_volume(parent) / parent->d[1];
    layout.inner = tensor->dims.d[1];
    layout.stride = parent->d[1];
    layout.offset = tensor->view_offset;
    return layout;
  }
  int64_t outer = 1, after = 1;
  for (int d = 0; d < tensor->view_axis; d++)
    outer *= parent->d[d];
  for (int d = tensor->view_axis + 1; d < parent->nb_dims; d++)
    after *= parent->d[d];
  layout.outer = outer;
  layout.inner = outer ? volume / outer : 0;
  layout.stride = parent->d[tensor->view_axis] * after;
  layout.offset = tensor->view_offset * after;
  return layout;
}

/* The tensor whose bytes a tensor lives in: its parent for a view (whose
 * format it has), else itself. */
static inline const trt_tensor_t *trt_tensor_storage(const trt_network_t *network,
                                                     const trt_tensor_t *tensor) {
  return tensor->view_parent >= 0 ? &network->tensors[tensor->view_parent] : tensor;
}

/* The element strides of a tensor's dims in its storage (its parent's, for a
 * view): row-major for LINEAR, channels last for CHANNELS_LAST. A view's own
 * start is trt_tensor_view_layout's offset. */
static inline void trt_tensor_strides(const trt_network_t *network, const trt_tensor_t *tensor,
                                      int64_t strides[TRT_MAX_DIMS]) {
  const trt_tensor_t *storage = trt_tensor_storage(network, tensor);
  const trt_dims_t *dims = &storage->dims;
  const int rank = dims->nb_dims;
  int64_t stride = 1;
  if (storage->format == TRT_FORMAT_CHANNELS_LAST && rank >= 3) {
    strides[1] = 1;
    stride = dims->d[1];
    for (int d = rank - 1; d >= 2; d--) {
      strides[d] = stride;
      stride *= dims->d[d];
    }
    strides[0] = stride;
    return;
  }
  for (int d = rank - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= dims->d[d];
  }
}

/* Removes (and frees) every layer for which `remove` is true, the others
 * keeping their order, and renumbers tensors' producers: -1 for the
 * outputs of a removed layer. Tensors stay. `remove` is asked once per
 * layer, in order, with the layer's index before removal; it may look at
 * that layer and at tensors, not at other layers (they may have moved). */
typedef bool (*trt_layer_filter_fn)(const trt_network_t *network, const trt_layer_t *layer,
                                    int index, void *user_data);
void trt_network_remove_layers(trt_network_t *network, trt_layer_filter_fn remove, void *user_data);

/* Removes layers whose outputs nothing reads (no layer, not a network
 * output) and tensors nothing refers to; renumbers what remains. */
trt_status_t trt_network_prune(trt_network_t *network);

/* Orders layers so every layer follows its producers; fails on a cycle. */
trt_status_t trt_network_sort(trt_network_t *network);

/* Normalizes a possibly negative axis against `rank`; -1 when out of range. */
static inline int trt_normalize_axis(int64_t axis, int rank) {
  if (axis < 0)
    axis += rank;
  return (axis >= 0 && axis < rank) ? (int)axis : -1;
}

/* Reads element `i` of a constant integer tensor (int32 or int64) or float
 * tensor as int64 / double; used by shape inference for shape operands. */
int64_t trt_tensor_get_int(const trt_tensor_t *tensor, int64_t i);
double trt_tensor_get_double(const trt_tensor_t *tensor, int64_t i);

#endif
