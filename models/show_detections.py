#!/usr/bin/python3
"""Turns PP-OCR's text-detection probability map into boxes a person can read.

    /usr/bin/python3 models/show_detections.py IMAGE.png PROB.bin OUT.png

PROB.bin is the detector's output (raw float32, 1x1xHxW, H and W those of IMAGE). Pixels above
0.3 are text (PP-OCR's DB threshold); each connected region becomes a box. Prints the boxes and
writes IMAGE with them drawn to OUT.png.
"""

import sys

import cv2
import numpy as np

TEXT_THRESHOLD = 0.3
MIN_AREA = 20  # pixels: smaller regions are noise


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    image = cv2.imread(sys.argv[1])
    height, width = image.shape[:2]
    prob = np.fromfile(sys.argv[2], dtype=np.float32)
    if prob.size != height * width:
        sys.exit(f"{sys.argv[2]}: {prob.size} values, expected {height}x{width}")
    mask = (prob.reshape(height, width) > TEXT_THRESHOLD).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = [tuple(stats[i][:4]) for i in range(1, count) if stats[i][4] >= MIN_AREA]
    boxes.sort(key=lambda box: (box[1], box[0]))
    print(f"text pixels: {100.0 * mask.mean():.1f}% of the image; {len(boxes)} text regions:")
    for x, y, w, h in boxes:
        print(f"  x={x:4d} y={y:4d} w={w:4d} h={h:3d}")
        cv2.rectangle(image, (int(x), int(y)), (int(x + w), int(y + h)), (0, 0, 255), 2)
    cv2.imwrite(sys.argv[3], image)
    print(f"boxes drawn on {sys.argv[3]}")


if __name__ == "__main__":
    main()
