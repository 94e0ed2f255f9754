/* GPU preprocessing against the card's copy speed (issue 14's bars): the
 * engine's trt_image_to_tensor on 1920x1080 NV12 frames already in device
 * memory, against a device-to-device copy of the same bytes, and the pinned
 * host-to-device bandwidth that bounds frames coming from system memory.
 *
 *   image_bench [RUNS]     (default 200; prints a markdown table)
 *
 * Cases: same size (1080p NV12 -> 3x1080x1920 planar float16: 3.1 MB read,
 * 12.4 MB written), ResNet's input (-> 3x224x224 float32), a letterboxed
 * detector input (-> 3x640x640 float16); median time of RUNS launches,
 * CUDA events around each. For the same-size case, bandwidth = (frame bytes
 * + item bytes) / time, beside a trt_memcpy_device_to_device of half those
 * bytes (counted read + written). Exits 77 without a GPU. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trt/trt.h"

#define WIDTH 1920
#define HEIGHT 1080

static int compare_floats(const void *a, const void *b) {
  const float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

/* Median milliseconds of `runs` timed calls of step(context). */
static float median_ms(int runs, trt_status_t (*step)(void *), void *context, void *stream) {
  void *start = NULL, *end = NULL;
  float *times = calloc((size_t)runs, sizeof *times);
  float median = -1.0f;
  if (!times || trt_event_create(&start) != TRT_STATUS_OK ||
      trt_event_create(&end) != TRT_STATUS_OK)
    goto done;
  for (int i = 0; i < 10; i++) /* warm-up */
    if (step(context) != TRT_STATUS_OK)
      goto done;
  for (int i = 0; i < runs; i++) {
    if (trt_event_record(start, stream) != TRT_STATUS_OK || step(context) != TRT_STATUS_OK ||
        trt_event_record(end, stream) != TRT_STATUS_OK || trt_event_synchronize(end) != TRT_STATUS_OK ||
        trt_event_elapsed_ms(start, end, &times[i]) != TRT_STATUS_OK)
      goto done;
  }
  qsort(times, (size_t)runs, sizeof *times, compare_floats);
  median = times[runs / 2];
done:
  trt_event_destroy(start);
  trt_event_destroy(end);
  free(times);
  return median;
}

typedef struct {
  trt_image_t image;
  trt_image_transform_t transform;
  void *out;
  void *stream;
} convert_t;

static trt_status_t convert(void *context) {
  convert_t *c = context;
  return trt_image_to_tensor(&c->image, &c->transform, c->out, c->stream);
}

typedef struct {
  void *to, *host;
  const void *from;
  size_t bytes;
  void *stream;
} copy_t;

static trt_status_t copy_device(void *context) {
  copy_t *c = context;
  return trt_memcpy_device_to_device(c->to, c->from, c->bytes, c->stream);
}

static trt_status_t copy_host(void *context) {
  copy_t *c = context;
  return trt_memcpy_host_to_device(c->to, c->host, c->bytes, c->stream);
}

int main(int argc, char **argv) {
  const int runs = argc > 1 ? atoi(argv[1]) : 200;
  int devices = 0;
  char device_name[256] = "?";
  if (runs <= 0) {
    fprintf(stderr, "usage: image_bench [RUNS]\n");
    return 2;
  }
  if (trt_cuda_device_count(&devices) != TRT_STATUS_OK || devices == 0) {
    printf("SKIP: no GPU (%s)\n", trt_last_error());
    return 77;
  }
  trt_cuda_device_name(0, device_name, sizeof device_name);

  const size_t frame_bytes = (size_t)WIDTH * HEIGHT * 3 / 2;
  const size_t out_capacity = (size_t)3 * WIDTH * HEIGHT * 4;
  void *frame = NULL, *out = NULL, *copy_to = NULL, *pinned = NULL, *stream = NULL;
  if (trt_stream_create(&stream) != TRT_STATUS_OK ||
      trt_device_malloc(&frame, frame_bytes) != TRT_STATUS_OK ||
      trt_device_malloc(&out, out_capacity) != TRT_STATUS_OK ||
      trt_device_malloc(&copy_to, out_capacity) != TRT_STATUS_OK ||
      trt_host_malloc_pinned(&pinned, frame_bytes) != TRT_STATUS_OK) {
    fprintf(stderr, "image_bench: %s\n", trt_last_error());
    return 1;
  }
  for (size_t i = 0; i < frame_bytes; i++) /* a gradient, not zeros */
    ((uint8_t *)pinned)[i] = (uint8_t)(i * 7 + i / WIDTH);
  trt_memcpy_host_to_device(frame, pinned, frame_bytes, NULL);

  convert_t c = {.out = out, .stream = stream};
  c.image = (trt_image_t){.format = TRT_PIXEL_NV12,
                          .width = WIDTH,
                          .height = HEIGHT,
                          .planes = {frame, (uint8_t *)frame + (size_t)WIDTH * HEIGHT},
                          .strides = {WIDTH, WIDTH},
                          /* BT.709 limited range */
                          .y_offset = 16.0f,
                          .y_gain = 255.0f / 219.0f,
                          .c_gain = 255.0f / 224.0f,
                          .rv = 1.5748f,
                          .gu = -0.187324f,
                          .gv = -0.468124f,
                          .bu = 1.8556f};
  const struct {
    const char *label;
    int32_t width, height, resized_width, resized_height, pad_y;
    trt_data_type_t type;
  } cases[] = {
      {"same size, planar float16", WIDTH, HEIGHT, WIDTH, HEIGHT, 0, TRT_DATA_TYPE_FLOAT16},
      {"224x224 float32 (ResNet)", 224, 224, 224, 224, 0, TRT_DATA_TYPE_FLOAT32},
      {"640x640 letterbox float16", 640, 640, 640, 360, 140, TRT_DATA_TYPE_FLOAT16},
  };
  printf("### GPU preprocessing, %s\n\n", device_name);
  printf("1920x1080 NV12 in device memory; median of %d runs (CUDA events).\n\n", runs);
  printf("| case | ms | GB/s (read + written) | frames/s |\n| --- | ---: | ---: | ---: |\n");
  size_t same_size_bytes = 0;
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    trt_image_transform_t *t = &c.transform;
    *t = (trt_image_transform_t){.width = cases[k].width,
                                 .height = cases[k].height,
                                 .channels = 3,
                                 .type = cases[k].type,
                                 .resized_width = cases[k].resized_width,
                                 .resized_height = cases[k].resized_height,
                                 .pad_y = cases[k].pad_y,
                                 .a = {1 / 58.395f, 1 / 57.12f, 1 / 57.375f},
                                 .b = {-2.1179f, -2.0357f, -1.8044f},
                                 .source_channel = {0, 1, 2}};
    const float ms = median_ms(runs, convert, &c, stream);
    const bool same_size = cases[k].resized_width == WIDTH;
    const size_t moved = frame_bytes + trt_image_item_bytes(t);
    if (same_size)
      same_size_bytes = moved;
    if (ms <= 0)
      printf("| %s | failed: %s | | |\n", cases[k].label, trt_last_error());
    else if (same_size)
      printf("| %s | %.4f | %.0f | %.0f |\n", cases[k].label, ms, moved / ms / 1e6, 1e3 / ms);
    else
      printf("| %s | %.4f | - | %.0f |\n", cases[k].label, ms, 1e3 / ms);
  }
  copy_t d2d = {.to = copy_to, .from = out, .bytes = same_size_bytes / 2, .stream = stream};
  const float copy_ms = median_ms(runs, copy_device, &d2d, stream);
  printf("| device-to-device copy of %.1f MB | %.4f | %.0f | |\n", d2d.bytes / 1e6, copy_ms,
         2.0 * d2d.bytes / copy_ms / 1e6);
  copy_t h2d = {.to = frame, .host = pinned, .bytes = frame_bytes, .stream = stream};
  const float upload_ms = median_ms(runs, copy_host, &h2d, stream);
  printf("| pinned host-to-device copy of one frame (%.1f MB) | %.4f | %.0f | %.0f |\n",
         frame_bytes / 1e6, upload_ms, frame_bytes / upload_ms / 1e6, 1e3 / upload_ms);
  printf("\nThe last row is the copy floor of frames from system memory (GB/s: bytes copied).\n");

  trt_host_free_pinned(pinned);
  trt_device_free(copy_to);
  trt_device_free(out);
  trt_device_free(frame);
  trt_stream_destroy(stream);
  return 0;
}
