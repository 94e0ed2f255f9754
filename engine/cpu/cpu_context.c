/* A CPU context: how many chunks its layers split their work into, and its
 * scratch memory. The threads that run the chunks belong to the
 * process-wide pool (cpu_pool.c), shared with every other context. */
#include "cpu/cpu_context.h"

#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "cpu/cpu_pool.h"

#define TRT_SCRATCH_ALIGNMENT 64

struct trt_cpu_context {
  int nb_threads;      /* chunks per job, at most */
  bool registered;     /* holds a reference on the pool */
  void *scratch;
  size_t scratch_size;
};

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

int trt_cpu_context_threads(const trt_cpu_context_t *cpu) { return cpu ? cpu->nb_threads : 1; }

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
  trt_cpu_pool_run(n, chunk, (int)((n + chunk - 1) / chunk), fn, arg);
}

void *trt_cpu_scratch(trt_cpu_context_t *cpu, size_t bytes) {
  if (!cpu)
    return NULL;
  if (bytes <= cpu->scratch_size && cpu->scratch)
    return cpu->scratch;
  size_t rounded = (bytes + TRT_SCRATCH_ALIGNMENT - 1) / TRT_SCRATCH_ALIGNMENT * TRT_SCRATCH_ALIGNMENT;
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
