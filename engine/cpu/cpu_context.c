/* A small fork-join thread pool and a scratch buffer for CPU layers.
 * Layers come back to back, so workers spin briefly on the job counter
 * before sleeping on a condition variable: waking a sleeping thread costs
 * tens of microseconds, more than many small layers take. The calling thread
 * takes the first chunk itself, so a pool of one thread spawns nothing. */
#include "cpu/cpu_context.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* About 50 microseconds of polling before a thread blocks. */
#define TRT_SPIN_ITERATIONS 20000

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

#define TRT_CPU_MAX_THREADS 64
#define TRT_SCRATCH_ALIGNMENT 64

typedef struct {
  trt_parallel_fn fn;
  void *arg;
  int64_t n;
  int64_t chunk;
} parallel_job_t;

struct trt_cpu_context {
  int nb_threads;
  pthread_t workers[TRT_CPU_MAX_THREADS];
  int nb_workers_started;
  pthread_mutex_t lock;
  pthread_cond_t job_ready;
  pthread_cond_t job_done;
  parallel_job_t job;          /* written before generation is bumped */
  _Atomic uint64_t generation; /* bumped for every job; workers run each once */
  _Atomic int pending;         /* workers still running the current job */
  _Atomic int shutting_down;
  void *scratch;
  size_t scratch_size;
};

typedef struct {
  trt_cpu_context_t *cpu;
  int thread;
} worker_start_t;

static void run_chunk(const parallel_job_t *job, int thread) {
  int64_t begin = (int64_t)thread * job->chunk;
  if (begin >= job->n)
    return;
  int64_t end = begin + job->chunk < job->n ? begin + job->chunk : job->n;
  job->fn(job->arg, begin, end, thread);
}

/* Waits until the job counter moves past `seen` (or shutdown); returns it. */
static uint64_t wait_for_job(trt_cpu_context_t *cpu, uint64_t seen) {
  for (int i = 0; i < TRT_SPIN_ITERATIONS; i++) {
    uint64_t generation = atomic_load_explicit(&cpu->generation, memory_order_acquire);
    if (generation != seen || atomic_load(&cpu->shutting_down))
      return generation;
    cpu_relax();
  }
  pthread_mutex_lock(&cpu->lock);
  while (!atomic_load(&cpu->shutting_down) && atomic_load(&cpu->generation) == seen)
    pthread_cond_wait(&cpu->job_ready, &cpu->lock);
  pthread_mutex_unlock(&cpu->lock);
  return atomic_load_explicit(&cpu->generation, memory_order_acquire);
}

static void *worker_main(void *start_arg) {
  worker_start_t start = *(worker_start_t *)start_arg;
  free(start_arg);
  trt_cpu_context_t *cpu = start.cpu;
  uint64_t seen = 0;
  for (;;) {
    seen = wait_for_job(cpu, seen);
    if (atomic_load(&cpu->shutting_down))
      break;
    run_chunk(&cpu->job, start.thread);
    if (atomic_fetch_sub_explicit(&cpu->pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&cpu->lock);
      pthread_cond_signal(&cpu->job_done);
      pthread_mutex_unlock(&cpu->lock);
    }
  }
  return NULL;
}

trt_cpu_context_t *trt_cpu_context_create(int threads) {
  if (threads <= 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    threads = online > 0 ? (int)online : 1;
  }
  if (threads > TRT_CPU_MAX_THREADS)
    threads = TRT_CPU_MAX_THREADS;
  trt_cpu_context_t *cpu = calloc(1, sizeof(*cpu));
  if (!cpu) {
    trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory creating a CPU context");
    return NULL;
  }
  cpu->nb_threads = threads;
  pthread_mutex_init(&cpu->lock, NULL);
  pthread_cond_init(&cpu->job_ready, NULL);
  pthread_cond_init(&cpu->job_done, NULL);
  for (int t = 1; t < threads; t++) {
    worker_start_t *start = malloc(sizeof(*start));
    if (!start)
      break;
    start->cpu = cpu;
    start->thread = t;
    if (pthread_create(&cpu->workers[t], NULL, worker_main, start) != 0) {
      free(start);
      break;
    }
    cpu->nb_workers_started++;
  }
  /* Fewer threads than asked is still correct: chunks follow nb_threads. */
  cpu->nb_threads = cpu->nb_workers_started + 1;
  return cpu;
}

void trt_cpu_context_destroy(trt_cpu_context_t *cpu) {
  if (!cpu)
    return;
  pthread_mutex_lock(&cpu->lock);
  atomic_store(&cpu->shutting_down, 1);
  pthread_cond_broadcast(&cpu->job_ready);
  pthread_mutex_unlock(&cpu->lock);
  for (int t = 1; t <= cpu->nb_workers_started; t++)
    pthread_join(cpu->workers[t], NULL);
  pthread_mutex_destroy(&cpu->lock);
  pthread_cond_destroy(&cpu->job_ready);
  pthread_cond_destroy(&cpu->job_done);
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
  int threads = cpu ? cpu->nb_threads : 1;
  int64_t max_chunks = (n + grain - 1) / grain;
  if (max_chunks < threads)
    threads = (int)max_chunks;
  if (threads <= 1) {
    fn(arg, 0, n, 0);
    return;
  }
  parallel_job_t job = {fn, arg, n, (n + threads - 1) / threads};
  cpu->job = job;
  atomic_store_explicit(&cpu->pending, cpu->nb_workers_started, memory_order_relaxed);
  /* The release store publishes the job to spinning workers; the broadcast
   * under the lock reaches those already asleep. */
  pthread_mutex_lock(&cpu->lock);
  atomic_fetch_add_explicit(&cpu->generation, 1, memory_order_release);
  pthread_cond_broadcast(&cpu->job_ready);
  pthread_mutex_unlock(&cpu->lock);

  run_chunk(&job, 0);

  for (int i = 0; i < TRT_SPIN_ITERATIONS; i++) {
    if (atomic_load_explicit(&cpu->pending, memory_order_acquire) == 0)
      return;
    cpu_relax();
  }
  pthread_mutex_lock(&cpu->lock);
  while (atomic_load_explicit(&cpu->pending, memory_order_acquire) > 0)
    pthread_cond_wait(&cpu->job_done, &cpu->lock);
  pthread_mutex_unlock(&cpu->lock);
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
