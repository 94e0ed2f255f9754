#!/usr/bin/python3
"""The Python module on the GPU against PyTorch: a small CNN exported to ONNX, run by
trtinfer.lite.Engine on the CUDA backend in FP32 and FP16 (and on the CPU backend) at batch 1
and 3, compared with PyTorch's eager output (relative L2: FP32 1e-4, FP16 1e-2, as the GPU
suite's bounds). Exits 77 (skipped) without numpy, PyTorch or a usable GPU.

    test_lite_torch.py WORKDIR
"""
import os
import sys

try:
    import numpy as np
    import torch
except ImportError as error:
    print(f"SKIP: {error.name} is not installed")
    sys.exit(77)
if not torch.cuda.is_available():
    print("SKIP: no usable CUDA GPU")
    sys.exit(77)

from trtinfer.lite import Engine


def main(workdir):
    os.makedirs(workdir, exist_ok=True)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.BatchNorm2d(16), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 32, 3, stride=2, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(32, 10),
        torch.nn.Softmax(dim=1)).eval()
    path = os.path.join(workdir, "lite_torch.onnx")
    export = dict(input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
    try:  # the TorchScript exporter (newer PyTorch defaults to dynamo)
        torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, dynamo=False, **export)
    except TypeError:
        torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, **export)
    x = torch.rand(3, 3, 32, 32)
    with torch.no_grad():
        expected = model(x).numpy()
    failures = 0
    for backend, precision, bound in [("cuda", "fp32", 1e-4), ("cuda", "fp16", 1e-2),
                                      ("cpu", "fp32", 1e-4)]:
        with Engine(path, max_batch=3, backend=backend, precision=precision) as engine:
            for batch in (1, 3):
                y = engine.infer({"x": x[:batch].numpy()})["y"]
                error = (np.linalg.norm(y - expected[:batch]) /
                         np.linalg.norm(expected[:batch]))
                ok = error < bound
                failures += not ok
                print(f"{backend} {precision} batch {batch}: relative L2 {error:.3g} "
                      f"({'ok' if ok else f'above {bound}'})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "lite_torch_work"))
