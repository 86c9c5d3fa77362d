#!/usr/bin/env python3
"""Time TransformerLens 3.9's activation patching on the prompt pair `headlab bench patch --peer` uses.

`headlab bench patch --peer` runs this script and prints its timings beside its own. It can also be
run by hand:

    python3 scripts/bench_patch_tl.py --model scratch/gpt2-small-random \\
        --clean-ids 50256,1722,... --corrupted-ids 50256,1722,... --answer 5335 --wrong 1757 \\
        [--sweeps attn_head_out_all_pos,resid_pre,ablate_each_head] [--threads 2] [--repeats 1]

The model directory is a Hugging Face GPT-2 checkpoint; it is loaded with transformers and converted
into a HookedTransformer with no weight processing (fold_ln, center_writing_weights, center_unembed,
refactor_factored_attn_matrices and fold_value_biases all False, so hooks see the raw model), since
`from_pretrained` cannot load a local folder offline. Token ids are given, not text, so both tools
run exactly the same inputs.

After one untimed warm-up forward pass, each is timed with torch.set_num_threads(--threads):
  - attn_head_out_all_pos, resid_pre, every_head_by_pos and the other sweeps: the
    `transformer_lens.patching` function (denoising: corrupted tokens, clean cache), metric = logit
    difference answer - wrong at the last position;
  - ablate_each_head: a loop of L*NH `run_with_hooks` calls, each zeroing one head's hook_z.
Prints one JSON object: {"sweeps": {name: seconds (median of --repeats)}, "checks": {name: a few
values}, "versions": {...}, "threads": n}.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fixture_common import build_tl, load_hf, versions  # noqa: E402

import transformer_lens.patching as patching  # noqa: E402

SWEEPS = {
    "resid_pre": patching.get_act_patch_resid_pre,
    "resid_mid": patching.get_act_patch_resid_mid,
    "attn_out": patching.get_act_patch_attn_out,
    "mlp_out": patching.get_act_patch_mlp_out,
    "attn_head_out_all_pos": patching.get_act_patch_attn_head_out_all_pos,
    "attn_head_out_by_pos": patching.get_act_patch_attn_head_out_by_pos,
    "every_head_all_pos": patching.get_act_patch_attn_head_all_pos_every,
    "every_head_by_pos": patching.get_act_patch_attn_head_by_pos_every,
    "every_block": patching.get_act_patch_block_every,
}


def ids(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


@torch.no_grad()
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, type=Path)
    ap.add_argument("--clean-ids", required=True)
    ap.add_argument("--corrupted-ids", required=True)
    ap.add_argument("--answer", required=True, type=int)
    ap.add_argument("--wrong", required=True, type=int)
    ap.add_argument("--sweeps", default="attn_head_out_all_pos,resid_pre,ablate_each_head")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    tl = build_tl(load_hf(args.model))
    clean = torch.tensor([ids(args.clean_ids)])
    corrupted = torch.tensor([ids(args.corrupted_ids)])
    if clean.shape != corrupted.shape:
        sys.exit(f"clean and corrupted ids differ in length: {clean.shape[1]} vs {corrupted.shape[1]}")

    def metric(logits):
        return logits[0, -1, args.answer] - logits[0, -1, args.wrong]

    tl(corrupted)  # warm-up
    _, clean_cache = tl.run_with_cache(clean)
    timings: dict[str, float] = {}
    checks: dict[str, list[float]] = {}
    for name in args.sweeps.split(","):
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            if name == "ablate_each_head":
                values = torch.zeros(tl.cfg.n_layers, tl.cfg.n_heads)
                for layer in range(tl.cfg.n_layers):
                    for head in range(tl.cfg.n_heads):
                        def zero(z, hook, head=head):
                            z[:, :, head, :] = 0
                            return z
                        logits = tl.run_with_hooks(clean, fwd_hooks=[(f"blocks.{layer}.attn.hook_z", zero)])
                        values[layer, head] = metric(logits)
            else:
                values = SWEEPS[name](tl, corrupted, clean_cache, metric)
            runs.append(time.perf_counter() - start)
        timings[name] = statistics.median(runs)
        checks[name] = [float(v) for v in values.flatten()[:4]]
        print(f"{name}: {timings[name]:.3f} s", file=sys.stderr, flush=True)
    print(json.dumps({"sweeps": timings, "checks": checks, "versions": versions(), "threads": args.threads}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
