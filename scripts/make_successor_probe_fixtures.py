#!/usr/bin/env python3
"""Mod-10 probe reference for the CircuitAnalysis tests (HeadLab, issue 15 item 5): the linear
probe of the successor-head report (Gould et al. 2024, "Successor Heads", section 4; papers.md
section 2) on a small synthetic feature matrix, in numpy float64.

Writes only references/successor-probe.json under Tests/CircuitAnalysisTests/Resources (or --out).

Data: N = 64 "numeric tokens" with indices 1..64 (label = index mod 10, decade = index // 10),
features [N, C=12] = a per-class mean (seeded normal) plus seeded normal noise, so the probe is
right on most held-out tokens but not all.

Probe (Swift: RidgeProbe, ModTenProbe), one-vs-rest ridge regression of the one-hot labels Y
[N, 10] with an unpenalised intercept, fitted on the training rows:
    mu = mean of X, Xc = X - mu, Ybar = mean of Y, lam = ALPHA * trace(Xc^T Xc) / C,
    W  = Xc^T (Xc Xc^T + lam I)^-1 (Y - Ybar)        <- the dual form, computed here;
         Swift solves the primal (Xc^T Xc + lam I) W = Xc^T (Y - Ybar) by Cholesky (same W)
    score(x) = (x - mu) W + Ybar,  prediction = argmax (ties to the lower class).
Held out: leave one decade out (fold d trains on every row whose decade != d and predicts the
rows of decade d). Training accuracy: fit and predict on all rows.

Shuffles: SHUFFLES permutations of the labels drawn one after another from the engine's
SplitMix64(SEED), each a Fisher-Yates shuffle with j = next() mod (i + 1) for i = N-1 .. 1
(Swift: ModTenProbe.shuffles).

Written: features, indices, alpha, seed, shuffles; held-out scores [N][10] and predictions for the
true labels; per shuffle its labels, held-out predictions and accuracies; training accuracies.

How to run (from the repository root; well under a second, no network):

    python3 scripts/make_successor_probe_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from fixture_common import REPO, log, splitmix64, versions, write_json

GENERATOR = "scripts/make_successor_probe_fixtures.py"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
N, C, CLASSES = 64, 12, 10
ALPHA, SEED, SHUFFLES = 0.1, 5, 3
DATA_SEED, NOISE = 2024, 1.1


def shuffles(labels, count, seed):
    g = splitmix64(seed)
    out = []
    for _ in range(count):
        y = list(labels)
        for i in range(len(y) - 1, 0, -1):
            j = next(g) % (i + 1)
            y[i], y[j] = y[j], y[i]
        out.append(y)
    return out


def fit(x, y):
    """(mu, W, Ybar) of the ridge probe on rows x [n, C] with labels y [n], dual form."""
    mu = x.mean(axis=0)
    xc = x - mu
    onehot = np.eye(CLASSES)[y]
    ybar = onehot.mean(axis=0)
    lam = ALPHA * np.trace(xc.T @ xc) / x.shape[1]
    w = xc.T @ np.linalg.solve(xc @ xc.T + lam * np.eye(len(y)), onehot - ybar)
    return mu, w, ybar


def scores(model, x):
    mu, w, ybar = model
    return (x - mu) @ w + ybar


def argmax(s):
    return [int(np.argmax(row)) for row in s]  # numpy's argmax takes the first of ties


def held_out(x, y, decades):
    n = len(y)
    out_scores = np.zeros((n, CLASSES))
    for d in sorted(set(decades)):
        train = [i for i in range(n) if decades[i] != d]
        test = [i for i in range(n) if decades[i] == d]
        model = fit(x[train], np.array(y)[train])
        out_scores[test] = scores(model, x[test])
    return out_scores, argmax(out_scores)


def accuracy(pred, y):
    return sum(int(p == t) for p, t in zip(pred, y)) / len(y)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    rng = np.random.default_rng(DATA_SEED)
    indices = list(range(1, N + 1))
    labels = [i % CLASSES for i in indices]
    decades = [i // CLASSES for i in indices]
    means = rng.normal(size=(CLASSES, C))
    x = means[labels] + NOISE * rng.normal(size=(N, C))

    true_scores, true_pred = held_out(x, labels, decades)
    train_pred = argmax(scores(fit(x, np.array(labels)), x))
    shuffled = []
    for y in shuffles(labels, SHUFFLES, SEED):
        _, pred = held_out(x, y, decades)
        shuffled.append({"labels": y, "held_out_predictions": pred, "held_out_accuracy": accuracy(pred, y),
                         "training_accuracy": accuracy(argmax(scores(fit(x, np.array(y)), x)), y)})
    acc = accuracy(true_pred, labels)
    assert 0.5 < acc < 1, f"the synthetic data should make the probe right on most but not all held-out rows: {acc}"
    out = {
        "generator": GENERATOR, "versions": {"python": versions()["python"], "numpy": np.__version__},
        "description": "ridge one-vs-rest probe of index mod 10, leave one decade out, and seeded label shuffles; see the generator's docstring",
        "alpha": ALPHA, "seed": SEED, "shuffles": SHUFFLES, "classes": CLASSES,
        "indices": indices, "features": x.tolist(),
        "held_out_scores": true_scores.tolist(), "held_out_predictions": true_pred, "held_out_accuracy": acc,
        "training_accuracy": accuracy(train_pred, labels),
        "shuffled": shuffled,
    }
    path = args.out / "references" / "successor-probe.json"
    write_json(path, out)
    log(f"wrote {path} ({path.stat().st_size} bytes); held-out {acc}, training {out['training_accuracy']}, shuffled held-out {[s['held_out_accuracy'] for s in shuffled]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
