/* The engine's shared numerics: the one definition of each small piece of
 * arithmetic that host C code (parsers, the CPU reference, giexec, tests)
 * and CUDA device code (kernels/) must agree on bit for bit.
 *
 *   half.h        IEEE binary16 <-> float and double, round to nearest even
 *   activation.h  every trt_activation_kind_t, per kind and as one switch
 *   element.h     element i of a buffer of any trt_data_type_t, read and written
 *   cast_rules.h  how Cast converts one element between two types
 *   window.h      the taps of a pooling window that land inside its input
 *   remainder.h   ONNX Mod's remainder, either sign convention
 *   image.h       frames to tensors per pixel: colour, sampling, element types
 *
 * Every header is header-only: static inline functions marked
 * TRT_HOST_DEVICE, plain C11 that nvcc also compiles for the device. They
 * depend on nothing but the C library and the public trt/network.h (for the
 * enums; image.h also trt/image.h), so kernels/ can include them without
 * the rest of the engine.
 * FP16 and INT8 conversions for reduced precision belong here too. */
#ifndef TRT_NUMERICS_H
#define TRT_NUMERICS_H

#ifdef __CUDACC__
#define TRT_HOST_DEVICE __host__ __device__
#else
#define TRT_HOST_DEVICE
#endif

#endif
