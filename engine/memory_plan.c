/* Greedy first-fit planning over lifetimes, largest tensors first. */
#include "memory_plan.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct {
  int tensor;
  size_t bytes;
  int first_layer; /* producing layer */
  int last_layer;  /* last reading layer */
} lifetime_t;

bool trt_memory_plan_in_arena(const trt_tensor_t *tensor) {
  return !tensor->data && !tensor->is_input && !tensor->is_output && tensor->producer >= 0 &&
         tensor->view_parent < 0;
}

/* The tensor whose memory `t` uses: itself, or the parent of its view. */
static int owner_of(const trt_network_t *network, int t) {
  while (network->tensors[t].view_parent >= 0)
    t = network->tensors[t].view_parent;
  return t;
}

static int by_size_descending(const void *a, const void *b) {
  const lifetime_t *x = a, *y = b;
  if (x->bytes != y->bytes)
    return x->bytes < y->bytes ? 1 : -1;
  return x->tensor - y->tensor;
}

static size_t align_up(size_t value) {
  return (value + TRT_ACTIVATION_ALIGNMENT - 1) / TRT_ACTIVATION_ALIGNMENT *
         TRT_ACTIVATION_ALIGNMENT;
}

static bool overlaps(const lifetime_t *a, const lifetime_t *b) {
  return a->first_layer <= b->last_layer && b->first_layer <= a->last_layer;
}

trt_status_t trt_memory_plan_build(const trt_network_t *network, trt_memory_plan_t *plan) {
  int count = network->nb_tensors;
  plan->offsets = malloc((size_t)(count ? count : 1) * sizeof(size_t));
  lifetime_t *lives = malloc((size_t)(count ? count : 1) * sizeof(lifetime_t));
  int *slot_of = malloc((size_t)(count ? count : 1) * sizeof(int));
  if (!plan->offsets || !lives || !slot_of) {
    free(lives);
    free(slot_of);
    trt_memory_plan_release(plan);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory planning activations");
  }
  int nb_lives = 0;
  for (int t = 0; t < count; t++) {
    plan->offsets[t] = SIZE_MAX;
    slot_of[t] = -1;
    const trt_tensor_t *tensor = &network->tensors[t];
    if (!trt_memory_plan_in_arena(tensor))
      continue;
    size_t bytes = trt_tensor_bytes(tensor);
    lifetime_t life = {t, align_up(bytes ? bytes : 1), tensor->producer, tensor->producer};
    slot_of[t] = nb_lives;
    lives[nb_lives++] = life;
  }
  /* A view is not allocated: its parent's lifetime starts at the earliest
   * view's producer and ends at the last read of the parent or any view. */
  for (int t = 0; t < count; t++) {
    const trt_tensor_t *tensor = &network->tensors[t];
    if (tensor->view_parent < 0)
      continue;
    slot_of[t] = slot_of[owner_of(network, t)];
    if (slot_of[t] >= 0 && tensor->producer >= 0 &&
        tensor->producer < lives[slot_of[t]].first_layer)
      lives[slot_of[t]].first_layer = tensor->producer;
  }
  for (int l = 0; l < network->nb_layers; l++) {
    const trt_layer_t *layer = &network->layers[l];
    for (int i = 0; i < layer->nb_inputs; i++)
      if (layer->inputs[i] >= 0 && slot_of[layer->inputs[i]] >= 0 &&
          lives[slot_of[layer->inputs[i]]].last_layer < l)
        lives[slot_of[layer->inputs[i]]].last_layer = l;
  }
  qsort(lives, (size_t)nb_lives, sizeof(lifetime_t), by_size_descending);

  /* Each tensor takes the lowest offset where it collides with no
   * already-placed tensor whose lifetime overlaps its own. */
  size_t arena = 0, naive = 0;
  size_t *placed_offset = malloc((size_t)(nb_lives ? nb_lives : 1) * sizeof(size_t));
  if (!placed_offset) {
    free(lives);
    free(slot_of);
    trt_memory_plan_release(plan);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory planning activations");
  }
  for (int i = 0; i < nb_lives; i++) {
    size_t offset = 0;
    bool moved = true;
    while (moved) {
      moved = false;
      for (int j = 0; j < i; j++) {
        if (!overlaps(&lives[i], &lives[j]))
          continue;
        size_t begin = placed_offset[j], end = placed_offset[j] + lives[j].bytes;
        if (offset < end && begin < offset + lives[i].bytes) {
          offset = end;
          moved = true;
        }
      }
    }
    placed_offset[i] = offset;
    plan->offsets[lives[i].tensor] = offset;
    if (offset + lives[i].bytes > arena)
      arena = offset + lives[i].bytes;
    naive += lives[i].bytes;
  }
  plan->arena_bytes = arena;
  plan->naive_bytes = naive;
  free(placed_offset);
  free(lives);
  free(slot_of);
  return TRT_STATUS_OK;
}

void trt_memory_plan_release(trt_memory_plan_t *plan) {
  free(plan->offsets);
  plan->offsets = NULL;
  plan->arena_bytes = plan->naive_bytes = 0;
}
