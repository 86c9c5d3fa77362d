#!/usr/bin/env python3
"""Activation-patching, zero-ablation and attribution-patching references for the
CircuitAnalysis tests (HeadLab, issue 12 items 4, 5 and 7): TransformerLens 3.9.0 on the
committed fixture model models/tiny-f32.

Reads Tests/CircuitAnalysisTests/Resources/models/tiny-f32 (a copy of the engine fixture; this
script never rewrites it) and writes only references/patching-tiny-f32.json and
references/patching-tiny-f32.safetensors under Tests/CircuitAnalysisTests/Resources (or --out).

Model: TransformerLens HookedTransformer built from the Hugging Face weights with NO weight
processing (fold_ln, center_writing_weights, center_unembed, refactor_factored_attn_matrices and
fold_value_biases all False), float32, one torch thread.

Cases (token ids, BOS = id 0 at position 0, every other id drawn from 1..V-1):
  ioi     B=1, T=10: clean = BOS + 9 seeded ids; corrupted = clean with positions 2 and 6
          replaced by other ids; answer and wrong two distinct ids. The seed is chosen so that
          |metric(clean) - metric(corrupted)| > 0.2 (asserted).
  repeat  B=2, T=12: clean row = BOS r1..r6 r1..r5, corrupted row = BOS s1..s6 r1..r5 (the 12
          ids r, s of a row are distinct); answer = r6, wrong = s6, per row.

Metric M(logits) = mean over rows b of logits[b, T-1, answer[b]] - logits[b, T-1, wrong[b]]
(raw logit difference, not normalised).

Per case and direction (denoising: run corrupted tokens, patch from the clean cache, which is
TransformerLens's default; noising: run clean tokens, patch from the corrupted cache, i.e. TL's
functions called with the roles swapped) this writes every sweep of transformer_lens.patching,
the resid_post sweep TL lacks (checked against a Hugging Face forward hook), and the
attribution-patching (AtP, Nanda 2023) estimate of every non-stacked granularity; per case the
zero ablation of each head. The JSON documents every tensor key (shape, axes, meaning).

Checks (asserted): every patch sweep moves the metric by > 1e-3 somewhere and every AtP estimate
is > 1e-3 somewhere; TL's every_* functions equal the stacked single sweeps exactly; patching the
clean cache into the clean run gives metric(clean) within 1e-6 (attn_head_out_all_pos and
resid_pre); resid_post equals a Hugging Face forward hook on block l's output within 1e-5 and
equals resid_pre of layer l+1; zero ablation equals a Hugging Face pre-hook on attn.c_proj that
zeroes the head's columns within 1e-5; several AtP values equal a central finite difference of
M along (a_source - a_run) within 2e-3 relative.

How to run (from the repository root; about a minute on one core, no network):

    python3 scripts/make_patching_fixtures.py     # [--out DIR]

Deterministic: fixed seeds, one torch thread. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")  # transformer_lens.patching shows a bar per sweep

import torch  # noqa: E402

import transformer_lens.patching as patching  # noqa: E402
from fixture_common import (  # noqa: E402
    REPO, build_tl, config_summary, load_hf, log, maxdiff, versions, write_reference)

GENERATOR = "scripts/make_patching_fixtures.py"
MODEL = "tiny-f32"
STEM = f"patching-{MODEL}"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
BOS = 0
IOI_SEED, IOI_T, IOI_CORRUPTED_POSITIONS = 10, 10, (2, 6)
REPEAT_SEED, REPEAT_B, REPEAT_HALF = 20261130, 2, 6
MIN_BASELINE_GAP = 0.2
MIN_EFFECT = 1e-3
SELF_PATCH_TOL = 1e-6
HF_TOL = 1e-5
FD_EPS, FD_REL_TOL = 1e-2, 2e-3

# ----------------------------------------------------------------------------- sweeps

# name -> (TL function, hook name pattern, axes, what one cell patches). Axes name the output
# dimensions in order: layer, pos (= dest_pos for pattern), head, src_pos.
SWEEPS = {
    "resid_pre": ("get_act_patch_resid_pre", "blocks.{layer}.hook_resid_pre", ["layer", "pos"],
                  "hook_resid_pre [B,T,C] at (layer, pos), every row and every C"),
    "resid_mid": ("get_act_patch_resid_mid", "blocks.{layer}.hook_resid_mid", ["layer", "pos"],
                  "hook_resid_mid [B,T,C] at (layer, pos), every row and every C"),
    "attn_out": ("get_act_patch_attn_out", "blocks.{layer}.hook_attn_out", ["layer", "pos"],
                 "hook_attn_out [B,T,C] at (layer, pos), every row and every C"),
    "mlp_out": ("get_act_patch_mlp_out", "blocks.{layer}.hook_mlp_out", ["layer", "pos"],
                "hook_mlp_out [B,T,C] at (layer, pos), every row and every C"),
    "attn_head_out_all_pos": ("get_act_patch_attn_head_out_all_pos", "blocks.{layer}.attn.hook_z",
                              ["layer", "head"], "hook_z [B,T,NH,HS][:, :, head, :] (all positions)"),
    "attn_head_q_all_pos": ("get_act_patch_attn_head_q_all_pos", "blocks.{layer}.attn.hook_q",
                            ["layer", "head"], "hook_q [B,T,NH,HS][:, :, head, :] (all positions)"),
    "attn_head_k_all_pos": ("get_act_patch_attn_head_k_all_pos", "blocks.{layer}.attn.hook_k",
                            ["layer", "head"], "hook_k [B,T,NH,HS][:, :, head, :] (all positions)"),
    "attn_head_v_all_pos": ("get_act_patch_attn_head_v_all_pos", "blocks.{layer}.attn.hook_v",
                            ["layer", "head"], "hook_v [B,T,NH,HS][:, :, head, :] (all positions)"),
    "attn_head_pattern_all_pos": ("get_act_patch_attn_head_pattern_all_pos",
                                  "blocks.{layer}.attn.hook_pattern", ["layer", "head"],
                                  "hook_pattern [B,NH,Tdest,Tsrc][:, head, :, :]"),
    "attn_head_out_by_pos": ("get_act_patch_attn_head_out_by_pos", "blocks.{layer}.attn.hook_z",
                             ["layer", "pos", "head"], "hook_z [B,T,NH,HS][:, pos, head, :]"),
    "attn_head_q_by_pos": ("get_act_patch_attn_head_q_by_pos", "blocks.{layer}.attn.hook_q",
                           ["layer", "pos", "head"], "hook_q [B,T,NH,HS][:, pos, head, :]"),
    "attn_head_k_by_pos": ("get_act_patch_attn_head_k_by_pos", "blocks.{layer}.attn.hook_k",
                           ["layer", "pos", "head"], "hook_k [B,T,NH,HS][:, pos, head, :]"),
    "attn_head_v_by_pos": ("get_act_patch_attn_head_v_by_pos", "blocks.{layer}.attn.hook_v",
                           ["layer", "pos", "head"], "hook_v [B,T,NH,HS][:, pos, head, :]"),
    "attn_head_pattern_by_pos": ("get_act_patch_attn_head_pattern_by_pos",
                                 "blocks.{layer}.attn.hook_pattern", ["layer", "head", "dest_pos"],
                                 "hook_pattern [B,NH,Tdest,Tsrc][:, head, dest_pos, :] (one row of the pattern)"),
    "attn_head_pattern_dest_src_pos": ("get_act_patch_attn_head_pattern_dest_src_pos",
                                       "blocks.{layer}.attn.hook_pattern",
                                       ["layer", "head", "dest_pos", "src_pos"],
                                       "hook_pattern [B,NH,Tdest,Tsrc][:, head, dest_pos, src_pos] (one entry; "
                                       "the pattern is not renormalised)"),
}
# The stacked sweeps: TL function, axes, and the single sweeps stacked along axis 0, in the order
# of transformer_lens/patching.py (get_act_patch_block_every, ..._attn_head_all_pos_every,
# ..._attn_head_by_pos_every).
STACKED = {
    "every_block": ("get_act_patch_block_every", ["component", "layer", "pos"],
                    ["resid_pre", "attn_out", "mlp_out"]),
    "every_head_all_pos": ("get_act_patch_attn_head_all_pos_every", ["component", "layer", "head"],
                           ["attn_head_out_all_pos", "attn_head_q_all_pos", "attn_head_k_all_pos",
                            "attn_head_v_all_pos", "attn_head_pattern_all_pos"]),
    "every_head_by_pos": ("get_act_patch_attn_head_by_pos_every", ["component", "layer", "pos", "head"],
                          ["attn_head_out_by_pos", "attn_head_q_by_pos", "attn_head_k_by_pos",
                           "attn_head_v_by_pos", "attn_head_pattern_by_pos"]),
}
RESID_POST = ("blocks.{layer}.hook_resid_post", ["layer", "pos"],
              "hook_resid_post [B,T,C] at (layer, pos), every row and every C")


def logit_diff_metric(answer: list[int], wrong: list[int]):
    """M(logits [B,T,V]) = mean_b logits[b, -1, answer[b]] - logits[b, -1, wrong[b]]."""
    a, w = torch.tensor(answer), torch.tensor(wrong)

    def metric(logits: torch.Tensor) -> torch.Tensor:
        last = logits[:, -1, :]
        rows = torch.arange(last.shape[0])
        return (last[rows, a] - last[rows, w]).mean()

    return metric


def tl_sweeps(tl, run_tokens, source_cache, metric) -> dict[str, torch.Tensor]:
    """Every transformer_lens.patching sweep: run `run_tokens`, patch from `source_cache`."""
    out = {}
    for name, (fn, *_rest) in SWEEPS.items():
        out[name] = getattr(patching, fn)(tl, run_tokens, source_cache, metric)
    for name, (fn, _axes, parts) in STACKED.items():
        out[name] = getattr(patching, fn)(tl, run_tokens, source_cache, metric)
        singles = [out[p] if p != "attn_head_pattern_by_pos" else out[p].transpose(1, 2) for p in parts]
        assert torch.equal(out[name], torch.stack(singles)), f"{name} is not the stack of {parts}"
    return out


def resid_post_sweep(tl, run_tokens, source_cache, metric) -> torch.Tensor:
    """[L,T]: blocks.{l}.hook_resid_post[:, pos, :] from the source cache, run_with_hooks."""
    L, T = tl.cfg.n_layers, run_tokens.shape[1]
    out = torch.zeros(L, T)
    for layer in range(L):
        name = RESID_POST[0].format(layer=layer)
        for pos in range(T):
            def hook(act, hook, pos=pos, src=source_cache[name]):
                act = act.clone()
                act[:, pos, :] = src[:, pos, :]
                return act
            out[layer, pos] = metric(tl.run_with_hooks(run_tokens, fwd_hooks=[(name, hook)])).item()
    return out


def hf_block_outputs(hf, tokens) -> list[torch.Tensor]:
    """Each transformer block's output hidden state [B,T,C] (before ln_f for the last)."""
    outs, handles = [], []
    for block in hf.transformer.h:
        handles.append(block.register_forward_hook(lambda m, a, o: outs.append((o[0] if isinstance(o, tuple) else o).clone())))
    try:
        hf(tokens, use_cache=False)
    finally:
        for h in handles:
            h.remove()
    return outs


def hf_resid_post_sweep(hf, run_tokens, source_tokens, metric) -> torch.Tensor:
    """The resid_post sweep done on the transformers model: a forward hook on block l rewrites
    its output hidden state at one position with the source run's (also from a transformers hook)."""
    source = hf_block_outputs(hf, source_tokens)
    L, T = len(source), run_tokens.shape[1]
    out = torch.zeros(L, T)
    for layer, block in enumerate(hf.transformer.h):
        for pos in range(T):
            def rewrite(_m, _a, o, pos=pos, src=source[layer]):
                hidden = (o[0] if isinstance(o, tuple) else o).clone()
                hidden[:, pos, :] = src[:, pos, :]
                return (hidden,) + tuple(o[1:]) if isinstance(o, tuple) else hidden
            handle = block.register_forward_hook(rewrite)
            try:
                out[layer, pos] = metric(hf(run_tokens, use_cache=False).logits.float()).item()
            finally:
                handle.remove()
    return out


def zero_ablate_each_head(tl, tokens, metric) -> torch.Tensor:
    """[L,NH]: M with blocks.{l}.attn.hook_z[:, :, h, :] = 0, everything else clean."""
    out = torch.zeros(tl.cfg.n_layers, tl.cfg.n_heads)
    for layer in range(tl.cfg.n_layers):
        for head in range(tl.cfg.n_heads):
            def hook(z, hook, head=head):
                z = z.clone()
                z[:, :, head, :] = 0
                return z
            logits = tl.run_with_hooks(tokens, fwd_hooks=[(f"blocks.{layer}.attn.hook_z", hook)])
            out[layer, head] = metric(logits).item()
    return out


def hf_zero_ablate_each_head(hf, tokens, metric) -> torch.Tensor:
    """The same ablation on the transformers model: a pre-hook on attn.c_proj zeroes head h's
    columns h*HS..(h+1)*HS of the merged heads."""
    c = hf.config
    hs = c.n_embd // c.n_head
    out = torch.zeros(c.n_layer, c.n_head)
    for layer, block in enumerate(hf.transformer.h):
        for head in range(c.n_head):
            def pre(_m, args, head=head):
                merged = args[0].clone()
                merged[:, :, head * hs:(head + 1) * hs] = 0
                return (merged,) + args[1:]
            handle = block.attn.c_proj.register_forward_pre_hook(pre)
            try:
                out[layer, head] = metric(hf(tokens, use_cache=False).logits.float()).item()
            finally:
                handle.remove()
    return out


# ----------------------------------------------------------------------------- attribution patching

ATP_HOOKS = ["hook_resid_pre", "hook_resid_mid", "hook_resid_post", "hook_attn_out", "hook_mlp_out",
             "attn.hook_z", "attn.hook_q", "attn.hook_k", "attn.hook_v", "attn.hook_pattern"]


def activations_and_grads(tl, tokens, metric):
    """Forward `tokens`, backward M; the activations and dM/d(activation) at every ATP hook
    (TransformerLens forward and backward hooks)."""
    wanted = lambda name: any(name.endswith("." + h) for h in ATP_HOOKS)  # noqa: E731
    acts, grads = {}, {}

    def save_act(act, hook):
        acts[hook.name] = act.detach().clone()

    def save_grad(grad, hook):
        grads[hook.name] = grad.detach().clone()

    tl.zero_grad(set_to_none=True)
    with torch.enable_grad():
        tl.add_hook(wanted, save_act, "fwd")
        tl.add_hook(wanted, save_grad, "bwd")
        try:
            value = metric(tl(tokens))
            value.backward()
        finally:
            tl.reset_hooks()
    tl.zero_grad(set_to_none=True)
    assert acts.keys() == grads.keys(), set(acts) ^ set(grads)
    return value.item(), acts, grads


def atp_estimates(tl, run_acts, run_grads, source_acts) -> dict[str, torch.Tensor]:
    """sum over the patched elements of (a_source - a_run) * dM/da|run, per granularity."""
    L = tl.cfg.n_layers

    def prod(site: str, layer: int) -> torch.Tensor:
        name = f"blocks.{layer}.{site}"
        return (source_acts[name] - run_acts[name]) * run_grads[name]

    def per_layer(site, reduce):
        return torch.stack([reduce(prod(site, layer)) for layer in range(L)])

    out = {}
    for name, site in [("resid_pre", "hook_resid_pre"), ("resid_mid", "hook_resid_mid"),
                       ("attn_out", "hook_attn_out"), ("mlp_out", "hook_mlp_out"),
                       ("resid_post", "hook_resid_post")]:
        out[name] = per_layer(site, lambda e: e.sum(dim=(0, 2)))  # [B,T,C] -> [T]
    for part, site in [("out", "attn.hook_z"), ("q", "attn.hook_q"), ("k", "attn.hook_k"), ("v", "attn.hook_v")]:
        out[f"attn_head_{part}_all_pos"] = per_layer(site, lambda e: e.sum(dim=(0, 1, 3)))  # [B,T,NH,HS] -> [NH]
        out[f"attn_head_{part}_by_pos"] = per_layer(site, lambda e: e.sum(dim=(0, 3)))  # -> [T,NH]
    out["attn_head_pattern_all_pos"] = per_layer("attn.hook_pattern", lambda e: e.sum(dim=(0, 2, 3)))  # [B,NH,Tq,Tk] -> [NH]
    out["attn_head_pattern_by_pos"] = per_layer("attn.hook_pattern", lambda e: e.sum(dim=(0, 3)))  # -> [NH,Tq]
    out["attn_head_pattern_dest_src_pos"] = per_layer("attn.hook_pattern", lambda e: e.sum(dim=0))  # -> [NH,Tq,Tk]
    return out


def finite_difference(tl, tokens, metric, name, mask, run_acts, source_acts) -> float:
    """dM/dt at t=0 of M(run with a = a_run + t * mask * (a_source - a_run) at hook `name`),
    a central difference: what the AtP estimate of that patch linearises."""
    delta = mask * (source_acts[name] - run_acts[name])

    def value(t):
        hook = lambda act, hook: act + t * delta  # noqa: E731
        return metric(tl.run_with_hooks(tokens, fwd_hooks=[(name, hook)]).double()).item()

    return (value(FD_EPS) - value(-FD_EPS)) / (2 * FD_EPS)


def check_atp_by_finite_differences(tl, tokens, metric, run_acts, source_acts, atp, label) -> list[dict]:
    """A few AtP cells against the central finite difference of the same directional derivative."""
    T = tokens.shape[1]
    checks = []
    for sweep, name, index, shape_of_mask in [
        ("resid_pre", "blocks.1.hook_resid_pre", (1, T - 1), lambda a: (slice(None), T - 1)),
        ("attn_head_out_all_pos", "blocks.0.attn.hook_z", (0, 1), lambda a: (slice(None), slice(None), 1)),
        ("attn_head_k_by_pos", "blocks.1.attn.hook_k", (1, 2, 3), lambda a: (slice(None), 2, 3)),
        ("attn_head_pattern_by_pos", "blocks.1.attn.hook_pattern", (1, 2, T - 1),
         lambda a: (slice(None), 2, T - 1)),
    ]:
        mask = torch.zeros_like(run_acts[name])
        mask[shape_of_mask(mask)] = 1
        fd = finite_difference(tl, tokens, metric, name, mask, run_acts, source_acts)
        estimate = atp[sweep][index].item()
        err = abs(fd - estimate)
        assert err <= FD_REL_TOL * max(1.0, abs(fd)), (label, sweep, index, fd, estimate)
        checks.append({"sweep": sweep, "index": list(index), "atp": estimate, "finite_difference": fd,
                       "abs_diff": err})
    return checks


# ----------------------------------------------------------------------------- cases


def draw_ids(gen: torch.Generator, vocab: int, count: int) -> list[int]:
    """`count` distinct ids from 1..vocab-1 (never BOS)."""
    return (torch.randperm(vocab - 1, generator=gen)[:count] + 1).tolist()


def make_ioi(vocab: int) -> dict:
    gen = torch.Generator().manual_seed(IOI_SEED)
    clean = [BOS] + torch.randint(1, vocab, (IOI_T - 1,), generator=gen).tolist()
    corrupted = list(clean)
    for pos in IOI_CORRUPTED_POSITIONS:
        while corrupted[pos] == clean[pos]:
            corrupted[pos] = torch.randint(1, vocab, (1,), generator=gen).item()
    answer, wrong = draw_ids(gen, vocab, 2)
    return {"seed": IOI_SEED, "clean": [clean], "corrupted": [corrupted], "answer": [answer], "wrong": [wrong],
            "differing_positions": list(IOI_CORRUPTED_POSITIONS),
            "construction": "clean = BOS + 9 ids drawn with torch.randint(1, V); corrupted = clean with "
                            "positions 2 and 6 redrawn until different; answer, wrong = 2 distinct ids "
                            "(torch.randperm); one torch.Generator seeded with `seed`"}


def make_repeat(vocab: int) -> dict:
    gen = torch.Generator().manual_seed(REPEAT_SEED)
    case = {"seed": REPEAT_SEED, "clean": [], "corrupted": [], "answer": [], "wrong": [],
            "differing_positions": list(range(1, REPEAT_HALF + 1)),
            "construction": "per row 12 distinct ids r1..r6, s1..s6 (torch.randperm of 1..V-1); clean = "
                            "BOS r1..r6 r1..r5, corrupted = BOS s1..s6 r1..r5, answer = r6, wrong = s6; "
                            "one torch.Generator seeded with `seed`"}
    for _ in range(REPEAT_B):
        ids = draw_ids(gen, vocab, 2 * REPEAT_HALF)
        r, s = ids[:REPEAT_HALF], ids[REPEAT_HALF:]
        case["clean"].append([BOS] + r + r[:-1])
        case["corrupted"].append([BOS] + s + r[:-1])
        case["answer"].append(r[-1])
        case["wrong"].append(s[-1])
    return case


# ----------------------------------------------------------------------------- documentation


def atp_summed_axes(sweep: str) -> list[str]:
    """The activation axes an AtP estimate sums over (the others are the output axes)."""
    if sweep.startswith("attn_head_pattern"):
        return {"all_pos": ["batch", "dest_pos", "src_pos"], "by_pos": ["batch", "src_pos"],
                "dest_src_pos": ["batch"]}[sweep.removeprefix("attn_head_pattern_")]
    if sweep.startswith("attn_head_"):
        return ["batch", "pos", "d_head"] if sweep.endswith("_all_pos") else ["batch", "d_head"]
    return ["batch", "d_model"]


def describe(case: str, direction: str, method: str, sweep: str, shape: list[int]) -> dict:
    run, source = ("corrupted", "clean") if direction == "denoising" else ("clean", "corrupted")
    if sweep in STACKED:
        fn, axes, parts = STACKED[sweep]
        return {
            "shape": shape, "axes": axes, "source": f"transformer_lens.patching.{fn}",
            "component_order": parts,
            "meaning": f"M after patching, run on the {run} tokens with the {source} cache: TL's stack (axis 0 "
                       f"in the order of component_order, from transformer_lens/patching.py) of the single "
                       f"sweeps" + ("; the pattern component is attn_head_pattern_by_pos rearranged "
                                    "[L,NH,T] -> [L,T,NH] (TL: einops 'batch head pos -> batch pos head')"
                                    if sweep == "every_head_by_pos" else ""),
        }
    if sweep == "resid_post":
        hook, axes, patched = RESID_POST
        source_fn = "this script (run_with_hooks); TransformerLens has no resid_post sweep"
    else:
        fn, hook, axes, patched = SWEEPS[sweep]
        source_fn = f"transformer_lens.patching.{fn}"
    entry = {"shape": shape, "axes": axes, "hook": hook, "patched_slice": patched}
    if method == "patch":
        entry["source"] = source_fn
        entry["meaning"] = (f"M after patching one cell: run the {run} tokens with {hook}'s patched_slice "
                            f"replaced by the {source} run's (all rows at once); the absolute metric, not a change")
    else:
        entry["source"] = "this script: TransformerLens fwd/bwd hooks, one backward pass of M"
        entry["summed_axes"] = atp_summed_axes(sweep)
        sums = "the summed_axes"
        entry["meaning"] = (f"AtP estimate of the CHANGE of M (patched M minus the {run} run's M) for the same "
                            f"cell as {case}/{direction}/patch/{sweep}: sum over {sums} of "
                            f"(a_{source} - a_{run}) * dM/da evaluated on the {run} run, at {hook}")
    return entry


# ----------------------------------------------------------------------------- main


def run_case(tl, hf, name: str, case: dict, tensors: dict, keys: dict) -> dict:
    clean = torch.tensor(case["clean"])
    corrupted = torch.tensor(case["corrupted"])
    metric = logit_diff_metric(case["answer"], case["wrong"])
    with torch.no_grad():
        clean_logits, clean_cache = tl.run_with_cache(clean)
        corrupted_logits, corrupted_cache = tl.run_with_cache(corrupted)
        m_clean, m_corrupted = metric(clean_logits).item(), metric(corrupted_logits).item()
        assert abs(metric(hf(clean, use_cache=False).logits) - m_clean) < HF_TOL
        assert abs(metric(hf(corrupted, use_cache=False).logits) - m_corrupted) < HF_TOL
    log(f"{name}: M(clean) {m_clean:.6f}  M(corrupted) {m_corrupted:.6f}")
    if name == "ioi":
        assert abs(m_clean - m_corrupted) > MIN_BASELINE_GAP, (m_clean, m_corrupted)
    info = {k: case[k] for k in ("seed", "construction", "differing_positions")}
    info |= {"batch": clean.shape[0], "positions": clean.shape[1], "clean_tokens": case["clean"],
             "corrupted_tokens": case["corrupted"], "answer": case["answer"], "wrong": case["wrong"],
             "metric_clean": m_clean, "metric_corrupted": m_corrupted}
    checks = {}

    with torch.no_grad():
        # Patching the clean run into itself changes nothing.
        self_patch = {}
        for sweep in ("attn_head_out_all_pos", "resid_pre"):
            values = getattr(patching, SWEEPS[sweep][0])(tl, clean, clean_cache, metric)
            self_patch[sweep] = (values - m_clean).abs().max().item()
            assert self_patch[sweep] <= SELF_PATCH_TOL, (name, sweep, self_patch[sweep])
        checks["self_patch_max_abs_diff_from_metric_clean"] = self_patch

        ablation = zero_ablate_each_head(tl, clean, metric)
        hf_ablation = hf_zero_ablate_each_head(hf, clean, metric)
        checks["ablate_zero_each_head_max_abs_diff_vs_transformers"] = maxdiff(ablation, hf_ablation)
        assert checks["ablate_zero_each_head_max_abs_diff_vs_transformers"] <= HF_TOL
        assert (ablation - m_clean).abs().max() > MIN_EFFECT
        key = f"{name}/ablate_zero_each_head"
        tensors[key] = ablation
        keys[key] = {"shape": list(ablation.shape), "axes": ["layer", "head"], "hook": "blocks.{layer}.attn.hook_z",
                     "source": "this script: TransformerLens run_with_hooks, one run per head",
                     "meaning": "M on the clean tokens with hook_z[:, :, head, :] = 0 (all rows, all positions) "
                                "at that layer; the absolute metric (compare with metric_clean)"}

    directions = {"denoising": (corrupted, clean_cache, clean, corrupted_cache, m_corrupted),
                  "noising": (clean, corrupted_cache, corrupted, clean_cache, m_clean)}
    for direction, (run_tokens, source_cache, source_tokens, run_cache, m_run) in directions.items():
        with torch.no_grad():
            sweeps = tl_sweeps(tl, run_tokens, source_cache, metric)
            sweeps["resid_post"] = resid_post_sweep(tl, run_tokens, source_cache, metric)
            hf_post = hf_resid_post_sweep(hf, run_tokens, source_tokens, metric)
        post_diff = maxdiff(sweeps["resid_post"], hf_post)
        assert post_diff <= HF_TOL, (name, direction, post_diff)
        assert torch.allclose(sweeps["resid_post"][:-1], sweeps["resid_pre"][1:], atol=SELF_PATCH_TOL, rtol=0)
        checks[f"{direction}_resid_post_max_abs_diff_vs_transformers_hook"] = post_diff
        m_check, acts, grads = activations_and_grads(tl, run_tokens, metric)
        assert abs(m_check - m_run) < SELF_PATCH_TOL
        source_acts = {k: source_cache[k] for k in acts}
        atp = atp_estimates(tl, acts, grads, source_acts)
        checks[f"{direction}_atp_vs_finite_difference"] = check_atp_by_finite_differences(
            tl, run_tokens, metric, acts, source_acts, atp, f"{name}/{direction}")
        checks[f"{direction}_atp_pearson_vs_patch_change"] = {}
        for sweep, values in sweeps.items():
            moved = (values - m_run).abs().max().item()
            assert moved > MIN_EFFECT, (name, direction, sweep, moved)
            key = f"{name}/{direction}/patch/{sweep}"
            tensors[key] = values
            keys[key] = describe(name, direction, "patch", sweep, list(values.shape))
        for sweep, values in atp.items():
            assert values.shape == sweeps[sweep].shape, (sweep, values.shape, sweeps[sweep].shape)
            assert values.abs().max() > MIN_EFFECT, (name, direction, sweep)
            key = f"{name}/{direction}/atp/{sweep}"
            tensors[key] = values
            keys[key] = describe(name, direction, "atp", sweep, list(values.shape))
            change = (sweeps[sweep] - m_run).flatten().double()
            r = torch.corrcoef(torch.stack([values.flatten().double(), change]))[0, 1].item()
            checks[f"{direction}_atp_pearson_vs_patch_change"][sweep] = round(r, 4)
        log(f"  {direction}: {len(sweeps)} sweeps, {len(atp)} AtP estimates, |resid_post TL-HF| {post_diff:.2e}")
    info["checks"] = checks
    return info


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=RESOURCES, help="Resources directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    log("versions:", versions())

    hf = load_hf(RESOURCES / "models" / MODEL)
    tl = build_tl(hf)
    assert hf.config.bos_token_id == BOS
    vocab = hf.config.vocab_size
    tensors, keys, cases = {}, {}, {}
    for name, case in [("ioi", make_ioi(vocab)), ("repeat", make_repeat(vocab))]:
        cases[name] = run_case(tl, hf, name, case, tensors, keys)

    L, NH = hf.config.n_layer, hf.config.n_head
    doc = {
        "model": MODEL,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{MODEL}",
        "config": config_summary(hf.config),
        "metric": {
            "name": "logit_diff",
            "definition": "M = mean over rows b of logits[b, T-1, answer[b]] - logits[b, T-1, wrong[b]]; raw, "
                          "not normalised; float32",
        },
        "conventions": {
            "model": "TransformerLens 3.9.0 HookedTransformer from the HF weights, no weight processing "
                     "(fold_ln, center_writing_weights, center_unembed, refactor_factored_attn_matrices, "
                     "fold_value_biases all False), float32, torch.set_num_threads(1)",
            "directions": "denoising: run the corrupted tokens, patch in activations of the clean run (TL's "
                          "default: get_act_patch_*(model, corrupted_tokens, clean_cache, metric)); noising: run "
                          "the clean tokens, patch in activations of the corrupted run (the same functions with "
                          "the roles swapped: get_act_patch_*(model, clean_tokens, corrupted_cache, metric))",
            "patch_values": "<case>/<direction>/patch/<sweep>: the metric M after the patch (absolute, like TL), "
                            "one cell per patch; a patch replaces the slice in every batch row at once; "
                            "baselines are metric_clean and metric_corrupted of the case",
            "atp_values": "<case>/<direction>/atp/<sweep>: the attribution-patching estimate (Nanda 2023) of the "
                          "CHANGE of M, not M + change. Denoising: sum over the patched elements of "
                          "(a_clean - a_corrupted) * dM/da on the corrupted run; noising: (a_corrupted - a_clean) "
                          "* dM/da on the clean run. Summed over the batch rows (M is already a mean, so dM/da "
                          "carries the 1/B), over d_model / d_head, over positions for *_all_pos, over "
                          "(dest, src) for attn_head_pattern_all_pos and over src for attn_head_pattern_by_pos. "
                          "Same shape and axes as the matching patch sweep. No AtP for the stacked every_* sweeps",
            "axes": "layer 0..L-1; pos = token position (for hook_pattern sweeps: dest_pos = query position, "
                    "src_pos = key position); head 0..NH-1; component = index into component_order",
            "hooks": "q/k/v/z [B,T,NH,HS]; pattern [B,NH,Tdest,Tsrc] after softmax (entries with src > dest are 0 "
                     "in both runs, so patching them changes nothing); resid/attn_out/mlp_out [B,T,C]. "
                     "attn_head_out = hook_z (TL patches z, not hook_result)",
            "resid_post": "patch/resid_post[l, pos] replaces blocks.{l}.hook_resid_post[:, pos, :] (equals "
                          "resid_pre[l+1, pos] for l < L-1, and for l = L-1 the final residual before ln_final)",
            "ablate_zero_each_head": "<case>/ablate_zero_each_head [L,NH]: M on the clean tokens with that head's "
                                     "hook_z set to 0 at every position (= a head gate of 0)",
            "numbers": "every tensor float32 in the safetensors file, under exactly its key",
        },
        "cases": cases,
        "tensors": dict(sorted(keys.items())),
    }
    assert set(doc["tensors"]) == set(tensors)
    assert all(list(tensors[k].shape) == v["shape"] for k, v in keys.items())
    log(f"L={L} NH={NH}; {len(tensors)} tensors, {sum(t.numel() for t in tensors.values())} numbers")
    write_reference(args.out / "references", STEM, tensors, doc, f"{STEM} references written by {GENERATOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
