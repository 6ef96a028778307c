#!/usr/bin/env bash
# Reproduces results/2026-12-01-frontier.md: sweeps over hedge designs on the
# calibrated model (hist-1990-2018) and on the block bootstrap of 1990-2018,
# and the sensitivity study. Needs the daily closes (Cboe's VIX_History.csv and
# S&P 500 closes, any layout of docs/history.md):
#
#   bash results/2026-12-01-frontier/run.sh SPX.csv VIX.csv [path/to/vixhedge] [OUT]
#
# The committed files are each sweep's sweep.csv, sweep.json, frontier.svg and
# report.md and the sensitivity study's sensitivity.json, report.md and
# tornado.svg; the per-point run directories (points/<i>/, variants/<i>/) are
# left out for their size and come back with this script.
set -euo pipefail
spx=$1
vix=$2
bin=${3:-vixhedge}
out=${4:-$(dirname "$0")}
common=(--preset hist-1990-2018 --paths 100000 --seed 20181231 --backend cpu
  --hedges none,alvh,static --set 'hedge.units_ladder=[0.5,1,2,5,10,20]')
for src in model bootstrap; do
  extra=()
  if [ "$src" = bootstrap ]; then
    extra=(--paths-from bootstrap --spx "$spx" --vix "$vix")
  fi
  # Strikes 0 to 50% out of the money of the VIX future, calls.
  "$bin" sweep "${common[@]}" "${extra[@]}" \
    --grid 'hedge.layers[*].strike.value=0,0.1,0.25,0.5' --out "$out/$src-strikes"
  # Tenors from 4 trading days to 3 months, re-entered often enough to hold
  # one to three positions a layer.
  "$bin" sweep "${common[@]}" "${extra[@]}" --zip \
    --grid 'hedge.layers[*].tenor_days=4,10,21,42,63' \
    --grid 'hedge.layers[*].every_days=4,5,7,14,21' --out "$out/$src-tenors"
  # VIX futures instead of calls.
  "$bin" sweep "${common[@]}" "${extra[@]}" \
    --grid 'hedge.layers[*].instrument="future"' --out "$out/$src-futures"
done
"$bin" sensitivity --preset hist-1990-2018 --paths 50000 --seed 20181231 --backend cpu \
  --hedges none,alvh --out "$out/sensitivity"
