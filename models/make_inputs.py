#!/usr/bin/python3
"""Renders deterministic, image-like inputs for the PP-OCR models.

    /usr/bin/python3 models/make_inputs.py OUTDIR

Draws lines of text (OpenCV's Hershey fonts, several sizes and colours) on a light, textured,
paper-like background and writes, normalized the way PP-OCR expects, raw little-endian float32
NCHW tensors:

    OUTDIR/det.bin  1x3x640x640  whole page; RGB/255, mean (0.485, 0.456, 0.406),
                                 std (0.229, 0.224, 0.225)
    OUTDIR/rec.bin  1x3x48x320   one text line; (x/255 - 0.5) / 0.5, right-padded with 0
    OUTDIR/cls.bin  1x3x48x192   one text line, as rec

plus OUTDIR/{det,rec,cls}.png (what the tensors show, for humans) and OUTDIR/inputs.json
(names, shapes, what the text lines read, where the page's lines are). Same output on every run: the only randomness is a
seeded generator.
Needs numpy and OpenCV (Debian: python3-numpy, python3-opencv).
"""

import json
import math
import os
import sys

import cv2
import numpy as np

SEED = 20240607
DET_SIZE = (640, 640)  # height, width
REC_SIZE = (48, 320)
CLS_SIZE = (48, 192)

DET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
DET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

PAGE_LINES = [
    ("TRTINFER TEST PAGE", cv2.FONT_HERSHEY_DUPLEX, 1.3, 2),
    ("Invoice No. 2024-0613  Total: 1,284.50 EUR", cv2.FONT_HERSHEY_SIMPLEX, 0.75, 2),
    ("The quick brown fox jumps over the lazy dog.", cv2.FONT_HERSHEY_COMPLEX, 0.7, 1),
    ("gst-launch-1.0 filesrc ! decodebin ! trtinfer", cv2.FONT_HERSHEY_PLAIN, 1.6, 2),
    ("Shipping to: 42 Harbour Road, Portsmouth", cv2.FONT_HERSHEY_TRIPLEX, 0.8, 1),
    ("Qty 3  x  Widget (blue)    19.99", cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2),
    ("Signed: J. Smith", cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.2, 2),
    ("small print: terms and conditions apply", cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1),
    ("PP-OCRv4 detection + recognition", cv2.FONT_HERSHEY_COMPLEX_SMALL, 1.4, 1),
    ("0123456789 ABCDEFGHIJKLM nopqrstuvwxyz", cv2.FONT_HERSHEY_DUPLEX, 0.9, 1),
]
REC_TEXT = ("Total: 1,284.50 EUR", cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2)
CLS_TEXT = ("Widget (blue)", cv2.FONT_HERSHEY_DUPLEX, 1.0, 2)


def paper(rng, height, width):
    """A light, slightly uneven background: tint, blotches, grain and faint ruled lines (BGR)."""
    tint = np.array([226, 238, 244], dtype=np.float32)  # warm off-white, BGR
    image = np.empty((height, width, 3), dtype=np.float32)
    image[:] = tint
    # Low-frequency blotches: coarse noise, blown up smoothly.
    coarse = rng.normal(0.0, 1.0, (max(height // 40, 2), max(width // 40, 2))).astype(np.float32)
    blotches = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    image += 6.0 * blotches[:, :, None]
    # A gentle illumination gradient from one corner.
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    image -= 14.0 * (xx / width + yy / height)[:, :, None] / 2
    # Fine grain.
    image += rng.normal(0.0, 4.0, image.shape).astype(np.float32)
    # Faint ruled lines, as on a notepad.
    for y in range(30, height, 32):
        image[y, :, :] -= np.array([10, 6, 2], dtype=np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def ink(rng):
    """A dark ink colour (BGR): near-black, dark blue or dark red."""
    palette = [(25, 25, 30), (110, 40, 20), (30, 30, 120), (60, 60, 60)]
    base = np.array(palette[rng.integers(len(palette))], dtype=np.int32)
    return tuple(int(c) for c in np.clip(base + rng.integers(-10, 11, 3), 0, 255))


def render_page(rng):
    """The page, and the box (x, y, width, height) of each line drawn."""
    height, width = DET_SIZE
    image = paper(rng, height, width)
    boxes = []
    y = 24
    for text, font, scale, thickness in PAGE_LINES:
        (text_w, text_h), baseline = cv2.getTextSize(text, font, scale, thickness)
        # Shrink lines that would not fit, keeping a margin.
        if text_w > width - 40:
            scale *= (width - 40) / text_w
            (text_w, text_h), baseline = cv2.getTextSize(text, font, scale, thickness)
        y += text_h + int(rng.integers(22, 36))
        x = int(rng.integers(16, max(17, width - text_w - 16)))
        cv2.putText(image, text, (x, y), font, scale, ink(rng), thickness, cv2.LINE_AA)
        boxes.append([x, y - text_h, text_w, text_h + baseline])
        if text.startswith("Invoice"):
            # A box around this line, as on a form.
            cv2.rectangle(image, (x - 8, y - text_h - 8), (x + text_w + 8, y + baseline + 6),
                          (90, 90, 90), 1, cv2.LINE_AA)
        y += baseline
    return image, boxes


def render_line(rng, spec):
    """One text line on paper, tightly cropped the way a detector's box would crop it."""
    text, font, scale, thickness = spec
    (text_w, text_h), baseline = cv2.getTextSize(text, font, scale, thickness)
    pad = 8
    height, width = text_h + baseline + 2 * pad, text_w + 2 * pad
    image = paper(rng, height, width)
    cv2.putText(image, text, (pad, pad + text_h), font, scale, ink(rng), thickness, cv2.LINE_AA)
    return image


def det_tensor(image_bgr):
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    chw = ((rgb - DET_MEAN) / DET_STD).transpose(2, 0, 1)
    return chw[None].astype(np.float32)


def line_tensor(image_bgr, size):
    """PP-OCR's rec/cls preprocessing: resize to the target height keeping the aspect ratio
    (width capped), scale to [-1, 1], pad on the right with zeros."""
    height, max_width = size
    ratio = image_bgr.shape[1] / image_bgr.shape[0]
    width = min(max_width, int(math.ceil(height * ratio)))
    resized = cv2.resize(image_bgr, (width, height), interpolation=cv2.INTER_LINEAR)
    chw = (resized.astype(np.float32) / 255.0 - 0.5) / 0.5
    tensor = np.zeros((1, 3, height, max_width), dtype=np.float32)
    tensor[0, :, :, :width] = chw.transpose(2, 0, 1)
    return tensor, resized


def write_tensor(path, tensor):
    tensor.astype("<f4").tofile(path)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(SEED)

    page, lines = render_page(rng)
    det = det_tensor(page)
    rec, rec_image = line_tensor(render_line(rng, REC_TEXT), REC_SIZE)
    cls, cls_image = line_tensor(render_line(rng, CLS_TEXT), CLS_SIZE)

    manifest = {}
    outputs = (("det", det, page, None), ("rec", rec, rec_image, REC_TEXT[0]),
               ("cls", cls, cls_image, CLS_TEXT[0]))
    for name, tensor, image, text in outputs:
        write_tensor(os.path.join(outdir, name + ".bin"), tensor)
        cv2.imwrite(os.path.join(outdir, name + ".png"), image)
        manifest[name] = {"input": "x", "dims": list(tensor.shape), "file": name + ".bin"}
        if text:
            manifest[name]["text"] = text  # what the line reads
        print("%s: %s -> %s.bin" % (name, "x".join(map(str, tensor.shape)), name))
    manifest["det"]["lines"] = lines  # x, y, width, height of each line on the page
    with open(os.path.join(outdir, "inputs.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
