/* Graph helpers shared by the passes. */
#include "passes/pass_util.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void trt_pass_note(trt_pass_stats_t *stats, const char *format, ...) {
  stats->rewrites++;
  if (!stats->log)
    return;
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  trt_log(TRT_SEVERITY_VERBOSE, "  %s: %s", stats->pass_name, message);
}

/* ---- who reads what -------------------------------------------------------
 *
 * Scanning every layer to answer "who reads this tensor" made the passes
 * quadratic in layers (40,000 chained layers took seconds). While the
 * manager runs a pass (trt_pass_index_begin/end) an index answers instead:
 * per tensor the number of live reads, the sum of the reading layers'
 * indices (the reader itself when there is one read) and the number of
 * views it is the parent of. Every helper here that changes reads or views
 * keeps it exact, and passes change reads only through them. Builds without
 * NDEBUG (the sanitizer build) check every answer against a scan, on
 * networks of up to CHECKED_LAYERS layers, and make the pass fail on a
 * difference. Without an index (a pass run alone, as
 * the pass tests do) the queries scan. */
typedef struct {
  const trt_network_t *network;
  int capacity;
  int *reads;
  int64_t *reader_sum;
  int *views;
  bool out_of_date; /* a checked answer differed from the scan */
} reader_index_t;

static _Thread_local reader_index_t *active_index;

static reader_index_t *index_for(const trt_network_t *network) {
  return active_index && active_index->network == network ? active_index : NULL;
}

/* Room for every tensor (passes add constants); false when out of memory,
 * which drops the index (the queries then scan). */
static bool index_fit(reader_index_t *index, int nb_tensors) {
  if (nb_tensors <= index->capacity)
    return true;
  int capacity = nb_tensors * 2 + 16;
  int *reads = realloc(index->reads, (size_t)capacity * sizeof(int));
  if (reads)
    index->reads = reads;
  int64_t *sum = realloc(index->reader_sum, (size_t)capacity * sizeof(int64_t));
  if (sum)
    index->reader_sum = sum;
  int *views = realloc(index->views, (size_t)capacity * sizeof(int));
  if (views)
    index->views = views;
  if (!reads || !sum || !views)
    return false;
  for (int t = index->capacity; t < capacity; t++) {
    index->reads[t] = 0;
    index->reader_sum[t] = 0;
    index->views[t] = 0;
  }
  index->capacity = capacity;
  return true;
}

static void index_release(reader_index_t *index) {
  free(index->reads);
  free(index->reader_sum);
  free(index->views);
  free(index);
}

static void count_reads(const trt_network_t *network, int layer, int direction) {
  reader_index_t *index = index_for(network);
  const trt_layer_t *l = &network->layers[layer];
  if (!index)
    return;
  if (!index_fit(index, network->nb_tensors)) {
    active_index = NULL;
    index_release(index);
    return;
  }
  for (int i = 0; i < l->nb_inputs; i++) {
    if (l->inputs[i] < 0)
      continue;
    index->reads[l->inputs[i]] += direction;
    index->reader_sum[l->inputs[i]] += direction * (int64_t)layer;
  }
}

trt_status_t trt_pass_index_begin(const trt_network_t *network) {
  trt_pass_index_end();
  reader_index_t *index = calloc(1, sizeof(*index));
  if (!index || !index_fit(index, network->nb_tensors)) {
    if (index)
      index_release(index);
    return TRT_STATUS_OK; /* the queries scan */
  }
  index->network = network;
  active_index = index;
  for (int l = 0; l < network->nb_layers; l++)
    count_reads(network, l, +1);
  for (int t = 0; active_index && t < network->nb_tensors; t++)
    if (network->tensors[t].view_parent >= 0)
      index->views[network->tensors[t].view_parent]++;
  return TRT_STATUS_OK;
}

trt_status_t trt_pass_index_end(void) {
  reader_index_t *index = active_index;
  active_index = NULL;
  if (!index)
    return TRT_STATUS_OK;
  bool out_of_date = index->out_of_date;
  index_release(index);
  return out_of_date ? trt_error(TRT_STATUS_INTERNAL_ERROR,
                                 "the optimizer's reader index went out of date: a pass changed "
                                 "reads without the pass_util helpers")
                     : TRT_STATUS_OK;
}

/* Builds with assertions compare an indexed answer with the scan's (on
 * networks of real size: a scan per query is what the index avoids). */
#define CHECKED_LAYERS 4096
static int checked(reader_index_t *index, int indexed, int scanned) {
#ifndef NDEBUG
  if (index->network->nb_layers <= CHECKED_LAYERS && indexed != scanned) {
    index->out_of_date = true;
    return scanned;
  }
#else
  (void)index;
  (void)scanned;
#endif
  return indexed;
}

#ifndef NDEBUG
#define SCANNED(expression) (network->nb_layers <= CHECKED_LAYERS ? (expression) : 0)
#else
#define SCANNED(expression) 0
#endif

static int scan_read_count(const trt_network_t *network, int tensor, int *reader) {
  int count = 0;
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++) {
      if (layer->inputs[i] == tensor) {
        *reader = l;
        count++;
      }
    }
  }
  return count;
}

static bool scan_is_view_parent(const trt_network_t *network, int tensor) {
  for (int t = 0; t < network->nb_tensors; t++)
    if (network->tensors[t].view_parent == tensor)
      return true;
  return false;
}

int trt_pass_read_count(const trt_network_t *network, int tensor) {
  int reader = -1;
  reader_index_t *index = index_for(network);
  if (!index || !index_fit(index, network->nb_tensors))
    return scan_read_count(network, tensor, &reader);
  return checked(index, index->reads[tensor], SCANNED(scan_read_count(network, tensor, &reader)));
}

static int scan_only_reader(const trt_network_t *network, int tensor) {
  int reader = -1;
  return scan_read_count(network, tensor, &reader) == 1 ? reader : -1;
}

int trt_pass_only_reader(const trt_network_t *network, int tensor) {
  reader_index_t *index = index_for(network);
  if (!index || !index_fit(index, network->nb_tensors))
    return scan_only_reader(network, tensor);
  int indexed = index->reads[tensor] == 1 ? (int)index->reader_sum[tensor] : -1;
  return checked(index, indexed, SCANNED(scan_only_reader(network, tensor)));
}

static bool is_view_parent(const trt_network_t *network, int tensor) {
  reader_index_t *index = index_for(network);
  if (!index || !index_fit(index, network->nb_tensors))
    return scan_is_view_parent(network, tensor);
  return checked(index, index->views[tensor] > 0, SCANNED(scan_is_view_parent(network, tensor)));
}

bool trt_pass_is_internal(const trt_network_t *network, int tensor) {
  const trt_tensor_t *t = &network->tensors[tensor];
  return t->producer >= 0 && !t->is_output && !t->is_input && !t->data && t->view_parent < 0 &&
         !is_view_parent(network, tensor);
}

int trt_pass_fusible_reader(const trt_network_t *network, int tensor) {
  return trt_pass_is_internal(network, tensor) ? trt_pass_only_reader(network, tensor) : -1;
}

/* ---- changing the graph ---------------------------------------------------- */

void trt_pass_drop_layer(trt_network_t *network, int layer) {
  count_reads(network, layer, -1);
  network->layers[layer].nb_inputs = 0;
  network->layers[layer].nb_outputs = 0;
}

static bool layer_dropped(const trt_network_t *network, const trt_layer_t *layer, int index,
                          void *user_data) {
  (void)network;
  (void)index;
  (void)user_data;
  return trt_pass_dropped(layer);
}

trt_status_t trt_pass_compact(trt_network_t *network) {
  trt_network_remove_layers(network, layer_dropped, NULL);
  return trt_network_prune(network);
}

trt_status_t trt_pass_set_inputs(trt_network_t *network, int layer, const int *inputs,
                                 int nb_inputs) {
  trt_layer_t *l = &network->layers[layer];
  int *copy = malloc((size_t)(nb_inputs ? nb_inputs : 1) * sizeof(int));
  if (!copy)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory rewriting '%s'", l->name);
  memcpy(copy, inputs, (size_t)nb_inputs * sizeof(int));
  count_reads(network, layer, -1);
  free(l->inputs);
  l->inputs = copy;
  l->nb_inputs = nb_inputs;
  count_reads(network, layer, +1);
  return TRT_STATUS_OK;
}

void trt_pass_make_view(trt_network_t *network, int tensor, int parent, int axis,
                        int64_t offset) {
  reader_index_t *index = index_for(network);
  trt_tensor_t *view = &network->tensors[tensor];
  if (index && index_fit(index, network->nb_tensors)) {
    if (view->view_parent >= 0)
      index->views[view->view_parent]--;
    index->views[parent]++;
  }
  view->view_parent = parent;
  view->view_axis = axis;
  view->view_offset = offset;
}

/* Rewires one layer's reads of `from` to `to`. */
static void rewire_layer(trt_network_t *network, int layer, int from, int to) {
  trt_layer_t *l = &network->layers[layer];
  bool reads = false;
  for (int i = 0; i < l->nb_inputs; i++)
    reads = reads || l->inputs[i] == from;
  if (!reads)
    return;
  count_reads(network, layer, -1);
  for (int i = 0; i < l->nb_inputs; i++)
    if (l->inputs[i] == from)
      l->inputs[i] = to;
  count_reads(network, layer, +1);
}

void trt_pass_replace_reads(trt_network_t *network, int from, int to) {
  reader_index_t *index = index_for(network);
  if (index && index_fit(index, network->nb_tensors) && index->reads[from] <= 1) {
    if (index->reads[from] == 1)
      rewire_layer(network, (int)index->reader_sum[from], from, to);
#ifndef NDEBUG
    int reader = -1;
    if (network->nb_layers <= CHECKED_LAYERS && scan_read_count(network, from, &reader) != 0)
      index->out_of_date = true;
#endif
    return;
  }
  for (int l = 0; l < network->nb_layers; l++)
    rewire_layer(network, l, from, to);
}

void trt_pass_set_output(trt_network_t *network, int layer, int index, int tensor) {
  int old = network->layers[layer].outputs[index];
  network->tensors[old].producer = -1;
  network->layers[layer].outputs[index] = tensor;
  network->tensors[tensor].producer = layer;
}

trt_status_t trt_pass_append_name(trt_layer_t *layer, const char *suffix) {
  size_t length = strlen(layer->name) + strlen(suffix) + 4;
  char *joined = malloc(length);
  if (!joined)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory naming a fused layer");
  snprintf(joined, length, "%s + %s", layer->name, suffix);
  free(layer->name);
  layer->name = joined;
  return TRT_STATUS_OK;
}

int trt_pass_add_float_constant(trt_network_t *network, const char *base, const trt_dims_t *dims,
                                const float *data) {
  char name[512];
  snprintf(name, sizeof(name), "%s", base);
  for (int suffix = 1; trt_network_find_tensor(network, name) >= 0; suffix++)
    snprintf(name, sizeof(name), "%s_%d", base, suffix);
  return trt_network_add_constant(network, name, TRT_DATA_TYPE_FLOAT32, dims, data);
}

bool trt_pass_per_channel(const trt_dims_t *dims, int rank, int64_t channels) {
  int64_t volume = trt_dims_volume(dims);
  if (volume == 1)
    return dims->nb_dims <= rank;
  if (volume != channels || dims->nb_dims > rank || rank < 2)
    return false;
  /* Right-aligned broadcasting: the channel count must sit on axis 1. */
  int channel_axis = dims->nb_dims - (rank - 1);
  return channel_axis >= 0 && dims->d[channel_axis] == channels;
}

/* The one step an Elementwise with scalar constant `c` computes, the
 * variable operand first or not; false when no step is exact. Multiplying
 * adds -0 and shifting multiplies by +-1, which change nothing, so the step
 * rounds once like the operation it replaces. */
static bool scalar_step(trt_elementwise_kind_t kind, float c, bool variable_first,
                        trt_activation_t *step) {
  switch (kind) {
  case TRT_ELEMENTWISE_ADD: *step = (trt_activation_t){TRT_ACTIVATION_SCALE_SHIFT, 1.0f, c}; break;
  case TRT_ELEMENTWISE_MUL:
    *step = (trt_activation_t){TRT_ACTIVATION_SCALE_SHIFT, c, -0.0f};
    break;
  case TRT_ELEMENTWISE_SUB:
    *step = variable_first ? (trt_activation_t){TRT_ACTIVATION_SCALE_SHIFT, 1.0f, -c}
                           : (trt_activation_t){TRT_ACTIVATION_SCALE_SHIFT, -1.0f, c};
    break;
  case TRT_ELEMENTWISE_DIV: {
    /* x / 2^k == x * 2^-k exactly (one rounding of the same real value);
     * other divisors would round differently. */
    int exponent;
    float inverse = 1.0f / c;
    if (!variable_first || !isnormal(c) || !isnormal(inverse) ||
        fabsf(frexpf(c, &exponent)) != 0.5f)
      return false;
    *step = (trt_activation_t){TRT_ACTIVATION_SCALE_SHIFT, inverse, -0.0f};
    break;
  }
  case TRT_ELEMENTWISE_POW:
    if (!variable_first)
      return false;
    *step = (trt_activation_t){TRT_ACTIVATION_POWER, c, 0.0f};
    break;
  default: return false;
  }
  return true;
}

int trt_pass_pointwise_steps(const trt_network_t *network, const trt_layer_t *layer, int *input,
                             trt_activation_t *steps) {
  if (trt_pass_dropped(layer) || layer->nb_outputs != 1 || layer->nb_inputs < 1)
    return 0;
  const trt_tensor_t *y = trt_layer_output(network, layer, 0);
  if (layer->type == TRT_LAYER_UNARY && layer->nb_inputs == 1) {
    const trt_unary_params_t *params = layer->params;
    const trt_tensor_t *x = trt_layer_input(network, layer, 0);
    if (!x || x->type != TRT_DATA_TYPE_FLOAT32 || y->type != TRT_DATA_TYPE_FLOAT32 ||
        params->nb_then < 0 || params->nb_then >= TRT_MAX_UNARY_CHAIN)
      return 0;
    *input = layer->inputs[0];
    steps[0] = params->op;
    for (int s = 0; s < params->nb_then; s++)
      steps[s + 1] = params->then[s];
    return 1 + params->nb_then;
  }
  if (layer->type != TRT_LAYER_ELEMENTWISE || layer->nb_inputs != 2)
    return 0;
  const trt_tensor_t *a = trt_layer_input(network, layer, 0);
  const trt_tensor_t *b = trt_layer_input(network, layer, 1);
  if (!a || !b || (a->data != NULL) == (b->data != NULL))
    return 0;
  bool variable_first = b->data != NULL;
  const trt_tensor_t *x = variable_first ? a : b, *c = variable_first ? b : a;
  if (x->type != TRT_DATA_TYPE_FLOAT32 || c->type != TRT_DATA_TYPE_FLOAT32 ||
      y->type != TRT_DATA_TYPE_FLOAT32 || trt_dims_volume(&c->dims) != 1 ||
      c->dims.nb_dims > x->dims.nb_dims || !trt_dims_equal(&x->dims, &y->dims))
    return 0;
  trt_elementwise_kind_t kind = ((const trt_elementwise_params_t *)layer->params)->kind;
  if (!scalar_step(kind, *(const float *)c->data, variable_first, &steps[0]))
    return 0;
  *input = layer->inputs[variable_first ? 0 : 1];
  return 1;
}
