"""Reference cases for f5j.audio.RefAudioPreprocessor, made with pydub itself.

Writes src/test/resources/pydub/<case>.wav (synthetic clips covering 8/16/24/32-bit PCM, mono/stereo,
rates below 11025 Hz and 44.1 kHz, and each of upstream's three 12 s clip rules) and <case>.expected.wav:
the WAV that F5-TTS' preprocess_ref_audio_text exports for it (its pydub steps restated below, as in
src/f5_tts/infer/utils_infer.py). Run with pydub 0.25.1 and numpy:  python3 tools/gen_pydub_cases.py
"""
import os, wave
import numpy as np
from pydub import AudioSegment, silence

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "pydub")
rng = np.random.default_rng(5)


def clip(sec, rate, ch, quiet, amp=0.3):
    """A voiced-looking tone with noise; `quiet` = [(start s, length s, level)] spans made quieter."""
    n = int(sec * rate)
    t = np.arange(n) / rate
    x = amp * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) + 0.05 * rng.standard_normal(n)
    for s, d, lvl in quiet:
        x[int(s * rate):int((s + d) * rate)] *= lvl
    return np.stack([x * (1 if c == 0 else 0.7) for c in range(ch)], 1)


def write(path, x, rate, width):
    if width == 1:
        b = np.clip(np.round(x * 127) + 128, 0, 255).astype(np.uint8).tobytes()
    elif width == 2:
        b = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2").tobytes()
    elif width == 3:
        v = np.clip(np.round(x * 8388607), -8388608, 8388607).astype("<i4")
        b = v.view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    else:
        b = np.clip(np.round(x * 2147483647.0), -2 ** 31, 2 ** 31 - 1).astype("<i4").tobytes()
    w = wave.open(path, "wb")
    w.setnchannels(x.shape[1]); w.setsampwidth(width); w.setframerate(rate); w.writeframes(b); w.close()


def remove_silence_edges(audio, threshold=-42):
    start = silence.detect_leading_silence(audio, silence_threshold=threshold)
    audio = audio[start:]
    end = silence.detect_leading_silence(audio.reverse(), silence_threshold=threshold)
    return audio[: len(audio) - end] if end > 0 else audio


def preprocess(path):
    aseg = AudioSegment.from_file(path)
    wave_ = AudioSegment.silent(duration=0)
    for seg in silence.split_on_silence(aseg, min_silence_len=1000, silence_thresh=-50, keep_silence=1000, seek_step=10):
        if len(wave_) > 6000 and len(wave_ + seg) > 12000:
            break
        wave_ += seg
    if len(wave_) > 12000:
        wave_ = AudioSegment.silent(duration=0)
        for seg in silence.split_on_silence(aseg, min_silence_len=100, silence_thresh=-40, keep_silence=1000, seek_step=10):
            if len(wave_) > 6000 and len(wave_ + seg) > 12000:
                break
            wave_ += seg
    if len(wave_) > 12000:
        wave_ = wave_[:12000]
    return remove_silence_edges(wave_) + AudioSegment.silent(duration=50)


CASES = {
    # 8 kHz is below pydub's silent() rate: everything is resampled to 11025 Hz with audioop.ratecv
    "rate8k_mono16_rule1": (clip(15, 8000, 1, [(0, 0.4, 0.001), (5.0, 1.3, 0.0005), (9.5, 1.2, 0.0), (14.6, 0.4, 0.002)]), 8000, 2),
    "rate11k_stereo24_rule1": (clip(14, 11025, 2, [(0, 0.3, 0.0), (7.0, 1.5, 0.001)]), 11025, 3),
    "rate8k_mono8_rule2": (clip(14, 8000, 1, [(2.0, 0.2, 0.0), (4.0, 0.25, 0.0), (7.0, 0.3, 0.0), (9.0, 0.2, 0.0), (11.0, 0.3, 0.0)]), 8000, 1),
    "rate8k_mono32_rule3": (clip(13, 8000, 1, [(0, 0.5, 0.004), (12.5, 0.5, 0.004)]), 8000, 4),
    "rate44k_stereo16_trim": (clip(2.5, 44100, 2, [(0, 0.6, 0.003), (2.0, 0.5, 0.003)]), 44100, 2),
}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, (x, rate, width) in CASES.items():
        src = os.path.join(OUT, name + ".wav")
        write(src, x, rate, width)
        preprocess(src).export(os.path.join(OUT, name + ".expected.wav"), format="wav")
        print(name)
