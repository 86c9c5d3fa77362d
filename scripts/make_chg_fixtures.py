#!/usr/bin/env python3
"""Causal head gating reference for the CircuitAnalysis tests (HeadLab, issue 15 section 1):
the three-stage CHG optimisation of Nam et al. 2025 (arXiv 2505.13737), following the official
code andrewnam/causal_head_gating as ../shared/research/papers.md section 1 describes it, in
PyTorch with TransformerLens 3.9.0 on the committed fixture model models/tiny-f32.

Reads Tests/CircuitAnalysisTests/Resources/models/tiny-f32 and writes only
references/chg-tiny-f32.json and references/chg-contrastive-tiny-f32.json under
Tests/CircuitAnalysisTests/Resources (or --out).

Model: TransformerLens HookedTransformer built from the Hugging Face weights with NO weight
processing (fixture_common.build_tl), float32, frozen (eval, requires_grad False), one thread.

Gates: theta [K, L, NH] is the only parameter; G = sigmoid(theta). A hook on
blocks.{l}.attn.hook_z multiplies z [K*B, T, NH, HS] by G[k, l, h] on the rows of restart k (the
batch is the B prompts repeated K times, restart-major). b_O is not gated.

Loss per restart k (the official code's sign convention):
    loss_k = NLL_k - lam * mean_{l,h} clamp(theta_k, -4, 4),
    NLL_k  = -mean over restart k's B rows of log_softmax(logits[:, -1])[answer].
The optimised objective is sum_k loss_k; each restart has its own torch.optim.Adam (betas
0.9/0.999, eps 1e-8) and its gradient clipped by torch.nn.utils.clip_grad_norm_ to CLIP_NORM
on its own (so restarts are independent). Stages: stage1 lam = 0 from the fixed INITIAL theta,
G+ lam = +LAMBDA from stage1's theta, G- lam = -LAMBDA from stage1's theta, each with a fresh
optimiser and STEPS steps, the whole batch every step. No AMP (CPU float32).

Batch (IOI-style token ids, BOS = 0): row = BOS A x1 B x2 x3 A x4 with A, B two "names" drawn
from NAMES and x1..x4 fixed template ids; answer = B (the indirect object), wrong = A.

The fixed initial theta (written to the fixture, so the Swift fit starts from the same theta) is
drawn like the official code: G uniform on [0, 1] (seeded), clamped to [1e-6, 1 - 1e-6], logit.

Written: tokens, answers, wrongs, settings, initial_theta [K][L*NH], theta per stage [K][L*NH],
loss per stage per step per restart (before the step's update),
and a second case ("minibatch": one restart, MB_BATCH of the 4 prompts per step in the order of
Swift's GatingRows.minibatches, replicated here with the engine's SplitMix64), the gradient norm of every step
before clipping (asserted to exceed CLIP_NORM in some steps, so clipping is exercised), the
restart-mean gates and scores (facilitation = G-, interference = 1 - G+, irrelevance = G+ - G-)
and the hard labels at 0.5 of the restart-mean gates.

Contrastive CHG (chg-contrastive-tiny-f32.json), the official ContrastiveCHGTrainer as papers.md
section 1 describes it: one stage from a fixed random theta (C_K restarts), POSITIVE rows
(BOS A x1 B x2 B x4, answer A: 7 tokens, so Swift's padded batch is exercised) paired row by row
with the IOI rows above as the negative set, per restart
    loss_k = -mean_b logp_pos[k, b] + mean_b clamp(logp_neg[k, b] - logp_pos[k, b].detach(), min=-C_MAX_DIFF)
             - C_LAMBDA * mean clamp(theta_k, -4, 4),
logp of the answer at the last position; each restart's own Adam at lr C_LR decayed by
torch.optim.lr_scheduler.LinearLR(start_factor 1, end_factor C_LR_END / C_LR, total_iters C_STEPS),
stepped after each update, and its own clip_grad_norm_ at C_CLIP_NORM. Positive and negative rows
run as two forward passes. Asserted: the clamp is active on some (step, restart, row) but not all,
and clipping acts in some steps but not all. Written: both sets, settings, initial theta, theta
after C_STEPS updates, the loss of every step.

How to run (from the repository root; seconds, no network):

    python3 scripts/make_chg_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

import torch

from fixture_common import REPO, build_tl, load_hf, log, splitmix64, versions, write_json

GENERATOR = "scripts/make_chg_fixtures.py"
MODEL = "tiny-f32"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
SEED = 15
K, STEPS = 2, 4
LR, LAMBDA, CLAMP, CLIP_NORM = 1.0, 0.1, 4.0, 0.3
NAMES = [37, 52, 81, 99, 140, 177]
TEMPLATE = [11, 205, 230, 264]  # x1 x2 x3 x4
PAIRS = [(0, 1), (2, 3), (4, 5), (1, 4)]
THRESHOLD = 0.5
C_K, C_STEPS, C_LR, C_LR_END, C_LAMBDA, C_MAX_DIFF, C_CLIP_NORM = 2, 10, 0.1, 0.01, 0.1, 5.0, 0.8
POSITIVE_PAIRS = [(0, 2), (3, 1), (5, 4), (2, 0)]
MB_BATCH, MB_SEED = 3, 7  # the minibatch case: 3 of the 4 prompts per step, wrapping


def batch():
    tokens, answers, wrongs = [], [], []
    for a, b in PAIRS:
        A, B = NAMES[a], NAMES[b]
        x1, x2, x3, x4 = TEMPLATE
        tokens.append([0, A, x1, B, x2, x3, A, x4])
        answers.append(B)
        wrongs.append(A)
    return tokens, answers, wrongs


def positive_batch():
    """BOS A x1 B x2 B x4 -> answer A (7 tokens; the negative rows, batch(), have 8)."""
    tokens, answers, wrongs = [], [], []
    for a, b in POSITIVE_PAIRS:
        A, B = NAMES[a], NAMES[b]
        x1, x2, _, x4 = TEMPLATE
        tokens.append([0, A, x1, B, x2, B, x4])
        answers.append(A)
        wrongs.append(B)
    return tokens, answers, wrongs


def minibatches(n, steps, batch_size, seed):
    """Swift's GatingRows.minibatches: the whole set when it fits, else slices of a Fisher-Yates
    permutation (j = next() mod (i + 1), i = n-1 .. 1) on SplitMix64(seed ^ "chgbatch"), wrapping."""
    if batch_size >= n:
        return [list(range(n))] * steps
    g = splitmix64(seed ^ 0x6368676261746368)
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = next(g) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return [[order[(s * batch_size + i) % n] for i in range(batch_size)] for s in range(steps)]


def fit_stage(tl, tokens, answers, theta0, lam, batches):
    """One Adam step per entry of batches (row indices) from theta0 [K, L, NH]; returns theta,
    losses [steps][K], gradient norms before clipping [steps][K]."""
    K, L = theta0.shape[0], theta0.shape[1]
    thetas = [theta0[k].clone().requires_grad_(True) for k in range(K)]
    optims = [torch.optim.Adam([t], lr=LR, betas=(0.9, 0.999), eps=1e-8) for t in thetas]
    losses, norms = [], []
    for batch_rows in batches:
        B = len(batch_rows)
        toks = torch.tensor([tokens[r] for r in batch_rows] * K)  # [K*B, T], restart-major
        ans = torch.tensor([answers[r] for r in batch_rows] * K)  # [K*B]
        gates = torch.sigmoid(torch.stack(thetas))  # [K, L, NH]
        rows = gates.repeat_interleave(B, dim=0)  # [K*B, L, NH]

        def gate_hook(z, hook, layer):  # z [K*B, T, NH, HS]
            return z * rows[:, layer][:, None, :, None]

        hooks = [(f"blocks.{l}.attn.hook_z", partial(gate_hook, layer=l)) for l in range(L)]
        logits = tl.run_with_hooks(toks, fwd_hooks=hooks)[:, -1]  # [K*B, V]
        logp = torch.log_softmax(logits, dim=-1).gather(1, ans[:, None])[:, 0]  # [K*B]
        nll = -logp.view(K, B).mean(dim=1)  # [K]
        reg = torch.stack([t.clamp(-CLAMP, CLAMP).mean() for t in thetas])  # [K]
        loss = nll - lam * reg
        for o in optims:
            o.zero_grad()
        loss.sum().backward()
        norms.append([torch.nn.utils.clip_grad_norm_([t], CLIP_NORM).item() for t in thetas])
        for o in optims:
            o.step()
        losses.append(loss.detach().double().tolist())
    return torch.stack([t.detach() for t in thetas]), losses, norms


def gated_logp(tl, thetas, tokens, answers):
    """logp of each row's answer at the last position with restart k's gates on rows k*B..: [K, B]."""
    K, L, B = len(thetas), thetas[0].shape[0], len(tokens)
    toks = torch.tensor(tokens * K)  # [K*B, T], restart-major
    ans = torch.tensor(answers * K)  # [K*B]
    rows = torch.sigmoid(torch.stack(thetas)).repeat_interleave(B, dim=0)  # [K*B, L, NH]

    def gate_hook(z, hook, layer):  # z [K*B, T, NH, HS]
        return z * rows[:, layer][:, None, :, None]

    hooks = [(f"blocks.{l}.attn.hook_z", partial(gate_hook, layer=l)) for l in range(L)]
    logits = tl.run_with_hooks(toks, fwd_hooks=hooks)[:, -1]  # [K*B, V]
    return torch.log_softmax(logits, dim=-1).gather(1, ans[:, None])[:, 0].view(K, B)


def fit_contrastive(tl, positive, negative, theta0):
    """ContrastiveCHGTrainer's one stage, per restart; returns theta, losses [steps][K], norms, clamped count."""
    K = theta0.shape[0]
    thetas = [theta0[k].clone().requires_grad_(True) for k in range(K)]
    optims = [torch.optim.Adam([t], lr=C_LR, betas=(0.9, 0.999), eps=1e-8) for t in thetas]
    schedulers = [torch.optim.lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=C_LR_END / C_LR, total_iters=C_STEPS) for o in optims]
    losses, norms, clamped, total = [], [], 0, 0
    for _ in range(C_STEPS):
        logp_pos = gated_logp(tl, thetas, positive[0], positive[1])  # [K, B]
        logp_neg = gated_logp(tl, thetas, negative[0], negative[1])  # [K, B]
        diff = logp_neg - logp_pos.detach()
        clamped += int((diff < -C_MAX_DIFF).sum())
        total += diff.numel()
        reg = torch.stack([t.clamp(-CLAMP, CLAMP).mean() for t in thetas])  # [K]
        loss = -logp_pos.mean(dim=1) + diff.clamp(min=-C_MAX_DIFF).mean(dim=1) - C_LAMBDA * reg  # [K]
        for o in optims:
            o.zero_grad()
        loss.sum().backward()
        norms.append([torch.nn.utils.clip_grad_norm_([t], C_CLIP_NORM).item() for t in thetas])
        for o, sch in zip(optims, schedulers):
            o.step()
            sch.step()
        losses.append(loss.detach().double().tolist())
    return torch.stack([t.detach() for t in thetas]), losses, norms, (clamped, total)


def contrastive_case(tl, L, NH):
    positive, negative = positive_batch(), batch()
    theta0 = random_theta(C_K, L, NH, SEED + 2)
    theta, losses, norms, (clamped, total) = fit_contrastive(tl, positive, negative, theta0)
    assert 0 < clamped < total, f"the max-difference clamp must act on some rows but not all: {clamped} of {total}"
    clipped = sum(n > C_CLIP_NORM for row in norms for n in row)
    assert 0 < clipped < len(norms) * C_K, f"clipping must act in some steps but not all: {clipped} of {len(norms) * C_K}"
    return {
        "generator": GENERATOR, "model": MODEL, "versions": versions(),
        "description": "contrastive causal head gating (Nam et al. 2025, ContrastiveCHGTrainer): theta after the one stage, loss per step; see the generator's docstring",
        "settings": {"restarts": C_K, "steps": C_STEPS, "learning_rate": C_LR, "learning_rate_end": C_LR_END, "lambda": C_LAMBDA,
                     "clamp": CLAMP, "clip_norm": C_CLIP_NORM, "max_difference": C_MAX_DIFF},
        "positive": {"tokens": positive[0], "answers": positive[1], "wrongs": positive[2]},
        "negative": {"tokens": negative[0], "answers": negative[1], "wrongs": negative[2]},
        "initial_theta": flat(theta0),
        "theta": flat(theta),
        "loss": losses,
        "grad_norm": norms,
        "clamped_rows": clamped,
    }


def random_theta(k, L, NH, seed):
    """The official code's start: G uniform on [0, 1], clamped to [1e-6, 1 - 1e-6], logit."""
    generator = torch.Generator().manual_seed(seed)
    g0 = torch.rand((k, L, NH), generator=generator, dtype=torch.float64).clamp(1e-6, 1 - 1e-6)
    return torch.log(g0 / (1 - g0)).float()


def three_stages(tl, tokens, answers, theta0, batches):
    stage1, loss1, norm1 = fit_stage(tl, tokens, answers, theta0, 0.0, batches)
    keep, loss2, norm2 = fit_stage(tl, tokens, answers, stage1, +LAMBDA, batches)
    remove, loss3, norm3 = fit_stage(tl, tokens, answers, stage1, -LAMBDA, batches)
    return stage1, keep, remove, [loss1, loss2, loss3], norm1 + norm2 + norm3


def flat(t):
    return [row.flatten().double().tolist() for row in t]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model_dir = RESOURCES / "models" / MODEL
    tl = build_tl(load_hf(model_dir))
    for p in tl.parameters():
        p.requires_grad_(False)
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    tokens, answers, wrongs = batch()

    theta0 = random_theta(K, L, NH, SEED)
    stage1, keep, remove, losses, norms = three_stages(tl, tokens, answers, theta0, minibatches(len(tokens), STEPS, len(tokens), 0))
    clipped = sum(n > CLIP_NORM for row in norms for n in row)
    assert 0 < clipped < len(norms) * K, f"clipping must act in some steps but not all: {clipped} of {len(norms) * K}"

    g_keep, g_remove = torch.sigmoid(keep.double()), torch.sigmoid(remove.double())
    mean_keep, mean_remove = g_keep.mean(0), g_remove.mean(0)  # [L, NH]
    labels = []
    for kp, rm in zip(mean_keep.flatten().tolist(), mean_remove.flatten().tolist()):
        labels.append({(True, True): "facilitating", (False, False): "interfering",
                       (True, False): "irrelevant", (False, True): "ambiguous"}[(kp >= THRESHOLD, rm >= THRESHOLD)])
    mb_theta0 = random_theta(1, L, NH, SEED + 1)
    mb_batches = minibatches(len(tokens), STEPS, MB_BATCH, MB_SEED)
    mb_stage1, mb_keep, mb_remove, mb_losses, _ = three_stages(tl, tokens, answers, mb_theta0, mb_batches)
    out = {
        "generator": GENERATOR, "model": MODEL, "versions": versions(),
        "description": "causal head gating (Nam et al. 2025): theta after each stage, loss per step, gates, scores, labels; see the generator's docstring",
        "settings": {"restarts": K, "steps_per_stage": STEPS, "learning_rate": LR, "lambda": LAMBDA,
                     "clamp": CLAMP, "clip_norm": CLIP_NORM, "threshold": THRESHOLD, "seed": SEED},
        "tokens": tokens, "answers": answers, "wrongs": wrongs,
        "initial_theta": flat(theta0),
        "theta": {"stage1": flat(stage1), "G+": flat(keep), "G-": flat(remove)},
        "loss": losses,
        "grad_norm": norms,
        "mean_gates": {"G+": mean_keep.flatten().tolist(), "G-": mean_remove.flatten().tolist()},
        "scores": {"facilitation": mean_remove.flatten().tolist(),
                   "interference": (1 - mean_keep).flatten().tolist(),
                   "irrelevance": (mean_keep - mean_remove).flatten().tolist()},
        "labels": labels,
        "minibatch": {
            "description": f"one restart, batch_size {MB_BATCH} of {len(tokens)} prompts: each step's rows from minibatches(seed)",
            "batch_size": MB_BATCH, "seed": MB_SEED, "rows": mb_batches,
            "initial_theta": flat(mb_theta0),
            "theta": {"stage1": flat(mb_stage1), "G+": flat(mb_keep), "G-": flat(mb_remove)},
            "loss": mb_losses,
        },
    }
    path = args.out / "references" / f"chg-{MODEL}.json"
    write_json(path, out)
    log(f"wrote {path} ({path.stat().st_size} bytes); clipped {clipped} of {len(norms) * K} steps; labels {labels}")
    log("loss", out["loss"])
    log("grad norms", norms)
    contrastive = contrastive_case(tl, L, NH)
    path = args.out / "references" / f"chg-contrastive-{MODEL}.json"
    write_json(path, contrastive)
    log(f"wrote {path} ({path.stat().st_size} bytes); clamped {contrastive['clamped_rows']} of {C_STEPS * C_K * len(POSITIVE_PAIRS)} rows")
    log("contrastive loss", contrastive["loss"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
