/* The network definition: construction, accessors, copying, ordering and
 * pruning. Shape inference lives in shape_inference.c. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_registry.h"
#include "network_internal.h"

/* ---- data types and dims ----------------------------------------------- */

static const struct {
  const char *name;
  size_t size;
} data_types[] = {
    [TRT_DATA_TYPE_FLOAT32] = {"float32", 4}, [TRT_DATA_TYPE_FLOAT16] = {"float16", 2},
    [TRT_DATA_TYPE_FLOAT64] = {"float64", 8}, [TRT_DATA_TYPE_INT8] = {"int8", 1},
    [TRT_DATA_TYPE_UINT8] = {"uint8", 1},     [TRT_DATA_TYPE_INT32] = {"int32", 4},
    [TRT_DATA_TYPE_INT64] = {"int64", 8},     [TRT_DATA_TYPE_BOOL] = {"bool", 1},
};
_Static_assert(sizeof(data_types) / sizeof(data_types[0]) == TRT_DATA_TYPE_COUNT,
               "every data type needs a name and size");

const char *trt_data_type_name(trt_data_type_t type) {
  return ((int)type >= 0 && type < TRT_DATA_TYPE_COUNT) ? data_types[type].name : "(invalid type)";
}

size_t trt_data_type_size(trt_data_type_t type) {
  return ((int)type >= 0 && type < TRT_DATA_TYPE_COUNT) ? data_types[type].size : 0;
}

trt_dims_t trt_dims_make(int nb_dims, const int64_t *d) {
  trt_dims_t dims = {0};
  dims.nb_dims = nb_dims < 0 ? 0 : (nb_dims > TRT_MAX_DIMS ? TRT_MAX_DIMS : nb_dims);
  for (int i = 0; i < dims.nb_dims; i++)
    dims.d[i] = d[i];
  return dims;
}

int64_t trt_dims_volume(const trt_dims_t *dims) {
  if (dims->nb_dims < 0)
    return -1;
  int64_t volume = 1;
  bool overflow = false;
  for (int i = 0; i < dims->nb_dims && i < TRT_MAX_DIMS; i++) {
    if (dims->d[i] < 0)
      return -1;
    /* Keep looking for an unknown dim after an overflow: unknown wins. A
     * zero dim makes the volume 0 whatever the others are. */
    if (!overflow && !trt_int64_mul_checked(volume, dims->d[i], &volume))
      overflow = true;
  }
  for (int i = 0; overflow && i < dims->nb_dims && i < TRT_MAX_DIMS; i++)
    if (dims->d[i] == 0)
      return 0;
  return overflow ? TRT_DIMS_VOLUME_OVERFLOW : volume;
}

trt_status_t trt_dims_volume_checked(const trt_dims_t *dims, size_t element_size, const char *what,
                                     int64_t *volume) {
  char text[160];
  if (!dims || !volume)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_dims_volume_checked: NULL argument");
  if (!what)
    what = "tensor";
  if (dims->nb_dims < 0 || dims->nb_dims > TRT_MAX_DIMS)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: rank %d is outside 0..%d", what, dims->nb_dims,
                     TRT_MAX_DIMS);
  int64_t count = trt_dims_volume(dims), bytes;
  if (count == TRT_DIMS_VOLUME_OVERFLOW)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: dims %s have more elements than a 64-bit count can hold", what,
                     trt_dims_format(dims, text, sizeof(text)));
  if (count < 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s: dims %s are not all known", what,
                     trt_dims_format(dims, text, sizeof(text)));
  if (element_size && (!trt_int64_mul_checked(count, (int64_t)element_size, &bytes) ||
                       (uint64_t)bytes > SIZE_MAX))
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "%s: dims %s (%" PRId64 " elements of %zu bytes) are too large to address",
                     what, trt_dims_format(dims, text, sizeof(text)), count, element_size);
  *volume = count;
  return TRT_STATUS_OK;
}

trt_status_t trt_tensor_bytes_checked(const trt_tensor_t *tensor, size_t *bytes) {
  char what[300];
  snprintf(what, sizeof(what), "tensor '%s'", tensor->name ? tensor->name : "?");
  int64_t volume;
  size_t element_size = trt_data_type_size(tensor->type);
  trt_status_t status = trt_dims_volume_checked(&tensor->dims, element_size, what, &volume);
  if (status == TRT_STATUS_OK)
    *bytes = (size_t)volume * element_size;
  return status;
}

bool trt_dims_equal(const trt_dims_t *a, const trt_dims_t *b) {
  if (a->nb_dims != b->nb_dims)
    return false;
  for (int i = 0; i < a->nb_dims; i++)
    if (a->d[i] != b->d[i])
      return false;
  return true;
}

char *trt_dims_format(const trt_dims_t *dims, char *buffer, size_t size) {
  if (size == 0)
    return buffer;
  if (dims->nb_dims == 0) {
    snprintf(buffer, size, "scalar");
    return buffer;
  }
  size_t used = 0;
  buffer[0] = '\0';
  for (int i = 0; i < dims->nb_dims && used < size; i++) {
    int written;
    if (dims->d[i] < 0)
      written = snprintf(buffer + used, size - used, "%s?", i ? "x" : "");
    else
      written = snprintf(buffer + used, size - used, "%s%" PRId64, i ? "x" : "", dims->d[i]);
    if (written < 0)
      break;
    used += (size_t)written;
  }
  return buffer;
}

trt_status_t trt_dims_parse(const char *text, trt_dims_t *dims) {
  trt_dims_t parsed = {0};
  const char *cursor = text;
  if (!text || !*text)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "empty dims");
  while (*cursor) {
    if (parsed.nb_dims == TRT_MAX_DIMS)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "'%s': more than %d dims", text, TRT_MAX_DIMS);
    char *end;
    long long value = strtoll(cursor, &end, 10);
    if (end == cursor || value < -1)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "'%s': expected dims like 1x3x224x224 (-1: dynamic)", text);
    parsed.d[parsed.nb_dims++] = value;
    cursor = end;
    if (*cursor == 'x' || *cursor == 'X')
      cursor++;
    else if (*cursor)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "'%s': unexpected '%c'", text, *cursor);
  }
  *dims = parsed;
  return TRT_STATUS_OK;
}

/* ---- the name index ------------------------------------------------------ */

static uint64_t name_hash(const char *name) {
  uint64_t hash = 14695981039346656037ull; /* FNV-1a */
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    hash = (hash ^ *c) * 1099511628211ull;
  return hash;
}

static void name_index_free(trt_name_index_t *index) {
  free(index->slots);
  index->slots = NULL;
  index->capacity = 0;
}

/* Puts tensor `t` in its slot unless a tensor of that name is there (the
 * first of a name wins, as in a linear search). */
static void name_index_put(trt_network_t *network, int t) {
  trt_name_index_t *index = &network->names;
  const char *name = network->tensors[t].name;
  size_t mask = (size_t)index->capacity - 1;
  for (size_t slot = (size_t)name_hash(name) & mask;; slot = (slot + 1) & mask) {
    int held = index->slots[slot] - 1;
    if (held < 0) {
      index->slots[slot] = t + 1;
      return;
    }
    if (strcmp(network->tensors[held].name, name) == 0)
      return;
  }
}

/* Rebuilds the index over every tensor; on failure lookups stay linear. */
static void name_index_rebuild(trt_network_t *network) {
  name_index_free(&network->names);
  int capacity = 64;
  while (capacity < INT32_MAX / 4 && capacity < 2 * (network->nb_tensors + 1))
    capacity *= 2;
  network->names.slots = calloc((size_t)capacity, sizeof(int));
  if (!network->names.slots)
    return;
  network->names.capacity = capacity;
  for (int t = 0; t < network->nb_tensors; t++)
    name_index_put(network, t);
}

/* Indexes the tensor just appended (network->nb_tensors - 1). */
static void name_index_add(trt_network_t *network) {
  if (!network->names.slots || 2 * network->nb_tensors > network->names.capacity)
    name_index_rebuild(network);
  else
    name_index_put(network, network->nb_tensors - 1);
}

/* ---- construction ------------------------------------------------------ */

trt_network_t *trt_network_create(void) { return calloc(1, sizeof(trt_network_t)); }

static void free_layer(trt_layer_t *layer) {
  free(layer->name);
  free(layer->inputs);
  free(layer->outputs);
  free(layer->params);
}

void trt_network_destroy(trt_network_t *network) {
  if (!network)
    return;
  for (int i = 0; i < network->nb_tensors; i++) {
    free(network->tensors[i].name);
    if (trt_network_owns_data(network, &network->tensors[i]))
      free(network->tensors[i].data);
  }
  for (int i = 0; i < network->nb_layers; i++)
    free_layer(&network->layers[i]);
  if (network->storage.base && network->storage.release)
    network->storage.release(network->storage.base, network->storage.size);
  name_index_free(&network->names);
  free(network->tensors);
  free(network->layers);
  free(network->inputs);
  free(network->outputs);
  free(network);
}

/* Grows `*array` to hold at least `needed` elements of `element_size`. */
static bool reserve(void **array, int *capacity, int needed, size_t element_size) {
  if (needed <= *capacity)
    return true;
  int grown = *capacity ? *capacity * 2 : 16;
  while (grown < needed)
    grown *= 2;
  void *larger = realloc(*array, (size_t)grown * element_size);
  if (!larger)
    return false;
  *array = larger;
  *capacity = grown;
  return true;
}

/* Appends a tensor; returns its index or -1 (error set). */
static int add_tensor(trt_network_t *network, const char *name, trt_data_type_t type,
                      const trt_dims_t *dims) {
  if (!name || !*name) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "tensor names must not be empty");
    return -1;
  }
  if (trt_network_find_tensor(network, name) >= 0) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "a tensor named '%s' already exists", name);
    return -1;
  }
  if ((int)type < 0 || type >= TRT_DATA_TYPE_COUNT) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "tensor '%s': invalid data type %d", name, (int)type);
    return -1;
  }
  if (dims && (dims->nb_dims < 0 || dims->nb_dims > TRT_MAX_DIMS)) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "tensor '%s': rank %d is outside 0..%d", name,
              dims->nb_dims, TRT_MAX_DIMS);
    return -1;
  }
  /* Known dims must have a size that can be counted in bytes (unknown ones
   * are checked once shape inference has fixed them). */
  if (dims && trt_dims_volume(dims) != -1) {
    char what[300];
    int64_t volume;
    snprintf(what, sizeof(what), "tensor '%s'", name);
    if (trt_dims_volume_checked(dims, trt_data_type_size(type), what, &volume) != TRT_STATUS_OK)
      return -1;
  }
  if (!reserve((void **)&network->tensors, &network->tensor_capacity, network->nb_tensors + 1,
               sizeof(trt_tensor_t))) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory adding tensor '%s'", name);
    return -1;
  }
  trt_tensor_t *tensor = &network->tensors[network->nb_tensors];
  memset(tensor, 0, sizeof(*tensor));
  tensor->name = strdup(name);
  if (!tensor->name) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory adding tensor '%s'", name);
    return -1;
  }
  tensor->type = type;
  if (dims)
    tensor->dims = *dims;
  else
    tensor->dims.nb_dims = -1; /* unknown until shape inference */
  tensor->producer = -1;
  tensor->view_parent = -1;
  network->nb_tensors++;
  name_index_add(network);
  return network->nb_tensors - 1;
}

static bool append_index(int **array, int *count, int value) {
  int *larger = realloc(*array, (size_t)(*count + 1) * sizeof(int));
  if (!larger)
    return false;
  larger[(*count)++] = value;
  *array = larger;
  return true;
}

int trt_network_add_input(trt_network_t *network, const char *name, trt_data_type_t type,
                          const trt_dims_t *dims) {
  if (!network || !dims) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_network_add_input: NULL argument");
    return -1;
  }
  int index = add_tensor(network, name, type, dims);
  if (index < 0)
    return -1;
  if (!append_index(&network->inputs, &network->nb_inputs, index)) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory adding input '%s'", name);
    return -1;
  }
  network->tensors[index].is_input = true;
  return index;
}

trt_status_t trt_network_rename_tensor(trt_network_t *network, int t, const char *name) {
  if (!network || t < 0 || t >= network->nb_tensors || !name)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_network_rename_tensor: bad argument");
  if (trt_network_find_tensor(network, name) >= 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "a tensor named '%s' exists already", name);
  char *copy = strdup(name);
  if (!copy)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory renaming a tensor");
  free(network->tensors[t].name);
  network->tensors[t].name = copy;
  name_index_rebuild(network);
  return TRT_STATUS_OK;
}

int trt_network_add_constant(trt_network_t *network, const char *name, trt_data_type_t type,
                             const trt_dims_t *dims, const void *data) {
  if (!network || !dims) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_network_add_constant: NULL argument");
    return -1;
  }
  char what[300];
  int64_t volume;
  snprintf(what, sizeof(what), "constant '%s'", name ? name : "?");
  if (trt_dims_volume_checked(dims, trt_data_type_size(type), what, &volume) != TRT_STATUS_OK)
    return -1;
  if (!data && volume != 0) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "constant '%s' has %" PRId64 " elements but no data",
              name ? name : "?", volume);
    return -1;
  }
  int index = add_tensor(network, name, type, dims);
  if (index < 0)
    return -1;
  trt_tensor_t *tensor = &network->tensors[index];
  size_t bytes = (size_t)volume * trt_data_type_size(type); /* checked above */
  tensor->data = malloc(bytes ? bytes : 1);
  if (!tensor->data) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for constant '%s' (%zu bytes)", name, bytes);
    return -1;
  }
  if (bytes)
    memcpy(tensor->data, data, bytes);
  return index;
}

int trt_network_add_stored_constant(trt_network_t *network, const char *name, trt_data_type_t type,
                                    const trt_dims_t *dims, void *data) {
  int index = add_tensor(network, name, type, dims);
  if (index >= 0)
    network->tensors[index].data = data;
  return index;
}

int trt_network_add_tensor(trt_network_t *network, const char *name, trt_data_type_t type,
                           const trt_dims_t *dims) {
  return add_tensor(network, name, type, dims);
}

void trt_network_unique_name(const trt_network_t *network, const char *base, const char *suffix,
                             char *name, size_t size) {
  snprintf(name, size, "%s%s", base, suffix);
  for (int k = 2; trt_network_find_tensor(network, name) >= 0; k++)
    snprintf(name, size, "%s%s%d", base, suffix, k);
}

int trt_network_add_tensor_like(trt_network_t *network, int like, trt_data_type_t type,
                                const char *suffix) {
  char name[512];
  trt_network_unique_name(network, network->tensors[like].name, suffix, name, sizeof(name));
  trt_dims_t dims = network->tensors[like].dims;
  return add_tensor(network, name, type, &dims);
}

int trt_network_append_layer(trt_network_t *network, trt_layer_type_t type, const char *name,
                             const int *inputs, int nb_inputs, const int *outputs, int nb_outputs,
                             const void *params) {
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(type);
  if (!network || !descriptor || !name || nb_inputs < 0 || (nb_inputs && !inputs) ||
      nb_outputs < 1 || nb_outputs > TRT_MAX_LAYER_OUTPUTS || !outputs) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "layer '%s': invalid arguments", name ? name : "?");
    return -1;
  }
  if (descriptor->params_size && !params) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "layer '%s' (%s) needs parameters", name,
              descriptor->name);
    return -1;
  }
  for (int i = 0; i < nb_inputs + nb_outputs; i++) {
    bool is_input = i < nb_inputs;
    int tensor = is_input ? inputs[i] : outputs[i - nb_inputs];
    if (tensor < (is_input ? -1 : 0) || tensor >= network->nb_tensors) {
      trt_error(TRT_STATUS_INVALID_ARGUMENT, "layer '%s': %s %d refers to tensor %d of %d", name,
                is_input ? "input" : "output", is_input ? i : i - nb_inputs, tensor,
                network->nb_tensors);
      return -1;
    }
  }
  if (!reserve((void **)&network->layers, &network->layer_capacity, network->nb_layers + 1,
               sizeof(trt_layer_t))) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory adding layer '%s'", name);
    return -1;
  }
  trt_layer_t layer = {.type = type, .nb_inputs = nb_inputs, .nb_outputs = nb_outputs};
  layer.name = strdup(name);
  layer.inputs = malloc((size_t)(nb_inputs ? nb_inputs : 1) * sizeof(int));
  layer.outputs = malloc((size_t)nb_outputs * sizeof(int));
  if (descriptor->params_size)
    layer.params = malloc(descriptor->params_size);
  if (!layer.name || !layer.inputs || !layer.outputs || (descriptor->params_size && !layer.params)) {
    free_layer(&layer);
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory adding layer '%s'", name);
    return -1;
  }
  if (descriptor->params_size)
    memcpy(layer.params, params, descriptor->params_size);
  if (nb_inputs)
    memcpy(layer.inputs, inputs, (size_t)nb_inputs * sizeof(int));
  memcpy(layer.outputs, outputs, (size_t)nb_outputs * sizeof(int));
  int index = network->nb_layers++;
  network->layers[index] = layer;
  for (int o = 0; o < nb_outputs; o++)
    network->tensors[outputs[o]].producer = index;
  return index;
}

int trt_network_add_layer(trt_network_t *network, trt_layer_type_t type, const char *name,
                          const int *inputs, int nb_inputs, const char *const *output_names,
                          int nb_outputs, const void *params) {
  if (!network || !name || nb_outputs < 1 || nb_outputs > TRT_MAX_LAYER_OUTPUTS) {
    trt_error(TRT_STATUS_INVALID_ARGUMENT, "layer '%s': invalid arguments", name ? name : "?");
    return -1;
  }
  int first_new_tensor = network->nb_tensors;
  int outputs[TRT_MAX_LAYER_OUTPUTS];
  for (int i = 0; i < nb_outputs; i++) {
    char generated[512];
    const char *output_name = output_names ? output_names[i] : NULL;
    if (!output_name) {
      snprintf(generated, sizeof(generated), "%s:%d", name, i);
      output_name = generated;
    }
    outputs[i] = add_tensor(network, output_name, TRT_DATA_TYPE_FLOAT32, NULL);
    if (outputs[i] < 0)
      break;
  }
  int layer = network->nb_tensors - first_new_tensor == nb_outputs
                  ? trt_network_append_layer(network, type, name, inputs, nb_inputs, outputs,
                                             nb_outputs, params)
                  : -1;
  if (layer < 0) {
    /* Roll back the output tensors so the network stays as it was. */
    for (int t = first_new_tensor; t < network->nb_tensors; t++)
      free(network->tensors[t].name);
    network->nb_tensors = first_new_tensor;
    name_index_rebuild(network);
  }
  return layer;
}

static bool valid_tensor(const trt_network_t *network, int tensor) {
  return network && tensor >= 0 && tensor < network->nb_tensors;
}

static bool valid_layer(const trt_network_t *network, int layer) {
  return network && layer >= 0 && layer < network->nb_layers;
}

trt_status_t trt_network_mark_output(trt_network_t *network, int tensor) {
  if (!valid_tensor(network, tensor))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "mark_output: no tensor %d", tensor);
  if (network->tensors[tensor].is_output)
    return TRT_STATUS_OK;
  if (!append_index(&network->outputs, &network->nb_outputs, tensor))
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory marking an output");
  network->tensors[tensor].is_output = true;
  return TRT_STATUS_OK;
}

trt_status_t trt_network_unmark_output(trt_network_t *network, int tensor) {
  if (!valid_tensor(network, tensor))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "unmark_output: no tensor %d", tensor);
  for (int i = 0; i < network->nb_outputs; i++) {
    if (network->outputs[i] == tensor) {
      memmove(&network->outputs[i], &network->outputs[i + 1],
              (size_t)(network->nb_outputs - i - 1) * sizeof(int));
      network->nb_outputs--;
      break;
    }
  }
  network->tensors[tensor].is_output = false;
  return TRT_STATUS_OK;
}

trt_status_t trt_network_set_input_dims(trt_network_t *network, const char *name,
                                        const trt_dims_t *dims) {
  if (!network || !name || !dims)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "set_input_dims: NULL argument");
  int tensor = trt_network_find_tensor(network, name);
  if (tensor < 0 || !network->tensors[tensor].is_input)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "the network has no input named '%s'", name);
  trt_tensor_t *input = &network->tensors[tensor];
  char given[128], declared[128];
  if (dims->nb_dims != input->dims.nb_dims)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "input '%s' has rank %d (%s), shape %s has rank %d",
                     name, input->dims.nb_dims,
                     trt_dims_format(&input->dims, declared, sizeof(declared)),
                     trt_dims_format(dims, given, sizeof(given)), dims->nb_dims);
  for (int i = 0; i < dims->nb_dims; i++) {
    if (input->dims.d[i] >= 0 && dims->d[i] != input->dims.d[i])
      return trt_error(TRT_STATUS_SHAPE_ERROR,
                       "input '%s': dimension %d is fixed to %" PRId64 " by the model (%s), "
                       "shape %s asks for %" PRId64,
                       name, i, input->dims.d[i],
                       trt_dims_format(&input->dims, declared, sizeof(declared)),
                       trt_dims_format(dims, given, sizeof(given)), dims->d[i]);
  }
  if (trt_dims_volume(dims) != -1) {
    char what[300];
    int64_t volume;
    snprintf(what, sizeof(what), "input '%s'", name);
    trt_status_t status = trt_dims_volume_checked(dims, trt_data_type_size(input->type), what,
                                                  &volume);
    if (status != TRT_STATUS_OK)
      return status;
  }
  input->dims = *dims;
  return TRT_STATUS_OK;
}

/* ---- accessors ---------------------------------------------------------- */

int trt_network_num_tensors(const trt_network_t *network) { return network->nb_tensors; }
int trt_network_num_layers(const trt_network_t *network) { return network->nb_layers; }
int trt_network_num_inputs(const trt_network_t *network) { return network->nb_inputs; }
int trt_network_num_outputs(const trt_network_t *network) { return network->nb_outputs; }

int trt_network_input(const trt_network_t *network, int index) {
  return (index >= 0 && index < network->nb_inputs) ? network->inputs[index] : -1;
}

int trt_network_output(const trt_network_t *network, int index) {
  return (index >= 0 && index < network->nb_outputs) ? network->outputs[index] : -1;
}

int trt_network_find_tensor(const trt_network_t *network, const char *name) {
  if (!network || !name)
    return -1;
  const trt_name_index_t *index = &network->names;
  if (index->slots) {
    size_t mask = (size_t)index->capacity - 1;
    for (size_t slot = (size_t)name_hash(name) & mask;; slot = (slot + 1) & mask) {
      int held = index->slots[slot] - 1;
      if (held < 0)
        return -1;
      if (strcmp(network->tensors[held].name, name) == 0)
        return held;
    }
  }
  for (int i = 0; i < network->nb_tensors; i++)
    if (strcmp(network->tensors[i].name, name) == 0)
      return i;
  return -1;
}

const char *trt_network_tensor_name(const trt_network_t *network, int tensor) {
  return valid_tensor(network, tensor) ? network->tensors[tensor].name : NULL;
}

trt_data_type_t trt_network_tensor_type(const trt_network_t *network, int tensor) {
  return valid_tensor(network, tensor) ? network->tensors[tensor].type : TRT_DATA_TYPE_COUNT;
}

trt_dims_t trt_network_tensor_dims(const trt_network_t *network, int tensor) {
  trt_dims_t none = {.nb_dims = -1};
  return valid_tensor(network, tensor) ? network->tensors[tensor].dims : none;
}

const void *trt_network_tensor_data(const trt_network_t *network, int tensor) {
  return valid_tensor(network, tensor) ? network->tensors[tensor].data : NULL;
}

trt_layer_type_t trt_network_layer_type(const trt_network_t *network, int layer) {
  return valid_layer(network, layer) ? network->layers[layer].type : TRT_LAYER_COUNT;
}

const char *trt_network_layer_name(const trt_network_t *network, int layer) {
  return valid_layer(network, layer) ? network->layers[layer].name : NULL;
}

int trt_network_layer_num_inputs(const trt_network_t *network, int layer) {
  return valid_layer(network, layer) ? network->layers[layer].nb_inputs : -1;
}

int trt_network_layer_input(const trt_network_t *network, int layer, int index) {
  if (!valid_layer(network, layer) || index < 0 || index >= network->layers[layer].nb_inputs)
    return -1;
  return network->layers[layer].inputs[index];
}

int trt_network_layer_num_outputs(const trt_network_t *network, int layer) {
  return valid_layer(network, layer) ? network->layers[layer].nb_outputs : -1;
}

int trt_network_layer_output(const trt_network_t *network, int layer, int index) {
  if (!valid_layer(network, layer) || index < 0 || index >= network->layers[layer].nb_outputs)
    return -1;
  return network->layers[layer].outputs[index];
}

const void *trt_network_layer_params(const trt_network_t *network, int layer) {
  return valid_layer(network, layer) ? network->layers[layer].params : NULL;
}

int64_t trt_tensor_get_int(const trt_tensor_t *tensor, int64_t i) {
  switch (tensor->type) {
  case TRT_DATA_TYPE_INT64: return ((const int64_t *)tensor->data)[i];
  case TRT_DATA_TYPE_INT32: return ((const int32_t *)tensor->data)[i];
  case TRT_DATA_TYPE_FLOAT32: return (int64_t)((const float *)tensor->data)[i];
  case TRT_DATA_TYPE_FLOAT64: return (int64_t)((const double *)tensor->data)[i];
  case TRT_DATA_TYPE_INT8: return ((const int8_t *)tensor->data)[i];
  case TRT_DATA_TYPE_UINT8:
  case TRT_DATA_TYPE_BOOL: return ((const uint8_t *)tensor->data)[i];
  default: return 0;
  }
}

double trt_tensor_get_double(const trt_tensor_t *tensor, int64_t i) {
  switch (tensor->type) {
  case TRT_DATA_TYPE_FLOAT32: return ((const float *)tensor->data)[i];
  case TRT_DATA_TYPE_FLOAT64: return ((const double *)tensor->data)[i];
  default: return (double)trt_tensor_get_int(tensor, i);
  }
}

/* ---- copying, ordering, pruning ---------------------------------------- */

static bool copy_tensor(trt_tensor_t *to, const trt_tensor_t *from) {
  *to = *from;
  to->name = strdup(from->name);
  to->data = NULL;
  if (from->data) {
    size_t bytes = trt_tensor_bytes(from);
    to->data = bytes <= PTRDIFF_MAX ? malloc(bytes ? bytes : 1) : NULL;
    if (to->data && bytes)
      memcpy(to->data, from->data, bytes);
  }
  return to->name && (!from->data || to->data);
}

static bool copy_layer(trt_layer_t *to, const trt_layer_t *from) {
  size_t params_size = trt_layer_descriptor(from->type)->params_size;
  *to = *from;
  to->name = strdup(from->name);
  to->inputs = malloc((size_t)(from->nb_inputs ? from->nb_inputs : 1) * sizeof(int));
  to->outputs = malloc((size_t)from->nb_outputs * sizeof(int));
  to->params = params_size ? malloc(params_size) : NULL;
  if (!to->name || !to->inputs || !to->outputs || (params_size && !to->params))
    return false;
  memcpy(to->inputs, from->inputs, (size_t)from->nb_inputs * sizeof(int));
  memcpy(to->outputs, from->outputs, (size_t)from->nb_outputs * sizeof(int));
  if (params_size)
    memcpy(to->params, from->params, params_size);
  return true;
}

trt_network_t *trt_network_clone(const trt_network_t *network) {
  trt_network_t *copy = trt_network_create();
  if (!copy)
    return NULL;
  copy->tensors = calloc((size_t)(network->nb_tensors ? network->nb_tensors : 1), sizeof(trt_tensor_t));
  copy->layers = calloc((size_t)(network->nb_layers ? network->nb_layers : 1), sizeof(trt_layer_t));
  copy->inputs = malloc((size_t)(network->nb_inputs ? network->nb_inputs : 1) * sizeof(int));
  copy->outputs = malloc((size_t)(network->nb_outputs ? network->nb_outputs : 1) * sizeof(int));
  if (!copy->tensors || !copy->layers || !copy->inputs || !copy->outputs)
    goto out_of_memory;
  copy->tensor_capacity = network->nb_tensors ? network->nb_tensors : 1;
  copy->layer_capacity = network->nb_layers ? network->nb_layers : 1;
  for (int i = 0; i < network->nb_tensors; i++) {
    copy->nb_tensors = i + 1;
    if (!copy_tensor(&copy->tensors[i], &network->tensors[i]))
      goto out_of_memory;
  }
  for (int i = 0; i < network->nb_layers; i++) {
    copy->nb_layers = i + 1;
    if (!copy_layer(&copy->layers[i], &network->layers[i]))
      goto out_of_memory;
  }
  copy->nb_inputs = network->nb_inputs;
  copy->nb_outputs = network->nb_outputs;
  if (network->nb_inputs)
    memcpy(copy->inputs, network->inputs, (size_t)network->nb_inputs * sizeof(int));
  if (network->nb_outputs)
    memcpy(copy->outputs, network->outputs, (size_t)network->nb_outputs * sizeof(int));
  name_index_rebuild(copy);
  return copy;

out_of_memory:
  trt_network_destroy(copy);
  trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory copying the network");
  return NULL;
}

trt_status_t trt_network_sort(trt_network_t *network) {
  int count = network->nb_layers;
  if (count == 0)
    return TRT_STATUS_OK;
  trt_layer_t *sorted = malloc((size_t)count * sizeof(trt_layer_t));
  bool *placed = calloc((size_t)count, sizeof(bool));
  bool *ready = calloc((size_t)(network->nb_tensors ? network->nb_tensors : 1), sizeof(bool));
  if (!sorted || !placed || !ready) {
    free(sorted);
    free(placed);
    free(ready);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory sorting layers");
  }
  for (int t = 0; t < network->nb_tensors; t++)
    ready[t] = network->tensors[t].producer < 0;
  /* Repeated sweeps keep the original order among independent layers, which
   * keeps logs and profiles in the order users wrote the model. */
  int done = 0;
  bool progress = true;
  while (done < count && progress) {
    progress = false;
    for (int l = 0; l < count; l++) {
      if (placed[l])
        continue;
      const trt_layer_t *layer = &network->layers[l];
      bool inputs_ready = true;
      for (int i = 0; i < layer->nb_inputs; i++)
        if (layer->inputs[i] >= 0 && !ready[layer->inputs[i]])
          inputs_ready = false;
      if (!inputs_ready)
        continue;
      for (int o = 0; o < layer->nb_outputs; o++)
        ready[layer->outputs[o]] = true;
      placed[l] = true;
      sorted[done++] = *layer;
      progress = true;
    }
  }
  trt_status_t status = TRT_STATUS_OK;
  if (done < count) {
    const char *stuck = "?";
    for (int l = 0; l < count; l++)
      if (!placed[l]) {
        stuck = network->layers[l].name;
        break;
      }
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "the network has a cycle or an input nothing produces (at layer '%s')",
                       stuck);
  } else {
    memcpy(network->layers, sorted, (size_t)count * sizeof(trt_layer_t));
    for (int l = 0; l < count; l++)
      for (int o = 0; o < network->layers[l].nb_outputs; o++)
        network->tensors[network->layers[l].outputs[o]].producer = l;
  }
  free(sorted);
  free(placed);
  free(ready);
  return status;
}

void trt_network_remove_layers(trt_network_t *network, trt_layer_filter_fn remove,
                               void *user_data) {
  int kept = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    if (remove(network, layer, l, user_data))
      free_layer(layer);
    else
      network->layers[kept++] = *layer;
  }
  network->nb_layers = kept;
  for (int t = 0; t < network->nb_tensors; t++)
    network->tensors[t].producer = -1;
  for (int l = 0; l < kept; l++)
    for (int o = 0; o < network->layers[l].nb_outputs; o++)
      network->tensors[network->layers[l].outputs[o]].producer = l;
}

static bool layer_dead(const trt_network_t *network, const trt_layer_t *layer, int index,
                       void *layer_live) {
  (void)network;
  (void)layer;
  return !((const bool *)layer_live)[index];
}

trt_status_t trt_network_prune(trt_network_t *network) {
  int tensors = network->nb_tensors, layers = network->nb_layers;
  bool *tensor_used = calloc((size_t)(tensors ? tensors : 1), sizeof(bool));
  bool *layer_live = calloc((size_t)(layers ? layers : 1), sizeof(bool));
  int *tensor_map = malloc((size_t)(tensors ? tensors : 1) * sizeof(int));
  if (!tensor_used || !layer_live || !tensor_map) {
    free(tensor_used);
    free(layer_live);
    free(tensor_map);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory pruning the network");
  }
  /* Walk backwards from the outputs: layers are in topological order. */
  for (int i = 0; i < network->nb_outputs; i++)
    tensor_used[network->outputs[i]] = true;
  for (int l = layers - 1; l >= 0; l--) {
    const trt_layer_t *layer = &network->layers[l];
    for (int o = 0; o < layer->nb_outputs; o++)
      if (tensor_used[layer->outputs[o]])
        layer_live[l] = true;
    if (!layer_live[l])
      continue;
    for (int i = 0; i < layer->nb_inputs; i++)
      if (layer->inputs[i] >= 0)
        tensor_used[layer->inputs[i]] = true;
  }
  /* A view's parent holds its memory. */
  for (int t = 0; t < tensors; t++)
    if (tensor_used[t] && network->tensors[t].view_parent >= 0)
      tensor_used[network->tensors[t].view_parent] = true;
  /* Inputs stay even when unused: they are the network's interface. */
  for (int i = 0; i < network->nb_inputs; i++)
    tensor_used[network->inputs[i]] = true;
  /* Outputs of a live layer stay (a split's unused part is still written). */
  for (int l = 0; l < layers; l++)
    for (int o = 0; layer_live[l] && o < network->layers[l].nb_outputs; o++)
      tensor_used[network->layers[l].outputs[o]] = true;
  trt_network_remove_layers(network, layer_dead, layer_live);
  int kept_layers = network->nb_layers;
  int kept_tensors = 0;
  for (int t = 0; t < tensors; t++) {
    if (tensor_used[t]) {
      tensor_map[t] = kept_tensors;
      network->tensors[kept_tensors++] = network->tensors[t];
    } else {
      tensor_map[t] = -1;
      free(network->tensors[t].name);
      if (trt_network_owns_data(network, &network->tensors[t]))
        free(network->tensors[t].data);
    }
  }
  network->nb_tensors = kept_tensors;
  for (int l = 0; l < kept_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      if (layer->inputs[i] >= 0)
        layer->inputs[i] = tensor_map[layer->inputs[i]];
    for (int o = 0; o < layer->nb_outputs; o++) {
      layer->outputs[o] = tensor_map[layer->outputs[o]];
      network->tensors[layer->outputs[o]].producer = l;
    }
  }
  for (int i = 0; i < network->nb_inputs; i++)
    network->inputs[i] = tensor_map[network->inputs[i]];
  for (int i = 0; i < network->nb_outputs; i++)
    network->outputs[i] = tensor_map[network->outputs[i]];
  for (int t = 0; t < kept_tensors; t++)
    if (network->tensors[t].view_parent >= 0)
      network->tensors[t].view_parent = tensor_map[network->tensors[t].view_parent];
  name_index_rebuild(network);
  free(tensor_used);
  free(layer_live);
  free(tensor_map);
  return TRT_STATUS_OK;
}
