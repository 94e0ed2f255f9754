#!/usr/bin/env python3
"""PyTorch's own FP16 error on the models the GPU suite checks, for reading
our FP16 tolerance against: for each model (the same signal-keeping random
weights as export_torchvision.py) and a random batch, the relative L2
difference of PyTorch's FP16 (.half()) output from its FP32 output, and the
largest |activation| any module outputs in FP32 (FP16 overflows above
65504).

    pytorch_fp16_error.py [--batch N] [NAME...]     (default: every model)
"""
import argparse
import sys

import torch

from export_torchvision import FAMILIES, MODELS, constructor, give_signal


def largest_activation(model, x):
    largest = [0.0]

    def hook(_module, _inputs, output):
        if isinstance(output, torch.Tensor) and output.is_floating_point():
            largest[0] = max(largest[0], output.detach().abs().max().item())

    handles = [m.register_forward_hook(hook) for m in model.modules() if m is not model]
    with torch.inference_mode():
        model(x)
    for handle in handles:
        handle.remove()
    return largest[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    names = args.names or list(MODELS) + list(FAMILIES)
    print("%-22s %14s %14s" % ("model", "fp16 rel L2", "max |act|"))
    for name in names:
        torch.manual_seed(0)
        model = give_signal(constructor(name)()).eval().cuda()
        x = torch.randn(args.batch, 3, 224, 224, device="cuda")
        with torch.inference_mode():
            reference = model(x).float()
            half = model.half()(x.half()).float()
        model.float()
        error = ((half - reference).norm() / reference.norm()).item()
        print("%-22s %14.3g %14.3g" % (name, error, largest_activation(model, x)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
