#!/usr/bin/env python3
"""Compares trtinfer's Caffe import with OpenCV's on the same weights and input.

caffe_run imports DEPLOY with random weights (fixed seed), writes them as a caffemodel, runs the
network on the CPU backend and writes its input and outputs. OpenCV (cv2.dnn.readNetFromCaffe)
then loads DEPLOY with that caffemodel and runs the same input; each output must match within
--tolerance relative L2. A second run of caffe_run reads the caffemodel back and must reproduce
its first outputs exactly (writer and reader agree).

Exit status: 0 pass, 1 mismatch or failure, 77 skipped (no cv2, or no deploy file).
Run it with Debian's /usr/bin/python3, which has python3-opencv.
"""
import argparse
import os
import subprocess
import sys

SKIP = 77


def read_manifest(path):
    entries = []
    with open(path) as manifest:
        for line in manifest:
            kind, name, dims, file_name = line.split()
            shape = [int(d) for d in dims.split("x")] if dims != "scalar" else []
            entries.append((kind, name, shape, file_name))
    return entries


def load(numpy, entry):
    return numpy.fromfile(entry[3], dtype=numpy.float32).reshape(entry[2])


def run_ours(runner, deploy, work_dir, outputs, extra):
    command = [runner, deploy, "--seed", "7", "--out-dir", work_dir] + extra
    if outputs:
        command += ["--outputs", outputs]
    result = subprocess.run(command, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit("caffe_run failed (%d)" % result.returncode)
    return read_manifest(os.path.join(work_dir, "manifest.txt"))


def relative_l2(numpy, ours, reference):
    difference = numpy.linalg.norm((ours.astype(numpy.float64) - reference).ravel())
    scale = numpy.linalg.norm(reference.astype(numpy.float64).ravel())
    return difference / max(scale, 1e-30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True, help="the caffe_run program")
    parser.add_argument("--deploy", required=True)
    parser.add_argument("--outputs", default="", help="comma-separated blobs (default: outputs)")
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    try:
        import cv2
        import numpy
    except ImportError as error:
        print("SKIP: OpenCV's Python module is not available (%s); install python3-opencv and "
              "run with /usr/bin/python3" % error)
        return SKIP
    if not os.path.exists(args.deploy):
        print("SKIP: %s is not there (the shared models folder is absent)" % args.deploy)
        return SKIP

    os.makedirs(args.work_dir, exist_ok=True)
    caffemodel = os.path.join(args.work_dir, "random.caffemodel")
    entries = run_ours(args.runner, args.deploy, args.work_dir, args.outputs,
                       ["--save-weights", caffemodel])
    inputs = [e for e in entries if e[0] == "input"]
    outputs = [e for e in entries if e[0] == "output"]
    ours = {e[1]: load(numpy, e) for e in outputs}
    input_data = {e[1]: load(numpy, e) for e in inputs}

    net = cv2.dnn.readNetFromCaffe(args.deploy, caffemodel)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    if hasattr(net, "enableWinograd"):
        net.enableWinograd(False)
    for name, data in input_data.items():
        net.setInput(data, name)
    names = [e[1] for e in outputs]
    theirs = net.forward(names)

    failed = False
    for name, reference in zip(names, theirs):
        mine = ours[name]
        if mine.size != reference.size:
            print("FAIL %s: ours %s, OpenCV %s" % (name, mine.shape, reference.shape))
            failed = True
            continue
        reference = reference.reshape(mine.shape)
        error = relative_l2(numpy, mine, reference)
        verdict = "ok" if error <= args.tolerance and numpy.isfinite(mine).all() else "FAIL"
        failed |= verdict == "FAIL"
        print("%s %s %s: relative L2 %.3g (tolerance %g), max |y| %.4g" %
              (verdict, name, "x".join(map(str, mine.shape)), error, args.tolerance,
               float(numpy.abs(reference).max())))

    # Reading our caffemodel back must give exactly the same network.
    reread_dir = os.path.join(args.work_dir, "reread")
    os.makedirs(reread_dir, exist_ok=True)
    input_file = inputs[0][3] if len(inputs) == 1 else None
    extra = ["--weights", caffemodel] + (["--input", input_file] if input_file else [])
    again = run_ours(args.runner, args.deploy, reread_dir, args.outputs, extra)
    for entry in again:
        if entry[0] == "output" and not numpy.array_equal(load(numpy, entry), ours[entry[1]]):
            print("FAIL %s differs after reading the written caffemodel back" % entry[1])
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
