/* The CPU backend's shared thread pool: every item of a parallel loop runs
 * once, in chunks whose index stays below the context's thread count; an
 * idle pool burns no CPU; a network gives bit-identical outputs for every
 * thread count; contexts used at once from several threads (and created
 * and destroyed meanwhile) all get correct results; the workers go when
 * the last context does. */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu_pool.h"
#include "test_util.h"

/* ---- parallel_for covers [0, n) once ------------------------------------ */

typedef struct {
  _Atomic int *visits;
  _Atomic int highest_thread;
  _Atomic int calls;
} coverage_t;

static void count_visits(void *arg, int64_t begin, int64_t end, int thread) {
  coverage_t *coverage = arg;
  for (int64_t i = begin; i < end; i++)
    atomic_fetch_add(&coverage->visits[i], 1);
  int highest = atomic_load(&coverage->highest_thread);
  while (thread > highest &&
         !atomic_compare_exchange_weak(&coverage->highest_thread, &highest, thread)) {
  }
  atomic_fetch_add(&coverage->calls, 1);
}

static void check_coverage(void) {
  const int thread_counts[] = {1, 2, 3, 5, 0, TRT_CPU_MAX_THREADS};
  _Atomic int visits[200];
  for (size_t t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
    trt_cpu_context_t *cpu = trt_cpu_context_create(thread_counts[t]);
    CHECK(cpu != NULL);
    if (!cpu)
      continue;
    const int threads = trt_cpu_context_threads(cpu);
    CHECK(threads >= 1 && threads <= TRT_CPU_MAX_THREADS);
    for (int64_t n = 1; n <= 200; n += 13) {
      for (int64_t grain = 1; grain <= 9; grain += 4) {
        coverage_t coverage = {.visits = visits};
        for (int64_t i = 0; i < n; i++)
          atomic_init(&visits[i], 0);
        atomic_init(&coverage.highest_thread, 0);
        atomic_init(&coverage.calls, 0);
        trt_cpu_parallel_for(cpu, n, grain, count_visits, &coverage);
        int wrong = 0;
        for (int64_t i = 0; i < n; i++)
          wrong += atomic_load(&visits[i]) != 1;
        CHECK(wrong == 0);
        CHECK(atomic_load(&coverage.highest_thread) < threads);
        /* No more chunks than threads, none smaller than the grain (but the last). */
        CHECK(atomic_load(&coverage.calls) <= threads);
        CHECK(atomic_load(&coverage.calls) <= (n + grain - 1) / grain);
      }
    }
    trt_cpu_context_destroy(cpu);
  }
  CHECK(trt_cpu_pool_workers() == 0);
}

/* ---- an idle pool sleeps ----------------------------------------------- */

static double clock_seconds(clockid_t clock) {
  struct timespec now;
  clock_gettime(clock, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

static void touch_range(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  float *data = arg;
  for (int64_t i = begin; i < end; i++)
    data[i] = data[i] * 0.5f + 1.0f;
}

/* Runs jobs on four threads' worth of workers, then idles 300 ms: the whole
 * process must use a small fraction of one core meanwhile (a spinning worker
 * would use all of one). */
static void check_idle_pool_sleeps(void) {
  trt_cpu_context_t *cpu = trt_cpu_context_create(4);
  CHECK(cpu != NULL);
  if (!cpu)
    return;
  CHECK(trt_cpu_pool_workers() >= 1);
  static float data[1 << 16];
  for (int round = 0; round < 200; round++)
    trt_cpu_parallel_for(cpu, 1 << 16, 1024, touch_range, data);

  const double cpu_before = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  const double wall_before = clock_seconds(CLOCK_MONOTONIC);
  struct timespec idle = {0, 300 * 1000 * 1000};
  while (nanosleep(&idle, &idle) != 0) {
  }
  const double cpu_used = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu_before;
  const double wall = clock_seconds(CLOCK_MONOTONIC) - wall_before;
  printf("idle pool: %.3f ms of CPU over %.1f ms\n", cpu_used * 1e3, wall * 1e3);
  CHECK_BELOW(cpu_used, 0.05 * wall);
  trt_cpu_context_destroy(cpu);
}

/* ---- a network: same bits for every thread count -------------------------- */

#define BATCH     2
#define IN_C      32
#define HEIGHT    37
#define WIDTH     41
#define MID_C     24
#define CLASSES   10
#define IN_COUNT  (BATCH * IN_C * HEIGHT * WIDTH)
#define FEATURES  (BATCH * MID_C * (HEIGHT / 2) * (WIDTH / 2))
#define OUT_COUNT (BATCH * CLASSES)

static int add_constant(trt_network_t *network, const char *name, test_rng_t *rng, int nb_dims,
                        const int64_t *dims) {
  trt_dims_t shape = trt_dims_make(nb_dims, dims);
  float *values = test_random_floats(rng, trt_dims_volume(&shape), -0.5f, 0.5f);
  int tensor = trt_network_add_constant(network, name, TRT_DATA_TYPE_FLOAT32, &shape, values);
  free(values);
  return tensor;
}

static int add_layer(trt_network_t *network, trt_layer_type_t type, const char *name,
                     const int *inputs, int nb_inputs, const char *output_name,
                     const void *params) {
  const char **names = output_name ? &output_name : NULL;
  return trt_network_layer_output(
      network, trt_network_add_layer(network, type, name, inputs, nb_inputs, names, 1, params), 0);
}

/* x[2,32,37,41] -> conv 3x3 (K = 288, over one K block) + relu -> depthwise
 * 3x3 -> max pool 2x2 = features -> mean over H, W -> gemm -> softmax = y:
 * the im2col GEMM, depthwise, pooling, reduction and softmax paths, each
 * split differently by different thread counts. */
static trt_network_t *make_network(void) {
  test_rng_t rng = test_rng(13);
  trt_network_t *network = trt_network_create();
  const int64_t x_dims[] = {BATCH, IN_C, HEIGHT, WIDTH};
  const trt_dims_t xd = trt_dims_make(4, x_dims);
  int x = trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &xd);

  const int64_t w1[] = {MID_C, IN_C, 3, 3}, b1[] = {MID_C};
  trt_convolution_params_t conv = {.nb_spatial = 2,
                                   .kernel = {3, 3},
                                   .stride = {1, 1},
                                   .dilation = {1, 1},
                                   .pad_begin = {1, 1},
                                   .pad_end = {1, 1},
                                   .group = 1,
                                   .activation = {.kind = TRT_ACTIVATION_RELU}};
  int conv_inputs[] = {x, add_constant(network, "w1", &rng, 4, w1),
                       add_constant(network, "b1", &rng, 1, b1)};
  int c1 = add_layer(network, TRT_LAYER_CONVOLUTION, "conv", conv_inputs, 3, NULL, &conv);

  const int64_t w2[] = {MID_C, 1, 3, 3};
  trt_convolution_params_t depthwise = conv;
  depthwise.group = MID_C;
  depthwise.activation.kind = TRT_ACTIVATION_NONE;
  int dw_inputs[] = {c1, add_constant(network, "w2", &rng, 4, w2)};
  int c2 = add_layer(network, TRT_LAYER_CONVOLUTION, "depthwise", dw_inputs, 2, NULL, &depthwise);

  trt_pooling_params_t pool = {.kind = TRT_POOLING_MAX,
                               .nb_spatial = 2,
                               .kernel = {2, 2},
                               .stride = {2, 2},
                               .dilation = {1, 1}};
  int features = add_layer(network, TRT_LAYER_POOLING, "pool", &c2, 1, "features", &pool);

  trt_reduce_params_t mean = {.kind = TRT_REDUCE_MEAN, .nb_axes = 2, .axes = {2, 3}};
  int pooled = add_layer(network, TRT_LAYER_REDUCE, "mean", &features, 1, NULL, &mean);

  const int64_t fc[] = {CLASSES, MID_C}, fcb[] = {CLASSES};
  trt_gemm_params_t gemm = {.alpha = 1, .beta = 1, .transpose_b = true};
  int gemm_inputs[] = {pooled, add_constant(network, "fc", &rng, 2, fc),
                       add_constant(network, "fcb", &rng, 1, fcb)};
  int logits = add_layer(network, TRT_LAYER_GEMM, "fc", gemm_inputs, 3, NULL, &gemm);

  trt_softmax_params_t softmax = {.axis = 1};
  int y = add_layer(network, TRT_LAYER_SOFTMAX, "softmax", &logits, 1, "y", &softmax);
  trt_network_mark_output(network, features);
  trt_network_mark_output(network, y);
  return network;
}

/* The plan, loaded with another thread count: cpu_threads is a run-time
 * option, the engine is otherwise the same. */
static trt_engine_t *engine_with_threads(const void *plan, size_t size, int threads) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  config.cpu_threads = threads;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_deserialize(plan, size, NULL, &config, &engine));
  return engine;
}

/* Runs `engine` on `x` through `context`; outputs by binding name. */
static void run_network(trt_context_t *context, const trt_engine_t *engine, const float *x,
                        float *features, float *y) {
  void *bindings[3];
  bindings[trt_engine_find_binding(engine, "x")] = (void *)x;
  bindings[trt_engine_find_binding(engine, "features")] = features;
  bindings[trt_engine_find_binding(engine, "y")] = y;
  CHECK_OK(trt_context_execute(context, BATCH, bindings));
}

typedef struct {
  float features[FEATURES];
  float y[OUT_COUNT];
} outputs_t;

static bool same_bits(const outputs_t *a, const outputs_t *b) {
  return memcmp(a->features, b->features, sizeof(a->features)) == 0 &&
         memcmp(a->y, b->y, sizeof(a->y)) == 0;
}

static void check_thread_counts(const void *plan, size_t size, const float *x) {
  const int thread_counts[] = {1, 2, 3, 0, 7};
  static outputs_t reference, out;
  for (size_t t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
    trt_engine_t *engine = engine_with_threads(plan, size, thread_counts[t]);
    trt_context_t *context = NULL;
    if (engine)
      CHECK_OK(trt_context_create(engine, &context));
    if (!context) {
      trt_engine_destroy(engine);
      continue;
    }
    const int cores = trt_cpu_available_cores();
    const int automatic = cores < TRT_CPU_MAX_THREADS ? cores : TRT_CPU_MAX_THREADS;
    CHECK(trt_context_cpu_threads(context) == (thread_counts[t] ? thread_counts[t] : automatic));
    outputs_t *target = t == 0 ? &reference : &out;
    memset(target, 0, sizeof(*target));
    run_network(context, engine, x, target->features, target->y);
    if (t > 0 && !same_bits(&reference, &out))
      fprintf(stderr, "threads=%d: outputs differ from threads=1\n", thread_counts[t]);
    CHECK(t == 0 || same_bits(&reference, &out));
    trt_context_destroy(context);
    trt_engine_destroy(engine);
  }
  CHECK(trt_cpu_pool_workers() == 0);
}

/* ---- contexts used at once from several threads ------------------------- */

#define USERS     4
#define USER_RUNS 12
#define INPUTS    3

typedef struct {
  const void *plan;
  size_t size;
  int threads;
  const float *inputs[INPUTS];
  const outputs_t *expected[INPUTS];
  int mismatches;
  int failures;
} user_t;

static void *use_context(void *arg) {
  user_t *user = arg;
  static _Thread_local outputs_t out;
  trt_engine_t *engine = engine_with_threads(user->plan, user->size, user->threads);
  trt_context_t *context = NULL;
  if (!engine || trt_context_create(engine, &context) != TRT_STATUS_OK) {
    user->failures++;
    trt_engine_destroy(engine);
    return NULL;
  }
  for (int run = 0; run < USER_RUNS; run++) {
    const int which = (run + user->threads) % INPUTS;
    void *bindings[3];
    bindings[trt_engine_find_binding(engine, "x")] = (void *)user->inputs[which];
    bindings[trt_engine_find_binding(engine, "features")] = out.features;
    bindings[trt_engine_find_binding(engine, "y")] = out.y;
    if (trt_context_execute(context, BATCH, bindings) != TRT_STATUS_OK)
      user->failures++;
    else if (!same_bits(&out, user->expected[which]))
      user->mismatches++;
  }
  trt_context_destroy(context);
  trt_engine_destroy(engine);
  return NULL;
}

/* Meanwhile, contexts come and go: the pool grows and its users change. */
static void *churn_contexts(void *arg) {
  _Atomic int *stop = arg;
  static float data[4096];
  while (!atomic_load(stop)) {
    trt_cpu_context_t *cpu = trt_cpu_context_create(3);
    if (cpu)
      trt_cpu_parallel_for(cpu, 4096, 64, touch_range, data);
    trt_cpu_context_destroy(cpu);
  }
  return NULL;
}

static void check_concurrent_contexts(const void *plan, size_t size, float *const *inputs) {
  static outputs_t expected[INPUTS];
  trt_engine_t *single = engine_with_threads(plan, size, 1);
  trt_context_t *context = NULL;
  if (single)
    CHECK_OK(trt_context_create(single, &context));
  if (!context) {
    trt_engine_destroy(single);
    return;
  }
  for (int i = 0; i < INPUTS; i++)
    run_network(context, single, inputs[i], expected[i].features, expected[i].y);
  trt_context_destroy(context);
  trt_engine_destroy(single);

  const int thread_counts[USERS] = {0, 2, 3, 1};
  user_t users[USERS];
  pthread_t threads[USERS], churn;
  _Atomic int stop = 0;
  CHECK(pthread_create(&churn, NULL, churn_contexts, &stop) == 0);
  for (int u = 0; u < USERS; u++) {
    users[u] = (user_t){.plan = plan, .size = size, .threads = thread_counts[u]};
    for (int i = 0; i < INPUTS; i++) {
      users[u].inputs[i] = inputs[i];
      users[u].expected[i] = &expected[i];
    }
    CHECK(pthread_create(&threads[u], NULL, use_context, &users[u]) == 0);
  }
  for (int u = 0; u < USERS; u++) {
    pthread_join(threads[u], NULL);
    if (users[u].mismatches || users[u].failures)
      fprintf(stderr, "user with threads=%d: %d wrong results, %d failed runs\n", users[u].threads,
              users[u].mismatches, users[u].failures);
    CHECK(users[u].mismatches == 0);
    CHECK(users[u].failures == 0);
  }
  atomic_store(&stop, 1);
  pthread_join(churn, NULL);
  CHECK(trt_cpu_pool_workers() == 0);
}

int main(void) {
  check_coverage();
  check_idle_pool_sleeps();

  trt_network_t *network = make_network();
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  trt_engine_t *engine = NULL;
  CHECK_OK(trt_engine_build(network, &config, &engine));
  void *plan = NULL;
  size_t size = 0;
  if (engine)
    CHECK_OK(trt_engine_serialize(engine, NULL, &plan, &size));
  trt_engine_destroy(engine);
  trt_network_destroy(network);
  if (plan) {
    float *inputs[INPUTS];
    for (int i = 0; i < INPUTS; i++) {
      test_rng_t rng = test_rng(100 + (uint64_t)i);
      inputs[i] = test_random_floats(&rng, IN_COUNT, -1, 1);
    }
    check_thread_counts(plan, size, inputs[0]);
    check_concurrent_contexts(plan, size, inputs);
    for (int i = 0; i < INPUTS; i++)
      free(inputs[i]);
  }
  free(plan);
  return test_finish("cpu_pool");
}
