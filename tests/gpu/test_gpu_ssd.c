/* SSD's detection layers on the CUDA backend against the CPU reference.
 *
 *   test_gpu_ssd DEPLOY    (tests/caffe/ssd_tiny.prototxt)
 *
 * 1. DetectionOutput alone on random data (loc, conf and priors as inputs):
 *    scores quantized to 1/64 so that many tie (ties go by prior index on
 *    both backends), 3000 priors (the per-class sort goes past 2048 keys),
 *    batch 3, with and without share_location and keep_top_k. With CORNER
 *    boxes decoding is additions only, so the two backends compute the same
 *    floats and the output must be identical; with CENTER_SIZE expf may
 *    differ in its last bit, so rows are matched within 1e-5.
 * 2. The whole SSD network of DEPLOY (random weights, fixed seed) at batch
 *    1 and 2 (DEPLOY's input made two items), with the default passes (the
 *    priors fold to a constant) and with constant folding off (the PriorBox
 *    kernel runs): priors within 1e-6, loc and conf within 1e-4 relative L2,
 *    and the same detections (label, confidence within 1e-5, box within
 *    1e-4) in every item, padding rows all -1, and enough of them to mean
 *    something.
 * Exits 77 without a GPU. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_util.h"

static int failures;

#define EXPECT(cond, ...)                                                                          \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                  \
      printf(__VA_ARGS__);                                                                         \
      printf("\n");                                                                                \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static trt_status_t build(const trt_network_t *network, trt_backend_t backend,
                          const char *disabled_passes, trt_engine_t **engine) {
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = backend;
  config.allow_tf32 = false;
  trt_status_t status = TRT_STATUS_OK;
  if (disabled_passes)
    status = trt_builder_config_disable_passes(&config, disabled_passes);
  return status == TRT_STATUS_OK ? trt_engine_build(network, &config, engine) : status;
}

/* Runs `network` on both backends with the same inputs (random, or set by
 * `fill` on the CPU's bindings); the CPU's and CUDA's bindings come back. */
typedef void (*fill_fn)(const trt_engine_t *engine, gpu_bindings_t *bindings);

static bool run_both(const trt_network_t *network, const char *disabled_passes, fill_fn fill,
                     trt_engine_t **cpu, trt_engine_t **cuda, gpu_bindings_t *expected,
                     gpu_bindings_t *actual) {
  *cpu = *cuda = NULL;
  bool ok = build(network, TRT_BACKEND_CPU, disabled_passes, cpu) == TRT_STATUS_OK &&
            build(network, TRT_BACKEND_CUDA, disabled_passes, cuda) == TRT_STATUS_OK &&
            gpu_bindings_alloc(*cpu, expected) == TRT_STATUS_OK &&
            gpu_bindings_alloc(*cuda, actual) == TRT_STATUS_OK;
  if (ok) {
    gpu_bindings_fill_inputs(*cpu, expected, 2024);
    if (fill)
      fill(*cpu, expected);
    gpu_bindings_copy_inputs(*cpu, actual, expected);
    const int batch = trt_engine_max_batch(*cpu);
    ok = gpu_run_once(*cpu, batch, expected) && gpu_run_once(*cuda, batch, actual);
  }
  if (!ok)
    printf("FAIL build or run: %s\n", trt_last_error());
  return ok;
}

static int find_binding(const trt_engine_t *engine, const char *name) {
  for (int b = 0; b < trt_engine_num_bindings(engine); b++)
    if (strcmp(trt_engine_binding_name(engine, b), name) == 0)
      return b;
  return -1;
}

static int64_t binding_count(const trt_engine_t *engine, int b) {
  trt_dims_t dims = trt_engine_binding_dims(engine, b);
  return trt_dims_volume(&dims);
}

/* Detections of one item: rows before the padding; checks the padding. */
static int64_t count_rows(const float *rows, int64_t keep, const char *what, int64_t item) {
  int64_t count = 0;
  while (count < keep && rows[count * 7] >= 0)
    count++;
  for (int64_t r = count; r < keep; r++)
    for (int k = 0; k < 7; k++)
      if (rows[r * 7 + k] != -1.0f) {
        EXPECT(false, "%s item %lld: padding row %lld field %d is %g", what, (long long)item,
               (long long)r, k, rows[r * 7 + k]);
        return count;
      }
  return count;
}

/* Every CUDA detection of each item matches a CPU one (label, image id,
 * confidence within conf_tol, box within box_tol) and the counts agree;
 * returns the detections found. */
static int64_t compare_detections(const float *cuda, const float *cpu, int64_t batch, int64_t keep,
                                  double conf_tol, double box_tol, const char *what) {
  int64_t total = 0, same_order = 0;
  for (int64_t n = 0; n < batch; n++) {
    const float *a = cuda + n * keep * 7, *e = cpu + n * keep * 7;
    int64_t count_a = count_rows(a, keep, what, n), count_e = count_rows(e, keep, what, n);
    EXPECT(count_a == count_e, "%s item %lld: CUDA %lld detections, CPU %lld", what, (long long)n,
           (long long)count_a, (long long)count_e);
    total += count_e;
    for (int64_t i = 0; i < count_e; i++) {
      const float *want = e + i * 7;
      bool found = false;
      for (int64_t j = 0; j < count_a && !found; j++) {
        const float *got = a + j * 7;
        bool match =
            got[0] == want[0] && got[1] == want[1] && fabs((double)got[2] - want[2]) <= conf_tol;
        for (int k = 3; match && k < 7; k++)
          match = fabs((double)got[k] - want[k]) <= box_tol;
        found = match;
        same_order += match && i == j;
      }
      EXPECT(found, "%s item %lld: CPU row %lld [%g %g %g %g %g %g %g] has no CUDA match", what,
             (long long)n, (long long)i, want[0], want[1], want[2], want[3], want[4], want[5],
             want[6]);
      EXPECT(want[0] == (float)n, "%s item %lld: image id %g", what, (long long)n, want[0]);
    }
  }
  printf("     %s: %lld detections (%lld in the same row), batch %lld, %lld rows each\n", what,
         (long long)total, (long long)same_order, (long long)batch, (long long)keep);
  return total;
}

/* ---- 1. DetectionOutput on random data ------------------------------------ */

#define PRIORS  3000
#define CLASSES 6

/* Priors: random boxes 0.05 to 0.3 wide in [0, 1]; scores quantized. */
static void fill_detection(const trt_engine_t *engine, gpu_bindings_t *bindings) {
  uint64_t state = 99;
  for (int b = 0; b < bindings->nb_bindings; b++) {
    const char *name = trt_engine_binding_name(engine, b);
    float *data = bindings->host[b];
    int64_t count = binding_count(engine, b);
    for (int64_t i = 0; i < count; i++) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      const float u = (float)(state >> 40) / 16777216.0f; /* [0, 1) */
      if (strcmp(name, "conf") == 0)
        data[i] = floorf(u * 64.0f) / 64.0f;
      else if (strcmp(name, "loc") == 0)
        data[i] = 0.4f * u - 0.2f;
      else if (strcmp(name, "priors") == 0 && i < PRIORS * 4)
        data[i] = (i % 4) < 2 ? 0.7f * u : data[i - 2] + 0.05f + 0.25f * u;
      else if (strcmp(name, "priors") == 0)
        data[i] = 0.1f + 0.1f * (float)(i % 2);
    }
  }
}

static void test_detection_layer(trt_box_code_t code, bool share_location, int keep_top_k,
                                 int top_k) {
  const int64_t batch = 3, loc_classes = share_location ? 1 : CLASSES;
  trt_network_t *network = trt_network_create();
  trt_dims_t loc_dims = {2, {batch, PRIORS * loc_classes * 4}};
  trt_dims_t conf_dims = {3, {batch, PRIORS, CLASSES}};
  trt_dims_t prior_dims = {3, {1, 2, PRIORS * 4}};
  int inputs[3] = {trt_network_add_input(network, "loc", TRT_DATA_TYPE_FLOAT32, &loc_dims),
                   trt_network_add_input(network, "conf", TRT_DATA_TYPE_FLOAT32, &conf_dims),
                   trt_network_add_input(network, "priors", TRT_DATA_TYPE_FLOAT32, &prior_dims)};
  trt_detection_output_params_t params = {.num_classes = CLASSES,
                                          .share_location = share_location,
                                          .background_label_id = 0,
                                          .code_type = code,
                                          .variance_encoded_in_target = code == TRT_BOX_CODE_CORNER,
                                          .confidence_threshold = 0.5f,
                                          .nms_threshold = 0.45f,
                                          .eta = 1.0f,
                                          .top_k = top_k,
                                          .keep_top_k = keep_top_k};
  const char *name = "detections";
  int layer = trt_network_add_layer(network, TRT_LAYER_DETECTION_OUTPUT, "detect", inputs, 3, &name,
                                    1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  char what[128];
  snprintf(what, sizeof(what), "DetectionOutput %s%s keep_top_k %d top_k %d",
           code == TRT_BOX_CODE_CORNER ? "CORNER" : "CENTER_SIZE",
           share_location ? "" : " per-class loc", keep_top_k, top_k);
  const int before = failures;
  trt_engine_t *cpu, *cuda;
  gpu_bindings_t expected = {0}, actual = {0};
  if (run_both(network, NULL, fill_detection, &cpu, &cuda, &expected, &actual)) {
    int b = find_binding(cpu, "detections");
    trt_dims_t dims = trt_engine_binding_dims(cpu, b);
    const float *got = actual.host[b], *want = expected.host[b];
    int64_t count = binding_count(cpu, b);
    if (code == TRT_BOX_CODE_CORNER) {
      int64_t differ = 0;
      for (int64_t i = 0; i < count; i++)
        differ += memcmp(&got[i], &want[i], sizeof(float)) != 0;
      EXPECT(differ == 0, "%s: %lld of %lld values differ (identical expected)", what,
             (long long)differ, (long long)count);
    }
    int64_t total = compare_detections(got, want, dims.d[0], dims.d[2], 0.0, 1e-5, what);
    EXPECT(total >= 10, "%s: only %lld detections", what, (long long)total);
  } else {
    failures++;
  }
  printf("%-4s %s\n", failures == before ? "ok" : "FAIL", what);
  gpu_bindings_free(&expected);
  gpu_bindings_free(&actual);
  trt_engine_destroy(cpu);
  trt_engine_destroy(cuda);
  trt_network_destroy(network);
}

/* ---- 2. the SSD network ----------------------------------------------------- */

static char *read_text(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (!file)
    return NULL;
  fseek(file, 0, SEEK_END);
  long length = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = length >= 0 ? malloc((size_t)length + 16) : NULL;
  if (text && fread(text, 1, (size_t)length, file) == (size_t)length) {
    text[length] = '\0';
    *size = (size_t)length;
  } else {
    free(text);
    text = NULL;
  }
  fclose(file);
  return text;
}

static void test_network(const char *deploy, const char *text, size_t size, int batch,
                         const char *disabled_passes) {
  static const char *outputs[] = {"detection_out", "mbox_priorbox", "mbox_loc",
                                  "mbox_conf_flatten"};
  trt_caffe_options_t options;
  trt_caffe_options_init(&options);
  options.seed = 7;
  options.outputs = outputs;
  options.nb_outputs = 4;
  trt_network_t *network = trt_network_create();
  char what[256];
  snprintf(what, sizeof(what), "%s batch %d%s", deploy, batch,
           disabled_passes ? " (PriorBox kernel)" : " (priors folded)");
  if (trt_caffe_parse_memory(network, text, size, NULL, 0, &options, deploy) != TRT_STATUS_OK) {
    EXPECT(false, "%s: %s", what, trt_last_error());
    trt_network_destroy(network);
    return;
  }
  const int before = failures;
  trt_engine_t *cpu, *cuda;
  gpu_bindings_t expected = {0}, actual = {0};
  if (run_both(network, disabled_passes, NULL, &cpu, &cuda, &expected, &actual)) {
    for (int i = 1; i < 4; i++) {
      int b = find_binding(cpu, outputs[i]);
      int64_t count = binding_count(cpu, b);
      const float *got = actual.host[b], *want = expected.host[b];
      double diff = 0, norm = 0, largest = 0;
      for (int64_t k = 0; k < count; k++) {
        double d = (double)got[k] - want[k];
        diff += d * d;
        norm += (double)want[k] * want[k];
        largest = fabs(d) > largest || isnan(d) ? fabs(d) : largest;
      }
      double relative = sqrt(diff / (norm > 0 ? norm : 1));
      if (i == 1)
        EXPECT(largest <= 1e-6, "%s: priors differ by %g", what, largest);
      else
        EXPECT(relative <= 1e-4, "%s: %s relative L2 %g", what, outputs[i], relative);
      printf("     %s: relative L2 %.3g, max |diff| %.3g\n", outputs[i], relative, largest);
    }
    int b = find_binding(cpu, "detection_out");
    trt_dims_t dims = trt_engine_binding_dims(cpu, b);
    int64_t total = compare_detections(actual.host[b], expected.host[b], dims.d[0], dims.d[2], 1e-5,
                                       1e-4, "detection_out");
    EXPECT(total >= 10 * batch, "%s: only %lld detections", what, (long long)total);
    EXPECT(dims.d[0] == batch, "%s: %lld items", what, (long long)dims.d[0]);
  } else {
    failures++;
  }
  printf("%-4s %s\n", failures == before ? "ok" : "FAIL", what);
  gpu_bindings_free(&expected);
  gpu_bindings_free(&actual);
  trt_engine_destroy(cpu);
  trt_engine_destroy(cuda);
  trt_network_destroy(network);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_gpu_ssd DEPLOY (tests/caffe/ssd_tiny.prototxt)\n");
    return 2;
  }
  gpu_require();
  trt_set_log_level(TRT_SEVERITY_WARNING);
  test_detection_layer(TRT_BOX_CODE_CORNER, true, 200, -1);
  test_detection_layer(TRT_BOX_CODE_CORNER, false, -1, 400);
  test_detection_layer(TRT_BOX_CODE_CENTER_SIZE, true, 100, 300);
  test_detection_layer(TRT_BOX_CODE_CENTER_SIZE, false, -1, -1);

  size_t size = 0;
  char *text = read_text(argv[1], &size);
  if (!text) {
    printf("FAIL cannot read %s\n", argv[1]);
    return 1;
  }
  /* The same network with two items: the input's first dim 1 -> 2. */
  char *batched = malloc(size + 16);
  const char *marker = "shape { dim: 1 ";
  const char *at = strstr(text, marker);
  if (batched && at) {
    size_t head = (size_t)(at - text) + strlen(marker) - 2;
    memcpy(batched, text, head);
    batched[head] = '2';
    memcpy(batched + head + 1, text + head + 1, size - head);
  }
  for (int passes = 0; passes < 2; passes++) {
    const char *disabled = passes ? "constant-folding" : NULL;
    test_network(argv[1], text, size, 1, disabled);
    if (batched && at)
      test_network(argv[1], batched, size, 2, disabled);
    else
      EXPECT(false, "%s has no input shape to make a batch of 2 from", argv[1]);
  }
  free(batched);
  free(text);
  printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
  return failures ? 1 : 0;
}
