#!/usr/bin/python3
"""The three PP-OCR models through the Python module (trtinfer.lite.Engine, CPU backend)
against ONNX Runtime, with the models suite's data and tolerance (tests/models/test_ppocr.c:
relative L2 below 1e-4 per output).

    test_python_ppocr.py MODELS_DIR DATA_DIR

Meson runs it through tests/models/run_ppocr_test.sh, which fetches the models, renders the
inputs and makes the references (tests/models/make_references.sh) or skips (77).
"""
import os
import sys

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy is not installed (Debian: python3-numpy)")
    sys.exit(77)

from trtinfer.lite import Engine

MAX_RELATIVE_L2 = 1e-4
# Model, input name and dims; keep in step with make_references.sh and test_ppocr.c.
MODELS = [("det", "x", (1, 3, 640, 640)), ("rec", "x", (1, 3, 48, 320)),
          ("cls", "x", (1, 3, 48, 192))]


def relative_l2(ours, reference):
    if np.isnan(ours).any() or np.isnan(reference).any():
        return float("inf")
    diff = np.linalg.norm((ours.astype(np.float64) - reference).ravel())
    norm = np.linalg.norm(reference.astype(np.float64).ravel())
    return diff / norm if norm > 0 else diff


def main(models_dir, data_dir):
    failures = 0
    for name, input_name, dims in MODELS:
        model = os.path.join(models_dir, f"{name}.onnx")
        if not os.path.exists(model):
            print(f"SKIP: {model} not found; run models/fetch_models.sh")
            return 77
        image = np.fromfile(os.path.join(data_dir, f"{name}.bin"), dtype=np.float32)
        engine = Engine(model, shapes={input_name: dims}, backend="cpu")
        outputs = engine.infer({input_name: image.reshape(dims)})
        compared = 0
        with open(os.path.join(data_dir, name, "outputs.txt")) as listing:
            for line in listing:
                output, dims_text, file = line.split()
                shape = tuple(int(d) for d in dims_text.split("x"))
                reference = np.fromfile(os.path.join(data_dir, name, file),
                                        dtype=np.float32).reshape(shape)
                ours = outputs.get(output)
                if ours is None or ours.shape != shape:
                    print(f"{name}: output {output}: ours "
                          f"{None if ours is None else ours.shape}, ONNX Runtime {shape}",
                          file=sys.stderr)
                    failures += 1
                    continue
                error = relative_l2(ours, reference)
                print(f"{name}: output {output} {dims_text}: relative L2 {error:.3g}, "
                      f"max abs diff {np.abs(ours - reference).max():.3g}")
                if not error < MAX_RELATIVE_L2:
                    print(f"{name}: relative L2 {error:.3g} above {MAX_RELATIVE_L2}",
                          file=sys.stderr)
                    failures += 1
                compared += 1
        if compared != len(engine.output_names):
            print(f"{name}: compared {compared} of {len(engine.output_names)} outputs",
                  file=sys.stderr)
            failures += 1
        engine.close()
    print("test_python_ppocr: " + ("all checks passed" if not failures
                                   else f"{failures} check(s) failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
