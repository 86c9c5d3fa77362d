#!/usr/bin/env python3
"""Learning-rate schedule and AdamW references for the TransformerEngine tests (HeadLab).

Writes, under Tests/TransformerEngineTests/Resources/references/ (or --out DIR):

  lr-schedule.json
      torch.optim.lr_scheduler.LambdaLR driving a torch.optim.SGD optimiser, with the lambda
      below (linear warm-up, then cosine decay to a minimum fraction: GPT-3 / nanoGPT), for a few
      schedules.  For every update number n = 0, 1, ..., total_steps + 5 the JSON holds
      optimizer.param_groups[0]["lr"] as the optimiser would use it for update n (LambdaLR's
      last_epoch is n; scheduler.step() after each optimiser step), i.e. peak * lambda(n):

          lambda(n) = (n + 1) / warmup                                   if n < warmup
                    = f + (1 - f) * 0.5 * (1 + cos(pi * p))              otherwise,
          p = min(1, (n - warmup) / max(1, total - warmup)),  f = minimum fraction.

      Each schedule also records how far the cosine is from the straight line between its end
      points (the largest |lr - line| over the decay), so a linear schedule cannot pass.

  adamw-steps.json / adamw-steps.safetensors
      Gradient clipping + torch.optim.AdamW (not fused, default foreach) on its own, for three
      steps, on the parameters of a small GPT-2 (GPT2LMHeadModel names and shapes; weights drawn
      here).  The gradients are drawn here too and given to both sides, so no element's update
      depends on rounding noise in a backward pass: every element of every parameter is
      compared after every step, and the skip list is empty.  They span 1e-10 .. 10 in magnitude
      (around eps = 1e-8 and far above it), with elements that are zero at every step, zero at
      step 1 only, and changing sign; steps 1 and 2 are clipped, step 3 (scaled to norm 0.5) is
      not.  The learning rate changes per step (as under a schedule), so the decoupled decay
      p * (1 - lr_t * wd) must use the current rate.  Two parameter groups: weight decay for
      dim >= 2 (wte, wpe, weight matrices), none for biases and LayerNorm parameters.
      Tensors (all F32): "initial/param/<name>", and for s = 1, 2, 3: "step{s}/grad/<name>" (the
      gradient given, before clipping), "step{s}/grad_norm" [1] (clip_grad_norm_'s return, the
      norm before clipping), "step{s}/param/<name>" (after the update).  The JSON also holds the
      largest difference between torch and a float64 re-implementation of the written-out rule.

How to run (from the repository root; a few seconds):

    pip install torch transformers safetensors numpy
    python3 scripts/make_optimizer_fixtures.py      # [--out DIR]

Deterministic (fixed seeds, one torch thread).  Versions used for the committed files are in
the JSON ("versions").
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import torch
from transformers import GPT2Config, GPT2LMHeadModel

import fixture_common
from fixture_common import DEFAULT_OUT, log, maxdiff, write_json, write_reference

GENERATOR = "scripts/make_optimizer_fixtures.py"
SEED = 20250311
SIZE_BUDGET = 80_000  # bytes, all files this script writes

# (name, peak, warmup, total, minimum fraction).  Chosen so warm-up ends at a step that is not a
# round fraction of the peak, the cosine runs long enough to be far from a straight line, and
# the minimum is reached and then held.
SCHEDULES = [
    ("nanogpt_like", 6e-4, 10, 100, 0.1),
    ("decay_to_zero", 1e-2, 7, 40, 0.0),
    ("one_warmup_step", 3e-3, 1, 25, 0.25),
]
EXTRA_STEPS = 5  # updates sampled past total_steps (the rate stays at the minimum)

ADAMW = {
    "config": {"n_layer": 1, "n_head": 2, "n_embd": 8, "n_positions": 4, "vocab_size": 10},
    "lrs": [2e-2, 5e-3, 1e-2],  # learning rate of steps 1, 2, 3
    "betas": [0.9, 0.95],
    "eps": 1e-8,
    "weight_decay": 0.1,
    "max_grad_norm": 1.0,
    "step3_norm": 0.5,  # step 3's gradients are scaled to this norm: no clipping
}


def versions() -> dict:
    return fixture_common.versions(("python", "torch", "transformers", "safetensors", "numpy"))


# --------------------------------------------------------------------------- schedule


def lr_lambda(n: int, warmup: int, total: int, minimum: float) -> float:
    if n < warmup:
        return (n + 1) / warmup
    progress = min(1.0, (n - warmup) / max(1, total - warmup))
    return minimum + (1 - minimum) * 0.5 * (1 + math.cos(math.pi * progress))


def schedule_case(name: str, peak: float, warmup: int, total: int, minimum: float) -> dict:
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=peak)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda n: lr_lambda(n, warmup, total, minimum)
    )
    rates = []
    for _ in range(total + EXTRA_STEPS + 1):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    # The straight line from (warmup - 1, peak) to (total, minimum * peak).
    line = [
        peak + (minimum * peak - peak) * (n - (warmup - 1)) / (total - (warmup - 1))
        for n in range(warmup - 1, total + 1)
    ]
    off_line = max(abs(r - l) for r, l in zip(rates[warmup - 1 : total + 1], line))
    assert off_line > 0.05 * peak, (name, off_line)
    log(f"  {name}: {len(rates)} rates, max distance from a straight line {off_line / peak:.3f} x peak")
    return {
        "name": name,
        "peak": peak,
        "warmup_steps": warmup,
        "total_steps": total,
        "minimum_fraction": minimum,
        "max_distance_from_straight_line": off_line,
        "rates": rates,
    }


def write_schedules(refs_dir: Path) -> list[Path]:
    log("== learning-rate schedules (LambdaLR)")
    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "reference": "torch.optim.lr_scheduler.LambdaLR(torch.optim.SGD([p], lr=peak), lambda); "
        "rates[n] = optimizer.param_groups[0]['lr'] before optimizer step n (0-based), "
        "scheduler.step() after each optimizer step",
        "lambda": [
            "n < warmup: (n + 1) / warmup",
            "otherwise: f + (1 - f) * 0.5 * (1 + cos(pi * min(1, (n - warmup) / max(1, total - warmup))))",
        ],
        "schedules": [schedule_case(*s) for s in SCHEDULES],
    }
    path = refs_dir / "lr-schedule.json"
    write_json(path, doc)
    return [path]


# --------------------------------------------------------------------------- AdamW


def draw_gradients(params: dict, gen: torch.Generator) -> list[dict]:
    """Three steps of gradients per parameter, shaped like it."""
    steps = []
    always_zero = {n: torch.rand(p.shape, generator=gen) < 0.1 for n, p in params.items()}
    zero_at_1 = {n: torch.rand(p.shape, generator=gen) < 0.1 for n, p in params.items()}
    sign = {n: torch.where(torch.rand(p.shape, generator=gen) < 0.5, -1.0, 1.0) for n, p in params.items()}
    for s in range(1, 4):
        grads = {}
        for n, p in params.items():
            exponent = -10 + 11 * torch.rand(p.shape, generator=gen, dtype=torch.float64)
            flip = torch.where(torch.rand(p.shape, generator=gen) < 0.3, -1.0, 1.0)
            sign[n] = sign[n] * flip
            g = (sign[n].double() * 10.0**exponent).float()
            g[always_zero[n]] = 0
            if s == 1:
                g[zero_at_1[n]] = 0
            grads[n] = g
        if s == 3:
            norm = math.sqrt(sum((g.double() ** 2).sum().item() for g in grads.values()))
            grads = {n: (g.double() * (ADAMW["step3_norm"] / norm)).float() for n, g in grads.items()}
        steps.append(grads)
    return steps


def manual_adamw(initial: dict, grads: list[dict], decays: dict, hp: dict) -> list[dict]:
    """float64 clipping + AdamW, the rule written in the JSON; parameters after each step."""
    b1, b2 = hp["betas"]
    p = {n: t.double() for n, t in initial.items()}
    m = {n: torch.zeros_like(t) for n, t in p.items()}
    v = {n: torch.zeros_like(t) for n, t in p.items()}
    out = []
    for t, (lr, g32) in enumerate(zip(hp["lrs"], grads), start=1):
        g = {n: x.double() for n, x in g32.items()}
        norm = math.sqrt(sum((x * x).sum().item() for x in g.values()))
        coef = min(1.0, hp["max_grad_norm"] / (norm + 1e-6))
        for n in p:
            gn = g[n] * coef
            p[n] = p[n] * (1 - lr * decays[n])
            m[n] = b1 * m[n] + (1 - b1) * gn
            v[n] = b2 * v[n] + (1 - b2) * gn * gn
            p[n] = p[n] - (lr / (1 - b1**t)) * m[n] / (v[n].sqrt() / math.sqrt(1 - b2**t) + hp["eps"])
        out.append({n: x.clone() for n, x in p.items()})
    return out


def write_adamw(refs_dir: Path) -> list[Path]:
    hp = ADAMW
    log("== AdamW steps (torch.optim.AdamW on given gradients)")
    gen = torch.Generator().manual_seed(SEED)
    model = GPT2LMHeadModel(GPT2Config(**hp["config"]))
    names = [n for n, _ in model.named_parameters()]  # the tied lm_head.weight is not repeated
    params = dict(model.named_parameters())
    with torch.no_grad():
        for n in names:
            params[n].copy_(0.5 * torch.randn(params[n].shape, generator=gen))
    initial = {n: params[n].detach().clone() for n in names}
    grads = draw_gradients(initial, gen)
    decays = {n: (hp["weight_decay"] if params[n].dim() >= 2 else 0.0) for n in names}
    opt = torch.optim.AdamW(
        [
            {"params": [params[n] for n in names if decays[n] > 0], "weight_decay": hp["weight_decay"]},
            {"params": [params[n] for n in names if decays[n] == 0], "weight_decay": 0.0},
        ],
        lr=hp["lrs"][0],
        betas=tuple(hp["betas"]),
        eps=hp["eps"],
        fused=False,
    )
    tensors = {f"initial/param/{n}": initial[n] for n in names}
    step_docs = []
    manual = manual_adamw(initial, grads, decays, hp)
    for s, (lr, g) in enumerate(zip(hp["lrs"], grads), start=1):
        for group in opt.param_groups:
            group["lr"] = lr
        for n in names:
            params[n].grad = g[n].clone()
        norm = torch.nn.utils.clip_grad_norm_([params[n] for n in names], hp["max_grad_norm"])
        opt.step()
        tensors[f"step{s}/grad_norm"] = norm.detach().reshape(1)
        for n in names:
            tensors[f"step{s}/grad/{n}"] = g[n]
            tensors[f"step{s}/param/{n}"] = params[n].detach().clone()
        vs64 = max(maxdiff(params[n].detach(), manual[s - 1][n]) for n in names)
        assert vs64 < 1e-6, (s, vs64)
        clipped = norm.item() > hp["max_grad_norm"]
        nonzero = torch.cat([x.flatten() for x in g.values()])
        nonzero = nonzero[nonzero != 0].abs()
        step_docs.append(
            {
                "step": s,
                "lr": lr,
                "grad_norm": norm.item(),
                "clipped": clipped,
                "zero_gradient_elements": int(sum((x == 0).sum().item() for x in g.values())),
                "gradient_magnitude_range": [nonzero.min().item(), nonzero.max().item()],
                "torch_vs_float64_rule_max_abs": vs64,
            }
        )
        log(f"  step {s}: lr {lr} grad_norm {norm.item():.4f} clipped {clipped}  torch vs float64 rule {vs64:.1e}")
    assert [d["clipped"] for d in step_docs] == [True, True, False]
    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "model": "GPT2LMHeadModel(GPT2Config(**config)), weights drawn here (N(0, 0.5^2))",
        "config": hp["config"],
        "hyperparameters": {
            "optimizer": "torch.optim.AdamW",
            "fused": False,
            "foreach": opt.defaults.get("foreach"),
            "lrs": hp["lrs"],
            "betas": hp["betas"],
            "eps": hp["eps"],
            "amsgrad": False,
            "max_grad_norm": hp["max_grad_norm"],
            "param_groups": [
                {"weight_decay": hp["weight_decay"], "rule": "dim >= 2",
                 "params": [n for n in names if decays[n] > 0]},
                {"weight_decay": 0.0, "rule": "dim < 2 (biases, LayerNorm weights and biases)",
                 "params": [n for n in names if decays[n] == 0]},
            ],
        },
        "update_rule": [
            "per step t = 1, 2, 3 with learning rate lr_t = lrs[t - 1]:",
            "total_norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm)  (stored as grad_norm)",
            "clip = min(1, max_grad_norm / (total_norm + 1e-6));  g = g * clip",
            "param = param * (1 - lr_t * weight_decay)",
            "m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2   (m, v start 0)",
            "param = param - (lr_t / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)",
        ],
        "skip": [],
        "skip_reason": "none: the gradients are given, not recomputed, so every element's update "
        "is a well-conditioned function of its inputs; every element of every parameter is "
        "compared after every step",
        "steps": step_docs,
        "param_names": [{"name": n, "shape": list(params[n].shape)} for n in names],
    }
    description = f"AdamW steps on given gradients, written by {GENERATOR}"
    return write_reference(refs_dir, "adamw-steps", tensors, doc, description)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()
    torch.set_num_threads(1)
    refs_dir = args.out / "references"
    refs_dir.mkdir(parents=True, exist_ok=True)
    written = write_schedules(refs_dir) + write_adamw(refs_dir)
    total = sum(p.stat().st_size for p in written)
    log(f"== {len(written)} files, {total} bytes (budget {SIZE_BUDGET})")
    assert total <= SIZE_BUDGET, "the fixtures exceed the size budget"
    return 0


if __name__ == "__main__":
    sys.exit(main())
