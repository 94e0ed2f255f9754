#!/usr/bin/env bash
# Times our CPU backend (giexec) against ONNX Runtime's CPU provider on the PP-OCR models.
#
#   bench/cpu_vs_ort.sh BUILD_DIR [--iterations=N] [--threads=N] [--no-notes]
#
# Builds nothing: BUILD_DIR must already hold tools/giexec. Fetches the models if needed
# (models/fetch_models.sh), renders the same text image inputs for both sides
# (models/make_inputs.py), and runs each model N times (default 20) after warm-up on both, with
# the same thread count (default: all online cores). Prints a table of medians and, unless
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
python="${PYTHON:-/usr/bin/python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$models/make_inputs.py" "$work" >/dev/null || die "make_inputs.py failed ($python)"

# Pulls the last number after "median" out of a tool's output: giexec ends with "median=12.3456",
# ort_reference.mjs "median 12.345 ms".
median_of() {
  grep -o 'median[= ][0-9.]*' | tail -n 1 | grep -o '[0-9.]*$'
}

rows=()
printf '%-4s %-12s %14s %14s %8s\n' model input "trtinfer ms" "ORT ms" ratio
for spec in det:1x3x640x640 rec:1x3x48x320 cls:1x3x48x192; do
  name="${spec%%:*}"
  shape="${spec#*:}"
  model="$download_dir/ppocr/$name.onnx"

  # One run per iteration (--avgRuns=1), so that both medians are over single runs.
  ours_log="$work/$name.giexec.log"
  if "$giexec" --onnx="$model" --shapes="x:$shape" --loadInputs="x:$work/$name.bin" \
    --backend=cpu --threads="$threads" --iterations="$iterations" --avgRuns=1 \
    >"$ours_log" 2>&1; then
    ours="$(median_of <"$ours_log")"
  else
    echo "cpu_vs_ort.sh: giexec failed on $name (last lines follow)" >&2
    tail -n 5 "$ours_log" >&2
    ours=""
  fi

  ort="$(node "$models/ort_reference.mjs" "$model" "$work/$name.bin" --shape "$shape" \
    --threads "$threads" --time "$iterations" | median_of)"

  if [[ -n $ours && -n $ort ]]; then
    ratio="$(awk -v a="$ours" -v b="$ort" 'BEGIN { printf "%.2f", a / b }')"
  else
    ratio="n/a"
  fi
  ours="${ours:-failed}"
  printf '%-4s %-12s %14s %14s %8s\n' "$name" "$shape" "$ours" "$ort" "$ratio"
  rows+=("| $name | $shape | $ours | $ort | $ratio |")
done

[[ $write_notes == 1 ]] || exit 0

# ---- bench/NOTES.md -------------------------------------------------------------------------
cpu_model="$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
ort_version="$(cd "$download_dir/node" && node -p "require('onnxruntime-node/package.json').version")"
trt_version="$("$giexec" --help 2>&1 | head -n 1 | awk '{ print $2 }' | tr -d ':')"
section="$work/section.md"
{
  echo "## CPU backend vs ONNX Runtime"
  echo
  echo "Run $(date -u +%Y-%m-%d) by \`bench/cpu_vs_ort.sh\`; CPU: ${cpu_model:-unknown}," \
    "$(nproc) online cores; $threads threads on both sides; load average $load_at_start at start."
  echo
  echo "Method: PP-OCR models from \`models/fetch_models.sh\`, on the text images that"
  echo "\`models/make_inputs.py\` renders (the same input file for both). trtinfer $trt_version:"
  echo "\`giexec --backend=cpu --threads=$threads --iterations=$iterations --avgRuns=1\`, one"
  echo "untimed warm-up run, median of $iterations host wall-clock times. ONNX Runtime"
  echo "$ort_version (onnxruntime-node, CPU provider, all graph optimizations,"
  echo "intra-op threads $threads): \`models/ort_reference.mjs --time $iterations\`, 3 warm-up runs,"
  echo "median of $iterations. Ratio: trtinfer / ORT (above 1: we are slower)."
  echo
  echo "| model | input | trtinfer CPU median ms | ORT median ms | ratio |"
  echo "| --- | --- | ---: | ---: | ---: |"
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
