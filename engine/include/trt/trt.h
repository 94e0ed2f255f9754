/* trtinfer engine: umbrella header. */
#ifndef TRT_TRT_H
#define TRT_TRT_H

#include "trt/caffe_parser.h"
#include "trt/image.h"
#include "trt/lite.h"
#include "trt/network.h"
#include "trt/nms.h"
#include "trt/onnx_parser.h"
#include "trt/plugin.h"
#include "trt/runtime.h"
#include "trt/status.h"

#define TRT_VERSION_MAJOR 0
#define TRT_VERSION_MINOR 1
#define TRT_VERSION_PATCH 0

const char *trt_version_string(void);

#endif
