/* The plugin registry (trt/plugin.h): a fixed table of registered plugins,
 * each a copy of the caller's table with its strings copied, behind one
 * mutex; slots are never reused, so a pointer handed out stays valid (a
 * deregistered slot is only marked so). Libraries are dlopen()ed and never
 * closed: registered tables point into them. */
#include "trt/plugin.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  trt_plugin_t plugin; /* its strings point into the arrays below */
  char name[TRT_PLUGIN_MAX_NAME];
  char domain[TRT_PLUGIN_MAX_NAME];
  char caffe_type[TRT_PLUGIN_MAX_NAME];
  bool active;
} registered_t;

#define MAX_LIBRARIES 64

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static registered_t registry[TRT_PLUGIN_MAX_REGISTERED];
static int nb_registered;              /* slots used, active or not */
static void *libraries[MAX_LIBRARIES]; /* dlopen handles whose init succeeded */
static int nb_libraries;

static const char *domain_or_default(const char *domain) {
  return domain && strcmp(domain, "ai.onnx") != 0 ? domain : "";
}

static bool fits(const char *text) {
  return strlen(text) < TRT_PLUGIN_MAX_NAME;
}

/* The active slot of (domain, name), caller holding the lock. */
static registered_t *find_locked(const char *domain, const char *name) {
  domain = domain_or_default(domain);
  for (int i = 0; i < nb_registered; i++)
    if (registry[i].active && strcmp(registry[i].name, name) == 0 &&
        strcmp(registry[i].domain, domain) == 0)
      return &registry[i];
  return NULL;
}

static registered_t *find_caffe_locked(const char *type) {
  for (int i = 0; i < nb_registered; i++)
    if (registry[i].active && registry[i].caffe_type[0] &&
        strcmp(registry[i].caffe_type, type) == 0)
      return &registry[i];
  return NULL;
}

static trt_status_t check_plugin(const trt_plugin_t *plugin) {
  if (!plugin)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_plugin_register: NULL plugin");
  if (!plugin->name || !plugin->name[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_plugin_register: the plugin has no name");
  const char *name = plugin->name;
  if (plugin->abi_version != TRT_PLUGIN_ABI_VERSION)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "plugin '%s': ABI version %u, this engine has version %d", name,
                     (unsigned)plugin->abi_version, TRT_PLUGIN_ABI_VERSION);
  if (!fits(name) || (plugin->domain && !fits(plugin->domain)) ||
      (plugin->caffe_type && !fits(plugin->caffe_type)))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "plugin '%.64s': a name, domain or Caffe type has %d characters or more", name,
                     TRT_PLUGIN_MAX_NAME);
  const char *missing = !plugin->parse         ? "parse"
                        : !plugin->create      ? "create"
                        : !plugin->get_outputs ? "get_outputs"
                        : !plugin->execute_cpu ? "execute_cpu"
                                               : NULL;
  if (missing)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "plugin '%s' has no %s callback (required)", name,
                     missing);
  return TRT_STATUS_OK;
}

trt_status_t trt_plugin_register(const trt_plugin_t *plugin) {
  trt_status_t status = check_plugin(plugin);
  if (status != TRT_STATUS_OK)
    return status;
  const char *domain = domain_or_default(plugin->domain);
  pthread_mutex_lock(&registry_lock);
  if (find_locked(domain, plugin->name))
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plugin '%s' (domain '%s') is registered already", plugin->name, domain);
  else if (plugin->caffe_type && plugin->caffe_type[0] && find_caffe_locked(plugin->caffe_type))
    status = trt_error(TRT_STATUS_INVALID_ARGUMENT,
                       "plugin '%s': a plugin for Caffe type '%s' is registered already",
                       plugin->name, plugin->caffe_type);
  else if (nb_registered >= TRT_PLUGIN_MAX_REGISTERED)
    status = trt_error(TRT_STATUS_UNSUPPORTED, "plugin '%s': more than %d plugins registered",
                       plugin->name, TRT_PLUGIN_MAX_REGISTERED);
  if (status == TRT_STATUS_OK) {
    registered_t *slot = &registry[nb_registered];
    memset(slot, 0, sizeof(*slot));
    slot->plugin = *plugin;
    snprintf(slot->name, sizeof(slot->name), "%s", plugin->name);
    snprintf(slot->domain, sizeof(slot->domain), "%s", domain);
    snprintf(slot->caffe_type, sizeof(slot->caffe_type), "%s",
             plugin->caffe_type ? plugin->caffe_type : "");
    slot->plugin.name = slot->name;
    slot->plugin.domain = slot->domain;
    slot->plugin.caffe_type = slot->caffe_type[0] ? slot->caffe_type : NULL;
    slot->active = true;
    nb_registered++;
  }
  pthread_mutex_unlock(&registry_lock);
  if (status == TRT_STATUS_OK)
    trt_log(TRT_SEVERITY_VERBOSE, "registered plugin '%s'%s%s%s", plugin->name,
            domain[0] ? " of domain " : "", domain, plugin->caffe_type ? " (Caffe too)" : "");
  return status;
}

trt_status_t trt_plugin_deregister(const char *domain, const char *name) {
  if (!name)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_plugin_deregister: NULL name");
  pthread_mutex_lock(&registry_lock);
  registered_t *slot = find_locked(domain, name);
  if (slot)
    slot->active = false;
  pthread_mutex_unlock(&registry_lock);
  if (!slot)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "plugin '%s' (domain '%s') is not registered",
                     name, domain_or_default(domain));
  return TRT_STATUS_OK;
}

const trt_plugin_t *trt_plugin_find(const char *domain, const char *name) {
  if (!name)
    return NULL;
  pthread_mutex_lock(&registry_lock);
  registered_t *slot = find_locked(domain, name);
  pthread_mutex_unlock(&registry_lock);
  return slot ? &slot->plugin : NULL;
}

const trt_plugin_t *trt_plugin_find_caffe(const char *caffe_type) {
  if (!caffe_type || !caffe_type[0])
    return NULL;
  pthread_mutex_lock(&registry_lock);
  registered_t *slot = find_caffe_locked(caffe_type);
  pthread_mutex_unlock(&registry_lock);
  return slot ? &slot->plugin : NULL;
}

int trt_plugin_count(void) {
  int count = 0;
  pthread_mutex_lock(&registry_lock);
  for (int i = 0; i < nb_registered; i++)
    count += registry[i].active ? 1 : 0;
  pthread_mutex_unlock(&registry_lock);
  return count;
}

/* ---- libraries ----------------------------------------------------------- */

static void host_log(trt_severity_t severity, const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  trt_log(severity, "%s", message);
}

static trt_status_t host_error(trt_status_t status, const char *format, ...) {
  char message[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  return trt_error(status, "%s", message);
}

static const trt_plugin_host_t host = {
    .abi_version = TRT_PLUGIN_ABI_VERSION,
    .register_plugin = trt_plugin_register,
    .error = host_error,
    .log = host_log,
};

/* The library lock is held across dlopen and init, so that two threads
 * loading one library run its init once. It is not the registry's lock,
 * which init takes through register_plugin. */
static pthread_mutex_t library_lock = PTHREAD_MUTEX_INITIALIZER;

static bool library_known(void *handle) {
  for (int i = 0; i < nb_libraries; i++)
    if (libraries[i] == handle)
      return true;
  return false;
}

trt_status_t trt_plugin_load_library(const char *path) {
  if (!path || !path[0])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_plugin_load_library: no path");
  pthread_mutex_lock(&library_lock);
  trt_status_t status = TRT_STATUS_OK;
  dlerror();
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    status = trt_error(TRT_STATUS_IO_ERROR, "plugin library '%s' cannot be loaded: %s", path,
                       reason ? reason : "unknown reason");
  } else if (library_known(handle)) {
    dlclose(handle); /* drops the count this dlopen added */
  } else if (nb_libraries >= MAX_LIBRARIES) {
    dlclose(handle);
    status = trt_error(TRT_STATUS_UNSUPPORTED, "plugin library '%s': more than %d libraries loaded",
                       path, MAX_LIBRARIES);
  } else {
    trt_plugin_library_init_fn init = NULL;
    void *symbol = dlsym(handle, TRT_PLUGIN_LIBRARY_INIT);
    memcpy(&init, &symbol, sizeof(init)); /* object to function pointer, as POSIX allows */
    if (!init) {
      dlclose(handle);
      status = trt_error(TRT_STATUS_UNSUPPORTED,
                         "plugin library '%s' has no %s function (not a plugin library?)", path,
                         TRT_PLUGIN_LIBRARY_INIT);
    } else {
      trt_error_clear();
      status = init(&host);
      if (status != TRT_STATUS_OK) {
        /* Plugins it registered before failing stay (they point into it),
         * so the library stays loaded too. */
        const char *message = trt_last_error();
        status = trt_error(status, "plugin library '%s': initialization failed: %s", path,
                           message[0] ? message : trt_status_name(status));
      } else {
        libraries[nb_libraries++] = handle;
        trt_log(TRT_SEVERITY_INFO, "loaded plugin library '%s'", path);
      }
    }
  }
  pthread_mutex_unlock(&library_lock);
  return status;
}

trt_status_t trt_plugin_load_libraries(const char *paths) {
  if (!paths)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "trt_plugin_load_libraries: NULL list");
  const char *item = paths;
  while (*item) {
    const char *end = strchr(item, ',');
    size_t length = end ? (size_t)(end - item) : strlen(item);
    if (length > 0) {
      char *path = strndup(item, length);
      if (!path)
        return trt_error(TRT_STATUS_OUT_OF_MEMORY, "out of memory loading plugin libraries");
      trt_status_t status = trt_plugin_load_library(path);
      free(path);
      if (status != TRT_STATUS_OK)
        return status;
    }
    if (!end)
      break;
    item = end + 1;
  }
  return TRT_STATUS_OK;
}
