#!/usr/bin/env python3
"""Exports torchvision's ResNet-50, MobileNetV2 and GoogLeNet to ONNX with
random weights (opset 17, the legacy exporter), batch dimension dynamic.

    export_torchvision.py OUTDIR        writes OUTDIR/{resnet50,mobilenet_v2,googlenet}.onnx

Runs on the GPU machine (torch + torchvision there); existing files are kept.
"""
import os
import sys

import torch
import torchvision

MODELS = {
    "resnet50": lambda: torchvision.models.resnet50(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False,
                                                      init_weights=True),
}


def export(name, outdir):
    path = os.path.join(outdir, name + ".onnx")
    if os.path.exists(path):
        return path
    torch.manual_seed(0)
    model = MODELS[name]().eval()
    x = torch.randn(1, 3, 224, 224)
    with torch.no_grad():
        torch.onnx.export(model, x, path + ".tmp", opset_version=17, dynamo=False,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    os.replace(path + ".tmp", path)
    return path


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(sys.argv[1], exist_ok=True)
    for name in MODELS:
        print(export(name, sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
