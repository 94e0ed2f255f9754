/* CPU convolution and deconvolution (FP32, NCHW, 1 to 3 spatial dims).
 *
 * Every shape is handled as 3-D (missing leading spatial dims have size 1).
 * Paths, from fastest to most general:
 *   - depthwise (group == C_in == C_out): a direct loop over output rows that
 *     the compiler vectorizes, one task per (image, channel);
 *   - 1x1, stride 1, no padding: the input already is the GEMM's B matrix;
 *   - anything else: GEMM whose B panels are packed straight from the image
 *     (implicit im2col: no column buffer), one GEMM per (image, group).
 * Bias and the fused activation run in the GEMM epilogue.
 * Fused forms made by the optimizer: a residual (input 3) is copied into
 * the output first and accumulated by the GEMM (beta 1), before the
 * activation; a merged convolution runs one GEMM per output over its rows
 * of the weights; an output that is a view along the channels of a larger
 * tensor is written in place, stepping images by the parent's channels.
 * Deconvolution is GEMM (W^T x) into a column buffer, then col2im. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_layers.h"
#include "cpu/gemm.h"

typedef struct {
  int64_t batch, in_channels, out_channels, group;
  int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad[3];
} conv_geometry_t;

static int64_t volume3(const int64_t *d) {
  return d[0] * d[1] * d[2];
}
static int64_t min64(int64_t a, int64_t b) {
  return a < b ? a : b;
}

static conv_geometry_t make_geometry(const trt_network_t *network, const trt_layer_t *layer) {
  const trt_convolution_params_t *params = layer->params;
  const trt_dims_t *x = &trt_layer_input(network, layer, 0)->dims;
  const trt_dims_t *y = &trt_layer_output(network, layer, 0)->dims;
  conv_geometry_t geometry = {
      .batch = x->d[0], .in_channels = x->d[1], .out_channels = y->d[1], .group = params->group};
  const int first = 3 - params->nb_spatial;
  for (int i = 0; i < 3; i++) {
    const int axis = i - first; /* index into the params' spatial arrays */
    const bool present = axis >= 0;
    geometry.in[i] = present ? x->d[2 + axis] : 1;
    geometry.out[i] = present ? y->d[2 + axis] : 1;
    geometry.kernel[i] = present ? params->kernel[axis] : 1;
    geometry.stride[i] = present ? params->stride[axis] : 1;
    geometry.dilation[i] = present ? params->dilation[axis] : 1;
    geometry.pad[i] = present ? params->pad_begin[axis] : 0;
  }
  return geometry;
}

static trt_status_t check_runnable(const char *op, const trt_network_t *network,
                                   const trt_layer_t *layer, const void *const *inputs) {
  const trt_tensor_t *x = trt_layer_input(network, layer, 0);
  if (x->type != TRT_DATA_TYPE_FLOAT32)
    return trt_error(TRT_STATUS_UNSUPPORTED, "%s: input type %s is not supported", op,
                     trt_data_type_name(x->type));
  if (!inputs[0] || !inputs[1])
    return trt_error(TRT_STATUS_INVALID_ARGUMENT, "%s: missing input or weights data", op);
  return TRT_STATUS_OK;
}

/* ---- depthwise ---------------------------------------------------------- */

typedef struct {
  const conv_geometry_t *geometry;
  const float *x, *w, *bias;
  const float *residual; /* contiguous like the output, or NULL */
  float *y;
  int64_t image_stride; /* floats between images of y */
  const trt_activation_t *activation;
} depthwise_job_t;

/* One output row: out[ow] = bias + sum over taps of w * in, with the
 * in-bounds ow range of each tap computed once so the inner loop is
 * branch-free (and contiguous when the stride is 1). */
static inline __attribute__((always_inline)) void depthwise_plane_body(const conv_geometry_t *g,
                                                                       const float *x,
                                                                       const float *w, float bias,
                                                                       float *y) {
  for (int64_t od = 0; od < g->out[0]; od++) {
    for (int64_t oh = 0; oh < g->out[1]; oh++) {
      float *out = y + (od * g->out[1] + oh) * g->out[2];
      for (int64_t ow = 0; ow < g->out[2]; ow++)
        out[ow] = bias;
      for (int64_t kd = 0; kd < g->kernel[0]; kd++) {
        const int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dilation[0];
        if (id < 0 || id >= g->in[0])
          continue;
        for (int64_t kh = 0; kh < g->kernel[1]; kh++) {
          const int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dilation[1];
          if (ih < 0 || ih >= g->in[1])
            continue;
          const float *in = x + (id * g->in[1] + ih) * g->in[2];
          const float *taps = w + (kd * g->kernel[1] + kh) * g->kernel[2];
          for (int64_t kw = 0; kw < g->kernel[2]; kw++) {
            const int64_t offset = kw * g->dilation[2] - g->pad[2], stride = g->stride[2];
            const float tap = taps[kw];
            if (stride == 1) {
              /* ow such that 0 <= ow + offset < in[2] */
              const int64_t lo = offset >= 0 ? 0 : -offset;
              const int64_t hi = min64(g->out[2], g->in[2] - offset);
              const float *row = in + offset;
              for (int64_t ow = lo; ow < hi; ow++)
                out[ow] += tap * row[ow];
            } else {
              /* ow such that 0 <= ow * stride + offset < in[2] */
              const int64_t lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
              const int64_t hi = min64(
                  g->out[2], g->in[2] - offset <= 0 ? 0 : (g->in[2] - offset - 1) / stride + 1);
              for (int64_t ow = lo; ow < hi; ow++)
                out[ow] += tap * in[ow * stride + offset];
            }
          }
        }
      }
    }
  }
}

static void depthwise_plane_generic(const conv_geometry_t *g, const float *x, const float *w,
                                    float bias, float *y) {
  depthwise_plane_body(g, x, w, bias, y);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) static void depthwise_plane_avx2(const conv_geometry_t *g,
                                                                     const float *x, const float *w,
                                                                     float bias, float *y) {
  depthwise_plane_body(g, x, w, bias, y);
}
#endif

static void depthwise_plane(const conv_geometry_t *g, const float *x, const float *w, float bias,
                            float *y) {
#if defined(__x86_64__) || defined(__i386__)
  if (trt_sgemm_uses_avx2()) {
    depthwise_plane_avx2(g, x, w, bias, y);
    return;
  }
#endif
  depthwise_plane_generic(g, x, w, bias, y);
}

static void depthwise_task(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const depthwise_job_t *job = arg;
  const conv_geometry_t *g = job->geometry;
  const int64_t in_plane = volume3(g->in), out_plane = volume3(g->out);
  const int64_t taps = volume3(g->kernel);
  for (int64_t plane = begin; plane < end; plane++) {
    const int64_t channel = plane % g->out_channels;
    const float *x = job->x + plane * in_plane, *w = job->w + channel * taps;
    const float bias = job->bias ? job->bias[channel] : 0.0f;
    float *y = job->y + (plane / g->out_channels) * job->image_stride + channel * out_plane;
    depthwise_plane(g, x, w, bias, y);
    if (job->residual)
      for (int64_t i = 0; i < out_plane; i++)
        y[i] += job->residual[plane * out_plane + i];
    trt_activation_apply_span(job->activation, y, out_plane);
  }
}

/* ---- implicit im2col ---------------------------------------------------- */

/* The B matrix of one group's GEMM: row k = (channel, kd, kh, kw), column n =
 * output pixel; values read from the image, zero in the padding. */
typedef struct {
  const conv_geometry_t *geometry;
  const float *x; /* this image's first channel of the group */
} im2col_source_t;

/* Walks k = (channel, kd, kh, kw) in row-major order. */
typedef struct {
  int64_t channel, kd, kh, kw;
} kernel_position_t;

static kernel_position_t kernel_position(const conv_geometry_t *g, int64_t k) {
  kernel_position_t p;
  p.kw = k % g->kernel[2];
  k /= g->kernel[2];
  p.kh = k % g->kernel[1];
  k /= g->kernel[1];
  p.kd = k % g->kernel[0];
  p.channel = k / g->kernel[0];
  return p;
}

static void kernel_position_next(const conv_geometry_t *g, kernel_position_t *p) {
  if (++p->kw < g->kernel[2])
    return;
  p->kw = 0;
  if (++p->kh < g->kernel[1])
    return;
  p->kh = 0;
  if (++p->kd < g->kernel[0])
    return;
  p->kd = 0;
  p->channel++;
}

/* A run of a panel's columns that lie on one output row. */
typedef struct {
  int64_t begin, end;             /* columns within the panel */
  int64_t base_d, base_h, base_w; /* input position of the first column, before the taps */
} panel_segment_t;

static int split_panel(const conv_geometry_t *g, int64_t n0, int64_t cols,
                       panel_segment_t *segments) {
  int count = 0;
  for (int64_t j = 0; j < cols;) {
    const int64_t n = n0 + j, ow = n % g->out[2], oh = (n / g->out[2]) % g->out[1];
    const int64_t od = n / (g->out[2] * g->out[1]);
    const int64_t length = min64(cols - j, g->out[2] - ow);
    segments[count++] =
        (panel_segment_t){j, j + length, od * g->stride[0] - g->pad[0],
                          oh * g->stride[1] - g->pad[1], ow * g->stride[2] - g->pad[2]};
    j += length;
  }
  return count;
}

/* One segment of one B row: input row `row` (NULL when the tap falls in the
 * vertical padding) read from `iw` with the stride, zero outside [0, width). */
static void pack_segment_row(const float *row, int64_t iw, int64_t stride, int64_t width,
                             float *dest, int64_t length) {
  if (!row) {
    memset(dest, 0, (size_t)length * sizeof(float));
    return;
  }
  if (iw >= 0 && iw + (length - 1) * stride < width) {
    if (stride == 1)
      memcpy(dest, row + iw, (size_t)length * sizeof(float));
    else
      for (int64_t j = 0; j < length; j++)
        dest[j] = row[iw + j * stride];
    return;
  }
  for (int64_t j = 0; j < length; j++, iw += stride)
    dest[j] = iw >= 0 && iw < width ? row[iw] : 0.0f;
}

static void pack_im2col_panel(const conv_geometry_t *g, const float *x, int64_t k0, int64_t kc,
                              int64_t n0, int64_t cols, float *dest) {
  enum { NR = TRT_SGEMM_NR };
  panel_segment_t segments[NR];
  const int nb_segments = split_panel(g, n0, cols, segments);
  kernel_position_t p = kernel_position(g, k0);
  const int64_t plane = volume3(g->in);
  for (int64_t r = 0; r < kc; r++, kernel_position_next(g, &p), dest += NR) {
    const float *image = x + p.channel * plane;
    const int64_t dd = p.kd * g->dilation[0], dh = p.kh * g->dilation[1];
    const int64_t dw = p.kw * g->dilation[2];
    for (int s = 0; s < nb_segments; s++) {
      const panel_segment_t *segment = &segments[s];
      const int64_t id = segment->base_d + dd, ih = segment->base_h + dh;
      const bool inside = id >= 0 && id < g->in[0] && ih >= 0 && ih < g->in[1];
      pack_segment_row(inside ? image + (id * g->in[1] + ih) * g->in[2] : NULL,
                       segment->base_w + dw, g->stride[2], g->in[2], dest + segment->begin,
                       segment->end - segment->begin);
    }
    if (cols < NR)
      memset(dest + cols, 0, (size_t)(NR - cols) * sizeof(float));
  }
}

static void pack_im2col(const void *source, int64_t k0, int64_t kc, int64_t n0, int64_t nc,
                        float *packed) {
  const im2col_source_t *im2col = source;
  for (int64_t p = 0; p * TRT_SGEMM_NR < nc; p++)
    pack_im2col_panel(im2col->geometry, im2col->x, k0, kc, n0 + p * TRT_SGEMM_NR,
                      min64(TRT_SGEMM_NR, nc - p * TRT_SGEMM_NR), packed + p * TRT_SGEMM_NR * kc);
}

static bool is_pointwise(const conv_geometry_t *g) {
  for (int i = 0; i < 3; i++)
    if (g->kernel[i] != 1 || g->stride[i] != 1 || g->pad[i] != 0 || g->in[i] != g->out[i])
      return false;
  return true;
}

/* One output of a (possibly merged) convolution: its rows of the weights
 * and where its images go. */
typedef struct {
  int64_t first_channel, channels;
  float *y;
  int64_t image_stride; /* floats between images: the parent's when a view */
} conv_output_t;

/* Fills `outs`; fails when the outputs do not add up to the weights' rows
 * or a view is laid out in a way this convolution cannot write. */
static trt_status_t describe_outputs(const trt_network_t *network, const trt_layer_t *layer,
                                     void *const *outputs, int64_t out_plane, conv_output_t *outs) {
  int64_t next = 0, total = trt_layer_input(network, layer, 1)->dims.d[0];
  for (int o = 0; o < layer->nb_outputs; o++) {
    const trt_tensor_t *y = trt_layer_output(network, layer, o);
    outs[o] = (conv_output_t){next, y->dims.d[1], outputs[o], y->dims.d[1] * out_plane};
    if (y->view_parent >= 0) {
      const trt_tensor_t *parent = &network->tensors[y->view_parent];
      if (y->view_axis == 1)
        outs[o].image_stride = parent->dims.d[1] * out_plane;
      else if (y->dims.d[0] != 1)
        return trt_error(TRT_STATUS_UNSUPPORTED,
                         "output '%s' is a strided view along axis %d; only channels are",
                         y->name, y->view_axis);
    }
    next += y->dims.d[1];
  }
  if (next != total)
    return trt_error(TRT_STATUS_INVALID_ARGUMENT,
                     "outputs have %lld channels in all, the weights %lld", (long long)next,
                     (long long)total);
  return TRT_STATUS_OK;
}

trt_status_t trt_cpu_convolution(const trt_network_t *network, const trt_layer_t *layer,
                                 const void *const *inputs, void *const *outputs,
                                 trt_cpu_context_t *cpu) {
  trt_status_t status = check_runnable("Convolution", network, layer, inputs);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_convolution_params_t *params = layer->params;
  conv_geometry_t g = make_geometry(network, layer);
  g.out_channels = trt_layer_input(network, layer, 1)->dims.d[0]; /* all outputs together */
  const float *x = inputs[0], *w = inputs[1];
  const float *bias = layer->nb_inputs > 2 ? inputs[2] : NULL;
  const float *residual = layer->nb_inputs > 3 ? inputs[3] : NULL;
  const int64_t in_plane = volume3(g.in), out_plane = volume3(g.out);
  conv_output_t outs[TRT_MAX_LAYER_OUTPUTS];
  status = describe_outputs(network, layer, outputs, out_plane, outs);
  if (status == TRT_STATUS_OK && (residual || g.group > 1) && layer->nb_outputs > 1)
    status = trt_error(TRT_STATUS_UNSUPPORTED,
                       "a merged convolution takes no residual and has group 1");
  if (status != TRT_STATUS_OK)
    return status;

  if (g.group == g.in_channels && g.group == g.out_channels) {
    depthwise_job_t job = {&g, x, w, bias, residual, outs[0].y, outs[0].image_stride,
                           &params->activation};
    trt_cpu_parallel_for(cpu, g.batch * g.out_channels, 1, depthwise_task, &job);
    return TRT_STATUS_OK;
  }

  const int64_t group_in = g.in_channels / g.group, group_out = g.out_channels / g.group;
  const int64_t group_k = group_in * volume3(g.kernel);
  const bool pointwise = is_pointwise(&g);
  for (int64_t n = 0; n < g.batch; n++) {
    for (int o = 0; o < layer->nb_outputs; o++) {
      const conv_output_t *out = &outs[o];
      float *image = out->y + n * out->image_stride;
      if (residual) /* accumulated by the GEMM (beta 1), before the activation */
        memcpy(image, residual + n * out->channels * out_plane,
               (size_t)(out->channels * out_plane) * sizeof(float));
      /* One output spans every group, or (merged) is a row range of group 0. */
      const int64_t groups = layer->nb_outputs > 1 ? 1 : g.group;
      const int64_t rows = layer->nb_outputs > 1 ? out->channels : group_out;
      for (int64_t group = 0; group < groups; group++) {
        const float *group_x = x + (n * g.in_channels + group * group_in) * in_plane;
        const int64_t first_row = out->first_channel + group * group_out;
        im2col_source_t source = {&g, group_x};
        trt_sgemm_t gemm = {
            .m = rows,
            .n = out_plane,
            .k = group_k,
            .a = w + first_row * group_k,
            .lda = group_k,
            .b = group_x,
            .ldb = in_plane,
            .pack_b = pointwise ? NULL : pack_im2col,
            .pack_b_source = &source,
            .c = image + group * group_out * out_plane,
            .ldc = out_plane,
            .alpha = 1.0f,
            .beta = residual ? 1.0f : 0.0f,
            .bias = bias ? bias + first_row : NULL,
            .activation = params->activation,
        };
        status = trt_sgemm(&gemm, cpu);
        if (status != TRT_STATUS_OK)
          return status;
      }
    }
  }
  return TRT_STATUS_OK;
}

/* ---- deconvolution ------------------------------------------------------ */

typedef struct {
  const conv_geometry_t *geometry;
  const float *columns; /* [group_out * taps, in_plane] of one group */
  const float *bias;    /* this group's, or NULL */
  float *y;             /* this group's first output channel */
  const trt_activation_t *activation;
} col2im_job_t;

/* Scatters one output channel's columns into the image (each input pixel
 * spreads its kernel window), then adds the bias and applies the activation. */
static void col2im_task(void *arg, int64_t begin, int64_t end, int thread) {
  (void)thread;
  const col2im_job_t *job = arg;
  const conv_geometry_t *g = job->geometry;
  const int64_t in_plane = volume3(g->in), out_plane = volume3(g->out);
  const int64_t taps = volume3(g->kernel);
  for (int64_t channel = begin; channel < end; channel++) {
    float *out = job->y + channel * out_plane;
    const float bias = job->bias ? job->bias[channel] : 0.0f;
    for (int64_t i = 0; i < out_plane; i++)
      out[i] = bias;
    for (int64_t tap = 0; tap < taps; tap++) {
      const int64_t kw = tap % g->kernel[2], kh = (tap / g->kernel[2]) % g->kernel[1];
      const int64_t kd = tap / (g->kernel[2] * g->kernel[1]);
      const float *column = job->columns + (channel * taps + tap) * in_plane;
      const int64_t offset_w = kw * g->dilation[2] - g->pad[2];
      for (int64_t id = 0; id < g->in[0]; id++) {
        const int64_t od = id * g->stride[0] - g->pad[0] + kd * g->dilation[0];
        if (od < 0 || od >= g->out[0])
          continue;
        for (int64_t ih = 0; ih < g->in[1]; ih++) {
          const int64_t oh = ih * g->stride[1] - g->pad[1] + kh * g->dilation[1];
          if (oh < 0 || oh >= g->out[1])
            continue;
          const float *src = column + (id * g->in[1] + ih) * g->in[2];
          float *dst = out + (od * g->out[1] + oh) * g->out[2];
          /* iw such that 0 <= iw * stride + offset_w < out[2] */
          const int64_t stride = g->stride[2];
          const int64_t lo = offset_w >= 0 ? 0 : (-offset_w + stride - 1) / stride;
          const int64_t hi = min64(
              g->in[2], g->out[2] - offset_w <= 0 ? 0 : (g->out[2] - offset_w - 1) / stride + 1);
          for (int64_t iw = lo; iw < hi; iw++)
            dst[iw * stride + offset_w] += src[iw];
        }
      }
    }
    trt_activation_apply_span(job->activation, out, out_plane);
  }
}

trt_status_t trt_cpu_deconvolution(const trt_network_t *network, const trt_layer_t *layer,
                                   const void *const *inputs, void *const *outputs,
                                   trt_cpu_context_t *cpu) {
  trt_status_t status = check_runnable("Deconvolution", network, layer, inputs);
  if (status != TRT_STATUS_OK)
    return status;
  const trt_convolution_params_t *params = layer->params;
  const conv_geometry_t g = make_geometry(network, layer);
  const float *x = inputs[0], *w = inputs[1];
  const float *bias = layer->nb_inputs > 2 ? inputs[2] : NULL;
  float *y = outputs[0];
  const int64_t in_plane = volume3(g.in), out_plane = volume3(g.out);
  const int64_t group_in = g.in_channels / g.group, group_out = g.out_channels / g.group;
  const int64_t rows = group_out * volume3(g.kernel); /* GEMM M: (channel, tap) */
  const int threads = cpu ? trt_cpu_context_threads(cpu) : 1;

  trt_sgemm_t gemm = {
      .m = rows,
      .n = in_plane,
      .k = group_in,
      .lda = rows,
      .transpose_a = true, /* w is [C_in, C_out/group * taps] */
      .ldb = in_plane,
      .ldc = in_plane,
      .alpha = 1.0f,
      .beta = 0.0f,
  };
  const size_t column_bytes = ((size_t)(rows * in_plane) * sizeof(float) + 63) & ~(size_t)63;
  const size_t bytes = column_bytes + trt_sgemm_workspace_size(&gemm, threads);
  char *scratch = cpu ? trt_cpu_scratch(cpu, bytes) : aligned_alloc(64, (bytes + 63) & ~63ul);
  if (!scratch)
    return trt_error(TRT_STATUS_OUT_OF_MEMORY, "Deconvolution: cannot allocate %zu bytes", bytes);
  float *columns = (float *)scratch;
  for (int64_t n = 0; n < g.batch; n++) {
    for (int64_t group = 0; group < g.group; group++) {
      gemm.a = w + group * group_in * rows;
      gemm.b = x + (n * g.in_channels + group * group_in) * in_plane;
      gemm.c = columns;
      trt_sgemm_run(&gemm, scratch + column_bytes, cpu);
      col2im_job_t job = {&g, columns, bias ? bias + group * group_out : NULL,
                          y + (n * g.out_channels + group * group_out) * out_plane,
                          &params->activation};
      trt_cpu_parallel_for(cpu, group_out, 1, col2im_task, &job);
    }
  }
  if (!cpu)
    free(scratch);
  return TRT_STATUS_OK;
}
