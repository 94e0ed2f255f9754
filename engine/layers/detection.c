/* Shape inference for SSD's detection layers, PriorBox and DetectionOutput
 * (trt/network.h describes both), and the geometry that their CPU and CUDA
 * implementations share. Parameters come from importers and from plan
 * files alike, so every count and value is checked here. */
#include <math.h>

#include "layers/layers.h"

trt_status_t trt_prior_box_set_aspect_ratios(trt_prior_box_params_t *params, const float *ratios,
                                             int count, bool flip) {
  if (!params || (count > 0 && !ratios) || count < 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "prior box aspect ratios: bad arguments");
  params->nb_aspect_ratios = 0;
  for (int i = 0; i < count; i++) {
    const float ratio = ratios[i];
    if (!(ratio > 0.0f) || !isfinite(ratio))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "aspect ratio %g is not a positive number",
                       (double)ratio);
    /* Caffe starts its list with 1 (the min-size square) and skips any
     * ratio within 1e-6 of one listed, flipped ones included. */
    bool listed = fabsf(ratio - 1.0f) < 1e-6f;
    for (int j = 0; j < params->nb_aspect_ratios && !listed; j++)
      listed = fabsf(ratio - params->aspect_ratios[j]) < 1e-6f;
    if (listed)
      continue;
    if (params->nb_aspect_ratios + (flip ? 2 : 1) > TRT_PRIOR_BOX_MAX_ASPECT_RATIOS)
      return trt_error(TRT_STATUS_UNSUPPORTED, "more than %d distinct aspect ratios",
                       TRT_PRIOR_BOX_MAX_ASPECT_RATIOS);
    params->aspect_ratios[params->nb_aspect_ratios++] = ratio;
    if (flip)
      params->aspect_ratios[params->nb_aspect_ratios++] = 1.0f / ratio;
  }
  return TRT_STATUS_OK;
}

static bool positive(float value) {
  return value > 0.0f && isfinite(value);
}

static trt_status_t check_prior_box_params(const trt_prior_box_params_t *params) {
  if (params->nb_min_sizes < 1 || params->nb_min_sizes > TRT_PRIOR_BOX_MAX_SIZES)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%d min sizes, expected 1 to %d",
                     (int)params->nb_min_sizes, TRT_PRIOR_BOX_MAX_SIZES);
  if (params->nb_max_sizes != 0 && params->nb_max_sizes != params->nb_min_sizes)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "%d max sizes for %d min sizes (none or one each)", (int)params->nb_max_sizes,
                     (int)params->nb_min_sizes);
  if (params->nb_aspect_ratios < 0 || params->nb_aspect_ratios > TRT_PRIOR_BOX_MAX_ASPECT_RATIOS)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%d aspect ratios, expected 0 to %d",
                     (int)params->nb_aspect_ratios, TRT_PRIOR_BOX_MAX_ASPECT_RATIOS);
  for (int s = 0; s < params->nb_min_sizes; s++) {
    if (!positive(params->min_sizes[s]) || params->min_sizes[s] > (float)INT32_MAX)
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "min size %g is not a positive number",
                       (double)params->min_sizes[s]);
    if (params->nb_max_sizes &&
        (!(params->max_sizes[s] > params->min_sizes[s]) || params->max_sizes[s] > (float)INT32_MAX))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "max size %g is not above min size %g",
                       (double)params->max_sizes[s], (double)params->min_sizes[s]);
  }
  for (int r = 0; r < params->nb_aspect_ratios; r++)
    if (!positive(params->aspect_ratios[r]))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "aspect ratio %g is not a positive number",
                       (double)params->aspect_ratios[r]);
  for (int k = 0; k < 4; k++)
    if (!positive(params->variances[k]))
      return trt_error(TRT_STATUS_INVALID_ARGUMENT, "variance %g is not a positive number",
                       (double)params->variances[k]);
  if (params->image_width < 0 || params->image_height < 0)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "image size %dx%d is negative",
                     (int)params->image_width, (int)params->image_height);
  if (!(params->step_width >= 0.0f) || !(params->step_height >= 0.0f) ||
      !isfinite(params->step_width) || !isfinite(params->step_height))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "step %gx%g is not a number >= 0",
                     (double)params->step_width, (double)params->step_height);
  if (!isfinite(params->offset))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "offset is not finite");
  return TRT_STATUS_OK;
}

trt_status_t trt_prior_box_geometry(const trt_network_t *network, const trt_layer_t *layer,
                                    trt_prior_box_geometry_t *geometry) {
  const trt_prior_box_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing prior box parameters");
  if (layer->nb_inputs != 2 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 2 inputs and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *feature = trt_layer_input(network, layer, 0);
  const trt_tensor_t *image = trt_layer_input(network, layer, 1);
  if (!feature || !image)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the feature map and the image are both needed");
  if (feature->dims.nb_dims != 4 || image->dims.nb_dims != 4)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "the feature map (rank %d) and the image (rank %d) must be NCHW",
                     feature->dims.nb_dims, image->dims.nb_dims);
  trt_status_t status = check_prior_box_params(params);
  if (status != TRT_STATUS_OK)
    return status;
  *geometry = (trt_prior_box_geometry_t){.height = feature->dims.d[2],
                                         .width = feature->dims.d[3],
                                         .priors = trt_prior_box_priors_per_cell(params)};
  if (geometry->height < 1 || geometry->width < 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the feature map has no cells (%lldx%lld)",
                     (long long)geometry->height, (long long)geometry->width);
  if (params->image_width > 0 && params->image_height > 0) {
    geometry->image_width = params->image_width;
    geometry->image_height = params->image_height;
  } else {
    const int64_t width = image->dims.d[3], height = image->dims.d[2];
    if (width < 1 || height < 1 || width > INT32_MAX || height > INT32_MAX)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "image size %lldx%lld", (long long)width,
                       (long long)height);
    geometry->image_width = (int32_t)width;
    geometry->image_height = (int32_t)height;
  }
  if (params->step_width > 0.0f && params->step_height > 0.0f) {
    geometry->step_width = params->step_width;
    geometry->step_height = params->step_height;
  } else { /* as Caffe: in float */
    geometry->step_width = (float)geometry->image_width / (float)geometry->width;
    geometry->step_height = (float)geometry->image_height / (float)geometry->height;
  }
  return TRT_STATUS_OK;
}

trt_status_t trt_prior_box_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_prior_box_geometry_t geometry;
  trt_status_t status = trt_prior_box_geometry(network, layer, &geometry);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t count;
  if (!trt_int64_mul_checked(geometry.height, geometry.width, &count) ||
      !trt_int64_mul_checked(count, (int64_t)geometry.priors * 4, &count))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%lldx%lld cells of %d priors overflow",
                     (long long)geometry.height, (long long)geometry.width, (int)geometry.priors);
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = (trt_dims_t){.nb_dims = 3, .d = {1, 2, count}};
  return TRT_STATUS_OK;
}

static trt_status_t check_detection_params(const trt_detection_output_params_t *params) {
  if (params->num_classes < 1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "num_classes %d, expected at least 1",
                     (int)params->num_classes);
  if (params->background_label_id < -1 || params->background_label_id >= params->num_classes)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "background_label_id %d is neither -1 nor a class below %d",
                     (int)params->background_label_id, (int)params->num_classes);
  if (params->code_type != TRT_BOX_CODE_CORNER && params->code_type != TRT_BOX_CODE_CENTER_SIZE &&
      params->code_type != TRT_BOX_CODE_CORNER_SIZE)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "code type %d is not CORNER, CENTER_SIZE or "
                     "CORNER_SIZE",
                     (int)params->code_type);
  if (isnan(params->confidence_threshold))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "confidence_threshold is NaN");
  if (!(params->nms_threshold >= 0.0f))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "nms_threshold %g, expected >= 0",
                     (double)params->nms_threshold);
  if (!(params->eta > 0.0f && params->eta <= 1.0f))
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "eta %g is not in (0, 1]", (double)params->eta);
  if (params->top_k < -1 || params->keep_top_k < -1)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "top_k %d / keep_top_k %d: -1 (all) or a count",
                     (int)params->top_k, (int)params->keep_top_k);
  return TRT_STATUS_OK;
}

/* `tensor` holds `per_item` values for each of `batch` items. */
static trt_status_t check_per_item(const trt_tensor_t *tensor, const char *role, int64_t batch,
                                   int64_t per_item) {
  char text[96];
  int64_t expected;
  if (tensor->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s type %s is not supported (float32 only)", role,
                     trt_data_type_name(tensor->type));
  if (tensor->dims.nb_dims < 1 || tensor->dims.d[0] != batch ||
      !trt_int64_mul_checked(batch, per_item, &expected) ||
      trt_dims_volume(&tensor->dims) != expected)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%s has dims %s, expected %lld items of %lld values",
                     role, trt_dims_format(&tensor->dims, text, sizeof(text)), (long long)batch,
                     (long long)per_item);
  return TRT_STATUS_OK;
}

trt_status_t trt_detection_output_shape(const trt_network_t *network, const trt_layer_t *layer,
                                        trt_detection_output_shape_t *shape) {
  const trt_detection_output_params_t *params = layer->params;
  if (!params)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "missing detection output parameters");
  if (layer->nb_inputs != 3 || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "expected 3 inputs and 1 output, got %d and %d",
                     layer->nb_inputs, layer->nb_outputs);
  const trt_tensor_t *loc = trt_layer_input(network, layer, 0);
  const trt_tensor_t *conf = trt_layer_input(network, layer, 1);
  const trt_tensor_t *priors = trt_layer_input(network, layer, 2);
  if (!loc || !conf || !priors)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "loc, conf and priors are all needed");
  trt_status_t status = check_detection_params(params);
  if (status != TRT_STATUS_OK)
    return status;
  char text[96];
  if (priors->type != TRT_DATA_TYPE_FLOAT32 || priors->dims.nb_dims != 3 || priors->dims.d[0] < 1 ||
      priors->dims.d[1] != 2 || priors->dims.d[2] < 4 || priors->dims.d[2] % 4 != 0)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "priors are %s %s, expected float32 [1, 2, priors * 4] (PriorBox's layout)",
                     trt_data_type_name(priors->type),
                     trt_dims_format(&priors->dims, text, sizeof(text)));
  *shape = (trt_detection_output_shape_t){
      .batch = loc->dims.nb_dims > 0 ? loc->dims.d[0] : 0,
      .priors = priors->dims.d[2] / 4,
      .classes = params->num_classes,
      .loc_classes = params->share_location ? 1 : params->num_classes,
  };
  if (shape->batch < 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "loc has no batch dimension");
  int64_t per_item;
  if (!trt_int64_mul_checked(shape->priors, (int64_t)shape->loc_classes * 4, &per_item))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "loc size overflows");
  status = check_per_item(loc, "loc", shape->batch, per_item);
  if (status == TRT_STATUS_OK && !trt_int64_mul_checked(shape->priors, shape->classes, &per_item))
    status = trt_error(TRT_STATUS_SHAPE_ERROR, "conf size overflows");
  if (status == TRT_STATUS_OK)
    status = check_per_item(conf, "conf", shape->batch, per_item);
  if (status != TRT_STATUS_OK)
    return status;
  shape->candidates =
      params->top_k >= 0 && params->top_k < shape->priors ? params->top_k : shape->priors;
  const int64_t scored = shape->classes - (params->background_label_id >= 0 ? 1 : 0);
  if (params->keep_top_k >= 0)
    shape->rows = params->keep_top_k;
  else if (!trt_int64_mul_checked(scored, shape->candidates, &shape->rows))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "the detection count overflows");
  if (shape->rows < 1)
    shape->rows = 1; /* one padding row: nothing can be kept */
  return TRT_STATUS_OK;
}

trt_status_t trt_detection_output_infer(trt_network_t *network, trt_layer_t *layer) {
  trt_detection_output_shape_t shape;
  trt_status_t status = trt_detection_output_shape(network, layer, &shape);
  if (status != TRT_STATUS_OK)
    return status;
  int64_t values;
  if (!trt_int64_mul_checked(shape.batch, shape.rows, &values) ||
      !trt_int64_mul_checked(values, 7, &values))
    return trt_error(TRT_STATUS_SHAPE_ERROR, "%lld items of %lld rows overflow",
                     (long long)shape.batch, (long long)shape.rows);
  trt_tensor_t *y = trt_layer_output(network, layer, 0);
  y->type = TRT_DATA_TYPE_FLOAT32;
  y->dims = (trt_dims_t){.nb_dims = 4, .d = {shape.batch, 1, shape.rows, 7}};
  return TRT_STATUS_OK;
}
