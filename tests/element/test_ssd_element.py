#!/usr/bin/python3
"""trtdetect layout=ssd against OpenCV's DetectionOutput, through the element.

    test_ssd_element.py CAFFE_RUN TRTINFER_APP DEPLOY WORK_DIR

caffe_run writes random weights (fixed seed) for DEPLOY (tests/caffe/ssd_tiny.prototxt, a
MobileNet-SSD-style network with PriorBox and DetectionOutput); a 96x96 picture (the network's
input size, so no resizing on either side) goes through trtinfer (CPU backend, RGB, x/255) ->
trtdetect layout=ssd, and through OpenCV's Caffe importer with the same weights and the same
blob. Every detection OpenCV keeps above the threshold must be a region of trtdetect with the
same label and confidence (within 1e-4) and corners (fractions of the frame, within 1e-4), and
no other region may appear. Exit 77 (skipped) without OpenCV.
"""
import os
import re
import subprocess
import sys

THRESHOLD = 0.4


def regions_of(output):
    """(label, confidence, x_min, y_min, x_max, y_max) of each region trtinfer-app printed."""
    found = []
    for line in output.splitlines():
        if not line.startswith("  region ") or "detection," not in line:
            continue
        fields = dict(re.findall(r"([a-z_-]+)=\(\w+\)([^,;]+)", line))
        found.append((int(fields["label-id"]), float(fields["confidence"]),
                      float(fields["x_min"]), float(fields["y_min"]),
                      float(fields["x_max"]), float(fields["y_max"])))
    return found


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip().splitlines()[2])
        return 2
    caffe_run, app, deploy, work = sys.argv[1:]
    try:
        import cv2
        import numpy as np
    except ImportError as error:
        print("SKIP: no OpenCV for Python (%s)" % error)
        return 77
    os.makedirs(work, exist_ok=True)
    weights = os.path.join(work, "random.caffemodel")
    subprocess.run([caffe_run, deploy, "--seed", "7", "--out-dir", work, "--save-weights",
                    weights, "--outputs", "detection_out"], check=True, capture_output=True)
    # a smooth picture with some structure, so that detections vary
    y, x = np.mgrid[0:96, 0:96].astype(np.float32)
    rgb = np.stack([128 + 100 * np.sin(x / 9), 128 + 100 * np.cos(y / 7),
                    128 + 60 * np.sin((x + y) / 13)], axis=-1).clip(0, 255).astype(np.uint8)
    picture = os.path.join(work, "picture.png")
    cv2.imwrite(picture, rgb[:, :, ::-1])

    net = cv2.dnn.readNetFromCaffe(deploy, weights)
    net.setInput(cv2.dnn.blobFromImage(rgb, scalefactor=1 / 255.0, size=(96, 96), swapRB=False))
    rows = net.forward("detection_out").reshape(-1, 7)
    rows = rows[rows[:, 2] >= THRESHOLD]
    theirs = sorted((int(r[1]), float(r[2]), *(float(min(max(v, 0.0), 1.0)) for v in r[3:7]))
                    for r in rows)

    result = subprocess.run(
        [app, deploy, "filesrc location=%s ! pngdec ! imagefreeze num-buffers=1" % picture, "1",
         "weights-file=%s backend=cpu width=96 height=96 channel-order=rgb unique-id=1 ! "
         "trtdetect infer-id=1 layout=ssd threshold=%g max-detections=1000" % (weights, THRESHOLD)],
        capture_output=True, text=True)
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        return 1
    ours = sorted(regions_of(result.stdout))
    print("OpenCV: %d detections at or above %g; trtdetect: %d regions" %
          (len(theirs), THRESHOLD, len(ours)))
    if len(theirs) < 3:
        print("too few detections to mean anything")
        return 1
    if len(ours) != len(theirs):
        print("different counts:\n ours   %s\n theirs %s" % (ours, theirs))
        return 1
    worst = 0.0
    for a, b in zip(ours, theirs):
        if a[0] != b[0]:
            print("labels differ: %s vs %s" % (a, b))
            return 1
        worst = max(worst, max(abs(p - q) for p, q in zip(a[1:], b[1:])))
    print("largest difference in confidence or corner: %.3g (bound 1e-4)" % worst)
    return 0 if worst <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
