#!/usr/bin/env python3
"""Builds the Hugging Face cache fixture of the TransformerEngine tests (HeadLab).

    python3 scripts/make_hf_cache_fixture.py            # [--out DIR]

Writes Tests/TransformerEngineTests/Resources/hf-cache/ (or --out), a hub cache holding one
model repository, `headlab-tests/tiny-gpt2`, with two revisions:

  REVISION_OLD  the files of models/tiny-f16 (config, F16 model.safetensors, tokenizer)
  REVISION_MAIN the files of models/tiny-sharded (config, three F32 shards and
                model.safetensors.index.json, the same tokenizer), which is where refs/main points

The layout is written by huggingface_hub itself, not imitated: the script serves the two
revisions from a fake Hub on 127.0.0.1 (no network) and fetches every file with
`hf_hub_download(..., revision="main")`, first while the Hub's main branch is REVISION_OLD and
then after it has moved to REVISION_MAIN, which is how a real cache comes to hold two snapshots.
The result is therefore exactly what huggingface_hub writes:

  hf-cache/CACHEDIR.TAG
  hf-cache/models--headlab-tests--tiny-gpt2/
    blobs/<sha256>            files stored in Git LFS on the Hub (*.safetensors), named by the
                              sha256 of their bytes (the Hub's X-Linked-Etag)
    blobs/<git-sha1>          other files, named by their git blob hash (the Hub's ETag)
    refs/main                 REVISION_MAIN (40 hex characters, no newline)
    snapshots/<rev>/<file>    relative symlinks ../../blobs/<hash>; files equal in both
                              revisions (the tokenizer) share one blob

huggingface_hub also leaves `.locks/` (empty lock files); they are removed, as HeadLab never
reads them and a copied cache need not have them.

Checks before writing: huggingface_hub's `scan_cache_dir` reports no warnings and both revisions,
every snapshot entry is a relative symlink into blobs/, refs/main names REVISION_MAIN, and
transformers loads the model by name from the cache (cache_dir, local_files_only) with logits equal to
those of loading models/tiny-sharded directly (max abs difference 0).

The revision hashes are fixed (sha1 of a label), so re-running reproduces the fixture byte for
byte. Git stores the snapshot entries as symlinks (mode 120000); SwiftPM's `.copy("Resources")`
keeps them as symlinks in the test bundle (checked by HFCacheTests).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.pop("HF_HUB_OFFLINE", None)

from huggingface_hub import hf_hub_download, scan_cache_dir  # noqa: E402
from huggingface_hub.utils.sha import git_hash  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "Tests" / "TransformerEngineTests" / "Resources" / "models"
DEFAULT_OUT = REPO / "Tests" / "TransformerEngineTests" / "Resources" / "hf-cache"
REPO_ID = "headlab-tests/tiny-gpt2"
REVISION_OLD = hashlib.sha1(b"headlab-tests/tiny-gpt2 revision 1: tiny-f16").hexdigest()
REVISION_MAIN = hashlib.sha1(b"headlab-tests/tiny-gpt2 revision 2: tiny-sharded").hexdigest()
REVISIONS = {REVISION_OLD: MODELS / "tiny-f16", REVISION_MAIN: MODELS / "tiny-sharded"}
LFS_SUFFIXES = (".safetensors",)  # stored in Git LFS on the Hub, as its default .gitattributes does


def is_lfs(name: str) -> bool:
    return name.endswith(LFS_SUFFIXES)


class FakeHub(BaseHTTPRequestHandler):
    """Answers `/<repo>/resolve/<revision>/<file>` like huggingface.co: regular files with
    X-Repo-Commit and ETag (git blob sha1); LFS files with a 302 to their storage location
    plus X-Linked-Etag (sha256) and X-Linked-Size. The storage server (another port, so another
    origin, which huggingface_hub does not follow on HEAD) answers `/lfs/<sha256>` with the bytes."""

    main = REVISION_OLD
    lfs: dict[str, bytes] = {}
    storage_port = 0  # the LFS storage server: another origin, as the Hub's CDN is another host

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.answer(send_body=False)

    def do_GET(self):
        self.answer(send_body=True)

    def answer(self, send_body: bool):
        if self.path.startswith("/lfs/"):
            data = self.lfs.get(self.path[len("/lfs/"):])
            return self.reply(200, {}, data, send_body) if data is not None else self.reply(404, {}, b"", send_body)
        prefix = f"/{REPO_ID}/resolve/"
        if not self.path.startswith(prefix):
            return self.reply(404, {}, b"", send_body)
        revision, _, name = self.path[len(prefix):].partition("/")
        commit = self.main if revision == "main" else revision
        file = REVISIONS.get(commit, Path("/nonexistent")) / name
        if not file.is_file():
            return self.reply(404, {"X-Repo-Commit": commit, "X-Error-Code": "EntryNotFound"}, b"", send_body)
        data = file.read_bytes()
        if is_lfs(name):
            sha = hashlib.sha256(data).hexdigest()
            self.lfs[sha] = data
            return self.reply(302, {"X-Repo-Commit": commit, "X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(data)),
                                    "Location": f"http://127.0.0.1:{self.storage_port}/lfs/{sha}"}, b"", send_body)
        return self.reply(200, {"X-Repo-Commit": commit, "ETag": f'"{git_hash(data)}"'}, data, send_body)

    def reply(self, status: int, headers: dict[str, str], data: bytes, send_body: bool):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if send_body:
            self.wfile.write(data)


def download_everything(cache: Path) -> None:
    hub, storage = (ThreadingHTTPServer(("127.0.0.1", 0), FakeHub) for _ in range(2))
    for server in (hub, storage):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeHub.storage_port = storage.server_address[1]
    endpoint = f"http://127.0.0.1:{hub.server_address[1]}"
    try:
        for commit in (REVISION_OLD, REVISION_MAIN):
            FakeHub.main = commit  # the branch moves, as when a repository gets a new commit
            for file in sorted(REVISIONS[commit].iterdir()):
                hf_hub_download(REPO_ID, file.name, revision="main", cache_dir=cache, endpoint=endpoint)
    finally:
        hub.shutdown()
        storage.shutdown()
    shutil.rmtree(cache / ".locks", ignore_errors=True)


def check_layout(cache: Path) -> None:
    repo = cache / "models--headlab-tests--tiny-gpt2"
    assert (repo / "refs" / "main").read_text() == REVISION_MAIN
    info = scan_cache_dir(cache)
    assert not info.warnings, info.warnings
    (entry,) = info.repos
    assert {r.commit_hash for r in entry.revisions} == set(REVISIONS), entry.revisions
    for commit, source in REVISIONS.items():
        snapshot = repo / "snapshots" / commit
        assert sorted(p.name for p in snapshot.iterdir()) == sorted(p.name for p in source.iterdir())
        for link in snapshot.iterdir():
            target = os.readlink(link)
            expected = hashlib.sha256(link.read_bytes()).hexdigest() if is_lfs(link.name) else git_hash(link.read_bytes())
            assert target == f"../../blobs/{expected}", (link, target)
            assert link.read_bytes() == (source / link.name).read_bytes(), link
    blobs = sorted(p.name for p in (repo / "blobs").iterdir())
    print(f"{len(blobs)} blobs for {sum(1 for _ in repo.glob('snapshots/*/*'))} snapshot files; refs/main = {REVISION_MAIN}")


def check_transformers_loads_by_name(cache: Path) -> None:
    import torch
    from transformers import GPT2LMHeadModel

    ids = torch.tensor([[0, 5, 17, 3, 9]])
    with torch.inference_mode():
        by_name = GPT2LMHeadModel.from_pretrained(REPO_ID, cache_dir=cache, local_files_only=True,
                                                  attn_implementation="eager").eval()
        direct = GPT2LMHeadModel.from_pretrained(MODELS / "tiny-sharded", attn_implementation="eager").eval()
        difference = float((by_name(ids).logits - direct(ids).logits).abs().max())
    assert difference == 0, difference
    print(f"transformers loads {REPO_ID} by name from the cache: logits equal to tiny-sharded's (max abs diff {difference})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args().out
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "hf-cache"
        download_everything(cache)
        check_layout(cache)
        check_transformers_loads_by_name(cache)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(cache, out, symlinks=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
