#!/usr/bin/env bash
# The Parquet read-back test: `vixhedge run --export-paths` on a small study,
# and the same study in 2 shards, read with pyarrow, polars and pandas in a
# Python virtual environment this script creates (PyPI), checked against the
# run's summary.json by check_paths.py (row count, paths, regimes, and every
# per-path mean of the summary reproduced exactly).
#
#   bash scripts/parquet/test.sh      (VIXHEDGE=path/to/binary)
#
# The environment is kept in target/py-parquet (VIXHEDGE_PY_ENV) for later runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${VIXHEDGE:-$root/target/release/vixhedge}"
venv="${VIXHEDGE_PY_ENV:-$root/target/py-parquet}"
t0=$SECONDS
say() { echo "parquet test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
[ -x "$bin" ] || fail "no binary at $bin (build it with cargo build --release, or set VIXHEDGE)"
py="$(command -v python3 || true)"
[ -n "$py" ] || fail "python3 is needed"
if ! "$venv/bin/python" -c "import pyarrow, polars, pandas" 2>/dev/null; then
  say "creating the Python environment in $venv"
  rm -rf "$venv"
  "$py" -m venv "$venv" || fail "python3 -m venv (Debian: apt-get install python3-venv)"
  timeout 600 "$venv/bin/pip" install -q --disable-pip-version-check \
    "pyarrow>=14" "polars>=1" "pandas>=2" || fail "pip install pyarrow polars pandas"
fi
work="$(mktemp -d /tmp/vixhedge-parquet.XXXXXX)"
trap 'rm -rf "$work"' EXIT
study=(--paths 1500 --horizon-days 21 --seed 23 --backend cpu --export-paths --set simulation.batch_paths=400
  --set regimes.by=vix_rise)
"$bin" run "${study[@]}" --out "$work/run" >/dev/null 2>"$work/run.log" || {
  cat "$work/run.log" >&2
  fail "the exporting run"
}
for i in 0 1; do
  "$bin" run "${study[@]}" --shard "$i/2" --out "$work/shard$i" >/dev/null 2>"$work/shard$i.log" || {
    cat "$work/shard$i.log" >&2
    fail "shard $i/2"
  }
done
"$venv/bin/python" "$root/scripts/parquet/check_paths.py" "$work/run" "$work/shard0" "$work/shard1" ||
  fail "paths.parquet does not match summary.json"
say "passed in $((SECONDS - t0)) s"
