"""Before/after table for two bench.py results: rung from BEFORE.json against rung and the
other tools from AFTER.json, on the cells both hold (same seeds), with medians, quartiles
and paired Wilcoxon tests (pairs = same seed).

Usage: python compare_runs.py BEFORE.json AFTER.json [--label-before old] [--label-after new]
Prints a markdown table.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import fmt, quartiles, wilcoxon_p  # noqa: E402


def cells(result):
    c = str(result["checkpoints"][-1])
    return {(q["function"], q["batch"], q["optimizer"]): q["regrets"][c] for q in result["quality"]}, c


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--label-before", default="rung before")
    ap.add_argument("--label-after", default="rung after")
    args = ap.parse_args()
    with open(args.before) as fh:
        before, c = cells(json.load(fh))
    with open(args.after) as fh:
        after, _ = cells(json.load(fh))
    others = sorted({k[2] for k in after} - {"rung"})
    print(f"| function | batch | {args.label_before} | {args.label_after} | before vs after p | "
          + " | ".join(f"{o} | {args.label_before} vs {o} p | {args.label_after} vs {o} p" for o in others) + " |")
    print("|" + "---|" * (5 + 3 * len(others)))
    for (fname, batch, opt), rb in sorted(before.items()):
        if opt != "rung" or (fname, batch, "rung") not in after:
            continue
        ra = after[(fname, batch, "rung")]

        def q(xs):
            med, q1, q3 = quartiles(xs)
            return f"{fmt(med)} [{fmt(q1)}, {fmt(q3)}]"
        row = [fname, str(batch), q(rb), q(ra), f"{wilcoxon_p(rb, ra):.3f}"]
        for o in others:
            ro = after.get((fname, batch, o))
            if ro is None:
                row += ["–", "–", "–"]
            else:
                row += [q(ro), f"{wilcoxon_p(rb, ro):.3f}", f"{wilcoxon_p(ra, ro):.3f}"]
        print("| " + " | ".join(row) + " |")
    print(f"\nRegret at {c} evaluations, median [first quartile, third quartile]; p: two-sided paired "
          "Wilcoxon signed-rank test over seeds.")


if __name__ == "__main__":
    main()
