#!/usr/bin/env bash
# Re-records the regression recordings of the bundled model (src/test/resources/recordings), on purpose:
# run it when a change is meant to move f5j's numbers, review `./f5j golden diff OLD NEW`, then commit.
# SynthRecordingTest replays these files; they pin f5j against itself, the PyTorch goldens pin it to upstream.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/test/resources/recordings
ref=weights/ref/ref_24k_mono.wav
ref_text="$(cat weights/ref/ref_24k_mono.txt)"
mkdir -p "$out"
# 1: default settings but 8 steps; the top-level modules and each block's attention, feed-forward and output
./f5j golden record --ref-audio "$ref" --ref-text "$ref_text" --text "Olá mundo, esta é uma voz sintética." \
  --seed 0 --nfe 8 --taps 'time_embed,text_embed,input_embed,transformer_blocks.?,transformer_blocks.?.attn,transformer_blocks.?.ff,norm_out,proj_out' \
  --out "$out/tiny-v1-euler-nfe8.safetensors"
# 2: midpoint, no sway sampling, weaker guidance, slower speech, another seed; block outputs only
./f5j golden record --ref-audio "$ref" --ref-text "$ref_text" --text "Bom dia." \
  --seed 7 --nfe 4 --method midpoint --sway 0 --cfg 1.5 --speed 0.8 --taps 'transformer_blocks.?,proj_out' \
  --out "$out/tiny-v1-midpoint-nfe4-seed7.safetensors"
ls -l "$out"
