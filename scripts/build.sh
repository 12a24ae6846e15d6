#!/usr/bin/env bash
# Configures and builds Priora in build/ (Release with assertions, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPRIORA_WERROR=ON >/dev/null
cmake --build build --parallel "$(nproc)"
