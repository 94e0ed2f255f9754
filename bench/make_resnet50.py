#!/usr/bin/python3
"""Writes a ResNet-50-shaped ONNX model with random weights (fixed seed), for
timing engine builds against plan loads without downloading a trained one.

    /usr/bin/python3 bench/make_resnet50.py OUT.onnx

Same graph as torchvision's resnet50 export (opset 13): Conv without bias,
BatchNormalization, Relu, the four stages of bottlenecks (3, 4, 6, 3 blocks),
global average pooling, Flatten and Gemm to 1000 classes; the input is
"input" [N,3,224,224] with a dynamic batch. About 25.6 M parameters (102 MB).
Needs numpy and onnx (Debian: python3-onnx).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.weights, self.count = [], [], 0

    def name(self, kind):
        self.count += 1
        return f"{kind}_{self.count}"

    def constant(self, kind, array):
        tensor_name = self.name(kind)
        self.weights.append(numpy_helper.from_array(array.astype(np.float32), tensor_name))
        return tensor_name

    def conv_bn(self, x, c_in, c_out, kernel, stride, relu=True):
        fan_in = c_in * kernel * kernel
        w = self.constant("w", self.rng.normal(0, (2.0 / fan_in) ** 0.5,
                                               (c_out, c_in, kernel, kernel)))
        conv = self.name("conv")
        pad = kernel // 2
        self.nodes.append(helper.make_node("Conv", [x, w], [conv], name=conv,
                                           kernel_shape=[kernel, kernel],
                                           strides=[stride, stride], pads=[pad] * 4))
        scale = self.constant("gamma", self.rng.uniform(0.5, 1.5, c_out))
        bias = self.constant("beta", self.rng.uniform(-0.1, 0.1, c_out))
        mean = self.constant("mean", self.rng.uniform(-0.1, 0.1, c_out))
        var = self.constant("var", self.rng.uniform(0.5, 1.5, c_out))
        bn = self.name("bn")
        self.nodes.append(helper.make_node("BatchNormalization", [conv, scale, bias, mean, var],
                                           [bn], name=bn, epsilon=1e-5))
        if not relu:
            return bn
        out = self.name("relu")
        self.nodes.append(helper.make_node("Relu", [bn], [out], name=out))
        return out

    def bottleneck(self, x, c_in, width, stride):
        c_out = width * 4
        y = self.conv_bn(x, c_in, width, 1, 1)
        y = self.conv_bn(y, width, width, 3, stride)
        y = self.conv_bn(y, width, c_out, 1, 1, relu=False)
        shortcut = x
        if stride != 1 or c_in != c_out:
            shortcut = self.conv_bn(x, c_in, c_out, 1, stride, relu=False)
        added = self.name("add")
        self.nodes.append(helper.make_node("Add", [y, shortcut], [added], name=added))
        out = self.name("relu")
        self.nodes.append(helper.make_node("Relu", [added], [out], name=out))
        return out, c_out


def main(path):
    b = Builder(seed=50)
    x = b.conv_bn("input", 3, 64, 7, 2)
    pooled = b.name("maxpool")
    b.nodes.append(helper.make_node("MaxPool", [x], [pooled], name=pooled, kernel_shape=[3, 3],
                                    strides=[2, 2], pads=[1, 1, 1, 1]))
    x, channels = pooled, 64
    for blocks, width, stride in ((3, 64, 1), (4, 128, 2), (6, 256, 2), (3, 512, 2)):
        for i in range(blocks):
            x, channels = b.bottleneck(x, channels, width, stride if i == 0 else 1)
    gap = b.name("gap")
    b.nodes.append(helper.make_node("GlobalAveragePool", [x], [gap], name=gap))
    flat = b.name("flatten")
    b.nodes.append(helper.make_node("Flatten", [gap], [flat], name=flat, axis=1))
    fc_w = b.constant("fc_w", b.rng.normal(0, 0.01, (1000, channels)))
    fc_b = b.constant("fc_b", np.zeros(1000))
    b.nodes.append(helper.make_node("Gemm", [flat, fc_w, fc_b], ["logits"], name="fc",
                                    transB=1))
    graph = helper.make_graph(
        b.nodes, "resnet50",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 224, 224])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000])],
        b.weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="trtinfer-bench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
