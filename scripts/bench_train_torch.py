#!/usr/bin/env python3
"""One PyTorch CPU training step of a GPT-2 model, for `headlab bench train` to print beside its own.

    python3 scripts/bench_train_torch.py --layers 4 --heads 4 --dim 128 --positions 128 \
        --vocab 3072 --batch 32 --tokens 64 --repeats 10 [--threads 2]

Builds `GPT2LMHeadModel` (gelu_new, tied embeddings, no dropout) with random weights, and times
forward + cross-entropy + backward + gradient clipping (1.0) + AdamW (betas 0.9/0.98, weight decay
0.05 on rank-2 tensors, fused when this torch has it) on random token ids, after 3 warm-up steps.
Prints one JSON line: median/min/max step time in ms, tokens/s, torch version, threads.
"""
import argparse
import json
import statistics
import time

import torch
from transformers import GPT2Config, GPT2LMHeadModel


def main() -> None:
    p = argparse.ArgumentParser()
    for name, default in [("layers", 4), ("heads", 4), ("dim", 128), ("positions", 128), ("vocab", 3072),
                          ("batch", 32), ("tokens", 64), ("repeats", 10), ("threads", 0)]:
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    config = GPT2Config(n_layer=a.layers, n_head=a.heads, n_embd=a.dim, n_positions=a.positions, vocab_size=a.vocab,
                        activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(config).train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    kwargs = {"fused": True} if "fused" in torch.optim.AdamW.__init__.__code__.co_varnames else {}
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.98), **kwargs)
    ids = torch.randint(0, a.vocab, (a.batch, a.tokens + 1))
    x, y = ids[:, :-1], ids[:, 1:]

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        logits = model(input_ids=x).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, a.vocab), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(json.dumps({"median_ms": median, "min_ms": min(times), "max_ms": max(times),
                      "tokens_per_second": a.batch * a.tokens / (median / 1000),
                      "torch": torch.__version__, "threads": torch.get_num_threads(), "fused_adamw": bool(kwargs)}))


if __name__ == "__main__":
    main()
