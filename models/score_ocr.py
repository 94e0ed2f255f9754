#!/usr/bin/python3
"""Scores the OCR pipeline's text against the pages' truth (make_pages.py).

    /usr/bin/python3 models/score_ocr.py PAGES.json APP-OUTPUT [--min-exact=0.95]

APP-OUTPUT is what trtinfer-app printed: for each frame, its regions ("region text at X,Y WxH")
each followed by the text read in it ("text: ..."). A page's line is read as the texts of the
regions whose centre lies in the line's box (a little grown), left to right; spaces are compared
as single spaces (how wide a gap is, the recognizer cannot know). Prints each line read beside
its truth, then how many were read exactly and how many within one character edit; exits 1 when
fewer than --min-exact of the lines were read exactly or any other is more than one edit away.
"""

import argparse
import json
import re
import sys


def frames_of(output):
    """[[(x, y, w, h, text), ...] per frame] from trtinfer-app's output."""
    frames, region = [], None
    for line in output.splitlines():
        if line.startswith("frame "):
            frames.append([])
            region = None
            continue
        match = re.match(r"  region text at (\d+),(\d+) (\d+)x(\d+)", line)
        if match and frames:
            region = tuple(int(v) for v in match.groups())
            continue
        if line.startswith("  text: ") and region and frames:
            frames[-1].append(region + (line[len("  text: "):],))
            region = None
    return frames


def edits(a, b):
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1,
                                           previous + (ca != cb))
    return row[-1]


def normalized(text):
    return " ".join(text.split())


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages")
    parser.add_argument("output")
    parser.add_argument("--min-exact", type=float, default=0.95)
    args = parser.parse_args()
    pages = json.load(open(args.pages))["pages"]
    frames = frames_of(open(args.output).read())
    if len(frames) < len(pages):
        print("%d frames printed for %d pages" % (len(frames), len(pages)))
        return 1
    exact = near = total = 0
    for page, (truth, regions) in enumerate(zip(pages, frames)):
        for line in truth["lines"]:
            x, y, w, h = line["box"]
            grow = h / 2
            inside = sorted((r for r in regions
                             if x - grow <= r[0] + r[2] / 2 <= x + w + grow
                             and y - grow <= r[1] + r[3] / 2 <= y + h + grow),
                            key=lambda r: r[0])
            read = normalized(" ".join(r[4] for r in inside))
            want = normalized(line["text"])
            distance = edits(read, want)
            total += 1
            exact += distance == 0
            near += distance == 1
            mark = "ok " if distance == 0 else "%d  " % distance
            turned = " (upside down)" if line["upside_down"] else ""
            print("page %d %s %-40s read %r%s" % (page, mark, repr(want), read, turned))
    share = exact / total if total else 0.0
    print("%d of %d lines read exactly (%.1f%%), %d within one edit, %d further"
          % (exact, total, 100 * share, near, total - exact - near))
    return 0 if share >= args.min_exact and exact + near == total else 1


if __name__ == "__main__":
    sys.exit(main())
