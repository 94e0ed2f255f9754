/* Shape inference for Resize (ONNX Resize 10/11/13 and Upsample).
 *
 * Operand convention, shared with the ONNX importer: a layer with exactly
 * two inputs is Upsample-9 / Resize-10 (input 1 holds the scales); otherwise
 * the inputs are x, [roi], [scales], [sizes] as in Resize-11+. Scales in the
 * parameters (nb_scales > 0, Upsample-7's attribute) take precedence. An
 * empty scales or sizes tensor counts as absent. */
#include <math.h>

#include "layers/layers.h"

static const trt_tensor_t *present(const trt_tensor_t *tensor) {
  return tensor && trt_dims_volume(&tensor->dims) != 0 ? tensor : NULL;
}

static trt_status_t check_operand(const trt_tensor_t *operand, bool want_float, int64_t count) {
  if (!operand->data)
    return trt_error(TRT_STATUS_SHAPE_ERROR,
                     "shape operand '%s' is not constant once input shapes are fixed",
                     operand->name);
  bool is_float = operand->type == TRT_DATA_TYPE_FLOAT32 || operand->type == TRT_DATA_TYPE_FLOAT64;
  bool is_int = operand->type == TRT_DATA_TYPE_INT64 || operand->type == TRT_DATA_TYPE_INT32;
  if (want_float ? !is_float : !is_int)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "operand '%s' is %s, expected %s", operand->name,
                     trt_data_type_name(operand->type), want_float ? "float" : "int64");
  if (trt_dims_volume(&operand->dims) != count)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "operand '%s' has %lld values, expected %lld",
                     operand->name, (long long)trt_dims_volume(&operand->dims),
                     (long long)count);
  return TRT_STATUS_OK;
}

trt_status_t trt_resize_infer(trt_network_t *network, trt_layer_t *layer) {
  const trt_resize_params_t *params = layer->params;
  const trt_tensor_t *input = trt_layer_input(network, layer, 0);
  if (!input || !params || layer->nb_outputs != 1)
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize needs a data input, parameters and one "
                                             "output");
  bool legacy = layer->nb_inputs == 2;
  const trt_tensor_t *roi = legacy ? NULL : present(trt_layer_input(network, layer, 1));
  const trt_tensor_t *scales = present(trt_layer_input(network, layer, legacy ? 1 : 2));
  const trt_tensor_t *sizes = legacy ? NULL : present(trt_layer_input(network, layer, 3));
  int rank = input->dims.nb_dims;

  if (params->mode != TRT_RESIZE_NEAREST && params->mode != TRT_RESIZE_LINEAR &&
      params->mode != TRT_RESIZE_CUBIC)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown resize mode %d", (int)params->mode);
  if ((int)params->coord < 0 || params->coord > TRT_RESIZE_COORD_TF_CROP_AND_RESIZE)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown coordinate transformation %d",
                     (int)params->coord);
  if ((int)params->nearest < 0 || params->nearest > TRT_RESIZE_CEIL)
    return trt_error(TRT_STATUS_UNSUPPORTED, "unknown nearest mode %d", (int)params->nearest);
  bool interpolates = params->mode != TRT_RESIZE_NEAREST;
  bool crops = params->coord == TRT_RESIZE_COORD_TF_CROP_AND_RESIZE;
  if ((interpolates || crops) && input->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s resize of %s data is not supported",
                     interpolates ? "interpolating" : "tf_crop_and_resize",
                     trt_data_type_name(input->type));

  trt_status_t status;
  if (crops) {
    if (!roi)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "tf_crop_and_resize needs a roi input");
    if ((status = check_operand(roi, true, 2 * rank)) != TRT_STATUS_OK)
      return status;
  }
  trt_dims_t out = input->dims;
  if (params->nb_scales > 0 || scales) {
    if (sizes)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize has both scales and sizes");
    if (params->nb_scales > 0 && params->nb_scales != rank)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "%d scales for rank %d", params->nb_scales, rank);
    if (params->nb_scales == 0 && (status = check_operand(scales, true, rank)) != TRT_STATUS_OK)
      return status;
    for (int i = 0; i < rank; i++) {
      double scale = params->nb_scales > 0 ? params->scales[i] : trt_tensor_get_double(scales, i);
      if (!(scale > 0))
        return trt_error(TRT_STATUS_SHAPE_ERROR, "scale %g for axis %d is not positive", scale,
                         i);
      /* tf_crop_and_resize scales the region of interest, not the input. */
      double length = (double)input->dims.d[i] * scale;
      if (crops)
        length *= trt_tensor_get_double(roi, rank + i) - trt_tensor_get_double(roi, i);
      out.d[i] = (int64_t)floor(length);
      if (out.d[i] < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "roi of axis %d is reversed", i);
    }
  } else if (sizes) {
    if ((status = check_operand(sizes, false, rank)) != TRT_STATUS_OK)
      return status;
    for (int i = 0; i < rank; i++) {
      out.d[i] = trt_tensor_get_int(sizes, i);
      if (out.d[i] < 0)
        return trt_error(TRT_STATUS_SHAPE_ERROR, "size %lld for axis %d is negative",
                         (long long)out.d[i], i);
    }
  } else {
    return trt_error(TRT_STATUS_SHAPE_ERROR, "Resize needs scales or sizes");
  }
  for (int i = 0; i < rank; i++)
    if (out.d[i] > 0 && input->dims.d[i] == 0)
      return trt_error(TRT_STATUS_SHAPE_ERROR, "cannot resize empty axis %d to %lld", i,
                       (long long)out.d[i]);
  trt_tensor_t *output = trt_layer_output(network, layer, 0);
  output->type = input->type;
  output->dims = out;
  return TRT_STATUS_OK;
}
