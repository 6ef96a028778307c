#!/usr/bin/env bash
# The Slurm test: a real single-node Slurm cluster on this machine runs a
# vixhedge study as a job array of 4 shards (scripts/slurm/shard.sbatch) and
# the dependent merge job (merge.sbatch, afterok), and the merged summary.json
# must equal the one-process run's, statistic for statistic.
#
#   bash scripts/slurm/test.sh        (as root; VIXHEDGE=path/to/binary)
#
# It installs Debian's slurm-wlm and munge when missing (apt-get update
# first), then starts its own munged, slurmctld and slurmd on localhost (no
# systemd) with a configuration, key, sockets, ports and state of their own
# in a temporary directory, so a Slurm already on the machine is neither used
# nor disturbed. Every daemon it started is stopped when it exits, on success
# or failure. Each step has a time limit and a failure prints the daemons'
# logs and the jobs' output.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${VIXHEDGE:-$root/target/release/vixhedge}"
t0=$SECONDS
work=""
pids=()

say() { echo "slurm test: $*" >&2; }
dump() {
  [ -n "$work" ] || return 0
  for f in "$work"/*.log "$work"/study/*.out; do
    [ -f "$f" ] || continue
    echo "----- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}
fail() {
  say "FAILED: $*"
  dump
  exit 1
}
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "$work" ] && [ "$status" -eq 0 ]; then rm -rf "$work"; fi
  if [ -n "$work" ] && [ "$status" -ne 0 ]; then say "kept $work for inspection"; fi
}
trap cleanup EXIT

[ -x "$bin" ] || fail "no binary at $bin (build it with cargo build --release, or set VIXHEDGE)"
[ "$(id -u)" -eq 0 ] || fail "needs root: it installs slurm-wlm and munge and starts their daemons"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
  ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  timeout 300 apt-get update -qq || fail "apt-get update"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends \
    slurm-wlm munge >/dev/null || fail "apt-get install slurm-wlm munge"
fi
command -v python3 >/dev/null || fail "python3 is needed to compare the summaries"

work="$(mktemp -d /tmp/vixhedge-slurm.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/state" "$work/spool" "$work/study"

# munge: a key and a socket of our own.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.sock" \
  --pid-file="$work/munged.pid" --log-file="$work/munged.log" \
  --seed-file="$work/munged.seed" 2>>"$work/munged.log" || fail "munged did not start"
for _ in $(seq 50); do [ -s "$work/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/munged.pid")")
munge --socket="$work/munge.sock" -n | unmunge --socket="$work/munge.sock" >/dev/null ||
  fail "munge cannot encode and decode a credential"

# One node, this machine; ports away from Slurm's defaults.
host="$(hostname -s)"
cpus="$(nproc)"
port=$((20000 + RANDOM % 20000))
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=vixhedge-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.sock
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -i || fail "slurmctld did not start"
for _ in $(seq 100); do [ -s "$work/slurmctld.pid" ] && break; sleep 0.1; done
[ -s "$work/slurmctld.pid" ] || fail "slurmctld wrote no pid file"
pids+=("$(cat "$work/slurmctld.pid")")
slurmd || fail "slurmd did not start"
for _ in $(seq 100); do [ -s "$work/slurmd.pid" ] && break; sleep 0.1; done
[ -s "$work/slurmd.pid" ] || fail "slurmd wrote no pid file"
pids+=("$(cat "$work/slurmd.pid")")
ready=false
for _ in $(seq 120); do
  if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then ready=true; break; fi
  sleep 0.5
done
$ready || fail "the node did not become idle in 60 s: $(sinfo -N 2>&1 | tr '\n' ' ')"
say "cluster up on $host ($cpus CPUs) after $((SECONDS - t0)) s"

# The study: small, all programs, on the CPU.
study=(--paths 1200 --horizon-days 21 --seed 17 --backend cpu)
VIXHEDGE="$bin" bash "$root/scripts/slurm/submit.sh" 4 "$work/study" "${study[@]}" >&2 ||
  fail "submitting the jobs"
read -r array merge <"$work/study/slurm-jobs"
# The one-process run while the cluster works.
"$bin" run "${study[@]}" --out "$work/single" >/dev/null 2>"$work/single.log" ||
  fail "the one-process run"

state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
deadline=$((SECONDS + 600))
while :; do
  s="$(state "$merge")"
  case "$s" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
      fail "the merge job $merge ended $s (array $array: $(squeue -h -j "$array" -o '%i %T' 2>&1 | tr '\n' ' '))" ;;
  esac
  [ "$SECONDS" -lt "$deadline" ] || fail "the jobs did not finish in 600 s (merge job: ${s:-unknown})"
  sleep 1
done
for task in 0 1 2 3; do
  s="$(state "${array}_$task")"
  [ "$s" = COMPLETED ] || fail "array task $task ended ${s:-unknown}"
  [ -f "$work/study/shard-$task/partial.json" ] || fail "shard $task wrote no partial.json"
done
[ -f "$work/study/merged/summary.json" ] || fail "the merge job wrote no summary.json"

python3 - "$work/study/merged/summary.json" "$work/single/summary.json" <<'EOF' || fail "the merged summary differs from the one-process run's"
import json, sys
# Run facts: how each run went, not what it found (RUN_FACT_KEYS in src/report/summary.rs).
facts = ["adapter", "elapsed_s", "path_steps_per_s", "resolved"]
merged, single = (json.load(open(p)) for p in sys.argv[1:3])
for d in (merged, single):
    for k in facts:
        d.pop(k)
if merged != single:
    def walk(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                walk(a.get(k), b.get(k), f"{path}.{k}")
        elif a != b:
            print(f"  {path}: merged {a!r}, one process {b!r}", file=sys.stderr)
    walk(merged, single, "summary")
    sys.exit(1)
print(f"slurm test: merged summary of 4 shards equals the one-process run ({merged['paths']} paths, {merged['config_hash']})", file=sys.stderr)
EOF
say "passed in $((SECONDS - t0)) s"
