#!/bin/sh
# Sourced by the pipeline scripts: sets `engine` (where the model's engine is
# cached) and `settings` (the trtinfer properties the model needs: input
# size, channel order, normalization) for the model in "$model".
#
# Engines go to ${TRTINFER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trtinfer},
# never beside the model. Known models get their preprocessing from the
# table below (the PaddleOCR settings for PP-OCRv4); any other model runs at
# its own input size with 0..1 pixel values, and extra properties given to a
# script come after these, so they override them.
cache_dir=${TRTINFER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/trtinfer}
mkdir -p "$cache_dir"
name=$(basename "${model%.*}")
engine="$cache_dir/$name.plan"
imagenet='mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225>'
case $name in
det) # PP-OCR text detection: any multiple of 32, letterboxed
  settings="width=640 height=640 keep-aspect-ratio=true channel-order=bgr $imagenet" ;;
cls) # PP-OCR text direction: 48x192 text lines, x/127.5 - 1
  settings='width=192 height=48 channel-order=bgr mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5>' ;;
rec) # PP-OCR recognition: 48-pixel-high lines, 320 wide here
  settings='width=320 height=48 channel-order=bgr mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5>' ;;
*)
  settings=''
  echo "note: $name is not in pipelines/model-settings.sh; running it at its own input size" \
    "with pixels scaled to 0..1 (add width=, height=, mean=, std=, channel-order= as needed)" >&2 ;;
esac
