/* The caffemodel writer: a binary NetParameter with one LayerParameter per
 * imported layer (name, type, bottoms, tops and blobs with `shape` and float
 * `data`), the form Caffe's snapshots use and OpenCV reads. Written
 * atomically (trt_file_write_atomic), so no reader sees half a file. */
#include <stdlib.h>

#include "caffe.pb-c.h"
#include "caffe/caffe_writer.h"
#include "file_util.h"

typedef struct {
  Caffe__NetParameter net;
  Caffe__LayerParameter *layers;
  Caffe__LayerParameter **layer_pointers;
  Caffe__BlobProto *blobs;
  Caffe__BlobProto **blob_pointers;
  Caffe__BlobShape *shapes;
  int64_t *dims;
} message_arena_t;

static void arena_free(message_arena_t *arena) {
  free(arena->layers);
  free(arena->layer_pointers);
  free(arena->blobs);
  free(arena->blob_pointers);
  free(arena->shapes);
  free(arena->dims);
}

/* Builds the message over the saved data (no copies of the floats). */
static bool build_message(message_arena_t *arena, const char *net_name,
                          const trt_caffe_saved_layer_t *saved, size_t count) {
  size_t total_blobs = 0;
  for (size_t l = 0; l < count; l++)
    total_blobs += saved[l].nb_blobs;
  const size_t blob_slots = total_blobs ? total_blobs : 1;
  arena->layers = calloc(count ? count : 1, sizeof(Caffe__LayerParameter));
  arena->layer_pointers = calloc(count ? count : 1, sizeof(Caffe__LayerParameter *));
  arena->blobs = calloc(blob_slots, sizeof(Caffe__BlobProto));
  arena->blob_pointers = calloc(blob_slots, sizeof(Caffe__BlobProto *));
  arena->shapes = calloc(blob_slots, sizeof(Caffe__BlobShape));
  arena->dims = calloc(blob_slots * TRT_MAX_DIMS, sizeof(int64_t));
  if (!arena->layers || !arena->layer_pointers || !arena->blobs || !arena->blob_pointers ||
      !arena->shapes || !arena->dims)
    return false;
  caffe__net_parameter__init(&arena->net);
  arena->net.name = (char *)net_name;
  arena->net.n_layer = count;
  arena->net.layer = arena->layer_pointers;
  size_t next_blob = 0;
  for (size_t l = 0; l < count; l++) {
    Caffe__LayerParameter *layer = &arena->layers[l];
    caffe__layer_parameter__init(layer);
    layer->name = saved[l].name;
    layer->type = saved[l].type;
    layer->n_bottom = saved[l].nb_bottoms;
    layer->bottom = saved[l].bottoms;
    layer->n_top = saved[l].nb_tops;
    layer->top = saved[l].tops;
    layer->n_blobs = saved[l].nb_blobs;
    layer->blobs = arena->blob_pointers + next_blob;
    for (size_t b = 0; b < saved[l].nb_blobs; b++, next_blob++) {
      Caffe__BlobProto *blob = &arena->blobs[next_blob];
      Caffe__BlobShape *shape = &arena->shapes[next_blob];
      int64_t *dims = arena->dims + next_blob * TRT_MAX_DIMS;
      caffe__blob_proto__init(blob);
      caffe__blob_shape__init(shape);
      const trt_dims_t *blob_dims = &saved[l].dims[b];
      for (int d = 0; d < blob_dims->nb_dims; d++)
        dims[d] = blob_dims->d[d];
      shape->n_dim = (size_t)blob_dims->nb_dims;
      shape->dim = dims;
      blob->shape = shape;
      blob->n_data = (size_t)trt_dims_volume(blob_dims);
      blob->data = saved[l].data[b];
      arena->blob_pointers[next_blob] = blob;
    }
    arena->layer_pointers[l] = layer;
  }
  return true;
}

trt_status_t trt_caffe_write_weights(const char *path, const char *net_name,
                                     const trt_caffe_saved_layer_t *saved, size_t count) {
  message_arena_t arena = {0};
  if (!build_message(&arena, net_name, saved, count)) {
    arena_free(&arena);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory building the caffemodel", path);
  }
  const size_t size = caffe__net_parameter__get_packed_size(&arena.net);
  uint8_t *bytes = malloc(size ? size : 1);
  if (!bytes) {
    arena_free(&arena);
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "%s: out of memory (%zu bytes)", path, size);
  }
  caffe__net_parameter__pack(&arena.net, bytes);
  arena_free(&arena);

  trt_status_t status = trt_file_write_atomic(path, bytes, size);
  free(bytes);
  return status;
}
