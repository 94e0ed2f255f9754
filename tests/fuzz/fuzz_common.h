/* Shared by the libFuzzer harnesses (tests/fuzz/README.md): a silent
 * logger, and building and running a parsed network or a loaded plan once on
 * the CPU backend, as far as sizes allow. */
#ifndef TRT_FUZZ_COMMON_H
#define TRT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "trt/trt.h"

/* Engines whose activations, or any binding, need more than this are built
 * (or loaded) but not run, so that an execution stays in milliseconds. */
#define FUZZ_MAX_RUN_BYTES ((size_t)4 << 20)
/* Parsed networks with more constant bytes than this are neither built nor
 * run: build and run time grow with the weights (MobileNet's 17 MB take
 * seconds under the sanitizers), while small networks reach the same code. */
#define FUZZ_MAX_CONSTANT_BYTES ((size_t)4 << 20)

/* Installs a logger that drops every message (once per process). */
void fuzz_silence_logger(void);

/* The builder configuration every harness uses: CPU backend, one thread,
 * maximum batch 1, a small workspace. */
void fuzz_builder_config(trt_builder_config_t *config);

/* Gives dynamic dims of the network's inputs small fixed values, builds the
 * network and runs the engine once (fuzz_run_engine), within the caps
 * above. Errors are expected and ignored: only crashes and sanitizer
 * reports matter. */
void fuzz_build_and_run(trt_network_t *network);

/* Runs an engine once on deterministic inputs when its activation memory
 * and every binding fit FUZZ_MAX_RUN_BYTES. */
void fuzz_run_engine(const trt_engine_t *engine);

#endif
