/* One pool of worker threads for the whole process, shared by every CPU
 * context, and work that any thread may take.
 *
 * Why. Each context used to own one thread per core, each job cut in one
 * chunk per thread, each chunk tied to its thread, and idle threads spun for
 * up to a millisecond. That is fast for one context alone on an idle
 * machine and collapses as soon as anything shares the cores: a decoder, a
 * second trtinfer element (`a ! queue ! b`, a `tee` with two branches), a
 * second pipeline. A layer then waits for a worker that the scheduler has
 * not run yet (or that is spinning for another context), once per layer,
 * hundreds of times per frame: 10x to 20x slower than one thread.
 *
 * What the pool does instead:
 * - One set of workers (as many as the largest context asks for, minus
 *   one: the calling thread works too), started by the first context that
 *   wants more than one thread and joined when the last one goes. Two
 *   contexts on two cores mean two callers and one worker, not four
 *   spinning threads.
 * - A job is a list of chunks that any thread may claim. The caller claims
 *   chunks of its own job until none is left, so it never waits for a
 *   worker that has not started: when the workers are busy elsewhere (or
 *   not scheduled), the caller simply runs every chunk itself, as one
 *   thread would. It only waits for chunks already being run.
 * - Workers take chunks from the open jobs in turn (a job goes to the back
 *   of the list after each claim), so contexts used at once share the
 *   workers fairly instead of one starving the others.
 * - Waiting is bounded: a worker out of work, or a caller whose remaining
 *   chunks run elsewhere, polls for TRT_POOL_SPIN_NS (a few microseconds,
 *   enough to catch the next layer of a running network) and then sleeps on
 *   a condition variable. An idle pool costs no CPU.
 * - Each job reports what offering it gained or lost, and a context whose
 *   jobs lose (the cores are busy with other work) stops offering them for
 *   a while (cpu_context.c).
 * Results do not depend on any of this: a chunk's bounds and index come from
 * the job alone (the index selects per-chunk scratch), whichever thread
 * runs it. */
#include "cpu/cpu_pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

/* How long a thread polls before sleeping. Long enough to bridge the gap
 * between two layers of one network (a few microseconds), short enough
 * that a thread polling for one context takes next to nothing from another
 * context or element that needs the core. */
#ifndef TRT_POOL_SPIN_NS
#define TRT_POOL_SPIN_NS 20000
#endif

typedef struct pool_job {
  trt_parallel_fn fn;
  void *arg;
  int64_t n;
  int64_t chunk;
  int nb_chunks;
  _Atomic int next_chunk;  /* claims; may overshoot nb_chunks */
  _Atomic int chunks_done; /* the caller returns when it reaches nb_chunks */
  /* Under pool.lock: in the open list, and its neighbours there. */
  bool listed;
  struct pool_job *prev, *next;
} pool_job_t;

static struct {
  /* Acquire and release: the count of users, starting and joining. */
  pthread_mutex_t lifecycle;
  int users;
  int nb_workers;
  pthread_t workers[TRT_CPU_POOL_MAX_WORKERS];

  /* The open jobs (those that may still have unclaimed chunks), who sleeps,
   * and the stop flag. Jobs live on their callers' stacks. */
  pthread_mutex_t lock;
  pthread_cond_t work_posted;  /* workers sleep on it */
  pthread_cond_t job_finished; /* callers waiting for others' chunks sleep on it */
  pool_job_t *head, *tail;
  int sleeping_workers;
  int waiting_callers;
  bool stopping;
  /* Bumped (under the lock) whenever a job is posted: what polling workers
   * watch without taking the lock. */
  _Atomic uint64_t posts;
  _Atomic int running_workers;
} pool = {
    .lifecycle = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work_posted = PTHREAD_COND_INITIALIZER,
    .job_finished = PTHREAD_COND_INITIALIZER,
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static uint64_t monotonic_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

/* Polls, for at most TRT_POOL_SPIN_NS, until `posts` moves past `seen`. */
static bool poll_for_post(uint64_t seen) {
  const uint64_t deadline = monotonic_ns() + TRT_POOL_SPIN_NS;
  for (unsigned i = 1;; i++) {
    if (atomic_load_explicit(&pool.posts, memory_order_acquire) != seen)
      return true;
    cpu_relax();
    /* The clock is cheap but not free: read it every few polls. */
    if (i % 32 == 0 && monotonic_ns() >= deadline)
      return false;
  }
}

/* Polls, for at most TRT_POOL_SPIN_NS, until every chunk of `job` is done. */
static bool poll_for_done(pool_job_t *job) {
  const uint64_t deadline = monotonic_ns() + TRT_POOL_SPIN_NS;
  for (unsigned i = 1;; i++) {
    if (atomic_load_explicit(&job->chunks_done, memory_order_acquire) == job->nb_chunks)
      return true;
    cpu_relax();
    if (i % 32 == 0 && monotonic_ns() >= deadline)
      return false;
  }
}

/* ---- the open list (pool.lock held) -------------------------------------- */

static void list_append(pool_job_t *job) {
  job->prev = pool.tail;
  job->next = NULL;
  if (pool.tail)
    pool.tail->next = job;
  else
    pool.head = job;
  pool.tail = job;
  job->listed = true;
}

static void list_remove(pool_job_t *job) {
  if (!job->listed)
    return;
  if (job->prev)
    job->prev->next = job->next;
  else
    pool.head = job->next;
  if (job->next)
    job->next->prev = job->prev;
  else
    pool.tail = job->prev;
  job->prev = job->next = NULL;
  job->listed = false;
}

/* Claims one chunk of the job at the head of the list; false when no open
 * job has one left. A job with chunks left goes to the back, so the next
 * claim serves another caller first; a job with none leaves the list. */
static bool claim_chunk(pool_job_t **job_out, int *chunk_out) {
  while (pool.head) {
    pool_job_t *job = pool.head;
    const int chunk = atomic_fetch_add_explicit(&job->next_chunk, 1, memory_order_relaxed);
    list_remove(job);
    if (chunk < job->nb_chunks) {
      if (chunk + 1 < job->nb_chunks)
        list_append(job);
      *job_out = job;
      *chunk_out = chunk;
      return true;
    }
  }
  return false;
}

/* ---- running chunks ------------------------------------------------------- */

static void run_chunk(const pool_job_t *job, int chunk) {
  const int64_t begin = (int64_t)chunk * job->chunk;
  if (begin >= job->n)
    return;
  const int64_t end = job->n - begin > job->chunk ? begin + job->chunk : job->n;
  job->fn(job->arg, begin, end, chunk);
}

/* A worker's chunk is done. The job lives on its caller's stack and may be
 * gone as soon as the count reaches nb_chunks, so it is not touched after. */
static void finish_worker_chunk(pool_job_t *job) {
  const int nb_chunks = job->nb_chunks;
  if (atomic_fetch_add_explicit(&job->chunks_done, 1, memory_order_acq_rel) + 1 != nb_chunks)
    return;
  pthread_mutex_lock(&pool.lock);
  if (pool.waiting_callers > 0)
    pthread_cond_broadcast(&pool.job_finished);
  pthread_mutex_unlock(&pool.lock);
}

static void *worker_main(void *unused) {
  (void)unused;
  pthread_mutex_lock(&pool.lock);
  for (;;) {
    pool_job_t *job;
    int chunk;
    if (claim_chunk(&job, &chunk)) {
      pthread_mutex_unlock(&pool.lock);
      run_chunk(job, chunk);
      finish_worker_chunk(job);
      pthread_mutex_lock(&pool.lock);
      continue;
    }
    if (pool.stopping)
      break;
    /* Out of work: poll a little (the next layer usually follows within
     * microseconds), then sleep until a job is posted. */
    const uint64_t seen = atomic_load_explicit(&pool.posts, memory_order_relaxed);
    pthread_mutex_unlock(&pool.lock);
    const bool posted = poll_for_post(seen);
    pthread_mutex_lock(&pool.lock);
    if (posted)
      continue;
    while (!pool.head && !pool.stopping) {
      pool.sleeping_workers++;
      pthread_cond_wait(&pool.work_posted, &pool.lock);
      pool.sleeping_workers--;
    }
  }
  pthread_mutex_unlock(&pool.lock);
  return NULL;
}

int64_t trt_cpu_pool_run(int64_t n, int64_t chunk, int nb_chunks, bool offer, trt_parallel_fn fn,
                         void *arg) {
  pool_job_t job = {.fn = fn, .arg = arg, .n = n, .chunk = chunk, .nb_chunks = nb_chunks};
  atomic_init(&job.next_chunk, 0);
  atomic_init(&job.chunks_done, 0);
  if (!offer || nb_chunks < 2 ||
      atomic_load_explicit(&pool.running_workers, memory_order_relaxed) == 0) {
    for (int c = 0; c < nb_chunks; c++)
      run_chunk(&job, c);
    return 0;
  }
  const uint64_t start = monotonic_ns();
  pthread_mutex_lock(&pool.lock);
  list_append(&job);
  atomic_fetch_add_explicit(&pool.posts, 1, memory_order_release);
  /* Wake no more sleepers than there are chunks for them; polling workers
   * see the post by themselves. */
  int wake = pool.sleeping_workers < nb_chunks - 1 ? pool.sleeping_workers : nb_chunks - 1;
  for (; wake > 0; wake--)
    pthread_cond_signal(&pool.work_posted);
  pthread_mutex_unlock(&pool.lock);

  const uint64_t own_start = monotonic_ns();
  int chunk_index, chunks_here = 0;
  while ((chunk_index = atomic_fetch_add_explicit(&job.next_chunk, 1, memory_order_relaxed)) <
         nb_chunks) {
    run_chunk(&job, chunk_index);
    atomic_fetch_add_explicit(&job.chunks_done, 1, memory_order_acq_rel);
    chunks_here++;
  }
  const uint64_t own_done = monotonic_ns();
  /* Workers reach the job through the list: it leaves the list before it
   * leaves the stack, even when every chunk ran here. */
  pthread_mutex_lock(&pool.lock);
  list_remove(&job);
  pthread_mutex_unlock(&pool.lock);
  if (chunks_here < nb_chunks && !poll_for_done(&job)) {
    pthread_mutex_lock(&pool.lock);
    pool.waiting_callers++;
    while (atomic_load_explicit(&job.chunks_done, memory_order_acquire) < nb_chunks)
      pthread_cond_wait(&pool.job_finished, &pool.lock);
    pool.waiting_callers--;
    pthread_mutex_unlock(&pool.lock);
  }
  if (chunks_here == 0)
    return 0; /* nothing to estimate one thread's time from */
  const double alone_ns = (double)(own_done - own_start) * nb_chunks / chunks_here;
  return (int64_t)(alone_ns - (double)(monotonic_ns() - start));
}

/* ---- lifecycle ------------------------------------------------------------ */

void trt_cpu_pool_acquire(int workers) {
  if (workers > TRT_CPU_POOL_MAX_WORKERS)
    workers = TRT_CPU_POOL_MAX_WORKERS;
  pthread_mutex_lock(&pool.lifecycle);
  if (pool.users++ == 0) {
    pthread_mutex_lock(&pool.lock);
    pool.stopping = false;
    pthread_mutex_unlock(&pool.lock);
  }
  while (pool.nb_workers < workers) {
    if (pthread_create(&pool.workers[pool.nb_workers], NULL, worker_main, NULL) != 0)
      break; /* fewer workers: callers run more chunks themselves */
    pool.nb_workers++;
  }
  atomic_store_explicit(&pool.running_workers, pool.nb_workers, memory_order_relaxed);
  pthread_mutex_unlock(&pool.lifecycle);
}

void trt_cpu_pool_release(void) {
  pthread_mutex_lock(&pool.lifecycle);
  if (pool.users > 0 && --pool.users == 0 && pool.nb_workers > 0) {
    pthread_mutex_lock(&pool.lock);
    pool.stopping = true;
    pthread_cond_broadcast(&pool.work_posted);
    pthread_mutex_unlock(&pool.lock);
    for (int w = 0; w < pool.nb_workers; w++)
      pthread_join(pool.workers[w], NULL);
    pool.nb_workers = 0;
    atomic_store_explicit(&pool.running_workers, 0, memory_order_relaxed);
  }
  pthread_mutex_unlock(&pool.lifecycle);
}

int trt_cpu_pool_workers(void) {
  return atomic_load_explicit(&pool.running_workers, memory_order_relaxed);
}
