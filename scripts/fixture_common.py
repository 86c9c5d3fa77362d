"""Helpers shared by the TransformerEngine fixture generators (HeadLab).

Used by scripts/make_engine_fixtures.py, make_gradient_fixtures.py, make_optimizer_fixtures.py and
make_half_precision_fixtures.py (it is imported as a sibling module, it writes nothing by
itself): paths, version reporting, loading a fixture
model with Hugging Face transformers, building the equivalent TransformerLens HookedTransformer
from it, and writing references (safetensors with a read-back check, JSON with number lists on
one line).
"""

from __future__ import annotations

import json
import platform
import re
import warnings
from importlib.metadata import version
from pathlib import Path

import numpy as np
import safetensors
import tokenizers
import torch
import transformers
from safetensors import safe_open
from safetensors.torch import save_file
from transformers import GPT2LMHeadModel

warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)

from transformer_lens import HookedTransformer, HookedTransformerConfig  # noqa: E402
from transformer_lens.pretrained.weight_conversions import convert_gpt2_weights  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "Tests" / "TransformerEngineTests" / "Resources"
EOT = "<|endoftext|>"

# The order versions() lists the packages in (it is part of the committed JSON files).
VERSION_ORDER = (
    "python", "torch", "transformers", "transformer_lens", "tokenizers", "safetensors", "numpy"
)


def log(*args):
    print(*args, flush=True)


def versions(order=VERSION_ORDER) -> dict:
    found = {
        "python": platform.python_version(),
        "torch": torch.__version__.split("+")[0],
        "transformers": transformers.__version__,
        "transformer_lens": version("transformer-lens"),
        "tokenizers": tokenizers.__version__,
        "safetensors": safetensors.__version__,
        "numpy": np.__version__,
    }
    return {k: found[k] for k in order}


def splitmix64(seed):
    """The engine's SplitMix64 (TransformerEngine/Model/Generation.swift) as a generator."""
    mask = (1 << 64) - 1
    state = seed & mask
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def maxdiff(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape, (a.shape, b.shape)
    return (a.double() - b.double()).abs().max().item()


# --------------------------------------------------------------------------- models


def load_hf(
    model_dir: Path, dtype: torch.dtype = torch.float32, tied: bool = True
) -> GPT2LMHeadModel:
    """A fixture model directory (whatever dtype it stores) loaded in `dtype`, eager attention.

    tied: whether the directory's embeddings must be tied (lm_head.weight is wte.weight) or must
    be untied (a distinct lm_head.weight, loaded from the file rather than left missing)."""
    model, info = GPT2LMHeadModel.from_pretrained(
        str(model_dir), dtype=torch.float32, attn_implementation="eager", output_loading_info=True
    )
    model = model.to(dtype).eval()
    assert model.config._attn_implementation == "eager"
    if tied:
        assert model.lm_head.weight is model.transformer.wte.weight, "embeddings must be tied"
    else:
        assert model.lm_head.weight is not model.transformer.wte.weight, "embeddings must be untied"
        assert "lm_head.weight" not in info["missing_keys"], f"{model_dir}: no lm_head.weight"
    assert all(p.dtype == dtype for p in model.parameters())
    return model


def build_tl(
    hf: GPT2LMHeadModel, dtype: torch.dtype = torch.float32, processed: bool = False
) -> HookedTransformer:
    """The TransformerLens model with hf's weights, unprocessed (no folding or centring); with
    processed=True, TransformerLens's from_pretrained defaults fold_ln, center_writing_weights
    and center_unembed instead (still no value-bias folding or refactoring)."""
    c = hf.config
    cfg = HookedTransformerConfig(
        n_layers=c.n_layer,
        d_model=c.n_embd,
        n_ctx=c.n_positions,
        d_head=c.n_embd // c.n_head,
        n_heads=c.n_head,
        d_mlp=c.n_inner if c.n_inner is not None else 4 * c.n_embd,
        d_vocab=c.vocab_size,
        act_fn=c.activation_function,
        eps=c.layer_norm_epsilon,
        normalization_type="LN",
        positional_embedding_type="standard",
        original_architecture="GPT2LMHeadModel",
        use_attn_result=True,
        default_prepend_bos=False,
        dtype=dtype,
        device="cpu",
        seed=0,
    )
    tl = HookedTransformer(cfg)
    state = {k: v.detach().clone() for k, v in convert_gpt2_weights(hf, cfg).items()}
    tl.load_and_process_state_dict(
        {k: v.clone() for k, v in state.items()},
        fold_ln=processed,
        center_writing_weights=processed,
        center_unembed=processed,
        refactor_factored_attn_matrices=False,
        fold_value_biases=False,
    )
    tl.eval()
    if processed:
        return tl
    # Every converted tensor must have landed unchanged; the only other parameter is b_U = 0.
    params = dict(tl.named_parameters())
    for k, v in state.items():
        assert k in params, k
        assert torch.equal(params[k].detach(), v), f"TL parameter {k} was modified on load"
    extra = set(params) - set(state)
    assert extra == {"unembed.b_U"}, extra
    assert torch.count_nonzero(params["unembed.b_U"]) == 0
    return tl


def config_summary(c) -> dict:
    """The GPT-2 config values the references record."""
    return {
        "n_layer": c.n_layer,
        "n_head": c.n_head,
        "n_embd": c.n_embd,
        "head_size": c.n_embd // c.n_head,
        "n_inner": c.n_inner if c.n_inner is not None else 4 * c.n_embd,
        "n_positions": c.n_positions,
        "vocab_size": c.vocab_size,
        "layer_norm_epsilon": c.layer_norm_epsilon,
    }


# --------------------------------------------------------------------------- output


def save_tensors(tensors: dict, path: Path, description: str, allow_inf: bool = False) -> None:
    """Every tensor as F32, one metadata key, read back and compared.

    allow_inf: the tensors may hold +-inf (masked attention scores); NaN is never allowed."""
    out = {k: v.detach().to(torch.float32).contiguous().clone() for k, v in tensors.items()}
    for k, v in out.items():
        assert not torch.isnan(v).any(), k
        assert allow_inf or torch.isfinite(v).all(), k
    # One metadata key only: safetensors writes several keys in hash-map (random) order.
    save_file(out, str(path), metadata={"description": description})
    with safe_open(str(path), framework="pt") as f:
        assert set(f.keys()) == set(out)
        for k in f.keys():
            assert torch.equal(f.get_tensor(k), out[k]), k


def write_json(path: Path, obj: dict) -> None:
    """Indented JSON with every list of numbers kept on one line."""
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    number = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
    text = re.sub(
        rf"\[\s*({number}(?:,\s*{number})*)\s*\]",
        lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]",
        text,
    )
    path.write_text(text + "\n", encoding="utf-8")


def write_reference(
    refs_dir: Path, stem: str, tensors: dict, doc: dict, description: str, allow_inf: bool = False
) -> list[Path]:
    """Write refs_dir/<stem>.safetensors (see save_tensors) and refs_dir/<stem>.json, creating
    refs_dir if needed."""
    refs_dir.mkdir(parents=True, exist_ok=True)
    st_path = refs_dir / f"{stem}.safetensors"
    save_tensors(tensors, st_path, description, allow_inf)
    json_path = refs_dir / f"{stem}.json"
    write_json(json_path, doc)
    log(f"  wrote {json_path.name} and {st_path.name} ({len(tensors)} tensors)")
    return [json_path, st_path]
