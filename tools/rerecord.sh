#!/usr/bin/env bash
# Re-records the regression suite under src/test/resources/recordings (replayed by RecordingsRegressionTest)
# with the bundled tiny model. Run it only on purpose: after a change that is meant to move f5j's numbers
# (say why in the commit), never to make a failing test pass. Needs the jar: mvn -q -B package -DskipTests.
# The recordings are kept small: a short text, few ODE steps, a fixed duration and a few tapped modules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=src/test/resources/recordings
ref=weights/ref/ref_24k_mono.wav
ref_text="$(cat weights/ref/ref_24k_mono.txt)"
common=(--portable --model weights/f5tts-tiny-v1 --vocoder weights/vocos-tiny --ref-audio "$ref" --ref-text "$ref_text"
        --text "Bom dia." --backend reference)
mkdir -p "$out"
# upstream's defaults (euler, cfg 2, sway -1), a block's feed-forward and the output projection tapped
./f5j golden record "${common[@]}" --seed 7 --nfe 6 --fix-duration 2.4 \
    --taps 'transformer_blocks.1.ff,proj_out' --out "$out/tiny_euler_seed7.safetensors"
# other settings everywhere: midpoint, cfg 1.5, sway -0.5, speed 0.9, a louder rms target; small modules tapped
./f5j golden record "${common[@]}" --seed 1234 --nfe 5 --method midpoint --cfg 1.5 --sway -0.5 --speed 0.9 \
    --target-rms 0.15 --fix-duration 2.3 --taps 'time_embed*,transformer_blocks.*.attn_norm.linear,norm_out.linear' \
    --out "$out/tiny_midpoint_seed1234.safetensors"
./f5j golden verify "$out" --failures-only
