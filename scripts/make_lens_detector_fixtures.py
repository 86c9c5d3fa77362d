#!/usr/bin/env python3
"""Logit-lens, direct-logit-attribution, head-detector and weight-score references for the
CircuitAnalysis tests (HeadLab), on the committed fixture model models/tiny-f32 (2 layers, 4 heads,
d_model 32, vocab 320).

Reads Tests/CircuitAnalysisTests/Resources/models/tiny-f32 and writes only
references/lens-detectors-tiny-f32.json and references/lens-detectors-tiny-f32.safetensors under
Tests/CircuitAnalysisTests/Resources (or under --out DIR).

TransformerLens 3.9.0 is built from the Hugging Face weights with no weight processing (fold_ln,
center_writing_weights, center_unembed, refactor_factored_attn_matrices, fold_value_biases all
False; scripts/fixture_common.build_tl), so its LayerNorms keep their weights and biases.

1. Head detectors (TransformerLens `detect_head`, called itself). `detect_head` takes strings and
   tokenizes them with `model.to_tokens`; the tiny model's byte-level vocabulary does not round-trip
   random ids through text, so each sequence is passed as a placeholder string ("seq0", ...) and
   `model.to_tokens` is replaced by a lookup returning that sequence's ids [1, T]. Everything else
   (pattern construction, the per-sequence run_with_cache, the score, the average over a list) is
   TransformerLens's own code. Batch: `repeated_tokens`, B=3 rows of [BOS=0] + r + r with r 7
   seeded ids in 1..319 (T=15). Keys "detect/<pattern>/<mul|abs>/bos<0|1>/cur<0|1>" [L,NH] for the
   list (averaged like TL), and "detect_single/<pattern>/mul/bos0/cur0" for row 0 alone.
   "abs" scores are rounded by TL to 3 decimals; the JSON records the smallest distance of an
   unrounded value to a rounding boundary (a Swift score can only differ there).
   "detect/attention_sink" [L,NH]: mean over rows and over all query positions i of pattern[i, 0]
   (Gu et al. 2024's alpha for the first token), from the same TL caches.

2. Logit lens on `lens_tokens` (one row, T=10, seeded, BOS first) at the last position:
   `cache.accumulated_resid(layer=-1, pos_slice=-1, return_labels=True)` (resid_pre 0..L-1 and the
   final resid_post, labels "0_pre", "1_pre", "final_post"), then
   `cache.apply_ln_to_stack(..., recompute_ln=True)` (ln_final recomputed on each residual, weight
   and bias applied) and `model.unembed`. "lens/logits" [L+1, V]. JSON: the answer's logit, prob
   (softmax over V), rank (number of tokens with a strictly larger logit; 0 = top) and the top-5
   ids per layer.

3. Residual decomposition and DLA at the last position of `lens_tokens` for answer/wrong:
   "dla/decompose_resid" [2+2L, C] = `decompose_resid(layer=-1, mode="all", incl_embeds=True,
   pos_slice=-1)` (embed, pos_embed, 0_attn_out, 0_mlp_out, ...);
   "dla/stack_head_results" [L*NH, C] = `stack_head_results(layer=-1, pos_slice=-1)` (hook_result,
   without b_O); "dla/decompose_resid_ln" and "dla/stack_head_results_ln" = `apply_ln_to_stack`
   of both (centred, divided by ln_final's cached scale at that position);
   "dla/terms" [K]: HeadLab's component order embed, pos_embed, heads "l.h" (layer-major),
   attn_bias0..L-1 (b_O of each layer, centred and scaled the same way), mlp0..L-1, then
   ln_final_bias (ln_final.b . d) and unembed_bias (b_U[answer] - b_U[wrong], zero for GPT-2), each
   dotted with d = w (*) (W_U[:, answer] - W_U[:, wrong]), w = ln_final.w. The script checks
   the terms sum to the model's logit difference within 1e-5.

4. Weight scores, in plain PyTorch from the Hugging Face state dict (float64, no TransformerLens):
   effective embedding E' = MLP0(LN2_0(W_E)) (LayerNorm with block 0's ln_2 weight and bias, eps
   from the config; gelu_new) [V, C], "weights/effective_embedding"; with the option that adds the
   token embedding, E' + W_E, "weights/effective_embedding_plus_embed". Cross-checked against
   HF's own h[0].ln_2 and h[0].mlp modules.
   Per head the OV map is W_V^h W_O^h (no biases; c_attn columns 2C + h*HS.., c_proj rows h*HS..),
   and the logits of token t are E'[t] W_V^h W_O^h W_U^T (W_U = wte, no final LN).
   - Successor (Gould et al. 2024): each task is a list of ids; consecutive pairs (t, s); success if
     s is the argmax of t's logits restricted to the task's distinct ids. "weights/successor" [L,NH]
     is the fraction of all pairs (over all tasks), "weights/successor_task/<name>" per task.
   - Copy (Wang et al. 2023, McDougall et al. 2023): for each t in `copy_tokens`, success if t is
     among the top 5 of its logits restricted to `copy_tokens` (ties broken toward t: a token counts
     as in the top k when fewer than k others are strictly larger); "weights/copy" [L,NH] is the
     fraction, "weights/negative_copy" the same with -logits.
   Both are also written for E' + W_E with the suffix "_plus_embed". The JSON records the smallest
   gap between the deciding logits (argmax vs runner-up; 5th vs 6th) so a float32 reimplementation
   cannot flip a decision.

How to run (from the repository root; a few seconds, no network):

    python3 scripts/make_lens_detector_fixtures.py     # [--out DIR]

Deterministic: fixed seeds, one torch thread. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch

from fixture_common import build_tl, load_hf, log, versions, write_reference
import transformer_lens.head_detector as head_detector

GENERATOR = "scripts/make_lens_detector_fixtures.py"
MODEL = "tiny-f32"
STEM = f"lens-detectors-{MODEL}"
REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
SEED = 20261130
BATCH, HALF = 3, 7
LENS_T = 10
TOPK = 5
PATTERNS = ["previous_token_head", "duplicate_token_head", "induction_head"]
SUCCESSOR_TASKS = {
    "run_a": list(range(40, 50)),
    "run_b": [100, 131, 162, 193, 224, 255, 286, 100],
    "run_c": list(range(260, 272)),
}
COPY_K = 5


def detector_references(tl, rows):
    """detect_head on the list of rows (and on row 0), through a to_tokens lookup."""
    names = [f"seq{i}" for i in range(len(rows))]
    lookup = {n: torch.tensor([r]) for n, r in zip(names, rows)}
    # For a list, detect_head tokenizes it once before recursing over its elements and uses
    # nothing of that call; return the first row's ids there.
    tl.to_tokens = lambda s, *a, **k: lookup[s[0] if isinstance(s, list) else s]
    out, doc = {}, {"abs_rounding_margin": math.inf}
    for pattern in PATTERNS:
        for measure in ("mul", "abs"):
            for bos in (False, True):
                for cur in (False, True):
                    key = f"detect/{pattern}/{measure}/bos{int(bos)}/cur{int(cur)}"
                    out[key] = head_detector.detect_head(
                        tl, names, pattern, exclude_bos=bos, exclude_current_token=cur,
                        error_measure=measure)
        out[f"detect_single/{pattern}/mul/bos0/cur0"] = head_detector.detect_head(tl, names[0], pattern)
    # The distance of every unrounded "abs" value to a rounding boundary (x.xxx5).
    for row in rows:
        _, cache = tl.run_with_cache(torch.tensor([row]), remove_batch_dim=True)
        toks = torch.tensor([row])
        for pattern in PATTERNS:
            det = getattr(head_detector, f"get_{pattern}_detection_pattern")(toks)
            for l in range(tl.cfg.n_layers):
                for h in range(tl.cfg.n_heads):
                    for bos in (False, True):
                        for cur in (False, True):
                            d = (cache["pattern", l][h] - det).abs()
                            if bos:
                                d[:, 0] = 0
                            if cur:
                                d.fill_diagonal_(0)
                            v = (d.mean() * len(d)).item() * 1000
                            doc["abs_rounding_margin"] = min(doc["abs_rounding_margin"], abs(v - math.floor(v) - 0.5) / 1000)
    # Attention sink: mean attention to position 0 over every query position and row.
    sink = torch.zeros(tl.cfg.n_layers, tl.cfg.n_heads)
    _, cache = tl.run_with_cache(torch.tensor(rows))
    for l in range(tl.cfg.n_layers):
        sink[l] = cache["pattern", l][:, :, :, 0].mean(dim=(0, 2))
    out["detect/attention_sink"] = sink
    return out, doc


def lens_references(tl, tokens, answer, wrong):
    logits, cache = tl.run_with_cache(torch.tensor([tokens]))
    stack, labels = cache.accumulated_resid(layer=-1, pos_slice=-1, return_labels=True)
    normed = cache.apply_ln_to_stack(stack, layer=-1, pos_slice=-1, recompute_ln=True)
    lens_logits = tl.unembed(normed)[:, 0, :]  # [L+1, V]
    assert torch.allclose(lens_logits[-1], logits[0, -1], atol=1e-5), "final lens row must be the logits"
    probs = torch.softmax(lens_logits.double(), dim=-1)
    doc = {"labels": labels, "answer_logit": [], "answer_prob": [], "answer_rank": [], "topk_ids": []}
    for i in range(len(labels)):
        row = lens_logits[i]
        doc["answer_logit"].append(row[answer].item())
        doc["answer_prob"].append(probs[i, answer].item())
        doc["answer_rank"].append(int((row > row[answer]).sum().item()))
        top = torch.topk(row, TOPK)
        doc["topk_ids"].append(top.indices.tolist())
        # The top-k order must be decided by margins far beyond float noise.
        gaps = (top.values[:-1] - top.values[1:]).min().item()
        sixth = torch.topk(row, TOPK + 1).values
        doc.setdefault("min_topk_gap", math.inf)
        doc["min_topk_gap"] = min(doc["min_topk_gap"], gaps, (sixth[-2] - sixth[-1]).item())

    # Residual decomposition and DLA.
    decomposed = cache.decompose_resid(layer=-1, mode="all", incl_embeds=True, pos_slice=-1)[:, 0]
    heads = cache.stack_head_results(layer=-1, pos_slice=-1)[:, 0]
    decomposed_ln = cache.apply_ln_to_stack(decomposed[:, None], layer=-1, pos_slice=-1)[:, 0]
    heads_ln = cache.apply_ln_to_stack(heads[:, None], layer=-1, pos_slice=-1)[:, 0]
    L = tl.cfg.n_layers
    biases = torch.stack([tl.blocks[l].attn.b_O.detach() for l in range(L)])  # [L, C]
    biases_ln = cache.apply_ln_to_stack(biases[:, None, None].expand(L, 1, 1, -1), layer=-1, pos_slice=-1)[:, 0, 0]
    w = tl.ln_final.w.detach()
    direction = tl.W_U[:, answer].detach() - tl.W_U[:, wrong].detach()
    wd = w * direction
    mlps_ln = decomposed_ln[[2 + 2 * l + 1 for l in range(L)]]
    terms = torch.cat([
        decomposed_ln[:2] @ wd,
        heads_ln @ wd,
        biases_ln @ wd,
        mlps_ln @ wd,
        (tl.ln_final.b.detach() @ direction)[None],
        (tl.b_U[answer] - tl.b_U[wrong]).detach()[None],
    ])
    ld = (logits[0, -1, answer] - logits[0, -1, wrong]).item()
    assert abs(terms.double().sum().item() - ld) < 1e-5, (terms.sum().item(), ld)
    labels_dla = ["embed", "pos_embed"] + [f"{l}.{h}" for l in range(L) for h in range(tl.cfg.n_heads)]
    labels_dla += [f"attn_bias{l}" for l in range(L)] + [f"mlp{l}" for l in range(L)] + ["ln_final_bias", "unembed_bias"]
    tensors = {
        "lens/logits": lens_logits,
        "dla/decompose_resid": decomposed,
        "dla/stack_head_results": heads,
        "dla/decompose_resid_ln": decomposed_ln,
        "dla/stack_head_results_ln": heads_ln,
        "dla/terms": terms,
    }
    dla = {"labels": labels_dla, "logit_diff": ld, "decompose_resid_labels":
           cache.decompose_resid(layer=-1, pos_slice=-1, return_labels=True)[1]}
    return tensors, doc, dla


def effective_embedding(hf, plus_embed: bool) -> torch.Tensor:
    """E' = MLP0(LN2_0(W_E)) [+ W_E], float64, written out by hand."""
    sd = {k: v.detach().double() for k, v in hf.state_dict().items()}
    x = sd["transformer.wte.weight"]
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    eps = hf.config.layer_norm_epsilon
    normed = (x - mean) / torch.sqrt(var + eps) * sd["transformer.h.0.ln_2.weight"] + sd["transformer.h.0.ln_2.bias"]
    pre = normed @ sd["transformer.h.0.mlp.c_fc.weight"] + sd["transformer.h.0.mlp.c_fc.bias"]
    post = 0.5 * pre * (1 + torch.tanh(math.sqrt(2 / math.pi) * (pre + 0.044715 * pre**3)))
    out = post @ sd["transformer.h.0.mlp.c_proj.weight"] + sd["transformer.h.0.mlp.c_proj.bias"]
    with torch.no_grad():
        block = hf.transformer.h[0]
        via_hf = block.mlp(block.ln_2(hf.transformer.wte.weight)).double()
    assert (out - via_hf).abs().max().item() < 1e-5, "hand-written MLP0(LN2(W_E)) disagrees with HF's modules"
    return out + x if plus_embed else out


def head_logits(hf, eprime, rows, cols):
    """[L, NH, len(rows), len(cols)]: E'[rows] W_V^h W_O^h W_U[cols]^T in float64."""
    c = hf.config
    C, NH = c.n_embd, c.n_head
    HS = C // NH
    sd = {k: v.detach().double() for k, v in hf.state_dict().items()}
    W_U = sd["transformer.wte.weight"]
    out = torch.zeros(c.n_layer, NH, len(rows), len(cols), dtype=torch.float64)
    for l in range(c.n_layer):
        qkv = sd[f"transformer.h.{l}.attn.c_attn.weight"]
        proj = sd[f"transformer.h.{l}.attn.c_proj.weight"]
        for h in range(NH):
            W_V = qkv[:, 2 * C + h * HS: 2 * C + (h + 1) * HS]
            W_O = proj[h * HS:(h + 1) * HS, :]
            out[l, h] = eprime[rows] @ W_V @ W_O @ W_U[cols].T
    return out


def weight_references(hf, copy_tokens, suffix: str):
    eprime = effective_embedding(hf, plus_embed=suffix != "")
    c = hf.config
    tensors, margins = {}, {"successor_min_gap": math.inf, "copy_min_gap": math.inf}
    total = torch.zeros(c.n_layer, c.n_head, dtype=torch.float64)
    pairs = 0
    for name, seq in SUCCESSOR_TASKS.items():
        ids = sorted(set(seq))
        logits = head_logits(hf, eprime, ids, ids)  # [L, NH, n, n]
        hits = torch.zeros(c.n_layer, c.n_head, dtype=torch.float64)
        for t, s in zip(seq[:-1], seq[1:]):
            row = logits[:, :, ids.index(t)]  # [L, NH, n]
            hits += (row.argmax(-1) == ids.index(s)).double()
            top2 = torch.topk(row, 2, dim=-1).values
            margins["successor_min_gap"] = min(margins["successor_min_gap"], (top2[..., 0] - top2[..., 1]).min().item())
        tensors[f"weights/successor_task/{name}{suffix}"] = hits / (len(seq) - 1)
        total += hits
        pairs += len(seq) - 1
    tensors[f"weights/successor{suffix}"] = total / pairs
    logits = head_logits(hf, eprime, copy_tokens, copy_tokens)  # [L, NH, n, n]
    n = len(copy_tokens)
    for key, sign in (("copy", 1.0), ("negative_copy", -1.0)):
        m = sign * logits
        own = torch.diagonal(m, dim1=-2, dim2=-1)  # [L, NH, n]
        larger = (m > own[..., None]).sum(-1)  # tokens strictly above t's own logit
        tensors[f"weights/{key}{suffix}"] = (larger < COPY_K).double().mean(-1)
        top = torch.topk(m, COPY_K + 1, dim=-1).values
        margins["copy_min_gap"] = min(margins["copy_min_gap"], (top[..., COPY_K - 1] - top[..., COPY_K]).min().item())
    tensors[f"weights/effective_embedding{suffix}"] = eprime
    assert n == len(set(copy_tokens))
    return tensors, margins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=RESOURCES / "references")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    hf = load_hf(RESOURCES / "models" / MODEL)
    tl = build_tl(hf)
    V = hf.config.vocab_size
    gen = torch.Generator().manual_seed(SEED)
    rows = []
    for _ in range(BATCH):
        r = torch.randint(1, V, (HALF,), generator=gen).tolist()
        rows.append([0] + r + r)
    lens_tokens = [0] + torch.randint(1, V, (LENS_T - 1,), generator=gen).tolist()
    answer, wrong = 57, 201
    copy_tokens = torch.randperm(V - 1, generator=gen)[:40].add(1).tolist()

    with torch.no_grad():
        detect, detect_doc = detector_references(tl, rows)
        lens_tensors, lens_doc, dla_doc = lens_references(tl, lens_tokens, answer, wrong)
        weights, margins = weight_references(hf, copy_tokens, "")
        weights_plus, margins_plus = weight_references(hf, copy_tokens, "_plus_embed")
    tensors = {**detect, **lens_tensors, **weights, **weights_plus}
    log("abs rounding margin", detect_doc["abs_rounding_margin"], "lens", lens_doc["min_topk_gap"],
        "margins", margins, margins_plus)
    for k in sorted(tensors):
        if k.startswith(("detect", "weights/s", "weights/c", "weights/n")):
            log(k, [round(x, 4) for x in tensors[k].flatten().tolist()])
    doc = {
        "generator": GENERATOR,
        "model": MODEL,
        "versions": versions(),
        "repeated_tokens": rows,
        "detect": {"patterns": PATTERNS, "exclude_flags": "bos<0|1>/cur<0|1>", **detect_doc},
        "lens_tokens": lens_tokens,
        "answer": answer,
        "wrong": wrong,
        "lens": lens_doc,
        "dla": dla_doc,
        "successor_tasks": SUCCESSOR_TASKS,
        "copy_tokens": copy_tokens,
        "copy_k": COPY_K,
        "margins": {"E'": margins, "E'+W_E": margins_plus},
    }
    write_reference(args.out, STEM, tensors, doc,
                    "lens, DLA, head detectors and weight scores on tiny-f32 (see the JSON)")


if __name__ == "__main__":
    main()
