#!/usr/bin/env python3
"""Exports torchvision classifiers to ONNX with random weights that keep
activations at their scale (opset 17, the legacy exporter), batch dimension
dynamic.

    export_torchvision.py OUTDIR [NAME...|families]

writes OUTDIR/NAME.onnx: by default ResNet-50, MobileNetV2 and GoogLeNet
(MODELS); `families` exports FAMILIES, one model of each further family the
benchmark and the GPU suite cover (depthwise 7x7 + LayerNorm + GELU,
squeeze-excitation, dense concatenation, grouped convolutions, plain 3x3
stacks, channel shuffle, attention).

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

# name: (constructor, what it adds to the three above)
FAMILIES = {
    "convnext_tiny": (lambda: torchvision.models.convnext_tiny(weights=None),
                      "depthwise 7x7, LayerNorm, GELU"),
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(weights=None),
                        "squeeze-excitation, SiLU"),
    "densenet121": (lambda: torchvision.models.densenet121(weights=None), "dense concatenation"),
    "resnext50_32x4d": (lambda: torchvision.models.resnext50_32x4d(weights=None),
                        "grouped 3x3 convolutions"),
    "vgg16": (lambda: torchvision.models.vgg16(weights=None), "plain 3x3 stacks, large GEMMs"),
    "regnet_y_800mf": (lambda: torchvision.models.regnet_y_800mf(weights=None),
                       "grouped convolutions with squeeze-excitation"),
    "shufflenet_v2_x1_0": (lambda: torchvision.models.shufflenet_v2_x1_0(weights=None),
                           "channel shuffle (reshape-transpose)"),
    "mobilenet_v3_large": (lambda: torchvision.models.mobilenet_v3_large(weights=None),
                           "hardswish, hardsigmoid squeeze-excitation"),
    "squeezenet1_1": (lambda: torchvision.models.squeezenet1_1(weights=None),
                      "fire modules (1x1/3x3 concatenation)"),
    "mnasnet1_0": (lambda: torchvision.models.mnasnet1_0(weights=None), "depthwise 5x5"),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(weights=None),
                 "attention: MatMul, Softmax, LayerNorm, GELU, Mod in shape arithmetic"),
}


def constructor(name):
    return MODELS[name] if name in MODELS else FAMILIES[name][0]


def give_signal(model):
    """Re-initializes weights so activations keep their scale through the
    network: torchvision's own random init (GoogLeNet's truncated normal with
    std 0.01 above all) shrinks them until the logits are all zero, which
    makes any comparison pass. He-normal convolutions and linear layers,
    non-trivial BatchNorm scales and small non-zero biases, and BatchNorm
    statistics measured on random images, as training leaves them: each
    BatchNorm then normalizes what reaches it, so activations stay at the
    scale of trained networks (fixed random statistics let them grow layer
    after layer, past float16's 65504 in MNASNet)."""
    generator = torch.Generator().manual_seed(1)
    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            fan_in = module.weight[0].numel()
            module.weight.data = torch.randn(module.weight.shape, generator=generator) * (
                2.0 / fan_in) ** 0.5
            if module.bias is not None:
                module.bias.data = torch.randn(module.bias.shape, generator=generator) * 0.01
        elif isinstance(module, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)):
            channels = module.num_features
            module.running_mean.data = torch.randn(channels, generator=generator) * 0.1
            module.running_var.data = torch.rand(channels, generator=generator) * 0.5 + 0.75
            module.weight.data = torch.rand(channels, generator=generator) * 0.5 + 0.75
            module.bias.data = torch.randn(channels, generator=generator) * 0.1
    for norm in residual_branch_ends(model):
        norm.weight.data *= RESIDUAL_BRANCH_SCALE
        norm.bias.data *= RESIDUAL_BRANCH_SCALE
    calibrate_batchnorm(model, generator)
    return model


# Random residual branches at full scale make a network chaotic: each block
# adds a signal uncorrelated with its input, and a perturbation anywhere
# (even rounding the weights to float16, with no float16 arithmetic) grew
# 1.2-1.4x per block in MobileNetV2, 70x in all, which trained networks do
# not do. Trained branches end in small BatchNorm scales (torchvision's
# zero_init_residual starts them at 0); half scale keeps the branches
# visible and the per-block gain near 1.
RESIDUAL_BRANCH_SCALE = 0.5


def residual_branch_ends(model):
    """The last BatchNorm of every residual branch: blocks that say they add
    their input (MobileNet/EfficientNet's use_res_connect, MNASNet's
    apply_residual), ResNet's blocks (their main path, not the downsampling
    shortcut) and ShuffleNetV2's stride-1 blocks (half the channels pass
    through, the branch's output sits beside them: the same identity path
    as a residual, the same chaotic growth at full scale)."""
    ends = []
    for module in model.modules():
        if getattr(module, "use_res_connect", False) or getattr(module, "apply_residual", False):
            norms = [m for m in module.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        elif (isinstance(module, torchvision.models.shufflenetv2.InvertedResidual)
              and module.stride == 1):
            norms = [m for m in module.branch2.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        elif isinstance(module, (torchvision.models.resnet.Bottleneck,
                                 torchvision.models.resnet.BasicBlock)):
            norms = [m for name, m in module.named_modules()
                     if isinstance(m, torch.nn.BatchNorm2d) and not name.startswith("downsample")]
        else:
            continue
        if norms:
            ends.append(norms[-1])
    return ends


def calibrate_batchnorm(model, generator, batches=2, batch=8):
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    model.eval()
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the calibration batches
        norm.train()
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn(batch, 3, 224, 224, generator=generator))
    model.eval()


def export(name, outdir):
    path = os.path.join(outdir, name + ".onnx")
    if os.path.exists(path):
        return path
    torch.manual_seed(0)
    model = give_signal(constructor(name)()).eval()
    x = torch.randn(1, 3, 224, 224)
    # the fused attention kernel of inference mode has no ONNX export
    torch.backends.mha.set_fastpath_enabled(False)
    with torch.no_grad():
        torch.onnx.export(model, x, path + ".tmp", opset_version=17, dynamo=False,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    os.replace(path + ".tmp", path)
    return path


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    names = sys.argv[2:] or list(MODELS)
    if names == ["families"]:
        names = list(FAMILIES)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name in names:
        print(export(name, sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
