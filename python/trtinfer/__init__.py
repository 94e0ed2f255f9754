"""trtinfer: the trtinfer engine from Python.

``trtinfer.lite.Engine`` wraps the engine's Lite API (``trt/lite.h``): give it a
model (an ONNX file, a Caffe deploy prototxt with or without its caffemodel, or
a plan) and run it on numpy arrays::

    import numpy as np
    import trtinfer

    engine = trtinfer.lite.Engine("classifier.onnx", max_batch=4, backend="cpu")
    probs = engine.infer({"image": np.zeros((2, 3, 8, 8), np.float32)})["probs"]

The module is pure Python over the shared library ``libtrtlite.so`` through
ctypes (see ``trtinfer.lite`` for why and for how the library is found).
"""
from . import lite
from .lite import Engine, TrtError

__all__ = ["Engine", "TrtError", "lite"]
