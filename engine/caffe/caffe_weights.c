/* Learned blobs: read from the caffemodel and checked against what the layer
 * needs, or generated. Random values are deterministic for (seed, layer
 * name, blob index), so adding a layer does not change the others' weights.
 * Every layer's blobs are kept as used, for the caffemodel writer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caffe/caffe_weights.h"
#include "size_limits.h"

/* splitmix64: tiny, well mixed, and the same on every platform. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static float next_uniform(uint64_t *state) {
  return (float)(next_random(state) >> 40) * (1.0f / 16777216.0f);
}

static uint64_t hash_name(const char *name) {
  uint64_t hash = 0xCBF29CE484222325ull; /* FNV-1a */
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    hash = (hash ^ *c) * 0x100000001B3ull;
  return hash;
}

static void fill_random(float *data, int64_t count, trt_caffe_fill_t fill, int64_t fan_in,
                        uint64_t seed, const char *layer_name, int blob_index) {
  uint64_t state = seed ^ hash_name(layer_name) ^ ((uint64_t)(blob_index + 1) << 56);
  next_random(&state);
  float low = -0.1f, high = 0.1f;
  switch (fill) {
  case TRT_CAFFE_FILL_WEIGHTS: {
    /* He: variance 2 / fan_in; a uniform on [-a, a] has variance a^2 / 3. */
    float bound = sqrtf(6.0f / (float)(fan_in > 0 ? fan_in : 1));
    low = -bound, high = bound;
    break;
  }
  case TRT_CAFFE_FILL_BIAS:
  case TRT_CAFFE_FILL_MEAN: break;
  case TRT_CAFFE_FILL_SCALE: low = 0.8f, high = 1.2f; break;
  case TRT_CAFFE_FILL_VARIANCE: low = 0.5f, high = 1.5f; break;
  case TRT_CAFFE_FILL_SLOPE: low = 0.05f, high = 0.3f; break;
  case TRT_CAFFE_FILL_ONE: low = high = 1.0f; break;
  }
  for (int64_t i = 0; i < count; i++)
    data[i] = low + (high - low) * next_uniform(&state);
}

/* A blob's dims: `shape`, else the legacy num/channels/height/width. */
static trt_dims_t blob_dims(const Caffe__BlobProto *blob) {
  trt_dims_t dims = {0};
  if (blob->shape) {
    dims.nb_dims = blob->shape->n_dim < TRT_MAX_DIMS ? (int)blob->shape->n_dim : TRT_MAX_DIMS;
    for (int i = 0; i < dims.nb_dims; i++)
      dims.d[i] = blob->shape->dim[i];
    return dims;
  }
  dims.nb_dims = 4;
  dims.d[0] = blob->has_num ? blob->num : 1;
  dims.d[1] = blob->has_channels ? blob->channels : 1;
  dims.d[2] = blob->has_height ? blob->height : 1;
  dims.d[3] = blob->has_width ? blob->width : 1;
  return dims;
}

/* Shapes match up to leading ones: legacy blobs pad to 4-D in front, as
 * Caffe's own loader allows (a bias of 64 is stored as 1x1x1x64). A blob of
 * no axes holds one value, as [1] does (SSD's Normalize stores a shared
 * scale so). */
static bool same_shape(const trt_dims_t *a, const trt_dims_t *b) {
  static const trt_dims_t one = {.nb_dims = 1, .d = {1}};
  a = a->nb_dims == 0 ? &one : a;
  b = b->nb_dims == 0 ? &one : b;
  int i = 0, j = 0;
  while (i < a->nb_dims - 1 && a->d[i] == 1 && a->nb_dims - i > b->nb_dims)
    i++;
  while (j < b->nb_dims - 1 && b->d[j] == 1 && b->nb_dims - j > a->nb_dims)
    j++;
  if (a->nb_dims - i != b->nb_dims - j)
    return false;
  for (; i < a->nb_dims; i++, j++)
    if (a->d[i] != b->d[j])
      return false;
  return true;
}

/* The layer of the same name in the caffemodel, in either format. */
static bool find_trained(const Caffe__NetParameter *weights, const char *name, size_t *nb_blobs,
                         Caffe__BlobProto ***blobs) {
  for (size_t i = 0; i < weights->n_layer; i++)
    if (weights->layer[i]->name && strcmp(weights->layer[i]->name, name) == 0) {
      *nb_blobs = weights->layer[i]->n_blobs;
      *blobs = weights->layer[i]->blobs;
      return true;
    }
  for (size_t i = 0; i < weights->n_layers; i++)
    if (weights->layers[i]->name && strcmp(weights->layers[i]->name, name) == 0) {
      *nb_blobs = weights->layers[i]->n_blobs;
      *blobs = weights->layers[i]->blobs;
      return true;
    }
  return false;
}

static trt_status_t copy_trained_blob(trt_caffe_importer_t *importer,
                                      const trt_caffe_blob_spec_t *spec, int index,
                                      const Caffe__BlobProto *blob, float *data) {
  char want[128], got[128];
  trt_dims_format(&spec->dims, want, sizeof(want));
  const trt_dims_t dims = blob_dims(blob);
  trt_dims_format(&dims, got, sizeof(got));
  if (!same_shape(&dims, &spec->dims))
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%s: blob %d (%s) has shape %s, expected %s",
                                 importer->weights_name, index, spec->role, got, want);
  const int64_t count = trt_dims_volume(&spec->dims);
  const size_t stored = blob->n_data ? blob->n_data : blob->n_double_data;
  if ((int64_t)stored != count)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%s: blob %d (%s) of shape %s holds %zu values, expected %lld",
                                 importer->weights_name, index, spec->role, got, stored,
                                 (long long)count);
  for (int64_t i = 0; i < count; i++)
    data[i] = blob->n_data ? blob->data[i] : (float)blob->double_data[i];
  return TRT_STATUS_OK;
}

static void describe_specs(const trt_caffe_blob_spec_t *specs, int count, char *text, size_t size) {
  size_t used = 0;
  text[0] = '\0';
  for (int i = 0; i < count && used < size; i++) {
    char dims[96];
    used += (size_t)snprintf(text + used, size - used, "%s%s %s", i ? ", " : "", specs[i].role,
                             trt_dims_format(&specs[i].dims, dims, sizeof(dims)));
  }
}

trt_status_t trt_caffe_layer_blobs(trt_caffe_importer_t *importer,
                                   const trt_caffe_blob_spec_t *specs, int count, float **data) {
  float *owned[8] = {NULL};
  if (count > 8)
    return trt_caffe_layer_error(importer, TRT_STATUS_INTERNAL_ERROR, "too many blobs");
  size_t nb_trained = 0;
  Caffe__BlobProto **trained = NULL;
  /* Layers without learned blobs (Scale by a second bottom) need no file entry. */
  const bool from_file = count > 0 && importer->weights &&
                         find_trained(importer->weights, importer->layer->name, &nb_trained,
                                      &trained);
  if (count > 0 && importer->weights && !from_file)
    trt_log(TRT_SEVERITY_WARNING, "%s: layer '%s' is not in %s; its weights are random",
            importer->deploy_name, importer->layer->name, importer->weights_name);
  if (from_file && nb_trained != (size_t)count) {
    char wanted[512];
    describe_specs(specs, count, wanted, sizeof(wanted));
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%s has %zu blobs for this layer, expected %d (%s)",
                                 importer->weights_name, nb_trained, count, wanted);
  }
  trt_status_t status = TRT_STATUS_OK;
  for (int i = 0; i < count && status == TRT_STATUS_OK; i++) {
    /* Count before allocating: a blob's size comes from the prototxt (or
     * the caffemodel must hold exactly that many values), and random
     * weights are capped like any tensor. */
    int64_t volume;
    char what[300];
    snprintf(what, sizeof(what), "blob %d (%s)", i, specs[i].role);
    if (trt_dims_volume_checked(&specs[i].dims, sizeof(float), what, &volume) != TRT_STATUS_OK) {
      status = trt_caffe_layer_failure(importer, TRT_STATUS_SHAPE_ERROR);
      break;
    }
    if (from_file) {
      const size_t stored = trained[i]->n_data ? trained[i]->n_data : trained[i]->n_double_data;
      if ((int64_t)stored != volume) {
        status = copy_trained_blob(importer, &specs[i], i, trained[i], NULL);
        break;
      }
    } else if ((size_t)volume * sizeof(float) > trt_limit_default_tensor_bytes()) {
      char dims[128];
      status = trt_caffe_layer_error(
          importer, TRT_STATUS_OUT_OF_MEMORY,
          "blob %d (%s) of shape %s would take %lld bytes of random weights, more than the "
          "limit of %zu bytes per tensor (give the trained weights)",
          i, specs[i].role, trt_dims_format(&specs[i].dims, dims, sizeof(dims)),
          (long long)volume * 4, trt_limit_default_tensor_bytes());
      break;
    }
    owned[i] = malloc((size_t)(volume > 0 ? volume : 1) * sizeof(float));
    if (!owned[i])
      status =
          trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY,
                                "out of memory for blob %d (%lld values)", i, (long long)volume);
    else if (from_file)
      status = copy_trained_blob(importer, &specs[i], i, trained[i], owned[i]);
    else
      fill_random(owned[i], volume, specs[i].fill, specs[i].fan_in, importer->options.seed,
                  importer->layer->name, i);
  }
  if (status == TRT_STATUS_OK)
    status = trt_caffe_save_layer(importer, specs, count, owned);
  if (status != TRT_STATUS_OK) {
    for (int i = 0; i < count; i++)
      free(owned[i]);
    return status;
  }
  for (int i = 0; i < count; i++)
    data[i] = owned[i];
  return TRT_STATUS_OK;
}

static char **copy_strings(char **strings, size_t count) {
  char **copy = calloc(count ? count : 1, sizeof(char *));
  for (size_t i = 0; copy && i < count; i++) {
    copy[i] = strdup(strings[i]);
    if (!copy[i]) {
      for (size_t j = 0; j < i; j++)
        free(copy[j]);
      free(copy);
      return NULL;
    }
  }
  return copy;
}

static void free_strings(char **strings, size_t count) {
  for (size_t i = 0; strings && i < count; i++)
    free(strings[i]);
  free(strings);
}

/* Takes ownership of data[0..count) on success. */
trt_status_t trt_caffe_save_layer(trt_caffe_importer_t *importer,
                                  const trt_caffe_blob_spec_t *specs, int count, float **data) {
  const trt_caffe_layer_t *layer = importer->layer;
  if (importer->nb_saved == importer->saved_capacity) {
    size_t capacity = importer->saved_capacity ? 2 * importer->saved_capacity : 64;
    trt_caffe_saved_layer_t *larger = realloc(importer->saved, capacity * sizeof(*larger));
    if (!larger)
      return trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
    importer->saved = larger;
    importer->saved_capacity = capacity;
  }
  trt_caffe_saved_layer_t saved = {.name = strdup(layer->name),
                                   .type = strdup(layer->type),
                                   .nb_bottoms = layer->nb_bottoms,
                                   .nb_tops = layer->nb_tops,
                                   .nb_blobs = (size_t)count};
  saved.bottoms = copy_strings(layer->bottoms, layer->nb_bottoms);
  saved.tops = copy_strings(layer->tops, layer->nb_tops);
  saved.dims = calloc((size_t)(count ? count : 1), sizeof(trt_dims_t));
  saved.data = calloc((size_t)(count ? count : 1), sizeof(float *));
  if (!saved.name || !saved.type || !saved.bottoms || !saved.tops || !saved.dims || !saved.data) {
    saved.nb_blobs = 0;
    trt_caffe_saved_layers_free(&saved, 1);
    return trt_caffe_layer_error(importer, TRT_STATUS_OUT_OF_MEMORY, "out of memory");
  }
  for (int i = 0; i < count; i++) {
    saved.dims[i] = specs[i].dims;
    saved.data[i] = data[i];
  }
  importer->saved[importer->nb_saved++] = saved;
  return TRT_STATUS_OK;
}

void trt_caffe_saved_layers_free(trt_caffe_saved_layer_t *saved, size_t count) {
  for (size_t l = 0; saved && l < count; l++) {
    free(saved[l].name);
    free(saved[l].type);
    free_strings(saved[l].bottoms, saved[l].nb_bottoms);
    free_strings(saved[l].tops, saved[l].nb_tops);
    for (size_t b = 0; saved[l].data && b < saved[l].nb_blobs; b++)
      free(saved[l].data[b]);
    free(saved[l].data);
    free(saved[l].dims);
  }
}
