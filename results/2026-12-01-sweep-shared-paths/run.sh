#!/usr/bin/env bash
# Measures what sharing the paths saves a sweep whose 16 points differ only
# in hedge keys (results/2026-12-01-sweep-shared-paths.md):
#
#   bash results/2026-12-01-sweep-shared-paths/run.sh [path/to/vixhedge] [PATHS] [OUT]
#
# For each program set (`none,alvh` and `none,alvh,static`) it times one run,
# a 16-point sweep over `hedge.units` (the points share their layers, so
# their marks) and a 16-point sweep over the layers' strike (16 sets of
# layers), all on the same paths of `hist-1990-2018`, and writes
# `measure.json`: wall seconds of each command (pricing tables and output
# files included) and the study seconds (`elapsed_s` of summary.json: the
# simulation and the books, once per study a sweep runs).
set -euo pipefail
bin=${1:-vixhedge}
paths=${2:-50000}
out=${3:-$(mktemp -d)}
mkdir -p "$out"
common=(--preset hist-1990-2018 --paths "$paths" --seed 1 --backend cpu)
units='hedge.units=0.5,1,1.5,2,2.5,3,3.5,4,4.5,5,5.5,6,6.5,7,7.5,8'
strikes='hedge.layers[*].strike.value=0,0.05,0.1,0.15,0.2,0.25,0.3,0.35,0.4,0.45,0.5,0.55,0.6,0.65,0.7,0.75'
rows=()
timed() {
  local name=$1
  shift
  rm -rf "${out:?}/$name"
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  local t0 t1
  t0=$(date +%s.%N)
  "$@" --out "$out/$name" >/dev/null 2>"$out/$name.log"
  t1=$(date +%s.%N)
  rows+=("$name $t0 $t1 $load")
}
for h in none,alvh none,alvh,static; do
  timed "run-$h" "$bin" run "${common[@]}" --hedges "$h"
  timed "units-$h" "$bin" sweep "${common[@]}" --hedges "$h" --grid "$units"
  timed "strikes-$h" "$bin" sweep "${common[@]}" --hedges "$h" --grid "$strikes"
done
printf '%s\n' "${rows[@]}" | python3 -c '
import glob, json, os, sys
out = sys.argv[1]
rec = {"paths": int(sys.argv[2]), "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t"),
       "cores": os.cpu_count(), "cases": []}
base = {}
for line in sys.stdin:
    name, t0, t1, load = line.split()
    d = os.path.join(out, name)
    files = sorted(glob.glob(d + "/points/*/summary.json")) or [d + "/summary.json"]
    studies = sorted({json.load(open(f))["elapsed_s"] for f in files})
    case = {"name": name, "points": len(files), "studies": len(studies),
            "wall_s": round(float(t1) - float(t0), 3), "study_s": round(sum(studies), 3),
            "load_average_at_start": float(load)}
    kind, hedges = name.split("-", 1)
    if kind == "run":
        base[hedges] = case
    else:
        b = base[hedges]
        case["wall_ratio_to_one_run"] = round(case["wall_s"] / b["wall_s"], 2)
        case["study_ratio_to_one_run"] = round(case["study_s"] / b["study_s"], 2)
    rec["cases"].append(case)
json.dump(rec, open(os.path.join(out, "measure.json"), "w"), indent=2)
print(json.dumps(rec, indent=2))
' "$out" "$paths"
