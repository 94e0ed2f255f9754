/* Memory formats of a specialized network (see formats.h).
 *
 * 1. Union-find over tensors: a view joins its parent; a SAME layer joins
 *    all its activations that are not format-free.
 * 2. A group goes channels-last when every activation in it qualifies
 *    (rank 4, float16, no network input or output, views one level deep
 *    along the channels) and a convolution reads or writes it.
 * 3. A LINEAR layer reads a linear twin of each channels-last input (one
 *    Cast per tensor, shared by its readers) and writes a linear tensor
 *    that a Cast reformats into each channels-last output.
 * 4. Weights of channels-last convolutions become channels-last copies
 *    (KRSC), which cuDNN's NHWC kernels read. A convolution's output that
 *    was a view of a concat's output (concat elimination) stops being one:
 *    cuDNN's NHWC kernels write packed tensors only, and in a channels-last
 *    parent a view along the channels is strided at every pixel. Its concat
 *    then copies it (the others still write in place).
 * 5. The network is sorted again (casts were appended). */
#include "formats.h"

#include <stdlib.h>
#include <string.h>

#include "layer_registry.h"

const char *trt_tensor_format_name(trt_tensor_format_t format) {
  switch (format) {
  case TRT_FORMAT_LINEAR: return "linear";
  case TRT_FORMAT_CHANNELS_LAST: return "nhwc";
  default: return "?";
  }
}

bool trt_tensor_format_free(const trt_tensor_t *tensor) {
  const trt_dims_t *dims = &tensor->dims;
  if (dims->nb_dims < 3 || dims->d[1] == 1)
    return true;
  int64_t spatial = 1;
  for (int d = 2; d < dims->nb_dims; d++)
    spatial *= dims->d[d];
  return spatial == 1;
}

static int find(int *parent, int t) {
  while (parent[t] != t) {
    parent[t] = parent[parent[t]];
    t = parent[t];
  }
  return t;
}

static void unite(int *parent, int a, int b) {
  a = find(parent, a);
  b = find(parent, b);
  if (a != b)
    parent[a < b ? b : a] = a < b ? a : b;
}

/* Operand k of a layer: its inputs, then its outputs. */
static int operand(const trt_layer_t *layer, int k) {
  return k < layer->nb_inputs ? layer->inputs[k] : layer->outputs[k - layer->nb_inputs];
}

/* A tensor whose format matters (an activation whose two layouts differ). */
static bool matters(const trt_network_t *network, int t) {
  return t >= 0 && !network->tensors[t].data && !trt_tensor_format_free(&network->tensors[t]);
}

/* Why tensor t keeps its group linear; NULL when it may go channels-last. */
static const char *disqualifies(const trt_network_t *network, int t) {
  const trt_tensor_t *tensor = &network->tensors[t];
  if (tensor->is_input || tensor->is_output)
    return "a network input or output";
  if (tensor->dims.nb_dims != 4)
    return "not rank 4";
  if (tensor->type != TRT_DATA_TYPE_FLOAT16)
    return "not float16";
  if (tensor->view_parent >= 0 &&
      (tensor->view_axis != 1 || network->tensors[tensor->view_parent].view_parent >= 0))
    return "a view along other dims than the channels, or of a view";
  return NULL;
}

typedef struct {
  trt_network_t *network;
  int nb_tensors, nb_layers; /* before any rewrite */
  trt_layer_formats_t *kind; /* per layer */
  int *parent;               /* union-find */
  const char **why_linear;   /* per root: NULL, or the first reason found */
  bool *has_conv;            /* per root */
  int *twins;                /* per tensor: linear twin + 1 (0: none yet) */
  trt_format_report_t report;
} formats_t;

/* Steps 1 and 2. */
static void choose_groups(formats_t *f) {
  trt_network_t *network = f->network;
  for (int t = 0; t < f->nb_tensors; t++) {
    f->parent[t] = t;
    f->why_linear[t] = NULL;
  }
  for (int t = 0; t < f->nb_tensors; t++)
    if (network->tensors[t].view_parent >= 0)
      unite(f->parent, t, network->tensors[t].view_parent);
  for (int l = 0; l < f->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (f->kind[l] != TRT_LAYER_FORMATS_SAME)
      continue;
    int anchor = -1;
    for (int k = 0; k < layer->nb_inputs + layer->nb_outputs; k++) {
      int t = operand(layer, k);
      if (!matters(network, t))
        continue;
      if (anchor < 0)
        anchor = t;
      else
        unite(f->parent, anchor, t);
    }
  }
  /* after every union: a root found earlier may have joined another group */
  for (int l = 0; l < f->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (f->kind[l] != TRT_LAYER_FORMATS_SAME || layer->type != TRT_LAYER_CONVOLUTION)
      continue;
    for (int k = 0; k < layer->nb_inputs + layer->nb_outputs; k++) {
      int t = operand(layer, k);
      if (matters(network, t))
        f->has_conv[find(f->parent, t)] = true;
    }
  }
  for (int t = 0; t < f->nb_tensors; t++) {
    if (network->tensors[t].data)
      continue;
    int root = find(f->parent, t);
    const char *why = disqualifies(network, t);
    if (why && !f->why_linear[root])
      f->why_linear[root] = why;
  }
}

static bool channels_last(const formats_t *f, int t) {
  return t >= 0 && f->network->tensors[t].format == TRT_FORMAT_CHANNELS_LAST;
}

/* A reformat: a Cast of tensor `from` into `to`, the same type in another
 * format, named after `name_of`; false on error. */
static bool add_reformat(formats_t *f, int from, int to, int name_of) {
  trt_network_t *network = f->network;
  trt_cast_params_t params = {.to = network->tensors[from].type};
  if (trt_network_append_layer(network, TRT_LAYER_CAST, network->tensors[name_of].name, &from, 1,
                               &to, 1, &params) < 0)
    return false;
  f->report.reformats++;
  return true;
}

/* Step 3 for layer l (LINEAR): each channels-last input read through its
 * linear twin (one per tensor), each channels-last output written as a
 * linear tensor reformatted into it. */
static trt_status_t linearize_layer(formats_t *f, int l) {
  trt_network_t *network = f->network;
  for (int k = 0; k < network->layers[l].nb_inputs + network->layers[l].nb_outputs; k++) {
    const bool is_input = k < network->layers[l].nb_inputs;
    int t = operand(&network->layers[l], k);
    if (!channels_last(f, t) || !matters(network, t))
      continue;
    int linear = is_input ? f->twins[t] - 1 : -1;
    if (linear < 0) {
      linear = trt_network_add_tensor_like(network, t, network->tensors[t].type, "/linear");
      bool ok = linear >= 0 &&
                (is_input ? add_reformat(f, t, linear, linear) : add_reformat(f, linear, t, t));
      if (!ok)
        return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "formats: ");
      if (is_input)
        f->twins[t] = linear + 1;
    }
    if (is_input) {
      network->layers[l].inputs[k] = linear;
    } else {
      network->layers[l].outputs[k - network->layers[l].nb_inputs] = linear;
      network->tensors[linear].producer = l;
    }
  }
  return TRT_STATUS_OK;
}

/* Step 4: a KRSC copy of the weights of convolution l. */
static trt_status_t weights_channels_last(formats_t *f, int l) {
  trt_network_t *network = f->network;
  int w = network->layers[l].nb_inputs > 1 ? network->layers[l].inputs[1] : -1;
  if (w < 0 || !network->tensors[w].data || network->tensors[w].format != TRT_FORMAT_LINEAR ||
      network->tensors[w].dims.nb_dims != 4)
    return TRT_STATUS_OK;
  const trt_tensor_t *source = &network->tensors[w];
  const int64_t k = source->dims.d[0], c = source->dims.d[1];
  const int64_t taps = source->dims.d[2] * source->dims.d[3];
  const size_t element = trt_data_type_size(source->type);
  const size_t bytes = trt_tensor_bytes(source);
  unsigned char *permuted = malloc(bytes ? bytes : 1);
  if (!permuted)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory reordering '%s'", source->name);
  const unsigned char *from = source->data;
  for (int64_t ko = 0; ko < k; ko++)
    for (int64_t ci = 0; ci < c; ci++)
      for (int64_t tap = 0; tap < taps; tap++)
        memcpy(permuted + (size_t)((ko * taps + tap) * c + ci) * element,
               from + (size_t)((ko * c + ci) * taps + tap) * element, element);
  char name[512];
  trt_network_unique_name(network, source->name, "/krsc", name, sizeof(name));
  trt_dims_t dims = source->dims;
  int made = trt_network_add_constant(network, name, source->type, &dims, permuted);
  free(permuted);
  if (made < 0)
    return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "formats: ");
  network->tensors[made].format = TRT_FORMAT_CHANNELS_LAST;
  network->layers[l].inputs[1] = made;
  f->report.weights++;
  return TRT_STATUS_OK;
}

/* Step 4: views written by convolutions in channels-last groups. */
static void detach_conv_views(formats_t *f) {
  trt_network_t *network = f->network;
  for (int t = 0; t < network->nb_tensors; t++) {
    trt_tensor_t *tensor = &network->tensors[t];
    if (tensor->view_parent < 0 || tensor->producer < 0 ||
        network->tensors[tensor->view_parent].format != TRT_FORMAT_CHANNELS_LAST ||
        network->layers[tensor->producer].type != TRT_LAYER_CONVOLUTION)
      continue;
    tensor->view_parent = -1;
    tensor->view_axis = 0;
    tensor->view_offset = 0;
    f->report.detached_views++;
  }
  for (int l = 0; l < network->nb_layers; l++) {
    trt_layer_t *layer = &network->layers[l];
    trt_concat_params_t *params = layer->params;
    if (layer->type != TRT_LAYER_CONCAT || !params->in_place)
      continue;
    for (int i = 0; i < layer->nb_inputs; i++)
      if (layer->inputs[i] >= 0 &&
          network->tensors[layer->inputs[i]].view_parent != layer->outputs[0])
        params->in_place = false;
  }
}

static void log_groups(const formats_t *f, bool *chosen) {
  const trt_network_t *network = f->network;
  for (int t = 0; t < f->nb_tensors; t++) {
    if (find(f->parent, t) != t || !f->has_conv[t])
      continue;
    trt_log(TRT_SEVERITY_VERBOSE, "  format: group of '%s': %s%s%s", network->tensors[t].name,
            chosen[t] ? "nhwc" : "linear", chosen[t] ? "" : " (",
            chosen[t] ? "" : f->why_linear[t]);
  }
}

trt_status_t trt_network_choose_formats(trt_network_t *network, trt_layer_formats_fn formats_of,
                                        void *user_data, bool log, trt_format_report_t *report) {
  formats_t f = {
      .network = network, .nb_tensors = network->nb_tensors, .nb_layers = network->nb_layers};
  const size_t tensors = (size_t)f.nb_tensors + 1, layers = (size_t)f.nb_layers + 1;
  f.kind = calloc(layers, sizeof *f.kind);
  f.parent = calloc(tensors, sizeof *f.parent);
  f.why_linear = calloc(tensors, sizeof *f.why_linear);
  f.has_conv = calloc(tensors, sizeof *f.has_conv);
  f.twins = calloc(tensors, sizeof *f.twins);
  bool *chosen = calloc(tensors, sizeof *chosen);
  trt_status_t status = TRT_STATUS_OK;
  if (!f.kind || !f.parent || !f.why_linear || !f.has_conv || !f.twins || !chosen)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory choosing formats");
  for (int l = 0; status == TRT_STATUS_OK && l < f.nb_layers; l++)
    f.kind[l] = formats_of(network, &network->layers[l], user_data);
  if (status == TRT_STATUS_OK) {
    choose_groups(&f);
    for (int t = 0; t < f.nb_tensors; t++) {
      chosen[t] = find(f.parent, t) == t && f.has_conv[t] && !f.why_linear[t];
      f.report.groups += chosen[t];
    }
    for (int t = 0; t < f.nb_tensors; t++) {
      if (network->tensors[t].data || !chosen[find(f.parent, t)])
        continue;
      network->tensors[t].format = TRT_FORMAT_CHANNELS_LAST;
      f.report.channels_last_tensors++;
    }
    detach_conv_views(&f);
    if (log)
      log_groups(&f, chosen);
  }
  for (int l = 0; status == TRT_STATUS_OK && l < f.nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (f.kind[l] == TRT_LAYER_FORMATS_LINEAR) {
      status = linearize_layer(&f, l);
    } else if (layer->type == TRT_LAYER_CONVOLUTION && f.kind[l] == TRT_LAYER_FORMATS_SAME) {
      bool nhwc = channels_last(&f, layer->inputs[0]) || channels_last(&f, layer->outputs[0]);
      if (nhwc)
        status = weights_channels_last(&f, l);
    }
  }
  if (status == TRT_STATUS_OK)
    status = trt_network_sort(network);
  if (status == TRT_STATUS_OK && log)
    trt_log(TRT_SEVERITY_INFO,
            "formats: %d tensors in %d groups channels-last, %d reformats inserted, %d weight "
            "tensors reordered, %d concat inputs copied instead of written in place",
            f.report.channels_last_tensors, f.report.groups, f.report.reformats, f.report.weights,
            f.report.detached_views);
  if (status == TRT_STATUS_OK && report)
    *report = f.report;
  free(f.kind);
  free(f.parent);
  free(f.why_linear);
  free(f.has_conv);
  free(f.twins);
  free(chosen);
  return status;
}
