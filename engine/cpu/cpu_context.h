/* What CPU layer implementations get from the backend: a pool of worker
 * threads and scratch memory. */
#ifndef TRT_CPU_CONTEXT_H
#define TRT_CPU_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "trt/status.h"

typedef struct trt_cpu_context trt_cpu_context_t;

/* `threads` <= 0: one per online core. NULL when out of memory. */
trt_cpu_context_t *trt_cpu_context_create(int threads);
void trt_cpu_context_destroy(trt_cpu_context_t *cpu);
int trt_cpu_context_threads(const trt_cpu_context_t *cpu);

/* Calls fn(arg, begin, end, thread) over [0, n) split in chunks of at least
 * `grain` items, on the pool's threads (the caller's thread is thread 0),
 * and returns when all are done. Safe with cpu == NULL (runs inline). */
typedef void (*trt_parallel_fn)(void *arg, int64_t begin, int64_t end, int thread);
void trt_cpu_parallel_for(trt_cpu_context_t *cpu, int64_t n, int64_t grain, trt_parallel_fn fn,
                          void *arg);

/* Scratch memory of at least `bytes`, 64-byte aligned, valid until the next
 * call on this context; NULL when out of memory (trt_last_error() set). With
 * cpu == NULL returns NULL (layers always get a context). One scratch per layer execution: split it
 * yourself between threads. */
void *trt_cpu_scratch(trt_cpu_context_t *cpu, size_t bytes);

#endif
