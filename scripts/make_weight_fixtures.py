#!/usr/bin/env python3
"""TransformerLens reference for HeadLab's weight analyses (issue 16): OV and QK circuits, their
spectra, top-k rows of the vocabulary-level maps, eigenvalue copying scores and composition
scores, on the fixture model with the full GPT-2 vocabulary (models/gpt2-vocab-f32: 3 layers,
2 heads, d_model 16, d_head 8, vocabulary 50,257).

Writes only Tests/CircuitAnalysisTests/Resources/references/weights-gpt2-vocab-f32.json (or
--out DIR/references/...). Two TransformerLens models are built from the Hugging Face weights
(fixture_common.build_tl), float32:
  raw        no weight processing (fold_ln, center_writing_weights, center_unembed all False);
  processed  fold_ln, center_writing_weights and center_unembed True (from_pretrained's
             defaults), fold_value_biases and refactor_factored_attn_matrices False.

For each model and head (l, h), from TransformerLens's own objects:
  ov_singular_values, qk_singular_values      model.OV[l, h].S, model.QK[l, h].S (FactoredMatrix)
  ov_eigenvalues, qk_eigenvalues              .eigenvalues of the same, [re, im]
  full_ov_eigenvalues[_maps]                  (E @ model.OV[l, h] @ model.W_U).eigenvalues
  full_ov_singular_values[_maps]              (E @ model.OV[l, h] @ model.W_U).S
  eigen_copy[_maps]                           sum(eigenvalues).real / sum(|eigenvalues|) of the above
  composition.q|k|v                           model.all_composition_scores(mode), [L, NH, L, NH],
                                              null where the receiver's layer is not later
  top_k                                       rows of the vocabulary maps computed densely in
                                              float64 from the TL weights: k largest entries
E is W_E ("token"), or for "maps" MAPS's E': W_E at layer 0, blocks[0].mlp(blocks[0].ln2(W_E))
after it. Maps: ov = E W_V W_O W_U; qk = E W_Q W_K^T E^T; qk_pos = W_pos W_Q W_K^T W_pos^T over
key positions <= the query position. random_baseline: mean, std, 95th and 99th percentile of utilities.composition_scores over 4,000
pairs of random factored matrices of the model's shapes with i.i.d. N(0, 1) entries (torch
generator). The processed model also records b_U (unembed.b_U): its first 16 entries, those of the
row tokens, and its norm.

How to run (from the repository root; a few seconds, no network):

    python3 scripts/make_weight_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from fixture_common import REPO, build_tl, config_summary, load_hf, log, versions, write_json

GENERATOR = "scripts/make_weight_fixtures.py"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
MODEL = "gpt2-vocab-f32"
K = 10
ROW_TOKENS = [262, 13, 50256, 0, 31373]  # " the", ".", <|endoftext|>, "!", "hello"
ROW_POSITIONS = [0, 1, 5, 63]


def complex_list(values: torch.Tensor) -> list:
    return [[float(z.real), float(z.imag)] for z in values.to(torch.complex128)]


def copying_score(values: torch.Tensor) -> float:
    values = values.to(torch.complex128)
    return float(values.sum().real / values.abs().sum())


def floats(t: torch.Tensor) -> list:
    return [float(x) for x in t.detach().double().flatten()]


@torch.no_grad()
def embeddings(tl) -> dict:
    """E per choice and layer: {"token": [W_E]*L, "maps": [W_E, E', E', ...]}."""
    W_E = tl.W_E
    e_prime = tl.blocks[0].mlp(tl.blocks[0].ln2(W_E[None]))[0]
    L = tl.cfg.n_layers
    return {"token": [W_E] * L, "maps": [W_E] + [e_prime] * (L - 1)}


@torch.no_grad()
def top_rows(dense_row, k: int, limit: int | None = None) -> dict:
    row = dense_row if limit is None else dense_row[:limit]
    values, ids = torch.topk(row, min(k, row.numel()))
    return {"ids": [int(i) for i in ids], "values": floats(values)}


@torch.no_grad()
def describe(tl, with_top_k: bool) -> dict:
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    E = embeddings(tl)
    out: dict = {key: [] for key in (
        "ov_singular_values", "qk_singular_values", "ov_eigenvalues", "qk_eigenvalues",
        "full_ov_eigenvalues", "full_ov_singular_values", "full_ov_eigenvalues_maps",
        "full_ov_singular_values_maps", "eigen_copy", "eigen_copy_maps")}
    for l in range(L):
        rows = {key: [] for key in out}
        for h in range(NH):
            ov, qk = tl.OV[l, h], tl.QK[l, h]
            rows["ov_singular_values"].append(floats(ov.S))
            rows["qk_singular_values"].append(floats(qk.S))
            rows["ov_eigenvalues"].append(complex_list(ov.eigenvalues))
            rows["qk_eigenvalues"].append(complex_list(qk.eigenvalues))
            for suffix, choice in (("", "token"), ("_maps", "maps")):
                full = E[choice][l] @ ov @ tl.W_U
                eig = full.eigenvalues
                rows["full_ov_eigenvalues" + suffix].append(complex_list(eig))
                rows["full_ov_singular_values" + suffix].append(floats(full.S))
                rows["eigen_copy" + suffix].append(copying_score(eig))
        for key in out:
            out[key].append(rows[key])
    out["composition"] = {}
    for mode in ("Q", "K", "V"):
        scores = tl.all_composition_scores(mode).double()
        grid = [[[[float(scores[l1, h1, l2, h2]) if l1 < l2 else None for h2 in range(NH)]
                  for l2 in range(L)] for h1 in range(NH)] for l1 in range(L)]
        out["composition"][mode.lower()] = grid
    if with_top_k:
        out["top_k"] = top_k_rows(tl, E)
    return out


@torch.no_grad()
def top_k_rows(tl, E) -> list:
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    W_U = tl.W_U.double()
    W_pos = tl.W_pos.double()
    rows = []
    for l in range(L):
        for h in range(NH):
            W_Q, W_K = tl.W_Q[l, h].double(), tl.W_K[l, h].double()
            W_V, W_O = tl.W_V[l, h].double(), tl.W_O[l, h].double()
            for choice in ("token", "maps"):
                e = E[choice][l].double()
                keys = e @ W_K  # [V, HS]
                for t in ROW_TOKENS:
                    ov_row = ((e[t] @ W_V) @ W_O) @ W_U
                    qk_row = keys @ (e[t] @ W_Q)
                    rows.append({"circuit": "ov", "embedding": choice, "head": [l, h], "row": t, **top_rows(ov_row, K)})
                    rows.append({"circuit": "qk", "embedding": choice, "head": [l, h], "row": t, **top_rows(qk_row, K)})
            pos_keys = W_pos @ W_K
            for p in ROW_POSITIONS:
                row = pos_keys @ (W_pos[p] @ W_Q)
                rows.append({"circuit": "qk_pos", "embedding": "none", "head": [l, h], "row": p, **top_rows(row, K, limit=p + 1)})
    return rows


@torch.no_grad()
def random_baseline(d_model: int, d_head: int, samples: int, seed: int) -> dict:
    """Composition scores of i.i.d. N(0, 1) matrices of the model's shapes (torch's generator, so
    only the distribution, not the samples, is comparable with HeadLab's SplitMix64 draws)."""
    gen = torch.Generator().manual_seed(seed)
    from transformer_lens import FactoredMatrix
    from transformer_lens.utilities.matrix import composition_scores

    def draw(*shape):
        return torch.randn(samples, *shape, generator=gen, dtype=torch.float64)

    left = FactoredMatrix(draw(d_model, d_head), draw(d_head, d_model))
    right = FactoredMatrix(draw(d_model, d_head), draw(d_head, d_model))
    scores = composition_scores(left, right, broadcast_dims=False)
    return {"samples": samples, "d_model": d_model, "d_head": d_head, "mean": float(scores.mean()),
            "std": float(scores.std()), "p95": float(scores.quantile(0.95)), "p99": float(scores.quantile(0.99))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    torch.set_num_threads(1)
    hf = load_hf(RESOURCES / "models" / MODEL)
    raw, processed = build_tl(hf), build_tl(hf, processed=True)
    log("raw model ...")
    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "model": f"models/{MODEL}",
        "config": config_summary(hf.config),
        "k": K,
        "row_tokens": ROW_TOKENS,
        "row_positions": ROW_POSITIONS,
        "raw": describe(raw, with_top_k=True),
    }
    doc["random_baseline"] = random_baseline(hf.config.n_embd, hf.config.n_embd // hf.config.n_head, 4000, 16)
    log("processed model ...")
    doc["processed"] = describe(processed, with_top_k=True)
    b_U = processed.unembed.b_U
    doc["processed"]["unembed_b_U"] = {"first": floats(b_U[:16]), "at_row_tokens": floats(b_U[ROW_TOKENS]),
                                       "norm": float(b_U.double().norm())}
    # The processed model's log-probabilities equal the raw model's (a sanity check of the
    # processing here; the Swift test checks its own processing the same way).
    tokens = torch.tensor([[464, 2068, 7586, 21831]])
    drift = (raw(tokens).log_softmax(-1) - processed(tokens).log_softmax(-1)).abs().max().item()
    assert drift < 1e-4, drift
    out = args.out / "references" / f"weights-{MODEL}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out, doc)
    log(f"wrote {out} ({out.stat().st_size:,} bytes); processed vs raw log-prob drift {drift:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
