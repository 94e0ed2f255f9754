/* What CPU layer implementations get from the backend: a pool of worker
 * threads and scratch memory. */
#ifndef TRT_CPU_CONTEXT_H
#define TRT_CPU_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "trt/runtime.h"
#include "trt/status.h"

typedef struct trt_cpu_context trt_cpu_context_t;

/* The most threads a context splits its work across. */
#define TRT_CPU_MAX_THREADS TRT_CPU_THREADS_MAX

/* The cores this process may run on (its affinity mask), at least 1. */
int trt_cpu_available_cores(void);

/* `threads`: how many chunks layers split their work into, at most (<= 0:
 * trt_cpu_available_cores()). The threads that run them come from one pool
 * shared by every context of the process (cpu_pool.c); a context of one
 * thread runs everything on its caller's thread. NULL when out of memory. */
trt_cpu_context_t *trt_cpu_context_create(int threads);
void trt_cpu_context_destroy(trt_cpu_context_t *cpu);
int trt_cpu_context_threads(const trt_cpu_context_t *cpu);

/* Calls fn(arg, begin, end, thread) over [0, n) split in at most
 * trt_cpu_context_threads() chunks of at least `grain` items, and returns
 * when all are done. `thread` is the chunk's index (0 for the first), below
 * trt_cpu_context_threads(): use it to pick per-thread scratch, which no
 * other chunk touches while this one runs. Any thread may run any chunk (the
 * caller runs those no worker takes), so the split, not the thread, decides
 * the results. Safe with cpu == NULL (runs inline). */
typedef void (*trt_parallel_fn)(void *arg, int64_t begin, int64_t end, int thread);
void trt_cpu_parallel_for(trt_cpu_context_t *cpu, int64_t n, int64_t grain, trt_parallel_fn fn,
                          void *arg);

/* Scratch memory of at least `bytes`, 64-byte aligned, valid until the next
 * call on this context; NULL when out of memory (trt_last_error() set). With
 * cpu == NULL returns NULL (layers always get a context). One scratch per layer execution: split it
 * yourself between threads. */
void *trt_cpu_scratch(trt_cpu_context_t *cpu, size_t bytes);

#endif
