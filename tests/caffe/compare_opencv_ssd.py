#!/usr/bin/env python3
"""Compares trtinfer's SSD layers (PriorBox, DetectionOutput, Normalize) with OpenCV's Caffe importer.

caffe_run imports DEPLOY with random weights (fixed seed), writes them as a caffemodel and runs
the network on the CPU backend; OpenCV (cv2.dnn.readNetFromCaffe) runs the same caffemodel on the
same input. Checked at batch 1, and at batch 2 with keep_top_k 200 (a copy of DEPLOY whose input
has two items, and whose items keep all their detections, where DEPLOY's keep_top_k cuts them):
  - the concatenated priors: every value within 1e-6;
  - the location and confidence predictions: relative L2 within 1e-4;
  - the detections: the same rows (image, label, confidence, box) within 1e-5, compared as sets
    (OpenCV lists them by descending score and pads with zero rows; we list them as Caffe does,
    by image, then label, then NMS order, and pad with rows of -1, which is checked too);
  - that the test means something: enough detections, and some of them confident.

Exit status: 0 pass, 1 mismatch or failure, 77 skipped (no cv2).
Run it with Debian's /usr/bin/python3, which has python3-opencv.
"""
import argparse
import os
import re
import subprocess
import sys

SKIP = 77
OUTPUTS = ["detection_out", "mbox_priorbox", "mbox_loc", "mbox_conf_flatten"]


def read_manifest(numpy, path):
    blobs = {}
    with open(path) as manifest:
        for line in manifest:
            kind, name, dims, file_name = line.split()
            shape = [int(d) for d in dims.split("x")]
            blobs[name] = numpy.fromfile(file_name, dtype=numpy.float32).reshape(shape)
    return blobs


def run_ours(runner, deploy, work_dir):
    os.makedirs(work_dir, exist_ok=True)
    caffemodel = os.path.join(work_dir, "random.caffemodel")
    command = [runner, deploy, "--seed", "7", "--out-dir", work_dir, "--save-weights", caffemodel,
               "--outputs", ",".join(OUTPUTS)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("caffe_run failed (%d)" % result.returncode)
    return caffemodel


def our_detections(numpy, rows, name):
    """The detection rows before each item's padding; checks the padding and Caffe's order."""
    problems = []
    batch, _, keep, width = rows.shape
    kept = []
    for n in range(batch):
        item = rows[n, 0]
        count = next((i for i in range(keep) if item[i, 0] < 0), keep)
        if not numpy.all(item[count:] == -1):
            problems.append("%s item %d: rows after the first padding row are not all -1" % (name, n))
        found = item[:count]
        if not numpy.all(found[:, 0] == n):
            problems.append("%s item %d: image ids %s" % (name, n, sorted(set(found[:, 0]))))
        # Caffe's order: by label, then descending confidence (NMS order) within a label.
        for a, b in zip(found[:-1], found[1:]):
            if a[1] > b[1] or (a[1] == b[1] and a[2] < b[2]):
                problems.append("%s item %d: rows not in Caffe's order (label, then score)" %
                                (name, n))
                break
        kept.append(found)
    return numpy.concatenate(kept), problems


def compare(numpy, cv2, deploy, runner, work_dir, batch):
    caffemodel = run_ours(runner, deploy, work_dir)
    ours = read_manifest(numpy, os.path.join(work_dir, "manifest.txt"))
    net = cv2.dnn.readNetFromCaffe(deploy, caffemodel)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    net.setInput(ours["data"])
    theirs = dict(zip(OUTPUTS, net.forward(OUTPUTS)))
    failures = []
    label = "batch %d" % batch

    priors = ours["mbox_priorbox"]
    reference = theirs["mbox_priorbox"].reshape(priors.shape)
    error = float(numpy.abs(priors - reference).max())
    print("%s mbox_priorbox %s: max |ours - OpenCV| %.3g (bound 1e-6)" %
          (label, "x".join(map(str, priors.shape)), error))
    if not error <= 1e-6:
        failures.append("priors differ by %g" % error)

    for name in ("mbox_loc", "mbox_conf_flatten"):
        mine = ours[name].astype(numpy.float64)
        other = theirs[name].reshape(mine.shape).astype(numpy.float64)
        relative = numpy.linalg.norm(mine - other) / max(numpy.linalg.norm(other), 1e-30)
        print("%s %s: relative L2 %.3g (bound 1e-4)" % (label, name, relative))
        if not relative <= 1e-4:
            failures.append("%s differs (relative L2 %g)" % (name, relative))

    rows, problems = our_detections(numpy, ours["detection_out"], label)
    failures += problems
    cv_rows = theirs["detection_out"].reshape(-1, 7)
    cv_rows = cv_rows[cv_rows[:, 2] > 0]  # OpenCV pads with rows of zeros

    def by_image_label_score(table):
        order = numpy.lexsort((-table[:, 2], table[:, 1], table[:, 0]))
        return table[order]

    rows, cv_rows = by_image_label_score(rows), by_image_label_score(cv_rows)
    per_image = [int((rows[:, 0] == n).sum()) for n in range(batch)]
    print("%s detections: ours %d %s, OpenCV %d; confidence %.3f..%.3f" %
          (label, len(rows), per_image, len(cv_rows), float(rows[:, 2].min()) if len(rows) else 0,
           float(rows[:, 2].max()) if len(rows) else 0))
    if rows.shape != cv_rows.shape:
        failures.append("%d detections, OpenCV %d" % (len(rows), len(cv_rows)))
    else:
        error = float(numpy.abs(rows - cv_rows).max()) if len(rows) else 0.0
        print("%s detection rows: max |ours - OpenCV| %.3g (bound 1e-5)" % (label, error))
        if not error <= 1e-5:
            failures.append("detection rows differ by %g" % error)
    if min(per_image) < 10 or not len(rows) or rows[:, 2].max() < 0.8:
        failures.append("too few or too weak detections to mean anything: %s" % per_image)
    for failure in failures:
        print("FAIL %s: %s" % (label, failure))
    return not failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True, help="the caffe_run program")
    parser.add_argument("--deploy", required=True)
    parser.add_argument("--work-dir", required=True)
    args = parser.parse_args()
    try:
        import cv2
        import numpy
    except ImportError as error:
        print("SKIP: OpenCV's Python module is not available (%s); install python3-opencv and "
              "run with /usr/bin/python3" % error)
        return SKIP

    ok = compare(numpy, cv2, args.deploy, args.runner, os.path.join(args.work_dir, "batch1"), 1)
    # The same network with a batch of two items (the first input dim), keeping more.
    with open(args.deploy) as source:
        text = source.read()
    batched, replaced = re.subn(r"(input_param \{ shape \{ dim: )1 ", r"\g<1>2 ", text, count=1)
    batched, kept = re.subn(r"keep_top_k: \d+", "keep_top_k: 200", batched)
    if replaced != 1 or kept != 1:
        print("FAIL: no input shape or keep_top_k to change in %s" % args.deploy)
        return 1
    os.makedirs(args.work_dir, exist_ok=True)
    batched_deploy = os.path.join(args.work_dir, "batch2.prototxt")
    with open(batched_deploy, "w") as target:
        target.write(batched)
    ok = compare(numpy, cv2, batched_deploy, args.runner, os.path.join(args.work_dir, "batch2"),
                 2) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
