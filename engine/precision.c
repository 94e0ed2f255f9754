/* FP16 lowering of a specialized network (see precision.h).
 *
 * 1. Each layer runs FP16 when its type is in the table below, the backend
 *    can run it, the build does not keep it FP32 by name, and its outputs
 *    and value inputs are float32 activations.
 * 2. Views (concat elimination) share their parent's bytes, so every tensor
 *    of a view group has one type: FP16 only when every layer writing into
 *    the group runs FP16; otherwise those layers go back to FP32, until
 *    nothing changes.
 * 3. The outputs of FP16 layers become float16; a network output among them
 *    keeps its name and type through a Cast from a float16 twin.
 * 4. Each value input whose type differs from its layer's precision reads a
 *    converted copy: constants are converted once at build time (weights in
 *    float16), activations through one Cast layer per tensor and type.
 * 5. The network is sorted again (casts were appended). */
#include "precision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_registry.h"
#include "list_util.h"
#include "numerics/half.h"

#define ALL_INPUTS UINT32_MAX

/* Layer types that may run FP16, and which of their inputs carry values
 * (bit i: input i). The others' inputs are shapes, indices, axes or
 * parameters, which keep their type. */
static const uint32_t value_inputs[TRT_LAYER_COUNT] = {
    [TRT_LAYER_CONVOLUTION] = ALL_INPUTS,   /* x, w, b, residual */
    [TRT_LAYER_DECONVOLUTION] = ALL_INPUTS, /* x, w, b */
    [TRT_LAYER_POOLING] = 1u << 0,
    [TRT_LAYER_UNARY] = 1u << 0,
    [TRT_LAYER_ELEMENTWISE] = ALL_INPUTS,
    [TRT_LAYER_MATMUL] = ALL_INPUTS,
    [TRT_LAYER_GEMM] = ALL_INPUTS,
    [TRT_LAYER_RESHAPE] = 1u << 0,
    [TRT_LAYER_TRANSPOSE] = 1u << 0,
    [TRT_LAYER_CONCAT] = ALL_INPUTS,
    [TRT_LAYER_SPLIT] = 1u << 0,
    [TRT_LAYER_SLICE] = 1u << 0,
    [TRT_LAYER_PAD] = 1u << 0,
    [TRT_LAYER_RESIZE] = 1u << 0,
    [TRT_LAYER_GATHER] = 1u << 0,
    [TRT_LAYER_IDENTITY] = 1u << 0,
    [TRT_LAYER_WHERE] = (1u << 1) | (1u << 2),
    [TRT_LAYER_TILE] = 1u << 0,
    [TRT_LAYER_EXPAND] = 1u << 0,
    /* Batch norm is a per-channel affine map at inference, and layer norm's
     * statistics stay float32/double inside the kernel that reads and
     * writes float16 (the backend says when it can: the CUDA backend for
     * layer norm without its statistics outputs); their parameters are not
     * value inputs and keep float32. */
    [TRT_LAYER_BATCH_NORM] = 1u << 0,
    [TRT_LAYER_LAYER_NORM] = 1u << 0,
    /* Left out on purpose (FP32 always): SOFTMAX, REDUCE, INSTANCE_NORM and
     * LRN compute statistics (sums of squares, exponentials) between
     * activations that overflow or lose too much in float16 storage; CAST
     * is what converts; the rest compute on integers or booleans. */
};

bool trt_precision_input_follows(trt_layer_type_t type, int input) {
  if ((int)type < 0 || type >= TRT_LAYER_COUNT || input < 0)
    return false;
  return input < 32 && (value_inputs[type] >> input & 1u);
}

static bool is_activation(const trt_tensor_t *tensor) {
  return !tensor->data;
}

/* Whether `list` ("a,b,...") names the layer: its whole name, or one of the
 * names a fusion joined with " + ". */
static bool named_in(const char *list, const char *layer_name) {
  if (!list || !layer_name)
    return false;
  const char *entry;
  size_t length;
  for (const char *cursor = list; trt_list_next(&cursor, &entry, &length);) {
    for (const char *part = layer_name; *part;) {
      const char *end = strstr(part, " + ");
      size_t part_length = end ? (size_t)(end - part) : strlen(part);
      if (length > 0 && part_length == length && strncmp(part, entry, length) == 0)
        return true;
      if (!end)
        break;
      part = end + 3;
    }
  }
  return false;
}

/* Step 1: whether `layer` can run FP16 at all. */
static bool eligible(const trt_network_t *network, const trt_layer_t *layer,
                     trt_fp16_capability_fn can_run_fp16, void *user_data,
                     const char *fp32_layers) {
  if (!value_inputs[layer->type] || named_in(fp32_layers, layer->name))
    return false;
  for (int o = 0; o < layer->nb_outputs; o++)
    if (trt_layer_output(network, layer, o)->type != TRT_DATA_TYPE_FLOAT32)
      return false;
  bool reads_float = false;
  for (int i = 0; i < layer->nb_inputs; i++) {
    const trt_tensor_t *input = trt_layer_input(network, layer, i);
    if (!input || !trt_precision_input_follows(layer->type, i))
      continue;
    if (input->type != TRT_DATA_TYPE_FLOAT32)
      return false;
    reads_float |= is_activation(input);
  }
  return reads_float && can_run_fp16(network, layer, user_data);
}

static int view_root(const trt_network_t *network, int t) {
  while (network->tensors[t].view_parent >= 0)
    t = network->tensors[t].view_parent;
  return t;
}

/* Step 2: a layer writing into a view group that also has an FP32 writer
 * goes back to FP32. Returns how many layers changed. */
static int settle_view_groups(const trt_network_t *network, bool *fp16) {
  int nb_tensors = network->nb_tensors, changed = 0;
  /* group_fp32[root]: some layer writing into root's group stays FP32;
   * grouped[t]: t is a view or the root of one (one pass, not a scan per
   * output: networks have tens of thousands of tensors). */
  bool *group_fp32 = calloc((size_t)nb_tensors + 1, sizeof(bool));
  bool *grouped = calloc((size_t)nb_tensors + 1, sizeof(bool));
  if (!group_fp32 || !grouped) {
    free(group_fp32);
    free(grouped);
    return -1;
  }
  for (int t = 0; t < nb_tensors; t++)
    if (network->tensors[t].view_parent >= 0)
      grouped[t] = grouped[view_root(network, t)] = true;
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int o = 0; !fp16[l] && o < layer->nb_outputs; o++)
      if (grouped[layer->outputs[o]])
        group_fp32[view_root(network, layer->outputs[o])] = true;
  }
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int o = 0; fp16[l] && o < layer->nb_outputs; o++)
      if (group_fp32[view_root(network, layer->outputs[o])]) {
        fp16[l] = false;
        changed++;
      }
  }
  free(group_fp32);
  free(grouped);
  return changed;
}

static trt_data_type_t type_for(bool fp16) {
  return fp16 ? TRT_DATA_TYPE_FLOAT16 : TRT_DATA_TYPE_FLOAT32;
}

/* A float16 copy of a float32 constant; -1 on error. */
static int convert_constant(trt_network_t *network, int t, trt_precision_report_t *report) {
  const trt_tensor_t *source = &network->tensors[t];
  const int64_t count = trt_dims_volume(&source->dims);
  uint16_t *half = malloc((size_t)(count > 0 ? count : 1) * sizeof(uint16_t));
  if (!half) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory converting '%s' to float16", source->name);
    return -1;
  }
  const float *values = source->data;
  for (int64_t i = 0; i < count; i++)
    half[i] = trt_half_from_float(values[i]);
  char name[512];
  trt_network_unique_name(network, source->name, "/fp16", name, sizeof(name));
  trt_dims_t dims = source->dims;
  int index = trt_network_add_constant(network, name, TRT_DATA_TYPE_FLOAT16, &dims, half);
  free(half);
  report->constants_converted += count;
  return index;
}

/* An activation converted to `type` by a new Cast layer; -1 on error. */
static int cast_activation(trt_network_t *network, int t, trt_data_type_t type,
                           trt_precision_report_t *report) {
  int converted = trt_network_add_tensor_like(network, t, type,
                                              type == TRT_DATA_TYPE_FLOAT16 ? "/fp16" : "/fp32");
  if (converted < 0)
    return -1;
  trt_cast_params_t params = {.to = type};
  if (trt_network_append_layer(network, TRT_LAYER_CAST, network->tensors[converted].name, &t, 1,
                               &converted, 1, &params) < 0)
    return -1;
  report->casts++;
  return converted;
}

/* Converted copies, made once per tensor and type: `copies[2 * t + fp16]`
 * (0: none yet); `lowered[t]`: tensor t became float16 here. */
typedef struct {
  int *copies;
  bool *lowered;
  int capacity;
} copy_table_t;

static int *copy_slot(copy_table_t *table, int t, bool fp16) {
  return &table->copies[2 * t + (fp16 ? 1 : 0)];
}

/* Step 4 for one input of layer `l`. */
static trt_status_t convert_input(trt_network_t *network, int l, int i, bool fp16,
                                  copy_table_t *copies, trt_precision_report_t *report) {
  const trt_layer_t *layer = &network->layers[l];
  int t = layer->inputs[i];
  if (t < 0)
    return TRT_STATUS_OK;
  const trt_tensor_t *tensor = &network->tensors[t];
  trt_data_type_t wanted = type_for(fp16);
  /* An FP16 layer reads its value inputs in float16; an FP32 layer reads
   * float32 wherever lowering made an activation float16 (a Cast reads any
   * type, and tensors that were float16 in the model stay as they are). */
  bool converts = fp16 ? trt_precision_input_follows(layer->type, i) &&
                             tensor->type == TRT_DATA_TYPE_FLOAT32
                       : layer->type != TRT_LAYER_CAST && t < copies->capacity &&
                             copies->lowered[t];
  if (!converts)
    return TRT_STATUS_OK;
  if (t >= copies->capacity)
    return trt_error(TRT_STATUS_INTERNAL_ERROR, "precision: tensor %d appeared while converting", t);
  int *slot = copy_slot(copies, t, fp16);
  if (*slot == 0) {
    /* Constants are float32 here (an FP32 layer never needs a converted
     * constant): convert them at build time. */
    int copy = tensor->data ? convert_constant(network, t, report)
                            : cast_activation(network, t, wanted, report);
    if (copy < 0)
      return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "precision: ");
    *slot = copy + 1;
  }
  network->layers[l].inputs[i] = *slot - 1;
  return TRT_STATUS_OK;
}

/* Step 3 for a network output that became float16: the float16 tensor is
 * renamed, and a Cast writes the float32 output under the original name. */
static trt_status_t keep_output_type(trt_network_t *network, int t, trt_precision_report_t *report) {
  char name[512];
  trt_network_unique_name(network, network->tensors[t].name, "/fp16", name, sizeof(name));
  char *original = strdup(network->tensors[t].name);
  if (!original)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory renaming an output");
  trt_status_t status = trt_network_rename_tensor(network, t, name);
  if (status != TRT_STATUS_OK) {
    free(original);
    return status;
  }
  trt_dims_t dims = network->tensors[t].dims;
  int output = trt_network_add_tensor(network, original, TRT_DATA_TYPE_FLOAT32, &dims);
  free(original);
  if (output < 0)
    return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "precision: ");
  /* the network's tensors may have moved */
  trt_cast_params_t params = {.to = TRT_DATA_TYPE_FLOAT32};
  if (trt_network_append_layer(network, TRT_LAYER_CAST, network->tensors[output].name, &t, 1,
                               &output, 1, &params) < 0)
    return trt_error_prefix(TRT_STATUS_INTERNAL_ERROR, "precision: ");
  network->tensors[t].is_output = false;
  network->tensors[output].is_output = true;
  for (int k = 0; k < network->nb_outputs; k++)
    if (network->outputs[k] == t)
      network->outputs[k] = output;
  report->casts++;
  return TRT_STATUS_OK;
}

static void log_decisions(const trt_network_t *network, const bool *fp16, int nb_layers,
                          trt_fp16_capability_fn can_run_fp16, void *user_data,
                          const char *fp32_layers) {
  for (int l = 0; l < nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    bool has_float = false;
    for (int o = 0; o < layer->nb_outputs; o++)
      has_float |= trt_layer_output(network, layer, o)->type == TRT_DATA_TYPE_FLOAT32 ||
                   trt_layer_output(network, layer, o)->type == TRT_DATA_TYPE_FLOAT16;
    if (!has_float)
      continue;
    const char *why = fp16[l]                       ? ""
                      : !value_inputs[layer->type]  ? " (this layer type stays FP32)"
                      : named_in(fp32_layers, layer->name) ? " (kept FP32 by name)"
                      : !can_run_fp16(network, layer, user_data) ? " (no FP16 implementation)"
                                                                 : " (shares a buffer with FP32)";
    trt_log(TRT_SEVERITY_VERBOSE, "  precision: %s (%s): %s%s", layer->name,
            trt_layer_type_name(layer->type), fp16[l] ? "fp16" : "fp32", why);
  }
}

trt_status_t trt_network_lower_to_fp16(trt_network_t *network, trt_fp16_capability_fn can_run_fp16,
                                       void *user_data, const char *fp32_layers, bool log,
                                       trt_precision_report_t *report_out) {
  trt_precision_report_t report = {0};
  const int nb_layers = network->nb_layers, nb_tensors = network->nb_tensors;
  bool *fp16 = calloc((size_t)(nb_layers > 0 ? nb_layers : 1), sizeof(bool));
  copy_table_t copies = {calloc((size_t)nb_tensors * 2 + 1, sizeof(int)),
                         calloc((size_t)nb_tensors + 1, sizeof(bool)), nb_tensors};
  trt_status_t status = TRT_STATUS_OK;
  if (!fp16 || !copies.copies || !copies.lowered)
    status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory choosing precisions");
  for (int l = 0; status == TRT_STATUS_OK && l < nb_layers; l++)
    fp16[l] = eligible(network, &network->layers[l], can_run_fp16, user_data, fp32_layers);
  for (int changed = 1; status == TRT_STATUS_OK && changed > 0;) {
    changed = settle_view_groups(network, fp16);
    if (changed < 0)
      status = trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory choosing precisions");
  }
  if (status == TRT_STATUS_OK && log)
    log_decisions(network, fp16, nb_layers, can_run_fp16, user_data, fp32_layers);
  /* Step 3: outputs of FP16 layers (views included) become float16. */
  for (int l = 0; status == TRT_STATUS_OK && l < nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    if (!fp16[l]) {
      report.fp32_layers += layer->nb_outputs > 0 &&
                            trt_layer_output(network, layer, 0)->type == TRT_DATA_TYPE_FLOAT32;
      continue;
    }
    report.fp16_layers++;
    for (int o = 0; o < layer->nb_outputs; o++) {
      /* a view group's root (an in-place concat's output) follows its views */
      const int lowered[2] = {layer->outputs[o], view_root(network, layer->outputs[o])};
      for (int k = 0; k < 2; k++) {
        network->tensors[lowered[k]].type = TRT_DATA_TYPE_FLOAT16;
        copies.lowered[lowered[k]] = true;
      }
    }
  }
  for (int l = 0; status == TRT_STATUS_OK && l < nb_layers; l++)
    for (int i = 0; status == TRT_STATUS_OK && i < network->layers[l].nb_inputs; i++)
      status = convert_input(network, l, i, fp16[l], &copies, &report);
  for (int t = 0; status == TRT_STATUS_OK && t < nb_tensors; t++)
    if (network->tensors[t].is_output && network->tensors[t].type == TRT_DATA_TYPE_FLOAT16)
      status = keep_output_type(network, t, &report);
  if (status == TRT_STATUS_OK)
    status = trt_network_sort(network);
  free(fp16);
  free(copies.copies);
  free(copies.lowered);
  if (status == TRT_STATUS_OK && log)
    trt_log(TRT_SEVERITY_INFO,
            "precision: %d layers in FP16, %d in FP32, %d casts inserted, %.2f MiB of weights "
            "in float16",
            report.fp16_layers, report.fp32_layers, report.casts,
            (double)report.constants_converted * 2 / 1048576.0);
  if (status == TRT_STATUS_OK && report_out)
    *report_out = report;
  return status;
}
