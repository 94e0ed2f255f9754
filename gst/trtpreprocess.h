/* CPU preprocessing: one video frame to one network input item.
 *
 * Colour conversion (RGB, BGR, RGBA, BGRA, RGBx, BGRx, NV12, I420, GRAY8),
 * bilinear resize (half-pixel centres), optional letterboxing that keeps the
 * aspect ratio, per-channel normalization and the planar float layout (CHW)
 * in one pass. Every output value is
 *
 *   y[c] = ((x[c] - offsets[c]) * scale - mean[c]) / std[c]
 *
 * with x the source pixel's channel in 0..255; letterbox padding is 0.0
 * (after normalization). The CUDA preprocess kernel will implement the same
 * definition; this file is its reference. */
#ifndef GST_TRT_PREPROCESS_H
#define GST_TRT_PREPROCESS_H

#include <gst/video/video.h>

G_BEGIN_DECLS

typedef enum {
  GST_TRT_CHANNEL_ORDER_RGB,
  GST_TRT_CHANNEL_ORDER_BGR,
  GST_TRT_CHANNEL_ORDER_GRAY,
} GstTrtChannelOrder;

typedef struct {
  guint width;                  /* network input width */
  guint height;                 /* network input height */
  guint channels;               /* 1 (gray) or 3 */
  GstTrtChannelOrder order;     /* for 3 channels: RGB or BGR */
  gboolean keep_aspect_ratio;   /* letterbox, centred */
  gfloat scale;
  gfloat offsets[3];
  gfloat mean[3];
  gfloat std[3];
} GstTrtPreprocessConfig;

/* Where the frame landed in the network input. A network point (x, y) maps
 * back to the frame as ((x - pad_x) / scale_x, (y - pad_y) / scale_y). */
typedef struct {
  guint network_width;
  guint network_height;
  guint source_width;
  guint source_height;
  guint resized_width;          /* size of the image inside the padding */
  guint resized_height;
  gdouble scale_x;              /* resized_width / source_width */
  gdouble scale_y;
  guint pad_x;                  /* left padding, network pixels */
  guint pad_y;                  /* top padding */
} GstTrtPreprocessGeometry;

/* Defaults: 3 channels RGB, no letterbox, scale 1/255, mean 0, std 1. */
void gst_trt_preprocess_config_init (GstTrtPreprocessConfig * config);

gboolean gst_trt_preprocess_format_supported (GstVideoFormat format);

/* The geometry for a source_width x source_height frame. */
void gst_trt_preprocess_geometry (const GstTrtPreprocessConfig * config,
    guint source_width, guint source_height, GstTrtPreprocessGeometry * geometry);

/* Writes channels * height * width floats to @out. FALSE (and nothing
 * written) for an unsupported format or an empty frame. @geometry may be
 * NULL. */
gboolean gst_trt_preprocess_frame (const GstTrtPreprocessConfig * config,
    const GstVideoFrame * frame, gfloat * out, GstTrtPreprocessGeometry * geometry);

G_END_DECLS

#endif
