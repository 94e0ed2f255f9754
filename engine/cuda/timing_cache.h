/* The timing cache: which tactic won for a layer signature on a GPU, kept in
 * a text file so that rebuilds skip timing. One line per entry:
 *   <key> TAB <tactic id> TAB <milliseconds>
 * The key names the GPU and the CUDA, cuDNN and cuBLAS versions, the layer
 * type, TF32 and lossy tactics, the first output's dims and a hash of the
 * parameters' bytes and every input's and output's type, memory format,
 * dims and view layout. */
#ifndef TRT_TIMING_CACHE_H
#define TRT_TIMING_CACHE_H

#include <stdbool.h>

#include "network_internal.h"

typedef struct trt_timing_cache trt_timing_cache_t;

#define TRT_TIMING_KEY_SIZE 768

/* A missing file (or NULL path) gives an empty cache; unreadable lines are
 * skipped with a warning. */
trt_status_t trt_timing_cache_load(const char *path, trt_timing_cache_t **cache);
/* Writes a temporary file and renames it. */
trt_status_t trt_timing_cache_save(const trt_timing_cache_t *cache, const char *path);
void trt_timing_cache_destroy(trt_timing_cache_t *cache);

void trt_timing_cache_key(const trt_network_t *network, const trt_layer_t *layer,
                          const char *platform, bool allow_tf32, bool allow_lossy,
                          char *key, size_t size);
bool trt_timing_cache_lookup(const trt_timing_cache_t *cache, const char *key, int32_t *tactic);
/* Adds or replaces an entry. */
trt_status_t trt_timing_cache_insert(trt_timing_cache_t *cache, const char *key, int32_t tactic,
                                     float milliseconds);
int trt_timing_cache_size(const trt_timing_cache_t *cache);

#endif
