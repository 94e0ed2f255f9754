#!/usr/bin/env python3
"""giexec (our CUDA engine) against PyTorch on the same GPU, in one call.

    gpu_vs_pytorch.py --giexec build-gpu/bundle/bin/giexec --models DIR --out bench.md

For ResNet-50, MobileNetV2 and GoogLeNet (DIR/<name>.onnx from
tests/gpu/export_torchvision.py, random weights) at batch 1, 32 and 128,
FP32 with TF32 off everywhere: PyTorch eager and CUDA-graph replay (median
of CUDA-event timings after warm-up) and giexec's GPU compute time (median
over iterations of the mean of avgRuns, CUDA events), with and without
--useCudaGraph. Writes a markdown table naming the card; bench/NOTES.md
keeps it.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import torch
import torchvision

MODELS = {
    "resnet50": lambda: torchvision.models.resnet50(weights=None),
    "mobilenet_v2": lambda: torchvision.models.mobilenet_v2(weights=None),
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=False,
                                                      init_weights=True),
}
TIMING = re.compile(r"^Timing: .* median=([0-9.]+) ")


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


def pytorch_times(name, batch, warmup, runs):
    torch.manual_seed(0)
    model = MODELS[name]().eval().cuda()
    x = torch.rand(batch, 3, 224, 224, device="cuda") * 2 - 1
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
    del model, x
    torch.cuda.empty_cache()
    return eager, replay


def giexec_time(giexec, model_path, batch, graph, log, timeout, lossy=False):
    command = [giexec, "--onnx=" + model_path, "--backend=cuda", "--batch=%d" % batch,
               "--iterations=10", "--avgRuns=10", "--workspace=1024", "--warmUp=500"]
    if graph:
        command.append("--useCudaGraph")
    if lossy:
        command.append("--allowLossyTactics")
    log.write("$ " + " ".join(command) + "\n")
    log.flush()
    started = time.time()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log.write("timed out after %d s\n" % timeout)
        return None
    log.write(result.stdout[-6000:] + result.stderr[-3000:])
    log.write("(exit %d, %.1f s)\n\n" % (result.returncode, time.time() - started))
    log.flush()
    for line in result.stdout.splitlines():
        match = TIMING.match(line)
        if match and result.returncode == 0:
            return float(match.group(1))
    return None


def cell(value):
    return "%.3f" % value if value is not None else "failed"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--giexec", required=True)
    parser.add_argument("--models", required=True, help="folder of exported ONNX models")
    parser.add_argument("--out", required=True, help="markdown table to write")
    parser.add_argument("--log", default=None, help="giexec output (default: OUT.log)")
    parser.add_argument("--batches", default="1,32,128")
    parser.add_argument("--only", default=",".join(MODELS))
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=240)
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    card = torch.cuda.get_device_name()
    batches = [int(b) for b in args.batches.split(",")]
    rows = []
    with open(args.log or args.out + ".log", "w") as log:
        for name in args.only.split(","):
            path = os.path.join(args.models, name + ".onnx")
            for batch in batches:
                eager, replay = pytorch_times(name, batch, args.warmup, args.runs)
                ours = giexec_time(args.giexec, path, batch, False, log, args.timeout)
                ours_graph = giexec_time(args.giexec, path, batch, True, log, args.timeout)
                # cudnn.benchmark picks among all algorithms, FFT and non-fused
                # Winograd included: the same set --allowLossyTactics times.
                ours_lossy = giexec_time(args.giexec, path, batch, False, log, args.timeout,
                                         lossy=True)
                ratio = "%.2fx" % (eager / ours) if ours else "-"
                ratio_lossy = "%.2fx" % (eager / ours_lossy) if ours_lossy else "-"
                rows.append("| %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
                    name, batch, cell(eager), cell(replay), cell(ours), cell(ours_graph), ratio,
                    cell(ours_lossy), ratio_lossy))
                print(rows[-1], flush=True)
    header = [
        "### GPU: giexec vs PyTorch, FP32 (TF32 off), %s" % card,
        "",
        "torch %s, torchvision %s; ms per batch, median of CUDA-event timings after warm-up "
        "(PyTorch: %d runs, cudnn.benchmark on; giexec: Timing: line, GPU compute). Speed-up = "
        "eager / giexec. giexec's default FP32 engines leave out cuDNN's approximate algorithms "
        "(FFT, non-fused Winograd), which cudnn.benchmark may pick; the last two columns allow "
        "them (--allowLossyTactics), the same algorithm set PyTorch chooses from."
        % (torch.__version__, torchvision.__version__, args.runs),
        "",
        "| model | batch | PyTorch eager | PyTorch CUDA graph | giexec | giexec CUDA graph "
        "| speed-up vs eager | giexec, lossy allowed | speed-up vs eager |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    with open(args.out, "w") as out:
        out.write("\n".join(header + rows) + "\n")
    print("\n".join(header + rows))
    return 0 if all("failed" not in row for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
