#!/usr/bin/env python3
"""Compares every number of two summary.json files of the same study.

usage: compare.py COMMITTED.json NEW.json [REL ABS] [--usd-of-capital]

Walks both documents, pairs the numbers by their path (keys and list indices)
and counts those within REL relative or ABS absolute (defaults 2e-3 and 2e-4,
the stated agreement of summary numbers between the f32 kernels and the f64
books, docs/statistics.md). Run facts (timings, backend, adapter, hash, the
in-force block) are skipped. Prints the counts and the largest differences.

With --usd-of-capital, the absolute tolerance of the numbers the summary's
`units` block gives in USD (`pnl.*` and `hedge.*` of every line) is ABS times
the summary's capital, so that 2e-4 means 2e-4 of the capital (one bin of the
P&L histogram) for them as it does for the fractions.
"""
import json
import sys

SKIP = {"elapsed_s", "path_steps_per_s", "backend", "adapter", "config_hash", "resolved", "seed"}


def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k in SKIP and not path:
                continue
            if k not in b:
                out.append((path + [k], a[k], None))
                continue
            walk(a[k], b[k], path + [k], out)
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, path + [i], out)
        if len(a) != len(b):
            out.append((path + ["len"], len(a), len(b)))
    elif isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str):
        if a != b:
            out.append((path, a, b))
        else:
            out.append((path, None, None))
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        out.append((path, a, b))


def is_usd(path):
    """A number the summary gives in USD: strategies.<line>.pnl.* or .hedge.*,
    at the top level or under regimes.<regime>."""
    keys = [k for k in path if isinstance(k, str)]
    for i, k in enumerate(keys[:-1]):
        if k == "strategies" and i + 2 < len(keys) and keys[i + 2] in ("pnl", "hedge"):
            return True
    return False


def main():
    args = [x for x in sys.argv[1:] if x != "--usd-of-capital"]
    usd = len(args) < len(sys.argv) - 1
    a = json.load(open(args[0]))
    b = json.load(open(args[1]))
    rel = float(args[2]) if len(args) > 2 else 2e-3
    ab = float(args[3]) if len(args) > 3 else 2e-4
    capital = float(a.get("capital", 1.0))
    pairs = []
    walk(a, b, [], pairs)
    nums = [(p, x, y) for p, x, y in pairs if isinstance(x, (int, float)) and isinstance(y, (int, float))]
    other = [(p, x, y) for p, x, y in pairs if not (isinstance(x, (int, float)) and isinstance(y, (int, float))) and x != y]
    ok = 0
    bad = []
    for p, x, y in nums:
        d = abs(x - y)
        tol = ab * capital if usd and is_usd(p) else ab
        if d <= tol or d <= rel * max(abs(x), abs(y)):
            ok += 1
        else:
            bad.append((d / max(abs(x), abs(y), 1e-300), d, p, x, y))
    bad.sort(reverse=True)
    unit = f" ({ab:g} of the capital for USD numbers)" if usd else ""
    print(f"numbers compared: {len(nums)}; within {rel:g} relative or {ab:g} absolute{unit}: {ok}; outside: {len(bad)}")
    print(f"other differences (strings, missing keys): {len(other)}")
    for p, x, y in other[:20]:
        print("  ", ".".join(map(str, p)), repr(x)[:60], "->", repr(y)[:60])
    for r, d, p, x, y in bad[:30]:
        print(f"   {'.'.join(map(str, p))}: {x!r} -> {y!r} (abs {d:.3g}, rel {r:.3g})")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
