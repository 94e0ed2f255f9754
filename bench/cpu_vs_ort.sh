#!/usr/bin/env bash
# Times our CPU backend (giexec) against ONNX Runtime's CPU provider on the PP-OCR models.
#
#   bench/cpu_vs_ort.sh BUILD_DIR [--iterations=N] [--threads=N] [--no-notes]
#
# Builds nothing: BUILD_DIR must already hold tools/giexec. Fetches the models if needed
# (models/fetch_models.sh), renders the same text image inputs for both sides
# (models/make_inputs.py), and runs each model N times (default 20) after warm-up on both, with
# the same thread count (default: all online cores). Prints medians and minimums and, unless
# --no-notes, puts it in bench/NOTES.md under "## CPU backend vs ONNX Runtime" (replacing that
# section when it is there, so the file holds the latest run; git keeps the history).
set -euo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--iterations=N] [--threads=N] [--no-notes]" >&2
  exit 2
}

die() {
  echo "cpu_vs_ort.sh: $*" >&2
  exit 1
}

build_dir=""
iterations=20
threads="$(nproc)"
write_notes=1
for arg in "$@"; do
  case "$arg" in
    --iterations=*) iterations="${arg#*=}" ;;
    --threads=*) threads="${arg#*=}" ;;
    --no-notes) write_notes=0 ;;
    -h | --help) usage ;;
    -*) echo "cpu_vs_ort.sh: unknown option $arg" >&2; usage ;;
    *) [[ -z $build_dir ]] || usage; build_dir="$arg" ;;
  esac
done
[[ -n $build_dir ]] || usage
[[ $iterations =~ ^[1-9][0-9]*$ ]] || die "--iterations must be a positive integer"
[[ $threads =~ ^[1-9][0-9]*$ ]] || die "--threads must be a positive integer"

source_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$source_root/models"
download_dir="${TRT_DOWNLOAD_DIR:-$models/downloads}"
export TRT_DOWNLOAD_DIR="$download_dir"
giexec="$build_dir/tools/giexec"
[[ -x $giexec ]] || die "$giexec not found; build first (ninja -C $build_dir)"

"$models/fetch_models.sh" "$download_dir" >/dev/null || die "could not fetch the models"
# Other work on the machine skews CPU timings; the notes record how busy it was.
load_at_start="$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown)"
# The first Python that has numpy and OpenCV: $PYTHON, python3 on PATH, then the system's.
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import cv2, numpy' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
[[ -n $python ]] || die "no Python with numpy and OpenCV (Debian: python3-numpy python3-opencv)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$models/make_inputs.py" "$work" >/dev/null || die "make_inputs.py failed"

# Pulls the last number after KEY ("median", "min") out of a tool's output, to 2 decimals:
# giexec ends with "median=12.3456 ... min=...", ort_reference.mjs prints "median 12.345 ms".
value_of() {
  grep -o "$1[= ][0-9.]*" | tail -n 1 | grep -o '[0-9.]*$' | awk '{ printf "%.2f", $1 }'
}

ratio_of() {
  if [[ -n $1 && -n $2 ]]; then
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
  else
    echo "n/a"
  fi
}

rows=()
table_format='%-4s %-12s %12s %10s %7s %12s %10s\n'
# shellcheck disable=SC2059 # the format is ours
printf "$table_format" model input "trtinfer ms" "ORT ms" ratio "trtinfer min" "ORT min"
for spec in det:1x3x640x640 rec:1x3x48x320 cls:1x3x48x192; do
  name="${spec%%:*}"
  shape="${spec#*:}"
  model="$download_dir/ppocr/$name.onnx"

  # One run per iteration (--avgRuns=1), so that both medians are over single runs.
  ours_log="$work/$name.giexec.log"
  ours="" ours_min=""
  if "$giexec" --onnx="$model" --shapes="x:$shape" --loadInputs="x:$work/$name.bin" \
    --backend=cpu --threads="$threads" --iterations="$iterations" --avgRuns=1 \
    >"$ours_log" 2>&1; then
    ours="$(value_of median <"$ours_log")"
    ours_min="$(value_of min <"$ours_log")"
  else
    echo "cpu_vs_ort.sh: giexec failed on $name (last lines follow)" >&2
    tail -n 5 "$ours_log" >&2
  fi

  ort_log="$work/$name.ort.log"
  node "$models/ort_reference.mjs" "$model" "$work/$name.bin" --shape "$shape" \
    --threads "$threads" --time "$iterations" >"$ort_log"
  ort="$(value_of median <"$ort_log")"
  ort_min="$(value_of min <"$ort_log")"

  ratio="$(ratio_of "$ours" "$ort")"
  # shellcheck disable=SC2059
  printf "$table_format" "$name" "$shape" "${ours:-failed}" "$ort" "$ratio" "${ours_min:--}" \
    "$ort_min"
  rows+=("| $name | $shape | ${ours:-failed} | $ort | $ratio | ${ours_min:--} | $ort_min |")
done

[[ $write_notes == 1 ]] || exit 0

# ---- bench/NOTES.md -------------------------------------------------------------------------
cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
ort_version="$(cd "$download_dir/node" &&
  node -p "require('onnxruntime-node/package.json').version")"
trt_version="$("$giexec" --help 2>&1 | head -n 1 | awk '{ print $2 }' | tr -d ':')"
section="$work/section.md"
{
  echo "## CPU backend vs ONNX Runtime"
  echo
  echo "Run $(date -u +%Y-%m-%d) by \`bench/cpu_vs_ort.sh\`; CPU: ${cpu_model:-unknown}," \
    "$(nproc) online cores;"
  echo "$threads threads on both sides; load average $load_at_start (1 min) at start."
  echo
  echo "Method: PP-OCR models from \`models/fetch_models.sh\`, on the text images that"
  echo "\`models/make_inputs.py\` renders (the same input file for both sides)."
  echo "- trtinfer $trt_version: \`giexec --backend=cpu --threads=$threads"
  echo "  --iterations=$iterations --avgRuns=1\`: one untimed warm-up run, then the median of"
  echo "  $iterations host wall-clock times."
  echo "- ONNX Runtime $ort_version (onnxruntime-node, CPU provider, all graph optimizations,"
  echo "  $threads intra-op threads): \`models/ort_reference.mjs --time $iterations\`: 3 warm-up"
  echo "  runs, then the median of $iterations."
  echo
  echo "Ratio: of the medians, trtinfer / ORT (above 1: we are slower). The minimums show the"
  echo "best case when other work shares the cores."
  echo
  echo "| model | input | trtinfer CPU median ms | ORT median ms | ratio | trtinfer min ms |" \
    "ORT min ms |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo
} >"$section"

notes="$source_root/bench/NOTES.md"
[[ -f $notes ]] || printf '# Benchmark notes\n\n' >"$notes"
# Replace the section (from its heading to the next "## " heading) or append it.
awk -v section_file="$section" '
  function emit() { while ((getline line < section_file) > 0) print line; done = 1 }
  /^## / && skipping { skipping = 0 }
  /^## CPU backend vs ONNX Runtime[[:space:]]*$/ { emit(); skipping = 1; next }
  !skipping { print }
  END { if (!done) { print ""; emit() } }
' "$notes" >"$work/NOTES.md"
# Collapse runs of blank lines left where the section was cut out.
cat -s "$work/NOTES.md" >"$notes"
echo "wrote $notes"
