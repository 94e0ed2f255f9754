/* Plugins: layers that the engine does not know, supplied by the
 * application or by a shared library.
 *
 * A plugin is a table of callbacks (trt_plugin_t) registered under its op
 * type and ONNX domain. When the ONNX importer meets a node whose op type it
 * does not know, or one of another domain, it asks the registry for
 * (node domain, op type); the Caffe importer asks for an unknown layer type
 * among the plugins that name a `caffe_type`. A registered plugin turns the
 * node into a TRT_LAYER_PLUGIN layer; without one the import fails naming
 * the op, as before.
 *
 * Parameters. `parse` turns the node's attributes (ONNX attributes of type
 * INT, FLOAT, STRING, INTS and FLOATS as trt_plugin_field_t; a Caffe layer
 * gives none, as the Caffe schema has no room for unknown parameters) into
 * at most TRT_PLUGIN_MAX_PARAMS bytes in a format of the plugin's own. Those
 * bytes are the layer's parameters: networks copy them and plan files store
 * them with the plugin's name, so `create` (bytes -> per-layer state) is
 * also the deserializer and must check them as data from outside. A plan
 * naming a plugin that is not registered is refused with
 * "plugin 'NAME' is not registered".
 *
 * Tensors are linear (row-major) with their full dims, batch included.
 * Execution: `execute_cpu` (required) is the CPU backend's implementation
 * and the reference; `enqueue_cuda` (optional) launches on the CUDA stream
 * it is given with device pointers, asynchronously; without it the CUDA
 * backend refuses the layer at build time, naming the plugin. Both get
 * `workspace_size` bytes of scratch (NULL when it says 0).
 *
 * Errors: callbacks return a trt_status_t and describe a failure with the
 * host's `error` function (trt_plugin_host_t), which libraries receive at
 * initialization; a plugin linked into the application may call
 * trt_error() directly. States are used from one thread at a time but a
 * plugin's callbacks may run on several threads at once for different
 * states.
 *
 * Libraries. trt_plugin_load_library(path) dlopen()s the library and calls
 * its `trt_plugin_library_init` (TRT_PLUGIN_LIBRARY_INIT below), which
 * registers its plugins through the host table. Libraries stay loaded for
 * the life of the process (registered tables point into them); loading the
 * same library again does nothing. */
#ifndef TRT_PLUGIN_H
#define TRT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "trt/network.h"
#include "trt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of trt_plugin_t and trt_plugin_host_t; a plugin sets its
 * table's abi_version to the value it was compiled with. */
#define TRT_PLUGIN_ABI_VERSION 1
/* TRT_PLUGIN_MAX_NAME (room for a name, domain or Caffe type, NUL
 * included) and TRT_PLUGIN_MAX_PARAMS (the most parameter bytes a plugin
 * layer carries) are in trt/network.h, with the layer's parameters. */
/* The most plugins a process registers. */
#define TRT_PLUGIN_MAX_REGISTERED 256

typedef enum {
  TRT_PLUGIN_FIELD_INT = 0, /* ints[0] */
  TRT_PLUGIN_FIELD_FLOAT,   /* floats[0] */
  TRT_PLUGIN_FIELD_STRING,  /* string, NUL-terminated; count is its length */
  TRT_PLUGIN_FIELD_INTS,    /* ints[0 .. count) */
  TRT_PLUGIN_FIELD_FLOATS,  /* floats[0 .. count) */
} trt_plugin_field_type_t;

/* One attribute of the node being imported; valid during `parse` only. */
typedef struct {
  const char *name;
  trt_plugin_field_type_t type;
  int count;
  const int64_t *ints;
  const float *floats;
  const char *string;
} trt_plugin_field_t;

/* A tensor as plugins see it. */
typedef struct {
  trt_data_type_t type;
  trt_dims_t dims;
} trt_plugin_tensor_t;

typedef struct trt_plugin {
  uint32_t abi_version;   /* TRT_PLUGIN_ABI_VERSION */
  const char *name;       /* the ONNX op type, e.g. "ScaledSquare" */
  const char *domain;     /* the ONNX domain; NULL or "": the default domain */
  const char *caffe_type; /* the Caffe layer type it also imports; NULL: none */

  /* Required: the node's attributes to parameter bytes (at most `capacity`,
   * which is TRT_PLUGIN_MAX_PARAMS); sets *size. */
  trt_status_t (*parse)(const trt_plugin_field_t *fields, int nb_fields, void *params,
                        size_t capacity, size_t *size);
  /* Required: the per-layer state from parameter bytes (parse's, or a
   * plan's: check them). *state may be NULL when the plugin needs none. */
  trt_status_t (*create)(const void *params, size_t size, void **state);
  /* Optional: frees a state made by create. */
  void (*destroy)(void *state);
  /* Required: checks the inputs and sets each output's type and dims. */
  trt_status_t (*get_outputs)(const void *state, const trt_plugin_tensor_t *inputs, int nb_inputs,
                              trt_plugin_tensor_t *outputs, int nb_outputs);
  /* Optional: scratch bytes execute_cpu / enqueue_cuda need at these
   * shapes (NULL: none). */
  size_t (*workspace_size)(const void *state, const trt_plugin_tensor_t *inputs, int nb_inputs,
                           const trt_plugin_tensor_t *outputs, int nb_outputs);
  /* Required: computes the outputs on the CPU (host pointers). */
  trt_status_t (*execute_cpu)(void *state, const trt_plugin_tensor_t *inputs,
                              const void *const *input_data, int nb_inputs,
                              const trt_plugin_tensor_t *outputs, void *const *output_data,
                              int nb_outputs, void *workspace);
  /* Optional: launches the computation on `stream` (a cudaStream_t) with
   * device pointers; must not synchronize. */
  trt_status_t (*enqueue_cuda)(void *state, const trt_plugin_tensor_t *inputs,
                               const void *const *input_data, int nb_inputs,
                               const trt_plugin_tensor_t *outputs, void *const *output_data,
                               int nb_outputs, void *workspace, void *stream);
} trt_plugin_t;

/* Registers a copy of `plugin` (its strings copied too; the callbacks must
 * stay valid). INVALID_ARGUMENT for a wrong ABI version, a missing required
 * callback or a name too long; INVALID_ARGUMENT also when a plugin of that
 * (domain, name) or Caffe type is registered already. Thread-safe. */
trt_status_t trt_plugin_register(const trt_plugin_t *plugin);
/* Removes the plugin (domain NULL: the default domain). Engines built with
 * it keep their states; new imports, builds and plan loads no longer find
 * it. INVALID_ARGUMENT when none is registered. */
trt_status_t trt_plugin_deregister(const char *domain, const char *name);
/* The registered plugin, or NULL. The table stays valid for the process. */
const trt_plugin_t *trt_plugin_find(const char *domain, const char *name);
const trt_plugin_t *trt_plugin_find_caffe(const char *caffe_type);
int trt_plugin_count(void);

/* What a library gets at initialization. */
typedef struct {
  uint32_t abi_version; /* TRT_PLUGIN_ABI_VERSION */
  trt_status_t (*register_plugin)(const trt_plugin_t *plugin);
  /* trt_error(): records the message of a failure and returns `status`. */
  trt_status_t (*error)(trt_status_t status, const char *format, ...)
      __attribute__((format(printf, 2, 3)));
  void (*log)(trt_severity_t severity, const char *format, ...)
      __attribute__((format(printf, 2, 3)));
} trt_plugin_host_t;

/* The symbol a plugin library exports; it registers its plugins through
 * `host` and returns OK, or a status with host->error's message. */
#define TRT_PLUGIN_LIBRARY_INIT "trt_plugin_library_init"
typedef trt_status_t (*trt_plugin_library_init_fn)(const trt_plugin_host_t *host);

/* Loads a plugin library (see above). IO_ERROR naming the file when it
 * cannot be opened (dlerror's reason), UNSUPPORTED when it has no
 * trt_plugin_library_init, the init's status (prefixed with the path)
 * when it fails. Thread-safe. */
trt_status_t trt_plugin_load_library(const char *path);
/* Loads each library of a comma-separated list ("a.so,b.so"; empty items
 * skipped), stopping at the first failure. */
trt_status_t trt_plugin_load_libraries(const char *paths);

#ifdef __cplusplus
}
#endif

#endif
