#!/usr/bin/env bash
# The whole test suite: system packages, then every test on both backends. GPU
# tests run on the first adapter wgpu finds; without a hardware GPU that is Mesa's
# lavapipe. VIXHEDGE_REQUIRE_GPU=1 (the default here) makes a missing adapter a
# failure instead of a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export VIXHEDGE_REQUIRE_GPU="${VIXHEDGE_REQUIRE_GPU:-1}"
if ! command -v nvidia-smi >/dev/null 2>&1; then
  export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
  export WGPU_ADAPTER_NAME="${WGPU_ADAPTER_NAME:-llvmpipe}"
fi
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR}" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi
chmod 0700 "$XDG_RUNTIME_DIR" 2>/dev/null || true
cargo test --release --all-targets "$@"
