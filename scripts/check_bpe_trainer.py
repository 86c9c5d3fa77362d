#!/usr/bin/env python3
"""Optional cross-check of BPETrainer / BPETokenizer.write against Hugging Face.

Not used by the Swift tests. Each DIR must hold vocab.json + merges.txt written
by `BPETokenizer.write(to:)` and a `swift_ids.json` with
{"texts": [...], "ids": [[...]], "vocabularySize": n, "required": [...],
 "corpus": [...] (optional)} produced by the Swift side.

For every DIR this checks that
  1. `transformers`' GPT2Tokenizer loads the two files and gives the same ids
     for every text, and the same vocabulary size;
  2. every required token is one token for HF too;
  3. if "corpus" is given: a naive re-implementation of the training rules
     (recount all pairs every step; most frequent pair, ties by the pair's
     bytes; required tokens' merges first; no merge may recreate an existing
     byte string) learns exactly the merges in merges.txt.

With --reduce OUT it also writes a copy of the first DIR without the byte
symbols for "z" and 0xC3 (and every entry/merge that needs them), plus HF's
ids for some texts in OUT/hf_ids.json, to compare how missing bytes are
handled.

Usage: python3 scripts/check_bpe_trainer.py DIR... [--reduce OUT]
"""
import json
import os
import sys
from collections import Counter

from tokenizers import pre_tokenizers
from transformers import GPT2Tokenizer


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHAR = bytes_to_unicode()
CHAR_BYTE = {c: b for b, c in BYTE_CHAR.items()}


def to_bytes(token):
    return bytes(CHAR_BYTE[c] for c in token)


def pieces(text, special="<|endoftext|>"):
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    for part in text.split(special):
        for piece, _ in pre.pre_tokenize_str(part):
            yield to_bytes(piece)


def naive_train(words, taken, limit=None):
    """words: {tuple of bytes symbols: weight}. Returns merges as (bytes, bytes)."""
    merges = []
    words = dict(words)
    while limit is None or len(merges) < limit:
        counts = Counter()
        for symbols, weight in words.items():
            for pair in zip(symbols, symbols[1:]):
                counts[pair] += weight
        candidates = [(-c, a, b) for (a, b), c in counts.items() if c > 0 and a + b not in taken]
        if not candidates:
            break
        _, a, b = min(candidates)
        taken.add(a + b)
        merges.append((a, b))
        words = {apply(symbols, a, b): w for symbols, w in words.items()}
    return merges


def apply(symbols, a, b):
    out = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == a and symbols[i + 1] == b:
            out.append(a + b)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


def check(directory):
    ref = json.load(open(os.path.join(directory, "swift_ids.json"), encoding="utf-8"))
    hf = GPT2Tokenizer.from_pretrained(directory)
    bad = 0
    for text, ids in zip(ref["texts"], ref["ids"]):
        got = hf(text)["input_ids"]
        if got != ids:
            bad += 1
            if bad <= 5:
                print(f"  MISMATCH {text[:60]!r}: HF {got[:20]} Swift {ids[:20]}")
    print(f"{directory}: {len(ref['texts'])} texts, {bad} mismatches; HF vocab {len(hf)} vs Swift {ref['vocabularySize']}")
    not_single = [t for t in ref["required"] if len(hf(t)["input_ids"]) != 1]
    print(f"  required tokens not single for HF: {not_single}")
    ok = bad == 0 and len(hf) == ref["vocabularySize"] and not not_single
    if ref.get("corpus"):
        lines = open(os.path.join(directory, "merges.txt"), encoding="utf-8").read().split("\n")
        assert lines[0] == "#version: 0.2"
        swift_merges = [tuple(to_bytes(s) for s in line.split(" ")) for line in lines[1:] if line]
        taken = {bytes([b]) for b in range(256)}
        required = Counter()
        for token in ref["required"]:
            (piece,) = list(pieces(token))
            if len(piece) > 1:
                required[tuple(bytes([b]) for b in piece)] = 1
        merges = naive_train(required, taken)
        words = Counter()
        for text in ref["corpus"]:
            for piece in pieces(text):
                words[tuple(bytes([b]) for b in piece)] += 1
        for a, b in merges:
            words = Counter({apply(s, a, b): w for s, w in words.items()})
        merges += naive_train(words, taken, limit=len(swift_merges) - len(merges))
        same = merges == swift_merges
        first = next((i for i, (x, y) in enumerate(zip(merges, swift_merges)) if x != y), None)
        print(f"  naive reference trainer: {len(merges)} merges, identical to merges.txt: {same}"
              + ("" if same else f" (first difference at rank {first})"))
        ok = ok and same
    return ok


def reduce(source, out):
    vocab = json.load(open(os.path.join(source, "vocab.json"), encoding="utf-8"))
    lines = open(os.path.join(source, "merges.txt"), encoding="utf-8").read().split("\n")
    banned = {BYTE_CHAR[ord("z")], BYTE_CHAR[0xC3]}
    keep = lambda token: token == "<|endoftext|>" or not any(c in banned for c in token)
    vocab = {t: i for t, i in vocab.items() if keep(t)}
    merges = [lines[0]] + [l for l in lines[1:] if l and all(keep(s) for s in l.split(" "))]
    os.makedirs(out, exist_ok=True)
    json.dump(vocab, open(os.path.join(out, "vocab.json"), "w", encoding="utf-8"), ensure_ascii=False)
    open(os.path.join(out, "merges.txt"), "w", encoding="utf-8").write("\n".join(merges) + "\n")
    hf = GPT2Tokenizer.from_pretrained(out)
    texts = ["the zoo", "Zoë and zebra", "lazy", "z", "é", "x\u00e9z<|endoftext|>zz", "plain text"]
    data = {"texts": texts, "ids": [hf(t)["input_ids"] for t in texts]}
    json.dump(data, open(os.path.join(out, "hf_ids.json"), "w", encoding="utf-8"), ensure_ascii=False)
    for t, ids in zip(texts, data["ids"]):
        print(f"  HF reduced vocab: {t!r} -> {ids} = {[hf.convert_ids_to_tokens(i) for i in ids]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    reduce_out = None
    if "--reduce" in args:
        i = args.index("--reduce")
        reduce_out = args[i + 1]
        del args[i:i + 2]
    results = [check(d) for d in args]
    if reduce_out:
        reduce(args[0], reduce_out)
    print("ALL OK" if all(results) else "FAILURES")
    sys.exit(0 if all(results) else 1)
