"""The Python module's behaviour on the tiny classifier (tests/element/data/classifier.onnx:
image [N,3,8,8] -> features [N,4,8,8], probs [N,4]) and LeNet's prototxt, CPU backend.

    test_python_api.py CLASSIFIER_ONNX LENET_PROTOTXT WORKDIR

Meson sets PYTHONPATH to python/ and TRTINFER_LIBRARY to the built libtrtlite.so. Exits 77
(skipped) without numpy.
"""
import os
import sys

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed (Debian: python3-numpy)")
    sys.exit(77)

import trtinfer
from trtinfer.lite import Engine, TrtError

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def raises(kind, function, contains):
    try:
        function()
    except kind as error:
        check(contains in str(error), f"{kind.__name__} says {contains!r}: got {error}")
        return
    check(False, f"{kind.__name__} ({contains!r}) expected")


def main(classifier, lenet, workdir):
    os.makedirs(workdir, exist_ok=True)
    rng = np.random.default_rng(1)
    images = rng.uniform(-1, 1, (3, 3, 8, 8)).astype(np.float32)

    messages = []
    layers = []
    engine = trtinfer.lite.Engine(classifier, max_batch=4, backend="cpu",
                                  logger=lambda severity, message: messages.append(
                                      (severity, message)),
                                  log_severity="info",
                                  profiler=lambda name, ms: layers.append((name, ms)))
    check(engine.input_names == ["image"], f"input names {engine.input_names}")
    check(sorted(engine.output_names) == ["features", "probs"],
          f"output names {engine.output_names}")
    check(engine.max_batch == 4 and engine.backend == "cpu", repr(engine))
    check(engine.input_shape("image", 2) == (2, 3, 8, 8), "input shape")
    check(engine.output_shape("probs", 3) == (3, 4), "output shape")
    check(engine.input_dtype("image") == np.float32, "input dtype")
    check(any(severity == "info" and "built cpu engine" in message
              for severity, message in messages), f"logger heard the build: {messages}")

    # Dict in, dict out; list in, list out; the same values.
    by_name = engine.infer({"image": images})
    check(set(by_name) == {"features", "probs"}, "dict of outputs")
    probs = by_name["probs"]
    check(probs.shape == (3, 4) and probs.dtype == np.float32, f"probs {probs.shape}")
    check(np.allclose(probs.sum(axis=1), 1, atol=1e-5), "softmax rows sum to 1")
    by_position = engine.infer(images)
    check(np.array_equal(by_position[engine.output_names.index("probs")], probs), "list order")
    # Items are independent of the batch; float64 input is converted.
    single = engine.infer({"image": images[1:2].astype(np.float64)})["probs"]
    check(np.allclose(single[0], probs[1], atol=1e-6), "batch 1 equals row of batch 3")
    # The features by hand: mean over the pooled features feeds the softmax.
    features = by_name["features"]
    logits = features.mean(axis=(2, 3))
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    check(np.allclose(expected, probs, atol=1e-5), "probs = softmax(mean(features))")
    check(len(layers) > 0 and all(ms >= 0 for _, ms in layers), f"profiler: {layers}")

    # Errors: clear, and nothing breaks afterwards.
    raises(ValueError, lambda: engine.infer(np.zeros((5, 3, 8, 8), np.float32)), "batch 5")
    raises(ValueError, lambda: engine.infer({"picture": images}), "unknown: ['picture']")
    raises(ValueError, lambda: engine.infer(np.zeros((1, 3, 9, 8), np.float32)), "(1, 3, 8, 8)")
    raises(ValueError, lambda: engine.infer(), "0 arrays for 1 inputs")
    check(np.array_equal(engine.infer({"image": images})["probs"], probs), "runs after errors")
    engine.close()
    raises(ValueError, lambda: engine.infer(images), "closed")

    raises(TrtError, lambda: Engine(os.path.join(workdir, "missing.onnx"), backend="cpu"),
           "missing.onnx")
    raises(TrtError, lambda: Engine(classifier, inputs=["picture"], backend="cpu"),
           "no input named 'picture'")
    raises(TrtError, lambda: Engine(classifier, precision="int8", backend="cpu"), "INT8")
    raises(TrtError, lambda: Engine(classifier, plugins=[os.path.join(workdir, "libmine.so")],
                                    backend="cpu"), "libmine.so")
    raises(ValueError, lambda: Engine(classifier, precision="fp64"), "precision 'fp64'")
    errors = []
    try:
        Engine(classifier, outputs=["nope"], backend="cpu",
               logger=lambda severity, message: errors.append((severity, message)))
    except TrtError as error:
        check(error.status == "invalid argument", f"status {error.status}")
    check(errors and errors[-1][0] == "error" and "'nope'" in errors[-1][1],
          f"logger heard the failure: {errors}")

    # Chosen outputs and the engine cache: built, then loaded, same results.
    cache = os.path.join(workdir, "classifier_py.plan")
    if os.path.exists(cache):
        os.remove(cache)
    with Engine(classifier, outputs=["probs"], max_batch=3, backend="cpu",
                engine_cache=cache) as built:
        check(not built.loaded_from_plan and os.path.exists(cache), "cache written")
        first = built.infer(images)
        check(len(first) == 1, "one output asked for")
    with Engine(classifier, outputs=["probs"], max_batch=3, backend="cpu",
                engine_cache=cache) as loaded:
        check(loaded.loaded_from_plan, "cache loaded")
        check(np.array_equal(loaded.infer(images)[0], first[0]), "cached engine, same probs")
    with Engine(cache) as plan:
        check(plan.loaded_from_plan and plan.output_names == ["probs"], "plan as the model")
    os.remove(cache)

    # Caffe: LeNet with random weights, a dynamic batch.
    if os.path.exists(lenet):
        with Engine(lenet, max_batch=2, backend="cpu", seed=3) as net:
            digits = rng.uniform(0, 1, (2, 1, 28, 28)).astype(np.float32)
            out = net.infer({net.input_names[0]: digits})
            prob = out[net.output_names[0]]
            check(prob.shape == (2, 10), f"lenet output {prob.shape}")
            check(np.allclose(prob.sum(axis=1), 1, atol=1e-5), "lenet softmax")
    else:
        print(f"lenet: {lenet} not here, skipped")

    if failures:
        print(f"test_python_api: {len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("test_python_api: all checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
