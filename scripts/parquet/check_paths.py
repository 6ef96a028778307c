"""Reads a run's paths.parquet with pyarrow, polars and pandas and checks it
against the run's summary.json.

    python check_paths.py RUN_DIR [SHARD_DIR...]

RUN_DIR: a `vixhedge run --export-paths` output directory. Checks one row per
path with the global indices 0..P-1 in order, each regime's row count, and
every mean the summary reports from the per-path values (max drawdown, P&L,
hedge premium and payoff of every line; max and first VIX, SPX return and max
drawdown), over all paths and per regime:

- exactly: the column's values summed as the reductions sum them (each value
  taken as an f32, the USD columns divided by the capital in f32, then
  rounded once to a multiple of 2^-48 and added as integers) reproduce the
  summary's mean bit for bit;
- and as a data-frame user computes it: the pandas and polars column means
  (float64 sums) agree with the summary within 2^-49 of the grid unit (the
  most the once-rounded values can move a mean: 1.8e-15 for fractions,
  1.8e-9 USD for the USD columns on a capital of 10^6 USD), plus, for the
  USD columns, 2^-24 of the mean absolute value (the f32 division), plus
  1e-12 relative (float64 summation of a few thousand values).

SHARD_DIRS: `run --shard I/N --export-paths` directories of the same study;
their rows, read as one dataset, must be the run's rows exactly.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow.parquet as pq

SCALE = 2.0**48
REL = 1e-12


def fail(msg):
    print(f"check_paths: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def exact_mean(values, divide=1.0, scale_back=1.0):
    """The reductions' mean: sum of round-half-even(f32(x) / f32(divide) *
    2^48) (the division in f32, none when divide is 1) as an integer,
    converted once to float, over 2^48, over n, times scale_back."""
    x = np.asarray(values, dtype=np.float32)
    if divide != 1.0:
        x = x / np.float32(divide)
    total = sum(round(float(v) * SCALE) for v in x)
    n = len(values)
    return float(total) / SCALE / n * scale_back if n else math.nan


def close(got, want, unit, mean_abs):
    """Within half a grid step of `unit` (1 or the capital), plus 2^-24 of
    the mean absolute value for a column divided in f32, plus REL relative."""
    f32 = mean_abs * 2.0**-24 if unit != 1.0 else 0.0
    return abs(got - want) <= unit / (2 * SCALE) + f32 + REL * max(abs(got), abs(want))


def main():
    run = Path(sys.argv[1])
    shards = [Path(p) for p in sys.argv[2:]]
    summary = json.loads((run / "summary.json").read_text())
    cap = summary["capital"]
    paths = summary["paths"]
    if summary["invalid_paths"] != 0:
        fail("the run has invalid paths")

    table = pq.read_table(run / "paths.parquet")
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    if meta.get("vixhedge.config_hash") != summary["config_hash"]:
        fail(f"config hash {meta.get('vixhedge.config_hash')} in the file, {summary['config_hash']} in the summary")
    df = table.to_pandas()
    pf = pl.read_parquet(run / "paths.parquet")
    if not (table.num_rows == len(df) == pf.height == paths):
        fail(f"rows: pyarrow {table.num_rows}, pandas {len(df)}, polars {pf.height}, summary {paths}")
    if df["path"].tolist() != list(range(paths)) or pf["path"].to_list() != list(range(paths)):
        fail("the path column is not 0..P-1 in order")
    lines = list(summary["strategies"].keys())
    want_cols = ["path", "regime", "max_vix", "first_vix", "spx_return", "spx_max_drawdown"]
    for i, name in enumerate(lines):
        want_cols += [f"{name}.max_drawdown", f"{name}.pnl"]
        if i > 0:
            want_cols += [f"{name}.premium", f"{name}.payoff"]
    if list(df.columns) != want_cols or pf.columns != want_cols:
        fail(f"columns {list(df.columns)[:8]}... expected {want_cols[:8]}...")

    checked = 0
    groups = [("all paths", df, pf, summary["strategies"], None)]
    for regime, rs in summary["regimes"].items():
        sub = df[df["regime"] == regime]
        psub = pf.filter(pl.col("regime") == regime)
        if len(sub) != rs["paths"] or psub.height != rs["paths"]:
            fail(f"{regime}: {len(sub)} rows (polars {psub.height}), summary {rs['paths']}")
        groups.append((regime, sub, psub, rs["strategies"], rs))

    for label, sub, psub, strategies, rs in groups:
        if len(sub) == 0:
            continue
        wanted = []
        if rs is not None:
            wanted += [
                ("max_vix", rs["max_vix_mean"], 1.0, 1.0),
                ("first_vix", rs["first_vix_mean"], 1.0, 1.0),
                ("spx_return", rs["spx_return_mean"], 1.0, 1.0),
                ("spx_max_drawdown", rs["spx_max_drawdown_mean"], 1.0, 1.0),
            ]
        for i, name in enumerate(lines):
            s = strategies[name]
            wanted += [
                (f"{name}.max_drawdown", s["max_drawdown"]["mean"], 1.0, 1.0),
                (f"{name}.pnl", s["pnl"]["mean"], cap, cap),
            ]
            if i > 0:
                wanted += [
                    (f"{name}.premium", s["hedge"]["premium_paid_mean"], cap, cap),
                    (f"{name}.payoff", s["hedge"]["hedge_payoff_mean"], cap, cap),
                ]
        for col, want, divide, back in wanted:
            exact = exact_mean(sub[col].tolist(), divide, back)
            if exact != want:
                fail(f"{label}: {col}: the exact mean {exact!r} is not the summary's {want!r}")
            for who, got in (("pandas", float(sub[col].mean())), ("polars", float(psub[col].mean()))):
                if not close(got, want, divide, float(sub[col].abs().mean())):
                    fail(f"{label}: {col}: {who} mean {got!r}, summary {want!r} (diff {abs(got - want):.3e})")
            checked += 1

    if shards:
        parts = [pq.read_table(d / "paths.parquet").to_pandas() for d in shards]
        joined = pd.concat(parts).sort_values("path").reset_index(drop=True)
        if not joined.equals(df):
            fail("the shards' rows, read together, are not the one-process run's rows")
        lazy = pl.concat([pl.scan_parquet(d / "paths.parquet") for d in shards]).sort("path").collect()
        if not lazy.equals(pf):
            fail("polars: the shards' rows are not the one-process run's rows")

    print(
        f"check_paths: {paths} rows, {len(want_cols)} columns; {checked} means reproduce summary.json "
        f"bit for bit on the 2^-48 grid, and as pandas/polars means within half a grid step (plus the f32 division for USD columns) and {REL:g} relative"
        + (f"; {len(shards)} shards hold exactly the same rows" if shards else ""),
        file=sys.stderr,
    )


main()
