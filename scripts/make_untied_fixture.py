#!/usr/bin/env python3
"""An untied-embeddings GPT-2 fixture for the TransformerEngine tests (HeadLab).

Writes only these files under Tests/TransformerEngineTests/Resources/ (or --out DIR):

  models/tiny-untied/   GPT2LMHeadModel with tie_word_embeddings false, saved by
                        save_pretrained (config.json, generation_config.json, model.safetensors
                        holding a separate lm_head.weight [V, C]), plus vocab.json / merges.txt
                        copied from models/tiny-f32 (the tokenizer of scripts/make_engine_fixtures.py).
                        n_layer 2, n_head 2, n_embd 16, n_positions 16, n_inner null, gelu_new,
                        eps 1e-5; weights drawn as make_engine_fixtures.py draws them, with
                        lm_head.weight ~ N(0, 1) like wte but independent of it.
  references/tiny-untied.json / .safetensors
      "<case>/logits" [B,T,V]: GPT2LMHeadModel (eager, float32, one thread) at every position.
      Cases: batch2 (2 x 7) and single-full (1 x 16): <|endoftext|> then seeded random ids.
      The JSON records the tokens, how far TransformerLens (W_U = lm_head.weight^T) is from
      transformers, and how far the logits would move if wte were used as the unembedding.

Checks made here: the saved file holds lm_head.weight distinct from transformer.wte.weight, and
config.json says tie_word_embeddings false; GPT2LMHeadModel.from_pretrained reloads it with no
missing or unexpected keys and every weight unchanged; TransformerLens agrees with transformers
within 1e-4; using wte instead of lm_head.weight would move the logits by more than 1.

How to run (from the repository root; a few seconds, no network; models/tiny-f32 must exist):

    python3 scripts/make_untied_fixture.py     # [--out DIR]

Deterministic: fixed seeds, one torch thread. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors import safe_open
from transformers import GPT2LMHeadModel

from fixture_common import (
    DEFAULT_OUT,
    build_tl,
    config_summary,
    load_hf,
    log,
    maxdiff,
    versions,
    write_reference,
)
from make_engine_fixtures import init_weights, make_config, save_model_dir

GENERATOR = "scripts/make_untied_fixture.py"
NAME = "tiny-untied"
TOKENIZER_SOURCE = DEFAULT_OUT / "models" / "tiny-f32"
SPEC = dict(n_layer=2, n_head=2, n_embd=16, n_positions=16, n_inner=None)
WEIGHT_SEED = 20240612
TOKEN_SEED = 11
CASES = [("batch2", 2, 7), ("single-full", 1, SPEC["n_positions"])]  # (name, B, T)
LOGIT_TOL = 1e-4


def build_untied(vocab_size: int, bos: int) -> GPT2LMHeadModel:
    torch.manual_seed(0)  # post_init's own initialisation, overwritten by init_weights
    model = GPT2LMHeadModel(make_config(SPEC, vocab_size, bos, tied=False))
    init_weights(model, WEIGHT_SEED)
    assert model.lm_head.weight.data_ptr() != model.transformer.wte.weight.data_ptr()
    return model.eval()


def check_saved(model_dir: Path, model: GPT2LMHeadModel) -> None:
    """The directory holds a separate lm_head.weight and reloads with every weight unchanged."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    assert config["tie_word_embeddings"] is False, config
    with safe_open(str(model_dir / "model.safetensors"), framework="pt") as f:
        names = set(f.keys())
        head, wte = f.get_tensor("lm_head.weight"), f.get_tensor("transformer.wte.weight")
    assert {"lm_head.weight", "transformer.wte.weight"} <= names, names
    assert head.shape == wte.shape and not torch.equal(head, wte)
    reloaded, info = GPT2LMHeadModel.from_pretrained(str(model_dir), output_loading_info=True)
    assert not any(info.values()), info
    saved = model.state_dict()
    for k, v in reloaded.state_dict().items():
        assert torch.equal(v, saved[k]), f"{k} differs after reload"


def make_cases(vocab_size: int, bos: int) -> list[dict]:
    gen = torch.Generator().manual_seed(TOKEN_SEED)
    cases = []
    for name, B, T in CASES:
        ids = torch.randint(0, vocab_size, (B, T), generator=gen)
        ids[:, 0] = bos
        cases.append({"name": name, "tokens": ids.tolist(), "shape": [B, T]})
    return cases


@torch.no_grad()
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    log("versions:", versions())

    source = json.loads((TOKENIZER_SOURCE / "config.json").read_text(encoding="utf-8"))
    vocab_size, bos = source["vocab_size"], source["bos_token_id"]
    model = build_untied(vocab_size, bos)
    model_dir = args.out / "models" / NAME
    save_model_dir(model, model_dir, TOKENIZER_SOURCE / "vocab.json", TOKENIZER_SOURCE / "merges.txt")
    check_saved(model_dir, model)

    hf = load_hf(model_dir, tied=False)
    tl = build_tl(hf)
    wte = hf.transformer.wte.weight
    tensors = {}
    cases = make_cases(vocab_size, bos)
    for case in cases:
        ids = torch.tensor(case["tokens"])
        out = hf(ids, use_cache=False, output_hidden_states=True)
        logits = out.logits.float()
        final = out.hidden_states[-1]  # ln_f output
        diagnostics = {
            "max_abs_diff_tl_vs_hf": maxdiff(tl(ids).float(), logits),
            "max_abs_change_if_wte_unembeds": maxdiff(final @ wte.T, logits),
            "max_abs_logit": logits.abs().max().item(),
        }
        assert diagnostics["max_abs_diff_tl_vs_hf"] <= LOGIT_TOL, diagnostics
        assert diagnostics["max_abs_change_if_wte_unembeds"] > 1.0, diagnostics
        assert maxdiff(final @ hf.lm_head.weight.T, logits) <= LOGIT_TOL
        case["diagnostics"] = diagnostics
        tensors[f"{case['name']}/logits"] = logits
        log(f"  {case['name']:12s} {case['shape']}  {diagnostics}")

    doc = {
        "model": NAME,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{NAME}",
        "reference_dtype": "float32",
        "config": config_summary(hf.config) | {"tie_word_embeddings": False},
        "bos_token_id": bos,
        "cases": cases,
        "tensor_keys": "<case name>/logits [B,T,V]: transformers GPT2LMHeadModel, every position",
        "tolerance_note": (
            "float32, CPU, one thread. The unembedding is lm_head.weight [V, C] (logits = "
            "ln_f(x) @ lm_head.weight^T, no bias), not wte; an F32 engine should match within "
            "1e-4 max abs."
        ),
    }
    description = f"{NAME} references written by {GENERATOR}"
    write_reference(args.out / "references", NAME, tensors, doc, description)
    return 0


if __name__ == "__main__":
    sys.exit(main())
