#!/usr/bin/env bash
# The whole test suite: system packages, then every test on both backends. GPU
# tests run on the first adapter wgpu finds; without a hardware GPU that is Mesa's
# lavapipe. A GPU test without an adapter fails; VIXHEDGE_REQUIRE_GPU=1 (the
# default here) also overrides VIXHEDGE_SKIP_GPU=1, which would otherwise build
# the GPU tests as ignored.
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
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
cargo test --release --all-targets "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary (cargo prints one result per binary).
passed=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed' "$log" | grep -Eo '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '^test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | grep -Eo '[0-9]+ failed' | awk '{s+=$1} END {print s+0}')

# The script tests, on the release binary the tests built: paths.parquet read
# back with pyarrow, polars and pandas (a Python environment from PyPI), and a
# real single-node Slurm cluster running a sharded study (installs slurm-wlm
# and munge; needs root or sudo).
for script in scripts/parquet/test.sh scripts/slurm/test.sh; do
  sudo=""
  if [ "$script" = scripts/slurm/test.sh ] && [ "$(id -u)" -ne 0 ]; then sudo="sudo -E"; fi
  echo "script test: $script"
  if $sudo env VIXHEDGE="$PWD/target/release/vixhedge" bash "$script"; then
    echo "script test $script ... ok"
    passed=$((passed + 1))
  else
    echo "script test $script ... FAILED"
    failed=$((failed + 1))
    status=1
  fi
done
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
