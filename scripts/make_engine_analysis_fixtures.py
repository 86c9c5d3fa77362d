#!/usr/bin/env python3
"""References for the engine features the circuit analyses need (HeadLab issue 12, item 1):
right-padded ragged batches and the opt-in hook sites hook_attn_in, hook_q_input, hook_k_input,
hook_v_input and hook_mlp_in, on the committed fixture model models/tiny-f32.

Reads Tests/TransformerEngineTests/Resources/models/tiny-f32 (written by
scripts/make_engine_fixtures.py; never rewritten here) and writes only
references/engine-analysis-tiny-f32.json and references/engine-analysis-tiny-f32.safetensors
(or under --out DIR).

Ragged batch: three rows of lengths 7, 4 and 6 (<|endoftext|> then seeded random ids), padded on
the right with token 0 to T = 7, run through transformers 5 (eager attention) with
attention_mask (1 on real tokens) and position_ids = 0..T-1 ("ragged/hf_logits" [B,T,V], every
position, padding included: padded queries attend to the row's real keys only), and through
TransformerLens 3.9 with the same attention_mask ("ragged/tl_logits" [B,T,V]; only real positions
are meaningful: TransformerLens gives padded positions other position ids). Each row is also run
alone, unpadded, to check here that the real positions agree within 1e-5.

Hook sites: one batch (B=2 rows of T=6) through TransformerLens models with use_attn_in,
use_split_qkv_input and use_hook_mlp_in (weights unprocessed, as fixture_common.build_tl):
  "sites/<hook name>"     the cached activation ([B,T,NH,C] or [B,T,C]);
  "<case>/value"          a replacement vector [B,C] written into one head at one position;
  "<case>/logits"         TransformerLens's logits [B,T,V] with that replacement.
Cases (hook, layer, head, position):
  k_input   blocks.1.hook_k_input  head 2, position 3  (TL model with use_split_qkv_input)
  q_input   blocks.0.hook_q_input  head 0, position 4  (use_split_qkv_input)
  v_input   blocks.1.hook_v_input  head 3, position 1  (use_split_qkv_input)
  attn_in   blocks.0.hook_attn_in  head 1, position 2  (use_attn_in only: q, k, v read it)
  mlp_in    blocks.0.hook_mlp_in   position 4, no head (use_hook_mlp_in)
The JSON also lists TransformerLens's hook names with all three flags on, and the order in which
every hook point fires in one forward pass with all three flags on.

Checks made here: the ragged real positions agree with the unpadded rows (1e-5) and
TransformerLens with transformers (1e-4); with identity hooks the flagged models give the plain
logits (1e-5); each replacement moves the logits by more than 0.05 and leaves the positions
before it unchanged (the k_input case also checks that head 2's keys are the only ones moved).

How to run (from the repository root; a few seconds on one CPU core, no network):

    python3 scripts/make_engine_analysis_fixtures.py     # [--out DIR]

Deterministic: fixed seeds, one torch thread. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from fixture_common import DEFAULT_OUT, build_tl, load_hf, log, maxdiff, versions, write_reference

GENERATOR = "scripts/make_engine_analysis_fixtures.py"
MODEL = "tiny-f32"
STEM = f"engine-analysis-{MODEL}"
SEED = 20261130
RAGGED_LENGTHS = [7, 4, 6]
PAD = 0
SITES_BATCH, SITES_POSITIONS = 2, 6
SAME_TOL = 1e-5
CROSS_TOL = 1e-4
MIN_EFFECT = 0.05

# (case, hook name, layer, head or None, position, TransformerLens flags)
CASES = [
    ("k_input", "blocks.1.hook_k_input", 1, 2, 3, "split"),
    ("q_input", "blocks.0.hook_q_input", 0, 0, 4, "split"),
    ("v_input", "blocks.1.hook_v_input", 1, 3, 1, "split"),
    ("attn_in", "blocks.0.hook_attn_in", 0, 1, 2, "attn_in"),
    ("mlp_in", "blocks.0.hook_mlp_in", 0, None, 4, "mlp_in"),
]


def random_rows(lengths, vocab_size: int, bos: int, gen: torch.Generator) -> list[list[int]]:
    rows = []
    for n in lengths:
        ids = torch.randint(1, vocab_size, (n,), generator=gen)
        ids[0] = bos
        rows.append(ids.tolist())
    return rows


def flagged_tl(hf, flags: str):
    tl = build_tl(hf)
    if flags in ("split", "all"):
        tl.set_use_split_qkv_input(True)
    if flags in ("attn_in", "all"):
        tl.set_use_attn_in(True)
    if flags in ("mlp_in", "all"):
        tl.set_use_hook_mlp_in(True)
    return tl


@torch.no_grad()
def ragged_references(hf, tl, gen) -> tuple[dict, dict]:
    rows = random_rows(RAGGED_LENGTHS, hf.config.vocab_size, hf.config.bos_token_id, gen)
    T = max(RAGGED_LENGTHS)
    ids = torch.tensor([r + [PAD] * (T - len(r)) for r in rows])
    mask = torch.tensor([[1] * len(r) + [0] * (T - len(r)) for r in rows])
    positions = torch.arange(T).unsqueeze(0).expand(len(rows), T)
    hf_logits = hf(ids, attention_mask=mask, position_ids=positions, use_cache=False).logits.float()
    tl_logits = tl(ids, attention_mask=mask).float()
    for b, r in enumerate(rows):
        n = len(r)
        alone = hf(torch.tensor([r]), use_cache=False).logits.float()[0]
        assert maxdiff(hf_logits[b, :n], alone) <= SAME_TOL, b
        assert maxdiff(tl_logits[b, :n], alone) <= CROSS_TOL, b
    doc = {"rows": rows, "lengths": RAGGED_LENGTHS, "pad_token": PAD, "positions": T}
    log(f"  ragged rows {RAGGED_LENGTHS}: real positions match the unpadded rows")
    return {"ragged/hf_logits": hf_logits, "ragged/tl_logits": tl_logits}, doc


def replacement_hook(head, position, value, fired: list):
    def hook(activation, hook):
        fired.append(hook.name)
        if head is None:
            activation[:, position, :] = value  # [B, T, C]
        else:
            activation[:, position, head, :] = value  # [B, T, NH, C]
        return activation

    return hook


@torch.no_grad()
def site_references(hf, gen) -> tuple[dict, dict]:
    ids = torch.tensor(random_rows([SITES_POSITIONS] * SITES_BATCH, hf.config.vocab_size, hf.config.bos_token_id, gen))
    plain = build_tl(hf)(ids).float()
    tensors = {"sites/clean_logits": plain}

    everything = flagged_tl(hf, "all")
    order: list[str] = []
    hooks = [(name, (lambda a, hook: order.append(hook.name))) for name in everything.hook_dict]
    everything.run_with_hooks(ids, fwd_hooks=hooks)
    logits, cache = everything.run_with_cache(ids)
    assert maxdiff(logits.float(), plain) <= SAME_TOL
    site_names = [n for n in everything.hook_dict if any(
        n.endswith(s) for s in ("hook_attn_in", "hook_q_input", "hook_k_input", "hook_v_input", "hook_mlp_in"))]
    for name in site_names:
        tensors[f"sites/{name}"] = cache[name].float()

    cases = []
    C = hf.config.n_embd
    for case, hook_name, layer, head, position, flags in CASES:
        tl = flagged_tl(hf, flags)
        value = 2.0 * torch.randn(SITES_BATCH, C, generator=gen)
        fired: list[str] = []
        logits = tl.run_with_hooks(ids, fwd_hooks=[(hook_name, replacement_hook(head, position, value, fired))]).float()
        assert fired == [hook_name], fired
        effect = maxdiff(logits, plain)
        assert effect >= MIN_EFFECT, (case, effect)
        assert maxdiff(logits[:, :position], plain[:, :position]) == 0.0, f"{case}: earlier positions moved"
        if case == "k_input":
            k_name = f"blocks.{layer}.attn.hook_k"
            captured = {}
            tl.run_with_hooks(ids, fwd_hooks=[
                (hook_name, replacement_hook(head, position, value, [])),
                (k_name, lambda a, hook: captured.update(k=a.clone())),
            ])
            k_clean, k_patched = cache[k_name], captured["k"]
            moved = (k_clean - k_patched).abs().amax(dim=(0, 3))  # [T, NH]
            assert moved[position, head] > 0 and moved.count_nonzero() == 1, moved
        tensors[f"{case}/value"] = value
        tensors[f"{case}/logits"] = logits
        entry = {"name": case, "hook": hook_name, "layer": layer, "head": head, "position": position,
                 "transformer_lens_flag": {"split": "use_split_qkv_input", "attn_in": "use_attn_in",
                                           "mlp_in": "use_hook_mlp_in"}[flags],
                 "value_key": f"{case}/value", "logits_key": f"{case}/logits",
                 "max_abs_logit_change_vs_clean": effect}
        cases.append(entry)
        log(f"  {case:8s} {hook_name:24s} change vs clean {effect:.3f}")
    doc = {"tokens": ids.tolist(), "site_names": site_names, "cases": cases,
           "hook_names_all_flags": list(everything.hook_dict), "hook_order_all_flags": order}
    return tensors, doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    log("versions:", versions())
    hf = load_hf(DEFAULT_OUT / "models" / MODEL)
    tl = build_tl(hf)
    gen = torch.Generator().manual_seed(SEED)
    ragged_tensors, ragged_doc = ragged_references(hf, tl, gen)
    site_tensors, site_doc = site_references(hf, gen)
    doc = {
        "model": MODEL,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{MODEL}",
        "ragged": ragged_doc,
        "sites": site_doc,
        "conventions": (
            "Right padding with token 0; attention_mask 1 on real tokens. ragged/hf_logits: "
            "transformers GPT2LMHeadModel (eager) with position_ids 0..T-1, every position "
            "meaningful. ragged/tl_logits: TransformerLens with the same attention_mask, real "
            "positions only. sites/<hook>: TransformerLens cache with use_attn_in, "
            "use_split_qkv_input and use_hook_mlp_in all on. <case>/value [B,C] replaces "
            "head `head` (hook [B,T,NH,C]) or the whole row (hook_mlp_in [B,T,C]) at `position`; "
            "<case>/logits [B,T,V] are TransformerLens's logits with only that case's flag on."
        ),
    }
    tensors = ragged_tensors | site_tensors
    write_reference(args.out / "references", STEM, tensors, doc, f"{STEM} references written by {GENERATOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
