#!/usr/bin/env python3
"""text.safetensors: upstream convert_char_to_pinyin of TEXTS (rjieba shimmed by jieba 0.42.1), their token
ids with the Emilia vocab (unknown -> 0, as list_str_to_idx), and chunk_text(LONG_TEXT, max_chars=n).
Also the vocabularies: vocab_emilia.txt = upstream's src/f5_tts/infer/examples/vocab.txt, and the tiny models'
f5tts-tiny-*/vocab.txt = every token of TEXTS and LONG_TEXT after conversion, sorted (line 0 is the space).

usage: F5J_UPSTREAM=... gen_text.py OUT_DIR
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402

TEXTS = ["O rato roeu a roupa do rei de Roma.", "Olá, tudo bem? Eu sou uma voz sintética.", "Olá,mundo!Como vai você?",
         "hello world, 你好世界", "São Paulo; “aspas” ‘simples’", "ação, coração e pão: 3.5 kg por R$ 20,00",
         "I'm here... aren't you?  Double  spaces.", "E essa coisa de viagem no tempo do Lock", "重庆的长江大桥很长。",
         "F5-TTS v1.0 (2025) — teste"]
LONG_TEXT = " ".join(["Olá, tudo bem? Eu sou uma voz sintética. Hoje o dia está lindo, e eu vou passear no parque "
                      "com os meus amigos. Depois, vamos almoçar juntos e conversar sobre a vida!"] * 3)
MAX_CHARS = [40, 80, 135, 250]
VOCAB = "vocab_emilia.txt"
TINY_MODELS = ["f5tts-tiny-v0", "f5tts-tiny-v1"]


def main(out_dir):
    root = upstream.setup()
    from f5_tts.infer.utils_infer import chunk_text
    from f5_tts.model.utils import convert_char_to_pinyin, get_tokenizer, list_str_to_idx

    shutil.copyfile(os.path.join(root, "F5-TTS", "src", "f5_tts", "infer", "examples", "vocab.txt"),
                    os.path.join(out_dir, VOCAB))
    vocab, _ = get_tokenizer(os.path.join(out_dir, VOCAB), "custom")
    converted = convert_char_to_pinyin(TEXTS)
    t = {f"out/ids#{i}": list_str_to_idx([c], vocab)[0].to(torch.int64) for i, c in enumerate(converted)}
    js = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    upstream.write_safetensors(os.path.join(out_dir, "text.safetensors"), t, {
        "kind": "text", "vocab": VOCAB,
        "what": "convert_char_to_pinyin(texts) (rjieba replaced by jieba 0.42.1), token ids with vocab.txt "
                "(unknown -> 0), chunk_text(long_text, max_chars=n)",
        "texts": js(TEXTS), "converted": js(converted), "long_text": LONG_TEXT,
        "chunks": js({str(n): chunk_text(LONG_TEXT, max_chars=n) for n in MAX_CHARS})})
    tiny = "".join(t + "\n" for t in sorted({t for c in convert_char_to_pinyin(TEXTS + [LONG_TEXT]) for t in c}))
    for model in TINY_MODELS:
        os.makedirs(os.path.join(out_dir, model), exist_ok=True)
        with open(os.path.join(out_dir, model, "vocab.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write(tiny)


if __name__ == "__main__":
    main(sys.argv[1])
