/* Resize and Upsample: ONNX's documented examples (nearest, linear,
 * align_corners, pytorch_half_pixel, tf_crop_and_resize, downsampling),
 * PP-OCR-style 2x nearest upsampling on odd shapes and dtypes, a direct
 * bilinear reference with threads, and shape errors. */
#include <string.h>

#include "test_util.h"

typedef struct {
  trt_resize_params_t params;
  int rank;
  int64_t in_dims[TRT_MAX_DIMS];
  const float *scales; /* NULL: sizes */
  const int64_t *sizes;
  const float *roi;
  bool legacy;         /* Upsample-9 form: two inputs, scales in input 1 */
  bool scales_in_params;
} resize_setup_t;

static trt_status_t build_resize(const resize_setup_t *s, trt_data_type_t type,
                                 trt_network_t **out) {
  trt_network_t *network = trt_network_create();
  trt_dims_t dims = trt_dims_make(s->rank, s->in_dims);
  int64_t count[] = {s->rank}, roi_count[] = {2 * s->rank};
  trt_dims_t vector = trt_dims_make(1, count), roi_dims = trt_dims_make(1, roi_count);
  int inputs[4] = {trt_network_add_input(network, "x", type, &dims), -1, -1, -1};
  trt_resize_params_t params = s->params;
  int nb_inputs = 1;
  if (s->scales_in_params) {
    params.nb_scales = s->rank;
    memcpy(params.scales, s->scales, s->rank * sizeof(float));
  } else if (s->legacy) {
    inputs[1] = trt_network_add_constant(network, "scales", TRT_DATA_TYPE_FLOAT32, &vector,
                                         s->scales);
    nb_inputs = 2;
  } else {
    if (s->roi)
      inputs[1] = trt_network_add_constant(network, "roi", TRT_DATA_TYPE_FLOAT32, &roi_dims,
                                           s->roi);
    if (s->scales) {
      inputs[2] = trt_network_add_constant(network, "scales", TRT_DATA_TYPE_FLOAT32, &vector,
                                           s->scales);
      nb_inputs = 3;
    }
    if (s->sizes) {
      inputs[3] = trt_network_add_constant(network, "sizes", TRT_DATA_TYPE_INT64, &vector,
                                           s->sizes);
      nb_inputs = 4;
    }
  }
  int layer = trt_network_add_layer(network, TRT_LAYER_RESIZE, "resize", inputs, nb_inputs,
                                    NULL, 1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  *out = network;
  return trt_network_infer_shapes(network);
}

/* Runs a float resize on `x` and compares dims and values. */
static void check_resize(const char *name, const resize_setup_t *s, const float *x,
                         const int64_t *want_dims, const float *want, double tolerance) {
  trt_network_t *network;
  trt_status_t status = build_resize(s, TRT_DATA_TYPE_FLOAT32, &network);
  if (status != TRT_STATUS_OK) {
    fprintf(stderr, "  %s: %s\n", name, trt_last_error());
    CHECK(status == TRT_STATUS_OK);
    trt_network_destroy(network);
    return;
  }
  trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
  trt_dims_t expected = trt_dims_make(s->rank, want_dims);
  if (!trt_dims_equal(&out, &expected)) {
    char a[64], b[64];
    fprintf(stderr, "  %s: dims %s, expected %s\n", name, trt_dims_format(&out, a, sizeof(a)),
            trt_dims_format(&expected, b, sizeof(b)));
    CHECK(trt_dims_equal(&out, &expected));
    trt_network_destroy(network);
    return;
  }
  int64_t volume = trt_dims_volume(&out);
  float *y = malloc(volume * sizeof(float));
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL, NULL, NULL}, (void *[]){y}, 2));
  double error = test_max_abs_diff(y, want, volume);
  if (!(error <= tolerance)) {
    fprintf(stderr, "  %s: max error %g\n", name, error);
    for (int64_t i = 0; i < volume; i++)
      fprintf(stderr, "    [%lld] got %.7g want %.7g\n", (long long)i, y[i], want[i]);
    CHECK_BELOW(error, tolerance);
  }
  free(y);
  trt_network_destroy(network);
}

static void test_onnx_examples(void) {
  const float x2x2[] = {1, 2, 3, 4};
  const float x2x4[] = {1, 2, 3, 4, 5, 6, 7, 8};
  float x4x4[16];
  for (int i = 0; i < 16; i++)
    x4x4[i] = (float)(i + 1);
  const trt_resize_params_t nearest = {.mode = TRT_RESIZE_NEAREST, .cubic_coeff_a = -0.75f};
  const trt_resize_params_t linear = {.mode = TRT_RESIZE_LINEAR, .cubic_coeff_a = -0.75f};

  const float up23[] = {1, 1, 2, 3};
  const float want_up_nearest[] = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                                   3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
  resize_setup_t s = {.params = nearest, .rank = 4, .in_dims = {1, 1, 2, 2}, .scales = up23};
  check_resize("upsample_scales_nearest", &s, x2x2, (int64_t[]){1, 1, 4, 6}, want_up_nearest, 0);

  /* Upsample-7 (scales attribute) and Upsample-9 (two inputs): asymmetric, floor. */
  resize_setup_t upsample = s;
  upsample.params.coord = TRT_RESIZE_COORD_ASYMMETRIC;
  upsample.params.nearest = TRT_RESIZE_FLOOR;
  upsample.scales_in_params = true;
  check_resize("upsample_attribute", &upsample, x2x2, (int64_t[]){1, 1, 4, 6}, want_up_nearest,
               0);
  upsample.scales_in_params = false;
  upsample.legacy = true;
  check_resize("upsample_input", &upsample, x2x2, (int64_t[]){1, 1, 4, 6}, want_up_nearest, 0);

  const float down06[] = {1, 1, 0.6f, 0.6f};
  s = (resize_setup_t){.params = nearest, .rank = 4, .in_dims = {1, 1, 2, 4}, .scales = down06};
  check_resize("downsample_scales_nearest", &s, x2x4, (int64_t[]){1, 1, 1, 2},
               (const float[]){1, 3}, 0);

  const float up22[] = {1, 1, 2, 2};
  s = (resize_setup_t){.params = linear, .rank = 4, .in_dims = {1, 1, 2, 2}, .scales = up22};
  check_resize("upsample_scales_linear", &s, x2x2, (int64_t[]){1, 1, 4, 4},
               (const float[]){1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f,
                               3.5f, 3, 3.25f, 3.75f, 4},
               1e-6);
  s.params.coord = TRT_RESIZE_COORD_ALIGN_CORNERS;
  check_resize("upsample_scales_linear_align_corners", &s, x2x2, (int64_t[]){1, 1, 4, 4},
               (const float[]){1, 1.3333333f, 1.6666667f, 2, 1.6666667f, 2, 2.3333333f,
                               2.6666667f, 2.3333333f, 2.6666667f, 3, 3.3333333f, 3, 3.3333333f,
                               3.6666667f, 4},
               1e-6);

  s = (resize_setup_t){.params = linear, .rank = 4, .in_dims = {1, 1, 2, 4}, .scales = down06};
  check_resize("downsample_scales_linear", &s, x2x4, (int64_t[]){1, 1, 1, 2},
               (const float[]){2.6666665f, 4.3333331f}, 1e-6);
  s.params.coord = TRT_RESIZE_COORD_ALIGN_CORNERS;
  check_resize("downsample_scales_linear_align_corners", &s, x2x4, (int64_t[]){1, 1, 1, 2},
               (const float[]){1, 3.142857f}, 1e-6);

  s = (resize_setup_t){.params = linear, .rank = 4, .in_dims = {1, 1, 4, 4},
                       .sizes = (const int64_t[]){1, 1, 3, 1}};
  s.params.coord = TRT_RESIZE_COORD_PYTORCH_HALF_PIXEL;
  check_resize("downsample_sizes_linear_pytorch_half_pixel", &s, x4x4, (int64_t[]){1, 1, 3, 1},
               (const float[]){1.6666666f, 7, 12.333333f}, 1e-5);

  /* tf_crop_and_resize on a 2-D input (onnxruntime's example). */
  s = (resize_setup_t){.params = linear, .rank = 2, .in_dims = {4, 4},
                       .sizes = (const int64_t[]){3, 3},
                       .roi = (const float[]){0.4f, 0.6f, 0.6f, 0.8f}};
  s.params.coord = TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  check_resize("tf_crop_and_resize", &s, x4x4, (int64_t[]){3, 3},
               (const float[]){7.6f, 7.9f, 8.2f, 8.8f, 9.1f, 9.4f, 10.0f, 10.3f, 10.6f}, 1e-5);
  /* Points outside the image take extrapolation_value. */
  s.roi = (const float[]){0.4f, 0.6f, 1.2f, 1.7f};
  s.params.extrapolation_value = 10;
  s.sizes = (const int64_t[]){3, 3};
  /* Rows sample 1.2, 2.4, 3.6 and columns 1.8, 3.45, 5.1: beyond 3 is outside. */
  check_resize("tf_crop_and_resize_extrapolation", &s, x4x4, (int64_t[]){3, 3},
               (const float[]){7.6f, 10, 10, 12.4f, 10, 10, 10, 10, 10}, 1e-5);
}

/* PP-OCR's DB neck: 2x nearest upsampling of NCHW feature maps. */
static void test_nearest_upsample_dtypes(void) {
  const float two[] = {1, 1, 2, 2};
  trt_data_type_t types[] = {TRT_DATA_TYPE_FLOAT32, TRT_DATA_TYPE_INT64, TRT_DATA_TYPE_UINT8,
                             TRT_DATA_TYPE_FLOAT16};
  for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
    for (int form = 0; form < 2; form++) {
      resize_setup_t s = {.params = {.mode = TRT_RESIZE_NEAREST}, .rank = 4,
                          .in_dims = {2, 3, 5, 7}, .scales = two};
      if (form == 1) { /* Upsample: asymmetric + floor */
        s.params.coord = TRT_RESIZE_COORD_ASYMMETRIC;
        s.params.nearest = TRT_RESIZE_FLOOR;
        s.legacy = true;
      }
      trt_network_t *network;
      CHECK_OK(build_resize(&s, types[t], &network));
      trt_dims_t out = trt_network_tensor_dims(network, trt_network_layer_output(network, 0, 0));
      CHECK(out.d[0] == 2 && out.d[1] == 3 && out.d[2] == 10 && out.d[3] == 14);
      size_t size = trt_data_type_size(types[t]);
      uint8_t *x = malloc(2 * 3 * 5 * 7 * size), *y = malloc(2 * 3 * 10 * 14 * size);
      for (size_t i = 0; i < 2 * 3 * 5 * 7 * size; i++)
        x[i] = (uint8_t)(i * 31 + 5);
      CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL, NULL}, (void *[]){y}, 3));
      int64_t bad = 0;
      for (int64_t nc = 0; nc < 6; nc++)
        for (int64_t h = 0; h < 10; h++)
          for (int64_t w = 0; w < 14; w++)
            bad += memcmp(y + ((nc * 10 + h) * 14 + w) * size,
                          x + ((nc * 5 + h / 2) * 7 + w / 2) * size, size) != 0;
      CHECK(bad == 0);
      free(x);
      free(y);
      trt_network_destroy(network);
    }
  }
}

/* Bilinear (half_pixel) straight from the definition, on an odd shape. */
static void test_bilinear_reference(void) {
  int64_t in_dims[] = {2, 3, 5, 7}, out_h = 9, out_w = 13;
  resize_setup_t s = {.params = {.mode = TRT_RESIZE_LINEAR}, .rank = 4,
                      .in_dims = {2, 3, 5, 7}, .sizes = (const int64_t[]){2, 3, 9, 13}};
  trt_network_t *network;
  CHECK_OK(build_resize(&s, TRT_DATA_TYPE_FLOAT32, &network));
  test_rng_t rng = test_rng(3);
  float *x = test_random_floats(&rng, 2 * 3 * 5 * 7, -2, 2);
  float *y = malloc(2 * 3 * 9 * 13 * sizeof(float)), *want = malloc(2 * 3 * 9 * 13 * 4);
  for (int64_t nc = 0; nc < 6; nc++)
    for (int64_t h = 0; h < out_h; h++)
      for (int64_t w = 0; w < out_w; w++) {
        double fy = (h + 0.5) * in_dims[2] / out_h - 0.5, fx = (w + 0.5) * in_dims[3] / out_w - 0.5;
        fy = fy < 0 ? 0 : fy > in_dims[2] - 1 ? in_dims[2] - 1 : fy;
        fx = fx < 0 ? 0 : fx > in_dims[3] - 1 ? in_dims[3] - 1 : fx;
        int64_t y0 = (int64_t)fy, x0 = (int64_t)fx;
        int64_t y1 = y0 + 1 < in_dims[2] ? y0 + 1 : y0, x1 = x0 + 1 < in_dims[3] ? x0 + 1 : x0;
        double ty = fy - y0, tx = fx - x0;
        const float *plane = x + nc * 35;
        double top = plane[y0 * 7 + x0] * (1 - tx) + plane[y0 * 7 + x1] * tx;
        double bottom = plane[y1 * 7 + x0] * (1 - tx) + plane[y1 * 7 + x1] * tx;
        want[(nc * out_h + h) * out_w + w] = (float)(top * (1 - ty) + bottom * ty);
      }
  CHECK_OK(test_run_layer(network, 0, (const void *[]){x, NULL, NULL, NULL}, (void *[]){y}, 4));
  CHECK_BELOW(test_max_abs_diff(y, want, 6 * out_h * out_w), 1e-6);
  free(x);
  free(y);
  free(want);
  trt_network_destroy(network);
}

/* Cubic and trilinear interpolation reproduce linear functions exactly
 * where no tap is clamped: a check of the weights on any number of axes. */
static void test_linear_functions(void) {
  float ramp[8];
  for (int i = 0; i < 8; i++)
    ramp[i] = (float)(3 * i + 1);
  resize_setup_t s = {.params = {.mode = TRT_RESIZE_CUBIC, .cubic_coeff_a = -0.75f,
                                 .coord = TRT_RESIZE_COORD_ALIGN_CORNERS},
                      .rank = 1, .in_dims = {8}, .sizes = (const int64_t[]){15}};
  float want[15];
  for (int i = 0; i < 15; i++)
    want[i] = 1 + 3 * (i * 7.0f / 14);
  trt_network_t *network;
  CHECK_OK(build_resize(&s, TRT_DATA_TYPE_FLOAT32, &network));
  float y[15];
  CHECK_OK(test_run_layer(network, 0, (const void *[]){ramp, NULL, NULL, NULL}, (void *[]){y},
                          1));
  CHECK_BELOW(test_max_abs_diff(y + 2, want + 2, 11), 1e-5); /* interior: no clamped taps */
  CHECK(y[0] == 1 && y[14] == 22);                           /* end points are samples */
  trt_network_destroy(network);

  /* Trilinear over the three trailing axes of a 5-D tensor. */
  int64_t in[] = {3, 4, 5}, out[] = {5, 7, 9};
  resize_setup_t t = {.params = {.mode = TRT_RESIZE_LINEAR,
                                 .coord = TRT_RESIZE_COORD_ALIGN_CORNERS},
                      .rank = 5, .in_dims = {1, 2, 3, 4, 5},
                      .sizes = (const int64_t[]){1, 2, 5, 7, 9}};
  float x[2 * 3 * 4 * 5], expected[2 * 5 * 7 * 9];
  for (int c = 0; c < 2; c++)
    for (int i = 0; i < 60; i++)
      x[c * 60 + i] = 0.5f * (i / 20) - 0.25f * (i / 5 % 4) + 0.125f * (i % 5) + c;
  for (int c = 0; c < 2; c++)
    for (int i = 0; i < 5 * 7 * 9; i++) {
      double z = (i / 63) * (in[0] - 1.0) / (out[0] - 1), v = (i / 9 % 7) * (in[1] - 1.0) / 6,
             u = (i % 9) * (in[2] - 1.0) / 8;
      expected[c * 315 + i] = (float)(0.5 * z - 0.25 * v + 0.125 * u + c);
    }
  int64_t want_dims[] = {1, 2, 5, 7, 9};
  check_resize("trilinear", &t, x, want_dims, expected, 1e-6);
}

static void check_resize_error(const resize_setup_t *s, trt_data_type_t type,
                               const char *message) {
  trt_network_t *network;
  trt_status_t status = build_resize(s, type, &network);
  CHECK(status == TRT_STATUS_SHAPE_ERROR || status == TRT_STATUS_UNSUPPORTED);
  if (!strstr(trt_last_error(), message)) {
    fprintf(stderr, "  error '%s' does not mention '%s'\n", trt_last_error(), message);
    CHECK(strstr(trt_last_error(), message) != NULL);
  }
  trt_network_destroy(network);
}

static void test_errors(void) {
  const float two[] = {1, 1, 2, 2}, zero[] = {1, 1, 0, 2};
  const int64_t sizes[] = {1, 1, 4, 4};
  resize_setup_t s = {.params = {.mode = TRT_RESIZE_NEAREST}, .rank = 4, .in_dims = {1, 1, 2, 2},
                      .scales = two, .sizes = sizes};
  check_resize_error(&s, TRT_DATA_TYPE_FLOAT32, "both scales and sizes");
  s.scales = NULL;
  s.sizes = NULL;
  check_resize_error(&s, TRT_DATA_TYPE_FLOAT32, "needs scales or sizes");
  s.scales = zero;
  check_resize_error(&s, TRT_DATA_TYPE_FLOAT32, "scale 0 for axis 2 is not positive");
  s.scales = two;
  s.params.mode = TRT_RESIZE_LINEAR;
  check_resize_error(&s, TRT_DATA_TYPE_INT32, "interpolating resize of int32");
  s.params.coord = TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  check_resize_error(&s, TRT_DATA_TYPE_FLOAT32, "needs a roi input");
  s.params.coord = TRT_RESIZE_COORD_HALF_PIXEL;
  s.params.nb_scales = 3;
  check_resize_error(&s, TRT_DATA_TYPE_FLOAT32, "3 scales for rank 4");

  /* Scales that are computed at run time are not constant. */
  trt_network_t *network = trt_network_create();
  int64_t d[] = {1, 1, 2, 2}, four[] = {4};
  trt_dims_t dims = trt_dims_make(4, d), vector = trt_dims_make(1, four);
  int inputs[] = {trt_network_add_input(network, "x", TRT_DATA_TYPE_FLOAT32, &dims), -1,
                  trt_network_add_input(network, "dynamic_scales", TRT_DATA_TYPE_FLOAT32,
                                        &vector)};
  trt_resize_params_t params = {.mode = TRT_RESIZE_NEAREST};
  int layer = trt_network_add_layer(network, TRT_LAYER_RESIZE, "r", inputs, 3, NULL, 1, &params);
  trt_network_mark_output(network, trt_network_layer_output(network, layer, 0));
  CHECK(trt_network_infer_shapes(network) == TRT_STATUS_SHAPE_ERROR);
  CHECK(strstr(trt_last_error(), "shape operand 'dynamic_scales' is not constant") != NULL);
  trt_network_destroy(network);
}

int main(void) {
  test_onnx_examples();
  test_nearest_upsample_dtypes();
  test_bilinear_reference();
  test_linear_functions();
  test_errors();
  return test_finish("test_resize");
}
