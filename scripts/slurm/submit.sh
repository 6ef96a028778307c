#!/usr/bin/env bash
# Submits a sharded vixhedge study to Slurm: an array of N shard tasks and a
# merge job that runs once all of them succeeded (afterok).
#
#   scripts/slurm/submit.sh N OUT [run options...]
#   scripts/slurm/submit.sh 16 /scratch/study --preset default --paths 10000000 --backend cpu
#
# Prints the two job ids. Outputs: OUT/shard-I/partial.json per task and the
# merged summary.json, report.md, CSVs and plots in OUT/merged. Extra sbatch
# options (partition, time limit, account) go in SBATCH_* environment
# variables or in the #SBATCH lines of shard.sbatch and merge.sbatch.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: $0 N OUT [vixhedge run options...]" >&2
  exit 2
fi
n="$1"
out="$2"
shift 2
case "$n" in
  '' | *[!0-9]* | 0) echo "submit.sh: N must be a whole number at least 1, not '$n'" >&2; exit 2 ;;
esac
here="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export VIXHEDGE_OUT="$out"
array=$(sbatch --parsable --array="0-$((n - 1))" --chdir="$out" "$here/shard.sbatch" "$@")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --chdir="$out" "$here/merge.sbatch")
merge="${merge%%;*}"
echo "shards: job array $array ($n tasks); merge: job $merge (after all shards succeed)"
echo "$array $merge" >"$out/slurm-jobs"
