#!/usr/bin/env python3
"""MAPS relation scores, copy scores and the sparse attention decomposition on the fixture model
with the full GPT-2 vocabulary (HeadLab, issue 16), computed densely in PyTorch and TransformerLens.

Reads Tests/CircuitAnalysisTests/Resources/models/gpt2-vocab-f32 (3 layers, 2 heads, d_head 8,
n_embd 16, vocab 50257) and writes, under Tests/CircuitAnalysisTests/Resources/references (or
--out DIR), maps-gpt2-vocab.json and maps-relation.tsv (a relation file in HeadLab's format).

Conventions (HeadLab's Sources/CircuitAnalysis/WeightRelations; MAPS, Elhelo & Geva 2025,
`amitelhelo/MAPS` src/maps.py):
- Weights unprocessed (scripts/fixture_common.build_tl: no folding or centring), float64 for the
  static maps.
- E' = MLP0(LN2_0(W_E)) (block 0's ln_2 with weight and bias, then its MLP; no residual W_E).
  MAPS: layer 0 reads W_E itself, later layers E'. Analyses I (copy scores): E' at every layer.
- Head map M = E' W_V^h W_O^h W_U (no b_V, no b_O, no final LayerNorm, W_U = W_E^T), computed as
  whole dense rows [n, V] for the relation's sources.
- "t in the top k of a row" = fewer than k tokens other than t have a strictly larger value;
  suppression = the same on -M. Score = fraction of pairs (static), of prompts (dynamic).
- Relations: pairs of words, each word with a leading space; a pair is kept when both sides
  encode to one token. Built-in lists replicated here: number_next (" 0" ... " 999" -> n + 1) and
  day_month_next (days wrapping Sunday -> Monday, day prefixes Mon..Sun not wrapping, months
  wrapping December -> January, month prefixes Jan..Dec not wrapping). The file relation
  (maps-relation.tsv) has country -> capital pairs, some with multi-token words (dropped).
- Copy scores on `copy_tokens` (the single-token number words " 0" .. " 299"): within the set
  (Analyses I) and against the full vocabulary, for the k listed.
- Dynamic score (MAPS calc_dynamic_relation_scores_from_prompts): prompts BOS + template with the
  source word at <X>; natural: the head's hook_z at the last position; forced: a hook_pattern
  hook at every layer sets the last row to 1 on the source position, and a hook_z hook records z
  and returns the clean z. Projection z W_O^h W_U, the same top-k test. Float32 (TransformerLens).
- Decomposition (Franco & Crovella 2024): for head (layer, head) and the prompt, ln1 folded into
  W_Q, W_K, b_Q, b_K; Omega = [[W_Q W_K^T, W_Q b_K^T], [b_Q W_K^T, b_Q.b_K]] / sqrt(d_head) on
  x = [ln1.hook_normalized, 1]; SVD (float64) truncated to d_head; the attention score from
  TransformerLens's hook_attn_scores; firings pattern >= 0.5 (and >= 0.2, for more
  firings on this random model) with source != 0; the fewest largest
  terms reaching 70% of the score; contributions of every residual part (earlier heads'
  hook_result, hook_embed, hook_pos_embed, each earlier b_O and hook_mlp_out, and the appended 1
  as "qk_bias"), centred and divided by ln1's hook_scale: query side
  sum_k s_k (c_i.u_k)(x_j.v_k), key side sum_k s_k (x_i.u_k)(c_j.v_k). These are invariant to the
  SVD's sign choices.

The JSON records, for every top-k decision, the smallest gap between the target's value and the
value that decides it (the k-th largest other), so a float32 reimplementation cannot flip one.

How to run (from the repository root; under a minute, no network):

    python3 scripts/make_maps_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch
from tokenizers import ByteLevelBPETokenizer

from fixture_common import REPO, build_tl, load_hf, log, versions, write_json

MODEL = REPO / "Tests" / "CircuitAnalysisTests" / "Resources" / "models" / "gpt2-vocab-f32"
OUT = REPO / "Tests" / "CircuitAnalysisTests" / "Resources" / "references"

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SHORT_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CAPITALS = [
    ("France", "Paris"), ("Japan", "Tokyo"), ("Germany", "Berlin"), ("Italy", "Rome"), ("Spain", "Madrid"),
    ("Russia", "Moscow"), ("China", "Beijing"), ("Egypt", "Cairo"), ("Greece", "Athens"), ("Austria", "Vienna"),
    ("Ireland", "Dublin"), ("Norway", "Oslo"), ("Sweden", "Stockholm"), ("Denmark", "Copenhagen"),
    ("Poland", "Warsaw"), ("Portugal", "Lisbon"), ("Hungary", "Budapest"), ("Finland", "Helsinki"),
    ("Belgium", "Brussels"), ("Netherlands", "Amsterdam"), ("Canada", "Ottawa"), ("Australia", "Canberra"),
    ("India", "Delhi"), ("Iran", "Tehran"), ("Iraq", "Baghdad"), ("Syria", "Damascus"), ("Kenya", "Nairobi"),
    ("Peru", "Lima"), ("Chile", "Santiago"), ("Cuba", "Havana"), ("Thailand", "Bangkok"), ("Turkey", "Ankara"),
    ("Lebanon", "Beirut"), ("Israel", "Jerusalem"), ("Afghanistan", "Kabul"), ("Nepal", "Kathmandu"),
    ("Mongolia", "Ulaanbaatar"), ("Kazakhstan", "Astana"), ("Uzbekistan", "Tashkent"), ("Zimbabwe", "Harare"),
]
TEMPLATES = ["No <X> means no", "This is a document about <X>"]
DECOMPOSE_PROMPT = "When Mary and John went to the store, John gave a drink to"
DECOMPOSE_HEADS = [(layer, head) for layer in range(3) for head in range(2)]
# The paper's firing threshold, and a lower one so that this random model has more firings to check.
DECOMPOSE_THRESHOLDS = [0.5, 0.2]


class Encoder:
    """The GPT-2 byte-level BPE (Hugging Face tokenizers), ids only, no BOS added."""

    def __init__(self, bpe):
        self.bpe = bpe

    def encode(self, text):
        return self.bpe.encode(text).ids if text else []

    def convert_tokens_to_ids(self, token):
        return self.bpe.token_to_id(token)


def single(tok, word):
    ids = tok.encode(" " + word)
    return ids[0] if len(ids) == 1 else None


def relation(tok, name, words):
    pairs, dropped = [], 0
    for s, t in words:
        a, b = single(tok, s), single(tok, t)
        if a is None or b is None:
            dropped += 1
        else:
            pairs.append([a, b])
    return {"name": name, "pairs": pairs, "dropped": dropped, "candidates": len(words)}


def successor_words(items, wraps):
    seq = items + [items[0]] if wraps else items
    return list(zip(seq, seq[1:]))


def effective_embedding(hf, ids):
    """E' = MLP0(LN2_0(W_E[ids])), float64, from HF's own modules."""
    block = hf.transformer.h[0]
    with torch.no_grad():
        x = hf.transformer.wte.weight[ids].double()
        return block.mlp.double()(block.ln_2.double()(x))


def head_weights(hf, layer, head):
    c = hf.config
    C, HS = c.n_embd, c.n_embd // c.n_head
    w = hf.transformer.h[layer].attn.c_attn.weight.double()  # [C, 3C]
    wo = hf.transformer.h[layer].attn.c_proj.weight.double()  # [C, C]
    return w[:, 2 * C + head * HS: 2 * C + (head + 1) * HS], wo[head * HS:(head + 1) * HS]


def ranks(rows, targets):
    """Per row: #others strictly above / below the target, and the values deciding top k."""
    own = rows.gather(1, targets[:, None])
    others = rows.clone()
    others.scatter_(1, targets[:, None], float("nan"))
    above = (others > own).sum(1)
    below = (others < own).sum(1)
    return own[:, 0], others, above, below


def topk_hits(rows, targets, k):
    """(hits, suppression hits, smallest deciding gap) for dense rows [n, V]."""
    own, others, above, below = ranks(rows, targets)
    filled = torch.nan_to_num(others, nan=-math.inf)
    kth_above = filled.topk(k, dim=1).values[:, k - 1]
    filled_low = torch.nan_to_num(-others, nan=-math.inf)
    kth_below = -filled_low.topk(k, dim=1).values[:, k - 1]
    gap = min((own - kth_above).abs().min().item(), (own - kth_below).abs().min().item())
    return int((above < k).sum()), int((below < k).sum()), gap


def static_scores(hf, sources, targets, k, raw_layer_zero):
    c = hf.config
    L, NH = c.n_layer, c.n_head
    src = torch.tensor(sources)
    tgt = torch.tensor(targets)
    eff = effective_embedding(hf, src)
    raw = hf.transformer.wte.weight[src].double()
    wu = hf.transformer.wte.weight.double().T  # [C, V]
    hits, supp, gap = [], [], math.inf
    for layer in range(L):
        for head in range(NH):
            wv, wo = head_weights(hf, layer, head)
            e = raw if (raw_layer_zero and layer == 0) else eff
            with torch.no_grad():
                rows = e @ wv @ wo @ wu  # [n, V] dense
            h, s, g = topk_hits(rows, tgt, k)
            hits.append(h / len(sources))
            supp.append(s / len(sources))
            gap = min(gap, g)
    return hits, supp, gap


def within_set_copy(hf, tokens, k):
    c = hf.config
    ids = torch.tensor(tokens)
    eff = effective_embedding(hf, ids)
    wu = hf.transformer.wte.weight[ids].double().T
    out, neg, gap = [], [], math.inf
    for layer in range(c.n_layer):
        for head in range(c.n_head):
            wv, wo = head_weights(hf, layer, head)
            with torch.no_grad():
                rows = eff @ wv @ wo @ wu  # [n, n]
            h, s, g = topk_hits(rows, torch.arange(len(tokens)), k)
            out.append(h / len(tokens))
            neg.append(s / len(tokens))
            gap = min(gap, g)
    return out, neg, gap


def dynamic_scores(tl, tok, pairs, k):
    cfg = tl.cfg
    L, NH = cfg.n_layers, cfg.n_heads
    bos = tok.convert_tokens_to_ids("<|endoftext|>")
    # [reading][variant][L*NH] hit counts
    hits = [[[0] * (L * NH) for _ in range(2)] for _ in range(2)]
    gap = math.inf
    prompts = 0
    for template in TEMPLATES:
        before, after = template.split("<X>")
        prefix = [bos] + tok.encode(before.rstrip(" "))
        suffix = tok.encode(after) if after else []
        src_pos = len(prefix)
        tokens = torch.tensor([prefix + [s] + suffix for s, _ in pairs])
        targets = torch.tensor([t for _, t in pairs])
        z_names = [f"blocks.{l}.attn.hook_z" for l in range(L)]
        with torch.no_grad():
            _, clean = tl.run_with_cache(tokens, names_filter=lambda n: n in z_names)
            forced = {}

            def fix_pattern(p, hook):
                p[:, :, -1, :] = 0.0
                p[:, :, -1, src_pos] = 1.0
                return p

            def swap_z(z, hook):
                forced[hook.name] = z.clone()
                return clean[hook.name]

            hooks = [(f"blocks.{l}.attn.hook_pattern", fix_pattern) for l in range(L)]
            hooks += [(n, swap_z) for n in z_names]
            tl.run_with_hooks(tokens, fwd_hooks=hooks)
        for reading, cache in enumerate([clean, forced]):
            for l in range(L):
                z = cache[z_names[l]][:, -1].double()  # [B, NH, HS]
                for h in range(NH):
                    rows = z[:, h] @ tl.W_O[l, h].double() @ tl.W_U.double()
                    a, s, g = topk_hits(rows, targets, k)
                    hits[reading][0][l * NH + h] += a
                    hits[reading][1][l * NH + h] += s
                    gap = min(gap, g)
        prompts += len(pairs)
    scores = [[[x / prompts for x in v] for v in r] for r in hits]
    return scores, gap, prompts


def decompose(tl, tokens, layer, head, threshold):
    cfg = tl.cfg
    C, HS = cfg.d_model, cfg.d_head
    with torch.no_grad():
        _, cache = tl.run_with_cache(torch.tensor([tokens]))
    w, b = tl.blocks[layer].ln1.w.double(), tl.blocks[layer].ln1.b.double()
    wq, wk = tl.W_Q[layer, head].double(), tl.W_K[layer, head].double()  # [C, HS]
    bq, bk = tl.b_Q[layer, head].double(), tl.b_K[layer, head].double()
    q = torch.cat([w[:, None] * wq, (b @ wq + bq)[None]], 0)  # [C+1, HS]
    k = torch.cat([w[:, None] * wk, (b @ wk + bk)[None]], 0)
    omega = q @ k.T / math.sqrt(HS)
    u, s, vh = torch.linalg.svd(omega)
    u, s, vh = u[:, :HS], s[:HS], vh[:HS]
    T = len(tokens)
    xn = cache[f"blocks.{layer}.ln1.hook_normalized"][0].double()  # [T, C]
    scale = cache[f"blocks.{layer}.ln1.hook_scale"][0, :, 0].double()  # [T]
    xt = torch.cat([xn, torch.ones(T, 1, dtype=torch.float64)], 1)
    left, right = xt @ u, xt @ vh.T  # [T, HS]
    scores = cache[f"blocks.{layer}.attn.hook_attn_scores"][0, head].double()
    pattern = cache[f"blocks.{layer}.attn.hook_pattern"][0, head].double()
    rebuilt = (left[:, None, :] * right[None, :, :] * s).sum(-1)
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    max_err = (rebuilt - scores)[mask].abs().max().item()
    assert max_err < 1e-4, max_err
    parts, labels = [], []
    for l in range(layer):
        for h in range(cfg.n_heads):
            labels.append(f"{l}.{h}")
            parts.append(cache[f"blocks.{l}.attn.hook_result"][0, :, h].double())
    labels += ["embed", "pos_embed"]
    parts += [cache["hook_embed"][0].double(), cache["hook_pos_embed"][0].double()]
    for l in range(layer):
        labels += [f"attn_bias{l}", f"mlp{l}"]
        parts += [tl.blocks[l].attn.b_O.double().expand(T, C), cache[f"blocks.{l}.hook_mlp_out"][0].double()]
    centred = [(p - p.mean(-1, keepdim=True)) / scale[:, None] for p in parts]
    total = sum(centred)
    assert (total - xn).abs().max().item() < 1e-4
    firings = []
    for i in range(T):
        for j in range(1, i + 1):
            if pattern[i, j] >= threshold:
                terms = s * left[i] * right[j]
                score = terms.sum().item()
                order = torch.argsort(terms, descending=True).tolist()
                selected, running = [], 0.0
                for kk in order:
                    selected.append(kk)
                    running += terms[kk].item()
                    if running >= 0.7 * score:
                        break
                sel = torch.tensor(selected)
                query = [(s[sel] * (c[i] @ u[:C, sel]) * right[j, sel]).sum().item() for c in centred]
                key = [(s[sel] * left[i, sel] * (c[j] @ vh[sel, :C].T)).sum().item() for c in centred]
                query.append((s[sel] * u[C, sel] * right[j, sel]).sum().item())
                key.append((s[sel] * left[i, sel] * vh[sel, C]).sum().item())
                assert abs(sum(query) - running) < 1e-6 and abs(sum(key) - running) < 1e-6
                sorted_terms = sorted(terms.tolist(), reverse=True)
                margin = min(abs(sum(sorted_terms[:n]) - 0.7 * score) for n in range(1, len(sorted_terms) + 1))
                firings.append({
                    "destination": i, "source": j, "pattern": pattern[i, j].item(), "score": scores[i, j].item(),
                    "selected_directions": len(selected), "selected_score": running,
                    "query": query, "key": key, "selection_margin": margin,
                })
    return {
        "layer": layer, "head": head, "threshold": threshold, "components": labels + ["qk_bias"],
        "singular_values": s.tolist(), "max_rebuild_error": max_err,
        "scores": scores[mask].tolist(), "firings": firings,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    hf = load_hf(MODEL)
    tl = build_tl(hf)
    tok = Encoder(ByteLevelBPETokenizer(str(MODEL / "vocab.json"), str(MODEL / "merges.txt")))

    number_next = relation(tok, "number_next", [(str(n), str(n + 1)) for n in range(1000)])
    day_month = relation(tok, "day_month_next",
                         successor_words(DAYS, True) + successor_words(SHORT_DAYS, False)
                         + successor_words(MONTHS, True) + successor_words(SHORT_MONTHS, False))
    capitals = relation(tok, "maps-relation", CAPITALS)
    days = relation(tok, "days", successor_words(DAYS, True))
    log(f"number_next {len(number_next['pairs'])} pairs ({number_next['dropped']} dropped); "
        f"day_month_next {len(day_month['pairs'])} ({day_month['dropped']}); capitals {len(capitals['pairs'])} "
        f"({capitals['dropped']}); days {len(days['pairs'])}")
    args.out.mkdir(parents=True, exist_ok=True)
    tsv = "# country<TAB>capital (HeadLab relation file; words get a leading space)\n"
    tsv += "".join(f"{a}\t{b}\n" for a, b in CAPITALS)
    (args.out / "maps-relation.tsv").write_text(tsv, encoding="utf-8")

    static = []
    for rel in [number_next, day_month, capitals]:
        src = [p[0] for p in rel["pairs"]]
        tgt = [p[1] for p in rel["pairs"]]
        for k in [10, 2000]:
            for raw in [True, False]:
                hits, supp, gap = static_scores(hf, src, tgt, k, raw)
                static.append({"relation": rel["name"], "k": k, "raw_embedding_at_layer_zero": raw,
                               "scores": hits, "suppression": supp, "gap": gap})
                log(f"  static {rel['name']} k={k} raw={raw}: max {max(hits):.3f} / {max(supp):.3f}, gap {gap:.2e}")

    copy_tokens = [t for t in (single(tok, str(n)) for n in range(300)) if t is not None]
    copy = []
    for k in [5, 1000]:
        hits, supp, gap = static_scores(hf, copy_tokens, copy_tokens, k, False)
        copy.append({"scope": "full_vocabulary", "k": k, "copy": hits, "negative": supp, "gap": gap})
    for k in [5, 50]:
        hits, supp, gap = within_set_copy(hf, copy_tokens, k)
        copy.append({"scope": "within_set", "k": k, "copy": hits, "negative": supp, "gap": gap})
    for c in copy:
        log(f"  copy {c['scope']} k={c['k']}: max {max(c['copy']):.3f} / {max(c['negative']):.3f}, gap {c['gap']:.2e}")

    dyn_pairs = number_next["pairs"][:40]
    dyn, dyn_gap, prompts = dynamic_scores(tl, tok, dyn_pairs, 2000)
    log(f"  dynamic: {prompts} prompts, gap {dyn_gap:.2e}")

    prompt = [tok.convert_tokens_to_ids("<|endoftext|>")] + tok.encode(DECOMPOSE_PROMPT)
    decompositions = [decompose(tl, prompt, l, h, t) for t in DECOMPOSE_THRESHOLDS for l, h in DECOMPOSE_HEADS]
    for d in decompositions:
        log(f"  decompose {d['layer']}.{d['head']} threshold {d['threshold']}: {len(d['firings'])} firings, rebuild error {d['max_rebuild_error']:.1e}")
    assert sum(len(d["firings"]) for d in decompositions) > 0

    doc = {
        "generator": "scripts/make_maps_fixtures.py",
        "versions": versions(),
        "model": "models/gpt2-vocab-f32",
        "relations": {r["name"]: r for r in [number_next, day_month, capitals, days]},
        "static": static,
        "copy_tokens": copy_tokens,
        "copy": copy,
        "dynamic": {"relation": "number_next", "pairs": dyn_pairs, "templates": TEMPLATES, "k": 2000,
                    "natural": dyn[0], "forced": dyn[1], "gap": dyn_gap, "prompts": prompts},
        "decompose": {"prompt": prompt, "heads": decompositions},
    }
    write_json(args.out / "maps-gpt2-vocab.json", doc)
    log(f"wrote {args.out / 'maps-gpt2-vocab.json'} and maps-relation.tsv")


if __name__ == "__main__":
    main()
