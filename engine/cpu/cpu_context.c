/* A CPU context: how many chunks its layers split their work into, and its
 * scratch memory. The threads that run the chunks belong to the
 * process-wide pool (cpu_pool.c), shared with every other context. */
#include "cpu/cpu_context.h"

#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu_pool.h"

#define TRT_SCRATCH_ALIGNMENT 64

/* Offering work to the pool only while it pays. Sharing a job costs a post,
 * perhaps a wake-up, and a wait for the slowest chunk; on cores that other
 * threads keep busy (a decoder, other elements, other processes) a worker
 * runs late or is set aside mid-chunk, and the wait costs more than the
 * worker saved. So each context keeps the balance of what its offered jobs
 * gained or lost (trt_cpu_pool_run measures it) over a window of jobs. A
 * window that lost time sends the context's jobs to its calling thread
 * alone for a while, 1 ms << level, the level rising with each losing
 * window and falling with each winning one. On an idle machine sharing
 * wins and every job is offered; on a saturated one the context runs as
 * with one thread, which is what such a machine wants. Chunks run alone are
 * the same chunks, so results never change. */
#define TRT_BACKOFF_BASE_NS   1000000 /* 1 ms */
#define TRT_BACKOFF_MAX_LEVEL 10      /* about 1 s */
#define TRT_BALANCE_WINDOW    128     /* offered jobs per verdict */

struct trt_cpu_context {
  int nb_threads;       /* chunks per job, at most */
  bool registered;      /* holds a reference on the pool */
  uint64_t alone_until; /* monotonic ns: until then, jobs are not offered to the pool */
  int backoff_level;
  int window_jobs;    /* offered jobs in the current window */
  int64_t balance_ns; /* what they gained, less what they lost */
  void *scratch;
  size_t scratch_size;
};

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int trt_cpu_available_cores(void) {
  /* The cores this process may run on (taskset, cpusets), not all online. */
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0 && CPU_COUNT(&allowed) > 0)
    return CPU_COUNT(&allowed);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (int)online : 1;
}

trt_cpu_context_t *trt_cpu_context_create(int threads) {
  if (threads <= 0)
    threads = trt_cpu_available_cores();
  if (threads > TRT_CPU_MAX_THREADS)
    threads = TRT_CPU_MAX_THREADS;
  trt_cpu_context_t *cpu = calloc(1, sizeof(*cpu));
  if (!cpu) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a CPU context");
    return NULL;
  }
  cpu->nb_threads = threads;
  if (threads > 1) {
    trt_cpu_pool_acquire(threads - 1);
    cpu->registered = true;
  }
  return cpu;
}

void trt_cpu_context_destroy(trt_cpu_context_t *cpu) {
  if (!cpu)
    return;
  if (cpu->registered)
    trt_cpu_pool_release();
  free(cpu->scratch);
  free(cpu);
}

int trt_cpu_context_threads(const trt_cpu_context_t *cpu) {
  return cpu ? cpu->nb_threads : 1;
}

void trt_cpu_parallel_for(trt_cpu_context_t *cpu, int64_t n, int64_t grain, trt_parallel_fn fn,
                          void *arg) {
  if (n <= 0)
    return;
  if (grain < 1)
    grain = 1;
  /* The split depends on n, grain and the context's thread count only, never
   * on which threads are free: the same context gives the same chunks, and
   * so the same results, however busy the machine is. */
  int threads = cpu ? cpu->nb_threads : 1;
  int64_t max_chunks = (n + grain - 1) / grain;
  if (max_chunks < threads)
    threads = (int)max_chunks;
  if (threads <= 1) {
    fn(arg, 0, n, 0);
    return;
  }
  const int64_t chunk = (n + threads - 1) / threads;
  const int nb_chunks = (int)((n + chunk - 1) / chunk);
  const bool offer = cpu->alone_until == 0 || monotonic_ns() >= cpu->alone_until;
  const int64_t gained_ns = trt_cpu_pool_run(n, chunk, nb_chunks, offer, fn, arg);
  if (!offer)
    return;
  cpu->alone_until = 0;
  cpu->balance_ns += gained_ns;
  if (++cpu->window_jobs < TRT_BALANCE_WINDOW)
    return;
  if (cpu->balance_ns < 0) {
    cpu->alone_until = monotonic_ns() + ((uint64_t)TRT_BACKOFF_BASE_NS << cpu->backoff_level);
    if (cpu->backoff_level < TRT_BACKOFF_MAX_LEVEL)
      cpu->backoff_level++;
  } else if (cpu->backoff_level > 0) {
    cpu->backoff_level--;
  }
  cpu->window_jobs = 0;
  cpu->balance_ns = 0;
}

void *trt_cpu_scratch(trt_cpu_context_t *cpu, size_t bytes) {
  if (!cpu)
    return NULL;
  if (bytes <= cpu->scratch_size && cpu->scratch)
    return cpu->scratch;
  size_t rounded =
      (bytes + TRT_SCRATCH_ALIGNMENT - 1) / TRT_SCRATCH_ALIGNMENT * TRT_SCRATCH_ALIGNMENT;
  void *larger = NULL;
  if (posix_memalign(&larger, TRT_SCRATCH_ALIGNMENT, rounded ? rounded : TRT_SCRATCH_ALIGNMENT)) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory for %zu bytes of CPU scratch", bytes);
    return NULL;
  }
  free(cpu->scratch);
  cpu->scratch = larger;
  cpu->scratch_size = rounded;
  return cpu->scratch;
}
