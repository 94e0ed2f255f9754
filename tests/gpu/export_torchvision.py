#!/usr/bin/env python3
"""Exports torchvision's ResNet-50, MobileNetV2 and GoogLeNet to ONNX with
random weights that keep activations at their scale (opset 17, the legacy
exporter), batch dimension dynamic.

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


def give_signal(model):
    """Re-initializes weights so activations keep their scale through the
    network: torchvision's own random init (GoogLeNet's truncated normal with
    std 0.01 above all) shrinks them until the logits are all zero, which
    makes any comparison pass. He-normal convolutions and linear layers,
    non-trivial BatchNorm statistics and small non-zero biases."""
    generator = torch.Generator().manual_seed(1)
    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            fan_in = module.weight[0].numel()
            module.weight.data = torch.randn(module.weight.shape, generator=generator) * (
                2.0 / fan_in) ** 0.5
            if module.bias is not None:
                module.bias.data = torch.randn(module.bias.shape, generator=generator) * 0.01
        elif isinstance(module, torch.nn.BatchNorm2d):
            channels = module.num_features
            module.running_mean.data = torch.randn(channels, generator=generator) * 0.1
            module.running_var.data = torch.rand(channels, generator=generator) * 0.5 + 0.75
            module.weight.data = torch.rand(channels, generator=generator) * 0.5 + 0.75
            module.bias.data = torch.randn(channels, generator=generator) * 0.1
    return model


def export(name, outdir):
    path = os.path.join(outdir, name + ".onnx")
    if os.path.exists(path):
        return path
    torch.manual_seed(0)
    model = give_signal(MODELS[name]()).eval()
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
