#!/usr/bin/env bash
# Set-up command 1: install system packages if missing, build in release mode, start headlab.
# Extra arguments go to headlab (e.g. scripts/run.sh info --model DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
swift build -c release --product headlab
exec .build/release/headlab "$@"
