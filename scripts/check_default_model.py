#!/usr/bin/env python3
"""Load HeadLab's embedded default model with Hugging Face `transformers` and write reference logits.

    python3 scripts/check_default_model.py [MODEL_DIR] [OUT_JSON]

Defaults: Sources/TransformerEngine/Resources/default-model and
Tests/ModelTrainingTests/Resources/default-model-reference.json. Loads the directory as
`GPT2LMHeadModel` (float32, eager attention) and its tokenizer as `GPT2Tokenizer` from the same
vocab.json/merges.txt, encodes a few prompts with <|endoftext|> prepended, and stores the token ids
and the logits of the last three positions. The Swift test `DefaultModelReferenceTests` checks HeadLab's ids
and logits against them (1e-4). Run by hand after retraining the default model.

First it loads the directory with check_written_configs.py's check and stops (exit 1) if
transformers warns about a config key, e.g. a bos/eos id outside the vocabulary.
"""
import json
import sys
from pathlib import Path

import torch
import transformers
from transformers import GPT2LMHeadModel, GPT2Tokenizer

from check_written_configs import check

ROOT = Path(__file__).resolve().parent.parent
model_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "Sources/TransformerEngine/Resources/default-model"
out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "Tests/ModelTrainingTests/Resources/default-model-reference.json"

if not check(model_dir):
    sys.exit(f"{model_dir}: transformers warns about its config (above); fix the writer and retrain")

PROMPTS = [
    "When Mary and John went to the store, John gave a drink to",
    " Monday, Tuesday, Wednesday,",
    " 17 18 19",
    "One day, Sara found a computer near the garden. Sara gave the computer to",
    "Monday\nTuesday\nWednesday\n",
    "One; two; three;",
    "\"Look at this ring,\" John told Mary at the park. Then John passed it to",
]

model = GPT2LMHeadModel.from_pretrained(model_dir, attn_implementation="eager", torch_dtype=torch.float32).eval()
tokenizer = GPT2Tokenizer.from_pretrained(model_dir)
bos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
cases = []
with torch.inference_mode():
    for text in PROMPTS:
        ids = [bos] + tokenizer.encode(text)
        logits = model(torch.tensor([ids])).logits[0]
        cases.append({"text": text, "tokens": ids, "logits": [[round(float(v), 5) for v in row] for row in logits[-3:]]})
        top = int(logits[-1].argmax())
        print(f"{text!r} -> {tokenizer.decode([top])!r}")
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps({"generator": "scripts/check_default_model.py", "transformers": transformers.__version__,
                           "torch": torch.__version__, "cases": cases}, sort_keys=True))
print(f"wrote {out} ({out.stat().st_size} bytes)")
