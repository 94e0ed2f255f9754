/* The timing cache file (timing_cache.h). A linear table: a network has a
 * few hundred layers at most, and lookups happen once per layer per build. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cuda/timing_cache.h"
#include "file_util.h"
#include "layer_registry.h"

typedef struct {
  char *key;
  int32_t tactic;
  float milliseconds;
} entry_t;

struct trt_timing_cache {
  entry_t *entries;
  int count, capacity;
};

void trt_timing_cache_destroy(trt_timing_cache_t *cache) {
  if (!cache)
    return;
  for (int i = 0; i < cache->count; i++)
    free(cache->entries[i].key);
  free(cache->entries);
  free(cache);
}

int trt_timing_cache_size(const trt_timing_cache_t *cache) { return cache ? cache->count : 0; }

static entry_t *find(const trt_timing_cache_t *cache, const char *key) {
  for (int i = 0; i < cache->count; i++)
    if (strcmp(cache->entries[i].key, key) == 0)
      return &cache->entries[i];
  return NULL;
}

bool trt_timing_cache_lookup(const trt_timing_cache_t *cache, const char *key, int32_t *tactic) {
  const entry_t *entry = cache ? find(cache, key) : NULL;
  if (entry)
    *tactic = entry->tactic;
  return entry != NULL;
}

trt_status_t trt_timing_cache_insert(trt_timing_cache_t *cache, const char *key, int32_t tactic,
                                     float milliseconds) {
  entry_t *entry = find(cache, key);
  if (!entry) {
    if (cache->count == cache->capacity) {
      int capacity = cache->capacity ? cache->capacity * 2 : 64;
      entry_t *larger = realloc(cache->entries, (size_t)capacity * sizeof(entry_t));
      if (!larger)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory in the timing cache");
      cache->entries = larger;
      cache->capacity = capacity;
    }
    char *copy = strdup(key);
    if (!copy)
      return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory in the timing cache");
    entry = &cache->entries[cache->count++];
    entry->key = copy;
  }
  entry->tactic = tactic;
  entry->milliseconds = milliseconds;
  return TRT_STATUS_OK;
}

trt_status_t trt_timing_cache_load(const char *path, trt_timing_cache_t **cache_out) {
  *cache_out = NULL;
  trt_timing_cache_t *cache = calloc(1, sizeof(*cache));
  if (!cache)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for the timing cache");
  /* Read whole by the engine's reader: a FIFO or a device is refused (not
   * waited on or read forever), like any file that cannot be read. */
  struct stat info;
  void *text = NULL;
  size_t size = 0;
  if (!path || (stat(path, &info) != 0 && errno == ENOENT)) {
    *cache_out = cache;
    return TRT_STATUS_OK;
  }
  if (trt_file_read_all(path, &text, &size) != TRT_STATUS_OK) {
    trt_log(TRT_SEVERITY_WARNING, "timing cache: %s: starting empty", trt_last_error());
    *cache_out = cache;
    return TRT_STATUS_OK;
  }
  int number = 0;
  trt_status_t status = TRT_STATUS_OK;
  for (char *line = text, *next; status == TRT_STATUS_OK && line < (char *)text + size;
       line = next) {
    char *end = memchr(line, '\n', (size_t)((char *)text + size - line));
    next = end ? end + 1 : (char *)text + size;
    if (end)
      *end = '\0';
    number++;
    char *tab = strchr(line, '\t');
    int tactic = 0;
    float milliseconds = 0;
    if (!tab || sscanf(tab + 1, "%d\t%f", &tactic, &milliseconds) != 2) {
      trt_log(TRT_SEVERITY_WARNING, "timing cache '%s': line %d is not an entry; skipped", path,
              number);
      continue;
    }
    *tab = '\0';
    status = trt_timing_cache_insert(cache, line, tactic, milliseconds);
  }
  free(text);
  if (status != TRT_STATUS_OK) {
    trt_timing_cache_destroy(cache);
    return status;
  }
  *cache_out = cache;
  return TRT_STATUS_OK;
}

trt_status_t trt_timing_cache_save(const trt_timing_cache_t *cache, const char *path) {
  /* Formatted in memory, then written in one piece. */
  char *text = NULL;
  size_t size = 0;
  FILE *file = open_memstream(&text, &size);
  bool formatted = file != NULL;
  for (int i = 0; formatted && i < cache->count; i++)
    formatted = fprintf(file, "%s\t%d\t%.6f\n", cache->entries[i].key,
                        (int)cache->entries[i].tactic, (double)cache->entries[i].milliseconds) > 0;
  if (file && fclose(file) != 0)
    formatted = false;
  trt_status_t status = formatted ? trt_file_write_atomic(path, text, size)
                                  : trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory", path);
  free(text);
  return status == TRT_STATUS_OK ? status : trt_error_prefix(status, "timing cache ");
}

static uint64_t fnv1a(uint64_t hash, const void *data, size_t size) {
  const unsigned char *bytes = data;
  for (size_t i = 0; i < size; i++)
    hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  return hash;
}

static uint64_t hash_tensor(uint64_t hash, const trt_network_t *network, int index) {
  int32_t absent = -1;
  if (index < 0)
    return fnv1a(hash, &absent, sizeof(absent));
  const trt_tensor_t *tensor = &network->tensors[index];
  int32_t type = (int32_t)tensor->type, constant = tensor->data != NULL;
  int32_t format = (int32_t)trt_tensor_storage(network, tensor)->format;
  hash = fnv1a(hash, &type, sizeof(type));
  hash = fnv1a(hash, &format, sizeof(format));
  hash = fnv1a(hash, &constant, sizeof(constant));
  hash = fnv1a(hash, &tensor->dims.nb_dims, sizeof(tensor->dims.nb_dims));
  for (int d = 0; d < tensor->dims.nb_dims; d++)
    hash = fnv1a(hash, &tensor->dims.d[d], sizeof(tensor->dims.d[d]));
  trt_view_layout_t layout = trt_tensor_view_layout(network, tensor);
  hash = fnv1a(hash, &layout.outer, sizeof(layout.outer));
  return fnv1a(hash, &layout.stride, sizeof(layout.stride));
}

void trt_timing_cache_key(const trt_network_t *network, const trt_layer_t *layer,
                          const char *platform, bool allow_tf32, bool allow_lossy,
                          char *key, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const trt_layer_descriptor_t *descriptor = trt_layer_descriptor(layer->type);
  if (descriptor && descriptor->params_size && layer->params)
    hash = fnv1a(hash, layer->params, descriptor->params_size);
  hash = fnv1a(hash, &layer->nb_inputs, sizeof(layer->nb_inputs));
  for (int i = 0; i < layer->nb_inputs; i++)
    hash = hash_tensor(hash, network, layer->inputs[i]);
  hash = fnv1a(hash, &layer->nb_outputs, sizeof(layer->nb_outputs));
  for (int o = 0; o < layer->nb_outputs; o++)
    hash = hash_tensor(hash, network, layer->outputs[o]);
  char dims[128];
  trt_dims_format(&trt_layer_output(network, layer, 0)->dims, dims, sizeof(dims));
  /* Keys of builds without lossy tactics read as they always did. */
  snprintf(key, size, "%s|%s|tf32=%d%s|%s|%016llx", platform,
           trt_layer_type_name(layer->type), allow_tf32 ? 1 : 0, allow_lossy ? "|lossy" : "",
           dims, (unsigned long long)hash);
}
