#!/usr/bin/python3
"""Renders the OCR demo's pages: a short "video" of text pages with known lines.

    /usr/bin/python3 models/make_pages.py OUTDIR

Writes OUTDIR/page-0.png ... page-3.png (640x640, BGR on a paper-like background, as
make_inputs.py draws it) and OUTDIR/pages.json: for each page, its lines with their text, box
(x, y, width, height in pixels) and whether the line is printed upside down (a few are, so that
the text direction classifier has something to turn). Fonts are DejaVu's TrueType faces
(Debian's fonts-dejavu-core) drawn with Pillow (python3-pil). Same output on every run: the only
randomness is a seeded generator.
"""

import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_inputs import ink, paper  # noqa: E402

SEED = 20261203
SIZE = 640
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf",
         "DejaVuSerif-Bold.ttf", "DejaVuSansCondensed.ttf"]

# (text, upside down); each page is drawn top to bottom.
PAGES = [
    [("ACME Logistics Ltd", False),
     ("Delivery note 7731-B", False),
     ("Ship to: 18 Mill Lane, Leeds", False),
     ("Parcel weight 12.4 kg", True),
     ("Received in good condition", False),
     ("Driver: Ana Costa", False),
     ("Date 2026-11-30 at 14:05", True),
     ("Thank you for your order", False)],
    [("Quarterly report", False),
     ("Revenue grew 8.5% to 4.2 million", False),
     ("Costs fell for the third quarter", False),
     ("Next review in March", True),
     ("Contact: finance@example.com", False),
     ("Page 2 of 4", False),
     ("Confidential draft", False),
     ("Printed on recycled paper", True)],
    [("Platform 4: train to Bristol", False),
     ("Departs 09:42, arrives 11:17", False),
     ("Coaches A to H", False),
     ("Mind the gap", True),
     ("Tickets must be shown", False),
     ("No smoking on the train", False),
     ("Wi-Fi in every coach", False),
     ("Stopping at Bath Spa", True)],
    [("Recipe: tomato soup", False),
     ("Serves 4 people", False),
     ("Chop 6 ripe tomatoes", False),
     ("Add 2 cloves of garlic", False),
     ("Simmer for 20 minutes", True),
     ("Season with salt and pepper", False),
     ("Blend until smooth", False),
     ("Serve with fresh bread", True)],
]


def render_page(rng, lines):
    image = Image.fromarray(paper(rng, SIZE, SIZE)[:, :, ::-1])  # Pillow draws RGB
    y = 28
    boxes = []
    for text, upside_down in lines:
        face = FONTS[int(rng.integers(len(FONTS)))]
        size = int(rng.integers(24, 34))
        font = ImageFont.truetype(os.path.join(FONT_DIR, face), size)
        left, top, right, bottom = font.getbbox(text)
        while right - left > SIZE - 60:  # shrink lines that would not fit
            size -= 1
            font = ImageFont.truetype(os.path.join(FONT_DIR, face), size)
            left, top, right, bottom = font.getbbox(text)
        width, height = right - left, bottom - top
        x = int(rng.integers(20, max(21, SIZE - width - 20)))
        # the line drawn on its own, turned when upside down, then pasted
        line = Image.new("RGBA", (width + 8, height + 8), (0, 0, 0, 0))
        colour = tuple(reversed(ink(rng)))  # ink() is BGR
        ImageDraw.Draw(line).text((4 - left, 4 - top), text, font=font, fill=colour + (255,))
        if upside_down:
            line = line.rotate(180)
        image.paste(line, (x - 4, y - 4), line)
        boxes.append({"text": text, "box": [x, y, width, height], "upside_down": upside_down})
        y += height + int(rng.integers(32, 44))
    return np.asarray(image)[:, :, ::-1], boxes


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    import cv2

    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(SEED)
    manifest = {"pages": []}
    for index, lines in enumerate(PAGES):
        page, boxes = render_page(rng, lines)
        path = os.path.join(outdir, "page-%d.png" % index)
        cv2.imwrite(path, page)
        manifest["pages"].append({"file": os.path.basename(path), "lines": boxes})
        print(path)
    with open(os.path.join(outdir, "pages.json"), "w") as out:
        json.dump(manifest, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
