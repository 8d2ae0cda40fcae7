"""What upstream's f5-tts_infer-cli does with a config file, as JSON: the voice segments, the chunks each is cut
into and the duration (mel frames) each chunk is sampled with. The golden for f5j's `synth -c FILE.toml`
(src/test/resources/toml/*.expected.json, checked by SynthTomlTest).

Runs upstream's own infer_cli.py (argument parsing, config reading, the [voice] tag loop) and utils_infer.py
(preprocess_ref_audio_text with pydub, infer_process, chunk_text, infer_batch_process's duration arithmetic)
under Debian's python3 + torch + torchaudio. Only what the text and length logic does not need is replaced:
packages that cannot be installed here (vocos, transformers, hydra, ...) become empty stand-ins, the model's
sample() records the duration it is asked for and returns zeros, the vocoder returns silence.

    git clone https://github.com/SWivid/F5-TTS /tmp/up/F5-TTS && git clone https://github.com/jiaaro/pydub /tmp/up/pydub
    cd src/test/resources/toml && /usr/bin/python3 ../../../../tools/toml_golden.py \
        --upstream /tmp/up/F5-TTS --pydub /tmp/up/pydub story.toml > story.expected.json

Run it from the config's folder: upstream resolves the config's paths from the working directory (f5j from
the config's folder; the same thing then).
"""
import argparse
import importlib.machinery
import json
import os
import sys
import tomllib
import types
import wave
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--upstream", required=True, help="a checkout of SWivid/F5-TTS")
ap.add_argument("--pydub", required=True, help="a checkout of jiaaro/pydub")
ap.add_argument("config")
args = ap.parse_args()
sys.path[:0] = [os.path.join(args.upstream, "src"), args.pydub]


def stub(name, **attrs):
    m = types.ModuleType(name)
    m.__spec__ = importlib.machinery.ModuleSpec(name, None)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


class Anything:
    """Stands in for classes and functions of packages that are imported but not used on this path."""

    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return Anything()

    def __getattr__(self, name):
        return Anything()


# Imported by utils_infer / infer_cli, unused by the text and duration logic (or not installable here).
stub("matplotlib", use=lambda *a, **k: None)
stub("matplotlib.pylab")
stub("huggingface_hub", hf_hub_download=Anything())
stub("transformers", pipeline=Anything())
stub("vocos", Vocos=Anything)
stub("rjieba", cut=lambda s: [s])  # segmentation only moves pinyin conversion, which is not recorded here
stub("pypinyin", Style=Anything(), lazy_pinyin=Anything())
stub("cached_path", cached_path=lambda p: p)
stub("hydra")
stub("hydra.utils", get_class=lambda name: Anything)
stub("tomli", load=tomllib.load)
stub("unidecode", unidecode=lambda s: s)


class Cfg:
    """OmegaConf.load of a model config: only its fields are read here."""

    def __init__(self):
        self.model = types.SimpleNamespace(backbone="DiT", arch={}, mel_spec=types.SimpleNamespace(mel_spec_type="vocos"))


stub("omegaconf", OmegaConf=types.SimpleNamespace(load=lambda p: Cfg()))


def sf_write(path, data, rate):
    x = np.clip(np.round(np.asarray(data, dtype=np.float64) * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())


stub("soundfile", write=sf_write)
model_pkg = stub("f5_tts.model", CFM=Anything)  # the real package imports x_transformers, ema_pytorch, ...
model_pkg.__path__ = [os.path.join(args.upstream, "src", "f5_tts", "model")]

if not hasattr(torch, "xpu"):  # torch 1.13 predates torch.xpu, which utils_infer probes for its device
    torch.xpu = types.SimpleNamespace(is_available=lambda: False)
import f5_tts.infer.utils_infer as ui  # noqa: E402

record = {"segments": []}


class Model:
    def sample(self, cond, text, duration, steps, cfg_strength, sway_sampling_coef):
        record["segments"][-1]["durations"].append(int(duration))
        return torch.zeros(1, int(duration), 100), None


class Vocoder:
    def decode(self, mel):
        return torch.zeros(1, mel.shape[-1] * 256)


real_chunk_text, real_infer_process = ui.chunk_text, ui.infer_process


def chunk_text(text, max_chars=135):
    chunks = real_chunk_text(text, max_chars)
    record["segments"][-1].update(max_chars=max_chars, chunks=chunks)
    return chunks


def infer_process(ref_audio, ref_text, gen_text, *a, **k):
    record["segments"].append({"ref_text": ref_text, "gen_text": gen_text, "speed": k.get("speed"), "durations": []})
    return real_infer_process(ref_audio, ref_text, gen_text, *a, **k)


ui.chunk_text = chunk_text
ui.load_vocoder = lambda *a, **k: Vocoder()
ui.load_model = lambda *a, **k: Model()
ui.ThreadPoolExecutor = lambda: ThreadPoolExecutor(max_workers=1)  # chunks in order

sys.argv = ["infer-cli", "-c", args.config, "--output_dir", os.path.join(os.environ.get("TMPDIR", "/tmp"), "toml_golden")]
saved = sys.stdout
sys.stdout = sys.stderr  # upstream prints progress; stdout carries only the JSON
import f5_tts.infer.infer_cli as cli  # noqa: E402

cli.infer_process = infer_process
cli.main()
sys.stdout = saved
json.dump(record, sys.stdout, ensure_ascii=False, indent=1)
print()
