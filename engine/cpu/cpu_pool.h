/* The process-wide pool of worker threads that every CPU context shares
 * (see cpu_pool.c for why there is one pool and how it waits). */
#ifndef TRT_CPU_POOL_H
#define TRT_CPU_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu_context.h"

/* The most workers the pool starts, whatever contexts ask for. */
#define TRT_CPU_POOL_MAX_WORKERS (TRT_CPU_MAX_THREADS - 1)

/* A context that splits its work in up to `workers` + 1 chunks registers
 * itself: the pool grows to at least `workers` threads (capped, and fewer
 * when threads cannot be started, which is still correct: the caller runs
 * what no worker takes). Each acquire is paired with one release; the last
 * release stops and joins the workers. */
void trt_cpu_pool_acquire(int workers);
void trt_cpu_pool_release(void);

/* Runs fn(arg, begin, end, c) for chunks c = 0..nb_chunks-1, chunk c being
 * [c * chunk, min((c + 1) * chunk, n)), and returns when all have run. The
 * calling thread runs chunks itself; with `offer`, the workers take the
 * others as they come free. Which thread runs a chunk never changes its
 * bounds or index.
 * Returns what offering the chunks gained, in nanoseconds: the time the
 * caller's own chunks say the job takes on one thread, less the time it took
 * (posting and waiting included). Negative when sharing lost time: a worker
 * that came too late, or one the scheduler set aside while the caller waited
 * for its chunk. 0 when not offered. */
int64_t trt_cpu_pool_run(int64_t n, int64_t chunk, int nb_chunks, bool offer, trt_parallel_fn fn,
                         void *arg);

/* Workers running now (tests). */
int trt_cpu_pool_workers(void);

#endif
