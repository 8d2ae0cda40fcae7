#!/usr/bin/env python3
"""Builds the word lists f5j.text bundles (src/main/resources/f5j/text/):

  jieba_dict.txt.gz       word<space>freq, from jieba 0.42.1's dict.txt (MIT): the prefix dictionary
                          that jieba's default cut scores its DAG with.
  jieba_dict_ascii.txt    "total N" (the sum of all frequencies), then the dict.txt words that start with
                          an ASCII character: all that text without Chinese characters can look up, so
                          the full dictionary is loaded only for Chinese text.
  jieba_hmm.txt.gz        jieba's finalseg HMM (B/M/E/S character tagger for words missing from the
                          dictionary): "start S logp", "trans S T logp", "emit S char logp" lines.
  pypinyin_phrases.txt.gz word<tab>py1 py2 ..., from pypinyin's phrases_dict.json (MIT), readings
                          rewritten in TONE3 (digit at the end, none for the neutral tone, u-umlaut as v).
  pypinyin_chars.txt.gz   char<tab>py, pypinyin's pinyin_dict.json (MIT): the first (default) reading
                          of each character, in TONE3.

usage: gen_text_data.py JIEBA_PACKAGE_DIR PYPINYIN_PACKAGE_DIR OUT_DIR
"""
import ast, gzip, io, json, sys, unicodedata

MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def tone3(py):
    # Decompose, pull the tone mark out, append its digit; keep e-circumflex, write u-umlaut as v.
    tone = ""
    out = []
    for ch in unicodedata.normalize("NFD", py):
        if ch in MARKS:
            tone = MARKS[ch]
        elif ch == "\u0308":  # combining diaeresis: the u of lv, nv
            out[-1] = "v"
        else:
            out.append(ch)
    s = unicodedata.normalize("NFC", "".join(out))
    return s + tone


def gz_text(path):
    # mtime=0: the same input gives byte-identical files
    return io.TextIOWrapper(gzip.GzipFile(path, "wb", mtime=0), encoding="utf-8", newline="\n")


def load_p(path):
    # prob_*.py hold one literal: P = {...}
    src = open(path, encoding="utf-8").read()
    return ast.literal_eval(src[src.index("{"):])


def main(jieba_dir, pypinyin_dir, out_dir):
    with gz_text(f"{out_dir}/jieba_hmm.txt.gz") as o:
        for s, p in load_p(f"{jieba_dir}/finalseg/prob_start.py").items():
            o.write(f"start {s} {p!r}\n")
        for s, d in load_p(f"{jieba_dir}/finalseg/prob_trans.py").items():
            for t, p in d.items():
                o.write(f"trans {s} {t} {p!r}\n")
        for s, d in load_p(f"{jieba_dir}/finalseg/prob_emit.py").items():
            for c, p in d.items():
                o.write(f"emit {s} {c} {p!r}\n")
    total, ascii_words = 0, []
    with open(f"{jieba_dir}/dict.txt", encoding="utf-8") as f, gz_text(f"{out_dir}/jieba_dict.txt.gz") as o:
        for line in f:
            word, freq = line.strip().split(" ")[:2]
            o.write(f"{word} {int(freq)}\n")
            total += int(freq)
            if word[0] < "\x80":
                ascii_words.append(f"{word} {int(freq)}\n")
    with open(f"{out_dir}/jieba_dict_ascii.txt", "w", encoding="utf-8", newline="\n") as o:
        o.write(f"total {total}\n")
        o.writelines(ascii_words)
    with open(f"{pypinyin_dir}/pinyin_dict.json", encoding="utf-8") as f:
        chars = json.load(f)
    with gz_text(f"{out_dir}/pypinyin_chars.txt.gz") as o:
        for cp, pys in sorted(chars.items(), key=lambda kv: int(kv[0])):
            o.write(chr(int(cp)) + "\t" + tone3(pys.split(",")[0]) + "\n")
    with open(f"{pypinyin_dir}/phrases_dict.json", encoding="utf-8") as f:
        phrases = json.load(f)
    with gz_text(f"{out_dir}/pypinyin_phrases.txt.gz") as o:
        for word, pys in phrases.items():
            o.write(word + "\t" + " ".join(tone3(p[0]) for p in pys) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
