#!/usr/bin/env python3
"""Loads every config.json HeadLab writes with Hugging Face transformers; fails on any warning that
names a config key.

    python3 scripts/check_written_configs.py                    # default model + a fresh `headlab train`
    python3 scripts/check_written_configs.py DIR [DIR ...]      # default model + these directories
    options: --headlab PATH (default .build/release/headlab), --no-default-model

Checked directories: the embedded default model (Sources/TransformerEngine/Resources/default-model)
and `headlab train` output directories, each with its `checkpoint/` (the training checkpoint, also
written by HeadLab) when there is one. Without DIR arguments the script runs `headlab train` with
TINY_RECIPE (one layer, 4 steps, a few seconds) into a temporary directory and checks that.

Each directory is loaded as transformers loads a model: AutoConfig, GPT2LMHeadModel (float32),
GPT2Tokenizer when vocab.json is there, and a 3-token greedy `generate()`. Every warning is
recorded: `logging` records at WARNING or above from any logger (transformers' own loggers do not
propagate, so the handler sits on them as well as on the root) and `warnings.warn` calls. A warning
whose text names a key of the config (a key of config.json, or of the loaded config's to_dict(),
e.g. "Model config: bos_token_id must be `None` or an integer within the vocabulary") fails the
check; other warnings are printed. transformers' `warning_once` cache is cleared per directory so a
repeated problem is reported for every directory that has it.

Exit status 0 when no directory has such a warning, 1 otherwise. check_default_model.py runs the
same check on the default model before it writes reference logits.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "Sources" / "TransformerEngine" / "Resources" / "default-model"

# A recipe small enough to train in seconds: the smallest vocabulary the required lexicon tokens
# fit in, and a context long enough for the final behaviour evaluation's prompts.
TINY_RECIPE = {
    "format": 1,
    "model": {"layers": 1, "heads": 2, "modelDim": 32, "contextLength": 64},
    "tokenizer": {"vocabularySize": 1100, "trainingDocuments": 200},
    "corpus": {"documents": 400, "seed": 3},
    "training": {"steps": 4, "batchSize": 4, "sequenceLength": 16, "evaluateEvery": 0, "checkpointEvery": 2},
}


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"[{record.name} {record.levelname}] {record.getMessage()}")


def load_with_transformers(model_dir: Path) -> list[str]:
    """Every warning raised while transformers loads `model_dir` and generates from it."""
    import torch
    import transformers
    from transformers import AutoConfig, GPT2LMHeadModel, GPT2Tokenizer

    transformers.utils.logging.warning_once.cache_clear()
    recorder = Recorder()
    loggers = [logging.getLogger(), logging.getLogger("transformers"), logging.getLogger("huggingface_hub")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            AutoConfig.from_pretrained(model_dir)
            model = GPT2LMHeadModel.from_pretrained(model_dir, dtype=torch.float32).eval()
            if (model_dir / "vocab.json").exists():
                tokenizer = GPT2Tokenizer.from_pretrained(model_dir)
                inputs = tokenizer("When Mary and John went to the store,", return_tensors="pt")
            else:
                inputs = {"input_ids": torch.tensor([[0, 1, 2]]), "attention_mask": torch.ones(1, 3, dtype=torch.long)}
            with torch.inference_mode():
                model.generate(**inputs, max_new_tokens=3, do_sample=False)
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    return recorder.messages + [f"[warnings {w.category.__name__}] {w.message}" for w in caught]


def config_keys(model_dir: Path) -> set[str]:
    from transformers import AutoConfig

    keys = set(json.loads((model_dir / "config.json").read_text()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keys |= set(AutoConfig.from_pretrained(model_dir).to_dict())
    return keys


def check(model_dir: Path) -> bool:
    """Prints the result for `model_dir`; True when no warning names a config key."""
    messages = load_with_transformers(model_dir)
    keys = config_keys(model_dir)
    offending = [m for m in messages if any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(k)}(?![A-Za-z0-9_])", m) for k in keys)]
    status = "FAIL" if offending else "ok"
    print(f"{status}: {model_dir} ({len(messages)} warnings, {len(offending)} naming a config key)")
    for message in messages:
        print(f"    {'names a config key: ' if message in offending else 'other warning: '}{message}")
    return not offending


def train_tiny(headlab: Path, scratch: Path) -> Path:
    recipe = scratch / "tiny-recipe.json"
    recipe.write_text(json.dumps(TINY_RECIPE))
    out = scratch / "tiny-train"
    command = [str(headlab), "train", "--config", str(recipe), "--out", str(out), "--eval-prompts", "5"]
    print("running:", " ".join(command))
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


def directories_written_by(train_output: Path) -> list[Path]:
    checkpoint = train_output / "checkpoint"
    return [train_output] + ([checkpoint] if (checkpoint / "config.json").exists() else [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train_outputs", nargs="*", type=Path, help="`headlab train` output directories")
    parser.add_argument("--headlab", type=Path, default=ROOT / ".build" / "release" / "headlab")
    parser.add_argument("--no-default-model", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        outputs = args.train_outputs or [train_tiny(args.headlab, Path(scratch))]
        directories = ([] if args.no_default_model else [DEFAULT_MODEL])
        directories += [d for output in outputs for d in directories_written_by(output)]
        results = [check(d) for d in directories]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
