#!/usr/bin/env bash
# On a Linux x86-64 machine with an NVIDIA GPU and its driver, nothing else installed: checks f5j's
# TornadoVM backend against the PyTorch goldens and times it (tools/gpu/make_bundle.sh builds this bundle).
#   ./run.sh [FRAMES]       results in ./results/
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
frames=${1:-1000}
export JAVA_HOME="$here/jdk" TORNADOVM_HOME="$here/tornadovm"
export LD_LIBRARY_PATH="$here/lib:$TORNADOVM_HOME/lib:${LD_LIBRARY_PATH:-}"
mkdir -p "$here/results"
log() { echo "== $*" | tee -a "$here/results/summary.txt"; }
ls /etc/OpenCL/vendors/ 2>/dev/null | grep -qi nvidia || echo "warning: no NVIDIA OpenCL ICD in /etc/OpenCL/vendors (is the driver installed?)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$here/results/gpu.txt"
"$TORNADOVM_HOME/bin/tornado" --devices 2>&1 | tee "$here/results/devices.txt"
cd "$here/f5j"
log "golden verify --backend tornado"
./f5j golden verify --backend tornado goldens 2>&1 | tee "$here/results/golden_verify.txt"
log "golden verify exit ${PIPESTATUS[0]}"
for preset in F5TTS_v1_Small F5TTS_v1_Base; do
  log "bench --backend tornado --preset $preset --frames $frames"
  ./f5j bench --backend tornado --preset "$preset" --frames "$frames" --repeat 5 2>&1 | tee "$here/results/bench_tornado_$preset.txt"
  log "$(tail -1 "$here/results/bench_tornado_$preset.txt")"
done
if ! command -v python3 >/dev/null || ! python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  log "no PyTorch with CUDA here: PyTorch side skipped"
else
  log "PyTorch on the same GPU"
  python3 bench_pytorch.py --preset F5TTS_v1_Base --frames "$frames" --device cuda 2>&1 | tee "$here/results/bench_pytorch.txt"
  log "$(tail -1 "$here/results/bench_pytorch.txt")"
fi
# side by side: one ODE step (CFG-packed forward) and the RTF of 32 steps plus the Vocos decode
for f in "$here"/results/bench_tornado_F5TTS_v1_Base.txt "$here"/results/bench_pytorch.txt; do
  [[ -f "$f" ]] || continue
  line=$(tail -1 "$f")
  log "$(basename "$f" .txt): $(grep -o '"dit_forward_s": *[0-9.]*' <<<"$line") $(grep -o '"rtf_nfe32": *[0-9.]*' <<<"$line")"
done
echo "results: $here/results"
