#!/usr/bin/env python3
"""Reference generator for the TransformerEngine tests (HeadLab).

What it writes (all under Tests/TransformerEngineTests/Resources/, or --out):

  models/tiny-f32/      Hugging Face GPT-2 directory: config.json, generation_config.json,
                        model.safetensors (F32), vocab.json, merges.txt.
                        n_layer 2, n_head 4, n_embd 32, n_positions 32, n_inner null,
                        gelu_new, eps 1e-5, tied embeddings, vocab = a tiny byte-level BPE
                        (trained here, `<|endoftext|>` is a special token and bos/eos).
  models/tiny-f16/      the same weights rounded to float16, saved as F16.
  models/tiny-bf16/     the same weights rounded to bfloat16, saved as BF16.
                        (config.json: transformers 5 writes "dtype"; tiny-bf16's config is
                        rewritten to the older "torch_dtype" spelling so both occur.)
  models/tiny-sharded/  the F32 weights saved in 2-3 shards + model.safetensors.index.json.
  models/tiny-wide/     a second F32 model: n_layer 3, n_head 2, n_embd 48, n_inner 80,
                        n_positions 24, same tokenizer.
  references/<model>.json / references/<model>.safetensors for tiny-f32, tiny-f16, tiny-bf16
                        and tiny-wide (tiny-sharded shares tiny-f32's references).
      JSON: model, generator, versions, config, bos_token_id, cases (name, tokens [[ids]],
            texts), hook_names (exactly as TransformerLens names them, execution order),
            per-case diagnostics and a tolerance note.
      safetensors (all F32):
            "<case>/logits"     [B,T,V] HF GPT2LMHeadModel, eval, float32, eager attention
            "<case>/tl_logits"  [B,T,V] TransformerLens HookedTransformer logits
            "<case>/<hook>"     every entry of TransformerLens run_with_cache, as TL shapes it
                                (q/k/v/z [B,T,NH,HS], attn_scores/pattern [B,NH,Tq,Tk] with
                                the masked scores left as -inf, result [B,T,NH,C],
                                hook_scale [B,T,1], ...).
                                TL 3.9.0 also records unembed.hook_in (ln_final output after
                                its weight and bias) and unembed.hook_out (= tl_logits);
                                attn.hook_result is per head and excludes c_proj's bias
                                (hook_attn_out = sum over heads of hook_result + bias).
      F16/BF16 references are computed in float32 from the rounded weights
      (the F16/BF16 directory is loaded with dtype=torch.float32).
      Cases (lengths include the BOS token; every text case starts with <|endoftext|>, like
      TransformerLens's prepend_bos; rows of a batch have equal length):
        tiny-f32, tiny-wide: single-len1, single-len3, single-full (T = n_positions),
                             batch3 (3 x 3), batch2 (2 x 4), random (1 x 4 random ids)
        tiny-f16, tiny-bf16: single-len1, single-len2, single-len3, batch3 (3 x 2),
                             batch2 (2 x 3), random (1 x 3)
      The F16/BF16 plans are shorter (no full-length case) to keep the committed fixtures
      under 3 MB: they exist to check dtype loading; tiny-f32 and tiny-wide cover the rest.

Weights are deliberately non-trivial so a dropped bias or a wrong transpose shows up:
  wte, wpe ~ N(0, 1); every other weight matrix ~ N(0, 1.5/sqrt(fan_in)) (Conv1D weights are
  [in, out], so fan_in = shape[0]); every bias ~ N(0, 0.3); LayerNorm weight 1 + N(0, 0.3),
  LayerNorm bias N(0, 0.3).

The script asserts, per case, that TL logits match HF logits within 1e-4 (max abs), that TL's
last hook_resid_post matches the input of HF's ln_f, that TL's hook_resid_pre of each layer
matches HF's hidden_states, and that TL's hook_pattern matches HF's eager attention weights;
it prints the differences. It then reloads every model directory with
GPT2LMHeadModel.from_pretrained and checks the weights and the tokenizer files.

How to run (from the repository root; takes well under a minute on 2 CPU cores):

    pip install torch transformers safetensors tokenizers transformer-lens==3.9.0
    python3 scripts/make_engine_fixtures.py            # [--out DIR]

It never touches the network (nothing comes from the Hugging Face hub). It is deterministic:
fixed seeds, one torch thread; rerunning it with the same versions rewrites identical files.
It replaces only the files listed above: references/ also holds the gradient and AdamW
references of scripts/make_gradient_fixtures.py, which it leaves alone (rerun that script after
this one if the models change), the hook-replacement references of
scripts/make_intervention_fixtures.py (rerun it if tiny-f32 changes) and the untied-embeddings
model and reference of scripts/make_untied_fixture.py (which imports make_config, init_weights and
save_model_dir from here and copies tiny-f32's tokenizer files).  Helpers shared with that script are in scripts/fixture_common.py.

Versions used to produce the committed fixtures:
    Python 3.11.7, torch 2.15.0, transformers 5.23.0, transformer-lens 3.9.0,
    tokenizers 0.23.3, safetensors 0.8.0, numpy 2.4.6.
(transformer-lens 4.x removed HookedTransformer; 3.9.0 still has it.)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import inspect
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from tokenizers import ByteLevelBPETokenizer
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

from fixture_common import (
    DEFAULT_OUT,
    EOT,
    build_tl,
    config_summary,
    load_hf,
    log,
    maxdiff,
    versions,
    write_reference,
)
from transformer_lens import HookedTransformer  # after fixture_common's warning filters

GENERATOR = "scripts/make_engine_fixtures.py"

TOKENIZER_VOCAB_SIZE = 320  # 256 byte symbols + <|endoftext|> + 63 merges
WEIGHT_SEED = {"tiny": 20240601, "tiny-wide": 20240602}
RANDOM_CASE_SEED = 7
SHARD_SIZE = "64KB"  # the F32 tiny model is ~148 kB -> 3 shards
LOGIT_TOL = 1e-4

# Fixed training text for the tiny tokenizer (plain English, written for this fixture).
TOKENIZER_CORPUS = """\
The small model reads the text one token at a time and writes a guess for the next one.
Each layer of the model adds what it found to the residual stream, and the next layer reads it.
An attention head looks back at the earlier tokens of the text and takes what it needs from them.
The heads in the first layer often look at the previous token, and the heads in later layers
look for a token that came after an earlier copy of the current one.
A layer norm divides each vector by its scale and then adds a learned bias to it.
The first matrix of the feed forward part makes the vector four times as wide, the second one
makes it narrow again, and the nonlinear function in the middle decides what passes through.
When we want to understand a model, we look at the activations, we change them, and we see
what changes in the output.  We can cut a head away, copy the activations of one prompt into
another one, or read the attention pattern of every head at every position.
The cat sat on the mat, the dog sat on the log, and the bird sat on the branch of the tree.
There were three apples on the table, then there were two, and in the evening there was one.
She said that the train would leave at seven, but the train left at eight and we were late.
In the morning the river was quiet; in the afternoon the wind came and the water turned grey.
Numbers like 1, 2, 3, 10, 42 and 2024 are split into small pieces by the tokenizer.
The end of a text is marked with a special token, and the same token starts the next text.
"""

# Prompts used for the reference cases: for each key, candidate texts.  The first prefix (cut
# at a word boundary, trying the candidates in order) whose encoding has exactly the length a case
# needs is used; only if there is none is a prefix cut inside a word.  Several texts contain words
# that are not in the tokenizer corpus, so they fall back to single bytes.
PROMPTS = {
    "a": [
        "The cat sat on the mat and looked at the bird in the tree.",
        "A head looks back at the earlier tokens.",
    ],
    "full": [
        "When the model reads a long text, every head in every layer looks back at the earlier "
        "tokens, and the residual stream carries what the layers wrote to the very end.",
        "The heads in the first layer look at the previous token, and the heads in the next "
        "layer look back.",
        "Quick brown foxes vanished behind seventeen hazy hills while the river kept singing.",
        "The layer writes to the stream.",
    ],
    "b1": ["The train left at seven in the morning.", "The text ends here."],
    "b2": ["A token is a small piece of text.", "A head reads it."],
    "b3": [
        "Zebras quietly jumped over sixty fences.",
        "She said that the train would leave.",
        "I think the heads look back.",
    ],
    "c1": ["In the evening the wind came back and the water turned grey again."],
    "c2": [
        "A layer norm divides each vector by its scale before adding a bias.",
        "The cat sat on the log.",
    ],
}

# Case plans (lengths include the BOS token).  "full" means n_positions.
# The F16/BF16 references use a shorter plan: they exist to check dtype loading, the forward
# pass itself is covered by tiny-f32 and tiny-wide, and the full plan for four models would not
# fit the size budget of the committed fixtures (~3 MB).
FULL_PLAN = [
    ("single-len1", "single", [], 1),
    ("single-len3", "single", ["a"], 3),
    ("single-full", "single", ["full"], "full"),
    ("batch3", "batch", ["b1", "b2", "b3"], 3),
    ("batch2", "batch", ["c1", "c2"], 4),
    ("random", "random", [], 4),
]
SHORT_PLAN = [
    ("single-len1", "single", [], 1),
    ("single-len2", "single", ["a"], 2),
    ("single-len3", "single", ["full"], 3),
    ("batch3", "batch", ["b1", "b2", "b3"], 2),
    ("batch2", "batch", ["c1", "c2"], 3),
    ("random", "random", [], 3),
]

MODEL_SPECS = {
    "tiny": dict(n_layer=2, n_head=4, n_embd=32, n_positions=32, n_inner=None),
    "tiny-wide": dict(n_layer=3, n_head=2, n_embd=48, n_positions=24, n_inner=80),
}

REFERENCE_MODELS = [
    # (directory name, weight family, case plan)
    ("tiny-f32", "tiny", FULL_PLAN),
    ("tiny-f16", "tiny", SHORT_PLAN),
    ("tiny-bf16", "tiny", SHORT_PLAN),
    ("tiny-wide", "tiny-wide", FULL_PLAN),
]


# --------------------------------------------------------------------------- tokenizer


def train_tokenizer(workdir: Path) -> tuple[ByteLevelBPETokenizer, Path, Path]:
    """Train the tiny byte-level BPE and save vocab.json / merges.txt into workdir."""

    def train():
        tok = ByteLevelBPETokenizer(add_prefix_space=False)
        tok.train_from_iterator(
            TOKENIZER_CORPUS.splitlines(),
            vocab_size=TOKENIZER_VOCAB_SIZE,
            min_frequency=2,
            show_progress=False,
            special_tokens=[EOT],
        )
        return tok

    tok = train()
    again = train()
    assert tok.get_vocab() == again.get_vocab(), "tokenizer training is not deterministic"
    vocab_size = tok.get_vocab_size()
    assert 300 <= vocab_size <= 400, vocab_size
    workdir.mkdir(parents=True, exist_ok=True)
    tok.save_model(str(workdir))
    vocab_path, merges_path = workdir / "vocab.json", workdir / "merges.txt"
    # Rewrite vocab.json in a stable, id-ordered form (same content as save_model's).
    vocab = json.loads(vocab_path.read_text(encoding="utf-8"))
    assert len(vocab) == vocab_size and sorted(vocab.values()) == list(range(vocab_size))
    ordered = dict(sorted(vocab.items(), key=lambda kv: kv[1]))
    vocab_path.write_text(json.dumps(ordered, ensure_ascii=False), encoding="utf-8")
    # Reload from the saved files so encoding is exactly what a vocab.json/merges.txt reader sees.
    loaded = ByteLevelBPETokenizer(str(vocab_path), str(merges_path), add_prefix_space=False)
    loaded.add_special_tokens([EOT])
    assert loaded.token_to_id(EOT) == tok.token_to_id(EOT)
    return loaded, vocab_path, merges_path


def encode(tok: ByteLevelBPETokenizer, text: str) -> list[int]:
    return tok.encode(text).ids


def fit_prefix(tok, candidates: list[str], n: int) -> str:
    """A prefix of one of the candidates whose encoding has exactly n tokens."""
    for text in candidates:
        words = text.split(" ")
        for k in range(1, len(words) + 1):
            s = " ".join(words[:k])
            if len(encode(tok, s)) == n:
                return s
    text = candidates[0]
    for length in range(1, len(text) + 1):
        s = text[:length]
        if not s.endswith(" ") and len(encode(tok, s)) == n:
            return s
    raise ValueError(f"no prefix of {candidates!r} encodes to {n} tokens")


def build_cases(tok, plan, n_positions: int, vocab_size: int, bos: int) -> list[dict]:
    cases = []
    for name, kind, prompt_keys, length in plan:
        if length == "full":
            length = n_positions
        assert 1 <= length <= n_positions
        if kind == "random":
            gen = torch.Generator().manual_seed(RANDOM_CASE_SEED)
            ids = torch.randint(0, vocab_size, (1, length), generator=gen).tolist()
            cases.append({"name": name, "kind": "random-ids", "tokens": ids, "texts": None})
            continue
        rows, texts = [], []
        keys = prompt_keys or [None]
        for key in keys:
            text = "" if (key is None or length == 1) else fit_prefix(tok, PROMPTS[key], length - 1)
            ids = [bos] + encode(tok, text)
            assert len(ids) == length, (name, text, ids)
            rows.append(ids)
            texts.append(text)
        assert len({tuple(r) for r in rows}) == len(rows), f"{name}: batch rows must differ"
        cases.append({"name": name, "kind": "text-with-bos", "tokens": rows, "texts": texts})
    return cases


# --------------------------------------------------------------------------- weights


def make_config(spec: dict, vocab_size: int, bos: int, tied: bool = True) -> GPT2Config:
    """The GPT-2 config of a fixture model; tied=False gives a separate lm_head.weight."""
    return GPT2Config(
        vocab_size=vocab_size,
        n_positions=spec["n_positions"],
        n_embd=spec["n_embd"],
        n_layer=spec["n_layer"],
        n_head=spec["n_head"],
        n_inner=spec["n_inner"],
        activation_function="gelu_new",
        layer_norm_epsilon=1e-5,
        tie_word_embeddings=tied,
        bos_token_id=bos,
        eos_token_id=bos,
    )


@torch.no_grad()
def init_weights(model: GPT2LMHeadModel, seed: int) -> None:
    """Overwrite every parameter with the fixture distributions (see the module docstring).

    An untied lm_head.weight (listed last) is drawn like wte, N(0, 1)."""
    gen = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():  # tied lm_head.weight is wte.weight: listed once
        shape = tuple(p.shape)
        noise = torch.randn(shape, generator=gen, dtype=torch.float32)
        if name.endswith(("wte.weight", "wpe.weight", "lm_head.weight")):
            value = noise * 1.0
        elif re.search(r"\.ln_(1|2|f)\.weight$", name):
            value = 1.0 + 0.3 * noise
        elif name.endswith(".bias"):
            value = 0.3 * noise
        elif name.endswith(".weight") and len(shape) == 2:
            value = noise * (1.5 / np.sqrt(shape[0]))
        else:
            raise AssertionError(f"unexpected parameter {name} {shape}")
        p.copy_(value)
    tied = model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
    assert tied == model.config.tie_word_embeddings


def build_model(family: str, vocab_size: int, bos: int) -> GPT2LMHeadModel:
    torch.manual_seed(0)  # post_init's own initialisation, overwritten below anyway
    model = GPT2LMHeadModel(make_config(MODEL_SPECS[family], vocab_size, bos))
    init_weights(model, WEIGHT_SEED[family])
    return model.eval()


def save_model_dir(
    model: GPT2LMHeadModel,
    out: Path,
    vocab: Path,
    merges: Path,
    legacy_dtype_key: bool = False,
    **kwargs,
) -> None:
    if out.exists():
        shutil.rmtree(out)
    params = inspect.signature(model.save_pretrained).parameters
    if "safe_serialization" in params:  # transformers 4.x; 5.x always writes safetensors
        kwargs["safe_serialization"] = True
    model.save_pretrained(str(out), **kwargs)
    if legacy_dtype_key:
        # transformers 5 writes "dtype"; 4.x wrote "torch_dtype" (as most hub configs have it).
        # One fixture uses the old spelling so the engine's config reader sees both.
        cfg_path = out / "config.json"
        cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
        if "dtype" in cfg:
            cfg["torch_dtype"] = cfg.pop("dtype")
        cfg_path.write_text(json.dumps(dict(sorted(cfg.items())), indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(vocab, out / "vocab.json")
    shutil.copyfile(merges, out / "merges.txt")


# --------------------------------------------------------------------------- references


def stored_dtype(model_dir: Path) -> str:
    """The safetensors dtype (F32/F16/BF16) of the weights in a model directory."""
    dtypes = set()
    for f in sorted(model_dir.glob("*.safetensors")):
        with safe_open(str(f), framework="pt") as st:
            dtypes.update(st.get_slice(k).get_dtype() for k in st.keys())
    assert len(dtypes) == 1, dtypes
    return dtypes.pop()


@torch.no_grad()
def run_case(hf: GPT2LMHeadModel, tl: HookedTransformer, tokens: list[list[int]]):
    ids = torch.tensor(tokens, dtype=torch.long)
    captured = {}
    handle = hf.transformer.ln_f.register_forward_pre_hook(
        lambda _m, args: captured.__setitem__("pre_ln_f", args[0].detach().clone())
    )
    try:
        out = hf(ids, use_cache=False, output_hidden_states=True, output_attentions=True)
    finally:
        handle.remove()
    hf_logits = out.logits.float()
    tl_logits, cache = tl.run_with_cache(ids)
    n_layer = hf.config.n_layer

    diffs = {"logits": maxdiff(tl_logits, hf_logits)}
    diffs["resid_post_last_vs_hf_pre_ln_f"] = maxdiff(
        cache[f"blocks.{n_layer - 1}.hook_resid_post"], captured["pre_ln_f"]
    )
    hidden = out.hidden_states
    assert len(hidden) == n_layer + 1
    diffs["resid_pre_vs_hf_hidden_states"] = max(
        maxdiff(cache[f"blocks.{l}.hook_resid_pre"], hidden[l]) for l in range(n_layer)
    )
    # transformers puts the ln_f output (not the last block's output) in hidden_states[-1].
    diffs["unembed_in_vs_hf_hidden_states_last"] = maxdiff(cache["unembed.hook_in"], hidden[-1])
    diffs["pattern_vs_hf_attentions"] = max(
        maxdiff(cache[f"blocks.{l}.attn.hook_pattern"], out.attentions[l]) for l in range(n_layer)
    )
    assert diffs["logits"] <= LOGIT_TOL, diffs
    assert diffs["resid_post_last_vs_hf_pre_ln_f"] <= LOGIT_TOL, diffs
    assert diffs["resid_pre_vs_hf_hidden_states"] <= LOGIT_TOL, diffs
    assert diffs["unembed_in_vs_hf_hidden_states_last"] <= LOGIT_TOL, diffs
    assert diffs["pattern_vs_hf_attentions"] <= 1e-5, diffs
    # Masked attention scores must be -inf exactly where key > query, finite elsewhere.
    T = ids.shape[1]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for l in range(n_layer):
        scores = cache[f"blocks.{l}.attn.hook_attn_scores"]
        assert torch.isneginf(scores[..., future]).all()
        assert torch.isfinite(scores[..., ~future]).all()
    return hf_logits, tl_logits, cache, diffs


def make_reference(name: str, family: str, plan, models_dir: Path, refs_dir: Path, tok) -> None:
    log(f"\n== references for {name}")
    hf = load_hf(models_dir / name)
    tl = build_tl(hf)
    c = hf.config
    bos = c.bos_token_id
    cases = build_cases(tok, plan, c.n_positions, c.vocab_size, bos)
    tensors: dict[str, torch.Tensor] = {}
    hook_names = None
    for case in cases:
        hf_logits, tl_logits, cache, diffs = run_case(hf, tl, case["tokens"])
        names = list(cache.keys())
        if hook_names is None:
            hook_names = names
        assert names == hook_names, "hook set differs between cases"
        key = case["name"]
        tensors[f"{key}/logits"] = hf_logits
        tensors[f"{key}/tl_logits"] = tl_logits
        for h in names:
            tensors[f"{key}/{h}"] = cache[h]
        B, T = len(case["tokens"]), len(case["tokens"][0])
        case["shape"] = [B, T]
        case["diagnostics"] = {
            "max_abs_diff_tl_vs_hf": diffs,
            "max_abs_logit": hf_logits.abs().max().item(),
        }
        log(
            f"  {key:12s} B={B} T={T:2d}  |TL-HF| logits {diffs['logits']:.3e}"
            f"  resid_post[last] vs HF pre-ln_f {diffs['resid_post_last_vs_hf_pre_ln_f']:.3e}"
            f"  resid_pre vs HF hidden {diffs['resid_pre_vs_hf_hidden_states']:.3e}"
            f"  ln_final out vs HF hidden[-1] {diffs['unembed_in_vs_hf_hidden_states_last']:.3e}"
            f"  pattern vs HF attn {diffs['pattern_vs_hf_attentions']:.3e}"
            f"  max|logit| {case['diagnostics']['max_abs_logit']:.2f}"
        )
    worst = max(c2["diagnostics"]["max_abs_diff_tl_vs_hf"]["logits"] for c2 in cases)
    largest = max(c2["diagnostics"]["max_abs_logit"] for c2 in cases)
    doc = {
        "model": name,
        "generator": GENERATOR,
        "versions": versions(),
        "model_dir": f"models/{name}",
        "weights_dtype": stored_dtype(models_dir / name),
        "reference_dtype": "float32",
        "config": config_summary(c),
        "bos_token_id": bos,
        "cases": [
            {
                "name": cs["name"],
                "kind": cs["kind"],
                "tokens": cs["tokens"],
                "texts": cs["texts"],
                "shape": cs["shape"],
                "diagnostics": cs["diagnostics"],
            }
            for cs in cases
        ],
        "hook_names": hook_names,
        "tensor_keys": "<case name>/logits (HF), <case name>/tl_logits (TL), "
        "<case name>/<hook name> for every hook name",
        "tolerance_note": (
            "Reference values are float32 (CPU, one thread). HF GPT2LMHeadModel (eager) and "
            f"TransformerLens agree on logits to {worst:.1e} max abs for this model (|logits| "
            f"reach {largest:.0f}), so an F32 engine should match logits within ~1e-4 abs and "
            "activations within ~1e-4 abs / 1e-4 rel; an engine that computes in F16/BF16 "
            "needs far looser bounds. hook_attn_scores are already scaled by 1/sqrt(head_size) "
            "and hold -inf where key position > query position (compare those entries as "
            "-inf). ln*.hook_scale is sqrt(mean((x-mean)^2) + eps), shape [B,T,1]. "
            "attn.hook_result is per head without c_proj's bias (hook_attn_out = sum over "
            "heads + bias). unembed.hook_out equals tl_logits; TL's unembedding bias is zero."
        ),
    }
    # The masked attention scores are -inf.
    description = f"{name} references written by {GENERATOR}"
    write_reference(refs_dir, name, tensors, doc, description, allow_inf=True)


# --------------------------------------------------------------------------- checks


def check_model_dirs(models_dir: Path, sources: dict, tok) -> None:
    log("\n== reloading every model directory with GPT2LMHeadModel.from_pretrained")
    for name, (reference_model, dtype) in sources.items():
        path = models_dir / name
        model, info = GPT2LMHeadModel.from_pretrained(str(path), output_loading_info=True)
        problems = {k: v for k, v in info.items() if v and k != "missing_keys"}
        missing = set(info.get("missing_keys", []))
        assert not problems, (name, info)
        assert missing <= {"lm_head.weight"}, (name, missing)
        sd = model.state_dict()
        ref = reference_model.state_dict()
        for k, v in ref.items():
            expected = v.to(dtype)
            got = sd[k].to(dtype)
            assert torch.equal(got, expected), f"{name}: {k} differs after reload"
        assert model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
        loaded_dtypes = sorted({str(p.dtype) for p in model.parameters()})
        files = sorted(p.name for p in path.iterdir())
        log(f"  {name:13s} ok  params loaded as {loaded_dtypes}  files {files}")
        # The tokenizer files load with transformers too and encode like the trainer's.
        hf_tok = AutoTokenizer.from_pretrained(str(path))
        for text in [t for ts in PROMPTS.values() for t in ts] + [TOKENIZER_CORPUS]:
            assert hf_tok.encode(text) == encode(tok, text), (name, text)
        assert hf_tok.convert_tokens_to_ids(EOT) == model.config.bos_token_id


def describe_safetensors(path: Path) -> None:
    log(f"\n== tensors in {path.relative_to(path.parents[2])}")
    with safe_open(str(path), framework="pt") as f:
        log(f"  metadata: {f.metadata()}")
        for k in f.keys():
            sl = f.get_slice(k)
            log(f"  {k:40s} {sl.get_dtype():5s} {sl.get_shape()}")


def list_outputs(out: Path) -> None:
    log(f"\n== files under {out}")
    total = 0
    for p in sorted(out.rglob("*")):
        if p.is_file():
            size = p.stat().st_size
            total += size
            digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12]
            log(f"  {size:9d}  {digest}  {p.relative_to(out)}")
    log(f"  total {total} bytes ({total / 1e6:.2f} MB)")


# --------------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Resources directory")
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    out: Path = args.out
    models_dir, refs_dir = out / "models", out / "references"
    # Only this script's own outputs are replaced (save_model_dir empties each model directory;
    # the reference files are overwritten): references/ also holds make_gradient_fixtures.py's.
    for d in (models_dir, refs_dir):
        d.mkdir(parents=True, exist_ok=True)
    log("versions:", json.dumps(versions()))

    with tempfile.TemporaryDirectory() as tmp:
        tok, vocab, merges = train_tokenizer(Path(tmp) / "tokenizer")
        vocab_size = tok.get_vocab_size()
        bos = tok.token_to_id(EOT)
        log(f"tokenizer: vocab_size {vocab_size}, {EOT} id {bos}")

        tiny = build_model("tiny", vocab_size, bos)
        wide = build_model("tiny-wide", vocab_size, bos)

        save_model_dir(tiny, models_dir / "tiny-f32", vocab, merges)
        save_model_dir(copy.deepcopy(tiny).to(torch.float16), models_dir / "tiny-f16", vocab, merges)
        save_model_dir(
            copy.deepcopy(tiny).to(torch.bfloat16),
            models_dir / "tiny-bf16",
            vocab,
            merges,
            legacy_dtype_key=True,
        )
        save_model_dir(tiny, models_dir / "tiny-sharded", vocab, merges, max_shard_size=SHARD_SIZE)
        save_model_dir(wide, models_dir / "tiny-wide", vocab, merges)
        shards = sorted((models_dir / "tiny-sharded").glob("model-*.safetensors"))
        assert 2 <= len(shards) <= 3, shards
        assert (models_dir / "tiny-sharded" / "model.safetensors.index.json").exists()

        check_model_dirs(
            models_dir,
            {
                "tiny-f32": (tiny, torch.float32),
                "tiny-f16": (tiny, torch.float16),
                "tiny-bf16": (tiny, torch.bfloat16),
                "tiny-sharded": (tiny, torch.float32),
                "tiny-wide": (wide, torch.float32),
            },
            tok,
        )

        for name, family, plan in REFERENCE_MODELS:
            make_reference(name, family, plan, models_dir, refs_dir, tok)

    describe_safetensors(models_dir / "tiny-f32" / "model.safetensors")
    list_outputs(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
