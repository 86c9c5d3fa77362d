#!/usr/bin/env python3
"""Time the Hugging Face GPT2LMHeadModel forward pass on CPU, as a yardstick for the Swift engine.

    python3 scripts/bench_forward_hf.py --model scratch/gpt2-small-random \\
        --tokens 20 --batch 1,16 --repeats 10 [--threads 2] [--warmup 2] [--seed 0] \\
        [--attn eager,sdpa] [--isolate]

For every attention implementation (eager, and transformers' default sdpa), every batch size and
both output modes (full logits [B,T,V], and logits_to_keep=1 -> [B,1,V] when this transformers
version supports it) it runs `--warmup` untimed forwards, then `--repeats` timed ones, and prints
one line: median / min / max wall time in ms, tokens/s (= B*T / median) and the process's peak
RSS (getrusage ru_maxrss).  On Linux it also prints how much CPU other processes used during
the timed runs and the hypervisor's steal time (from /proc/stat), since a busy machine skews the
figures.  Float32 weights, torch.inference_mode(), use_cache=False (a single
forward over the whole prompt; no KV cache is built).

Peak RSS is a high-water mark: in one process it only grows, so later lines include the memory of
earlier configurations.  --isolate runs every configuration in a fresh child process instead, so
each line's peak RSS is that configuration's own (model load included).

Token ids (the scheme a Swift bench should copy to feed identical inputs): one SplitMix64
generator seeded with --seed (default 0) produces the ids in row-major order, batch row 0 first:
    state += 0x9E3779B97F4A7C15 (mod 2^64)
    z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    id = (z ^ (z >> 31)) % vocab_size
The first ids are printed so the two benches can be checked against each other.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

import torch
import transformers
from transformers import GPT2LMHeadModel

MASK64 = (1 << 64) - 1


def splitmix64_ids(seed: int, count: int, vocab_size: int) -> list[int]:
    state = seed & MASK64
    out = []
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z = z ^ (z >> 31)
        out.append(z % vocab_size)
    return out


def token_batch(seed: int, batch: int, tokens: int, vocab_size: int) -> torch.Tensor:
    ids = splitmix64_ids(seed, batch * tokens, vocab_size)
    return torch.tensor(ids, dtype=torch.long).view(batch, tokens)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def cpu_jiffies() -> tuple[int, int, int] | None:
    """(busy jiffies of the machine, steal jiffies, jiffies of this process) on Linux, else None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]] + [0] * 8
        with open("/proc/self/stat", encoding="ascii") as f:
            own = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq, steal, int(own[11]) + int(own[12])


def contention(before, after, seconds: float) -> tuple[float, float] | None:
    """(% of all cores used by other processes, % stolen by the hypervisor) over an interval."""
    if before is None or after is None or seconds <= 0:
        return None
    scale = 100.0 / os.sysconf("SC_CLK_TCK") / (seconds * (os.cpu_count() or 1))
    others = (after[0] - before[0]) - (after[2] - before[2])
    return max(0.0, others * scale), max(0.0, (after[1] - before[1]) * scale)


def supports_logits_to_keep(model) -> bool:
    return "logits_to_keep" in inspect.signature(model.forward).parameters


def load(model_dir: str, attn: str) -> GPT2LMHeadModel:
    model = GPT2LMHeadModel.from_pretrained(
        model_dir, dtype=torch.float32, attn_implementation=attn
    )
    return model.eval()


def set_attn(model: GPT2LMHeadModel, attn: str) -> None:
    if model.config._attn_implementation != attn:
        model.set_attn_implementation(attn)
    assert model.config._attn_implementation == attn


def bench_one(model, attn: str, batch: int, args, mode: str) -> dict:
    set_attn(model, attn)
    ids = token_batch(args.seed, batch, args.tokens, model.config.vocab_size)
    kwargs = {"use_cache": False}
    if mode == "last":
        kwargs["logits_to_keep"] = 1
    with torch.inference_mode():
        for _ in range(args.warmup):
            out = model(ids, **kwargs)
        times = []
        cpu_before, wall_before = cpu_jiffies(), time.perf_counter()
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            out = model(ids, **kwargs)
            times.append(time.perf_counter() - t0)
        other = contention(cpu_before, cpu_jiffies(), time.perf_counter() - wall_before)
    expect_t = 1 if mode == "last" else args.tokens
    assert tuple(out.logits.shape) == (batch, expect_t, model.config.vocab_size), out.logits.shape
    med = statistics.median(times)
    return {
        "attn": attn,
        "batch": batch,
        "tokens": args.tokens,
        "logits": "keep=1" if mode == "last" else "full",
        "median_ms": med * 1e3,
        "min_ms": min(times) * 1e3,
        "max_ms": max(times) * 1e3,
        "tokens_per_s": batch * args.tokens / med,
        "peak_rss_mb": peak_rss_mb(),
        "contention": other,
    }


def fmt(r: dict) -> str:
    return (
        f"attn={r['attn']:5s} batch={r['batch']:3d} T={r['tokens']:4d} logits={r['logits']:6s}  "
        f"median {r['median_ms']:9.2f} ms  min {r['min_ms']:9.2f}  max {r['max_ms']:9.2f}  "
        f"tokens/s {r['tokens_per_s']:9.1f}  peak RSS {r['peak_rss_mb']:7.0f} MB"
        + (
            ""
            if r["contention"] is None
            else f"  other procs {r['contention'][0]:3.0f}% CPU, steal {r['contention'][1]:3.0f}%"
        )
    )


def configurations(args, model=None):
    modes = ["full"]
    if model is None or supports_logits_to_keep(model):
        modes.append("last")
    for attn in args.attn:
        for batch in args.batch:
            for mode in modes:
                yield attn, batch, mode


def main() -> int:
    ap = argparse.ArgumentParser(description="HF GPT-2 forward benchmark (CPU, float32)")
    ap.add_argument("--model", required=True, help="Hugging Face GPT-2 directory")
    ap.add_argument("--tokens", type=int, default=20, help="sequence length T")
    ap.add_argument("--batch", default="1,16", help="comma-separated batch sizes")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=None, help="torch intra-op threads")
    ap.add_argument("--seed", type=int, default=0, help="SplitMix64 seed for the token ids")
    ap.add_argument("--attn", default="eager,sdpa", help="attention implementations")
    ap.add_argument("--isolate", action="store_true", help="one child process per configuration")
    ap.add_argument("--only", default=None, help=argparse.SUPPRESS)  # attn:batch:mode (child)
    args = ap.parse_args()
    args.batch = [int(b) for b in args.batch.split(",") if b]
    args.attn = [a for a in args.attn.split(",") if a]
    if args.threads:
        torch.set_num_threads(args.threads)

    if args.only:  # child of --isolate: one configuration, one JSON line
        attn, batch, mode = args.only.split(":")
        model = load(args.model, attn)
        if mode == "last" and not supports_logits_to_keep(model):
            print(json.dumps(None))
            return 0
        print(json.dumps(bench_one(model, attn, int(batch), args, mode)))
        return 0

    print(
        f"python {platform.python_version()}  torch {torch.__version__}  "
        f"transformers {transformers.__version__}  threads {torch.get_num_threads()} "
        f"(interop {torch.get_num_interop_threads()})  cpus {os.cpu_count()}"
    )
    with open(os.path.join(args.model, "config.json"), encoding="utf-8") as f:
        cfg = json.load(f)
    vocab = cfg["vocab_size"]
    print(
        f"model {args.model}: n_layer {cfg['n_layer']} n_head {cfg['n_head']} n_embd "
        f"{cfg['n_embd']} vocab {vocab}; T={args.tokens} warmup {args.warmup} "
        f"repeats {args.repeats} seed {args.seed}; first ids {splitmix64_ids(args.seed, 8, vocab)}"
    )

    if args.isolate:
        model = None
        print(f"(isolated: one process per line; logits_to_keep probed in each child)")
        for attn, batch, mode in configurations(args):
            cmd = [sys.executable, __file__, "--model", args.model, "--tokens", str(args.tokens),
                   "--repeats", str(args.repeats), "--warmup", str(args.warmup),
                   "--seed", str(args.seed), "--only", f"{attn}:{batch}:{mode}"]
            if args.threads:
                cmd += ["--threads", str(args.threads)]
            res = subprocess.run(cmd, check=True, capture_output=True, text=True)
            r = json.loads(res.stdout.strip().splitlines()[-1])
            if r is None:
                print(f"attn={attn} batch={batch} logits=keep=1: unsupported by this transformers")
            else:
                print(fmt(r), flush=True)
        return 0

    t0 = time.perf_counter()
    model = load(args.model, args.attn[0])
    print(f"loaded in {time.perf_counter() - t0:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
    if not supports_logits_to_keep(model):
        print("logits_to_keep: not supported by this transformers version (full logits only)")
    for attn, batch, mode in configurations(args, model):
        print(fmt(bench_one(model, attn, batch, args, mode)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
