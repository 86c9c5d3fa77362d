#!/usr/bin/env python3
"""Gradient and optimiser references for the TransformerEngine tests (HeadLab).

Reads the fixture models written by scripts/make_engine_fixtures.py (run that first; it leaves
this script's files alone, but rerun this one whenever it changes the models) and writes, under
Tests/TransformerEngineTests/Resources/references/ (or --out DIR):

  gradients-tiny-f32.json / .safetensors   backward pass of models/tiny-f32, four objectives
  adamw-tiny-f32.json / .safetensors       three clip + AdamW training steps of models/tiny-f32
  (with --wide also gradients-tiny-wide.json / .safetensors: models/tiny-wide, cross-entropy
  only.  Not committed: its parameter gradients alone are 275 kB and the two default pairs
  already use ~1.45 MB of the 1.5 MB budget for these fixtures.  A run without --wide deletes
  them.)

Every tensor is F32.  All references are computed in float32 on the CPU with one thread, models in
eval mode (no dropout), eager attention.

gradients-<model>.json
  {"model", "generator", "versions", "model_dir", "config", "bos_token_id",
   "cases": [...], "hook_names": [...], "param_names": [{"name", "shape"}...],
   "tensor_keys": {...}, "conventions": {...}}
  Every case has "name", "objective", "tokens" ([[ids]], B rows of equal length T, each starting
  with the <|endoftext|> id), "texts" (what the ids after the BOS decode to), "shape" [B, T],
  "value" (the objective, also stored as a tensor), "logits_shape", "diagnostics", and per
  objective:
    "cross_entropy"           "targets" [[ids]] (B x T: the tokens shifted left, plus one seeded
                              random id at the last position); value = mean over all B*T
                              positions of -log_softmax(logits[b, t])[targets[b][t]].
    "logit_difference"        "correct" [id per row], "wrong" [id per row]; value = mean over rows
                              of logits[b, T-1, correct[b]] - logits[b, T-1, wrong[b]].
    "log_probability"         "position" p (0 <= p < T-1, the same for every row), "tokens_at"
                              [id per row] (= tokens[b][p+1]); value = mean over rows of
                              log_softmax(logits[b, p])[tokens_at[b]].
    "logit_difference_gated"  as "logit_difference", plus "gates" [n_layer][n_head]: head h of
                              layer l has its z (TransformerLens blocks.{l}.attn.hook_z,
                              [B,T,NH,HS]) multiplied by gates[l][h] before the output projection
                              (c_proj / W_O).  The gates are multiples of 1/8 (exact in F32).
gradients-<model>.safetensors
  "<case>/value"           [1]
  "<case>/logits"          the logits the objective reads: [B,T,V] (cross_entropy), [B,1,V]
                           (last position: logit_difference*, position p: log_probability)
  "<case>/param/<name>"    d value / d parameter for every parameter of GPT2LMHeadModel under its
                           Hugging Face name and shape (Conv1D weights are [in, out]);
                           transformer.wte.weight holds embedding + tied-unembedding gradient
                           (there is no lm_head.weight entry).
  "<case>/act/<hook>"      d value / d activation at every TransformerLens hook point, in TL's
                           shapes (TransformerLens backward hooks, model.add_hook(dir="bwd")).
  "<case>/gate_grad"       [n_layer, n_head] d value / d gates (gated case only)
  "<case>/act_pre_gate/blocks.{l}.attn.hook_z"  (gated case only) d value / d z before the gate;
                           "<case>/act/blocks.{l}.attn.hook_z" is d value / d (z * gate), what TL's
                           backward hook at hook_z reports when the gate is a forward hook there.
                           act_pre_gate = act * gate (per head).

adamw-tiny-f32.json / .safetensors
  Three training steps from the saved tiny-f32 weights on one fixed batch (B=4, T=12, "tokens"
  and "targets" in the JSON).  Each step: zero grads; loss = mean cross-entropy over all B*T
  positions; backward; total_norm = torch.nn.utils.clip_grad_norm_(params, 1.0); AdamW step
  (torch.optim.AdamW, not fused, default foreach) with lr 1e-2, betas (0.9, 0.98), eps 1e-8 and two
  parameter groups: weight_decay 0.05 for every parameter with dim >= 2 (wte, wpe, every weight
  matrix), 0.0 for biases and LayerNorm weights/biases.  The tied wte is one parameter.
  Tensors: "step{s}/loss" [1] (before the update), "step{s}/grad_norm" [1] (the total L2 norm
  before clipping) for s = 1, 2, 3; "step1/param/<name>" and "step3/param/<name>" (every
  parameter after the update); "final/loss" [1] (loss of the batch after the third update).
  The JSON spells out the update formulas torch uses (checked here against a float64
  re-implementation) and how far a float64 run of the same three steps lands.

Conventions (TransformerLens 3.9.0, use_attn_result=True, no weight processing):
  * attn.hook_attn_scores is already scaled by 1/sqrt(head_size) and is -inf above the diagonal;
    its gradient there is exactly 0.
  * ln*.hook_scale is sqrt(mean((x - mean x)^2) + eps) [B,T,1] and ln*.hook_normalized is
    (x - mean x) / scale, before the LayerNorm weight and bias.  The gradient at hook_scale is the
    partial derivative through the division only (scale is the hook's output; what computed it
    is upstream), i.e. -sum_i dnormalized_i * (x_i - mean) / scale^2.
  * attn.hook_result [B,T,NH,d_model] is per head without c_proj's bias (hook_attn_out = sum over
    heads + bias), so its gradient is that of hook_attn_out repeated over heads.
  * unembed.hook_in is the ln_final output (after weight and bias); unembed.hook_out = logits.
  * TL's separate parameters W_E and W_U are checked against HF's tied wte (grad W_E + grad W_U^T).
  * TL's zero unembedding bias b_U has no HF counterpart and is not stored.
  * The key biases (c_attn.bias[n_embd:2*n_embd], TL b_K) have an exactly zero true gradient (a
    constant added to every key shifts a query's scores uniformly); the stored float32 values are
    rounding noise (up to ~1e-7 here): compare them with an absolute tolerance.
  * TL's TransformerBlock calls ln1 three times (query, key and value inputs), so the ln1 hooks
    fire three times per forward pass (with equal values); the stored gradient is the sum over
    the calls, i.e. the gradient of the one ln1 activation.

Checks (asserted and printed, also in each case's "diagnostics"): TL and HF values and logits
agree; every TL parameter gradient agrees with the HF gradient converted to TL's layout by TL's
own convert_gpt2_weights (embeddings: grad W_E + grad W_U^T vs the tied wte); HF's own tensors,
tapped with module hooks, give the same activation gradients as TL at 32 of the 42 hook points of
tiny-f32 (embed, pos_embed summed over the batch, resid_pre/mid/post, ln*.hook_normalized as HF's
LayerNorm output gradient times its weight, q/k/v from c_attn's output, pattern from HF's
attention weights, z from c_proj's input, attn_out, mlp pre/post/out, unembed in/out); the other
hooks are recomputed from neighbouring gradients (hook_scale, hook_attn_scores by the softmax
backward, hook_result = hook_attn_out's gradient per head); backward-hook gradients equal
retain_grad() gradients of the forward-hook tensors; a float64 run of HF and TL measures the
float32 error; the gate gradients match central finite differences in float64; the AdamW steps
match a float64 re-implementation of the update rule written out in adamw-tiny-f32.json.

How to run (from the repository root; about 15 seconds on 2 CPU cores):

    pip install torch transformers safetensors tokenizers transformer-lens==3.9.0
    python3 scripts/make_engine_fixtures.py      # only if models/ or references/ are missing
    python3 scripts/make_gradient_fixtures.py    # [--out DIR] [--wide]

No network access.  Deterministic: fixed seeds, one torch thread; rerunning with the same versions
rewrites identical files.  Helpers shared with make_engine_fixtures.py (loading the models,
building the TransformerLens model, writing the files) are in scripts/fixture_common.py.

Versions used to produce the committed fixtures:
    Python 3.11.7, torch 2.15.0, transformers 5.23.0, transformer-lens 3.9.0, safetensors 0.8.0,
    tokenizers 0.23.3, numpy 2.4.6.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import sys
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors import safe_open
from transformers import AutoTokenizer, GPT2LMHeadModel

import fixture_common
from fixture_common import DEFAULT_OUT, EOT, build_tl, load_hf, log, maxdiff, write_reference
# After fixture_common, which sets the warning filters for TransformerLens.
from transformer_lens import HookedTransformer
from transformer_lens.pretrained.weight_conversions import convert_gpt2_weights

GENERATOR = "scripts/make_gradient_fixtures.py"
SEED = 20240917
SIZE_BUDGET = 1_500_000  # bytes, all files this script writes

CE, LD, LP, GATED = "cross_entropy", "logit_difference", "log_probability", "logit_difference_gated"

# Plain English prompts written for these fixtures; rows take the first T-1 tokens of one each.
TEXTS = [
    "The small model reads the text and writes a guess for the next token in the line.",
    "When the wind came back in the evening, the water of the river turned grey again.",
    "Each head looks back at the earlier tokens and takes what it needs from them.",
    "She said that the train would leave at seven, but it left at eight and we were late.",
    "A layer norm divides the vector by its scale and then adds a learned bias to it.",
    "The cat sat on the mat, and the dog sat on the log beside the old tree.",
    "Three apples were on the table in the morning, and then there were only two.",
    "We change the activations of one prompt and see what changes in the output.",
    "The first matrix makes the vector four times as wide and the second one makes it narrow.",
    "In the afternoon the bird flew from the branch of the tree to the roof of the house.",
]

# Gradient cases per model: (name, objective, B, T, first text index, extra)
GRADIENT_PLANS = {
    "tiny-f32": [
        ("ce_b2_t10", CE, 2, 10, 0, {}),
        ("logit_diff_b3_t5", LD, 3, 5, 2, {}),
        ("log_prob_b2_t5_p2", LP, 2, 5, 5, {"position": 2}),
        ("logit_diff_gated_b3_t4", GATED, 3, 4, 7, {}),
    ],
    "tiny-wide": [
        ("ce_b2_t8", CE, 2, 8, 3, {}),
    ],
}

ADAMW = {
    "model": "tiny-f32",
    "batch": 4,
    "length": 12,
    "first_text": 1,
    "steps": 3,
    "lr": 1e-2,
    "betas": [0.9, 0.98],
    "eps": 1e-8,
    "weight_decay": 0.05,
    "max_grad_norm": 1.0,
    "store_params_after_steps": [1, 3],
}


def versions() -> dict:
    # This script's JSON files list safetensors before tokenizers (make_engine_fixtures' after).
    return fixture_common.versions(
        ("python", "torch", "transformers", "transformer_lens", "safetensors", "tokenizers", "numpy")
    )


def maxabs(a: torch.Tensor) -> float:
    return a.double().abs().max().item()


def f32(x: torch.Tensor) -> float:
    """A scalar tensor as the Python float of its float32 value."""
    return float(np.float32(x.detach().reshape(()).item()))


# --------------------------------------------------------------------------- models


def hf_param_names(model: GPT2LMHeadModel, model_dir: Path) -> list[str]:
    """Parameter names in model order; they must be exactly the keys of model.safetensors."""
    names = [n for n, _ in model.named_parameters()]  # the tied lm_head.weight is not repeated
    with safe_open(str(model_dir / "model.safetensors"), framework="pt") as f:
        keys = set(f.keys())
    assert set(names) == keys, (sorted(set(names) ^ keys))
    return names


def hf_grads_in_tl_layout(hf: GPT2LMHeadModel, grads: dict, cfg) -> dict:
    """Run TL's own weight conversion on a copy of the HF model whose weights are the gradients."""
    g = copy.deepcopy(hf)
    with torch.no_grad():
        for n, p in g.named_parameters():
            p.copy_(grads[n])
    return {k: v.detach().clone() for k, v in convert_gpt2_weights(g, cfg).items()}


# --------------------------------------------------------------------------- cases


def make_cases(tok, plan, vocab_size: int, bos: int, n_layer: int, n_head: int) -> list[dict]:
    gen = torch.Generator().manual_seed(SEED)
    cases = []
    for name, objective, B, T, first, extra in plan:
        rows, texts = [], []
        for b in range(B):
            ids = tok.encode(TEXTS[(first + b) % len(TEXTS)], add_special_tokens=False)
            assert len(ids) >= T - 1, (name, b, len(ids))
            rows.append([bos] + ids[: T - 1])
            texts.append(tok.decode(ids[: T - 1]))
        assert len({tuple(r) for r in rows}) == B, f"{name}: rows must differ"
        case = {"name": name, "objective": objective, "tokens": rows, "texts": texts}
        case["shape"] = [B, T]
        if objective == CE:
            last = torch.randint(0, vocab_size, (B,), generator=gen).tolist()
            case["targets"] = [r[1:] + [last[b]] for b, r in enumerate(rows)]
        elif objective in (LD, GATED):
            correct, wrong = [], []
            for _ in range(B):
                pair = torch.randperm(vocab_size, generator=gen)[:2].tolist()
                correct.append(pair[0])
                wrong.append(pair[1])
            case["correct"], case["wrong"] = correct, wrong
            if objective == GATED:
                while True:
                    gates = torch.randint(3, 13, (n_layer, n_head), generator=gen) / 8.0
                    if not torch.all(gates == 1.0):
                        break
                case["gates"] = gates.tolist()
        elif objective == LP:
            p = extra["position"]
            assert 0 <= p < T - 1
            case["position"] = p
            case["tokens_at"] = [r[p + 1] for r in rows]
        else:
            raise ValueError(objective)
        cases.append(case)
    return cases


def objective_value(case: dict, logits: torch.Tensor):
    """(value [1], the logits the objective reads) for logits [B,T,V]."""
    B, T, V = logits.shape
    rows = torch.arange(B)
    kind = case["objective"]
    if kind == CE:
        targets = torch.tensor(case["targets"], dtype=torch.long)
        value = F.cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T), reduction="mean")
        read = logits
    elif kind in (LD, GATED):
        read = logits[:, T - 1 : T, :]
        correct = torch.tensor(case["correct"], dtype=torch.long)
        wrong = torch.tensor(case["wrong"], dtype=torch.long)
        value = (read[rows, 0, correct] - read[rows, 0, wrong]).mean()
    elif kind == LP:
        p = case["position"]
        read = logits[:, p : p + 1, :]
        ids = torch.tensor(case["tokens_at"], dtype=torch.long)
        value = F.log_softmax(read[:, 0, :], dim=-1)[rows, ids].mean()
    else:
        raise ValueError(kind)
    return value.reshape(1), read


# --------------------------------------------------------------------------- HF backward


def run_hf(hf: GPT2LMHeadModel, case: dict, gates=None, want_grads=True) -> dict:
    """Forward + backward through HF.  gates: None, or a tensor [n_layer, n_head] to apply.

    Besides the parameter gradients it taps HF's own tensors at the places TransformerLens hooks
    (converted to TL's names and shapes) so the TL activation gradients can be checked."""
    c = hf.config
    nh, hs, D = c.n_head, c.n_embd // c.n_head, c.n_embd
    dtype = hf.transformer.wte.weight.dtype
    ids = torch.tensor(case["tokens"], dtype=torch.long)
    B, T = ids.shape
    hf.zero_grad(set_to_none=True)
    gate = None
    if gates is not None:
        gate = gates.detach().clone().to(dtype).requires_grad_(want_grads)
    taps: dict = {}  # TL hook name -> (HF tensor, function of its gradient giving TL's gradient)
    handles = []

    def tap(name, t, fn=lambda g: g):
        if want_grads:
            t.retain_grad()
        taps[name] = (t, fn)

    def heads(g):
        return g.reshape(B, T, nh, hs)

    def scaled_by(weight):
        w = weight.detach()
        return lambda g: g * w  # d/d normalized = d/d (normalized * w + b) * w

    def gate_heads(module, args, l):
        # c_proj's input is z with heads merged head-major: column h*HS + d is head h, dim d.
        return (args[0] * gate[l].repeat_interleave(hs),) + tuple(args[1:])

    def add_pre(module, fn):
        handles.append(module.register_forward_pre_hook(lambda m, args: fn(args[0])))

    def add_post(module, fn):
        handles.append(module.register_forward_hook(lambda m, args, out: fn(out)))

    def taps_for_block(l, block):
        p = f"blocks.{l}."
        add_pre(block, lambda x: tap(p + "hook_resid_pre", x))
        ln1_w, ln2_w = block.ln_1.weight, block.ln_2.weight
        add_post(block.ln_1, lambda y: tap(p + "ln1.hook_normalized", y, scaled_by(ln1_w)))

        def qkv(y):
            if want_grads:
                y.retain_grad()
            for i, n in enumerate(["q", "k", "v"]):
                taps[p + f"attn.hook_{n}"] = (y, lambda g, i=i: heads(g[..., i * D : (i + 1) * D]))

        add_post(block.attn.c_attn, qkv)
        if gate is not None:  # registered first, so the z tap below sees the gated z
            handles.append(
                block.attn.c_proj.register_forward_pre_hook(partial(gate_heads, l=l))
            )
        add_pre(block.attn.c_proj, lambda z: tap(p + "attn.hook_z", z, heads))
        add_post(block.attn.c_proj, lambda y: tap(p + "hook_attn_out", y))
        add_pre(block.ln_2, lambda x: tap(p + "hook_resid_mid", x))
        add_post(block.ln_2, lambda y: tap(p + "ln2.hook_normalized", y, scaled_by(ln2_w)))
        add_post(block.mlp.c_fc, lambda y: tap(p + "mlp.hook_pre", y))
        add_pre(block.mlp.c_proj, lambda x: tap(p + "mlp.hook_post", x))
        add_post(block.mlp.c_proj, lambda y: tap(p + "hook_mlp_out", y))

    try:
        tr = hf.transformer
        add_post(tr.wte, lambda y: tap("hook_embed", y))
        # HF's position embedding is [1,T,D], shared by the rows: compare with TL's summed over b.
        add_post(tr.wpe, lambda y: tap("hook_pos_embed (summed over batch)", y))
        for l, block in enumerate(tr.h):
            taps_for_block(l, block)
        add_pre(tr.ln_f, lambda x: tap(f"blocks.{c.n_layer - 1}.hook_resid_post", x))
        add_post(tr.ln_f, lambda y: tap("ln_final.hook_normalized", y, scaled_by(tr.ln_f.weight)))
        add_post(tr.ln_f, lambda y: tap("unembed.hook_in", y))
        with torch.set_grad_enabled(want_grads):
            out = hf(input_ids=ids, use_cache=False, output_attentions=True)
            logits = out.logits
            tap("unembed.hook_out", logits)
            for l, a in enumerate(out.attentions):
                tap(f"blocks.{l}.attn.hook_pattern", a)
            value, read = objective_value(case, logits)
            if want_grads:
                value.sum().backward()
    finally:
        for h in handles:
            h.remove()
    res = {"value": value.detach().clone(), "read": read.detach().clone()}
    res["logits"] = logits.detach().clone()
    if not want_grads:
        return res
    res["params"] = {n: p.grad.detach().clone() for n, p in hf.named_parameters()}
    res["gate_grad"] = gate.grad.detach().clone() if gate is not None else None
    res["acts"] = {
        k: fn(t.grad).detach().clone() for k, (t, fn) in taps.items() if t.grad is not None
    }
    res["acts_missing"] = sorted(k for k, (t, _) in taps.items() if t.grad is None)
    return res


# --------------------------------------------------------------------------- TL backward


def tl_hook_names(tl: HookedTransformer, tokens) -> list[str]:
    """Every hook point that fires for GPT-2, in execution order (run_with_cache's order)."""
    with torch.no_grad():
        _, cache = tl.run_with_cache(torch.tensor(tokens, dtype=torch.long))
    return list(cache.keys())


def run_tl(tl: HookedTransformer, case: dict, hook_names: list[str], gates=None) -> dict:
    """Forward + backward through TL; activation gradients from backward hooks.

    A hook point can fire more than once per forward pass: TL's TransformerBlock calls ln1 three
    times (once each for the query, key and value inputs), so blocks.{l}.ln1.hook_scale and
    ln1.hook_normalized fire three times with equal values.  The gradient of the single
    activation those calls represent is the sum over the calls, which is what is returned."""
    ids = torch.tensor(case["tokens"], dtype=torch.long)
    dtype = tl.cfg.dtype
    tl.reset_hooks()
    tl.zero_grad(set_to_none=True)
    gate = gates.detach().clone().to(dtype).requires_grad_(True) if gates is not None else None
    fwd: dict = {n: [] for n in hook_names}
    bwd: dict = {}
    bwd_calls: dict = {n: 0 for n in hook_names}

    def keep(act, hook):
        act.retain_grad()
        fwd[hook.name].append(act)

    def grab(grad, hook):
        g = grad.detach().clone()
        bwd[hook.name] = bwd[hook.name] + g if hook.name in bwd else g
        bwd_calls[hook.name] += 1

    def gate_z(z, hook, l):
        return z * gate[l][None, None, :, None]

    try:
        for name in hook_names:
            tl.add_hook(name, keep, dir="fwd")  # before the gate: keeps z before gating
            tl.add_hook(name, grab, dir="bwd")  # grad w.r.t. the hook's (possibly gated) output
        if gate is not None:
            for l in range(tl.cfg.n_layers):
                tl.add_hook(f"blocks.{l}.attn.hook_z", partial(gate_z, l=l), dir="fwd")
        logits = tl(ids, return_type="logits")
        value, read = objective_value(case, logits)
        value.sum().backward()
    finally:
        tl.reset_hooks()
    missing = [n for n in hook_names if n not in bwd]
    assert not missing, f"backward hooks did not fire: {missing}"
    fwd_calls = {n: len(v) for n, v in fwd.items()}
    assert fwd_calls == bwd_calls, (fwd_calls, bwd_calls)
    for n, acts in fwd.items():  # repeated calls must carry the same activation
        assert all(torch.equal(a, acts[0]) for a in acts), n
    return {
        "value": value.detach().clone(),
        "read": read.detach().clone(),
        "logits": logits.detach().clone(),
        "acts": bwd,
        "acts_retain": {n: sum(a.grad for a in fwd[n]).detach().clone() for n in hook_names},
        "calls": fwd_calls,
        "fwd": {n: fwd[n][0].detach().clone() for n in hook_names},
        "params": {n: p.grad.detach().clone() for n, p in tl.named_parameters()},
        "gate_grad": gate.grad.detach().clone() if gate is not None else None,
    }


# --------------------------------------------------------------------------- gradient references


def compare_param_grads(hf, hf_grads: dict, tl_grads: dict, cfg) -> dict:
    """max |TL - HF| per TL parameter name (HF converted to TL layout).

    TL's embed.W_E is compared as grad W_E + grad W_U^T with HF's tied wte gradient."""
    conv = hf_grads_in_tl_layout(hf, hf_grads, cfg)
    diffs = {}
    for k, v in conv.items():
        if k == "unembed.W_U":
            continue  # folded into embed.W_E below
        got = tl_grads[k]
        if k == "embed.W_E":
            got = tl_grads["embed.W_E"] + tl_grads["unembed.W_U"].T
        diffs[k] = maxdiff(got, v)
    return diffs


def derived_checks(R: dict, n_layer: int) -> dict:
    """max |stored - recomputed| for the gradients at hook_scale, hook_attn_scores, hook_result
    and hook_resid_post, recomputed from neighbouring gradients and TL's forward values."""
    g, a = R["acts"], R["fwd"]
    out = {}
    lns = [f"blocks.{l}.ln{i}" for l in range(n_layer) for i in (1, 2)] + ["ln_final"]
    for ln in lns:
        # normalized = centred / scale  =>  d/d scale = -sum_i g_norm_i * normalized_i / scale
        expect = -(g[ln + ".hook_normalized"] * a[ln + ".hook_normalized"]).sum(-1, keepdim=True)
        out[ln + ".hook_scale"] = maxdiff(g[ln + ".hook_scale"], expect / a[ln + ".hook_scale"])
    for l in range(n_layer):
        p = f"blocks.{l}."
        pat, gp = a[p + "attn.hook_pattern"], g[p + "attn.hook_pattern"]
        expect = pat * (gp - (pat * gp).sum(-1, keepdim=True))  # softmax backward
        out[p + "attn.hook_attn_scores"] = maxdiff(g[p + "attn.hook_attn_scores"], expect)
        res = g[p + "attn.hook_result"]
        per_head = g[p + "hook_attn_out"][:, :, None, :].expand_as(res)
        out[p + "attn.hook_result"] = maxdiff(res, per_head)
        if l + 1 < n_layer:
            nxt = g[f"blocks.{l + 1}.hook_resid_pre"]
            out[p + "hook_resid_post"] = maxdiff(g[p + "hook_resid_post"], nxt)
    return out


def summarise(diffs: dict) -> tuple[str, float]:
    k = max(diffs, key=diffs.get)
    return k, diffs[k]


def finite_difference_gates(hf64, case: dict, gates: torch.Tensor, h: float = 1e-5) -> torch.Tensor:
    fd = torch.zeros_like(gates, dtype=torch.float64)
    for idx in np.ndindex(*gates.shape):
        plus, minus = gates.double().clone(), gates.double().clone()
        plus[idx] += h
        minus[idx] -= h
        vp = run_hf(hf64, case, plus, want_grads=False)["value"].item()
        vm = run_hf(hf64, case, minus, want_grads=False)["value"].item()
        fd[idx] = (vp - vm) / (2 * h)
    return fd


def gradient_reference(model_name: str, models_dir: Path, refs_dir: Path) -> list[Path]:
    log(f"\n== gradients for {model_name}")
    model_dir = models_dir / model_name
    hf = load_hf(model_dir)
    hf64 = load_hf(model_dir, torch.float64)
    names = hf_param_names(hf, model_dir)
    tl = build_tl(hf, torch.float32)
    tl64 = build_tl(hf64, torch.float64)
    c = hf.config
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    bos = tok.convert_tokens_to_ids(EOT)
    assert bos == c.bos_token_id
    cases = make_cases(tok, GRADIENT_PLANS[model_name], c.vocab_size, bos, c.n_layer, c.n_head)
    hook_names = tl_hook_names(tl, cases[0]["tokens"])
    tensors: dict[str, torch.Tensor] = {}

    for case in cases:
        key = case["name"]
        gates = torch.tensor(case["gates"], dtype=torch.float32) if "gates" in case else None
        H = run_hf(hf, case, gates)
        T_ = run_tl(tl, case, hook_names, gates)
        H64 = run_hf(hf64, case, gates)
        T64 = run_tl(tl64, case, hook_names, gates)

        d = {}
        d["value_tl_vs_hf"] = maxdiff(T_["value"], H["value"])
        d["logits_tl_vs_hf"] = maxdiff(T_["logits"], H["logits"])
        pdiff = compare_param_grads(hf, H["params"], T_["params"], tl.cfg)
        worst_k, worst = summarise(pdiff)
        d["param_grads_tl_vs_hf_max"] = worst
        d["param_grads_tl_vs_hf_worst_name"] = worst_k
        d["param_grad_embed_W_E_tied_tl_vs_hf"] = pdiff["embed.W_E"]
        d["param_grad_pos_embed_tl_vs_hf"] = pdiff["pos_embed.W_pos"]
        d["param_grad_blocks0_attn_W_Q_tl_vs_hf"] = pdiff["blocks.0.attn.W_Q"]
        d["param_grad_blocks0_attn_W_O_tl_vs_hf"] = pdiff["blocks.0.attn.W_O"]
        d["tl_b_U_grad_max_abs (no HF counterpart)"] = maxabs(T_["params"]["unembed.b_U"])
        act_hf = {}
        for k, v in H["acts"].items():
            if k == "hook_pos_embed (summed over batch)":
                act_hf[k] = maxdiff(T_["acts"]["hook_pos_embed"].sum(0, keepdim=True), v)
            else:
                act_hf[k] = maxdiff(T_["acts"][k], v)
        d["act_grads_tl_vs_hf_worst_name"] = max(act_hf, key=act_hf.get)
        d["act_grads_tl_vs_hf_max"] = max(act_hf.values())
        d["act_grads_compared_with_hf"] = [n for n in hook_names if n in act_hf] + [
            n for n in act_hf if n not in hook_names
        ]
        d["act_grads_not_compared_with_hf"] = [n for n in hook_names if n not in act_hf]
        d["hook_calls_per_forward"] = {n: k for n, k in T_["calls"].items() if k != 1}
        assert not H["acts_missing"], H["acts_missing"]
        # Backward-hook gradients vs retain_grad() on the forward-hook tensors.
        rg = {}
        for n in hook_names:
            expect = T_["acts"][n]
            if gates is not None and n.endswith("attn.hook_z"):
                l = int(n.split(".")[1])
                expect = expect * gates[l][None, None, :, None]
            rg[n] = maxdiff(T_["acts_retain"][n], expect)
        d["act_grads_bwd_hook_vs_retain_grad_max"] = max(rg.values())
        # The hooks HF has no tensor for, checked from TL's own forward values instead.
        derived = derived_checks(T_, c.n_layer)
        d["act_grads_derived_checks_max"] = max(derived.values())
        d["act_grads_derived_checks"] = sorted(derived)
        # Float32 vs float64.
        d["value_f32_vs_f64"] = maxdiff(H["value"], H64["value"])
        d["param_grads_f32_vs_f64_max"] = max(
            maxdiff(H["params"][n], H64["params"][n]) for n in names
        )
        d["param_grads_max_abs"] = max(maxabs(H["params"][n]) for n in names)
        d["act_grads_f32_vs_f64_max"] = max(
            maxdiff(T_["acts"][n], T64["acts"][n]) for n in hook_names
        )
        d["act_grads_max_abs"] = max(maxabs(T_["acts"][n]) for n in hook_names)
        d["tl64_vs_hf64_param_grads_max"] = summarise(
            compare_param_grads(hf64, H64["params"], T64["params"], tl64.cfg)
        )[1]
        d["max_abs_logit_read"] = maxabs(H["read"])

        # Masked attention scores: gradient exactly zero above the diagonal, finite everywhere.
        B, T = case["shape"]
        future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        for l in range(c.n_layer):
            g = T_["acts"][f"blocks.{l}.attn.hook_attn_scores"]
            assert torch.all(g[..., future] == 0), "masked score gradients must be 0"
        for n in hook_names:
            assert torch.isfinite(T_["acts"][n]).all(), n

        tol = 1e-5 * max(1.0, d["param_grads_max_abs"])
        assert d["value_tl_vs_hf"] <= 1e-5, d
        assert d["logits_tl_vs_hf"] <= 1e-4, d
        assert d["param_grads_tl_vs_hf_max"] <= tol, d
        assert d["act_grads_tl_vs_hf_max"] <= 1e-5 * max(1.0, d["act_grads_max_abs"]), d
        act_scale = max(1.0, d["act_grads_max_abs"])
        assert d["act_grads_bwd_hook_vs_retain_grad_max"] <= 1e-6 * act_scale, d
        assert d["act_grads_derived_checks_max"] <= 1e-5 * act_scale, d
        assert d["tl64_vs_hf64_param_grads_max"] <= 1e-10, d
        assert d["param_grads_f32_vs_f64_max"] <= 1e-4 * max(1.0, d["param_grads_max_abs"]), d

        tensors[f"{key}/value"] = H["value"]
        tensors[f"{key}/logits"] = H["read"]
        for n in names:
            tensors[f"{key}/param/{n}"] = H["params"][n]
        for n in hook_names:
            tensors[f"{key}/act/{n}"] = T_["acts"][n]
        if gates is not None:
            d["gate_grad_tl_vs_hf"] = maxdiff(T_["gate_grad"], H["gate_grad"])
            d["gate_grad_f32_vs_f64"] = maxdiff(H["gate_grad"], H64["gate_grad"])
            fd = finite_difference_gates(hf64, case, gates)
            d["gate_grad_f64_vs_finite_difference"] = maxdiff(H64["gate_grad"], fd)
            assert d["gate_grad_tl_vs_hf"] <= 1e-5, d
            assert d["gate_grad_f64_vs_finite_difference"] <= 1e-6, d
            tensors[f"{key}/gate_grad"] = H["gate_grad"]
            for l in range(c.n_layer):
                n = f"blocks.{l}.attn.hook_z"
                tensors[f"{key}/act_pre_gate/{n}"] = T_["acts_retain"][n]
            case["value_without_gates"] = f32(run_hf(hf, case, None, want_grads=False)["value"])

        case["value"] = f32(H["value"])
        case["logits_shape"] = list(H["read"].shape)
        case["diagnostics"] = d
        log(
            f"  {key:24s} {case['objective']:22s} B={B} T={T:2d} value {case['value']:+.6f}"
            f"  |TL-HF| value {d['value_tl_vs_hf']:.1e} logits {d['logits_tl_vs_hf']:.1e}"
            f" param grads {d['param_grads_tl_vs_hf_max']:.1e} ({worst_k})"
            f" W_E(tied) {d['param_grad_embed_W_E_tied_tl_vs_hf']:.1e}"
            f" W_Q[0] {d['param_grad_blocks0_attn_W_Q_tl_vs_hf']:.1e}"
            f" act grads {d['act_grads_tl_vs_hf_max']:.1e} ({d['act_grads_tl_vs_hf_worst_name']},"
            f" {len(d['act_grads_compared_with_hf'])} hooks compared)"
        )
        log(
            f"  {'':24s} f32 vs f64: value {d['value_f32_vs_f64']:.1e}"
            f" param grads {d['param_grads_f32_vs_f64_max']:.1e}"
            f" (max|g| {d['param_grads_max_abs']:.2e})"
            f" act grads {d['act_grads_f32_vs_f64_max']:.1e} (max|g| {d['act_grads_max_abs']:.2e})"
            f"  bwd-hook vs retain_grad {d['act_grads_bwd_hook_vs_retain_grad_max']:.1e}"
            f"  derived (scale/scores/result) {d['act_grads_derived_checks_max']:.1e}"
            + (
                f"  gate grad TL-HF {d['gate_grad_tl_vs_hf']:.1e}"
                f" f64-vs-FD {d['gate_grad_f64_vs_finite_difference']:.1e}"
                if gates is not None
                else ""
            )
        )

    doc = {
        "model": model_name,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{model_name}",
        "reference_dtype": "float32",
        "config": config_summary(c),
        "bos_token_id": bos,
        "cases": [ordered_case(cs) for cs in cases],
        "hook_names": hook_names,
        "param_names": [{"name": n, "shape": list(H["params"][n].shape)} for n in names],
        "tensor_keys": {
            "<case>/value": "[1] the objective",
            "<case>/logits": "the logits the objective reads: [B,T,V] for cross_entropy, "
            "[B,1,V] (position T-1) for logit_difference*, [B,1,V] (position p) for "
            "log_probability",
            "<case>/param/<name>": "d value / d parameter, every name in param_names, HF shape "
            "(Conv1D [in,out]); transformer.wte.weight = embedding + tied unembedding gradient",
            "<case>/act/<hook>": "d value / d activation for every name in hook_names, TL shape",
            "<case>/gate_grad": "[n_layer, n_head] d value / d gates (gated cases)",
            "<case>/act_pre_gate/blocks.{l}.attn.hook_z": "d value / d z before the gate "
            "(gated cases); act/...hook_z is d value / d (z * gate); act_pre_gate = act * gate",
        },
        "conventions": {
            "objectives": {
                CE: "mean over all B*T positions of -log_softmax(logits[b,t])[targets[b][t]]",
                LD: "mean over b of logits[b,T-1,correct[b]] - logits[b,T-1,wrong[b]]",
                LP: "mean over b of log_softmax(logits[b,position])[tokens_at[b]]",
                GATED: "as logit_difference, with z[b,t,h,:] of layer l multiplied by "
                "gates[l][h] before c_proj (W_O); value_without_gates is the same objective "
                "with every gate 1",
            },
            "gradient_sign": "gradients are of value itself (not of -value)",
            "hook_attn_scores": "scaled by 1/sqrt(head_size), -inf above the diagonal; the "
            "gradient there is exactly 0",
            "hook_scale": "ln scale sqrt(var + eps) [B,T,1]; its gradient is the partial "
            "derivative through normalized = (x - mean) / scale only",
            "hook_normalized": "(x - mean) / scale, before the LayerNorm weight and bias",
            "ln1_hooks": "TL calls ln1 three times per block (query, key and value inputs), so "
            "blocks.{l}.ln1.hook_scale / hook_normalized fire three times with equal values; "
            "the stored gradient is the sum over the three calls, i.e. the gradient of the one "
            "ln1 activation (checked against HF's ln_1 output gradient times ln_1.weight)",
            "hook_result": "per head, without c_proj's bias; gradient = that of hook_attn_out "
            "repeated over heads",
            "unembed.hook_in": "ln_final output (after weight and bias)",
            "unembed.hook_out": "logits (d value / d logits)",
            "dropout": "none (eval mode)",
            "key_bias": "transformer.h.{l}.attn.c_attn.bias[n_embd:2*n_embd] (TL b_K) has an "
            "exactly zero true gradient; the stored values are float32 rounding noise (up to "
            "~1e-7 here): compare them with an absolute tolerance",
        },
    }
    description = f"gradient references for {model_name} written by {GENERATOR}"
    return write_reference(refs_dir, f"gradients-{model_name}", tensors, doc, description)


def ordered_case(cs: dict) -> dict:
    order = ["name", "objective", "shape", "tokens", "texts", "targets", "correct", "wrong",
             "position", "tokens_at", "gates", "value", "value_without_gates", "logits_shape",
             "diagnostics"]
    assert set(cs) <= set(order), set(cs) - set(order)
    return {k: cs[k] for k in order if k in cs}


def config_summary(c) -> dict:
    return {
        **fixture_common.config_summary(c),
        "activation_function": c.activation_function,
        "tie_word_embeddings": True,
    }


# --------------------------------------------------------------------------- AdamW reference


def adamw_run(model: GPT2LMHeadModel, names, ids, targets, hp, record=None):
    """Three (hp['steps']) clip + AdamW steps in place.  Returns per-step dicts."""
    params = dict(model.named_parameters())
    decay = [params[n] for n in names if params[n].dim() >= 2]
    no_decay = [params[n] for n in names if params[n].dim() < 2]
    opt = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": hp["weight_decay"]},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=hp["lr"],
        betas=tuple(hp["betas"]),
        eps=hp["eps"],
        fused=False,
    )
    V = model.config.vocab_size
    steps = []
    for s in range(1, hp["steps"] + 1):
        opt.zero_grad(set_to_none=True)
        logits = model(input_ids=ids, use_cache=False).logits
        loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
        loss.backward()
        raw = {n: params[n].grad.detach().clone() for n in names}
        norm = torch.nn.utils.clip_grad_norm_([params[n] for n in names], hp["max_grad_norm"])
        clipped = {n: params[n].grad.detach().clone() for n in names}
        before = {n: params[n].detach().clone() for n in names}
        opt.step()
        after = {n: params[n].detach().clone() for n in names}
        steps.append(
            {"loss": loss.detach().clone(), "grad_norm": norm.detach().clone(), "raw": raw,
             "clipped": clipped, "before": before, "after": after}
        )
    with torch.no_grad():
        logits = model(input_ids=ids, use_cache=False).logits
        final = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    foreach = opt.defaults.get("foreach")
    return steps, final.detach().clone(), foreach


def manual_adamw(steps, names, hp, decays: dict) -> dict:
    """float64 re-implementation of clipping + AdamW, fed torch's raw gradients and parameters."""
    b1, b2 = hp["betas"]
    m = {n: torch.zeros_like(steps[0]["before"][n], dtype=torch.float64) for n in names}
    v = {n: torch.zeros_like(m[n]) for n in names}
    worst = {"grad_norm": 0.0, "clipped_grads": 0.0, "params": 0.0}
    for t, st in enumerate(steps, start=1):
        raw = {n: st["raw"][n].double() for n in names}
        norm = math.sqrt(sum((g * g).sum().item() for g in raw.values()))
        worst["grad_norm"] = max(worst["grad_norm"], abs(norm - st["grad_norm"].item()) / norm)
        coef = min(1.0, hp["max_grad_norm"] / (norm + 1e-6))
        for n in names:
            g = raw[n] * coef
            worst["clipped_grads"] = max(worst["clipped_grads"], maxdiff(g, st["clipped"][n]))
            p = st["before"][n].double() * (1.0 - hp["lr"] * decays[n])
            m[n] = b1 * m[n] + (1 - b1) * g
            v[n] = b2 * v[n] + (1 - b2) * g * g
            bc1, bc2 = 1 - b1**t, 1 - b2**t
            p = p - (hp["lr"] / bc1) * m[n] / (v[n].sqrt() / math.sqrt(bc2) + hp["eps"])
            worst["params"] = max(worst["params"], maxdiff(p, st["after"][n]))
    return worst


def adamw_reference(models_dir: Path, refs_dir: Path) -> list[Path]:
    hp = ADAMW
    name = hp["model"]
    log(f"\n== AdamW steps for {name}")
    model_dir = models_dir / name
    model = load_hf(model_dir)
    names = hf_param_names(model, model_dir)
    c = model.config
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    bos = tok.convert_tokens_to_ids(EOT)
    B, T = hp["batch"], hp["length"]
    plan = [("adamw", CE, B, T, hp["first_text"], {})]
    gen_case = make_cases(tok, plan, c.vocab_size, bos, c.n_layer, c.n_head)[0]
    ids = torch.tensor(gen_case["tokens"], dtype=torch.long)
    targets = torch.tensor(gen_case["targets"], dtype=torch.long)
    params = dict(model.named_parameters())
    decays = {n: (hp["weight_decay"] if params[n].dim() >= 2 else 0.0) for n in names}

    steps, final, foreach = adamw_run(model, names, ids, targets, hp)
    model64 = load_hf(model_dir, torch.float64)
    steps64, final64, _ = adamw_run(model64, names, ids, targets, hp)
    check = manual_adamw(steps, names, hp, decays)
    assert check["grad_norm"] <= 1e-6 and check["clipped_grads"] <= 1e-7, check
    assert check["params"] <= 2e-6, check

    tensors: dict[str, torch.Tensor] = {}
    step_docs = []
    for s, (st, st64) in enumerate(zip(steps, steps64), start=1):
        tensors[f"step{s}/loss"] = st["loss"].reshape(1)
        tensors[f"step{s}/grad_norm"] = st["grad_norm"].reshape(1)
        if s in hp["store_params_after_steps"]:
            for n in names:
                tensors[f"step{s}/param/{n}"] = st["after"][n]
        per = {n: (st["after"][n].double() - st64["after"][n]).abs() for n in names}
        diffs = torch.cat([v.flatten() for v in per.values()])
        # The key biases (c_attn.bias[n_embd:2*n_embd]) have an exactly zero true gradient: adding
        # a constant to every key shifts a query's scores uniformly and the softmax ignores it.
        # In float32 their gradient is rounding noise (~1e-9), which Adam normalises into updates
        # of up to ~lr * |g| / (|g| + eps) ~ 1e-3.  Everything else is measured without them.
        D = c.n_embd
        rest = torch.cat(
            [
                torch.cat([v[:D], v[2 * D :]]) if n.endswith("attn.c_attn.bias") else v.flatten()
                for n, v in per.items()
            ]
        )
        key_bias = torch.cat(
            [v[D : 2 * D] for n, v in per.items() if n.endswith("attn.c_attn.bias")]
        )
        norm = st["grad_norm"].item()
        step_docs.append(
            {
                "step": s,
                "loss": f32(st["loss"]),
                "grad_norm": f32(st["grad_norm"]),
                "clip_coefficient": min(1.0, hp["max_grad_norm"] / (norm + 1e-6)),
                "params_stored": s in hp["store_params_after_steps"],
                "diagnostics_vs_float64_run": {
                    "loss": abs(st["loss"].item() - st64["loss"].item()),
                    "grad_norm": abs(norm - st64["grad_norm"].item()),
                    "params_max_abs": diffs.max().item(),
                    "params_p99_9_abs": torch.quantile(diffs, 0.999).item(),
                    "params_count_above_1e-4": int((diffs > 1e-4).sum()),
                    "params_count_above_1e-3": int((diffs > 1e-3).sum()),
                    "param_count": diffs.numel(),
                    "key_biases_max_abs": key_bias.max().item(),
                    "params_except_key_biases_max_abs": rest.max().item(),
                    "params_except_key_biases_count_above_1e-4": int((rest > 1e-4).sum()),
                },
            }
        )
        dd = step_docs[-1]["diagnostics_vs_float64_run"]
        log(
            f"  step {s}: loss {st['loss'].item():.6f} grad_norm {norm:.6f}"
            f"  vs float64 run: loss {dd['loss']:.1e} norm {dd['grad_norm']:.1e}"
            f" params max {dd['params_max_abs']:.1e} p99.9 {dd['params_p99_9_abs']:.1e}"
            f" >1e-4: {dd['params_count_above_1e-4']} >1e-3: {dd['params_count_above_1e-3']}"
            f" of {dd['param_count']};"
            f" without key biases max {dd['params_except_key_biases_max_abs']:.1e}"
            f" (key biases {dd['key_biases_max_abs']:.1e})"
        )
    tensors["final/loss"] = final.reshape(1)
    log(f"  final loss {final.item():.6f} (float64 run {final64.item():.6f})")
    log(f"  manual float64 AdamW vs torch: {check}")

    doc = {
        "model": name,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{name}",
        "reference_dtype": "float32",
        "config": config_summary(c),
        "bos_token_id": bos,
        "tokens": gen_case["tokens"],
        "targets": gen_case["targets"],
        "texts": gen_case["texts"],
        "shape": [B, T],
        "hyperparameters": {
            "optimizer": "torch.optim.AdamW",
            "fused": False,
            "foreach": foreach,
            "lr": hp["lr"],
            "betas": hp["betas"],
            "eps": hp["eps"],
            "amsgrad": False,
            "max_grad_norm": hp["max_grad_norm"],
            "steps": hp["steps"],
            "param_groups": [
                {"weight_decay": hp["weight_decay"], "rule": "dim >= 2",
                 "params": [n for n in names if decays[n] > 0]},
                {"weight_decay": 0.0, "rule": "dim < 2 (biases, LayerNorm weights and biases)",
                 "params": [n for n in names if decays[n] == 0]},
            ],
            "loss": "mean cross-entropy over all B*T positions (targets given)",
            "dropout": "none (eval mode)",
            "tied_embeddings": "transformer.wte.weight is one parameter (embedding + unembedding)",
        },
        "update_rule": [
            "g = dloss/dparam for every parameter (tied wte: sum of both uses)",
            "total_norm = sqrt(sum over all parameters of sum(g^2))   (stored as grad_norm)",
            "clip = min(1, max_grad_norm / (total_norm + 1e-6));  g = g * clip",
            "param = param * (1 - lr * weight_decay)",
            "m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2   (m, v start 0)",
            "param = param - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)",
        ],
        "manual_float64_check_max_abs": check,
        "steps": step_docs,
        "final_loss": f32(final),
        "param_names": [{"name": n, "shape": list(params[n].shape)} for n in names],
        "tensor_keys": {
            "step{s}/loss": "[1] loss before the update of step s (s = 1, 2, 3)",
            "step{s}/grad_norm": "[1] total gradient norm before clipping (clip_grad_norm_'s "
            "return value)",
            "step{s}/param/<name>": "parameter after the update of step s, s in "
            f"{hp['store_params_after_steps']}",
            "final/loss": "[1] loss after the last update",
        },
        "tolerance_note": "Adam's first steps move each element by about lr * sign(g), so "
        "elements whose gradient is rounding noise differ between implementations by up to "
        "~lr.  The key biases (transformer.h.{l}.attn.c_attn.bias[n_embd:2*n_embd]) are such "
        "elements: their true gradient is exactly 0 (a constant added to every key shifts all "
        "scores of a query equally), the float32 gradient is ~1e-9 noise, and Adam turns it "
        "into updates of up to ~1e-3 here.  Compare them loosely (or check only that they "
        "move by at most ~lr); diagnostics_vs_float64_run shows how far a float64 run of the "
        "same steps lands, with and without them.",
    }
    description = f"AdamW references for {name} written by {GENERATOR}"
    return write_reference(refs_dir, f"adamw-{name}", tensors, doc, description)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    ap.add_argument(
        "--wide", action="store_true", help="also write gradients-tiny-wide.* (not committed)"
    )
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    models_dir, refs_dir = args.out / "models", args.out / "references"
    for m in ["tiny-f32"] + (["tiny-wide"] if args.wide else []):
        assert (models_dir / m / "model.safetensors").exists(), (
            f"{models_dir / m} is missing: run scripts/make_engine_fixtures.py first"
        )
    refs_dir.mkdir(parents=True, exist_ok=True)
    log("versions:", json.dumps(versions()))

    written = gradient_reference("tiny-f32", models_dir, refs_dir)
    written += adamw_reference(models_dir, refs_dir)
    wide = refs_dir / "gradients-tiny-wide.json", refs_dir / "gradients-tiny-wide.safetensors"
    extra = []
    if args.wide:
        extra = gradient_reference("tiny-wide", models_dir, refs_dir)
    else:
        for p in wide:
            p.unlink(missing_ok=True)

    log("\n== files written")
    total = 0
    for p in written:
        size = p.stat().st_size
        total += size
        log(f"  {size:9d}  {hashlib.sha256(p.read_bytes()).hexdigest()[:12]}  {p.name}")
    log(f"  total {total} bytes ({total / 1e6:.3f} MB, budget {SIZE_BUDGET / 1e6:.1f} MB)")
    assert total <= SIZE_BUDGET, "the committed fixtures exceed the size budget: shorten the cases"
    for p in extra:
        log(f"  {p.stat().st_size:9d}  {p.name}  (--wide: outside the budget, not committed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
