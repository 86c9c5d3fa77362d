#!/usr/bin/env python3
"""BPE-training reference for Tests/TokenizersTests (HeadLab): Hugging Face `tokenizers`' BpeTrainer.

Writes Tests/TokenizersTests/Resources/bpe_training_reference.json: a small corpus (the lines
below, each repeated a seeded number of times: the training texts are every line that many
times), the trainer settings, and what HF learned from it:

  Tokenizer(models.BPE()) with pre_tokenizers.ByteLevel(add_prefix_space=False) (GPT-2's
  regex and byte-to-unicode mapping), trained with
  trainers.BpeTrainer(vocab_size, min_frequency=1, special_tokens=["<|endoftext|>"],
                      initial_alphabet=ByteLevel.alphabet())   (all 256 bytes, as GPT-2).

  "words"   the pre-tokenized pieces (byte-level strings, as HF's pre-tokenizer gives them)
            with their counts over the training texts;
  "merges"  HF's merges in order, each [left, right, count, tied]: count is how often the pair
            occurred when it was merged, tied how many pairs (this one included) had that count.

Why not simply compare every merge: BPE merges a most frequent pair; when several pairs share the
top count, trainers break the tie differently.  HF takes the pair with the smallest token ids
(special tokens, then the alphabet in code-point order, then merges in creation order);
HeadLab's BPETrainer takes the pair whose left, then right, byte string sorts first.  Once one
tie is broken differently, the merges can differ from then on.  So this script records:

  "first_tie"  the first merge whose pair shared its count with another pair: every merge before
               it is forced, and any correct trainer learns exactly those, in that order;
  and checks that the sequence of counts is forced for this corpus: a greedy trainer breaking
  ties by HF's rule, by byte order, by reverse id order and at random (seeded) learns merges
  with the same count at every step, and none of them ever merges a pair whose concatenation
  is already a token (HF would add such a merge without a new token, HeadLab skips the pair).
  A trainer that merges a pair that is not most frequent, or keeps its pair counts wrongly,
  breaks that sequence.

The repetition counts are drawn so that ties come late (lines repeated once each tie within a
few merges) and the checks above hold; the script asserts that its own greedy re-implementation
learns exactly HF's merges.

How to run (from the repository root; a few seconds):

    pip install tokenizers
    python3 scripts/make_bpe_training_fixtures.py

Deterministic.  The tokenizers version used for the committed file is in its JSON.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

import tokenizers
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "TokenizersTests" / "Resources" / "bpe_training_reference.json"
GENERATOR = "scripts/make_bpe_training_fixtures.py"
EOT = "<|endoftext|>"
SEED = 3  # repetition counts: seeded, chosen for a late first tie (see the docstring)
MAX_REPEATS = 1000
MERGES = 300
VOCAB_SIZE = 1 + 256 + MERGES  # special token + bytes + merges, as both trainers count it
SIZE_BUDGET = 40_000

# Plain text with what GPT-2's pre-tokenizer treats specially: contractions, numbers,
# punctuation runs, runs of spaces, tabs and newlines, trailing spaces, non-ASCII letters,
# CJK, emoji.  No special tokens (HF's trainer would learn from their text, HeadLab's cuts it).
LINES = [
    "The quick brown fox jumps over the lazy dog.",
    "When Mary and John went to the store, John gave a drink to Mary.",
    "It's Monday, and the library opens at 9 o'clock.",
    'She said, "We\'ll meet at the station at 7:45."',
    "There were 12 apples, 7 pears and 103 grapes on the table.",
    "Tuesday, Wednesday, Thursday, Friday \u2014 then the weekend.",
    "A caf\u00e9 in Z\u00fcrich serves cr\u00e8me br\u00fbl\u00e9e to the na\u00efve tourist.",
    "The model reads the text and predicts the next token.",
    "Attention heads look back at earlier tokens and copy what they need.",
    "I'm sure they're here; you've seen them, haven't you?",
    "The river turned grey in the evening, and the wind came back.",
    "Layer norm divides the vector by its scale and adds a bias.",
    "Alice wrote a letter to Bob on Thursday.\nBob never answered.",
    "Numbers like 2024, 3.14159 and 1,000,000 split into digits.",
    "  Two spaces before this line, and    four inside it.",
    "Tabs\tbetween\twords\tare whitespace too.",
    "The end of one story is the start of another one.",
    "Sarah counted 48 people at the market; David counted 51.",
    "\u201cThank you,\u201d said Emma \u2014 \u201cthat was kind.\u201d",
    "In the morning the bird flew from the branch to the roof.",
    "Induction heads find the earlier copy of a token and predict what came next.",
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "January, February, March, April, May, June, July, August.",
    "one two three four five six seven eight nine ten",
    "The cat sat on the mat, and the dog sat on the log.",
    "Then the train left at eight, and we were late again.",
    "He'd said he'll come, but she'd already gone home.",
    "\u00c9mile and Zo\u00eb visited the ch\u00e2teau near Orl\u00e9ans.",
    "def train(model, steps=1000): return model.fit(steps)",
    'x = [1, 2, 3]; y = {"a": 4, "b": 5}',
    "Keep the first line.\n\nSkip a blank line, then keep going.",
    "Why? Because the answer was 42!",
    "The weights are saved in F16 or BF16 with round to nearest even.",
    "Gradients flow backwards through every layer of the network.",
    "The first matrix makes the vector four times as wide.",
    "Three apples were on the table, and then there were only two.",
    "What changes when we patch the activations of one prompt?",
    "Names: James, Mary, Robert, Patricia, Michael, Jennifer.",
    "Prices rose by 3% in March and fell by 1.5% in April.",
    "The old man walked slowly to the harbour every day.",
    "Rain, snow, sleet and hail fell on the mountain pass.",
    "A tokenizer turns text into ids and ids back into text.",
    "Don't stop; keep going until the vocabulary is full.",
    "The station, the library, the market and the school.",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3082\u5c11\u3057\u5165\u308c\u3066\u304a\u304f\u3002",
    "\u03a9mega and \u03b1lpha are Greek letters; \u03c0 is about 3.14.",
    "Emoji are bytes too: \U0001f642 and \U0001f680.",
    "The merges are learned in order, most frequent pair first.",
    "Every pair of adjacent symbols is counted in every word.",
    "This sentence ends with three dots...",
    "A line with trailing spaces   ",
    "She sells sea shells by the sea shore.",
    "Peter Piper picked a peck of pickled peppers.",
    "How much wood would a woodchuck chuck?",
    "The ratio of 7 to 3 is 2.333 recurring.",
    "On Friday, Emma and James went to the garden.",
    "At noon the shop was closed, so they went to the park.",
    "The queue grew longer; nobody complained.",
    "Big dogs bark; small dogs yap; old dogs sleep.",
    "Look at the hook names: blocks.0.attn.hook_z and hook_pattern.",
]


def train_hf(texts: list[str]) -> tuple[list[tuple[str, str]], int]:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE, min_frequency=1, show_progress=False, special_tokens=[EOT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    merges = json.loads(tok.to_str())["model"]["merges"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in merges]
    return merges, tok.get_vocab_size(with_added_tokens=True)


def word_counts(texts: list[str]) -> Counter:
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False)
    counts: Counter = Counter()
    for text in texts:
        for piece, _ in pre.pre_tokenize_str(text):
            counts[piece] += 1
    return counts


def greedy(counts: Counter, tie_key) -> list[dict]:
    """Naive BPE: recount every pair each step, merge a most frequent one (ties: tie_key)."""
    ids = {EOT: 0}
    for ch in sorted(pre_tokenizers.ByteLevel.alphabet()):
        ids[ch] = len(ids)
    words = {tuple(w): c for w, c in counts.items()}
    out = []
    while len(out) < MERGES:
        pairs: Counter = Counter()
        for w, c in words.items():
            for pair in zip(w, w[1:]):
                pairs[pair] += c
        if not pairs:
            break
        best = max(pairs.values())
        tied = [p for p, c in pairs.items() if c == best]
        left, right = min(tied, key=lambda p: tie_key(p, ids))
        new = left + right
        out.append({"pair": (left, right), "count": best, "tied": len(tied), "existing": new in ids})
        ids.setdefault(new, len(ids))
        merged = {}
        for w, c in words.items():
            symbols, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == left and w[i + 1] == right:
                    symbols.append(new)
                    i += 2
                else:
                    symbols.append(w[i])
                    i += 1
            merged[tuple(symbols)] = merged.get(tuple(symbols), 0) + c
        words = merged
    return out


def byte_level_bytes():
    """Byte-level character -> byte (GPT-2's bytes_to_unicode, inverted)."""
    bs = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    cs, n = list(bs), 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs)}


def main() -> int:
    rng = random.Random(SEED)
    repeats = [rng.randint(1, MAX_REPEATS) for _ in LINES]
    texts = [line for line, r in zip(LINES, repeats) for _ in range(r)]
    hf_merges, hf_vocab = train_hf(texts)
    assert hf_vocab == VOCAB_SIZE and len(hf_merges) == MERGES, (hf_vocab, len(hf_merges))
    counts = word_counts(texts)

    to_byte = byte_level_bytes()
    as_bytes = lambda s: bytes(to_byte[c] for c in s)  # noqa: E731
    shuffle = random.Random(SEED + 1)
    random_rank: dict = {}
    rules = {
        "hf_ids": lambda p, ids: (ids[p[0]], ids[p[1]]),
        "bytes": lambda p, ids: (as_bytes(p[0]), as_bytes(p[1])),
        "reverse_ids": lambda p, ids: (-ids[p[0]], -ids[p[1]]),
        "random": lambda p, ids: random_rank.setdefault(p, shuffle.random()),
    }
    runs = {name: greedy(counts, key) for name, key in rules.items()}
    reference = runs["hf_ids"]
    assert [m["pair"] for m in reference] == hf_merges, "the greedy re-implementation differs from HF"
    for name, run in runs.items():
        assert [m["count"] for m in run] == [m["count"] for m in reference], f"counts depend on ties ({name})"
        assert not any(m["existing"] for m in run), f"a merge re-creates an existing token ({name})"
    first_tie = next(i for i, m in enumerate(reference) if m["tied"] > 1)
    first_difference = {
        name: next((i for i, (a, b) in enumerate(zip(run, reference)) if a["pair"] != b["pair"]), None)
        for name, run in runs.items() if name != "hf_ids"
    }
    print(f"{len(texts)} texts, {len(counts)} distinct words, {MERGES} merges; first tie at merge "
          f"{first_tie}; first difference from HF's order: {first_difference}", file=sys.stderr)
    assert first_tie >= 80, first_tie

    doc = {
        "generator": GENERATOR,
        "tokenizers_version": tokenizers.__version__,
        "reference": "tokenizers.Tokenizer(models.BPE()), pre_tokenizer ByteLevel(add_prefix_space="
        "False), trained by BpeTrainer(vocab_size, min_frequency, special_tokens, initial_alphabet="
        "ByteLevel.alphabet()) on texts = every line repeated its count",
        "trainer": {"vocab_size": VOCAB_SIZE, "min_frequency": 1, "special_tokens": [EOT],
                    "initial_alphabet": "ByteLevel.alphabet() (all 256 bytes)"},
        "corpus": [{"text": line, "repeats": r} for line, r in zip(LINES, repeats)],
        "text_count": len(texts),
        "first_tie": first_tie,
        "ties": "merges before first_tie are forced (their pair's count was unique); the count "
        "sequence is forced on this corpus (same under four tie-breaking rules: HF's ids, byte "
        "order, reverse ids, random)",
        "first_difference_from_hf_order": first_difference,
        "words": sorted([w, c] for w, c in counts.items()),
        "merges": [[*m["pair"], m["count"], m["tied"]] for m in reference],
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=True, separators=(",", ":")) + "\n", encoding="ascii")
    size = OUT.stat().st_size
    print(f"wrote {OUT} ({size} bytes, budget {SIZE_BUDGET})", file=sys.stderr)
    assert size <= SIZE_BUDGET
    return 0


if __name__ == "__main__":
    sys.exit(main())
