#!/usr/bin/env python3
"""Circuit references for the CircuitAnalysis tests (HeadLab, issue 15 items 2 and 3): the metric
of edge-ablated circuits and the edge attribution patching scores (EAP, Syed, Rager & Conmy 2023;
EAP-IG, Hanna et al. 2024) on the committed fixture model models/tiny-f32, computed with
TransformerLens 3.9.0 hooks (use_attn_result, use_hook_mlp_in, and use_split_qkv_input or
use_attn_in).

Reads Tests/CircuitAnalysisTests/Resources/models/tiny-f32 and writes only
references/circuit-tiny-f32.json under Tests/CircuitAnalysisTests/Resources (or --out).

Model: fixture_common.build_tl (Hugging Face weights, no weight processing), float32, one thread.

Graph (ACDC's, papers.md section 6; node names as ACDC draws them): senders `embed`
(hook_embed + hook_pos_embed), `<aL.H>` (attn.hook_result[:, :, H]) and `<mL>` (hook_mlp_out);
receivers `<aL.H>` (hook_attn_in[:, :, H]) or, split, `<aL.H_q>` / `_k` / `_v`
(hook_q_input / hook_k_input / hook_v_input [:, :, H]), `<mL>` (hook_mlp_in) and `<resid_post>`
(blocks.{L-1}.hook_resid_post, what ln_final reads). An edge s -> r exists when s writes before r
reads: a head reads the residual stream before its own layer's heads write, an MLP after them.

Prompts (token ids, BOS = 0): three IOI-like templates, `a` and `b` of 10 tokens and `c` of 12,
each with fixed filler ids and three name slots S1, IO, S2 (S1 and S2 the same name); names from
NAMES; answer = IO, wrong = S; the corrupted prompt (ABC) puts three fresh distinct names in the
three slots. 10 rows, templates a b c a b c a b c a.

Metric M = mean over the 10 rows of logits[b, -1, answer] - logits[b, -1, wrong] (each length
group runs on its own, unpadded).

Edge ablation: every edge s -> r NOT in the circuit carries s's mean output over the corrupted
prompts of the row's template (per position) instead of its output: r's input = resid(r) -
sum over ablated s of (out_s - mean(out_s)), out_s taken in the same, modified run (hooks in
forward order). Subsets per graph: full, empty, random_half (each edge kept with probability
1/2, seeded), early (edges whose sender is embed or a layer-0 node), and into_logits (only the
edges into <resid_post>).

EAP: score(s -> r) = sum over rows and positions of (out_s(corrupted) - out_s(clean)) .
dM/d(input of r) on the clean run (the noising first-order estimate of corrupting that edge);
the gradient of the batch mean M makes it the mean over rows of each row's sum over positions.
EAP-IG: the same with dM/d(input of r) averaged over STEPS runs of the clean tokens whose
hook_embed is corrupted + k/STEPS (clean - corrupted), k = 1..STEPS (EAP-IG's
input_interpolation_hook; positional embeddings are the same in both runs).

Checks (asserted): the full graph gives the clean metric within 1e-6, M(full) - M(empty) > 0.1;
EAP scores of edges into <resid_post> equal (out_s(corr) - out_s(clean)) . dM/d(ln_final input)
computed independently with torch.autograd.grad; an edge's EAP score is within 2e-3 (relative) of
a central finite difference of M along the edge's corruption direction for a few edges.

How to run (from the repository root; seconds, no network):

    python3 scripts/make_circuit_fixtures.py     # [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import torch

from fixture_common import REPO, build_tl, load_hf, log, versions, write_json

GENERATOR = "scripts/make_circuit_fixtures.py"
MODEL = "tiny-f32"
RESOURCES = REPO / "Tests" / "CircuitAnalysisTests" / "Resources"
BOS = 0
NAMES = list(range(100, 140))
SEED = 15
STEPS = 5
# template -> (length, S1, IO, S2 slot positions); fillers are seeded ids outside NAMES.
TEMPLATES = {"a": (10, 2, 4, 7), "b": (10, 3, 1, 6), "c": (12, 2, 5, 9)}
ROWS = ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"]
FD_EPS, FD_REL_TOL = 1e-2, 2e-3


# ----------------------------------------------------------------------------- prompts


def prompts(vocab: int) -> list[dict]:
    gen = random.Random(SEED)
    fillers = [i for i in range(1, vocab) if i not in NAMES]
    shapes = {t: [gen.choice(fillers) for _ in range(n)] for t, (n, *_s) in TEMPLATES.items()}
    rows = []
    for template in ROWS:
        n, s1, io, s2 = TEMPLATES[template]
        clean = [BOS] + shapes[template][1:]
        corrupted = list(clean)
        s, i = gen.sample(NAMES, 2)
        clean[s1], clean[io], clean[s2] = s, i, s
        x, y, z = gen.sample(NAMES, 3)
        corrupted[s1], corrupted[io], corrupted[s2] = x, y, z
        rows.append({"template": template, "clean": clean, "corrupted": corrupted, "answer": i, "wrong": s})
    return rows


def length_groups(rows):
    """Row indices by prompt length (each group runs unpadded)."""
    groups: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        groups.setdefault(len(row["clean"]), []).append(r)
    return groups


# ----------------------------------------------------------------------------- graph


def senders(L, NH):
    out = ["embed"]
    for l in range(L):
        out += [f"<a{l}.{h}>" for h in range(NH)] + [f"<m{l}>"]
    return out


def receivers(L, NH, split):
    out = []
    for l in range(L):
        for h in range(NH):
            out += [f"<a{l}.{h}_{p}>" for p in "qkv"] if split else [f"<a{l}.{h}>"]
        out.append(f"<m{l}>")
    return out + ["<resid_post>"]


def slot(node: str, as_sender: bool) -> int:
    """The residual-stream position: a sender writes at its slot, a receiver reads before its slot."""
    if node == "embed":
        return 0
    if node == "<resid_post>":
        return 10 ** 6
    body = node[1:-1]
    if body.startswith("m"):
        return 2 * int(body[1:]) + 2 if as_sender else 2 * int(body[1:]) + 1
    layer = int(body[1:].split(".")[0])
    return 2 * layer + 1 if as_sender else 2 * layer


def all_edges(L, NH, split):
    return [(s, r) for r in receivers(L, NH, split) for s in senders(L, NH) if slot(s, True) <= slot(r, False)]


def head_of(node):
    body = node[1:-1].split("_")[0]
    layer, head = body[1:].split(".")
    return int(layer), int(head)


# ----------------------------------------------------------------------------- edge-ablated runs


def configure(tl, split):
    tl.set_use_attn_result(True)
    tl.set_use_hook_mlp_in(True)
    tl.set_use_split_qkv_input(split)
    tl.set_use_attn_in(not split)


def sender_outputs(tl, tokens):
    """{sender: [b,T,C]} of a plain run."""
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    names = ["hook_embed", "hook_pos_embed"] + [f"blocks.{l}.attn.hook_result" for l in range(L)] + \
        [f"blocks.{l}.hook_mlp_out" for l in range(L)]
    _, cache = tl.run_with_cache(tokens, names_filter=lambda n: n in names)
    out = {"embed": cache["hook_embed"] + cache["hook_pos_embed"]}
    for l in range(L):
        for h in range(NH):
            out[f"<a{l}.{h}>"] = cache[f"blocks.{l}.attn.hook_result"][:, :, h, :]
        out[f"<m{l}>"] = cache[f"blocks.{l}.hook_mlp_out"]
    return out


def template_means(tl, rows):
    """{template: {sender: [T,C]}}: each sender's mean output over the template's corrupted prompts."""
    out = {}
    for template in TEMPLATES:
        tokens = torch.tensor([row["corrupted"] for row in rows if row["template"] == template])
        out[template] = {k: v.mean(0) for k, v in sender_outputs(tl, tokens).items()}
    return out


def ablated_logits(tl, tokens, row_templates, means, kept, split):
    """Logits [b,T,V] of `tokens` with every edge outside `kept` mean-ablated."""
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    kept = set(kept)
    mean = {s: torch.stack([means[t][s] for t in row_templates]) for s in senders(L, NH)}  # [b,T,C]
    out = {}
    embed = {}

    def deviation(s):
        return out[s] - mean[s]

    def ablated_sum(r):
        total = torch.zeros_like(mean["embed"])
        for s in senders(L, NH):
            if slot(s, True) <= slot(r, False) and (s, r) not in kept:
                total = total + deviation(s)
        return total

    def save_embed(act, hook):
        embed["token"] = act

    def save_pos(act, hook):
        out["embed"] = embed["token"] + act

    def save_result(act, hook, layer):
        for h in range(NH):
            out[f"<a{layer}.{h}>"] = act[:, :, h, :]

    def save_mlp(act, hook, layer):
        out[f"<m{layer}>"] = act

    def head_inputs(act, hook, layer, part):
        act = act.clone()
        for h in range(NH):
            act[:, :, h, :] = act[:, :, h, :] - ablated_sum(f"<a{layer}.{h}_{part}>" if part else f"<a{layer}.{h}>")
        return act

    def whole(act, hook, receiver):
        return act - ablated_sum(receiver)

    hooks = [("hook_embed", save_embed), ("hook_pos_embed", save_pos)]
    for l in range(L):
        if split:
            for p in "qkv":
                hooks.append((f"blocks.{l}.hook_{p}_input", lambda a, hook, l=l, p=p: head_inputs(a, hook, l, p)))
        else:
            hooks.append((f"blocks.{l}.hook_attn_in", lambda a, hook, l=l: head_inputs(a, hook, l, None)))
        hooks.append((f"blocks.{l}.attn.hook_result", lambda a, hook, l=l: save_result(a, hook, l)))
        hooks.append((f"blocks.{l}.hook_mlp_in", lambda a, hook, l=l: whole(a, hook, f"<m{l}>")))
        hooks.append((f"blocks.{l}.hook_mlp_out", lambda a, hook, l=l: save_mlp(a, hook, l)))
    hooks.append((f"blocks.{L - 1}.hook_resid_post", lambda a, hook: whole(a, hook, "<resid_post>")))
    with torch.no_grad():
        return tl.run_with_hooks(tokens, fwd_hooks=hooks)


def logit_diff_sum(logits, rows, members):
    a = torch.tensor([rows[r]["answer"] for r in members])
    w = torch.tensor([rows[r]["wrong"] for r in members])
    last = logits[:, -1, :]
    i = torch.arange(len(members))
    return (last[i, a] - last[i, w]).sum()


def circuit_metric(tl, rows, means, kept, split):
    total = 0.0
    for _, members in length_groups(rows).items():
        tokens = torch.tensor([rows[r]["clean"] for r in members])
        logits = ablated_logits(tl, tokens, [rows[r]["template"] for r in members], means, kept, split)
        total += logit_diff_sum(logits, rows, members).item()
    return total / len(rows)


# ----------------------------------------------------------------------------- EAP


def receiver_hooks(L, split):
    names = []
    for l in range(L):
        names += [f"blocks.{l}.hook_{p}_input" for p in "qkv"] if split else [f"blocks.{l}.hook_attn_in"]
        names.append(f"blocks.{l}.hook_mlp_in")
    return names + [f"blocks.{L - 1}.hook_resid_post"]


def receiver_gradients(tl, tokens, rows, members, split, embed_override=None):
    """{receiver: dM/d(input) [b,T,C]} on a run of `tokens` (hook_embed replaced by
    `embed_override` when given), M = sum of the group's logit differences / len(rows)."""
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    names = set(receiver_hooks(L, split))
    grads = {}

    def save(grad, hook):
        grads[hook.name] = grad.detach().clone()

    # The parameters are frozen: the graph starts at hook_embed (a leaf that requires grad).
    def start(act, hook):
        return (act if embed_override is None else embed_override).detach().clone().requires_grad_(True)

    fwd = [("hook_embed", start)]
    tl.zero_grad(set_to_none=True)
    with torch.enable_grad():
        tl.add_hook(lambda n: n in names, save, "bwd")
        try:
            with tl.hooks(fwd_hooks=fwd):
                value = logit_diff_sum(tl(tokens), rows, members) / len(rows)
            value.backward()
        finally:
            tl.reset_hooks()
    out = {}
    for l in range(L):
        for h in range(NH):
            if split:
                for p in "qkv":
                    out[f"<a{l}.{h}_{p}>"] = grads[f"blocks.{l}.hook_{p}_input"][:, :, h, :]
            else:
                out[f"<a{l}.{h}>"] = grads[f"blocks.{l}.hook_attn_in"][:, :, h, :]
        out[f"<m{l}>"] = grads[f"blocks.{l}.hook_mlp_in"]
    out["<resid_post>"] = grads[f"blocks.{L - 1}.hook_resid_post"]
    return out


def eap_scores(tl, rows, split, steps):
    """{(s, r): score} (steps 0 = EAP, else EAP-IG with `steps` interpolation steps)."""
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    scores = {e: 0.0 for e in all_edges(L, NH, split)}
    for _, members in length_groups(rows).items():
        clean = torch.tensor([rows[r]["clean"] for r in members])
        corrupted = torch.tensor([rows[r]["corrupted"] for r in members])
        with torch.no_grad():
            a_clean, a_corr = sender_outputs(tl, clean), sender_outputs(tl, corrupted)
        if steps == 0:
            grads = receiver_gradients(tl, clean, rows, members, split)
        else:
            with torch.no_grad():
                _, c1 = tl.run_with_cache(clean, names_filter="hook_embed")
                _, c2 = tl.run_with_cache(corrupted, names_filter="hook_embed")
            e_clean, e_corr = c1["hook_embed"], c2["hook_embed"]
            grads = None
            for k in range(1, steps + 1):
                g = receiver_gradients(tl, clean, rows, members, split, e_corr + (k / steps) * (e_clean - e_corr))
                grads = g if grads is None else {n: grads[n] + g[n] for n in g}
            grads = {n: v / steps for n, v in grads.items()}
        for (s, r) in scores:
            scores[(s, r)] += ((a_corr[s] - a_clean[s]).double() * grads[r].double()).sum().item()
    return scores


def check_logit_edges(tl, rows, scores):
    """Edges into <resid_post>: the same scores from torch.autograd.grad at ln_final's input."""
    L = tl.cfg.n_layers
    expected = {}
    for _, members in length_groups(rows).items():
        clean = torch.tensor([rows[r]["clean"] for r in members])
        corrupted = torch.tensor([rows[r]["corrupted"] for r in members])
        with torch.no_grad():
            a_clean, a_corr = sender_outputs(tl, clean), sender_outputs(tl, corrupted)
            _, cache = tl.run_with_cache(clean, names_filter=f"blocks.{L - 1}.hook_resid_post")
        resid = cache[f"blocks.{L - 1}.hook_resid_post"].clone().requires_grad_(True)
        with torch.enable_grad():
            logits = tl.unembed(tl.ln_final(resid))
            value = logit_diff_sum(logits, rows, members) / len(rows)
            (grad,) = torch.autograd.grad(value, resid)
        for s in a_clean:
            expected[s] = expected.get(s, 0.0) + ((a_corr[s] - a_clean[s]).double() * grad.double()).sum().item()
    for s, value in expected.items():
        got = scores[(s, "<resid_post>")]
        assert abs(got - value) <= 1e-5 * max(1.0, abs(value)), (s, got, value)


def check_finite_differences(tl, rows, scores, split, edges):
    """EAP's score is the derivative of M at t = 0 when edge s -> r reads out_s(clean) +
    t (out_s(corr) - out_s(clean)): checked by a central difference on a few edges."""
    checks = []
    for (s, r) in edges:
        def value(t):
            total = 0.0
            for _, members in length_groups(rows).items():
                clean = torch.tensor([rows[i]["clean"] for i in members])
                corrupted = torch.tensor([rows[i]["corrupted"] for i in members])
                with torch.no_grad():
                    delta = sender_outputs(tl, corrupted)[s] - sender_outputs(tl, clean)[s]
                L = tl.cfg.n_layers
                if r == "<resid_post>":
                    name, head = f"blocks.{L - 1}.hook_resid_post", None
                elif r.startswith("<m"):
                    name, head = f"blocks.{r[2:-1]}.hook_mlp_in", None
                else:
                    layer, head = head_of(r)
                    part = r[-2] if split else None
                    name = f"blocks.{layer}.hook_{part}_input" if part else f"blocks.{layer}.hook_attn_in"

                def hook(act, hook, delta=delta, head=head):
                    act = act.clone()
                    if head is None:
                        act = act + t * delta
                    else:
                        act[:, :, head, :] = act[:, :, head, :] + t * delta
                    return act
                with torch.no_grad():
                    logits = tl.run_with_hooks(clean, fwd_hooks=[(name, hook)])
                total += logit_diff_sum(logits.double(), rows, members).item()
            return total / len(rows)
        fd = (value(FD_EPS) - value(-FD_EPS)) / (2 * FD_EPS)
        got = scores[(s, r)]
        assert abs(fd - got) <= FD_REL_TOL * max(1.0, abs(fd)), (s, r, got, fd)
        checks.append({"edge": [s, r], "eap": got, "finite_difference": fd})
    return checks


# ----------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tl = build_tl(load_hf(RESOURCES / "models" / MODEL))
    for p in tl.parameters():
        p.requires_grad_(False)
    L, NH = tl.cfg.n_layers, tl.cfg.n_heads
    rows = prompts(tl.cfg.d_vocab)
    graphs = {}
    for split in (False, True):
        configure(tl, split)
        means = template_means(tl, rows)
        edges = all_edges(L, NH, split)
        gen = random.Random(SEED + (1 if split else 0))
        subsets = {
            "full": edges,
            "empty": [],
            "random_half": [e for e in edges if gen.random() < 0.5],
            "early": [e for e in edges if e[0] == "embed" or slot(e[0], True) <= 2],
            "into_logits": [e for e in edges if e[1] == "<resid_post>"],
        }
        metrics = {name: circuit_metric(tl, rows, means, kept, split) for name, kept in subsets.items()}
        with torch.no_grad():
            clean_metric = sum(logit_diff_sum(tl(torch.tensor([rows[r]["clean"] for r in m])), rows, m).item()
                               for m in length_groups(rows).values()) / len(rows)
        assert abs(metrics["full"] - clean_metric) <= 1e-6, (metrics["full"], clean_metric)
        assert metrics["full"] - metrics["empty"] > 0.1, metrics
        eap = eap_scores(tl, rows, split, 0)
        check_logit_edges(tl, rows, eap)
        fd = check_finite_differences(tl, rows, eap, split, [edges[0], edges[len(edges) // 2], edges[-1]])
        eap_ig = eap_scores(tl, rows, split, STEPS)
        log(f"split={split}: {len(edges)} edges; metrics {metrics}")
        graphs["split" if split else "unsplit"] = {
            "edge_count": len(edges),
            "subsets": {name: {"edges": [list(e) for e in kept], "metric": metrics[name]} for name, kept in subsets.items()},
            "eap": [[s, r, eap[(s, r)]] for (s, r) in edges],
            "eap_ig": [[s, r, eap_ig[(s, r)]] for (s, r) in edges],
            "finite_difference_checks": fd,
        }
    out = {
        "generator": GENERATOR, "model": MODEL, "versions": versions(),
        "description": "edge-ablated circuit metrics and EAP / EAP-IG edge scores; see the generator's docstring",
        "metric": "mean over rows of logits[b, -1, answer] - logits[b, -1, wrong]",
        "eap_ig_steps": STEPS,
        "rows": rows,
        "graphs": graphs,
    }
    args.out.joinpath("references").mkdir(parents=True, exist_ok=True)
    path = args.out / "references" / f"circuit-{MODEL}.json"
    write_json(path, out)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
