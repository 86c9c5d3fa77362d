#!/usr/bin/env bash
# Set-up command 2: install system packages if missing, build and run the whole test suite
# (release mode: the numeric tests run real forward passes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-packages.sh
swift build -c release --build-tests
swift test -c release --skip-build --disable-swift-testing "$@"
