#!/usr/bin/env python3
"""Path-patching references for the CircuitAnalysis tests (HeadLab, issue 15 item 3):
TransformerLens 3.9.0 on the committed fixture model models/tiny-f32 (2 layers, 4 heads).

Reads Tests/CircuitAnalysisTests/Resources/models/tiny-f32 (never rewrites it) and writes only
references/path-patching-tiny-f32.json under Tests/CircuitAnalysisTests/Resources (or --out).

Model: TransformerLens HookedTransformer built from the Hugging Face weights with no weight
processing (scripts/fixture_common.py build_tl: use_attn_result=True), float32, one torch thread,
and use_split_qkv_input switched on for the receivers' q/k/v inputs.

Algorithm (Wang et al. 2023, "Interpretability in the Wild", section 3.1), for each sender head h:
  1. cache hook_result of every head on the clean tokens and on the corrupted tokens;
  2. run the clean tokens with h's hook_result replaced by its corrupted value and every other
     head's hook_result frozen at its clean value (MLPs and LayerNorms recompute); record the
     receivers' inputs: blocks.{l}.hook_resid_pre of each receiver head's layer l, or, for the
     logits, the final residual stream (the logits of this very pass);
  3. run the clean tokens again with only blocks.{l}.hook_q_input / hook_k_input /
     hook_v_input [B,T,NH,C] of each receiver head set (at its head index, every position) to
     the recorded residual, and measure the metric.
This script freezes at hook_result; HeadLab freezes at hook_z (result = z W_O per head), so the
comparison also checks that the two are the same.

Case (token ids, BOS = id 0 at position 0): B=3, T=10; clean rows = BOS + 9 seeded ids from
1..V-1; corrupted = clean with positions 2 and 6 replaced by other ids; answer and wrong two
distinct ids per row. Metric M = mean over rows of logits[b, T-1, answer] - logits[b, T-1, wrong].

Receivers (the JSON's "receivers" object, keyed by HeadLab's receiver text):
  logits        senders: every head, values [L, NH] = M after path patching;
  1.2:q         senders: layer-0 heads; layer-1 cells null;
  1.0:k,1.3:v   senders: layer-0 heads; layer-1 cells null.

Checks (asserted): every receiver set moves M by more than 1e-3 for some sender; patching a
sender with its clean value gives M(clean) within 1e-6; a last-layer sender's path to the logits
equals TransformerLens's noising patch of its output (get_act_patch_attn_head_out_all_pos with
the roles swapped) within 1e-5, since nothing but MLPs lies downstream of it.

How to run (from the repository root; seconds, no network):

    python3 scripts/make_path_patching_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("TQDM_DISABLE", "1")

import torch  # noqa: E402

import transformer_lens.patching as patching  # noqa: E402
from fixture_common import REPO, build_tl, config_summary, load_hf, log, versions, write_json  # noqa: E402

GENERATOR = "scripts/make_path_patching_fixtures.py"
MODEL = "tiny-f32"
STEM = f"path-patching-{MODEL}"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
BOS = 0
SEED, B, T, CORRUPTED_POSITIONS = 15, 3, 10, (2, 6)
RECEIVERS = {
    "logits": None,
    "1.2:q": [(1, 2, "q")],
    "1.0:k,1.3:v": [(1, 0, "k"), (1, 3, "v")],
}
MIN_EFFECT, SELF_TOL, NOISING_TOL = 1e-3, 1e-6, 1e-5


def make_case(vocab: int) -> dict:
    g = torch.Generator().manual_seed(SEED)
    clean = torch.randint(1, vocab, (B, T), generator=g)
    clean[:, 0] = BOS
    corrupted = clean.clone()
    for p in CORRUPTED_POSITIONS:
        for b in range(B):
            while True:
                new = int(torch.randint(1, vocab, (1,), generator=g))
                if new != int(clean[b, p]):
                    corrupted[b, p] = new
                    break
    answer, wrong = [], []
    for b in range(B):
        a, w = torch.randperm(vocab - 1, generator=g)[:2] + 1
        answer.append(int(a))
        wrong.append(int(w))
    return {"clean": clean, "corrupted": corrupted, "answer": answer, "wrong": wrong}


def metric(logits: torch.Tensor, case: dict) -> float:
    rows = [logits[b, -1, case["answer"][b]] - logits[b, -1, case["wrong"][b]] for b in range(B)]
    return float(torch.stack(rows).double().mean())


def result_name(layer: int) -> str:
    return f"blocks.{layer}.attn.hook_result"


def path_patch(tl, case: dict, clean_cache, corrupted_cache, sender, receivers, corrupted_value=True) -> float:
    """M after path patching sender (l, h) -> receivers (None = logits)."""
    L = tl.cfg.n_layers
    sl, sh = sender

    def freeze(result, hook):
        layer = int(hook.name.split(".")[1])
        result[:] = clean_cache[hook.name]
        if layer == sl:
            source = corrupted_cache if corrupted_value else clean_cache
            result[:, :, sh] = source[hook.name][:, :, sh]
        return result

    recorded = {}
    hooks = [(result_name(l), freeze) for l in range(L)]
    layers = sorted({l for l, _, _ in receivers}) if receivers else []
    for l in layers:
        def record(resid, hook, l=l):
            recorded[l] = resid.detach().clone()
        hooks.append((f"blocks.{l}.hook_resid_pre", record))
    logits = tl.run_with_hooks(case["clean"], fwd_hooks=hooks)
    if receivers is None:
        return metric(logits, case)

    patch_hooks = []
    for l, h, part in receivers:
        def patch(x, hook, l=l, h=h):  # [B,T,NH,C]
            x[:, :, h, :] = recorded[l]
            return x
        patch_hooks.append((f"blocks.{l}.hook_{part}_input", patch))
    logits = tl.run_with_hooks(case["clean"], fwd_hooks=patch_hooks)
    return metric(logits, case)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)

    model_dir = RESOURCES / "models" / MODEL
    hf = load_hf(model_dir)
    tl = build_tl(hf)
    tl.set_use_split_qkv_input(True)
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    case = make_case(tl.cfg.d_vocab)

    with torch.no_grad():
        clean_logits, clean_cache = tl.run_with_cache(case["clean"])
        corrupted_logits, corrupted_cache = tl.run_with_cache(case["corrupted"])
        m_clean, m_corrupted = metric(clean_logits, case), metric(corrupted_logits, case)
        log(f"M(clean) {m_clean:.6f}  M(corrupted) {m_corrupted:.6f}")

        receivers_doc = {}
        for name, receivers in RECEIVERS.items():
            top = L if receivers is None else max(l for l, _, _ in receivers)
            values = [[None] * NH for _ in range(L)]
            for l in range(top):
                for h in range(NH):
                    v = path_patch(tl, case, clean_cache, corrupted_cache, (l, h), receivers)
                    values[l][h] = v
                    same = path_patch(tl, case, clean_cache, corrupted_cache, (l, h), receivers, corrupted_value=False)
                    assert abs(same - m_clean) < SELF_TOL, (name, l, h, same, m_clean)
            effects = [abs(v - m_clean) for row in values for v in row if v is not None]
            assert max(effects) > MIN_EFFECT, (name, effects)
            log(f"  {name}: max |effect| {max(effects):.4f}")
            receivers_doc[name] = {
                "senders": [f"{l}.{h}" for l in range(top) for h in range(NH)],
                "values": values,
            }

        # A last-layer sender reaches the logits only directly and through MLPs: its path patch
        # is TransformerLens's noising patch of its output (run clean, patch from corrupted).
        def ld(logits):
            return torch.tensor(metric(logits, case))
        noising = patching.get_act_patch_attn_head_out_all_pos(tl, case["clean"], corrupted_cache, ld)
        for h in range(NH):
            got = receivers_doc["logits"]["values"][L - 1][h]
            assert abs(got - float(noising[L - 1, h])) < NOISING_TOL, (h, got, float(noising[L - 1, h]))

    doc = {
        "generator": GENERATOR,
        "model": f"models/{MODEL}",
        "config": config_summary(hf.config),
        "versions": versions(),
        "algorithm": "Wang et al. 2023 path patching: sender hook_result from the corrupted run, every other head's hook_result frozen at its clean value, MLPs recomputed; receivers' hook_resid_pre recorded and patched into hook_q/k/v_input of the receiver heads (or the logits of the frozen pass)",
        "metric": "mean over rows of logits[b, T-1, answer[b]] - logits[b, T-1, wrong[b]], not normalised",
        "case": {
            "batch": B, "positions": T,
            "clean_tokens": case["clean"].tolist(), "corrupted_tokens": case["corrupted"].tolist(),
            "answer": case["answer"], "wrong": case["wrong"],
            "metric_clean": m_clean, "metric_corrupted": m_corrupted,
        },
        "receivers": receivers_doc,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "references" / f"{STEM}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, doc)
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
