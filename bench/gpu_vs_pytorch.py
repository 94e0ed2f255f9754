#!/usr/bin/env python3
"""giexec (our CUDA engine) against PyTorch on the same GPU, in one call.

    gpu_vs_pytorch.py --giexec build-gpu/bundle/bin/giexec --models DIR --out bench.md
                      [--precisions fp32,fp16] [--batches 1,32,128] [--only resnet50,...]

For each model (DIR/<name>.onnx from tests/gpu/export_torchvision.py, the
same signal-keeping random weights PyTorch runs here), precision and batch:
PyTorch eager and CUDA-graph replay (channels-last, cudnn.benchmark on,
median of CUDA-event timings after warm-up; FP16 runs the model in half,
FP32 allows TF32; not for --ppocr-det, which PyTorch has no model of) and giexec's GPU compute time (the Timing: line: median
over iterations of the mean of avgRuns, CUDA events, CUDA-graph replay,
--allowTF32 in FP32, --fp16 in FP16), with giexec's engine build time.
Then a ResNet-50 FP16 rebuild with a warm --timingCacheFile, and
per-layer profiles (--profiles, default ResNet-50 at the largest batch). Writes a markdown
table naming the card; bench/NOTES.md keeps it.
"""
import argparse
import copy
import functools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "gpu"))
from export_torchvision import MODELS, constructor, give_signal  # noqa: E402

TIMING = re.compile(r"^Timing: .* median=([0-9.]+) ")
BUILD = re.compile(r"^Engine (?:built|loaded) in ([0-9.]+) ms")


def time_cuda(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    samples = []
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(runs):
        start.record()
        fn()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end))
    return statistics.median(samples)


@functools.lru_cache(maxsize=None)
def model_on_cpu(name):
    """The exported model's weights (export_torchvision.py), made once."""
    torch.manual_seed(0)
    return give_signal(constructor(name)()).eval()


def pytorch_times(name, batch, precision, warmup, runs):
    dtype = torch.float16 if precision == "fp16" else torch.float32
    model = copy.deepcopy(model_on_cpu(name)).cuda().to(dtype=dtype,
                                                        memory_format=torch.channels_last)
    x = (torch.rand(batch, 3, 224, 224, device="cuda") * 2 - 1).to(
        dtype=dtype, memory_format=torch.channels_last)
    with torch.inference_mode():
        eager = time_cuda(lambda: model(x), warmup, runs)
        stream = torch.cuda.Stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            for _ in range(3):
                model(x)
        torch.cuda.current_stream().wait_stream(stream)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            model(x)
        replay = time_cuda(graph.replay, warmup, runs)
    del model, x, graph
    torch.cuda.empty_cache()
    return eager, replay


def run_giexec(giexec, arguments, log, timeout):
    command = [giexec, "--backend=cuda"] + arguments
    log.write("$ " + " ".join(command) + "\n")
    log.flush()
    started = time.time()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log.write("timed out after %d s\n\n" % timeout)
        return None
    log.write(result.stdout[-8000:] + result.stderr[-3000:])
    log.write("(exit %d, %.1f s)\n\n" % (result.returncode, time.time() - started))
    log.flush()
    return result.stdout if result.returncode == 0 else None


def first_match(pattern, text):
    for line in (text or "").splitlines():
        match = pattern.match(line)
        if match:
            return float(match.group(1))
    return None


def precision_flags(precision):
    return ["--fp16"] if precision == "fp16" else ["--allowTF32"]


def cell(value, digits=3, missing="failed"):
    return ("%%.%df" % digits) % value if value is not None else missing


def ratio(theirs, ours):
    return "%.2fx" % (theirs / ours) if ours and theirs else "-"


def timing_cache_rebuild(giexec, models, batch, log, timeout):
    """ResNet-50 FP16 built twice on one timing cache: cold, then warm."""
    path = os.path.join(models, "resnet50.onnx")
    with tempfile.TemporaryDirectory() as scratch:
        cache = os.path.join(scratch, "r50.cache")
        arguments = ["--onnx=" + path, "--batch=%d" % batch, "--fp16", "--iterations=1",
                     "--avgRuns=1", "--warmUp=0", "--workspace=1024",
                     "--timingCacheFile=" + cache]
        cold = first_match(BUILD, run_giexec(giexec, arguments, log, timeout))
        warm = first_match(BUILD, run_giexec(giexec, arguments, log, timeout))
    return cold, warm


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--giexec", required=True)
    parser.add_argument("--models", required=True, help="folder of exported ONNX models")
    parser.add_argument("--out", required=True, help="markdown table to write")
    parser.add_argument("--log", default=None, help="giexec output (default: OUT.log)")
    parser.add_argument("--batches", default="1,32,128")
    parser.add_argument("--precisions", default="fp32,fp16")
    parser.add_argument("--only", default=",".join(MODELS))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--ppocr-det", default=None,
                        help="PP-OCR's detection model: also timed at 640x640 (ours only: "
                        "PyTorch has no model of it here)")
    parser.add_argument("--profiles", default=None,
                        help="per-layer profiles to print, MODEL:BATCH[:PRECISION],... "
                        "(precision fp16 unless given; default: resnet50 at the largest "
                        "batch)")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True
    card = torch.cuda.get_device_name()
    batches = [int(b) for b in args.batches.split(",")]
    rows = []
    failed = False
    torchvision = [name for name in args.only.split(",") if name]
    names = torchvision + (["ppocr_det"] if args.ppocr_det else [])
    with open(args.log or args.out + ".log", "w") as log:
        for precision in args.precisions.split(","):
            for name in names:
                path = os.path.join(args.models, name + ".onnx")
                for batch in batches:
                    shapes = []
                    if name == "ppocr_det":
                        path, shapes = args.ppocr_det, ["--shapes=x:%dx3x640x640" % batch]
                        eager, replay = None, None
                    else:
                        eager, replay = pytorch_times(name, batch, precision, args.warmup,
                                                      args.runs)
                    output = run_giexec(args.giexec, ["--onnx=" + path, "--batch=%d" % batch,
                                                      "--iterations=10", "--avgRuns=10",
                                                      "--workspace=1024", "--warmUp=300"]
                                        + shapes + precision_flags(precision), log, args.timeout)
                    ours, build = first_match(TIMING, output), first_match(BUILD, output)
                    failed |= ours is None
                    rows.append("| %s | %s | %d | %s | %s | %s | %s | %s | %.0f | %s |" % (
                        name, precision, batch, cell(eager, missing="-"),
                        cell(replay, missing="-"), cell(ours),
                        ratio(eager, ours), ratio(replay, ours),
                        batch * 1000.0 / ours if ours else 0, cell(build and build / 1e3, 1)))
                    print(rows[-1], flush=True)
        cold, warm = (None, None)
        profiles = []
        if "resnet50" in torchvision:
            cold, warm = timing_cache_rebuild(args.giexec, args.models, batches[-1], log,
                                              args.timeout)
        wanted = args.profiles or ("resnet50:%d" % batches[-1] if "resnet50" in torchvision
                                   else "")
        for item in filter(None, wanted.split(",")):
            name, batch, precision = (item.split(":") + ["fp16"])[:3]
            output = run_giexec(args.giexec, ["--onnx=" + os.path.join(args.models,
                                                                        name + ".onnx"),
                                              "--batch=" + batch, "--workspace=1024",
                                              "--iterations=2", "--avgRuns=5", "--dumpProfile"]
                                + precision_flags(precision), log, args.timeout)
            profiles.append((name, batch, precision, output))
    header = [
        "### GPU: giexec vs PyTorch, %s" % card,
        "",
        "torch %s, cuDNN %s; ms per batch, median of CUDA-event timings after warm-up "
        "(PyTorch: %d runs, channels-last, cudnn.benchmark on, FP32 with TF32 allowed, FP16 "
        "as .half(); giexec: Timing: line, GPU compute, CUDA-graph replay, --allowTF32 or "
        "--fp16). Speed-up = PyTorch time / giexec time. Build: giexec's engine build, seconds."
        % (torch.__version__, torch.backends.cudnn.version(), args.runs),
        "",
        "| model | precision | batch | PyTorch eager | PyTorch CUDA graph | giexec "
        "| vs eager | vs CUDA graph | giexec img/s | build s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    footer = ["", "ResNet-50 FP16 batch %d build with a timing cache: cold %s ms, warm %s ms (%s)"
              % (batches[-1], cell(cold, 1), cell(warm, 1), ratio(cold, warm))]
    for name, batch, precision, output in profiles:
        lines = (output or "").splitlines()
        start = next((i for i, l in enumerate(lines) if l.startswith("=== Profile")), None)
        if start is not None:
            footer += ["", "%s %s batch %s, per layer:" % (name, precision.upper(), batch), "",
                       "```"]
            footer += lines[start:start + 200] + ["```"]
    with open(args.out, "w") as out:
        out.write("\n".join(header + rows + footer) + "\n")
    print("\n".join(header + rows + footer[:2]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
