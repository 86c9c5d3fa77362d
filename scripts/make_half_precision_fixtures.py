#!/usr/bin/env python3
"""Float32 -> F16 / BF16 rounding references for the TransformerEngine tests (HeadLab).

Writes Tests/TransformerEngineTests/Resources/references/half-precision-rounding.json (or under
--out DIR): float32 inputs, as bit patterns, and the bytes PyTorch writes for them with
x.to(torch.float16) and x.to(torch.bfloat16) (round to nearest, ties to even).  The Swift test
writes the same values with SafetensorsWriter and compares the bytes, bit for bit.

Groups (each: "name", "why", and three strings of space-separated hex words: "f32" the input
bits, "f16" and "bf16" torch's output bits):
  edge_cases      written by hand: signed zeros, ties (halfway values) that round down to an even
                  neighbour and up to an even neighbour, one float32 ulp either side of a tie,
                  carries that round up across an exponent boundary (into the next binade and
                  into infinity), the largest finite values, infinities, float32 subnormals,
                  F16 subnormal results and BF16 subnormal results.
  f16_binades     every float32 exponent from below F16's smallest subnormal to past its
                  largest finite value, with kept-mantissa patterns (0, 1, ..., all ones) times
                  dropped-bit patterns (0, 1, half - 1, half, half + 1, all ones), signs alternating.
  bf16_binades    the same for BF16 (the low 16 bits dropped) at a spread of exponents from 0
                  (subnormal) to 254 (largest finite), signs alternating.
  random_bits     uniformly random 32-bit patterns (seeded); NaNs among them move to "nan".
  random_weights  normal values at weight-like scales 1e-3 ... 10 (seeded).
  nan             NaNs: quiet, signalling, with payloads, both signs.

NaN: PyTorch itself writes NaN two ways.  x.to(dtype) on a CPU tensor goes through its
vectorised conversion, which keeps the sign and the top payload bits for F16 and writes 0xFFFF
for every NaN in BF16; torch.tensor(x, dtype=...) goes through the scalar c10::Half /
c10::BFloat16 conversion, which writes sign | 0x7E00 (F16) and 0x7FC0 (BF16).  So the "nan" group
has "f16" and "bf16" (x.to) and also "f16_scalar" and "bf16_scalar"; for a NaN either is
PyTorch's answer.  For every other input the script asserts that the two paths agree.

How to run (from the repository root; a few seconds):

    pip install torch numpy
    python3 scripts/make_half_precision_fixtures.py      # [--out DIR]

Deterministic (fixed seed).  Versions used for the committed file are in its "versions".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

import fixture_common
from fixture_common import DEFAULT_OUT, log, write_json

GENERATOR = "scripts/make_half_precision_fixtures.py"
SEED = 20250312
SIZE_BUDGET = 70_000


def f32_bits(values) -> np.ndarray:
    return np.array(values, dtype=np.float32).view(np.uint32)


def bits(sign: int, exponent: int, mantissa: int) -> int:
    return (sign << 31) | (exponent << 23) | mantissa


def edge_cases() -> list[int]:
    one_f16_ulp_at_1 = 2.0**-10
    cases = [
        0x00000000, 0x80000000,  # +0, -0
        *f32_bits([1.0, -1.0, 0.1, -0.1, 1 / 3, np.pi, 2.5, 1000.1]),
        # F16 ties near 1: 1 + ulp/2 (even below: down), 1 + 3 ulp/2 (odd below: up to 1 + 2 ulp)
        *f32_bits([1 + one_f16_ulp_at_1 / 2, 1 + 3 * one_f16_ulp_at_1 / 2, -(1 + one_f16_ulp_at_1 / 2)]),
        0x3F800FFF, 0x3F801001, 0x3F802FFF, 0x3F803001,  # one float32 ulp either side of them
        # F16 carry across an exponent boundary: just below 2 rounding up to 2, and 2 - ulp/2 - tiny
        0x3FFFF000, 0x3FFFEFFF, 0x3FFFFFFF,
        # F16 largest finite (65504), the tie above it (65520 -> inf), just below the tie, overflow
        *f32_bits([65504.0, -65504.0, 65519.996, 65520.0, -65520.0, 65536.0, 1e5, 3.4028235e38]),
        0x7F800000, 0xFF800000,  # +-inf
        # F16 subnormal results: smallest (2^-24), its half (tie -> 0), just above the half,
        # 3/2 of it (tie -> 2^-23, even), largest subnormal, the tie below the smallest normal
        *f32_bits([2.0**-24, 2.0**-25, -(2.0**-25), 1.5 * 2.0**-24, 1023 * 2.0**-24, 2.0**-14 - 2.0**-25]),
        bits(0, 102, 1), bits(0, 102, 0x7FFFFF), bits(1, 103, 0x400000),
        # float32 subnormals (F16: +-0; BF16: subnormals, rounded)
        0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00008000, 0x00018000, 0x00007FFF,
        0x00008001, 0x00400000, 0x00800000,
        # BF16 ties (low 16 bits 0x8000): even upper -> down, odd upper -> up; +-1 ulp around them
        0x3F808000, 0x3F818000, 0x3F807FFF, 0x3F808001, 0xBF818000,
        # BF16 carry across an exponent boundary, and into infinity
        0x3FFF8000, 0x3FFF7FFF, 0x7F7F7FFF, 0x7F7F8000, 0xFF7FFFFF,
        0x7F7E8000,  # tie with even upper: stays finite
    ]
    return [int(c) for c in cases]


def binades(exponents, dropped: int, kept_bits: int) -> list[int]:
    """Patterns around rounding points for a format keeping `kept_bits` of the 23 mantissa
    bits when `dropped` low bits go (for F16 subnormal results more are dropped)."""
    out = []
    for e in exponents:
        d = dropped(e) if callable(dropped) else dropped
        d = min(d, 23)
        half = 1 << (d - 1)
        kept_max = (1 << (23 - d)) - 1
        kept_patterns = sorted({0, 1 & kept_max, 2 & kept_max, kept_max & 0x2AA, max(kept_max - 1, 0), kept_max})
        low_patterns = sorted({0, 1, half - 1, half, half + 1, (1 << d) - 1})
        for i, kept in enumerate(kept_patterns):
            for j, low in enumerate(low_patterns):
                out.append(bits((e + i + j) % 2, e, (kept << d) | low))  # both signs, alternating
    return out


def f16_dropped(e: int) -> int:
    # F16 keeps 10 mantissa bits for results >= 2^-14 (float32 exponent 113); below that the
    # result is subnormal and one more bit goes per binade.
    return 13 + max(0, 113 - e)


def convert(values: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    t = torch.from_numpy(values.view(np.float32).copy())
    return t.to(dtype).view(torch.int16).numpy().view(np.uint16)


def convert_scalar(values: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    floats = values.view(np.float32)
    return np.array(
        [torch.tensor(float(x), dtype=dtype).view(torch.int16).item() & 0xFFFF for x in floats],
        dtype=np.uint16,
    )


def hex_words(values: np.ndarray, width: int) -> str:
    return " ".join(f"{int(v):0{width}x}" for v in values)


def group(name: str, why: str, patterns: list[int], nan: bool = False) -> dict:
    u = np.array(patterns, dtype=np.uint32)
    assert len(np.unique(u)) == len(u), f"{name}: repeated inputs"
    is_nan = np.isnan(u.view(np.float32))
    assert is_nan.all() if nan else not is_nan.any(), name
    out = {"name": name, "why": why, "count": len(u), "f32": hex_words(u, 8)}
    for key, dtype in (("f16", torch.float16), ("bf16", torch.bfloat16)):
        vectorised, scalar = convert(u, dtype), convert_scalar(u, dtype)
        out[key] = hex_words(vectorised, 4)
        if nan:
            out[f"{key}_scalar"] = hex_words(scalar, 4)
        else:
            assert np.array_equal(vectorised, scalar), f"{name} {key}: torch's two conversions differ"
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()
    rng = np.random.default_rng(SEED)

    edges = edge_cases()
    f16_exponents = list(range(98, 145)) + [0, 1, 60, 160, 200, 254]
    f16_set = [p for p in binades(f16_exponents, f16_dropped, 10) if p not in set(edges)]
    bf16_exponents = [0, 1, 2, 50, 100, 126, 127, 128, 200, 253, 254]
    taken = set(edges) | set(f16_set)
    bf16_set = [p for p in binades(bf16_exponents, 16, 7) if p not in taken]
    taken |= set(bf16_set)
    random_bits = [int(p) for p in rng.integers(0, 2**32, size=512, dtype=np.uint64)]
    random_bits = list(dict.fromkeys(p for p in random_bits if p not in taken))
    nan_from_random = [p for p in random_bits if np.isnan(np.uint32(p).view(np.float32))]
    random_bits = [p for p in random_bits if p not in nan_from_random]
    taken |= set(random_bits)
    scales = 10.0 ** rng.uniform(-3, 1, size=512)
    weights = [int(p) for p in f32_bits(rng.standard_normal(512) * scales)]
    weights = list(dict.fromkeys(p for p in weights if p not in taken))
    nans = [0x7FC00000, 0xFFC00000, 0x7F800001, 0xFF800001, 0x7FA00000, 0x7FC02000, 0x7FC01FFF,
            0x7FFFFFFF, 0xFFFFFFFF, 0x7F802000, 0xFFBFFFFF]
    nans += [p for p in nan_from_random if p not in nans]

    groups = [
        group("edge_cases", "by hand: signed zeros, ties, ulps around ties, carries into the next "
              "binade and into infinity, largest finite, infinities, subnormal inputs and results", edges),
        group("f16_binades", "float32 exponents 98..144 (F16 subnormals to overflow) and a few far "
              "ones; kept-mantissa x dropped-bit patterns around F16 rounding points", f16_set),
        group("bf16_binades", "float32 exponents 0 .. 254; kept-mantissa x low-16-bit patterns "
              "around BF16 rounding points", bf16_set),
        group("random_bits", f"uniform random 32-bit patterns (seed {SEED}), NaNs removed", random_bits),
        group("random_weights", f"normal values times 10^U(-3, 1) (seed {SEED})", weights),
        group("nan", "NaNs; PyTorch writes them two ways (see nan_rule)", nans, nan=True),
    ]
    doc = {
        "generator": GENERATOR,
        "versions": fixture_common.versions(("python", "torch", "numpy")),
        "reference": "x.to(torch.float16) and x.to(torch.bfloat16) of a CPU float32 tensor x; bits "
        "as hex words (f32: 8 digits, f16/bf16: 4), little-endian when written",
        "nan_rule": "for NaN inputs PyTorch's x.to(dtype) (vectorised: F16 keeps sign and top "
        "payload bits, BF16 writes 0xffff) and torch.tensor(x, dtype=dtype) (scalar c10 "
        "conversion: F16 sign|0x7e00, BF16 0x7fc0) differ; either is PyTorch's answer. For every "
        "other input both paths give the same bits (asserted).",
        "groups": groups,
    }
    out = args.out / "references" / "half-precision-rounding.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(out, doc)
    size = out.stat().st_size
    for g in groups:
        log(f"  {g['name']:15s} {g['count']:5d} values")
    log(f"wrote {out} ({size} bytes, budget {SIZE_BUDGET})")
    assert size <= SIZE_BUDGET
    return 0


if __name__ == "__main__":
    sys.exit(main())
