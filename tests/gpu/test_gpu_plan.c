/* CUDA plan files: save, load, same outputs bit for bit; and refusals of a
 * truncated, corrupted, other-GPU and other-library plan, each naming the
 * check that failed.
 *
 *   test_gpu_plan model.onnx [batch]
 *
 * Exits 77 without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpu_util.h"
#include "plan_io.h"

static int failures;

#define EXPECT(condition, what)                                                              \
  do {                                                                                       \
    bool expect_ok_ = (condition);                                                           \
    printf("%-4s %s%s%s\n", expect_ok_ ? "ok" : "FAIL", what, expect_ok_ ? "" : ": ",        \
           expect_ok_ ? "" : trt_last_error());                                              \
    if (!expect_ok_)                                                                         \
      failures++;                                                                            \
  } while (0)

/* Re-seals a modified plan so that only the intended check can fail. */
static void reseal(unsigned char *plan, size_t size) {
  uint64_t checksum = trt_plan_checksum(plan, size - 8);
  memcpy(plan + size - 8, &checksum, 8);
}

/* Offset of the CUDA section's tag ("CUDA" little-endian u32), or 0. The
 * section ends the plan (before the checksum) and holds no other "CUDA",
 * so the search runs backwards, never through the weights. */
static size_t find_section(const unsigned char *plan, size_t size) {
  for (size_t i = size >= 12 ? size - 12 : 0; i > 0; i--)
    if (memcmp(plan + i, "CUDA", 4) == 0)
      return i;
  return 0;
}

static bool refused(const unsigned char *plan, size_t size, const char *needle) {
  trt_engine_t *engine = NULL;
  trt_status_t status = trt_engine_deserialize(plan, size, NULL, NULL, &engine);
  bool ok = status != TRT_STATUS_OK && engine == NULL && strstr(trt_last_error(), needle);
  if (status == TRT_STATUS_OK)
    trt_engine_destroy(engine);
  else
    printf("     message: %s\n", trt_last_error());
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_gpu_plan model.onnx [batch]\n");
    return 2;
  }
  gpu_require();
  int batch = argc > 2 ? atoi(argv[2]) : 1;
  trt_network_t *network = trt_network_create();
  if (trt_onnx_parse(network, argv[1]) != TRT_STATUS_OK) {
    printf("FAIL parsing %s: %s\n", argv[1], trt_last_error());
    return 1;
  }
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CUDA;
  config.max_batch = batch;
  trt_engine_t *built = NULL, *loaded = NULL;
  trt_context_t *built_context = NULL, *loaded_context = NULL;
  EXPECT(trt_engine_build(network, &config, &built) == TRT_STATUS_OK, "build");
  if (!built)
    return 1;
  char path[] = "/tmp/trt-gpu-plan-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0)
    close(fd);
  EXPECT(trt_engine_save(built, path, "gpu-test") == TRT_STATUS_OK, "save");
  EXPECT(trt_engine_load(path, "gpu-test", NULL, &loaded) == TRT_STATUS_OK, "load");
  if (!loaded)
    return 1;
  gpu_bindings_t a = {0}, b = {0};
  EXPECT(trt_context_create(built, &built_context) == TRT_STATUS_OK &&
             trt_context_create(loaded, &loaded_context) == TRT_STATUS_OK &&
             gpu_bindings_alloc(built, &a) == TRT_STATUS_OK &&
             gpu_bindings_alloc(loaded, &b) == TRT_STATUS_OK,
         "contexts");
  gpu_bindings_fill_inputs(built, &a, 7);
  gpu_bindings_copy_inputs(built, &b, &a);
  EXPECT(gpu_run_host(built, built_context, batch, &a) == TRT_STATUS_OK &&
             gpu_run_host(loaded, loaded_context, batch, &b) == TRT_STATUS_OK,
         "run built and loaded engines");
  bool identical = true;
  for (int i = 0; i < a.nb_bindings; i++)
    identical = identical && memcmp(a.host[i], b.host[i], a.max_bytes[i]) == 0;
  EXPECT(identical, "loaded plan gives bit-identical outputs");

  void *data = NULL;
  size_t size = 0;
  EXPECT(trt_engine_serialize(built, NULL, &data, &size) == TRT_STATUS_OK, "serialize");
  unsigned char *plan = data;
  unsigned char *copy = malloc(size);
  EXPECT(refused(plan, size / 2, "damaged"), "truncated plan refused");
  memcpy(copy, plan, size);
  copy[size / 3] ^= 0x10;
  EXPECT(refused(copy, size, "checksum"), "corrupted plan refused");
  size_t section = find_section(plan, size);
  EXPECT(section > 0, "the plan has a CUDA section");
  if (section > 0) {
    /* tag | u32 name length | name | u32 major | u32 minor | u32 runtime | u64 cudnn | u32 cublas */
    uint32_t name_length;
    memcpy(&name_length, plan + section + 4, 4);
    size_t name = section + 8, after_name = name + name_length;
    memcpy(copy, plan, size);
    copy[name] ^= 0x20;
    reseal(copy, size);
    EXPECT(refused(copy, size, "GPU check failed"), "plan for another GPU (name) refused");
    memcpy(copy, plan, size);
    copy[after_name] ^= 1;
    reseal(copy, size);
    EXPECT(refused(copy, size, "compute capability"), "plan for another compute capability refused");
    memcpy(copy, plan, size);
    copy[after_name + 8] ^= 1;
    reseal(copy, size);
    EXPECT(refused(copy, size, "CUDA runtime check failed"), "plan for another CUDA refused");
    memcpy(copy, plan, size);
    copy[after_name + 12] ^= 1;
    reseal(copy, size);
    EXPECT(refused(copy, size, "cuDNN version check failed"), "plan for another cuDNN refused");
    memcpy(copy, plan, size);
    copy[after_name + 20] ^= 1;
    reseal(copy, size);
    EXPECT(refused(copy, size, "cuBLAS version check failed"), "plan for another cuBLAS refused");
  }
  trt_builder_config_t cpu;
  trt_builder_config_init(&cpu);
  cpu.backend = TRT_BACKEND_CPU;
  trt_engine_t *wrong = NULL;
  EXPECT(trt_engine_deserialize(plan, size, NULL, &cpu, &wrong) != TRT_STATUS_OK && !wrong,
         "CUDA plan refused when the CPU is asked for");
  free(copy);
  free(data);
  remove(path);
  gpu_bindings_free(&a);
  gpu_bindings_free(&b);
  trt_context_destroy(built_context);
  trt_context_destroy(loaded_context);
  trt_engine_destroy(built);
  trt_engine_destroy(loaded);
  trt_network_destroy(network);
  printf("%s\n", failures ? "plan tests FAILED" : "plan tests passed");
  return failures ? 1 : 0;
}
