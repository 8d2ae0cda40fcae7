#!/usr/bin/env bash
# Regenerates the PyTorch goldens of src/test/resources/goldens by running the upstream code (tools/goldens/*.py),
# into OUT, then compares OUT with the committed files (tools/goldens/compare.py: exit 1 if any differs).
#
# usage: F5J_UPSTREAM=DIR tools/gen_goldens.sh OUT [KIND...]
#   DIR   checkouts of F5-TTS, vocos, x-transformers, ema-pytorch, torchdiffeq, einops, python-pinyin, pydub
#         (see tools/goldens/upstream.py)
#   KIND  audio rng frontend text vocos checkpoints models infer (default: all, in this order); models = the
#         dit_forward and cfm_sample files. models and infer use OUT's checkpoints and Vocos when this run
#         made them.
#   PYTHON  default /usr/bin/python3: Debian's PyTorch 1.13 + torchaudio, with python3-jieba and python3-tqdm;
#         audio also needs espeak-ng and sox
# Inputs read from the goldens folder: audio/*.wav (see gen_audio.py), f5tts-tiny-*/model.yaml,
# vocos-tiny/config.yaml (the architectures).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { sed -n '5,14p' "$0" >&2; exit 2; }
out=$1
shift
kinds=${*:-audio rng frontend text vocos checkpoints models infer}
g=src/test/resources/goldens
py=${PYTHON:-/usr/bin/python3}
mkdir -p "$out"
for kind in $kinds; do
  echo "== $kind" >&2
  case $kind in
    audio) "$py" tools/goldens/gen_audio.py "$out" ;;  # compared only: the other kinds read the committed clips
    rng) "$py" tools/goldens/gen_rng.py "$out" ;;
    frontend) "$py" tools/goldens/gen_frontend.py "$g" "$out" ;;
    text) "$py" tools/goldens/gen_text.py "$out" ;;
    vocos) "$py" tools/goldens/gen_vocos.py "$g" "$out" ;;
    checkpoints|models|infer)
      for m in f5tts-tiny-v0 f5tts-tiny-v1; do
        mkdir -p "$out/$m"
        ckpt=$out/$m/pruned_ema.pt
        [[ -f $ckpt ]] || ckpt=$g/$m/pruned_ema.pt
        vocos=$out/vocos-tiny
        [[ -f $vocos/pytorch_model.bin ]] || vocos=$g/vocos-tiny
        case $kind in
          checkpoints) "$py" tools/goldens/gen_checkpoints.py "$g" "$g/$m" "$out/$m" ;;
          models) "$py" tools/goldens/gen_model_calls.py "$g" "$g/$m" "$ckpt" "$out/$m" ;;
          infer) "$py" tools/goldens/gen_infer.py "$g" "$g/$m" "$ckpt" "$vocos" "$out/$m" ;;
        esac
      done ;;
    *) echo "unknown kind: $kind" >&2; exit 2 ;;
  esac
done
"$py" tools/goldens/compare.py "$g" "$out"
