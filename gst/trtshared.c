/* The process's table of shared engines (trtshared.h). One lock guards the
 * table; loading happens outside it, an entry marked `loading` meanwhile so
 * that an element asking for the same key waits on the condition instead
 * of loading too. A failed load removes its entry: waiters then load for
 * themselves and report their own error. An engine not in the table
 * (loaded without a key) is destroyed on release. */
#include "trtshared.h"

typedef struct
{
  gchar *key;
  trt_engine_t *engine; /* NULL while loading */
  GstTrtModelInfo info; /* as the first element's load described it */
  guint users;
  gboolean loading;
} SharedEngine;

static GMutex table_lock;
static GCond table_changed;
static GHashTable *table; /* key -> SharedEngine */

static void
shared_engine_free (SharedEngine *entry)
{
  gst_trt_model_info_clear (&entry->info);
  g_free (entry->key);
  g_free (entry);
}

/* Call with the lock held. */
static SharedEngine *
find_engine (const trt_engine_t *engine)
{
  GHashTableIter iter;
  gpointer value;

  if (!table)
    return NULL;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((SharedEngine *) value)->engine == engine)
      return value;
  return NULL;
}

trt_engine_t *
gst_trt_shared_engine_acquire (const GstTrtModelOptions *options,
    const GstTrtModelCallbacks *callbacks, gpointer user_data,
    GstTrtModelInfo *info, GError **error)
{
  /* Settings that cannot be keyed (a model that cannot be read, a missing
   * plan) are loading's to report, in its words. */
  gchar *cache_key = NULL;
  gchar *key = gst_trt_model_sharing_key (options, &cache_key);
  if (!key)
    return gst_trt_model_load (options, NULL, callbacks, user_data, info, error);

  g_mutex_lock (&table_lock);
  if (!table)
    table = g_hash_table_new (g_str_hash, g_str_equal);
  SharedEngine *entry;
  while ((entry = g_hash_table_lookup (table, key)) && entry->loading)
    g_cond_wait (&table_changed, &table_lock);
  if (entry) {
    entry->users++;
    gst_trt_model_info_clear (info);
    gst_trt_model_info_copy (info, &entry->info);
    info->engine_source = GST_TRT_MODEL_ENGINE_SHARED;
    trt_engine_t *engine = entry->engine;
    g_mutex_unlock (&table_lock);
    g_free (key);
    g_free (cache_key);
    return engine;
  }
  entry = g_new0 (SharedEngine, 1);
  entry->key = key;
  entry->loading = TRUE;
  gst_trt_model_info_clear (&entry->info);
  g_hash_table_insert (table, entry->key, entry);
  g_mutex_unlock (&table_lock);

  trt_engine_t *engine =
      gst_trt_model_load (options, cache_key, callbacks, user_data, info, error);
  g_free (cache_key);

  g_mutex_lock (&table_lock);
  if (engine) {
    entry->engine = engine;
    gst_trt_model_info_copy (&entry->info, info);
    entry->users = 1;
    entry->loading = FALSE;
  } else {
    g_hash_table_remove (table, entry->key);
    shared_engine_free (entry);
  }
  g_cond_broadcast (&table_changed);
  g_mutex_unlock (&table_lock);
  return engine;
}

void
gst_trt_shared_engine_release (trt_engine_t *engine)
{
  if (!engine)
    return;
  g_mutex_lock (&table_lock);
  SharedEngine *entry = find_engine (engine);
  gboolean last = !entry || --entry->users == 0;
  if (entry && last)
    g_hash_table_remove (table, entry->key);
  g_mutex_unlock (&table_lock);
  if (last) {
    /* outside the lock: freeing an engine may wait on its device */
    trt_engine_destroy (engine);
    if (entry)
      shared_engine_free (entry);
  }
}
