/* SSD's detection layers (weiliu89/caffe's PriorBox and DetectionOutput)
 * as the engine's layers of the same name (trt/network.h). The parameter
 * rules are Caffe's own: img_size or img_h/img_w, step or step_h/step_w,
 * one or four variances (0.1 when none), a max size per min size. */
#include <float.h>

#include "caffe/caffe_layers.h"

/* Caffe's uint32 sizes, as the layer's int32. */
static trt_status_t image_size(trt_caffe_importer_t *importer, const char *name, uint32_t value,
                               int32_t *out) {
  if (value == 0 || value > INT32_MAX)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "%s %u is not a size", name,
                                 value);
  *out = (int32_t)value;
  return TRT_STATUS_OK;
}

static trt_status_t step_size(trt_caffe_importer_t *importer, const char *name, float value,
                              float *out) {
  if (!(value > 0.0f) || value > FLT_MAX)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "%s %g is not positive", name,
                                 (double)value);
  *out = value;
  return TRT_STATUS_OK;
}

trt_status_t trt_caffe_import_prior_box(trt_caffe_importer_t *importer) {
  const Caffe__PriorBoxParameter *param = importer->layer->prior_box;
  trt_prior_box_params_t params = {.clip = param->clip, .offset = param->offset};
  if (param->n_min_size < 1 || param->n_min_size > TRT_PRIOR_BOX_MAX_SIZES)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%zu min_size values, expected 1 to %d", param->n_min_size,
                                 TRT_PRIOR_BOX_MAX_SIZES);
  if (param->n_max_size && param->n_max_size != param->n_min_size)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%zu max_size values for %zu min_size values (one each, or none)",
                                 param->n_max_size, param->n_min_size);
  params.nb_min_sizes = (int32_t)param->n_min_size;
  params.nb_max_sizes = (int32_t)param->n_max_size;
  for (size_t s = 0; s < param->n_min_size; s++) {
    params.min_sizes[s] = param->min_size[s];
    if (!(param->min_size[s] > 0.0f))
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "min_size %g is not positive",
                                   (double)param->min_size[s]);
    if (param->n_max_size && !(param->max_size[s] > param->min_size[s]))
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "max_size %g is not above its min_size %g",
                                   (double)param->max_size[s], (double)param->min_size[s]);
    if (param->n_max_size)
      params.max_sizes[s] = param->max_size[s];
  }
  if (param->n_aspect_ratio > 1024)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR, "%zu aspect ratios",
                                 param->n_aspect_ratio);
  if (trt_prior_box_set_aspect_ratios(&params, param->aspect_ratio, (int)param->n_aspect_ratio,
                                      param->flip) != TRT_STATUS_OK)
    return trt_caffe_layer_failure(importer, TRT_STATUS_PARSE_ERROR);
  if (param->n_variance > 1 && param->n_variance != 4)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "%zu variance values, expected 1 or 4", param->n_variance);
  for (int k = 0; k < 4; k++)
    params.variances[k] = param->n_variance == 0   ? 0.1f
                          : param->n_variance == 1 ? param->variance[0]
                                                   : param->variance[k];
  trt_status_t status = TRT_STATUS_OK;
  if (param->has_img_h || param->has_img_w) {
    if (param->has_img_size)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "give img_size or img_h/img_w, not both");
    status = image_size(importer, "img_h", param->img_h, &params.image_height);
    if (status == TRT_STATUS_OK)
      status = image_size(importer, "img_w", param->img_w, &params.image_width);
  } else if (param->has_img_size) {
    status = image_size(importer, "img_size", param->img_size, &params.image_height);
    params.image_width = params.image_height;
  }
  if (status == TRT_STATUS_OK && (param->has_step_h || param->has_step_w)) {
    if (param->has_step)
      return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                   "give step or step_h/step_w, not both");
    status = step_size(importer, "step_h", param->step_h, &params.step_height);
    if (status == TRT_STATUS_OK)
      status = step_size(importer, "step_w", param->step_w, &params.step_width);
  } else if (status == TRT_STATUS_OK && param->has_step) {
    status = step_size(importer, "step", param->step, &params.step_height);
    params.step_width = params.step_height;
  }
  if (status != TRT_STATUS_OK)
    return status;
  return trt_caffe_emit(importer, TRT_LAYER_PRIOR_BOX, importer->bottoms, 2, &params, 1, 0) < 0
             ? importer->failure
             : TRT_STATUS_OK;
}

trt_status_t trt_caffe_import_detection_output(trt_caffe_importer_t *importer) {
  const Caffe__DetectionOutputParameter *param = importer->layer->detection_output;
  if (!param->has_num_classes || param->num_classes == 0 || param->num_classes > INT32_MAX)
    return trt_caffe_layer_error(importer, TRT_STATUS_PARSE_ERROR,
                                 "num_classes must be given (a count of at least 1)");
  /* Caffe reads any negative top_k or keep_top_k as "all". */
  const Caffe__NonMaximumSuppressionParameter defaults =
      CAFFE__NON_MAXIMUM_SUPPRESSION_PARAMETER__INIT;
  const Caffe__NonMaximumSuppressionParameter *nms =
      param->nms_param ? param->nms_param : &defaults;
  trt_detection_output_params_t params = {
      .num_classes = (int32_t)param->num_classes,
      .share_location = param->share_location,
      /* A background outside the classes is none, as in Caffe's loop. */
      .background_label_id = param->background_label_id < 0 ||
                                     (uint32_t)param->background_label_id >= param->num_classes
                                 ? -1
                                 : param->background_label_id,
      .code_type = (trt_box_code_t)param->code_type,
      .variance_encoded_in_target = param->variance_encoded_in_target,
      .confidence_threshold =
          param->has_confidence_threshold ? param->confidence_threshold : -FLT_MAX,
      .nms_threshold = nms->nms_threshold,
      .eta = nms->eta,
      .top_k = nms->has_top_k && nms->top_k >= 0 ? nms->top_k : -1,
      .keep_top_k = param->keep_top_k >= 0 ? param->keep_top_k : -1,
  };
  return trt_caffe_emit(importer, TRT_LAYER_DETECTION_OUTPUT, importer->bottoms, 3, &params, 1, 0) <
                 0
             ? importer->failure
             : TRT_STATUS_OK;
}
