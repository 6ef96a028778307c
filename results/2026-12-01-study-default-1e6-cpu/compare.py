#!/usr/bin/env python3
"""Compares every number of two summary.json files of the same study.

usage: compare.py COMMITTED.json NEW.json [REL ABS]

Walks both documents, pairs the numbers by their path (keys and list indices)
and counts those within REL relative or ABS absolute (defaults 2e-3 and 2e-4,
the stated agreement of summary numbers between the f32 kernels and the f64
books, docs/statistics.md). Run facts (timings, backend, adapter, hash, the
in-force block) are skipped. Prints the counts and the largest differences.
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


def main():
    a = json.load(open(sys.argv[1]))
    b = json.load(open(sys.argv[2]))
    rel = float(sys.argv[3]) if len(sys.argv) > 3 else 2e-3
    ab = float(sys.argv[4]) if len(sys.argv) > 4 else 2e-4
    pairs = []
    walk(a, b, [], pairs)
    nums = [(p, x, y) for p, x, y in pairs if isinstance(x, (int, float)) and isinstance(y, (int, float))]
    other = [(p, x, y) for p, x, y in pairs if not (isinstance(x, (int, float)) and isinstance(y, (int, float))) and x != y]
    ok = 0
    bad = []
    for p, x, y in nums:
        d = abs(x - y)
        if d <= ab or d <= rel * max(abs(x), abs(y)):
            ok += 1
        else:
            bad.append((d / max(abs(x), abs(y), 1e-300), d, p, x, y))
    bad.sort(reverse=True)
    print(f"numbers compared: {len(nums)}; within {rel:g} relative or {ab:g} absolute: {ok}; outside: {len(bad)}")
    print(f"other differences (strings, missing keys): {len(other)}")
    for p, x, y in other[:20]:
        print("  ", ".".join(map(str, p)), repr(x)[:60], "->", repr(y)[:60])
    for r, d, p, x, y in bad[:30]:
        print(f"   {'.'.join(map(str, p))}: {x!r} -> {y!r} (abs {d:.3g}, rel {r:.3g})")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
