#!/usr/bin/env python3
"""Hook-replacement references for the TransformerEngine tests (HeadLab): TransformerLens
`run_with_hooks` on the committed fixture model models/tiny-f32.

Reads Tests/TransformerEngineTests/Resources/models/tiny-f32 (written by
scripts/make_engine_fixtures.py; this script never rewrites it) and writes only
references/interventions-tiny-f32.json and references/interventions-tiny-f32.safetensors
(or under --out DIR).

One batch of token ids (B=2 rows of T=7: <|endoftext|> then seeded random ids) is run through
TransformerLens 3.9.0 (weights loaded unprocessed: fold_ln, center_writing_weights,
center_unembed, refactor_factored_attn_matrices and fold_value_biases all False) clean and with
one replacement hook at a time:

  z_head         blocks.1.attn.hook_z[:, :, 2, :] = value            value [B, T, d_head]
  pattern_head   blocks.0.attn.hook_pattern[:, 1, :, :] = value      value [B, T, T]: a causal
                 row-stochastic pattern (softmax of seeded scores with key > query masked out)
  resid_pre_pos  blocks.1.hook_resid_pre[:, 3, :] = value            value [B, d_model]
  z_head_zero    blocks.0.attn.hook_z[:, :, 3, :] = value            value [B, T, d_head] of zeros

safetensors (all F32): "clean/logits" [B,T,V]; "<name>/logits" [B,T,V] (TL logits at every
position with the hook active); "<name>/value" (the exact replacement the hook wrote, so the
engine applies the same numbers). The JSON lists the tokens, every intervention (hook name,
layer, head or position, value key and shape) and how far each moves the logits from clean.

Checks made here: every hook fired once; each intervention moves the logits by far more than
the 1e-4 test tolerance; positions before the replaced resid_pre position keep their clean
logits exactly; and the z replacements agree with an independent Hugging Face transformers run
(a forward pre-hook on that layer's attn.c_proj rewriting the head's columns of the merged z)
and the resid_pre replacement with a forward pre-hook on that block, within 1e-4.

How to run (from the repository root; a few seconds on one CPU core, no network):

    python3 scripts/make_intervention_fixtures.py     # [--out DIR]

Deterministic: fixed seeds, one torch thread. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from fixture_common import DEFAULT_OUT, build_tl, load_hf, log, maxdiff, versions, write_reference

GENERATOR = "scripts/make_intervention_fixtures.py"
MODEL = "tiny-f32"
STEM = f"interventions-{MODEL}"
BATCH, POSITIONS = 2, 7
SEED = 20240611
LOGIT_TOL = 1e-4
MIN_EFFECT = 0.05  # every intervention must move some logit by at least this much

# (name, hook name, layer, head, position); exactly one of head / position is set.
INTERVENTIONS = [
    ("z_head", "blocks.1.attn.hook_z", 1, 2, None),
    ("pattern_head", "blocks.0.attn.hook_pattern", 0, 1, None),
    ("resid_pre_pos", "blocks.1.hook_resid_pre", 1, None, 3),
    ("z_head_zero", "blocks.0.attn.hook_z", 0, 3, None),
]


def make_values(cfg, gen: torch.Generator) -> dict[str, torch.Tensor]:
    """The replacement tensors, drawn in a fixed order from one generator."""
    B, T = BATCH, POSITIONS
    scores = 2.0 * torch.randn(B, T, T, generator=gen)
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    pattern = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    assert torch.all(pattern[:, future] == 0)
    assert torch.allclose(pattern.sum(-1), torch.ones(B, T))
    return {
        "z_head": torch.randn(B, T, cfg.d_head, generator=gen),
        "pattern_head": pattern,
        "resid_pre_pos": 1.5 * torch.randn(B, cfg.d_model, generator=gen),
        "z_head_zero": torch.zeros(B, T, cfg.d_head),
    }


def replacement_hook(name: str, head, position, value: torch.Tensor, fired: list):
    """A TransformerLens hook function writing `value` into one head or one position."""

    def hook(activation, hook):
        fired.append(hook.name)
        if name == "pattern_head":
            activation[:, head, :, :] = value  # [B, NH, Tq, Tk]
        elif head is not None:
            activation[:, :, head, :] = value  # hook_z [B, T, NH, HS]
        else:
            activation[:, position, :] = value  # hook_resid_pre [B, T, C]
        return activation

    return hook


@torch.no_grad()
def hf_logits_with_replacement(hf, ids, name, layer, head, position, value) -> torch.Tensor:
    """The same z / resid_pre replacement done on the transformers model, for a cross-check."""
    block = hf.transformer.h[layer]
    if name.startswith("z_head"):
        d_head = hf.config.n_embd // hf.config.n_head
        columns = slice(head * d_head, (head + 1) * d_head)

        def pre(_module, args):
            merged = args[0].clone()  # [B, T, C]: heads merged, head h at columns h*HS..
            merged[:, :, columns] = value
            return (merged,) + args[1:]

        handle = block.attn.c_proj.register_forward_pre_hook(pre)
    else:

        def pre(_module, args, kwargs):
            hidden = args[0].clone()
            hidden[:, position, :] = value
            return (hidden,) + args[1:], kwargs

        handle = block.register_forward_pre_hook(pre, with_kwargs=True)
    try:
        return hf(ids, use_cache=False).logits.float()
    finally:
        handle.remove()


def make_tokens(vocab_size: int, bos: int, gen: torch.Generator) -> list[list[int]]:
    ids = torch.randint(0, vocab_size, (BATCH, POSITIONS), generator=gen)
    ids[:, 0] = bos
    assert ids[0].tolist() != ids[1].tolist()
    return ids.tolist()



@torch.no_grad()
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    log("versions:", versions())

    hf = load_hf(DEFAULT_OUT / "models" / MODEL)
    tl = build_tl(hf)
    gen = torch.Generator().manual_seed(SEED)
    tokens = make_tokens(hf.config.vocab_size, hf.config.bos_token_id, gen)
    values = make_values(tl.cfg, gen)
    ids = torch.tensor(tokens)

    clean = tl(ids).float()
    assert maxdiff(clean, hf(ids, use_cache=False).logits.float()) <= LOGIT_TOL
    tensors = {"clean/logits": clean}
    entries = []
    for name, hook_name, layer, head, position in INTERVENTIONS:
        fired: list[str] = []
        hook = replacement_hook(name, head, position, values[name], fired)
        logits = tl.run_with_hooks(ids, fwd_hooks=[(hook_name, hook)]).float()
        assert fired == [hook_name], fired
        effect = maxdiff(logits, clean)
        assert effect >= MIN_EFFECT, (name, effect)
        entry = {"name": name, "hook": hook_name, "layer": layer}
        entry |= {"head": head} if head is not None else {"position": position}
        entry["value_key"] = f"{name}/value"
        entry["value_shape"] = list(values[name].shape)
        tensors[f"{name}/value"] = values[name]
        entry["max_abs_logit_change_vs_clean"] = effect
        if name != "pattern_head":
            hf_logits = hf_logits_with_replacement(hf, ids, name, layer, head, position, values[name])
            entry["max_abs_diff_vs_transformers"] = maxdiff(logits, hf_logits)
            assert entry["max_abs_diff_vs_transformers"] <= LOGIT_TOL, entry
        if position is not None:
            assert torch.equal(logits[:, :position], clean[:, :position]), "earlier positions moved"
        tensors[f"{name}/logits"] = logits
        entries.append(entry)
        log(f"  {name:14s} {hook_name:28s} change vs clean {effect:8.3f}"
            f"  |TL-HF| {entry.get('max_abs_diff_vs_transformers', float('nan')):.2e}")

    doc = {
        "model": MODEL,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{MODEL}",
        "tokens": tokens,
        "shape": [BATCH, POSITIONS],
        "interventions": entries,
        "tensor_keys": "clean/logits and <name>/logits [B,T,V] (TransformerLens, every position); "
        "<name>/value: the replacement written by the hook",
        "conventions": (
            "TransformerLens 3.9.0 HookedTransformer, weights unprocessed, float32, one thread. "
            "hook_z [B,T,NH,HS]: value [B,T,HS] replaces head `head` at every position. "
            "hook_pattern [B,NH,Tq,Tk]: value [B,T,T] replaces head `head`'s pattern (z = "
            "pattern . v uses it). hook_resid_pre [B,T,C]: value [B,C] replaces position "
            "`position`. z_head_zero sets head `head`'s z to 0 (what a head gate of 0 does). "
            "max_abs_diff_vs_transformers: the same z / resid_pre replacement done with "
            "forward pre-hooks on a transformers GPT2LMHeadModel (eager)."
        ),
    }
    description = f"{STEM} references written by {GENERATOR}"
    write_reference(args.out / "references", STEM, tensors, doc, description)
    return 0


if __name__ == "__main__":
    sys.exit(main())
