/* CPU preprocessing: one video frame, or one region of it, to one network
 * input item.
 *
 * Colour conversion (RGB, BGR, RGBA, BGRA, RGBx, BGRx, NV12, I420, GRAY8),
 * bilinear resize (half-pixel centres; nearest-neighbour as an option: the
 * source pixel whose centre the output pixel's centre falls in, clamped),
 * optional letterboxing that keeps the
 * aspect ratio, per-channel normalization, the layout (planar CHW or
 * interleaved HWC) and the element type (float32 or uint8) in one pass.
 *
 * Channels: 1 is luma (0.299 R + 0.587 G + 0.114 B; a GRAY8 frame's own
 * value), 3 is RGB or BGR, 4 is RGBA or BGRA with alpha from the frame (RGBA
 * and BGRA) or 255 (every other format: RGBx and BGRx carry padding, not
 * alpha). For float32 every output value is
 *
 *   y[c] = ((x[c] - offsets[c]) * scale - mean[c]) / std[c]
 *
 * with x the source pixel's channel in 0..255; letterbox padding is 0.0
 * (after normalization). For uint8 the output is x itself, rounded to the
 * nearest integer, with no normalization (uint8 models take raw pixels);
 * padding is 0. The engine's CUDA kernel (trt/image.h) implements the same
 * definition from the same parameters (gst_trt_preprocess_transform); this
 * file is its reference.
 *
 * Regions (GstTrtPreprocessRegion): an axis-aligned rectangle, clipped to
 * the frame, is preprocessed exactly as a frame holding only those pixels
 * would be; an oriented quadrilateral (a text line at an angle) is mapped
 * onto the network input as the parallelogram of its corners' average
 * sides, its corners in the order they land there (top-left first), so
 * that the text reads left to right whatever its angle in the frame. The
 * padding of keep-aspect-ratio sits around the image (centred) or right and
 * below it (pad_position). */
#ifndef GST_TRT_PREPROCESS_H
#define GST_TRT_PREPROCESS_H

#include <gst/video/video.h>
#include <trt/image.h>

G_BEGIN_DECLS

typedef enum {
  GST_TRT_CHANNEL_ORDER_RGB,
  GST_TRT_CHANNEL_ORDER_BGR,
  GST_TRT_CHANNEL_ORDER_GRAY,
} GstTrtChannelOrder;

/* How one item of the network input is laid out in memory. */
typedef enum {
  GST_TRT_PREPROCESS_LAYOUT_CHW,        /* planes: the item of an NCHW input */
  GST_TRT_PREPROCESS_LAYOUT_HWC,        /* interleaved: the item of an NHWC input */
} GstTrtPreprocessLayout;

typedef enum {
  GST_TRT_INTERPOLATION_BILINEAR,
  GST_TRT_INTERPOLATION_NEAREST,
} GstTrtInterpolation;

typedef enum {
  GST_TRT_PREPROCESS_FLOAT32,
  GST_TRT_PREPROCESS_UINT8,
} GstTrtPreprocessType;

/* Where keep-aspect-ratio puts the image in the network input. */
typedef enum
{
  GST_TRT_PAD_CENTER,   /* centred, padding on both sides */
  GST_TRT_PAD_TOP_LEFT, /* top-left, padding right and below (PP-OCR's
                         * recognizer takes text lines so) */
} GstTrtPadPosition;

#define GST_TRT_PREPROCESS_MAX_CHANNELS 4

typedef struct {
  guint width;                  /* network input width */
  guint height;                 /* network input height */
  guint channels;               /* 1 (gray), 3 or 4 (with alpha) */
  GstTrtChannelOrder order;     /* for 3 and 4 channels: RGB(A) or BGR(A) */
  GstTrtPreprocessLayout layout;
  GstTrtPreprocessType type;
  gboolean keep_aspect_ratio;     /* letterbox */
  GstTrtPadPosition pad_position; /* where the letterbox puts the image */
  /* with keep_aspect_ratio: the height always fills the network's, the
   * width follows the aspect ratio up to the network's width (longer
   * images squeezed into it), as text recognizers take lines */
  gboolean fit_height;
  GstTrtInterpolation interpolation;
  /* float32 only: */
  gfloat scale;
  gfloat offsets[GST_TRT_PREPROCESS_MAX_CHANNELS];
  gfloat mean[GST_TRT_PREPROCESS_MAX_CHANNELS];
  gfloat std[GST_TRT_PREPROCESS_MAX_CHANNELS];
} GstTrtPreprocessConfig;

/* The part of a frame that goes to the network: the whole frame (region
 * NULL), an axis-aligned rectangle, or an oriented quadrilateral. */
typedef struct
{
  gboolean oriented;
  /* axis-aligned (oriented FALSE): the rectangle, frame pixels */
  gint x, y, width, height;
  /* oriented: the quadrilateral's corners in frame pixels, in the order they
   * land in the network input: top-left, top-right, bottom-right,
   * bottom-left (a 180° turn is the same corners starting from the third) */
  gdouble corners[4][2];
} GstTrtPreprocessRegion;

/* Where the frame, or the region of it, landed in the network input. A
 * network point (x, y) maps back to the frame as
 *   (source_x + (x - pad_x) / scale_x, source_y + (y - pad_y) / scale_y)
 * for frames and axis-aligned regions (source_x, source_y 0 for frames).
 * For an oriented region (source_x, source_y its first corner, c0) it maps
 * through the corners: c0 + u (x - pad_x) / resized_width + v (y - pad_y)
 * / resized_height, with u = ((c1 - c0) + (c2 - c3)) / 2 and v = ((c3 - c0)
 * + (c2 - c1)) / 2, and source_width, source_height are |u| and |v|
 * rounded (at least 1). */
typedef struct {
  guint network_width;
  guint network_height;
  /* the frame's or the region's size */
  guint source_width;
  guint source_height;
  guint resized_width;          /* size of the image inside the padding */
  guint resized_height;
  gdouble scale_x;              /* resized_width / source_width */
  gdouble scale_y;
  guint pad_x;                  /* left padding, network pixels */
  guint pad_y;                  /* top padding */
  gdouble source_x;             /* the region's top-left in the frame */
  gdouble source_y;
} GstTrtPreprocessGeometry;

/* Defaults: 3 channels RGB, planar float32, no letterbox, bilinear, scale 1/255,
 * mean 0, std 1. */
void gst_trt_preprocess_config_init (GstTrtPreprocessConfig * config);

gboolean gst_trt_preprocess_format_supported (GstVideoFormat format);

/* The geometry for a source_width x source_height frame (source_x and
 * source_y 0): the letterbox of keep_aspect_ratio placed by pad_position. */
void gst_trt_preprocess_geometry (const GstTrtPreprocessConfig * config,
    guint source_width, guint source_height, GstTrtPreprocessGeometry * geometry);

/* Bytes of one item: channels * height * width elements of the type. */
gsize gst_trt_preprocess_item_bytes (const GstTrtPreprocessConfig * config);

/* What the engine's trt_image_to_tensor needs to preprocess a frame of
 * @info on the GPU as gst_trt_preprocess_frame does on the CPU: the
 * transform (geometry, normalization, channel order; the type from
 * @config's), and in @image the frame's format, size, strides and colour
 * coefficients (the planes are the caller's, in device memory). FALSE for
 * an unsupported format or an empty frame. @geometry may be NULL. */
gboolean gst_trt_preprocess_transform (const GstTrtPreprocessConfig *config,
    const GstVideoInfo *info, trt_image_transform_t *transform,
    trt_image_t *image, GstTrtPreprocessGeometry *geometry);

/* gst_trt_preprocess_transform for @region of the frame (NULL: the whole
 * frame). An axis-aligned rectangle is clipped to the frame first; FALSE
 * when nothing is left of it, or when an oriented region's corners are not
 * finite or span no area. */
gboolean
gst_trt_preprocess_transform_region (const GstTrtPreprocessConfig *config,
    const GstVideoInfo *info, const GstTrtPreprocessRegion *region,
    trt_image_transform_t *transform, trt_image_t *image,
    GstTrtPreprocessGeometry *geometry);

/* Bytes of plane @plane of a frame of @info: its rows (the plane's
 * vertical subsampling) times its stride; what a copy of the plane takes. */
gsize gst_trt_preprocess_plane_bytes (const GstVideoInfo * info, guint plane);

/* Writes one item (gst_trt_preprocess_item_bytes) to @out. FALSE (and
 * nothing written) for an unsupported format, an empty frame or a channel
 * count other than 1, 3 or 4. @geometry may be NULL. */
gboolean gst_trt_preprocess_frame (const GstTrtPreprocessConfig * config,
    const GstVideoFrame * frame, gpointer out, GstTrtPreprocessGeometry * geometry);

/* gst_trt_preprocess_frame for @region of @frame (NULL: the whole frame);
 * FALSE, nothing written, where gst_trt_preprocess_transform_region is. */
gboolean gst_trt_preprocess_frame_region (const GstTrtPreprocessConfig *config,
    const GstVideoFrame *frame, const GstTrtPreprocessRegion *region,
    gpointer out, GstTrtPreprocessGeometry *geometry);

G_END_DECLS

#endif
