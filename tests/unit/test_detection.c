/* SSD's PriorBox and DetectionOutput on the CPU reference, against values
 * worked out by hand from Caffe's definitions (tolerance 1e-6: the boxes
 * are float32 rounded from short double computations):
 *   - PriorBox: the priors of each cell in Caffe's order (min size, then
 *     sqrt(min * max), then each aspect ratio, flipped ones included), the
 *     sizes truncated to integers, explicit and derived image sizes and
 *     steps (non-square), offset, clipping, the variance channel, and
 *     Caffe's aspect ratio list (duplicates, 1, flip);
 *   - DetectionOutput: decoding (CENTER_SIZE, CORNER, CORNER_SIZE, with and
 *     without variances in the target, per-class locations), the strict
 *     confidence threshold, the background class, per-class top_k, NMS
 *     (ties by prior index, adaptive eta), keep_top_k across classes, the
 *     output order (label, then NMS order), padding rows of -1, and a batch
 *     of two items with their own image ids;
 *   - shape inference and plans: bad counts and values refused by name, the
 *     output dims, and a plan that keeps both layers (constant folding off)
 *     running the same after a round trip and refused when a count or enum
 *     in its parameters is damaged. */
#include <float.h>
#include <string.h>

#include "plan_io.h"
#include "test_util.h"

#define TOLERANCE 1e-6

static trt_prior_box_params_t prior_params(void) {
  trt_prior_box_params_t params = {
      .nb_min_sizes = 1, .min_sizes = {4}, .variances = {0.1f, 0.1f, 0.2f, 0.2f}, .offset = 0.5f};
  return params;
}

/* feature [1, 1, H, W] and image [1, 3, IH, IW] -> PriorBox; runs it on the
 * CPU into `out` (2 * H * W * P * 4 floats); false when inference fails. */
static bool run_prior_box(const trt_prior_box_params_t *params, int64_t h, int64_t w,
                          int64_t image_h, int64_t image_w, float *out, size_t capacity) {
  trt_network_t *net = trt_network_create();
  trt_dims_t feature_dims = {4, {1, 1, h, w}}, image_dims = {4, {1, 3, image_h, image_w}};
  int inputs[2] = {trt_network_add_input(net, "feature", TRT_DATA_TYPE_FLOAT32, &feature_dims),
                   trt_network_add_input(net, "image", TRT_DATA_TYPE_FLOAT32, &image_dims)};
  int layer = trt_network_add_layer(net, TRT_LAYER_PRIOR_BOX, "priors", inputs, 2, NULL, 1, params);
  trt_network_mark_output(net, trt_network_layer_output(net, layer, 0));
  bool ok = trt_network_infer_shapes(net) == TRT_STATUS_OK;
  if (ok) {
    trt_dims_t dims = trt_network_tensor_dims(net, trt_network_layer_output(net, layer, 0));
    ok = dims.nb_dims == 3 && dims.d[0] == 1 && dims.d[1] == 2 && (size_t)dims.d[2] * 2 <= capacity;
    void *outputs[1] = {out};
    CHECK(ok);
    if (ok)
      CHECK_OK(test_run_layer(net, 0, NULL, outputs, 1));
  }
  trt_network_destroy(net);
  return ok;
}

static void check_box(const float *got, double xmin, double ymin, double xmax, double ymax,
                      const char *what) {
  const double want[4] = {xmin, ymin, xmax, ymax};
  for (int k = 0; k < 4; k++)
    if (!(fabs(got[k] - want[k]) <= TOLERANCE)) {
      fprintf(stderr, "%s: coordinate %d is %.8f, expected %.8f\n", what, k, got[k], want[k]);
      test_failures++;
    }
}

static void test_aspect_ratio_list(void) {
  trt_prior_box_params_t params = prior_params();
  const float ratios[] = {2.0f, 0.5f, 3.0f, 1.0f, 2.0000001f};
  CHECK_OK(trt_prior_box_set_aspect_ratios(&params, ratios, 5, true));
  CHECK(params.nb_aspect_ratios == 4);
  CHECK(params.aspect_ratios[0] == 2.0f && params.aspect_ratios[1] == 0.5f);
  CHECK(params.aspect_ratios[2] == 3.0f && params.aspect_ratios[3] == 1.0f / 3.0f);
  CHECK_OK(trt_prior_box_set_aspect_ratios(&params, ratios, 5, false));
  CHECK(params.nb_aspect_ratios == 3 && params.aspect_ratios[1] == 0.5f);
  const float bad[] = {-1.0f};
  CHECK(trt_prior_box_set_aspect_ratios(&params, bad, 1, true) == TRT_STATUS_INVALID_ARGUMENT);
}

/* 2x2 cells, step 10, image 20x20: min 4, max 9 (side 6), ratios 2 and 1/2. */
static void test_prior_box_cells(void) {
  trt_prior_box_params_t params = prior_params();
  params.nb_max_sizes = 1;
  params.max_sizes[0] = 9.0f;
  params.step_width = params.step_height = 10.0f;
  const float two = 2.0f;
  CHECK_OK(trt_prior_box_set_aspect_ratios(&params, &two, 1, true));
  float out[2 * 2 * 2 * 4 * 4];
  if (!run_prior_box(&params, 2, 2, 20, 20, out, 128))
    return;
  const double r = sqrt(2.0);
  /* cell (0, 0): centre (5, 5) */
  check_box(out + 0, 3 / 20.0, 3 / 20.0, 7 / 20.0, 7 / 20.0, "cell 0 min");
  check_box(out + 4, 2 / 20.0, 2 / 20.0, 8 / 20.0, 8 / 20.0, "cell 0 sqrt(min*max)");
  check_box(out + 8, (5 - 2 * r) / 20, (5 - r) / 20, (5 + 2 * r) / 20, (5 + r) / 20,
            "cell 0 ratio 2");
  check_box(out + 12, (5 - r) / 20, (5 - 2 * r) / 20, (5 + r) / 20, (5 + 2 * r) / 20,
            "cell 0 ratio 1/2");
  /* cell (0, 1): centre (15, 5); cell (1, 0): centre (5, 15) */
  check_box(out + 16, 13 / 20.0, 3 / 20.0, 17 / 20.0, 7 / 20.0, "cell 1 min");
  check_box(out + 32 + 4, 2 / 20.0, 12 / 20.0, 8 / 20.0, 18 / 20.0, "cell 2 sqrt(min*max)");
  /* the variance channel: 4 values per box */
  for (int i = 0; i < 64; i++)
    CHECK(out[64 + i] == params.variances[i % 4]);

  /* Sizes are truncated as Caffe does: 4.7 and 9.9 act as 4 and 9. */
  params.min_sizes[0] = 4.7f;
  params.max_sizes[0] = 9.9f;
  float truncated[128];
  if (run_prior_box(&params, 2, 2, 20, 20, truncated, 128))
    CHECK(memcmp(truncated, out, sizeof(out)) == 0);
}

/* Non-square: image 40 wide, 20 high, given explicitly while the image
 * input is 10x10 (Caffe uses img_w for x, img_h for y); steps 12 and 8;
 * offset 0.25; then clipped. */
static void test_prior_box_geometry(void) {
  trt_prior_box_params_t params = prior_params();
  params.min_sizes[0] = 10.0f;
  params.image_width = 40;
  params.image_height = 20;
  params.step_width = 12.0f;
  params.step_height = 8.0f;
  params.offset = 0.25f;
  float out[2 * 2 * 3 * 4];
  if (run_prior_box(&params, 2, 3, 10, 10, out, 48)) {
    /* cell (1, 2): centre (2.25 * 12, 1.25 * 8) = (27, 10) */
    check_box(out + (1 * 3 + 2) * 4, 22 / 40.0, 5 / 20.0, 32 / 40.0, 15 / 20.0, "cell (1,2)");
    /* cell (0, 0): centre (3, 2), partly outside the image */
    check_box(out, -2 / 40.0, -3 / 20.0, 8 / 40.0, 7 / 20.0, "cell (0,0)");
  }
  params.clip = true;
  if (run_prior_box(&params, 2, 3, 10, 10, out, 48))
    check_box(out, 0, 0, 8 / 40.0, 7 / 20.0, "cell (0,0) clipped");
  /* Derived: image 30x20 from the input, 2x3 cells: steps 10 and 10. */
  params = prior_params();
  params.min_sizes[0] = 6.0f;
  if (run_prior_box(&params, 2, 3, 20, 30, out, 48))
    check_box(out + (1 * 3 + 1) * 4, 12 / 30.0, 12 / 20.0, 18 / 30.0, 18 / 20.0, "cell (1,1)");
}

/* A PriorBox on feature [1, 1, 2, 2] (rank `rank`) and image [1, 3, 20,
 * 20] must fail shape inference with `needle` in the message. */
static void expect_prior_box_error(const trt_prior_box_params_t *params, int rank,
                                   const char *needle) {
  trt_network_t *net = trt_network_create();
  trt_dims_t feature_dims = {rank, {1, 1, 2, 2}}, image_dims = {4, {1, 3, 20, 20}};
  int inputs[2] = {trt_network_add_input(net, "feature", TRT_DATA_TYPE_FLOAT32, &feature_dims),
                   trt_network_add_input(net, "image", TRT_DATA_TYPE_FLOAT32, &image_dims)};
  int layer = trt_network_add_layer(net, TRT_LAYER_PRIOR_BOX, "priors", inputs, 2, NULL, 1, params);
  trt_network_mark_output(net, trt_network_layer_output(net, layer, 0));
  trt_status_t status = trt_network_infer_shapes(net);
  CHECK(status != TRT_STATUS_OK && strstr(trt_last_error(), needle));
  if (status == TRT_STATUS_OK || !strstr(trt_last_error(), needle))
    fprintf(stderr, "  wanted '%s', got '%s'\n", needle, trt_last_error());
  trt_network_destroy(net);
}

static void test_prior_box_errors(void) {
  trt_prior_box_params_t params = prior_params();
  expect_prior_box_error(&params, 3, "NCHW");
  params.nb_min_sizes = 0;
  expect_prior_box_error(&params, 4, "min sizes");
  params.nb_min_sizes = TRT_PRIOR_BOX_MAX_SIZES + 1;
  expect_prior_box_error(&params, 4, "min sizes");
  params = prior_params();
  params.nb_max_sizes = 2;
  expect_prior_box_error(&params, 4, "max sizes");
  params.nb_max_sizes = 1;
  params.max_sizes[0] = 4.0f;
  expect_prior_box_error(&params, 4, "not above min size");
  params = prior_params();
  params.nb_aspect_ratios = 1;
  params.aspect_ratios[0] = 0.0f;
  expect_prior_box_error(&params, 4, "aspect ratio");
  params = prior_params();
  params.nb_aspect_ratios = TRT_PRIOR_BOX_MAX_ASPECT_RATIOS + 1;
  expect_prior_box_error(&params, 4, "aspect ratios");
  params = prior_params();
  params.variances[2] = NAN;
  expect_prior_box_error(&params, 4, "variance");
  params = prior_params();
  params.step_width = -1.0f;
  expect_prior_box_error(&params, 4, "step");
}

/* ---- DetectionOutput ------------------------------------------------------ */

/* Four priors: A and B overlap by IoU 0.818, D overlaps A by 0.143, C
 * stands apart. */
static const float four_priors[2 * 16] = {
    0.1f,  0.1f, 0.3f,  0.3f, /* A */
    0.12f, 0.1f, 0.32f, 0.3f, /* B */
    0.6f,  0.6f, 0.9f,  0.9f, /* C */
    0.2f,  0.2f, 0.4f,  0.4f, /* D */
    0.1f,  0.1f, 0.2f,  0.2f, 0.1f, 0.1f, 0.2f, 0.2f,
    0.1f,  0.1f, 0.2f,  0.2f, 0.1f, 0.1f, 0.2f, 0.2f,
};

static trt_detection_output_params_t detection_params(void) {
  trt_detection_output_params_t params = {.num_classes = 3,
                                          .share_location = true,
                                          .background_label_id = 0,
                                          .code_type = TRT_BOX_CODE_CENTER_SIZE,
                                          .confidence_threshold = 0.15f,
                                          .nms_threshold = 0.45f,
                                          .eta = 1.0f,
                                          .top_k = -1,
                                          .keep_top_k = 3};
  return params;
}

/* loc [N, P * L * 4], conf [N, P * C], priors a constant [1, 2, P * 4];
 * builds, infers and runs DetectionOutput. Returns the rows per item (K),
 * 0 when shape inference fails (message left in trt_last_error). */
static int64_t run_detection(const trt_detection_output_params_t *params, int64_t batch,
                             int64_t priors, const float *loc, const float *conf,
                             const float *prior_data, float *out, size_t capacity) {
  const int64_t loc_classes = params->share_location ? 1 : params->num_classes;
  trt_network_t *net = trt_network_create();
  trt_dims_t loc_dims = {2, {batch, priors * loc_classes * 4}};
  trt_dims_t conf_dims = {2, {batch, priors * params->num_classes}};
  trt_dims_t prior_dims = {3, {1, 2, priors * 4}};
  int inputs[3] = {
      trt_network_add_input(net, "loc", TRT_DATA_TYPE_FLOAT32, &loc_dims),
      trt_network_add_input(net, "conf", TRT_DATA_TYPE_FLOAT32, &conf_dims),
      trt_network_add_constant(net, "priors", TRT_DATA_TYPE_FLOAT32, &prior_dims, prior_data)};
  int layer =
      trt_network_add_layer(net, TRT_LAYER_DETECTION_OUTPUT, "detect", inputs, 3, NULL, 1, params);
  trt_network_mark_output(net, trt_network_layer_output(net, layer, 0));
  int64_t rows = 0;
  if (trt_network_infer_shapes(net) == TRT_STATUS_OK) {
    trt_dims_t dims = trt_network_tensor_dims(net, trt_network_layer_output(net, layer, 0));
    CHECK(dims.nb_dims == 4 && dims.d[0] == batch && dims.d[1] == 1 && dims.d[3] == 7);
    rows = dims.d[2];
    if ((size_t)(batch * rows * 7) > capacity) {
      CHECK(!"output too large for the test's buffer");
      rows = 0;
    } else {
      const void *in[3] = {loc, conf, NULL};
      void *outputs[1] = {out};
      CHECK_OK(test_run_layer(net, 0, in, outputs, 2));
    }
  }
  trt_network_destroy(net);
  return rows;
}

static void check_row(const float *row, float image, float label, float score, double xmin,
                      double ymin, double xmax, double ymax, const char *what) {
  if (row[0] != image || row[1] != label || fabsf(row[2] - score) > 1e-7f) {
    fprintf(stderr, "%s: row [%g, %g, %g], expected [%g, %g, %g]\n", what, row[0], row[1], row[2],
            image, label, score);
    test_failures++;
  }
  check_box(row + 3, xmin, ymin, xmax, ymax, what);
}

static void check_padding(const float *row, const char *what) {
  for (int k = 0; k < 7; k++)
    if (row[k] != -1.0f) {
      fprintf(stderr, "%s: padding field %d is %g\n", what, k, row[k]);
      test_failures++;
    }
}

#define A_BOX 0.1, 0.1, 0.3, 0.3
#define B_BOX 0.12, 0.1, 0.32, 0.3
#define C_BOX 0.6, 0.6, 0.9, 0.9
#define D_BOX 0.2, 0.2, 0.4, 0.4

/* Item 0: class 1 sees A .8, B .7, D .6 (B suppressed by A), class 2 C
 * .75 and B .2; the background's high scores are ignored; keep_top_k 3
 * drops B's .2. Item 1: one detection (C of class 2, decoded from an
 * offset), then two padding rows. */
static void test_detection_batch(void) {
  const trt_detection_output_params_t params = detection_params();
  const float conf[2 * 12] = {
      0.1f, 0.8f,  0.1f,  0.1f, 0.7f,  0.2f,  0.2f, 0.05f, 0.75f, 0.3f, 0.6f,  0.1f,  /* item 0 */
      0.9f, 0.05f, 0.05f, 0.9f, 0.05f, 0.05f, 0.1f, 0.1f,  0.8f,  0.9f, 0.05f, 0.05f, /* item 1 */
  };
  float loc[2 * 16] = {0};
  const float offset[4] = {0.5f, -0.5f, 0.2f, 0.1f};
  memcpy(loc + 16 + 2 * 4, offset, sizeof(offset)); /* item 1, prior C */
  float out[2 * 3 * 7];
  int64_t rows = run_detection(&params, 2, 4, loc, conf, four_priors, out, 42);
  CHECK(rows == 3);
  if (rows != 3)
    return;
  check_row(out + 0, 0, 1, 0.8f, A_BOX, "item 0 row 0");
  check_row(out + 7, 0, 1, 0.6f, D_BOX, "item 0 row 1");
  check_row(out + 14, 0, 2, 0.75f, C_BOX, "item 0 row 2");
  /* C: centre (0.75, 0.75) moved by 0.1 * (0.5, -0.5) * 0.3; size 0.3 *
   * exp(0.2 * (0.2, 0.1)). */
  const double cx = 0.765, cy = 0.735, half_w = 0.15 * exp(0.04), half_h = 0.15 * exp(0.02);
  check_row(out + 21, 1, 2, 0.8f, cx - half_w, cy - half_h, cx + half_w, cy + half_h,
            "item 1 row 0");
  check_padding(out + 28, "item 1 row 1");
  check_padding(out + 35, "item 1 row 2");
}

/* top_k, the strict threshold, ties and keep_top_k = -1 on item 0's data. */
static void test_detection_selection(void) {
  const float conf[12] = {0.1f, 0.8f, 0.1f, 0.1f, 0.7f, 0.2f, 0.2f, 0.05f, 0.75f, 0.3f, 0.6f, 0.1f};
  const float loc[16] = {0};
  float out[16 * 7];
  /* top_k 2: class 1 walks A and B only (B suppressed); class 2 keeps C and
   * B; K = 2 classes x 2 candidates. */
  trt_detection_output_params_t params = detection_params();
  params.top_k = 2;
  params.keep_top_k = -1;
  int64_t rows = run_detection(&params, 1, 4, loc, conf, four_priors, out, 16 * 7);
  CHECK(rows == 4);
  if (rows == 4) {
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "top_k row 0");
    check_row(out + 7, 0, 2, 0.75f, C_BOX, "top_k row 1");
    check_row(out + 14, 0, 2, 0.2f, B_BOX, "top_k row 2");
    check_padding(out + 21, "top_k row 3");
  }
  /* Scores must be above the threshold: B's 0.2 of class 2 is not. K = 2 x 4. */
  params = detection_params();
  params.confidence_threshold = 0.2f;
  params.keep_top_k = -1;
  rows = run_detection(&params, 1, 4, loc, conf, four_priors, out, 16 * 7);
  CHECK(rows == 8);
  if (rows == 8) {
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "threshold row 0");
    check_row(out + 7, 0, 1, 0.6f, D_BOX, "threshold row 1");
    check_row(out + 14, 0, 2, 0.75f, C_BOX, "threshold row 2");
    for (int r = 3; r < 8; r++)
      check_padding(out + r * 7, "threshold padding");
  }
  /* No background: class 0 is scored too (D's 0.3 and C's 0.2). */
  params.background_label_id = -1;
  params.keep_top_k = 2;
  rows = run_detection(&params, 1, 4, loc, conf, four_priors, out, 16 * 7);
  CHECK(rows == 2);
  if (rows == 2) { /* the two best of all: A .8 (class 1), C .75 (class 2) */
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "no background row 0");
    check_row(out + 7, 0, 2, 0.75f, C_BOX, "no background row 1");
  }
  /* Ties go by prior index: B ties A at 0.8 and is suppressed by it; D ties
   * too and, kept, follows A. keep_top_k 2 then cuts among equal scores by
   * class, then NMS order: class 1's A and D stay, class 2's C goes. */
  const float tied[12] = {0.1f, 0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f, 0.8f, 0.1f};
  params = detection_params();
  params.keep_top_k = 2;
  rows = run_detection(&params, 1, 4, loc, tied, four_priors, out, 16 * 7);
  CHECK(rows == 2);
  if (rows == 2) {
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "tie row 0");
    check_row(out + 7, 0, 1, 0.8f, D_BOX, "tie row 1");
  }
}

/* eta: with nms_threshold 0.85 B (IoU 0.818 with A) survives; with eta 0.5
 * the threshold drops to 0.425 once A is kept, and B goes. */
static void test_detection_eta(void) {
  const float conf[12] = {0.1f, 0.8f, 0.1f, 0.1f, 0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.6f, 0.1f};
  const float loc[16] = {0};
  float out[3 * 7];
  trt_detection_output_params_t params = detection_params();
  params.nms_threshold = 0.85f;
  int64_t rows = run_detection(&params, 1, 4, loc, conf, four_priors, out, 21);
  CHECK(rows == 3);
  if (rows == 3) {
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "eta 1 row 0");
    check_row(out + 7, 0, 1, 0.7f, B_BOX, "eta 1 row 1");
    check_row(out + 14, 0, 1, 0.6f, D_BOX, "eta 1 row 2");
  }
  params.eta = 0.5f;
  rows = run_detection(&params, 1, 4, loc, conf, four_priors, out, 21);
  CHECK(rows == 3);
  if (rows == 3) {
    check_row(out + 0, 0, 1, 0.8f, A_BOX, "eta 0.5 row 0");
    check_row(out + 7, 0, 1, 0.6f, D_BOX, "eta 0.5 row 1");
    check_padding(out + 14, "eta 0.5 row 2");
  }
}

/* The code types on one prior [0.2, 0.2, 0.6, 0.6] with per-class
 * locations (share_location false, no background): class 0 moves by
 * (0.1, 0, -0.1, 0.2), class 1 not at all. */
static void test_detection_decoding(void) {
  const float prior[8] = {0.2f, 0.2f, 0.6f, 0.6f, 0.1f, 0.1f, 0.2f, 0.2f};
  const float loc[8] = {0.1f, 0.0f, -0.1f, 0.2f, 0, 0, 0, 0};
  const float conf[2] = {0.4f, 0.7f};
  const struct {
    trt_box_code_t code;
    bool encoded;
    double box[4];
  } cases[] = {
      {TRT_BOX_CODE_CORNER, true, {0.3, 0.2, 0.5, 0.8}},
      {TRT_BOX_CODE_CORNER, false, {0.21, 0.2, 0.58, 0.64}},
      {TRT_BOX_CODE_CORNER_SIZE, false, {0.204, 0.2, 0.592, 0.616}},
      {TRT_BOX_CODE_CORNER_SIZE, true, {0.24, 0.2, 0.56, 0.68}},
      {TRT_BOX_CODE_CENTER_SIZE,
       true,
       {0.44 - 0.2 * exp(-0.1), 0.4 - 0.2 * exp(0.2), 0.44 + 0.2 * exp(-0.1),
        0.4 + 0.2 * exp(0.2)}},
      {TRT_BOX_CODE_CENTER_SIZE,
       false,
       {0.404 - 0.2 * exp(-0.02), 0.4 - 0.2 * exp(0.04), 0.404 + 0.2 * exp(-0.02),
        0.4 + 0.2 * exp(0.04)}},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    trt_detection_output_params_t params = detection_params();
    params.num_classes = 2;
    params.share_location = false;
    params.background_label_id = -1;
    params.keep_top_k = -1;
    params.code_type = cases[i].code;
    params.variance_encoded_in_target = cases[i].encoded;
    params.confidence_threshold = -FLT_MAX;
    float out[2 * 7];
    int64_t rows = run_detection(&params, 1, 1, loc, conf, prior, out, 14);
    CHECK(rows == 2);
    if (rows != 2)
      continue;
    char what[64];
    snprintf(what, sizeof(what), "code %d encoded %d class 0", (int)cases[i].code,
             (int)cases[i].encoded);
    check_row(out, 0, 0, 0.4f, cases[i].box[0], cases[i].box[1], cases[i].box[2], cases[i].box[3],
              what);
    check_row(out + 7, 0, 1, 0.7f, 0.2, 0.2, 0.6, 0.6, "class 1 (no offset)");
  }
}

static void expect_detection_error(const trt_detection_output_params_t *params, int64_t loc_size,
                                   int64_t prior_size, const char *needle) {
  trt_network_t *net = trt_network_create();
  trt_dims_t loc_dims = {2, {1, loc_size}}, conf_dims = {2, {1, 4 * 3}};
  trt_dims_t prior_dims = {3, {1, 2, prior_size}};
  int inputs[3] = {trt_network_add_input(net, "loc", TRT_DATA_TYPE_FLOAT32, &loc_dims),
                   trt_network_add_input(net, "conf", TRT_DATA_TYPE_FLOAT32, &conf_dims),
                   trt_network_add_input(net, "priors", TRT_DATA_TYPE_FLOAT32, &prior_dims)};
  int layer =
      trt_network_add_layer(net, TRT_LAYER_DETECTION_OUTPUT, "detect", inputs, 3, NULL, 1, params);
  trt_network_mark_output(net, trt_network_layer_output(net, layer, 0));
  trt_status_t status = trt_network_infer_shapes(net);
  CHECK(status != TRT_STATUS_OK && strstr(trt_last_error(), needle));
  if (status == TRT_STATUS_OK || !strstr(trt_last_error(), needle))
    fprintf(stderr, "  wanted '%s', got '%s'\n", needle, trt_last_error());
  trt_network_destroy(net);
}

static void test_detection_errors(void) {
  trt_detection_output_params_t params = detection_params();
  expect_detection_error(&params, 15, 16, "loc has dims");
  expect_detection_error(&params, 16, 18, "priors are");
  params.num_classes = 4; /* conf holds 3 per prior */
  expect_detection_error(&params, 16, 16, "conf has dims");
  params = detection_params();
  params.num_classes = 0;
  expect_detection_error(&params, 16, 16, "num_classes");
  params = detection_params();
  params.background_label_id = 3;
  expect_detection_error(&params, 16, 16, "background_label_id");
  params = detection_params();
  params.code_type = (trt_box_code_t)7;
  expect_detection_error(&params, 16, 16, "code type");
  params = detection_params();
  params.eta = 0.0f;
  expect_detection_error(&params, 16, 16, "eta");
  params = detection_params();
  params.nms_threshold = NAN;
  expect_detection_error(&params, 16, 16, "nms_threshold");
  params = detection_params();
  params.top_k = -2;
  expect_detection_error(&params, 16, 16, "top_k");
}

/* ---- plans ------------------------------------------------------------------ */

/* feature [1,1,2,2] + image [1,3,20,20] -> PriorBox (min 4: 4 priors)
 * -> DetectionOutput(loc [1,16], conf [1,12]) -> detections [1,1,3,7]. */
static trt_network_t *make_ssd_network(void) {
  trt_network_t *net = trt_network_create();
  trt_dims_t feature_dims = {4, {1, 1, 2, 2}}, image_dims = {4, {1, 3, 20, 20}};
  trt_dims_t loc_dims = {2, {1, 16}}, conf_dims = {2, {1, 12}};
  int feature = trt_network_add_input(net, "feature", TRT_DATA_TYPE_FLOAT32, &feature_dims);
  int image = trt_network_add_input(net, "image", TRT_DATA_TYPE_FLOAT32, &image_dims);
  int loc = trt_network_add_input(net, "loc", TRT_DATA_TYPE_FLOAT32, &loc_dims);
  int conf = trt_network_add_input(net, "conf", TRT_DATA_TYPE_FLOAT32, &conf_dims);
  trt_prior_box_params_t prior = prior_params();
  int prior_inputs[2] = {feature, image};
  int priors =
      trt_network_layer_output(net,
                               trt_network_add_layer(net, TRT_LAYER_PRIOR_BOX, "prior_layer",
                                                     prior_inputs, 2, NULL, 1, &prior),
                               0);
  trt_detection_output_params_t detect = detection_params();
  int detect_inputs[3] = {loc, conf, priors};
  const char *name = "detections";
  int out = trt_network_layer_output(net,
                                     trt_network_add_layer(net, TRT_LAYER_DETECTION_OUTPUT,
                                                           "detect_layer", detect_inputs, 3, &name,
                                                           1, &detect),
                                     0);
  trt_network_mark_output(net, out);
  return net;
}

/* Runs an engine of make_ssd_network on fixed inputs. */
static void run_ssd(const trt_engine_t *engine, float *out) {
  static float feature[4], image[3 * 400], loc[16], conf[12];
  for (int i = 0; i < 16; i++)
    loc[i] = 0.05f * (float)(i % 5) - 0.1f;
  for (int p = 0; p < 4; p++) {
    conf[p * 3 + 0] = 0.1f;
    conf[p * 3 + 1] = 0.2f + 0.15f * (float)p;
    conf[p * 3 + 2] = 0.7f - 0.15f * (float)p;
  }
  trt_context_t *context = NULL;
  CHECK_OK(trt_context_create(engine, &context));
  void *bindings[5] = {feature, image, loc, conf, out};
  if (context)
    CHECK_OK(trt_context_execute(context, 1, bindings));
  trt_context_destroy(context);
}

/* Offset of the first byte after the plan string `text`, or 0. */
static size_t after_string(const unsigned char *plan, size_t size, const char *text) {
  uint32_t length = (uint32_t)strlen(text);
  for (size_t i = 0; i + 4 + length <= size; i++)
    if (memcmp(plan + i, &length, 4) == 0 && memcmp(plan + i + 4, text, length) == 0)
      return i + 4 + length;
  return 0;
}

/* `plan` with bytes replaced and its checksum recomputed is refused with
 * `needle` in the message. */
static bool refuses_patch(const unsigned char *plan, size_t size, size_t offset, const void *bytes,
                          size_t count, const char *needle) {
  unsigned char *copy = malloc(size);
  memcpy(copy, plan, size);
  memcpy(copy + offset, bytes, count);
  uint64_t checksum = trt_plan_checksum(copy, size - 8);
  memcpy(copy + size - 8, &checksum, 8);
  trt_engine_t *engine = NULL;
  trt_status_t status = trt_engine_deserialize(copy, size, NULL, NULL, &engine);
  bool refused = status == TRT_STATUS_PARSE_ERROR && !engine && strstr(trt_last_error(), needle);
  if (!refused)
    fprintf(stderr, "  patch at %zu: status %d, '%s' (wanted '%s')\n", offset, (int)status,
            status == TRT_STATUS_OK ? "" : trt_last_error(), needle);
  trt_engine_destroy(engine);
  free(copy);
  return refused;
}

static void test_plan(void) {
  trt_network_t *net = make_ssd_network();
  trt_builder_config_t config;
  trt_builder_config_init(&config);
  config.backend = TRT_BACKEND_CPU;
  /* Without constant folding the PriorBox layer stays in the plan. */
  CHECK_OK(trt_builder_config_disable_passes(&config, "constant-folding"));
  trt_engine_t *built = NULL;
  CHECK_OK(trt_engine_build(net, &config, &built));
  trt_network_destroy(net);
  if (!built)
    return;
  float before[21], after[21];
  run_ssd(built, before);
  CHECK(before[0] == 0.0f && before[1] >= 1.0f); /* something was detected */
  void *data = NULL;
  size_t size = 0;
  CHECK_OK(trt_engine_serialize(built, NULL, &data, &size));
  trt_engine_destroy(built);
  if (!data)
    return;
  trt_engine_t *loaded = NULL;
  CHECK_OK(trt_engine_deserialize(data, size, NULL, NULL, &loaded));
  if (loaded) {
    run_ssd(loaded, after);
    CHECK(memcmp(before, after, sizeof(before)) == 0);
  }
  trt_engine_destroy(loaded);
  /* Layer record: u32 type | name | u32 inputs | inputs | u32 outputs |
   * outputs | u64 params size | params. */
  const unsigned char *plan = data;
  size_t prior = after_string(plan, size, "prior_layer");
  size_t detect = after_string(plan, size, "detect_layer");
  CHECK(prior > 0 && detect > 0);
  if (prior > 0) {
    size_t params = prior + 4 + 2 * 4 + 4 + 4 + 8;
    int32_t none = 0, too_many = TRT_PRIOR_BOX_MAX_SIZES + 5, negative = -3;
    unsigned char two = 2;
    CHECK(refuses_patch(plan, size, params + offsetof(trt_prior_box_params_t, nb_min_sizes), &none,
                        4, "min sizes"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_prior_box_params_t, nb_min_sizes),
                        &too_many, 4, "min sizes"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_prior_box_params_t, nb_aspect_ratios),
                        &negative, 4, "aspect ratios"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_prior_box_params_t, clip), &two, 1,
                        "bool parameter"));
  }
  if (detect > 0) {
    size_t params = detect + 4 + 3 * 4 + 4 + 4 + 8;
    int32_t code = 9, top_k = -7, keep = 5, classes = 1000;
    unsigned char two = 2;
    CHECK(refuses_patch(plan, size, params + offsetof(trt_detection_output_params_t, code_type),
                        &code, 4, "code type"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_detection_output_params_t, top_k), &top_k,
                        4, "top_k"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_detection_output_params_t, keep_top_k),
                        &keep, 4, "do not give the dims stored"));
    CHECK(refuses_patch(plan, size, params + offsetof(trt_detection_output_params_t, num_classes),
                        &classes, 4, "conf has dims"));
    CHECK(refuses_patch(plan, size,
                        params + offsetof(trt_detection_output_params_t, share_location), &two, 1,
                        "bool parameter"));
  }
  free(data);
}

int main(void) {
  test_aspect_ratio_list();
  test_prior_box_cells();
  test_prior_box_geometry();
  test_prior_box_errors();
  test_detection_batch();
  test_detection_selection();
  test_detection_eta();
  test_detection_decoding();
  test_detection_errors();
  test_plan();
  return test_finish("test_detection");
}
