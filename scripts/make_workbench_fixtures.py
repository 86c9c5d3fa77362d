#!/usr/bin/env python3
"""References for the workbench's run, generate and cache commands (HeadLab, issue 13).

Reads the embedded default model (Sources/TransformerEngine/Resources/default-model) and writes
only Tests/WorkbenchCoreTests/Resources/workbench-reference.json (or under --out DIR).

The prompt is the IOI sentence "When Mary and John went to the store, John gave a drink to" with
<|endoftext|> prepended (as the workbench's `prompt` does). Every intervention is a TransformerLens
3.9.0 forward hook on blocks.{l}.attn.hook_z that zeroes one head's z (weights loaded
unprocessed: fold_ln, center_writing_weights, center_unembed, refactor_factored_attn_matrices and
fold_value_biases all False):

  run       heads 2.0 and 2.1 zero-ablated: logit[" Mary"] - logit[" John"] at the last position
            (and without the ablation), the top-5 token ids, logits and probabilities.
  generate  8 greedy tokens: Hugging Face transformers `generate(do_sample=False)` with no
            intervention, and a TransformerLens greedy loop (`run_with_hooks` on the whole
            sequence each step) with head 2.1 zero-ablated; each step's gap between the two
            largest logits is recorded and must exceed 1e-3, so the arg-max is not a near tie.
  cache     `run_with_cache` under the 2.0,2.1 ablation (the caching hooks run after the
            ablation hook, so blocks.2.attn.hook_z holds the zeroed z): every hook name with its
            shape, and a few slices of values.

How a notebook loads the file `cache FILE.safetensors` writes (keys are these hook names, shapes
as TransformerLens gives them, batch axis 1 included):

    from safetensors.torch import load_file
    cache = load_file("ioi.safetensors")
    cache["blocks.0.attn.hook_pattern"].shape      # torch.Size([1, 4, 15, 15])

`--compare-cache FILE` loads such a file that way and compares every tensor with TransformerLens's
cache under the same ablation (prints each tensor's largest difference, also divided by
max(1, its largest |value|), and exits 1 when that exceeds 1e-4). Run the
workbench first, e.g. in a batch script:

    prompt "When Mary and John went to the store, John gave a drink to"
    ablate 2.0,2.1          # needs `answer " Mary" " John"` before it
    cache /tmp/ioi.safetensors

How to run (from the repository root; a few seconds on one CPU core, no network):

    python3 scripts/make_workbench_fixtures.py                      # [--out DIR]
    python3 scripts/make_workbench_fixtures.py --compare-cache /tmp/ioi.safetensors

Deterministic: one torch thread, greedy decoding. The JSON records the package versions used.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import GPT2TokenizerFast

from fixture_common import REPO, build_tl, load_hf, log, maxdiff, versions, write_json

GENERATOR = "scripts/make_workbench_fixtures.py"
MODEL_DIR = REPO / "Sources" / "TransformerEngine" / "Resources" / "default-model"
OUT = REPO / "Tests" / "WorkbenchCoreTests" / "Resources"
PROMPT = "When Mary and John went to the store, John gave a drink to"
ANSWER, WRONG = " Mary", " John"
RUN_HEADS = [(2, 0), (2, 1)]
GENERATE_HEADS = [(2, 1)]
GENERATE_COUNT = 8
TOP = 5
MIN_GAP = 1e-3
TOLERANCE = 1e-4


def zero_heads_hooks(heads):
    """fwd_hooks zeroing each head's z: z[:, :, h, :] = 0 at blocks.{l}.attn.hook_z."""

    def hook(z, hook):
        layer = int(hook.name.split(".")[1])
        for l, h in heads:
            if l == layer:
                z[:, :, h, :] = 0
        return z

    return [(f"blocks.{l}.attn.hook_z", hook) for l in sorted({l for l, _ in heads})]


def gap(row: torch.Tensor) -> float:
    top2 = torch.topk(row.double(), 2).values
    return (top2[0] - top2[1]).item()


def tl_greedy(tl, ids, heads, count):
    seq, gaps = list(ids), []
    for _ in range(count):
        logits = tl.run_with_hooks(torch.tensor([seq]), fwd_hooks=zero_heads_hooks(heads))[0, -1]
        gaps.append(gap(logits))
        seq.append(int(logits.argmax()))
    return seq[len(ids):], gaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--compare-cache", type=Path, help="a safetensors file written by the workbench's `cache`")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)

    hf = load_hf(MODEL_DIR)
    tl = build_tl(hf)
    tokenizer = GPT2TokenizerFast.from_pretrained(str(MODEL_DIR))
    ids = [tokenizer.eos_token_id] + tokenizer.encode(PROMPT)
    answer, wrong = tokenizer.encode(ANSWER), tokenizer.encode(WRONG)
    assert len(answer) == 1 and len(wrong) == 1
    answer, wrong = answer[0], wrong[0]
    x = torch.tensor([ids])

    with torch.no_grad():
        if args.compare_cache:
            with tl.hooks(fwd_hooks=zero_heads_hooks(RUN_HEADS)):
                _, cache = tl.run_with_cache(x)
            exported = load_file(str(args.compare_cache))
            worst = 0.0
            for name, tensor in sorted(exported.items()):
                assert name in cache, f"{name} is not a TransformerLens hook name"
                ref = cache[name]
                assert tuple(tensor.shape) == tuple(ref.shape), (name, tensor.shape, ref.shape)
                finite = torch.isfinite(ref)
                assert torch.equal(finite, torch.isfinite(tensor)), f"{name}: masked entries differ"
                d = maxdiff(tensor[finite], ref[finite])
                scale = max(1.0, ref[finite].abs().max().item())
                worst = max(worst, d / scale)
                log(f"  {name:36s} {str(tuple(tensor.shape)):18s} max |diff| {d:.2e}, over max(1, max |value|) {d / scale:.2e}")
            log(f"{len(exported)} tensors, largest difference over max(1, max |value|) {worst:.2e} (tolerance {TOLERANCE})")
            sys.exit(0 if worst <= TOLERANCE else 1)

        clean = tl(x)[0, -1]
        ablated = tl.run_with_hooks(x, fwd_hooks=zero_heads_hooks(RUN_HEADS))[0, -1]
        # The same ablation in Hugging Face transformers: zero the heads' columns of the merged z
        # entering attn.c_proj.
        def pre_hook(layer):
            def fn(module, inputs):
                z = inputs[0].clone()
                d_head = hf.config.n_embd // hf.config.n_head
                for l, h in RUN_HEADS:
                    if l == layer:
                        z[..., h * d_head:(h + 1) * d_head] = 0
                return (z,)
            return fn
        handles = [hf.transformer.h[l].attn.c_proj.register_forward_pre_hook(pre_hook(l)) for l in {l for l, _ in RUN_HEADS}]
        hf_ablated = hf(x).logits[0, -1]
        for handle in handles:
            handle.remove()
        assert maxdiff(ablated, hf_ablated) < TOLERANCE, maxdiff(ablated, hf_ablated)
        top = torch.topk(ablated, TOP)
        probabilities = torch.softmax(ablated.double(), -1)
        assert (top.values[:-1] - top.values[1:]).min() > MIN_GAP, "top-5 ties"

        hf_out = hf.generate(x, max_new_tokens=GENERATE_COUNT, do_sample=False, attention_mask=torch.ones_like(x),
                             pad_token_id=tokenizer.eos_token_id)
        hf_ids = hf_out[0, len(ids):].tolist()
        plain_ids, plain_gaps = tl_greedy(tl, ids, [], GENERATE_COUNT)
        assert plain_ids == hf_ids, (plain_ids, hf_ids)
        ablated_ids, ablated_gaps = tl_greedy(tl, ids, GENERATE_HEADS, GENERATE_COUNT)
        assert ablated_ids != hf_ids, "the ablated head must change the continuation"
        assert min(plain_gaps + ablated_gaps) > MIN_GAP, (plain_gaps, ablated_gaps)

        with tl.hooks(fwd_hooks=zero_heads_hooks(RUN_HEADS)):
            _, cache = tl.run_with_cache(x)
        z2 = cache["blocks.2.attn.hook_z"]
        assert torch.count_nonzero(z2[:, :, 0]) == 0 and torch.count_nonzero(z2[:, :, 2]) > 0
        T = len(ids)
        slices = {
            "blocks.0.attn.hook_pattern": ("[0, 1, 14, :]", cache["blocks.0.attn.hook_pattern"][0, 1, T - 1]),
            "blocks.2.attn.hook_z": ("[0, 14, :, 0]", z2[0, T - 1, :, 0]),
            "blocks.3.hook_resid_post": ("[0, 14, :8]", cache["blocks.3.hook_resid_post"][0, T - 1, :8]),
            "ln_final.hook_scale": ("[0, :, 0]", cache["ln_final.hook_scale"][0, :, 0]),
            "unembed.hook_out": ("[0, 14, :4]", cache["unembed.hook_out"][0, T - 1, :4]),
        }

    def floats(t):
        return [float(v) for v in t.double().tolist()]

    def heads(hs):
        return [f"{l}.{h}" for l, h in hs]

    doc = {
        "generator": GENERATOR,
        "versions": versions(),
        "model": "Sources/TransformerEngine/Resources/default-model",
        "prompt": PROMPT,
        "tokens": ids,
        "tolerance": TOLERANCE,
        "run": {
            "ablated_heads": heads(RUN_HEADS),
            "answer": ANSWER, "wrong": WRONG, "answer_id": answer, "wrong_id": wrong,
            "logit_diff_clean": float(clean[answer] - clean[wrong]),
            "logit_diff_ablated": float(ablated[answer] - ablated[wrong]),
            "top_ids": top.indices.tolist(),
            "top_logits": floats(top.values),
            "top_probabilities": floats(probabilities[top.indices]),
        },
        "generate": {
            "count": GENERATE_COUNT,
            "hf_greedy_ids": hf_ids,
            "hf_greedy_text": tokenizer.decode(hf_ids),
            "ablated_heads": heads(GENERATE_HEADS),
            "tl_ablated_ids": ablated_ids,
            "tl_ablated_text": tokenizer.decode(ablated_ids),
            "smallest_top2_gap": min(plain_gaps + ablated_gaps),
        },
        "cache": {
            "ablated_heads": heads(RUN_HEADS),
            "shapes": {name: list(t.shape) for name, t in cache.items()},
            "values": {name: {"index": index, "values": floats(v)} for name, (index, v) in slices.items()},
            "notebook": "from safetensors.torch import load_file; cache = load_file(FILE); cache['blocks.0.attn.hook_pattern']",
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "workbench-reference.json"
    write_json(path, doc)
    log(f"wrote {path} (ablated logit diff {doc['run']['logit_diff_ablated']:.5f}, clean {doc['run']['logit_diff_clean']:.5f}; "
        f"greedy {doc['generate']['hf_greedy_text']!r}, with 2.1 ablated {doc['generate']['tl_ablated_text']!r})")


if __name__ == "__main__":
    main()
