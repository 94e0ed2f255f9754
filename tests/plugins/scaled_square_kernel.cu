// The CUDA side of the test plugin's ScaledSquare (scaled_square.c):
// y = alpha * x * x, one thread per element (grid-stride).
#include <cstdint>

#include <cuda_runtime.h>

__global__ void scaled_square_kernel(const float *x, float *y, int64_t count, float alpha) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x)
    y[i] = alpha * x[i] * x[i];
}

extern "C" int scaled_square_launch(const float *x, float *y, int64_t count, float alpha,
                                    void *stream) {
  if (count <= 0)
    return 0;
  const int threads = 256;
  int64_t blocks = (count + threads - 1) / threads;
  if (blocks > 65535)
    blocks = 65535;
  scaled_square_kernel<<<(unsigned)blocks, threads, 0, (cudaStream_t)stream>>>(x, y, count, alpha);
  return (int)cudaGetLastError();
}

extern "C" const char *scaled_square_error_string(int error) {
  return cudaGetErrorString((cudaError_t)error);
}
