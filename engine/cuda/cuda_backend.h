/* The CUDA backend's internal interface: what each layer family provides to
 * run on the GPU, and the per-context environment it runs in.
 *
 * Build: the builder specializes the network at the maximum batch, runs the
 * passes, then for each layer asks its family for candidate tactics, times
 * every candidate on dummy data (CUDA events, after warm-up) and keeps the
 * fastest; a tactic may pre-format the layer's constant weights at that
 * point (the plan stores them formatted, so loading transforms nothing).
 * Run: an engine holds the network, the chosen tactic per layer and the
 * constants uploaded once to device memory (shared by all contexts); each
 * context owns a stream, library handles, a workspace, the activation arena
 * and each layer's state (descriptors) made by `create`. */
#ifndef TRT_CUDA_BACKEND_H
#define TRT_CUDA_BACKEND_H

#include "cuda/cuda_check.h"
#include "formats.h"
#include "network_internal.h"
#include "trt/runtime.h"

/* Everything a layer needs at run time, one per execution context. */
typedef struct {
  int device;
  cudaStream_t stream;
  cudnnHandle_t cudnn;
  cublasHandle_t cublas;
  cublasLtHandle_t cublas_lt;
  void *workspace; /* the largest any layer asked for, shared in turn */
  size_t workspace_bytes;
  bool allow_tf32;
  /* Tactics whose FP32 results are not within FP32 rounding of the direct
   * computation (cuDNN's FFT and non-fused Winograd algorithms): listed
   * only when the builder config allows them (allow_lossy_tactics). */
  bool allow_lossy_tactics;
} trt_cuda_env_t;

#define TRT_CUDA_MAX_TACTICS 32

typedef struct {
  int32_t id;       /* stable within the family: stored in plan files */
  char name[48];    /* for logs: "cudnn_algo_1", "direct_depthwise" */
  uint32_t source;  /* a trt_tactic_source_t bit; 0 for our own kernels */
} trt_cuda_tactic_t;

typedef struct {
  /* Candidates that can run `layer` as shaped; 0 with trt_last_error() set
   * when none can (the message says why). */
  int (*list_tactics)(const trt_network_t *network, const trt_layer_t *layer,
                      const trt_cuda_env_t *env, trt_cuda_tactic_t *tactics, int max_tactics);
  /* Optional, build time only: rewrite the layer's constant inputs into the
   * layout `tactic` reads (e.g. transposed or padded weights). */
  trt_status_t (*format_weights)(trt_network_t *network, trt_layer_t *layer, int32_t tactic);
  /* Makes the layer's run-time state for `tactic` and says how much
   * workspace enqueue needs. `state` may stay NULL. */
  trt_status_t (*create)(const trt_network_t *network, const trt_layer_t *layer, int32_t tactic,
                         trt_cuda_env_t *env, void **state, size_t *workspace_bytes);
  /* Launches the layer on env->stream. `inputs`/`outputs` are device
   * pointers (NULL for omitted optional inputs; constants are in device
   * memory too). An output that is a view (network_internal.h) points at its
   * first element; layers whose type writes views read the view's stride
   * with trt_tensor_view_layout(). Strided output views are written by
   * pooling, unary, elementwise, batch norm, resize, reshape and identity
   * (trt_cuda_writes_strided_views() in cuda_layer_util.h lists them);
   * those families' list_tactics reject strided inputs, the others reject
   * strided inputs and outputs with a message. */
  trt_status_t (*enqueue)(void *state, const trt_network_t *network, const trt_layer_t *layer,
                          int32_t tactic, const void *const *inputs, void *const *outputs,
                          trt_cuda_env_t *env);
  void (*destroy)(void *state);
  /* Optional: whether the family runs `layer` (float32 as shaped) with
   * float16 tensors instead, for FP16 engines (engine/precision.h); its
   * list_tactics then accepts the lowered layer. NULL: FP32 only. */
  bool (*runs_fp16)(const trt_network_t *network, const trt_layer_t *layer);
  /* Optional: the memory formats the family runs `layer` with
   * (engine/formats.h); SAME layers find each tensor's format in
   * tensor->format and its strides with trt_tensor_strides(). NULL: linear
   * tensors only. */
  trt_layer_formats_t (*formats)(const trt_network_t *network, const trt_layer_t *layer);
} trt_cuda_layer_ops_t;

/* CUDA graph capture and device-wide synchronization (cuda_device.c).
 *
 * Freeing device or pinned memory (cudaFree, cudaFreeHost) synchronizes the
 * whole device, and a device-wide synchronization while any stream of the
 * process is capturing invalidates that capture whatever its mode (the
 * capture then fails with "operation failed due to a previous error during
 * capture", cuDNN with CUDNN_STATUS_EXECUTION_FAILED). Contexts hold this
 * process-wide lock while they capture (rarely: once per context, see
 * cuda_engine.c), and every free the engine makes, its public memory
 * helpers included, takes it, as do the creation and destruction of the
 * library handles and of a context's layer states (cuDNN and cuBLAS free
 * memory inside), so the engine's own frees never break a capture on
 * another thread. Replays are not serialized. The lock is recursive. */
void trt_cuda_capture_lock(void);
void trt_cuda_capture_unlock(void);
/* cudaFree / cudaFreeHost under that lock (NULL is a no-op). */
cudaError_t trt_cuda_free(void *pointer);
cudaError_t trt_cuda_free_host(void *pointer);

/* The CUDA implementation of a layer type (cuda/cuda_registry.c), NULL when
 * there is none. */
const trt_cuda_layer_ops_t *trt_cuda_layer_ops(trt_layer_type_t type);

#endif
